/* finding: a diagnosed cause, its catalogue, and the bookkeeping of "since". */
#include "zhbuild.h"

#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "xmalloc.h"

static const char *const severity_names[] = {
	[SEVERITY_OK] = "ok",
	[SEVERITY_WARNING] = "warning",
	[SEVERITY_CRITICAL] = "critical",
};

const char *
severity_name(enum severity s)
{
	return severity_names[s];
}

static const char *const check_names[CHECK_MAX] = {
	[CHECK_DELEGATION] = "delegation",
	[CHECK_REACHABILITY] = "reachability",
	[CHECK_ZONE_SERVED] = "zone_served",
	[CHECK_DNSSEC] = "dnssec",
	[CHECK_RATE_LIMIT] = "rate_limit",
	[CHECK_ROUND_ROBIN] = "round_robin",
};

static const struct {
	const char	*name;
	enum check_id	 check;
} causes[CAUSE_MAX] = {
	[CAUSE_ZONE_NOT_DELEGATED] = { "zone_not_delegated", CHECK_DELEGATION },
	[CAUSE_PARENT_UNREACHABLE] = { "parent_unreachable", CHECK_DELEGATION },
	[CAUSE_LAME_DELEGATION] = { "lame_delegation", CHECK_DELEGATION },
	[CAUSE_NS_SET_MISMATCH] = { "ns_set_mismatch", CHECK_DELEGATION },
	[CAUSE_GLUE_MISMATCH] = { "glue_mismatch", CHECK_DELEGATION },
	[CAUSE_MISSING_GLUE] = { "missing_glue", CHECK_DELEGATION },
	[CAUSE_NS_NAME_UNRESOLVABLE] = { "ns_name_unresolvable",
	    CHECK_DELEGATION },
	[CAUSE_SERVER_TIMEOUT] = { "server_timeout", CHECK_REACHABILITY },
	[CAUSE_SERVER_REFUSED_CONNECTION] = { "server_refused_connection",
	    CHECK_REACHABILITY },
	[CAUSE_EDNS_BROKEN] = { "edns_broken", CHECK_REACHABILITY },
	[CAUSE_QTYPE_DROPPED] = { "qtype_dropped", CHECK_REACHABILITY },
	[CAUSE_WRONG_SOURCE_ADDRESS] = { "wrong_source_address",
	    CHECK_REACHABILITY },
	[CAUSE_SERVER_REFUSED] = { "server_refused", CHECK_ZONE_SERVED },
	[CAUSE_SERVER_SERVFAIL] = { "server_servfail", CHECK_ZONE_SERVED },
	[CAUSE_NOT_AUTHORITATIVE] = { "not_authoritative", CHECK_ZONE_SERVED },
	[CAUSE_SERIAL_MISMATCH] = { "serial_mismatch", CHECK_ZONE_SERVED },
	[CAUSE_ANCESTOR_CHAIN_BROKEN] = { "ancestor_chain_broken",
	    CHECK_DNSSEC },
	[CAUSE_DS_NO_MATCHING_DNSKEY] = { "ds_no_matching_dnskey",
	    CHECK_DNSSEC },
	[CAUSE_DNSKEY_NOT_SIGNED_BY_KSK] = { "dnskey_not_signed_by_ksk",
	    CHECK_DNSSEC },
	[CAUSE_RRSIG_MISSING] = { "rrsig_missing", CHECK_DNSSEC },
	[CAUSE_RRSIG_BOGUS] = { "rrsig_bogus", CHECK_DNSSEC },
	[CAUSE_RRSIG_EXPIRED] = { "rrsig_expired", CHECK_DNSSEC },
	[CAUSE_RRSIG_NOT_YET_VALID] = { "rrsig_not_yet_valid", CHECK_DNSSEC },
	[CAUSE_RRSIG_EXPIRING_SOON] = { "rrsig_expiring_soon", CHECK_DNSSEC },
	[CAUSE_DENIAL_INVALID] = { "denial_invalid", CHECK_DNSSEC },
	[CAUSE_DNSKEY_INCONSISTENT] = { "dnskey_inconsistent", CHECK_DNSSEC },
	[CAUSE_CDS_MISMATCH] = { "cds_mismatch", CHECK_DNSSEC },
	[CAUSE_RATE_LIMITED] = { "rate_limited", CHECK_RATE_LIMIT },
	[CAUSE_SOURCE_BLOCKED] = { "source_blocked", CHECK_RATE_LIMIT },
	[CAUSE_RESOLVER_BLOCKED] = { "resolver_blocked", CHECK_RATE_LIMIT },
	[CAUSE_NS_ADDRESS_DEAD] = { "ns_address_dead", CHECK_ROUND_ROBIN },
	[CAUSE_HOST_ADDRESS_DEAD] = { "host_address_dead", CHECK_ROUND_ROBIN },
	[CAUSE_MALFORMED_ANSWER] = { "malformed_answer", CHECK_REACHABILITY },
	[CAUSE_NS_DEPENDENCY_CYCLE] = { "ns_dependency_cycle",
	    CHECK_DELEGATION },
	[CAUSE_PARENT_INCONSISTENT] = { "parent_inconsistent",
	    CHECK_DELEGATION },
	[CAUSE_FANOUT_LIMITED] = { "fanout_limited", CHECK_DELEGATION },
	[CAUSE_NSEC3_ITERATIONS_HIGH] = { "nsec3_iterations_high",
	    CHECK_DNSSEC },
	[CAUSE_DNSSEC_ALGORITHM_DEPRECATED] = { "dnssec_algorithm_deprecated",
	    CHECK_DNSSEC },
	[CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED] = { "dnssec_algorithm_unsupported",
	    CHECK_DNSSEC },
	[CAUSE_DNSKEY_TOO_LARGE] = { "dnskey_too_large", CHECK_DNSSEC },
	[CAUSE_TTL_EXCEEDS_SIGNATURE] = { "ttl_exceeds_signature",
	    CHECK_DNSSEC },
};

