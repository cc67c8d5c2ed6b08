/* runner: one zone run: gather the evidence, judge it, record the findings. */
#include "zhbuild.h"

#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif

#include <sys/queue.h>
#include <sys/random.h>

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "burst.h"
#include "chain.h"
#include "check.h"
#include "clock.h"
#include "config.h"
#include "evidence.h"
#include "infra.h"
#include "log.h"
#include "query.h"
#include "runner.h"
#include "served.h"
#include "tcpprobe.h"
#include "value.h"
#include "walk.h"
#include "xmalloc.h"
#include "zone.h"

/*
 * A run is event-driven rather than phased: each NS address, once known,
 * gets every probe at once; each NS answer may name more servers, whose
 * addresses are then looked up. The run ends when nothing is outstanding.
 */

struct run;

/* One outstanding operation of a run: a query or a host lookup. */
struct run_op {
	struct run		*run;
	size_t			 qi;		/* query: index into evidence */
	size_t			 si;		/* host lookup: server index */
	struct query		*q;
	struct walk		*wk;
	struct chain_req	*cr;
	struct tcpprobe		*tp;		/* service host: one address's port */
	struct burst_wait	*bw;		/* --once: a burst under way */
	size_t			 hi, hai;	/* service host and address indexes */
	size_t			 ri;		/* resolver probe: its index */
	size_t			 pi;		/* parent probe: its index */
	bool			 pds;		/* parent probe: the DS question */
	bool			 cd;		/* resolver probe: the CD=1 retry */
	LIST_ENTRY(run_op)	 entry;
};

/*
 * What a run reads of the config, fixed when the run starts. A reload makes
 * a new one and runs already going keep theirs: they must never read what a
 * reload freed (the trust anchor was, and the next judgement crashed).
 * Immutable once made; freed by its last holder.
 */
struct runner_conf {
	unsigned		 refs;
	struct check_params	 params;	/* .trust_anchor is ours, below */
	ldns_rr_list		*trust_anchor;
	struct addr	*sources;	/* source_addresses, port 0 */
	size_t			 nsources;
	struct addr	*resolvers;	/* config's, port included */
	size_t			 nresolvers;
	unsigned		 clear_after;
	unsigned		 max_names, max_addrs, max_queries;
};

struct run {
	struct runner		*r;
	struct runner_conf	*conf;		/* a reference */
	struct zone		*z;
	struct evidence		*ev;
	struct walk		*walk;
	LIST_HEAD(, run_op)	 ops;
	unsigned		 outstanding;
	uint64_t		 started_ms;
	struct event		*ev_done;
	struct event		*ev_deadline;	/* the whole run's bound */
	bool			 bursts_started;	/* --once: judged after them */
	struct addr	*probed;	/* each address once a run */
	size_t			 nprobed;
	unsigned		 sent;		/* queries, against max_queries */
	LIST_ENTRY(run)		 entry;
};

struct runner {
	struct event_base	*base;
	struct query_engine	*qe;
	struct infra		*infra;
	struct walker		*walker;
	struct chain		*chain;
	struct burster		*burster;
	struct event		*ev_maint;	/* caches: expiry and caps */
	size_t			 infra_max;
	uint64_t		 server_idle_ms;	/* per-address state kept */
	bool			 bursts_first;	/* --once */
	struct runner_conf	*conf;		/* for runs started from now */
	runner_done_fn		 done;
	void			*arg;
	LIST_HEAD(, run)	 runs;
};

static void run_finish(struct run *);
static void run_learn_server(struct run *, const char *, bool, bool);
static void run_query_cb(struct query_result *, void *);

static struct query_engine_config
runner_engine_config(const struct config *cfg)
{
	struct query_engine_config	qc;
	const struct value_addr		*a;
	size_t				i;

	memset(&qc, 0, sizeof(qc));
	qc.timeout_ms = cfg->timeout_ms;
	qc.retries = cfg->retries;
	qc.max_inflight = cfg->max_inflight;
	qc.server_qps = cfg->server_qps;
	qc.edns_size = 1232;
	qc.ip4 = cfg->ip4;
	qc.ip6 = cfg->ip6;
	/* Every query leaves from the first source address of its family:
	 * the walk, the chain, bursts and resolver probes too. */
	for (i = cfg->source_addresses.n; i-- > 0; ) {
		a = &cfg->source_addresses.addrs[i];
		if (a->ss.ss_family == AF_INET)
			memcpy(&qc.source4, &a->ss, sizeof(qc.source4));
		else if (a->ss.ss_family == AF_INET6)
			memcpy(&qc.source6, &a->ss, sizeof(qc.source6));
	}
	return qc;
}

/* A run: its walk, then a few rounds of queries after it. */
static uint64_t
runner_run_deadline(const struct runner_conf *c)
{
	uint64_t	q = c->params.timeout_ms * (c->params.retries + 1);

	return q * 8 + 5000 + q * 4 + 5000;
}

/* A walk must outlast every query it may need, a few levels deep. */
static uint64_t
runner_walk_deadline(const struct config *cfg)
{
	return cfg->timeout_ms * (cfg->retries + 1) * 8 + 5000;
}

