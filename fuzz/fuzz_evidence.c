/* fuzz_evidence: a zone run's evidence made from a few arbitrary answers,
 * the way the runner makes it, judged by every check twice (the second
 * time with the first's memory) and rendered as JSON and HTML. */
#include "zhbuild.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "buf.h"
#include "check.h"
#include "deleg.h"
#include "evidence.h"
#include "finding.h"
#include "infra.h"
#include "render.h"
#include "snapshot.h"
#include "walk.h"
#include "xmalloc.h"
#include "zone.h"
#include "fuzz.h"

/*
 * The input, read front to back:
 *   zone selector, grace selector, walk byte, then a chunk (16-bit length
 *   and bytes) with the parent's answer to "zone NS";
 *   per server in order: a host lookup byte (state, how many addresses)
 *   and an address selector byte per address;
 *   per probe of each address: a status byte, an rtt byte, and when the
 *   status is an answer, a chunk with the answer;
 *   then what the zone remembers from an earlier run, if anything: a
 *   byte (bit 0: a serial, bits 1-3: how many servers lag), the serial
 *   (32 bits), and per lagging server a 16-bit age in minutes.
 * Bounds keep a run small; the runner has none, but more of the same
 * finds nothing new.
 */
#define FUZZ_MAX_SERVERS	8
#define FUZZ_MAX_ADDRS		4	/* host lookup addresses per server */
#define FUZZ_MAX_QUERIES	64
#define FUZZ_POOL_MAX		40

static const struct {
	const char	*zone;
	const char	*parent;	/* the cut above it */
} fuzz_zones[] = {
	{ "example.com.", "com." },
	{ "com.", "." },
	{ "sub.example.com.", "example.com." },
	{ "example.", "." },
};

static const uint64_t	fuzz_graces[] = { 0, 600, 3600, 86400 };

struct fuzz_run {
	struct fuzz_in		 in;
	struct evidence		*ev;
	const char		*parent;
	size_t			 probed[FUZZ_MAX_SERVERS];	/* addrs probed */
	/* Addresses host lookups and wrong sources pick from: a few fixed
	 * ones and every glue address, so that they agree or not. */
	struct addr	 pool[FUZZ_POOL_MAX];
	size_t			 npool;
};

static void
fuzz_pool_add(struct fuzz_run *r, const struct addr *a)
{
	if (r->npool < FUZZ_POOL_MAX &&
	    !addr_in(r->pool, r->npool, a))
		r->pool[r->npool++] = *a;
}

