/* check_dnssec: the chain of trust from the trust anchor to the zone, and
 * on every server address the zone's signatures, their validity windows,
 * its denial of existence and its CDS/CDNSKEY (RFC 4033-4035, 5155, 7344). */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "dnspolicy.h"
#include "evidence.h"
#include "log.h"
#include "nsec3.h"
#include "served.h"
#include "sigcheck.h"
#include "value.h"
#include "xmalloc.h"

/* The causes one address can have, with what each was about. */
struct dnssec_addr {
	struct buf	 why[CAUSE_MAX];
	bool		 judged;	/* had a DNSKEY answer to judge */
};

/* The earliest RRSIG expiration seen, and where. */
struct dnssec_expiry {
	bool		 has;
	time_t		 t;
	size_t		 si;
	const char	*server;
	char		 addr[INET6_ADDRSTRLEN + 8];
};

static void
dnssec_note(struct dnssec_addr *da, enum cause c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dnssec_note(struct dnssec_addr *da, enum cause c, const char *fmt, ...)
{
	struct buf	*b = &da->why[c];
	char		*text;
	va_list		 ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		fatalx("out of memory");
	va_end(ap);
	buf_printf(b, "%s%s", b->len > 0 ? "; " : "", text);
	free(text);
}

/* The earliest expiration, and where: on a tie (every server serves the
 * same signatures) the first server and address by name, whatever order
 * they answered in, so that the finding's labels are the same every run. */
static bool
dnssec_expiry_before(const struct dnssec_expiry *e, time_t t, const char *server,
    const char *addr)
{
	int	c;

	if (!e->has || t < e->t)
		return true;
	if (t > e->t)
		return false;
	c = strcmp(server, e->server);
	return c < 0 || (c == 0 && strcmp(addr, e->addr) < 0);
}

static void
dnssec_expiry(struct dnssec_expiry *e, const struct sig_result *r,
    const struct evidence *ev, size_t si, const char *addr)
{
	if (!r->has_expiry ||
	    !dnssec_expiry_before(e, r->earliest, ev->servers[si].name, addr))
		return;
	e->has = true;
	e->server = ev->servers[si].name;
	e->t = r->earliest;
	e->si = si;
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
}

/* The answer of probe at (si, a) if it is one to judge, else NULL. */
static const ldns_pkt *
dnssec_pkt(const struct evidence *ev, enum probe p, size_t si, const struct addr *a)
{
	const struct ev_query	*q = evidence_find(ev, p, si, a);

	if (q == NULL || q->status != QUERY_OK || q->pkt == NULL)
		return NULL;
	return q->pkt;
}

/* The DNSKEY answer of an address that serves the zone (the others are
 * zone_served's to report), or NULL. */
static const ldns_pkt *
dnssec_dnskey_pkt(const struct evidence *ev, size_t si, const struct addr *a)
{
	struct served_result	 r;
	const ldns_pkt		*k = dnssec_pkt(ev, PROBE_DNSKEY, si, a);

	/* A truncated answer (TCP failed after TC=1) has no keys to judge a
	 * DS by: dnskey_too_large says so, not ds_no_matching_dnskey. */
	if (k == NULL || ldns_pkt_get_rcode(k) != LDNS_RCODE_NOERROR || !ldns_pkt_aa(k) ||
	    served_at(ev, si, a, &r) != SERVED_OK || dnspolicy_dnskey_truncated(ev, si, a))
		return NULL;
	return k;
}

/*
 * RFC 4035 5.3.3: a validated RRset is cached for at most its RRSIG's
 * original TTL and never past the expiration. An RRset whose TTL is longer
 * than either is cached by some resolvers past its signatures' validity
 * (or re-fetched early by others): it fails later, far from the change.
 */
static void
dnssec_ttl(const struct evidence *ev, const ldns_rr_list *set,
    const ldns_rr_list *sigs, const char *tname, time_t now, struct dnssec_addr *da)
{
	const ldns_rr	*sig;
	uint32_t	 ttl = ldns_rr_ttl(ldns_rr_list_rr(set, 0)), orig;
	time_t		 expire;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		sig = ldns_rr_list_rr(sigs, i);
		if (ldns_rr_rrsig_origttl(sig) == NULL ||
		    ldns_rr_rrsig_expiration(sig) == NULL)
			continue;
		orig = ldns_rdf2native_int32(ldns_rr_rrsig_origttl(sig));
		expire = (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig));
		if (ttl > orig) {
			dnssec_note(da, CAUSE_TTL_EXCEEDS_SIGNATURE, "%s %s: TTL %u is "
			    "longer than its RRSIG's original TTL %u", ev->zone, tname,
			    ttl, orig);
			return;
		}
		if (expire > now && (time_t)ttl > expire - now) {
			dnssec_note(da, CAUSE_TTL_EXCEEDS_SIGNATURE, "%s %s: TTL %u s "
			    "outlasts its RRSIG, which expires at %lld (in %lld s)",
			    ev->zone, tname, ttl, (long long)expire,
			    (long long)(expire - now));
			return;
		}
	}
}

