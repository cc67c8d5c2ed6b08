/* runner: one zone run: gather the evidence, judge it, record the findings. */
#ifndef ZH_RUNNER_H
#define ZH_RUNNER_H

#include <stdbool.h>

struct config;
struct event_base;
struct burster;
struct infra;
struct query_engine;
struct runner;
struct zone;

/* Called once per started run, after the zone's state is updated; ok is
 * false when the run could not judge the zone (not when it found problems). */
typedef void (*runner_done_fn)(struct zone *, bool ok, void *arg);

/* Owns the query engine and the infra cache, shared by every run. */
struct runner *runner_new(struct event_base *, const struct config *,
    runner_done_fn, void *arg);
/* A reloaded config: new limits and root hints; runs going on finish. */
void runner_configure(struct runner *, const struct config *);
/* Starts a run of z; its completion arrives through the callback, never
 * from inside this call. */
void runner_start(struct runner *, struct zone *);
/* Abandons z's run, if one is going; no callback follows. */
void runner_cancel(struct runner *, struct zone *);
void runner_free(struct runner *);
/* --once: a run's bursts go out once its own queries are done, and the run
 * is judged after them (in the daemon they show in the next run). */
void runner_bursts_first(struct runner *, bool);

const struct query_engine *runner_engine(const struct runner *);
const struct infra *runner_infra(const struct runner *);
const struct burster *runner_burster(const struct runner *);

#endif
