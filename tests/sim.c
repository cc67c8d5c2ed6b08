/* sim: a simulated network of authoritative servers for the query engine's
 * test hook. */
#include "zhbuild.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "clock.h"
#include "query.h"
#include "sim.h"
#include "tcpprobe.h"
#include "xmalloc.h"

/*
 * Each server answers like a plain authoritative server (NSD's way): the
 * zone at the address that holds the name, a referral with in-zone glue
 * below a cut, an answer with its RRSIGs, NODATA or NXDOMAIN with the SOA,
 * REFUSED for what it does not serve. Enough for delegations, glue, cycles
 * and probes; not a validator's test bed (no NSEC chains are made).
 */

struct sim_zone {
	char		*addr;
	ldns_rdf	*origin;
	ldns_rr_list	*rrs;		/* every record, the SOA first */
};

struct sim_addr {
	char		*addr;
	unsigned long	 queries;
};

struct sim {
	struct sim_zone	*zones;
	size_t		 nzones;
	struct sim_rule	*rules;
	size_t		 nrules;
	struct sim_addr	*addrs;
	size_t		 naddrs;
	unsigned long	 queries;
	sim_query_fn	 on_query;
	void		*on_query_arg;
	sim_filter_fn	 filter;
	void		*filter_arg;
};

struct sim *
sim_new(void)
{
	return xcalloc(1, sizeof(struct sim));
}

void
sim_free(struct sim *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nzones; i++) {
		free(s->zones[i].addr);
		ldns_rdf_deep_free(s->zones[i].origin);
		ldns_rr_list_deep_free(s->zones[i].rrs);
	}
	sim_clear_rules(s);
	for (i = 0; i < s->naddrs; i++)
		free(s->addrs[i].addr);
	free(s->addrs);
	free(s->zones);
	free(s);
}

static ldns_zone *
sim_parse(const char *origin, const char *text)
{
	ldns_zone	*lz = NULL;
	ldns_rdf	*org;
	FILE		*fp;
	ldns_status	 st;
	int		 line = 0;

	if ((org = ldns_dname_new_frm_str(origin)) == NULL)
		return NULL;
	if ((fp = fmemopen((void *)text, strlen(text), "r")) == NULL) {
		ldns_rdf_deep_free(org);
		return NULL;
	}
	st = ldns_zone_new_frm_fp_l(&lz, fp, org, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(fp);
	ldns_rdf_deep_free(org);
	if (st != LDNS_STATUS_OK) {
		fprintf(stderr, "sim: zone %s, line %d: %s\n", origin, line,
		    ldns_get_errorstr_by_id(st));
		return NULL;
	}
	return lz;
}

char *
sim_sign(const char *origin, const char *text, bool nsec3, char **ds)
{
	struct sim_sign_opts	o = { 13, nsec3 ? 0 : -1, 2, 0 };

	return sim_sign_with(origin, text, &o, ds);
}

static ldns_key *
sim_key(int algorithm, const char *origin, uint16_t flags, uint32_t now)
{
	ldns_key	*k;

	k = algorithm == 5 ? ldns_key_new_frm_algorithm(LDNS_SIGN_RSASHA1, 1024) :
	    algorithm == 8 ? ldns_key_new_frm_algorithm(LDNS_SIGN_RSASHA256, 2048) :
	    ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
	if (k == NULL)
		abort();
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(origin));
	ldns_key_set_flags(k, flags);
	ldns_key_set_inception(k, now - 3600);
	ldns_key_set_expiration(k, now + 30 * 86400);
	return k;
}