/* The RRSIGs over one RRset of an answer; notes what is wrong. */
static void
dnssec_rrset(const struct evidence *ev, const ldns_pkt *pkt, ldns_rr_type type,
    const ldns_rr_list *keys, const struct check_params *params,
    struct dnssec_addr *da, struct dnssec_expiry *exp, size_t si, const char *addr)
{
	ldns_rr_list		*set, *sigs;
	struct sig_result	 r;
	char			*tname = ldns_rr_type2str(type);
	static const enum cause	 causes[] = {
		[SIG_MISSING] = CAUSE_RRSIG_MISSING,
		[SIG_BOGUS] = CAUSE_RRSIG_BOGUS,
		[SIG_EXPIRED] = CAUSE_RRSIG_EXPIRED,
		[SIG_NOT_YET_VALID] = CAUSE_RRSIG_NOT_YET_VALID,
	};

	set = sig_rrset(pkt, LDNS_SECTION_ANSWER, ev->zone, type, 0);
	sigs = sig_rrset(pkt, LDNS_SECTION_ANSWER, ev->zone, LDNS_RR_TYPE_RRSIG, type);
	if (ldns_rr_list_rr_count(set) > 0) {
		if (sig_judge(set, sigs, keys, params->now, &r) != SIG_VALID)
			dnssec_note(da, causes[r.verdict], "%s: %s", tname, r.detail);
		else
			dnssec_ttl(ev, set, sigs, tname, params->now, da);
		dnssec_expiry(exp, &r, ev, si, addr);
	}
	free(tname);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
}

/* The NSEC or NSEC3 records of an authority section, and their RRSIGs
 * verified; false (with why) when any is unsigned or does not verify. */
static bool
dnssec_denial_sigs(const ldns_pkt *pkt, ldns_rr_type type, const ldns_rr_list *keys,
    time_t now, ldns_rr_list *recs, ldns_rr_list *sigs, struct buf *why,
    struct sig_result *worst, struct dnssec_addr *da)
{
	ldns_rr_list		*auth = ldns_pkt_authority(pkt), *one, *osigs;
	const ldns_rr		*rr, *s;
	struct sig_result	 r;
	size_t			 i, j;
	bool			 ok = true;
	char			*owner;

	for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) != type)
			continue;
		ldns_rr_list_push_rr(recs, ldns_rr_clone(rr));
		owner = infra_name(ldns_rr_owner(rr));
		one = ldns_rr_list_new();
		osigs = ldns_rr_list_new();
		if (one == NULL || osigs == NULL)
			fatalx("out of memory");
		ldns_rr_list_push_rr(one, ldns_rr_clone(rr));
		for (j = 0; j < ldns_rr_list_rr_count(auth); j++) {
			s = ldns_rr_list_rr(auth, j);
			if (ldns_rr_get_type(s) == LDNS_RR_TYPE_RRSIG &&
			    ldns_rr_rrsig_typecovered(s) != NULL &&
			    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(s)) == type &&
			    ldns_dname_compare(ldns_rr_owner(s), ldns_rr_owner(rr)) == 0) {
				ldns_rr_list_push_rr(osigs, ldns_rr_clone(s));
				ldns_rr_list_push_rr(sigs, ldns_rr_clone(s));
			}
		}
		switch (sig_judge(one, osigs, keys, now, &r)) {
		case SIG_VALID:
			break;
		case SIG_EXPIRED:
		case SIG_NOT_YET_VALID:
			/* A window problem, named as such: the proof itself
			 * may be sound. */
			dnssec_note(da, r.verdict == SIG_EXPIRED ? CAUSE_RRSIG_EXPIRED :
			    CAUSE_RRSIG_NOT_YET_VALID, "%s %s: %s", type ==
			    LDNS_RR_TYPE_NSEC ? "NSEC" : "NSEC3", owner, r.detail);
			break;
		default:
			buf_printf(why, "%sRRSIG over %s %s %s: %s",
			    why->len > 0 ? "; " : "", type == LDNS_RR_TYPE_NSEC ?
			    "NSEC" : "NSEC3", owner, sig_verdict_name(r.verdict), r.detail);
			ok = false;
			break;
		}
		if (r.has_expiry && (!worst->has_expiry || r.earliest < worst->earliest)) {
			worst->has_expiry = true;
			worst->earliest = r.earliest;
		}
		ldns_rr_list_deep_free(one);
		ldns_rr_list_deep_free(osigs);
		free(owner);
	}
	return ok;
}

