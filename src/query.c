/* query: the asynchronous DNS query engine (UDP, TCP fallback, retries, caps). */
#include "zhbuild.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <linux/errqueue.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <ldns/ldns.h>

#include "clock.h"
#include "log.h"
#include "query.h"
#include "ratelimit.h"
#include "xmalloc.h"

#define QUERY_EDNS_SIZE		1232	/* DNS flag day 2020 */
#define QUERY_PORT_LOW		1024	/* random source ports: 1024..65535 */
#define QUERY_BIND_TRIES	16	/* random ports tried before the kernel picks */
#define QUERY_MSG_MAX		65535
#define QUERY_BUCKETS_MIN	64
/* RFC 4443; <netinet/icmp6.h> would define rr_type, which ldns uses. */
#define QUERY_ICMP6_DST_UNREACH	1

const char *const query_counter_names[QUERY_COUNT_MAX] = {
	[QUERY_COUNT_ANSWERED] = "answered",
	[QUERY_COUNT_TIMEOUT] = "timeout",
	[QUERY_COUNT_REFUSED_CONNECTION] = "refused_connection",
	[QUERY_COUNT_TRUNCATED] = "truncated",
	[QUERY_COUNT_MALFORMED] = "malformed",
	[QUERY_COUNT_MISMATCHED] = "mismatched",
	[QUERY_COUNT_CLOSED] = "closed",
};

/*
 * A query's lifecycle. Every change of state happens in query_step(); the
 * I/O callbacks only turn what they saw into a query_event.
 *
 *   QUEUED --START--> UDP, or TCP with QUERY_F_TCP
 *   QUEUED --ERROR--> DONE(error): what query_engine_send() refuses
 *   UDP/TCP --ANSWER--> DONE(ok)
 *   UDP --TRUNCATED--> RETRY, the next attempt over TCP (retries left
 *                      untouched), or DONE(ok) with QUERY_F_NO_TC_RETRY
 *   UDP/TCP --TIMEOUT/REFUSED/MALFORMED--> RETRY while retries are left,
 *                                          else DONE(final status)
 *   UDP/TCP --ERROR--> DONE(error)
 *   RETRY --START--> UDP or TCP (a new id, socket and port)
 *   DONE --(loop)--> callback, then freed
 *
 * query_cancel() frees a query in any state, without a callback; the
 * states that hold an in-flight slot (UDP, TCP, RETRY) give it back.
 */
enum query_state {
	QUERY_S_QUEUED,		/* waits for an in-flight slot and a token */
	QUERY_S_UDP,		/* a datagram is out; its own socket listens */
	QUERY_S_TCP,		/* a connection is opening, writing or reading */
	QUERY_S_RETRY,		/* between attempts: keeps its slot, waits for a token */
	QUERY_S_DONE,		/* finished: the callback is due from the loop */
};

/* What an attempt saw; fed to query_step(). */
enum query_event {
	QUERY_EV_NONE,		/* nothing (yet): keep waiting */
	QUERY_EV_START,		/* the pump granted a slot and a token */
	QUERY_EV_ANSWER,	/* a matching answer, in q->answer */
	QUERY_EV_TRUNCATED,	/* a matching UDP answer with TC=1, in q->answer */
	QUERY_EV_TIMEOUT,
	QUERY_EV_REFUSED,	/* ICMP unreachable, RST */
	QUERY_EV_MALFORMED,	/* unparseable answer, or a stream cut short */
	QUERY_EV_ERROR,		/* a local failure: no point retrying */
	QUERY_EV_NOROUTE,	/* this host cannot reach the family at all */
	QUERY_EV_CLOSED,	/* TCP closed before any byte of a message */
};

/* How a received message relates to the question asked. */
enum query_match {
	QUERY_MATCH_OK,
	QUERY_MATCH_TRUNCATED,
	QUERY_MATCH_OTHER,	/* parses, but not an answer to us */
	QUERY_MATCH_GARBAGE,	/* does not parse */
};

TAILQ_HEAD(query_list, query);

struct query_server {
	struct sockaddr_storage	 addr;
	struct query_server	*next;		/* hash chain */
	uint64_t		 hash;
	struct ratelimit	 rl;
	struct query_server_stats stats;
	struct query_list	 waitq;		/* QUEUED, in send order */
	struct query_list	 retryq;	/* RETRY: they hold a slot already */
	TAILQ_ENTRY(query_server) pump_entry;
	bool			 pumping;	/* on engine->pumpq */
	unsigned		 refs;		/* live queries that point here */
	uint64_t		 used_ms;	/* the last query's send */
};

TAILQ_HEAD(query_server_list, query_server);

struct query_engine {
	struct event_base	*base;
	query_sim_fn		 sim;		/* a simulated network, or NULL */
	void			*sim_arg;
	struct query_engine_config cfg;
	enum query_family_state	 family[2];	/* [0] IPv4, [1] IPv6 */
	struct event		*ev_pump;	/* starts waiting queries */
	struct query_list	 queries;	/* every live query */
	struct query_server_list pumpq;		/* servers with waiting queries,
						 * in the order they get turns */
	size_t			 npumping;
	struct query_server	**buckets;
	size_t			 nbuckets;
	size_t			 nservers;
	uint64_t		 forgotten;	/* servers expired or evicted */
	uint64_t		 hash_seed;
	size_t			 inflight;	/* queries holding a slot */
	size_t			 queued;	/* queries in QUEUED */
	struct query		*delivering;	/* whose callback is running */
	bool			 free_pending;	/* freed from inside that callback */
	uint8_t			 rnd[256];	/* getrandom(2) output not used yet */
	size_t			 rnd_pos;
	uint8_t			 rbuf[QUERY_MSG_MAX];	/* one datagram at a time */
};

struct query {
	struct query_engine	*engine;
	struct query_server	*server;
	enum query_state	 state;
	enum query_transport	 transport;	/* of this or the next attempt */
	unsigned		 flags;
	unsigned		 tries_left;	/* retries still allowed */
	uint64_t		 timeout_ms;	/* per attempt, as configured at send */
	ldns_rdf		*qname;
	ldns_rr_type		 qtype;
	uint16_t		 id;		/* of the current attempt */
	uint8_t			*wire;		/* 2-byte length, then the message */
	size_t			 wirelen;	/* of the message alone */
	struct sockaddr_storage	 server_addr;
	socklen_t		 server_len;
	struct sockaddr_storage	 source_addr;
	bool			 has_source;
	query_cb		 cb;
	void			*arg;

	int			 fd;		/* of the current attempt, or -1 */
	struct event		*ev_io;
	struct event		*ev_timer;	/* attempt timeout; then the callback */
	double			 sent_at;

	/* TCP progress through the current attempt. */
	bool			 connected;
	size_t			 woff;
	uint8_t			 lenbuf[2];
	size_t			 roff;		/* bytes of length and message read */
	uint8_t			*rmsg;
	size_t			 rmsglen;

	struct query_sim_reply	 sim_reply;	/* simulated: what is on its way */

	ldns_pkt		*answer;	/* handed from I/O to query_step() */
	ldns_pkt		*tc_answer;	/* kept while TCP is tried */
	double			 tc_rtt;
	enum query_event	 last_failure;
	bool			 saw_malformed;
	bool			 holds_slot;
	struct query_result	 result;

