/* runner: carries out one zone run and reports its completion. */
#ifndef ZH_RUNNER_H
#define ZH_RUNNER_H

#include <stdbool.h>

struct event_base;
struct runner;
struct zone;

/* Called once per started run; ok is false when the run could not be
 * carried out (not when it found problems). */
typedef void (*runner_done_fn)(struct zone *, bool ok, void *arg);

struct runner *runner_new(struct event_base *, runner_done_fn, void *arg);
/* Starts a run of z; its completion arrives through the callback, never
 * from inside this call. */
void runner_start(struct runner *, struct zone *);
/* Abandons z's run, if one is going; no callback follows. */
void runner_cancel(struct runner *, struct zone *);
void runner_free(struct runner *);

#endif
