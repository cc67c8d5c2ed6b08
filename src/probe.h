/* probe: /probe?zone=NAME, every check of one zone run now, on request. */
#ifndef ZH_PROBE_H
#define ZH_PROBE_H

#include <stdbool.h>

struct config;
struct event_base;
struct http_async_page;
struct probe;
struct runner;
struct zone;

/* Probes run through r (the scheduled runs' runner: the same pacing and
 * caps), as cfg's probe settings say. */
struct probe *probe_new(struct event_base *, struct runner *r,
    const struct config *cfg);
/* A reloaded config's settings, for probes asked from now on; those
 * running finish under the settings they started with. */
void probe_configure(struct probe *, const struct config *);
/* What a probe request asks, each NULL when absent: zone=, format=
 * (json or prometheus), timeout= (seconds), and the Accept header. */
struct probe_args {
	const char	*zone;
	const char	*format;
	const char	*timeout;
	const char	*accept;
};
struct routes_reply;
/* The answer to a probe: r's body is the callee's to take (buf_steal)
 * or leave, to be freed after the call. */
typedef void (*probe_answer_fn)(struct routes_reply *r, void *cookie);

/*
 * A probe as args ask. False, r filled (404 off, 400, 403, 429), when
 * it is answered at once; true when it started: answer(r, cookie) comes
 * once, later, from the loop, unless probe_abandon(cookie) comes first.
 */
bool probe_begin(struct probe *, const struct probe_args *,
    struct routes_reply *r, probe_answer_fn, void *cookie);
/* The requester is gone: its probe's run is abandoned, no answer. */
void probe_abandon(struct probe *, void *cookie);
/* The /probe page, for http_set_async; it lives as long as the probe. */
const struct http_async_page *probe_page(struct probe *);
/* Whether z is a probe's zone: its run's completion is the probe's. */
bool probe_owns(const struct probe *, const struct zone *z);
/* The runner's completion for a probe's zone: it answers the request. */
void probe_run_done(struct probe *, struct zone *z, bool ok);
/* Abandons every probe (their requests are gone first: http_stop). */
void probe_free(struct probe *);

#endif