char *
sim_sign_with(const char *origin, const char *text, const struct sim_sign_opts *o,
    char **ds)
{
	ldns_zone	*lz, *signed_zone;
	ldns_key_list	*keys;
	ldns_key	*k, *extra;
	ldns_rr		*dnskey, *dsrr, *rr;
	ldns_rr_list	*all;
	char		*out;
	uint32_t	 now = (uint32_t)time(NULL);
	unsigned	 i;

	if ((lz = sim_parse(origin, text)) == NULL)
		return NULL;
	k = sim_key(o->algorithm, origin, 257, now);
	if ((dnskey = ldns_key2rr(k)) == NULL)
		abort();
	ldns_key_set_keytag(k, ldns_calc_keytag(dnskey));
	ldns_zone_push_rr(lz, ldns_rr_clone(dnskey));
	/* Published, signing nothing: only to make the DNSKEY set big. */
	for (i = 0; i < o->extra_keys; i++) {
		extra = sim_key(5, origin, 256, now);
		if ((rr = ldns_key2rr(extra)) == NULL)
			abort();
		ldns_zone_push_rr(lz, rr);
		ldns_key_deep_free(extra);
	}
	keys = ldns_key_list_new();
	ldns_key_list_push_key(keys, k);
	signed_zone = o->nsec3_iterations >= 0 ? ldns_zone_sign_nsec3(lz, keys,
	    LDNS_SHA1, 0, (uint16_t)o->nsec3_iterations, 0, NULL) :
	    ldns_zone_sign(lz, keys);
	if (signed_zone == NULL)
		abort();
	if ((dsrr = ldns_key_rr2ds(dnskey, o->ds_digest == 1 ? LDNS_SHA1 :
	    LDNS_SHA256)) == NULL)
		abort();
	*ds = ldns_rr2str(dsrr);
	all = ldns_rr_list_new();
	ldns_rr_list_push_rr(all, ldns_zone_soa(signed_zone));
	ldns_rr_list_cat(all, ldns_zone_rrs(signed_zone));
	out = ldns_rr_list2str(all);
	ldns_rr_list_free(all);
	ldns_rr_free(dsrr);
	ldns_rr_free(dnskey);
	ldns_key_list_free(keys);	/* and the key */
	ldns_zone_deep_free(signed_zone);
	ldns_zone_deep_free(lz);
	return out;
}

int
sim_zone(struct sim *s, const char *addr, const char *origin, const char *text)
{
	struct sim_zone	*z;
	ldns_zone	*lz;
	size_t		 i;

	if ((lz = sim_parse(origin, text)) == NULL)
		return -1;
	s->zones = xreallocarray(s->zones, s->nzones + 1, sizeof(*s->zones));
	z = &s->zones[s->nzones++];
	z->addr = xstrdup(addr);
	if ((z->origin = ldns_dname_new_frm_str(origin)) == NULL)
		abort();
	z->rrs = ldns_rr_list_new();
	if (ldns_zone_soa(lz) != NULL)
		ldns_rr_list_push_rr(z->rrs, ldns_rr_clone(ldns_zone_soa(lz)));
	for (i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(lz)); i++)
		ldns_rr_list_push_rr(z->rrs,
		    ldns_rr_clone(ldns_rr_list_rr(ldns_zone_rrs(lz), i)));
	ldns_zone_deep_free(lz);
	return 0;
}

void
sim_add_rule(struct sim *s, const struct sim_rule *r)
{
	struct sim_rule	*c;

	s->rules = xreallocarray(s->rules, s->nrules + 1, sizeof(*s->rules));
	c = &s->rules[s->nrules++];
	*c = *r;
	c->addr = r->addr != NULL ? xstrdup(r->addr) : NULL;
	c->source = r->source != NULL ? xstrdup(r->source) : NULL;
	c->qname = r->qname != NULL ? xstrdup(r->qname) : NULL;
	if (r->nbytes > 0) {
		c->bytes = xmalloc(r->nbytes);
		memcpy((uint8_t *)c->bytes, r->bytes, r->nbytes);
	}
}

void
sim_clear_rules(struct sim *s)
{
	size_t	i;

	for (i = 0; i < s->nrules; i++) {
		free((char *)s->rules[i].addr);
		free((char *)s->rules[i].source);
		free((char *)s->rules[i].qname);
		free((uint8_t *)s->rules[i].bytes);
	}
	free(s->rules);
	s->rules = NULL;
	s->nrules = 0;
}

void
sim_on_query(struct sim *s, sim_query_fn fn, void *arg)
{
	s->on_query = fn;
	s->on_query_arg = arg;
}

