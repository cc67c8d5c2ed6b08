/* check_resolver: the symptom (what recursive resolvers answer for the
 * zone) and resolver_blocked, the one cause only it can show. */
#include "zhbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evidence.h"
#include "xmalloc.h"

#define EDNS_EDE	15	/* RFC 8914 */

static void
resolver_rcode(const struct ev_query *q, char *out, size_t len)
{
	char	*rc;

	if (q->status != QUERY_OK || q->pkt == NULL) {
		snprintf(out, len, "%s", query_status_name(q->status));
		return;
	}
	rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(q->pkt));
	snprintf(out, len, "%s", rc != NULL ? rc : "unknown");
	free(rc);
}

/* The first extended DNS error of an answer (RFC 8914 2): INFO-CODE and
 * EXTRA-TEXT, printable characters only. */
static void
resolver_ede(const ldns_pkt *pkt, struct resolver_view *v)
{
	ldns_edns_option_list	*opts;
	ldns_edns_option	*o;
	const uint8_t		*d;
	size_t			 i, j, n;

	v->ede = -1;
	if (pkt == NULL || (opts = ldns_pkt_edns_get_option_list((ldns_pkt *)pkt)) == NULL)
		return;
	for (i = 0; i < ldns_edns_option_list_get_count(opts); i++) {
		o = ldns_edns_option_list_get_option(opts, i);
		if (o == NULL || ldns_edns_get_code(o) != EDNS_EDE ||
		    (n = ldns_edns_get_size(o)) < 2)
			continue;
		d = ldns_edns_get_data(o);
		v->ede = d[0] << 8 | d[1];
		if (n > 2) {
			v->ede_text = xcalloc(1, n - 1);
			for (j = 2; j < n; j++)
				v->ede_text[j - 2] = d[j] >= 0x20 && d[j] < 0x7f ? d[j] : '?';
		}
		return;
	}
}

static bool
resolver_failed(const struct resolver_view *v)
{
	return strcmp(v->rcode, "SERVFAIL") == 0 &&
	    (strcmp(v->cd_rcode, "SERVFAIL") == 0 || strcmp(v->cd_rcode, "timeout") == 0);
}

static char *
resolver_evidence(const struct evidence *ev, const struct resolver_view *v)
{
	char	ede[160] = "";

	if (v->ede >= 0)
		snprintf(ede, sizeof(ede), " (extended DNS error %d%s%s)", v->ede,
		    v->ede_text != NULL ? ": " : "",
		    v->ede_text != NULL ? v->ede_text : "");
	return xasprintf("SOA %s with RD and DO to %s: SERVFAIL%s; again with CD: "
	    "%s; this host's own queries to every server of the zone were "
	    "answered", ev->zone, v->address, ede, v->cd_rcode);
}

void
check_resolvers(const struct evidence *ev, const struct findings *found,
    struct findings *out, enum check_status status[CHECK_MAX], struct check_memory *next)
{
	const struct ev_resolver	*r;
	struct resolver_view		*v;
	size_t				 i;
	bool				 direct_ok = true;

	if (ev->nresolvers == 0)
		return;
	next->resolvers = xcalloc(ev->nresolvers, sizeof(*next->resolvers));
	next->nresolvers = ev->nresolvers;
	for (i = 0; i < found->n; i++)
		direct_ok = direct_ok && found->v[i].severity == SEVERITY_OK;
	/* Every direct check must have run for "all pass" to mean anything. */
	direct_ok = direct_ok && status[CHECK_DELEGATION] == CHECK_STATUS_OK &&
	    status[CHECK_REACHABILITY] == CHECK_STATUS_OK &&
	    status[CHECK_ZONE_SERVED] == CHECK_STATUS_OK;
	if (status[CHECK_RATE_LIMIT] == CHECK_STATUS_NONE)
		status[CHECK_RATE_LIMIT] = CHECK_STATUS_OK;
	for (i = 0; i < ev->nresolvers; i++) {
		r = &ev->resolvers[i];
		v = &next->resolvers[i];
		addr_str(&r->addr, v->address, sizeof(v->address));
		resolver_rcode(&r->q, v->rcode, sizeof(v->rcode));
		v->ad = r->q.status == QUERY_OK && r->q.pkt != NULL && ldns_pkt_ad(r->q.pkt);
		resolver_ede(r->q.status == QUERY_OK ? r->q.pkt : NULL, v);
		if (r->cd.status != QUERY_CANCELLED)
			resolver_rcode(&r->cd, v->cd_rcode, sizeof(v->cd_rcode));
		if (!direct_ok || !resolver_failed(v))
			continue;
		findings_add(out, CAUSE_RESOLVER_BLOCKED, SEVERITY_CRITICAL, NULL, v->address,
		    xasprintf("resolver %s answers SERVFAIL for %s while every direct "
		    "check passes", v->address, ev->zone),
		    resolver_evidence(ev, v),
		    xasprintf("The zone's servers answer this host but not, it seems, "
		    "the resolver at %s: look at their response rate limiting (RRL) "
		    "and ACLs, and at firewalls in front of them, for the resolver's "
		    "egress addresses; the resolver's log and its cache of server "
		    "state (e.g. unbound-control dump_infra) say which servers it "
		    "gave up on.", v->address));
		status[CHECK_RATE_LIMIT] = CHECK_STATUS_CRITICAL;
	}
}
