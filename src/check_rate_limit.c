/* check_rate_limit: a server that drops or truncates answers when asked
 * many identical questions at once (response rate limiting, "slips"),
 * told apart from a path that loses packets at any pace. */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "evidence.h"
#include "xmalloc.h"

/* Loss at normal pace: this run's UDP queries to a (retries count). */
struct paced {
	unsigned	attempts;
	unsigned	answered;
	unsigned	refused;
};

static void
rate_paced(const struct evidence *ev, const struct addr *a, struct paced *p)
{
	const struct ev_query	*q;
	size_t			 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < ev->nqueries; i++) {
		q = &ev->queries[i];
		/* The other sources' probes are what is being judged. */
		if (q->transport != QUERY_UDP || !addr_eq(&q->addr, a) ||
		    q->status == QUERY_CANCELLED || q->probe == PROBE_SOA_SRC)
			continue;
		p->attempts += q->attempts > 0 ? q->attempts : 1;
		if (q->status == QUERY_OK) {
			p->answered++;
			if (q->pkt != NULL &&
			    ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_REFUSED)
				p->refused++;
		}
	}
}

/* Loss at normal pace as the other sources saw it: every UDP query to a
 * not sent from src. Silence from src means blocking only where these
 * lost nothing: the default source asks most questions, so when it is the
 * one blocked its own losses cannot be the measure. */
static void
rate_paced_others(const struct evidence *ev, const struct addr *a, int src,
    struct paced *p)
{
	const struct ev_query	*q;
	size_t			 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < ev->nqueries; i++) {
		q = &ev->queries[i];
		if (q->transport != QUERY_UDP || !addr_eq(&q->addr, a) ||
		    q->status == QUERY_CANCELLED || q->status == QUERY_NO_ROUTE ||
		    q->source == src)
			continue;
		p->attempts += q->attempts > 0 ? q->attempts : 1;
		p->answered += q->status == QUERY_OK;
	}
}

/*
 * Drops from rate limiting come at the tail: the first queries of the
 * burst use up the allowance and (nearly) everything after is dropped.
 * Random loss spreads over the whole burst.
 */
static bool
rate_tail_drops(const struct burst_result *b)
{
	const char	*first = b->pattern != NULL ? strchr(b->pattern, 'd') : NULL;
	size_t		 after, dropped = 0;
	const char	*p;

	if (first == NULL)
		return false;
	for (p = first; *p != '\0'; p++)
		dropped += *p == 'd';
	after = strlen(first);
	return dropped * 10 >= after * 8;
}

static const char *
rate_verdict(const struct burst_result *b, const struct paced *p)
{
	if (b->sent == 0 || p->attempts == 0)
		return NULL;
	/* Slips: truncation for no size reason is RRL's signature. */
	if (b->truncated > 0)
		return "truncated answers (TC=1, RRL \"slip\")";
	if (b->refused > 0 && p->refused == 0)
		return "REFUSED under load only";
	/* Drops alone: only when none were lost at normal pace and the drops
	 * came once the burst was under way. */
	if (b->dropped * 4 >= b->sent && p->answered == p->attempts &&
	    rate_tail_drops(b))
		return "drops once the burst was under way";
	return NULL;
}

/* What one source got from (si, a): 1 answered, 0 blocked, -1 unknown. */
static int
rate_source_outcome(const struct ev_query *q, char *what, size_t len)
{
	if (q == NULL)
		return -1;
	switch (q->status) {
	case QUERY_OK:
		/* Knot's query ACL answers NOTAUTH where others REFUSE. */
		if (q->pkt != NULL && (ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_REFUSED ||
		    ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_NOTAUTH)) {
			snprintf(what, len, "%s", ldns_pkt_get_rcode(q->pkt) ==
			    LDNS_RCODE_REFUSED ? "REFUSED" : "NOTAUTH");
			return 0;
		}
		snprintf(what, len, "answered");
		return 1;
	case QUERY_TIMEOUT:
		snprintf(what, len, "no answer (%u tries)", q->attempts);
		return 2;	/* blocked, or lost: the caller weighs it */
	case QUERY_REFUSED_CONNECTION:
		snprintf(what, len, "port unreachable (ICMP)");
		return 0;
	case QUERY_CLOSED:
		snprintf(what, len, "TCP connection closed without an answer");
		return 0;
	default:
		return -1;
	}
}

