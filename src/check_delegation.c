/* check_delegation: the parent delegates the zone to servers that serve
 * it (the walk's verdict, NS names and glue, parent vs child NS sets). */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "evidence.h"
#include "parent.h"
#include "served.h"
#include "xmalloc.h"

static const char *
delegation_host_problem(const struct ev_server *s)
{
	if (!s->looked_up)
		return NULL;
	switch (s->host_state) {
	case INFRA_HOST_NXDOMAIN:
		return "does not exist (NXDOMAIN)";
	case INFRA_HOST_CNAME:
		return "is an alias (CNAME), which an NS name must not be (RFC 2181 10.3)";
	case INFRA_HOST_FAILED:
		return "could not be looked up: no server of its zone answered";
	case INFRA_HOST_OK:
		break;
	}
	return s->nauth == 0 ? "has no A or AAAA records" : NULL;
}

/*
 * An NS name whose lookup needs itself: its address is only in a zone that
 * these very names serve (no glue; inside the zone itself that is
 * missing_glue, judged before), or in a loop of zones
 * none of which has glue (a's NS under b, b's under a). No resolver can
 * break it ("tsuname"). Critical when no NS name of the zone can be used,
 * as resolvers then answer SERVFAIL; else the others carry the zone.
 */
static void
delegation_judge_cycle(const struct evidence *ev, const struct ev_server *s, size_t bad,
    struct findings *out)
{
	findings_add(out, CAUSE_NS_DEPENDENCY_CYCLE,
	    bad == ev->nservers ? SEVERITY_CRITICAL : SEVERITY_WARNING, s->name, NULL,
	    xasprintf("NS name %s can only be resolved through itself: a "
	    "dependency cycle with no glue to break it", s->name),
	    xasprintf("looking up the addresses of %s: %s", s->name, s->host_cycle),
	    xasprintf("Break the cycle: give %s glue at the parent of the zone it "
	    "lives in (when it is inside that zone), or make at least one NS name "
	    "of each zone in the loop resolvable without the others (a name in an "
	    "unrelated zone, or glue).", s->name));
}

/* NS names: in-zone ones need glue; every one needs an address. */
static void
delegation_judge_names(const struct evidence *ev, struct findings *out)
{
	const struct ev_server	*s;
	const char		*problem;
	size_t			 i, bad = 0;

	for (i = 0; i < ev->nservers; i++)
		if (!ev->servers[i].glued && delegation_host_problem(&ev->servers[i]) != NULL)
			bad++;
	for (i = 0; i < ev->nservers; i++) {
		s = &ev->servers[i];
		if (s->in_parent && !s->glued && infra_name_under(s->name, ev->zone)) {
			findings_add(out, CAUSE_MISSING_GLUE, SEVERITY_CRITICAL,
			    s->name, NULL,
			    xasprintf("the parent lists %s, inside %s, without glue",
			    s->name, ev->zone),
			    xasprintf("the referral from %s for %s has NS %s and no "
			    "A or AAAA record for it", ev->walk->parent, ev->zone,
			    s->name),
			    xasprintf("Add glue for %s (its A and AAAA addresses) at "
			    "the registrar: resolvers cannot find the address of a "
			    "name server inside the zone it serves without it.",
			    s->name));
			/* Its lookup fails too (a cycle through this zone):
			 * the missing glue is the cause, named once. */
			continue;
		}
		if (s->glued || (problem = delegation_host_problem(s)) == NULL)
			continue;
		if (s->host_state == INFRA_HOST_FAILED && s->host_cycle != NULL) {
			delegation_judge_cycle(ev, s, bad, out);
			continue;
		}
		findings_add(out, CAUSE_NS_NAME_UNRESOLVABLE,
		    bad == ev->nservers ? SEVERITY_CRITICAL : SEVERITY_WARNING,
		    s->name, NULL,
		    xasprintf("NS name %s %s", s->name, problem),
		    xasprintf("%s is listed by %s%s%s; asked for its A and AAAA "
		    "records, it %s", s->name, s->in_parent ? "the parent" : "",
		    s->in_parent && s->in_child ? " and " : "",
		    s->in_child ? "the zone's own NS set" : "", problem),
		    xasprintf("Give %s A/AAAA records in its own zone, or replace "
		    "it in the NS records%s with a name that has them; resolvers "
		    "cannot use a server whose name they cannot resolve.", s->name,
		    s->in_parent ? " and at the registrar" : ""));
	}
}

