/* http: the HTTP endpoint; libmicrohttpd driven from the daemon's event loop. */
#include "zhbuild.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "auth.h"
#include "buf.h"
#include "clientcert.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "routes.h"
#include "snapshot.h"
#include "value.h"
#include "webconfig.h"
#include "xmalloc.h"
#include "zone.h"

/*
 * Scrapers and browsers are few; these only bound what a flood can take.
 * A connection idle for HTTP_TIMEOUT_S is closed by MHD; but a byte every
 * few seconds keeps that clock from running out, so a request also has
 * HTTP_HEADER_DEADLINE_MS for its headers (from the connection, or from
 * the end of the last response) and HTTP_REQUEST_DEADLINE_MS in all:
 * past them the connection is shut. One address holds at most
 * HTTP_PER_IP_LIMIT of the HTTP_CONNECTION_LIMIT slots meanwhile.
 */
#define HTTP_CONNECTION_LIMIT	512
#define HTTP_PER_IP_LIMIT	32
#define HTTP_TIMEOUT_S		10
#define HTTP_HEADER_DEADLINE_MS	10000
#define HTTP_REQUEST_DEADLINE_MS 60000
#define HTTP_REAP_MS		1000
#define HTTP_MEMORY_LIMIT	(64 * 1024)
#define HTTP_DRAIN_CHECK_MS	100	/* a replaced server looks this often */
#define HTTP_REALM		"zonehealth"
#define HTTP_BOUND_MAX		(INET6_ADDRSTRLEN + 8)	/* "[addr]:port" */
/* A replaced server waits this much longer for requests still waiting on
 * an asynchronous page (a probe has its own, shorter, bound). */
#define HTTP_ASYNC_GRACE_MS	60000

/* gnutls priority strings for min_version (TLS 1.0 and 1.1 never). */
static const char *const http_priorities[] = {
	[WEBCONFIG_TLS12] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
	[WEBCONFIG_TLS13] = "NORMAL:-VERS-ALL:+VERS-TLS1.3",
};

/* A connection, for its deadlines (MHD's socket context). */
struct http_conn {
	int			 fd;
	uint64_t		 since_ms;	/* the current request's clock */
	bool			 headers;	/* its headers are in */
	bool			 shut;
	LIST_ENTRY(http_conn)	 entry;
};

/*
 * A request of an asynchronous page: suspended in MHD from the page's
 * start until http_async_done resumes it with the reply; freed when MHD
 * is done with the request (answered, or the connection gone).
 */
struct http_async {
	struct http		*h;
	struct MHD_Connection	*conn;
	bool			 answered;	/* reply holds the answer */
	bool			 pending;	/* in h->asyncs: the page has it */
	struct routes_reply	 reply;
	LIST_ENTRY(http_async)	 entry;
};

/* One listening socket and the MHD serving it. */
struct http_listener {
	struct http		*h;
	struct MHD_Daemon	*mhd;
	int			 fd;		/* listening socket MHD has; -1 once replaced */
	struct event		*ev_io;		/* MHD's epoll fd is readable */
	struct event		*ev_timer;	/* MHD's next deadline */
	char			 bound[HTTP_BOUND_MAX];
};

/* The endpoint: one MHD per listening socket, sharing TLS, users and
 * the connections' deadlines. */
struct http {
	struct event_base	*base;
	struct http_listener	*l;
	size_t			 nl;
	struct event		*ev_reap;	/* request deadlines */
	LIST_HEAD(, http_conn)	 conns;
	uint64_t		 shed;		/* connections shut past a deadline */
	routes_snapshot_fn	 snapshot_fn;
	void			*arg;

	struct webconfig	*wc;		/* started with; NULL: plain, no auth */
	struct webconfig	*wc_auth;	/* whose users log in now */
	struct auth		*auth;		/* NULL: no basic auth */
	const struct http_async_page *async;	/* NULL: none */
	LIST_HEAD(, http_async)	 asyncs;	/* waiting on the page */

	/* Once replaced: it finishes what it started, then frees itself. */
	bool			 replaced;
	uint64_t		 drain_deadline;	/* monotonic ms */
	struct event		*ev_drain;
	LIST_ENTRY(http)	 entry;		/* in its successor's list */
	LIST_HEAD(, http)	 draining;	/* servers this one replaced */
};

static void http_free(struct http *);
static void http_run_all(struct http *);