static void
fuzz_pool_init(struct fuzz_run *r)
{
	static const char *const ips[] = {
		"192.0.2.1", "192.0.2.2", "198.51.100.1", "2001:db8::1",
		"2001:db8::53",
	};
	struct addr	 a;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a.ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&a.ss;
	size_t			 i;

	for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		memset(&a, 0, sizeof(a));
		if (inet_pton(AF_INET, ips[i], &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons(53);
			a.len = sizeof(*sin);
		} else if (inet_pton(AF_INET6, ips[i], &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(53);
			a.len = sizeof(*sin6);
		} else
			abort();
		fuzz_pool_add(r, &a);
	}
}

/* The next chunk as an answer; NULL when it does not parse. */
static ldns_pkt *
fuzz_pkt(struct fuzz_run *r)
{
	const uint8_t	*p;
	ldns_pkt	*pkt;
	size_t		 len;

	p = fuzz_chunk(&r->in, &len);
	if (ldns_wire2pkt(&pkt, p, len) != LDNS_STATUS_OK)
		return NULL;
	return pkt;
}

/* The walk's verdict, as walk_zone_done reaches it from the parent's
 * answer; a byte may make it give up first (WALK_FAILED). */
static struct walk_result *
fuzz_walk(struct fuzz_run *r)
{
	const char		*zone = r->ev->zone;
	struct walk_result	*w;
	struct deleg_answer	 ans;
	ldns_pkt		*pkt;
	uint8_t			 c = fuzz_u8(&r->in);

	w = xcalloc(1, sizeof(*w));
	w->zone = xstrdup(zone);
	pkt = fuzz_pkt(r);
	if (c % 16 == 15) {
		w->status = WALK_FAILED;
		w->detail = xasprintf("gave up on %s after 64 lookups", zone);
		ldns_pkt_free(pkt);
		return w;
	}
	w->parent = xstrdup(r->parent);
	if (pkt == NULL) {
		w->status = WALK_UNREACHABLE;
		w->detail = xasprintf("no server of %s answered %s/NS usefully",
		    r->parent, zone);
		return w;
	}
	deleg_classify(pkt, zone, LDNS_RR_TYPE_NS, r->parent, &ans);
	ldns_pkt_free(pkt);
	if ((ans.kind == DELEG_REFERRAL || ans.kind == DELEG_AUTH_NS) &&
	    strcmp(ans.deleg->name, zone) == 0) {
		w->status = WALK_OK;
		w->referral = ans.deleg;
		w->parent_authoritative = ans.kind == DELEG_AUTH_NS;
		ans.deleg = NULL;
	} else if (ans.kind == DELEG_NXDOMAIN) {
		w->status = WALK_NXDOMAIN;
		w->detail = xasprintf("the parent zone %s answers NXDOMAIN for %s",
		    r->parent, zone);
	} else if (ans.kind == DELEG_LAME || ans.kind == DELEG_REFERRAL) {
		/* Lame everywhere, or a cut below that then failed. */
		w->status = WALK_UNREACHABLE;
		w->detail = xasprintf("no server of %s answered %s/NS usefully",
		    r->parent, zone);
	} else {
		w->status = WALK_NODATA;
		w->detail = xasprintf("the parent zone %s has %s but no NS "
		    "records (no delegation)", r->parent, zone);
	}
	deleg_answer_clear(&ans);
	return w;
}

/* A server as run_learn_server knows it; false when past the bound. */
static bool
fuzz_learn(struct fuzz_run *r, const char *name, bool in_parent, bool in_child,
    size_t *sip)
{
	struct evidence	*ev = r->ev;
	size_t		 i;

	for (i = 0; i < ev->nservers; i++)
		if (strcmp(ev->servers[i].name, name) == 0)
			break;
	if (i == ev->nservers && ev->nservers == FUZZ_MAX_SERVERS)
		return false;
	*sip = evidence_server(ev, name);
	if (in_parent)
		ev->servers[*sip].in_parent = true;
	if (in_child)
		ev->servers[*sip].in_child = true;
	return true;
}

/* The servers and glue of the parent's referral, as run_walk_cb takes them. */
static void
fuzz_referral(struct fuzz_run *r)
{
	const struct infra_deleg	*d = r->ev->walk->referral;
	struct ev_server		*s;
	size_t				 i, j, si;

	if (r->ev->walk->status != WALK_OK)
		return;
	for (i = 0; i < d->nns; i++) {
		if (!fuzz_learn(r, d->ns[i].name, true, false, &si))
			return;
		if (d->ns[i].nglue == 0)
			continue;
		s = &r->ev->servers[si];
		s->glued = true;
		for (j = 0; j < d->ns[i].nglue; j++) {
			addr_add(&s->glue, &s->nglue, &d->ns[i].glue[j]);
			evidence_server_add_addr(s, &d->ns[i].glue[j]);
			fuzz_pool_add(r, &d->ns[i].glue[j]);
		}
	}
}

/* NS names in an authoritative answer for the zone, as run_learn_child_ns. */
static void
fuzz_child_ns(struct fuzz_run *r, const ldns_pkt *pkt)
{
	const ldns_rr_list	*ans = ldns_pkt_answer(pkt);
	const ldns_rr		*rr;
	char			*owner, *target;
	size_t			 i, si;

	if (!ldns_pkt_aa(pkt) || ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR)
		return;
	for (i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		rr = ldns_rr_list_rr(ans, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_rr_rdf(rr, 0) == NULL)
			continue;
		owner = infra_name(ldns_rr_owner(rr));
		if (strcmp(owner, r->ev->zone) == 0) {
			target = infra_name(ldns_rr_rdf(rr, 0));
			(void)fuzz_learn(r, target, false, true, &si);
			free(target);
		}
		free(owner);
	}
}

/* One probe and what the query engine reported for it. */
static const struct ev_query *
fuzz_probe(struct fuzz_run *r, size_t si, const struct addr *a,
    enum probe probe)
{
	struct ev_query		*q;
	uint8_t			 c = fuzz_u8(&r->in), t = fuzz_u8(&r->in);

	q = evidence_add_query(r->ev, probe, si, a);
	q->transport = probe == PROBE_SOA_TCP ? QUERY_TCP : QUERY_UDP;
	q->attempts = 1 + (c >> 6);
	q->rtt = (double)t / 1000;
	switch (c & 7) {
	case 4:
		q->status = QUERY_TIMEOUT;
		break;
	case 5:
		q->status = QUERY_REFUSED_CONNECTION;
		break;
	case 6:
		q->status = QUERY_MALFORMED;
		break;
	case 7:
		q->status = QUERY_ERROR;
		break;
	default:
		/* The engine reports an answer only with a parsed message. */
		q->pkt = fuzz_pkt(r);
		q->status = q->pkt != NULL ? QUERY_OK : QUERY_MALFORMED;
		/* TC=1 over UDP, the answer then over TCP. */
		if (q->pkt != NULL && (c & 8) && probe != PROBE_SOA_TCP) {
			q->truncated = true;
			q->transport = QUERY_TCP;
		}
		break;
	}
	if ((c & 0x10) && q->transport == QUERY_UDP)
		memcpy(&q->wrong_source, &r->pool[t % r->npool].ss,
		    sizeof(q->wrong_source));
	q->mismatched = (c >> 5) & 1;
	return q;
}

/* Every probe of one address, as run_probe_address and run_query_cb. */
static void
fuzz_probe_address(struct fuzz_run *r, size_t si, const struct addr *a)
{
	static const enum probe	 probes[] = {
		PROBE_NS, PROBE_SOA_UDP, PROBE_SOA_TCP, PROBE_DNSKEY,
	};
	const struct ev_query	*q;
	size_t			 i;
	bool			 plain;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (r->ev->nqueries >= FUZZ_MAX_QUERIES)
			return;
		q = fuzz_probe(r, si, a, probes[i]);
		plain = q->probe == PROBE_SOA_UDP &&
		    (q->status == QUERY_TIMEOUT || q->status == QUERY_MALFORMED ||
		    (q->status == QUERY_OK &&
		    (ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_FORMERR ||
		    ldns_pkt_get_rcode(q->pkt) == LDNS_RCODE_NOTIMPL)));
		if (q->probe == PROBE_NS && q->status == QUERY_OK)
			fuzz_child_ns(r, q->pkt);
		if (plain && r->ev->nqueries < FUZZ_MAX_QUERIES)
			fuzz_probe(r, si, a, PROBE_SOA_PLAIN);
	}
}