	TAILQ_ENTRY(query)	 entry;		/* engine->queries */
	TAILQ_ENTRY(query)	 wait_entry;	/* server waitq or retryq */
};

static void query_step(struct query *, enum query_event);
static void query_engine_pump_cb(evutil_socket_t, short, void *);
static void query_timer_cb(evutil_socket_t, short, void *);
static void query_udp_read_cb(evutil_socket_t, short, void *);
static void query_tcp_write_cb(evutil_socket_t, short, void *);
static void query_tcp_read_cb(evutil_socket_t, short, void *);

static enum query_event query_errno_event(int, const char *);

static enum query_family_use
query_family_use(const struct query_engine *e, int af)
{
	return af == AF_INET6 ? e->cfg.ip6 : e->cfg.ip4;
}

enum query_family_state
query_engine_family(const struct query_engine *e, int af)
{
	if (query_family_use(e, af) == QUERY_FAMILY_OFF)
		return QUERY_FAMILY_UNUSABLE;
	return e->family[af == AF_INET6];
}

static const char *
query_family_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* One notice per change, not one per query. */
static void
query_family_learn(struct query_engine *e, int af, enum query_family_state st,
    int err)
{
	enum query_family_state	*cur = &e->family[af == AF_INET6];

	if (*cur == st)
		return;
	if (st == QUERY_FAMILY_UNUSABLE)
		log_warnx("%s is not usable from this host (%s): %s addresses are "
		    "not tested from here (set ip%c: off to say so, or on to "
		    "count such failures against the servers)", query_family_name(af),
		    strerror(err), query_family_name(af), af == AF_INET6 ? '6' : '4');
	else if (*cur == QUERY_FAMILY_UNUSABLE)
		log_notice("%s is usable from this host again", query_family_name(af));
	*cur = st;
}

/*
 * A send that failed here, before any packet left: with no route to the
 * family (a host or container without IPv6), the family unsupported or no
 * local address of it, the address is not tested from here (ip4/ip6:
 * auto). Anything else is the network's answer, as before.
 */
static enum query_event
query_local_event(struct query *q, int err, const char *what)
{
	int	af = q->server_addr.ss_family;

	if ((err == ENETUNREACH || err == EAFNOSUPPORT || err == EADDRNOTAVAIL) &&
	    query_family_use(q->engine, af) == QUERY_FAMILY_AUTO) {
		query_family_learn(q->engine, af, QUERY_FAMILY_UNUSABLE, err);
		return QUERY_EV_NOROUTE;
	}
	return query_errno_event(err, what);
}

static query_sim_fn	 query_sim_hook;
static void		*query_sim_hook_arg;

void
query_sim_install(query_sim_fn fn, void *arg)
{
	query_sim_hook = fn;
	query_sim_hook_arg = arg;
}

/* Monotonic seconds: RTTs want finer than clock_mono_ms(). */
static double
query_now(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* libevent fails these only on broken invariants. */
static void
query_event_add(struct event *ev, const struct timeval *tv)
{
	if (event_add(ev, tv) == -1)
		fatalx("query: event_add failed");
}

static void
query_event_del(struct event *ev)
{
	if (event_del(ev) == -1)
		fatalx("query: event_del failed");
}

/*
 * Ids and ports must be unpredictable to an off-path attacker (RFC 5452),
 * so they come from the kernel's CSPRNG, read in blocks to save syscalls.
 */
static uint32_t
query_random(struct query_engine *e)
{
	uint32_t	r;
	size_t		got;
	ssize_t		n;

	if (e->rnd_pos + sizeof(r) > sizeof(e->rnd)) {
		for (got = 0; got < sizeof(e->rnd); got += (size_t)n) {
			n = getrandom(e->rnd + got, sizeof(e->rnd) - got, 0);
			if (n == -1) {
				if (errno == EINTR) {
					n = 0;
					continue;
				}
				fatal("getrandom");
			}
		}
		e->rnd_pos = 0;
	}
	memcpy(&r, e->rnd + e->rnd_pos, sizeof(r));
	e->rnd_pos += sizeof(r);
	return r;
}

/* Uniform in [0, n): rejection rather than a modulo bias. */
static uint32_t
query_random_uniform(struct query_engine *e, uint32_t n)
{
	uint32_t	r, limit;

	limit = UINT32_MAX - UINT32_MAX % n;
	do
		r = query_random(e);
	while (r >= limit);
	return r % n;
}

static socklen_t
query_sockaddr_len(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

/* The address bytes and port of sa, for comparing and hashing. */
static const void *
query_sockaddr_key(const struct sockaddr *sa, size_t *len, in_port_t *port)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		*len = sizeof(sin->sin_addr);
		*port = sin->sin_port;
		return &sin->sin_addr;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		*len = sizeof(sin6->sin6_addr);
		*port = sin6->sin6_port;
		return &sin6->sin6_addr;
	default:
		*len = 0;
		*port = 0;
		return NULL;
	}
}

/* Same family and address; and, if with_port, the same port. */
static bool
query_sockaddr_equal(const struct sockaddr *a, const struct sockaddr *b,
    bool with_port)
{
	const void	*ka, *kb;
	size_t		 la, lb;
	in_port_t	 pa, pb;

	if (a->sa_family != b->sa_family)
		return false;
	ka = query_sockaddr_key(a, &la, &pa);
	kb = query_sockaddr_key(b, &lb, &pb);
	if (ka == NULL || kb == NULL || la != lb)
		return false;
	if (with_port && pa != pb)
		return false;
	return memcmp(ka, kb, la) == 0;
}

static void
query_sockaddr_set_port(struct sockaddr *sa, in_port_t port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = port;
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = port;
}

/* FNV-1a over address, port and family. The per-engine seed changes the
 * layout from run to run; it is not a keyed hash, and need not be: server
 * addresses come from delegations, and chains stay short at load <= 2. */
static uint64_t
query_server_hash(const struct query_engine *e, const struct sockaddr *sa)
{
	const uint8_t	*p;
	uint64_t	 h = 0xcbf29ce484222325ULL ^ e->hash_seed;
	size_t		 len, i;
	in_port_t	 port;

	p = query_sockaddr_key(sa, &len, &port);
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h = (h ^ (uint8_t)(port >> 8)) * 0x100000001b3ULL;
	h = (h ^ (uint8_t)port) * 0x100000001b3ULL;
	h = (h ^ (uint8_t)sa->sa_family) * 0x100000001b3ULL;
	return h;
}

static void
query_server_grow(struct query_engine *e)
{
	struct query_server	**nb, *s, *next;
	size_t			  n, i, b;

	n = e->nbuckets * 2;
	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < e->nbuckets; i++) {
		for (s = e->buckets[i]; s != NULL; s = next) {
			next = s->next;
			b = s->hash % n;
			s->next = nb[b];
			nb[b] = s;
		}
	}
	free(e->buckets);
	e->buckets = nb;
	e->nbuckets = n;
}