#define RUNNER_MAINT_S	60	/* how often the caches drop what expired */

/* The shared caches drop what expired, and the infra cache keeps under
 * its cap (so a long-running daemon's memory stays flat). */
static void
runner_maint_cb(evutil_socket_t fd, short what, void *arg)
{
	struct runner	*r = arg;
	uint64_t	 now = clock_mono_ms();
	size_t		 expired, evicted, links, bursts, servers;

	expired = infra_expire(r->infra, now);
	evicted = infra_cap(r->infra, r->infra_max);
	servers = query_engine_expire(r->qe, now, r->server_idle_ms, r->infra_max);
	links = chain_expire(r->chain, now);
	bursts = burster_expire(r->burster, now);
	log_debug("caches: infra %zu entries (%zu expired, %zu evicted), chain %zu "
	    "(%zu expired), bursts %zu (%zu forgotten), server addresses %zu "
	    "(%zu forgotten)", infra_size(r->infra), expired, evicted,
	    chain_size(r->chain), links, burster_size(r->burster), bursts,
	    query_engine_servers(r->qe), servers);
#if defined(HAVE_MALLOC_H) && defined(HAVE_MALLOC_TRIM)
	/* Runs free big, short-lived packets among small long-lived state,
	 * so glibc's heap keeps free pages it cannot shrink past; without
	 * this the RSS creeps up by ~600 bytes a zone run (bench/soak.sh)
	 * while the memory in use stays flat. */
	malloc_trim(0);
#endif
}

static struct runner_conf *
runner_conf_new(const struct config *cfg)
{
	struct runner_conf	*c;
	size_t			 i;

	c = xcalloc(1, sizeof(*c));
	c->refs = 1;
	c->params.timeout_ms = cfg->timeout_ms;
	c->params.retries = cfg->retries;
	c->params.serial_grace_s = cfg->serial_grace_ms / 1000;
	c->params.expiry_warning_s = cfg->expiry_warning_ms / 1000;
	if (cfg->trust_anchor != NULL &&
	    (c->trust_anchor = ldns_rr_list_clone(cfg->trust_anchor)) == NULL)
		fatalx("out of memory");
	c->params.trust_anchor = c->trust_anchor;
	c->params.no_anchor = cfg->trust_anchor_none;
	c->params.nsec3_iterations_limit = cfg->nsec3_iterations_limit;
	c->sources = xcalloc(cfg->source_addresses.n + 1, sizeof(*c->sources));
	for (i = 0; i < cfg->source_addresses.n; i++) {
		memcpy(&c->sources[i].ss, &cfg->source_addresses.addrs[i].ss,
		    sizeof(c->sources[i].ss));
		c->sources[i].len = cfg->source_addresses.addrs[i].len;
		infra_addr_set_port(&c->sources[i], 0);
	}
	c->nsources = cfg->source_addresses.n;
	c->resolvers = xcalloc(cfg->resolvers.n + 1, sizeof(*c->resolvers));
	for (i = 0; i < cfg->resolvers.n; i++) {
		memcpy(&c->resolvers[i].ss, &cfg->resolvers.addrs[i].ss,
		    sizeof(c->resolvers[i].ss));
		c->resolvers[i].len = cfg->resolvers.addrs[i].len;
	}
	c->nresolvers = cfg->resolvers.n;
	c->clear_after = cfg->clear_after;
	c->max_names = cfg->max_ns_names;
	c->max_addrs = cfg->max_addresses_per_name;
	c->max_queries = cfg->max_queries_per_run;
	return c;
}

static struct runner_conf *
runner_conf_ref(struct runner_conf *c)
{
	c->refs++;
	return c;
}

static void
runner_conf_unref(struct runner_conf *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	ldns_rr_list_deep_free(c->trust_anchor);
	free(c->sources);
	free(c->resolvers);
	free(c);
}

/* Every key a run or the shared machinery reads; runs going on keep the
 * snapshot they started with. */
static void
runner_set_config(struct runner *r, const struct config *cfg)
{
	struct query_engine_config	qc = runner_engine_config(cfg);

	query_engine_configure(r->qe, &qc);
	infra_set_root(r->infra, cfg->root_hints);
	walker_set_deadline(r->walker, runner_walk_deadline(cfg));
	/* Room for every zone's cuts and NS hosts, and more. */
	r->infra_max = 10000 + 16 * cfg->nzones;
	/* An address no zone has sent a query to for three intervals (ten
	 * minutes at least) is gone from the zones' servers. */
	r->server_idle_ms = 3 * cfg->interval_ms > 600000 ? 3 * cfg->interval_ms :
	    600000;
	burster_configure(r->burster, cfg->burst_size, cfg->burst_interval_ms);
	runner_conf_unref(r->conf);
	r->conf = runner_conf_new(cfg);
}

