/* check_round_robin: names with several addresses have no dead member
 * (NS hosts here; service hosts are probed by TCP connect). */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "evidence.h"
#include "xmalloc.h"

/* Some query to address a of server si was answered. */
static bool
rr_answers(const struct evidence *ev, size_t si, const struct infra_addr *a)
{
	size_t	i;

	for (i = 0; i < ev->nqueries; i++)
		if (ev->queries[i].server == si && ev->queries[i].status == QUERY_OK &&
		    evidence_addr_eq(&ev->queries[i].addr, a))
			return true;
	return false;
}

/*
 * An NS host some of whose addresses answer and some not: resolvers that
 * pick a dead one wait for a timeout before trying another, so lookups
 * slow down at random. The per-address reachability findings say how each
 * fails; this one names the host's dead members together.
 */
static enum check_outcome
rr_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	const struct ev_server	*s;
	struct buf		 alive;
	char			 addr[INET6_ADDRSTRLEN + 8];
	size_t			 si, ai, nalive, judged = 0;

	for (si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		if (s->naddrs < 2)
			continue;
		judged++;
		buf_init(&alive);
		for (nalive = 0, ai = 0; ai < s->naddrs; ai++)
			if (rr_answers(ev, si, &s->addrs[ai])) {
				evidence_addr_str(&s->addrs[ai], addr, sizeof(addr));
				buf_printf(&alive, "%s%s", nalive++ > 0 ? ", " : "", addr);
			}
		for (ai = 0; nalive > 0 && ai < s->naddrs; ai++) {
			if (rr_answers(ev, si, &s->addrs[ai]))
				continue;
			evidence_addr_str(&s->addrs[ai], addr, sizeof(addr));
			findings_add(out, CAUSE_NS_ADDRESS_DEAD, SEVERITY_WARNING, s->name,
			    addr,
			    xasprintf("%s has %zu addresses and %s, one of them, does "
			    "not answer", s->name, s->naddrs, addr),
			    xasprintf("no query to %s was answered; %s answered",
			    addr, alive.data),
			    xasprintf("Bring the server at %s back, or remove that "
			    "address from %s's A/AAAA records (and from the glue at "
			    "the registrar if %s is in a zone it serves). Resolvers "
			    "that pick it wait for a timeout before trying %s.", addr,
			    s->name, s->name, alive.data));
		}
		buf_free(&alive);
	}
	return judged > 0 || ev->nservers > 0 ? CHECK_RAN : CHECK_COULD_NOT_RUN;
}

const struct check_def check_round_robin = {
	.id = CHECK_ROUND_ROBIN,
	.judge = rr_judge,
};
