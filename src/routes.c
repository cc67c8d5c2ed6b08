/* routes: what each page of the HTTP endpoint answers, without a socket. */
#include "zhbuild.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "buf.h"
#include "clock.h"
#include "render.h"
#include "routes.h"
#include "snapshot.h"
#include "value.h"
#include "xmalloc.h"
#include "zone.h"

#define ROUTES_ZONES_PATH	"/api/v1/zones"
#define ROUTES_OPENMETRICS	"application/openmetrics-text"

/* A page: rest is what follows a prefix route's path, q the request's
 * Accept header and query arguments (each NULL when absent). */
struct routes_page {
	const char	*path;
	bool		 prefix;	/* path ends in '/' and a name follows */
	void		(*fn)(const struct snapshot *, const char *rest,
			    const struct routes_query *, struct routes_reply *);
};

static void routes_index(const struct snapshot *, const char *,
    const struct routes_query *, struct routes_reply *);
static void routes_metrics(const struct snapshot *, const char *,
    const struct routes_query *, struct routes_reply *);
static void routes_healthz(const struct snapshot *, const char *,
    const struct routes_query *, struct routes_reply *);
static void routes_zones(const struct snapshot *, const char *,
    const struct routes_query *, struct routes_reply *);
static void routes_zone(const struct snapshot *, const char *,
    const struct routes_query *, struct routes_reply *);

static void routes_zone_page(const struct snapshot *, const char *,
    const struct routes_query *, struct routes_reply *);

static const struct routes_page routes_table[] = {
	{ "/", false, routes_index },
	{ "/zone/", true, routes_zone_page },
	{ "/metrics", false, routes_metrics },
	{ "/healthz", false, routes_healthz },
	{ ROUTES_ZONES_PATH, false, routes_zones },
	{ ROUTES_ZONES_PATH "/", true, routes_zone },
};

static const char routes_ctype_text[] = "text/plain; charset=utf-8";
static const char routes_ctype_json[] = "application/json";

static void
routes_index(const struct snapshot *st, const char *rest, const struct routes_query *q,
    struct routes_reply *r)
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
routes_accept_openmetrics(const char *accept)
{
	const char	*p, *end, *semi, *q;
	char		*stop;
	size_t		 tlen;
	double		 weight, om = 0, text = 0;

	if (accept == NULL)
		return false;
	/* RFC 9110 12.5.1: media ranges with weights; OpenMetrics when it is
	 * asked for by name with a weight above 0 and at least plain text's. */
	for (p = accept; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		tlen = (size_t)((semi != NULL ? semi : end) - p);
		while (tlen > 0 && (p[tlen - 1] == ' ' || p[tlen - 1] == '\t'))
			tlen--;
		weight = 1;
		for (q = semi; q != NULL && q < end; q = memchr(q + 1, ';',
		    (size_t)(end - q - 1))) {
			q++;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (end - q > 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
				weight = strtod(q + 2, &stop);
				if (stop == q + 2 || weight < 0 || weight > 1)
					weight = 0;	/* malformed: not asked for */
			}
			if (q >= end)
				break;
		}
		if (tlen == strlen(ROUTES_OPENMETRICS) &&
		    strncasecmp(p, ROUTES_OPENMETRICS, tlen) == 0) {
			if (weight > om)
				om = weight;
		} else if ((tlen == 10 && strncasecmp(p, "text/plain", 10) == 0) ||
		    (tlen == 6 && strncasecmp(p, "text/*", 6) == 0) ||
		    (tlen == 3 && strncmp(p, "*/*", 3) == 0)) {
			if (weight > text)
				text = weight;
		}
		if (*end == '\0')
			break;
	}
	return om > 0 && om >= text;
}

/* Serves a page from the status cache when fresh, else renders and keeps
 * it. render fills the reply's body. */
