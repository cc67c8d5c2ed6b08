/* render_html: the human status page served at "/". */
#include "zhbuild.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "finding.h"
#include "render.h"
#include "snapshot.h"
#include "xmalloc.h"
#include "zone.h"

/*
 * Self-contained on purpose: the page must work on a host with no way
 * out, so no scripts, fonts or stylesheets from elsewhere.
 */
static const char render_html_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta http-equiv=\"refresh\" content=\"30\">\n"
	"<title>zonehealth</title>\n"
	"<style>\n"
	"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",sans-serif;"
	"max-width:60em;margin:2em auto;padding:0 1em;color:#1f2328;"
	"background:#fff}\n"
	"h1{font-size:1.6em;margin:0}\n"
	".sub{color:#656d76;margin:.2em 0 1.5em}\n"
	".summary{display:flex;flex-wrap:wrap;gap:.6em;list-style:none;"
	"margin:0 0 1.5em;padding:0}\n"
	".summary li{border:1px solid #d0d7de;border-radius:6px;"
	"padding:.35em .8em}\n"
	".summary b{font-size:1.25em;margin-left:.3em}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:.45em .7em;border-bottom:1px solid #d8dee4}\n"
	"th{color:#656d76;font-weight:600;border-bottom-width:2px}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.name{font-family:ui-monospace,monospace}\n"
	".badge{display:inline-block;min-width:5em;text-align:center;"
	"border-radius:1em;padding:.05em .6em;font-size:.85em;font-weight:600;"
	"color:#fff}\n"
	".ok{background:#1a7f37}.warning{background:#9a6700}"
	".critical{background:#cf222e}.unknown{background:#6e7781}\n"
	".empty{color:#656d76}\n"
	".filter{margin:0 0 1.2em}.filter label{margin-right:1em}\n"
	"a.plain{color:inherit;text-decoration:none}\n"
	".facts th{width:16em}\n"
	"h2{font-size:1.2em;margin:2em 0 .8em}\n"
	".finding{border:1px solid #d0d7de;border-radius:6px;"
	"padding:.2em 1em;margin:0 0 .8em}\n"
	".finding p{margin:.5em 0}.label{color:#656d76}\n"
	".finding code{font-family:ui-monospace,monospace}\n"
	"footer{margin-top:2em;color:#656d76;font-size:.9em}\n"
	"a{color:#0969da}\n"
	"@media (prefers-color-scheme:dark){"
	"body{background:#0d1117;color:#e6edf3}"
	"th,td,.summary li,.finding{border-color:#30363d}"
	"a{color:#4493f8}}\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<h1>zonehealth</h1>\n"
	"<p class=\"sub\">Why resolvers would answer SERVFAIL for these zones."
	" Each row is the zone's last run.</p>\n";

void
render_html_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_putc(b, *s);
			break;
		}
	}
}

/* A badge whose class is the status name the JSON uses too. */
static void
render_html_badge(struct buf *b, const char *status)
{
	buf_puts(b, "<span class=\"badge ");
	render_html_escape(b, status);
	buf_puts(b, "\">");
	render_html_escape(b, status);
	buf_puts(b, "</span>");
}

/* Counted by the status names the table shows, so the two agree. */
static void
render_html_summary(struct buf *b, const struct snapshot *st)
{
	static const char *const names[] = { "ok", "warning", "critical",
	    "unknown" };
	size_t		 count[4] = { 0, 0, 0, 0 }, i, j, n;
	const char	*name;

	n = st->zones != NULL ? st->zones->n : 0;
	for (i = 0; i < n; i++) {
		name = zone_status_name(st->zones->v[i]);
		for (j = 0; j < 4; j++)
			if (strcmp(name, names[j]) == 0)
				count[j]++;
	}
	buf_printf(b, "<ul class=\"summary\">\n<li>zones<b>%zu</b></li>\n", n);
	for (j = 0; j < 4; j++) {
		buf_printf(b, "<li><a class=\"plain\" href=\"/?status=%s\">", names[j]);
		render_html_badge(b, names[j]);
		buf_printf(b, "<b>%zu</b></a></li>\n", count[j]);
	}
	buf_puts(b, "</ul>\n");
}

