/* fixture: canned answers and evidence for the checks' unit tests. */
#include "zhbuild.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <string.h>

#include "fixture.h"
#include "xmalloc.h"

struct addr
fx_addr(const char *ip)
{
	struct addr	 a;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a.ss;

	memset(&a, 0, sizeof(a));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(53);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
	a.len = sizeof(*sin);
	return a;
}

ldns_pkt *
fx_pkt(ldns_pkt_rcode rcode, bool aa)
{
	ldns_pkt	*p = ldns_pkt_new();

	ck_assert_ptr_nonnull(p);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_rcode(p, rcode);
	return p;
}

void
fx_rr(ldns_pkt *p, ldns_pkt_section sec, const char *text)
{
	ldns_rr		*rr = NULL;

	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL),
	    LDNS_STATUS_OK);
	ck_assert(ldns_pkt_push_rr(p, sec, rr));
}

ldns_pkt *
fx_soa(const char *zone, uint32_t serial)
{
	ldns_pkt	*p = fx_pkt(LDNS_RCODE_NOERROR, true);
	char		*text;

	text = xasprintf("%s 300 IN SOA ns1.%s hostmaster.%s %u 3600 900 604800 300",
	    zone, zone, zone, serial);
	fx_rr(p, LDNS_SECTION_ANSWER, text);
	free(text);
	return p;
}

ldns_pkt *
fx_ns(const char *zone, const char *const *names)
{
	ldns_pkt	*p = fx_pkt(LDNS_RCODE_NOERROR, true);
	char		*text;

	for (; *names != NULL; names++) {
		text = xasprintf("%s 300 IN NS %s", zone, *names);
		fx_rr(p, LDNS_SECTION_ANSWER, text);
		free(text);
	}
	return p;
}

struct evidence *
fx_evidence(const char *zone, const char *parent)
{
	struct evidence	*ev = evidence_new(zone, 1000);

	ev->walk = xcalloc(1, sizeof(*ev->walk));
	ev->walk->status = WALK_OK;
	ev->walk->zone = xstrdup(zone);
	ev->walk->parent = xstrdup(parent);
	return ev;
}

struct ev_query *
fx_probe(struct evidence *ev, size_t si, const char *ip, enum probe pr,
    enum query_status st, ldns_pkt *pkt)
{
	struct addr	 a = fx_addr(ip);
	struct ev_query		*q = evidence_add_query(ev, pr, si, &a);

	q->status = st;
	q->attempts = 2;
	q->transport = pr == PROBE_SOA_TCP ? QUERY_TCP : QUERY_UDP;
	if (pkt == NULL && st == QUERY_OK)
		pkt = pr == PROBE_DNSKEY || pr == PROBE_NS ?
		    fx_pkt(LDNS_RCODE_NOERROR, true) : fx_soa(ev->zone, 1);
	q->pkt = pkt;
	return q;
}

static size_t
fx_glued(struct evidence *ev, const char *name, const char *ip)
{
	size_t			si = evidence_server(ev, name);
	struct addr	a = fx_addr(ip);
	struct ev_server	*s = &ev->servers[si];

	s->in_parent = s->in_child = true;
	s->glued = true;
	addr_add(&s->glue, &s->nglue, &a);
	evidence_server_add_addr(s, &a);
	return si;
}

size_t
fx_server(struct evidence *ev, const char *name, const char *ip,
    enum query_status udp, enum query_status tcp, enum query_status dnskey)
{
	size_t	si = fx_glued(ev, name, ip);

	fx_probe(ev, si, ip, PROBE_SOA_UDP, udp, NULL);
	fx_probe(ev, si, ip, PROBE_SOA_TCP, tcp, NULL);
	fx_probe(ev, si, ip, PROBE_DNSKEY, dnskey, NULL);
	return si;
}

size_t
fx_server_answering(struct evidence *ev, const char *name, const char *ip,
    const ldns_pkt *soa, ldns_pkt *ns)
{
	size_t	si = fx_glued(ev, name, ip);

	fx_probe(ev, si, ip, PROBE_SOA_UDP, QUERY_OK, ldns_pkt_clone(soa));
	fx_probe(ev, si, ip, PROBE_SOA_TCP, QUERY_OK, ldns_pkt_clone(soa));
	fx_probe(ev, si, ip, PROBE_DNSKEY, QUERY_OK, NULL);
	if (ns != NULL)
		fx_probe(ev, si, ip, PROBE_NS, QUERY_OK, ns);
	return si;
}