/* "192.0.2.1, 192.0.2.2", or "" for none; malloc'ed. */
static char *
delegation_addrs_str(const struct addr *v, size_t n)
{
	struct buf	b;
	char		addr[INET6_ADDRSTRLEN + 8];
	size_t		i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		addr_str(&v[i], addr, sizeof(addr));
		buf_printf(&b, "%s%s", i > 0 ? ", " : "", addr);
	}
	return buf_steal(&b, NULL);
}


/* Glue against the NS host's own A/AAAA records (RFC 1034 4.2.2: glue
 * is a copy, the zone holding the name is the authority). */
static void
delegation_judge_glue_of(const struct evidence *ev, size_t si, struct findings *out)
{
	const struct ev_server	*s = &ev->servers[si];
	const struct addr	*first = NULL;
	size_t			 nauth = s->host_state == INFRA_HOST_OK ? s->nauth : 0;
	size_t			 i;
	struct buf		 dead;
	char			 addr[INET6_ADDRSTRLEN + 8], first_str[INET6_ADDRSTRLEN + 8];
	char			*glue_s, *auth_s;
	const char		*problem;
	bool			 same = true;

	for (i = 0; i < s->nglue; i++)
		same = same && addr_in(s->auth, nauth, &s->glue[i]);
	for (i = 0; i < nauth; i++)
		same = same && addr_in(s->glue, s->nglue, &s->auth[i]);
	if (same)
		return;
	buf_init(&dead);
	for (i = 0; i < s->nglue; i++) {
		if (addr_in(s->auth, nauth, &s->glue[i]))
			continue;
		if (first == NULL)
			first = &s->glue[i];
		if (!evidence_addr_answers(ev, &s->glue[i])) {
			addr_str(&s->glue[i], addr, sizeof(addr));
			buf_printf(&dead, "%s%s", dead.len > 0 ? ", " : "", addr);
		}
	}
	if (first != NULL)
		addr_str(first, first_str, sizeof(first_str));
	glue_s = delegation_addrs_str(s->glue, s->nglue);
	auth_s = nauth > 0 ? delegation_addrs_str(s->auth, nauth) :
	    xstrdup((problem = delegation_host_problem(s)) != NULL ? problem : "none");
	findings_add(out, CAUSE_GLUE_MISMATCH,
	    dead.len > 0 ? SEVERITY_CRITICAL : SEVERITY_WARNING,
	    s->name, first != NULL ? first_str : NULL,
	    xasprintf("the parent's glue for %s (%s) differs from the address%s "
	    "in its own zone (%s)%s%s%s", s->name, glue_s, nauth == 1 ? "" : "es",
	    nauth > 0 ? auth_s : "none", dead.len > 0 ? "; glue address " : "",
	    dead.len > 0 ? dead.data : "", dead.len > 0 ? " does not answer" : ""),
	    xasprintf("glue in the referral from %s: %s; %s's own A/AAAA records, "
	    "from the servers of the zone that holds the name: %s%s%s%s",
	    ev->walk->parent, glue_s, s->name, auth_s,
	    dead.len > 0 ? "; no query to " : "", dead.len > 0 ? dead.data : "",
	    dead.len > 0 ? " was answered" : ""),
	    xasprintf("Update the glue of %s at the registrar to %s%s. Resolvers "
	    "reach %s at the glue address first%s.", s->name,
	    nauth > 0 ? auth_s : "the address the server really has",
	    nauth > 0 ? ", the address its zone publishes (or, if the glue is "
	    "right, correct the zone's A/AAAA records)" : ", and give the name "
	    "A/AAAA records in its own zone", s->name, dead.len > 0 ?
	    ", and that address does not answer: resolvers that have only the "
	    "glue fail there" : ", and later answers from the zone replace it, "
	    "so resolvers reach different servers depending on their cache"));
	buf_free(&dead);
	free(glue_s);
	free(auth_s);
}

