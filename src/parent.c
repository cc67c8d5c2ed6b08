/* parent: do the parent zone's servers agree on the zone's delegation and
 * DS? (delegation/parent_inconsistent) */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "buf.h"
#include "deleg.h"
#include "evidence.h"
#include "finding.h"
#include "parent.h"
#include "xmalloc.h"

/*
 * A resolver asks whichever server of the parent it likes. One that serves
 * an old delegation (a secondary that stopped transferring, an anycast node
 * left behind) sends some resolvers to servers that no longer serve the
 * zone, or gives them a DS that matches no key: those resolvers fail, the
 * others do not, and the failure follows the resolver, not the zone.
 * Each server's view is reduced to a string; the one most servers hold is
 * the reference (a tie goes to the view of the first server by name), and
 * every server that differs is named.
 */

static int
parent_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, comma-separated, of the strings in v (freed). */
static char *
parent_join(char **v, size_t n)
{
	struct buf	b;
	size_t		i;

	qsort(v, n, sizeof(*v), parent_strcmp);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", v[i]);
		free(v[i]);
	}
	free(v);
	return buf_steal(&b, NULL);
}

/* The delegation a parent server gives: "NS a., b.", "NXDOMAIN", "no
 * delegation", or NULL when it gave nothing to compare (no answer, an
 * unusable one: other causes say so). */
static char *
parent_ns_view(const struct evidence *ev, const struct ev_parent *p)
{
	struct deleg_answer	 ans;
	char			**v, *s;
	size_t			 i;

	if (p->ns.status != QUERY_OK || p->ns.pkt == NULL)
		return NULL;
	deleg_classify(p->ns.pkt, ev->zone, LDNS_RR_TYPE_NS, ev->parent, &ans);
	switch (ans.kind) {
	case DELEG_REFERRAL:
	case DELEG_AUTH_NS:
		if (strcmp(ans.deleg->name, ev->zone) != 0) {
			s = xstrdup("no delegation (a referral elsewhere)");
			break;
		}
		v = xcalloc(ans.deleg->nns + 1, sizeof(*v));
		for (i = 0; i < ans.deleg->nns; i++)
			v[i] = xstrdup(ans.deleg->ns[i].name);
		s = parent_join(v, ans.deleg->nns);
		break;
	case DELEG_NXDOMAIN:
		s = xstrdup("NXDOMAIN");
		break;
	case DELEG_NODATA:
	case DELEG_CNAME:
		s = xstrdup("no delegation");
		break;
	default:
		s = NULL;
		break;
	}
	deleg_answer_clear(&ans);
	return s;
}

/* The DS RRset of the zone in an answer, or NULL if none is in it. */
static ldns_rr_list *
parent_ds_rrs(const struct evidence *ev, const ldns_pkt *pkt)
{
	const ldns_rr_list	*an = ldns_pkt_answer(pkt);
	ldns_rr_list		*out = NULL;
	ldns_rdf		*zone;
	const ldns_rr		*rr;
	size_t			 i;

	if ((zone = ldns_dname_new_frm_str(ev->zone)) == NULL)
		return NULL;
	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS ||
		    ldns_dname_compare(ldns_rr_owner(rr), zone) != 0)
			continue;
		if (out == NULL && (out = ldns_rr_list_new()) == NULL)
			abort();
		ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	ldns_rdf_deep_free(zone);
	return out;
}

/* The DS set a parent server gives, as text ("no DS" for none), or NULL. */
static char *
parent_ds_view(const struct evidence *ev, const struct ev_parent *p)
{
	ldns_rr_list	*ds;
	char		**v, *s;
	size_t		 i, n;

	if (p->ds.status != QUERY_OK || p->ds.pkt == NULL ||
	    (ldns_pkt_get_rcode(p->ds.pkt) != LDNS_RCODE_NOERROR &&
	    ldns_pkt_get_rcode(p->ds.pkt) != LDNS_RCODE_NXDOMAIN) ||
	    !ldns_pkt_aa(p->ds.pkt))
		return NULL;
	if ((ds = parent_ds_rrs(ev, p->ds.pkt)) == NULL)
		return xstrdup("no DS");
	n = ldns_rr_list_rr_count(ds);
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		s = ldns_rr2str(ldns_rr_list_rr(ds, i));
		/* The RDATA: the owner, TTL and class say nothing. */
		v[i] = xstrdup(s != NULL && strstr(s, "DS\t") != NULL ?
		    strstr(s, "DS\t") + 3 : s != NULL ? s : "?");
		v[i][strcspn(v[i], "\n")] = '\0';
		free(s);
	}
	ldns_rr_list_deep_free(ds);
	return parent_join(v, n);
}

