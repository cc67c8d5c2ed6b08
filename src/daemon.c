/* daemon: the long-running service: event loop, signals, reloads, runs. */
#include "zhbuild.h"

#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "probe.h"
#include "runner.h"
#include "sched.h"
#include "sdlisten.h"
#include "statefile.h"
#include "snapshot.h"
#include "webconfig.h"
#include "xmalloc.h"
#include "zone.h"

#define DAEMON_STATE_SAVE_S	30	/* state_file written at most this often */
#define DAEMON_TICK_S		10	/* systemd STATUS= refresh */

struct daemon {
	struct options		 opts;		/* paths made absolute */
	char			*config_abspath;
	char			*web_abspath;
	struct event_base	*base;
	struct config		*cfg;
	struct zone_set		 zones;
	struct sched		*sched;
	struct runner		*runner;
	struct probe		*probe;		/* /probe: runs on request */
	struct http		*http;
	bool			 fixed_listen;	/* sockets from the command line
						 * or systemd, not listen: */
	struct event		*ev_term;
	struct event		*ev_int;
	struct event		*ev_hup;
	struct event		*ev_sched;
	struct event		*ev_state;
	struct event		*ev_tick;
	struct snapshot_cache	 cache;		/* rendered pages, for HTTP */
	bool			 watchdog;	/* WatchdogSec= set */
	uint64_t		 runs_unsaved;	/* completed since the last save */
	bool			 reload_ok;
	time_t			 reload_success_time;
	time_t			 start_time;
	uint64_t		 runs_started;
	uint64_t		 runs_failed;
};

/* Frees a zone entry the selection below did not keep. */
static void
daemon_config_zone_release(struct config_zone *cz)
{
	size_t	i;

	for (i = 0; i < cz->nhosts; i++)
		free(cz->hosts[i].name);
	free(cz->hosts);
	free(cz->name);
	cz->name = NULL;
	cz->hosts = NULL;
	cz->nhosts = 0;
}

/*
 * Narrows cfg's zones to the --zone names, in the order given. A zone the
 * file has keeps its overrides; one it lacks gets the global defaults.
 * The names were validated when the command line was parsed.
 */
static void
daemon_select_zones(struct config *cfg, const struct options *opts)
{
	struct config_zone	*sel;
	const char		*why;
	char			*name;
	size_t			 i, j, n = 0;

	sel = xcalloc(opts->nzones, sizeof(*sel));
	for (i = 0; i < opts->nzones; i++) {
		if (value_parse_domain(opts->zones[i], &name, &why) == -1)
			fatalx("--zone %s: %s", opts->zones[i], why);
		for (j = 0; j < n && strcmp(sel[j].name, name) != 0; j++)
			;
		if (j < n) {
			free(name);
			continue;
		}
		for (j = 0; j < cfg->nzones; j++)
			if (cfg->zones[j].name != NULL &&
			    strcmp(cfg->zones[j].name, name) == 0)
				break;
		if (j < cfg->nzones) {
			sel[n] = cfg->zones[j];		/* moved, not copied */
			cfg->zones[j].name = NULL;
			cfg->zones[j].hosts = NULL;
			cfg->zones[j].nhosts = 0;
			free(name);
		} else {
			sel[n].name = name;
			sel[n].interval_ms = cfg->interval_ms;
		}
		n++;
	}
	for (j = 0; j < cfg->nzones; j++)
		daemon_config_zone_release(&cfg->zones[j]);
	free(cfg->zones);
	cfg->zones = sel;
	cfg->nzones = n;
}

struct config *
daemon_load_config(const struct options *opts, struct cfgerr *errs)
{
	struct config	*cfg;
	const char	*path = opts->config_path;
	int		 flags = opts->nzones > 0 ? 0 : CONFIG_ZONES_REQUIRED;

	if (path == NULL && !(opts->once && opts->nzones > 0))
		path = CONFIG_DEFAULT_PATH;
	if (path != NULL)
		cfg = config_load(path, flags, errs);
	else
		cfg = config_default(errs);
	if (cfg != NULL && opts->shard_count > 0) {
		cfg->shard_index = opts->shard_index;
		cfg->shard_count = opts->shard_count;
	}
	if (cfg != NULL && opts->nzones > 0)
		daemon_select_zones(cfg, opts);
	/* --once serves nothing: its certificates need not be readable. */
	if (cfg != NULL && !opts->once) {
		path = opts->web_config_file != NULL ? opts->web_config_file :
		    cfg->web_config_file;
		if (path != NULL &&
		    (cfg->web = webconfig_load(path, errs)) == NULL) {
			config_free(cfg);
			return NULL;
		}
	}
	return cfg;
}