/* The entry for an address and port, made on first use. */
static struct query_server *
query_server_get(struct query_engine *e, const struct sockaddr *sa)
{
	struct query_server	*s;
	uint64_t		 h;

	h = query_server_hash(e, sa);
	for (s = e->buckets[h % e->nbuckets]; s != NULL; s = s->next) {
		if (s->hash == h &&
		    query_sockaddr_equal((struct sockaddr *)&s->addr, sa, true))
			return s;
	}
	if (e->nservers >= e->nbuckets * 2)
		query_server_grow(e);
	s = xcalloc(1, sizeof(*s));
	memcpy(&s->addr, sa, query_sockaddr_len(sa));
	s->hash = h;
	ratelimit_init(&s->rl, e->cfg.server_qps, e->cfg.server_qps,
	    clock_mono_ms());
	s->stats.addr = (struct sockaddr *)&s->addr;
	s->stats.last_rtt[QUERY_UDP] = -1;
	s->stats.last_rtt[QUERY_TCP] = -1;
	TAILQ_INIT(&s->waitq);
	TAILQ_INIT(&s->retryq);
	s->next = e->buckets[h % e->nbuckets];
	e->buckets[h % e->nbuckets] = s;
	e->nservers++;
	return s;
}

static void
query_engine_pump_soon(struct query_engine *e)
{
	struct timeval	tv = { 0, 0 };

	query_event_add(e->ev_pump, &tv);
}

/* Puts a server with waiting queries in line for a turn. */
static void
query_server_wake(struct query_server *s, struct query_engine *e)
{
	if (!s->pumping) {
		TAILQ_INSERT_TAIL(&e->pumpq, s, pump_entry);
		s->pumping = true;
		e->npumping++;
	}
	query_engine_pump_soon(e);
}

/* The query that would start next on s, if it got a token. Retries first:
 * they already hold a slot and have been waiting longest. */
static struct query *
query_server_next(struct query_server *s, const struct query_engine *e)
{
	if (!TAILQ_EMPTY(&s->retryq))
		return TAILQ_FIRST(&s->retryq);
	if (!TAILQ_EMPTY(&s->waitq) && e->inflight < e->cfg.max_inflight)
		return TAILQ_FIRST(&s->waitq);
	return NULL;
}

/* A token for q's next packet; the rate-limit burst goes without one when
 * the bucket is empty (it is bounded by burst_size on its own), but takes
 * what there is, so the server's other traffic still keeps the cap. */
static bool
query_take_token(const struct query *q, struct query_server *s, uint64_t now)
{
	bool	took = ratelimit_take(&s->rl, now);

	return took || (q->flags & QUERY_F_NO_RATELIMIT);
}

/* Takes a QUEUED or RETRY query off its server's queue. */
static void
query_unqueue(struct query *q)
{
	struct query_engine	*e = q->engine;
	struct query_server	*s = q->server;

	if (q->state == QUERY_S_QUEUED) {
		TAILQ_REMOVE(&s->waitq, q, wait_entry);
		e->queued--;
	} else if (q->state == QUERY_S_RETRY)
		TAILQ_REMOVE(&s->retryq, q, wait_entry);
	else
		return;
	if (s->pumping && TAILQ_EMPTY(&s->waitq) && TAILQ_EMPTY(&s->retryq)) {
		TAILQ_REMOVE(&e->pumpq, s, pump_entry);
		s->pumping = false;
		e->npumping--;
	}
}

static void
query_release_slot(struct query *q)
{
	if (!q->holds_slot)
		return;
	q->holds_slot = false;
	q->engine->inflight--;
	query_engine_pump_soon(q->engine);
}

/*
 * Starts what the slots and token buckets allow. Servers take turns, one
 * query each per round, so a server at its rate cap does not hold up the
 * others and no server's queue starves; each server's queue stays FIFO.
 */
static void
query_engine_pump(struct query_engine *e)
{
	struct query_server	*s;
	struct query		*q;
	struct timeval		 tv;
	uint64_t		 now, wait, next = UINT64_MAX;
	size_t			 i, n;
	bool			 started;

	now = clock_mono_ms();
	do {
		started = false;
		n = e->npumping;
		for (i = 0; i < n && (s = TAILQ_FIRST(&e->pumpq)) != NULL; i++) {
			q = query_server_next(s, e);
			if (q != NULL && query_take_token(q, s, now)) {
				query_unqueue(q);
				if (!q->holds_slot) {
					q->holds_slot = true;
					e->inflight++;
				}
				query_step(q, QUERY_EV_START);
				started = true;
			}
			if (s->pumping) {
				TAILQ_REMOVE(&e->pumpq, s, pump_entry);
				TAILQ_INSERT_TAIL(&e->pumpq, s, pump_entry);
			}
		}
	} while (started);

	/* Servers held up only by the in-flight cap wait for a slot to free,
	 * which pumps again; the others wait for their next token. */
	TAILQ_FOREACH(s, &e->pumpq, pump_entry) {
		if (query_server_next(s, e) == NULL)
			continue;
		wait = ratelimit_wait_ms(&s->rl, now);
		if (wait < next)
			next = wait;
	}
	if (next == UINT64_MAX)
		query_event_del(e->ev_pump);
	else {
		tv = clock_tv_ms(next == 0 ? 1 : next);
		query_event_add(e->ev_pump, &tv);
	}
}

static void
query_engine_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	query_engine_pump(arg);
}

static void
query_engine_normalize(struct query_engine_config *cfg)
{
	if (cfg->max_inflight == 0)
		cfg->max_inflight = 1;
	if (cfg->edns_size == 0)
		cfg->edns_size = QUERY_EDNS_SIZE;
}

struct query_engine *
query_engine_new(struct event_base *base, const struct query_engine_config *cfg)
{
	struct query_engine	*e;

	e = xcalloc(1, sizeof(*e));
	e->base = base;
	e->sim = query_sim_hook;
	e->sim_arg = query_sim_hook_arg;
	e->cfg = *cfg;
	query_engine_normalize(&e->cfg);
	if ((e->ev_pump = event_new(base, -1, 0, query_engine_pump_cb, e)) == NULL)
		fatalx("query: event_new failed");
	TAILQ_INIT(&e->queries);
	TAILQ_INIT(&e->pumpq);
	e->nbuckets = QUERY_BUCKETS_MIN;
	e->buckets = xcalloc(e->nbuckets, sizeof(*e->buckets));
	e->rnd_pos = sizeof(e->rnd);
	e->hash_seed = (uint64_t)query_random(e) << 32 | query_random(e);
	return e;
}

void
query_engine_configure(struct query_engine *e, const struct query_engine_config *cfg)
{
	struct query_server	*s;
	uint64_t		 now;
	size_t			 i;

	e->cfg = *cfg;
	query_engine_normalize(&e->cfg);
	now = clock_mono_ms();
	for (i = 0; i < e->nbuckets; i++)
		for (s = e->buckets[i]; s != NULL; s = s->next)
			ratelimit_set(&s->rl, e->cfg.server_qps,
			    e->cfg.server_qps, now);
	/* A higher cap or rate may let waiting queries go now. */
	if (e->npumping > 0)
		query_engine_pump_soon(e);
}

/* Ends the current attempt's I/O; the query itself lives on. */
static void
query_attempt_close(struct query *q)
{
	if (q->ev_io != NULL) {
		event_free(q->ev_io);
		q->ev_io = NULL;
	}
	if (q->fd != -1) {
		if (close(q->fd) == -1)
			log_warn("query: close");
		q->fd = -1;
	}
	if (q->state != QUERY_S_DONE)
		query_event_del(q->ev_timer);
	free(q->rmsg);
	q->rmsg = NULL;
	q->rmsglen = 0;
	q->roff = 0;
	q->woff = 0;
	q->connected = false;
	free(q->sim_reply.data);
	memset(&q->sim_reply, 0, sizeof(q->sim_reply));
}

