/* dnspolicy: what today's validators refuse or stop trusting in a signed
 * zone that validates by the letter: old or unknown algorithms, costly
 * NSEC3, a DNSKEY set too big for a UDP answer. */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "buf.h"
#include "check.h"
#include "dnspolicy.h"
#include "evidence.h"
#include "finding.h"
#include "served.h"
#include "sigcheck.h"
#include "xmalloc.h"

#define DNSPOLICY_UDP_BUFFER	1232	/* what our queries and resolvers ask */

/* The zone's DS RRset as the parent served it, or NULL. */
static ldns_rr_list *
dnspolicy_ds(const struct evidence *ev)
{
	ldns_rr_list	*ds;

	if (ev->ds == NULL)
		return NULL;
	ds = sig_rrset(ev->ds, LDNS_SECTION_ANSWER, ev->zone, LDNS_RR_TYPE_DS, 0);
	if (ldns_rr_list_rr_count(ds) == 0) {
		ldns_rr_list_deep_free(ds);
		return NULL;
	}
	return ds;
}

/* "12345/5/1, 23456/8/2" (key tag/algorithm/digest type). */
static char *
dnspolicy_ds_text(const ldns_rr_list *ds)
{
	const ldns_rr	*rr;
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < ldns_rr_list_rr_count(ds); i++) {
		rr = ldns_rr_list_rr(ds, i);
		if (ldns_rr_rd_count(rr) < 3)
			continue;
		buf_printf(&b, "%s%u/%u/%u", b.len > 0 ? ", " : "",
		    ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)),
		    ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)),
		    ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)));
	}
	return buf_steal(&b, NULL);
}

/*
 * RFC 8624: signing with RSASHA1 (5) or RSASHA1-NSEC3-SHA1 (7), and SHA-1
 * DS digests, are NOT RECOMMENDED; validators with SHA-1 disabled (RHEL 9
 * crypto policies, FIPS mode) answer SERVFAIL or treat the zone as
 * insecure. Unknown or MUST NOT algorithms and digests are not validated
 * at all (RFC 4035 5.2): the zone is insecure.
 */
static void
dnspolicy_algorithms(const struct evidence *ev, const ldns_rr_list *ds,
    struct findings *out)
{
	const ldns_rr	*rr;
	size_t		 i, n = ldns_rr_list_rr_count(ds), usable = 0, sha1_only = 0;
	size_t		 rsasha1 = 0;
	uint8_t		 alg;
	char		*text = dnspolicy_ds_text(ds);

	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(ds, i);
		if (ldns_rr_rd_count(rr) < 3)
			continue;
		alg = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
		usable += sig_ds_usable(rr);
		rsasha1 += alg == LDNS_RSASHA1 || alg == LDNS_RSASHA1_NSEC3;
		sha1_only += ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)) == LDNS_SHA1;
	}
	if (usable == 0) {
		findings_add(out, CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED, SEVERITY_WARNING,
		    NULL, NULL,
		    xasprintf("every DS of %s uses an algorithm or digest validators "
		    "do not implement: they treat the zone as unsigned", ev->zone),
		    xasprintf("DS at the parent (key tag/algorithm/digest type): %s",
		    text),
		    xstrdup("Validators ignore DS records they cannot use (RFC 4035 "
		    "5.2, RFC 8624), so the zone gets no DNSSEC protection. Sign "
		    "with algorithm 13 (ECDSAP256SHA256) or 8 (RSASHA256) and put "
		    "a DS with digest type 2 (SHA-256) at the registrar."));
		free(text);
		return;
	}
	if (rsasha1 == n || sha1_only == n)
		findings_add(out, CAUSE_DNSSEC_ALGORITHM_DEPRECATED, SEVERITY_WARNING,
		    NULL, NULL,
		    xasprintf("%s relies on SHA-1 only (%s)", ev->zone,
		    rsasha1 == n ? "signing algorithm RSASHA1" : "DS digest SHA-1"),
		    xasprintf("DS at the parent (key tag/algorithm/digest type): %s",
		    text),
		    xstrdup(rsasha1 == n ?
		    "Validators with SHA-1 disabled (RHEL 9 and derivatives, FIPS "
		    "mode) answer SERVFAIL or treat the zone as unsigned. Roll the "
		    "algorithm to 13 (ECDSAP256SHA256) or 8 (RSASHA256): publish "
		    "and sign with the new keys first, then change the DS at the "
		    "registrar (RFC 6781 4.1.4)." :
		    "Validators with SHA-1 disabled cannot use a SHA-1 DS. Put a "
		    "DS with digest type 2 (SHA-256) at the registrar, then "
		    "remove the SHA-1 one."));
	free(text);
}