static void
delegation_judge_glue(const struct evidence *ev, struct findings *out)
{
	size_t	si;

	for (si = 0; si < ev->nservers; si++)
		if (ev->servers[si].glued && ev->servers[si].looked_up &&
		    ev->servers[si].host_state != INFRA_HOST_FAILED)
			delegation_judge_glue_of(ev, si, out);
}

/* The NS names the parent lists (parent) or the zone does (child). */
static void
delegation_names(const struct evidence *ev, bool parent, struct ns_set *set)
{
	size_t	si;

	memset(set, 0, sizeof(*set));
	for (si = 0; si < ev->nservers; si++)
		if (parent ? ev->servers[si].in_parent : ev->servers[si].in_child)
			ns_set_add(set, ev->servers[si].name);
}

static char *
delegation_set_str(const struct ns_set *set)
{
	struct ns_set	 none = { NULL, 0 };

	return set->n > 0 ? ns_set_minus_str(set, &none) : xstrdup("none");
}

static void
delegation_judge_lame(const struct evidence *ev, struct findings *out)
{
	const struct ev_server	*s;
	struct served_result	 r;
	struct ns_set		 p, c;
	char			 addr[INET6_ADDRSTRLEN + 8];
	char			*ps, *cs;
	enum severity		 sev;
	size_t			 si, ai;

	/* Critical when resolvers, starting from the parent's list, find no
	 * server that serves the zone. */
	sev = served_anywhere(ev, true) ? SEVERITY_WARNING : SEVERITY_CRITICAL;
	delegation_names(ev, true, &p);
	delegation_names(ev, false, &c);
	ps = delegation_set_str(&p);
	cs = delegation_set_str(&c);
	for (si = 0; si < ev->nservers; si++) {
		if (!served_lame(ev, si))
			continue;
		s = &ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++)
			if (served_at(ev, si, &s->addrs[ai], &r) != SERVED_NO_ANSWER)
				break;
		addr_str(&s->addrs[ai], addr, sizeof(addr));
		findings_add(out, CAUSE_LAME_DELEGATION, sev, s->name, addr,
		    xasprintf("the parent lists %s, which is not in %s's NS set and "
		    "does not serve it", s->name, ev->zone),
		    xasprintf("NS at %s: %s; the zone's own NS set: %s; asked %s "
		    "(%s) for the SOA of %s: %s", ev->walk->parent, ps, cs, addr,
		    s->name, ev->zone, r.detail),
		    xasprintf("Remove %s from the delegation of %s at the registrar "
		    "(the NS records in %s), or add the zone to the server at %s "
		    "and %s to the zone's NS records. Resolvers pick servers from "
		    "the parent's list, so %s.", s->name, ev->zone,
		    ev->walk->parent, addr, s->name, sev == SEVERITY_CRITICAL ?
		    "with no listed server serving the zone they answer SERVFAIL" :
		    "a share of their lookups hits this server and must be retried"));
	}
	free(ps);
	free(cs);
	ns_set_clear(&p);
	ns_set_clear(&c);
}

/* One zone NS set as one server address reports it. */
struct deleg_report {
	size_t		qi;
	struct ns_set	set;
};