/* A response with the reply's body (MHD free()s it) and the headers
 * every answer has; NULL when MHD cannot make one. */
static struct MHD_Response *
http_response(struct routes_reply *r)
{
	struct MHD_Response	*resp;
	char			*body;
	size_t			 len;

	body = buf_steal(&r->body, &len);
	if ((resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(body);
		log_debug("http: cannot create a response");
		return NULL;
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
	    "Accept") == MHD_NO) ||
	    (r->retry_after != NULL &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
	    r->retry_after) == MHD_NO)) {
		MHD_destroy_response(resp);
		log_debug("http: cannot add response headers");
		return NULL;
	}
	return resp;
}

/* Hands the reply to MHD; MHD_NO drops the connection. */
static enum MHD_Result
http_queue(struct MHD_Connection *conn, struct routes_reply *r)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;

	if ((resp = http_response(r)) == NULL)
		return MHD_NO;
	ret = MHD_queue_response(conn, r->code, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The session of a TLS connection, or NULL. */
static gnutls_session_t
http_tls_session(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	return ci != NULL ? (gnutls_session_t)ci->tls_session : NULL;
}

/* Whether the connection's client certificate is what client_auth_type
 * asks for. Plain connections have none to ask about. */
static bool
http_client_cert_ok(const struct http *h, struct MHD_Connection *conn)
{
	gnutls_session_t	s;

	if (h->wc == NULL || !h->wc->tls)
		return true;
	if ((s = http_tls_session(conn)) == NULL)
		return false;
	return clientcert_ok(s, h->wc->client_auth);
}

/* Our record of a connection, from MHD's. */
static struct http_conn *
http_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* Connections come and go: kept for their deadlines. A new TLS one, before
 * its handshake: what to ask of the client. */
static void
http_notify_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http			*h = cls;
	struct http_conn		*c;
	const union MHD_ConnectionInfo	*ci;
	gnutls_session_t		 s;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if ((c = *socket_context) != NULL) {
			LIST_REMOVE(c, entry);
			free(c);
			*socket_context = NULL;
		}
		return;
	}
	c = xcalloc(1, sizeof(*c));
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	c->fd = ci != NULL ? ci->connect_fd : -1;
	c->since_ms = clock_mono_ms();
	LIST_INSERT_HEAD(&h->conns, c, entry);
	*socket_context = c;
	if (h->wc == NULL || !h->wc->tls || (s = http_tls_session(conn)) == NULL)
		return;
	clientcert_prepare(s, h->wc->client_auth);
}

/*
 * Basic auth, when users are configured: true when the request may go
 * on; otherwise a 401 asking for credentials (or 503 when the hashing
 * budget is spent) is queued and *ret says how that went.
 */
/* Who is asking, for the password-check budget: the IPv4 address, or an
 * IPv6 /64 (one host's share of addresses); 0 when unknown. */
static size_t
http_client_key(struct MHD_Connection *conn, unsigned char key[16])
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	if ((ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS)) == NULL ||
	    (sa = ci->client_addr) == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 8);
		return 8;
	}
	return 0;
}

static bool
http_authorized(struct http *h, struct MHD_Connection *conn,
    enum MHD_Result *ret)
{
	struct MHD_Response	*resp;
	struct routes_reply	 r;
	enum auth_result	 res = AUTH_DENIED;
	char			*user, *pass = NULL;

	if (h->auth == NULL)
		return true;
	user = MHD_basic_auth_get_username_password(conn, &pass);
	if (user != NULL && pass != NULL) {
		unsigned char	 key[16];
		size_t		 keylen = http_client_key(conn, key);

		res = auth_check(h->auth, user, pass, keylen > 0 ? key : NULL, keylen);
	}
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user != NULL)
		MHD_free(user);
	if (res == AUTH_OK)
		return true;
	*ret = MHD_NO;
	if (res == AUTH_BUSY) {
		log_debug("http: basic auth: too many checks; answering 503");
		routes_reply_text(&r, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "too many password checks; retry in a second\n");
		if ((resp = http_response(&r)) != NULL) {
			if (MHD_add_response_header(resp,
			    MHD_HTTP_HEADER_RETRY_AFTER, "1") == MHD_YES)
				*ret = MHD_queue_response(conn, r.code, resp);
			MHD_destroy_response(resp);
		}
	} else {
		log_debug("http: basic auth: %s", user == NULL ?
		    "no credentials" : "wrong user name or password");
		routes_reply_text(&r, MHD_HTTP_UNAUTHORIZED, "unauthorized\n");
		if ((resp = http_response(&r)) != NULL) {
			*ret = MHD_queue_basic_auth_fail_response(conn,
			    HTTP_REALM, resp);
			MHD_destroy_response(resp);
		}
	}
	buf_free(&r.body);
	return false;
}

