/* unit_checks: the checks' judgements on canned evidence, and since-times. */
#include "zhbuild.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evidence.h"
#include "xmalloc.h"
#include "unit_main.h"
#include "fixture.h"

static struct evidence *
evidence_ok_walk(void)
{
	return fx_evidence("example.test.", "test.");
}

static const struct check_params params = { .timeout_ms = 1000, .retries = 1,
    .now = 1000 };

/* check_run_all, the memory dropped. */
static void
run_all(const struct evidence *ev, const struct check_params *p, struct findings *fs,
    enum check_status status[CHECK_MAX])
{
	struct check_memory	m;

	memset(&m, 0, sizeof(m));
	check_run_all(ev, p, fs, status, &m);
	check_memory_clear(&m);
}

static const struct finding *
find(const struct findings *fs, enum cause c, const char *address)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].cause == c && fs->v[i].address != NULL &&
		    strcmp(fs->v[i].address, address) == 0)
			return &fs->v[i];
	return NULL;
}

START_TEST(test_healthy_zone_has_no_findings)
{
	struct evidence	*ev = evidence_ok_walk();
	struct findings	 fs = { NULL, 0 };
	enum check_status		 status[CHECK_MAX];

	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_int_eq(status[CHECK_DELEGATION], 0);
	ck_assert_int_eq(status[CHECK_REACHABILITY], 0);
	ck_assert_int_eq(status[CHECK_DNSSEC], 3);	/* no chain fetched */
	ck_assert_int_eq(status[CHECK_RATE_LIMIT], 0);
	evidence_free(ev);
}
END_TEST

