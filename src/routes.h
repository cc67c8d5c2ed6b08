/* routes: what each page of the HTTP endpoint answers, without a socket. */
#ifndef ZH_ROUTES_H
#define ZH_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct snapshot;

/* Fills a fresh status snapshot for one request. */
typedef void (*routes_snapshot_fn)(struct snapshot *, void *arg);

/* What a request gets, before MHD sees it. */
struct routes_reply {
	unsigned	 code;		/* HTTP status */
	const char	*ctype;		/* static */
	bool		 vary_accept;	/* the body depends on Accept */
	const char	*retry_after;	/* Retry-After, static; NULL: none */
	struct buf	 body;
};

/* What a request says besides method and path (each NULL when absent):
 * the Accept header, and the status page's filter arguments. */
struct routes_query {
	const char	*accept;
	const char	*status;	/* ?status= */
	const char	*cause;		/* ?cause= */
};

/*
 * The request handling that needs no socket. routes_respond fills r (the
 * caller frees r->body) for method and url (the path, as MHD gives it),
 * accept being the Accept header or NULL; snapshot_fn is called once, only
 * for a page that shows the daemon's state.
 */
void routes_respond(const char *method, const char *url, const char *accept,
    routes_snapshot_fn, void *arg, struct routes_reply *r);
/* routes_respond with the query arguments too. */
void routes_respond_query(const char *method, const char *url,
    const struct routes_query *, routes_snapshot_fn, void *arg,
    struct routes_reply *r);
/* A fresh plain-text reply of code with msg as its body. */
void routes_reply_text(struct routes_reply *r, unsigned code, const char *msg);
/* GET and HEAD get pages; every other method 405. */
bool routes_method_ok(const char *method);
/* True when an Accept header asks for OpenMetrics. */
bool routes_accept_openmetrics(const char *accept);
/* A zone name from a URL, as config names are kept (lower case, trailing
 * dot) into out; -1 for what no configured zone could be called. */
int routes_zone_name(const char *in, char *out, size_t outlen);

/* The longest name routes_zone_name gives, without its NUL. */
#define ROUTES_NAME_MAX		255	/* a domain name's wire-format bound */
/* The media types of the metrics pages, Content-Type ready. */
#define ROUTES_CTYPE_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define ROUTES_CTYPE_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

#endif
