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
	[CAUSE_NS_NAME_UNRESOLVABLE] = { "ns_name_unresolvable", CHECK_DELEGATION },
	[CAUSE_SERVER_TIMEOUT] = { "server_timeout", CHECK_REACHABILITY },
	[CAUSE_SERVER_REFUSED_CONNECTION] = { "server_refused_connection", CHECK_REACHABILITY },
	[CAUSE_EDNS_BROKEN] = { "edns_broken", CHECK_REACHABILITY },
	[CAUSE_QTYPE_DROPPED] = { "qtype_dropped", CHECK_REACHABILITY },
	[CAUSE_WRONG_SOURCE_ADDRESS] = { "wrong_source_address", CHECK_REACHABILITY },
	[CAUSE_SERVER_REFUSED] = { "server_refused", CHECK_ZONE_SERVED },
	[CAUSE_SERVER_SERVFAIL] = { "server_servfail", CHECK_ZONE_SERVED },
	[CAUSE_NOT_AUTHORITATIVE] = { "not_authoritative", CHECK_ZONE_SERVED },
	[CAUSE_SERIAL_MISMATCH] = { "serial_mismatch", CHECK_ZONE_SERVED },
	[CAUSE_ANCESTOR_CHAIN_BROKEN] = { "ancestor_chain_broken", CHECK_DNSSEC },
	[CAUSE_DS_NO_MATCHING_DNSKEY] = { "ds_no_matching_dnskey", CHECK_DNSSEC },
	[CAUSE_DNSKEY_NOT_SIGNED_BY_KSK] = { "dnskey_not_signed_by_ksk", CHECK_DNSSEC },
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
	[CAUSE_NS_DEPENDENCY_CYCLE] = { "ns_dependency_cycle", CHECK_DELEGATION },
	[CAUSE_PARENT_INCONSISTENT] = { "parent_inconsistent", CHECK_DELEGATION },
	[CAUSE_FANOUT_LIMITED] = { "fanout_limited", CHECK_DELEGATION },
	[CAUSE_NSEC3_ITERATIONS_HIGH] = { "nsec3_iterations_high", CHECK_DNSSEC },
	[CAUSE_DNSSEC_ALGORITHM_DEPRECATED] = { "dnssec_algorithm_deprecated",
	    CHECK_DNSSEC },
	[CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED] = { "dnssec_algorithm_unsupported",
	    CHECK_DNSSEC },
	[CAUSE_DNSKEY_TOO_LARGE] = { "dnskey_too_large", CHECK_DNSSEC },
	[CAUSE_TTL_EXCEEDS_SIGNATURE] = { "ttl_exceeds_signature", CHECK_DNSSEC },
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