static void
daemon_sched_arm(struct daemon *d)
{
	uint64_t	next, now;
	struct timeval	tv;

	next = sched_next_wakeup(d->sched);
	if (next == SCHED_NEVER) {
		evtimer_del(d->ev_sched);
		return;
	}
	now = clock_mono_ms();
	tv = clock_tv_ms(next > now ? next - now : 0);
	if (evtimer_add(d->ev_sched, &tv) == -1)
		fatalx("cannot arm the scheduler timer");
}

static void
daemon_sched_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon		*d = arg;
	struct sched_entry	*e;
	uint64_t		 now = clock_mono_ms();

	while ((e = sched_pop_due(d->sched, now)) != NULL) {
		d->runs_started++;
		runner_start(d->runner, e->arg);
	}
	daemon_sched_arm(d);
}

static void
daemon_run_done(struct zone *z, bool ok, void *arg)
{
	struct daemon	*d = arg;

	/* A probe's zone is no watched zone: its result is the probe's. */
	if (probe_owns(d->probe, z)) {
		probe_run_done(d->probe, z, ok);
		return;
	}
	if (!ok)
		d->runs_failed++;
	d->runs_unsaved++;
	sched_done(d->sched, &z->sched, clock_mono_ms(), ok);
	daemon_sched_arm(d);
}

/* Makes cfg current: zones kept keep their state and schedule. */
static void
daemon_apply(struct daemon *d, struct config *cfg)
{
	struct zone_set	 added = { NULL, 0 }, removed = { NULL, 0 };
	struct zone	*z;
	uint64_t	 now = clock_mono_ms();
	size_t		 i;

	log_set_level(cfg->log_level);
	runner_configure(d->runner, cfg);
	sched_set_max_running(d->sched, cfg->max_concurrent_runs);
	zone_set_sync(&d->zones, cfg, &added, &removed);
	for (i = 0; i < removed.n; i++) {
		z = removed.v[i];
		runner_cancel(d->runner, z);
		sched_remove(d->sched, &z->sched);
		log_info("zone %s: no longer watched", z->name);
		zone_free(z);
	}
	for (i = 0; i < d->zones.n; i++) {
		z = d->zones.v[i];
		sched_set_interval(d->sched, &z->sched, z->cfg->interval_ms, now);
	}
	/* New zones run as soon as run slots allow: a short list at once. */
	for (i = 0; i < added.n; i++)
		sched_add(d->sched, &added.v[i]->sched, now,
		    sched_spread_ms(added.n, cfg->max_concurrent_runs,
		    added.v[i]->sched.interval_ms));
	if (d->cfg != NULL)
		log_info("config: %zu zones (%zu added, %zu removed)",
		    d->zones.n, added.n, removed.n);
	zone_set_clear(&added, false);
	zone_set_clear(&removed, false);
	config_free(d->cfg);
	d->cfg = cfg;
	daemon_sched_arm(d);
}

static void
daemon_status(struct snapshot *st, void *arg)
{
	struct daemon	*d = arg;

	memset(st, 0, sizeof(*st));
	st->zones = &d->zones;
	st->reload_ok = d->reload_ok;
	st->reload_success_time = d->reload_success_time;
	st->start_time = d->start_time;
	st->runs_started = d->runs_started;
	st->runs_failed = d->runs_failed;
	st->runs_running = sched_running(d->sched);
	st->runs_queued = sched_due(d->sched, clock_mono_ms());
	st->schedule_lag_s = (double)sched_lag_ms(d->sched, clock_mono_ms()) / 1000;
	st->engine = runner_engine(d->runner);
	st->bursts = runner_burster(d->runner);
	st->infra = runner_infra(d->runner);
	st->cache = &d->cache;
	st->server_detail = d->cfg != NULL && d->cfg->server_detail_metrics;
	st->shard_index = d->cfg != NULL ? d->cfg->shard_index : 1;
	st->shard_count = d->cfg != NULL ? d->cfg->shard_count : 1;
}

/* Said whenever users are taken on without TLS. */
static void
daemon_web_warn(const struct webconfig *web)
{
	if (web != NULL && web->nusers > 0 && !web->tls)
		log_warnx("%s: basic auth without TLS: passwords cross the "
		    "network in the clear", web->path);
}

