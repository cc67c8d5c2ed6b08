/* render_html: the human status page served at "/". */
#include "zhbuild.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "finding.h"
#include "render.h"
#include "status.h"
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
render_html_summary(struct buf *b, const struct status *st)
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
		buf_puts(b, "<li>");
		render_html_badge(b, names[j]);
		buf_printf(b, "<b>%zu</b></li>\n", count[j]);
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

static void
render_html_zone(struct buf *b, const struct zone *z)
{
	buf_puts(b, "<tr><td class=\"name\">");
	render_html_escape(b, z->name);
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

/* What is wrong and what to change: the point of the page. */
static void
render_html_findings(struct buf *b, const struct status *st)
{
	const struct zone	*z;
	const struct finding	*f;
	size_t			 i, j, n, total = 0;

	n = st->zones != NULL ? st->zones->n : 0;
	for (i = 0; i < n; i++)
		total += st->zones->v[i]->findings.n;
	if (total == 0)
		return;
	buf_puts(b, "<h2>Findings</h2>\n");
	for (i = 0; i < n; i++) {
		z = st->zones->v[i];
		for (j = 0; j < z->findings.n; j++) {
			f = &z->findings.v[j];
			buf_puts(b, "<div class=\"finding\">\n<p>");
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
	}
}

void
render_html_index(struct buf *b, const struct status *st)
{
	size_t	i, n = st->zones != NULL ? st->zones->n : 0;

	buf_puts(b, render_html_head);
	render_html_summary(b, st);
	if (n == 0)
		buf_puts(b, "<p class=\"empty\">No zones configured.</p>\n");
	else {
		buf_puts(b, "<table>\n<thead><tr><th>Zone</th><th>Status</th>"
		    "<th>Checked at</th><th class=\"num\">Last run</th>"
		    "<th class=\"num\">Findings</th></tr>"
		    "</thead>\n<tbody>\n");
		for (i = 0; i < n; i++)
			render_html_zone(b, st->zones->v[i]);
		buf_puts(b, "</tbody>\n</table>\n");
	}
	render_html_findings(b, st);
	buf_puts(b, "<footer>\n<p><a href=\"/metrics\">/metrics</a> &middot; "
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
