/* served: what each server's answers say about serving the zone; shared by
 * the delegation and zone_served checks so both read answers alike. */
#ifndef ZH_SERVED_H
#define ZH_SERVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "infra.h"

struct evidence;

enum served {
	SERVED_OK,		/* AA, NOERROR, the zone's SOA in the answer */
	SERVED_NO_ANSWER,	/* no usable answer: reachability's concern */
	SERVED_REFUSED,		/* rcode REFUSED: the zone is not configured there */
	SERVED_SERVFAIL,	/* rcode SERVFAIL: configured but not loaded */
	SERVED_NOTAUTH,		/* rcode NOTAUTH (RFC 2845/8945; Knot's ACL) */
	SERVED_REFERRAL,	/* no AA, NS records in the authority section */
	SERVED_NO_AA,		/* an answer without AA: a cache or a resolver */
	SERVED_NXDOMAIN,	/* says the zone's apex does not exist */
	SERVED_NO_SOA,		/* AA NOERROR without the zone's SOA */
	SERVED_BAD_RCODE,	/* any other rcode */
};

struct served_result {
	enum served	verdict;
	uint32_t	serial;		/* SERVED_OK */
	char		detail[320];	/* what the answer said, for evidence */
};

/* Judges one answer to "zone SOA". pkt may be NULL (SERVED_NO_ANSWER). */
enum served served_classify(const ldns_pkt *, const char *zone, struct served_result *);
/* Judges the SOA answer of server si at addr: UDP with EDNS0, else plain,
 * else TCP, whichever answered first in that order. */
enum served served_at(const struct evidence *, size_t si, const struct addr *,
    struct served_result *);
/* True when some address of server si serves the zone (SERVED_OK). */
bool served_by_server(const struct evidence *, size_t si);
/* True when some address of server si gave an answer (not NO_ANSWER). */
bool served_answered(const struct evidence *, size_t si);
/* True when any address of any server (listed by the parent only, with
 * parent_only) serves the zone: resolvers then have one to use. */
bool served_anywhere(const struct evidence *, bool parent_only);
/* A lame delegation (RFC 8499): the parent lists si, the zone's own NS
 * set (known from some server) does not, and si answers without serving
 * the zone. */
bool served_lame(const struct evidence *, size_t si);

/* Serial number arithmetic (RFC 1982, SERIAL_BITS 32): <0, 0, >0; a
 * difference of exactly 2^31 is undefined there and compares as 0 here
 * only when equal, else as less (so "newest" is still deterministic). */
int serial_cmp(uint32_t a, uint32_t b);
/* The serial no other is greater than (the first such); n > 0. */
uint32_t serial_newest(const uint32_t *, size_t n);

/* A set of normalised NS names, sorted and unique. */
struct ns_set {
	char	**v;
	size_t	  n;
};

/* The zone's NS set from an authoritative NOERROR answer to "zone NS";
 * false (set empty) when the answer is not one. */
bool ns_set_from_pkt(struct ns_set *, const ldns_pkt *, const char *zone);
void ns_set_add(struct ns_set *, const char *name);
bool ns_set_has(const struct ns_set *, const char *name);
bool ns_set_eq(const struct ns_set *, const struct ns_set *);
/* Names of a not in b, joined by ", "; malloc'ed, "" when none. */
char *ns_set_minus_str(const struct ns_set *a, const struct ns_set *b);
void ns_set_clear(struct ns_set *);

#endif