static void
routes_cached(const struct snapshot *st, enum snapshot_page page, struct routes_reply *r,
    void (*render)(struct buf *, const struct snapshot *))
{
	struct snapshot_cache	*c = st->cache;
	uint64_t		 now = clock_mono_ms();

	if (c != NULL && c->page[page].at_ms != 0 &&
	    now - c->page[page].at_ms < SNAPSHOT_CACHE_MS) {
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
routes_render_metrics(struct buf *b, const struct snapshot *st)
{
	render_metrics(b, st, false);
}

static void
routes_render_openmetrics(struct buf *b, const struct snapshot *st)
{
	render_metrics(b, st, true);
}

static void
routes_render_zones(struct buf *b, const struct snapshot *st)
{
	render_json_zones(b, st);
	buf_putc(b, '\n');
}

static void
routes_metrics(const struct snapshot *st, const char *rest, const struct routes_query *q,
    struct routes_reply *r)
{
	bool	om = routes_accept_openmetrics(q->accept);

	r->ctype = om ? ROUTES_CTYPE_OPENMETRICS : ROUTES_CTYPE_METRICS;
	r->vary_accept = true;
	routes_cached(st, om ? SNAPSHOT_PAGE_OPENMETRICS : SNAPSHOT_PAGE_METRICS, r,
	    om ? routes_render_openmetrics : routes_render_metrics);
}

static void
routes_healthz(const struct snapshot *st, const char *rest, const struct routes_query *q,
    struct routes_reply *r)
{
	r->ctype = routes_ctype_text;
	buf_puts(&r->body, "ok\n");
}

static void
routes_zones(const struct snapshot *st, const char *rest, const struct routes_query *q,
    struct routes_reply *r)
{
	r->ctype = routes_ctype_json;
	routes_cached(st, SNAPSHOT_PAGE_ZONES, r, routes_render_zones);
}

/*
 * Lower case with the trailing dot, as config names are kept, so that
 * "EXAMPLE.com" finds "example.com.". -1 for what no zone could be called,
 * by the config's own rule (value_parse_domain): empty or over-long labels,
 * a name past 255 octets on the wire, bytes a zone name never has. What
 * passes is a name a run can ask about (a probe runs it).
 */
int
routes_zone_name(const char *in, char *out, size_t outlen)
{
	char		*name;
	const char	*why;
	size_t		 len;

	if (value_parse_domain(in, &name, &why) == -1)
		return -1;
	len = strlen(name);
	if (len + 1 > outlen) {
		free(name);
		return -1;
	}
	memcpy(out, name, len + 1);
	free(name);
	return 0;
}

static void
routes_zone_page(const struct snapshot *st, const char *rest, const struct routes_query *q,
    struct routes_reply *r)
{
	const struct zone	*z = NULL;
	char			 name[ROUTES_NAME_MAX + 2];

	if (routes_zone_name(rest, name, sizeof(name)) == 0 && st->zones != NULL)
		z = zone_set_find(st->zones, name);
	if (z == NULL) {
		r->code = MHD_HTTP_NOT_FOUND;
		r->ctype = routes_ctype_text;
		buf_puts(&r->body, "no such zone\n");
		return;
	}
	r->ctype = "text/html; charset=utf-8";
	render_html_zone_page(&r->body, st, z);
}

static void
routes_zone(const struct snapshot *st, const char *rest, const struct routes_query *q,
    struct routes_reply *r)
{
	const struct zone	*z = NULL;
	char			 name[ROUTES_NAME_MAX + 2];

	r->ctype = routes_ctype_json;
	if (routes_zone_name(rest, name, sizeof(name)) == 0 && st->zones != NULL)
		z = zone_set_find(st->zones, name);
	if (z == NULL) {
		r->code = MHD_HTTP_NOT_FOUND;
		render_json_error(&r->body, "no such zone");
	} else
		render_json_zone(&r->body, z);
	buf_putc(&r->body, '\n');
}

bool
routes_method_ok(const char *method)
{
	return strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

void
routes_respond(const char *method, const char *url, const char *accept,
    routes_snapshot_fn snapshot_fn, void *arg, struct routes_reply *r)
{
	struct routes_query	q = { accept, NULL, NULL };

	routes_respond_query(method, url, &q, snapshot_fn, arg, r);
}

void
routes_respond_query(const char *method, const char *url, const struct routes_query *q,
    routes_snapshot_fn snapshot_fn, void *arg, struct routes_reply *r)
{
	const struct routes_page	*rt;
	struct snapshot		 st;
	size_t			 i, len;

	if (!routes_method_ok(method)) {
		routes_reply_text(r, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n");
		return;
	}
	memset(r, 0, sizeof(*r));
	buf_init(&r->body);
	r->code = MHD_HTTP_OK;
	for (i = 0; i < sizeof(routes_table) / sizeof(routes_table[0]); i++) {
		rt = &routes_table[i];
		len = strlen(rt->path);
		if (rt->prefix ? strncmp(url, rt->path, len) != 0 :
		    strcmp(url, rt->path) != 0)
			continue;
		/* Fresh every time: a scrape sees the state of that moment. */
		snapshot_fn(&st, arg);
		rt->fn(&st, url + len, q, r);
		return;
	}
	routes_reply_text(r, MHD_HTTP_NOT_FOUND, "not found\n");
}

void
routes_reply_text(struct routes_reply *r, unsigned code, const char *msg)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body);
	r->code = code;
	r->ctype = routes_ctype_text;
	buf_puts(&r->body, msg);
}
