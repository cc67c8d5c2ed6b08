/* http: the HTTP endpoint; libmicrohttpd driven from the daemon's event loop. */
#include "zhbuild.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <microhttpd.h>

#include "buf.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "render.h"
#include "status.h"
#include "value.h"
#include "xmalloc.h"
#include "zone.h"

/* Scrapers and browsers are few; these only bound what a flood can take. */
#define HTTP_CONNECTION_LIMIT	512
#define HTTP_PER_IP_LIMIT	128
#define HTTP_TIMEOUT_S		10
#define HTTP_MEMORY_LIMIT	(64 * 1024)
#define HTTP_NAME_MAX		255	/* a domain name's wire-format bound */

#define HTTP_ZONES_PATH		"/api/v1/zones"
#define HTTP_OPENMETRICS	"application/openmetrics-text"

struct http {
	struct MHD_Daemon	*mhd;
	struct event		*ev_io;		/* MHD's epoll fd is readable */
	struct event		*ev_timer;	/* MHD's next deadline */
	http_status_fn		 status_fn;
	void			*arg;
	char			 bound[INET6_ADDRSTRLEN + 8];
};

/* A page: rest is what follows a prefix route's path, q the request's
 * Accept header and query arguments (each NULL when absent). */
struct http_route {
	const char	*path;
	bool		 prefix;	/* path ends in '/' and a name follows */
	void		(*fn)(const struct status *, const char *rest,
			    const struct http_query *, struct http_reply *);
};

static void http_index(const struct status *, const char *,
    const struct http_query *, struct http_reply *);
static void http_metrics(const struct status *, const char *,
    const struct http_query *, struct http_reply *);
static void http_healthz(const struct status *, const char *,
    const struct http_query *, struct http_reply *);
static void http_zones(const struct status *, const char *,
    const struct http_query *, struct http_reply *);
static void http_zone(const struct status *, const char *,
    const struct http_query *, struct http_reply *);

static void http_zone_page(const struct status *, const char *,
    const struct http_query *, struct http_reply *);

static const struct http_route http_routes[] = {
	{ "/", false, http_index },
	{ "/zone/", true, http_zone_page },
	{ "/metrics", false, http_metrics },
	{ "/healthz", false, http_healthz },
	{ HTTP_ZONES_PATH, false, http_zones },
	{ HTTP_ZONES_PATH "/", true, http_zone },
};

static const char http_ctype_text[] = "text/plain; charset=utf-8";
static const char http_ctype_json[] = "application/json";

static void
http_index(const struct status *st, const char *rest, const struct http_query *q,
    struct http_reply *r)
{
	struct html_filter	f;

	/* An empty argument is the form's "any". */
	f.status = q->status != NULL && *q->status != '\0' ? q->status : NULL;
	f.cause = q->cause != NULL && *q->cause != '\0' ? q->cause : NULL;
	r->ctype = "text/html; charset=utf-8";
	render_html_page(&r->body, st, &f);
}

/* Prometheus asks for OpenMetrics in Accept when it can parse it. */
bool
http_accept_openmetrics(const char *accept)
{
	return accept != NULL && strcasestr(accept, HTTP_OPENMETRICS) != NULL;
}

/* Serves a page from the status cache when fresh, else renders and keeps
 * it. render fills the reply's body. */
static void
http_cached(const struct status *st, enum status_page page, struct http_reply *r,
    void (*render)(struct buf *, const struct status *))
{
	struct status_cache	*c = st->cache;
	uint64_t		 now = clock_mono_ms();

	if (c != NULL && c->page[page].at_ms != 0 &&
	    now - c->page[page].at_ms < STATUS_CACHE_MS) {
		buf_append(&r->body, c->page[page].data, c->page[page].len);
		return;
	}
	render(&r->body, st);
	if (c == NULL)
		return;
	free(c->page[page].data);
	c->page[page].data = xmalloc(r->body.len + 1);
	memcpy(c->page[page].data, r->body.data, r->body.len + 1);
	c->page[page].len = r->body.len;
	c->page[page].at_ms = now;
}

static void
http_render_metrics(struct buf *b, const struct status *st)
{
	render_metrics(b, st, false);
}

