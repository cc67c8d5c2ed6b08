/* walk: delegations and NS host addresses, found by iterative, minimised queries from the root. */
#include "zhbuild.h"

#include <sys/queue.h>
#include <sys/random.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "buf.h"
#include "value.h"
#include "clock.h"
#include "deleg.h"
#include "log.h"
#include "walk.h"
#include "xmalloc.h"

/*
 * A walk descends from the closest known zone cut toward its target one
 * label at a time (QNAME minimisation, RFC 9156), asking each cut's servers
 * for the NS set of the next name down. What it learns goes into the infra
 * cache, and lookups of the same name are coalesced ("pending"), so ten
 * thousand zones under one parent cost one walk to that parent.
 */

#define WALK_MAX_STEPS		64	/* cut lookups and retries, per walk */
#define WALK_MAX_DEPTH		4	/* NS hosts resolved to reach NS hosts */
#define WALK_TTL_MIN_S		60
#define WALK_TTL_MAX_S		86400
#define WALK_NEG_TTL_MIN_S	30
#define WALK_NEG_TTL_MAX_S	3600
#define WALK_FAIL_TTL_S		30	/* a host no server answered for */

enum walk_kind {
	WALK_KIND_ZONE,
	WALK_KIND_HOST,
};

struct ask;
typedef void (*ask_done_fn)(struct ask *, struct deleg_answer *, void *);

/* One question put to a zone's servers in turn until one answers usefully. */
struct ask {
	struct walker		*w;
	ldns_rdf		*qname_rdf;
	char			*qname;
	ldns_rr_type		 qtype;
	char			*cut;
	struct addr	*addrs;
	char			**addr_ns;	/* NS name of each address */
	size_t			 naddrs;
	size_t			 next;
	char			**unresolved;	/* NS names with no address yet */
	size_t			 nunresolved;
	size_t			 next_unresolved;
	const char		*resolving;	/* into unresolved[] */
	struct walk		*sub;
	struct query		*q;
	struct event		*ev_start;
	struct walk_attempt	*attempts;
	size_t			 nattempts;
	char			*cycle;		/* the first dependency cycle a
						   host lookup of ours met */
	unsigned		 depth;
	ask_done_fn		 done;
	void			*arg;
};

enum pending_kind {
	PENDING_CUT,
	PENDING_HOST,
};

/* A coalesced lookup that walks wait on. */
struct pending {
	ldns_rbnode_t		 node;
	char			*key;		/* "c:NAME" or "h:NAME" */
	struct walker		*w;
	enum pending_kind	 kind;
	char			*name;
	char			*cut;
	struct ask		*ask[2];	/* HOST: A and AAAA */
	struct deleg_answer	 ans[2];
	bool			 ok[2];
	unsigned		 outstanding;
	struct walk		**waiters;
	size_t			 nwaiters;
	char			*cycle;		/* met by one of its asks */
	bool			 dying;		/* being freed: a cascade of
						   cancellations may come back */
};

struct walk {
	struct walker		*w;
	enum walk_kind		 kind;
	char			*target;
	unsigned		 depth;
	unsigned		 steps;
	struct pending		*waiting;
	struct ask		*ask;
	struct event		*ev_step;
	struct event		*ev_deadline;
	char			*failure;	/* set by a failed pending */
	char			*cycle;		/* the failure is this cycle */
	walk_zone_cb		 zone_cb;
	walk_host_cb		 host_cb;
	void			*arg;
	bool			 dying;		/* being freed */
	LIST_ENTRY(walk)	 entry;
};

struct walker {
	struct event_base	*base;
	struct query_engine	*qe;
	struct infra		*infra;
	uint64_t		 deadline_ms;
	ldns_rbtree_t		*pendings;
	LIST_HEAD(, walk)	 walks;
};

static void walk_step(struct walk *);
static struct walk *walk_new(struct walker *, enum walk_kind, const char *,
    unsigned);
static void pending_leave(struct pending *, struct walk *);

static int
walk_strcmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct walker *
walker_new(struct event_base *base, struct query_engine *qe, struct infra *infra,
    uint64_t deadline_ms)
{
	struct walker	*w;

	w = xcalloc(1, sizeof(*w));
	LIST_INIT(&w->walks);
	w->base = base;
	w->qe = qe;
	w->infra = infra;
	w->deadline_ms = deadline_ms;
	if ((w->pendings = ldns_rbtree_create(walk_strcmp)) == NULL)
		fatalx("out of memory");
	return w;
}

