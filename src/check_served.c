/* check_served: every server that answers serves the zone (AA, no REFUSED
 * or SERVFAIL, the zone's own SOA), and their SOA serials agree. */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "evidence.h"
#include "served.h"
#include "value.h"
#include "xmalloc.h"

/* One server address that served the zone, and its serial. */
struct served_serial {
	size_t		si;
	size_t		ai;
	uint32_t	serial;
};

static const char *
zoneserved_listed_by(const struct ev_server *s)
{
	if (s->in_parent && s->in_child)
		return "listed by the parent and in the zone's NS set";
	return s->in_parent ? "listed by the parent only" :
	    "listed in the zone's NS set only";
}

static void
zoneserved_add(const struct evidence *ev, size_t si, const char *addr,
    const struct served_result *r, enum severity sev, struct findings *out)
{
	const struct ev_server	*s = &ev->servers[si];
	const char		*z = ev->zone;
	char			*evidence;

	evidence = xasprintf("asked %s (%s, %s) for the SOA of %s: %s", addr, s->name,
	    zoneserved_listed_by(s), z, r->detail);
	switch (r->verdict) {
	case SERVED_REFUSED:
		findings_add(out, CAUSE_SERVER_REFUSED, sev, s->name, addr,
		    xasprintf("%s (%s) answers REFUSED for %s", s->name, addr, z),
		    evidence,
		    xasprintf("%s is not configured on the server at %s. Add it "
		    "there (as primary or secondary: NSD and Knot `zone:`, BIND "
		    "`zone {}`), or, if %s should no longer serve it, remove %s "
		    "from the zone's NS records (DNS provider) and from the "
		    "delegation (registrar). Resolvers that pick this server get "
		    "nothing from it%s.", z, addr, s->name, s->name,
		    sev == SEVERITY_CRITICAL ? ", and with no server serving the "
		    "zone they answer SERVFAIL" : " and must try another"));
		break;
	case SERVED_SERVFAIL:
		findings_add(out, CAUSE_SERVER_SERVFAIL, sev, s->name, addr,
		    xasprintf("%s (%s) answers SERVFAIL for %s", s->name, addr, z),
		    evidence,
		    xasprintf("The server at %s has %s configured but cannot serve "
		    "it: the zone file failed to load (syntax error, bad record, "
		    "missing file) or, on a secondary, the zone expired after "
		    "failed transfers. Its log names the error: fix the zone file "
		    "or the transfer (primary address, TSIG key, the primary's "
		    "transfer ACL) and reload the zone.", addr, z));
		break;
	default:
		findings_add(out, CAUSE_NOT_AUTHORITATIVE, sev, s->name, addr,
		    xasprintf("%s (%s) does not answer authoritatively for %s",
		    s->name, addr, z),
		    evidence,
		    xasprintf("%s is %s, but the server at %s does not have the "
		    "zone loaded: it answers %s. Load %s on that server (primary "
		    "or secondary), or remove %s from the NS records (DNS "
		    "provider) and the delegation (registrar). Resolvers ignore "
		    "answers without the AA bit and referrals that lead nowhere "
		    "(RFC 1034 5.3.3), so to them this server is lame.",
		    s->name, zoneserved_listed_by(s), addr,
		    r->verdict == SERVED_REFERRAL ? "with a referral" :
		    r->verdict == SERVED_NO_AA ? "like a cache or resolver would" :
		    "as if it served a zone above", z, s->name));
		break;
	}
}

/* Lags since: the one remembered for (server, address), else 0. */
static time_t
zoneserved_lag_since(const struct findings *lags, const char *server, const char *addr)
{
	size_t	i;

	for (i = 0; i < lags->n; i++)
		if (strcmp(lags->v[i].server, server) == 0 &&
		    strcmp(lags->v[i].address, addr) == 0)
			return lags->v[i].since;
	return 0;
}

static char *
zoneserved_serials_str(const struct evidence *ev, const struct served_serial *ss, size_t n)
{
	struct buf	b;
	char		addr[INET6_ADDRSTRLEN + 8];
	size_t		i;

	buf_init(&b);
	buf_puts(&b, "SOA serials:");
	for (i = 0; i < n; i++) {
		addr_str(&ev->servers[ss[i].si].addrs[ss[i].ai], addr,
		    sizeof(addr));
		buf_printf(&b, "%s %s %s %u", i > 0 ? ";" : "",
		    ev->servers[ss[i].si].name, addr, ss[i].serial);
	}
	return buf_steal(&b, NULL);
}

/*
 * Servers behind the newest serial. A secondary lags for a moment after
 * each change (NOTIFY, then a transfer), so a lag is remembered with the
 * time it was first seen and becomes a finding once older than serial_grace.
 */
