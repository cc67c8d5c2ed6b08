/* unit_query: the query engine against a fake DNS server on loopback, in the same loop. */
#include "zhbuild.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <ldns/ldns.h>

#include "query.h"
#include "unit_main.h"

#define FAKE_MAX_SEEN	64

/* How the fake server treats each query. */
enum fake_mode {
	FAKE_ANSWER,
	FAKE_DROP,		/* drops the first `drop` queries, answers the rest */
	FAKE_DELAY,		/* answers after delay_ms */
	FAKE_TC,		/* UDP: TC=1 and empty; TCP: the full answer */
	FAKE_WRONG_ID,		/* another id first, then the answer */
	FAKE_WRONG_QUESTION,	/* another name first, then the answer */
	FAKE_OTHER_SOURCE,	/* the answer from 127.0.0.2 first, then from us */
	FAKE_OTHER_PORT,	/* the answer from another port first */
	FAKE_GARBAGE,		/* bytes that do not parse, behind the query's id */
	FAKE_FLOOD,		/* noise that is not ours first: garbage and
				   answers with other ids; then the answer */
	FAKE_TCP_CUT,		/* half a message, then close */
	FAKE_TCP_TRICKLE,	/* one byte every 50 ms */
	FAKE_TCP_SILENT,	/* accept, read, never answer */
};

struct fake;

struct fake_conn {
	struct fake		*fake;
	int			 fd;
	struct event		*ev_read;
	struct event		*ev_trickle;
	uint8_t			 in[4096];
	size_t			 inlen;
	uint8_t			*out;
	size_t			 outlen;
	size_t			 outoff;
	LIST_ENTRY(fake_conn)	 entry;
};

struct fake_delayed {
	struct fake		*fake;
	struct event		*ev;
	uint8_t			*wire;
	size_t			 len;
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	LIST_ENTRY(fake_delayed) entry;
};

struct fake {
	struct event_base	*base;
	enum fake_mode		 mode;
	unsigned		 drop;
	unsigned		 delay_ms;
	int			 udp_fd;
	int			 tcp_fd;
	int			 alt_fd;	/* FAKE_OTHER_SOURCE, _PORT */
	struct event		*ev_udp;
	struct event		*ev_tcp;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;

	unsigned		 received;	/* queries, UDP and TCP */
	unsigned		 tcp_received;
	unsigned		 outstanding;	/* delayed answers not sent yet */
	unsigned		 max_outstanding;
	uint16_t		 ids[FAKE_MAX_SEEN];
	in_port_t		 ports[FAKE_MAX_SEEN];
	uint64_t		 times[FAKE_MAX_SEEN];	/* monotonic ms */
	struct sockaddr_storage	 last_from;
	ldns_pkt		*last_query;
	LIST_HEAD(, fake_conn)	 conns;
	LIST_HEAD(, fake_delayed) delayed;
};

/* What a query's callback saw. */
struct res {
	int			 done;
	enum query_status	 status;
	enum query_transport	 transport;
	unsigned		 attempts;
	bool			 truncated;
	unsigned		 mismatched;
	double			 rtt;
	struct sockaddr_storage	 wrong_source;
	ldns_pkt		*pkt;
};

static int	 callbacks;	/* every callback, all queries */

static uint64_t
test_now_ms(void)
{
	struct timespec	ts;

	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static socklen_t
test_addr(struct sockaddr_storage *ss, const char *host, in_port_t port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	ck_assert_int_eq(inet_pton(AF_INET6, host, &sin6->sin6_addr), 1);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	return sizeof(*sin6);
}

static in_port_t
test_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static const char *
test_host(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void	*a;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		return "";
	ck_assert_ptr_nonnull(inet_ntop(ss->ss_family, a, buf, (socklen_t)len));
	return buf;
}

static void
test_tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

/* Runs the loop until *counter reaches target; false after max_ms. A
 * ticking timer keeps EVLOOP_ONCE from sleeping past the deadline. */
static bool
test_run_until(struct event_base *base, const int *counter, int target,
    uint64_t max_ms)
{
	struct event	*tick;
	struct timeval	 tv = { 0, 20 * 1000 };
	uint64_t	 deadline = test_now_ms() + max_ms;
	bool		 ok = true;

	tick = event_new(base, -1, EV_PERSIST, test_tick_cb, NULL);
	ck_assert_ptr_nonnull(tick);
	ck_assert_int_eq(event_add(tick, &tv), 0);
	while (*counter < target) {
		if (test_now_ms() > deadline) {
			ok = false;
			break;
		}
		ck_assert_int_ne(event_base_loop(base, EVLOOP_ONCE), -1);
	}
	event_free(tick);
	return ok;
}

static void
test_run_for(struct event_base *base, uint64_t ms)
{
	int	never = 0;

	test_run_until(base, &never, 1, ms);
}

static ldns_rdf *
test_name(const char *s)
{
	ldns_rdf	*r = ldns_dname_new_frm_str(s);

	ck_assert_ptr_nonnull(r);
	return r;
}

/* An answer to query with the given id; name overrides the question. */
static uint8_t *
fake_answer(const ldns_pkt *query, uint16_t id, const char *name, bool tc,
    bool with_record, size_t *len)
{
	ldns_pkt	*a;
	ldns_rr		*q, *rr;
	ldns_rdf	*owner;
	char		*s, *line;
	uint8_t		*wire = NULL;

	ck_assert_ptr_nonnull(a = ldns_pkt_new());
	ldns_pkt_set_id(a, id);
	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_aa(a, true);
	ldns_pkt_set_tc(a, tc);
	ldns_pkt_set_opcode(a, LDNS_PACKET_QUERY);
	ldns_pkt_set_rcode(a, LDNS_RCODE_NOERROR);
	q = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(query), 0));
	ck_assert_ptr_nonnull(q);
	if (name != NULL) {
		owner = ldns_rr_owner(q);
		ldns_rr_set_owner(q, test_name(name));
		ldns_rdf_deep_free(owner);
	}
	ck_assert(ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, q));
	if (with_record) {
		ck_assert_ptr_nonnull(s = ldns_rdf2str(ldns_rr_owner(q)));
		ck_assert_int_ne(asprintf(&line, "%s 300 IN A 192.0.2.1", s), -1);
		ck_assert_int_eq(ldns_rr_new_frm_str(&rr, line, 300, NULL, NULL),
		    LDNS_STATUS_OK);
		ck_assert(ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr));
		free(line);
		free(s);
	}
	ck_assert_int_eq(ldns_pkt2wire(&wire, a, len), LDNS_STATUS_OK);
	ldns_pkt_free(a);
	return wire;
}