void
walker_set_deadline(struct walker *w, uint64_t deadline_ms)
{
	w->deadline_ms = deadline_ms;
}

void
walker_free(struct walker *w)
{
	if (w == NULL)
		return;
	while (!LIST_EMPTY(&w->walks))
		walk_cancel(LIST_FIRST(&w->walks));
	/* Pendings die with their last waiter; none can remain. */
	ldns_rbtree_free(w->pendings);
	free(w);
}

static uint64_t
walk_clamp(uint32_t ttl, uint32_t lo, uint32_t hi)
{
	if (ttl < lo)
		ttl = lo;
	if (ttl > hi)
		ttl = hi;
	return (uint64_t)ttl * 1000;
}

/* The name one label below `known` on the way to target. */
static const char *
walk_child_toward(const char *target, const char *known)
{
	const char	*p, *parent;

	for (p = target; p != NULL; p = parent) {
		parent = infra_name_parent(p);
		if (parent != NULL && strcmp(parent, known) == 0)
			return p;
	}
	return NULL;
}

/* ---- ask ---- */

static void ask_next(struct ask *);

static void
ask_add_addr(struct ask *a, const char *ns, const struct addr *addr)
{
	a->addrs = xreallocarray(a->addrs, a->naddrs + 1, sizeof(*a->addrs));
	a->addr_ns = xreallocarray(a->addr_ns, a->naddrs + 1, sizeof(*a->addr_ns));
	a->addrs[a->naddrs] = *addr;
	a->addr_ns[a->naddrs] = xstrdup(ns);
	a->naddrs++;
}

static struct ask *
ask_new(struct walker *w, const char *qname, ldns_rr_type qtype,
    const struct infra_deleg *cut, unsigned depth, ask_done_fn done, void *arg)
{
	struct ask		*a;
	const struct infra_host	*h;
	struct addr	 tmp;
	uint64_t		 now = clock_mono_ms();
	uint32_t		 rnd = 0;
	size_t			 i, j, rot;

	a = xcalloc(1, sizeof(*a));
	a->w = w;
	a->qname = xstrdup(qname);
	if ((a->qname_rdf = ldns_dname_new_frm_str(qname)) == NULL)
		fatalx("bad name %s", qname);
	a->qtype = qtype;
	a->cut = xstrdup(cut->name);
	a->depth = depth;
	a->done = done;
	a->arg = arg;
	for (i = 0; i < cut->nns; i++) {
		for (j = 0; j < cut->ns[i].nglue; j++)
			ask_add_addr(a, cut->ns[i].name, &cut->ns[i].glue[j]);
		if (cut->ns[i].nglue > 0)
			continue;
		h = infra_get_host(w->infra, cut->ns[i].name, now);
		if (h == NULL) {
			a->unresolved = xreallocarray(a->unresolved,
			    a->nunresolved + 1, sizeof(*a->unresolved));
			a->unresolved[a->nunresolved++] = xstrdup(cut->ns[i].name);
			continue;
		}
		for (j = 0; j < h->naddrs; j++)
			ask_add_addr(a, cut->ns[i].name, &h->addrs[j]);
	}
	/* Start at a random server: spreads load over the parent's servers. */
	if (a->naddrs > 1 && getrandom(&rnd, sizeof(rnd), 0) == sizeof(rnd)) {
		for (rot = rnd % a->naddrs; rot > 0; rot--) {
			char	*ns = a->addr_ns[0];

			tmp = a->addrs[0];
			memmove(a->addrs, a->addrs + 1, (a->naddrs - 1) * sizeof(*a->addrs));
			memmove(a->addr_ns, a->addr_ns + 1,
			    (a->naddrs - 1) * sizeof(*a->addr_ns));
			a->addrs[a->naddrs - 1] = tmp;
			a->addr_ns[a->naddrs - 1] = ns;
		}
	}
	return a;
}

static void
ask_start_cb(evutil_socket_t fd, short what, void *arg)
{
	ask_next(arg);
}

/* Starts asking from the loop, so that no answer, not even "no server",
 * reaches the owner before it has stored the ask. */