START_TEST(test_causes_told_apart)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	struct ev_query		*q;
	struct addr	 a;
	size_t			 si;
	enum check_status			 status[CHECK_MAX];

	/* Drops EDNS0 queries, answers plain ones: edns_broken, not timeout. */
	si = fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_TIMEOUT, QUERY_OK,
	    QUERY_TIMEOUT);
	fx_probe(ev, si, "192.0.2.1", PROBE_SOA_PLAIN, QUERY_OK, NULL);
	/* Answers SOA, drops DNSKEY. */
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_TIMEOUT);
	/* Answers from another address. */
	si = fx_server(ev, "ns3.example.test.", "192.0.2.3", QUERY_TIMEOUT, QUERY_OK,
	    QUERY_TIMEOUT);
	a = fx_addr("192.0.2.33");
	q = &ev->queries[ev->nqueries - 3];
	ck_assert_int_eq(q->probe, PROBE_SOA_UDP);
	q->wrong_source = a.ss;
	/* Nothing listens: refused over both transports. */
	fx_server(ev, "ns4.example.test.", "192.0.2.4", QUERY_REFUSED_CONNECTION,
	    QUERY_REFUSED_CONNECTION, QUERY_REFUSED_CONNECTION);
	/* Healthy, so nothing is "all". */
	fx_server(ev, "ns5.example.test.", "192.0.2.5", QUERY_OK, QUERY_OK, QUERY_OK);

	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 4);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_EDNS_BROKEN, "192.0.2.1"));
	ck_assert_str_eq(f->server, "ns1.example.test.");
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_null(find(&fs, CAUSE_SERVER_TIMEOUT, "192.0.2.1"));
	/* Its DNSKEY query carried EDNS0 too: not a dropped type. */
	ck_assert_ptr_null(find(&fs, CAUSE_QTYPE_DROPPED, "192.0.2.1"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_QTYPE_DROPPED, "192.0.2.2"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "DNSKEY over UDP: no answer"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_WRONG_SOURCE_ADDRESS, "192.0.2.3"));
	ck_assert_ptr_nonnull(strstr(f->summary, "from 192.0.2.33"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERVER_REFUSED_CONNECTION,
	    "192.0.2.4"));
	ck_assert_ptr_nonnull(strstr(f->summary, "UDP and TCP"));
	ck_assert_int_eq(status[CHECK_REACHABILITY], 1);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_all_dead_is_critical)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	enum check_status			 status[CHECK_MAX];

	/* A mix of causes, but no address answers: resolvers fail. */
	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_TIMEOUT, QUERY_TIMEOUT,
	    QUERY_TIMEOUT);
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_REFUSED_CONNECTION,
	    QUERY_REFUSED_CONNECTION, QUERY_REFUSED_CONNECTION);
	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 2);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERVER_TIMEOUT, "192.0.2.1"));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_ptr_nonnull(strstr(f->evidence, "2 tries of 1.0s"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERVER_REFUSED_CONNECTION,
	    "192.0.2.2"));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_int_eq(status[CHECK_REACHABILITY], 2);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_malformed_answer)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	enum check_status			 status[CHECK_MAX];

	/* ns1 answers garbage over UDP only: a warning while ns2 answers. */
	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_MALFORMED, QUERY_OK,
	    QUERY_OK);
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_MALFORMED_ANSWER, "192.0.2.1"));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_str_eq(f->server, "ns1.example.test.");
	ck_assert_ptr_nonnull(strstr(f->summary, "over UDP"));
	ck_assert_ptr_null(strstr(f->summary, "TCP"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "do not parse"));
	ck_assert_ptr_null(find(&fs, CAUSE_SERVER_TIMEOUT, "192.0.2.1"));
	ck_assert_ptr_null(find(&fs, CAUSE_MALFORMED_ANSWER, "192.0.2.2"));
	ck_assert_int_eq(status[CHECK_REACHABILITY], 1);
	findings_clear(&fs);
	evidence_free(ev);

	/* Every address sends garbage on both transports: critical. */
	ev = evidence_ok_walk();
	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_MALFORMED,
	    QUERY_MALFORMED, QUERY_MALFORMED);
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_MALFORMED_ANSWER, "192.0.2.1"));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_ptr_nonnull(strstr(f->summary, "UDP and TCP"));
	ck_assert_int_eq(status[CHECK_REACHABILITY], 2);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_walk_verdicts)
{
	struct evidence		*ev = evidence_new("gone.test.", 1000);
	struct findings		 fs = { NULL, 0 };
	enum check_status			 status[CHECK_MAX];

	/* No walk at all: nothing can be judged. */
	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_int_eq(status[CHECK_DELEGATION], 3);
	ck_assert_int_eq(status[CHECK_REACHABILITY], 3);

	ev->walk = xcalloc(1, sizeof(*ev->walk));
	ev->walk->status = WALK_NXDOMAIN;
	ev->walk->parent = xstrdup("test.");
	ev->walk->detail = xstrdup("the parent zone test. answers NXDOMAIN for gone.test.");
	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_int_eq(fs.v[0].cause, CAUSE_ZONE_NOT_DELEGATED);
	ck_assert_int_eq(fs.v[0].severity, SEVERITY_CRITICAL);
	ck_assert_ptr_null(fs.v[0].server);
	ck_assert_str_eq(fs.v[0].evidence, ev->walk->detail);
	ck_assert_int_eq(status[CHECK_DELEGATION], 2);
	findings_clear(&fs);

	ev->walk->status = WALK_UNREACHABLE;
	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_int_eq(fs.v[0].cause, CAUSE_PARENT_UNREACHABLE);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_ns_names_glue_and_resolution)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	size_t			 si, i;
	enum check_status			 status[CHECK_MAX];

	/* Glued, fine. */
	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	/* In the zone, listed by the parent, not glued (resolved some other way). */
	si = fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	ev->servers[si].in_child = false;
	ev->servers[si].glued = false;
	ev->servers[si].looked_up = true;
	ev->servers[si].host_state = INFRA_HOST_OK;
	addr_add(&ev->servers[si].auth, &ev->servers[si].nauth,
	    &ev->servers[si].addrs[0]);
	/* Out of zone, does not exist. */
	si = evidence_server(ev, "ns.gone.example.");
	ev->servers[si].in_child = true;
	ev->servers[si].looked_up = true;
	ev->servers[si].host_state = INFRA_HOST_NXDOMAIN;
	/* Out of zone, an alias. */
	si = evidence_server(ev, "alias.example.");
	ev->servers[si].in_parent = true;
	ev->servers[si].looked_up = true;
	ev->servers[si].host_state = INFRA_HOST_CNAME;

	run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 3);
	for (f = NULL, i = 0; i < fs.n; i++)
		if (fs.v[i].cause == CAUSE_MISSING_GLUE)
			f = &fs.v[i];
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->server, "ns2.example.test.");
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	for (i = 0; i < fs.n; i++)
		if (fs.v[i].cause == CAUSE_NS_NAME_UNRESOLVABLE) {
			ck_assert_int_eq(fs.v[i].severity, SEVERITY_WARNING);
			if (strcmp(fs.v[i].server, "alias.example.") == 0)
				ck_assert_ptr_nonnull(strstr(fs.v[i].summary, "CNAME"));
			else
				ck_assert_str_eq(fs.v[i].server, "ns.gone.example.");
		}
	ck_assert_int_eq(status[CHECK_DELEGATION], 2);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