/* Frees a query in any state, without a callback. */
static void
query_destroy(struct query *q)
{
	struct query_engine	*e = q->engine;

	query_attempt_close(q);
	if (q->server != NULL)
		query_unqueue(q);
	query_release_slot(q);
	if (q->server != NULL)
		q->server->refs--;
	event_free(q->ev_timer);
	TAILQ_REMOVE(&e->queries, q, entry);
	if (q->qname != NULL)
		ldns_rdf_deep_free(q->qname);
	if (q->answer != NULL)
		ldns_pkt_free(q->answer);
	if (q->tc_answer != NULL)
		ldns_pkt_free(q->tc_answer);
	if (q->result.pkt != NULL)
		ldns_pkt_free(q->result.pkt);
	free(q->wire);
	free(q);
}

void
query_engine_free(struct query_engine *e)
{
	struct query_server	*s, *next;
	struct query		*q, *nq;
	size_t			 i;

	if (e == NULL)
		return;
	if (e->delivering != NULL) {
		/* From inside a callback: the query and the engine are still
		 * in use up the stack. Quiet everything else now; the rest
		 * goes when the callback returns. */
		e->free_pending = true;
		for (q = TAILQ_FIRST(&e->queries); q != NULL; q = nq) {
			nq = TAILQ_NEXT(q, entry);
			if (q != e->delivering)
				query_destroy(q);
		}
		return;
	}
	while ((q = TAILQ_FIRST(&e->queries)) != NULL)
		query_destroy(q);
	for (i = 0; i < e->nbuckets; i++) {
		for (s = e->buckets[i]; s != NULL; s = next) {
			next = s->next;
			free(s);
		}
	}
	free(e->buckets);
	event_free(e->ev_pump);
	free(e);
}

/* Arms the query's timer to deliver the callback from the loop. */
static void
query_finish(struct query *q, enum query_status status)
{
	query_attempt_close(q);
	query_release_slot(q);
	if (q->server != NULL)
		query_unqueue(q);
	q->state = QUERY_S_DONE;
	q->result.status = status;
	if (status == QUERY_OK && q->result.pkt == NULL && q->tc_answer != NULL) {
		/* TCP could not better the truncated answer: it is all we have. */
		q->result.pkt = q->tc_answer;
		q->tc_answer = NULL;
		q->result.rtt = q->tc_rtt;
		q->result.transport = QUERY_UDP;
	}
	query_event_del(q->ev_timer);
	event_active(q->ev_timer, EV_TIMEOUT, 1);
}

static enum query_status
query_final_status(const struct query *q)
{
	if (q->tc_answer != NULL)
		return QUERY_OK;
	if (q->last_failure == QUERY_EV_REFUSED)
		return QUERY_REFUSED_CONNECTION;
	if (q->last_failure == QUERY_EV_CLOSED)
		return QUERY_CLOSED;
	if (q->saw_malformed)
		return QUERY_MALFORMED;
	return QUERY_TIMEOUT;
}

static void
query_count_mismatch(struct query *q)
{
	q->result.mismatched++;
	q->server->stats.counts[q->transport][QUERY_COUNT_MISMATCHED]++;
}

/* The server counters for how an attempt ended. */
static void
query_count_attempt(struct query *q, enum query_event ev, double rtt)
{
	struct query_server_stats	*st = &q->server->stats;
	enum query_counter		 c;

	switch (ev) {
	case QUERY_EV_ANSWER:
		c = QUERY_COUNT_ANSWERED;
		break;
	case QUERY_EV_TRUNCATED:
		c = QUERY_COUNT_TRUNCATED;
		break;
	case QUERY_EV_TIMEOUT:
		c = QUERY_COUNT_TIMEOUT;
		break;
	case QUERY_EV_REFUSED:
		c = QUERY_COUNT_REFUSED_CONNECTION;
		break;
	case QUERY_EV_MALFORMED:
		c = QUERY_COUNT_MALFORMED;
		break;
	case QUERY_EV_CLOSED:
		c = QUERY_COUNT_CLOSED;
		break;
	default:
		return;
	}
	st->counts[q->transport][c]++;
	st->last_ok[q->transport] = c == QUERY_COUNT_ANSWERED ||
	    c == QUERY_COUNT_TRUNCATED;
	if (st->last_ok[q->transport])
		st->last_rtt[q->transport] = rtt;
}

/* Errors from connect, send and recv that the network, not we, caused. */
static enum query_event
query_errno_event(int err, const char *what)
{
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
	case ECONNABORTED:
	case EPIPE:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return QUERY_EV_REFUSED;
	case ETIMEDOUT:
		return QUERY_EV_TIMEOUT;
	default:
		errno = err;
		log_warn("query: %s", what);
		return QUERY_EV_ERROR;
	}
}

/*
 * Whether a message answers our question (RFC 5452 section 9.1: id and
 * question; the source is the caller's business). Error answers may come
 * without a question section (FORMERR from servers that reject EDNS), and
 * are still answers as far as the id goes.
 */
/*
 * What ldns lets through but resolvers reject (RFC 6891 6.1.1): more than
 * one OPT record, or an OPT whose options run past its data. Walks the
 * message as sent (ldns parsed it, so its names and lengths hold).
 * Returns why, or NULL.
 */
static const char *
query_wire_opt_problem(const uint8_t *d, size_t len)
{
	size_t		 off = LDNS_HEADER_SIZE, rdlen, end, o;
	unsigned	 counts[4], sec, i, opts = 0;
	uint16_t	 type;

	if (len < LDNS_HEADER_SIZE)
		return NULL;
	for (sec = 0; sec < 4; sec++)
		counts[sec] = (unsigned)d[4 + 2 * sec] << 8 | d[5 + 2 * sec];
	for (sec = 0; sec < 4; sec++)
		for (i = 0; i < counts[sec]; i++) {
			/* The owner: labels up to the root or a pointer. */
			while (off < len && d[off] != 0 && (d[off] & 0xc0) != 0xc0)
				off += (size_t)d[off] + 1;
			off += off < len && d[off] != 0 ? 2 : 1;
			if (sec == 0) {
				off += 4;
				continue;
			}
			if (off + 10 > len)
				return NULL;
			type = (uint16_t)(d[off] << 8 | d[off + 1]);
			rdlen = (size_t)d[off + 8] << 8 | d[off + 9];
			off += 10;
			if (off + rdlen > len)
				return NULL;
			if (type == LDNS_RR_TYPE_OPT) {
				if (++opts > 1)
					return "two OPT records (a FORMERR to "
					    "resolvers, RFC 6891 6.1.1)";
				for (o = off, end = off + rdlen; o < end; ) {
					if (o + 4 > end || o + 4 +
					    ((size_t)d[o + 2] << 8 | d[o + 3]) > end)
						return "an EDNS option that runs past "
						    "its OPT record (RFC 6891 6.1.2)";
					o += 4 + ((size_t)d[o + 2] << 8 | d[o + 3]);
				}
			}
			off += rdlen;
		}
	return NULL;
}