static void
daemon_log_listening(const struct http *http, const char *web)
{
	size_t	i;

	for (i = 0; i < http_nlisteners(http); i++)
		log_info("listening on %s://%s/ (%s)",
		    http_tls(http) ? "https" : "http", http_bound(http, i), web);
}

/*
 * The listening sockets for a first start: systemd's with
 * --web.systemd-socket, else one per --web.listen-address, else listen:
 * of cfg. -1 with *err set (the sockets made so far closed).
 */
static int
daemon_sockets(struct daemon *d, const struct config *cfg, int **fds,
    size_t *n, char **err)
{
	struct value_addr	 addr;
	const char		*why;
	size_t			 i;

	*err = NULL;
	if (d->opts.systemd_socket)
		return sdlisten_fds(fds, n, err);
	*n = d->opts.nlisten > 0 ? d->opts.nlisten : 1;
	*fds = xcalloc(*n, sizeof(**fds));
	for (i = 0; i < *n; i++) {
		if (d->opts.nlisten == 0)
			addr = cfg->listen_addr;
		else if (value_parse_listen(d->opts.listen_addrs[i], &addr,
		    &why) == -1) {
			*err = xasprintf("--web.listen-address %s: %s",
			    d->opts.listen_addrs[i], why);
			break;
		}
		if (((*fds)[i] = http_bind(&addr, err)) == -1)
			break;
	}
	if (i == *n)
		return 0;
	while (i-- > 0)
		close((*fds)[i]);
	free(*fds);
	*fds = NULL;
	return -1;
}

/*
 * A server for cfg: on a new socket when again is NULL, else on again's
 * (a reload changing TLS). The server takes cfg->web. NULL, logged, when
 * it cannot start.
 */
static struct http *
daemon_listen(struct daemon *d, struct config *cfg, const struct http *again)
{
	struct http		*http;
	struct webconfig	*web = cfg->web;
	char			*err = NULL, desc[256];
	int			*fds;
	size_t			 n;

	webconfig_describe(web, desc, sizeof(desc));
	daemon_web_warn(web);
	cfg->web = NULL;
	if (again != NULL)
		http = http_start_on(again, web, &err);
	else if (daemon_sockets(d, cfg, &fds, &n, &err) == -1) {
		webconfig_free(web);
		http = NULL;
	} else {
		http = http_start(d->base, fds, n, web, daemon_status, d, &err);
		free(fds);
	}
	if (http != NULL)
		http_set_async(http, probe_page(d->probe));
	if (http == NULL) {
		if (d->fixed_listen)
			log_error("%s", err);
		else
			log_error("listen %s: %s", cfg->listen, err);
		free(err);
		return NULL;
	}
	daemon_log_listening(http, desc);
	return http;
}

/* "120 zones: 117 ok, 2 warning, 1 critical, 0 unknown; 3410 runs" */
static void
daemon_status_line(const struct daemon *d, char *out, size_t len)
{
	size_t		 n[4] = { 0 }, i;
	const char	*s;

	for (i = 0; i < d->zones.n; i++) {
		s = zone_status_name(d->zones.v[i]);
		n[strcmp(s, "ok") == 0 ? 0 : strcmp(s, "warning") == 0 ? 1 :
		    strcmp(s, "critical") == 0 ? 2 : 3]++;
	}
	snprintf(out, len, "%zu zones: %zu ok, %zu warning, %zu critical, "
	    "%zu unknown; %llu runs%s", d->zones.n, n[0], n[1], n[2], n[3],
	    (unsigned long long)d->runs_started,
	    d->reload_ok ? "" : "; last reload refused");
}

static void
daemon_notify_ready(struct daemon *d)
{
	char	status[256];

	daemon_status_line(d, status, sizeof(status));
	notify_ready(status);
}

/* Every few seconds: systemd's STATUS= line, and the watchdog when the
 * unit has WatchdogSec= (pinged from the loop: a stuck loop is killed). */
static void
daemon_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon	*d = arg;
	char		 status[256];

	daemon_status_line(d, status, sizeof(status));
	notify_status(status);
	if (d->watchdog)
		notify_watchdog();
}

/* Pages rendered before a reload are not what the daemon is after it. */
static void
daemon_cache_clear(struct daemon *d)
{
	int	i;

	for (i = 0; i < SNAPSHOT_PAGE_MAX; i++) {
		free(d->cache.page[i].data);
		d->cache.page[i].data = NULL;
		d->cache.page[i].at_ms = 0;
	}
}

