/* probe: /probe?zone=NAME, every check of one zone run now, on request. */
#include "zhbuild.h"

#include <sys/queue.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "probe.h"
#include "ratelimit.h"
#include "render.h"
#include "routes.h"
#include "runner.h"
#include "snapshot.h"
#include "xmalloc.h"
#include "zone.h"

#define PROBE_PATH		"/probe"
#define PROBE_RETRY_AFTER	"5"	/* seconds, when all slots are busy */

/*
 * One probe: a zone of its own (not the scheduled one: a probe is for
 * diagnosis and leaves the watched zone's state and alerts alone), run
 * by the shared runner, answered to a suspended request.
 */
struct probe_req {
	struct probe		*p;
	probe_answer_fn		 answer;
	void			*cookie;	/* the request, to answer */
	struct zone		*z;		/* ours; z->cfg is cz */
	struct config_zone	*cz;		/* ours: name, a configured
						 * zone's hosts */
	bool			 json;
	bool			 om;		/* OpenMetrics asked for */
	uint64_t		 started_ms;
	struct event		*ev_timeout;
	LIST_ENTRY(probe_req)	 entry;
};

struct probe {
	struct event_base	*base;
	struct runner		*runner;
	const struct config	*cfg;		/* for the zones' hosts; current */
	bool			 enabled;
	char			**allow;	/* suffixes, normalised */
	size_t			 nallow;
	unsigned		 max_concurrent;
	uint64_t		 timeout_ms;
	/* Starts are paced as well as bounded: a client that asks again
	 * the moment each answer comes cannot make runs back to back. */
	struct ratelimit	 starts;
	unsigned		 running;
	LIST_HEAD(, probe_req)	 reqs;
	struct http_async_page	 page;
};

static bool probe_start(struct http_async *, struct routes_reply *, void *);
static void probe_cancel(struct http_async *, void *);

/* Whether name is suffix or below it, at a label boundary. */
static bool
probe_allowed(const struct probe *p, const char *name)
{
	size_t	i, nl = strlen(name), sl;

	for (i = 0; i < p->nallow; i++) {
		sl = strlen(p->allow[i]);
		if (strcmp(p->allow[i], ".") == 0 || strcmp(name, p->allow[i]) == 0)
			return true;
		if (nl > sl && strcmp(name + nl - sl, p->allow[i]) == 0 &&
		    name[nl - sl - 1] == '.')
			return true;
	}
	return false;
}

static void
probe_clear_allow(struct probe *p)
{
	size_t	i;

	for (i = 0; i < p->nallow; i++)
		free(p->allow[i]);
	free(p->allow);
	p->allow = NULL;
	p->nallow = 0;
}

void
probe_configure(struct probe *p, const struct config *cfg)
{
	const struct config_probe	*c = &cfg->probe;
	size_t				 i;

	p->cfg = cfg;
	p->enabled = c->enabled;
	probe_clear_allow(p);
	p->allow = xcalloc(c->nallow + 1, sizeof(*p->allow));
	for (i = 0; i < c->nallow; i++)
		p->allow[i] = xstrdup(c->allow[i]);
	p->nallow = c->nallow;
	p->max_concurrent = c->max_concurrent;
	p->timeout_ms = c->timeout_ms;
	ratelimit_set(&p->starts, c->max_concurrent, c->max_concurrent,
	    clock_mono_ms());
}

struct probe *
probe_new(struct event_base *base, struct runner *r, const struct config *cfg)
{
	struct probe	*p;

	p = xcalloc(1, sizeof(*p));
	p->base = base;
	p->runner = r;
	LIST_INIT(&p->reqs);
	ratelimit_init(&p->starts, cfg->probe.max_concurrent,
	    cfg->probe.max_concurrent, clock_mono_ms());
	probe_configure(p, cfg);
	p->page.path = PROBE_PATH;
	p->page.start = probe_start;
	p->page.cancel = probe_cancel;
	p->page.arg = p;
	return p;
}

