/* unit_served: reading SOA and NS answers, serial arithmetic, and the
 * zone_served and delegation (lame, NS sets, glue) judgements. */
#include "zhbuild.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evidence.h"
#include "served.h"
#include "xmalloc.h"
#include "unit_main.h"
#include "fixture.h"

#define Z	"example.test."

static enum served
classify(ldns_pkt *p, struct served_result *r)
{
	enum served	v = served_classify(p, Z, r);

	ldns_pkt_free(p);
	return v;
}

START_TEST(test_classify_rcodes)
{
	struct served_result	r;

	ck_assert_int_eq(served_classify(NULL, Z, &r), SERVED_NO_ANSWER);
	ck_assert_int_eq(classify(fx_soa(Z, 42), &r), SERVED_OK);
	ck_assert_uint_eq(r.serial, 42);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_REFUSED, false), &r), SERVED_REFUSED);
	ck_assert_ptr_nonnull(strstr(r.detail, "REFUSED"));
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_SERVFAIL, false), &r),
	    SERVED_SERVFAIL);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_NOTAUTH, true), &r), SERVED_NOTAUTH);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_YXDOMAIN, true), &r),
	    SERVED_BAD_RCODE);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_FORMERR, false), &r),
	    SERVED_BAD_RCODE);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_NXDOMAIN, true), &r),
	    SERVED_NXDOMAIN);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_NXDOMAIN, false), &r),
	    SERVED_NO_AA);
}
END_TEST

START_TEST(test_classify_answers)
{
	struct served_result	 r;
	ldns_pkt		*p;
	ldns_rr			*rr;

	/* The right SOA without AA: a cache answers. */
	p = fx_soa(Z, 7);
	ldns_pkt_set_aa(p, false);
	ck_assert_int_eq(classify(p, &r), SERVED_NO_AA);
	ck_assert_ptr_nonnull(strstr(r.detail, "without AA"));

	/* Owner case does not matter (RFC 4343). */
	ck_assert_int_eq(classify(fx_soa("EXAMPLE.Test.", 7), &r), SERVED_OK);
	/* Escapes in names survive the comparison. */
	ck_assert_int_eq(served_classify(p = fx_soa("we\\.ird.test.", 9),
	    "we\\.ird.test.", &r), SERVED_OK);
	ldns_pkt_free(p);
	ck_assert_int_eq(served_classify(p = fx_soa("we\\.ird.test.", 9),
	    "we.ird.test.", &r), SERVED_NO_SOA);
	ldns_pkt_free(p);

	/* Somebody else's SOA, or a CNAME, at the apex. */
	ck_assert_int_eq(classify(fx_soa("other.test.", 7), &r), SERVED_NO_SOA);
	ck_assert_ptr_nonnull(strstr(r.detail, "owned by other.test."));
	p = fx_pkt(LDNS_RCODE_NOERROR, true);
	fx_rr(p, LDNS_SECTION_ANSWER, Z " 300 IN CNAME elsewhere.test.");
	ck_assert_int_eq(classify(p, &r), SERVED_NO_SOA);
	ck_assert_ptr_nonnull(strstr(r.detail, "CNAME"));

	/* NODATA from a server of the parent that lacks the delegation. */
	p = fx_pkt(LDNS_RCODE_NOERROR, true);
	fx_rr(p, LDNS_SECTION_AUTHORITY,
	    "test. 300 IN SOA a.test. b.test. 1 3600 900 604800 300");
	ck_assert_int_eq(classify(p, &r), SERVED_NO_SOA);
	ck_assert_ptr_nonnull(strstr(r.detail, "SOA of test."));

	/* Empty sections, AA or not. */
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_NOERROR, true), &r), SERVED_NO_SOA);
	ck_assert_int_eq(classify(fx_pkt(LDNS_RCODE_NOERROR, false), &r), SERVED_NO_AA);

	/* An SOA without its rdata: malformed, not a crash. */
	p = fx_pkt(LDNS_RCODE_NOERROR, true);
	ck_assert_ptr_nonnull(rr = ldns_rr_new());
	ldns_rr_set_type(rr, LDNS_RR_TYPE_SOA);
	ldns_rr_set_owner(rr, ldns_dname_new_frm_str(Z));
	ck_assert(ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr));
	ck_assert_int_eq(classify(p, &r), SERVED_NO_SOA);
	ck_assert_ptr_nonnull(strstr(r.detail, "malformed"));
}
END_TEST