/* A resolver's answer: rcode, and an extended DNS error (RFC 8914). */
static ldns_pkt *
resolver_answer(ldns_pkt_rcode rc, int ede, const char *text)
{
	ldns_pkt	*p = fx_pkt(rc, false);
	uint8_t		 d[64];
	size_t		 n = text != NULL ? strlen(text) : 0;

	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_edns_udp_size(p, 1232);
	if (ede >= 0) {
		d[0] = 0;
		d[1] = 15;
		d[2] = (uint8_t)((n + 2) >> 8);
		d[3] = (uint8_t)(n + 2);
		d[4] = (uint8_t)(ede >> 8);
		d[5] = (uint8_t)ede;
		memcpy(d + 6, text, n);
		ldns_pkt_set_edns_data(p, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN,
		    n + 6, d));
	}
	return p;
}

START_TEST(test_resolver_symptom)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	const struct finding	*f;
	struct addr	 a = fx_addr("192.0.2.53");
	size_t			 ri;
	enum check_status			 status[CHECK_MAX];

	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	ri = evidence_add_resolver(ev, &a);
	ev->resolvers[ri].q.status = QUERY_OK;
	ev->resolvers[ri].q.pkt = resolver_answer(LDNS_RCODE_SERVFAIL, 22, "no reachable authority");
	ev->resolvers[ri].cd.status = QUERY_OK;
	ev->resolvers[ri].cd.pkt = resolver_answer(LDNS_RCODE_SERVFAIL, -1, NULL);

	/* Direct checks all pass, the resolver fails even with CD: blocked. */
	memset(&m, 0, sizeof(m));
	check_run_all(ev, &params, &fs, status, &m);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RESOLVER_BLOCKED, "192.0.2.53"));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_ptr_nonnull(strstr(f->evidence, "extended DNS error 22: no reachable authority"));
	ck_assert_ptr_nonnull(strstr(f->fix, "RRL"));
	ck_assert_int_eq(status[CHECK_RATE_LIMIT], 2);
	ck_assert_uint_eq(m.nresolvers, 1);
	ck_assert_str_eq(m.resolvers[0].rcode, "SERVFAIL");
	ck_assert_str_eq(m.resolvers[0].cd_rcode, "SERVFAIL");
	ck_assert_int_eq(m.resolvers[0].ede, 22);
	ck_assert_str_eq(m.resolvers[0].ede_text, "no reachable authority");
	check_memory_clear(&m);
	findings_clear(&fs);

	/* With CD it answers: a DNSSEC failure, not blocking. */
	ldns_pkt_free(ev->resolvers[ri].cd.pkt);
	ev->resolvers[ri].cd.pkt = resolver_answer(LDNS_RCODE_NOERROR, -1, NULL);
	memset(&m, 0, sizeof(m));
	check_run_all(ev, &params, &fs, status, &m);
	ck_assert_ptr_null(find(&fs, CAUSE_RESOLVER_BLOCKED, "192.0.2.53"));
	ck_assert_str_eq(m.resolvers[0].cd_rcode, "NOERROR");
	ck_assert_int_eq(status[CHECK_RATE_LIMIT], 0);
	check_memory_clear(&m);
	findings_clear(&fs);

	/* A direct check finds the cause: the resolver's failure is explained. */
	ldns_pkt_free(ev->resolvers[ri].cd.pkt);
	ev->resolvers[ri].cd.pkt = resolver_answer(LDNS_RCODE_SERVFAIL, -1, NULL);
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_TIMEOUT, QUERY_TIMEOUT,
	    QUERY_TIMEOUT);
	memset(&m, 0, sizeof(m));
	check_run_all(ev, &params, &fs, status, &m);
	ck_assert_ptr_null(find(&fs, CAUSE_RESOLVER_BLOCKED, "192.0.2.53"));
	/* Issue 14: the finding cites the resolver's extended error that
	 * agrees with it (RFC 8914: 22, No Reachable Authority). */
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SERVER_TIMEOUT, "192.0.2.2"));
	ck_assert_ptr_nonnull(strstr(f->summary,
	    "(resolver 192.0.2.53 agrees: EDE 22, No Reachable Authority)"));
	check_memory_clear(&m);
	findings_clear(&fs);

	/* A timeout is shown as such. */
	ldns_pkt_free(ev->resolvers[ri].q.pkt);
	ev->resolvers[ri].q.pkt = NULL;
	ev->resolvers[ri].q.status = QUERY_TIMEOUT;
	memset(&m, 0, sizeof(m));
	check_run_all(ev, &params, &fs, status, &m);
	ck_assert_str_eq(m.resolvers[0].rcode, "timeout");
	ck_assert_int_eq(m.resolvers[0].ede, -1);
	check_memory_clear(&m);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_ns_address_dead)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	struct addr	 a;
	size_t			 si;
	enum check_status			 status[CHECK_MAX];

	/* One host, three addresses, the second dead. */
	si = fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	a = fx_addr("192.0.2.2");
	evidence_server_add_addr(&ev->servers[si], &a);
	fx_probe(ev, si, "192.0.2.2", PROBE_SOA_UDP, QUERY_TIMEOUT, NULL);
	fx_probe(ev, si, "192.0.2.2", PROBE_SOA_TCP, QUERY_TIMEOUT, NULL);
	a = fx_addr("192.0.2.3");
	evidence_server_add_addr(&ev->servers[si], &a);
	fx_probe(ev, si, "192.0.2.3", PROBE_SOA_UDP, QUERY_OK, NULL);
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_NS_ADDRESS_DEAD, "192.0.2.2"));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(f->summary, "3 addresses"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "192.0.2.1, 192.0.2.3 answered"));
	/* Reported beside the reachability finding, not instead. */
	ck_assert_ptr_nonnull(find(&fs, CAUSE_SERVER_TIMEOUT, "192.0.2.2"));
	ck_assert_ptr_null(find(&fs, CAUSE_NS_ADDRESS_DEAD, "192.0.2.1"));
	ck_assert_int_eq(status[CHECK_ROUND_ROBIN], 1);
	findings_clear(&fs);
	evidence_free(ev);

	/* Every address dead: not a round-robin problem, reachability's. */
	ev = evidence_ok_walk();
	si = fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_TIMEOUT,
	    QUERY_TIMEOUT, QUERY_TIMEOUT);
	a = fx_addr("192.0.2.2");
	evidence_server_add_addr(&ev->servers[si], &a);
	fx_probe(ev, si, "192.0.2.2", PROBE_SOA_UDP, QUERY_TIMEOUT, NULL);
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_null(find(&fs, CAUSE_NS_ADDRESS_DEAD, "192.0.2.2"));
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