/*
 * An asynchronous page's request: the page answers now, or takes it and
 * the connection waits, suspended (MHD neither reads nor times it out
 * meanwhile), until http_async_done.
 */
static enum MHD_Result
http_async_start(struct http *h, struct MHD_Connection *conn, void **req_cls)
{
	struct http_async	*a;
	struct routes_reply	 r;
	enum MHD_Result		 ret;

	a = xcalloc(1, sizeof(*a));
	a->h = h;
	a->conn = conn;
	buf_init(&a->reply.body);
	memset(&r, 0, sizeof(r));
	buf_init(&r.body);
	if (!h->async->start(a, &r, h->async->arg)) {
		ret = http_queue(conn, &r);
		buf_free(&r.body);
		free(a);
		return ret;
	}
	buf_free(&r.body);
	a->pending = true;
	LIST_INSERT_HEAD(&h->asyncs, a, entry);
	*req_cls = a;
	MHD_suspend_connection(conn);
	return MHD_YES;
}

const char *
http_async_arg(struct http_async *a, const char *name)
{
	return MHD_lookup_connection_value(a->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
http_async_header(struct http_async *a, const char *name)
{
	return MHD_lookup_connection_value(a->conn, MHD_HEADER_KIND, name);
}

void
http_async_done(struct http_async *a, struct routes_reply *r)
{
	struct http	*h = a->h;

	if (!a->pending)
		fatalx("http: an asynchronous request answered twice");
	a->reply = *r;
	memset(r, 0, sizeof(*r));
	buf_init(&r->body);
	a->answered = true;
	a->pending = false;
	LIST_REMOVE(a, entry);
	MHD_resume_connection(a->conn);
	/* MHD hears of the resumption through its own pipe; run it now. */
	http_run_all(h);
}

/*
 * Before MHD stops: it refuses to with a connection suspended, so every
 * request still waiting is taken from its page (which forgets it) and
 * resumed, to be closed unanswered.
 */
static void
http_async_abandon(struct http *h)
{
	struct http_async	*a;

	while ((a = LIST_FIRST(&h->asyncs)) != NULL) {
		LIST_REMOVE(a, entry);
		a->pending = false;
		h->async->cancel(a, h->async->arg);
		MHD_resume_connection(a->conn);
	}
}

void
http_set_async(struct http *h, const struct http_async_page *page)
{
	h->async = page;
}

/*
 * MHD calls this once when the headers are in, then once per piece of
 * body, then once more with none. The client certificate and the
 * credentials are looked at first, for every path and method. Other
 * methods than GET and HEAD are answered at once: a response queued
 * before the body makes MHD close the connection instead of reading a
 * body no one wants. GET and HEAD wait for the end of the request (so
 * keep-alive works); a body sent with them is dropped. MHD itself sends
 * no body for HEAD, with the GET's headers.
 */
static enum MHD_Result
http_request_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct http		*h = cls;
	struct routes_reply	 r;
	struct routes_query	 q;
	enum MHD_Result		 ret;

	if (*req_cls == NULL) {
		/* Replaced by a reload: a new request on an old keep-alive
		 * connection is closed unanswered (clients retry on a fresh
		 * connection), so it gets the new certificate and users. */
		if (h->replaced)
			return MHD_NO;
		if (!http_client_cert_ok(h, conn)) {
			log_debug("http: client certificate refused (%s)",
			    webconfig_client_auth_name(h->wc->client_auth));
			return MHD_NO;
		}
		if (!http_authorized(h, conn, &ret))
			return ret;
		if (routes_method_ok(method)) {
			struct http_conn	*c = http_conn_of(conn);

			if (c != NULL)
				c->headers = true;
			*req_cls = h;	/* any non-NULL mark; nothing to free */
			return MHD_YES;
		}
	} else if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	} else if (*req_cls != h) {
		/* Resumed: the asynchronous page's answer is in. */
		struct http_async	*a = *req_cls;

		if (!a->answered)
			return MHD_NO;
		return http_queue(conn, &a->reply);
	}
	if (h->async != NULL && routes_method_ok(method) &&
	    strcmp(url, h->async->path) == 0)
		return http_async_start(h, conn, req_cls);
	q.accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	q.status = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "status");
	q.cause = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "cause");
	routes_respond_query(method, url, &q, h->snapshot_fn, h->arg, &r);
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
http_run(struct http_listener *l)
{
	MHD_UNSIGNED_LONG_LONG	ms;
	struct timeval		tv;

	if (MHD_run(l->mhd) == MHD_NO)
		log_debug("http: MHD_run failed");
	if (MHD_get_timeout(l->mhd, &ms) == MHD_NO) {
		evtimer_del(l->ev_timer);
		return;
	}
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	if (evtimer_add(l->ev_timer, &tv) == -1)
		fatalx("http: cannot arm the timer");
}