const struct http_async_page *
probe_page(struct probe *p)
{
	return &p->page;
}

/* The probe's own config entry for name: a copy of the configured
 * zone's (its service hosts), as a reload may free the config while the
 * probe runs; a bare one for a zone the config does not have. */
static struct config_zone *
probe_zone_config(const struct config *cfg, const char *name)
{
	struct config_zone	*cz;
	const struct config_zone *from = NULL;
	size_t			 i;

	for (i = 0; cfg != NULL && i < cfg->nzones && from == NULL; i++)
		if (strcmp(cfg->zones[i].name, name) == 0)
			from = &cfg->zones[i];
	cz = xcalloc(1, sizeof(*cz));
	cz->name = xstrdup(name);
	if (from == NULL)
		return cz;
	cz->interval_ms = from->interval_ms;
	cz->nhosts = from->nhosts;
	cz->hosts = xcalloc(cz->nhosts + 1, sizeof(*cz->hosts));
	for (i = 0; i < cz->nhosts; i++) {
		cz->hosts[i].name = xstrdup(from->hosts[i].name);
		cz->hosts[i].port = from->hosts[i].port;
	}
	return cz;
}

static void
probe_req_free(struct probe_req *q)
{
	size_t	i;

	LIST_REMOVE(q, entry);
	q->p->running--;
	if (q->ev_timeout != NULL)
		event_free(q->ev_timeout);
	zone_free(q->z);
	for (i = 0; i < q->cz->nhosts; i++)
		free(q->cz->hosts[i].name);
	free(q->cz->hosts);
	free(q->cz->name);
	free(q->cz);
	free(q);
}

/* The answer: the zone's metrics (or its JSON) as the run left them. */
static void
probe_answer(struct probe_req *q, bool success)
{
	struct routes_reply	 r;
	struct snapshot		 st;
	struct zone_set		 one = { &q->z, 1 };
	double			 duration;

	duration = (double)(clock_mono_ms() - q->started_ms) / 1000;
	memset(&r, 0, sizeof(r));
	buf_init(&r.body);
	r.code = 200;
	if (q->json) {
		r.ctype = "application/json";
		if (q->z->checked)
			render_json_zone(&r.body, q->z);
		else {
			r.code = 504;
			render_json_error(&r.body, "the probe ran out of time");
		}
		buf_putc(&r.body, '\n');
	} else {
		memset(&st, 0, sizeof(st));
		st.zones = &one;
		r.ctype = q->om ? ROUTES_CTYPE_OPENMETRICS : ROUTES_CTYPE_METRICS;
		r.vary_accept = true;
		render_metrics_probe(&r.body, &st, success, duration, q->om);
	}
	log_debug("probe %s: %s in %.3fs", q->z->name, success ? "judged" :
	    "not judged", duration);
	q->answer(&r, q->cookie);
	buf_free(&r.body);
}

void
probe_run_done(struct probe *p, struct zone *z, bool ok)
{
	struct probe_req	*q;

	LIST_FOREACH(q, &p->reqs, entry)
		if (q->z == z)
			break;
	if (q == NULL)
		return;
	probe_answer(q, ok);
	probe_req_free(q);
}

bool
probe_owns(const struct probe *p, const struct zone *z)
{
	const struct probe_req	*q;

	LIST_FOREACH(q, &p->reqs, entry)
		if (q->z == z)
			return true;
	return false;
}

/* Out of time: the run is abandoned and answered as not judged. */
static void
probe_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_req	*q = arg;

	runner_cancel(q->p->runner, q->z);
	log_info("probe %s: cut short after %.1fs", q->z->name,
	    (double)(clock_mono_ms() - q->started_ms) / 1000);
	probe_answer(q, false);
	probe_req_free(q);
}

void
probe_abandon(struct probe *p, void *cookie)
{
	struct probe_req	*q;

	LIST_FOREACH(q, &p->reqs, entry)
		if (q->cookie == cookie)
			break;
	if (q == NULL)
		return;
	runner_cancel(p->runner, q->z);
	log_debug("probe %s: the client is gone; run abandoned", q->z->name);
	probe_req_free(q);
}