static void
render_html_time(struct buf *b, time_t t)
{
	struct tm	tm;
	char		when[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		buf_puts(b, "?");
	else
		buf_puts(b, when);
}

/* Worst first, as an operator reads: critical, warning, unknown, ok. */
static int
render_html_rank(const struct zone *z)
{
	const char	*s = zone_status_name(z);

	return strcmp(s, "critical") == 0 ? 0 : strcmp(s, "warning") == 0 ? 1 :
	    strcmp(s, "unknown") == 0 ? 2 : 3;
}

static int
render_html_cmp(const void *a, const void *b)
{
	const struct zone	*x = *(const struct zone *const *)a;
	const struct zone	*y = *(const struct zone *const *)b;
	int			 c = render_html_rank(x) - render_html_rank(y);

	return c != 0 ? c : strcmp(x->name, y->name);
}

static bool
render_html_has_cause(const struct zone *z, const char *cause)
{
	size_t	i;

	for (i = 0; i < z->findings.n; i++)
		if (strcmp(cause_name(z->findings.v[i].cause), cause) == 0)
			return true;
	return false;
}

/* The zones the filter keeps, worst first; the caller frees the array. */
static const struct zone **
render_html_select(const struct snapshot *st, const struct html_filter *f, size_t *np)
{
	const struct zone	**v;
	const struct zone	 *z;
	size_t			  i, n = st->zones != NULL ? st->zones->n : 0, k = 0;

	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		z = st->zones->v[i];
		if (f != NULL && f->status != NULL &&
		    strcmp(zone_status_name(z), f->status) != 0)
			continue;
		if (f != NULL && f->cause != NULL && !render_html_has_cause(z, f->cause))
			continue;
		v[k++] = z;
	}
	qsort(v, k, sizeof(*v), render_html_cmp);
	*np = k;
	return v;
}

/* A link to a zone's page: /zone/NAME, the name percent-encoded. */
static void
render_html_zone_link(struct buf *b, const char *name)
{
	const unsigned char	*p;

	buf_puts(b, "<a href=\"/zone/");
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_')
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	buf_puts(b, "\">");
	render_html_escape(b, name);
	buf_puts(b, "</a>");
}

static void
render_html_zone(struct buf *b, const struct zone *z)
{
	buf_puts(b, "<tr><td class=\"name\">");
	render_html_zone_link(b, z->name);
	buf_puts(b, "</td><td>");
	render_html_badge(b, zone_status_name(z));
	buf_puts(b, "</td><td>");
	if (z->checked)
		render_html_time(b, z->checked_at);
	else
		buf_puts(b, "not yet run");
	buf_puts(b, "</td><td class=\"num\">");
	if (!z->checked)
		buf_puts(b, "&ndash;");
	else if (z->last_run_duration < 0.0005)
		buf_puts(b, "&lt;1 ms");
	else if (z->last_run_duration < 1)
		buf_printf(b, "%.0f ms", z->last_run_duration * 1000);
	else
		buf_printf(b, "%.2f s", z->last_run_duration);
	buf_printf(b, "</td><td class=\"num\">%zu</td></tr>\n", z->findings.n);
}

/* Optional text in its own paragraph, with a lead-in word. */
static void
render_html_para(struct buf *b, const char *label, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	buf_puts(b, "<p><span class=\"label\">");
	render_html_escape(b, label);
	buf_puts(b, "</span> ");
	render_html_escape(b, text);
	buf_puts(b, "</p>\n");
}

static void
render_html_finding(struct buf *b, const struct zone *z, const struct finding *f)
{
	buf_puts(b, "<div class=\"finding\" data-cause=\"");
	render_html_escape(b, cause_name(f->cause));
	buf_puts(b, "\">\n<p>");
	render_html_badge(b, severity_name(f->severity));
	buf_puts(b, " <b>");
	render_html_escape(b, z->name);
	buf_puts(b, "</b> ");
	render_html_escape(b, check_name(f->check));
	buf_puts(b, " / <code>");
	render_html_escape(b, cause_name(f->cause));
	buf_puts(b, "</code>");
	if (f->server != NULL || f->address != NULL) {
		buf_puts(b, " &middot; ");
		if (f->server != NULL)
			render_html_escape(b, f->server);
		if (f->server != NULL && f->address != NULL)
			buf_putc(b, ' ');
		if (f->address != NULL)
			render_html_escape(b, f->address);
	}
	buf_puts(b, " &middot; since ");
	render_html_time(b, f->since);
	buf_puts(b, "</p>\n");
	render_html_para(b, "What:", f->summary);
	render_html_para(b, "Seen:", f->evidence);
	render_html_para(b, "Fix:", f->fix);
	buf_puts(b, "</div>\n");
}