/* An NSEC at qname whose type bitmap lacks qtype and CNAME (RFC 4035 3.1.3.1). */
static ldns_status
dnssec_nsec_nodata(const ldns_rr_list *nsecs, const char *qname, ldns_rr_type qtype)
{
	const ldns_rr	*rr;
	char		*owner;
	size_t		 i;
	bool		 match;

	for (i = 0; i < ldns_rr_list_rr_count(nsecs); i++) {
		rr = ldns_rr_list_rr(nsecs, i);
		owner = infra_name(ldns_rr_owner(rr));
		match = strcmp(owner, qname) == 0;
		free(owner);
		if (!match || ldns_rr_rdf(rr, 1) == NULL)
			continue;
		if (ldns_nsec_bitmap_covers_type(ldns_rr_rdf(rr, 1), qtype) ||
		    ldns_nsec_bitmap_covers_type(ldns_rr_rdf(rr, 1), LDNS_RR_TYPE_CNAME))
			return LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
		return LDNS_STATUS_OK;
	}
	return LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
}

/*
 * One denial of existence: NXDOMAIN for a random name, or NODATA for a type
 * the apex lacks, proven by signed NSEC (RFC 4035 5.4) or NSEC3 (RFC 5155
 * 8.4-8.7: closest encloser, next closer, wildcard, opt-out).
 */
static void
dnssec_denial(const struct evidence *ev, const ldns_pkt *pkt, const char *qname,
    ldns_rr_type qtype, const ldns_rr_list *keys, const struct check_params *params,
    struct dnssec_addr *da, struct dnssec_expiry *exp, size_t si, const char *addr)
{
	ldns_rr_list		*nsec, *nsec3, *sigs;
	ldns_rr			*q;
	ldns_rdf		*zone;
	ldns_pkt_rcode		 rc = ldns_pkt_get_rcode(pkt);
	char			 proof[512];
	ldns_status		 st;
	struct buf		 why;
	struct sig_result	 worst;
	const char		*what = qtype == LDNS_RR_TYPE_A ? "NXDOMAIN" : "NODATA";
	bool			 nodata = ldns_rr_list_rr_count(ldns_pkt_answer(pkt)) == 0;

