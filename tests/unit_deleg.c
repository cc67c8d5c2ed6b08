/* unit_deleg: classifying servers' answers about delegations, and the infra cache. */
#include "zhbuild.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "deleg.h"
#include "infra.h"
#include "unit_main.h"

/* A packet from "SECTION RR" lines: "an ...", "au ...", "ad ...". */
static ldns_pkt *
pkt_make(ldns_pkt_rcode rcode, bool aa, ...)
{
	ldns_pkt	*p = ldns_pkt_new();
	ldns_rr		*rr;
	const char	*line;
	va_list		 ap;
	ldns_pkt_section sec;

	ck_assert_ptr_nonnull(p);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_rcode(p, rcode);
	va_start(ap, aa);
	while ((line = va_arg(ap, const char *)) != NULL) {
		if (strncmp(line, "an ", 3) == 0)
			sec = LDNS_SECTION_ANSWER;
		else if (strncmp(line, "au ", 3) == 0)
			sec = LDNS_SECTION_AUTHORITY;
		else
			sec = LDNS_SECTION_ADDITIONAL;
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, line + 3, 3600, NULL, NULL),
		    LDNS_STATUS_OK);
		ck_assert(ldns_pkt_push_rr(p, sec, rr));
	}
	va_end(ap);
	return p;
}

static const char *
addr4(const struct addr *a, char *buf)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&a->ss;

	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_int_eq(ntohs(sin->sin_port), 53);
	return inet_ntop(AF_INET, &sin->sin_addr, buf, INET_ADDRSTRLEN);
}