START_TEST(test_classify_referrals)
{
	struct served_result	 r;
	ldns_pkt		*p;

	/* From a server of the parent: down to the zone itself. */
	p = fx_pkt(LDNS_RCODE_NOERROR, false);
	fx_rr(p, LDNS_SECTION_AUTHORITY, Z " 300 IN NS ns1." Z);
	ck_assert_int_eq(classify(p, &r), SERVED_REFERRAL);
	ck_assert_ptr_nonnull(strstr(r.detail, "serves a zone above"));
	/* Upward, to the root: old servers' "I don't know". */
	p = fx_pkt(LDNS_RCODE_NOERROR, false);
	fx_rr(p, LDNS_SECTION_AUTHORITY, ". 300 IN NS a.root-servers.net.");
	ck_assert_int_eq(classify(p, &r), SERVED_REFERRAL);
	ck_assert_ptr_nonnull(strstr(r.detail, "upward referral to ."));
	/* Sideways. */
	p = fx_pkt(LDNS_RCODE_NOERROR, false);
	fx_rr(p, LDNS_SECTION_AUTHORITY, "elsewhere.example. 300 IN NS ns.example.");
	ck_assert_int_eq(classify(p, &r), SERVED_REFERRAL);
	ck_assert_ptr_nonnull(strstr(r.detail, "referral to elsewhere.example."));
	/* NXDOMAIN with a referral in it. */
	p = fx_pkt(LDNS_RCODE_NXDOMAIN, false);
	fx_rr(p, LDNS_SECTION_AUTHORITY, "test. 300 IN NS ns.test.");
	ck_assert_int_eq(classify(p, &r), SERVED_REFERRAL);
	/* NS in the authority of an AA answer is no referral. */
	p = fx_pkt(LDNS_RCODE_NOERROR, true);
	fx_rr(p, LDNS_SECTION_AUTHORITY, Z " 300 IN NS ns1." Z);
	ck_assert_int_eq(classify(p, &r), SERVED_NO_SOA);
}
END_TEST

START_TEST(test_serial_arithmetic)
{
	const uint32_t	a[] = { 5, 0xfffffff0u, 3 };
	const uint32_t	b[] = { 0xffffffffu, 1, 0 };
	const uint32_t	c[] = { 9 };

	ck_assert_int_lt(serial_cmp(1, 2), 0);
	ck_assert_int_gt(serial_cmp(2, 1), 0);
	ck_assert_int_eq(serial_cmp(7, 7), 0);
	/* RFC 1982 3.2: wrapping around. */
	ck_assert_int_lt(serial_cmp(0xffffffffu, 0), 0);
	ck_assert_int_gt(serial_cmp(0, 0xffffffffu), 0);
	ck_assert_int_lt(serial_cmp(0, 0x7fffffffu), 0);
	/* 2^31 apart: undefined there; antisymmetric here. */
	ck_assert_int_lt(serial_cmp(0, 0x80000000u), 0);
	ck_assert_int_gt(serial_cmp(0x80000000u, 0), 0);
	ck_assert_uint_eq(serial_newest(a, 3), 5);
	ck_assert_uint_eq(serial_newest(b, 3), 1);
	ck_assert_uint_eq(serial_newest(c, 1), 9);
}
END_TEST

