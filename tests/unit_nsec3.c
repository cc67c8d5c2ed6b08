/* unit_nsec3: NSEC3 denial proofs (RFC 5155 8) on chains built from real
 * hashes of example. names, complete and with the records a proof needs
 * taken out, and on hostile records. */
#include "zhbuild.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "nsec3.h"
#include "unit_main.h"

#define SALT	"aabbccdd"
#define ITER	12

/* One name of the zone and the types at it. */
struct member {
	const char	*name;
	const char	*types;
	uint8_t		 hash[20];
};

static ldns_rdf *
dname(const char *s)
{
	ldns_rdf	*r = ldns_dname_new_frm_str(s);

	ck_assert_ptr_nonnull(r);
	return r;
}

static void
hash_of(const char *name, uint8_t out[20])
{
	ldns_rdf	*n = dname(name);
	uint8_t		 salt[4] = { 0xaa, 0xbb, 0xcc, 0xdd };

	ck_assert(nsec3_hash(n, LDNS_SHA1, ITER, salt, sizeof(salt), out));
	ldns_rdf_deep_free(n);
}

static void
b32hex(const uint8_t h[20], char out[33])
{
	ck_assert_int_eq(ldns_b32_ntop_extended_hex(h, 20, out, 33), 32);
}

static int
member_cmp(const void *a, const void *b)
{
	return memcmp(((const struct member *)a)->hash,
	    ((const struct member *)b)->hash, 20);
}

/*
 * The NSEC3 chain of example. with these members (hashes in order, the
 * last pointing back at the first); the member named skip is left out
 * (its predecessor still points past it); flags for every record.
 */
static ldns_rr_list *
chain(struct member *m, size_t n, const char *skip, unsigned flags)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	ldns_rr		*rr;
	char		 owner[33], next[33], text[512];
	size_t		 i;

	ck_assert_ptr_nonnull(l);
	for (i = 0; i < n; i++)
		hash_of(m[i].name, m[i].hash);
	qsort(m, n, sizeof(*m), member_cmp);
	for (i = 0; i < n; i++) {
		if (skip != NULL && strcmp(m[i].name, skip) == 0)
			continue;
		b32hex(m[i].hash, owner);
		b32hex(m[(i + 1) % n].hash, next);
		snprintf(text, sizeof(text), "%s.example. 300 IN NSEC3 1 %u %d %s %s %s",
		    owner, flags, ITER, SALT, next, m[i].types);
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL),
		    LDNS_STATUS_OK);
		ck_assert(ldns_rr_list_push_rr(l, rr));
	}
	return l;
}

/* Runs one proof; why when it fails. */
static bool
prove(const char *qname, ldns_rr_type qtype, bool nxdomain, const ldns_rr_list *l,
    char *why, size_t len)
{
	ldns_rdf	*zone = dname("example."), *q = dname(qname);
	bool		 ok;

	ok = nsec3_prove(zone, q, qtype, nxdomain, l, why, len);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(q);
	return ok;
}

#define ZONE_MEMBERS { \
	{ "example.", "SOA NS DNSKEY NSEC3PARAM RRSIG", { 0 } }, \
	{ "a.example.", "A RRSIG", { 0 } }, \
	{ "b.example.", "A TXT RRSIG", { 0 } }, \
	{ "c.example.", "MX RRSIG", { 0 } }, \
	{ "d.example.", "A RRSIG", { 0 } }, \
}

