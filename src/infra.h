/* infra: the infrastructure cache: delegations and NS host addresses, by TTL. */
#ifndef ZH_INFRA_H
#define ZH_INFRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "addr.h"

#define INFRA_FOREVER	UINT64_MAX

struct infra_ns {
	char			*name;		/* normalised NS host name */
	struct addr	*glue;
	size_t			 nglue;
};

enum infra_deleg_kind {
	INFRA_DELEG_CUT,	/* a zone cut: NS set (and glue) known */
	INFRA_DELEG_NOCUT,	/* the name exists, no zone cut there */
	INFRA_DELEG_NXDOMAIN,	/* the name does not exist */
};

struct infra_deleg {
	ldns_rbnode_t		 node;		/* keyed by name */
	char			*name;		/* normalised, trailing dot */
	enum infra_deleg_kind	 kind;
	struct infra_ns		*ns;		/* INFRA_DELEG_CUT only */
	size_t			 nns;
	uint64_t		 expires_ms;	/* monotonic; INFRA_FOREVER */
};

enum infra_host_state {
	INFRA_HOST_OK,		/* addresses below (may be empty: NODATA both) */
	INFRA_HOST_NXDOMAIN,
	INFRA_HOST_CNAME,	/* an alias: not allowed for NS names (RFC 2181 10.3) */
	INFRA_HOST_FAILED,	/* no server of its zone answered */
};

struct infra_host {
	ldns_rbnode_t		 node;
	char			*name;
	enum infra_host_state	 state;
	struct addr	*addrs;
	size_t			 naddrs;
	uint64_t		 expires_ms;
	char			*cycle;		/* FAILED: the dependency cycle
						   the lookup ran into, or NULL */
};

struct infra;

struct infra *infra_new(void);
void infra_free(struct infra *);
/* Seeds the root delegation from root hints; it never expires. */
void infra_set_root(struct infra *, const ldns_rr_list *hints);

/* Stores a delegation, replacing any for the same name; takes ownership.
 * Pointers returned earlier for that name become invalid. */
void infra_put_deleg(struct infra *, struct infra_deleg *);
/* The entry for exactly name, if not expired at now. */
const struct infra_deleg *infra_get_deleg(struct infra *, const char *name, uint64_t now);
/* The deepest unexpired zone cut at or above name; the root at worst. */
const struct infra_deleg *infra_closest_cut(struct infra *, const char *name, uint64_t now);

void infra_put_host(struct infra *, struct infra_host *);
const struct infra_host *infra_get_host(struct infra *, const char *name, uint64_t now);

/* Drops entries expired at now; returns how many. */
size_t infra_expire(struct infra *, uint64_t now);
/* Over max entries, drops those soonest to expire (never the root hints)
 * down to nine tenths of max; returns how many. Pointers from the getters
 * are invalid afterwards: call it from a timer, not in the middle of a walk. */
size_t infra_cap(struct infra *, size_t max);
size_t infra_size(const struct infra *);
void infra_stats(const struct infra *, uint64_t *expired, uint64_t *evicted);

/* Constructors for the entries above (all fields zero but the name). */
struct infra_deleg *infra_deleg_new(const char *name, enum infra_deleg_kind, uint64_t expires_ms);
/* Adds an NS name to a cut (once); returns its entry for glue. */
struct infra_ns *infra_deleg_add_ns(struct infra_deleg *, const char *ns_name);
void infra_ns_add_addr(struct infra_ns *, const struct sockaddr *, socklen_t);
void infra_deleg_free(struct infra_deleg *);
struct infra_host *infra_host_new(const char *name, enum infra_host_state, uint64_t expires_ms);
void infra_host_add_addr(struct infra_host *, const struct sockaddr *, socklen_t);
void infra_host_free(struct infra_host *);

/* Sets the port (host order) of an IPv4 or IPv6 address. */
void infra_addr_set_port(struct addr *, uint16_t);
/* The address of an A or AAAA record, port 53, into ss; 0 for other
 * records or malformed data, else the sockaddr's length. */
socklen_t infra_rr_sockaddr(const ldns_rr *, struct sockaddr_storage *);
/* Lower-cased presentation form with trailing dot; malloc'ed. */
char *infra_name(const ldns_rdf *);
/* The parent of a normalised name ("b.c." for "a.b.c.", NULL for "."),
 * pointing into the argument. */
const char *infra_name_parent(const char *);
/* True when name is at or below zone (both normalised). */
bool infra_name_under(const char *name, const char *zone);

#endif
