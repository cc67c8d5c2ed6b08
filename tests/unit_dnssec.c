/* unit_dnssec: signatures and their windows at a fixed now, DS against
 * DNSKEY, the chain of trust, denial proofs and CDS, on answers signed at
 * test time with real keys. */
#include "zhbuild.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evidence.h"
#include "sigcheck.h"
#include "xmalloc.h"
#include "unit_main.h"
#include "fixture.h"

#define NOW	1800000000	/* 2027-01-15 */
#define DAY	86400

/* A zone's keys: KSK (SEP) and ZSK, ECDSA P-256. */
struct zkeys {
	const char	*zone;
	ldns_key	*ksk, *zsk;
	ldns_rr		*ksk_rr, *zsk_rr;
};

static ldns_key *
key_new(const char *zone, uint16_t flags)
{
	ldns_key	*k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);

	ck_assert_ptr_nonnull(k);
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(zone));
	ldns_key_set_flags(k, flags);
	ldns_key_set_use(k, true);
	return k;
}

static void
zkeys_new(struct zkeys *z, const char *zone)
{
	z->zone = zone;
	z->ksk = key_new(zone, 257);
	z->zsk = key_new(zone, 256);
	z->ksk_rr = ldns_key2rr(z->ksk);
	z->zsk_rr = ldns_key2rr(z->zsk);
	ldns_key_set_keytag(z->ksk, ldns_calc_keytag(z->ksk_rr));
	ldns_key_set_keytag(z->zsk, ldns_calc_keytag(z->zsk_rr));
}

static void
zkeys_free(struct zkeys *z)
{
	ldns_key_deep_free(z->ksk);
	ldns_key_deep_free(z->zsk);
	ldns_rr_free(z->ksk_rr);
	ldns_rr_free(z->zsk_rr);
}

/* RRSIGs over set by key, valid [inc, exp]. */
static ldns_rr_list *
sign(const ldns_rr_list *set, ldns_key *key, uint32_t inc, uint32_t exp)
{
	ldns_key_list	*kl = ldns_key_list_new();
	ldns_rr_list	*sigs, *copy = ldns_rr_list_clone(set);
	uint16_t	 flags = ldns_key_flags(key);

	ldns_key_set_inception(key, inc);
	ldns_key_set_expiration(key, exp);
	/* ldns signs a DNSKEY RRset with SEP keys only: a ZSK signing it
	 * (a broken signer) needs the flag for the moment. */
	if (ldns_rr_get_type(ldns_rr_list_rr(set, 0)) == LDNS_RR_TYPE_DNSKEY)
		ldns_key_set_flags(key, flags | LDNS_KEY_SEP_KEY);
	ldns_key_list_push_key(kl, key);
	sigs = ldns_sign_public(copy, kl);
	ldns_key_set_flags(key, flags);
	ck_assert_ptr_nonnull(sigs);
	ck_assert_uint_eq(ldns_rr_list_rr_count(sigs), 1);
	/* ldns_key_list_free frees the keys in it: take ours out first. */
	ldns_key_list_set_key_count(kl, 0);
	ldns_key_list_free(kl);
	ldns_rr_list_deep_free(copy);
	return sigs;
}

static ldns_rr_list *
rrset(const char *text)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	ldns_rr		*rr = NULL;

	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(l, rr);
	return l;
}

static ldns_rr_list *
dnskeys(const struct zkeys *z)
{
	ldns_rr_list	*l = ldns_rr_list_new();

	ldns_rr_list_push_rr(l, ldns_rr_clone(z->ksk_rr));
	ldns_rr_list_push_rr(l, ldns_rr_clone(z->zsk_rr));
	return l;
}

/* Appends copies of a list to a section. */
static void
push(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr_list *l)
{
	size_t	i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		ck_assert(ldns_pkt_push_rr(p, sec, ldns_rr_clone(ldns_rr_list_rr(l, i))));
}