static void
ask_start(struct ask *a)
{
	struct timeval	now = { 0, 0 };

	if (a->ev_start == NULL &&
	    (a->ev_start = evtimer_new(a->w->base, ask_start_cb, a)) == NULL)
		fatalx("walk: cannot create event");
	if (evtimer_add(a->ev_start, &now) == -1)
		fatalx("walk: cannot add event");
}

static void
ask_free(struct ask *a)
{
	struct walk	*sub;
	size_t		 i;

	if (a == NULL)
		return;
	if (a->ev_start != NULL)
		event_free(a->ev_start);
	if (a->q != NULL)
		query_cancel(a->q);
	sub = a->sub;
	a->sub = NULL;
	walk_cancel(sub);
	for (i = 0; i < a->naddrs; i++)
		free(a->addr_ns[i]);
	for (i = 0; i < a->nunresolved; i++)
		free(a->unresolved[i]);
	free(a->addr_ns);
	free(a->addrs);
	free(a->unresolved);
	walk_attempts_free(a->attempts, a->nattempts);
	free(a->cycle);
	ldns_rdf_deep_free(a->qname_rdf);
	free(a->qname);
	free(a->cut);
	free(a);
}

static void
ask_query_cb(struct query_result *res, void *arg)
{
	struct ask		*a = arg;
	struct walk_attempt	*at;
	struct deleg_answer	 ans;

	a->q = NULL;
	a->attempts = xreallocarray(a->attempts, a->nattempts + 1,
	    sizeof(*a->attempts));
	at = &a->attempts[a->nattempts++];
	memset(at, 0, sizeof(*at));
	at->ns = xstrdup(a->addr_ns[a->next - 1]);
	at->addr = a->addrs[a->next - 1];
	at->status = res->status;
	at->rcode = res->pkt != NULL ? (int)ldns_pkt_get_rcode(res->pkt) : -1;
	at->rtt = res->rtt;
	if (res->status == QUERY_OK && res->pkt != NULL) {
		deleg_classify(res->pkt, a->qname, a->qtype, a->cut, &ans);
		if (ans.kind != DELEG_LAME) {
			a->done(a, &ans, a->arg);
			return;
		}
		at->why = ans.why;
		deleg_answer_clear(&ans);
	}
	ask_next(a);
}

static void
ask_host_cb(const struct infra_host *h, void *arg)
{
	struct ask	*a = arg;
	size_t		 i;

	a->sub = NULL;
	if (h != NULL && h->cycle != NULL && a->cycle == NULL)
		a->cycle = xstrdup(h->cycle);
	if (h != NULL && h->state == INFRA_HOST_OK)
		for (i = 0; i < h->naddrs; i++)
			ask_add_addr(a, a->resolving, &h->addrs[i]);
	ask_next(a);
}

/* Sends to the next address, resolves the next address-less NS, or gives up. */
static void
ask_next(struct ask *a)
{
	struct addr	*ad;
	const char		*name;

	if (a->next < a->naddrs) {
		ad = &a->addrs[a->next++];
		a->q = query_engine_send(a->w->qe, a->qname_rdf, a->qtype,
		    (struct sockaddr *)&ad->ss, NULL, 0, ask_query_cb, a);
		return;
	}
	while (a->next_unresolved < a->nunresolved && a->depth < WALK_MAX_DEPTH) {
		name = a->unresolved[a->next_unresolved++];
		/* An NS inside the name being looked up cannot help find it. */
		if (infra_name_under(name, a->qname) && a->qtype == LDNS_RR_TYPE_NS)
			continue;
		a->resolving = name;
		a->sub = walk_new(a->w, WALK_KIND_HOST, name, a->depth + 1);
		a->sub->host_cb = ask_host_cb;
		a->sub->arg = a;
		return;
	}
	a->done(a, NULL, a->arg);
}

/* "ns1.example. (192.0.2.1): timeout; ..." for the evidence. */
static char *
ask_summary(const struct ask *a)
{
	struct buf	b;
	char		host[INET6_ADDRSTRLEN + 8];
	size_t		i;

	buf_init(&b);
	buf_printf(&b, "no server of %s answered %s/%s usefully", a->cut,
	    a->qname, a->qtype == LDNS_RR_TYPE_NS ? "NS" :
	    a->qtype == LDNS_RR_TYPE_A ? "A" : "AAAA");
	if (a->nattempts == 0 && a->naddrs == 0)
		buf_puts(&b, " (no server address known)");
	for (i = 0; i < a->nattempts; i++) {
		value_format_addr((const struct sockaddr *)&a->attempts[i].addr.ss,
		    host, sizeof(host), 53);
		buf_printf(&b, "%s %s (%s): ", i == 0 ? ":" : ";",
		    a->attempts[i].ns, host);
		if (a->attempts[i].why != NULL)
			buf_puts(&b, a->attempts[i].why);
		else
			buf_puts(&b, query_status_name(a->attempts[i].status));
	}
	return buf_steal(&b, NULL);
}

