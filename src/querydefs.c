/* querydefs: the names of the engine's outcomes, as evidence and metrics
 * print them. */
#include "zhbuild.h"

#include <stddef.h>

#include "querydefs.h"

static const char *const query_status_names[] = {
	[QUERY_OK] = "ok",
	[QUERY_TIMEOUT] = "timeout",
	[QUERY_REFUSED_CONNECTION] = "refused_connection",
	[QUERY_MALFORMED] = "malformed",
	[QUERY_ERROR] = "error",
	[QUERY_CANCELLED] = "cancelled",
	[QUERY_CLOSED] = "closed",
	[QUERY_NO_ROUTE] = "no_route",
};

const char *
query_status_name(enum query_status status)
{
	if ((size_t)status >= sizeof(query_status_names) /
	    sizeof(query_status_names[0]) || query_status_names[status] == NULL)
		return "unknown";
	return query_status_names[status];
}

static const char *const tcpprobe_names[] = {
	[TCPPROBE_OPEN] = "open",
	[TCPPROBE_REFUSED] = "refused",
	[TCPPROBE_TIMEOUT] = "timeout",
	[TCPPROBE_ERROR] = "error",
	[TCPPROBE_NO_ROUTE] = "no_route",
};

const char *
tcpprobe_status_name(enum tcpprobe_status s)
{
	return tcpprobe_names[s];
}