static enum query_match
query_match(struct query *q, const uint8_t *data, size_t len, ldns_pkt **pktp)
{
	const char	*why;
	ldns_pkt	*pkt;
	ldns_rr_list	*qs;
	ldns_rr		*rr;
	ldns_pkt_rcode	 rcode;
	bool		 ok;

	*pktp = NULL;
	/* Unparseable with our id is the server's bad answer; with another
	 * id it is noise (a flood, a late answer), not ours to judge. */
	if (ldns_wire2pkt(&pkt, data, len) != LDNS_STATUS_OK) {
		if (len < 2 || ((uint16_t)data[0] << 8 | data[1]) != q->id)
			return QUERY_MATCH_OTHER;
		q->result.malformed_why = "does not parse";
		return QUERY_MATCH_GARBAGE;
	}
	ok = ldns_pkt_qr(pkt) && ldns_pkt_id(pkt) == q->id &&
	    ldns_pkt_get_opcode(pkt) == LDNS_PACKET_QUERY;
	if (ok) {
		qs = ldns_pkt_question(pkt);
		rcode = ldns_pkt_get_rcode(pkt);
		if (qs == NULL || ldns_rr_list_rr_count(qs) == 0)
			ok = rcode != LDNS_RCODE_NOERROR &&
			    rcode != LDNS_RCODE_NXDOMAIN;
		else if (ldns_rr_list_rr_count(qs) != 1)
			ok = false;
		else {
			rr = ldns_rr_list_rr(qs, 0);
			ok = ldns_rr_get_type(rr) == q->qtype &&
			    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
			    ldns_dname_compare(ldns_rr_owner(rr), q->qname) == 0;
		}
	}
	if (!ok) {
		ldns_pkt_free(pkt);
		return QUERY_MATCH_OTHER;
	}
	if ((why = query_wire_opt_problem(data, len)) != NULL) {
		q->result.malformed_why = why;
		ldns_pkt_free(pkt);
		return QUERY_MATCH_GARBAGE;
	}
	q->result.size = len;
	*pktp = pkt;
	return ldns_pkt_tc(pkt) ? QUERY_MATCH_TRUNCATED : QUERY_MATCH_OK;
}

/* The query as sent, with room for the TCP length in front. The id is
 * written per attempt. */
static int
query_build(struct query *q)
{
	ldns_pkt	*pkt;
	ldns_rdf	*name;
	uint8_t		*w = NULL;
	size_t		 len;
	uint16_t	 lflags = 0;
	ldns_status	 st;

	if (q->flags & QUERY_F_RD)
		lflags |= LDNS_RD;
	if (q->flags & QUERY_F_CD)
		lflags |= LDNS_CD;
	if ((name = ldns_rdf_clone(q->qname)) == NULL)
		fatalx("query: out of memory");
	if ((pkt = ldns_pkt_query_new(name, q->qtype, LDNS_RR_CLASS_IN,
	    lflags)) == NULL)
		fatalx("query: out of memory");
	if (!(q->flags & QUERY_F_NO_EDNS)) {
		ldns_pkt_set_edns_udp_size(pkt, q->engine->cfg.edns_size);
		ldns_pkt_set_edns_do(pkt, (q->flags & QUERY_F_DO) != 0);
	}
	st = ldns_pkt2wire(&w, pkt, &len);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK || len < LDNS_HEADER_SIZE || len > QUERY_MSG_MAX) {
		log_warnx("query: cannot build query: %s",
		    ldns_get_errorstr_by_id(st));
		free(w);
		return -1;
	}
	q->wire = xmalloc(len + 2);
	q->wire[0] = (uint8_t)(len >> 8);
	q->wire[1] = (uint8_t)len;
	memcpy(q->wire + 2, w, len);
	q->wirelen = len;
	free(w);
	return 0;
}

/* Replaces the attempt's I/O event. */
static void
query_io_set(struct query *q, short events, event_callback_fn cb)
{
	if (q->ev_io != NULL)
		event_free(q->ev_io);
	if ((q->ev_io = event_new(q->engine->base, q->fd, events, cb, q)) == NULL)
		fatalx("query: event_new failed");
	query_event_add(q->ev_io, NULL);
}