/*
 * The rest of the catalogue: per cause the severity DESIGN.md gives it by
 * default (a finding carries its own), how an alert on it must wait, and a
 * generic fix hint. contrib/prometheus/genrules.py builds the alert rules
 * from these two tables (zonehealthd --print-catalogue).
 */
static const struct cause_alert cause_alerts[CAUSE_MAX] = {
	[CAUSE_ZONE_NOT_DELEGATED] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Add the delegation (NS records, glue and DS) at the parent's "
	    "registrar or in the parent zone, or stop monitoring a name "
	    "that is not a zone." },
	[CAUSE_PARENT_UNREACHABLE] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "No server of the parent zone answers this monitor: check the "
	    "monitor's network path and its root hints, then the parent's "
	    "servers." },
	[CAUSE_LAME_DELEGATION] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Make the listed server serve the zone, or remove it from the "
	    "NS set at the parent." },
	[CAUSE_NS_SET_MISMATCH] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Make the NS records at the parent and in the zone list the "
	    "same servers." },
	[CAUSE_GLUE_MISMATCH] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Update the glue at the parent to the name server's real "
	    "address." },
	[CAUSE_MISSING_GLUE] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Add glue (A/AAAA) at the parent for the name server inside the"
	    " zone." },
	[CAUSE_NS_NAME_UNRESOLVABLE] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Give the NS name an address record (not a CNAME) in its own "
	    "zone, or replace it in the NS set." },
	[CAUSE_SERVER_TIMEOUT] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "Start the name server on that address or open the firewall for"
	    " DNS (UDP and TCP port 53), or remove the address from the NS "
	    "set and glue." },
	[CAUSE_SERVER_REFUSED_CONNECTION] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "Nothing listens on port 53 at that address: start the name "
	    "server there, or remove the address from the NS set and glue." },
	[CAUSE_EDNS_BROKEN] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "Fix EDNS0 on the server or the middlebox in front of it (a "
	    "firewall that drops EDNS0 or large answers)." },
	[CAUSE_QTYPE_DROPPED] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "A firewall or the server drops some query types (e.g. AAAA, "
	    "DNSKEY): let every type through." },
	[CAUSE_WRONG_SOURCE_ADDRESS] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Make the server answer from the address it was asked on (bind "
	    "it to each address, or fix the NAT in front of it)." },
	[CAUSE_SERVER_REFUSED] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Configure the zone on that server (or allow queries for it), "
	    "or remove the server from the NS set." },
	[CAUSE_SERVER_SERVFAIL] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "The zone failed to load on that server: read its log, fix the "
	    "zone file or the transfer, and reload it." },
	[CAUSE_NOT_AUTHORITATIVE] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Configure the zone as primary or secondary on that server, or "
	    "remove the server from the NS set." },
	[CAUSE_SERIAL_MISMATCH] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "A server serves an old copy: check NOTIFY and zone transfers "
	    "(IXFR/AXFR) from the primary to it." },
	[CAUSE_ANCESTOR_CHAIN_BROKEN] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "A zone above this one breaks the chain of trust: fix the "
	    "DS/DNSKEY of the ancestor the evidence names (its operator "
	    "must act)." },
	[CAUSE_DS_NO_MATCHING_DNSKEY] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Publish the DNSKEY the parent's DS names again, or replace the"
	    " DS at the registrar with one of the current KSK." },
	[CAUSE_DNSKEY_NOT_SIGNED_BY_KSK] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Sign the DNSKEY RRset with the KSK whose DS the parent "
	    "publishes." },
	[CAUSE_RRSIG_MISSING] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Re-sign the zone, and check that every server gets the signed "
	    "copy." },
	[CAUSE_RRSIG_BOGUS] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "The data changed after signing: re-sign the zone and reload it"
	    " on every server." },
	[CAUSE_RRSIG_EXPIRED] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Re-sign the zone now, and find out why the signer stopped (or "
	    "the server kept an old copy)." },
	[CAUSE_RRSIG_NOT_YET_VALID] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Fix the signer's clock or its inception offset, then re-sign "
	    "the zone." },
	[CAUSE_RRSIG_EXPIRING_SOON] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Check that the signer runs and re-signs before the signatures "
	    "expire, and that every server gets the new copy." },
	[CAUSE_DENIAL_INVALID] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Re-sign the zone so its NSEC/NSEC3 chain is complete, and "
	    "reload it on every server." },
	[CAUSE_DNSKEY_INCONSISTENT] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 900,
	    "Servers publish different DNSKEY sets: check zone transfers to"
	    " every server, and the key rollover's state." },
	[CAUSE_CDS_MISMATCH] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Remove the CDS/CDNSKEY records, or publish ones of a key the "
	    "zone has." },
	[CAUSE_RATE_LIMITED] = {
	    SEVERITY_WARNING, CAUSE_CLASS_TRANSPORT, 600,
	    "Raise the server's response rate limit (RRL) for resolvers' "
	    "query rates, or exempt the resolvers that use the zone." },
	[CAUSE_SOURCE_BLOCKED] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "The server answers one of the monitor's source addresses, not "
	    "another: check its ACLs and firewalls." },
	[CAUSE_RESOLVER_BLOCKED] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "The zone's servers answer the monitor, not the resolver: check"
	    " their RRL, ACLs and firewalls for the resolver's egress "
	    "addresses.",
	    "resolver" },
	[CAUSE_NS_ADDRESS_DEAD] = {
	    SEVERITY_WARNING, CAUSE_CLASS_TRANSPORT, 300,
	    "Start the name server on the dead address, or remove that "
	    "address from the NS name's records and the glue." },
	[CAUSE_HOST_ADDRESS_DEAD] = {
	    SEVERITY_WARNING, CAUSE_CLASS_TRANSPORT, 300,
	    "Start the service on the dead address, or remove that address "
	    "from the host's records.",
	    "host" },
	[CAUSE_MALFORMED_ANSWER] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_TRANSPORT, 300,
	    "The server (or a middlebox) sends answers that do not parse: "
	    "upgrade or replace it." },
	[CAUSE_NS_DEPENDENCY_CYCLE] = {
	    SEVERITY_CRITICAL, CAUSE_CLASS_DATA, 0,
	    "Give the NS names glue, or use name servers whose names "
	    "resolve outside the zones of the cycle." },
	[CAUSE_PARENT_INCONSISTENT] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 900,
	    "The parent's servers disagree: check the parent's zone "
	    "transfers, or ask its operator." },
	[CAUSE_FANOUT_LIMITED] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Trim the zone's NS set and the servers' addresses, or raise "
	    "the monitor's limits." },
	[CAUSE_NSEC3_ITERATIONS_HIGH] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Re-sign with NSEC3 iterations 0 and no salt (RFC 9276)." },
	[CAUSE_DNSSEC_ALGORITHM_DEPRECATED] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Roll the keys to ECDSAP256SHA256 (algorithm 13) and publish a "
	    "SHA-256 DS." },
	[CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Publish a DS with an algorithm and digest type validators "
	    "implement (13, SHA-256)." },
	[CAUSE_DNSKEY_TOO_LARGE] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Shrink the DNSKEY RRset (fewer or smaller keys) and make every"
	    " server answer over TCP." },
	[CAUSE_TTL_EXCEEDS_SIGNATURE] = {
	    SEVERITY_WARNING, CAUSE_CLASS_DATA, 0,
	    "Lower the records' TTLs to their signatures' original TTL, or "
	    "re-sign with the longer TTL." },
};

