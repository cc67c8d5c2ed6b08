/* sigcheck: pure DNSSEC judgements on answers. */
#include "zhbuild.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "infra.h"
#include "log.h"
#include "served.h"
#include "sigcheck.h"
#include "xmalloc.h"

static const char *const sig_verdict_names[] = {
	[SIG_VALID] = "valid",
	[SIG_MISSING] = "missing",
	[SIG_BOGUS] = "bogus",
	[SIG_EXPIRED] = "expired",
	[SIG_NOT_YET_VALID] = "not yet valid",
};

const char *
sig_verdict_name(enum sig_verdict v)
{
	return sig_verdict_names[v];
}

ldns_rr_list *
sig_rrset(const ldns_pkt *pkt, ldns_pkt_section sec, const char *owner,
    ldns_rr_type type, ldns_rr_type covered)
{
	ldns_rr_list	*out, *all;
	ldns_rr		*rr;
	const ldns_rdf	*tc;
	char		*name;
	size_t		 i;

	if ((out = ldns_rr_list_new()) == NULL)
		fatalx("out of memory");
	if (pkt == NULL || (all = ldns_pkt_get_section_clone(pkt, sec)) == NULL)
		return out;
	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		rr = ldns_rr_list_rr(all, i);
		if (ldns_rr_get_type(rr) != type || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			continue;
		if (type == LDNS_RR_TYPE_RRSIG && ((tc = ldns_rr_rrsig_typecovered(rr)) ==
		    NULL || ldns_rdf_size(tc) != 2 || ldns_rdf2rr_type(tc) != covered))
			continue;
		name = infra_name(ldns_rr_owner(rr));
		if (strcmp(name, owner) == 0)
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
		free(name);
	}
	ldns_rr_list_deep_free(all);
	return out;
}

time_t
sig_time(uint32_t t, time_t now)
{
	return now + (int32_t)(t - (uint32_t)now);
}

static bool
sig_field(const ldns_rdf *rd, uint32_t *out)
{
	if (rd == NULL || ldns_rdf_size(rd) != 4)
		return false;
	*out = ldns_rdf2native_time_t(rd) & 0xffffffffu;
	return true;
}

enum sig_verdict
sig_judge(const ldns_rr_list *rrset, const ldns_rr_list *rrsigs,
    const ldns_rr_list *keys, time_t now, struct sig_result *r)
{
	const ldns_rr	*sig;
	ldns_status	 st, last = LDNS_STATUS_OK;
	uint32_t	 inc, exp, now32 = (uint32_t)now;
	time_t		 t;
	size_t		 i;
	bool		 expired = false, early = false;

	memset(r, 0, sizeof(*r));
	if (ldns_rr_list_rr_count(rrsigs) == 0) {
		snprintf(r->detail, sizeof(r->detail), "no RRSIG");
		return r->verdict = SIG_MISSING;
	}
	r->verdict = SIG_BOGUS;
	if (keys == NULL || ldns_rr_list_rr_count(keys) == 0) {
		snprintf(r->detail, sizeof(r->detail), "no trusted key to verify with");
		return SIG_BOGUS;
	}
	for (i = 0; i < ldns_rr_list_rr_count(rrsigs); i++) {
		sig = ldns_rr_list_rr(rrsigs, i);
		if (!sig_field(ldns_rr_rrsig_inception(sig), &inc) ||
		    !sig_field(ldns_rr_rrsig_expiration(sig), &exp)) {
			last = LDNS_STATUS_ERR;
			continue;
		}
		st = ldns_verify_rrsig_keylist_notime(rrset, sig, keys, NULL);
		if (st != LDNS_STATUS_OK) {
			last = st;
			continue;
		}
		t = sig_time(exp, now);
		if (!r->has_expiry || t < r->earliest)
			r->earliest = t;
		r->has_expiry = true;
		if (serial_cmp(now32, exp) > 0) {
			expired = true;
			snprintf(r->detail, sizeof(r->detail), "expired %lds ago "
			    "(expiration %lld)", (long)(now - t), (long long)t);
		} else if (serial_cmp(now32, inc) < 0) {
			early = true;
			snprintf(r->detail, sizeof(r->detail), "valid only in %lds "
			    "(inception %lld)", (long)(sig_time(inc, now) - now),
			    (long long)sig_time(inc, now));
		} else
			r->verdict = SIG_VALID;
	}
	if (r->verdict == SIG_VALID) {
		snprintf(r->detail, sizeof(r->detail), "valid until %lld",
		    (long long)r->earliest);
		return SIG_VALID;
	}
	if (expired)
		return r->verdict = SIG_EXPIRED;
	if (early)
		return r->verdict = SIG_NOT_YET_VALID;
	snprintf(r->detail, sizeof(r->detail), "no RRSIG verifies: %s",
	    ldns_get_errorstr_by_id(last) != NULL ? ldns_get_errorstr_by_id(last) :
	    "unknown error");
	return SIG_BOGUS;
}