/* "5,13": the distinct values of DS field f (1: algorithm, 2: digest). */
static void
dnspolicy_set(const ldns_rr_list *ds, size_t f, char *out, size_t len)
{
	bool	seen[256] = { false };
	size_t	i, n = 0;
	int	w;

	for (i = 0; i < ldns_rr_list_rr_count(ds); i++)
		if (ldns_rr_rd_count(ldns_rr_list_rr(ds, i)) > f)
			seen[ldns_rdf2native_int8(ldns_rr_rdf(ldns_rr_list_rr(ds, i), f))] = true;
	out[0] = '\0';
	for (i = 0; i < 256; i++)
		if (seen[i] && (w = snprintf(out + n, len - n, "%s%zu", n > 0 ? "," : "",
		    i)) > 0 && (size_t)w < len - n)
			n += (size_t)w;
}

/* The highest NSEC3 iteration count the zone's servers use in denials. */
static void
dnspolicy_nsec3(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	static const enum probe	 probes[] = { PROBE_NXNAME, PROBE_NODATA };
	const struct ev_query	*q;
	const ldns_rr_list	*auth;
	const ldns_rr		*rr;
	char			 addr[INET6_ADDRSTRLEN + 8], where[INET6_ADDRSTRLEN + 8];
	char			*salt = NULL;
	size_t			 si, ai, p, i;
	int			 max = -1, it;
	enum severity		 sev;

	for (si = 0; si < ev->nservers; si++)
		for (ai = 0; ai < ev->servers[si].naddrs; ai++)
			for (p = 0; p < 2; p++) {
				q = evidence_find(ev, probes[p], si, &ev->servers[si].addrs[ai]);
				if (q == NULL || q->status != QUERY_OK || q->pkt == NULL)
					continue;
				auth = ldns_pkt_authority(q->pkt);
				for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
					rr = ldns_rr_list_rr(auth, i);
					if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC &&
					    next->dnssec_denial[0] == '\0')
						snprintf(next->dnssec_denial,
						    sizeof(next->dnssec_denial), "nsec");
					if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3 ||
					    ldns_rr_rd_count(rr) < 4 ||
					    ldns_rdf_size(ldns_rr_rdf(rr, 2)) != 2)
						continue;
					snprintf(next->dnssec_denial,
					    sizeof(next->dnssec_denial), "nsec3");
					it = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
					if (it <= max)
						continue;
					max = it;
					free(salt);
					salt = ldns_rdf2str(ldns_rr_rdf(rr, 3));
					/* ldns writes an empty salt "- " */
					if (salt != NULL)
						salt[strcspn(salt, " ")] = '\0';
					addr_str(&ev->servers[si].addrs[ai], addr,
					    sizeof(addr));
					snprintf(where, sizeof(where), "%s", addr);
				}
			}
	next->dnssec_nsec3_iterations = max;
	if (max > 0) {
		/* RFC 9276 3.1: 0 iterations; past the limit validators stop
		 * trusting the denials (3.2: insecure, or SERVFAIL, EDE 27). */
		sev = (unsigned)max > params->nsec3_iterations_limit ?
		    SEVERITY_CRITICAL : SEVERITY_WARNING;
		findings_add(out, CAUSE_NSEC3_ITERATIONS_HIGH, sev, NULL, NULL,
		    xasprintf("%s uses NSEC3 with %d extra iterations%s", ev->zone,
		    max, sev == SEVERITY_CRITICAL ? ", past what validators accept" :
		    ""),
		    xasprintf("NSEC3 records served at %s: %d iterations, salt %s "
		    "(nsec3_iterations_limit %u)", where, max,
		    salt != NULL ? salt : "-", params->nsec3_iterations_limit),
		    xstrdup("RFC 9276: NSEC3 iterations should be 0 and the salt "
		    "empty; they cost every resolver and protect nothing. Above "
		    "about 150 validators (Unbound, BIND, Knot Resolver) treat the "
		    "zone's denials as insecure or answer SERVFAIL (EDE 27). Re-sign "
		    "with NSEC3PARAM 1 0 0 - (e.g. dnssec-signzone -3 - -H 0, "
		    "ldns-signzone -n -t 0)."));
	}
	free(salt);
}

