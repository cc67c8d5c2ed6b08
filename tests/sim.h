/* sim: a simulated network of authoritative servers for the query engine's
 * test hook: zones from master-file text served at addresses, and rules
 * that make an address, name or type silent, refused, slow or broken. */
#ifndef ZH_SIM_H
#define ZH_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim;

enum sim_behaviour {
	SIM_ANSWER,		/* as the zones say (the default) */
	SIM_SILENT,		/* nothing comes back */
	SIM_REFUSE,		/* ICMP port unreachable, TCP RST */
	SIM_CLOSE,		/* TCP closed without a message; UDP silent */
	SIM_GARBAGE,		/* bytes that do not parse */
	SIM_TRUNCATE,		/* UDP: TC=1 and nothing else; TCP answers */
	SIM_RCODE,		/* the rule's rcode, no records */
	SIM_NETUNREACH,		/* sendto/connect: ENETUNREACH */
	SIM_WRONG_ID,		/* the answer with another id */
	SIM_BYTES,		/* the rule's bytes, with the query's id */
	SIM_RATE_LIMIT,		/* answers limit attempts a second, then silence
				   (response rate limiting, RRL) */
	SIM_TWO_OPT,		/* the answer with a second OPT record */
	SIM_OPT_OVERRUN,	/* the answer's OPT has an option longer than
				   the record */
	SIM_OVERSIZE,		/* 100 extra A records, never truncated */
};

/* A rule's match: NULL or 0 fields match anything. transport: -1 any,
 * else enum query_transport. */
struct sim_rule {
	const char		*addr;		/* "127.0.0.1", "::1" */
	const char		*source;	/* the query's source address, as
						   bound (source_addresses) */
	const char		*qname;		/* "a.example." */
	uint16_t		 qtype;
	int			 transport;
	enum sim_behaviour	 behaviour;
	uint64_t		 delay_ms;
	int			 rcode;		/* SIM_RCODE */
	const uint8_t		*bytes;		/* SIM_BYTES (copied) */
	size_t			 nbytes;
	unsigned		 limit;		/* SIM_RATE_LIMIT, per second */
	/* the sim's own: SIM_RATE_LIMIT's window */
	uint64_t		 window_ms;
	unsigned		 used;
};

/* Called after each attempt is answered (or not): what the tests use to
 * act "after the k-th query". */
typedef void (*sim_query_fn)(struct sim *, unsigned long n, void *arg);

/* Sees every attempt's reply as the servers made it and may change it (a
 * fuzzer's bytes deciding what each server does). */
struct query_sim_reply;
typedef void (*sim_filter_fn)(struct sim *, void *arg, int transport,
    const uint8_t *query, size_t len, struct query_sim_reply *out);

struct sim *sim_new(void);
void sim_free(struct sim *);
/* Makes the query engines created from now, and TCP connects (tcpprobe),
 * use s (NULL: the real network). A connect is answered by the rules
 * (transport TCP, no name or type): SILENT times out, REFUSE, CLOSE and
 * NETUNREACH refuse; without a rule an address that serves a zone
 * accepts, any other refuses. */
void sim_install(struct sim *s);
/* addr serves the zone origin from master-file text (relative names are
 * relative to origin; TTL default 3600). 0, or -1 when it does not parse. */
int sim_zone(struct sim *, const char *addr, const char *origin, const char *text);
/* The zone signed with a new ECDSA P-256 key (flags 257: it signs every
 * RRset), NSEC or NSEC3 (0 iterations), signatures valid from an hour ago
 * for 30 days, as master-file text; *ds gets the DS (SHA-256) for the
 * parent, as a line. NULL when the text does not parse. */
char *sim_sign(const char *origin, const char *text, bool nsec3, char **ds);
/* The same with a choice: algorithm (13, or 5: RSASHA1 1024 bits),
 * NSEC3 iterations (-1: NSEC), the DS digest type (1 or 2), extra RSA
 * 1024 keys in the DNSKEY set (to make it big). */
struct sim_sign_opts {
	int		 algorithm;
	int		 nsec3_iterations;
	int		 ds_digest;
	unsigned	 extra_keys;
};
char *sim_sign_with(const char *origin, const char *text,
    const struct sim_sign_opts *, char **ds);
/* Rules are tried in the order added; the first that matches applies. */
void sim_add_rule(struct sim *, const struct sim_rule *);
void sim_clear_rules(struct sim *);
void sim_on_query(struct sim *, sim_query_fn, void *arg);
void sim_set_filter(struct sim *, sim_filter_fn, void *arg);
/* Attempts seen: to addr, or to every address (NULL). */
unsigned long sim_queries(const struct sim *, const char *addr);
/* Distinct addresses that were sent anything. */
size_t sim_addresses(const struct sim *);

#endif