/* A reload that cannot be made: the running config stays. */
static void
daemon_reload_refused(struct daemon *d, struct config *cfg)
{
	log_error("reload refused; the running config stays");
	config_free(cfg);
	d->reload_ok = false;
	daemon_notify_ready(d);
}

/* SIGHUP: all or nothing; on any error the running config stays. */
static void
daemon_reload(struct daemon *d)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	struct http		*http = NULL;
	char			 desc[256];
	size_t			 i;

	daemon_cache_clear(d);
	notify_reloading();
	log_info("reloading %s", d->config_abspath != NULL ?
	    d->config_abspath : "the command-line config");
	if ((cfg = daemon_load_config(&d->opts, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			log_error("%s", errs.msgs[i]);
		log_error("reload refused (%zu error%s); the running config stays",
		    errs.n, errs.n == 1 ? "" : "s");
		cfgerr_clear(&errs);
		d->reload_ok = false;
		daemon_notify_ready(d);
		return;
	}
	cfgerr_clear(&errs);
	/* A new address or new TLS (certificates renewed in place too): a
	 * new server, started before the old one lets go. The same TLS: the
	 * running server, with the users read now. */
	if (strcmp(cfg->listen, d->cfg->listen) != 0 && d->fixed_listen)
		log_info("listen: changed to %s in the config, ignored: the "
		    "sockets come from the %s", cfg->listen,
		    d->opts.systemd_socket ? "service manager" : "command line");
	if (strcmp(cfg->listen, d->cfg->listen) != 0 && !d->fixed_listen) {
		if ((http = daemon_listen(d, cfg, NULL)) == NULL) {
			daemon_reload_refused(d, cfg);
			return;
		}
	} else if (!webconfig_same_tls(http_webconfig(d->http), cfg->web)) {
		if ((http = daemon_listen(d, cfg, d->http)) == NULL) {
			daemon_reload_refused(d, cfg);
			return;
		}
	} else {
		webconfig_describe(cfg->web, desc, sizeof(desc));
		daemon_web_warn(cfg->web);
		http_set_auth(d->http, cfg->web);
		cfg->web = NULL;
		log_info("web config: %s", desc);
	}
	if (http != NULL) {
		http_replace(d->http, http);
		d->http = http;
	}
	daemon_apply(d, cfg);
	probe_configure(d->probe, d->cfg);
	d->reload_ok = true;
	d->reload_success_time = time(NULL);
	daemon_notify_ready(d);
}

static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	switch (sig) {
	case SIGHUP:
		daemon_reload(d);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		notify_stopping();
		event_base_loopbreak(d->base);
		break;
	}
}

static struct event *
daemon_signal(struct daemon *d, int sig)
{
	struct event	*ev;

	if ((ev = evsignal_new(d->base, sig, daemon_signal_cb, d)) == NULL ||
	    evsignal_add(ev, NULL) == -1)
		fatalx("cannot watch signal %d", sig);
	return ev;
}

/* Detaches from the terminal; the parent exits once the child owns the loop. */
static void
daemon_detach(struct daemon *d)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	log_init(NULL, 1);
	if (event_reinit(d->base) == -1)
		fatalx("event_reinit failed after fork");
}

/* Saves the zones' state when state_file is set and runs completed since. */
static void
daemon_state_save(struct daemon *d, bool always)
{
	char	err[512];

	if (d->cfg == NULL || d->cfg->state_file == NULL ||
	    (!always && d->runs_unsaved == 0))
		return;
	if (statefile_save(d->cfg->state_file, &d->zones, err, sizeof(err)) == -1)
		log_warnx("state file not saved: %s", err);
	else
		d->runs_unsaved = 0;
}

static void
daemon_state_cb(evutil_socket_t fd, short what, void *arg)
{
	daemon_state_save(arg, false);
}

/* Since-times, serials and expiry from before the restart, if kept. */
static void
daemon_state_load(struct daemon *d)
{
	char	err[512];

	if (d->cfg->state_file == NULL)
		return;
	switch (statefile_load(d->cfg->state_file, &d->zones, err, sizeof(err))) {
	case 0:
		log_info("state: %s read", d->cfg->state_file);
		break;
	case 1:
		log_info("state: %s does not exist yet", d->cfg->state_file);
		break;
	default:
		log_warnx("state file %s ignored: %s", d->cfg->state_file, err);
		break;
	}
}