struct runner *
runner_new(struct event_base *base, const struct config *cfg, runner_done_fn done,
    void *arg)
{
	struct runner			*r;
	struct query_engine_config	 qc = runner_engine_config(cfg);

	r = xcalloc(1, sizeof(*r));
	LIST_INIT(&r->runs);
	r->base = base;
	r->done = done;
	r->arg = arg;
	if ((r->qe = query_engine_new(base, &qc)) == NULL)
		fatalx("cannot start the query engine");
	r->infra = infra_new();
	r->walker = walker_new(base, r->qe, r->infra, runner_walk_deadline(cfg));
	r->chain = chain_new(base, r->qe, r->infra);
	r->burster = burster_new(base, r->qe);
	runner_set_config(r, cfg);
	{
		struct timeval	every = { RUNNER_MAINT_S, 0 };

		if ((r->ev_maint = event_new(base, -1, EV_PERSIST, runner_maint_cb,
		    r)) == NULL || event_add(r->ev_maint, &every) == -1)
			fatalx("runner: cannot create the maintenance timer");
	}
	return r;
}

void
runner_configure(struct runner *r, const struct config *cfg)
{
	runner_set_config(r, cfg);
}

void
runner_bursts_first(struct runner *r, bool on)
{
	r->bursts_first = on;
}

const struct query_engine *
runner_engine(const struct runner *r)
{
	return r->qe;
}

const struct burster *
runner_burster(const struct runner *r)
{
	return r->burster;
}

const struct infra *
runner_infra(const struct runner *r)
{
	return r->infra;
}

static struct run_op *
run_op_new(struct run *run)
{
	struct run_op	*op;

	op = xcalloc(1, sizeof(*op));
	op->run = run;
	LIST_INSERT_HEAD(&run->ops, op, entry);
	run->outstanding++;
	return op;
}

/* Unlinks a finished op; the run ends when it was the last. */
static void
run_op_done(struct run_op *op)
{
	struct run	*run = op->run;

	LIST_REMOVE(op, entry);
	free(op);
	if (--run->outstanding == 0)
		run_finish(run);
}

static void
run_send_from(struct run *run, enum probe probe, size_t si, const struct addr *a,
    int source);

/* The first source address of a's family (the engine's default), or -1. */
static int
run_default_source(const struct runner_conf *c, const struct addr *a)
{
	size_t	i;

	for (i = 0; i < c->nsources; i++)
		if (c->sources[i].ss.ss_family == a->ss.ss_family)
			return (int)i;
	return -1;
}

static void
run_send(struct run *run, enum probe probe, size_t si, const struct addr *a)
{
	/* Everything goes out from the default source; the other sources of
	 * the same family only repeat the SOA question (PROBE_SOA_SRC). */
	run_send_from(run, probe, si, a, run_default_source(run->conf, a));
}

static void
run_send_from(struct run *run, enum probe probe, size_t si, const struct addr *a,
    int source)
{
	struct run_op	*op;
	struct ev_query	*q;
	ldns_rdf	*qname;
	ldns_rr_type	 qtype = LDNS_RR_TYPE_SOA;
	unsigned	 flags = 0;

	switch (probe) {
	case PROBE_NS:
		qtype = LDNS_RR_TYPE_NS;
		flags = QUERY_F_DO;
		break;
	case PROBE_SOA_UDP:
	case PROBE_SOA_SRC:
		flags = QUERY_F_DO;
		break;
	case PROBE_SOA_TCP:
		flags = QUERY_F_DO | QUERY_F_TCP;
		break;
	case PROBE_SOA_PLAIN:
		flags = QUERY_F_NO_EDNS;
		break;
	case PROBE_DNSKEY:
		qtype = LDNS_RR_TYPE_DNSKEY;
		flags = QUERY_F_DO;
		break;
	case PROBE_NXNAME:
		qtype = LDNS_RR_TYPE_A;
		flags = QUERY_F_DO;
		break;
	case PROBE_NODATA:
		qtype = LDNS_RR_TYPE_NULL;
		flags = QUERY_F_DO;
		break;
	case PROBE_CDS:
		qtype = LDNS_RR_TYPE_CDS;
		flags = QUERY_F_DO;
		break;
	case PROBE_CDNSKEY:
		qtype = LDNS_RR_TYPE_CDNSKEY;
		flags = QUERY_F_DO;
		break;
	case PROBE_MAX:
		return;
	}
	/* Whatever a zone names, one run sends at most this many. */
	if (run->sent >= run->conf->max_queries) {
		run->ev->capped.queries++;
		return;
	}
	run->sent++;
	q = evidence_add_query(run->ev, probe, si, a);
	q->transport = (flags & QUERY_F_TCP) ? QUERY_TCP : QUERY_UDP;
	q->source = source;
	op = run_op_new(run);
	op->qi = run->ev->nqueries - 1;
	if ((qname = ldns_dname_new_frm_str(probe == PROBE_NXNAME ?
	    run->ev->nxname : run->ev->zone)) == NULL)
		fatalx("bad zone name %s", run->ev->zone);
	op->q = query_engine_send(run->r->qe, qname, qtype,
	    (const struct sockaddr *)&a->ss, source >= 0 ?
	    (const struct sockaddr *)&run->conf->sources[source].ss : NULL, flags,
	    run_query_cb, op);
	ldns_rdf_deep_free(qname);
}

