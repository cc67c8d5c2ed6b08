/* burst: the rate-limit probe, once per interval per server address. */
#include "zhbuild.h"

#include <sys/queue.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burst.h"
#include "clock.h"
#include "addr.h"
#include "log.h"
#include "query.h"
#include "xmalloc.h"

struct burst_entry;

/* One query of a burst in flight. */
struct burst_query {
	struct burst_entry	*e;
	struct query		*q;
	unsigned		 index;		/* in sending order */
};

struct burst_wait {
	struct burst_entry	*e;
	burst_wait_fn		 fn;
	void			*arg;
	LIST_ENTRY(burst_wait)	 entry;
};

struct burst_entry {
	ldns_rbnode_t		 node;
	char			 key[INET6_ADDRSTRLEN + 8];
	struct addr	 addr;
	uint64_t		 started_ms;	/* monotonic; 0: never */
	struct burst_query	*qs;		/* the burst under way, or NULL */
	unsigned		 pending;
	struct burst_result	 running;	/* being counted */
	/* The last complete one per zone asked, most recent first: a
	 * finding is the zone's whose burst it was; several zones limited
	 * make the server's (check_rate_limit). */
	struct burst_result	 last[BURST_ZONES];
	size_t			 nlast;
	LIST_HEAD(, burst_wait)	 waiters;
};

static void burst_entry_free(ldns_rbnode_t *, void *);

struct burster {
	struct event_base	*base;
	struct query_engine	*qe;
	ldns_rbtree_t		*entries;	/* struct burst_entry by address */
	unsigned		 size;
	uint64_t		 interval_ms;
	uint64_t		 sent;
};

static int
burst_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct burster *
burster_new(struct event_base *base, struct query_engine *qe)
{
	struct burster	*b;

	b = xcalloc(1, sizeof(*b));
	b->base = base;
	b->qe = qe;
	if ((b->entries = ldns_rbtree_create(burst_cmp)) == NULL)
		fatalx("out of memory");
	return b;
}

void
burster_configure(struct burster *b, unsigned size, uint64_t interval_ms)
{
	b->size = size;
	b->interval_ms = interval_ms;
}

static void
burst_done(struct burst_entry *e)
{
	const struct burst_result	*r;
	struct burst_wait		*w;
	size_t				 i;

	/* The same zone's older result goes, or else the oldest. */
	for (i = 0; i < e->nlast; i++)
		if (strcmp(e->last[i].zone, e->running.zone) == 0)
			break;
	if (i == e->nlast && e->nlast == BURST_ZONES)
		i = BURST_ZONES - 1;
	if (i < e->nlast)
		burst_result_clear(&e->last[i]);
	else
		e->nlast++;
	memmove(&e->last[1], &e->last[0], i * sizeof(e->last[0]));
	e->last[0] = e->running;
	memset(&e->running, 0, sizeof(e->running));
	free(e->qs);
	e->qs = NULL;
	r = &e->last[0];
	log_debug("burst to %s (%s SOA): %u sent, %u answered, %u truncated, "
	    "%u refused, %u dropped: %s", e->key, r->zone, r->sent, r->answered,
	    r->truncated, r->refused, r->dropped, r->pattern);
	/* Each waiter is off the list before its call, which may cancel
	 * others (they leave the list themselves). */
	while ((w = LIST_FIRST(&e->waiters)) != NULL) {
		LIST_REMOVE(w, entry);
		w->fn(w->arg);
		free(w);
	}
}

struct burst_wait *
burster_wait(struct burster *b, const struct addr *a, burst_wait_fn fn,
    void *arg)
{
	struct burst_entry	*e;
	struct burst_wait	*w;
	char			 key[INET6_ADDRSTRLEN + 8];

	addr_str(a, key, sizeof(key));
	e = (struct burst_entry *)ldns_rbtree_search(b->entries, key);
	if (e == NULL || e->qs == NULL)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->e = e;
	w->fn = fn;
	w->arg = arg;
	LIST_INSERT_HEAD(&e->waiters, w, entry);
	return w;
}

void
burster_wait_cancel(struct burst_wait *w)
{
	if (w == NULL)
		return;
	LIST_REMOVE(w, entry);
	free(w);
}

static void
burst_query_cb(struct query_result *res, void *arg)
{
	struct burst_query	*bq = arg;
	struct burst_entry	*e = bq->e;
	struct burst_result	*r = &e->running;

	bq->q = NULL;
	if (res->status != QUERY_OK || res->pkt == NULL) {
		r->dropped++;
		r->pattern[bq->index] = 'd';
	} else if (res->truncated || ldns_pkt_tc(res->pkt)) {
		r->truncated++;
		r->pattern[bq->index] = 't';
	} else if (ldns_pkt_get_rcode(res->pkt) == LDNS_RCODE_REFUSED) {
		r->refused++;
		r->pattern[bq->index] = 'r';
	} else {
		r->answered++;
		r->pattern[bq->index] = 'a';
	}
	if (--e->pending == 0)
		burst_done(e);
}