/* A burst's outcome as its pattern says ('a', 't', 'r', 'd'). */
static void
burst(struct evidence *ev, const char *ip, const char *pattern)
{
	struct burst_result	r;
	struct addr	a = fx_addr(ip);
	const char		*p;

	memset(&r, 0, sizeof(r));
	snprintf(r.zone, sizeof(r.zone), "%s", ev->zone);
	r.pattern = xstrdup(pattern);
	for (p = pattern; *p != '\0'; p++) {
		r.sent++;
		r.answered += *p == 'a';
		r.truncated += *p == 't';
		r.refused += *p == 'r';
		r.dropped += *p == 'd';
	}
	evidence_add_burst(ev, &a, &r);
	burst_result_clear(&r);
}

/* Every query answered at the first try (fx_probe records two). */
static void
first_tries(struct evidence *ev)
{
	size_t	i;

	for (i = 0; i < ev->nqueries; i++)
		ev->queries[i].attempts = 1;
}

START_TEST(test_rate_limited)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	enum check_status			 status[CHECK_MAX];

	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_server(ev, "ns3.example.test.", "192.0.2.3", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_server(ev, "ns4.example.test.", "192.0.2.4", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_server(ev, "ns5.example.test.", "192.0.2.5", QUERY_OK, QUERY_OK, QUERY_OK);
	first_tries(ev);
	/* RRL with slip 2: every other limited answer is TC=1. */
	burst(ev, "192.0.2.1", "aaaaatdtdtdtdtdtdtdt");
	/* RRL without slip: the tail dropped. */
	burst(ev, "192.0.2.2", "aaaaaaadddddddddddddd");
	/* Loss spread over the burst: a lossy path, not rate limiting. */
	burst(ev, "192.0.2.3", "adaadaaadaadaaadaada");
	/* Every answer. */
	burst(ev, "192.0.2.4", "aaaaaaaaaaaaaaaaaaaa");
	/* REFUSED under load, NOERROR at normal pace. */
	burst(ev, "192.0.2.5", "aaaarrrrrrrrrrrrrrrr");
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RATE_LIMITED, "192.0.2.1"));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_str_eq(f->server, "ns1.example.test.");
	ck_assert_ptr_nonnull(strstr(f->summary, "slip"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "20 identical queries"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "aaaaatdtdtdtdtdtdtdt"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RATE_LIMITED, "192.0.2.2"));
	ck_assert_ptr_nonnull(strstr(f->summary, "drops"));
	ck_assert_ptr_null(find(&fs, CAUSE_RATE_LIMITED, "192.0.2.3"));
	ck_assert_ptr_null(find(&fs, CAUSE_RATE_LIMITED, "192.0.2.4"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_RATE_LIMITED, "192.0.2.5"));
	ck_assert_ptr_nonnull(strstr(f->summary, "REFUSED"));
	ck_assert_int_eq(status[CHECK_RATE_LIMIT], 1);
	findings_clear(&fs);
	evidence_free(ev);

	/* Tail drops, but packets were lost at normal pace too: a lossy
	 * path (the paced queries needed retries), not rate limiting. */
	ev = evidence_ok_walk();
	fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	burst(ev, "192.0.2.2", "aaaaaaadddddddddddddd");
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_null(find(&fs, CAUSE_RATE_LIMITED, "192.0.2.2"));
	ck_assert_int_eq(status[CHECK_RATE_LIMIT], 0);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_source_blocked)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	struct ev_query		*q;
	size_t			 si, i;
	enum check_status			 status[CHECK_MAX];

	ev->nsources = 2;
	ev->sources = xcalloc(2, sizeof(*ev->sources));
	ev->sources[0] = xstrdup("192.0.2.100");
	ev->sources[1] = xstrdup("192.0.2.101");
	/* ns1 answers both sources; ns2 drops the second, ns3 refuses it. */
	si = fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_probe(ev, si, "192.0.2.1", PROBE_SOA_SRC, QUERY_OK, NULL)->source = 1;
	si = fx_server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	fx_probe(ev, si, "192.0.2.2", PROBE_SOA_SRC, QUERY_TIMEOUT, NULL)->source = 1;
	si = fx_server(ev, "ns3.example.test.", "192.0.2.3", QUERY_OK, QUERY_OK, QUERY_OK);
	q = fx_probe(ev, si, "192.0.2.3", PROBE_SOA_SRC, QUERY_OK,
	    fx_pkt(LDNS_RCODE_REFUSED, false));
	q->source = 1;
	for (i = 0; i < ev->nqueries; i++)
		if (ev->queries[i].probe != PROBE_SOA_SRC)
			ev->queries[i].source = 0;
	first_tries(ev);
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_null(find(&fs, CAUSE_SOURCE_BLOCKED, "192.0.2.1"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SOURCE_BLOCKED, "192.0.2.2"));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_ptr_nonnull(strstr(f->summary, "from 192.0.2.100 but not from 192.0.2.101"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "from 192.0.2.101: no answer"));
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_SOURCE_BLOCKED, "192.0.2.3"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "from 192.0.2.101: REFUSED"));
	ck_assert_int_eq(status[CHECK_RATE_LIMIT], 2);
	findings_clear(&fs);

	/* Packets lost at normal pace too: the silence is loss, not a block
	 * (a REFUSED or NOTAUTH still is one). */
	ev->queries[0].attempts = 2;
	ev->queries[4].attempts = 2;
	ev->queries[8].attempts = 2;
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_null(find(&fs, CAUSE_SOURCE_BLOCKED, "192.0.2.2"));
	ck_assert_ptr_nonnull(find(&fs, CAUSE_SOURCE_BLOCKED, "192.0.2.3"));
	findings_clear(&fs);
	first_tries(ev);

	/* One source: nothing to compare. */
	ev->nsources = 1;
	run_all(ev, &params, &fs, status);
	ck_assert_ptr_null(find(&fs, CAUSE_SOURCE_BLOCKED, "192.0.2.2"));
	ev->nsources = 2;
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