const char *
check_name(enum check_id c)
{
	return check_names[c];
}

const char *
cause_name(enum cause c)
{
	return causes[c].name;
}

bool
cause_from_name(const char *name, enum cause *out)
{
	int	c;

	for (c = 0; c < CAUSE_MAX; c++)
		if (strcmp(causes[c].name, name) == 0) {
			*out = (enum cause)c;
			return true;
		}
	return false;
}

enum check_id
cause_check(enum cause c)
{
	return causes[c].check;
}

const struct cause_alert *
cause_alert(enum cause c)
{
	return &cause_alerts[c];
}

const char *
cause_class_name(enum cause_class c)
{
	return c == CAUSE_CLASS_TRANSPORT ? "transport" : "data";
}

void
findings_add(struct findings *fs, enum cause cause, enum severity severity,
    const char *server, const char *address, char *summary, char *evidence,
    char *fix)
{
	struct finding	*f;

	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->check = cause_check(cause);
	f->cause = cause;
	f->severity = severity;
	f->server = server != NULL ? xstrdup(server) : NULL;
	f->address = address != NULL ? xstrdup(address) : NULL;
	f->summary = summary;
	f->evidence = evidence;
	f->fix = fix;
}

static int
finding_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* The identity of a finding: what its metric labels say, less severity. */
static int
finding_key_cmp(const struct finding *a, const struct finding *b)
{
	int	c;

	if (a->check != b->check)
		return a->check < b->check ? -1 : 1;
	if (a->cause != b->cause)
		return a->cause < b->cause ? -1 : 1;
	if ((c = finding_strcmp(a->server, b->server)) != 0)
		return c;
	return finding_strcmp(a->address, b->address);
}

