/* sigcheck: pure DNSSEC judgements on answers: RRsets and their RRSIGs at
 * a given time, DS against DNSKEY, a zone cut's link in the chain. */
#ifndef ZH_SIGCHECK_H
#define ZH_SIGCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "finding.h"

/* Copies of the records of type owned by owner in a section (free with
 * ldns_rr_list_deep_free); empty when pkt is NULL. With
 * LDNS_RR_TYPE_RRSIG as type, covered selects the signatures' type. */
ldns_rr_list *sig_rrset(const ldns_pkt *, ldns_pkt_section, const char *owner,
    ldns_rr_type type, ldns_rr_type covered);

enum sig_verdict {
	SIG_VALID,		/* some RRSIG verifies and is in its window */
	SIG_MISSING,		/* no RRSIG at all */
	SIG_BOGUS,		/* no RRSIG verifies with the keys given */
	SIG_EXPIRED,		/* one verifies, but its window has passed */
	SIG_NOT_YET_VALID,	/* one verifies, but its window is to come */
};

struct sig_result {
	enum sig_verdict	 verdict;
	bool			 has_expiry;
	time_t			 earliest;	/* of the RRSIGs that verify */
	char			 detail[256];
};

/* RFC 4034 3.1.5: 32-bit times compared in serial arithmetic around now;
 * the absolute time nearest now. */
time_t sig_time(uint32_t t, time_t now);
/* Judges an RRset's signatures against keys at now (RFC 4035 5.3):
 * inception <= now <= expiration, both inclusive. */
enum sig_verdict sig_judge(const ldns_rr_list *rrset, const ldns_rr_list *rrsigs,
    const ldns_rr_list *keys, time_t now, struct sig_result *);
const char *sig_verdict_name(enum sig_verdict);

/* A DS a validator can use: its key algorithm and digest type supported
 * (otherwise the zone counts as insecure: RFC 4035 5.2, RFC 6840 5.2). */
bool sig_ds_usable(const ldns_rr *ds);
/* The DNSKEYs matching some usable DS, or DNSKEY anchor (borrowed). */
ldns_rr_list *sig_keys_matching(const ldns_rr_list *dnskeys, const ldns_rr_list *ds);
/* "12345/13, 2345/13": key tags and algorithms of DNSKEYs or DS. */
char *sig_keytags(const ldns_rr_list *);

enum link_state {
	LINK_SECURE,		/* keys below are validated */
	LINK_INSECURE,		/* no usable DS: nothing to validate below */
	LINK_BOGUS,		/* the link fails: cause and detail say how */
	LINK_UNKNOWN,		/* an answer needed is missing */
};

struct link_result {
	enum link_state		 state;
	enum cause		 cause;		/* LINK_BOGUS */
	ldns_rr_list		*keys;		/* LINK_SECURE: the zone's DNSKEY
						   RRset (deep copy, owned) */
	struct sig_result	 dnskey_sig;	/* how the DNSKEY RRset verified */
	char			 detail[512];
};

/*
 * One link of the chain of trust: the zone's DS (ds_pkt, the parent's
 * answer; verified with parent_keys) against its DNSKEY RRset (dnskey_pkt).
 * For the root, anchors (DS or DNSKEY records) stand in for the DS and
 * parent_keys and ds_pkt are unused.
 */
/* As parent_keys: take the DS RRset as the parent served it, unverified
 * (the chain above is broken, or trust_anchor: none). */
extern const ldns_rr_list *const SIG_DS_AS_SERVED;

void sig_link(const char *zone, const ldns_rr_list *parent_keys,
    const ldns_rr_list *anchors, const ldns_pkt *ds_pkt, const ldns_pkt *dnskey_pkt,
    time_t now, struct link_result *);
void sig_link_clear(struct link_result *);

#endif