static void
fake_sendto(int fd, const uint8_t *wire, size_t len,
    const struct sockaddr_storage *to, socklen_t tolen)
{
	ck_assert_int_eq(sendto(fd, wire, len, 0, (const struct sockaddr *)to,
	    tolen), (ssize_t)len);
}

/* Notes a query; NULL if it does not parse. */
static ldns_pkt *
fake_record(struct fake *f, const uint8_t *data, size_t len,
    const struct sockaddr_storage *from)
{
	ldns_pkt	*p;
	unsigned	 i;

	if (ldns_wire2pkt(&p, data, len) != LDNS_STATUS_OK)
		return NULL;
	i = f->received++;
	if (i < FAKE_MAX_SEEN) {
		f->ids[i] = ldns_pkt_id(p);
		f->ports[i] = test_port(from);
		f->times[i] = test_now_ms();
	}
	memcpy(&f->last_from, from, sizeof(*from));
	if (f->last_query != NULL)
		ldns_pkt_free(f->last_query);
	f->last_query = ldns_pkt_clone(p);
	return p;
}

static void
fake_delayed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_delayed	*d = arg;

	fake_sendto(d->fake->udp_fd, d->wire, d->len, &d->to, d->tolen);
	d->fake->outstanding--;
	LIST_REMOVE(d, entry);
	event_free(d->ev);
	free(d->wire);
	free(d);
}

static void
fake_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake		*f = arg;
	struct fake_delayed	*d;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen = sizeof(from);
	struct timeval		 tv;
	uint8_t			 buf[4096], *w;
	size_t			 len;
	ssize_t			 n;
	ldns_pkt		*p;
	uint16_t		 id;
	uint8_t			 garbage[] = "\x13\x37 this is not DNS at all";
	unsigned		 i;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
	if (n <= 0)
		return;
	if ((p = fake_record(f, buf, (size_t)n, &from)) == NULL)
		return;
	id = ldns_pkt_id(p);
	switch (f->mode) {
	case FAKE_DROP:
		if (f->received <= f->drop)
			break;
		/* FALLTHROUGH */
	case FAKE_ANSWER:
		w = fake_answer(p, id, NULL, false, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		break;
	case FAKE_DELAY:
		d = calloc(1, sizeof(*d));
		ck_assert_ptr_nonnull(d);
		d->fake = f;
		d->wire = fake_answer(p, id, NULL, false, false, &d->len);
		memcpy(&d->to, &from, sizeof(from));
		d->tolen = fromlen;
		d->ev = evtimer_new(f->base, fake_delayed_cb, d);
		ck_assert_ptr_nonnull(d->ev);
		tv.tv_sec = f->delay_ms / 1000;
		tv.tv_usec = (suseconds_t)(f->delay_ms % 1000) * 1000;
		ck_assert_int_eq(evtimer_add(d->ev, &tv), 0);
		LIST_INSERT_HEAD(&f->delayed, d, entry);
		if (++f->outstanding > f->max_outstanding)
			f->max_outstanding = f->outstanding;
		break;
	case FAKE_TC:
		w = fake_answer(p, id, NULL, true, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		break;
	case FAKE_WRONG_ID:
		w = fake_answer(p, id ^ 0x5a5a, NULL, false, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		w = fake_answer(p, id, NULL, false, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		break;
	case FAKE_WRONG_QUESTION:
		w = fake_answer(p, id, "other.example.", false, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		w = fake_answer(p, id, NULL, false, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		break;
	case FAKE_OTHER_SOURCE:
	case FAKE_OTHER_PORT:
		w = fake_answer(p, id, NULL, false, false, &len);
		fake_sendto(f->alt_fd, w, len, &from, fromlen);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		break;
	case FAKE_GARBAGE:
		garbage[0] = (uint8_t)(id >> 8);
		garbage[1] = (uint8_t)id;
		fake_sendto(fd, garbage, sizeof(garbage) - 1, &from, fromlen);
		break;
	case FAKE_FLOOD:
		for (i = 1; i <= 40; i++) {
			garbage[0] = (uint8_t)((id + i) >> 8);
			garbage[1] = (uint8_t)(id + i);
			fake_sendto(fd, garbage, sizeof(garbage) - 1, &from, fromlen);
			w = fake_answer(p, (uint16_t)(id + i), NULL, false, false, &len);
			fake_sendto(fd, w, len, &from, fromlen);
			free(w);
		}
		w = fake_answer(p, id, NULL, false, false, &len);
		fake_sendto(fd, w, len, &from, fromlen);
		free(w);
		break;
	default:
		break;
	}
	ldns_pkt_free(p);
}

static void
fake_conn_free(struct fake_conn *c)
{
	LIST_REMOVE(c, entry);
	event_free(c->ev_read);
	if (c->ev_trickle != NULL)
		event_free(c->ev_trickle);
	ck_assert_int_eq(close(c->fd), 0);
	free(c->out);
	free(c);
}

static void
fake_trickle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_conn	*c = arg;

	if (c->outoff == c->outlen) {
		ck_assert_int_eq(event_del(c->ev_trickle), 0);
		return;
	}
	if (send(c->fd, c->out + c->outoff, 1, MSG_NOSIGNAL) == 1)
		c->outoff++;
}

static void
fake_conn_query(struct fake_conn *c, ldns_pkt *p)
{
	struct timeval	 tv = { 0, 50 * 1000 };
	uint8_t		*w;
	size_t		 len;

	w = fake_answer(p, ldns_pkt_id(p), NULL, false, c->fake->mode == FAKE_TC,
	    &len);
	c->out = malloc(len + 2);
	ck_assert_ptr_nonnull(c->out);
	c->out[0] = (uint8_t)(len >> 8);
	c->out[1] = (uint8_t)len;
	memcpy(c->out + 2, w, len);
	c->outlen = len + 2;
	free(w);
	switch (c->fake->mode) {
	case FAKE_TCP_SILENT:
		break;
	case FAKE_TCP_CUT:
		ck_assert_int_eq(send(c->fd, c->out, c->outlen / 2, MSG_NOSIGNAL),
		    (ssize_t)(c->outlen / 2));
		fake_conn_free(c);
		break;
	case FAKE_TCP_TRICKLE:
		c->ev_trickle = event_new(c->fake->base, -1, EV_PERSIST,
		    fake_trickle_cb, c);
		ck_assert_ptr_nonnull(c->ev_trickle);
		ck_assert_int_eq(event_add(c->ev_trickle, &tv), 0);
		break;
	default:
		ck_assert_int_eq(send(c->fd, c->out, c->outlen, MSG_NOSIGNAL),
		    (ssize_t)c->outlen);
		break;
	}
}

static void
fake_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_conn	*c = arg;
	struct sockaddr_storage	 peer;
	socklen_t		 plen = sizeof(peer);
	ldns_pkt		*p;
	size_t			 need;
	ssize_t			 n;

	n = recv(fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			fake_conn_free(c);
		return;
	}
	c->inlen += (size_t)n;
	if (c->inlen < 2)
		return;
	need = (size_t)c->in[0] << 8 | c->in[1];
	if (c->inlen < need + 2 || c->out != NULL)
		return;
	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&peer, &plen), 0);
	if ((p = fake_record(c->fake, c->in + 2, need, &peer)) == NULL)
		return;
	c->fake->tcp_received++;
	fake_conn_query(c, p);
	ldns_pkt_free(p);
}

static void
fake_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake		*f = arg;
	struct fake_conn	*c;
	int			 s;

	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	ck_assert_ptr_nonnull(c = calloc(1, sizeof(*c)));
	c->fake = f;
	c->fd = s;
	c->ev_read = event_new(f->base, s, EV_READ | EV_PERSIST,
	    fake_conn_read_cb, c);
	ck_assert_ptr_nonnull(c->ev_read);
	ck_assert_int_eq(event_add(c->ev_read, NULL), 0);
	LIST_INSERT_HEAD(&f->conns, c, entry);
}