static void
delegation_add_mismatch(const struct evidence *ev, const struct ns_set *parent,
    const struct deleg_report *rep, size_t nrep, bool all, struct findings *out)
{
	const struct ev_query	*q = &ev->queries[rep->qi];
	const char		*name = ev->servers[q->server].name;
	char			 addr[INET6_ADDRSTRLEN + 8];
	char			*only_p, *only_c, *ps, *cs, *diff;

	addr_str(&q->addr, addr, sizeof(addr));
	only_p = ns_set_minus_str(parent, &rep->set);
	only_c = ns_set_minus_str(&rep->set, parent);
	ps = delegation_set_str(parent);
	cs = delegation_set_str(&rep->set);
	diff = xasprintf("%s%s%s%s%s", *only_p != '\0' ? "only at the parent: " : "",
	    only_p, *only_p != '\0' && *only_c != '\0' ? "; " : "",
	    *only_c != '\0' ? "only in the zone: " : "", only_c);
	findings_add(out, CAUSE_NS_SET_MISMATCH, SEVERITY_WARNING,
	    all ? NULL : name, all ? NULL : addr,
	    all ? xasprintf("the parent and the zone list different NS sets: %s",
	    diff) : xasprintf("%s (%s) reports an NS set that differs from the "
	    "parent's: %s", name, addr, diff),
	    all ? xasprintf("NS at %s: %s; NS at the zone's apex, as all %zu "
	    "answering server addresses report it: %s", ev->walk->parent, ps,
	    nrep, cs) :
	    xasprintf("NS at %s: %s; NS at the zone's apex as %s (%s) reports "
	    "it: %s", ev->walk->parent, ps, name, addr, cs),
	    xasprintf("Make the registrar's NS records for %s (in %s) and the "
	    "zone's own NS records (DNS provider%s) list the same servers. "
	    "Resolvers start from the parent's list and then believe the "
	    "zone's (RFC 2181 5.4.1), so a server on one side only gets "
	    "uneven traffic and is easily forgotten when it stops serving "
	    "the zone.", ev->zone, ev->walk->parent, all ? "" :
	    "; this server has a different version of the zone: check its "
	    "transfers"));
	free(diff);
	free(only_p);
	free(only_c);
	free(ps);
	free(cs);
}

/* Parent NS set vs the apex NS set, as each server address reports it;
 * names already reported lame are left out of the comparison. */
static void
delegation_judge_ns_sets(const struct evidence *ev, struct findings *out)
{
	struct deleg_report	*rep = NULL;
	struct ns_set		 parent = { NULL, 0 }, set;
	size_t			 i, nrep = 0, ndiff = 0, first = 0;
	bool			 alike = true;

	for (i = 0; i < ev->nservers; i++)
		if (ev->servers[i].in_parent && !served_lame(ev, i))
			ns_set_add(&parent, ev->servers[i].name);
	for (i = 0; i < ev->nqueries; i++) {
		if (ev->queries[i].probe != PROBE_NS || ev->queries[i].status != QUERY_OK ||
		    !ns_set_from_pkt(&set, ev->queries[i].pkt, ev->zone))
			continue;
		rep = xreallocarray(rep, nrep + 1, sizeof(*rep));
		rep[nrep].qi = i;
		rep[nrep++].set = set;
	}
	for (i = 0; i < nrep; i++) {
		if (ns_set_eq(&rep[i].set, &parent))
			continue;
		if (ndiff++ == 0)
			first = i;
		else if (!ns_set_eq(&rep[i].set, &rep[first].set))
			alike = false;
	}
	if (ndiff > 0 && ndiff == nrep && alike)
		delegation_add_mismatch(ev, &parent, &rep[first], nrep, true, out);
	else if (ndiff > 0)
		for (i = 0; i < nrep; i++)
			if (!ns_set_eq(&rep[i].set, &parent))
				delegation_add_mismatch(ev, &parent, &rep[i], nrep, false, out);
	for (i = 0; i < nrep; i++)
		ns_set_clear(&rep[i].set);
	free(rep);
	ns_set_clear(&parent);
}

/* A zone that names more servers or addresses than a run probes: what
 * was probed was judged, and this says what was not. */
