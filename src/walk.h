/* walk: delegations and NS host addresses, found by iterative, minimised queries from the root. */
#ifndef ZH_WALK_H
#define ZH_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "infra.h"
#include "query.h"
#include "walkdefs.h"

struct event_base;
struct walk;
struct walker;

typedef void (*walk_zone_cb)(struct walk_result *, void *arg);
/* host is the cache entry (or a temporary one on failure), valid during
 * the callback only. */
typedef void (*walk_host_cb)(const struct infra_host *host, void *arg);

struct walker *walker_new(struct event_base *, struct query_engine *, struct infra *,
    uint64_t deadline_ms);
/* For walks started from now on (a reload). */
void walker_set_deadline(struct walker *, uint64_t deadline_ms);
/* Cancels every walk (no callbacks) and frees the walker. */
void walker_free(struct walker *);

/* Finds zone's delegation at its parent. The callback runs once, from the
 * loop, and owns the result (walk_result_free). */
struct walk *walk_zone(struct walker *, const char *zone, walk_zone_cb, void *arg);
/* Finds the addresses of an NS host name, from the cache when fresh. */
struct walk *walk_host(struct walker *, const char *host, walk_host_cb, void *arg);
void walk_cancel(struct walk *);

#endif