void
sim_set_filter(struct sim *s, sim_filter_fn fn, void *arg)
{
	s->filter = fn;
	s->filter_arg = arg;
}

unsigned long
sim_queries(const struct sim *s, const char *addr)
{
	size_t	i;

	if (addr == NULL)
		return s->queries;
	for (i = 0; i < s->naddrs; i++)
		if (strcmp(s->addrs[i].addr, addr) == 0)
			return s->addrs[i].queries;
	return 0;
}

size_t
sim_addresses(const struct sim *s)
{
	return s->naddrs;
}

static void
sim_count(struct sim *s, const char *addr)
{
	size_t	i;

	s->queries++;
	for (i = 0; i < s->naddrs; i++)
		if (strcmp(s->addrs[i].addr, addr) == 0) {
			s->addrs[i].queries++;
			return;
		}
	s->addrs = xreallocarray(s->addrs, s->naddrs + 1, sizeof(*s->addrs));
	s->addrs[s->naddrs].addr = xstrdup(addr);
	s->addrs[s->naddrs++].queries = 1;
}

static bool
sim_name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

/* a is b or below it. */
static bool
sim_name_under(const ldns_rdf *a, const ldns_rdf *b)
{
	return sim_name_eq(a, b) || ldns_dname_is_subdomain(a, b);
}

static struct sim_rule *
sim_match(struct sim *s, const char *addr, const char *source,
    const ldns_rdf *qname, ldns_rr_type qtype, enum query_transport t)
{
	struct sim_rule		*r;
	ldns_rdf		*rn;
	bool			 ok;
	size_t			 i;

	for (i = 0; i < s->nrules; i++) {
		r = &s->rules[i];
		if (r->addr != NULL && strcmp(r->addr, addr) != 0)
			continue;
		if (r->source != NULL && (source == NULL ||
		    strcmp(r->source, source) != 0))
			continue;
		if (r->qtype != 0 && r->qtype != qtype)
			continue;
		if (r->transport != -1 && r->transport != (int)t)
			continue;
		if (r->qname != NULL) {
			if (qname == NULL ||
			    (rn = ldns_dname_new_frm_str(r->qname)) == NULL)
				continue;
			ok = sim_name_eq(rn, qname);
			ldns_rdf_deep_free(rn);
			if (!ok)
				continue;
		}
		return r;
	}
	return NULL;
}

/* The zone at addr closest to qname (the longest origin above it). */
static const struct sim_zone *
sim_find_zone(const struct sim *s, const char *addr, const ldns_rdf *qname)
{
	const struct sim_zone	*best = NULL;
	size_t			 i;

	for (i = 0; i < s->nzones; i++) {
		if (strcmp(s->zones[i].addr, addr) != 0 ||
		    !sim_name_under(qname, s->zones[i].origin))
			continue;
		if (best == NULL || ldns_dname_label_count(s->zones[i].origin) >
		    ldns_dname_label_count(best->origin))
			best = &s->zones[i];
	}
	return best;
}

static void
sim_push(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr *rr)
{
	ldns_rr	*c;

	if ((c = ldns_rr_clone(rr)) == NULL)
		abort();
	ldns_pkt_push_rr(p, sec, c);
}

/* Every record at owner of type (and, with DO, its RRSIGs) into sec. */
static size_t
sim_push_set(ldns_pkt *p, ldns_pkt_section sec, const struct sim_zone *z,
    const ldns_rdf *owner, ldns_rr_type type, bool dnssec)
{
	const ldns_rr	*rr;
	size_t		 i, n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		rr = ldns_rr_list_rr(z->rrs, i);
		if (!sim_name_eq(ldns_rr_owner(rr), owner))
			continue;
		if (ldns_rr_get_type(rr) == type) {
			sim_push(p, sec, rr);
			n++;
		} else if (dnssec && ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rr_rrsig_typecovered(rr) != NULL &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type)
			sim_push(p, sec, rr);
	}
	return n;
}

