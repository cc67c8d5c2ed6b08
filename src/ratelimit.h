/* ratelimit: a token bucket; pure arithmetic over a caller-supplied clock. */
#ifndef ZH_RATELIMIT_H
#define ZH_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Credit is kept in thousandths of a token so that a rate in tokens per
 * second refills exactly `rate` units per millisecond: no floating point,
 * no drift, and tests can predict every answer. Embedded by its user.
 */
struct ratelimit {
	uint64_t	credit;		/* thousandths of a token */
	uint64_t	last_ms;	/* when credit was last brought up to date */
	unsigned	rate;		/* tokens per second; 0: unlimited */
	unsigned	burst;		/* bucket size in tokens, at least 1 */
};

/* A full bucket at now; burst 0 is taken as 1. */
void ratelimit_init(struct ratelimit *, unsigned rate, unsigned burst, uint64_t now);
/* New limits; the credit earned so far is kept, capped at the new burst. */
void ratelimit_set(struct ratelimit *, unsigned rate, unsigned burst, uint64_t now);
/* Takes one token if there is one at now. */
bool ratelimit_take(struct ratelimit *, uint64_t now);
/* Milliseconds from now until a token is there: 0 if one is now. */
uint64_t ratelimit_wait_ms(const struct ratelimit *, uint64_t now);

#endif