/* A UDP and a TCP socket on the same random free port of host. */
static struct fake *
fake_new(struct event_base *base, const char *host, enum fake_mode mode)
{
	struct fake		*f;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 tries, on = 1;

	ck_assert_ptr_nonnull(f = calloc(1, sizeof(*f)));
	f->base = base;
	f->mode = mode;
	f->alt_fd = -1;
	LIST_INIT(&f->conns);
	LIST_INIT(&f->delayed);
	for (tries = 0; ; tries++) {
		ck_assert_int_lt(tries, 20);
		f->addrlen = test_addr(&f->addr, host, 0);
		f->udp_fd = socket(f->addr.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		ck_assert_int_ne(f->udp_fd, -1);
		ck_assert_int_eq(bind(f->udp_fd, (struct sockaddr *)&f->addr,
		    f->addrlen), 0);
		len = sizeof(f->addr);
		ck_assert_int_eq(getsockname(f->udp_fd,
		    (struct sockaddr *)&f->addr, &len), 0);
		f->tcp_fd = socket(f->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		ck_assert_int_ne(f->tcp_fd, -1);
		ck_assert_int_eq(setsockopt(f->tcp_fd, SOL_SOCKET, SO_REUSEADDR,
		    &on, sizeof(on)), 0);
		if (bind(f->tcp_fd, (struct sockaddr *)&f->addr, f->addrlen) == 0)
			break;
		close(f->udp_fd);
		close(f->tcp_fd);
	}
	ck_assert_int_eq(listen(f->tcp_fd, 16), 0);
	f->ev_udp = event_new(base, f->udp_fd, EV_READ | EV_PERSIST,
	    fake_udp_cb, f);
	f->ev_tcp = event_new(base, f->tcp_fd, EV_READ | EV_PERSIST,
	    fake_accept_cb, f);
	ck_assert_ptr_nonnull(f->ev_udp);
	ck_assert_ptr_nonnull(f->ev_tcp);
	ck_assert_int_eq(event_add(f->ev_udp, NULL), 0);
	ck_assert_int_eq(event_add(f->ev_tcp, NULL), 0);
	if (mode == FAKE_OTHER_SOURCE || mode == FAKE_OTHER_PORT) {
		len = test_addr(&ss, mode == FAKE_OTHER_SOURCE ? "127.0.0.2" :
		    host, 0);
		f->alt_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ne(f->alt_fd, -1);
		ck_assert_int_eq(bind(f->alt_fd, (struct sockaddr *)&ss, len), 0);
	}
	return f;
}

static void
fake_free(struct fake *f)
{
	struct fake_delayed	*d;

	while (!LIST_EMPTY(&f->conns))
		fake_conn_free(LIST_FIRST(&f->conns));
	while ((d = LIST_FIRST(&f->delayed)) != NULL) {
		LIST_REMOVE(d, entry);
		event_free(d->ev);
		free(d->wire);
		free(d);
	}
	event_free(f->ev_udp);
	event_free(f->ev_tcp);
	close(f->udp_fd);
	close(f->tcp_fd);
	if (f->alt_fd != -1)
		close(f->alt_fd);
	if (f->last_query != NULL)
		ldns_pkt_free(f->last_query);
	free(f);
}

static void
test_cb(struct query_result *r, void *arg)
{
	struct res	*res = arg;

	res->done++;
	callbacks++;
	res->status = r->status;
	res->transport = r->transport;
	res->attempts = r->attempts;
	res->truncated = r->truncated;
	res->mismatched = r->mismatched;
	res->rtt = r->rtt;
	memcpy(&res->wrong_source, &r->wrong_source, sizeof(r->wrong_source));
	/* Takes the answer, as callers may. */
	res->pkt = r->pkt;
	r->pkt = NULL;
}

static void
res_clear(struct res *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (r[i].pkt != NULL)
			ldns_pkt_free(r[i].pkt);
}

/* A test's world: a loop, an engine, a server. */
struct world {
	struct event_base	*base;
	struct query_engine	*engine;
	struct fake		*fake;
	ldns_rdf		*name;
};

static void
world_init(struct world *w, const char *host, enum fake_mode mode,
    uint64_t timeout_ms, unsigned retries)
{
	struct query_engine_config	cfg = {
		.timeout_ms = timeout_ms,
		.retries = retries,
		.max_inflight = 100,
		.server_qps = 0,
		.edns_size = 1232,
	};

	callbacks = 0;
	ck_assert_ptr_nonnull(w->base = event_base_new());
	ck_assert_ptr_nonnull(w->engine = query_engine_new(w->base, &cfg));
	w->fake = fake_new(w->base, host, mode);
	w->name = test_name("WwW.Example.");
}

static void
world_free(struct world *w)
{
	query_engine_free(w->engine);
	fake_free(w->fake);
	ldns_rdf_deep_free(w->name);
	event_base_free(w->base);
}

static struct query *
world_send(struct world *w, unsigned flags, struct res *r)
{
	return query_engine_send(w->engine, w->name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w->fake->addr, NULL, flags, test_cb, r);
}

/* One query to the fake server, run until its callback (within wait_ms). */
static void
world_ask(struct world *w, unsigned flags, struct res *r, int wait_ms)
{
	ck_assert_ptr_nonnull(world_send(w, flags, r));
	ck_assert(test_run_until(w->base, &r->done, 1, wait_ms));
}

/* The engine's counters for addr, or all zero. */
struct stats_find {
	const struct sockaddr_storage	*addr;
	struct query_server_stats	 st;
	int				 found;
};

static void
stats_find_cb(const struct query_server_stats *st, void *arg)
{
	struct stats_find	*sf = arg;
	char			 a[64], b[64];

	if (st->addr->sa_family != sf->addr->ss_family ||
	    test_port((const struct sockaddr_storage *)st->addr) !=
	    test_port(sf->addr))
		return;
	if (strcmp(test_host((const struct sockaddr_storage *)st->addr, a,
	    sizeof(a)), test_host(sf->addr, b, sizeof(b))) != 0)
		return;
	sf->st = *st;
	sf->found++;
}

static struct query_server_stats
stats_for(struct world *w, const struct sockaddr_storage *addr)
{
	struct stats_find	sf;

	memset(&sf, 0, sizeof(sf));
	sf.addr = addr;
	query_engine_foreach_server(w->engine, stats_find_cb, &sf);
	ck_assert_int_eq(sf.found, 1);
	return sf.st;
}

START_TEST(test_answer_udp)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	ck_assert_ptr_nonnull(world_send(&w, 0, &r));
	/* Never a callback from inside send. */
	ck_assert_int_eq(r.done, 0);
	ck_assert_uint_eq(query_engine_inflight(w.engine), 1);
	ck_assert(test_run_until(w.base, &r.done, 1, 5000));
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_int_eq(r.transport, QUERY_UDP);
	ck_assert_uint_eq(r.attempts, 1);
	ck_assert(!r.truncated);
	ck_assert_uint_eq(r.mismatched, 0);
	ck_assert(r.rtt >= 0);
	ck_assert_int_eq(r.wrong_source.ss_family, 0);
	ck_assert_ptr_nonnull(r.pkt);
	ck_assert(ldns_pkt_aa(r.pkt));
	ck_assert_uint_eq(query_engine_inflight(w.engine), 0);
	ck_assert_uint_eq(query_engine_queued(w.engine), 0);

	/* What went out: EDNS0 at 1232, no DO, no RD, a source port >= 1024. */
	ck_assert(ldns_pkt_edns(w.fake->last_query));
	ck_assert_uint_eq(ldns_pkt_edns_udp_size(w.fake->last_query), 1232);
	ck_assert(!ldns_pkt_edns_do(w.fake->last_query));
	ck_assert(!ldns_pkt_rd(w.fake->last_query));
	ck_assert(!ldns_pkt_cd(w.fake->last_query));
	ck_assert_uint_ge(w.fake->ports[0], 1024);

	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_ANSWERED], 1);
	ck_assert_uint_eq(st.counts[QUERY_TCP][QUERY_COUNT_ANSWERED], 0);
	ck_assert(st.last_ok[QUERY_UDP]);
	ck_assert(st.last_rtt[QUERY_UDP] >= 0);
	ck_assert(st.last_rtt[QUERY_TCP] < 0);
	ck_assert_str_eq(query_counter_names[QUERY_COUNT_REFUSED_CONNECTION],
	    "refused_connection");
	ck_assert_str_eq(query_status_name(QUERY_OK), "ok");
	ck_assert_str_eq(query_status_name(QUERY_REFUSED_CONNECTION),
	    "refused_connection");
	ck_assert_str_eq(query_status_name(QUERY_CANCELLED), "cancelled");
	ck_assert_str_eq(query_status_name((enum query_status)99), "unknown");
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_flags_do_rd_cd)
{
	struct world	w;
	struct res	r = { 0 };

	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	world_ask(&w, QUERY_F_DO | QUERY_F_RD | QUERY_F_CD, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert(ldns_pkt_edns(w.fake->last_query));
	ck_assert_uint_eq(ldns_pkt_edns_udp_size(w.fake->last_query), 1232);
	ck_assert(ldns_pkt_edns_do(w.fake->last_query));
	ck_assert(ldns_pkt_rd(w.fake->last_query));
	ck_assert(ldns_pkt_cd(w.fake->last_query));
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_no_edns)
{
	struct world	w;
	struct res	r = { 0 };

	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	/* NO_EDNS wins over DO: there is no OPT record to carry it. */
	world_ask(&w, QUERY_F_NO_EDNS | QUERY_F_DO, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert(!ldns_pkt_edns(w.fake->last_query));
	ck_assert_uint_eq(ldns_pkt_arcount(w.fake->last_query), 0);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_retry_new_id_and_port)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_DROP, 200, 2);
	w.fake->drop = 2;
	world_ask(&w, 0, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_uint_eq(r.attempts, 3);
	ck_assert_uint_eq(w.fake->received, 3);
	/* RFC 5452: each try its own id and port. Two equal draws of 16 bits
	 * in a row would be a 1-in-65536 fluke; three equal ones, a bug. */
	ck_assert(w.fake->ids[0] != w.fake->ids[1] ||
	    w.fake->ids[1] != w.fake->ids[2]);
	ck_assert(w.fake->ports[0] != w.fake->ports[1] ||
	    w.fake->ports[1] != w.fake->ports[2]);
	ck_assert_uint_ge(w.fake->ports[1], 1024);
	ck_assert_uint_ge(w.fake->ports[2], 1024);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_TIMEOUT], 2);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_ANSWERED], 1);
	ck_assert(st.last_ok[QUERY_UDP]);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_timeout)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_DROP, 200, 1);
	w.fake->drop = 1000;
	world_ask(&w, 0, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_TIMEOUT);
	ck_assert_uint_eq(r.attempts, 2);
	ck_assert_ptr_null(r.pkt);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_TIMEOUT], 2);
	ck_assert(!st.last_ok[QUERY_UDP]);
	ck_assert(st.last_rtt[QUERY_UDP] < 0);
	world_free(&w);
}
END_TEST