static void
run_probe_address(struct run *run, size_t si, const struct addr *a)
{
	const struct runner_conf	*c = run->conf;
	int				 src, def = run_default_source(c, a);

	/* A family this host cannot use: not tested from here (the engine
	 * said so once, in the log); dropped from the evidence at judgement. */
	if (query_engine_family(run->r->qe, a->ss.ss_family) == QUERY_FAMILY_UNUSABLE)
		return;
	/* Names that share an address share its probes: 200 NS names on one
	 * address cost one address's worth (evidence_find ignores the name). */
	if (!addr_add(&run->probed, &run->nprobed, a))
		return;

	for (src = def + 1; def >= 0 && src < (int)c->nsources; src++)
		if (c->sources[src].ss.ss_family == a->ss.ss_family)
			run_send_from(run, PROBE_SOA_SRC, si, a, src);
	run_send(run, PROBE_NS, si, a);
	run_send(run, PROBE_SOA_UDP, si, a);
	run_send(run, PROBE_SOA_TCP, si, a);
	run_send(run, PROBE_DNSKEY, si, a);
}

/* Probes addresses [first, naddrs) of server si. Copies each address:
 * probing may learn servers and so move the servers array. */
static void
run_probe_from(struct run *run, size_t si, size_t first)
{
	struct addr	a;
	size_t			i;

	for (i = first; i < run->ev->servers[si].naddrs; i++) {
		a = run->ev->servers[si].addrs[i];
		run_probe_address(run, si, &a);
	}
}

/* NS names in an authoritative answer for the zone: the child's NS set. */
static void
run_learn_child_ns(struct run *run, const ldns_pkt *pkt)
{
	const ldns_rr_list	*ans = ldns_pkt_answer(pkt);
	const ldns_rr		*rr;
	char			*owner, *target;
	size_t			 i;

	if (!ldns_pkt_aa(pkt) || ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR)
		return;
	for (i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || ldns_rr_rdf(rr, 0) == NULL)
			continue;
		owner = infra_name(ldns_rr_owner(rr));
		if (strcmp(owner, run->ev->zone) == 0) {
			target = infra_name(ldns_rr_rdf(rr, 0));
			run_learn_server(run, target, false, true);
			free(target);
		}
		free(owner);
	}
}

static bool
run_wants_plain(const struct ev_query *q)
{
	if (q->probe != PROBE_SOA_UDP)
		return false;
	if (q->status == QUERY_TIMEOUT || q->status == QUERY_MALFORMED)
		return true;
	return q->status == QUERY_OK && q->pkt != NULL &&
	    (ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_FORMERR ||
	    ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_NOTIMPL);
}

/* A DNSKEY answer with keys: the zone is signed here, so ask for denial
 * proofs and CDS/CDNSKEY too. */
static bool
run_signed_answer(const struct ev_query *q)
{
	const ldns_rr_list	*ans;
	size_t			 i;

	if (q->probe != PROBE_DNSKEY || q->status != QUERY_OK || q->pkt == NULL ||
	    ldns_pkt_get_rcode(q->pkt) != LDNS_RCODE_NOERROR || !ldns_pkt_aa(q->pkt))
		return false;
	ans = ldns_pkt_answer(q->pkt);
	for (i = 0; i < ldns_rr_list_rr_count(ans); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(ans, i)) == LDNS_RR_TYPE_DNSKEY)
			return true;
	return false;
}

/* Records how a query ended; takes the answer. */
static void
run_record(struct ev_query *q, struct query_result *res)
{
	q->status = res->status;
	q->transport = res->transport;
	q->rtt = res->rtt;
	q->attempts = res->attempts;
	q->truncated = res->truncated;
	q->mismatched = res->mismatched;
	q->wrong_source = res->wrong_source;
	q->size = res->size;
	q->malformed_why = res->malformed_why;
	q->pkt = res->pkt;
	res->pkt = NULL;
}

static void run_ask_resolver(struct run *, size_t, bool);

static void
run_resolver_cb(struct query_result *res, void *arg)
{
	struct run_op		*op = arg;
	struct run		*run = op->run;
	struct ev_resolver	*rv = &run->ev->resolvers[op->ri];
	struct ev_query		*q = op->cd ? &rv->cd : &rv->q;

	op->q = NULL;
	run_record(q, res);
	/* After a SERVFAIL, CD=1 tells a DNSSEC failure apart (RFC 4035 3.2.2). */
	if (!op->cd && q->status == QUERY_OK && q->pkt != NULL &&
	    ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_SERVFAIL)
		run_ask_resolver(run, op->ri, true);
	run_op_done(op);
}

static void
run_port_cb(enum tcpprobe_status st, double rtt, void *arg)
{
	struct run_op		*op = arg;
	struct ev_host_addr	*ha = &op->run->ev->hosts[op->hi].addrs[op->hai];

	op->tp = NULL;
	ha->done = true;
	ha->status = st;
	ha->rtt = rtt;
	run_op_done(op);
}