static void
http_render_openmetrics(struct buf *b, const struct status *st)
{
	render_metrics(b, st, true);
}

static void
http_render_zones(struct buf *b, const struct status *st)
{
	render_json_zones(b, st);
	buf_putc(b, '\n');
}

static void
http_metrics(const struct status *st, const char *rest, const struct http_query *q,
    struct http_reply *r)
{
	bool	om = http_accept_openmetrics(q->accept);

	r->ctype = om ?
	    HTTP_OPENMETRICS "; version=1.0.0; charset=utf-8" :
	    "text/plain; version=0.0.4; charset=utf-8";
	r->vary_accept = true;
	http_cached(st, om ? STATUS_PAGE_OPENMETRICS : STATUS_PAGE_METRICS, r,
	    om ? http_render_openmetrics : http_render_metrics);
}

static void
http_healthz(const struct status *st, const char *rest, const struct http_query *q,
    struct http_reply *r)
{
	r->ctype = http_ctype_text;
	buf_puts(&r->body, "ok\n");
}

static void
http_zones(const struct status *st, const char *rest, const struct http_query *q,
    struct http_reply *r)
{
	r->ctype = http_ctype_json;
	http_cached(st, STATUS_PAGE_ZONES, r, http_render_zones);
}

/*
 * Lower case with the trailing dot, as config names are kept, so that
 * "EXAMPLE.com" finds "example.com.". -1 for what no configured zone
 * could be called: too long, or bytes a zone name never has.
 */
int
http_zone_name(const char *in, char *out, size_t outlen)
{
	size_t	len = strlen(in), i;
	char	c;

	if (len == 0 || len > HTTP_NAME_MAX || len + 2 > outlen)
		return -1;
	for (i = 0; i < len; i++) {
		c = in[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '*'))
			return -1;
		out[i] = c;
	}
	if (out[len - 1] != '.') {
		if (len + 1 > HTTP_NAME_MAX)
			return -1;
		out[len++] = '.';
	}
	out[len] = '\0';
	return 0;
}

static void
http_zone_page(const struct status *st, const char *rest, const struct http_query *q,
    struct http_reply *r)
{
	const struct zone	*z = NULL;
	char			 name[HTTP_NAME_MAX + 2];

	if (http_zone_name(rest, name, sizeof(name)) == 0 && st->zones != NULL)
		z = zone_set_find(st->zones, name);
	if (z == NULL) {
		r->code = MHD_HTTP_NOT_FOUND;
		r->ctype = http_ctype_text;
		buf_puts(&r->body, "no such zone\n");
		return;
	}
	r->ctype = "text/html; charset=utf-8";
	render_html_zone_page(&r->body, st, z);
}

static void
http_zone(const struct status *st, const char *rest, const struct http_query *q,
    struct http_reply *r)
{
	const struct zone	*z = NULL;
	char			 name[HTTP_NAME_MAX + 2];

	r->ctype = http_ctype_json;
	if (http_zone_name(rest, name, sizeof(name)) == 0 && st->zones != NULL)
		z = zone_set_find(st->zones, name);
	if (z == NULL) {
		r->code = MHD_HTTP_NOT_FOUND;
		render_json_error(&r->body, "no such zone");
	} else
		render_json_zone(&r->body, z);
	buf_putc(&r->body, '\n');
}

/* Hands the reply's body to MHD, which free()s it; MHD_NO drops the connection. */
static enum MHD_Result
http_queue(struct MHD_Connection *conn, struct http_reply *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	char			*body;
	size_t			 len;

	body = buf_steal(&r->body, &len);
	if ((resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(body);
		log_debug("http: cannot create a response");
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->ctype) == MHD_NO ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store") == MHD_NO ||
	    MHD_add_response_header(resp, "X-Content-Type-Options",
	    "nosniff") == MHD_NO ||
	    (r->code == MHD_HTTP_METHOD_NOT_ALLOWED &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
	    "GET, HEAD") == MHD_NO) ||
	    (r->vary_accept &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
	    "Accept") == MHD_NO)) {
		MHD_destroy_response(resp);
		log_debug("http: cannot add response headers");
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, r->code, resp);
	MHD_destroy_response(resp);
	return ret;
}