START_TEST(test_delayed_answer)
{
	struct world	w;
	struct res	r = { 0 };

	world_init(&w, "127.0.0.1", FAKE_DELAY, 2000, 0);
	w.fake->delay_ms = 100;
	world_ask(&w, 0, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_uint_eq(r.attempts, 1);
	/* A lower bound only, and a loose one: libevent's timers run on a
	 * coarse clock and may fire a few milliseconds early. */
	ck_assert(r.rtt >= 0.05);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tc_falls_back_to_tcp)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_TC, 1000, 0);
	world_ask(&w, 0, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert(r.truncated);
	ck_assert_int_eq(r.transport, QUERY_TCP);
	ck_assert_uint_eq(r.attempts, 2);
	ck_assert_uint_eq(w.fake->tcp_received, 1);
	ck_assert(!ldns_pkt_tc(r.pkt));
	ck_assert_uint_eq(ldns_pkt_ancount(r.pkt), 1);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_TRUNCATED], 1);
	ck_assert_uint_eq(st.counts[QUERY_TCP][QUERY_COUNT_ANSWERED], 1);
	ck_assert(st.last_rtt[QUERY_TCP] >= 0);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tc_no_retry)
{
	struct world	w;
	struct res	r = { 0 };

	world_init(&w, "127.0.0.1", FAKE_TC, 1000, 0);
	world_ask(&w, QUERY_F_NO_TC_RETRY, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert(r.truncated);
	ck_assert_int_eq(r.transport, QUERY_UDP);
	ck_assert_uint_eq(r.attempts, 1);
	ck_assert(ldns_pkt_tc(r.pkt));
	ck_assert_uint_eq(w.fake->tcp_received, 0);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tc_then_tcp_fails)
{
	struct world	w;
	struct res	r = { 0 };

	/* TC over UDP, then a TCP server that never answers: the truncated
	 * answer is still an answer. */
	world_init(&w, "127.0.0.1", FAKE_TC, 200, 0);
	w.fake->mode = FAKE_TC;
	event_free(w.fake->ev_tcp);
	w.fake->ev_tcp = event_new(w.base, -1, 0, test_tick_cb, NULL);
	world_ask(&w, 0, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert(r.truncated);
	ck_assert_int_eq(r.transport, QUERY_UDP);
	ck_assert_uint_eq(r.attempts, 2);
	ck_assert(ldns_pkt_tc(r.pkt));
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

static void
test_mismatch_first(enum fake_mode mode)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", mode, 1000, 0);
	world_ask(&w, 0, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_uint_eq(r.attempts, 1);
	ck_assert_uint_eq(r.mismatched, 1);
	ck_assert_int_eq(r.wrong_source.ss_family, 0);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_MISMATCHED], 1);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_ANSWERED], 1);
	res_clear(&r, 1);
	world_free(&w);
}