bool
sig_ds_usable(const ldns_rr *ds)
{
	const ldns_rdf	*alg = ldns_rr_rdf(ds, 1), *dig = ldns_rr_rdf(ds, 2);
	uint8_t		 d;

	if (alg == NULL || dig == NULL || ldns_rdf_size(alg) != 1 ||
	    ldns_rdf_size(dig) != 1)
		return false;
	d = ldns_rdf2native_int8(dig);
	return ldns_key_algo_supported(ldns_rdf2native_int8(alg)) &&
	    (d == LDNS_SHA1 || d == LDNS_SHA256 || d == LDNS_SHA384);
}

ldns_rr_list *
sig_keys_matching(const ldns_rr_list *dnskeys, const ldns_rr_list *ds)
{
	ldns_rr_list	*out;
	const ldns_rr	*d;
	ldns_rr		*k;
	size_t		 i, j;

	if ((out = ldns_rr_list_new()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < ldns_rr_list_rr_count(dnskeys); i++) {
		k = ldns_rr_list_rr(dnskeys, i);
		for (j = 0; j < ldns_rr_list_rr_count(ds); j++) {
			d = ldns_rr_list_rr(ds, j);
			if (ldns_rr_get_type(d) == LDNS_RR_TYPE_DS && !sig_ds_usable(d))
				continue;
			if (ldns_rr_compare_ds(d, k)) {
				ldns_rr_list_push_rr(out, k);
				break;
			}
		}
	}
	return out;
}

char *
sig_keytags(const ldns_rr_list *l)
{
	struct buf	 b;
	const ldns_rr	*rr;
	const ldns_rdf	*alg;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS) {
			alg = ldns_rr_rdf(rr, 1);
			buf_printf(&b, "%s%u/%u", i > 0 ? ", " : "",
			    ldns_rr_rdf(rr, 0) != NULL && ldns_rdf_size(ldns_rr_rdf(rr, 0)) == 2 ?
			    ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) : 0,
			    alg != NULL && ldns_rdf_size(alg) == 1 ?
			    ldns_rdf2native_int8(alg) : 0);
		} else {
			alg = ldns_rr_rdf(rr, 2);
			buf_printf(&b, "%s%u/%u", i > 0 ? ", " : "",
			    ldns_calc_keytag(rr), alg != NULL &&
			    ldns_rdf_size(alg) == 1 ? ldns_rdf2native_int8(alg) : 0);
		}
	}
	return buf_steal(&b, NULL);
}

