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

/* RFC 8914 extended errors, by code, and the causes each agrees with. */
static const struct {
	int		 code;
	const char	*name;
	enum cause	 causes[6];
} check_ede[] = {
	{ 1, "Unsupported DNSKEY Algorithm", { CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED,
	    CAUSE_DNSSEC_ALGORITHM_DEPRECATED, CAUSE_MAX } },
	{ 2, "Unsupported DS Digest Type", { CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED,
	    CAUSE_DNSSEC_ALGORITHM_DEPRECATED, CAUSE_MAX } },
	{ 6, "DNSSEC Bogus", { CAUSE_RRSIG_BOGUS, CAUSE_DS_NO_MATCHING_DNSKEY,
	    CAUSE_DNSKEY_NOT_SIGNED_BY_KSK, CAUSE_DENIAL_INVALID,
	    CAUSE_ANCESTOR_CHAIN_BROKEN, CAUSE_MAX } },
	{ 7, "Signature Expired", { CAUSE_RRSIG_EXPIRED, CAUSE_MAX } },
	{ 8, "Signature Not Yet Valid", { CAUSE_RRSIG_NOT_YET_VALID, CAUSE_MAX } },
	{ 9, "DNSKEY Missing", { CAUSE_DS_NO_MATCHING_DNSKEY, CAUSE_DNSKEY_TOO_LARGE,
	    CAUSE_DNSKEY_NOT_SIGNED_BY_KSK, CAUSE_ANCESTOR_CHAIN_BROKEN, CAUSE_MAX } },
	{ 10, "RRSIGs Missing", { CAUSE_RRSIG_MISSING, CAUSE_MAX } },
	{ 12, "NSEC Missing", { CAUSE_DENIAL_INVALID, CAUSE_MAX } },
	{ 22, "No Reachable Authority", { CAUSE_SERVER_TIMEOUT,
	    CAUSE_SERVER_REFUSED_CONNECTION, CAUSE_PARENT_UNREACHABLE,
	    CAUSE_NS_NAME_UNRESOLVABLE, CAUSE_NS_DEPENDENCY_CYCLE, CAUSE_MAX } },
	{ 23, "Network Error", { CAUSE_SERVER_TIMEOUT, CAUSE_SERVER_REFUSED_CONNECTION,
	    CAUSE_MALFORMED_ANSWER, CAUSE_MAX } },
	{ 25, "Signature Expired before Valid", { CAUSE_RRSIG_NOT_YET_VALID,
	    CAUSE_RRSIG_EXPIRED, CAUSE_MAX } },
	{ 27, "Unsupported NSEC3 Iterations Value", { CAUSE_NSEC3_ITERATIONS_HIGH,
	    CAUSE_MAX } },
};

/*
 * A finding that a resolver's extended error agrees with says so: what the
 * users' resolver reports (Unbound with ede: yes, BIND, Knot Resolver) is
 * the strongest evidence that the cause named is the one hurting them.
 */
static void
check_cite_ede(struct findings *fs, const struct check_memory *m)
{
	struct finding	*f;
	char		*s;
	size_t		 i, r, e, c;

	for (i = 0; i < fs->n; i++) {
		f = &fs->v[i];
		for (r = 0; r < m->nresolvers; r++)
			for (e = 0; e < sizeof(check_ede) / sizeof(check_ede[0]); e++) {
				if (m->resolvers[r].ede != check_ede[e].code)
					continue;
				for (c = 0; check_ede[e].causes[c] != CAUSE_MAX &&
				    check_ede[e].causes[c] != f->cause; c++)
					;
				if (check_ede[e].causes[c] == CAUSE_MAX)
					continue;
				s = xasprintf("%s (resolver %s agrees: EDE %d, %s)",
				    f->summary, m->resolvers[r].address,
				    check_ede[e].code, check_ede[e].name);
				free(f->summary);
				f->summary = s;
				r = m->nresolvers - 1;	/* one citation is enough */
				break;
			}
	}
}

void
check_run_all(const struct evidence *ev, const struct check_params *params,
    struct findings *out, enum check_status status[CHECK_MAX], struct check_memory *next)
{
	const struct check_def	*const *c;
	struct findings		 one = { NULL, 0 };
	int			 i;

	for (i = 0; i < CHECK_MAX; i++)
		status[i] = CHECK_STATUS_NONE;
	for (c = check_table; *c != NULL; c++) {
		if ((*c)->judge(ev, params, &one, next) == CHECK_COULD_NOT_RUN)
			status[(*c)->id] = CHECK_STATUS_UNKNOWN;
		else
			status[(*c)->id] =
			    (enum check_status)findings_worst(&one);
		findings_move(out, &one);
	}
	check_resolvers(ev, out, &one, status, next);
	findings_move(out, &one);
	check_cite_ede(out, next);
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
