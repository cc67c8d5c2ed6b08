/* check_reachability: every NS address answers over UDP and TCP (timeouts, refusals, EDNS, dropped types). */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "evidence.h"
#include "value.h"
#include "xmalloc.h"

#define REACH_EDNS_BUFFER	1232	/* the UDP size our queries advertise */

/* Per address: which causes apply. */
struct reach_state {
	bool	timeout_udp, timeout_tcp;
	bool	refused_udp, refused_tcp;
	bool	edns_broken;
	bool	qtype_dropped;
	bool	wrong_source;
	bool	malformed_udp, malformed_tcp;
	size_t	oversize;		/* bytes of a UDP answer past our
					   buffer, without TC; 0: none */
	bool	answers;		/* answers SOA by some means */
};

static bool
reach_formerr(const struct ev_query *q)
{
	return q != NULL && q->status == QUERY_OK && q->pkt != NULL &&
	    (ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_FORMERR ||
	    ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_NOTIMPL);
}

/* Another source address got a real answer from (si, a): whatever the
 * default source saw is that source being blocked (source_blocked says
 * so), not the server failing. */
static bool
reach_answers_elsewhere(const struct evidence *ev, size_t si, const struct addr *a)
{
	const struct ev_query	*q;
	size_t			 src;
	int			 rc;

	for (src = 0; src < ev->nsources; src++) {
		q = evidence_find_src(ev, PROBE_SOA_SRC, si, a, (int)src);
		if (q == NULL || q->status != QUERY_OK || q->pkt == NULL)
			continue;
		rc = ldns_pkt_get_rcode(q->pkt);
		if (rc != LDNS_RCODE_REFUSED && rc != LDNS_RCODE_NOTAUTH)
			return true;
	}
	return false;
}

static void
reach_judge_addr(const struct evidence *ev, size_t si, const struct addr *a,
    struct reach_state *st)
{
	const struct ev_query	*u, *t, *p, *k;
	bool			 udp_ok, plain_ok;

	memset(st, 0, sizeof(*st));
	u = evidence_find(ev, PROBE_SOA_UDP, si, a);
	t = evidence_find(ev, PROBE_SOA_TCP, si, a);
	p = evidence_find(ev, PROBE_SOA_PLAIN, si, a);
	k = evidence_find(ev, PROBE_DNSKEY, si, a);

	udp_ok = u != NULL && u->status == QUERY_OK && !reach_formerr(u);
	plain_ok = p != NULL && p->status == QUERY_OK && !reach_formerr(p);
	st->answers = udp_ok || plain_ok || (t != NULL && t->status == QUERY_OK);

	if (u != NULL && !udp_ok) {
		if (u->wrong_source.ss_family != 0)
			st->wrong_source = true;
		else if (plain_ok)
			st->edns_broken = true;
		else if (u->status == QUERY_TIMEOUT)
			st->timeout_udp = true;
		else if (u->status == QUERY_REFUSED_CONNECTION)
			st->refused_udp = true;
		else if (u->status == QUERY_MALFORMED)
			st->malformed_udp = true;
	}
	if (t != NULL) {
		if (t->status == QUERY_TIMEOUT)
			st->timeout_tcp = true;
		else if (t->status == QUERY_REFUSED_CONNECTION ||
		    t->status == QUERY_CLOSED)
			st->refused_tcp = true;	/* accepted, then shut: no DNS */
		else if (t->status == QUERY_MALFORMED)
			st->malformed_tcp = true;
	}
	/* RFC 6891 6.2.5: no UDP answer larger than the buffer asked for;
	 * on real paths it fragments and is lost (DNS flag day 2020). */
	if (u != NULL && u->status == QUERY_OK && u->transport == QUERY_UDP &&
	    !u->truncated && u->size > REACH_EDNS_BUFFER)
		st->oversize = u->size;
	if (k != NULL && k->status == QUERY_OK && k->transport == QUERY_UDP &&
	    !k->truncated && k->size > REACH_EDNS_BUFFER && k->size > st->oversize)
		st->oversize = k->size;
	if (!st->answers && reach_answers_elsewhere(ev, si, a)) {
		st->timeout_udp = st->timeout_tcp = false;
		st->refused_udp = st->refused_tcp = false;
		st->answers = true;
	}
	/* The DNSKEY probe carries EDNS0 like the SOA one: only a server that
	 * answered that SOA has dropped the type. */
	if (udp_ok && k != NULL && k->status == QUERY_TIMEOUT)
		st->qtype_dropped = true;
}