void
burster_maybe(struct burster *b, const struct addr *a, const char *zone)
{
	struct burst_entry	*e;
	ldns_rdf		*qname;
	uint64_t		 now = clock_mono_ms();
	char			 key[INET6_ADDRSTRLEN + 8];
	unsigned		 i;

	if (b->size == 0)
		return;
	addr_str(a, key, sizeof(key));
	if ((e = (struct burst_entry *)ldns_rbtree_search(b->entries, key)) == NULL) {
		e = xcalloc(1, sizeof(*e));
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->node.key = e->key;
		e->addr = *a;
		LIST_INIT(&e->waiters);
		if (ldns_rbtree_insert(b->entries, &e->node) == NULL)
			fatalx("burst: insert failed");
	}
	if (e->qs != NULL || (e->started_ms != 0 && now - e->started_ms < b->interval_ms))
		return;
	if ((qname = ldns_dname_new_frm_str(zone)) == NULL)
		return;
	e->started_ms = now;
	burst_result_clear(&e->running);
	e->running.at = time(NULL);
	e->running.pattern = xcalloc(b->size + 1, 1);
	memset(e->running.pattern, '?', b->size);
	snprintf(e->running.zone, sizeof(e->running.zone), "%s", zone);
	e->qs = xcalloc(b->size, sizeof(*e->qs));
	e->pending = b->size;
	/* Identical queries all at once, past server_qps, one try each, TC=1
	 * answers counted as they come: what a busy resolver farm looks like
	 * to the server. */
	for (i = 0; i < b->size; i++) {
		e->qs[i].e = e;
		e->qs[i].index = i;
		e->running.sent++;
		b->sent++;
		e->qs[i].q = query_engine_send(b->qe, qname, LDNS_RR_TYPE_SOA,
		    (const struct sockaddr *)&a->ss, NULL, QUERY_F_ONCE |
		    QUERY_F_NO_RATELIMIT | QUERY_F_NO_TC_RETRY, burst_query_cb,
		    &e->qs[i]);
	}
	ldns_rdf_deep_free(qname);
}

const struct burst_result *
burster_get(const struct burster *b, const struct addr *a)
{
	const struct burst_entry	*e;
	char				 key[INET6_ADDRSTRLEN + 8];

	addr_str(a, key, sizeof(key));
	e = (const struct burst_entry *)ldns_rbtree_search(b->entries, key);
	return e != NULL && e->nlast > 0 ? &e->last[0] : NULL;
}

const struct burst_result *
burster_result(const struct burster *b, const struct addr *a, size_t i)
{
	const struct burst_entry	*e;
	char				 key[INET6_ADDRSTRLEN + 8];

	addr_str(a, key, sizeof(key));
	e = (const struct burst_entry *)ldns_rbtree_search(b->entries, key);
	return e != NULL && i < e->nlast ? &e->last[i] : NULL;
}

void
burster_foreach(const struct burster *b,
    void (*fn)(const struct addr *, const struct burst_result *, void *), void *arg)
{
	const ldns_rbnode_t		*n;
	const struct burst_entry	*e;

	for (n = ldns_rbtree_first(b->entries); n != LDNS_RBTREE_NULL;
	    n = ldns_rbtree_next((ldns_rbnode_t *)n)) {
		e = (const struct burst_entry *)n;
		if (e->nlast > 0)
			fn(&e->addr, &e->last[0], arg);
	}
}

size_t
burster_expire(struct burster *b, uint64_t now)
{
	ldns_rbnode_t		*node, *next;
	struct burst_entry	*e;
	size_t			 n = 0;

	for (node = ldns_rbtree_first(b->entries); node != LDNS_RBTREE_NULL;
	    node = next) {
		next = ldns_rbtree_next(node);
		e = (struct burst_entry *)node;
		/* Kept while it still counts: an address no zone asked for
		 * twice the interval is gone from the zones' servers. */
		if (e->qs != NULL || now - e->started_ms < 2 * b->interval_ms)
			continue;
		ldns_rbtree_delete(b->entries, e->key);
		burst_entry_free(node, NULL);
		n++;
	}
	return n;
}

size_t
burster_size(const struct burster *b)
{
	return b->entries->count;
}

uint64_t
burster_sent(const struct burster *b)
{
	return b->sent;
}

static void
burst_entry_free(ldns_rbnode_t *node, void *arg)
{
	struct burst_entry	*e = (struct burst_entry *)node;
	struct burst_wait	*w;
	size_t			 i;

	for (i = 0; e->qs != NULL && i < e->running.sent; i++)
		if (e->qs[i].q != NULL)
			query_cancel(e->qs[i].q);
	free(e->qs);
	while ((w = LIST_FIRST(&e->waiters)) != NULL) {
		LIST_REMOVE(w, entry);
		free(w);
	}
	burst_result_clear(&e->running);
	for (i = 0; i < e->nlast; i++)
		burst_result_clear(&e->last[i]);
	free(e);
}

void
burster_free(struct burster *b)
{
	if (b == NULL)
		return;
	ldns_traverse_postorder(b->entries, burst_entry_free, NULL);
	ldns_rbtree_free(b->entries);
	free(b);
}
