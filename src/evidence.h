/* evidence: what a zone run asked of which server, and what came back. */
#ifndef ZH_EVIDENCE_H
#define ZH_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "infra.h"
#include "query.h"
#include "walk.h"

/* Why a question was asked; the checks look answers up by it. */
enum probe {
	PROBE_NS,		/* zone NS over UDP: the child's NS set */
	PROBE_SOA_UDP,		/* zone SOA, UDP, EDNS0 + DO */
	PROBE_SOA_TCP,		/* zone SOA, TCP, EDNS0 + DO */
	PROBE_SOA_PLAIN,	/* zone SOA, UDP, no EDNS: after PROBE_SOA_UDP failed */
	PROBE_DNSKEY,		/* zone DNSKEY, UDP, EDNS0 + DO */
	PROBE_MAX,
};

struct ev_query {
	enum probe		 probe;
	size_t			 server;	/* index into evidence.servers */
	struct infra_addr	 addr;
	enum query_transport	 transport;
	enum query_status	 status;
	ldns_pkt		*pkt;		/* the answer; owned */
	double			 rtt;
	unsigned		 attempts;
	bool			 truncated;
	unsigned		 mismatched;
	struct sockaddr_storage	 wrong_source;
};

/* An NS host of the zone, from the parent's NS set, the child's, or both. */
struct ev_server {
	char			*name;
	bool			 in_parent;
	bool			 in_child;
	bool			 glued;		/* addresses came from the parent's glue */
	enum infra_host_state	 host_state;	/* when not glued */
	struct infra_addr	*addrs;
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
};

struct evidence *evidence_new(const char *zone, time_t started);
void evidence_free(struct evidence *);
/* The server named, added (neither flag set) when new; returns its index. */
size_t evidence_server(struct evidence *, const char *name);
void evidence_server_add_addr(struct ev_server *, const struct infra_addr *);
/* Appends a query record; returns it for the caller to fill. */
struct ev_query *evidence_add_query(struct evidence *, enum probe, size_t server,
    const struct infra_addr *);
/* The record of probe to addr at server, or NULL. */
const struct ev_query *evidence_find(const struct evidence *, enum probe,
    size_t server, const struct infra_addr *);
/* Address as text, without the port when it is 53. */
void evidence_addr_str(const struct infra_addr *, char *, size_t);

#endif