/* Whether some DNSKEY the zone's servers publish matches a DS of the set. */
static bool
parent_ds_matches_keys(const struct evidence *ev, const ldns_pkt *dspkt)
{
	const struct ev_query	*k;
	ldns_rr_list		*ds;
	const ldns_rr_list	*an;
	size_t			 si, ai, i, j;
	bool			 match = false;

	if ((ds = parent_ds_rrs(ev, dspkt)) == NULL)
		return true;	/* no DS: insecure, nothing to match */
	for (si = 0; !match && si < ev->nservers; si++)
		for (ai = 0; !match && ai < ev->servers[si].naddrs; ai++) {
			k = evidence_find(ev, PROBE_DNSKEY, si, &ev->servers[si].addrs[ai]);
			if (k == NULL || k->status != QUERY_OK || k->pkt == NULL)
				continue;
			an = ldns_pkt_answer(k->pkt);
			for (i = 0; !match && i < ldns_rr_list_rr_count(an); i++)
				for (j = 0; !match && j < ldns_rr_list_rr_count(ds); j++)
					match = ldns_rr_get_type(ldns_rr_list_rr(an, i)) ==
					    LDNS_RR_TYPE_DNSKEY && ldns_rr_compare_ds(
					    ldns_rr_list_rr(an, i), ldns_rr_list_rr(ds, j));
		}
	ldns_rr_list_deep_free(ds);
	return match;
}

/* The view most servers hold (ties: the first server's by name, address). */
static const char *
parent_reference(const struct evidence *ev, char **views)
{
	const char	*best = NULL;
	size_t		 i, j, count, best_count = 0, first = SIZE_MAX;

	for (i = 0; i < ev->nparents; i++) {
		if (views[i] == NULL)
			continue;
		for (count = 0, j = 0; j < ev->nparents; j++)
			count += views[j] != NULL && strcmp(views[i], views[j]) == 0;
		if (count > best_count || (count == best_count && first != SIZE_MAX &&
		    (strcmp(ev->parents[i].name, ev->parents[first].name) < 0))) {
			best = views[i];
			best_count = count;
			first = i;
		}
	}
	return best;
}

static void
parent_judge_views(const struct evidence *ev, char **views, bool ds,
    struct findings *out)
{
	const struct ev_parent	*p;
	const char		*ref = parent_reference(ev, views);
	char			 addr[INET6_ADDRSTRLEN + 8];
	size_t			 i, n = 0;
	enum severity		 sev;

	for (i = 0; i < ev->nparents; i++)
		n += views[i] != NULL;
	if (ref == NULL || n < 2)
		return;
	for (i = 0; i < ev->nparents; i++) {
		if (views[i] == NULL || strcmp(views[i], ref) == 0)
			continue;
		p = &ev->parents[i];
		addr_str(&p->addr, addr, sizeof(addr));
		/* A DS no key matches fails every resolver that asks there. */
		sev = ds && !parent_ds_matches_keys(ev, p->ds.pkt) ?
		    SEVERITY_CRITICAL : SEVERITY_WARNING;
		findings_add(out, CAUSE_PARENT_INCONSISTENT, sev, p->name, addr,
		    xasprintf("%s (%s), a server of %s, serves a different %s for %s",
		    p->name, addr, ev->parent, ds ? "DS" : "delegation", ev->zone),
		    xasprintf("%s at %s: %s; at the other servers of %s: %s",
		    ds ? "DS" : "NS", addr, views[i], ev->parent, ref),
		    xasprintf("The servers of %s disagree about %s: %s (%s) is "
		    "probably not receiving updates of %s (a stopped zone transfer, "
		    "an anycast node left behind). Resolvers that ask it %s. Fix "
		    "the transfer to it, or ask the operator of %s to.", ev->parent,
		    ev->zone, p->name, addr, ev->parent, sev == SEVERITY_CRITICAL ?
		    "get a DS that matches no key of the zone and answer SERVFAIL" :
		    ds ? "see another DS set, which breaks validation once the keys "
		    "change" : "are sent to other servers, or told the zone does not "
		    "exist", ev->parent));
	}
}

void
parent_judge(const struct evidence *ev, struct findings *out)
{
	char	**ns, **ds;
	size_t	  i;

	if (ev->nparents < 2 || ev->parent == NULL)
		return;
	ns = xcalloc(ev->nparents, sizeof(*ns));
	ds = xcalloc(ev->nparents, sizeof(*ds));
	for (i = 0; i < ev->nparents; i++) {
		ns[i] = parent_ns_view(ev, &ev->parents[i]);
		ds[i] = parent_ds_view(ev, &ev->parents[i]);
	}
	parent_judge_views(ev, ns, false, out);
	parent_judge_views(ev, ds, true, out);
	for (i = 0; i < ev->nparents; i++) {
		free(ns[i]);
		free(ds[i]);
	}
	free(ns);
	free(ds);
}