/*
 * A DNSKEY set that does not fit a 1232-byte UDP answer (DNS flag day
 * 2020): resolvers get TC=1 and must come over TCP; where TCP fails too,
 * they have no keys and answer SERVFAIL (EDE 9). Told apart from a DS
 * that matches no key, which sends the operator to the registrar.
 */
static void
dnspolicy_dnskey_size(const struct evidence *ev, struct findings *out)
{
	const struct ev_query	*q;
	struct served_result	 r;
	struct buf		 failed;
	char			 addr[INET6_ADDRSTRLEN + 8];
	size_t			 si, ai, big = 0, tcp_ok = 0, size = 0;

	buf_init(&failed);
	for (si = 0; si < ev->nservers; si++)
		for (ai = 0; ai < ev->servers[si].naddrs; ai++) {
			q = evidence_find(ev, PROBE_DNSKEY, si, &ev->servers[si].addrs[ai]);
			if (q == NULL || q->status != QUERY_OK || q->pkt == NULL ||
			    !q->truncated ||
			    served_at(ev, si, &ev->servers[si].addrs[ai], &r) != SERVED_OK)
				continue;
			big++;
			if (q->transport == QUERY_TCP) {
				tcp_ok++;
				if (q->size > size)
					size = q->size;
				continue;
			}
			addr_str(&ev->servers[si].addrs[ai], addr, sizeof(addr));
			buf_printf(&failed, "%s%s", failed.len > 0 ? ", " : "", addr);
		}
	if (big > 0)
		findings_add(out, CAUSE_DNSKEY_TOO_LARGE, tcp_ok == 0 ?
		    SEVERITY_CRITICAL : SEVERITY_WARNING, NULL, NULL,
		    xasprintf("the DNSKEY answer of %s does not fit in %u bytes%s",
		    ev->zone, DNSPOLICY_UDP_BUFFER, tcp_ok == 0 ?
		    ", and no server gives it over TCP" : ""),
		    size > 0 ? xasprintf("DNSKEY over UDP: truncated (TC=1) at %zu "
		    "addresses; over TCP %zu bytes%s%s", big, size,
		    failed.len > 0 ? "; TCP failed at " : "",
		    failed.len > 0 ? failed.data : "") :
		    xasprintf("DNSKEY over UDP: truncated (TC=1); over TCP no answer "
		    "at %s", failed.data),
		    xstrdup("Resolvers with a 1232-byte buffer get a truncated DNSKEY "
		    "answer and must retry over TCP. Make the set smaller (ECDSA "
		    "keys, fewer keys outside rollovers, no extra signatures) and "
		    "make sure DNS over TCP reaches every server: with neither, "
		    "validating resolvers answer SERVFAIL (EDE 9, DNSKEY missing)."));
	buf_free(&failed);
}

void
dnspolicy_judge(const struct evidence *ev, const struct check_params *params,
    struct findings *out, struct check_memory *next)
{
	ldns_rr_list	*ds;

	next->dnssec_nsec3_iterations = -1;
	if ((ds = dnspolicy_ds(ev)) == NULL)
		return;		/* unsigned: nothing validators could refuse */
	dnspolicy_set(ds, 1, next->dnssec_algorithms, sizeof(next->dnssec_algorithms));
	dnspolicy_set(ds, 2, next->dnssec_ds_digests, sizeof(next->dnssec_ds_digests));
	dnspolicy_algorithms(ev, ds, out);
	dnspolicy_nsec3(ev, params, out, next);
	dnspolicy_dnskey_size(ev, out);
	ldns_rr_list_deep_free(ds);
}

bool
dnspolicy_dnskey_truncated(const struct evidence *ev, size_t si,
    const struct addr *a)
{
	const struct ev_query	*q = evidence_find(ev, PROBE_DNSKEY, si, a);

	return q != NULL && q->status == QUERY_OK && q->pkt != NULL &&
	    ldns_pkt_tc(q->pkt);
}