	/* A wildcard answers the random name: nothing is denied. */
	if (rc == LDNS_RCODE_NOERROR && !nodata)
		return;
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN)
		return;		/* zone_served's or reachability's to say */
	buf_init(&why);
	memset(&worst, 0, sizeof(worst));
	nsec = ldns_rr_list_new();
	nsec3 = ldns_rr_list_new();
	sigs = ldns_rr_list_new();
	if (nsec == NULL || nsec3 == NULL || sigs == NULL ||
	    (q = ldns_rr_new()) == NULL)
		fatalx("out of memory");
	if ((zone = ldns_dname_new_frm_str(ev->zone)) == NULL)
		fatalx("out of memory");
	ldns_rr_set_owner(q, ldns_dname_new_frm_str(qname));
	ldns_rr_set_type(q, qtype);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	dnssec_denial_sigs(pkt, LDNS_RR_TYPE_NSEC, keys, params->now, nsec, sigs,
	    &why, &worst, da);
	dnssec_denial_sigs(pkt, LDNS_RR_TYPE_NSEC3, keys, params->now, nsec3, sigs,
	    &why, &worst, da);
	if (worst.has_expiry)
		dnssec_expiry(exp, &worst, ev, si, addr);
	if (ldns_rr_list_rr_count(nsec) == 0 && ldns_rr_list_rr_count(nsec3) == 0)
		buf_printf(&why, "no NSEC or NSEC3 records in the authority section");
	else if (why.len == 0) {
		if (ldns_rr_list_rr_count(nsec3) > 0) {
			if (!nsec3_prove(zone, ldns_rr_owner(q), qtype,
			    rc == LDNS_RCODE_NXDOMAIN, nsec3, proof, sizeof(proof)))
				buf_printf(&why, "the NSEC3 records do not prove it: %s",
				    proof);
			st = LDNS_STATUS_OK;
		} else if (rc == LDNS_RCODE_NXDOMAIN)
			st = ldns_dnssec_verify_denial(q, nsec, sigs);
		else
			st = dnssec_nsec_nodata(nsec, qname, qtype);
		if (st != LDNS_STATUS_OK)
			buf_printf(&why, "the NSEC records do not prove it: %s",
			    ldns_get_errorstr_by_id(st) != NULL ?
			    ldns_get_errorstr_by_id(st) : "unknown error");
	}
	if (why.len > 0)
		dnssec_note(da, CAUSE_DENIAL_INVALID, "%s for %s: %s", what, qname,
		    why.data);
	buf_free(&why);
	ldns_rr_free(q);
	ldns_rdf_deep_free(zone);
	ldns_rr_list_deep_free(nsec);
	ldns_rr_list_deep_free(nsec3);
	ldns_rr_list_deep_free(sigs);
}

/* CDS/CDNSKEY that match no DNSKEY would break the zone at the next DS
 * update (RFC 7344 4.1; algorithm 0 is the delete request of RFC 8078). */
static void
dnssec_cds(const struct evidence *ev, const ldns_pkt *pkt, ldns_rr_type type,
    const ldns_rr_list *dnskeys, struct dnssec_addr *da)
{
	ldns_rr_list	*set = sig_rrset(pkt, LDNS_SECTION_ANSWER, ev->zone, type, 0);
	ldns_rr		*c;
	const ldns_rdf	*alg;
	size_t		 i, j;
	bool		 match;
	char		*tags;

	for (i = 0; i < ldns_rr_list_rr_count(set); i++) {
		c = ldns_rr_list_rr(set, i);
		alg = ldns_rr_rdf(c, type == LDNS_RR_TYPE_CDS ? 1 : 2);
		if (alg == NULL || ldns_rdf_size(alg) != 1 || ldns_rdf2native_int8(alg) == 0)
			continue;
		ldns_rr_set_type(c, type == LDNS_RR_TYPE_CDS ? LDNS_RR_TYPE_DS :
		    LDNS_RR_TYPE_DNSKEY);
		for (match = false, j = 0; !match && j < ldns_rr_list_rr_count(dnskeys); j++)
			match = ldns_rr_compare_ds(c, ldns_rr_list_rr(dnskeys, j));
		if (!match) {
			tags = sig_keytags(set);
			dnssec_note(da, CAUSE_CDS_MISMATCH, "%s %s matches no DNSKEY",
			    type == LDNS_RR_TYPE_CDS ? "CDS" : "CDNSKEY", tags);
			free(tags);
			break;
		}
	}
	ldns_rr_list_deep_free(set);
}