static void
http_run_all(struct http *h)
{
	size_t	i;

	for (i = 0; i < h->nl; i++)
		http_run(&h->l[i]);
}

/* A request answered: the next one's headers have their deadline anew.
 * An asynchronous one is freed here, and only here. */
static void
http_completed_cb(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http		*h = cls;
	struct http_conn	*c = http_conn_of(conn);
	struct http_async	*a;

	if (*req_cls != NULL && *req_cls != h) {
		a = *req_cls;
		if (a->pending) {
			/* MHD gave up on it while the page still works. */
			LIST_REMOVE(a, entry);
			h->async->cancel(a, h->async->arg);
		}
		buf_free(&a->reply.body);
		free(a);
	}
	*req_cls = NULL;

	if (c != NULL) {
		c->headers = false;
		c->since_ms = clock_mono_ms();
	}
}

/*
 * Sheds connections past their deadline: a shutdown makes the socket
 * readable at end of file, and MHD closes it as a client that left.
 * What trickles a byte at a time cannot hold a slot for long.
 */
static void
http_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c;
	uint64_t		 now = clock_mono_ms();

	LIST_FOREACH(c, &h->conns, entry) {
		if (c->shut || c->fd == -1 || now - c->since_ms < (c->headers ?
		    HTTP_REQUEST_DEADLINE_MS : HTTP_HEADER_DEADLINE_MS))
			continue;
		log_debug("http: a connection past its %s deadline: shut",
		    c->headers ? "request" : "header");
		(void)shutdown(c->fd, SHUT_RDWR);
		c->shut = true;
		h->shed++;
	}
	http_run_all(h);
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
http_listen(const struct value_addr *addr, char **err)
{
	char	text[HTTP_BOUND_MAX];
	int	fd, on = 1, off = 0, saved;

	value_format_addr((const struct sockaddr *)&addr->ss, text,
	    sizeof(text), 0);
	if ((fd = socket(addr->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		saved = errno;		/* http_bind reads it */
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
	return fd;
fail:
	close(fd);
	return -1;
}

/* ":port" on a host without IPv6 still listens, on IPv4 alone. */
int
http_bind(const struct value_addr *addr, char **err)
{
	struct value_addr	 v4;
	struct sockaddr_in	*sin;
	int			 fd;

	*err = NULL;
	if ((fd = http_listen(addr, err)) != -1 ||
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
	return http_listen(&v4, err);
}

/*
 * MHD on the listening socket l->fd (taken: closed on failure) for
 * l->h, which says TLS and users. -1 with *err set.
 */
static int
http_listener_start(struct http_listener *l, char **err)
{
	struct http			*h = l->h;
	struct webconfig		*wc = h->wc;
	const union MHD_DaemonInfo	*info;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen = sizeof(ss);
	struct MHD_OptionItem		 tls[8];
	size_t				 n = 0;
	unsigned int			 flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
	    MHD_ALLOW_SUSPEND_RESUME;

	/* Port 0 (tests) and sockets systemd made: the real address. */
	if (getsockname(l->fd, (struct sockaddr *)&ss, &sslen) == -1) {
		*err = xasprintf("cannot read the bound address of "
		    "descriptor %d: %s", l->fd, strerror(errno));
		close(l->fd);
		l->fd = -1;
		return -1;
	}
	value_format_addr((const struct sockaddr *)&ss, l->bound,
	    sizeof(l->bound), 0);
	if (wc != NULL && wc->tls) {
		flags |= MHD_USE_TLS;
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT,
		    0, wc->cert_pem };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY,
		    0, wc->key_pem };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES,
		    0, (void *)(uintptr_t)http_priorities[wc->min_version] };
		if (wc->client_ca_pem != NULL)
			tls[n++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_TRUST, 0, wc->client_ca_pem };
	}
	tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
	    (intptr_t)(uintptr_t)http_notify_cb, h };
	tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	    (intptr_t)(uintptr_t)http_completed_cb, h };
	tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* No thread: MHD_run from this loop is all the running MHD gets. */
	l->mhd = MHD_start_daemon(flags, 0,
	    NULL, NULL, http_request_cb, h,
	    MHD_OPTION_EXTERNAL_LOGGER, http_log_cb, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)l->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_END);
	if (l->mhd == NULL) {
		/* MHD leaves a socket it was given open when it fails. */
		close(l->fd);
		l->fd = -1;
		*err = xasprintf("cannot start the HTTP%s server on %s",
		    wc != NULL && wc->tls ? "S" : "", l->bound);
		return -1;
	}
	if ((info = MHD_get_daemon_info(l->mhd,
	    MHD_DAEMON_INFO_EPOLL_FD)) == NULL) {
		*err = xasprintf("cannot get the HTTP server's epoll descriptor");
		return -1;
	}
	if ((l->ev_io = event_new(h->base, info->epoll_fd, EV_READ | EV_PERSIST,
	    http_io_cb, l)) == NULL ||
	    (l->ev_timer = evtimer_new(h->base, http_timer_cb, l)) == NULL) {
		*err = xasprintf("cannot create the HTTP server's events");
		return -1;
	}
	if (event_add(l->ev_io, NULL) == -1) {
		*err = xasprintf("cannot watch the HTTP server's epoll descriptor");
		return -1;
	}
	return 0;
}

