/* sched: when each zone runs; pure arithmetic over a caller-supplied clock. */
#ifndef ZH_SCHED_H
#define ZH_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_NEVER		UINT64_MAX
#define SCHED_BACKOFF_CAP_MS	(60u * 60 * 1000)	/* backoff stops growing at 1h */

/* Embedded in whatever is scheduled; all times are monotonic milliseconds. */
struct sched_entry {
	uint64_t	 due_ms;
	uint64_t	 started_ms;
	uint64_t	 interval_ms;
	unsigned	 failures;	/* consecutive failed runs */
	size_t		 heap_index;	/* position in the queue, or SIZE_MAX */
	bool		 running;
	void		*arg;
};

struct sched;

/* max_running caps concurrent runs; seed drives the jitter (tests fix it). */
struct sched *sched_new(unsigned max_running, uint64_t seed);
void sched_free(struct sched *);
void sched_set_max_running(struct sched *, unsigned);
unsigned sched_running(const struct sched *);
size_t sched_queued(const struct sched *);
/* Entries due by now but not started: waiting for a free run slot. */
size_t sched_due(const struct sched *, uint64_t now);
/* How late the most overdue entry is at now, in ms; 0 when none is due. */
uint64_t sched_lag_ms(const struct sched *, uint64_t now);

/* Queues a new entry, due at a random point of [now, now + window] (at most
 * its interval) so that zones added together do not all run at once. */
void sched_add(struct sched *, struct sched_entry *, uint64_t now, uint64_t window_ms);
/* How far to spread the first runs of n zones added together: as far as
 * the run slots need (a second per round of max_running runs), never past
 * the interval. A list that fits in the slots is judged at once. */
uint64_t sched_spread_ms(size_t n, unsigned max_running, uint64_t interval_ms);
/* Queues a new entry due at an exact time (--once: everything now). */
void sched_add_at(struct sched *, struct sched_entry *, uint64_t due);
/* Takes an entry out of the queue (or forgets it is running). */
void sched_remove(struct sched *, struct sched_entry *);
/* Changes an entry's interval (reload); requeues it no later than now +
 * interval, and forgets its failures (the backoff starts again). */
void sched_set_interval(struct sched *, struct sched_entry *, uint64_t interval_ms, uint64_t now);
/* When the next entry may start: its due time if a run slot is free, else
 * SCHED_NEVER (a finishing run wakes the caller instead). */
uint64_t sched_next_wakeup(const struct sched *);
/* An entry due at or before now, marked running, if a slot is free; else NULL. */
struct sched_entry *sched_pop_due(struct sched *, uint64_t now);
/* A run finished: requeue one interval (with jitter) after it started, or
 * after a backoff if it failed. */
void sched_done(struct sched *, struct sched_entry *, uint64_t now, bool ok);

/* Delay before the next try after `failures` consecutive failures (>= 1):
 * the interval doubled per failure, capped at max(interval, 1h). */
uint64_t sched_backoff_ms(uint64_t interval_ms, unsigned failures);
/* Maps a random number to a jitter in [-interval/10, +interval/10]. */
int64_t sched_jitter_ms(uint64_t interval_ms, uint64_t rnd);

#endif