START_TEST(test_wrong_id_first)
{
	test_mismatch_first(FAKE_WRONG_ID);
}
END_TEST

START_TEST(test_wrong_question_first)
{
	test_mismatch_first(FAKE_WRONG_QUESTION);
}
END_TEST

START_TEST(test_other_source_first)
{
	struct world	w;
	struct res	r = { 0 };
	char		buf[64];

	world_init(&w, "127.0.0.1", FAKE_OTHER_SOURCE, 1000, 0);
	world_ask(&w, 0, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_uint_eq(r.mismatched, 1);
	ck_assert_int_eq(r.wrong_source.ss_family, AF_INET);
	ck_assert_str_eq(test_host(&r.wrong_source, buf, sizeof(buf)),
	    "127.0.0.2");
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_garbage)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_GARBAGE, 1000, 1);
	world_ask(&w, 0, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_MALFORMED);
	ck_assert_uint_eq(r.attempts, 2);
	ck_assert_ptr_null(r.pkt);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_MALFORMED], 2);
	world_free(&w);
}
END_TEST

/* Unparseable datagrams with other ids are noise, like answers with other
 * ids: counted, ignored, and the answer behind them is taken (RFC 5452). */
START_TEST(test_flood_first)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_FLOOD, 1000, 0);
	world_ask(&w, 0, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_uint_eq(r.attempts, 1);
	ck_assert_uint_eq(r.mismatched, 80);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_MISMATCHED], 80);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_MALFORMED], 0);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_ANSWERED], 1);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tcp_answer)
{
	struct world	w;
	struct res	r = { 0 };

	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	world_ask(&w, QUERY_F_TCP | QUERY_F_DO, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_int_eq(r.transport, QUERY_TCP);
	ck_assert_uint_eq(r.attempts, 1);
	ck_assert_uint_eq(w.fake->tcp_received, 1);
	ck_assert(ldns_pkt_edns_do(w.fake->last_query));
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tcp_cut_short)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_TCP_CUT, 1000, 0);
	world_ask(&w, QUERY_F_TCP, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_MALFORMED);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_TCP][QUERY_COUNT_MALFORMED], 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tcp_trickle)
{
	struct world	w;
	struct res	r = { 0 };
	ldns_rdf	*name;

	/* About 21 bytes at one per 50 ms: done well inside the timeout. */
	world_init(&w, "127.0.0.1", FAKE_TCP_TRICKLE, 5000, 0);
	name = test_name("t.");
	query_engine_send(w.engine, name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, QUERY_F_TCP | QUERY_F_NO_EDNS,
	    test_cb, &r);
	ldns_rdf_deep_free(name);
	ck_assert(test_run_until(w.base, &r.done, 1, 15000));
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_int_eq(r.transport, QUERY_TCP);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_tcp_silent)
{
	struct world			w;
	struct res			r = { 0 };
	struct query_server_stats	st;

	world_init(&w, "127.0.0.1", FAKE_TCP_SILENT, 200, 1);
	world_ask(&w, QUERY_F_TCP, &r, 10000);
	ck_assert_int_eq(r.status, QUERY_TIMEOUT);
	ck_assert_uint_eq(r.attempts, 2);
	ck_assert_uint_eq(w.fake->tcp_received, 2);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_TCP][QUERY_COUNT_TIMEOUT], 2);
	world_free(&w);
}
END_TEST

/* A port with nothing on it: UDP answers with ICMP port unreachable. */
static void
test_closed_udp(const char *host)
{
	struct world			w;
	struct res			r = { 0 };
	struct sockaddr_storage		ss;
	struct query_server_stats	st;
	socklen_t			len;
	int				fd;

	world_init(&w, host, FAKE_ANSWER, 1000, 1);
	len = test_addr(&ss, host, 0);
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	ck_assert_int_eq(close(fd), 0);
	query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&ss, NULL, 0, test_cb, &r);
	ck_assert(test_run_until(w.base, &r.done, 1, 10000));
	ck_assert_int_eq(r.status, QUERY_REFUSED_CONNECTION);
	ck_assert_uint_eq(r.attempts, 2);
	st = stats_for(&w, &ss);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_REFUSED_CONNECTION], 2);
	world_free(&w);
}

START_TEST(test_udp_closed_port)
{
	test_closed_udp("127.0.0.1");
}
END_TEST

START_TEST(test_tcp_closed_port)
{
	struct world			w;
	struct res			r = { 0 };
	struct sockaddr_storage		ss;
	struct query_server_stats	st;
	socklen_t			len;
	int				fd;

	/* Bound but not listening: the port is ours, and connects get RST. */
	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	len = test_addr(&ss, "127.0.0.1", 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&ss, NULL, QUERY_F_TCP, test_cb, &r);
	ck_assert(test_run_until(w.base, &r.done, 1, 5000));
	ck_assert_int_eq(r.status, QUERY_REFUSED_CONNECTION);
	ck_assert_int_eq(r.transport, QUERY_TCP);
	st = stats_for(&w, &ss);
	ck_assert_uint_eq(st.counts[QUERY_TCP][QUERY_COUNT_REFUSED_CONNECTION], 1);
	ck_assert_int_eq(close(fd), 0);
	world_free(&w);
}
END_TEST

