/* check_delegation: the parent delegates the zone (the walk's verdict). */
#include "zhbuild.h"

#include <stdlib.h>

#include "check.h"
#include "evidence.h"
#include "xmalloc.h"

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