START_TEST(test_ns_sets)
{
	const char *const	 names[] = { "NS2." Z, "ns1." Z, "ns2." Z, NULL };
	struct ns_set		 s, t = { NULL, 0 };
	ldns_pkt		*p;
	char			*str, *name;
	int			 i;

	p = fx_ns(Z, names);
	fx_rr(p, LDNS_SECTION_ANSWER, "other.test. 300 IN NS ns9.test.");
	ck_assert(ns_set_from_pkt(&s, p, Z));
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.v[0], "ns1." Z);
	ck_assert_str_eq(s.v[1], "ns2." Z);
	ns_set_add(&t, "ns1." Z);
	ns_set_add(&t, "ns3." Z);
	ck_assert(!ns_set_eq(&s, &t));
	str = ns_set_minus_str(&s, &t);
	ck_assert_str_eq(str, "ns2." Z);
	free(str);
	str = ns_set_minus_str(&s, &s);
	ck_assert_str_eq(str, "");
	free(str);
	ns_set_clear(&s);
	/* Not authoritative: no NS set to go by. */
	ldns_pkt_set_aa(p, false);
	ck_assert(!ns_set_from_pkt(&s, p, Z));
	ck_assert(!ns_set_from_pkt(&s, NULL, Z));
	ldns_pkt_free(p);

	/* A huge set stays sorted and whole. */
	p = fx_pkt(LDNS_RCODE_NOERROR, true);
	for (i = 999; i >= 0; i--) {
		name = xasprintf(Z " 300 IN NS ns%d.example.net.", i);
		fx_rr(p, LDNS_SECTION_ANSWER, name);
		free(name);
	}
	ck_assert(ns_set_from_pkt(&s, p, Z));
	ck_assert_uint_eq(s.n, 1000);
	ck_assert(ns_set_has(&s, "ns500.example.net."));
	ck_assert(!ns_set_has(&s, "ns1000.example.net."));
	ns_set_clear(&s);
	ns_set_clear(&t);
	ldns_pkt_free(p);
}
END_TEST

/* Runs every check; memory in next (caller clears). */
static void
judge(const struct evidence *ev, const struct check_params *params,
    struct findings *fs, enum check_status status[CHECK_MAX], struct check_memory *next)
{
	memset(next, 0, sizeof(*next));
	check_run_all(ev, params, fs, status, next);
}

static const struct finding *
find(const struct findings *fs, enum cause c, const char *server)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].cause == c && (server == NULL ? fs->v[i].server == NULL :
		    fs->v[i].server != NULL && strcmp(fs->v[i].server, server) == 0))
			return &fs->v[i];
	return NULL;
}

static size_t
count(const struct findings *fs, enum cause c)
{
	size_t	i, n = 0;

	for (i = 0; i < fs->n; i++)
		n += fs->v[i].cause == c;
	return n;
}

static const struct check_params base = { .timeout_ms = 1000, .retries = 1,
    .serial_grace_s = 600, .now = 100000 };

START_TEST(test_served_causes)
{
	struct evidence		*ev = fx_evidence(Z, "test.");
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	const struct finding	*f;
	ldns_pkt		*p;
	enum check_status			 status[CHECK_MAX];

	fx_server(ev, "ns1." Z, "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_server_answering(ev, "ns2." Z, "192.0.2.2",
	    p = fx_pkt(LDNS_RCODE_REFUSED, false), NULL);
	ldns_pkt_free(p);
	fx_server_answering(ev, "ns3." Z, "192.0.2.3",
	    p = fx_pkt(LDNS_RCODE_SERVFAIL, false), NULL);
	ldns_pkt_free(p);
	p = fx_pkt(LDNS_RCODE_NOERROR, false);
	fx_rr(p, LDNS_SECTION_AUTHORITY, Z " 300 IN NS ns1." Z);
	fx_server_answering(ev, "ns4." Z, "192.0.2.4", p, NULL);
	ldns_pkt_free(p);

	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 3);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERVER_REFUSED, "ns2." Z));
	ck_assert_str_eq(f->address, "192.0.2.2");
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(f->fix, "not configured on the server at 192.0.2.2"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERVER_SERVFAIL, "ns3." Z));
	ck_assert_ptr_nonnull(strstr(f->fix, "failed to load"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_NOT_AUTHORITATIVE, "ns4." Z));
	ck_assert_ptr_nonnull(strstr(f->evidence, "referral"));
	ck_assert_int_eq(status[CHECK_ZONE_SERVED], 1);
	ck_assert(m.has_serial);
	ck_assert_uint_eq(m.serial, 1);
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);
}
END_TEST

