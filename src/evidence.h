/* evidence: what a zone run asked of which server, and what came back. */
#ifndef ZH_EVIDENCE_H
#define ZH_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "addr.h"
#include "burstdefs.h"
#include "chaindefs.h"
#include "infra.h"
#include "querydefs.h"
#include "walkdefs.h"

/* Why a question was asked; the checks look answers up by it. */
enum probe {
	PROBE_NS,		/* zone NS over UDP: the child's NS set */
	PROBE_SOA_UDP,		/* zone SOA, UDP, EDNS0 + DO */
	PROBE_SOA_TCP,		/* zone SOA, TCP, EDNS0 + DO */
	PROBE_SOA_PLAIN,	/* zone SOA, UDP, no EDNS: after PROBE_SOA_UDP failed */
	PROBE_DNSKEY,		/* zone DNSKEY, UDP, EDNS0 + DO */
	/* Asked where the DNSKEY answer has keys (a signed zone): */
	PROBE_NXNAME,		/* a random name below the zone, A: NXDOMAIN proof */
	PROBE_NODATA,		/* the apex, type NULL: NODATA proof */
	PROBE_CDS,		/* the apex CDS (RFC 7344) */
	PROBE_CDNSKEY,		/* the apex CDNSKEY (RFC 7344) */
	/* With several source_addresses: */
	PROBE_SOA_SRC,		/* PROBE_SOA_UDP again from another source */
	PROBE_MAX,
};

struct ev_query {
	enum probe		 probe;
	size_t			 server;	/* index into evidence.servers */
	struct addr	 addr;
	int			 source;	/* index into source_addresses,
						   -1: the kernel's choice */
	enum query_transport	 transport;
	enum query_status	 status;
	ldns_pkt		*pkt;		/* the answer; owned */
	double			 rtt;
	unsigned		 attempts;
	bool			 truncated;
	unsigned		 mismatched;
	struct sockaddr_storage	 wrong_source;
	size_t			 size;		/* bytes of the answer */
	const char		*malformed_why;	/* static, or NULL */
};

/* An NS host of the zone, from the parent's NS set, the child's, or both. */
struct ev_server {
	char			*name;
	bool			 in_parent;
	bool			 in_child;
	bool			 glued;		/* the parent gave glue for it */
	bool			 addrs_capped;	/* more addresses than probed */
	struct addr	*glue;		/* that glue */
	size_t			 nglue;
	bool			 looked_up;	/* host_state and auth are known */
	enum infra_host_state	 host_state;	/* its own A/AAAA lookup */
	char			*host_cycle;	/* FAILED: the dependency cycle
						   the lookup met, or NULL */
	struct addr	*auth;		/* the addresses that lookup gave */
	size_t			 nauth;
	struct addr	*addrs;		/* probed: glue and auth, once each */
	size_t			 naddrs;
};

/* A recursive resolver's answer for the zone's SOA: the symptom. */
struct ev_resolver {
	struct addr	 addr;
	struct ev_query		 q;	/* RD=1, DO=1 */
	struct ev_query		 cd;	/* the same with CD=1 after a SERVFAIL;
					   QUERY_CANCELLED when not asked */
};

/* One address of a server of the parent zone, asked for the zone's
 * delegation and DS: parent servers that disagree (parent_inconsistent). */
struct ev_parent {
	char			*name;		/* the parent NS name */
	struct addr	 addr;
	struct ev_query		 ns;		/* zone NS, DO */
	struct ev_query		 ds;		/* zone DS, DO */
};

/* The last rate-limit burst to one of the zone's server addresses. */
struct ev_burst {
	struct addr	 addr;
	struct burst_result	 r;
};

/* A service host of the zone (config hosts:) and its addresses' ports. */
struct ev_host_addr {
	struct addr	 addr;		/* port included */
	bool			 done;
	enum tcpprobe_status	 status;
	double			 rtt;
};

struct ev_host {
	char			*name;
	uint16_t		 port;
	bool			 looked_up;
	enum infra_host_state	 state;
	struct ev_host_addr	*addrs;
	size_t			 naddrs;
};