/* ---- pending lookups ---- */

static void
pending_free(struct pending *p)
{
	struct ask	*a;
	size_t		 i;

	p->dying = true;
	if (ldns_rbtree_delete(p->w->pendings, p->key) == NULL)
		fatalx("walk: pending %s not registered", p->key);
	for (i = 0; i < 2; i++) {
		a = p->ask[i];
		p->ask[i] = NULL;
		ask_free(a);
		deleg_answer_clear(&p->ans[i]);
	}
	free(p->waiters);
	free(p->cycle);
	free(p->key);
	free(p->name);
	free(p->cut);
	free(p);
}

/* Wakes every waiter on its own event: a waiter's callback may cancel
 * other waiters, so none is called from here. */
static void
pending_finish(struct pending *p, const char *failure, const char *cycle)
{
	struct timeval	 now = { 0, 0 };
	struct walk	*wk;
	size_t		 i;

	for (i = 0; i < p->nwaiters; i++) {
		wk = p->waiters[i];
		wk->waiting = NULL;
		if (failure != NULL && wk->failure == NULL)
			wk->failure = xstrdup(failure);
		if (cycle != NULL && wk->cycle == NULL)
			wk->cycle = xstrdup(cycle);
		event_add(wk->ev_step, &now);
	}
	p->nwaiters = 0;
	pending_free(p);
}

static void
pending_cut_done(struct ask *a, struct deleg_answer *ans, void *arg)
{
	struct pending		*p = arg;
	struct infra_deleg	*d;
	uint64_t		 now = clock_mono_ms();
	char			*failure;

	p->ask[0] = NULL;
	if (ans == NULL) {
		failure = ask_summary(a);
		if (a->cycle != NULL)
			p->cycle = xstrdup(a->cycle);
		ask_free(a);
		pending_finish(p, failure, p->cycle);
		free(failure);
		return;
	}
	switch (ans->kind) {
	case DELEG_REFERRAL:
	case DELEG_AUTH_NS:
		d = ans->deleg;
		ans->deleg = NULL;
		d->expires_ms = now + walk_clamp(ans->ttl, WALK_TTL_MIN_S, WALK_TTL_MAX_S);
		infra_put_deleg(p->w->infra, d);
		break;
	case DELEG_NXDOMAIN:
		infra_put_deleg(p->w->infra, infra_deleg_new(p->name,
		    INFRA_DELEG_NXDOMAIN, now + walk_clamp(ans->ttl,
		    WALK_NEG_TTL_MIN_S, WALK_NEG_TTL_MAX_S)));
		break;
	default:	/* NODATA, CNAME, an address: no cut here */
		infra_put_deleg(p->w->infra, infra_deleg_new(p->name,
		    INFRA_DELEG_NOCUT, now + walk_clamp(ans->ttl,
		    WALK_NEG_TTL_MIN_S, WALK_NEG_TTL_MAX_S)));
		break;
	}
	deleg_answer_clear(ans);
	ask_free(a);
	pending_finish(p, NULL, NULL);
}