/* ?timeout= in seconds, at most the configured bound; 0 when bad. */
static uint64_t
probe_timeout_ms(const struct probe *p, const char *s)
{
	double	 v;
	char	*end;

	if (s == NULL)
		return p->timeout_ms;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v) || v <= 0)
		return 0;
	if (v * 1000 >= (double)p->timeout_ms)
		return p->timeout_ms;
	return v * 1000 < 1 ? 1 : (uint64_t)(v * 1000);
}

bool
probe_begin(struct probe *p, const struct probe_args *args,
    struct routes_reply *r, probe_answer_fn answer, void *cookie)
{
	struct probe_req	*q;
	struct timeval		 tv;
	const char		*zone = args->zone, *format = args->format;
	char			 name[ROUTES_NAME_MAX + 2];
	uint64_t		 timeout_ms, now = clock_mono_ms();

	if (!p->enabled) {
		routes_reply_text(r, 404, "probes are off (probe: enabled)\n");
		return false;
	}
	if (zone == NULL || routes_zone_name(zone, name, sizeof(name)) == -1) {
		routes_reply_text(r, 400, "zone= is missing or not a zone name\n");
		return false;
	}
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "prometheus") != 0) {
		routes_reply_text(r, 400, "format= is json or prometheus\n");
		return false;
	}
	if ((timeout_ms = probe_timeout_ms(p, args->timeout)) == 0) {
		routes_reply_text(r, 400, "timeout= is a number of seconds\n");
		return false;
	}
	if (!probe_allowed(p, name)) {
		routes_reply_text(r, 403, "zone not allowed (probe: allow)\n");
		return false;
	}
	if (p->running >= p->max_concurrent || !ratelimit_take(&p->starts, now)) {
		routes_reply_text(r, 429, "too many probes; retry later\n");
		r->retry_after = PROBE_RETRY_AFTER;
		return false;
	}
	q = xcalloc(1, sizeof(*q));
	q->p = p;
	q->answer = answer;
	q->cookie = cookie;
	q->cz = probe_zone_config(p->cfg, name);
	q->z = zone_new(q->cz);
	q->json = format != NULL && strcmp(format, "json") == 0;
	q->om = routes_accept_openmetrics(args->accept);
	q->started_ms = now;
	LIST_INSERT_HEAD(&p->reqs, q, entry);
	p->running++;
	tv = clock_tv_ms(timeout_ms);
	if ((q->ev_timeout = evtimer_new(p->base, probe_timeout_cb, q)) == NULL ||
	    evtimer_add(q->ev_timeout, &tv) == -1)
		fatalx("probe: cannot arm the timer");
	log_debug("probe %s: started", name);
	runner_start(p->runner, q->z);
	return true;
}

/* The page's side: a request's arguments in, its answer out. */
static void
probe_http_answer(struct routes_reply *r, void *cookie)
{
	http_async_done(cookie, r);
}

static bool
probe_start(struct http_async *a, struct routes_reply *r, void *arg)
{
	struct probe_args	args;

	args.zone = http_async_arg(a, "zone");
	args.format = http_async_arg(a, "format");
	args.timeout = http_async_arg(a, "timeout");
	args.accept = http_async_header(a, "Accept");
	return probe_begin(arg, &args, r, probe_http_answer, a);
}

/* The request went first (the server stopped): the probe is dropped. */
static void
probe_cancel(struct http_async *a, void *arg)
{
	probe_abandon(arg, a);
}

void
probe_free(struct probe *p)
{
	struct probe_req	*q;

	if (p == NULL)
		return;
	while ((q = LIST_FIRST(&p->reqs)) != NULL) {
		runner_cancel(p->runner, q->z);
		probe_req_free(q);
	}
	probe_clear_allow(p);
	free(p);
}
