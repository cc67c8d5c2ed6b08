/* check_delegation: the parent delegates the zone (the walk's verdict). */
#include "zhbuild.h"

#include <stdlib.h>

#include "check.h"
#include "evidence.h"
#include "xmalloc.h"

static const char *
deleg_host_problem(const struct ev_server *s)
{
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
	return s->naddrs == 0 ? "has no A or AAAA records" : NULL;
}

/* NS names: in-zone ones need glue; every one needs an address. */
static void
deleg_judge_names(const struct evidence *ev, struct findings *out)
{
	const struct ev_server	*s;
	const char		*problem;
	size_t			 i, bad = 0;

	for (i = 0; i < ev->nservers; i++)
		if (!ev->servers[i].glued && deleg_host_problem(&ev->servers[i]) != NULL)
			bad++;
	for (i = 0; i < ev->nservers; i++) {
		s = &ev->servers[i];
		if (s->in_parent && !s->glued && infra_name_under(s->name, ev->zone))
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
		if (s->glued || (problem = deleg_host_problem(s)) == NULL)
			continue;
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

static enum check_outcome
deleg_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out)
{
	const struct walk_result	*w = ev->walk;
	const char			*parent;

	if (w == NULL)
		return CHECK_COULD_NOT_RUN;
	parent = w->parent != NULL ? w->parent : "the parent zone";
	switch (w->status) {
	case WALK_OK:
		deleg_judge_names(ev, out);
		return CHECK_RAN;
	case WALK_NXDOMAIN:
		findings_add(out, CAUSE_ZONE_NOT_DELEGATED, SEVERITY_CRITICAL,
		    NULL, NULL,
		    xasprintf("%s does not exist in %s (NXDOMAIN)", ev->zone, parent),
		    xstrdup(w->detail != NULL ? w->detail : ""),
		    xasprintf("Resolvers answer NXDOMAIN for every name in %s. "
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
	.judge = deleg_judge,
};