static void
pending_host_done(struct ask *a, struct deleg_answer *ans, void *arg)
{
	struct pending		*p = arg;
	struct infra_host	*h;
	enum infra_host_state	 state;
	uint64_t		 now = clock_mono_ms(), ttl = 0;
	size_t			 i, j;
	int			 k = a == p->ask[0] ? 0 : 1;

	p->ask[k] = NULL;
	if (ans != NULL) {
		p->ans[k] = *ans;
		memset(ans, 0, sizeof(*ans));
		p->ok[k] = true;
	}
	if (a->cycle != NULL && p->cycle == NULL)
		p->cycle = xstrdup(a->cycle);
	ask_free(a);
	if (--p->outstanding > 0)
		return;

	if (!p->ok[0] && !p->ok[1]) {
		state = INFRA_HOST_FAILED;
		ttl = (uint64_t)WALK_FAIL_TTL_S * 1000;
	} else if (p->ans[0].kind == DELEG_CNAME || p->ans[1].kind == DELEG_CNAME) {
		state = INFRA_HOST_CNAME;
		ttl = walk_clamp(p->ans[p->ans[0].kind == DELEG_CNAME ? 0 : 1].ttl,
		    WALK_NEG_TTL_MIN_S, WALK_TTL_MAX_S);
	} else if (p->ans[0].kind == DELEG_NXDOMAIN && p->ok[0] &&
	    (!p->ok[1] || p->ans[1].kind == DELEG_NXDOMAIN)) {
		state = INFRA_HOST_NXDOMAIN;
		ttl = walk_clamp(p->ans[0].ttl, WALK_NEG_TTL_MIN_S, WALK_NEG_TTL_MAX_S);
	} else {
		state = INFRA_HOST_OK;
		ttl = UINT64_MAX;
		for (i = 0; i < 2; i++)
			if (p->ok[i] && p->ans[i].kind == DELEG_ANSWER &&
			    walk_clamp(p->ans[i].ttl, WALK_TTL_MIN_S, WALK_TTL_MAX_S) < ttl)
				ttl = walk_clamp(p->ans[i].ttl, WALK_TTL_MIN_S,
				    WALK_TTL_MAX_S);
		if (ttl == UINT64_MAX)
			ttl = (uint64_t)WALK_NEG_TTL_MIN_S * 1000;
	}
	h = infra_host_new(p->name, state, now + ttl);
	if (state == INFRA_HOST_FAILED && p->cycle != NULL)
		h->cycle = xstrdup(p->cycle);
	for (i = 0; i < 2; i++)
		if (p->ok[i] && p->ans[i].host != NULL)
			for (j = 0; j < p->ans[i].host->naddrs; j++)
				infra_host_add_addr(h,
				    (struct sockaddr *)&p->ans[i].host->addrs[j].ss,
				    p->ans[i].host->addrs[j].len);
	infra_put_host(p->w->infra, h);
	pending_finish(p, NULL, NULL);
}

/*
 * Whether what p waits for (its asks, the host walks they started, what
 * those wait on, ...) already includes wk: then wk waiting on p would be a
 * loop no answer can break, only deadlines, and a loop in who-owns-whom
 * that a cancellation would run round. This is the glueless dependency
 * cycle: a's NS is under b, b's under a, no glue at either parent. Returns
 * the chain of names, or NULL. Bounded: a graph past the budget counts as
 * a cycle (no real zone needs that many lookups in flight for one name).
 */
#define WALK_REACH_BUDGET	512

static bool walk_reaches(const struct walk *, const struct walk *, unsigned *,
    struct buf *);

static bool
pending_reaches(const struct pending *p, const struct walk *wk, unsigned *budget,
    struct buf *path)
{
	size_t	i;

	for (i = 0; i < 2; i++)
		if (p->ask[i] != NULL && p->ask[i]->sub != NULL &&
		    walk_reaches(p->ask[i]->sub, wk, budget, path))
			return true;
	return false;
}

static bool
walk_reaches(const struct walk *from, const struct walk *wk, unsigned *budget,
    struct buf *path)
{
	bool	found = false;

	if (from == wk || *budget == 0)
		found = true;
	else {
		--*budget;
		if (from->waiting != NULL)
			found = pending_reaches(from->waiting, wk, budget, path);
		else if (from->ask != NULL && from->ask->sub != NULL)
			found = walk_reaches(from->ask->sub, wk, budget, path);
	}
	if (found)
		buf_printf(path, " <- %s", from->target);
	return found;
}

static char *
pending_cycle(const struct pending *p, const struct walk *wk)
{
	struct buf	path;
	unsigned	budget = WALK_REACH_BUDGET;
	char		*cycle;

	buf_init(&path);
	if (!pending_reaches(p, wk, &budget, &path)) {
		buf_free(&path);
		return NULL;
	}
	buf_printf(&path, " <- %s", p->name);
	if (budget == 0)
		buf_puts(&path, " (too many lookups waiting on each other)");
	cycle = xasprintf("dependency cycle, no glue to break it: %s "
	    "(each name needed to find the one before)", (char *)path.data + 4);
	buf_free(&path);
	return cycle;
}