static void
zoneserved_judge_serials(const struct evidence *ev, const struct check_params *params,
    const struct served_serial *ss, size_t n, struct findings *out,
    struct check_memory *next)
{
	const struct check_memory	*prev = params->prev;
	const struct ev_server		*s;
	char				 addr[INET6_ADDRSTRLEN + 8];
	char				*all, lag[32], grace[32];
	uint32_t			*v, newest, behind;
	time_t				 since;
	size_t				 i;

	if (n == 0) {
		if (prev != NULL && prev->has_serial) {
			next->has_serial = true;
			next->serial = prev->serial;
		}
		return;
	}
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = ss[i].serial;
	newest = serial_newest(v, n);
	free(v);
	next->has_serial = true;
	next->serial = newest;

	for (i = 0; i < n; i++) {
		if (ss[i].serial == newest)
			continue;
		s = &ev->servers[ss[i].si];
		addr_str(&s->addrs[ss[i].ai], addr, sizeof(addr));
		findings_add(&next->lagging, CAUSE_SERIAL_MISMATCH, SEVERITY_WARNING,
		    s->name, addr, NULL, NULL, NULL);
	}
	findings_carry_since(&next->lagging, prev != NULL ? &prev->lagging : NULL,
	    params->now);

	all = zoneserved_serials_str(ev, ss, n);
	for (i = 0; i < n; i++) {
		if (ss[i].serial == newest)
			continue;
		s = &ev->servers[ss[i].si];
		addr_str(&s->addrs[ss[i].ai], addr, sizeof(addr));
		since = zoneserved_lag_since(&next->lagging, s->name, addr);
		if (params->now - since < (time_t)params->serial_grace_s)
			continue;
		behind = newest - ss[i].serial;
		value_format_duration(params->now > since ?
		    (uint64_t)(params->now - since) : 0, lag, sizeof(lag));
		value_format_duration(params->serial_grace_s, grace, sizeof(grace));
		findings_add(out, CAUSE_SERIAL_MISMATCH, SEVERITY_WARNING, s->name, addr,
		    xasprintf("%s (%s) serves serial %u of %s, %u behind %u, for %s",
		    s->name, addr, ss[i].serial, ev->zone, behind, newest, lag),
		    xasprintf("%s; the newest is %u (RFC 1982 serial arithmetic); "
		    "lagging for %s, serial_grace %s", all, newest, lag, grace),
		    xasprintf("%s has not taken the newest version (serial %u) "
		    "of %s: check "
		    "zone transfers to it: that the primary sends it NOTIFY and "
		    "allows it to transfer (ACL, TSIG key), and its log for "
		    "transfer errors; on a multi-primary setup, that every "
		    "server was updated. Until then resolvers get old data from "
		    "it, and once the SOA expire time passes it answers SERVFAIL.",
		    s->name, newest, ev->zone));
		out->v[out->n - 1].since = since;
	}
	free(all);
}

static enum check_outcome
zoneserved_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	struct served_result	 r;
	struct served_serial	*ss = NULL;
	const struct ev_server	*s;
	char			 addr[INET6_ADDRSTRLEN + 8];
	enum severity		 sev;
	size_t			 si, ai, nss = 0, answered = 0;

	/* Resolvers fail only when no server at all serves the zone. */
	sev = served_anywhere(ev, false) ? SEVERITY_WARNING : SEVERITY_CRITICAL;
	for (si = 0; si < ev->nservers; si++) {
		s = &ev->servers[si];
		for (ai = 0; ai < s->naddrs; ai++) {
			if (served_at(ev, si, &s->addrs[ai], &r) == SERVED_NO_ANSWER)
				continue;
			answered++;
			if (r.verdict == SERVED_OK) {
				struct server_detail	*d;

				addr_str(&s->addrs[ai], addr, sizeof(addr));
				d = check_memory_detail(next, s->name, addr);
				d->has_serial = true;
				d->serial = r.serial;
				ss = xreallocarray(ss, nss + 1, sizeof(*ss));
				ss[nss].si = si;
				ss[nss].ai = ai;
				ss[nss++].serial = r.serial;
				continue;
			}
			/* The delegation check names that one lame. */
			if (served_lame(ev, si))
				continue;
			addr_str(&s->addrs[ai], addr, sizeof(addr));
			zoneserved_add(ev, si, addr, &r, sev, out);
		}
	}
	zoneserved_judge_serials(ev, params, ss, nss, out, next);
	free(ss);
	return answered > 0 ? CHECK_RAN : CHECK_COULD_NOT_RUN;
}

const struct check_def check_zone_served = {
	.id = CHECK_ZONE_SERVED,
	.judge = zoneserved_judge,
};
