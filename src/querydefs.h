/* querydefs: the query engine's outcomes and settings as plain values, for
 * those who record or configure queries (evidence, checks, config)
 * without the engine itself. */
#ifndef ZH_QUERYDEFS_H
#define ZH_QUERYDEFS_H

/* How a query ended. Network outcomes are data, never log noise. */
enum query_status {
	QUERY_OK,			/* a matching answer (any rcode) */
	QUERY_TIMEOUT,			/* every try went unanswered */
	QUERY_REFUSED_CONNECTION,	/* ICMP unreachable, or TCP RST */
	QUERY_MALFORMED,		/* only unparseable answers came back */
	QUERY_ERROR,			/* a local failure: socket, bind, memory */
	QUERY_CANCELLED,		/* never reported: for counters only */
	QUERY_CLOSED,			/* TCP: the server closed the connection
					   without a message (BIND blackhole) */
	QUERY_NO_ROUTE,			/* this host cannot send to the address's
					   family (no route, family off): not
					   tested from here, not the server's */
};

/* Whether this host may use an address family: as configured (ip4, ip6). */
enum query_family_use {
	QUERY_FAMILY_AUTO,	/* try; a local "no route" makes it unusable */
	QUERY_FAMILY_ON,	/* the host has it: a local failure is the
				   server's (refused_connection) */
	QUERY_FAMILY_OFF,	/* never send to it */
};

/* What the engine has learnt of a family on this host. */
enum query_family_state {
	QUERY_FAMILY_UNKNOWN,	/* nothing sent or answered yet */
	QUERY_FAMILY_USABLE,	/* an answer came back over it */
	QUERY_FAMILY_UNUSABLE,	/* no route, or configured off */
};

enum query_transport {
	QUERY_UDP,
	QUERY_TCP,
};

/* How a TCP handshake probe ended. */
enum tcpprobe_status {
	TCPPROBE_OPEN,		/* the handshake completed */
	TCPPROBE_REFUSED,	/* RST, or ICMP unreachable */
	TCPPROBE_TIMEOUT,	/* nothing within the timeout */
	TCPPROBE_ERROR,		/* a local failure (socket, bind) */
	TCPPROBE_NO_ROUTE,	/* this host has no route to the address's
				   family: not tested from here */
};

const char *query_status_name(enum query_status);
const char *tcpprobe_status_name(enum tcpprobe_status);

#endif