/* An AA answer with set and its signatures by key. */
static ldns_pkt *
signed_answer(const ldns_rr_list *set, ldns_key *key, uint32_t inc, uint32_t exp)
{
	ldns_pkt	*p = fx_pkt(LDNS_RCODE_NOERROR, true);
	ldns_rr_list	*sigs = sign(set, key, inc, exp);

	push(p, LDNS_SECTION_ANSWER, set);
	push(p, LDNS_SECTION_ANSWER, sigs);
	ldns_rr_list_deep_free(sigs);
	return p;
}

static ldns_pkt *
dnskey_answer(const struct zkeys *z, ldns_key *signer, uint32_t inc, uint32_t exp)
{
	ldns_rr_list	*keys = dnskeys(z);
	ldns_pkt	*p = signed_answer(keys, signer, inc, exp);

	ldns_rr_list_deep_free(keys);
	return p;
}

/* The DS of z's KSK, signed by the parent's ZSK (parent NULL: unsigned). */
static ldns_pkt *
ds_answer(const struct zkeys *z, const struct zkeys *parent, uint32_t inc, uint32_t exp)
{
	ldns_rr_list	*ds = ldns_rr_list_new();
	ldns_pkt	*p;

	ldns_rr_list_push_rr(ds, ldns_key_rr2ds(z->ksk_rr, LDNS_SHA256));
	if (parent != NULL)
		p = signed_answer(ds, parent->zsk, inc, exp);
	else {
		p = fx_pkt(LDNS_RCODE_NOERROR, true);
		push(p, LDNS_SECTION_ANSWER, ds);
	}
	ldns_rr_list_deep_free(ds);
	return p;
}

START_TEST(test_sig_time_and_windows)
{
	struct zkeys		 z;
	struct sig_result	 r;
	ldns_rr_list		*set, *other, *sigs, *keys, *none = ldns_rr_list_new();

	/* RFC 4034 3.1.5: the nearest time to now with those 32 bits. */
	ck_assert_int_eq(sig_time(NOW + 5, NOW), NOW + 5);
	ck_assert_int_eq(sig_time((uint32_t)(NOW - 5), NOW), NOW - 5);
	ck_assert_int_eq(sig_time(0x10, 0xfffffff0LL), 0x100000010LL);

	zkeys_new(&z, "example.");
	keys = dnskeys(&z);
	set = rrset("example. 300 IN SOA ns. h. 1 3600 900 604800 300");
	sigs = sign(set, z.zsk, NOW - DAY, NOW + DAY);
	/* The window is inclusive at both ends (RFC 4035 5.3.1). */
	ck_assert_int_eq(sig_judge(set, sigs, keys, NOW - DAY - 1, &r), SIG_NOT_YET_VALID);
	ck_assert_int_eq(sig_judge(set, sigs, keys, NOW - DAY, &r), SIG_VALID);
	ck_assert_int_eq(sig_judge(set, sigs, keys, NOW + DAY, &r), SIG_VALID);
	ck_assert(r.has_expiry);
	ck_assert_int_eq(r.earliest, NOW + DAY);
	ck_assert_int_eq(sig_judge(set, sigs, keys, NOW + DAY + 1, &r), SIG_EXPIRED);
	ck_assert_ptr_nonnull(strstr(r.detail, "expired 1s ago"));
	/* Tampered data, or keys that did not sign: bogus. */
	other = rrset("example. 300 IN SOA ns. h. 2 3600 900 604800 300");
	ck_assert_int_eq(sig_judge(other, sigs, keys, NOW, &r), SIG_BOGUS);
	ck_assert_int_eq(sig_judge(set, sigs, none, NOW, &r), SIG_BOGUS);
	ck_assert_int_eq(sig_judge(set, none, keys, NOW, &r), SIG_MISSING);
	ldns_rr_list_deep_free(sigs);

	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(other);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_free(none);
	zkeys_free(&z);
}
END_TEST