/* Joins (or starts) the lookup of key; wk waits on it. */
static void
pending_join(struct walk *wk, enum pending_kind kind, const char *name,
    const struct infra_deleg *cut)
{
	struct walker	*w = wk->w;
	struct pending	*p;
	struct timeval	 now = { 0, 0 };
	char		*key, *cycle;

	key = xasprintf("%c:%s", kind == PENDING_CUT ? 'c' : 'h', name);
	p = (struct pending *)ldns_rbtree_search(w->pendings, key);
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		p->key = key;
		p->node.key = p->key;
		p->w = w;
		p->kind = kind;
		p->name = xstrdup(name);
		p->cut = xstrdup(cut->name);
		if (ldns_rbtree_insert(w->pendings, &p->node) == NULL)
			fatalx("walk: pending insert failed");
		if (kind == PENDING_CUT) {
			p->outstanding = 1;
			p->ask[0] = ask_new(w, name, LDNS_RR_TYPE_NS, cut,
			    wk->depth, pending_cut_done, p);
		} else {
			p->outstanding = 2;
			p->ask[0] = ask_new(w, name, LDNS_RR_TYPE_A, cut,
			    wk->depth, pending_host_done, p);
			p->ask[1] = ask_new(w, name, LDNS_RR_TYPE_AAAA, cut,
			    wk->depth, pending_host_done, p);
		}
		p->waiters = xcalloc(1, sizeof(*p->waiters));
		p->waiters[p->nwaiters++] = wk;
		wk->waiting = p;
		if (p->ask[1] != NULL)
			ask_start(p->ask[1]);
		ask_start(p->ask[0]);
		return;
	}
	free(key);
	if ((cycle = pending_cycle(p, wk)) != NULL) {
		/* Waiting would be waiting on itself: fail from the loop. */
		log_debug("walk %s: %s", wk->target, cycle);
		if (wk->cycle == NULL)
			wk->cycle = xstrdup(cycle);
		if (wk->failure == NULL)
			wk->failure = cycle;
		else
			free(cycle);
		if (event_add(wk->ev_step, &now) == -1)
			fatalx("walk: cannot add event");
		return;
	}
	p->waiters = xreallocarray(p->waiters, p->nwaiters + 1, sizeof(*p->waiters));
	p->waiters[p->nwaiters++] = wk;
	wk->waiting = p;
}

static void
pending_leave(struct pending *p, struct walk *wk)
{
	size_t	i;

	for (i = 0; i < p->nwaiters; i++)
		if (p->waiters[i] == wk) {
			p->waiters[i] = p->waiters[--p->nwaiters];
			break;
		}
	wk->waiting = NULL;
	if (p->nwaiters == 0 && !p->dying)
		pending_free(p);
}

/* ---- walks ---- */

/*
 * Freeing a walk may free the lookup it waited on, that lookup's host walks,
 * what they waited on, and so on down. Each object is detached before the
 * cascade and marked dying, so the cascade never frees what a caller up the
 * stack still holds, even were the graph to loop back (pending_cycle keeps
 * it from doing so).
 */
static void
walk_unlink_free(struct walk *wk)
{
	struct pending	*p;
	struct ask	*a;

	if (wk->dying)
		return;
	wk->dying = true;
	LIST_REMOVE(wk, entry);
	p = wk->waiting;
	a = wk->ask;
	wk->waiting = NULL;
	wk->ask = NULL;
	if (p != NULL)
		pending_leave(p, wk);
	ask_free(a);
	event_free(wk->ev_step);
	event_free(wk->ev_deadline);
	free(wk->failure);
	free(wk->cycle);
	free(wk->target);
	free(wk);
}

void
walk_cancel(struct walk *wk)
{
	if (wk != NULL)
		walk_unlink_free(wk);
}

static void
walk_finish_zone(struct walk *wk, struct walk_result *r)
{
	walk_zone_cb	 cb = wk->zone_cb;
	void		*arg = wk->arg;

	walk_unlink_free(wk);
	cb(r, arg);
}

static void
walk_finish_host(struct walk *wk, const struct infra_host *h)
{
	walk_host_cb	 cb = wk->host_cb;
	void		*arg = wk->arg;
	struct infra_host *tmp = NULL;

	if (h == NULL) {
		h = tmp = infra_host_new(wk->target, INFRA_HOST_FAILED, 0);
		if (wk->cycle != NULL)
			tmp->cycle = xstrdup(wk->cycle);
	}
	walk_unlink_free(wk);
	cb(h, arg);
	infra_host_free(tmp);
}

