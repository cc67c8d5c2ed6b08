/* check: the checks, pure functions from a run's evidence to findings. */
#ifndef ZH_CHECK_H
#define ZH_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "finding.h"

struct evidence;

/* What a resolver answered for the zone's SOA: the symptom, as shown. */
struct resolver_view {
	char		 address[64];
	char		 rcode[24];	/* "NOERROR", "SERVFAIL"..., or how the
					   query failed: "timeout"... */
	bool		 ad;
	int		 ede;		/* RFC 8914 INFO-CODE; -1: none */
	char		*ede_text;	/* its EXTRA-TEXT, or NULL */
	char		 cd_rcode[24];	/* the retry with CD=1; "" if none */
};

/* Whether one address of a service host accepted its port. */
struct host_view {
	char		 host[256];
	char		 address[64];
	uint16_t	 port;
	bool		 up;
};

/* Per server address, for the opt-in detail metrics. */
struct server_detail {
	char		 server[256];
	char		 address[64];
	bool		 has_serial;
	uint32_t	 serial;
	bool		 has_expiry;
	time_t		 expiry;	/* earliest RRSIG expiration there */
};

/* What a zone carries from one judgement to the next. */
struct check_memory {
	bool		has_serial;
	uint32_t	serial;		/* the newest SOA serial seen */
	bool		dnssec_signed;	/* a usable DS at the parent */
	bool		has_expiry;
	time_t		expiry;		/* earliest RRSIG expiration seen */
	struct resolver_view *resolvers;	/* the last run's symptom */
	size_t		nresolvers;
	struct host_view *hosts;		/* service hosts' addresses */
	size_t		nhosts;
	struct server_detail *detail;		/* per server address */
	size_t		ndetail;
	struct findings	lagging;	/* every serial lag, with since-times,
					   inside serial_grace or not */
	/* How the zone is signed, for zonehealth_zone_dnssec_info ("" when
	 * it has no DS): DS algorithms and digest types ("8,13", "2"), the
	 * denial served ("nsec", "nsec3", "" unseen), NSEC3 iterations. */
	char		dnssec_algorithms[32];
	char		dnssec_ds_digests[16];
	char		dnssec_denial[8];
	int		dnssec_nsec3_iterations;	/* -1: not NSEC3 */
};

/* What a judgement may depend on besides the evidence. */
struct check_params {
	uint64_t			 timeout_ms;	/* per attempt, as queried */
	unsigned			 retries;
	uint64_t			 serial_grace_s;
	uint64_t			 expiry_warning_s;
	const ldns_rr_list		*trust_anchor;	/* DS or DNSKEY for "." */
	unsigned			 nsec3_iterations_limit;
	bool				 no_anchor;	/* trust_anchor: none: each
							   zone from its DS as
							   served */
	time_t				 now;
	const struct check_memory	*prev;		/* last run's, or NULL */
};

enum check_outcome {
	CHECK_RAN,
	CHECK_COULD_NOT_RUN,	/* no evidence to judge: status 3 */
};

struct check_def {
	enum check_id	 id;
	enum check_outcome (*judge)(const struct evidence *, const struct check_params *,
	    struct findings *, struct check_memory *next);
};

/* The checks, in the order they run; NULL-terminated. */
extern const struct check_def *const check_table[];

extern const struct check_def check_delegation;
extern const struct check_def check_reachability;
extern const struct check_def check_zone_served;
extern const struct check_def check_dnssec;
extern const struct check_def check_round_robin;
extern const struct check_def check_rate_limit;

/* Every finding of the checks in check_table, and each check's status
 * (NONE for one not in the table). next (zeroed
 * by the caller) gets what the zone must remember for the next run. */
void check_run_all(const struct evidence *, const struct check_params *,
    struct findings *, enum check_status status[CHECK_MAX], struct check_memory *next);
void check_memory_clear(struct check_memory *);
/* The detail entry of (server, address), added when new. */
struct server_detail *check_memory_detail(struct check_memory *, const char *server,
    const char *address);
/* The symptom: what each resolver answered, into next; resolver_blocked
 * when one fails while no other check found anything (status[] set). */
void check_resolvers(const struct evidence *, const struct findings *,
    struct findings *out, enum check_status status[CHECK_MAX], struct check_memory *next);

#endif