START_TEST(test_links)
{
	struct zkeys		 root, z, stray;
	struct link_result	 lr;
	ldns_rr_list		*anchor = ldns_rr_list_new();
	ldns_pkt		*dk, *ds;

	zkeys_new(&root, ".");
	zkeys_new(&z, "example.");
	zkeys_new(&stray, "example.");
	ldns_rr_list_push_rr(anchor, ldns_key_rr2ds(root.ksk_rr, LDNS_SHA256));

	/* The root against the anchor. */
	dk = dnskey_answer(&root, root.ksk, NOW - DAY, NOW + DAY);
	sig_link(".", NULL, anchor, NULL, dk, NOW, &lr);
	ck_assert_int_eq(lr.state, LINK_SECURE);
	ck_assert_uint_eq(ldns_rr_list_rr_count(lr.keys), 2);

	/* A child with its DS signed by the root's ZSK. */
	ds = ds_answer(&z, &root, NOW - DAY, NOW + DAY);
	ldns_pkt_free(dk);
	dk = dnskey_answer(&z, z.ksk, NOW - DAY, NOW + DAY);
	{
		struct link_result	child;

		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_SECURE);
		sig_link_clear(&child);
		/* Signed by the ZSK only: the DS key does not sign. */
		ldns_pkt_free(dk);
		dk = dnskey_answer(&z, z.zsk, NOW - DAY, NOW + DAY);
		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_BOGUS);
		ck_assert_int_eq(child.cause, CAUSE_DNSKEY_NOT_SIGNED_BY_KSK);
		/* The KSK's signature has expired. */
		ldns_pkt_free(dk);
		dk = dnskey_answer(&z, z.ksk, NOW - 30 * DAY, NOW - DAY);
		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.cause, CAUSE_RRSIG_EXPIRED);
		/* A rollover gone wrong: the zone publishes other keys. */
		ldns_pkt_free(dk);
		dk = dnskey_answer(&stray, stray.ksk, NOW - DAY, NOW + DAY);
		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.cause, CAUSE_DS_NO_MATCHING_DNSKEY);
		ck_assert_ptr_nonnull(strstr(child.detail, "the parent's DS"));
		/* The parent's signature over the DS does not verify. */
		ldns_pkt_free(ds);
		ds = ds_answer(&z, &stray, NOW - DAY, NOW + DAY);
		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_BOGUS);
		ck_assert_int_eq(child.cause, CAUSE_ANCESTOR_CHAIN_BROKEN);
		/* No DS: insecure, not broken. */
		ldns_pkt_free(ds);
		ds = fx_pkt(LDNS_RCODE_NOERROR, true);
		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_INSECURE);
		/* Only a DS with an unknown algorithm: insecure (RFC 6840 5.2). */
		{
			ldns_rr_list	*l = rrset("example. 300 IN DS 1 200 2 "
			    "0000000000000000000000000000000000000000000000000000000000000000");

			ldns_pkt_free(ds);
			ds = signed_answer(l, root.zsk, NOW - DAY, NOW + DAY);
			ldns_rr_list_deep_free(l);
		}
		sig_link("example.", lr.keys, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_INSECURE);
		ck_assert_ptr_nonnull(strstr(child.detail, "supported algorithm"));
		/* The same DS unsigned: bogus, whatever its algorithm. */
		sig_link("example.", NULL, NULL, ds, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_BOGUS);
		/* Missing answers: unknown. */
		sig_link("example.", lr.keys, NULL, NULL, dk, NOW, &child);
		ck_assert_int_eq(child.state, LINK_UNKNOWN);
	}
	sig_link_clear(&lr);
	/* A stale trust anchor: the root's keys match nothing. */
	ldns_rr_list_deep_free(anchor);
	anchor = ldns_rr_list_new();
	ldns_rr_list_push_rr(anchor, ldns_key_rr2ds(stray.ksk_rr, LDNS_SHA256));
	ldns_pkt_free(dk);
	dk = dnskey_answer(&root, root.ksk, NOW - DAY, NOW + DAY);
	sig_link(".", NULL, anchor, NULL, dk, NOW, &lr);
	ck_assert_int_eq(lr.cause, CAUSE_DS_NO_MATCHING_DNSKEY);
	ck_assert_ptr_nonnull(strstr(lr.detail, "trust anchor"));
	ldns_pkt_free(dk);
	ldns_pkt_free(ds);
	ldns_rr_list_deep_free(anchor);
	zkeys_free(&root);
	zkeys_free(&z);
	zkeys_free(&stray);
}
END_TEST