/* The highest cut below the apex at or above qname, or NULL. */
static const ldns_rdf *
sim_find_cut(const struct sim_zone *z, const ldns_rdf *qname)
{
	const ldns_rdf	*cut = NULL, *o;
	const ldns_rr	*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		rr = ldns_rr_list_rr(z->rrs, i);
		o = ldns_rr_owner(rr);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    sim_name_eq(o, z->origin) || !sim_name_under(qname, o))
			continue;
		if (cut == NULL || ldns_dname_label_count(o) <
		    ldns_dname_label_count(cut))
			cut = o;
	}
	return cut;
}

static void
sim_referral(ldns_pkt *p, const struct sim_zone *z, const ldns_rdf *cut, bool dnssec)
{
	const ldns_rr	*rr;
	const ldns_rdf	*target;
	size_t		 i;

	sim_push_set(p, LDNS_SECTION_AUTHORITY, z, cut, LDNS_RR_TYPE_NS, false);
	if (dnssec)
		sim_push_set(p, LDNS_SECTION_AUTHORITY, z, cut, LDNS_RR_TYPE_DS, true);
	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    !sim_name_eq(ldns_rr_owner(rr), cut) ||
		    (target = ldns_rr_rdf(rr, 0)) == NULL ||
		    !sim_name_under(target, z->origin))
			continue;
		sim_push_set(p, LDNS_SECTION_ADDITIONAL, z, target, LDNS_RR_TYPE_A, false);
		sim_push_set(p, LDNS_SECTION_ADDITIONAL, z, target, LDNS_RR_TYPE_AAAA,
		    false);
	}
}

static bool
sim_name_exists(const struct sim_zone *z, const ldns_rdf *name)
{
	size_t	i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++)
		if (sim_name_under(ldns_rr_owner(ldns_rr_list_rr(z->rrs, i)), name))
			return true;
	return false;
}

/* rr and its RRSIGs, once. */
static void
sim_push_proof(ldns_pkt *p, const struct sim_zone *z, const ldns_rr *rr)
{
	const ldns_rr_list	*auth = ldns_pkt_authority(p);
	size_t			 i;

	if (rr == NULL)
		return;
	for (i = 0; i < ldns_rr_list_rr_count(auth); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(auth, i), rr) == 0)
			return;
	sim_push_set(p, LDNS_SECTION_AUTHORITY, z, ldns_rr_owner(rr),
	    ldns_rr_get_type(rr), true);
}

/* The NSEC or NSEC3 of the zone that matches (hashed) name, or covers it. */
static const ldns_rr *
sim_denial_rr(const struct sim_zone *z, ldns_rr_type type, const ldns_rdf *name,
    bool cover)
{
	const ldns_rr	*rr;
	ldns_rdf	*h, *hashed;
	bool		 hit;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		rr = ldns_rr_list_rr(z->rrs, i);
		if (ldns_rr_get_type(rr) != type)
			continue;
		if (type == LDNS_RR_TYPE_NSEC3) {
			if ((h = ldns_nsec3_hash_name_frm_nsec3(rr, name)) == NULL)
				continue;
			hashed = ldns_dname_cat_clone(h, z->origin);
			ldns_rdf_deep_free(h);
		} else
			hashed = ldns_rdf_clone(name);
		if (hashed == NULL)
			continue;
		hit = cover ? ldns_nsec_covers_name(rr, hashed) &&
		    !sim_name_eq(ldns_rr_owner(rr), hashed) :
		    sim_name_eq(ldns_rr_owner(rr), hashed);
		ldns_rdf_deep_free(hashed);
		if (hit)
			return rr;
	}
	return NULL;
}

/*
 * The denial a signed zone's server sends (RFC 4035 3.1.3, RFC 5155 7.2):
 * NODATA, the record at the name; NXDOMAIN, the closest encloser (NSEC3:
 * its match, the next closer name covered) and the wildcard covered.
 */
