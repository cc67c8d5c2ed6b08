/* deleg: what a server's answer says about a name's delegation (pure). */
#ifndef ZH_DELEG_H
#define ZH_DELEG_H

#include <stdint.h>

#include <ldns/ldns.h>

struct infra_deleg;
struct infra_host;

enum deleg_kind {
	DELEG_REFERRAL,	/* NS set for a name between the cut and qname: a zone cut */
	DELEG_AUTH_NS,	/* authoritative NS RRset at qname: the server serves that zone */
	DELEG_NODATA,	/* qname exists, nothing of the type asked */
	DELEG_NXDOMAIN,	/* qname does not exist */
	DELEG_ANSWER,	/* authoritative A/AAAA at qname (host lookups) */
	DELEG_CNAME,	/* qname is an alias */
	DELEG_LAME,	/* unusable: see why */
};

struct deleg_answer {
	enum deleg_kind		 kind;
	struct infra_deleg	*deleg;	/* REFERRAL, AUTH_NS: NS set and glue; owned */
	struct infra_host	*host;	/* ANSWER: the addresses; owned */
	char			*cname;	/* CNAME: the target; owned */
	uint32_t		 ttl;	/* how long the answer may be cached */
	const char		*why;	/* LAME: a static reason */
};

/* Classifies pkt, the answer from a server of zone `cut` to qname/qtype.
 * Glue is taken only for NS names inside `cut` (the server's bailiwick).
 * Entries are created with expires_ms 0: the caller sets them. */
void deleg_classify(const ldns_pkt *, const char *qname, ldns_rr_type qtype,
    const char *cut, struct deleg_answer *);
void deleg_answer_clear(struct deleg_answer *);
const char *deleg_kind_name(enum deleg_kind);

#endif
