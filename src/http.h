/* http: the HTTP endpoint; libmicrohttpd driven from the daemon's event loop. */
#ifndef ZH_HTTP_H
#define ZH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "routes.h"

struct event_base;
struct value_addr;
struct webconfig;
struct http;

/* A listening socket for addr (":port" is one dual-stack socket, IPv4
 * alone on a host without IPv6). -1 with *err (malloc'ed) set. */
int http_bind(const struct value_addr *addr, char **err);
/* Serves /metrics, /healthz, /api/v1/zones[/NAME] and / on the listening
 * sockets fds[0..n) (taken, closed on failure too), over TLS and with
 * basic auth as wc says (NULL: plain HTTP, no auth). Takes wc, whatever
 * happens. NULL with *err (malloc'ed) set when a server cannot start. */
struct http *http_start(struct event_base *, const int *fds, size_t n,
    struct webconfig *wc, routes_snapshot_fn, void *arg, char **err);
/* Another server on old's listening sockets, with wc (taken): for a reload
 * that changes TLS. old serves on until http_replace. */
struct http *http_start_on(const struct http *old, struct webconfig *wc,
    char **err);
/* next takes over: old stops accepting, closes its keep-alive connections
 * at their next request, finishes the responses it has begun, and is
 * freed when they are done or HTTP_TIMEOUT_S later. next owns it till
 * then (http_stop(next) stops it too). */
void http_replace(struct http *old, struct http *next);
/* New basic auth users (wc, taken; NULL: none) for a running server whose
 * TLS stays: a reload where webconfig_same_tls holds. */
void http_set_auth(struct http *, struct webconfig *wc);
/* The web config h was started with (NULL: none). */
const struct webconfig *http_webconfig(const struct http *);
/* How many sockets it listens on, and the i-th's bound address as text
 * ("127.0.0.1:43121", "[::]:10353"). */
size_t http_nlisteners(const struct http *);
const char *http_bound(const struct http *, size_t i);
/* True when it serves HTTPS. */
bool http_tls(const struct http *);
/* Stops it and every server it replaced that is still draining. */
void http_stop(struct http *);

#endif