bool
http_method_ok(const char *method)
{
	return strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

void
http_respond(const char *method, const char *url, const char *accept,
    http_status_fn status_fn, void *arg, struct http_reply *r)
{
	struct http_query	q = { accept, NULL, NULL };

	http_respond_query(method, url, &q, status_fn, arg, r);
}

void
http_respond_query(const char *method, const char *url, const struct http_query *q,
    http_status_fn status_fn, void *arg, struct http_reply *r)
{
	const struct http_route	*rt;
	struct status		 st;
	size_t			 i, len;

	memset(r, 0, sizeof(*r));
	buf_init(&r->body);
	r->code = MHD_HTTP_OK;
	if (!http_method_ok(method)) {
		r->code = MHD_HTTP_METHOD_NOT_ALLOWED;
		r->ctype = http_ctype_text;
		buf_puts(&r->body, "method not allowed\n");
		return;
	}
	for (i = 0; i < sizeof(http_routes) / sizeof(http_routes[0]); i++) {
		rt = &http_routes[i];
		len = strlen(rt->path);
		if (rt->prefix ? strncmp(url, rt->path, len) != 0 :
		    strcmp(url, rt->path) != 0)
			continue;
		/* Fresh every time: a scrape sees the state of that moment. */
		status_fn(&st, arg);
		rt->fn(&st, url + len, q, r);
		return;
	}
	r->code = MHD_HTTP_NOT_FOUND;
	r->ctype = http_ctype_text;
	buf_puts(&r->body, "not found\n");
}

/*
 * MHD calls this once when the headers are in, then once per piece of
 * body, then once more with none. Other methods are answered at once:
 * a response queued before the body makes MHD close the connection
 * instead of reading a body no one wants. GET and HEAD wait for the end
 * of the request (so keep-alive works); a body sent with them is dropped.
 * MHD itself sends no body for HEAD, with the GET's headers.
 */
static enum MHD_Result
http_request_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct http		*h = cls;
	struct http_reply	 r;
	struct http_query	 q;
	enum MHD_Result		 ret;

	if (http_method_ok(method)) {
		if (*req_cls == NULL) {
			*req_cls = h;	/* any non-NULL mark; nothing to free */
			return MHD_YES;
		}
		if (*upload_data_size != 0) {
			*upload_data_size = 0;
			return MHD_YES;
		}
	}
	q.accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	q.status = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "status");
	q.cause = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "cause");
	http_respond_query(method, url, &q, h->status_fn, h->arg, &r);
	ret = http_queue(conn, &r);
	buf_free(&r.body);
	return ret;
}

/* MHD's messages are about clients and sockets: network outcomes. */
static void __attribute__((format(printf, 2, 0)))
http_log_cb(void *arg, const char *fmt, va_list ap)
{
	char	msg[256];
	size_t	len;

	if (log_get_level() < LOG_LEVEL_DEBUG)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	log_debug("http: %s", msg);
}

/*
 * Runs MHD, then asks when it next needs to run regardless of I/O: it
 * keeps connections that can progress without new readiness (it reads
 * its epoll set edge-triggered) and its idle timeouts on that clock.
 */
static void
http_run(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG	ms;
	struct timeval		tv;

	if (MHD_run(h->mhd) == MHD_NO)
		log_debug("http: MHD_run failed");
	if (MHD_get_timeout(h->mhd, &ms) == MHD_NO) {
		evtimer_del(h->ev_timer);
		return;
	}
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	if (evtimer_add(h->ev_timer, &tv) == -1)
		fatalx("http: cannot arm the timer");
}

static void
http_io_cb(evutil_socket_t fd, short what, void *arg)
{
	http_run(arg);
}

static void
http_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	http_run(arg);
}

/*
 * The listening socket, made here rather than by MHD so that errors name
 * the address and ":port" gets one dual-stack socket. Returns the fd, or
 * -1 with *err set.
 */