/* Binds to a random port (RFC 5452 section 10) on the source address. */
static int
query_udp_bind(struct query *q)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	unsigned		 i;
	uint32_t		 port;

	memset(&ss, 0, sizeof(ss));
	if (q->has_source)
		memcpy(&ss, &q->source_addr, sizeof(ss));
	else
		ss.ss_family = q->server_addr.ss_family;
	len = query_sockaddr_len((struct sockaddr *)&ss);
	for (i = 0; i < QUERY_BIND_TRIES; i++) {
		port = QUERY_PORT_LOW +
		    query_random_uniform(q->engine, 65536 - QUERY_PORT_LOW);
		query_sockaddr_set_port((struct sockaddr *)&ss,
		    htons((uint16_t)port));
		if (bind(q->fd, (struct sockaddr *)&ss, len) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	/* A crowded port space: the kernel's own random choice will do. */
	query_sockaddr_set_port((struct sockaddr *)&ss, 0);
	return bind(q->fd, (struct sockaddr *)&ss, len);
}

static enum query_event
query_udp_start(struct query *q)
{
	int	on = 1, rc;

	q->fd = socket(q->server_addr.ss_family,
	    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd == -1) {
		if (errno == EAFNOSUPPORT)
			return query_local_event(q, errno, "socket");
		log_warn("query: socket");
		return QUERY_EV_ERROR;
	}
	/* The socket stays unconnected so that answers from elsewhere are
	 * seen; RECVERR still brings ICMP errors to it. */
	if (q->server_addr.ss_family == AF_INET6)
		rc = setsockopt(q->fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	else
		rc = setsockopt(q->fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	if (rc == -1) {
		log_warn("query: setsockopt RECVERR");
		return QUERY_EV_ERROR;
	}
	if (query_udp_bind(q) == -1) {
		if (errno == EADDRNOTAVAIL && !q->has_source)
			return query_local_event(q, errno, "bind");
		log_warn("query: bind");
		return QUERY_EV_ERROR;
	}
	q->sent_at = query_now();
	q->result.attempts++;
	if (sendto(q->fd, q->wire + 2, q->wirelen, 0,
	    (struct sockaddr *)&q->server_addr, q->server_len) == -1) {
		/* A full socket buffer loses the packet: the timer will tell. */
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
			return query_local_event(q, errno, "sendto");
	}
	query_io_set(q, EV_READ | EV_PERSIST, query_udp_read_cb);
	return QUERY_EV_NONE;
}

static bool
query_icmp_unreachable(const struct sock_extended_err *ee)
{
	if (ee->ee_origin == SO_EE_ORIGIN_ICMP)
		return ee->ee_type == ICMP_DEST_UNREACH &&
		    ee->ee_code != ICMP_FRAG_NEEDED;
	if (ee->ee_origin == SO_EE_ORIGIN_ICMP6)
		return ee->ee_type == QUERY_ICMP6_DST_UNREACH;
	return false;
}

/* ICMP errors queued on the socket: unreachable for our packet to the
 * server means refused; anything else is not ours to judge. */
static enum query_event
query_udp_errqueue(struct query *q)
{
	struct sockaddr_storage		 dst;
	struct msghdr			 msg;
	struct iovec			 iov;
	struct cmsghdr			*cm;
	struct sock_extended_err	*ee;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[512];
	}				 ctl;
	uint8_t				 data[64];
	enum query_event		 ev = QUERY_EV_NONE;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		memset(&dst, 0, sizeof(dst));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_name = &dst;
		msg.msg_namelen = sizeof(dst);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if (recvmsg(q->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ev;
			return query_errno_event(errno, "recvmsg errqueue");
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (!((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (struct sock_extended_err *)CMSG_DATA(cm);
			if (query_icmp_unreachable(ee) &&
			    query_sockaddr_equal((struct sockaddr *)&dst,
			    (struct sockaddr *)&q->server_addr, true))
				ev = QUERY_EV_REFUSED;
		}
	}
}

/* One datagram: only the server's address and port may answer. */
static enum query_event
query_udp_datagram(struct query *q, const uint8_t *data, size_t len,
    const struct sockaddr *from)
{
	ldns_pkt		*pkt;
	enum query_match	 m;

	m = query_match(q, data, len, &pkt);
	if (!query_sockaddr_equal(from, (struct sockaddr *)&q->server_addr,
	    true)) {
		/* A real answer from elsewhere is evidence of a server
		 * answering from another address than it was asked at. */
		if ((m == QUERY_MATCH_OK || m == QUERY_MATCH_TRUNCATED) &&
		    q->result.wrong_source.ss_family == 0 &&
		    !query_sockaddr_equal(from,
		    (struct sockaddr *)&q->server_addr, false))
			memcpy(&q->result.wrong_source, from,
			    query_sockaddr_len(from));
		if (pkt != NULL)
			ldns_pkt_free(pkt);
		query_count_mismatch(q);
		return QUERY_EV_NONE;
	}
	switch (m) {
	case QUERY_MATCH_OK:
		q->answer = pkt;
		return QUERY_EV_ANSWER;
	case QUERY_MATCH_TRUNCATED:
		q->answer = pkt;
		return QUERY_EV_TRUNCATED;
	case QUERY_MATCH_GARBAGE:
		return QUERY_EV_MALFORMED;
	case QUERY_MATCH_OTHER:
	default:
		query_count_mismatch(q);
		return QUERY_EV_NONE;
	}
}

/*
 * What is waiting on q's socket: the first answer (or error) among at most
 * 64 datagrams, or QUERY_EV_NONE. A flood gets a bounded share of the loop
 * per wakeup; the event is level-triggered, so the rest is read next turn.
 */
static enum query_event
query_udp_poll(struct query *q)
{
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	enum query_event	 ev;
	ssize_t			 n;
	unsigned		 budget;

	/* Answers first: one that made it beats an ICMP error. */
	for (budget = 64; budget > 0; budget--) {
		fromlen = sizeof(from);
		n = recvfrom(q->fd, q->engine->rbuf, sizeof(q->engine->rbuf),
		    MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
		if (n == -1) {
			switch (errno) {
			case EAGAIN:
#if EWOULDBLOCK != EAGAIN
			case EWOULDBLOCK:
#endif
				return query_udp_errqueue(q);
			case EINTR:
			/* The pending ICMP error: its details are on the
			 * error queue, read once the datagrams are. */
			case ECONNREFUSED:
			case EHOSTUNREACH:
			case ENETUNREACH:
				continue;
			default:
				return query_errno_event(errno, "recvfrom");
			}
		}
		ev = query_udp_datagram(q, q->engine->rbuf, (size_t)n,
		    (struct sockaddr *)&from);
		if (ev != QUERY_EV_NONE)
			return ev;
	}
	return QUERY_EV_NONE;
}

static void
query_udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct query		*q = arg;
	enum query_event	 ev;

	(void)fd;
	(void)what;
	if ((ev = query_udp_poll(q)) != QUERY_EV_NONE)
		query_step(q, ev);
}

static enum query_event
query_tcp_start(struct query *q)
{
	struct sockaddr_storage	ss;
	int			on = 1;

	q->fd = socket(q->server_addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd == -1) {
		if (errno == EAFNOSUPPORT)
			return query_local_event(q, errno, "socket");
		log_warn("query: socket");
		return QUERY_EV_ERROR;
	}
	if (q->has_source) {
		/* The port comes at connect time, from the 4-tuple, so a
		 * busy source address does not run out of ports. */
		if (setsockopt(q->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on,
		    sizeof(on)) == -1)
			log_debug("query: IP_BIND_ADDRESS_NO_PORT: %s",
			    strerror(errno));
		memcpy(&ss, &q->source_addr, sizeof(ss));
		query_sockaddr_set_port((struct sockaddr *)&ss, 0);
		if (bind(q->fd, (struct sockaddr *)&ss,
		    query_sockaddr_len((struct sockaddr *)&ss)) == -1) {
			log_warn("query: bind");
			return QUERY_EV_ERROR;
		}
	}
	q->sent_at = query_now();
	q->result.attempts++;
	/* Fails at once only for a local reason (no route); a refusal from
	 * the network comes later, through SO_ERROR. */
	if (connect(q->fd, (struct sockaddr *)&q->server_addr,
	    q->server_len) == -1 && errno != EINPROGRESS)
		return query_local_event(q, errno, "connect");
	/* Writable once connected, or once the connection failed. */
	query_io_set(q, EV_WRITE | EV_PERSIST, query_tcp_write_cb);
	return QUERY_EV_NONE;
}

static void
query_tcp_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct query	*q = arg;
	socklen_t	 len;
	ssize_t		 n;
	int		 err;

	if (!q->connected) {
		len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) {
			query_step(q, query_errno_event(errno, "getsockopt"));
			return;
		}
		if (err != 0) {
			query_step(q, query_errno_event(err, "connect"));
			return;
		}
		q->connected = true;
	}
	while (q->woff < q->wirelen + 2) {
		n = send(fd, q->wire + q->woff, q->wirelen + 2 - q->woff,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			query_step(q, query_errno_event(errno, "send"));
			return;
		}
		q->woff += (size_t)n;
	}
	query_io_set(q, EV_READ | EV_PERSIST, query_tcp_read_cb);
}

/* A whole message off the stream; a mismatch keeps the stream open for
 * the next one. */
static enum query_event
query_tcp_message(struct query *q)
{
	ldns_pkt		*pkt;
	enum query_match	 m;

	m = query_match(q, q->rmsg, q->rmsglen, &pkt);
	free(q->rmsg);
	q->rmsg = NULL;
	q->rmsglen = 0;
	q->roff = 0;
	switch (m) {
	case QUERY_MATCH_OK:
	case QUERY_MATCH_TRUNCATED:
		/* TC over TCP cannot be bettered: take it as it is. */
		q->answer = pkt;
		return QUERY_EV_ANSWER;
	case QUERY_MATCH_GARBAGE:
		return QUERY_EV_MALFORMED;
	case QUERY_MATCH_OTHER:
	default:
		query_count_mismatch(q);
		return QUERY_EV_NONE;
	}
}

/* Reads as much as is there: a trickling server is served byte by byte
 * until the attempt's timer runs out. */
/* Reads what the connection has; the event once a message is whole, or
 * an error, or QUERY_EV_NONE while more is to come. */
static enum query_event
query_tcp_poll(struct query *q)
{
	enum query_event	 ev;
	ssize_t			 n;

	for (;;) {
		if (q->roff < 2)
			n = recv(q->fd, q->lenbuf + q->roff, 2 - q->roff, 0);
		else
			n = recv(q->fd, q->rmsg + (q->roff - 2),
			    q->rmsglen - (q->roff - 2), 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return QUERY_EV_NONE;
			return query_errno_event(errno, "recv");
		}
		/* Closed with nothing sent: its own outcome (a server or
		 * firewall that will not talk to us); part of a message and
		 * then the end is a message cut short. */
		if (n == 0)
			return q->roff == 0 ? QUERY_EV_CLOSED : QUERY_EV_MALFORMED;
		q->roff += (size_t)n;
		if (q->roff == 2) {
			q->rmsglen = (size_t)q->lenbuf[0] << 8 | q->lenbuf[1];
			if (q->rmsglen < LDNS_HEADER_SIZE)
				return QUERY_EV_MALFORMED;
			q->rmsg = xmalloc(q->rmsglen);
		} else if (q->roff == q->rmsglen + 2) {
			if ((ev = query_tcp_message(q)) != QUERY_EV_NONE)
				return ev;
		}
	}
}

static void
query_tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct query		*q = arg;
	enum query_event	 ev;

	(void)fd;
	(void)what;
	if ((ev = query_tcp_poll(q)) != QUERY_EV_NONE)
		query_step(q, ev);
}

/* What the simulated network brings back, when it is due. */
static enum query_event
query_sim_deliver(struct query *q)
{
	struct query_sim_reply	*r = &q->sim_reply;

	switch (r->outcome) {
	case QUERY_SIM_MESSAGE:
		if (q->transport == QUERY_UDP)
			return query_udp_datagram(q, r->data, r->len,
			    r->from.ss_family != 0 ? (struct sockaddr *)&r->from :
			    (struct sockaddr *)&q->server_addr);
		if (r->len < LDNS_HEADER_SIZE)
			return QUERY_EV_MALFORMED;
		q->rmsg = r->data;
		q->rmsglen = r->len;
		r->data = NULL;
		return query_tcp_message(q);
	case QUERY_SIM_REFUSED:
		return QUERY_EV_REFUSED;
	case QUERY_SIM_CLOSED:
		return QUERY_EV_CLOSED;
	case QUERY_SIM_ERRNO:
		return query_local_event(q, r->err, "simulated send");
	case QUERY_SIM_SILENCE:
	default:
		return QUERY_EV_NONE;
	}
}

static void
query_sim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct query		*q = arg;
	enum query_event	 ev;

	(void)fd;
	(void)what;
	/* Delivered once: a message that is not ours leaves the timer to it. */
	event_free(q->ev_io);
	q->ev_io = NULL;
	if ((ev = query_sim_deliver(q)) != QUERY_EV_NONE)
		query_step(q, ev);
}

static enum query_event
query_sim_start(struct query *q)
{
	struct query_sim_reply	*r = &q->sim_reply;
	struct timeval		 tv;

	q->sent_at = query_now();
	q->result.attempts++;
	memset(r, 0, sizeof(*r));
	q->engine->sim(q->engine->sim_arg, (struct sockaddr *)&q->server_addr,
	    q->has_source ? (struct sockaddr *)&q->source_addr : NULL,
	    q->transport, q->wire + 2, q->wirelen, r);
	if (r->outcome == QUERY_SIM_ERRNO)
		return query_sim_deliver(q);
	if (r->outcome == QUERY_SIM_SILENCE)
		return QUERY_EV_NONE;
	if ((q->ev_io = evtimer_new(q->engine->base, query_sim_cb, q)) == NULL)
		fatalx("query: event_new failed");
	tv = clock_tv_ms(r->delay_ms);
	query_event_add(q->ev_io, &tv);
	return QUERY_EV_NONE;
}

static enum query_event
query_attempt_start(struct query *q)
{
	struct timeval	tv;
	uint16_t	id;

	/* A new id per attempt: a late answer to an earlier one is not
	 * taken for this one, and guessing gets no second chance. */
	id = (uint16_t)query_random(q->engine);
	q->id = id;
	q->wire[2] = (uint8_t)(id >> 8);
	q->wire[3] = (uint8_t)id;
	q->state = q->transport == QUERY_UDP ? QUERY_S_UDP : QUERY_S_TCP;
	q->result.transport = q->transport;
	tv = clock_tv_ms(q->timeout_ms);
	query_event_add(q->ev_timer, &tv);
	if (q->engine->sim != NULL)
		return query_sim_start(q);
	if (q->transport == QUERY_UDP)
		return query_udp_start(q);
	return query_tcp_start(q);
}

/* Between attempts: back in line for a token, keeping the slot. */
static void
query_wait_token(struct query *q)
{
	q->state = QUERY_S_RETRY;
	TAILQ_INSERT_TAIL(&q->server->retryq, q, wait_entry);
	query_server_wake(q->server, q->engine);
}

/* The query's state machine: every transition is here. */
static void
query_step(struct query *q, enum query_event ev)
{
	double	rtt;

	while (ev != QUERY_EV_NONE) {
		switch (q->state) {
		case QUERY_S_QUEUED:
		case QUERY_S_RETRY:
			if (ev == QUERY_EV_ERROR) {
				/* Refused by query_engine_send() itself. */
				query_finish(q, QUERY_ERROR);
				return;
			}
			if (ev == QUERY_EV_NOROUTE) {
				query_finish(q, QUERY_NO_ROUTE);
				return;
			}
			if (ev != QUERY_EV_START)
				fatalx("query: event %d while waiting", ev);
			ev = query_attempt_start(q);
			break;
		case QUERY_S_UDP:
		case QUERY_S_TCP:
			if (ev == QUERY_EV_START)
				fatalx("query: started twice");
			rtt = query_now() - q->sent_at;
			query_attempt_close(q);
			query_count_attempt(q, ev, rtt);
			if (ev == QUERY_EV_TRUNCATED) {
				query_family_learn(q->engine, q->server_addr.ss_family,
				    QUERY_FAMILY_USABLE, 0);
				q->result.truncated = true;
				if (!(q->flags & QUERY_F_NO_TC_RETRY)) {
					if (q->tc_answer != NULL)
						ldns_pkt_free(q->tc_answer);
					q->tc_answer = q->answer;
					q->answer = NULL;
					q->tc_rtt = rtt;
					q->transport = QUERY_TCP;
					query_wait_token(q);
					return;
				}
				ev = QUERY_EV_ANSWER;
			}
			if (ev == QUERY_EV_NOROUTE) {
				query_finish(q, QUERY_NO_ROUTE);
				return;
			}
			if (ev == QUERY_EV_ANSWER) {
				query_family_learn(q->engine, q->server_addr.ss_family,
				    QUERY_FAMILY_USABLE, 0);
				q->result.pkt = q->answer;
				q->answer = NULL;
				q->result.rtt = rtt;
				query_finish(q, QUERY_OK);
				return;
			}
			if (ev == QUERY_EV_ERROR) {
				query_finish(q, QUERY_ERROR);
				return;
			}
			q->last_failure = ev;
			if (ev == QUERY_EV_MALFORMED)
				q->saw_malformed = true;
			if (q->tries_left == 0) {
				query_finish(q, query_final_status(q));
				return;
			}
			q->tries_left--;
			query_wait_token(q);
			return;
		case QUERY_S_DONE:
			return;
		}
	}
}

/* The attempt's timeout, or, once DONE, the callback's turn. */
static void
query_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct query		*q = arg;
	struct query_engine	*e = q->engine;
	enum query_event	 ev;

	if (q->state != QUERY_S_DONE) {
		/* When the loop was busy past the deadline, the timer and the
		 * answer come due in the same turn: an answer already in the
		 * socket made it in time and is not a loss. */
		ev = QUERY_EV_NONE;
		if (e->sim != NULL && q->ev_io != NULL &&
		    q->sim_reply.delay_ms <= q->timeout_ms)
			ev = query_sim_deliver(q);
		else if (q->state == QUERY_S_UDP && q->fd != -1)
			ev = query_udp_poll(q);
		else if (q->state == QUERY_S_TCP && q->ev_io != NULL &&
		    event_get_callback(q->ev_io) == query_tcp_read_cb)
			ev = query_tcp_poll(q);
		if (ev != QUERY_EV_NONE) {
			query_step(q, ev);
			return;
		}
		query_step(q, QUERY_EV_TIMEOUT);
		return;
	}
	e->delivering = q;
	q->cb(&q->result, q->arg);
	e->delivering = NULL;
	query_destroy(q);
	if (e->free_pending)
		query_engine_free(e);
}