/* A service host's addresses, each then asked for a TCP connection. */
static void
run_service_host_cb(const struct infra_host *h, void *arg)
{
	struct run_op		*op = arg, *cop;
	struct run		*run = op->run;
	struct ev_host		*eh = &run->ev->hosts[op->hi];
	size_t			 i;

	op->wk = NULL;
	eh->looked_up = true;
	eh->state = h->state;
	if (h->state == INFRA_HOST_OK && h->naddrs > 0) {
		eh->addrs = xcalloc(h->naddrs, sizeof(*eh->addrs));
		for (i = 0; i < h->naddrs; i++) {
			eh->addrs[i].addr = h->addrs[i];
			infra_addr_set_port(&eh->addrs[i].addr, eh->port);
		}
		eh->naddrs = h->naddrs;
		for (i = 0; i < eh->naddrs; i++) {
			if (query_engine_family(run->r->qe,
			    eh->addrs[i].addr.ss.ss_family) == QUERY_FAMILY_UNUSABLE) {
				eh->addrs[i].done = true;
				eh->addrs[i].status = TCPPROBE_NO_ROUTE;
				continue;
			}
			cop = run_op_new(run);
			cop->hi = op->hi;
			cop->hai = i;
			cop->tp = tcpprobe_start(run->r->base,
			    (const struct sockaddr *)&eh->addrs[i].addr.ss,
			    eh->addrs[i].addr.len, run->conf->params.timeout_ms *
			    (run->conf->params.retries + 1), run_port_cb, cop);
		}
	}
	run_op_done(op);
}

static void
run_service_hosts(struct run *run)
{
	const struct config_zone	*cz = run->z->cfg;
	struct run_op			*op;
	size_t				 i;

	for (i = 0; cz != NULL && i < cz->nhosts; i++) {
		op = run_op_new(run);
		op->hi = evidence_add_host(run->ev, cz->hosts[i].name, cz->hosts[i].port);
		op->wk = walk_host(run->r->walker, cz->hosts[i].name,
		    run_service_host_cb, op);
	}
}

/* The zone's name asked of a, for op. */
static void
run_ask_zone(struct run *run, struct run_op *op, ldns_rr_type qtype,
    const struct addr *a, unsigned flags, query_cb cb)
{
	ldns_rdf	*qname;

	if ((qname = ldns_dname_new_frm_str(run->ev->zone)) == NULL)
		fatalx("bad zone name %s", run->ev->zone);
	op->q = query_engine_send(run->r->qe, qname, qtype,
	    (const struct sockaddr *)&a->ss, NULL, flags, cb, op);
	ldns_rdf_deep_free(qname);
}

/* The symptom: what a resolver answers for the zone's SOA. */
static void
run_ask_resolver(struct run *run, size_t ri, bool cd)
{
	struct run_op	*op;

	op = run_op_new(run);
	op->ri = ri;
	op->cd = cd;
	run_ask_zone(run, op, LDNS_RR_TYPE_SOA, &run->ev->resolvers[ri].addr,
	    QUERY_F_RD | QUERY_F_DO | (cd ? QUERY_F_CD : 0), run_resolver_cb);
}

static void
run_query_cb(struct query_result *res, void *arg)
{
	struct run_op		*op = arg;
	struct run		*run = op->run;
	struct ev_query		*q = &run->ev->queries[op->qi];
	struct addr	 a;
	size_t			 si;

	op->q = NULL;
	run_record(q, res);

	/* No answer to EDNS0: try plain DNS, which tells edns_broken apart. */
	if (run_wants_plain(q)) {
		a = q->addr;
		si = q->server;
		run_send(run, PROBE_SOA_PLAIN, si, &a);
		q = &run->ev->queries[op->qi];
	}
	if (q->probe == PROBE_NS && q->status == QUERY_OK && q->pkt != NULL)
		run_learn_child_ns(run, q->pkt);
	if (run_signed_answer(q)) {
		a = q->addr;
		si = q->server;
		run_send(run, PROBE_NXNAME, si, &a);
		run_send(run, PROBE_NODATA, si, &a);
		run_send(run, PROBE_CDS, si, &a);
		run_send(run, PROBE_CDNSKEY, si, &a);
	}
	run_op_done(op);
}

/* An address of server si to probe, up to max_addresses_per_name: a name
 * with a thousand A records must not aim a thousand probes anywhere. */
static void
run_add_addr(struct run *run, struct ev_server *s, const struct addr *a)
{
	if (addr_in(s->addrs, s->naddrs, a))
		return;
	if (s->naddrs >= run->conf->max_addrs) {
		s->addrs_capped = true;
		run->ev->capped.addrs++;
		return;
	}
	evidence_server_add_addr(s, a);
}

/* The lists the checks compare (glue, the host's own records) are kept
 * whole up to this, whatever is probed. */
#define RUN_ADDR_LIST_MAX	256

static void
run_note_addr(struct addr **v, size_t *n, const struct addr *a)
{
	if (*n < RUN_ADDR_LIST_MAX)
		addr_add(v, n, a);
}