/* Addresses of server si not yet probed. */
static void
fuzz_probe_new(struct fuzz_run *r, size_t si)
{
	struct addr	a;

	while (r->probed[si] < r->ev->servers[si].naddrs) {
		/* A copy: learning servers moves the array. */
		a = r->ev->servers[si].addrs[r->probed[si]++];
		fuzz_probe_address(r, si, &a);
	}
}

/* The server's own A/AAAA lookup, as run_host_cb takes it. */
static void
fuzz_host(struct fuzz_run *r, size_t si)
{
	static const enum infra_host_state	 states[] = {
		INFRA_HOST_OK, INFRA_HOST_OK, INFRA_HOST_OK, INFRA_HOST_OK,
		INFRA_HOST_NXDOMAIN, INFRA_HOST_CNAME, INFRA_HOST_FAILED,
		INFRA_HOST_OK,
	};
	struct ev_server	*s = &r->ev->servers[si];
	uint8_t			 c = fuzz_u8(&r->in);
	size_t			 i, n;

	s->looked_up = true;
	s->host_state = states[c & 7];
	if (s->host_state != INFRA_HOST_OK)
		return;
	n = (c >> 3) % (FUZZ_MAX_ADDRS + 1);
	for (i = 0; i < n; i++) {
		const struct addr *a = &r->pool[fuzz_u8(&r->in) % r->npool];

		addr_add(&s->auth, &s->nauth, a);
		evidence_server_add_addr(s, a);
	}
}

/* The check memory of an earlier run (fuzz_memory), as check_served
 * leaves it: the newest serial, and lags by server and address. */
static void
fuzz_memory(struct fuzz_run *r, struct zone *z)
{
	const struct ev_server	*s;
	char			 addr[INET6_ADDRSTRLEN + 8];
	uint8_t			 c = fuzz_u8(&r->in);
	uint32_t		 serial;
	size_t			 si;

	if (c == 0)
		return;
	z->runs = 1;
	serial = (uint32_t)fuzz_u16(&r->in) << 16;
	serial |= fuzz_u16(&r->in);
	if (c & 1) {
		z->memory.has_serial = true;
		z->memory.serial = serial;
	}
	for (si = 0; si < r->ev->nservers && si < (size_t)((c >> 1) & 7); si++) {
		s = &r->ev->servers[si];
		if (s->naddrs == 0)
			continue;
		addr_str(&s->addrs[0], addr, sizeof(addr));
		findings_add(&z->memory.lagging, CAUSE_SERIAL_MISMATCH,
		    SEVERITY_WARNING, s->name, addr, NULL, NULL, NULL);
		z->memory.lagging.v[z->memory.lagging.n - 1].since =
		    r->ev->started - (time_t)fuzz_u16(&r->in) * 60;
	}
}