static struct walk_result *
walk_result_new(struct walk *wk, enum walk_status status, const char *parent,
    char *detail)
{
	struct walk_result	*r;

	r = xcalloc(1, sizeof(*r));
	r->status = status;
	r->zone = xstrdup(wk->target);
	r->parent = parent != NULL ? xstrdup(parent) : NULL;
	r->detail = detail;
	return r;
}

static void
walk_fail(struct walk *wk, enum walk_status status, const char *parent, char *detail)
{
	if (wk->kind == WALK_KIND_ZONE)
		walk_finish_zone(wk, walk_result_new(wk, status, parent, detail));
	else {
		log_debug("walk %s: %s", wk->target, detail);
		free(detail);
		walk_finish_host(wk, NULL);
	}
}

static struct infra_deleg *
walk_deleg_copy(const struct infra_deleg *d)
{
	struct infra_deleg	*c;
	struct infra_ns		*ns;
	size_t			 i, j;

	c = infra_deleg_new(d->name, d->kind, d->expires_ms);
	for (i = 0; i < d->nns; i++) {
		ns = infra_deleg_add_ns(c, d->ns[i].name);
		for (j = 0; j < d->ns[i].nglue; j++)
			infra_ns_add_addr(ns, (struct sockaddr *)&d->ns[i].glue[j].ss,
			    d->ns[i].glue[j].len);
	}
	return c;
}

/* The parent's answer about the zone itself. */
static void
walk_zone_done(struct ask *a, struct deleg_answer *ans, void *arg)
{
	struct walk		*wk = arg;
	struct walk_result	*r;
	struct infra_deleg	*d;
	uint64_t		 now = clock_mono_ms();

	wk->ask = NULL;
	if (ans == NULL) {
		r = walk_result_new(wk, WALK_UNREACHABLE, a->cut, ask_summary(a));
	} else if ((ans->kind == DELEG_REFERRAL || ans->kind == DELEG_AUTH_NS) &&
	    strcmp(ans->deleg->name, wk->target) == 0) {
		r = walk_result_new(wk, WALK_OK, a->cut, NULL);
		r->referral = ans->deleg;
		r->parent_authoritative = ans->kind == DELEG_AUTH_NS;
		ans->deleg = NULL;
		d = walk_deleg_copy(r->referral);
		d->expires_ms = now + walk_clamp(ans->ttl, WALK_TTL_MIN_S, WALK_TTL_MAX_S);
		infra_put_deleg(wk->w->infra, d);
	} else if (ans->kind == DELEG_REFERRAL) {
		/* A cut we skipped: learn it, then go on from there. */
		d = ans->deleg;
		ans->deleg = NULL;
		d->expires_ms = now + walk_clamp(ans->ttl, WALK_TTL_MIN_S, WALK_TTL_MAX_S);
		infra_put_deleg(wk->w->infra, d);
		deleg_answer_clear(ans);
		ask_free(a);
		walk_step(wk);
		return;
	} else if (ans->kind == DELEG_NXDOMAIN) {
		r = walk_result_new(wk, WALK_NXDOMAIN, a->cut, xasprintf(
		    "the parent zone %s answers NXDOMAIN for %s", a->cut, wk->target));
	} else if (ans->kind == DELEG_CNAME) {
		r = walk_result_new(wk, WALK_NODATA, a->cut, xasprintf(
		    "%s is an alias (CNAME to %s) in the parent zone %s",
		    wk->target, ans->cname, a->cut));
	} else {
		r = walk_result_new(wk, WALK_NODATA, a->cut, xasprintf(
		    "the parent zone %s has %s but no NS records (no delegation)",
		    a->cut, wk->target));
	}
	r->attempts = a->attempts;
	r->nattempts = a->nattempts;
	a->attempts = NULL;
	a->nattempts = 0;
	if (ans != NULL)
		deleg_answer_clear(ans);
	ask_free(a);
	walk_finish_zone(wk, r);
}