START_TEST(test_source_address)
{
	struct world		w;
	struct res		r[2] = { { 0 } };
	struct sockaddr_storage	src;
	char			buf[64];

	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	test_addr(&src, "127.0.0.3", 0);
	query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, (struct sockaddr *)&src, 0,
	    test_cb, &r[0]);
	ck_assert(test_run_until(w.base, &r[0].done, 1, 5000));
	ck_assert_int_eq(r[0].status, QUERY_OK);
	ck_assert_str_eq(test_host(&w.fake->last_from, buf, sizeof(buf)),
	    "127.0.0.3");
	ck_assert_uint_ge(test_port(&w.fake->last_from), 1024);

	query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, (struct sockaddr *)&src,
	    QUERY_F_TCP, test_cb, &r[1]);
	ck_assert(test_run_until(w.base, &r[1].done, 1, 5000));
	ck_assert_int_eq(r[1].status, QUERY_OK);
	ck_assert_uint_eq(w.fake->tcp_received, 1);
	ck_assert_str_eq(test_host(&w.fake->last_from, buf, sizeof(buf)),
	    "127.0.0.3");
	res_clear(r, 2);
	world_free(&w);
}
END_TEST

START_TEST(test_other_port_first)
{
	struct world	w;
	struct res	r = { 0 };

	/* The right address but not the port asked: ignored, and not a
	 * wrong source address either. */
	world_init(&w, "127.0.0.1", FAKE_OTHER_PORT, 1000, 0);
	world_ask(&w, 0, &r, 5000);
	ck_assert_int_eq(r.status, QUERY_OK);
	ck_assert_uint_eq(r.mismatched, 1);
	ck_assert_int_eq(r.wrong_source.ss_family, 0);
	res_clear(&r, 1);
	world_free(&w);
}
END_TEST

START_TEST(test_ipv6)
{
	struct world	w;
	struct res	r[2] = { { 0 } };
	char		buf[64];

	world_init(&w, "::1", FAKE_TC, 1000, 0);
	world_send(&w, QUERY_F_NO_TC_RETRY, &r[0]);
	world_send(&w, 0, &r[1]);
	ck_assert(test_run_until(w.base, &callbacks, 2, 5000));
	ck_assert_int_eq(r[0].status, QUERY_OK);
	ck_assert_int_eq(r[0].transport, QUERY_UDP);
	ck_assert_int_eq(r[1].status, QUERY_OK);
	ck_assert_int_eq(r[1].transport, QUERY_TCP);
	ck_assert_str_eq(test_host(&w.fake->last_from, buf, sizeof(buf)), "::1");
	res_clear(r, 2);
	world_free(&w);
}
END_TEST

START_TEST(test_ipv6_closed_port)
{
	test_closed_udp("::1");
}
END_TEST

START_TEST(test_max_inflight)
{
	struct world			 w;
	struct res			 r[10];
	struct query_engine_config	 cfg = {
		.timeout_ms = 2000, .retries = 0, .max_inflight = 2,
		.server_qps = 0, .edns_size = 1232,
	};
	int				 i, seen = 0;

	memset(r, 0, sizeof(r));
	world_init(&w, "127.0.0.1", FAKE_DELAY, 2000, 0);
	w.fake->delay_ms = 30;
	query_engine_configure(w.engine, &cfg);
	for (i = 0; i < 10; i++)
		world_send(&w, 0, &r[i]);
	ck_assert_uint_eq(query_engine_inflight(w.engine), 2);
	ck_assert_uint_eq(query_engine_queued(w.engine), 8);
	while (seen < 10) {
		ck_assert(test_run_until(w.base, &callbacks, seen + 1, 10000));
		seen = callbacks;
		ck_assert_uint_le(query_engine_inflight(w.engine), 2);
		ck_assert_uint_le(w.fake->outstanding, 2);
	}
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(r[i].done, 1);
		ck_assert_int_eq(r[i].status, QUERY_OK);
	}
	/* The server never had more than two queries waiting on it. */
	ck_assert_uint_eq(w.fake->max_outstanding, 2);
	ck_assert_uint_eq(w.fake->received, 10);
	ck_assert_uint_eq(query_engine_queued(w.engine), 0);
	res_clear(r, 10);
	world_free(&w);
}
END_TEST

START_TEST(test_server_qps)
{
	struct world			 w;
	struct res			 r[15];
	struct query_engine_config	 cfg = {
		.timeout_ms = 2000, .retries = 0, .max_inflight = 100,
		.server_qps = 10, .edns_size = 1232,
	};
	struct query_server_stats	 st;
	uint64_t			 start, elapsed;
	int				 i;

	memset(r, 0, sizeof(r));
	world_init(&w, "127.0.0.1", FAKE_ANSWER, 2000, 0);
	query_engine_configure(w.engine, &cfg);
	start = test_now_ms();
	for (i = 0; i < 15; i++)
		world_send(&w, 0, &r[i]);
	elapsed = test_now_ms() - start;
	/*
	 * Bounds that hold however slow the machine: the bucket starts with
	 * 10 tokens and earns one per 100 ms, so no more can have started
	 * than 10 plus what the elapsed time earned; the rest wait.
	 */
	ck_assert_uint_le(query_engine_inflight(w.engine), 10 + elapsed / 100 + 1);
	ck_assert_uint_eq(query_engine_inflight(w.engine) +
	    query_engine_queued(w.engine), 15);
	ck_assert(test_run_until(w.base, &callbacks, 15, 20000));
	for (i = 0; i < 15; i++)
		ck_assert_int_eq(r[i].status, QUERY_OK);
	/* The 15th token is earned 500 ms after the bucket was made, at or
	 * after start; the server cannot have seen it sooner. */
	ck_assert_uint_eq(w.fake->received, 15);
	ck_assert_uint_ge(w.fake->times[14] - start, 500);
	st = stats_for(&w, &w.fake->addr);
	ck_assert_uint_eq(st.counts[QUERY_UDP][QUERY_COUNT_ANSWERED], 15);
	res_clear(r, 15);
	world_free(&w);
}
END_TEST

/* For test_cancel_in_callback: r[0]'s callback cancels the others. */
struct cancel_ctx {
	struct query	*q[4];
	struct res	 r[4];
};
static struct cancel_ctx	*cancel_ctx;

static void
test_cancel_cb(struct query_result *qr, void *arg)
{
	struct cancel_ctx	*c = cancel_ctx;
	int			 i;

	test_cb(qr, arg);
	/* r[1] is answered at once too: its callback may have run (its
	 * handle is gone then) or may be pending in the loop right now. */
	for (i = 0; i < 4; i++)
		if (c->r[i].done == 0 || i == 0)
			query_cancel(c->q[i]);	/* q[0] itself: a no-op */
}

