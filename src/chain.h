/* chain: fetches the DS and DNSKEY answers of every zone cut from the root
 * down to a zone's parent, once per TTL for all zones below a cut, and the
 * zone's own DS fresh each run. Judging them is the dnssec check's job. */
#ifndef ZH_CHAIN_H
#define ZH_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "chaindefs.h"
#include "infra.h"

struct event_base;
struct query_engine;
struct chain;
struct chain_req;

/* links[0] is the root, links[n - 1] the zone's parent cut; each taken by
 * reference (the callee keeps what it wants with chain_link_ref). ds is
 * the zone's own DS answer from its parent's servers (owned by the
 * callee), NULL when none answered. */
typedef void (*chain_cb)(struct chain_link **links, size_t n, ldns_pkt *ds,
    const struct addr *ds_from, void *arg);

struct chain *chain_new(struct event_base *, struct query_engine *, struct infra *);
/* Cancels every request (no callbacks) and frees the cache. */
void chain_free(struct chain *);
/* Fetches for zone (normalised, not the root); the callback runs once,
 * from the loop. The zone cuts above must be in the infra cache (the
 * zone's walk has put them there). */
struct chain_req *chain_get(struct chain *, const char *zone, chain_cb, void *arg);
void chain_cancel(struct chain_req *);
/* Drops cached links expired at now (requests keep theirs); how many. */
size_t chain_expire(struct chain *, uint64_t now);
/* Cached links (for metrics and tests). */
size_t chain_size(const struct chain *);

#endif
