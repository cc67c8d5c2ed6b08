/* check_checks: the checks' judgements on canned evidence, and since-times. */
#include "zhbuild.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evidence.h"
#include "xmalloc.h"
#include "check_main.h"

static struct infra_addr
addr(const char *ip)
{
	struct infra_addr	 a;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a.ss;

	memset(&a, 0, sizeof(a));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(53);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
	a.len = sizeof(*sin);
	return a;
}

static ldns_pkt *
answer(ldns_pkt_rcode rcode)
{
	ldns_pkt	*p = ldns_pkt_new();

	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, true);
	ldns_pkt_set_rcode(p, rcode);
	return p;
}

/* Records one probe's outcome. */
static void
probe(struct evidence *ev, size_t si, const char *ip, enum probe pr,
    enum query_status st)
{
	struct infra_addr	 a = addr(ip);
	struct ev_query		*q = evidence_add_query(ev, pr, si, &a);

	q->status = st;
	q->attempts = 2;
	q->transport = pr == PROBE_SOA_TCP ? QUERY_TCP : QUERY_UDP;
	if (st == QUERY_OK)
		q->pkt = answer(LDNS_RCODE_NOERROR);
}

/* A server with one address whose probes all end as given. */
static size_t
server(struct evidence *ev, const char *name, const char *ip, enum query_status udp,
    enum query_status tcp, enum query_status dnskey)
{
	size_t			si = evidence_server(ev, name);
	struct infra_addr	a = addr(ip);

	ev->servers[si].in_parent = ev->servers[si].in_child = true;
	ev->servers[si].glued = true;
	evidence_server_add_addr(&ev->servers[si], &a);
	probe(ev, si, ip, PROBE_SOA_UDP, udp);
	probe(ev, si, ip, PROBE_SOA_TCP, tcp);
	probe(ev, si, ip, PROBE_DNSKEY, dnskey);
	return si;
}

static struct evidence *
evidence_ok_walk(void)
{
	struct evidence	*ev = evidence_new("example.test.", 1000);

	ev->walk = xcalloc(1, sizeof(*ev->walk));
	ev->walk->status = WALK_OK;
	ev->walk->zone = xstrdup("example.test.");
	ev->walk->parent = xstrdup("test.");
	return ev;
}

static const struct check_params params = { 1000, 1, 1000 };

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
	int		 status[CHECK_MAX];

	server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	check_run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_int_eq(status[CHECK_DELEGATION], 0);
	ck_assert_int_eq(status[CHECK_REACHABILITY], 0);
	ck_assert_int_eq(status[CHECK_DNSSEC], -1);	/* not built yet */
	evidence_free(ev);
}
END_TEST

START_TEST(test_causes_told_apart)
{
	struct evidence		*ev = evidence_ok_walk();
	struct findings		 fs = { NULL, 0 };
	const struct finding	*f;
	struct ev_query		*q;
	struct infra_addr	 a;
	size_t			 si;
	int			 status[CHECK_MAX];

	/* Drops EDNS0 queries, answers plain ones: edns_broken, not timeout. */
	si = server(ev, "ns1.example.test.", "192.0.2.1", QUERY_TIMEOUT, QUERY_OK,
	    QUERY_TIMEOUT);
	probe(ev, si, "192.0.2.1", PROBE_SOA_PLAIN, QUERY_OK);
	/* Answers SOA, drops DNSKEY. */
	server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_TIMEOUT);
	/* Answers from another address. */
	si = server(ev, "ns3.example.test.", "192.0.2.3", QUERY_TIMEOUT, QUERY_OK,
	    QUERY_TIMEOUT);
	a = addr("192.0.2.33");
	q = &ev->queries[ev->nqueries - 3];
	ck_assert_int_eq(q->probe, PROBE_SOA_UDP);
	q->wrong_source = a.ss;
	/* Nothing listens: refused over both transports. */
	server(ev, "ns4.example.test.", "192.0.2.4", QUERY_REFUSED_CONNECTION,
	    QUERY_REFUSED_CONNECTION, QUERY_REFUSED_CONNECTION);
	/* Healthy, so nothing is "all". */
	server(ev, "ns5.example.test.", "192.0.2.5", QUERY_OK, QUERY_OK, QUERY_OK);

	check_run_all(ev, &params, &fs, status);
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
	int			 status[CHECK_MAX];

	/* A mix of causes, but no address answers: resolvers fail. */
	server(ev, "ns1.example.test.", "192.0.2.1", QUERY_TIMEOUT, QUERY_TIMEOUT,
	    QUERY_TIMEOUT);
	server(ev, "ns2.example.test.", "192.0.2.2", QUERY_REFUSED_CONNECTION,
	    QUERY_REFUSED_CONNECTION, QUERY_REFUSED_CONNECTION);
	check_run_all(ev, &params, &fs, status);
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

START_TEST(test_walk_verdicts)
{
	struct evidence		*ev = evidence_new("gone.test.", 1000);
	struct findings		 fs = { NULL, 0 };
	int			 status[CHECK_MAX];

	/* No walk at all: nothing can be judged. */
	check_run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 0);
	ck_assert_int_eq(status[CHECK_DELEGATION], 3);
	ck_assert_int_eq(status[CHECK_REACHABILITY], 3);

	ev->walk = xcalloc(1, sizeof(*ev->walk));
	ev->walk->status = WALK_NXDOMAIN;
	ev->walk->parent = xstrdup("test.");
	ev->walk->detail = xstrdup("the parent zone test. answers NXDOMAIN for gone.test.");
	check_run_all(ev, &params, &fs, status);
	ck_assert_uint_eq(fs.n, 1);
	ck_assert_int_eq(fs.v[0].cause, CAUSE_ZONE_NOT_DELEGATED);
	ck_assert_int_eq(fs.v[0].severity, SEVERITY_CRITICAL);
	ck_assert_ptr_null(fs.v[0].server);
	ck_assert_str_eq(fs.v[0].evidence, ev->walk->detail);
	ck_assert_int_eq(status[CHECK_DELEGATION], 2);
	findings_clear(&fs);

	ev->walk->status = WALK_UNREACHABLE;
	check_run_all(ev, &params, &fs, status);
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
	int			 status[CHECK_MAX];

	/* Glued, fine. */
	server(ev, "ns1.example.test.", "192.0.2.1", QUERY_OK, QUERY_OK, QUERY_OK);
	/* In the zone, listed by the parent, not glued (resolved some other way). */
	si = server(ev, "ns2.example.test.", "192.0.2.2", QUERY_OK, QUERY_OK, QUERY_OK);
	ev->servers[si].in_child = false;
	ev->servers[si].glued = false;
	ev->servers[si].host_state = INFRA_HOST_OK;
	/* Out of zone, does not exist. */
	si = evidence_server(ev, "ns.gone.example.");
	ev->servers[si].in_child = true;
	ev->servers[si].host_state = INFRA_HOST_NXDOMAIN;
	/* Out of zone, an alias. */
	si = evidence_server(ev, "alias.example.");
	ev->servers[si].in_parent = true;
	ev->servers[si].host_state = INFRA_HOST_CNAME;

	check_run_all(ev, &params, &fs, status);
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
	tcase_add_test(tc, test_walk_verdicts);
	tcase_add_test(tc, test_ns_names_glue_and_resolution);
	tcase_add_test(tc, test_since_carried_over);
	suite_add_tcase(s, tc);
	return check_main_run(s);
}