/* The judgement's invariants: what renderers and the zone state rely on. */
static void
fuzz_check_findings(const struct findings *fs, const int status[CHECK_MAX])
{
	size_t	i;
	int	c;

	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].summary == NULL || fs->v[i].evidence == NULL ||
		    fs->v[i].fix == NULL || fs->v[i].cause >= CAUSE_MAX ||
		    fs->v[i].check >= CHECK_MAX ||
		    fs->v[i].check != cause_check(fs->v[i].cause) ||
		    fs->v[i].severity > SEVERITY_CRITICAL)
			abort();
		if (status[fs->v[i].check] < (int)fs->v[i].severity)
			abort();	/* a check's status is its worst finding */
	}
	for (c = 0; c < CHECK_MAX; c++)
		if (status[c] < -1 || status[c] > 3)
			abort();
}

/* FUZZ_VERBOSE=1 in the environment: what a run found, for writing seeds
 * (fuzz/replay_evidence FILE). */
static void
fuzz_verbose(const struct evidence *ev, const struct zone *z)
{
	static int	 verbose = -1;
	const struct ev_server *s;
	size_t		 i;

	if (verbose == -1)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (!verbose)
		return;
	printf("  %s: walk %s, %zu queries\n", ev->zone,
	    walk_status_name(ev->walk->status), ev->nqueries);
	for (i = 0; i < ev->nservers; i++) {
		s = &ev->servers[i];
		printf("  server %s:%s%s%s, %zu addresses\n", s->name,
		    s->in_parent ? " parent" : "", s->in_child ? " child" : "",
		    s->glued ? " glued" : "", s->naddrs);
	}
	for (i = 0; i < z->findings.n; i++)
		printf("  %s %s %s %s: %s\n", severity_name(z->findings.v[i].severity),
		    cause_name(z->findings.v[i].cause),
		    z->findings.v[i].server != NULL ? z->findings.v[i].server : "-",
		    z->findings.v[i].address != NULL ? z->findings.v[i].address : "-",
		    z->findings.v[i].summary);
}

static void
fuzz_render(struct zone *z)
{
	struct zone_set	 set = { &z, 1 };
	struct snapshot	 st;
	struct buf	 b;

	buf_init(&b);
	render_json_zone(&b, z);
	if (!fuzz_json_valid(b.data, b.len))
		abort();
	buf_reset(&b);
	memset(&st, 0, sizeof(st));
	st.zones = &set;
	render_html_index(&b, &st);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run		 r;
	struct check_params	 params;
	struct check_memory	 mem;
	struct findings		 fs = { NULL, 0 };
	struct zone		*z;
	int			 status[CHECK_MAX];
	size_t			 si, zi, round;

	memset(&r, 0, sizeof(r));
	r.in.p = data;
	r.in.n = size;
	zi = fuzz_u8(&r.in) % (sizeof(fuzz_zones) / sizeof(fuzz_zones[0]));
	r.parent = fuzz_zones[zi].parent;
	memset(&params, 0, sizeof(params));
	params.timeout_ms = 2000;
	params.retries = 2;
	params.serial_grace_s = fuzz_graces[fuzz_u8(&r.in) % 4];
	fuzz_pool_init(&r);

	r.ev = evidence_new(fuzz_zones[zi].zone, 1767225600);
	r.ev->walk = fuzz_walk(&r);
	fuzz_referral(&r);
	/* Servers in the order learnt; NS answers may add more. */
	for (si = 0; si < r.ev->nservers; si++) {
		fuzz_probe_new(&r, si);
		fuzz_host(&r, si);
		fuzz_probe_new(&r, si);
	}

	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(r.ev->zone);
	fuzz_memory(&r, z);
	for (round = 0; round < 2; round++) {
		params.now = r.ev->started + (time_t)round * 3600;
		params.prev = z->runs > 0 ? &z->memory : NULL;
		memset(&mem, 0, sizeof(mem));
		check_run_all(r.ev, &params, &fs, status, &mem);
		fuzz_check_findings(&fs, status);
		zone_record_run(z, &fs, status, &mem, params.now, 0.5, 2);
	}
	/* Once: rendering a character at a time is most of a run's time. */
	fuzz_render(z);
	fuzz_verbose(r.ev, z);
	zone_free(z);
	evidence_free(r.ev);
	return 0;
}
