/* query: the asynchronous DNS query engine (UDP, TCP fallback, retries, caps). */
#ifndef ZH_QUERY_H
#define ZH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "querydefs.h"

struct event_base;
struct query;
struct query_engine;

/* Flags for query_engine_send(). */
#define QUERY_F_TCP	0x01	/* TCP from the start */
#define QUERY_F_NO_EDNS	0x02	/* plain DNS: no OPT record (and so no DO) */
#define QUERY_F_DO	0x04	/* DNSSEC OK bit (RFC 3225) */
#define QUERY_F_RD	0x08	/* recursion desired: for resolvers */
#define QUERY_F_CD	0x10	/* checking disabled (RFC 4035 3.2.2) */
#define QUERY_F_NO_TC_RETRY 0x20	/* report TC=1 answers as they are */
#define QUERY_F_ONCE	0x40	/* one attempt, whatever retries says */
#define QUERY_F_NO_RATELIMIT 0x80	/* past server_qps: the rate-limit burst
					   (it still takes tokens, so other
					   traffic to the server keeps the cap) */

struct query_result {
	enum query_status	 status;
	ldns_pkt		*pkt;		/* the answer when QUERY_OK; the
						 * callback may take it (set NULL) */
	enum query_transport	 transport;	/* of the answer when QUERY_OK
						 * (UDP when TCP after TC=1 got
						 * nothing better), else of the
						 * last attempt */
	double			 rtt;		/* seconds, of the answered attempt */
	unsigned		 attempts;	/* packets or connections sent */
	bool			 truncated;	/* a UDP answer had TC=1 */
	unsigned		 mismatched;	/* answers ignored: wrong id,
						 * question or source */
	/* An answer with the right id and question that came from another
	 * address than asked; ss_family 0 when none did. */
	struct sockaddr_storage	 wrong_source;
	const struct sockaddr	*server;	/* as asked */
	const struct sockaddr	*source;	/* as bound, NULL: any */
	size_t			 size;		/* bytes of the answer when QUERY_OK */
	const char		*malformed_why;	/* static: why the last answer
						   that was ours did not count */
};

/* Called exactly once per query, from the event loop, never from inside
 * query_engine_send(); the query is freed after it returns. */
typedef void (*query_cb)(struct query_result *, void *arg);

struct query_engine_config {
	uint64_t	timeout_ms;	/* per attempt */
	unsigned	retries;	/* extra attempts after the first */
	unsigned	max_inflight;	/* queries on the wire, all servers;
					 * 0 is taken as 1 */
	unsigned	server_qps;	/* per server address: token bucket,
					 * one token per packet or connection,
					 * burst = rate; 0: no limit */
	uint16_t	edns_size;	/* advertised UDP size; 0: 1232 */
	/* Sources of queries sent without one (source_addresses' first of
	 * each family); ss_family 0: the kernel's choice. */
	struct sockaddr_storage	source4, source6;
	enum query_family_use	ip4, ip6;
};

/* Counters by transport and outcome, as zonehealth_server_queries_total:
 * each attempt ends in one of the first five; MISMATCHED counts messages
 * ignored while waiting. */
enum query_counter {
	QUERY_COUNT_ANSWERED,
	QUERY_COUNT_TIMEOUT,
	QUERY_COUNT_REFUSED_CONNECTION,
	QUERY_COUNT_TRUNCATED,
	QUERY_COUNT_MALFORMED,
	QUERY_COUNT_MISMATCHED,
	QUERY_COUNT_CLOSED,		/* TCP closed without a message */
	QUERY_COUNT_MAX,
};
extern const char *const query_counter_names[QUERY_COUNT_MAX];

/*
 * A simulated network, for tests: with a hook installed, engines created
 * afterwards open no sockets; each attempt is handed to the hook, which
 * says what comes back and after how long. Everything above the sockets
 * (ids, matching, parsing, TC and TCP fallback, retries, timeouts, pacing,
 * caps) runs as it does on the wire.
 */