struct evidence {
	char			*zone;
	time_t			 started;	/* wall clock */
	struct walk_result	*walk;		/* the parent's delegation */
	struct ev_server	*servers;
	size_t			 nservers;
	struct ev_query		*queries;
	size_t			 nqueries;
	char			*nxname;	/* PROBE_NXNAME's name */
	/* DNSSEC: the cuts above, root first, and the zone's own DS. */
	bool			 chain_fetched;
	struct chain_link	**chain;
	size_t			 nchain;
	ldns_pkt		*ds;		/* NULL: no parent server answered */
	struct addr	 ds_from;
	struct ev_resolver	*resolvers;
	size_t			 nresolvers;
	struct ev_burst		*bursts;
	size_t			 nbursts;
	char			**sources;	/* source_addresses as text */
	size_t			 nsources;
	struct ev_host		*hosts;
	size_t			 nhosts;
	/* What the fan-out caps left out (max_ns_names, max_addresses_per_name,
	 * max_queries_per_run): a zone that names more than we probe. */
	struct {
		unsigned	 names, addrs, queries;	/* left out */
		unsigned	 max_names, max_addrs, max_queries;
	}			 capped;
	char			*parent;	/* the parent zone asked, or NULL */
	struct ev_parent	*parents;	/* every address of its servers */
	size_t			 nparents;
	/* Server addresses of a family this host cannot use: never probed,
	 * or every probe ended QUERY_NO_ROUTE; not in servers[].addrs, so no
	 * check judges them ("not tested from here"). */
	struct addr	*untested;
	size_t			 nuntested;
	/* evidence_index: the first query of each (probe, source, address)
	 * and (probe, any source, address); slots hold index + 1, 0 empty.
	 * Valid while indexed == nqueries, else lookups scan. */
	uint32_t		*index;
	size_t			 index_cap;
	size_t			 indexed;
};

struct evidence *evidence_new(const char *zone, time_t started);
void evidence_free(struct evidence *);
/* The server named, added (neither flag set) when new; returns its index. */
size_t evidence_server(struct evidence *, const char *name);
/* Adds to the probed addresses (addr_add on addrs). */
bool evidence_server_add_addr(struct ev_server *, const struct addr *);
/* Appends a query record; returns it for the caller to fill. */
struct ev_query *evidence_add_query(struct evidence *, enum probe, size_t server,
    const struct addr *);
/* The record of probe to addr at server, or NULL. */
const struct ev_query *evidence_find(const struct evidence *, enum probe,
    size_t server, const struct addr *);
/* Adds a copy of addr's last burst (once per address). */
void evidence_add_burst(struct evidence *, const struct addr *,
    const struct burst_result *);
/* Adds a service host to look up and connect to; returns its index. */
size_t evidence_add_host(struct evidence *, const char *name, uint16_t port);
/* Adds a resolver to ask; returns its index. */
size_t evidence_add_resolver(struct evidence *, const struct addr *);
/* A parent server address to ask; its index. */
size_t evidence_add_parent(struct evidence *, const char *name,
    const struct addr *);
/* Keeps references to the links and takes ds. */
void evidence_set_chain(struct evidence *, struct chain_link **, size_t, ldns_pkt *ds,
    const struct addr *ds_from);
/* The record of probe to addr at server from source, or NULL. */
const struct ev_query *evidence_find_src(const struct evidence *, enum probe,
    size_t server, const struct addr *, int source);
/* Moves the addresses no probe reached for want of a route (or never
 * probed) from servers[].addrs to untested; before judging. */
void evidence_drop_untested(struct evidence *);
/* Indexes the queries for the lookups below: once gathering is done, so
 * that judging is linear in what was gathered. */
void evidence_index(struct evidence *);
/* Some query to a was answered (whichever NS name it was asked under:
 * names that share an address share its probes). */
bool evidence_addr_answers(const struct evidence *, const struct addr *a);
/* Whether a is one of those. */
bool evidence_untested(const struct evidence *, const struct addr *a);

#endif
