/* chain: the DS and DNSKEY answers of the zone cuts above a zone, cached. */
#include "zhbuild.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "chain.h"
#include "clock.h"
#include "log.h"
#include "query.h"
#include "xmalloc.h"

#define CHAIN_MAX_ADDRS		8	/* addresses tried per question */
#define CHAIN_MAX_DEPTH		32	/* zone cuts above a zone */
#define CHAIN_TTL_MIN_S		60
#define CHAIN_TTL_MAX_S		3600
#define CHAIN_FAIL_TTL_S	30	/* a cut none of whose servers answered */

struct chain_ask;
typedef void (*chain_ask_fn)(struct chain_ask *, ldns_pkt *, const struct addr *);

/* One question, put to a zone's server addresses in turn until one answers. */
struct chain_ask {
	struct chain		*c;
	ldns_rdf		*qname;
	ldns_rr_type		 qtype;
	struct addr	 addrs[CHAIN_MAX_ADDRS];
	size_t			 naddrs, next;
	struct query		*q;
	struct event		*ev_none;	/* no address left: report from the loop */
	chain_ask_fn		 done;
	void			*arg;
};

struct chain_fetch;

/* A cache node: the newest complete link of a cut, and any fetch under way. */
struct chain_entry {
	ldns_rbnode_t		 node;
	char			*zone;
	struct chain_link	*link;
	struct chain_fetch	*fetch;
};

struct chain_fetch {
	struct chain		*c;
	struct chain_entry	*e;
	struct chain_link	*link;
	struct chain_ask	*ds, *dnskey;
	unsigned		 outstanding;
	struct chain_req	**waiters;
	size_t			 nwaiters;
};

struct chain_req {
	struct chain		*c;
	char			*zone;
	char			**want;		/* cut per slot, root first */
	struct chain_link	**links;
	size_t			 n;
	unsigned		 pending;	/* slots empty, plus the own DS */
	struct chain_ask	*ds;
	ldns_pkt		*ds_pkt;
	struct addr	 ds_from;
	struct event		*ev_done;
	chain_cb		 cb;
	void			*arg;
	LIST_ENTRY(chain_req)	 entry;
};

struct chain {
	struct event_base	*base;
	struct query_engine	*qe;
	struct infra		*infra;
	ldns_rbtree_t		*cache;		/* struct chain_entry by zone */
	LIST_HEAD(, chain_req)	 reqs;
};

static int
chain_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct chain *
chain_new(struct event_base *base, struct query_engine *qe, struct infra *infra)
{
	struct chain	*c;

	c = xcalloc(1, sizeof(*c));
	c->base = base;
	c->qe = qe;
	c->infra = infra;
	if ((c->cache = ldns_rbtree_create(chain_cmp)) == NULL)
		fatalx("out of memory");
	LIST_INIT(&c->reqs);
	return c;
}

/* The server addresses of a zone cut: glue, then cached host addresses. */
static size_t
chain_cut_addrs(struct chain *c, const char *zone, struct addr *out)
{
	const struct infra_deleg	*d;
	const struct infra_host		*h;
	uint64_t			 now = clock_mono_ms();
	size_t				 i, j, k, n = 0;

#define CHAIN_ADD(a) do {						\
	for (k = 0; k < n; k++)						\
		if (out[k].len == (a)->len &&				\
		    memcmp(&out[k].ss, &(a)->ss, (a)->len) == 0)	\
			break;						\
	if (k == n && n < CHAIN_MAX_ADDRS)				\
		out[n++] = *(a);					\
} while (0)
	if ((d = infra_get_deleg(c->infra, zone, now)) == NULL ||
	    d->kind != INFRA_DELEG_CUT)
		return 0;
	for (i = 0; i < d->nns; i++)
		for (j = 0; j < d->ns[i].nglue; j++)
			CHAIN_ADD(&d->ns[i].glue[j]);
	for (i = 0; i < d->nns; i++)
		if ((h = infra_get_host(c->infra, d->ns[i].name, now)) != NULL &&
		    h->state == INFRA_HOST_OK)
			for (j = 0; j < h->naddrs; j++)
				CHAIN_ADD(&h->addrs[j]);
