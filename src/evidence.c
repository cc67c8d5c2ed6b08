/* evidence: what a zone run asked of which server, and what came back. */
#include "zhbuild.h"

#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "value.h"
#include "xmalloc.h"

struct evidence *
evidence_new(const char *zone, time_t started)
{
	struct evidence	*ev;

	ev = xcalloc(1, sizeof(*ev));
	ev->zone = xstrdup(zone);
	ev->started = started;
	return ev;
}

void
evidence_free(struct evidence *ev)
{
	size_t	i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->nservers; i++) {
		free(ev->servers[i].name);
		free(ev->servers[i].host_cycle);
		free(ev->servers[i].addrs);
		free(ev->servers[i].glue);
		free(ev->servers[i].auth);
	}
	for (i = 0; i < ev->nqueries; i++)
		ldns_pkt_free(ev->queries[i].pkt);
	free(ev->servers);
	free(ev->queries);
	for (i = 0; i < ev->nchain; i++)
		chain_link_unref(ev->chain[i]);
	free(ev->chain);
	ldns_pkt_free(ev->ds);
	free(ev->nxname);
	for (i = 0; i < ev->nresolvers; i++) {
		ldns_pkt_free(ev->resolvers[i].q.pkt);
		ldns_pkt_free(ev->resolvers[i].cd.pkt);
	}
	free(ev->resolvers);
	for (i = 0; i < ev->nbursts; i++)
		burst_result_clear(&ev->bursts[i].r);
	free(ev->bursts);
	for (i = 0; i < ev->nhosts; i++) {
		free(ev->hosts[i].name);
		free(ev->hosts[i].addrs);
	}
	free(ev->hosts);
	for (i = 0; i < ev->nsources; i++)
		free(ev->sources[i]);
	free(ev->sources);
	walk_result_free(ev->walk);
	free(ev->zone);
	for (i = 0; i < ev->nparents; i++) {
		free(ev->parents[i].name);
		if (ev->parents[i].ns.pkt != NULL)
			ldns_pkt_free(ev->parents[i].ns.pkt);
		if (ev->parents[i].ds.pkt != NULL)
			ldns_pkt_free(ev->parents[i].ds.pkt);
	}
	free(ev->parents);
	free(ev->parent);
	free(ev->index);
	free(ev->untested);
	free(ev);
}

size_t
evidence_server(struct evidence *ev, const char *name)
{
	size_t	i;

	for (i = 0; i < ev->nservers; i++)
		if (strcmp(ev->servers[i].name, name) == 0)
			return i;
	ev->servers = xreallocarray(ev->servers, ev->nservers + 1,
	    sizeof(*ev->servers));
	memset(&ev->servers[ev->nservers], 0, sizeof(*ev->servers));
	ev->servers[ev->nservers].name = xstrdup(name);
	return ev->nservers++;
}

bool
evidence_server_add_addr(struct ev_server *s, const struct addr *a)
{
	return addr_add(&s->addrs, &s->naddrs, a);
}

struct ev_query *
evidence_add_query(struct evidence *ev, enum probe probe, size_t server,
    const struct addr *addr)
{
	struct ev_query	*q;

	ev->queries = xreallocarray(ev->queries, ev->nqueries + 1,
	    sizeof(*ev->queries));
	q = &ev->queries[ev->nqueries++];
	memset(q, 0, sizeof(*q));
	q->probe = probe;
	q->server = server;
	q->addr = *addr;
	q->status = QUERY_CANCELLED;
	q->source = -1;
	return q;
}

#define EV_ANY_SOURCE	INT32_MIN