START_TEST(test_hash_rfc5155_vector)
{
	uint8_t	h[20];
	char	s[33];

	/* RFC 5155 Appendix A: H(example) = 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom. */
	hash_of("example.", h);
	b32hex(h, s);
	ck_assert_str_eq(s, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
	hash_of("a.example.", h);
	b32hex(h, s);
	ck_assert_str_eq(s, "35mthgpgcu1qg68fab165klnsnk3dpvl");
	hash_of("EXAMPLE.", h);	/* canonical: case folded */
	b32hex(h, s);
	ck_assert_str_eq(s, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
}
END_TEST

START_TEST(test_nxdomain)
{
	struct member	 m[] = ZONE_MEMBERS;
	ldns_rr_list	*l = chain(m, 5, NULL, 0);
	char		 why[512];

	ck_assert_msg(prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why,
	    sizeof(why)), "%s", why);
	ck_assert_msg(prove("x.y.nosuch.example.", LDNS_RR_TYPE_A, true, l, why,
	    sizeof(why)), "%s", why);
	/* A name that exists is not denied. */
	ck_assert(!prove("a.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "itself"));
	/* Below an existing name, it is the closest encloser. */
	ck_assert_msg(prove("x.a.example.", LDNS_RR_TYPE_A, true, l, why,
	    sizeof(why)), "%s", why);
	ldns_rr_list_deep_free(l);
}
END_TEST

/* Which member covers a name's hash: the one before it in hash order. */
static const char *
coverer(struct member *m, size_t n, const char *name)
{
	uint8_t	h[20];
	size_t	i;

	hash_of(name, h);
	for (i = n; i > 0; i--)
		if (memcmp(m[i - 1].hash, h, 20) < 0)
			return m[i - 1].name;
	return m[n - 1].name;	/* before the first: the last wraps */
}

/* An empty non-terminal's NSEC3 has no types (RFC 5155 7.1): it still
 * covers the hashes after it. Real zones have many (_tcp, _udp). */
START_TEST(test_empty_nonterminal_covers)
{
	struct member	 m[] = {
		{ "example.", "SOA NS DNSKEY NSEC3PARAM RRSIG", { 0 } },
		{ "a.example.", "A RRSIG", { 0 } },
		{ "e.example.", "", { 0 } },
		{ "_tcp.e.example.", "", { 0 } },
		{ "_x._tcp.e.example.", "SRV RRSIG", { 0 } },
	};
	ldns_rr_list	*l = chain(m, 5, NULL, 0);
	char		 name[64], why[512];
	int		 i, by_ent = 0;

	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "nosuch%d.example.", i);
		if (strcmp(coverer(m, 5, name), "e.example.") == 0 ||
		    strcmp(coverer(m, 5, name), "_tcp.e.example.") == 0)
			by_ent++;
		ck_assert_msg(prove(name, LDNS_RR_TYPE_A, true, l, why,
		    sizeof(why)), "%s: %s", name, why);
	}
	/* The case that failed: names covered by the empty records. */
	ck_assert_int_gt(by_ent, 0);
	/* NODATA at the empty non-terminal itself. */
	ck_assert_msg(prove("e.example.", LDNS_RR_TYPE_A, false, l, why,
	    sizeof(why)), "%s", why);
	ldns_rr_list_deep_free(l);
}
END_TEST

START_TEST(test_nxdomain_missing_parts)
{
	struct member	 m[] = ZONE_MEMBERS;
	ldns_rr_list	*l;
	char		 why[512];
	const char	*skip;

	/* Without the apex's record there is no closest encloser. */
	l = chain(m, 5, "example.", 0);
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "closest encloser"));
	ldns_rr_list_deep_free(l);

	/* Without the record covering the next closer name. */
	l = chain(m, 5, NULL, 0);
	ldns_rr_list_deep_free(l);
	skip = coverer(m, 5, "nosuch.example.");
	if (strcmp(skip, "example.") != 0) {
		l = chain(m, 5, skip, 0);
		ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why,
		    sizeof(why)));
		ck_assert_msg(strstr(why, "next closer") != NULL ||
		    strstr(why, "wildcard") != NULL, "%s", why);
		ldns_rr_list_deep_free(l);
	}

	/* Without the record covering the wildcard at the apex: the
	 * brokennsec3.lab. case. */
	skip = coverer(m, 5, "*.example.");
	ck_assert_str_ne(skip, "example.");
	l = chain(m, 5, skip, 0);
	/* a name whose next closer the remaining records still cover */
	{
		const char	*names[] = { "n1.example.", "n2.example.", "n3.example.",
		    "n4.example.", "n5.example.", "n6.example.", "n7.example.",
		    "n8.example." };
		size_t		 i;
		int		 seen = 0;

		for (i = 0; i < 8; i++) {
			if (strcmp(coverer(m, 5, names[i]), skip) == 0)
				continue;
			ck_assert(!prove(names[i], LDNS_RR_TYPE_A, true, l, why,
			    sizeof(why)));
			ck_assert_msg(strstr(why, "wildcard *.example.") != NULL, "%s", why);
			seen++;
		}
		ck_assert_int_gt(seen, 0);
	}
	ldns_rr_list_deep_free(l);
}
END_TEST

START_TEST(test_nodata)
{
	struct member	 m[] = ZONE_MEMBERS;
	ldns_rr_list	*l = chain(m, 5, NULL, 0);
	char		 why[512];

	/* The apex has no TXT: its record says so. */
	ck_assert_msg(prove("example.", LDNS_RR_TYPE_TXT, false, l, why, sizeof(why)),
	    "%s", why);
	ck_assert(!prove("example.", LDNS_RR_TYPE_SOA, false, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "lists SOA"));
	ck_assert(!prove("b.example.", LDNS_RR_TYPE_TXT, false, l, why, sizeof(why)));
	/* NODATA for a name with no record and no wildcard: not proven. */
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_TXT, false, l, why,
	    sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "8.5"));
	ldns_rr_list_deep_free(l);
	/* Without the apex's record, nothing is proven at the apex. */
	l = chain(m, 5, "example.", 0);
	ck_assert(!prove("example.", LDNS_RR_TYPE_TXT, false, l, why, sizeof(why)));
	ldns_rr_list_deep_free(l);
}
END_TEST