START_TEST(test_served_none_is_critical)
{
	struct evidence		*ev = fx_evidence(Z, "test.");
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	ldns_pkt		*p;
	enum check_status			 status[CHECK_MAX];

	fx_server_answering(ev, "ns1." Z, "192.0.2.1",
	    p = fx_pkt(LDNS_RCODE_REFUSED, false), NULL);
	ldns_pkt_free(p);
	fx_server_answering(ev, "ns2." Z, "192.0.2.2",
	    p = fx_pkt(LDNS_RCODE_SERVFAIL, false), NULL);
	ldns_pkt_free(p);
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 2);
	ck_assert_int_eq(find(&fs, CAUSE_SERVER_REFUSED, "ns1." Z)->severity,
	    SEVERITY_CRITICAL);
	ck_assert_int_eq(find(&fs, CAUSE_SERVER_SERVFAIL, "ns2." Z)->severity,
	    SEVERITY_CRITICAL);
	ck_assert_int_eq(status[CHECK_ZONE_SERVED], 2);
	ck_assert(!m.has_serial);
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);

	/* Nothing answered at all: reachability's finding, not this one's. */
	ev = fx_evidence(Z, "test.");
	fx_server(ev, "ns1." Z, "192.0.2.1", QUERY_TIMEOUT, QUERY_TIMEOUT, QUERY_TIMEOUT);
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(count(&fs, CAUSE_SERVER_TIMEOUT), 1);
	ck_assert_int_eq(status[CHECK_ZONE_SERVED], 3);
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);
}
END_TEST

/* Two servers at serials a and b, judged at now with prev. */
static void
serial_run(uint32_t a, uint32_t b, time_t now, uint64_t grace,
    const struct check_memory *prev, struct findings *fs, struct check_memory *next)
{
	struct evidence		*ev = fx_evidence(Z, "test.");
	struct check_params	 params = base;
	ldns_pkt		*p;
	enum check_status			 status[CHECK_MAX];

	fx_server_answering(ev, "ns1." Z, "192.0.2.1", p = fx_soa(Z, a), NULL);
	ldns_pkt_free(p);
	fx_server_answering(ev, "ns2." Z, "192.0.2.2", p = fx_soa(Z, b), NULL);
	ldns_pkt_free(p);
	params.now = now;
	params.serial_grace_s = grace;
	params.prev = prev;
	judge(ev, &params, fs, status, next);
	evidence_free(ev);
}

START_TEST(test_serial_grace)
{
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m1, m2, m3;
	const struct finding	*f;

	/* First sight of a lag: remembered, inside the grace. */
	serial_run(10, 7, 1000, 600, NULL, &fs, &m1);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_uint_eq(m1.serial, 10);
	ck_assert_uint_eq(m1.lagging.n, 1);
	/* Each address's serial, for the opt-in detail metrics. */
	ck_assert_uint_eq(m1.ndetail, 2);
	ck_assert_str_eq(m1.detail[1].server, "ns2." Z);
	ck_assert_str_eq(m1.detail[1].address, "192.0.2.2");
	ck_assert_uint_eq(m1.detail[1].serial, 7);
	ck_assert_int_eq(m1.lagging.v[0].since, 1000);
	/* Still lagging (by more now) but inside the grace. */
	serial_run(11, 7, 1500, 600, &m1, &fs, &m2);
	ck_assert_uint_eq(fs.n, 0);
	/* Past the grace: ns2 named, with how far behind and since when. */
	serial_run(11, 7, 1600, 600, &m2, &fs, &m3);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERIAL_MISMATCH, "ns2." Z));
	ck_assert_str_eq(f->address, "192.0.2.2");
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_int_eq(f->since, 1000);
	ck_assert_ptr_nonnull(strstr(f->summary, "serial 7"));
	ck_assert_ptr_nonnull(strstr(f->summary, "4 behind 11"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "ns1." Z " 192.0.2.1 11"));
	findings_clear(&fs);
	check_memory_clear(&m1);
	check_memory_clear(&m2);

	/* Caught up: the lag is forgotten. */
	serial_run(11, 11, 1700, 600, &m3, &fs, &m1);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_uint_eq(m1.lagging.n, 0);
	check_memory_clear(&m1);
	check_memory_clear(&m3);

	/* No grace: at once. Across the wrap, 0xfffffffe is 4 behind 2. */
	serial_run(2, 0xfffffffeu, 1000, 0, NULL, &fs, &m1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERIAL_MISMATCH, "ns2." Z));
	ck_assert_ptr_nonnull(strstr(f->summary, "4 behind 2"));
	ck_assert_uint_eq(m1.serial, 2);
	findings_clear(&fs);
	check_memory_clear(&m1);

	/* The wrapped serial is the newer one: ns1 lags. */
	serial_run(0xfffffffeu, 2, 1000, 0, NULL, &fs, &m1);
	ck_assert_ptr_nonnull(find(&fs, CAUSE_SERIAL_MISMATCH, "ns1." Z));
	findings_clear(&fs);
	check_memory_clear(&m1);
}
END_TEST