#undef CHAIN_ADD
	return n;
}

static void chain_ask_next(struct chain_ask *);

static void
chain_ask_free(struct chain_ask *a)
{
	if (a == NULL)
		return;
	if (a->q != NULL)
		query_cancel(a->q);
	if (a->ev_none != NULL)
		event_free(a->ev_none);
	ldns_rdf_deep_free(a->qname);
	free(a);
}

static void
chain_ask_cb(struct query_result *res, void *arg)
{
	struct chain_ask	*a = arg;
	ldns_pkt		*pkt;
	ldns_pkt_rcode		 rc;

	a->q = NULL;
	if (res->status == QUERY_OK && res->pkt != NULL) {
		rc = ldns_pkt_get_rcode(res->pkt);
		if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
			pkt = res->pkt;
			res->pkt = NULL;
			a->done(a, pkt, &a->addrs[a->next - 1]);
			return;
		}
	}
	chain_ask_next(a);
}

static void
chain_ask_none_cb(evutil_socket_t fd, short what, void *arg)
{
	struct chain_ask	*a = arg;

	a->done(a, NULL, NULL);
}

static void
chain_ask_next(struct chain_ask *a)
{
	struct timeval	now = { 0, 0 };

	if (a->next < a->naddrs) {
		a->q = query_engine_send(a->c->qe, a->qname, a->qtype,
		    (const struct sockaddr *)&a->addrs[a->next++].ss, NULL,
		    QUERY_F_DO, chain_ask_cb, a);
		return;
	}
	if ((a->ev_none = evtimer_new(a->c->base, chain_ask_none_cb, a)) == NULL ||
	    evtimer_add(a->ev_none, &now) == -1)
		fatalx("chain: cannot schedule an event");
}

/* Asks qname/qtype of the servers of zone cut. */
static struct chain_ask *
chain_ask_new(struct chain *c, const char *qname, ldns_rr_type qtype,
    const char *cut, chain_ask_fn done, void *arg)
{
	struct chain_ask	*a;

	a = xcalloc(1, sizeof(*a));
	a->c = c;
	if ((a->qname = ldns_dname_new_frm_str(qname)) == NULL)
		fatalx("chain: bad name %s", qname);
	a->qtype = qtype;
	a->naddrs = chain_cut_addrs(c, cut, a->addrs);
	a->done = done;
	a->arg = arg;
	chain_ask_next(a);
	return a;
}

/* Seconds to keep a link: its records' smallest TTL, clamped. */
static uint64_t
chain_link_ttl(const struct chain_link *l)
{
	const ldns_pkt	*pkts[2] = { l->ds, l->dnskey };
	uint32_t	 ttl = CHAIN_TTL_MAX_S, t;
	size_t		 i, j;
	bool		 any = false;

	for (i = 0; i < 2; i++)
		for (j = 0; pkts[i] != NULL &&
		    j < ldns_rr_list_rr_count(ldns_pkt_answer(pkts[i])); j++) {
			t = ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(pkts[i]), j));
			ttl = t < ttl ? t : ttl;
			any = true;
		}
	if (l->dnskey == NULL || (strcmp(l->zone, ".") != 0 && l->ds == NULL))
		return CHAIN_FAIL_TTL_S;
	if (!any || ttl < CHAIN_TTL_MIN_S)
		return any ? CHAIN_TTL_MIN_S : CHAIN_FAIL_TTL_S;
	return ttl;
}

static void chain_req_check(struct chain_req *);

/* Hands a finished link to every request waiting on it. */
static void
chain_fetch_finish(struct chain_fetch *f)
{
	struct chain_entry	*e = f->e;
	struct chain_req	*r;
	size_t			 i, k;

	f->link->expires_ms = clock_mono_ms() + chain_link_ttl(f->link) * 1000;
	chain_link_unref(e->link);
	e->link = f->link;
	e->fetch = NULL;
	for (i = 0; i < f->nwaiters; i++) {
		r = f->waiters[i];
		for (k = 0; k < r->n; k++)
			if (r->links[k] == NULL && strcmp(r->want[k], e->zone) == 0) {
				r->links[k] = chain_link_ref(e->link);
				r->pending--;
			}
		chain_req_check(r);
	}
	free(f->waiters);
	free(f);
}