static uint64_t
evidence_key_hash(enum probe probe, int source, const struct addr *a)
{
	const uint8_t	*p = (const uint8_t *)&a->ss;
	uint64_t	 h = 1469598103934665603ull;
	size_t		 i;

	h = (h ^ (uint64_t)probe) * 1099511628211ull;
	h = (h ^ (uint64_t)(uint32_t)source) * 1099511628211ull;
	for (i = 0; i < a->len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static bool
evidence_key_eq(const struct ev_query *q, enum probe probe, int source,
    const struct addr *a)
{
	return q->probe == probe && (source == EV_ANY_SOURCE || q->source == source) &&
	    addr_eq(&q->addr, a);
}

/* The slot of the key, found or empty. */
static size_t
evidence_slot(const struct evidence *ev, enum probe probe, int source,
    const struct addr *a)
{
	size_t	mask = ev->index_cap - 1, i;

	for (i = evidence_key_hash(probe, source, a) & mask; ev->index[i] != 0;
	    i = (i + 1) & mask)
		if (evidence_key_eq(&ev->queries[ev->index[i] - 1], probe, source, a))
			break;
	return i;
}

void
evidence_index(struct evidence *ev)
{
	const struct ev_query	*q;
	size_t			 i, slot;

	free(ev->index);
	/* Two keys a query, at most half full. */
	for (ev->index_cap = 16; ev->index_cap < 4 * ev->nqueries + 4; )
		ev->index_cap *= 2;
	ev->index = xcalloc(ev->index_cap, sizeof(*ev->index));
	for (i = 0; i < ev->nqueries; i++) {
		q = &ev->queries[i];
		slot = evidence_slot(ev, q->probe, q->source, &q->addr);
		if (ev->index[slot] == 0)
			ev->index[slot] = (uint32_t)i + 1;
		slot = evidence_slot(ev, q->probe, EV_ANY_SOURCE, &q->addr);
		if (ev->index[slot] == 0)
			ev->index[slot] = (uint32_t)i + 1;
	}
	ev->indexed = ev->nqueries;
}

/* The first query of probe to a from source (or any): by the index once
 * built, else by a scan. */
static const struct ev_query *
evidence_lookup(const struct evidence *ev, enum probe probe, int source,
    const struct addr *a)
{
	size_t	i;

	if (ev->index != NULL && ev->indexed == ev->nqueries) {
		i = evidence_slot(ev, probe, source, a);
		return ev->index[i] != 0 ? &ev->queries[ev->index[i] - 1] : NULL;
	}
	for (i = 0; i < ev->nqueries; i++)
		if (evidence_key_eq(&ev->queries[i], probe, source, a))
			return &ev->queries[i];
	return NULL;
}

/* Names that share an address share its probes (one probe per address a
 * run), so the server does not narrow the lookup. */
const struct ev_query *
evidence_find(const struct evidence *ev, enum probe probe, size_t server,
    const struct addr *addr)
{
	(void)server;
	return evidence_lookup(ev, probe, EV_ANY_SOURCE, addr);
}

bool
evidence_addr_answers(const struct evidence *ev, const struct addr *a)
{
	const struct ev_query	*q;
	int			 p;

	for (p = 0; p < PROBE_MAX; p++)
		if ((q = evidence_lookup(ev, (enum probe)p, EV_ANY_SOURCE, a)) != NULL &&
		    q->status == QUERY_OK)
			return true;
	return false;
}

void
evidence_add_burst(struct evidence *ev, const struct addr *a,
    const struct burst_result *r)
{
	size_t	i;

	for (i = 0; i < ev->nbursts; i++)
		if (addr_eq(&ev->bursts[i].addr, a) &&
		    strcmp(ev->bursts[i].r.zone, r->zone) == 0)
			return;
	ev->bursts = xreallocarray(ev->bursts, ev->nbursts + 1, sizeof(*ev->bursts));
	ev->bursts[ev->nbursts].addr = *a;
	burst_result_copy(&ev->bursts[ev->nbursts++].r, r);
}

size_t
evidence_add_host(struct evidence *ev, const char *name, uint16_t port)
{
	struct ev_host	*h;

	ev->hosts = xreallocarray(ev->hosts, ev->nhosts + 1, sizeof(*ev->hosts));
	h = &ev->hosts[ev->nhosts];
	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	h->port = port;
	return ev->nhosts++;
}

size_t
evidence_add_resolver(struct evidence *ev, const struct addr *a)
{
	struct ev_resolver	*r;

	ev->resolvers = xreallocarray(ev->resolvers, ev->nresolvers + 1,
	    sizeof(*ev->resolvers));
	r = &ev->resolvers[ev->nresolvers];
	memset(r, 0, sizeof(*r));
	r->addr = *a;
	r->q.addr = r->cd.addr = *a;
	r->q.status = r->cd.status = QUERY_CANCELLED;
	return ev->nresolvers++;
}

size_t
evidence_add_parent(struct evidence *ev, const char *name, const struct addr *a)
{
	struct ev_parent	*p;

	ev->parents = xreallocarray(ev->parents, ev->nparents + 1,
	    sizeof(*ev->parents));
	p = &ev->parents[ev->nparents];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->addr = p->ns.addr = p->ds.addr = *a;
	p->ns.status = p->ds.status = QUERY_CANCELLED;
	p->ns.source = p->ds.source = -1;
	return ev->nparents++;
}

void
evidence_set_chain(struct evidence *ev, struct chain_link **links, size_t n,
    ldns_pkt *ds, const struct addr *ds_from)
{
	size_t	i;

	ev->chain_fetched = true;
	ev->chain = xcalloc(n > 0 ? n : 1, sizeof(*ev->chain));
	for (i = 0; i < n; i++)
		ev->chain[i] = chain_link_ref(links[i]);
	ev->nchain = n;
	ev->ds = ds;
	if (ds_from != NULL)
		ev->ds_from = *ds_from;
}

const struct ev_query *
evidence_find_src(const struct evidence *ev, enum probe probe, size_t server,
    const struct addr *addr, int source)
{
	(void)server;
	return evidence_lookup(ev, probe, source, addr);
}

/* Whether some probe of a went out: anything but no route. */
static bool
evidence_addr_tested(const struct evidence *ev, const struct addr *a)
{
	const struct ev_query	*q;
	int			 p;

	for (p = 0; p < PROBE_MAX; p++)
		if ((q = evidence_lookup(ev, (enum probe)p, EV_ANY_SOURCE, a)) != NULL &&
		    q->status != QUERY_NO_ROUTE)
			return true;
	return false;
}

void
evidence_drop_untested(struct evidence *ev)
{
	struct ev_server	*s;
	size_t			 si, ai, keep;

	for (si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		for (ai = keep = 0; ai < s->naddrs; ai++) {
			if (evidence_addr_tested(ev, &s->addrs[ai])) {
				s->addrs[keep++] = s->addrs[ai];
				continue;
			}
			addr_add(&ev->untested, &ev->nuntested, &s->addrs[ai]);
		}
		s->naddrs = keep;
	}
}

bool
evidence_untested(const struct evidence *ev, const struct addr *a)
{
	size_t	i;

	for (i = 0; i < ev->nuntested; i++)
		if (addr_eq(&ev->untested[i], a))
			return true;
	return false;
}