static int
finding_sort_cmp(const void *a, const void *b)
{
	return finding_key_cmp(a, b);
}

void
findings_carry_since(struct findings *fs, const struct findings *old, time_t now)
{
	size_t	i, j;

	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), finding_sort_cmp);
	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].since == 0)
			fs->v[i].since = now;
		for (j = 0; old != NULL && j < old->n; j++)
			if (finding_key_cmp(&fs->v[i], &old->v[j]) == 0) {
				fs->v[i].since = old->v[j].since;
				break;
			}
	}
}

void
findings_add_copy(struct findings *fs, const struct finding *f)
{
	findings_add(fs, f->cause, f->severity, f->server, f->address,
	    f->summary != NULL ? xstrdup(f->summary) : NULL,
	    f->evidence != NULL ? xstrdup(f->evidence) : NULL,
	    f->fix != NULL ? xstrdup(f->fix) : NULL);
	fs->v[fs->n - 1].since = f->since;
	fs->v[fs->n - 1].missed = f->missed;
}

bool
findings_has(const struct findings *fs, const struct finding *f)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (finding_key_cmp(&fs->v[i], f) == 0)
			return true;
	return false;
}

void
findings_sort(struct findings *fs)
{
	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), finding_sort_cmp);
}

enum severity
findings_worst(const struct findings *fs)
{
	enum severity	worst = SEVERITY_OK;
	size_t		i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].severity > worst)
			worst = fs->v[i].severity;
	return worst;
}

void
findings_move(struct findings *dst, struct findings *src)
{
	if (src->n == 0)
		return;
	dst->v = xreallocarray(dst->v, dst->n + src->n, sizeof(*dst->v));
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	src->v = NULL;
	src->n = 0;
}

void
findings_clear(struct findings *fs)
{
	size_t	i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].server);
		free(fs->v[i].address);
		free(fs->v[i].summary);
		free(fs->v[i].evidence);
		free(fs->v[i].fix);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}