/* The lab of this test: root -> example., both signed. */
struct world {
	struct zkeys	 root, z;
	ldns_rr_list	*anchor;
	struct evidence	*ev;
};

static void
world_new(struct world *w)
{
	struct chain_link	*l;

	zkeys_new(&w->root, ".");
	zkeys_new(&w->z, "example.");
	w->anchor = ldns_rr_list_new();
	ldns_rr_list_push_rr(w->anchor, ldns_key_rr2ds(w->root.ksk_rr, LDNS_SHA256));
	w->ev = fx_evidence("example.", ".");
	l = xcalloc(1, sizeof(*l));
	l->refs = 1;
	l->zone = xstrdup(".");
	l->dnskey = dnskey_answer(&w->root, w->root.ksk, NOW - DAY, NOW + 30 * DAY);
	evidence_set_chain(w->ev, &l, 1,
	    ds_answer(&w->z, &w->root, NOW - DAY, NOW + 30 * DAY), NULL);
	chain_link_unref(l);	/* the evidence holds it now */
	w->ev->nxname = xstrdup("zh-0001.example.");
}

static void
world_free(struct world *w)
{
	evidence_free(w->ev);
	ldns_rr_list_deep_free(w->anchor);
	zkeys_free(&w->root);
	zkeys_free(&w->z);
}

/* The NSEC chain of example.: apex -> www -> apex. */
static ldns_rr_list *
nsec_chain(bool whole)
{
	ldns_rr_list	*l = rrset("example. 300 IN NSEC www.example. SOA NS RRSIG NSEC DNSKEY");
	ldns_rr		*rr = NULL;

	if (whole) {
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, "www.example. 300 IN NSEC "
		    "example. A RRSIG NSEC", 300, NULL, NULL), LDNS_STATUS_OK);
		ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

/* A denial answer: rcode, the NSEC records each signed by the ZSK. */
static ldns_pkt *
denial_answer(struct world *w, ldns_pkt_rcode rc, const ldns_rr_list *nsecs,
    uint32_t inc, uint32_t exp)
{
	ldns_pkt	*p = fx_pkt(rc, true);
	ldns_rr_list	*one, *sigs;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(nsecs); i++) {
		one = ldns_rr_list_new();
		ldns_rr_list_push_rr(one, ldns_rr_clone(ldns_rr_list_rr(nsecs, i)));
		sigs = sign(one, w->z.zsk, inc, exp);
		push(p, LDNS_SECTION_AUTHORITY, one);
		push(p, LDNS_SECTION_AUTHORITY, sigs);
		ldns_rr_list_deep_free(one);
		ldns_rr_list_deep_free(sigs);
	}
	return p;
}

/* A server of example. whose every answer is signed [inc, exp]. */
static size_t
signed_server(struct world *w, const char *name, const char *ip, uint32_t inc,
    uint32_t exp)
{
	ldns_rr_list	*soa = rrset("example. 300 IN SOA ns1.example. h.example. 7 3600 900 604800 300");
	ldns_rr_list	*ns = rrset("example. 300 IN NS ns1.example.");
	ldns_rr		*ns2 = NULL;
	ldns_rr_list	*chain = nsec_chain(true), *apex = nsec_chain(false);
	ldns_pkt	*p;
	size_t		 si;

	ck_assert_int_eq(ldns_rr_new_frm_str(&ns2, "example. 300 IN NS ns2.example.",
	    300, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(ns, ns2);
	p = signed_answer(soa, w->z.zsk, inc, exp);
	si = fx_server_answering(w->ev, name, ip, p,
	    signed_answer(ns, w->z.zsk, inc, exp));
	ldns_pkt_free(p);
	/* fx_server_answering gave it an unsigned empty DNSKEY answer. */
	ldns_pkt_free(w->ev->queries[w->ev->nqueries - 2].pkt);
	w->ev->queries[w->ev->nqueries - 2].pkt = dnskey_answer(&w->z, w->z.ksk, inc, exp);
	fx_probe(w->ev, si, ip, PROBE_NXNAME, QUERY_OK,
	    denial_answer(w, LDNS_RCODE_NXDOMAIN, chain, inc, exp));
	fx_probe(w->ev, si, ip, PROBE_NODATA, QUERY_OK,
	    denial_answer(w, LDNS_RCODE_NOERROR, apex, inc, exp));
	ldns_rr_list_deep_free(soa);
	ldns_rr_list_deep_free(ns);
	ldns_rr_list_deep_free(chain);
	ldns_rr_list_deep_free(apex);
	return si;
}

static struct check_params
params_for(const struct world *w)
{
	struct check_params	p;

	memset(&p, 0, sizeof(p));
	p.timeout_ms = 1000;
	p.now = NOW;
	p.expiry_warning_s = 7 * DAY;
	p.serial_grace_s = 600;
	p.trust_anchor = w->anchor;
	return p;
}

static const struct finding *
find(const struct findings *fs, enum cause c, const char *server)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].cause == c && (server == NULL || (fs->v[i].server != NULL &&
		    strcmp(fs->v[i].server, server) == 0)))
			return &fs->v[i];
	return NULL;
}