static const char *
dnssec_fix(enum cause c)
{
	switch (c) {
	case CAUSE_DS_NO_MATCHING_DNSKEY:
		return "The DS records at the parent point at no key the zone "
		    "publishes: a KSK rollover went wrong, or the zone was re-signed "
		    "with new keys. Either publish the key the DS points at again "
		    "(DNS provider / signer) or replace the DS at the registrar with "
		    "the DS of the current KSK. Validating resolvers answer SERVFAIL "
		    "for every name in the zone until they match.";
	case CAUSE_DNSKEY_NOT_SIGNED_BY_KSK:
		return "The key the parent's DS points at is published but does not "
		    "sign the DNSKEY RRset. Make the signer sign the DNSKEY RRset with "
		    "that KSK (check the signing policy and key states), or update the "
		    "DS at the registrar to the key that does sign it.";
	case CAUSE_RRSIG_MISSING:
		return "The server returns records without signatures: it serves an "
		    "unsigned copy of the zone (a secondary that transfers from the "
		    "wrong primary, or a signer that is down). Point it at the signed "
		    "zone and check transfers; validators reject unsigned answers "
		    "for a zone with a DS.";
	case CAUSE_RRSIG_BOGUS:
		return "Signatures do not verify: the data was changed after signing "
		    "or the server mixes data from different signings. Re-sign the "
		    "zone and reload it everywhere; never edit a signed zone file "
		    "by hand.";
	case CAUSE_RRSIG_EXPIRED:
		return "The signatures have expired: the signer stopped re-signing "
		    "(stuck or dead signer, or a secondary that no longer receives "
		    "transfers and still serves the old copy). Re-sign the zone and "
		    "check the signer's schedule and the transfers to this server.";
	case CAUSE_RRSIG_NOT_YET_VALID:
		return "The signatures start in the future: the signer's clock is "
		    "ahead, or it sets the inception too late. Fix the signer's "
		    "clock (NTP) and its inception offset, and re-sign.";
	case CAUSE_DENIAL_INVALID:
		return "The proof that a name or type does not exist fails: the "
		    "NSEC/NSEC3 chain is broken or unsigned (a partial re-sign or a "
		    "hand edit). Re-sign the whole zone so the chain is rebuilt; "
		    "validators answer SERVFAIL for names that do not exist.";
	case CAUSE_CDS_MISMATCH:
		return "The zone publishes CDS/CDNSKEY for a key it does not have. A "
		    "parent that automates DS updates (RFC 7344/8078) would install "
		    "a DS that breaks the zone: fix the signer's CDS publication or "
		    "remove the records.";
	case CAUSE_TTL_EXCEEDS_SIGNATURE:
		return "Caches may keep the records past their signatures' validity "
		    "and fail them later (RFC 4035 5.3.3). Lower the records' TTL "
		    "below the signature validity left at each re-signing (the "
		    "signer's refresh interval), or re-sign more often.";
	default:
		return "";
	}
}

/* Causes that do not break validation now: never critical, and not what
 * makes an address's answers fail to validate. */
static bool
dnssec_warning_only(enum cause c)
{
	return c == CAUSE_CDS_MISMATCH || c == CAUSE_TTL_EXCEEDS_SIGNATURE;
}

static const char *
dnssec_summary(enum cause c)
{
	switch (c) {
	case CAUSE_DS_NO_MATCHING_DNSKEY:
		return "the parent's DS matches no DNSKEY";
	case CAUSE_DNSKEY_NOT_SIGNED_BY_KSK:
		return "the DNSKEY RRset is not signed by the key the DS points at";
	case CAUSE_RRSIG_MISSING:
		return "answers without RRSIGs";
	case CAUSE_RRSIG_BOGUS:
		return "RRSIGs that do not verify";
	case CAUSE_RRSIG_EXPIRED:
		return "expired RRSIGs";
	case CAUSE_RRSIG_NOT_YET_VALID:
		return "RRSIGs not valid yet";
	case CAUSE_DENIAL_INVALID:
		return "a denial of existence that does not verify";
	case CAUSE_CDS_MISMATCH:
		return "CDS/CDNSKEY matching no DNSKEY";
	case CAUSE_TTL_EXCEEDS_SIGNATURE:
		return "records whose TTL outlasts their signatures";
	default:
		return "a DNSSEC problem";
	}
}

/* The DNSKEY set of (si, a) as sorted key tags, for comparison. */
static char *
dnssec_keyset(const struct evidence *ev, const ldns_pkt *pkt)
{
	ldns_rr_list	*keys = sig_rrset(pkt, LDNS_SECTION_ANSWER, ev->zone,
	    LDNS_RR_TYPE_DNSKEY, 0);
	char		*tags;

	ldns_rr_list_sort(keys);
	tags = sig_keytags(keys);
	ldns_rr_list_deep_free(keys);
	return tags;
}