static void
sim_denial(ldns_pkt *p, const struct sim_zone *z, const ldns_rdf *qname,
    bool nxdomain)
{
	ldns_rr_type	 t = LDNS_RR_TYPE_NSEC;
	ldns_rdf	*ce, *nc, *star, *wild;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(z->rrs, i)) == LDNS_RR_TYPE_NSEC3)
			t = LDNS_RR_TYPE_NSEC3;
	if (!nxdomain) {
		sim_push_proof(p, z, sim_denial_rr(z, t, qname, false));
		if (t == LDNS_RR_TYPE_NSEC)
			sim_push_proof(p, z, sim_denial_rr(z, t, qname, true));
		return;
	}
	nc = ldns_rdf_clone(qname);
	ce = ldns_dname_left_chop(qname);
	while (ce != NULL && !sim_name_exists(z, ce) &&
	    ldns_dname_label_count(ce) > ldns_dname_label_count(z->origin)) {
		ldns_rdf_deep_free(nc);
		nc = ce;
		ce = ldns_dname_left_chop(nc);
	}
	star = ldns_dname_new_frm_str("*");
	if (ce == NULL || nc == NULL || star == NULL ||
	    (wild = ldns_dname_cat_clone(star, ce)) == NULL)
		abort();
	if (t == LDNS_RR_TYPE_NSEC3) {
		sim_push_proof(p, z, sim_denial_rr(z, t, ce, false));
		sim_push_proof(p, z, sim_denial_rr(z, t, nc, true));
	} else
		sim_push_proof(p, z, sim_denial_rr(z, t, qname, true));
	sim_push_proof(p, z, sim_denial_rr(z, t, wild, true));
	ldns_rdf_deep_free(wild);
	ldns_rdf_deep_free(star);
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(nc);
}

/* The authoritative answer at addr, as a server would give it. */
static void
sim_answer(const struct sim *s, const char *addr, const ldns_rdf *qname,
    ldns_rr_type qtype, bool dnssec, ldns_pkt *p)
{
	const struct sim_zone	*z;
	const ldns_rdf		*cut;

	if ((z = sim_find_zone(s, addr, qname)) == NULL) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_REFUSED);
		return;
	}
	if ((cut = sim_find_cut(z, qname)) != NULL &&
	    !(qtype == LDNS_RR_TYPE_DS && sim_name_eq(cut, qname))) {
		sim_referral(p, z, cut, dnssec);
		return;
	}
	ldns_pkt_set_aa(p, true);
	if (qtype != LDNS_RR_TYPE_CNAME && sim_push_set(p, LDNS_SECTION_ANSWER, z,
	    qname, LDNS_RR_TYPE_CNAME, dnssec) > 0)
		return;
	if (sim_push_set(p, LDNS_SECTION_ANSWER, z, qname, qtype, dnssec) > 0)
		return;
	if (!sim_name_exists(z, qname))
		ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
	sim_push_set(p, LDNS_SECTION_AUTHORITY, z, z->origin, LDNS_RR_TYPE_SOA, dnssec);
	if (dnssec)
		sim_denial(p, z, qname,
		    ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
}

static void
sim_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*a = sa->sa_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

static void
sim_wire(ldns_pkt *p, struct query_sim_reply *out)
{
	uint8_t	*wire = NULL;
	size_t	 len = 0;

	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		abort();
	out->outcome = QUERY_SIM_MESSAGE;
	out->data = wire;
	out->len = len;
}

static void	sim_pad(ldns_pkt *, unsigned);
static void	sim_append_opt(struct query_sim_reply *, bool);

static void
sim_trace(const char *addr, enum query_transport t, const uint8_t *msg, size_t len)
{
	ldns_pkt	*q = NULL;
	char		*qs;

	if (ldns_wire2pkt(&q, msg, len) == LDNS_STATUS_OK &&
	    ldns_rr_list_rr_count(ldns_pkt_question(q)) > 0 &&
	    (qs = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_question(q), 0))) != NULL) {
		fprintf(stderr, "sim: %s %s %s", addr, t == QUERY_TCP ? "tcp" : "udp",
		    qs);
		free(qs);
	}
	ldns_pkt_free(q);
}