static size_t
dnssec_findings(const struct findings *fs)
{
	size_t	i, n = 0;

	for (i = 0; i < fs->n; i++)
		n += fs->v[i].check == CHECK_DNSSEC;
	return n;
}

static void
judge(const struct world *w, const struct check_params *p, struct findings *fs,
    struct check_memory *m, enum check_status status[CHECK_MAX])
{
	memset(m, 0, sizeof(*m));
	findings_clear(fs);
	check_run_all(w->ev, p, fs, status, m);
}

START_TEST(test_dnssec_healthy_and_expiry)
{
	struct world		 w;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	struct check_params	 p;
	const struct finding	*f;
	enum check_status			 status[CHECK_MAX];

	world_new(&w);
	p = params_for(&w);
	signed_server(&w, "ns1.example.", "192.0.2.1", NOW - DAY, NOW + 20 * DAY);
	signed_server(&w, "ns2.example.", "192.0.2.2", NOW - DAY, NOW + 10 * DAY);
	judge(&w, &p, &fs, &m, status);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_int_eq(status[CHECK_DNSSEC], 0);
	ck_assert(m.dnssec_signed);
	ck_assert(m.has_expiry);
	ck_assert_int_eq(m.expiry, NOW + 10 * DAY);
	/* Per address too, for the opt-in detail metrics. */
	ck_assert_uint_eq(m.ndetail, 2);
	ck_assert_str_eq(m.detail[0].address, "192.0.2.1");
	ck_assert(m.detail[0].has_expiry);
	ck_assert_int_eq(m.detail[0].expiry, NOW + 20 * DAY);
	ck_assert_int_eq(m.detail[1].expiry, NOW + 10 * DAY);
	check_memory_clear(&m);

	/* Inside expiry_warning: named where the earliest expiry is. */
	p.expiry_warning_s = 11 * DAY;
	judge(&w, &p, &fs, &m, status);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RRSIG_EXPIRING_SOON, "ns2.example."));
	ck_assert_str_eq(f->address, "192.0.2.2");
	ck_assert_ptr_nonnull(strstr(f->summary, "expire in 10d"));
	check_memory_clear(&m);

	/* Later: ns2's signatures have expired, ns1's have not. */
	p.now = NOW + 15 * DAY;
	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RRSIG_EXPIRED, "ns2.example."));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_null(find(&fs, CAUSE_RRSIG_EXPIRED, "ns1.example."));
	check_memory_clear(&m);

	/* Later still, every server's: resolvers fail. */
	p.now = NOW + 25 * DAY;
	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RRSIG_EXPIRED, "ns1.example."));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_int_eq(status[CHECK_DNSSEC], 2);
	check_memory_clear(&m);
	findings_clear(&fs);
	world_free(&w);
}
END_TEST

/* Issue 13: with the same expiry on two servers, the finding named
 * whichever answered first, and the alert's "for:" restarted each time
 * the label changed. Now the first by name, in either order. */