START_TEST(test_referral_with_bailiwick_glue)
{
	struct deleg_answer	 a;
	char			 buf[INET_ADDRSTRLEN];
	ldns_pkt		*p;

	p = pkt_make(LDNS_RCODE_NOERROR, false,
	    "au ok.lab. 7200 IN NS ns1.ok.lab.",
	    "au ok.lab. 3600 IN NS NS2.OK.LAB.",
	    "au ok.lab. 3600 IN NS ns.other.test.",
	    "ad ns1.ok.lab. 3600 IN A 127.0.55.1",
	    "ad ns2.ok.lab. 3600 IN A 127.0.55.2",
	    "ad ns.other.test. 3600 IN A 192.0.2.66",	/* out of bailiwick */
	    NULL);
	deleg_classify(p, "ok.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_REFERRAL);
	ck_assert_str_eq(a.deleg->name, "ok.lab.");
	ck_assert_uint_eq(a.ttl, 3600);
	ck_assert_uint_eq(a.deleg->nns, 3);
	ck_assert_str_eq(a.deleg->ns[1].name, "ns2.ok.lab.");
	ck_assert_uint_eq(a.deleg->ns[0].nglue, 1);
	ck_assert_str_eq(addr4(&a.deleg->ns[0].glue[0], buf), "127.0.55.1");
	ck_assert_str_eq(addr4(&a.deleg->ns[1].glue[0], buf), "127.0.55.2");
	/* Glue outside the parent's zone is not believed. */
	ck_assert_uint_eq(a.deleg->ns[2].nglue, 0);
	deleg_answer_clear(&a);
	ldns_pkt_free(p);
}
END_TEST

START_TEST(test_negative_answers)
{
	struct deleg_answer	 a;
	ldns_pkt		*p;

	p = pkt_make(LDNS_RCODE_NXDOMAIN, true,
	    "au lab. 3600 IN SOA ns1.nic.lab. h.lab. 1 3600 900 86400 300", NULL);
	deleg_classify(p, "nope.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_NXDOMAIN);
	ck_assert_uint_eq(a.ttl, 300);	/* RFC 2308: min(SOA TTL, MINIMUM) */
	deleg_answer_clear(&a);
	ldns_pkt_free(p);

	p = pkt_make(LDNS_RCODE_NOERROR, true,
	    "au lab. 120 IN SOA ns1.nic.lab. h.lab. 1 3600 900 86400 300", NULL);
	deleg_classify(p, "www.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_NODATA);
	ck_assert_uint_eq(a.ttl, 120);
	deleg_answer_clear(&a);
	ldns_pkt_free(p);

	/* NXDOMAIN without AA is not to be believed. */
	p = pkt_make(LDNS_RCODE_NXDOMAIN, false, NULL);
	deleg_classify(p, "nope.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_LAME);
	deleg_answer_clear(&a);
	ldns_pkt_free(p);
}
END_TEST

START_TEST(test_lame_answers)
{
	struct deleg_answer	 a;
	ldns_pkt		*p;

	p = pkt_make(LDNS_RCODE_REFUSED, false, NULL);
	deleg_classify(p, "ok.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_LAME);
	ck_assert_str_eq(a.why, "REFUSED");
	ldns_pkt_free(p);

	/* An upward referral (to the root) from a server of lab. */
	p = pkt_make(LDNS_RCODE_NOERROR, false,
	    "au . 3600 IN NS a.root.lab.", NULL);
	deleg_classify(p, "ok.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_LAME);
	ck_assert_str_eq(a.why, "an upward or sideways referral");
	ldns_pkt_free(p);

	/* A sideways one: NS for a name that does not hold qname. */
	p = pkt_make(LDNS_RCODE_NOERROR, false,
	    "au other.lab. 3600 IN NS ns1.other.lab.", NULL);
	deleg_classify(p, "ok.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_LAME);
	ldns_pkt_free(p);

	/* An answer without AA and without a referral. */
	p = pkt_make(LDNS_RCODE_NOERROR, false,
	    "an ok.lab. 3600 IN NS ns1.ok.lab.", NULL);
	deleg_classify(p, "ok.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_LAME);
	ck_assert_str_eq(a.why, "an answer without the AA bit");
	ldns_pkt_free(p);
}
END_TEST

START_TEST(test_authoritative_answers)
{
	struct deleg_answer	 a;
	char			 buf[INET_ADDRSTRLEN];
	ldns_pkt		*p;

	p = pkt_make(LDNS_RCODE_NOERROR, true,
	    "an ok.lab. 600 IN NS ns1.ok.lab.", NULL);
	deleg_classify(p, "ok.lab.", LDNS_RR_TYPE_NS, "lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_AUTH_NS);
	ck_assert_uint_eq(a.ttl, 600);
	ck_assert_uint_eq(a.deleg->nns, 1);
	deleg_answer_clear(&a);
	ldns_pkt_free(p);

	p = pkt_make(LDNS_RCODE_NOERROR, true,
	    "an ns1.ok.lab. 300 IN A 127.0.55.1",
	    "an ns1.ok.lab. 200 IN A 127.0.55.9", NULL);
	deleg_classify(p, "ns1.ok.lab.", LDNS_RR_TYPE_A, "ok.lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_ANSWER);
	ck_assert_uint_eq(a.ttl, 200);
	ck_assert_uint_eq(a.host->naddrs, 2);
	ck_assert_str_eq(addr4(&a.host->addrs[1], buf), "127.0.55.9");
	deleg_answer_clear(&a);
	ldns_pkt_free(p);

	p = pkt_make(LDNS_RCODE_NOERROR, true,
	    "an ns1.ok.lab. 300 IN CNAME host.ok.lab.",
	    "an host.ok.lab. 300 IN A 127.0.55.1", NULL);
	deleg_classify(p, "ns1.ok.lab.", LDNS_RR_TYPE_A, "ok.lab.", &a);
	ck_assert_int_eq(a.kind, DELEG_CNAME);
	ck_assert_str_eq(a.cname, "host.ok.lab.");
	deleg_answer_clear(&a);
	ldns_pkt_free(p);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(infra_name_parent("a.b.c."), "b.c.");
	ck_assert_str_eq(infra_name_parent("c."), ".");
	ck_assert_ptr_null(infra_name_parent("."));
	ck_assert_str_eq(infra_name_parent("a\\.b.c."), "c.");
	ck_assert(infra_name_under("a.b.c.", "b.c."));
	ck_assert(infra_name_under("b.c.", "b.c."));
	ck_assert(infra_name_under("x.", "."));
	ck_assert(!infra_name_under("ab.c.", "b.c."));
	ck_assert(!infra_name_under("c.", "b.c."));
}
END_TEST

START_TEST(test_infra_cache_ttl_and_closest_cut)
{
	struct infra		*in = infra_new();
	struct infra_deleg	*d;
	ldns_rr_list		*hints = ldns_rr_list_new();
	ldns_rr			*rr;
	const struct infra_deleg *c;

	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, ". 3600 IN NS a.root.lab.",
	    0, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(hints, rr);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, "a.root.lab. 3600 IN A 127.0.53.1",
	    0, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(hints, rr);
	infra_set_root(in, hints);
	ldns_rr_list_deep_free(hints);

	c = infra_closest_cut(in, "www.ok.lab.", 1000);
	ck_assert_str_eq(c->name, ".");
	ck_assert_uint_eq(c->ns[0].nglue, 1);

	d = infra_deleg_new("lab.", INFRA_DELEG_CUT, 5000);
	infra_deleg_add_ns(d, "ns1.nic.lab.");
	infra_put_deleg(in, d);
	infra_put_deleg(in, infra_deleg_new("ok.lab.", INFRA_DELEG_NOCUT, 9000));
	ck_assert_str_eq(infra_closest_cut(in, "www.ok.lab.", 1000)->name, "lab.");
	ck_assert_int_eq(infra_get_deleg(in, "ok.lab.", 1000)->kind, INFRA_DELEG_NOCUT);
	ck_assert_uint_eq(infra_size(in), 3);
	/* Expired entries are not returned, then are dropped. */
	ck_assert_str_eq(infra_closest_cut(in, "www.ok.lab.", 5000)->name, ".");
	ck_assert_uint_eq(infra_expire(in, 6000), 1);
	ck_assert_uint_eq(infra_size(in), 2);
	ck_assert_uint_eq(infra_expire(in, UINT64_MAX - 1), 1);
	/* The root from hints never expires. */
	ck_assert_str_eq(infra_closest_cut(in, "x.", UINT64_MAX - 1)->name, ".");
	infra_free(in);
}
END_TEST

START_TEST(test_infra_expire_and_cap)
{
	struct infra	*in = infra_new();
	char		 name[64];
	uint64_t	 expired, evicted;
	int		 i;

	infra_put_deleg(in, infra_deleg_new(".", INFRA_DELEG_CUT, INFRA_FOREVER));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "ns%d.example.", i);
		infra_put_host(in, infra_host_new(name, INFRA_HOST_OK, 1000 + (uint64_t)i));
		snprintf(name, sizeof(name), "z%d.example.", i);
		infra_put_deleg(in, infra_deleg_new(name, INFRA_DELEG_NOCUT,
		    5000 + (uint64_t)i));
	}
	ck_assert_uint_eq(infra_size(in), 201);
	/* At 1050, hosts 0..50 have expired. */
	ck_assert_uint_eq(infra_expire(in, 1050), 51);
	ck_assert_uint_eq(infra_size(in), 150);
	ck_assert_ptr_null(infra_get_host(in, "ns10.example.", 0));
	ck_assert_ptr_nonnull(infra_get_host(in, "ns60.example.", 0));
	/* Over a cap of 100: the soonest to expire go, down to 90; the root
	 * hints (forever) stay. */
	ck_assert_uint_eq(infra_cap(in, 100), 60);
	ck_assert_uint_eq(infra_size(in), 90);
	ck_assert_ptr_nonnull(infra_get_deleg(in, ".", 0));
	ck_assert_ptr_null(infra_get_host(in, "ns99.example.", 0));
	ck_assert_ptr_nonnull(infra_get_deleg(in, "z99.example.", 0));
	ck_assert_ptr_null(infra_get_deleg(in, "z10.example.", 0));
	ck_assert_uint_eq(infra_cap(in, 100), 0);
	infra_stats(in, &expired, &evicted);
	ck_assert_uint_eq(expired, 51);
	ck_assert_uint_eq(evicted, 60);
	infra_free(in);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("deleg");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_referral_with_bailiwick_glue);
	tcase_add_test(tc, test_negative_answers);
	tcase_add_test(tc, test_lame_answers);
	tcase_add_test(tc, test_authoritative_answers);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_infra_cache_ttl_and_closest_cut);
	tcase_add_test(tc, test_infra_expire_and_cap);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