static int
http_listen(const struct value_addr *addr, char *bound, size_t boundlen,
    char **err)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 text[INET6_ADDRSTRLEN + 8];
	int			 fd, on = 1, off = 0, saved;

	value_format_addr((const struct sockaddr *)&addr->ss, text,
	    sizeof(text), 0);
	if ((fd = socket(addr->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		saved = errno;		/* http_listen_any reads it */
		*err = xasprintf("cannot create a socket for %s: %s", text,
		    strerror(saved));
		errno = saved;
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1) {
		*err = xasprintf("cannot set SO_REUSEADDR for %s: %s", text,
		    strerror(errno));
		goto fail;
	}
	if (addr->any && addr->ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == -1) {
		*err = xasprintf("cannot accept IPv4 on %s: %s", text,
		    strerror(errno));
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) == -1) {
		*err = xasprintf("cannot bind %s: %s", text, strerror(errno));
		goto fail;
	}
	if (listen(fd, SOMAXCONN) == -1) {
		*err = xasprintf("cannot listen on %s: %s", text,
		    strerror(errno));
		goto fail;
	}
	/* Port 0 (tests) becomes a real one only now. */
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		*err = xasprintf("cannot read the bound address of %s: %s",
		    text, strerror(errno));
		goto fail;
	}
	value_format_addr((const struct sockaddr *)&ss, bound, boundlen, 0);
	return fd;
fail:
	close(fd);
	return -1;
}

/* ":port" on a host without IPv6 still listens, on IPv4 alone. */
static int
http_listen_any(const struct value_addr *addr, char *bound, size_t boundlen,
    char **err)
{
	struct value_addr	 v4;
	struct sockaddr_in	*sin;
	int			 fd;

	if ((fd = http_listen(addr, bound, boundlen, err)) != -1 ||
	    !addr->any || addr->ss.ss_family != AF_INET6 ||
	    errno != EAFNOSUPPORT)
		return fd;
	memset(&v4, 0, sizeof(v4));
	sin = (struct sockaddr_in *)&v4.ss;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	sin->sin_port = ((const struct sockaddr_in6 *)&addr->ss)->sin6_port;
	v4.len = sizeof(*sin);
	v4.any = true;
	free(*err);
	*err = NULL;
	return http_listen(&v4, bound, boundlen, err);
}

struct http *
http_start(struct event_base *base, const struct value_addr *addr,
    http_status_fn status_fn, void *arg, char **err)
{
	struct http		*h;
	const union MHD_DaemonInfo *info;
	int			 fd;

	*err = NULL;
	h = xcalloc(1, sizeof(*h));
	h->status_fn = status_fn;
	h->arg = arg;
	if ((fd = http_listen_any(addr, h->bound, sizeof(h->bound), err)) == -1) {
		free(h);
		return NULL;
	}
	/* No thread: MHD_run from this loop is all the running MHD gets. */
	h->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, http_request_cb, h,
	    MHD_OPTION_EXTERNAL_LOGGER, http_log_cb, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		/* MHD leaves a socket it was given open when it fails. */
		close(fd);
		*err = xasprintf("cannot start the HTTP server on %s", h->bound);
		free(h);
		return NULL;
	}
	if ((info = MHD_get_daemon_info(h->mhd,
	    MHD_DAEMON_INFO_EPOLL_FD)) == NULL) {
		*err = xasprintf("cannot get the HTTP server's epoll descriptor");
		goto fail;
	}
	if ((h->ev_io = event_new(base, info->epoll_fd, EV_READ | EV_PERSIST,
	    http_io_cb, h)) == NULL ||
	    (h->ev_timer = evtimer_new(base, http_timer_cb, h)) == NULL) {
		*err = xasprintf("cannot create the HTTP server's events");
		goto fail;
	}
	if (event_add(h->ev_io, NULL) == -1) {
		*err = xasprintf("cannot watch the HTTP server's epoll descriptor");
		goto fail;
	}
	http_run(h);
	return h;
fail:
	http_stop(h);
	return NULL;
}

const char *
http_bound(const struct http *h)
{
	return h->bound;
}

/* The events go first: they watch a descriptor that MHD closes. */
void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->ev_io != NULL)
		event_free(h->ev_io);
	if (h->ev_timer != NULL)
		event_free(h->ev_timer);
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	free(h);
}
