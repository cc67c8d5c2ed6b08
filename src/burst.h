/* burst: the rate-limit probe. Once per burst_interval per server address,
 * whatever the number of zones on it, a short burst of identical queries
 * shows whether the server drops or truncates ("slips") answers under load
 * (response rate limiting). */
#ifndef ZH_BURST_H
#define ZH_BURST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "infra.h"

#include "burstdefs.h"

struct event_base;
struct query_engine;
struct burster;

/* How one burst went: every query is one of the last four. */

struct burster *burster_new(struct event_base *, struct query_engine *);
/* size 0 turns bursts off; interval_ms is per server address. */
void burster_configure(struct burster *, unsigned size, uint64_t interval_ms);
/* Bursts to addr, asking for zone's SOA, unless one ran there within the
 * interval or runs now. */
void burster_maybe(struct burster *, const struct addr *, const char *zone);
/* The last completed burst to addr, or NULL. */
const struct burst_result *burster_get(const struct burster *, const struct addr *);
/* The i-th most recent completed burst to addr, one per zone asked (the
 * last BURST_ZONES zones), or NULL past them. */
#define BURST_ZONES	4
const struct burst_result *burster_result(const struct burster *,
    const struct addr *, size_t i);

/* Waiting for the burst under way at addr (--once judges after it). */
struct burst_wait;
typedef void (*burst_wait_fn)(void *arg);
/* fn runs once that burst is complete; NULL when none is under way. */
struct burst_wait *burster_wait(struct burster *, const struct addr *,
    burst_wait_fn, void *arg);
/* No call follows. */
void burster_wait_cancel(struct burst_wait *);
/* Every address's last completed burst, in address order. */
void burster_foreach(const struct burster *,
    void (*)(const struct addr *, const struct burst_result *, void *), void *);
/* Forgets addresses not burst within twice the interval; how many. */
size_t burster_expire(struct burster *, uint64_t now);
size_t burster_size(const struct burster *);
/* Queries sent in bursts since start (for tests and metrics). */
uint64_t burster_sent(const struct burster *);
void burster_free(struct burster *);

#endif