static const char *
reach_transports(bool udp, bool tcp)
{
	return udp && tcp ? "UDP and TCP" : udp ? "UDP" : "TCP";
}

/* "SOA over UDP: timeout (3 tries of 2.0s)" and the like. */
static void
reach_describe(struct buf *b, const struct ev_query *q, const char *what,
    const struct check_params *params)
{
	char	src[INET6_ADDRSTRLEN + 8];

	if (q == NULL)
		return;
	if (b->len > 0)
		buf_puts(b, "; ");
	buf_printf(b, "%s: ", what);
	switch (q->status) {
	case QUERY_OK:
		if (q->pkt != NULL) {
			char	*rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(q->pkt));

			buf_printf(b, "%s in %.0f ms", rc != NULL ? rc : "answer",
			    q->rtt * 1000);
			free(rc);
		} else
			buf_puts(b, "answered");
		break;
	case QUERY_TIMEOUT:
		buf_printf(b, "no answer (%u tries of %.1fs)", q->attempts,
		    (double)params->timeout_ms / 1000);
		break;
	case QUERY_REFUSED_CONNECTION:
		buf_puts(b, q->transport == QUERY_TCP ? "connection refused (TCP RST)" :
		    "port unreachable (ICMP)");
		break;
	case QUERY_MALFORMED:
		buf_printf(b, "only answers that do not parse (%u tries)%s%s",
		    q->attempts, q->malformed_why != NULL ? ": " : "",
		    q->malformed_why != NULL ? q->malformed_why : "");
		break;
	case QUERY_CLOSED:
		buf_printf(b, "TCP connection closed without an answer (%u tries)",
		    q->attempts);
		break;
	default:
		buf_puts(b, query_status_name(q->status));
		break;
	}
	if (q->wrong_source.ss_family != 0) {
		value_format_addr((const struct sockaddr *)&q->wrong_source, src,
		    sizeof(src), 0);
		buf_printf(b, " (an answer came from %s instead)", src);
	}
	if (q->mismatched > 0)
		buf_printf(b, " (%u mismatched answers ignored)", q->mismatched);
}

static char *
reach_evidence(const struct evidence *ev, size_t si, const struct addr *a,
    const struct check_params *params)
{
	struct buf	b;

	buf_init(&b);
	reach_describe(&b, evidence_find(ev, PROBE_SOA_UDP, si, a),
	    "SOA over UDP with EDNS0", params);
	reach_describe(&b, evidence_find(ev, PROBE_SOA_TCP, si, a),
	    "SOA over TCP", params);
	reach_describe(&b, evidence_find(ev, PROBE_SOA_PLAIN, si, a),
	    "SOA over UDP without EDNS0", params);
	reach_describe(&b, evidence_find(ev, PROBE_DNSKEY, si, a),
	    "DNSKEY over UDP", params);
	return buf_steal(&b, NULL);
}