/* The server index of name, a new one within max_ns_names, or -1 when
 * the cap leaves it out. */
static ssize_t
run_server(struct run *run, const char *name)
{
	size_t	i;

	for (i = 0; i < run->ev->nservers; i++)
		if (strcmp(run->ev->servers[i].name, name) == 0)
			return (ssize_t)i;
	if (run->ev->nservers >= run->conf->max_names) {
		run->ev->capped.names++;
		return -1;
	}
	return (ssize_t)evidence_server(run->ev, name);
}

/* The NS host's own A/AAAA: for unglued servers the only addresses, for
 * glued ones what the glue is held against; either way probed. */
static void
run_host_cb(const struct infra_host *h, void *arg)
{
	struct run_op		*op = arg;
	struct run		*run = op->run;
	struct ev_server	*s = &run->ev->servers[op->si];
	size_t			 i, first;

	op->wk = NULL;
	s->looked_up = true;
	s->host_state = h->state;
	free(s->host_cycle);
	s->host_cycle = h->cycle != NULL ? xstrdup(h->cycle) : NULL;
	first = s->naddrs;
	if (h->state == INFRA_HOST_OK)
		for (i = 0; i < h->naddrs; i++) {
			run_note_addr(&s->auth, &s->nauth, &h->addrs[i]);
			run_add_addr(run, s, &h->addrs[i]);
		}
	run_probe_from(run, op->si, first);
	run_op_done(op);
}

static void
run_lookup_host(struct run *run, size_t si)
{
	struct run_op	*op;

	op = run_op_new(run);
	op->si = si;
	op->wk = walk_host(run->r->walker, run->ev->servers[si].name,
	    run_host_cb, op);
}

static void
run_learn_server(struct run *run, const char *name, bool in_parent, bool in_child)
{
	size_t		 si, before = run->ev->nservers;
	ssize_t		 found;

	if ((found = run_server(run, name)) == -1)
		return;
	si = (size_t)found;
	if (in_parent)
		run->ev->servers[si].in_parent = true;
	if (in_child)
		run->ev->servers[si].in_child = true;
	if (si < before)
		return;		/* known already: its addresses are on their way */
	run_lookup_host(run, si);
}

static void
run_chain_cb(struct chain_link **links, size_t n, ldns_pkt *ds,
    const struct addr *ds_from, void *arg)
{
	struct run_op	*op = arg;

	op->cr = NULL;
	evidence_set_chain(op->run->ev, links, n, ds, ds_from);
	run_op_done(op);
}

/* The DS/DNSKEY links above the zone and its own DS, for the dnssec check. */
static void
run_fetch_chain(struct run *run)
{
	struct run_op	*op;

	op = run_op_new(run);
	op->cr = chain_get(run->r->chain, run->ev->zone, run_chain_cb, op);
}

#define RUN_PARENT_ADDRS_MAX	16	/* parent server addresses asked */

static void
run_parent_cb(struct query_result *res, void *arg)
{
	struct run_op		*op = arg;
	struct ev_parent	*p = &op->run->ev->parents[op->pi];

	op->q = NULL;
	run_record(op->pds ? &p->ds : &p->ns, res);
	run_op_done(op);
}

static void
run_ask_parent(struct run *run, size_t pi, bool ds)
{
	struct run_op	*op;

	op = run_op_new(run);
	op->pi = pi;
	op->pds = ds;
	run_ask_zone(run, op, ds ? LDNS_RR_TYPE_DS : LDNS_RR_TYPE_NS,
	    &run->ev->parents[pi].addr, QUERY_F_DO, run_parent_cb);
}

/*
 * Every address of every server of the parent (the walk asked one) for
 * the zone's delegation and DS: a resolver may ask any of them, and one
 * serving a stale delegation or DS fails it (parent_inconsistent). The
 * addresses are those the walk knows (glue, cached hosts), at most
 * RUN_PARENT_ADDRS_MAX, whatever the parent says.
 */
static void
run_probe_parents(struct run *run, const char *parent)
{
	const struct infra_deleg	*d;
	const struct infra_host		*h;
	const struct addr		*v;
	struct addr		*seen = NULL;
	size_t				 i, j, n, nseen = 0;
	uint64_t			 now = clock_mono_ms();

	if (parent == NULL ||
	    (d = infra_get_deleg(run->r->infra, parent, now)) == NULL)
		return;
	run->ev->parent = xstrdup(parent);
	for (i = 0; i < d->nns && nseen < RUN_PARENT_ADDRS_MAX; i++) {
		v = d->ns[i].glue;
		n = d->ns[i].nglue;
		if (n == 0 && (h = infra_get_host(run->r->infra, d->ns[i].name,
		    now)) != NULL && h->state == INFRA_HOST_OK) {
			v = h->addrs;
			n = h->naddrs;
		}
		for (j = 0; j < n && nseen < RUN_PARENT_ADDRS_MAX; j++) {
			if (query_engine_family(run->r->qe, v[j].ss.ss_family) ==
			    QUERY_FAMILY_UNUSABLE || !addr_add(&seen, &nseen, &v[j]))
				continue;
			run_ask_parent(run, evidence_add_parent(run->ev,
			    d->ns[i].name, &v[j]), false);
			run_ask_parent(run, run->ev->nparents - 1, true);
		}
	}
	free(seen);
}