struct query *
query_engine_send(struct query_engine *e, const ldns_rdf *qname,
    ldns_rr_type qtype, const struct sockaddr *server,
    const struct sockaddr *source, unsigned flags, query_cb cb, void *arg)
{
	struct query		*q;
	struct query_server	*s;
	uint64_t		 now;

	q = xcalloc(1, sizeof(*q));
	q->engine = e;
	q->fd = -1;
	q->flags = flags;
	q->qtype = qtype;
	q->cb = cb;
	q->arg = arg;
	q->timeout_ms = e->cfg.timeout_ms;
	q->tries_left = (flags & QUERY_F_ONCE) ? 0 : e->cfg.retries;
	q->transport = (flags & QUERY_F_TCP) ? QUERY_TCP : QUERY_UDP;
	q->result.transport = q->transport;
	q->result.server = (struct sockaddr *)&q->server_addr;
	if ((q->ev_timer = event_new(e->base, -1, 0, query_timer_cb, q)) == NULL)
		fatalx("query: event_new failed");
	TAILQ_INSERT_TAIL(&e->queries, q, entry);

	if (server != NULL && (q->server_len = query_sockaddr_len(server)) != 0)
		memcpy(&q->server_addr, server, q->server_len);
	if (source == NULL && server != NULL) {
		if (server->sa_family == AF_INET && e->cfg.source4.ss_family == AF_INET)
			source = (const struct sockaddr *)&e->cfg.source4;
		else if (server->sa_family == AF_INET6 &&
		    e->cfg.source6.ss_family == AF_INET6)
			source = (const struct sockaddr *)&e->cfg.source6;
	}
	if (source != NULL) {
		q->has_source = true;
		memcpy(&q->source_addr, source, query_sockaddr_len(source));
		q->result.source = (struct sockaddr *)&q->source_addr;
	}
	if (qname != NULL && ldns_rdf_get_type(qname) == LDNS_RDF_TYPE_DNAME &&
	    (q->qname = ldns_rdf_clone(qname)) == NULL)
		fatalx("query: out of memory");
	if (q->server_len == 0 || q->qname == NULL ||
	    (source != NULL && source->sa_family != server->sa_family)) {
		log_warnx("query: bad arguments (name, address family)");
		query_step(q, QUERY_EV_ERROR);
		return q;
	}
	if (query_build(q) == -1) {
		query_step(q, QUERY_EV_ERROR);
		return q;
	}
	if (query_family_use(e, server->sa_family) == QUERY_FAMILY_OFF) {
		query_step(q, QUERY_EV_NOROUTE);
		return q;
	}

	s = q->server = query_server_get(e, server);
	s->refs++;
	s->used_ms = clock_mono_ms();
	q->state = QUERY_S_QUEUED;
	/* The common case starts at once, so the caller's view of what is in
	 * flight is right on return; anything else waits its turn. */
	if (TAILQ_EMPTY(&s->waitq) && TAILQ_EMPTY(&s->retryq) &&
	    e->inflight < e->cfg.max_inflight) {
		now = clock_mono_ms();
		if (query_take_token(q, s, now)) {
			q->holds_slot = true;
			e->inflight++;
			query_step(q, QUERY_EV_START);
			return q;
		}
	}
	TAILQ_INSERT_TAIL(&s->waitq, q, wait_entry);
	e->queued++;
	query_server_wake(s, e);
	return q;
}