START_TEST(test_wildcard_nodata)
{
	struct member	 m[] = {
		{ "example.", "SOA NS DNSKEY NSEC3PARAM RRSIG", { 0 } },
		{ "a.example.", "A RRSIG", { 0 } },
		{ "*.example.", "A RRSIG", { 0 } },
	};
	ldns_rr_list	*l = chain(m, 3, NULL, 0);
	char		 why[512];
	size_t		 i;
	int		 proven = 0;
	const char	*names[] = { "n1.example.", "n2.example.", "n3.example.",
	    "n4.example." };

	/* 8.7: the wildcard has no TXT; the name's next closer is covered. */
	for (i = 0; i < 4; i++)
		if (prove(names[i], LDNS_RR_TYPE_TXT, false, l, why, sizeof(why)))
			proven++;
		else
			ck_assert_msg(strstr(why, "next closer") != NULL, "%s", why);
	ck_assert_int_gt(proven, 0);
	for (i = 0; i < 4; i++)
		ck_assert(!prove(names[i], LDNS_RR_TYPE_A, false, l, why, sizeof(why)));
	ldns_rr_list_deep_free(l);
}
END_TEST

START_TEST(test_optout_ds)
{
	struct member	 m[] = ZONE_MEMBERS;
	ldns_rr_list	*l;
	char		 why[512];

	/* An unsigned delegation inside an opt-out span: no DS, proven by the
	 * closest encloser and an opt-out record over the next closer. */
	l = chain(m, 5, NULL, 1);
	ck_assert_msg(prove("insecure.example.", LDNS_RR_TYPE_DS, false, l, why,
	    sizeof(why)), "%s", why);
	/* NXDOMAIN under opt-out still proves with the wildcard's cover. */
	ck_assert_msg(prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why,
	    sizeof(why)), "%s", why);
	ldns_rr_list_deep_free(l);
	/* Without opt-out the same DS NODATA is not proven. */
	l = chain(m, 5, NULL, 0);
	ck_assert(!prove("insecure.example.", LDNS_RR_TYPE_DS, false, l, why,
	    sizeof(why)));
	ldns_rr_list_deep_free(l);
}
END_TEST

static ldns_rr_list *
list_of(const char *const *texts, size_t n)
{
	ldns_rr_list	*l = ldns_rr_list_new();
	ldns_rr		*rr;
	size_t		 i;

	ck_assert_ptr_nonnull(l);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, texts[i], 0, NULL, NULL),
		    LDNS_STATUS_OK);
		ck_assert(ldns_rr_list_push_rr(l, rr));
	}
	return l;
}

START_TEST(test_hostile_records)
{
	/* One record covering everything but its owner (a chain of one): a
	 * valid proof for any other name, unless it is unusable. */
	const char *const one[] = {
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom SOA NS",
	};
	const char *const alg[] = {
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 2 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom SOA NS",
	};
	const char *const iter[] = {
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 0 3000 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom SOA NS",
	};
	const char *const elsewhere[] = {
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.other. 300 IN NSEC3 1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom SOA NS",
		"zzzz.example. 300 IN NSEC3 1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom SOA NS",
		"a.b.example. 300 IN NSEC3 1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom SOA NS",
		"example. 300 IN A 127.0.0.1",
	};
	const char *const delegation[] = {
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 300 IN NSEC3 1 0 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom NS",
	};
	ldns_rr_list	*l;
	char		 why[512];

	l = list_of(one, 1);
	ck_assert_msg(prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why,
	    sizeof(why)), "%s", why);
	ck_assert(!prove("nosuch.elsewhere.", LDNS_RR_TYPE_A, true, l, why,
	    sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "not in the zone"));
	ldns_rr_list_deep_free(l);
	l = list_of(alg, 1);
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "no usable NSEC3"));
	ldns_rr_list_deep_free(l);
	l = list_of(iter, 1);
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "iterations 3000"));
	ldns_rr_list_deep_free(l);
	l = list_of(elsewhere, 4);
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "no usable NSEC3"));
	ldns_rr_list_deep_free(l);
	/* The apex's record says delegation (NS, no SOA): a parent's. */
	l = list_of(delegation, 1);
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "delegation"));
	ldns_rr_list_deep_free(l);
	/* Nothing at all. */
	l = ldns_rr_list_new();
	ck_assert(!prove("nosuch.example.", LDNS_RR_TYPE_A, true, l, why, sizeof(why)));
	ldns_rr_list_free(l);
}
END_TEST

static Suite *
nsec3_suite(void)
{
	Suite	*s = suite_create("nsec3");
	TCase	*tc = tcase_create("proofs");

	tcase_add_test(tc, test_hash_rfc5155_vector);
	tcase_add_test(tc, test_nxdomain);
	tcase_add_test(tc, test_empty_nonterminal_covers);
	tcase_add_test(tc, test_nxdomain_missing_parts);
	tcase_add_test(tc, test_nodata);
	tcase_add_test(tc, test_wildcard_nodata);
	tcase_add_test(tc, test_optout_ds);
	tcase_add_test(tc, test_hostile_records);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(nsec3_suite());
}