static void
chain_fetch_done(struct chain_ask *a, ldns_pkt *pkt, const struct addr *from)
{
	struct chain_fetch	*f = a->arg;

	if (a == f->ds) {
		f->link->ds = pkt;
		if (from != NULL)
			f->link->ds_from = *from;
		f->ds = NULL;
	} else {
		f->link->dnskey = pkt;
		if (from != NULL)
			f->link->dnskey_from = *from;
		f->dnskey = NULL;
	}
	chain_ask_free(a);
	if (--f->outstanding == 0)
		chain_fetch_finish(f);
}

/* The zone cut above name, from the infra cache. */
static const char *
chain_parent_cut(struct chain *c, const char *name)
{
	const struct infra_deleg	*d;
	const char			*p = infra_name_parent(name);

	if (p == NULL || (d = infra_closest_cut(c->infra, p, clock_mono_ms())) == NULL)
		return NULL;
	return d->name;
}

static struct chain_fetch *
chain_fetch_start(struct chain *c, struct chain_entry *e)
{
	struct chain_fetch	*f;
	const char		*parent = chain_parent_cut(c, e->zone);

	f = xcalloc(1, sizeof(*f));
	f->c = c;
	f->e = e;
	f->link = xcalloc(1, sizeof(*f->link));
	f->link->refs = 1;
	f->link->zone = xstrdup(e->zone);
	e->fetch = f;
	f->outstanding = parent != NULL ? 2 : 1;
	f->dnskey = chain_ask_new(c, e->zone, LDNS_RR_TYPE_DNSKEY, e->zone,
	    chain_fetch_done, f);
	if (parent != NULL)
		f->ds = chain_ask_new(c, e->zone, LDNS_RR_TYPE_DS, parent,
		    chain_fetch_done, f);
	return f;
}

static struct chain_entry *
chain_entry(struct chain *c, const char *zone)
{
	struct chain_entry	*e;

	if ((e = (struct chain_entry *)ldns_rbtree_search(c->cache, zone)) != NULL)
		return e;
	e = xcalloc(1, sizeof(*e));
	e->zone = xstrdup(zone);
	e->node.key = e->zone;
	if (ldns_rbtree_insert(c->cache, &e->node) == NULL)
		fatalx("chain: cache insert failed");
	return e;
}

/* Frees r and its references; the DS answer is no longer r's. */
static void
chain_req_free(struct chain_req *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		chain_link_unref(r->links[i]);
		free(r->want[i]);
	}
	if (r->ev_done != NULL)
		event_free(r->ev_done);
	free(r->links);
	free(r->want);
	free(r->zone);
	free(r);
}

static void
chain_req_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct chain_req	*r = arg;

	LIST_REMOVE(r, entry);
	/* The callback takes the DS answer. */
	r->cb(r->links, r->n, r->ds_pkt, &r->ds_from, r->arg);
	chain_req_free(r);
}

/* Delivers from the loop once nothing is missing. */
static void
chain_req_check(struct chain_req *r)
{
	struct timeval	now = { 0, 0 };

	if (r->pending > 0 || r->ev_done != NULL)
		return;
	if ((r->ev_done = evtimer_new(r->c->base, chain_req_done_cb, r)) == NULL ||
	    evtimer_add(r->ev_done, &now) == -1)
		fatalx("chain: cannot schedule an event");
}

static void
chain_req_ds_done(struct chain_ask *a, ldns_pkt *pkt, const struct addr *from)
{
	struct chain_req	*r = a->arg;

	r->ds_pkt = pkt;
	if (from != NULL)
		r->ds_from = *from;
	r->ds = NULL;
	chain_ask_free(a);
	r->pending--;
	chain_req_check(r);
}