static void
delegation_judge_capped(const struct evidence *ev, struct findings *out)
{
	struct buf	b;

	if (ev->capped.names == 0 && ev->capped.addrs == 0 && ev->capped.queries == 0)
		return;
	buf_init(&b);
	if (ev->capped.names > 0)
		buf_printf(&b, "%u NS names left out (max_ns_names %u)",
		    ev->capped.names, ev->capped.max_names);
	if (ev->capped.addrs > 0)
		buf_printf(&b, "%s%u addresses left out (max_addresses_per_name %u)",
		    b.len > 0 ? "; " : "", ev->capped.addrs, ev->capped.max_addrs);
	if (ev->capped.queries > 0)
		buf_printf(&b, "%s%u queries not sent (max_queries_per_run %u)",
		    b.len > 0 ? "; " : "", ev->capped.queries, ev->capped.max_queries);
	findings_add(out, CAUSE_FANOUT_LIMITED, SEVERITY_WARNING, NULL, NULL,
	    xasprintf("%s names more servers or addresses than a run probes: "
	    "not all were tested", ev->zone),
	    buf_steal(&b, NULL),
	    xstrdup("A zone with that many name servers or addresses is unusual, "
	    "and costly for resolvers as well: trim its NS set and the servers' "
	    "address records. If the size is intended, raise the limits in "
	    "zonehealth.yaml (they keep one zone from aiming the monitor's "
	    "queries at a crowd of addresses)."));
}

static enum check_outcome
delegation_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	const struct walk_result	*w = ev->walk;
	const char			*parent;

	if (w == NULL)
		return CHECK_COULD_NOT_RUN;
	parent = w->parent != NULL ? w->parent : "the parent zone";
	switch (w->status) {
	case WALK_OK:
		delegation_judge_names(ev, out);
		delegation_judge_glue(ev, out);
		delegation_judge_lame(ev, out);
		delegation_judge_ns_sets(ev, out);
		parent_judge(ev, out);
		delegation_judge_capped(ev, out);
		return CHECK_RAN;
	case WALK_NXDOMAIN:
		findings_add(out, CAUSE_ZONE_NOT_DELEGATED, SEVERITY_CRITICAL,
		    NULL, NULL,
		    xasprintf("%s does not exist in %s (NXDOMAIN)", ev->zone, parent),
		    xstrdup(w->detail != NULL ? w->detail : ""),
		    xasprintf("Resolvers answer NXDOMAIN for %s and every name "
		    "below it. "
		    "Check the domain's registration and that the registrar "
		    "publishes its NS records in %s; if the zone was moved, "
		    "update the monitored name.", ev->zone, parent));
		return CHECK_RAN;
	case WALK_NODATA:
		findings_add(out, CAUSE_ZONE_NOT_DELEGATED, SEVERITY_CRITICAL,
		    NULL, NULL,
		    xasprintf("%s has no NS records in %s: the zone is not delegated",
		    ev->zone, parent),
		    xstrdup(w->detail != NULL ? w->detail : ""),
		    xasprintf("Add the zone's NS records (and glue for in-zone "
		    "name servers) at the registrar or in %s; until then resolvers "
		    "never ask the zone's own servers.", parent));
		return CHECK_RAN;
	case WALK_UNREACHABLE:
		findings_add(out, CAUSE_PARENT_UNREACHABLE, SEVERITY_CRITICAL,
		    NULL, NULL,
		    xasprintf("no server of %s answered for %s", parent, ev->zone),
		    xstrdup(w->detail != NULL ? w->detail : ""),
		    xasprintf("Resolvers cannot find the zone's servers while "
		    "%s's servers do not answer. If %s is yours, bring its "
		    "servers back; if not, check this host's network path to "
		    "them (firewall, routing).", parent, parent));
		return CHECK_RAN;
	case WALK_FAILED:
		break;
	}
	return CHECK_COULD_NOT_RUN;
}

const struct check_def check_delegation = {
	.id = CHECK_DELEGATION,
	.judge = delegation_judge,
};