static void
dnssec_inconsistent(const struct evidence *ev, struct findings *out)
{
	struct buf		 b;
	const ldns_pkt		*pkt;
	const struct ev_server	*s;
	char			 addr[INET6_ADDRSTRLEN + 8], *tags, *first = NULL;
	size_t			 si, ai;
	bool			 differ = false;

	buf_init(&b);
	for (si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++) {
			if ((pkt = dnssec_dnskey_pkt(ev, si, &s->addrs[ai])) == NULL)
				continue;
			tags = dnssec_keyset(ev, pkt);
			addr_str(&s->addrs[ai], addr, sizeof(addr));
			buf_printf(&b, "%s%s %s: %s", b.len > 0 ? "; " : "", s->name,
			    addr, *tags != '\0' ? tags : "none");
			if (first == NULL)
				first = tags;
			else {
				differ = differ || strcmp(first, tags) != 0;
				free(tags);
			}
		}
	}
	if (differ)
		findings_add(out, CAUSE_DNSKEY_INCONSISTENT, SEVERITY_WARNING, NULL, NULL,
		    xasprintf("the servers of %s publish different DNSKEY sets", ev->zone),
		    xasprintf("DNSKEY key tags/algorithms per server address: %s",
		    b.data),
		    xstrdup("Some servers serve an older or newer version of the "
		    "keys: check zone transfers to them (and, with several signers, "
		    "that they share keys as RFC 8901 describes). During a key "
		    "rollover resolvers that cached the other set may fail to "
		    "validate."));
	free(first);
	buf_free(&b);
}

/* Everything about one server address of a zone whose parent has a DS. */
static void
dnssec_judge_addr(const struct evidence *ev, const struct check_params *params,
    size_t si, const struct addr *a, const ldns_rr_list *parent_keys,
    const ldns_rr_list *trusted, struct dnssec_addr *da, struct dnssec_expiry *exp)
{
	const ldns_pkt		*k, *p;
	const ldns_rr_list	*keys = trusted;
	struct link_result	 lr;
	ldns_rr_list		*dnskeys;
	char			 addr[INET6_ADDRSTRLEN + 8];

	if ((k = dnssec_dnskey_pkt(ev, si, a)) == NULL)
		return;
	da->judged = true;
	addr_str(a, addr, sizeof(addr));
	sig_link(ev->zone, parent_keys, NULL, ev->ds, k, params->now, &lr);
	if (lr.state == LINK_BOGUS)
		dnssec_note(da, lr.cause, "%s", lr.detail);
	if (lr.state == LINK_SECURE)
		keys = lr.keys;
	dnssec_expiry(exp, &lr.dnskey_sig, ev, si, addr);
	if (keys != NULL) {
		if ((p = dnssec_pkt(ev, PROBE_SOA_UDP, si, a)) != NULL ||
		    (p = dnssec_pkt(ev, PROBE_SOA_TCP, si, a)) != NULL)
			dnssec_rrset(ev, p, LDNS_RR_TYPE_SOA, keys, params, da, exp, si, addr);
		if ((p = dnssec_pkt(ev, PROBE_NS, si, a)) != NULL)
			dnssec_rrset(ev, p, LDNS_RR_TYPE_NS, keys, params, da, exp, si, addr);
		if ((p = dnssec_pkt(ev, PROBE_NXNAME, si, a)) != NULL && ev->nxname != NULL)
			dnssec_denial(ev, p, ev->nxname, LDNS_RR_TYPE_A, keys, params,
			    da, exp, si, addr);
		if ((p = dnssec_pkt(ev, PROBE_NODATA, si, a)) != NULL)
			dnssec_denial(ev, p, ev->zone, LDNS_RR_TYPE_NULL, keys, params,
			    da, exp, si, addr);
	}
	dnskeys = sig_rrset(k, LDNS_SECTION_ANSWER, ev->zone, LDNS_RR_TYPE_DNSKEY, 0);
	if ((p = dnssec_pkt(ev, PROBE_CDS, si, a)) != NULL)
		dnssec_cds(ev, p, LDNS_RR_TYPE_CDS, dnskeys, da);
	if ((p = dnssec_pkt(ev, PROBE_CDNSKEY, si, a)) != NULL)
		dnssec_cds(ev, p, LDNS_RR_TYPE_CDNSKEY, dnskeys, da);
	ldns_rr_list_deep_free(dnskeys);
	sig_link_clear(&lr);
}