/* A service host's address and how its port answered. */
static void
host_addr(struct ev_host *h, const char *ip, enum tcpprobe_status st)
{
	struct addr	a = fx_addr(ip);

	infra_addr_set_port(&a, h->port);
	h->addrs = xreallocarray(h->addrs, h->naddrs + 1, sizeof(*h->addrs));
	memset(&h->addrs[h->naddrs], 0, sizeof(*h->addrs));
	h->addrs[h->naddrs].addr = a;
	h->addrs[h->naddrs].done = true;
	h->addrs[h->naddrs++].status = st;
}

START_TEST(test_host_address_dead)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	const struct finding	*f;
	struct ev_host		*h;
	size_t			 hi;
	enum check_status			 status[CHECK_MAX];

	fx_server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	hi = evidence_add_host(ev, "www.example.test.", 443);
	h = &ev->hosts[hi];
	h->looked_up = true;
	host_addr(h, "192.0.2.80", TCPPROBE_OPEN);
	host_addr(h, "192.0.2.81", TCPPROBE_REFUSED);
	host_addr(h, "192.0.2.82", TCPPROBE_OPEN);
	hi = evidence_add_host(ev, "api.example.test.", 8443);
	h = &ev->hosts[hi];
	h->looked_up = true;
	host_addr(h, "192.0.2.90", TCPPROBE_TIMEOUT);
	memset(&m, 0, sizeof(m));
	check_run_all(ev, &params, &fs, status, &m);
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_HOST_ADDRESS_DEAD, "192.0.2.81"));
	ck_assert_int_eq(f->severity, SEVERITY_WARNING);
	ck_assert_str_eq(f->server, "www.example.test.");
	ck_assert_ptr_nonnull(strstr(f->summary, "does not accept TCP port 443"));
	ck_assert_ptr_nonnull(strstr(f->evidence, "accepted at 192.0.2.80, 192.0.2.82"));
	ck_assert_ptr_null(find(&fs, CAUSE_HOST_ADDRESS_DEAD, "192.0.2.80"));
	/* Every address dead: critical. */
	ck_assert_ptr_nonnull(f = find(&fs, CAUSE_HOST_ADDRESS_DEAD, "192.0.2.90"));
	ck_assert_int_eq(f->severity, SEVERITY_CRITICAL);
	ck_assert_ptr_nonnull(strstr(f->evidence, "timeout"));
	ck_assert_uint_eq(m.nhosts, 4);
	ck_assert(m.hosts[0].up);
	ck_assert(!m.hosts[1].up);
	ck_assert_str_eq(m.hosts[1].address, "192.0.2.81");
	ck_assert_uint_eq(m.hosts[3].port, 8443);
	check_memory_clear(&m);
	findings_clear(&fs);
	evidence_free(ev);
}
END_TEST

