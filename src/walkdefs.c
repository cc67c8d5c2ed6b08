/* walkdefs: a walk's result values. */
#include "zhbuild.h"

#include <stdlib.h>

#include "walkdefs.h"

static const char *const walk_status_names[] = {
	[WALK_OK] = "ok",
	[WALK_NXDOMAIN] = "NXDOMAIN",
	[WALK_NODATA] = "not delegated",
	[WALK_UNREACHABLE] = "unreachable",
	[WALK_FAILED] = "failed",
};

const char *
walk_status_name(enum walk_status s)
{
	return walk_status_names[s];
}

void
walk_attempts_free(struct walk_attempt *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].ns);
	free(v);
}

void
walk_result_free(struct walk_result *r)
{
	if (r == NULL)
		return;
	free(r->zone);
	free(r->parent);
	infra_deleg_free(r->referral);
	walk_attempts_free(r->attempts, r->nattempts);
	free(r->detail);
	free(r);
}