static void
run_walk_cb(struct walk_result *res, void *arg)
{
	struct run			*run = arg;
	const struct infra_deleg	*d;
	struct ev_server		*s;
	size_t				 i, j, si;
	ssize_t				 found;

	run->walk = NULL;
	run->ev->walk = res;
	if (res->status == WALK_OK) {
		run_fetch_chain(run);
		run_probe_parents(run, res->parent);
		d = res->referral;
		for (i = 0; i < d->nns; i++) {
			if (d->ns[i].nglue == 0) {
				run_learn_server(run, d->ns[i].name, true, false);
				continue;
			}
			if ((found = run_server(run, d->ns[i].name)) == -1)
				continue;
			si = (size_t)found;
			s = &run->ev->servers[si];
			s->in_parent = s->glued = true;
			for (j = 0; j < d->ns[i].nglue; j++) {
				run_note_addr(&s->glue, &s->nglue, &d->ns[i].glue[j]);
				run_add_addr(run, s, &d->ns[i].glue[j]);
			}
			run_probe_from(run, si, 0);
			/* Glue is the parent's copy: check it against the host's own. */
			run_lookup_host(run, si);
		}
	}
	if (--run->outstanding == 0)
		run_finish(run);
}

/* Cancels the run's walk and every operation it has outstanding: none of
 * their callbacks comes after. */
static void
run_cancel_ops(struct run *run)
{
	struct run_op	*op;

	walk_cancel(run->walk);
	run->walk = NULL;
	while ((op = LIST_FIRST(&run->ops)) != NULL) {
		LIST_REMOVE(op, entry);
		if (op->q != NULL)
			query_cancel(op->q);
		if (op->wk != NULL)
			walk_cancel(op->wk);
		chain_cancel(op->cr);
		tcpprobe_cancel(op->tp);
		burster_wait_cancel(op->bw);
		free(op);
	}
}

static void
run_unlink_free(struct run *run)
{
	LIST_REMOVE(run, entry);
	run_cancel_ops(run);
	if (run->ev_done != NULL)
		event_free(run->ev_done);
	if (run->ev_deadline != NULL)
		event_free(run->ev_deadline);
	evidence_free(run->ev);
	free(run->probed);
	runner_conf_unref(run->conf);
	free(run);
}

/* The latest burst to each of the zone's addresses, for the rate_limit
 * check; then bursts where none ran within burst_interval. They go out
 * once the run's own queries are done, so the zone's paced questions
 * never meet its burst in a rate limiter; their result shows in the next
 * run. At most one burst per address per interval, whatever the zones. */
static void
run_attach_bursts(struct run *run)
{
	const struct burst_result	*b;
	const struct ev_server		*s;
	struct served_result		 sr;
	size_t				 si, ai, bi;

	for (si = 0; si < run->ev->nservers; si++) {
		s = &run->ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++) {
			for (bi = 0; (b = burster_result(run->r->burster,
			    &s->addrs[ai], bi)) != NULL; bi++)
				evidence_add_burst(run->ev, &s->addrs[ai], b);
			/* Only a zone the address serves makes a burst whose
			 * refusals or drops say something about load. */
			if (served_at(run->ev, si, &s->addrs[ai], &sr) == SERVED_OK)
				burster_maybe(run->r->burster, &s->addrs[ai],
				    run->ev->zone);
		}
	}
}

/* Judges from the loop, not inside the last answer's callback. */
static void
run_judge_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run		*run = arg;
	struct runner		*r = run->r;
	struct zone		*z = run->z;
	struct findings		 fs = { NULL, 0 };
	struct check_params	 params = run->conf->params;
	struct check_memory	 memory;
	enum check_status			 status[CHECK_MAX];
	double			 duration;
	bool			 ok;

	params.now = time(NULL);
	evidence_drop_untested(run->ev);
	run_attach_bursts(run);
	evidence_index(run->ev);
	params.prev = &z->memory;	/* zero for a new zone, or from state_file */
	memset(&memory, 0, sizeof(memory));
	check_run_all(run->ev, &params, &fs, status, &memory);
	duration = (double)(clock_mono_ms() - run->started_ms) / 1000;
	ok = run->ev->walk != NULL && run->ev->walk->status != WALK_FAILED;
	zone_record_run(z, &fs, status, &memory, params.now, duration,
	    run->conf->clear_after);
	log_debug("zone %s: %s, %zu findings, %zu queries, %.3fs", z->name,
	    zone_status_name(z), z->findings.n, run->ev->nqueries, duration);
	run_unlink_free(run);
	r->done(z, ok, r->arg);
}

static void
run_burst_done(void *arg)
{
	struct run_op	*op = arg;

	op->bw = NULL;
	run_op_done(op);
}

/* --once: bursts to the zone's serving addresses now, the run waiting for
 * them; how many it waits for. */