struct http *
http_start(struct event_base *base, const int *fds, size_t nfds,
    struct webconfig *wc, routes_snapshot_fn snapshot_fn, void *arg, char **err)
{
	struct http	*h;
	struct timeval	 every = { HTTP_REAP_MS / 1000, 0 };
	size_t		 i;

	*err = NULL;
	h = xcalloc(1, sizeof(*h));
	h->base = base;
	h->snapshot_fn = snapshot_fn;
	h->arg = arg;
	h->wc = wc;
	LIST_INIT(&h->draining);
	LIST_INIT(&h->conns);
	LIST_INIT(&h->asyncs);
	http_set_auth(h, wc);
	h->l = xcalloc(nfds, sizeof(*h->l));
	for (i = 0; i < nfds; i++) {
		h->l[i].h = h;
		h->l[i].fd = fds[i];
	}
	h->nl = nfds;
	for (i = 0; i < nfds; i++)
		if (http_listener_start(&h->l[i], err) == -1)
			break;
	if (i < nfds) {
		/* The sockets no MHD took yet are still ours to close. */
		while (++i < nfds) {
			close(h->l[i].fd);
			h->l[i].fd = -1;
		}
		goto fail;
	}
	if ((h->ev_reap = event_new(base, -1, EV_PERSIST, http_reap_cb,
	    h)) == NULL || event_add(h->ev_reap, &every) == -1) {
		*err = xasprintf("cannot arm the HTTP request deadlines");
		goto fail;
	}
	http_run_all(h);
	return h;
fail:
	http_free(h);
	return NULL;
}

struct http *
http_start_on(const struct http *old, struct webconfig *wc, char **err)
{
	int	*fds;
	size_t	 i, j;

	*err = NULL;
	fds = xcalloc(old->nl, sizeof(*fds));
	/* Its own descriptors for the same sockets: old keeps accepting
	 * until http_replace, and keeps serving if this fails. */
	for (i = 0; i < old->nl; i++) {
		if (old->l[i].fd == -1 ||
		    (fds[i] = fcntl(old->l[i].fd, F_DUPFD_CLOEXEC, 0)) == -1) {
			*err = xasprintf("cannot share the listening socket "
			    "of %s: %s", old->l[i].bound,
			    strerror(old->l[i].fd == -1 ? EBADF : errno));
			for (j = 0; j < i; j++)
				close(fds[j]);
			free(fds);
			webconfig_free(wc);
			return NULL;
		}
	}
	{
		struct http	*h = http_start(old->base, fds, old->nl, wc,
		    old->snapshot_fn, old->arg, err);

		if (h != NULL)
			h->async = old->async;
		free(fds);
		return h;
	}
}

