/* ratelimit: a token bucket; pure arithmetic over a caller-supplied clock. */
#include "zhbuild.h"

#include <stdbool.h>
#include <stdint.h>

#include "ratelimit.h"

#define RATELIMIT_UNIT	1000u	/* credit units per token */

/* The credit at now, without changing the bucket. A clock that went
 * backwards earns nothing rather than wrapping around. */
static uint64_t
ratelimit_credit(const struct ratelimit *rl, uint64_t now)
{
	uint64_t	cap, elapsed;

	cap = (uint64_t)rl->burst * RATELIMIT_UNIT;
	if (rl->rate == 0)
		return cap;
	if (now <= rl->last_ms || rl->credit >= cap)
		return rl->credit;
	elapsed = now - rl->last_ms;
	/* Compare before multiplying: a long idle time must not overflow. */
	if (elapsed >= (cap - rl->credit + rl->rate - 1) / rl->rate)
		return cap;
	return rl->credit + elapsed * rl->rate;
}

void
ratelimit_init(struct ratelimit *rl, unsigned rate, unsigned burst, uint64_t now)
{
	rl->rate = rate;
	rl->burst = burst == 0 ? 1 : burst;
	rl->credit = (uint64_t)rl->burst * RATELIMIT_UNIT;
	rl->last_ms = now;
}

void
ratelimit_set(struct ratelimit *rl, unsigned rate, unsigned burst, uint64_t now)
{
	uint64_t	credit, cap;

	/* Leaving "unlimited" starts from a full bucket. */
	credit = rl->rate == 0 ? UINT64_MAX : ratelimit_credit(rl, now);
	rl->rate = rate;
	rl->burst = burst == 0 ? 1 : burst;
	cap = (uint64_t)rl->burst * RATELIMIT_UNIT;
	rl->credit = credit > cap ? cap : credit;
	if (now > rl->last_ms)
		rl->last_ms = now;
}

bool
ratelimit_take(struct ratelimit *rl, uint64_t now)
{
	if (rl->rate == 0)
		return true;
	rl->credit = ratelimit_credit(rl, now);
	if (now > rl->last_ms)
		rl->last_ms = now;
	if (rl->credit < RATELIMIT_UNIT)
		return false;
	rl->credit -= RATELIMIT_UNIT;
	return true;
}

uint64_t
ratelimit_wait_ms(const struct ratelimit *rl, uint64_t now)
{
	uint64_t	credit;

	if (rl->rate == 0)
		return 0;
	credit = ratelimit_credit(rl, now);
	if (credit >= RATELIMIT_UNIT)
		return 0;
	/* Round up: waking a millisecond early would find no token. */
	return (RATELIMIT_UNIT - credit + rl->rate - 1) / rl->rate;
}