/* The first server address whose DNSKEY RRset the DS validates. */
static ldns_rr_list *
dnssec_trusted(const struct evidence *ev, const ldns_rr_list *parent_keys, time_t now)
{
	struct link_result	 lr;
	const ldns_pkt		*k;
	ldns_rr_list		*keys;
	size_t			 si, ai;

	for (si = 0; si < ev->nservers; si++)
		for (ai = 0; ai < ev->servers[si].naddrs; ai++) {
			if ((k = dnssec_dnskey_pkt(ev, si,
			    &ev->servers[si].addrs[ai])) == NULL)
				continue;
			sig_link(ev->zone, parent_keys, NULL, ev->ds, k, now, &lr);
			if (lr.state == LINK_SECURE) {
				keys = lr.keys;
				return keys;
			}
			sig_link_clear(&lr);
		}
	return NULL;
}

static void
dnssec_emit(const struct evidence *ev, struct dnssec_addr *das, size_t n,
    struct findings *out)
{
	const struct ev_server	*s;
	char			 addr[INET6_ADDRSTRLEN + 8];
	size_t			 si, ai, i, c, clean = 0;
	enum severity		 sev;

	for (i = 0; i < n; i++) {
		for (c = 0; c < CAUSE_MAX && das[i].judged; c++)
			if (!dnssec_warning_only(c) && das[i].why[c].len > 0)
				break;
		clean += das[i].judged && c == CAUSE_MAX;
	}
	/* Resolvers fail when no server gives answers that validate. */
	sev = clean == 0 ? SEVERITY_CRITICAL : SEVERITY_WARNING;
	for (i = 0, si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++, i++) {
			addr_str(&s->addrs[ai], addr, sizeof(addr));
			for (c = 0; c < CAUSE_MAX; c++) {
				if (das[i].why[c].len == 0)
					continue;
				findings_add(out, c, dnssec_warning_only(c) ?
				    SEVERITY_WARNING : sev, s->name, addr,
				    xasprintf("%s (%s) serves %s for %s", s->name, addr,
				    dnssec_summary(c), ev->zone),
				    xasprintf("DNSKEY, SOA, NS, a random name and a missing "
				    "type asked with DO at %s: %s", addr,
				    das[i].why[c].data),
				    xstrdup(dnssec_fix(c)));
			}
		}
	}
}

static void
dnssec_expiring(const struct evidence *ev, const struct check_params *params,
    const struct dnssec_expiry *e, struct findings *out)
{
	char	left[32], warn[32];

	if (!e->has || e->t < params->now ||
	    (uint64_t)(e->t - params->now) >= params->expiry_warning_s)
		return;
	value_format_duration((uint64_t)(e->t - params->now), left, sizeof(left));
	value_format_duration(params->expiry_warning_s, warn, sizeof(warn));
	findings_add(out, CAUSE_RRSIG_EXPIRING_SOON, SEVERITY_WARNING,
	    ev->servers[e->si].name, e->addr,
	    xasprintf("signatures of %s expire in %s", ev->zone, left),
	    xasprintf("the earliest RRSIG expiration, at %s (%s), is %lld, in %s "
	    "(expiry_warning %s)", e->addr, ev->servers[e->si].name, (long long)e->t,
	    left, warn),
	    xasprintf("Re-sign %s before then: check that the signer runs and "
	    "re-signs on schedule, and that secondaries receive the new "
	    "signatures. Once they expire, validating resolvers answer SERVFAIL.",
	    ev->zone));
}

