/* http: the HTTP endpoint; libmicrohttpd driven from the daemon's event loop. */
#ifndef ZH_HTTP_H
#define ZH_HTTP_H

#include <stddef.h>

struct event_base;
struct status;
struct value_addr;
struct http;

/* Fills a fresh status snapshot for one request. */
typedef void (*http_status_fn)(struct status *, void *arg);

/* Binds addr and serves /metrics, /healthz, /api/v1/zones[/NAME] and /.
 * Returns NULL and sets *err (malloc'ed) when the socket cannot be bound. */
struct http *http_start(struct event_base *, const struct value_addr *addr,
    http_status_fn, void *arg, char **err);
/* The bound address as text ("127.0.0.1:43121", "[::]:10353"). */
const char *http_bound(const struct http *);
void http_stop(struct http *);

#endif