START_TEST(test_expiry_tie_names_one_server)
{
	struct world		 w;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	struct check_params	 p;
	const struct finding	*f;
	enum check_status			 status[CHECK_MAX], order;

	for (order = 0; order < 2; order++) {
		world_new(&w);
		p = params_for(&w);
		p.expiry_warning_s = 11 * DAY;
		signed_server(&w, order ? "ns1.example." : "ns2.example.",
		    order ? "192.0.2.1" : "192.0.2.2", NOW - DAY, NOW + 10 * DAY);
		signed_server(&w, order ? "ns2.example." : "ns1.example.",
		    order ? "192.0.2.2" : "192.0.2.1", NOW - DAY, NOW + 10 * DAY);
		judge(&w, &p, &fs, &m, status);
		ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RRSIG_EXPIRING_SOON, NULL));
		ck_assert_str_eq(f->server, "ns1.example.");
		ck_assert_str_eq(f->address, "192.0.2.1");
		check_memory_clear(&m);
		findings_clear(&fs);
		world_free(&w);
	}
}
END_TEST

START_TEST(test_dnssec_per_server_causes)
{
	struct world		 w;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	struct check_params	 p;
	struct ev_query		*q;
	const struct finding	*f;
	ldns_rr_list		*soa, *apex;
	ldns_rr			*cds = NULL;
	size_t			 si;
	enum check_status			 status[CHECK_MAX];

	world_new(&w);
	p = params_for(&w);
	signed_server(&w, "ns1.example.", "192.0.2.1", NOW - DAY, NOW + 20 * DAY);
	/* ns2: the SOA changed after signing; no NSEC in its NXDOMAIN. */
	si = signed_server(&w, "ns2.example.", "192.0.2.2", NOW - DAY, NOW + 20 * DAY);
	q = (struct ev_query *)evidence_find(w.ev, PROBE_SOA_UDP, si,
	    &w.ev->servers[si].addrs[0]);
	soa = rrset("example. 300 IN SOA ns1.example. h.example. 8 3600 900 604800 300");
	{
		ldns_rr_list	*sigs = sign(soa, w.z.zsk, NOW - DAY, NOW + DAY);
		ldns_pkt	*p2 = fx_pkt(LDNS_RCODE_NOERROR, true);

		push(p2, LDNS_SECTION_ANSWER, soa);
		ldns_rr_list_deep_free(soa);
		soa = rrset("example. 300 IN SOA ns1.example. h.example. 9 3600 900 604800 300");
		push(p2, LDNS_SECTION_ANSWER, soa);	/* a second, unsigned SOA */
		push(p2, LDNS_SECTION_ANSWER, sigs);
		ldns_rr_list_deep_free(sigs);
		ldns_pkt_free(q->pkt);
		q->pkt = p2;
	}
	q = (struct ev_query *)evidence_find(w.ev, PROBE_NXNAME, si,
	    &w.ev->servers[si].addrs[0]);
	ldns_pkt_free(q->pkt);
	q->pkt = fx_pkt(LDNS_RCODE_NXDOMAIN, true);
	/* ns3: an unsigned copy of the zone; an incomplete NSEC chain. */
	si = fx_server(w.ev, "ns3.example.", "192.0.2.3", QUERY_OK, QUERY_OK, QUERY_OK);
	q = (struct ev_query *)evidence_find(w.ev, PROBE_DNSKEY, si,
	    &w.ev->servers[si].addrs[0]);
	ldns_pkt_free(q->pkt);
	q->pkt = dnskey_answer(&w.z, w.z.ksk, NOW - DAY, NOW + DAY);
	apex = nsec_chain(false);
	fx_probe(w.ev, si, "192.0.2.3", PROBE_NXNAME, QUERY_OK,
	    denial_answer(&w, LDNS_RCODE_NXDOMAIN, apex, NOW - DAY, NOW + DAY));
	/* And a CDS for a key the zone does not have. */
	ck_assert_int_eq(ldns_rr_new_frm_str(&cds, "example. 300 IN CDS 4242 13 2 "
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    300, NULL, NULL), LDNS_STATUS_OK);
	{
		ldns_pkt	*p3 = fx_pkt(LDNS_RCODE_NOERROR, true);

		ck_assert(ldns_pkt_push_rr(p3, LDNS_SECTION_ANSWER, cds));
		fx_probe(w.ev, si, "192.0.2.3", PROBE_CDS, QUERY_OK, p3);
	}

	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RRSIG_BOGUS, "ns2.example."));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(f->evidence, "SOA"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_DENIAL_INVALID, "ns2.example."));
	ck_assert_ptr_nonnull(strstr(f->evidence, "no NSEC or NSEC3"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RRSIG_MISSING, "ns3.example."));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_DENIAL_INVALID, "ns3.example."));
	ck_assert_ptr_nonnull(strstr(f->evidence, "do not prove"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_CDS_MISMATCH, "ns3.example."));
	ck_assert_ptr_nonnull(strstr(f->evidence, "4242/13"));
	ck_assert_ptr_null(find(&fs, CAUSE_RRSIG_BOGUS, "ns1.example."));
	ck_assert_ptr_null(find(&fs, CAUSE_DENIAL_INVALID, "ns1.example."));
	ck_assert_int_eq(status[CHECK_DNSSEC], 1);
	check_memory_clear(&m);
	findings_clear(&fs);
	ldns_rr_list_deep_free(soa);
	ldns_rr_list_deep_free(apex);
	world_free(&w);
}
END_TEST

