/* once: --once: every zone run once, diagnoses printed, exit by severity. */
#include "zhbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "finding.h"
#include "log.h"
#include "once.h"
#include "query.h"
#include "render.h"
#include "runner.h"
#include "sched.h"
#include "snapshot.h"
#include "zone.h"

struct once {
	struct event_base	*base;
	struct sched		*sched;
	struct runner		*runner;
	struct event		*ev_sched;
	size_t			 remaining;
	uint64_t		 runs_failed;
};

static void
once_start_due(evutil_socket_t fd, short what, void *arg)
{
	struct once		*o = arg;
	struct sched_entry	*e;

	while ((e = sched_pop_due(o->sched, clock_mono_ms())) != NULL)
		runner_start(o->runner, e->arg);
}

static void
once_run_done(struct zone *z, bool ok, void *arg)
{
	struct once	*o = arg;
	struct timeval	 now = { 0, 0 };

	if (!ok)
		o->runs_failed++;
	sched_remove(o->sched, &z->sched);
	if (--o->remaining == 0)
		event_base_loopbreak(o->base);
	else if (evtimer_add(o->ev_sched, &now) == -1)
		fatalx("cannot arm the scheduler timer");
}

static void
once_count_queries(const struct query_server_stats *s, void *arg)
{
	uint64_t	*total = arg;
	int		 t, c;

	for (t = 0; t < 2; t++)
		for (c = 0; c < QUERY_COUNT_MAX; c++)
			if (c != QUERY_COUNT_MISMATCHED)
				*total += s->counts[t][c];
}

/* A human summary: per zone its status, then each finding. */
static void
once_print_text(const struct zone_set *zones)
{
	const struct zone	*z;
	const struct finding	*f;
	size_t			 i, j;
	int			 c;

	for (i = 0; i < zones->n; i++) {
		z = zones->v[i];
		printf("%s  %s\n", z->name, zone_status_name(z));
		for (c = 0; c < CHECK_MAX; c++)
			if (z->check_status[c] == CHECK_STATUS_UNKNOWN)
				printf("  %s: could not run\n", check_name(c));
		for (j = 0; j < z->findings.n; j++) {
			f = &z->findings.v[j];
			printf("  %s %s/%s", severity_name(f->severity),
			    check_name(f->check), cause_name(f->cause));
			if (f->server != NULL)
				printf(" %s", f->server);
			if (f->address != NULL)
				printf(" %s", f->address);
			printf("\n    %s\n", f->summary);
			if (f->evidence != NULL && f->evidence[0] != '\0')
				printf("    evidence: %s\n", f->evidence);
			if (f->fix != NULL && f->fix[0] != '\0')
				printf("    fix: %s\n", f->fix);
		}
	}
}

/* 0 ok, 1 warning, 2 critical; 3 when a zone could not be judged at all. */
static int
once_exit_code(const struct zone_set *zones)
{
	int	code = 0, unknown = 0;
	size_t	i;

	for (i = 0; i < zones->n; i++) {
		if (strcmp(zone_status_name(zones->v[i]), "unknown") == 0)
			unknown = 1;
		else if ((int)zones->v[i]->status > code)
			code = (int)zones->v[i]->status;
	}
	return code == 0 && unknown ? 3 : code;
}

int
once_main(const struct options *opts)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	struct zone_set		 zones = { NULL, 0 };
	struct once		 o;
	struct snapshot		 st;
	struct buf		 out;
	struct timeval		 now = { 0, 0 };
	uint64_t		 queries, t0 = clock_mono_ms();
	size_t			 i;
	int			 code;

	if ((cfg = daemon_load_config(opts, &errs)) == NULL) {
		cfgerr_print(&errs, stderr);
		cfgerr_clear(&errs);
		return EXIT_CONFIG;
	}
	cfgerr_clear(&errs);
	log_set_level(cfg->log_level);

	memset(&o, 0, sizeof(o));
	if ((o.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	o.sched = sched_new(cfg->max_concurrent_runs, (uint64_t)time(NULL));
	o.runner = runner_new(o.base, cfg, once_run_done, &o);
	/* One pass: each run's bursts go out after its own queries and it is
	 * judged after them, so an RRL failing resolvers now shows now. */
	runner_bursts_first(o.runner, true);
	if ((o.ev_sched = evtimer_new(o.base, once_start_due, &o)) == NULL)
		fatalx("cannot create the scheduler timer");
	zone_set_sync(&zones, cfg, NULL, NULL);
	for (i = 0; i < zones.n; i++)
		sched_add_at(o.sched, &zones.v[i]->sched, 0);
	o.remaining = zones.n;
	if (o.remaining > 0) {
		if (evtimer_add(o.ev_sched, &now) == -1)
			fatalx("cannot arm the scheduler timer");
		if (event_base_dispatch(o.base) == -1)
			fatalx("event loop failed");
	}

	queries = 0;
	query_engine_foreach_server(runner_engine(o.runner), once_count_queries,
	    &queries);
	log_info("%zu zones, %llu queries in %.3fs", zones.n,
	    (unsigned long long)queries, (double)(clock_mono_ms() - t0) / 1000);

	if (opts->format == OUTPUT_JSON) {
		memset(&st, 0, sizeof(st));
		st.zones = &zones;
		buf_init(&out);
		render_json_zones(&out, &st);
		fwrite(out.data, 1, out.len, stdout);
		putchar('\n');
		buf_free(&out);
	} else
		once_print_text(&zones);
	code = once_exit_code(&zones);

	runner_free(o.runner);
	sched_free(o.sched);
	event_free(o.ev_sched);
	event_base_free(o.base);
	zone_set_clear(&zones, true);
	config_free(cfg);
	libevent_global_shutdown();
	return code;
}