static enum check_outcome
reach_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	struct reach_state	*st;
	const struct ev_server	*s;
	size_t			 si, ai, n = 0, i, answering = 0;
	size_t			 count[CAUSE_MAX] = { 0 };
	char			 addr[INET6_ADDRSTRLEN + 8];
	enum severity		 sev;
	bool			 dead;

	for (si = 0; si < ev->nservers; si++)
		n += ev->servers[si].naddrs;
	if (n == 0)
		return CHECK_COULD_NOT_RUN;
	st = xcalloc(n, sizeof(*st));
	for (i = 0, si = 0; si < ev->nservers; si++)
		for (ai = 0; ai < ev->servers[si].naddrs; ai++, i++) {
			reach_judge_addr(ev, si, &ev->servers[si].addrs[ai], &st[i]);
			answering += st[i].answers;
			count[CAUSE_SERVER_TIMEOUT] += st[i].timeout_udp || st[i].timeout_tcp;
			count[CAUSE_SERVER_REFUSED_CONNECTION] += st[i].refused_udp ||
			    st[i].refused_tcp;
			count[CAUSE_EDNS_BROKEN] += st[i].edns_broken;
			count[CAUSE_QTYPE_DROPPED] += st[i].qtype_dropped;
			count[CAUSE_WRONG_SOURCE_ADDRESS] += st[i].wrong_source;
			count[CAUSE_MALFORMED_ANSWER] += st[i].malformed_udp ||
			    st[i].malformed_tcp;
		}
	/* With no address answering, resolvers fail whatever the mix of causes. */
	dead = answering == 0;

