/* walk: delegations and NS host addresses, found by iterative, minimised queries from the root. */
#ifndef ZH_WALK_H
#define ZH_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "infra.h"
#include "query.h"

struct event_base;
struct walk;
struct walker;

enum walk_status {
	WALK_OK,		/* the parent's referral (or AA NS answer) is in hand */
	WALK_NXDOMAIN,		/* the parent, or a zone above it, says the name does not exist */
	WALK_NODATA,		/* the name exists at the parent but is not delegated */
	WALK_UNREACHABLE,	/* no server of the parent (or of a zone above) answered usefully */
	WALK_FAILED,		/* too deep, a loop, or out of time */
};

/* One question put to one server address, as evidence. */
struct walk_attempt {
	char			*ns;		/* NS name of the server asked */
	struct addr	 addr;
	enum query_status	 status;
	int			 rcode;		/* -1 when no answer */
	const char		*why;		/* static: what was wrong with it, or NULL */
	double			 rtt;
};

struct walk_result {
	enum walk_status	 status;
	char			*zone;		/* as asked */
	char			*parent;	/* the zone whose servers answered last */
	struct infra_deleg	*referral;	/* WALK_OK: NS set and glue (owned) */
	bool			 parent_authoritative;	/* an AA NS answer, not a referral */
	struct walk_attempt	*attempts;	/* the parent's servers, as asked */
	size_t			 nattempts;
	char			*detail;	/* what went wrong, for the evidence */
};

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
void walk_result_free(struct walk_result *);

const char *walk_status_name(enum walk_status);

#endif