void
query_cancel(struct query *q)
{
	/* Its own callback is running: it is freed when that returns. */
	if (q == NULL || q->engine->delivering == q)
		return;
	query_destroy(q);
}

void
query_engine_foreach_server(const struct query_engine *e, query_server_fn fn,
    void *arg)
{
	struct query_server	*s;
	size_t			 i;

	for (i = 0; i < e->nbuckets; i++)
		for (s = e->buckets[i]; s != NULL; s = s->next)
			fn(&s->stats, arg);
}

static int
query_server_older(const void *a, const void *b)
{
	const struct query_server	*x = *(struct query_server *const *)a;
	const struct query_server	*y = *(struct query_server *const *)b;

	return x->used_ms < y->used_ms ? -1 : x->used_ms > y->used_ms;
}

/* Unlinks and frees every server that pick says so of. */
static size_t
query_engine_drop(struct query_engine *e, bool (*pick)(const struct query_server *,
    void *), void *arg)
{
	struct query_server	**pp, *s;
	size_t			 i, n = 0;

	for (i = 0; i < e->nbuckets; i++)
		for (pp = &e->buckets[i]; (s = *pp) != NULL; ) {
			if (s->refs > 0 || s->pumping || !pick(s, arg)) {
				pp = &s->next;
				continue;
			}
			*pp = s->next;
			free(s);
			e->nservers--;
			n++;
		}
	e->forgotten += n;
	return n;
}

struct query_expiry {
	uint64_t	now, idle_ms, cutoff;
};

static bool
query_server_idle(const struct query_server *s, void *arg)
{
	const struct query_expiry	*x = arg;

	return x->now - s->used_ms >= x->idle_ms;
}

static bool
query_server_before(const struct query_server *s, void *arg)
{
	const struct query_expiry	*x = arg;

	return s->used_ms <= x->cutoff;
}

size_t
query_engine_expire(struct query_engine *e, uint64_t now, uint64_t idle_ms,
    size_t max)
{
	struct query_expiry	  x = { now, idle_ms, 0 };
	struct query_server	**v, *s;
	size_t			  n, i, k = 0;

	n = query_engine_drop(e, query_server_idle, &x);
	if (e->nservers <= max)
		return n;
	/* Past the cap: the least recently used idle ones, oldest first. */
	v = xcalloc(e->nservers, sizeof(*v));
	for (i = 0; i < e->nbuckets; i++)
		for (s = e->buckets[i]; s != NULL; s = s->next)
			if (s->refs == 0 && !s->pumping)
				v[k++] = s;
	if (k > 0 && e->nservers - max > 0) {
		qsort(v, k, sizeof(*v), query_server_older);
		x.cutoff = v[(e->nservers - max < k ? e->nservers - max : k) - 1]->used_ms;
		n += query_engine_drop(e, query_server_before, &x);
	}
	free(v);
	return n;
}

uint64_t
query_engine_forgotten(const struct query_engine *e)
{
	return e->forgotten;
}

size_t
query_engine_servers(const struct query_engine *e)
{
	return e->nservers;
}

size_t
query_engine_queued(const struct query_engine *e)
{
	return e->queued;
}

size_t
query_engine_inflight(const struct query_engine *e)
{
	return e->inflight;
}