static void
walk_step(struct walk *wk)
{
	struct walker			*w = wk->w;
	const struct infra_deleg	*d, *e;
	const struct infra_host		*h;
	const char			*start, *known, *c;
	uint64_t			 now = clock_mono_ms();

	if (wk->failure != NULL) {
		d = infra_closest_cut(w->infra, wk->target, now);
		walk_fail(wk, WALK_UNREACHABLE, d != NULL ? d->name : NULL,
		    xstrdup(wk->failure));
		return;
	}
	if (++wk->steps > WALK_MAX_STEPS) {
		walk_fail(wk, WALK_FAILED, NULL, xasprintf(
		    "gave up on %s after %d lookups", wk->target, WALK_MAX_STEPS));
		return;
	}
	start = wk->target;
	if (wk->kind == WALK_KIND_ZONE &&
	    (start = infra_name_parent(wk->target)) == NULL) {
		walk_fail(wk, WALK_FAILED, NULL, xstrdup("the root has no parent"));
		return;
	}
	if ((d = infra_closest_cut(w->infra, start, now)) == NULL) {
		walk_fail(wk, WALK_FAILED, NULL, xstrdup("no root hints"));
		return;
	}
	for (known = d->name; strcmp(known, wk->target) != 0; known = c) {
		if ((c = walk_child_toward(wk->target, known)) == NULL) {
			walk_fail(wk, WALK_FAILED, NULL, xasprintf(
			    "%s is not below %s", wk->target, known));
			return;
		}
		if (wk->kind == WALK_KIND_ZONE && strcmp(c, wk->target) == 0) {
			wk->ask = ask_new(w, wk->target, LDNS_RR_TYPE_NS, d,
			    wk->depth, walk_zone_done, wk);
			ask_start(wk->ask);
			return;
		}
		if ((e = infra_get_deleg(w->infra, c, now)) == NULL) {
			pending_join(wk, PENDING_CUT, c, d);
			return;
		}
		if (e->kind == INFRA_DELEG_CUT)
			d = e;
		else if (e->kind == INFRA_DELEG_NXDOMAIN) {
			if (wk->kind == WALK_KIND_ZONE)
				walk_fail(wk, WALK_NXDOMAIN, d->name, xasprintf(
				    "%s answers NXDOMAIN for %s, above %s",
				    d->name, c, wk->target));
			else {
				h = infra_get_host(w->infra, wk->target, now);
				if (h == NULL) {
					infra_put_host(w->infra, infra_host_new(wk->target,
					    INFRA_HOST_NXDOMAIN, e->expires_ms));
					h = infra_get_host(w->infra, wk->target, now);
				}
				walk_finish_host(wk, h);
			}
			return;
		}
	}
	/* A host: d now holds the zone its name lives in. */
	if ((h = infra_get_host(w->infra, wk->target, now)) != NULL) {
		walk_finish_host(wk, h);
		return;
	}
	pending_join(wk, PENDING_HOST, wk->target, d);
}

static void
walk_step_cb(evutil_socket_t fd, short what, void *arg)
{
	walk_step(arg);
}

static void
walk_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct walk	*wk = arg;

	walk_fail(wk, WALK_FAILED, NULL, xasprintf("%s: out of time after %.1fs",
	    wk->target, (double)wk->w->deadline_ms / 1000));
}

static struct walk *
walk_new(struct walker *w, enum walk_kind kind, const char *target, unsigned depth)
{
	struct walk	*wk;
	struct timeval	 now = { 0, 0 }, tv;

	wk = xcalloc(1, sizeof(*wk));
	wk->w = w;
	wk->kind = kind;
	wk->target = xstrdup(target);
	wk->depth = depth;
	if ((wk->ev_step = evtimer_new(w->base, walk_step_cb, wk)) == NULL ||
	    (wk->ev_deadline = evtimer_new(w->base, walk_deadline_cb, wk)) == NULL)
		fatalx("walk: cannot create events");
	tv = clock_tv_ms(w->deadline_ms);
	if (evtimer_add(wk->ev_step, &now) == -1 ||
	    evtimer_add(wk->ev_deadline, &tv) == -1)
		fatalx("walk: cannot add events");
	LIST_INSERT_HEAD(&w->walks, wk, entry);
	return wk;
}

struct walk *
walk_zone(struct walker *w, const char *zone, walk_zone_cb cb, void *arg)
{
	struct walk	*wk = walk_new(w, WALK_KIND_ZONE, zone, 0);

	wk->zone_cb = cb;
	wk->arg = arg;
	return wk;
}

struct walk *
walk_host(struct walker *w, const char *host, walk_host_cb cb, void *arg)
{
	struct walk	*wk = walk_new(w, WALK_KIND_HOST, host, 0);

	wk->host_cb = cb;
	wk->arg = arg;
	return wk;
}