START_TEST(test_cancel_in_callback)
{
	struct world			 w;
	struct cancel_ctx		 c;
	struct query_engine_config	 cfg = {
		.timeout_ms = 1000, .retries = 0, .max_inflight = 3,
		.server_qps = 0, .edns_size = 1232,
	};
	struct fake			*slow;

	memset(&c, 0, sizeof(c));
	cancel_ctx = &c;
	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	query_engine_configure(w.engine, &cfg);
	slow = fake_new(w.base, "127.0.0.1", FAKE_DELAY);
	slow->delay_ms = 200;
	/* r[0] answered; r[1] answered at once too; r[2] in flight for a
	 * while; r[3] queued behind max_inflight. */
	c.q[0] = query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cancel_cb, &c.r[0]);
	c.q[1] = query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cb, &c.r[1]);
	c.q[2] = query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&slow->addr, NULL, 0, test_cb, &c.r[2]);
	c.q[3] = query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&slow->addr, NULL, 0, test_cb, &c.r[3]);
	ck_assert_uint_eq(query_engine_queued(w.engine), 1);
	ck_assert(test_run_until(w.base, &c.r[0].done, 1, 5000));
	/* Long enough for anything not cancelled to come back. */
	test_run_for(w.base, 400);
	/* r[3] was queued, and cancelled unless r[1] finishing first let it
	 * start; either way no callback came. */
	ck_assert_uint_le(slow->received, 2);
	ck_assert_int_eq(c.r[0].done, 1);
	ck_assert_int_eq(c.r[2].done, 0);
	ck_assert_int_eq(c.r[3].done, 0);
	/* r[1] either ran before r[0] (and was not cancelled) or never. */
	ck_assert_int_le(c.r[1].done, 1);
	ck_assert_uint_eq(query_engine_inflight(w.engine), 0);
	ck_assert_uint_eq(query_engine_queued(w.engine), 0);
	res_clear(c.r, 4);
	fake_free(slow);
	world_free(&w);
}
END_TEST

START_TEST(test_cancel_each_state)
{
	struct world			 w;
	struct res			 r[3] = { { 0 } };
	struct query			*q[3];
	struct query_engine_config	 cfg = {
		.timeout_ms = 200, .retries = 3, .max_inflight = 1,
		.server_qps = 1, .edns_size = 1232,
	};

	/* One token a second: after its first timeout q[0] sits in RETRY. */
	world_init(&w, "127.0.0.1", FAKE_DROP, 200, 3);
	w.fake->drop = 1000;
	query_engine_configure(w.engine, &cfg);
	q[0] = world_send(&w, 0, &r[0]);
	q[1] = world_send(&w, 0, &r[1]);
	/* Bad arguments: done at once, its callback pending in the loop. */
	q[2] = query_engine_send(w.engine, NULL, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cb, &r[2]);
	ck_assert_uint_eq(query_engine_queued(w.engine), 1);
	query_cancel(q[2]);
	query_cancel(q[1]);	/* queued */
	/* Let q[0] time out once and wait for its retry, then cancel. */
	test_run_for(w.base, 300);
	ck_assert_uint_eq(w.fake->received, 1);
	ck_assert_uint_eq(query_engine_inflight(w.engine), 1);
	query_cancel(q[0]);
	ck_assert_uint_eq(query_engine_inflight(w.engine), 0);
	test_run_for(w.base, 300);
	ck_assert_int_eq(callbacks, 0);
	world_free(&w);
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct world		w;
	struct res		r[2] = { { 0 } };
	struct sockaddr_storage	src;

	world_init(&w, "127.0.0.1", FAKE_ANSWER, 1000, 0);
	query_engine_send(w.engine, NULL, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cb, &r[0]);
	/* A source of another family than the server. */
	test_addr(&src, "::1", 0);
	query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, (struct sockaddr *)&src, 0,
	    test_cb, &r[1]);
	ck_assert_int_eq(callbacks, 0);
	ck_assert(test_run_until(w.base, &callbacks, 2, 5000));
	ck_assert_int_eq(r[0].status, QUERY_ERROR);
	ck_assert_int_eq(r[1].status, QUERY_ERROR);
	ck_assert_uint_eq(w.fake->received, 0);
	world_free(&w);
}
END_TEST

START_TEST(test_free_with_pending)
{
	struct world			 w;
	struct res			 r[6];
	struct query_engine_config	 cfg = {
		.timeout_ms = 5000, .retries = 2, .max_inflight = 2,
		.server_qps = 0, .edns_size = 1232,
	};
	int				 i;

	memset(r, 0, sizeof(r));
	world_init(&w, "127.0.0.1", FAKE_DROP, 5000, 2);
	w.fake->drop = 1000;
	query_engine_configure(w.engine, &cfg);
	for (i = 0; i < 4; i++)
		world_send(&w, 0, &r[i]);
	world_send(&w, QUERY_F_TCP, &r[4]);
	query_engine_send(w.engine, NULL, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cb, &r[5]);
	test_run_for(w.base, 50);
	ck_assert_uint_eq(w.fake->received, 2);
	ck_assert_uint_eq(query_engine_queued(w.engine), 3);
	/* In flight, queued, and one with its callback due: all go quietly.
	 * (The callback of the bad one already ran in the loop above.) */
	ck_assert_int_eq(callbacks, 1);
	callbacks = 0;
	query_engine_send(w.engine, NULL, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cb, &r[5]);
	query_engine_free(w.engine);
	w.engine = NULL;
	test_run_for(w.base, 50);
	ck_assert_int_eq(callbacks, 0);
	world_free(&w);
}
END_TEST

/* For test_free_in_callback: the first callback frees the engine. */
static struct world	*free_world;

static void
test_free_cb(struct query_result *qr, void *arg)
{
	test_cb(qr, arg);
	query_engine_free(free_world->engine);
	free_world->engine = NULL;
}

START_TEST(test_free_in_callback)
{
	struct world	w;
	struct res	r[3] = { { 0 } };

	world_init(&w, "127.0.0.1", FAKE_DELAY, 2000, 0);
	w.fake->delay_ms = 300;
	free_world = &w;
	query_engine_send(w.engine, NULL, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_free_cb, &r[0]);
	world_send(&w, 0, &r[1]);
	query_engine_send(w.engine, NULL, LDNS_RR_TYPE_A,
	    (struct sockaddr *)&w.fake->addr, NULL, 0, test_cb, &r[2]);
	ck_assert(test_run_until(w.base, &r[0].done, 1, 5000));
	test_run_for(w.base, 500);
	ck_assert_int_eq(callbacks, 1);
	ck_assert_ptr_null(w.engine);
	world_free(&w);
}
END_TEST