struct chain_req *
chain_get(struct chain *c, const char *zone, chain_cb cb, void *arg)
{
	struct chain_req	*r;
	struct chain_entry	*e;
	struct chain_fetch	*f;
	const char		*cuts[CHAIN_MAX_DEPTH], *p = zone;
	uint64_t		 now = clock_mono_ms();
	size_t			 n = 0, i;

	while (n < CHAIN_MAX_DEPTH && (p = chain_parent_cut(c, p)) != NULL)
		cuts[n++] = p;
	r = xcalloc(1, sizeof(*r));
	r->c = c;
	r->zone = xstrdup(zone);
	r->cb = cb;
	r->arg = arg;
	r->n = n;
	r->links = xcalloc(n + 1, sizeof(*r->links));
	r->want = xcalloc(n + 1, sizeof(*r->want));
	LIST_INSERT_HEAD(&c->reqs, r, entry);
	r->pending = 1;		/* the zone's own DS */
	for (i = 0; i < n; i++) {
		r->want[i] = xstrdup(cuts[n - 1 - i]);
		e = chain_entry(c, r->want[i]);
		if (e->link != NULL && e->link->expires_ms > now) {
			r->links[i] = chain_link_ref(e->link);
			continue;
		}
		r->pending++;
		if ((f = e->fetch) == NULL)
			f = chain_fetch_start(c, e);
		f->waiters = xreallocarray(f->waiters, f->nwaiters + 1,
		    sizeof(*f->waiters));
		f->waiters[f->nwaiters++] = r;
	}
	if (n > 0)
		r->ds = chain_ask_new(c, zone, LDNS_RR_TYPE_DS, cuts[0],
		    chain_req_ds_done, r);
	else {
		r->pending--;
		chain_req_check(r);
	}
	return r;
}

static void
chain_fetch_leave(struct chain_fetch *f, struct chain_req *r)
{
	size_t	i;

	for (i = 0; i < f->nwaiters; i++)
		if (f->waiters[i] == r) {
			f->waiters[i] = f->waiters[--f->nwaiters];
			return;
		}
}

void
chain_cancel(struct chain_req *r)
{
	struct chain_entry	*e;
	size_t			 i;

	if (r == NULL)
		return;
	LIST_REMOVE(r, entry);
	for (i = 0; i < r->n; i++)
		if (r->links[i] == NULL &&
		    (e = (struct chain_entry *)ldns_rbtree_search(r->c->cache,
		    r->want[i])) != NULL && e->fetch != NULL)
			chain_fetch_leave(e->fetch, r);
	chain_ask_free(r->ds);
	ldns_pkt_free(r->ds_pkt);
	chain_req_free(r);
}

static void
chain_entry_free(ldns_rbnode_t *node, void *arg)
{
	struct chain_entry	*e = (struct chain_entry *)node;
	struct chain_fetch	*f = e->fetch;

	if (f != NULL) {
		chain_ask_free(f->ds);
		chain_ask_free(f->dnskey);
		chain_link_unref(f->link);
		free(f->waiters);
		free(f);
	}
	chain_link_unref(e->link);
	free(e->zone);
	free(e);
}

void
chain_free(struct chain *c)
{
	if (c == NULL)
		return;
	while (!LIST_EMPTY(&c->reqs))
		chain_cancel(LIST_FIRST(&c->reqs));
	ldns_traverse_postorder(c->cache, chain_entry_free, NULL);
	ldns_rbtree_free(c->cache);
	free(c);
}

size_t
chain_expire(struct chain *c, uint64_t now)
{
	ldns_rbnode_t		*node, *next;
	struct chain_entry	*e;
	size_t			 n = 0;

	for (node = ldns_rbtree_first(c->cache); node != LDNS_RBTREE_NULL; node = next) {
		next = ldns_rbtree_next(node);
		e = (struct chain_entry *)node;
		if (e->fetch != NULL || (e->link != NULL && e->link->expires_ms > now))
			continue;
		ldns_rbtree_delete(c->cache, e->zone);
		chain_entry_free(node, NULL);
		n++;
	}
	return n;
}

size_t
chain_size(const struct chain *c)
{
	return c->cache->count;
}