START_TEST(test_since_carried_over)
{
	struct findings	old = { NULL, 0 }, cur = { NULL, 0 };

	findings_add(&old, CAUSE_SERVER_TIMEOUT, SEVERITY_WARNING, "ns1.", "192.0.2.1",
	    xstrdup("s"), xstrdup("e"), xstrdup("f"));
	findings_carry_since(&old, NULL, 100);
	ck_assert_int_eq(old.v[0].since, 100);

	/* Same cause and place, new severity: still the same finding. */
	findings_add(&cur, CAUSE_SERVER_TIMEOUT, SEVERITY_CRITICAL, "ns1.", "192.0.2.1",
	    xstrdup("s"), xstrdup("e"), xstrdup("f"));
	findings_add(&cur, CAUSE_SERVER_TIMEOUT, SEVERITY_WARNING, "ns2.", "192.0.2.2",
	    xstrdup("s"), xstrdup("e"), xstrdup("f"));
	findings_carry_since(&cur, &old, 200);
	ck_assert_str_eq(cur.v[0].server, "ns1.");
	ck_assert_int_eq(cur.v[0].since, 100);
	ck_assert_int_eq(cur.v[1].since, 200);
	ck_assert_int_eq(findings_worst(&cur), SEVERITY_CRITICAL);
	findings_clear(&old);
	findings_clear(&cur);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("checks");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_healthy_zone_has_no_findings);
	tcase_add_test(tc, test_causes_told_apart);
	tcase_add_test(tc, test_all_dead_is_critical);
	tcase_add_test(tc, test_malformed_answer);
	tcase_add_test(tc, test_walk_verdicts);
	tcase_add_test(tc, test_ns_names_glue_and_resolution);
	tcase_add_test(tc, test_resolver_symptom);
	tcase_add_test(tc, test_ns_address_dead);
	tcase_add_test(tc, test_rate_limited);
	tcase_add_test(tc, test_source_blocked);
	tcase_add_test(tc, test_host_address_dead);
	tcase_add_test(tc, test_since_carried_over);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