static void
sim_serve(struct sim *s, const struct sockaddr *server, const struct sockaddr *source,
    enum query_transport t, const uint8_t *msg, size_t len,
    struct query_sim_reply *out)
{
	struct sim_rule		*r;
	ldns_pkt		*q = NULL, *p;
	const ldns_rr		*qrr;
	enum sim_behaviour	 b = SIM_ANSWER;
	char			 addr[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
	size_t			 limit;
	bool			 dnssec;

	sim_addr_str(server, addr, sizeof(addr));
	if (source != NULL)
		sim_addr_str(source, src, sizeof(src));
	sim_count(s, addr);
	if (getenv("SIM_TRACE") != NULL)	/* what each server is asked */
		sim_trace(addr, t, msg, len);
	if (s->on_query != NULL)
		s->on_query(s, s->queries, s->on_query_arg);
	if (ldns_wire2pkt(&q, msg, len) != LDNS_STATUS_OK)
		return;		/* silence */
	if ((qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0)) == NULL) {
		ldns_pkt_free(q);
		return;
	}
	if ((r = sim_match(s, addr, source != NULL ? src : NULL, ldns_rr_owner(qrr),
	    ldns_rr_get_type(qrr), t)) != NULL) {
		b = r->behaviour;
		out->delay_ms = r->delay_ms;
		if (b == SIM_RATE_LIMIT) {
			uint64_t	now = clock_mono_ms();

			if (now - r->window_ms >= 1000) {
				r->window_ms = now;
				r->used = 0;
			}
			b = r->used++ < r->limit ? SIM_ANSWER : SIM_SILENT;
		}
	}
	switch (b) {
	case SIM_SILENT:
		ldns_pkt_free(q);
		return;
	case SIM_REFUSE:
		out->outcome = QUERY_SIM_REFUSED;
		ldns_pkt_free(q);
		return;
	case SIM_CLOSE:
		out->outcome = t == QUERY_TCP ? QUERY_SIM_CLOSED : QUERY_SIM_SILENCE;
		ldns_pkt_free(q);
		return;
	case SIM_NETUNREACH:
		out->outcome = QUERY_SIM_ERRNO;
		out->err = ENETUNREACH;
		ldns_pkt_free(q);
		return;
	case SIM_GARBAGE:
	case SIM_BYTES:
		out->outcome = QUERY_SIM_MESSAGE;
		if (b == SIM_GARBAGE) {
			out->len = 14;
			out->data = xmalloc(out->len);
			memset(out->data, 0xff, out->len);
		} else {
			out->len = r->nbytes;
			out->data = xmalloc(out->len + 1);
			memcpy(out->data, r->bytes, r->nbytes);
		}
		if (out->len >= 2) {
			out->data[0] = msg[0];
			out->data[1] = msg[1];
		}
		ldns_pkt_free(q);
		return;
	default:
		break;
	}
	if ((p = ldns_pkt_new()) == NULL)
		abort();
	ldns_pkt_set_id(p, ldns_pkt_id(q));
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_opcode(p, ldns_pkt_get_opcode(q));
	ldns_pkt_set_rd(p, ldns_pkt_rd(q));
	ldns_pkt_set_cd(p, ldns_pkt_cd(q));
	sim_push(p, LDNS_SECTION_QUESTION, qrr);
	dnssec = ldns_pkt_edns_do(q);
	if (ldns_pkt_edns(q)) {
		ldns_pkt_set_edns_udp_size(p, 1232);
		ldns_pkt_set_edns_do(p, dnssec);
	}
	limit = ldns_pkt_edns(q) ? ldns_pkt_edns_udp_size(q) : 512;
	if (b == SIM_RCODE)
		ldns_pkt_set_rcode(p, (uint8_t)r->rcode);
	else if (!(b == SIM_TRUNCATE && t == QUERY_UDP))
		sim_answer(s, addr, ldns_rr_owner(qrr), ldns_rr_get_type(qrr),
		    dnssec, p);
	if (b == SIM_WRONG_ID)
		ldns_pkt_set_id(p, (uint16_t)(ldns_pkt_id(q) ^ 0x5a5a));
	if (b == SIM_OPT_OVERRUN)
		ldns_pkt_set_edns_udp_size(p, 0);	/* ours replaces it */
	if (b == SIM_OVERSIZE)
		sim_pad(p, 100);
	sim_wire(p, out);
	if (b == SIM_TWO_OPT || b == SIM_OPT_OVERRUN)
		sim_append_opt(out, b == SIM_OPT_OVERRUN);
	if ((b == SIM_TRUNCATE || out->len > limit) && t == QUERY_UDP &&
	    b != SIM_OVERSIZE) {
		/* Too big for the datagram: the header and question, TC=1. */
		free(out->data);
		ldns_rr_list_deep_free(ldns_pkt_answer(p));
		ldns_rr_list_deep_free(ldns_pkt_authority(p));
		ldns_rr_list_deep_free(ldns_pkt_additional(p));
		ldns_pkt_set_answer(p, ldns_rr_list_new());
		ldns_pkt_set_authority(p, ldns_rr_list_new());
		ldns_pkt_set_additional(p, ldns_rr_list_new());
		ldns_pkt_set_ancount(p, 0);
		ldns_pkt_set_nscount(p, 0);
		ldns_pkt_set_arcount(p, 0);
		ldns_pkt_set_tc(p, true);
		sim_wire(p, out);
	}
	ldns_pkt_free(p);
	ldns_pkt_free(q);
}

