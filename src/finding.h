/* finding: a diagnosed cause, its catalogue, and the bookkeeping of "since". */
#ifndef ZH_FINDING_H
#define ZH_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>


enum severity {
	SEVERITY_OK,
	SEVERITY_WARNING,
	SEVERITY_CRITICAL,
};

enum check_id {
	CHECK_DELEGATION,
	CHECK_REACHABILITY,
	CHECK_ZONE_SERVED,
	CHECK_DNSSEC,
	CHECK_RATE_LIMIT,
	CHECK_ROUND_ROBIN,
	CHECK_MAX,
};

/* A check's result in a run: the worst severity it found, or that it
 * could not look, or that it did not run (the zonehealth_check_status
 * gauge's values, NONE not shown). */
enum check_status {
	CHECK_STATUS_NONE = -1,
	CHECK_STATUS_OK = SEVERITY_OK,
	CHECK_STATUS_WARNING = SEVERITY_WARNING,
	CHECK_STATUS_CRITICAL = SEVERITY_CRITICAL,
	CHECK_STATUS_UNKNOWN = 3,
};

/* The cause catalogue of DESIGN.md: ids are contracts (labels, JSON). */
enum cause {
	CAUSE_ZONE_NOT_DELEGATED,
	CAUSE_PARENT_UNREACHABLE,
	CAUSE_LAME_DELEGATION,
	CAUSE_NS_SET_MISMATCH,
	CAUSE_GLUE_MISMATCH,
	CAUSE_MISSING_GLUE,
	CAUSE_NS_NAME_UNRESOLVABLE,
	CAUSE_SERVER_TIMEOUT,
	CAUSE_SERVER_REFUSED_CONNECTION,
	CAUSE_EDNS_BROKEN,
	CAUSE_QTYPE_DROPPED,
	CAUSE_WRONG_SOURCE_ADDRESS,
	CAUSE_SERVER_REFUSED,
	CAUSE_SERVER_SERVFAIL,
	CAUSE_NOT_AUTHORITATIVE,
	CAUSE_SERIAL_MISMATCH,
	CAUSE_ANCESTOR_CHAIN_BROKEN,
	CAUSE_DS_NO_MATCHING_DNSKEY,
	CAUSE_DNSKEY_NOT_SIGNED_BY_KSK,
	CAUSE_RRSIG_MISSING,
	CAUSE_RRSIG_BOGUS,
	CAUSE_RRSIG_EXPIRED,
	CAUSE_RRSIG_NOT_YET_VALID,
	CAUSE_RRSIG_EXPIRING_SOON,
	CAUSE_DENIAL_INVALID,
	CAUSE_DNSKEY_INCONSISTENT,
	CAUSE_CDS_MISMATCH,
	CAUSE_RATE_LIMITED,
	CAUSE_SOURCE_BLOCKED,
	CAUSE_RESOLVER_BLOCKED,
	CAUSE_NS_ADDRESS_DEAD,
	CAUSE_HOST_ADDRESS_DEAD,
	CAUSE_MALFORMED_ANSWER,		/* added after the catalogue: last, so
					 * the others keep their order */
	CAUSE_NS_DEPENDENCY_CYCLE,
	CAUSE_PARENT_INCONSISTENT,
	CAUSE_FANOUT_LIMITED,
	CAUSE_NSEC3_ITERATIONS_HIGH,
	CAUSE_DNSSEC_ALGORITHM_DEPRECATED,
	CAUSE_DNSSEC_ALGORITHM_UNSUPPORTED,
	CAUSE_DNSKEY_TOO_LARGE,
	CAUSE_TTL_EXCEEDS_SIGNATURE,
	CAUSE_MAX,
};

/* How an alert on a cause may fire: at once (the cause is read from the
 * zone's data), or once it has persisted (lost packets or a congested path
 * can fake it). */
enum cause_class {
	CAUSE_CLASS_DATA,
	CAUSE_CLASS_TRANSPORT,
};

/* How the alert rules treat a cause (static: never freed). */
struct cause_alert {
	enum severity		 severity;	/* DESIGN.md's default */
	enum cause_class	 class;
	unsigned		 alert_for;	/* seconds an alert waits */
	const char		*hint;		/* generic fix, one line */
	const char		*subject;	/* what the server and address
						   labels name: NULL for a
						   server, "host", "resolver" */
};

struct finding {
	enum check_id	 check;
	enum cause	 cause;
	enum severity	 severity;
	char		*server;	/* NS name, or NULL */
	char		*address;	/* "192.0.2.1", or NULL */
	char		*summary;	/* one line */
	char		*evidence;	/* what was asked, what came back */
	char		*fix;		/* what to change where */
	time_t		 since;		/* first seen without a break */
	unsigned	 missed;	/* runs in a row that did not see it:
					   kept until clear_after (zone.c) */
};

struct findings {
	struct finding	*v;
	size_t		 n;
};

const char *severity_name(enum severity);
const char *check_name(enum check_id);
const char *cause_name(enum cause);
/* The cause of that id; false when there is none. */
bool cause_from_name(const char *, enum cause *);
enum check_id cause_check(enum cause);
const struct cause_alert *cause_alert(enum cause);
/* "data" or "transport". */
const char *cause_class_name(enum cause_class);

/* Appends a finding; takes ownership of summary, evidence and fix
 * (malloc'ed); server and address are copied (either may be NULL). */
void findings_add(struct findings *, enum cause, enum severity,
    const char *server, const char *address, char *summary, char *evidence,
    char *fix);
/* Sets each finding's since: from old when the same (check, cause,
 * server, address) was there, else the one it has, else now. Sorts them
 * for stable output. */
void findings_carry_since(struct findings *, const struct findings *old, time_t now);
/* The worst severity, SEVERITY_OK when none. */
enum severity findings_worst(const struct findings *);
/* Moves src's findings to the end of dst. */
void findings_move(struct findings *dst, struct findings *src);
void findings_clear(struct findings *);
/* Adds a deep copy of f. */
void findings_add_copy(struct findings *, const struct finding *f);
/* Whether fs holds a finding with f's identity (check, cause, server,
 * address). */
bool findings_has(const struct findings *fs, const struct finding *f);
/* Sorts by identity. */
void findings_sort(struct findings *);

#endif