#define SEVERITY(c) (dead || count[c] == n ? SEVERITY_CRITICAL : SEVERITY_WARNING)
	for (i = 0, si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++, i++) {
			const struct addr *a = &s->addrs[ai];

			addr_str(a, addr, sizeof(addr));
			if (st[i].timeout_udp || st[i].timeout_tcp) {
				sev = SEVERITY(CAUSE_SERVER_TIMEOUT);
				findings_add(out, CAUSE_SERVER_TIMEOUT, sev, s->name, addr,
				    xasprintf("%s (%s) does not answer over %s",
				    s->name, addr, reach_transports(st[i].timeout_udp,
				    st[i].timeout_tcp)),
				    reach_evidence(ev, si, a, params),
				    xasprintf("Check that the name server at %s is running "
				    "and that no firewall drops DNS to port 53 over %s. "
				    "If %s is retired, remove it from the zone's NS records "
				    "(DNS provider) and from the delegation (registrar): "
				    "resolvers waste a timeout on it for every lookup%s.",
				    addr, reach_transports(st[i].timeout_udp,
				    st[i].timeout_tcp), s->name,
				    sev == SEVERITY_CRITICAL ? ", and with no server "
				    "answering they answer SERVFAIL" : ""));
			}
			if (st[i].refused_udp || st[i].refused_tcp) {
				sev = SEVERITY(CAUSE_SERVER_REFUSED_CONNECTION);
				findings_add(out, CAUSE_SERVER_REFUSED_CONNECTION, sev,
				    s->name, addr,
				    xasprintf("nothing accepts DNS over %s at %s (%s)",
				    reach_transports(st[i].refused_udp,
				    st[i].refused_tcp), addr, s->name),
				    reach_evidence(ev, si, a, params),
				    xasprintf("The host at %s rejects port 53 over %s "
				    "(ICMP port unreachable or TCP reset): start the name "
				    "server there or fix its listen addresses%s; or remove "
				    "%s from the NS records and the delegation at the "
				    "registrar.", addr, reach_transports(st[i].refused_udp,
				    st[i].refused_tcp), st[i].refused_tcp && !st[i].refused_udp ?
				    " (DNS over TCP is required: RFC 7766)" : "", s->name));
			}
			if (st[i].edns_broken) {
				sev = SEVERITY(CAUSE_EDNS_BROKEN);
				findings_add(out, CAUSE_EDNS_BROKEN, sev, s->name, addr,
				    xasprintf("%s (%s) answers plain DNS but not queries "
				    "with EDNS0", s->name, addr),
				    reach_evidence(ev, si, a, params),
				    xasprintf("The server at %s, or a firewall in front of it, "
				    "drops or rejects queries carrying an EDNS0 OPT record "
				    "(RFC 6891). Upgrade the name server software, or fix "
				    "the firewall rule that drops DNS packets with OPT "
				    "records or over 512 bytes; validating resolvers need "
				    "EDNS0.", addr));
			}
			if (st[i].oversize > 0)
				findings_add(out, CAUSE_EDNS_BROKEN, SEVERITY_WARNING,
				    s->name, addr,
				    xasprintf("%s (%s) sends answers larger than the "
				    "%u-byte buffer asked for, without TC, over UDP",
				    s->name, addr, REACH_EDNS_BUFFER),
				    xasprintf("a %zu-byte answer over UDP to a query "
				    "advertising %u bytes (EDNS0), TC clear", st[i].oversize,
				    REACH_EDNS_BUFFER),
				    xasprintf("The server at %s ignores the requester's EDNS0 "
				    "buffer size (RFC 6891 6.2.5): answers that large fragment "
				    "and are lost on real paths (DNS flag day 2020). Set its "
				    "UDP size to 1232 (NSD ipv4-edns-size, BIND "
				    "max-udp-size, Knot udp-max-payload) so it truncates and "
				    "resolvers retry over TCP.", addr));
			if (st[i].qtype_dropped) {
				sev = SEVERITY(CAUSE_QTYPE_DROPPED);
				findings_add(out, CAUSE_QTYPE_DROPPED, sev, s->name, addr,
				    xasprintf("%s (%s) answers SOA but drops DNSKEY queries",
				    s->name, addr),
				    reach_evidence(ev, si, a, params),
				    xasprintf("Something at %s drops queries by type: a DNS "
				    "firewall, a load balancer or a filtering rule. A server "
				    "must answer every type, if only with no data; "
				    "resolvers asking for the dropped types time out and "
				    "validating ones fail DNSSEC.", addr));
			}
			if (st[i].wrong_source) {
				const struct ev_query *u = evidence_find(ev,
				    PROBE_SOA_UDP, si, a);
				char	 from[INET6_ADDRSTRLEN + 8];

				value_format_addr((const struct sockaddr *)&u->wrong_source,
				    from, sizeof(from), 0);
				sev = SEVERITY(CAUSE_WRONG_SOURCE_ADDRESS);
				findings_add(out, CAUSE_WRONG_SOURCE_ADDRESS, sev, s->name,
				    addr, xasprintf("%s answers queries to %s from %s",
				    s->name, addr, from),
				    reach_evidence(ev, si, a, params),
				    xasprintf("The server is multi-homed and replies from "
				    "its default address; resolvers drop answers from an "
				    "address they did not ask. Make it answer from the "
				    "address queried (bind each address explicitly, e.g. "
				    "NSD ip-address, Knot listen, BIND listen-on), or "
				    "publish %s as the NS address.", from));
			}
			if (st[i].malformed_udp || st[i].malformed_tcp) {
				const char *how = reach_transports(st[i].malformed_udp,
				    st[i].malformed_tcp);

				sev = SEVERITY(CAUSE_MALFORMED_ANSWER);
				findings_add(out, CAUSE_MALFORMED_ANSWER, sev, s->name,
				    addr, xasprintf("%s (%s) sends answers that do not "
				    "parse over %s", s->name, addr, how),
				    reach_evidence(ev, si, a, params),
				    xasprintf("The answers from %s over %s are not valid "
				    "DNS messages (RFC 1035 4.1: cut short, compression "
				    "pointers that loop or point ahead, or garbage), so "
				    "resolvers discard them and time out. Look for a "
				    "middlebox that rewrites DNS in front of the server "
				    "(DNS-aware firewall, load balancer, DPI), a broken "
				    "server build, or TCP streams cut short; or remove %s "
				    "from the NS records and the delegation at the "
				    "registrar.", addr, how, s->name));
			}
		}
	}
#undef SEVERITY
	free(st);
	return CHECK_RAN;
}

const struct check_def check_reachability = {
	.id = CHECK_REACHABILITY,
	.judge = reach_judge,
};