static void
daemon_free(struct daemon *d)
{
	int	i;

	daemon_state_save(d, true);
	http_stop(d->http);
	probe_free(d->probe);
	runner_free(d->runner);
	sched_free(d->sched);
	zone_set_clear(&d->zones, true);
	config_free(d->cfg);
	if (d->ev_term != NULL)
		event_free(d->ev_term);
	if (d->ev_int != NULL)
		event_free(d->ev_int);
	if (d->ev_hup != NULL)
		event_free(d->ev_hup);
	if (d->ev_sched != NULL)
		event_free(d->ev_sched);
	if (d->ev_state != NULL)
		event_free(d->ev_state);
	if (d->ev_tick != NULL)
		event_free(d->ev_tick);
	for (i = 0; i < SNAPSHOT_PAGE_MAX; i++)
		free(d->cache.page[i].data);
	if (d->base != NULL)
		event_base_free(d->base);
	free(d->config_abspath);
	free(d->web_abspath);
}

int
daemon_main(const struct options *opts)
{
	struct daemon		 d;
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	char			 resolved[PATH_MAX];
	size_t			 i;

	memset(&d, 0, sizeof(d));
	d.opts = *opts;
	d.fixed_listen = opts->systemd_socket || opts->nlisten > 0;
	d.start_time = time(NULL);
	/* Reloads happen after chdir("/"): remember where the file is. */
	if (opts->config_path != NULL &&
	    realpath(opts->config_path, resolved) != NULL) {
		d.config_abspath = xstrdup(resolved);
		d.opts.config_path = d.config_abspath;
	}
	if (opts->web_config_file != NULL &&
	    realpath(opts->web_config_file, resolved) != NULL) {
		d.web_abspath = xstrdup(resolved);
		d.opts.web_config_file = d.web_abspath;
	}
	if ((cfg = daemon_load_config(&d.opts, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			log_error("%s", errs.msgs[i]);
		cfgerr_clear(&errs);
		free(d.config_abspath);
		free(d.web_abspath);
		return EXIT_CONFIG;
	}
	cfgerr_clear(&errs);
	log_set_level(cfg->log_level);

	if ((d.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	d.sched = sched_new(cfg->max_concurrent_runs,
	    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	d.runner = runner_new(d.base, cfg, daemon_run_done, &d);
	d.probe = probe_new(d.base, d.runner, cfg);
	if ((d.ev_sched = evtimer_new(d.base, daemon_sched_cb, &d)) == NULL)
		fatalx("cannot create the scheduler timer");
	if ((d.http = daemon_listen(&d, cfg, NULL)) == NULL) {
		config_free(cfg);
		daemon_free(&d);
		libevent_global_shutdown();
		return EXIT_FAILURE;
	}
	if (!opts->foreground)
		daemon_detach(&d);
	d.ev_term = daemon_signal(&d, SIGTERM);
	d.ev_int = daemon_signal(&d, SIGINT);
	d.ev_hup = daemon_signal(&d, SIGHUP);

	daemon_apply(&d, cfg);
	daemon_state_load(&d);
	{
		struct timeval	every = { DAEMON_STATE_SAVE_S, 0 };

		if ((d.ev_state = event_new(d.base, -1, EV_PERSIST, daemon_state_cb,
		    &d)) == NULL || event_add(d.ev_state, &every) == -1)
			fatalx("cannot create the state timer");
	}
	{
		uint64_t	wd = notify_watchdog_usec();
		struct timeval	tick = { DAEMON_TICK_S, 0 };

		/* Ping at a third of the watchdog period, or every tick. */
		if (wd > 0) {
			d.watchdog = true;
			if (wd / 3 < (uint64_t)DAEMON_TICK_S * 1000000) {
				tick.tv_sec = (time_t)(wd / 3 / 1000000);
				tick.tv_usec = (suseconds_t)(wd / 3 % 1000000);
			}
		}
		if ((d.ev_tick = event_new(d.base, -1, EV_PERSIST, daemon_tick_cb,
		    &d)) == NULL || event_add(d.ev_tick, &tick) == -1)
			fatalx("cannot create the status timer");
	}
	d.reload_ok = true;
	d.reload_success_time = time(NULL);
	log_info("%s %s started: %zu zones", PACKAGE_NAME, PACKAGE_VERSION,
	    d.zones.n);
	daemon_notify_ready(&d);

	if (event_base_dispatch(d.base) == -1)
		log_error("event loop failed");
	daemon_free(&d);
	libevent_global_shutdown();
	log_info("stopped");
	return EXIT_SUCCESS;
}