START_TEST(test_lame_delegation)
{
	const char *const	 child[] = { "ns1." Z, NULL };
	struct evidence		*ev = fx_evidence(Z, "test.");
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	const struct finding	*f;
	ldns_pkt		*p, *soa = fx_soa(Z, 3);
	size_t			 si;
	enum check_status			 status[CHECK_MAX];

	fx_server_answering(ev, "ns1." Z, "192.0.2.1", soa, fx_ns(Z, child));
	si = fx_server_answering(ev, "ns3.elsewhere.test.", "192.0.2.3",
	    p = fx_pkt(LDNS_RCODE_REFUSED, false), fx_pkt(LDNS_RCODE_REFUSED, false));
	ldns_pkt_free(p);
	ev->servers[si].in_child = false;

	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_LAME_DELEGATION, "ns3.elsewhere.test."));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_str_eq(f->address, "192.0.2.3");
	ck_assert_ptr_nonnull(strstr(f->evidence, "REFUSED"));
	ck_assert_ptr_nonnull(strstr(f->fix, "registrar"));
	/* Not also a refusal, nor a mismatch of NS sets: one cause, one finding. */
	ck_assert_uint_eq(count(&fs, CAUSE_SERVER_REFUSED), 0);
	ck_assert_uint_eq(count(&fs, CAUSE_NS_SET_MISMATCH), 0);
	findings_clear(&fs);
	check_memory_clear(&m);

	/* The only other parent-listed server is not in the parent's list:
	 * resolvers following the parent fail. */
	ev->servers[0].in_parent = false;
	judge(ev, &base, &fs, status, &m);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_LAME_DELEGATION, "ns3.elsewhere.test."));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	findings_clear(&fs);
	check_memory_clear(&m);
	ldns_pkt_free(soa);
	evidence_free(ev);
}
END_TEST

START_TEST(test_ns_set_mismatch)
{
	const char *const	 three[] = { "ns1." Z, "ns2." Z, "ns3." Z, NULL };
	const char *const	 two[] = { "ns1." Z, "ns2." Z, NULL };
	const char *const	 odd[] = { "ns1." Z, "ns9." Z, NULL };
	struct evidence		*ev = fx_evidence(Z, "test.");
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	const struct finding	*f;
	ldns_pkt		*soa = fx_soa(Z, 3);
	enum check_status			 status[CHECK_MAX];

	/* Every server says ns3 too; the parent does not list it. */
	fx_server_answering(ev, "ns1." Z, "192.0.2.1", soa, fx_ns(Z, three));
	fx_server_answering(ev, "ns2." Z, "192.0.2.2", soa, fx_ns(Z, three));
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_NS_SET_MISMATCH, NULL));
	ck_assert_ptr_null(f->address);
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(f->summary, "only in the zone: ns3." Z));
	ck_assert_ptr_null(strstr(f->summary, "only at the parent"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "all 2 answering"));
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);

	/* One server disagrees with the parent and its peer: named alone. */
	ev = fx_evidence(Z, "test.");
	fx_server_answering(ev, "ns1." Z, "192.0.2.1", soa, fx_ns(Z, two));
	fx_server_answering(ev, "ns2." Z, "192.0.2.2", soa, fx_ns(Z, odd));
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_NS_SET_MISMATCH, "ns2." Z));
	ck_assert_str_eq(f->address, "192.0.2.2");
	ck_assert_ptr_nonnull(strstr(f->summary, "only at the parent: ns2." Z
	    "; only in the zone: ns9." Z));
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);

	/* The same sets: nothing. */
	ev = fx_evidence(Z, "test.");
	fx_server_answering(ev, "ns1." Z, "192.0.2.1", soa, fx_ns(Z, two));
	fx_server_answering(ev, "ns2." Z, "192.0.2.2", soa, fx_ns(Z, two));
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_int_eq(status[CHECK_DELEGATION], 0);
	ck_assert_int_eq(status[CHECK_ZONE_SERVED], 0);
	check_memory_clear(&m);
	evidence_free(ev);
	ldns_pkt_free(soa);
}
END_TEST