/* With several source addresses: a server that answers one and drops or
 * refuses another blocks by address (an ACL, a firewall, a block list). */
static void
rate_judge_sources(const struct evidence *ev, size_t si, const struct addr *a,
    struct findings *out)
{
	const struct ev_server	*s = &ev->servers[si];
	const struct ev_query	*q;
	struct paced		 others;
	struct buf		 b;
	char			 addr[INET6_ADDRSTRLEN + 8], what[64], ok_src[INET6_ADDRSTRLEN + 8];
	int			 src, outcome[64], any_ok = -1;
	size_t			 n = ev->nsources < 64 ? ev->nsources : 64;

	buf_init(&b);
	for (src = 0; src < (int)n; src++) {
		/* The default source asked everything; others only the SOA. */
		if ((q = evidence_find_src(ev, PROBE_SOA_UDP, si, a, src)) == NULL)
			q = evidence_find_src(ev, PROBE_SOA_SRC, si, a, src);
		outcome[src] = rate_source_outcome(q, what, sizeof(what));
		/* Silence from one source proves blocking only where the
		 * other sources lost nothing: on a lossy path it is loss. */
		if (outcome[src] == 2) {
			rate_paced_others(ev, a, src, &others);
			outcome[src] = others.attempts > 0 &&
			    others.answered == others.attempts ? 0 : -1;
		}
		if (outcome[src] >= 0)
			buf_printf(&b, "%sfrom %s: %s", b.len > 0 ? "; " : "",
			    ev->sources[src], what);
		if (outcome[src] == 1 && any_ok < 0)
			any_ok = src;
	}
	if (any_ok < 0) {
		buf_free(&b);
		return;
	}
	snprintf(ok_src, sizeof(ok_src), "%s", ev->sources[any_ok]);
	addr_str(a, addr, sizeof(addr));
	for (src = 0; src < (int)n; src++) {
		if (outcome[src] != 0)
			continue;
		findings_add(out, CAUSE_SOURCE_BLOCKED, SEVERITY_CRITICAL, s->name, addr,
		    xasprintf("%s (%s) answers queries from %s but not from %s",
		    s->name, addr, ok_src, ev->sources[src]),
		    xasprintf("the SOA of %s, asked from each source address: %s",
		    ev->zone, b.data),
		    xasprintf("The server at %s, or a firewall in front of it, "
		    "blocks %s: check its ACLs (NSD/Knot/BIND allow and deny lists, "
		    "BIND blackhole), firewall rules and block lists for that "
		    "address or its network. Resolvers that reach the server from "
		    "blocked networks time out on it and, when every server blocks "
		    "them, answer SERVFAIL.", addr, ev->sources[src]));
	}
	buf_free(&b);
}

/* "N identical queries for the SOA of Z at once: ..." of one burst. */
static void
rate_describe(struct buf *b, const struct burst_result *r)
{
	buf_printf(b, "%s%u identical queries for the SOA of %s at once: %u "
	    "answered, %u truncated, %u refused, %u dropped (in order: %s)",
	    b->len > 0 ? "; " : "", r->sent, r->zone, r->answered, r->truncated,
	    r->refused, r->dropped, r->pattern != NULL ? r->pattern : "");
}

static const struct ev_server *
rate_server_of(const struct evidence *ev, const struct addr *a)
{
	size_t	si, ai;

	for (si = 0; si < ev->nservers; si++)
		for (ai = 0; ai < ev->servers[si].naddrs; ai++)
			if (addr_eq(&ev->servers[si].addrs[ai], a))
				return &ev->servers[si];
	return NULL;
}