/* For test_many_servers: each server seen once, each with one attempt. */
static void
test_many_cb(const struct query_server_stats *st, void *arg)
{
	unsigned	*n = arg, c;
	uint64_t	 sum = 0;

	for (c = 0; c < QUERY_COUNT_MAX; c++)
		sum += st->counts[QUERY_UDP][c];
	ck_assert_uint_eq(sum, 1);
	(*n)++;
}

/*
 * A server in another process, echoing each query back as an answer
 * (QR and AA set, nothing else changed): it answers while this process's
 * loop is not running. Bounded: n answers or 10 s.
 */
static pid_t
echo_server_start(struct sockaddr_in *sin, unsigned n)
{
	socklen_t	len = sizeof(*sin);
	uint8_t		pkt[4096];
	struct sockaddr_storage from;
	socklen_t	fromlen;
	ssize_t		got;
	pid_t		pid;
	int		fd;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(fd = socket(AF_INET, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sin, len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid > 0) {
		close(fd);
		return pid;
	}
	alarm(10);
	while (n > 0) {
		fromlen = sizeof(from);
		got = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from,
		    &fromlen);
		if (got < 12)
			continue;
		pkt[2] |= 0x84;
		if (sendto(fd, pkt, (size_t)got, 0, (struct sockaddr *)&from,
		    fromlen) == got)
			n--;
	}
	_exit(0);
}

/*
 * The loop busy past every deadline while the answers arrive: more sockets
 * are ready than one epoll wait returns (libevent starts at 32), so timers
 * and answers come due in the same turn. The answers made it in time.
 */
START_TEST(test_busy_loop_answers_in_time)
{
	enum { N = 80 };
	struct world		w;
	struct res		r[N];
	struct sockaddr_in	sin;
	struct timespec		stall = { 0, 500 * 1000 * 1000 };
	pid_t			pid;
	int			i, status;

	memset(r, 0, sizeof(r));
	world_init(&w, "127.0.0.1", FAKE_ANSWER, 200, 0);
	pid = echo_server_start(&sin, N);
	for (i = 0; i < N; i++)
		ck_assert_ptr_nonnull(query_engine_send(w.engine, w.name,
		    LDNS_RR_TYPE_A, (struct sockaddr *)&sin, NULL, 0, test_cb,
		    &r[i]));
	/* Out on the wire, then the loop stalls. */
	for (i = 0; i < 5 && query_engine_queued(w.engine) > 0; i++)
		ck_assert_int_ne(event_base_loop(w.base, EVLOOP_NONBLOCK), -1);
	ck_assert_uint_eq(query_engine_queued(w.engine), 0);
	ck_assert_uint_eq(query_engine_inflight(w.engine), N);
	while (nanosleep(&stall, &stall) == -1 && errno == EINTR)
		;
	ck_assert(test_run_until(w.base, &callbacks, N, 10000));
	for (i = 0; i < N; i++)
		ck_assert_msg(r[i].status == QUERY_OK, "query %d: %s", i,
		    query_status_name(r[i].status));
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	res_clear(r, N);
	world_free(&w);
}
END_TEST

START_TEST(test_many_servers)
{
	struct world			 w;
	struct res			*r;
	struct sockaddr_storage		 ss;
	struct query_engine_config	 cfg = {
		.timeout_ms = 300, .retries = 0, .max_inflight = 10,
		.server_qps = 5, .edns_size = 1232,
	};
	char				 host[32];
	socklen_t			 len;
	unsigned			 i, n = 0;
	int				 fd;

	/* 200 loopback addresses on a port nothing listens on: the table
	 * grows, the servers take turns, every query ends. */
	world_init(&w, "127.0.0.1", FAKE_ANSWER, 300, 0);
	query_engine_configure(w.engine, &cfg);
	ck_assert_ptr_nonnull(r = calloc(200, sizeof(*r)));
	len = test_addr(&ss, "127.0.0.1", 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	ck_assert_int_eq(close(fd), 0);
	for (i = 0; i < 200; i++) {
		snprintf(host, sizeof(host), "127.0.2.%u", i + 1);
		test_addr(&ss, host, test_port(&ss));
		query_engine_send(w.engine, w.name, LDNS_RR_TYPE_A,
		    (struct sockaddr *)&ss, NULL, 0, test_cb, &r[i]);
	}
	ck_assert_uint_eq(query_engine_inflight(w.engine), 10);
	ck_assert(test_run_until(w.base, &callbacks, 200, 60000));
	for (i = 0; i < 200; i++) {
		/* ICMP is rate limited by the kernel: some may time out. */
		ck_assert(r[i].status == QUERY_REFUSED_CONNECTION ||
		    r[i].status == QUERY_TIMEOUT);
		ck_assert_int_eq(r[i].done, 1);
	}
	query_engine_foreach_server(w.engine, test_many_cb, &n);
	ck_assert_uint_eq(n, 200);
	free(r);
	world_free(&w);
}
END_TEST

static Suite *
query_suite(void)
{
	Suite	*s = suite_create("query");
	TCase	*tc = tcase_create("loopback");

	/* Generous for valgrind; no test asserts on speed. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_answer_udp);
	tcase_add_test(tc, test_flags_do_rd_cd);
	tcase_add_test(tc, test_no_edns);
	tcase_add_test(tc, test_retry_new_id_and_port);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_busy_loop_answers_in_time);
	tcase_add_test(tc, test_delayed_answer);
	tcase_add_test(tc, test_tc_falls_back_to_tcp);
	tcase_add_test(tc, test_tc_no_retry);
	tcase_add_test(tc, test_tc_then_tcp_fails);
	tcase_add_test(tc, test_wrong_id_first);
	tcase_add_test(tc, test_wrong_question_first);
	tcase_add_test(tc, test_other_source_first);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_flood_first);
	tcase_add_test(tc, test_tcp_answer);
	tcase_add_test(tc, test_tcp_cut_short);
	tcase_add_test(tc, test_tcp_trickle);
	tcase_add_test(tc, test_tcp_silent);
	tcase_add_test(tc, test_udp_closed_port);
	tcase_add_test(tc, test_tcp_closed_port);
	tcase_add_test(tc, test_source_address);
	tcase_add_test(tc, test_other_port_first);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_ipv6_closed_port);
	tcase_add_test(tc, test_max_inflight);
	tcase_add_test(tc, test_server_qps);
	tcase_add_test(tc, test_cancel_in_callback);
	tcase_add_test(tc, test_cancel_each_state);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_free_with_pending);
	tcase_add_test(tc, test_free_in_callback);
	tcase_add_test(tc, test_many_servers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(query_suite());
}