/* Server si's own lookup gave state and ips (NULL-terminated). */
static void
looked_up(struct evidence *ev, size_t si, enum infra_host_state state,
    const char *const *ips)
{
	struct ev_server	*s = &ev->servers[si];
	struct addr	 a;

	s->looked_up = true;
	s->host_state = state;
	for (; ips != NULL && *ips != NULL; ips++) {
		a = fx_addr(*ips);
		addr_add(&s->auth, &s->nauth, &a);
		if (evidence_server_add_addr(s, &a))
			fx_probe(ev, si, *ips, PROBE_SOA_UDP, QUERY_OK, NULL);
	}
}

START_TEST(test_glue_mismatch)
{
	const char *const	 right[] = { "192.0.2.2", NULL };
	const char *const	 more[] = { "192.0.2.2", "192.0.2.22", NULL };
	struct evidence		*ev = fx_evidence(Z, "test.");
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	const struct finding	*f;
	size_t			 si;
	enum check_status			 status[CHECK_MAX];

	/* Glue at a dead address; the zone has the right one. */
	fx_server(ev, "ns1." Z, "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	si = fx_server(ev, "ns2." Z, "192.0.2.9", QUERY_TIMEOUT, QUERY_TIMEOUT,
	    QUERY_TIMEOUT);
	looked_up(ev, si, INFRA_HOST_OK, right);
	judge(ev, &base, &fs, status, &m);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_GLUE_MISMATCH, "ns2." Z));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_str_eq(f->address, "192.0.2.9");
	ck_assert_ptr_nonnull(strstr(f->summary, "(192.0.2.9)"));
	ck_assert_ptr_nonnull(strstr(f->summary, "(192.0.2.2)"));
	ck_assert_ptr_nonnull(strstr(f->summary, "192.0.2.9 does not answer"));
	ck_assert_ptr_nonnull(strstr(f->fix, "at the registrar to 192.0.2.2"));
	/* The dead glue address is reachability's finding too. */
	ck_assert_uint_eq(count(&fs, CAUSE_SERVER_TIMEOUT), 1);
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);

	/* Glue answers but lacks an address the zone has: a warning. */
	ev = fx_evidence(Z, "test.");
	si = fx_server(ev, "ns2." Z, "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	looked_up(ev, si, INFRA_HOST_OK, more);
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_GLUE_MISMATCH, "ns2." Z));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_null(f->address);
	findings_clear(&fs);
	check_memory_clear(&m);
	evidence_free(ev);

	/* Glue for a name its zone says does not exist. */
	ev = fx_evidence(Z, "test.");
	si = fx_server(ev, "ns2." Z, "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	looked_up(ev, si, INFRA_HOST_NXDOMAIN, NULL);
	judge(ev, &base, &fs, status, &m);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_GLUE_MISMATCH, "ns2." Z));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(f->evidence, "NXDOMAIN"));
	/* Glued names are not "unresolvable": resolvers have the glue. */
	ck_assert_uint_eq(count(&fs, CAUSE_NS_NAME_UNRESOLVABLE), 0);
	findings_clear(&fs);
	check_memory_clear(&m);

	/* The lookup failed: nothing to compare, nothing said. */
	ev->servers[si].host_state = INFRA_HOST_FAILED;
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(count(&fs, CAUSE_GLUE_MISMATCH), 0);
	findings_clear(&fs);
	check_memory_clear(&m);

	/* Glue and zone agree. */
	ev->servers[si].host_state = INFRA_HOST_OK;
	addr_add(&ev->servers[si].auth, &ev->servers[si].nauth,
	    &ev->servers[si].glue[0]);
	judge(ev, &base, &fs, status, &m);
	ck_assert_uint_eq(fs.n, 0);
	check_memory_clear(&m);
	evidence_free(ev);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("served");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_classify_rcodes);
	tcase_add_test(tc, test_classify_answers);
	tcase_add_test(tc, test_classify_referrals);
	tcase_add_test(tc, test_serial_arithmetic);
	tcase_add_test(tc, test_ns_sets);
	tcase_add_test(tc, test_served_causes);
	tcase_add_test(tc, test_served_none_is_critical);
	tcase_add_test(tc, test_serial_grace);
	tcase_add_test(tc, test_lame_delegation);
	tcase_add_test(tc, test_ns_set_mismatch);
	tcase_add_test(tc, test_glue_mismatch);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