/* What is wrong and what to change: the point of the page. */
static void
render_html_findings(struct buf *b, const struct zone *const *v, size_t n,
    const struct html_filter *f)
{
	size_t	i, j, total = 0;

	for (i = 0; i < n; i++)
		total += v[i]->findings.n;
	if (total == 0)
		return;
	buf_puts(b, "<h2>Findings</h2>\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < v[i]->findings.n; j++)
			if (f == NULL || f->cause == NULL ||
			    strcmp(cause_name(v[i]->findings.v[j].cause), f->cause) == 0)
				render_html_finding(b, v[i], &v[i]->findings.v[j]);
}

/* Filters as a plain GET form: works without scripts. */
static void
render_html_filter_form(struct buf *b, const struct snapshot *st,
    const struct html_filter *f)
{
	static const char *const statuses[] = { "critical", "warning", "unknown", "ok" };
	bool		 seen[CAUSE_MAX] = { false };
	size_t		 i, j, n = st->zones != NULL ? st->zones->n : 0;
	int		 c;

	for (i = 0; i < n; i++)
		for (j = 0; j < st->zones->v[i]->findings.n; j++)
			seen[st->zones->v[i]->findings.v[j].cause] = true;
	buf_puts(b, "<form class=\"filter\" method=\"get\" action=\"/\">\n"
	    "<label>status <select name=\"status\"><option value=\"\">any</option>");
	for (i = 0; i < 4; i++)
		buf_printf(b, "<option%s>%s</option>", f != NULL && f->status != NULL &&
		    strcmp(f->status, statuses[i]) == 0 ? " selected" : "", statuses[i]);
	buf_puts(b, "</select></label>\n<label>cause <select name=\"cause\">"
	    "<option value=\"\">any</option>");
	for (c = 0; c < CAUSE_MAX; c++) {
		if (!seen[c] && !(f != NULL && f->cause != NULL &&
		    strcmp(f->cause, cause_name(c)) == 0))
			continue;
		buf_printf(b, "<option%s>%s</option>", f != NULL && f->cause != NULL &&
		    strcmp(f->cause, cause_name(c)) == 0 ? " selected" : "",
		    cause_name(c));
	}
	buf_puts(b, "</select></label>\n<button>filter</button>");
	if (f != NULL && (f->status != NULL || f->cause != NULL))
		buf_puts(b, " <a href=\"/\">all zones</a>");
	buf_puts(b, "\n</form>\n");
}

static void
render_html_footer(struct buf *b, const struct snapshot *st)
{
	buf_puts(b, "<footer>\n<p><a href=\"/\">all zones</a> &middot; "
	    "<a href=\"/metrics\">/metrics</a> &middot; "
	    "<a href=\"/api/v1/zones\">/api/v1/zones</a> &middot; "
	    "<a href=\"/healthz\">/healthz</a></p>\n<p>");
	render_html_escape(b, PACKAGE_NAME " " PACKAGE_VERSION);
	buf_printf(b, " &middot; config %s &middot; runs started %llu, "
	    "failed %llu, running %u, queued %zu</p>\n</footer>\n"
	    "</body>\n</html>\n",
	    st->reload_ok ? "loaded" : "reload refused",
	    (unsigned long long)st->runs_started,
	    (unsigned long long)st->runs_failed, st->runs_running,
	    st->runs_queued);
}

void
render_html_page(struct buf *b, const struct snapshot *st, const struct html_filter *f)
{
	const struct zone	**v;
	size_t			  i, n;

	buf_puts(b, render_html_head);
	render_html_summary(b, st);
	render_html_filter_form(b, st, f);
	v = render_html_select(st, f, &n);
	if (st->zones == NULL || st->zones->n == 0)
		buf_puts(b, "<p class=\"empty\">No zones configured.</p>\n");
	else if (n == 0)
		buf_puts(b, "<p class=\"empty\">No zone matches the filter.</p>\n");
	else {
		buf_puts(b, "<table id=\"zones\">\n<thead><tr><th>Zone</th><th>Status</th>"
		    "<th>Checked at</th><th class=\"num\">Last run</th>"
		    "<th class=\"num\">Findings</th></tr>"
		    "</thead>\n<tbody>\n");
		for (i = 0; i < n; i++)
			render_html_zone(b, v[i]);
		buf_puts(b, "</tbody>\n</table>\n");
	}
	render_html_findings(b, v, n, f);
	free(v);
	render_html_footer(b, st);
}

void
render_html_index(struct buf *b, const struct snapshot *st)
{
	render_html_page(b, st, NULL);
}

static void
render_html_kv(struct buf *b, const char *key, const char *value)
{
	buf_puts(b, "<tr><th>");
	render_html_escape(b, key);
	buf_puts(b, "</th><td>");
	render_html_escape(b, value);
	buf_puts(b, "</td></tr>\n");
}

/* The symptom: what the configured resolvers answer. */
static void
render_html_resolvers(struct buf *b, const struct zone *z)
{
	const struct resolver_view	*r;
	size_t				 i;

	if (z->memory.nresolvers == 0)
		return;
	buf_puts(b, "<h2>Resolvers</h2>\n<table id=\"resolvers\">\n<thead><tr>"
	    "<th>Resolver</th><th>Answer</th><th>AD</th><th>With CD</th>"
	    "<th>Extended error</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < z->memory.nresolvers; i++) {
		r = &z->memory.resolvers[i];
		buf_puts(b, "<tr><td class=\"name\">");
		render_html_escape(b, r->address);
		buf_puts(b, "</td><td>");
		render_html_escape(b, r->rcode);
		buf_printf(b, "</td><td>%s</td><td>", r->ad ? "yes" : "no");
		render_html_escape(b, r->cd_rcode[0] != '\0' ? r->cd_rcode : "-");
		buf_puts(b, "</td><td>");
		if (r->ede >= 0) {
			buf_printf(b, "%d ", r->ede);
			if (r->ede_text != NULL)
				render_html_escape(b, r->ede_text);
		} else
			buf_puts(b, "-");
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

static void
render_html_hosts(struct buf *b, const struct zone *z)
{
	const struct host_view	*h;
	size_t			 i;

	if (z->memory.nhosts == 0)
		return;
	buf_puts(b, "<h2>Service hosts</h2>\n<table id=\"hosts\">\n<thead><tr>"
	    "<th>Host</th><th>Address</th><th class=\"num\">Port</th>"
	    "<th>State</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < z->memory.nhosts; i++) {
		h = &z->memory.hosts[i];
		buf_puts(b, "<tr><td class=\"name\">");
		render_html_escape(b, h->host);
		buf_puts(b, "</td><td class=\"name\">");
		render_html_escape(b, h->address);
		buf_printf(b, "</td><td class=\"num\">%u</td><td>", h->port);
		render_html_badge(b, h->up ? "ok" : "critical");
		buf_puts(b, "</td></tr>\n");
	}
	buf_puts(b, "</tbody>\n</table>\n");
}

void
render_html_zone_page(struct buf *b, const struct snapshot *st, const struct zone *z)
{
	char	text[64];
	size_t	i;
	int	c;

	buf_puts(b, render_html_head);
	buf_puts(b, "<h2 id=\"zone\">");
	render_html_escape(b, z->name);
	buf_puts(b, " ");
	render_html_badge(b, zone_status_name(z));
	buf_puts(b, "</h2>\n<table class=\"facts\">\n");
	if (z->checked) {
		buf_puts(b, "<tr><th>Checked at</th><td>");
		render_html_time(b, z->checked_at);
		buf_printf(b, " (%.3f s)</td></tr>\n", z->last_run_duration);
	} else
		render_html_kv(b, "Checked at", "not yet run");
	if (z->memory.has_serial) {
		snprintf(text, sizeof(text), "%u", z->memory.serial);
		render_html_kv(b, "SOA serial", text);
	}
	render_html_kv(b, "DNSSEC", z->memory.dnssec_signed ? "signed (DS at the parent)" :
	    "insecure (no DS)");
	if (z->memory.has_expiry) {
		buf_puts(b, "<tr><th>Earliest signature expiry</th><td>");
		render_html_time(b, z->memory.expiry);
		buf_puts(b, "</td></tr>\n");
	}
	for (c = 0; c < CHECK_MAX; c++) {
		if (z->check_status[c] == CHECK_STATUS_NONE)
			continue;
		render_html_kv(b, check_name(c), z->check_status[c] == CHECK_STATUS_UNKNOWN ? "could not run" :
		    severity_name((enum severity)z->check_status[c]));
	}
	buf_puts(b, "</table>\n");
	if (z->findings.n == 0 && z->checked)
		buf_puts(b, "<p class=\"empty\">No findings: resolvers get answers.</p>\n");
	else if (z->findings.n > 0)
		buf_puts(b, "<h2>Findings</h2>\n");
	for (i = 0; i < z->findings.n; i++)
		render_html_finding(b, z, &z->findings.v[i]);
	render_html_resolvers(b, z);
	render_html_hosts(b, z);
	buf_puts(b, "<p><a href=\"/api/v1/zones/");
	render_html_escape(b, z->name);
	buf_puts(b, "\">this zone as JSON</a></p>\n");
	render_html_footer(b, st);
}