static unsigned
run_start_bursts(struct run *run)
{
	const struct ev_server	*s;
	struct served_result	 sr;
	struct burst_wait	*w;
	struct run_op		*op;
	size_t			 si, ai;
	unsigned		 n = 0;

	for (si = 0; si < run->ev->nservers; si++) {
		s = &run->ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++) {
			if (served_at(run->ev, si, &s->addrs[ai], &sr) != SERVED_OK)
				continue;
			burster_maybe(run->r->burster, &s->addrs[ai], run->ev->zone);
			op = run_op_new(run);
			if ((w = burster_wait(run->r->burster, &s->addrs[ai],
			    run_burst_done, op)) == NULL) {
				LIST_REMOVE(op, entry);
				run->outstanding--;
				free(op);
				continue;
			}
			op->bw = w;
			n++;
		}
	}
	return n;
}

static void
run_finish(struct run *run)
{
	struct timeval	now = { 0, 0 };

	if (run->r->bursts_first && !run->bursts_started) {
		run->bursts_started = true;
		if (run_start_bursts(run) > 0)
			return;
	}
	if ((run->ev_done = evtimer_new(run->r->base, run_judge_cb, run)) == NULL ||
	    evtimer_add(run->ev_done, &now) == -1)
		fatalx("runner: cannot schedule the judgement");
}

/*
 * Every query, walk and connect has its own bound, but a hostile server
 * can still stretch a run out of all of them one after another: past the
 * deadline what is outstanding is abandoned and the run judged as it is.
 */
static void
run_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run	*run = arg;
	unsigned	 abandoned = run->outstanding;

	if (run->ev_done != NULL)
		return;		/* already being judged */
	run->bursts_started = true;	/* out of time: judged as it is */
	run_cancel_ops(run);
	run->outstanding = 0;
	log_info("zone %s: run cut short after %.1fs, %u operations abandoned",
	    run->ev->zone, (double)(clock_mono_ms() - run->started_ms) / 1000,
	    abandoned);
	run_finish(run);
}

/* A name below zone that cannot exist: a random label (RFC 4035 denial). */
static char *
run_nxname(const char *zone)
{
	uint64_t	rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (uint64_t)clock_mono_ms() * 0x9e3779b97f4a7c15ull;
	return xasprintf("zh-%016llx.%s", (unsigned long long)rnd,
	    strcmp(zone, ".") == 0 ? "" : zone);
}

void
runner_start(struct runner *r, struct zone *z)
{
	struct run	*run;
	size_t		 i;

	run = xcalloc(1, sizeof(*run));
	run->r = r;
	run->z = z;
	run->ev = evidence_new(z->name, time(NULL));
	run->ev->nxname = run_nxname(z->name);
	run->conf = runner_conf_ref(r->conf);
	run->ev->capped.max_names = run->conf->max_names;
	run->ev->capped.max_addrs = run->conf->max_addrs;
	run->ev->capped.max_queries = run->conf->max_queries;
	run->ev->nsources = run->conf->nsources;
	run->ev->sources = xcalloc(run->conf->nsources + 1,
	    sizeof(*run->ev->sources));
	for (i = 0; i < run->conf->nsources; i++) {
		run->ev->sources[i] = xcalloc(1, INET6_ADDRSTRLEN + 8);
		value_format_addr((const struct sockaddr *)&run->conf->sources[i].ss,
		    run->ev->sources[i], INET6_ADDRSTRLEN + 8, 0);
	}
	run->started_ms = clock_mono_ms();
	run->outstanding = 1;	/* the walk */
	LIST_INIT(&run->ops);
	LIST_INSERT_HEAD(&r->runs, run, entry);
	{
		struct timeval	tv = clock_tv_ms(runner_run_deadline(run->conf));

		if ((run->ev_deadline = evtimer_new(r->base, run_deadline_cb,
		    run)) == NULL || evtimer_add(run->ev_deadline, &tv) == -1)
			fatalx("runner: cannot arm the run deadline");
	}
	run->walk = walk_zone(r->walker, z->name, run_walk_cb, run);
	for (i = 0; i < run->conf->nresolvers; i++)
		run_ask_resolver(run, evidence_add_resolver(run->ev,
		    &run->conf->resolvers[i]), false);
	run_service_hosts(run);
	log_debug("zone %s: run started", z->name);
}

void
runner_cancel(struct runner *r, struct zone *z)
{
	struct run	*run, *next;

	for (run = LIST_FIRST(&r->runs); run != NULL; run = next) {
		next = LIST_NEXT(run, entry);
		if (run->z == z)
			run_unlink_free(run);
	}
}

void
runner_free(struct runner *r)
{
	if (r == NULL)
		return;
	while (!LIST_EMPTY(&r->runs))
		run_unlink_free(LIST_FIRST(&r->runs));
	if (r->ev_maint != NULL)
		event_free(r->ev_maint);
	chain_free(r->chain);
	burster_free(r->burster);
	runner_conf_unref(r->conf);
	walker_free(r->walker);
	infra_free(r->infra);
	query_engine_free(r->qe);
	free(r);
}
