/* served: what each server's answers say about serving the zone. */
#include "zhbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "evidence.h"
#include "served.h"
#include "xmalloc.h"

static bool
served_rr_owned(const ldns_rr *rr, ldns_rr_type type, const char *zone)
{
	char	*owner;
	bool	 eq;

	if (ldns_rr_get_type(rr) != type)
		return false;
	owner = infra_name(ldns_rr_owner(rr));
	eq = strcmp(owner, zone) == 0;
	free(owner);
	return eq;
}

/* The first record of type in list, or NULL. */
static const ldns_rr *
served_first(const ldns_rr_list *list, ldns_rr_type type)
{
	size_t	i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(list, i)) == type)
			return ldns_rr_list_rr(list, i);
	return NULL;
}

static bool
served_soa_serial(const ldns_rr *soa, uint32_t *serial)
{
	const ldns_rdf	*rd = ldns_rr_rdf(soa, 2);

	if (rd == NULL || ldns_rdf_size(rd) != 4)
		return false;
	*serial = ldns_rdf2native_int32(rd);
	return true;
}

static void
served_detail(struct served_result *r, const ldns_pkt *pkt, const char *what)
{
	char	*rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(pkt));

	snprintf(r->detail, sizeof(r->detail), "%s%s, %s", rc != NULL ? rc : "rcode ?",
	    ldns_pkt_aa(pkt) ? " with AA" : " without AA", what);
	free(rc);
}

/* A referral: where it points, relative to the zone. */
static enum served
served_referral(const ldns_pkt *pkt, const ldns_rr *ns, const char *zone,
    struct served_result *r)
{
	char		*owner = infra_name(ldns_rr_owner(ns));
	char		*what;

	if (strcmp(owner, zone) == 0)
		what = xasprintf("a referral to %s's own servers: it serves a zone "
		    "above, not %s", zone, zone);
	else if (infra_name_under(zone, owner))
		what = xasprintf("an upward referral to %s: it does not serve %s",
		    owner, zone);
	else
		what = xasprintf("a referral to %s, which is not %s", owner, zone);
	served_detail(r, pkt, what);
	free(what);
	free(owner);
	return r->verdict = SERVED_REFERRAL;
}

static enum served
served_noerror(const ldns_pkt *pkt, const char *zone, struct served_result *r)
{
	const ldns_rr_list	*ans = ldns_pkt_answer(pkt);
	const ldns_rr_list	*auth = ldns_pkt_authority(pkt);
	const ldns_rr		*rr;
	char			*owner, *what;
	size_t			 i;

	for (i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		rr = ldns_rr_list_rr(ans, i);
		if (!served_rr_owned(rr, LDNS_RR_TYPE_SOA, zone))
			continue;
		if (!served_soa_serial(rr, &r->serial)) {
			served_detail(r, pkt, "a malformed SOA record");
			return r->verdict = SERVED_NO_SOA;
		}
		if (!ldns_pkt_aa(pkt)) {
			what = xasprintf("SOA serial %u: a cache or resolver "
			    "answers, not a server with the zone loaded", r->serial);
			served_detail(r, pkt, what);
			free(what);
			return r->verdict = SERVED_NO_AA;
		}
		snprintf(r->detail, sizeof(r->detail), "serial %u", r->serial);
		return r->verdict = SERVED_OK;
	}
	if ((rr = served_first(ans, LDNS_RR_TYPE_SOA)) != NULL ||
	    (rr = served_first(ans, LDNS_RR_TYPE_CNAME)) != NULL) {
		owner = infra_name(ldns_rr_owner(rr));
		what = xasprintf("%s owned by %s instead of %s's SOA",
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA ? "an SOA" : "a CNAME",
		    owner, zone);
		served_detail(r, pkt, what);
		free(what);
		free(owner);
		return r->verdict = ldns_pkt_aa(pkt) ? SERVED_NO_SOA : SERVED_NO_AA;
	}
	if (!ldns_pkt_aa(pkt) && (rr = served_first(auth, LDNS_RR_TYPE_NS)) != NULL)
		return served_referral(pkt, rr, zone, r);
	if ((rr = served_first(auth, LDNS_RR_TYPE_SOA)) != NULL) {
		owner = infra_name(ldns_rr_owner(rr));
		what = strcmp(owner, zone) == 0 ?
		    xasprintf("no SOA in the answer though %s's SOA is in the "
		    "authority section", zone) :
		    xasprintf("no data: the authority section has the SOA of %s, "
		    "so it serves %s without the delegation of %s", owner, owner,
		    zone);
		served_detail(r, pkt, what);
		free(what);
		free(owner);
	} else
		served_detail(r, pkt, "an empty answer");
	return r->verdict = ldns_pkt_aa(pkt) ? SERVED_NO_SOA : SERVED_NO_AA;
}

enum served
served_classify(const ldns_pkt *pkt, const char *zone, struct served_result *r)
{
	const ldns_rr	*rr;

	memset(r, 0, sizeof(*r));
	if (pkt == NULL) {
		snprintf(r->detail, sizeof(r->detail), "no answer");
		return r->verdict = SERVED_NO_ANSWER;
	}
	switch (ldns_pkt_get_rcode(pkt)) {
	case LDNS_RCODE_NOERROR:
		return served_noerror(pkt, zone, r);
	case LDNS_RCODE_REFUSED:
		served_detail(r, pkt, "the zone is not configured there");
		return r->verdict = SERVED_REFUSED;
	case LDNS_RCODE_SERVFAIL:
		served_detail(r, pkt, "the zone is configured but not loaded");
		return r->verdict = SERVED_SERVFAIL;
	case LDNS_RCODE_NOTAUTH:
		served_detail(r, pkt, "not authoritative for the zone");
		return r->verdict = SERVED_NOTAUTH;
	case LDNS_RCODE_NXDOMAIN:
		if (!ldns_pkt_aa(pkt) &&
		    (rr = served_first(ldns_pkt_authority(pkt), LDNS_RR_TYPE_NS)) != NULL)
			return served_referral(pkt, rr, zone, r);
		served_detail(r, pkt, "the zone's own name does not exist there: "
		    "it serves a zone above without this delegation");
		return r->verdict = ldns_pkt_aa(pkt) ? SERVED_NXDOMAIN : SERVED_NO_AA;
	default:
		served_detail(r, pkt, "an error answer");
		return r->verdict = SERVED_BAD_RCODE;
	}
}

