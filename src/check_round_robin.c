/* check_round_robin: names with several addresses have no dead member
 * (NS hosts here; service hosts are probed by TCP connect). */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "evidence.h"
#include "value.h"
#include "xmalloc.h"


/* Service hosts (config hosts:): every address accepts the port. */
static void
roundrobin_judge_hosts(const struct evidence *ev, struct findings *out,
    struct check_memory *next)
{
	const struct ev_host	*h;
	struct host_view	*v;
	struct buf		 up;
	char			 addr[INET6_ADDRSTRLEN + 8];
	size_t			 i, j, n = 0, nup;

	for (i = 0; i < ev->nhosts; i++)
		n += ev->hosts[i].naddrs;
	if (n > 0)
		next->hosts = xcalloc(n, sizeof(*next->hosts));
	for (i = 0; i < ev->nhosts; i++) {
		h = &ev->hosts[i];
		buf_init(&up);
		for (nup = 0, j = 0; j < h->naddrs; j++) {
			if (h->addrs[j].status == TCPPROBE_NO_ROUTE)
				continue;	/* not tested from here */
			v = &next->hosts[next->nhosts++];
			snprintf(v->host, sizeof(v->host), "%s", h->name);
			value_format_addr((const struct sockaddr *)&h->addrs[j].addr.ss,
			    v->address, sizeof(v->address), h->port);
			v->port = h->port;
			v->up = h->addrs[j].done && h->addrs[j].status == TCPPROBE_OPEN;
			if (v->up)
				buf_printf(&up, "%s%s", nup++ > 0 ? ", " : "", v->address);
		}
		for (j = 0; j < h->naddrs; j++) {
			if (!h->addrs[j].done || h->addrs[j].status == TCPPROBE_OPEN ||
			    h->addrs[j].status == TCPPROBE_ERROR ||
			    h->addrs[j].status == TCPPROBE_NO_ROUTE)
				continue;
			value_format_addr((const struct sockaddr *)&h->addrs[j].addr.ss,
			    addr, sizeof(addr), h->port);
			findings_add(out, CAUSE_HOST_ADDRESS_DEAD, nup == 0 ?
			    SEVERITY_CRITICAL : SEVERITY_WARNING, h->name, addr,
			    xasprintf("%s has %zu address%s and %s does not accept "
			    "TCP port %u", h->name, h->naddrs, h->naddrs == 1 ? "" :
			    "es", addr, h->port),
			    xasprintf("TCP connect to %s port %u: %s after %.0f ms; "
			    "%s%s", addr, h->port,
			    tcpprobe_status_name(h->addrs[j].status),
			    h->addrs[j].rtt * 1000, nup > 0 ? "accepted at " : "",
			    nup > 0 ? up.data : "no address accepted it"),
			    xasprintf("Bring the service at %s back, or take the address "
			    "out of %s's A/AAAA records: clients that pick it %s.",
			    addr, h->name, nup > 0 ? "wait for a timeout or an error "
			    "before trying another" : "cannot reach the service at all"));
		}
		buf_free(&up);
	}
}

/*
 * An NS host some of whose addresses answer and some not: resolvers that
 * pick a dead one wait for a timeout before trying another, so lookups
 * slow down at random. The per-address reachability findings say how each
 * fails; this one names the host's dead members together.
 */
static enum check_outcome
roundrobin_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	const struct ev_server	*s;
	const struct addr	*v;
	struct addr	*tested = NULL;
	struct buf		 alive;
	char			 addr[INET6_ADDRSTRLEN + 8];
	size_t			 si, ai, nalive, nv, judged = 0;

	for (si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		/* The host's own A/AAAA records are its round robin; an
		 * address only the parent's glue has is glue_mismatch's. */
		if (s->looked_up && s->host_state == INFRA_HOST_OK && s->nauth > 0) {
			v = s->auth;
			nv = s->nauth;
		} else {
			v = s->addrs;
			nv = s->naddrs;
		}
		/* What this host could not query is not dead, only untested. */
		free(tested);
		tested = xcalloc(nv + 1, sizeof(*tested));
		/* Untested from here (no route), or past the probe cap: not
		 * dead, just not asked. */
		for (ai = 0, nalive = 0; ai < nv; ai++)
			if (!evidence_untested(ev, &v[ai]) &&
			    addr_in(s->addrs, s->naddrs, &v[ai]))
				tested[nalive++] = v[ai];
		v = tested;
		nv = nalive;
		if (nv < 2)
			continue;
		judged++;
		buf_init(&alive);
		for (nalive = 0, ai = 0; ai < nv; ai++)
			if (evidence_addr_answers(ev, &v[ai])) {
				addr_str(&v[ai], addr, sizeof(addr));
				buf_printf(&alive, "%s%s", nalive++ > 0 ? ", " : "", addr);
			}
		for (ai = 0; nalive > 0 && ai < nv; ai++) {
			if (evidence_addr_answers(ev, &v[ai]))
				continue;
			addr_str(&v[ai], addr, sizeof(addr));
			findings_add(out, CAUSE_NS_ADDRESS_DEAD, SEVERITY_WARNING, s->name,
			    addr,
			    xasprintf("%s has %zu addresses and %s, one of them, does "
			    "not answer", s->name, nv, addr),
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
	roundrobin_judge_hosts(ev, out, next);
	free(tested);
	return judged > 0 || ev->nservers > 0 || ev->nhosts > 0 ? CHECK_RAN :
	    CHECK_COULD_NOT_RUN;
}

const struct check_def check_round_robin = {
	.id = CHECK_ROUND_ROBIN,
	.judge = roundrobin_judge,
};