START_TEST(test_dnssec_chain_verdicts)
{
	struct world		 w;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	struct check_params	 p;
	struct zkeys		 other;
	const struct finding	*f;
	enum check_status			 status[CHECK_MAX];

	world_new(&w);
	p = params_for(&w);
	signed_server(&w, "ns1.example.", "192.0.2.1", NOW - DAY, NOW + 20 * DAY);

	/* The zone's DS at the parent is of a key it does not publish. */
	zkeys_new(&other, "example.");
	ldns_pkt_free(w.ev->ds);
	w.ev->ds = ds_answer(&other, &w.root, NOW - DAY, NOW + DAY);
	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_DS_NO_MATCHING_DNSKEY, "ns1.example."));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	check_memory_clear(&m);

	/* No DS: insecure, no finding, not signed. */
	ldns_pkt_free(w.ev->ds);
	w.ev->ds = fx_pkt(LDNS_RCODE_NOERROR, true);
	judge(&w, &p, &fs, &m, status);
	ck_assert_uint_eq(dnssec_findings(&fs), 0);
	ck_assert(!m.dnssec_signed);
	ck_assert_int_eq(status[CHECK_DNSSEC], 0);
	check_memory_clear(&m);

	/* The root's keys no longer match the trust anchor: broken above. */
	ldns_rr_list_deep_free(w.anchor);
	w.anchor = ldns_rr_list_new();
	ldns_rr_list_push_rr(w.anchor, ldns_key_rr2ds(other.ksk_rr, LDNS_SHA256));
	p.trust_anchor = w.anchor;
	judge(&w, &p, &fs, &m, status);
	ck_assert_uint_eq(dnssec_findings(&fs), 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_ANCESTOR_CHAIN_BROKEN, NULL));
	ck_assert_ptr_nonnull(strstr(f->summary, "breaks at ."));
	ck_assert_ptr_nonnull(strstr(f->fix, "trust_anchor"));
	check_memory_clear(&m);

	/* Nothing fetched: could not run. */
	w.ev->chain_fetched = false;
	judge(&w, &p, &fs, &m, status);
	ck_assert_int_eq(status[CHECK_DNSSEC], 3);
	check_memory_clear(&m);
	findings_clear(&fs);
	zkeys_free(&other);
	world_free(&w);
}
END_TEST

/* Issue 13: under a broken chain the zone's own checks stopped, so its
 * owner learnt nothing of what is theirs to fix. */