/* n A records for the question's name in the additional section. */
static void
sim_pad(ldns_pkt *p, unsigned n)
{
	const ldns_rr	*qrr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	ldns_rr		*rr;
	char		*owner, text[512];
	unsigned	 i;

	if ((owner = ldns_rdf2str(ldns_rr_owner(qrr))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "%s 60 IN A 192.0.2.%u", owner, i % 250 + 1);
		if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
			abort();
		ldns_pkt_push_rr(p, LDNS_SECTION_ADDITIONAL, rr);
	}
	free(owner);
}

/* One more OPT record at the end: well formed (a second one), or with an
 * option that claims 8 bytes of a 4-byte record. */
static void
sim_append_opt(struct query_sim_reply *out, bool overrun)
{
	static const uint8_t	good[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t	bad[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 4,
				    0, 10, 0, 8 };
	const uint8_t		*opt = overrun ? bad : good;
	size_t			 n = overrun ? sizeof(bad) : sizeof(good);
	unsigned		 ar;

	out->data = realloc(out->data, out->len + n);
	if (out->data == NULL)
		abort();
	memcpy(out->data + out->len, opt, n);
	out->len += n;
	ar = (unsigned)out->data[10] << 8 | out->data[11];
	ar++;
	out->data[10] = (uint8_t)(ar >> 8);
	out->data[11] = (uint8_t)ar;
}

static void
sim_reply(void *arg, const struct sockaddr *server, const struct sockaddr *source,
    enum query_transport t, const uint8_t *msg, size_t len,
    struct query_sim_reply *out)
{
	struct sim	*s = arg;

	sim_serve(s, server, source, t, msg, len, out);
	if (s->filter != NULL)
		s->filter(s, s->filter_arg, (int)t, msg, len, out);
}

static enum tcpprobe_status
sim_connect(void *arg, const struct sockaddr *sa, uint64_t *delay_ms)
{
	struct sim		*s = arg;
	const struct sim_rule	*r;
	char			 addr[INET6_ADDRSTRLEN];
	size_t			 i;

	sim_addr_str(sa, addr, sizeof(addr));
	sim_count(s, addr);
	if ((r = sim_match(s, addr, NULL, NULL, 0, QUERY_TCP)) != NULL) {
		*delay_ms = r->delay_ms;
		switch (r->behaviour) {
		case SIM_SILENT:
			return TCPPROBE_TIMEOUT;
		case SIM_NETUNREACH:
			return TCPPROBE_NO_ROUTE;
		case SIM_REFUSE:
		case SIM_CLOSE:
			return TCPPROBE_REFUSED;
		default:
			return TCPPROBE_OPEN;
		}
	}
	for (i = 0; i < s->nzones; i++)
		if (strcmp(s->zones[i].addr, addr) == 0)
			return TCPPROBE_OPEN;
	return TCPPROBE_REFUSED;
}

void
sim_install(struct sim *s)
{
	query_sim_install(s != NULL ? sim_reply : NULL, s);
	tcpprobe_sim_install(s != NULL ? sim_connect : NULL, s);
}