/*
 * The bursts to one address of the zone. A burst speaks for the zone it
 * asked about: a server may limit one zone only (Knot's mod-rrl is per
 * zone), so another zone's limited burst says nothing of this one. The
 * server limits every zone only when bursts for two different zones were
 * limited. This zone's own burst, when there is one, decides.
 */
static void
rate_judge_addr(const struct evidence *ev, size_t first, struct findings *out)
{
	const struct addr		*a = &ev->bursts[first].addr;
	const struct burst_result	*own = NULL, *r;
	const struct ev_server		*s = rate_server_of(ev, a);
	const char			*why = NULL, *w;
	struct paced			 p;
	struct buf			 b, zones;
	char				 addr[INET6_ADDRSTRLEN + 8];
	size_t				 i, limited = 0;

	rate_paced(ev, a, &p);
	buf_init(&b);
	buf_init(&zones);
	for (i = first; i < ev->nbursts; i++)
		if (addr_eq(&ev->bursts[i].addr, a) &&
		    strcmp(ev->bursts[i].r.zone, ev->zone) == 0)
			own = &ev->bursts[i].r;
	if (own != NULL) {
		if ((why = rate_verdict(own, &p)) != NULL)
			rate_describe(&b, own);
	} else
		for (i = first; i < ev->nbursts; i++) {
			r = &ev->bursts[i].r;
			if (!addr_eq(&ev->bursts[i].addr, a) ||
			    (w = rate_verdict(r, &p)) == NULL)
				continue;
			rate_describe(&b, r);
			buf_printf(&zones, "%s%s", limited++ > 0 ? " and " : "", r->zone);
			why = w;
		}
	if (why == NULL || (own == NULL && limited < 2)) {
		buf_free(&b);
		buf_free(&zones);
		return;
	}
	addr_str(a, addr, sizeof(addr));
	findings_add(out, CAUSE_RATE_LIMITED, SEVERITY_WARNING,
	    s != NULL ? s->name : NULL, addr, own != NULL ?
	    xasprintf("%s (%s) rate-limits: %s", s != NULL ? s->name : addr,
	    addr, why) :
	    xasprintf("%s (%s) rate-limits every zone: bursts for %s were "
	    "limited (%s)", s != NULL ? s->name : addr, addr, zones.data, why),
	    xasprintf("%s; at normal pace this run %u of %u UDP packets were "
	    "answered", b.data, p.answered, p.attempts),
	    xasprintf("The server at %s applies response rate limiting "
	    "(RRL) strict enough to hit a burst of identical questions, "
	    "which is what a resolver farm behind one address sends for a "
	    "popular name: those resolvers get truncated or no answers "
	    "and retry, or fail. Raise the limit (NSD rrl-ratelimit, "
	    "BIND rate-limit responses-per-second, Knot mod-rrl rate-limit) "
	    "or exempt the resolvers' networks (NSD rrl-whitelist, BIND "
	    "exempt-clients); keep slip at 2 so limited clients can retry "
	    "over TCP.", addr));
	buf_free(&b);
	buf_free(&zones);
}

static enum check_outcome
rate_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	size_t	i, j, si, ai;

	if (ev->nsources > 1)
		for (si = 0; si < ev->nservers; si++)
			for (ai = 0; ai < ev->servers[si].naddrs; ai++)
				rate_judge_sources(ev, si, &ev->servers[si].addrs[ai], out);
	/* Each address once, from its first burst on. */
	for (i = 0; i < ev->nbursts; i++) {
		for (j = 0; j < i; j++)
			if (addr_eq(&ev->bursts[j].addr, &ev->bursts[i].addr))
				break;
		if (j == i)
			rate_judge_addr(ev, i, out);
	}
	return CHECK_RAN;
}

const struct check_def check_rate_limit = {
	.id = CHECK_RATE_LIMIT,
	.judge = rate_judge,
};