START_TEST(test_own_checks_under_broken_chain)
{
	struct world		 w;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	struct check_params	 p;
	struct zkeys		 other;
	enum check_status			 status[CHECK_MAX];

	world_new(&w);
	p = params_for(&w);
	/* The zone's signatures expired a day ago. */
	signed_server(&w, "ns1.example.", "192.0.2.1", NOW - 20 * DAY, NOW - DAY);
	zkeys_new(&other, ".");
	ldns_rr_list_deep_free(w.anchor);
	w.anchor = ldns_rr_list_new();
	ldns_rr_list_push_rr(w.anchor, ldns_key_rr2ds(other.ksk_rr, LDNS_SHA256));
	p.trust_anchor = w.anchor;
	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_nonnull(find(&fs, CAUSE_ANCESTOR_CHAIN_BROKEN, NULL));
	ck_assert_ptr_nonnull(find(&fs, CAUSE_RRSIG_EXPIRED, "ns1.example."));
	check_memory_clear(&m);

	/* trust_anchor: none: the zone from its DS as served. */
	p.trust_anchor = NULL;
	p.no_anchor = true;
	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_null(find(&fs, CAUSE_ANCESTOR_CHAIN_BROKEN, NULL));
	ck_assert_ptr_nonnull(find(&fs, CAUSE_RRSIG_EXPIRED, "ns1.example."));
	ck_assert(m.dnssec_signed);
	check_memory_clear(&m);
	findings_clear(&fs);
	zkeys_free(&other);
	world_free(&w);

	/* And a healthy zone under none: nothing to say. */
	world_new(&w);
	p = params_for(&w);
	p.trust_anchor = NULL;
	p.no_anchor = true;
	signed_server(&w, "ns1.example.", "192.0.2.1", NOW - DAY, NOW + 20 * DAY);
	judge(&w, &p, &fs, &m, status);
	ck_assert_uint_eq(dnssec_findings(&fs), 0);
	ck_assert_int_eq(status[CHECK_DNSSEC], 0);
	ck_assert(m.dnssec_signed);
	check_memory_clear(&m);
	findings_clear(&fs);
	world_free(&w);
}
END_TEST

START_TEST(test_dnskey_inconsistent)
{
	struct world		 w;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	struct check_params	 p;
	struct ev_query		*q;
	const struct finding	*f;
	struct zkeys		 extra;
	ldns_rr_list		*keys;
	size_t			 si;
	enum check_status			 status[CHECK_MAX];

	world_new(&w);
	p = params_for(&w);
	signed_server(&w, "ns1.example.", "192.0.2.1", NOW - DAY, NOW + 20 * DAY);
	si = signed_server(&w, "ns2.example.", "192.0.2.2", NOW - DAY, NOW + 20 * DAY);
	/* ns2 already publishes a new ZSK (a rollover under way elsewhere). */
	zkeys_new(&extra, "example.");
	keys = dnskeys(&w.z);
	ldns_rr_list_push_rr(keys, ldns_rr_clone(extra.zsk_rr));
	q = (struct ev_query *)evidence_find(w.ev, PROBE_DNSKEY, si,
	    &w.ev->servers[si].addrs[0]);
	ldns_pkt_free(q->pkt);
	q->pkt = signed_answer(keys, w.z.ksk, NOW - DAY, NOW + 20 * DAY);
	judge(&w, &p, &fs, &m, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_DNSKEY_INCONSISTENT, NULL));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(f->evidence, "ns1.example. 192.0.2.1: "));
	ck_assert_ptr_nonnull(strstr(f->evidence, "ns2.example. 192.0.2.2: "));
	/* Both sets are validly signed: nothing else. */
	ck_assert_uint_eq(dnssec_findings(&fs), 1);
	check_memory_clear(&m);
	findings_clear(&fs);
	ldns_rr_list_deep_free(keys);
	zkeys_free(&extra);
	world_free(&w);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dnssec");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sig_time_and_windows);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_dnssec_healthy_and_expiry);
	tcase_add_test(tc, test_expiry_tie_names_one_server);
	tcase_add_test(tc, test_own_checks_under_broken_chain);
	tcase_add_test(tc, test_dnssec_per_server_causes);
	tcase_add_test(tc, test_dnssec_chain_verdicts);
	tcase_add_test(tc, test_dnskey_inconsistent);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