static bool
served_usable(const struct ev_query *q, bool strict)
{
	ldns_pkt_rcode	rc;

	if (q == NULL || q->status != QUERY_OK || q->pkt == NULL)
		return false;
	rc = ldns_pkt_get_rcode(q->pkt);
	return !strict || (rc != LDNS_RCODE_FORMERR && rc != LDNS_RCODE_NOTIMPL);
}

enum served
served_at(const struct evidence *ev, size_t si, const struct addr *a,
    struct served_result *r)
{
	const struct ev_query	*q[3];
	int			 i, strict;

	q[0] = evidence_find(ev, PROBE_SOA_UDP, si, a);
	q[1] = evidence_find(ev, PROBE_SOA_PLAIN, si, a);
	q[2] = evidence_find(ev, PROBE_SOA_TCP, si, a);
	/* An EDNS FORMERR is reachability's finding: prefer a real answer. */
	for (strict = 1; strict >= 0; strict--)
		for (i = 0; i < 3; i++)
			if (served_usable(q[i], strict))
				return served_classify(q[i]->pkt, ev->zone, r);
	return served_classify(NULL, ev->zone, r);
}

bool
served_by_server(const struct evidence *ev, size_t si)
{
	struct served_result	r;
	size_t			i;

	for (i = 0; i < ev->servers[si].naddrs; i++)
		if (served_at(ev, si, &ev->servers[si].addrs[i], &r) == SERVED_OK)
			return true;
	return false;
}

bool
served_answered(const struct evidence *ev, size_t si)
{
	struct served_result	r;
	size_t			i;

	for (i = 0; i < ev->servers[si].naddrs; i++)
		if (served_at(ev, si, &ev->servers[si].addrs[i], &r) != SERVED_NO_ANSWER)
			return true;
	return false;
}

bool
served_anywhere(const struct evidence *ev, bool parent_only)
{
	size_t	si;

	for (si = 0; si < ev->nservers; si++)
		if ((!parent_only || ev->servers[si].in_parent) &&
		    served_by_server(ev, si))
			return true;
	return false;
}

/* Some server gave the zone's NS set, so "not in it" means something. */
static bool
served_child_known(const struct evidence *ev)
{
	size_t	i;

	for (i = 0; i < ev->nservers; i++)
		if (ev->servers[i].in_child)
			return true;
	return false;
}

bool
served_lame(const struct evidence *ev, size_t si)
{
	const struct ev_server	*s = &ev->servers[si];

	return s->in_parent && !s->in_child && served_child_known(ev) &&
	    served_answered(ev, si) && !served_by_server(ev, si);
}

int
serial_cmp(uint32_t a, uint32_t b)
{
	uint32_t	d = a - b;

	if (a == b)
		return 0;
	if (d == UINT32_C(0x80000000))
		return a < b ? -1 : 1;	/* undefined in RFC 1982 3.2 */
	return d < UINT32_C(0x80000000) ? 1 : -1;
}

uint32_t
serial_newest(const uint32_t *v, size_t n)
{
	uint32_t	best = v[0];
	size_t		i;

	for (i = 1; i < n; i++)
		if (serial_cmp(v[i], best) > 0)
			best = v[i];
	return best;
}

static int
ns_set_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
ns_set_add(struct ns_set *set, const char *name)
{
	if (ns_set_has(set, name))
		return;
	set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = xstrdup(name);
	qsort(set->v, set->n, sizeof(*set->v), ns_set_strcmp);
}

bool
ns_set_has(const struct ns_set *set, const char *name)
{
	return set->n > 0 && bsearch(&name, set->v, set->n, sizeof(*set->v),
	    ns_set_strcmp) != NULL;
}

bool
ns_set_from_pkt(struct ns_set *set, const ldns_pkt *pkt, const char *zone)
{
	const ldns_rr_list	*ans;
	const ldns_rr		*rr;
	char			*name;
	size_t			 i;

	memset(set, 0, sizeof(*set));
	if (pkt == NULL || !ldns_pkt_aa(pkt) ||
	    ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR)
		return false;
	ans = ldns_pkt_answer(pkt);
	for (i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		rr = ldns_rr_list_rr(ans, i);
		if (!served_rr_owned(rr, LDNS_RR_TYPE_NS, zone) ||
		    ldns_rr_rdf(rr, 0) == NULL)
			continue;
		name = infra_name(ldns_rr_rdf(rr, 0));
		ns_set_add(set, name);
		free(name);
	}
	return set->n > 0;
}

bool
ns_set_eq(const struct ns_set *a, const struct ns_set *b)
{
	size_t	i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

char *
ns_set_minus_str(const struct ns_set *a, const struct ns_set *b)
{
	struct buf	out;
	size_t		i;

	buf_init(&out);
	for (i = 0; i < a->n; i++)
		if (!ns_set_has(b, a->v[i]))
			buf_printf(&out, "%s%s", out.len > 0 ? ", " : "", a->v[i]);
	return buf_steal(&out, NULL);
}

void
ns_set_clear(struct ns_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}
