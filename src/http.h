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

struct http_async;

/*
 * A page answered later (/probe). start looks at the request (through
 * http_async_arg and http_async_header, valid during start) and either
 * fills r (taken) and returns false, answered now; or returns true: it
 * took the request, whose connection then waits until start's owner calls
 * http_async_done once. cancel: the request went first (the server
 * stopped, or gave up on the connection); the owner forgets it and never
 * answers it. Credentials and client certificates are checked before.
 */
struct http_async_page {
	const char	*path;
	bool		(*start)(struct http_async *, struct routes_reply *r,
			    void *arg);
	void		(*cancel)(struct http_async *, void *arg);
	void		*arg;
};

/* The asynchronous page h serves (page outlives h; NULL: none); servers
 * started on h's sockets by http_start_on inherit it. */
void http_set_async(struct http *, const struct http_async_page *);
/* A query argument, or a header, of the request; NULL when absent. */
const char *http_async_arg(struct http_async *, const char *name);
const char *http_async_header(struct http_async *, const char *name);
/* The answer (r's body taken); the request is answered and freed by
 * the HTTP server from then on. */
void http_async_done(struct http_async *, struct routes_reply *r);

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
