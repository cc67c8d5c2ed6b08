/* sched: when each zone runs; pure arithmetic over a caller-supplied clock. */
#include "zhbuild.h"

#include <stdint.h>
#include <stdlib.h>

#include "sched.h"
#include "xmalloc.h"

/* A binary min-heap of entries ordered by due time. */
struct sched {
	struct sched_entry	**heap;
	size_t			 n;
	size_t			 cap;
	unsigned		 max_running;
	unsigned		 running;
	uint64_t		 rng;		/* xorshift64* state, never 0 */
};

static uint64_t
sched_random(struct sched *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545F4914F6CDD1DULL;
}

struct sched *
sched_new(unsigned max_running, uint64_t seed)
{
	struct sched	*s;

	s = xcalloc(1, sizeof(*s));
	s->max_running = max_running == 0 ? 1 : max_running;
	s->rng = seed == 0 ? 0x9E3779B97F4A7C15ULL : seed;
	return s;
}

void
sched_free(struct sched *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		s->heap[i]->heap_index = SIZE_MAX;
	free(s->heap);
	free(s);
}

void
sched_set_max_running(struct sched *s, unsigned max_running)
{
	s->max_running = max_running == 0 ? 1 : max_running;
}

unsigned
sched_running(const struct sched *s)
{
	return s->running;
}

size_t
sched_queued(const struct sched *s)
{
	return s->n;
}

/* The heap below i that is due by now: a node not due hides its subtree. */
static size_t
sched_due_below(const struct sched *s, size_t i, uint64_t now)
{
	if (i >= s->n || s->heap[i]->due_ms > now)
		return 0;
	return 1 + sched_due_below(s, 2 * i + 1, now) +
	    sched_due_below(s, 2 * i + 2, now);
}

size_t
sched_due(const struct sched *s, uint64_t now)
{
	return sched_due_below(s, 0, now);
}

uint64_t
sched_lag_ms(const struct sched *s, uint64_t now)
{
	if (s->n == 0 || s->heap[0]->due_ms >= now)
		return 0;
	return now - s->heap[0]->due_ms;
}

static void
sched_place(struct sched *s, size_t i, struct sched_entry *e)
{
	s->heap[i] = e;
	e->heap_index = i;
}

static void
sched_sift_up(struct sched *s, size_t i)
{
	struct sched_entry	*e = s->heap[i];
	size_t			 parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (s->heap[parent]->due_ms <= e->due_ms)
			break;
		sched_place(s, i, s->heap[parent]);
		i = parent;
	}
	sched_place(s, i, e);
}

static void
sched_sift_down(struct sched *s, size_t i)
{
	struct sched_entry	*e = s->heap[i];
	size_t			 child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= s->n)
			break;
		if (child + 1 < s->n &&
		    s->heap[child + 1]->due_ms < s->heap[child]->due_ms)
			child++;
		if (e->due_ms <= s->heap[child]->due_ms)
			break;
		sched_place(s, i, s->heap[child]);
		i = child;
	}
	sched_place(s, i, e);
}

static void
sched_push(struct sched *s, struct sched_entry *e)
{
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		s->heap = xreallocarray(s->heap, s->cap, sizeof(*s->heap));
	}
	s->heap[s->n] = e;
	e->heap_index = s->n++;
	sched_sift_up(s, e->heap_index);
}

static void
sched_unqueue(struct sched *s, struct sched_entry *e)
{
	size_t			 i = e->heap_index;
	struct sched_entry	*last;

	if (i == SIZE_MAX || i >= s->n || s->heap[i] != e)
		return;
	e->heap_index = SIZE_MAX;
	last = s->heap[--s->n];
	if (i == s->n)
		return;
	sched_place(s, i, last);
	sched_sift_down(s, i);
	sched_sift_up(s, last->heap_index);
}

#define SCHED_SPREAD_ROUND_MS	1000	/* a round of runs, for spreading */

uint64_t
sched_spread_ms(size_t n, unsigned max_running, uint64_t interval_ms)
{
	uint64_t	rounds = max_running == 0 ? n : n / max_running;

	if (rounds > interval_ms / SCHED_SPREAD_ROUND_MS)
		return interval_ms;
	return rounds * SCHED_SPREAD_ROUND_MS;
}

void
sched_add(struct sched *s, struct sched_entry *e, uint64_t now, uint64_t window_ms)
{
	if (window_ms > e->interval_ms)
		window_ms = e->interval_ms;
	sched_add_at(s, e, now + (window_ms == 0 ? 0 : sched_random(s) % window_ms));
}

void
sched_add_at(struct sched *s, struct sched_entry *e, uint64_t due)
{
	e->heap_index = SIZE_MAX;
	e->running = false;
	e->failures = 0;
	if (e->interval_ms == 0)
		e->interval_ms = 1;
	e->due_ms = due;
	sched_push(s, e);
}

void
sched_remove(struct sched *s, struct sched_entry *e)
{
	sched_unqueue(s, e);
	if (e->running) {
		e->running = false;
		s->running--;
	}
}

void
sched_set_interval(struct sched *s, struct sched_entry *e, uint64_t interval_ms,
    uint64_t now)
{
	e->interval_ms = interval_ms == 0 ? 1 : interval_ms;
	/* A reload is a fresh start: what failed may work with the new
	 * config, so the backoff starts again from one interval. */
	e->failures = 0;
	if (e->heap_index == SIZE_MAX || e->due_ms <= now + e->interval_ms)
		return;
	e->due_ms = now + e->interval_ms;
	sched_sift_up(s, e->heap_index);
}

uint64_t
sched_next_wakeup(const struct sched *s)
{
	if (s->n == 0 || s->running >= s->max_running)
		return SCHED_NEVER;
	return s->heap[0]->due_ms;
}

struct sched_entry *
sched_pop_due(struct sched *s, uint64_t now)
{
	struct sched_entry	*e;

	if (s->n == 0 || s->running >= s->max_running || s->heap[0]->due_ms > now)
		return NULL;
	e = s->heap[0];
	sched_unqueue(s, e);
	e->running = true;
	e->started_ms = now;
	s->running++;
	return e;
}

void
sched_done(struct sched *s, struct sched_entry *e, uint64_t now, bool ok)
{
	int64_t		jitter;
	uint64_t	due;

	if (!e->running)
		return;
	e->running = false;
	s->running--;
	if (ok) {
		e->failures = 0;
		jitter = sched_jitter_ms(e->interval_ms, sched_random(s));
		due = e->started_ms + e->interval_ms;
		due = jitter < 0 ? due - (uint64_t)-jitter : due + (uint64_t)jitter;
		/* A run longer than its interval is followed at once, not skipped. */
		e->due_ms = due < now ? now : due;
	} else {
		if (e->failures < UINT32_MAX)
			e->failures++;
		e->due_ms = now + sched_backoff_ms(e->interval_ms, e->failures);
	}
	sched_push(s, e);
}

uint64_t
sched_backoff_ms(uint64_t interval_ms, unsigned failures)
{
	uint64_t	cap, delay;
	unsigned	i;

	cap = interval_ms > SCHED_BACKOFF_CAP_MS ? interval_ms : SCHED_BACKOFF_CAP_MS;
	delay = interval_ms;
	for (i = 0; i < failures && delay < cap; i++)
		delay *= 2;
	return delay < cap ? delay : cap;
}

int64_t
sched_jitter_ms(uint64_t interval_ms, uint64_t rnd)
{
	uint64_t	span = interval_ms / 10;

	if (span == 0)
		return 0;
	return (int64_t)(rnd % (2 * span + 1)) - (int64_t)span;
}