static void
sig_link_set(struct link_result *r, enum link_state st, enum cause cause,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
sig_link_set(struct link_result *r, enum link_state st, enum cause cause,
    const char *fmt, ...)
{
	va_list	ap;

	r->state = st;
	r->cause = cause;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

static ldns_rr_list	 sig_ds_as_served_marker;
const ldns_rr_list *const SIG_DS_AS_SERVED = &sig_ds_as_served_marker;

void
sig_link(const char *zone, const ldns_rr_list *parent_keys, const ldns_rr_list *anchors,
    const ldns_pkt *ds_pkt, const ldns_pkt *dnskey_pkt, time_t now,
    struct link_result *r)
{
	ldns_rr_list		*ds = NULL, *dssigs = NULL, *keys = NULL, *sigs = NULL;
	ldns_rr_list		*match = NULL;
	struct sig_result	 sr;
	char			*tags = NULL, *ktags = NULL;
	bool			 root = strcmp(zone, ".") == 0;
	size_t			 i, usable = 0;

	memset(r, 0, sizeof(*r));
	if (!root) {
		if (ds_pkt == NULL) {
			sig_link_set(r, LINK_UNKNOWN, CAUSE_ANCESTOR_CHAIN_BROKEN,
			    "no server of the parent answered for the DS of %s", zone);
			return;
		}
		ds = sig_rrset(ds_pkt, LDNS_SECTION_ANSWER, zone, LDNS_RR_TYPE_DS, 0);
		if (ldns_rr_list_rr_count(ds) == 0) {
			sig_link_set(r, LINK_INSECURE, CAUSE_MAX,
			    "the parent has no DS for %s", zone);
			goto out;
		}
		dssigs = sig_rrset(ds_pkt, LDNS_SECTION_ANSWER, zone,
		    LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS);
		if (parent_keys != SIG_DS_AS_SERVED &&
		    sig_judge(ds, dssigs, parent_keys, now, &sr) != SIG_VALID) {
			sig_link_set(r, LINK_BOGUS, CAUSE_ANCESTOR_CHAIN_BROKEN,
			    "the parent's DS RRset for %s: RRSIG %s (%s)", zone,
			    sig_verdict_name(sr.verdict), sr.detail);
			goto out;
		}
	}
	for (i = 0; i < ldns_rr_list_rr_count(root ? anchors : ds); i++)
		usable += ldns_rr_get_type(ldns_rr_list_rr(root ? anchors : ds, i)) !=
		    LDNS_RR_TYPE_DS || sig_ds_usable(ldns_rr_list_rr(root ? anchors : ds, i));
	tags = sig_keytags(root ? anchors : ds);
	if (usable == 0) {
		/* Algorithms a validator cannot use: insecure (RFC 6840 5.2). */
		sig_link_set(r, LINK_INSECURE, CAUSE_MAX, "no DS of %s (%s) has a "
		    "supported algorithm and digest", zone, tags);
		goto out;
	}
	if (dnskey_pkt == NULL) {
		sig_link_set(r, LINK_UNKNOWN, CAUSE_ANCESTOR_CHAIN_BROKEN,
		    "no server of %s answered for its DNSKEY", zone);
		goto out;
	}
	keys = sig_rrset(dnskey_pkt, LDNS_SECTION_ANSWER, zone, LDNS_RR_TYPE_DNSKEY, 0);
	ktags = sig_keytags(keys);
	match = sig_keys_matching(keys, root ? anchors : ds);
	if (ldns_rr_list_rr_count(match) == 0) {
		sig_link_set(r, LINK_BOGUS, CAUSE_DS_NO_MATCHING_DNSKEY,
		    "%s %s (key tag/algorithm) but the DNSKEY RRset of %s has %s",
		    root ? "the trust anchor has" : "the parent's DS", tags, zone,
		    *ktags != '\0' ? ktags : "no keys");
		goto out;
	}
	sigs = sig_rrset(dnskey_pkt, LDNS_SECTION_ANSWER, zone, LDNS_RR_TYPE_RRSIG,
	    LDNS_RR_TYPE_DNSKEY);
	switch (sig_judge(keys, sigs, match, now, &r->dnskey_sig)) {
	case SIG_VALID:
		r->state = LINK_SECURE;
		r->keys = ldns_rr_list_clone(keys);
		snprintf(r->detail, sizeof(r->detail), "DS %s matches DNSKEY of %s, "
		    "which signs the DNSKEY RRset (%s)", tags, zone,
		    r->dnskey_sig.detail);
		break;
	case SIG_EXPIRED:
		sig_link_set(r, LINK_BOGUS, CAUSE_RRSIG_EXPIRED, "the RRSIG by the "
		    "key the DS points at over the DNSKEY RRset of %s %s", zone,
		    r->dnskey_sig.detail);
		break;
	case SIG_NOT_YET_VALID:
		sig_link_set(r, LINK_BOGUS, CAUSE_RRSIG_NOT_YET_VALID, "the RRSIG by "
		    "the key the DS points at over the DNSKEY RRset of %s is %s",
		    zone, r->dnskey_sig.detail);
		break;
	default:
		sig_link_set(r, LINK_BOGUS, CAUSE_DNSKEY_NOT_SIGNED_BY_KSK, "DS %s "
		    "matches a DNSKEY of %s, but no valid RRSIG by it covers the "
		    "DNSKEY RRset (%s)", tags, zone, r->dnskey_sig.detail);
		break;
	}
out:
	free(tags);
	free(ktags);
	ldns_rr_list_free(match);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(dssigs);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
}

void
sig_link_clear(struct link_result *r)
{
	ldns_rr_list_deep_free(r->keys);
	r->keys = NULL;
}