void
http_set_auth(struct http *h, struct webconfig *wc)
{
	auth_free(h->auth);
	h->auth = NULL;
	if (h->wc_auth != h->wc)
		webconfig_free(h->wc_auth);
	h->wc_auth = wc;
	/* Fresh: successes remembered for the old users are forgotten. */
	if (wc != NULL && wc->nusers > 0)
		h->auth = auth_new(wc->users, wc->nusers);
}

const struct webconfig *
http_webconfig(const struct http *h)
{
	return h->wc;
}

/* Connections still open on all of h's listeners. */
static unsigned
http_connections(const struct http *h)
{
	const union MHD_DaemonInfo	*info;
	unsigned			 n = 0;
	size_t				 i;

	for (i = 0; i < h->nl; i++) {
		if (h->l[i].mhd == NULL)
			continue;
		info = MHD_get_daemon_info(h->l[i].mhd,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (info != NULL)
			n += info->num_connections;
	}
	return n;
}

/* A replaced server goes once its connections have, or at the deadline. */
static void
http_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	uint64_t	 now = clock_mono_ms();

	if ((http_connections(h) > 0 && now < h->drain_deadline) ||
	    (!LIST_EMPTY(&h->asyncs) &&
	    now < h->drain_deadline + HTTP_ASYNC_GRACE_MS))
		return;
	LIST_REMOVE(h, entry);
	http_free(h);
}

void
http_replace(struct http *old, struct http *next)
{
	struct http	*d;
	struct timeval	 tv = clock_tv_ms(HTTP_DRAIN_CHECK_MS);
	MHD_socket	 fd;
	size_t		 i;

	/* Servers old was still draining go on under next. */
	while ((d = LIST_FIRST(&old->draining)) != NULL) {
		LIST_REMOVE(d, entry);
		LIST_INSERT_HEAD(&next->draining, d, entry);
	}
	/* MHD hands its listening sockets back; next has its own. */
	for (i = 0; i < old->nl; i++) {
		if ((fd = MHD_quiesce_daemon(old->l[i].mhd)) !=
		    MHD_INVALID_SOCKET)
			close(fd);
		else
			log_warnx("http: the replaced server on %s still "
			    "accepts connections until it stops",
			    old->l[i].bound);
		old->l[i].fd = -1;
	}
	old->replaced = true;
	old->drain_deadline = clock_mono_ms() + HTTP_TIMEOUT_S * 1000;
	LIST_INSERT_HEAD(&next->draining, old, entry);
	if ((old->ev_drain = event_new(old->base, -1, EV_PERSIST,
	    http_drain_cb, old)) == NULL || event_add(old->ev_drain, &tv) == -1)
		fatalx("http: cannot arm the drain timer");
}

size_t
http_nlisteners(const struct http *h)
{
	return h->nl;
}

const char *
http_bound(const struct http *h, size_t i)
{
	return h->l[i].bound;
}

bool
http_tls(const struct http *h)
{
	return h->wc != NULL && h->wc->tls;
}

/* The events go first: they watch a descriptor that MHD closes. */
static void
http_free(struct http *h)
{
	struct http_conn	*c;
	size_t			 i;

	if (h->ev_drain != NULL)
		event_free(h->ev_drain);
	if (h->ev_reap != NULL)
		event_free(h->ev_reap);
	for (i = 0; i < h->nl; i++) {
		if (h->l[i].ev_io != NULL)
			event_free(h->l[i].ev_io);
		if (h->l[i].ev_timer != NULL)
			event_free(h->l[i].ev_timer);
	}
	http_async_abandon(h);
	for (i = 0; i < h->nl; i++)
		if (h->l[i].mhd != NULL)
			MHD_stop_daemon(h->l[i].mhd);
	free(h->l);
	/* MHD says so of each as it closes them; whatever it did not. */
	while ((c = LIST_FIRST(&h->conns)) != NULL) {
		LIST_REMOVE(c, entry);
		free(c);
	}
	auth_free(h->auth);
	if (h->wc_auth != h->wc)
		webconfig_free(h->wc_auth);
	webconfig_free(h->wc);
	free(h);
}

void
http_stop(struct http *h)
{
	struct http	*d;

	if (h == NULL)
		return;
	while ((d = LIST_FIRST(&h->draining)) != NULL) {
		LIST_REMOVE(d, entry);
		http_free(d);
	}
	http_free(h);
}