enum query_sim_outcome {
	QUERY_SIM_SILENCE,	/* nothing comes back: the attempt times out */
	QUERY_SIM_MESSAGE,	/* data arrives (UDP datagram or TCP message) */
	QUERY_SIM_REFUSED,	/* ICMP unreachable (UDP) or RST (TCP) */
	QUERY_SIM_CLOSED,	/* TCP: the server closes without a message */
	QUERY_SIM_ERRNO,	/* sendto or connect fails with err */
};

struct query_sim_reply {
	enum query_sim_outcome	 outcome;
	uint8_t			*data;		/* MESSAGE: malloc'd, taken */
	size_t			 len;
	uint64_t		 delay_ms;	/* after the attempt starts */
	int			 err;		/* ERRNO */
	struct sockaddr_storage	 from;		/* MESSAGE over UDP: ss_family
						 * 0 means the server itself */
};

/* The attempt: server and source (NULL: any), transport, the message as
 * sent (no TCP length prefix). Fills *out, zeroed on entry. */
typedef void (*query_sim_fn)(void *arg, const struct sockaddr *server,
    const struct sockaddr *source, enum query_transport,
    const uint8_t *msg, size_t len, struct query_sim_reply *out);
/* Installs (fn non-NULL) or removes the hook for engines made from now. */
void query_sim_install(query_sim_fn, void *arg);

/* AF_INET or AF_INET6 as this engine has found it (or was told). */
enum query_family_state query_engine_family(const struct query_engine *, int af);

/* "ok", "timeout", "refused_connection", "malformed", "error", "cancelled",
 * "no_route". */

struct query_engine *query_engine_new(struct event_base *,
    const struct query_engine_config *);
/* New limits apply to queries sent from now on. */
void query_engine_configure(struct query_engine *, const struct query_engine_config *);
/* Cancels every query (no callbacks) and frees the engine; from inside a
 * callback, the engine goes once that callback returns. */
void query_engine_free(struct query_engine *);

/* Asks server (port included) for qname/qtype/IN, from source (NULL: the
 * kernel's choice). Beyond max_inflight or the server's rate the query
 * waits in a queue; it is never dropped. Returns a handle for
 * query_cancel(), valid until the callback runs. */
struct query *query_engine_send(struct query_engine *, const ldns_rdf *qname,
    ldns_rr_type qtype, const struct sockaddr *server,
    const struct sockaddr *source, unsigned flags, query_cb, void *arg);
/* Abandons a query: no callback follows. */
void query_cancel(struct query *);

/* Per server address, since the engine started (or the entry was evicted). */
struct query_server_stats {
	const struct sockaddr	*addr;
	uint64_t		 counts[2][QUERY_COUNT_MAX];	/* [transport][counter] */
	double			 last_rtt[2];	/* seconds; < 0 if never answered */
	bool			 last_ok[2];	/* the last query on it was answered */
};
typedef void (*query_server_fn)(const struct query_server_stats *, void *arg);
/* Visits every server address the engine has talked to, in no set order. */
void query_engine_foreach_server(const struct query_engine *, query_server_fn, void *arg);

/*
 * Forgets the server addresses no query has used for idle_ms (their
 * counters, pacing and metric series go with them), then, past max, the
 * least recently used: a zone whose addresses change every run must not
 * grow the daemon without bound. Addresses with queries pending stay.
 * Returns how many were forgotten now.
 */
size_t query_engine_expire(struct query_engine *, uint64_t now, uint64_t idle_ms,
    size_t max);
/* Server addresses forgotten since start; and how many are known now. */
uint64_t query_engine_forgotten(const struct query_engine *);
size_t query_engine_servers(const struct query_engine *);

/* Queries waiting for a slot or a token, and queries on the wire. */
size_t query_engine_queued(const struct query_engine *);
size_t query_engine_inflight(const struct query_engine *);

#endif