static enum check_outcome
dnssec_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	struct link_result	 lr;
	struct dnssec_addr	*das;
	struct dnssec_expiry	 exp;
	ldns_rr_list		*keys = NULL, *trusted;
	const ldns_rr_list	*parent_keys;
	size_t			 i, n = 0, si, ai, c;
	const char		*parent;
	bool			 above_broken = false;

	if (ev->walk == NULL || ev->walk->status != WALK_OK || !ev->chain_fetched ||
	    (params->trust_anchor == NULL && !params->no_anchor) || ev->nchain == 0)
		return CHECK_COULD_NOT_RUN;
	/* From the trust anchor down to the parent (none: straight to the
	 * zone, from its DS as served). */
	for (i = 0; !params->no_anchor && !above_broken && i < ev->nchain; i++) {
		sig_link(ev->chain[i]->zone, keys, params->trust_anchor,
		    ev->chain[i]->ds, ev->chain[i]->dnskey, params->now, &lr);
		ldns_rr_list_deep_free(keys);
		keys = NULL;
		switch (lr.state) {
		case LINK_SECURE:
			keys = lr.keys;
			continue;
		case LINK_INSECURE:
			return CHECK_RAN;	/* an insecure delegation above */
		case LINK_UNKNOWN:
			return CHECK_COULD_NOT_RUN;
		case LINK_BOGUS:
			findings_add(out, CAUSE_ANCESTOR_CHAIN_BROKEN, SEVERITY_CRITICAL,
			    NULL, NULL,
			    xasprintf("the chain of trust to %s breaks at %s",
			    ev->zone, ev->chain[i]->zone),
			    xasprintf("%s (%s)", lr.detail, cause_name(lr.cause)),
			    xasprintf("Validating resolvers answer SERVFAIL for %s and "
			    "everything below %s until %s's link is repaired by whoever "
			    "runs it%s. Nothing in %s itself can fix this.", ev->zone,
			    ev->chain[i]->zone, ev->chain[i]->zone,
			    strcmp(ev->chain[i]->zone, ".") == 0 ? " (for the root: "
			    "check that trust_anchor holds the current root KSK)" : "",
			    ev->zone));
			/* The zone's own keys and signatures still get checked,
			 * from its DS as served: its owner learns what is theirs
			 * to fix meanwhile (or after the chain is repaired). */
			above_broken = true;
			break;
		}
	}
	parent_keys = params->no_anchor || above_broken ? SIG_DS_AS_SERVED : keys;
	/* What validators now refuse, whatever the signatures say. */
	dnspolicy_judge(ev, params, out, next);
	/* The zone's own DS, asked of the parent's servers. */
	parent = ev->nchain > 0 ? ev->chain[ev->nchain - 1]->zone : ".";
	if (ev->ds == NULL) {
		ldns_rr_list_deep_free(keys);
		return CHECK_COULD_NOT_RUN;
	}
	sig_link(ev->zone, parent_keys, NULL, ev->ds, NULL, params->now, &lr);
	if (lr.state == LINK_INSECURE) {
		ldns_rr_list_deep_free(keys);
		return CHECK_RAN;
	}
	if (lr.state == LINK_BOGUS) {
		findings_add(out, CAUSE_ANCESTOR_CHAIN_BROKEN, SEVERITY_CRITICAL, NULL, NULL,
		    xasprintf("the DS of %s in %s does not validate", ev->zone, parent),
		    xstrdup(lr.detail),
		    xasprintf("%s's signatures over its DS RRset for %s fail: the "
		    "operator of %s must re-sign it. Validating resolvers answer "
		    "SERVFAIL for %s meanwhile.", parent, ev->zone, parent, ev->zone));
		/* As above: the zone's own part is still checked. */
		parent_keys = SIG_DS_AS_SERVED;
	}
	next->dnssec_signed = true;

	for (si = 0; si < ev->nservers; si++)
		n += ev->servers[si].naddrs;
	das = xcalloc(n > 0 ? n : 1, sizeof(*das));
	memset(&exp, 0, sizeof(exp));
	trusted = dnssec_trusted(ev, parent_keys, params->now);
	for (i = 0, si = 0; si < ev->nservers; si++)
		for (ai = 0; ai < ev->servers[si].naddrs; ai++, i++) {
			struct dnssec_expiry	 ae;
			struct server_detail	*d;

			memset(&ae, 0, sizeof(ae));
			dnssec_judge_addr(ev, params, si, &ev->servers[si].addrs[ai],
			    parent_keys, trusted, &das[i], &ae);
			if (!ae.has)
				continue;
			d = check_memory_detail(next, ev->servers[si].name, ae.addr);
			d->has_expiry = true;
			d->expiry = ae.t;
			if (dnssec_expiry_before(&exp, ae.t, ae.server, ae.addr))
				exp = ae;
		}
	dnssec_emit(ev, das, n, out);
	dnssec_inconsistent(ev, out);
	dnssec_expiring(ev, params, &exp, out);
	if (exp.has) {
		next->has_expiry = true;
		next->expiry = exp.t;
	}
	for (i = 0; i < n; i++)
		for (c = 0; c < CAUSE_MAX; c++)
			buf_free(&das[i].why[c]);
	free(das);
	ldns_rr_list_deep_free(trusted);
	ldns_rr_list_deep_free(keys);
	return CHECK_RAN;
}

const struct check_def check_dnssec = {
	.id = CHECK_DNSSEC,
	.judge = dnssec_judge,
};
