/* check: the checks, pure functions from a run's evidence to findings. */
#include "zhbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xmalloc.h"

const struct check_def *const check_table[] = {
	&check_delegation,
	&check_reachability,
	&check_zone_served,
	&check_dnssec,
	&check_round_robin,
	&check_rate_limit,
	NULL,
};

void
check_run_all(const struct evidence *ev, const struct check_params *params,
    struct findings *out, int status[CHECK_MAX], struct check_memory *next)
{
	const struct check_def	*const *c;
	struct findings		 one = { NULL, 0 };
	int			 i;

	for (i = 0; i < CHECK_MAX; i++)
		status[i] = -1;
	for (c = check_table; *c != NULL; c++) {
		if ((*c)->judge(ev, params, &one, next) == CHECK_COULD_NOT_RUN)
			status[(*c)->id] = 3;
		else
			status[(*c)->id] = (int)findings_worst(&one);
		findings_move(out, &one);
	}
	check_resolvers(ev, out, &one, status, next);
	findings_move(out, &one);
}

void
check_memory_clear(struct check_memory *m)
{
	size_t	i;

	for (i = 0; i < m->nresolvers; i++)
		free(m->resolvers[i].ede_text);
	free(m->resolvers);
	free(m->hosts);
	free(m->detail);
	findings_clear(&m->lagging);
	memset(m, 0, sizeof(*m));
}

struct server_detail *
check_memory_detail(struct check_memory *m, const char *server, const char *address)
{
	struct server_detail	*d;
	size_t			 i;

	for (i = 0; i < m->ndetail; i++)
		if (strcmp(m->detail[i].server, server) == 0 &&
		    strcmp(m->detail[i].address, address) == 0)
			return &m->detail[i];
	m->detail = xreallocarray(m->detail, m->ndetail + 1, sizeof(*m->detail));
	d = &m->detail[m->ndetail++];
	memset(d, 0, sizeof(*d));
	snprintf(d->server, sizeof(d->server), "%s", server);
	snprintf(d->address, sizeof(d->address), "%s", address);
	return d;
}
