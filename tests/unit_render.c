/* unit_render: the metrics, JSON and HTML renderings against golden files. */
#include "zhbuild.h"

#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "finding.h"
#include "procstat.h"
#include "render.h"
#include "snapshot.h"
#include "version.h"
#include "xmalloc.h"
#include "zone.h"
#include "unit_main.h"

#define T0	1767225600	/* 2026-01-01T00:00:00Z */

static struct zone_set	 fixture_zones;
static struct snapshot	 fixture;

static struct zone *
fixture_zone(const char *name, enum check_status check_status)
{
	struct zone	*z;
	int		 i;

	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(name);
	for (i = 0; i < CHECK_MAX; i++)
		z->check_status[i] = check_status;
	fixture_zones.v = xreallocarray(fixture_zones.v, fixture_zones.n + 1,
	    sizeof(*fixture_zones.v));
	fixture_zones.v[fixture_zones.n++] = z;
	return z;
}

/*
 * Four zones, sorted as a zone_set is: one critical with a full finding,
 * one ok, one warning whose finding has no server, one not yet run.
 */
static void
fixture_setup(void)
{
	struct zone	*z;

	memset(&fixture_zones, 0, sizeof(fixture_zones));
	z = fixture_zone("a.example.", CHECK_STATUS_OK);
	z->checked = true;
	z->status = SEVERITY_CRITICAL;
	z->checked_at = T0;
	z->last_run_duration = 0.25;
	z->runs = 3;
	z->check_status[CHECK_DNSSEC] = CHECK_STATUS_CRITICAL;
	z->memory.dnssec_signed = true;
	z->memory.has_expiry = true;
	z->memory.expiry = T0 - 3600;
	z->memory.nresolvers = 2;
	z->memory.resolvers = xcalloc(2, sizeof(*z->memory.resolvers));
	snprintf(z->memory.resolvers[0].address, 64, "127.0.0.53");
	snprintf(z->memory.resolvers[0].rcode, 24, "SERVFAIL");
	z->memory.resolvers[0].ede = 7;
	z->memory.resolvers[0].ede_text = xstrdup("signature \"expired\"");
	snprintf(z->memory.resolvers[0].cd_rcode, 24, "NOERROR");
	snprintf(z->memory.resolvers[1].address, 64, "[::1]:5353");
	snprintf(z->memory.resolvers[1].rcode, 24, "timeout");
	z->memory.resolvers[1].ede = -1;
	z->memory.nhosts = 2;
	z->memory.hosts = xcalloc(2, sizeof(*z->memory.hosts));
	snprintf(z->memory.hosts[0].host, 256, "www.a.example.");
	snprintf(z->memory.hosts[0].address, 64, "192.0.2.80");
	z->memory.hosts[0].port = 443;
	z->memory.hosts[0].up = true;
	snprintf(z->memory.hosts[1].host, 256, "www.a.example.");
	snprintf(z->memory.hosts[1].address, 64, "2001:db8::80");
	z->memory.hosts[1].port = 443;
	z->check_status[CHECK_RATE_LIMIT] = CHECK_STATUS_UNKNOWN;
	z->check_status[CHECK_ROUND_ROBIN] = CHECK_STATUS_NONE;
	findings_add(&z->findings, CAUSE_RRSIG_EXPIRED, SEVERITY_CRITICAL,
	    "ns1.a.example.", "192.0.2.1",
	    xstrdup("the RRSIG over SOA expired"),
	    xstrdup("SOA RRSIG expiration 20251231000000"),
	    xstrdup("re-sign the zone on the primary and reload it"));
	z->findings.v[0].since = T0 - 86400;

	z = fixture_zone("b.example.", CHECK_STATUS_OK);
	z->checked = true;
	z->status = SEVERITY_OK;
	z->checked_at = T0 + 61;
	z->last_run_duration = 1.5;
	z->memory.has_serial = true;
	z->memory.serial = 4294967295u;	/* the largest: printed whole */

	z = fixture_zone("c.example.", CHECK_STATUS_NONE);

	z = fixture_zone("d.example.", CHECK_STATUS_OK);
	z->checked = true;
	z->status = SEVERITY_WARNING;
	z->checked_at = T0 + 3600;
	z->last_run_duration = 0.1;
	z->check_status[CHECK_DELEGATION] = CHECK_STATUS_WARNING;
	findings_add(&z->findings, CAUSE_NS_SET_MISMATCH, SEVERITY_WARNING,
	    NULL, NULL, xstrdup("parent and child NS sets differ"),
	    xstrdup("parent: ns1, ns2; child: ns1, ns3"),
	    xstrdup("make the registrar's NS set match the zone's"));
	z->findings.v[0].since = T0 + 1800;

	memset(&fixture, 0, sizeof(fixture));
	fixture.zones = &fixture_zones;
	fixture.reload_ok = true;
	fixture.reload_success_time = T0 - 600;
	fixture.start_time = T0 - 3600;
	fixture.runs_started = 42;
	fixture.runs_failed = 3;
	fixture.runs_running = 1;
	fixture.runs_queued = 2;
}

static void
fixture_teardown(void)
{
	zone_set_clear(&fixture_zones, true);
}

/* $top_srcdir/tests/golden/NAME, as make check and distcheck set it. */
static char *
golden_path(const char *name)
{
	const char	*top = getenv("top_srcdir");

	return xasprintf("%s/tests/golden/%s", top != NULL ? top : ".", name);
}

/*
 * Compares text with the golden file byte for byte. With
 * ZH_UPDATE_GOLDEN=1 it rewrites the file instead: review the diff.
 */
static void
golden_compare(const char *name, const char *text)
{
	char		*path = golden_path(name), *want = NULL;
	const char	*a, *b;
	FILE		*f;
	size_t		 len = 0, line = 1;
	long		 size;

	if (getenv("ZH_UPDATE_GOLDEN") != NULL) {
		ck_assert_msg((f = fopen(path, "w")) != NULL, "%s: %s", path,
		    strerror(errno));
		ck_assert(fputs(text, f) != EOF && fclose(f) == 0);
		free(path);
		return;
	}
	ck_assert_msg((f = fopen(path, "rb")) != NULL, "%s: %s", path,
	    strerror(errno));
	ck_assert(fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0);
	rewind(f);
	want = xmalloc((size_t)size + 1);
	len = fread(want, 1, (size_t)size, f);
	want[len] = '\0';
	fclose(f);
	for (a = text, b = want; *a != '\0' && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	ck_assert_msg(*a == '\0' && *b == '\0' && len == strlen(text),
	    "%s differs from the rendering at line %zu:\n got: %.80s\nwant: %.80s",
	    path, line, a, b);
	free(want);
	free(path);
}

/* The zonehealth_* part: process_* varies by run, build_info by host. */
static char *
metrics_stable_part(const char *text)
{
	struct buf	 out, expect;
	const char	*p, *nl, *name;
	size_t		 len;

	buf_init(&expect);
	buf_printf(&expect, "zonehealth_build_info{version=\"%s\",libevent=\"%s\","
	    "ldns=\"%s\",libmicrohttpd=\"%s\",libyaml=\"%s\"} 1", PACKAGE_VERSION,
	    version_libevent(), version_ldns(), version_libmicrohttpd(),
	    version_libyaml());
	buf_init(&out);
	for (p = text; *p != '\0'; p = nl + 1) {
		ck_assert_msg((nl = strchr(p, '\n')) != NULL,
		    "unterminated last line: %s", p);
		len = (size_t)(nl - p);
		name = p;
		if (strncmp(p, "# HELP ", 7) == 0 || strncmp(p, "# TYPE ", 7) == 0)
			name = p + 7;
		if (strncmp(name, "process_", 8) == 0)
			continue;
		if (strncmp(p, "zonehealth_build_info{", 22) == 0) {
			ck_assert_msg(len == expect.len &&
			    memcmp(p, expect.data, len) == 0,
			    "build_info: %.*s", (int)len, p);
			buf_puts(&out, "zonehealth_build_info{...} 1\n");
			continue;
		}
		buf_append(&out, p, len + 1);
	}
	buf_free(&expect);
	return buf_steal(&out, NULL);
}

START_TEST(test_json_zones_golden)
{
	struct buf	b;

	buf_init(&b);
	render_json_zones(&b, &fixture);
	buf_putc(&b, '\n');
	golden_compare("zones.json", b.data);
	buf_free(&b);
}
END_TEST

START_TEST(test_json_zone_unknown_and_error)
{
	struct buf	b;

	buf_init(&b);
	render_json_zone(&b, fixture_zones.v[2]);
	ck_assert_str_eq(b.data, "{\"zone\":\"c.example.\",\"status\":\"unknown\","
	    "\"checked_at\":null,\"serial\":null,\"findings\":[],\"resolvers\":[]}");
	buf_reset(&b);
	render_json_error(&b, "no such \"zone\"");
	ck_assert_str_eq(b.data, "{\"error\":\"no such \\\"zone\\\"\"}");
	buf_reset(&b);
	fixture.zones = NULL;
	render_json_zones(&b, &fixture);
	ck_assert_str_eq(b.data, "{\"zones\":[]}");
	buf_free(&b);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} json_cases[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
	{ "\x01\x1f\n\r\t\x7f", "\"\\u0001\\u001f\\u000a\\u000d\\u0009\x7f\"" },
	/* Well-formed UTF-8 of every length passes through. */
	{ "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	  "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"" },
	/* Stray continuation byte, bytes never valid. */
	{ "a\x80z", "\"a\\ufffdz\"" },
	{ "\xfe\xff\xc0\xc1\xf5", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	/* Overlong forms of '/' and U+20AC, a surrogate, above U+10FFFF. */
	{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
	{ "\xe0\x82\xac", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	/* Truncated at the end of the string, and before an ASCII byte. */
	{ "x\xe2\x82", "\"x\\ufffd\\ufffd\"" },
	{ "\xf0\x9f\x98!", "\"\\ufffd\\ufffd\\ufffd!\"" },
};

START_TEST(test_json_string_escaping)
{
	struct buf	b;

	buf_init(&b);
	render_json_string(&b, json_cases[_i].in);
	ck_assert_msg(strcmp(b.data, json_cases[_i].out) == 0,
	    "case %d: got %s, want %s", _i, b.data, json_cases[_i].out);
	buf_free(&b);
}
END_TEST

START_TEST(test_json_checked_at_is_rfc3339_utc)
{
	struct buf	 b;
	struct zone	*z = fixture_zones.v[1];

	buf_init(&b);
	z->checked_at = 951782400 + 86399;	/* leap day 2000, 23:59:59 */
	render_json_zone(&b, z);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\"checked_at\":\"2000-02-29T23:59:59Z\""));
	buf_free(&b);
}
END_TEST

START_TEST(test_metrics_golden)
{
	struct buf	 b;
	char		*stable;

	buf_init(&b);
	render_metrics(&b, &fixture, false);
	stable = metrics_stable_part(b.data);
	golden_compare("metrics.prom", stable);
	free(stable);
	buf_free(&b);
}
END_TEST

START_TEST(test_openmetrics_golden)
{
	struct buf	 b;
	char		*stable;

	buf_init(&b);
	render_metrics(&b, &fixture, true);
	stable = metrics_stable_part(b.data);
	golden_compare("metrics.om", stable);
	free(stable);
	buf_free(&b);
}
END_TEST

/* OpenMetrics names counter families without _total; samples keep it. */
START_TEST(test_openmetrics_counters_and_eof)
{
	struct buf	 b;
	const char	*eof;

	buf_init(&b);
	render_metrics(&b, &fixture, true);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\n# TYPE zonehealth_runs_started counter\n"));
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\n# HELP zonehealth_runs_started "));
	ck_assert_ptr_nonnull(strstr(b.data, "\nzonehealth_runs_started_total 42\n"));
	ck_assert_ptr_null(strstr(b.data, "_total counter"));
	ck_assert_ptr_nonnull(strstr(b.data, "# TYPE zonehealth_build info\n"));
	eof = strstr(b.data, "# EOF\n");
	ck_assert_ptr_nonnull(eof);
	ck_assert_uint_eq((size_t)(eof - b.data) + 6, b.len);

	/* The text format has none of that. */
	buf_reset(&b);
	render_metrics(&b, &fixture, false);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\n# TYPE zonehealth_runs_started_total counter\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "# TYPE zonehealth_build_info gauge\n"));
	ck_assert_ptr_null(strstr(b.data, "# EOF"));
	buf_free(&b);
}
END_TEST

START_TEST(test_metrics_label_escaping)
{
	struct buf	 b;
	struct zone	*z = fixture_zones.v[1];

	free(z->name);
	z->name = xstrdup("q\"b\\s\nn.");
	buf_init(&b);
	render_metrics(&b, &fixture, false);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\nzonehealth_zone_status{zone=\"q\\\"b\\\\s\\nn.\"} 0\n"));
	buf_free(&b);
}
END_TEST

START_TEST(test_metrics_number_format)
{
	static const struct {
		double		 v;
		const char	*text;
	} cases[] = {
		{ 0.1, "0.1" }, { 1e-7, "1e-07" },
		{ 123456789.125, "123456789.125" }, { 1.0 / 3, "0.3333333333333333" },
		{ 1e20, "1e+20" }, { 4294967296.0, "4294967296" },
	};
	struct buf	 b;
	struct zone	*z = fixture_zones.v[1];
	char		*want;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		z->last_run_duration = cases[i].v;
		buf_reset(&b);
		render_metrics(&b, &fixture, false);
		want = xasprintf("\nzonehealth_zone_last_run_duration_seconds"
		    "{zone=\"b.example.\"} %s\n", cases[i].text);
		ck_assert_msg(strstr(b.data, want) != NULL, "%g: want %s", cases[i].v,
		    cases[i].text);
		free(want);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_metrics_process)
{
	struct buf	 b;
	struct procstat	 ps;
	time_t		 now = time(NULL);

	procstat_read(&ps);
	ck_assert(ps.ok);
	ck_assert(ps.cpu_seconds >= 0);
	ck_assert(ps.resident_bytes > 0);
	ck_assert(ps.virtual_bytes >= ps.resident_bytes);
	ck_assert(ps.open_fds >= 3);
	ck_assert(ps.max_fds >= ps.open_fds);
	/* This process started moments ago (boot-time rounding aside). */
	ck_assert(ps.start_time > (double)now - 3600);
	ck_assert(ps.start_time < (double)now + 2);

	buf_init(&b);
	render_metrics(&b, &fixture, false);
	ck_assert_ptr_nonnull(strstr(b.data, "\n# TYPE process_cpu_seconds_total counter\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "\nprocess_open_fds "));
	ck_assert_ptr_nonnull(strstr(b.data, "\nprocess_max_fds "));
	ck_assert_ptr_nonnull(strstr(b.data, "\nprocess_resident_memory_bytes "));
	buf_reset(&b);
	render_metrics(&b, &fixture, true);
	ck_assert_ptr_nonnull(strstr(b.data, "\n# TYPE process_cpu_seconds counter\n"));
	buf_free(&b);
}
END_TEST

/* promtool is what Prometheus users run; CI has it, a laptop may not. */
START_TEST(test_metrics_promtool)
{
	struct buf	 b;
	char		 path[] = "/tmp/unit_render.XXXXXX";
	char		*cmd;
	FILE		*f;
	int		 fd, status;

	if (system("command -v promtool >/dev/null 2>&1") != 0) {
		ck_assert_msg(getenv("CI") == NULL, "promtool is not installed");
		fprintf(stderr, "unit_render: promtool not installed; skipped\n");
		return;
	}
	buf_init(&b);
	render_metrics(&b, &fixture, false);
	ck_assert((fd = mkstemp(path)) != -1);
	ck_assert((f = fdopen(fd, "w")) != NULL);
	ck_assert(fwrite(b.data, 1, b.len, f) == b.len && fclose(f) == 0);
	cmd = xasprintf("promtool check metrics < %s", path);
	status = system(cmd);
	unlink(path);
	ck_assert_msg(status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "promtool check metrics failed:\n%s", b.data);
	free(cmd);
	buf_free(&b);
}
END_TEST

START_TEST(test_html_escape)
{
	struct buf	b;

	buf_init(&b);
	render_html_escape(&b, "<a href=\"x\">Tom & Jerry's</a>");
	ck_assert_str_eq(b.data,
	    "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	buf_free(&b);
}
END_TEST

START_TEST(test_html_index)
{
	struct buf	 b;
	struct zone	*z = fixture_zones.v[2];

	free(z->name);
	z->name = xstrdup("<script>x.");
	buf_init(&b);
	render_html_index(&b, &fixture);
	ck_assert(strncmp(b.data, "<!DOCTYPE html>\n", 16) == 0);
	ck_assert_ptr_nonnull(strstr(b.data, "<title>zonehealth</title>"));
	ck_assert_ptr_nonnull(strstr(b.data, "href=\"/metrics\""));
	ck_assert_ptr_nonnull(strstr(b.data, "href=\"/api/v1/zones\""));
	ck_assert_ptr_nonnull(strstr(b.data, "href=\"/healthz\""));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;script&gt;x."));
	ck_assert_ptr_null(strstr(b.data, "<script"));
	/* Self-contained: nothing fetched from elsewhere. */
	ck_assert_ptr_null(strstr(b.data, "src="));
	ck_assert_ptr_null(strstr(b.data, "http://"));
	ck_assert_ptr_null(strstr(b.data, "https://"));
	ck_assert_ptr_nonnull(strstr(b.data, "<li>zones<b>4</b></li>"));
	ck_assert_ptr_nonnull(strstr(b.data,
	    "<span class=\"badge critical\">critical</span><b>1</b>"));
	ck_assert_ptr_nonnull(strstr(b.data,
	    "<span class=\"badge unknown\">unknown</span><b>1</b>"));
	ck_assert_ptr_nonnull(strstr(b.data, "2026-01-01 00:00:00 UTC"));
	ck_assert_ptr_nonnull(strstr(b.data, "250 ms"));
	ck_assert_ptr_nonnull(strstr(b.data, "1.50 s"));
	ck_assert_ptr_nonnull(strstr(b.data, "rrsig_expired"));
	ck_assert_ptr_nonnull(strstr(b.data, "re-sign the zone on the primary"));
	ck_assert(b.len > 0 && strcmp(b.data + b.len - 8, "</html>\n") == 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_html_order_and_filters)
{
	struct buf		 b;
	struct html_filter	 f = { NULL, NULL };
	const char		*a, *d, *bz, *c;

	buf_init(&b);
	render_html_page(&b, &fixture, NULL);
	/* Worst first: a (critical), d (warning), c (unknown), b (ok). */
	ck_assert_ptr_nonnull(a = strstr(b.data, "<a href=\"/zone/a.example.\">"));
	ck_assert_ptr_nonnull(d = strstr(b.data, "<a href=\"/zone/d.example.\">"));
	ck_assert_ptr_nonnull(c = strstr(b.data, "<a href=\"/zone/c.example.\">"));
	ck_assert_ptr_nonnull(bz = strstr(b.data, "<a href=\"/zone/b.example.\">"));
	ck_assert(a < d && d < c && c < bz);
	/* The form offers the causes present. */
	ck_assert_ptr_nonnull(strstr(b.data, "<option>rrsig_expired</option>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<option>ns_set_mismatch</option>"));
	ck_assert_ptr_null(strstr(b.data, "<option>lame_delegation</option>"));
	buf_free(&b);

	f.status = "warning";
	render_html_page(&b, &fixture, &f);
	ck_assert_ptr_nonnull(strstr(b.data, "/zone/d.example."));
	ck_assert_ptr_null(strstr(b.data, "/zone/a.example."));
	ck_assert_ptr_nonnull(strstr(b.data, "<option selected>warning</option>"));
	buf_free(&b);

	f.status = NULL;
	f.cause = "rrsig_expired";
	render_html_page(&b, &fixture, &f);
	ck_assert_ptr_nonnull(strstr(b.data, "/zone/a.example."));
	ck_assert_ptr_null(strstr(b.data, "/zone/d.example."));
	ck_assert_ptr_null(strstr(b.data, "data-cause=\"ns_set_mismatch\""));
	buf_free(&b);

	f.cause = "no_such_cause";
	render_html_page(&b, &fixture, &f);
	ck_assert_ptr_nonnull(strstr(b.data, "No zone matches the filter."));
	/* Only known causes are offered, whatever the query said. */
	ck_assert_ptr_null(strstr(b.data, "no_such_cause"));
	buf_free(&b);
}
END_TEST

START_TEST(test_html_zone_page)
{
	struct buf	 b;

	buf_init(&b);
	render_html_zone_page(&b, &fixture, fixture_zones.v[0]);
	ck_assert_ptr_nonnull(strstr(b.data, "<h2 id=\"zone\">a.example. "
	    "<span class=\"badge critical\">critical</span></h2>"));
	ck_assert_ptr_nonnull(strstr(b.data, "signed (DS at the parent)"));
	ck_assert_ptr_nonnull(strstr(b.data, "<th>dnssec</th><td>critical</td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<th>rate_limit</th><td>could not run</td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "id=\"resolvers\""));
	ck_assert_ptr_nonnull(strstr(b.data, "7 signature &quot;expired&quot;"));
	ck_assert_ptr_nonnull(strstr(b.data, "id=\"hosts\""));
	ck_assert_ptr_nonnull(strstr(b.data, "2001:db8::80"));
	ck_assert_ptr_nonnull(strstr(b.data, "re-sign the zone on the primary"));
	ck_assert_ptr_nonnull(strstr(b.data, "href=\"/api/v1/zones/a.example.\""));
	ck_assert(strcmp(b.data + b.len - 8, "</html>\n") == 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_metrics_server_detail)
{
	struct buf		 b;
	struct zone		*z = fixture_zones.v[0];
	struct server_detail	*d;

	buf_init(&b);
	render_metrics(&b, &fixture, false);
	ck_assert_ptr_null(strstr(b.data, "zonehealth_server_serial"));
	buf_free(&b);

	d = check_memory_detail(&z->memory, "ns1.a.example.", "192.0.2.1");
	d->has_serial = true;
	d->serial = 7;
	d->has_expiry = true;
	d->expiry = T0 + 86400;
	d = check_memory_detail(&z->memory, "ns2.a.example.", "192.0.2.2");
	d->has_serial = true;
	d->serial = 6;
	fixture.server_detail = true;
	render_metrics(&b, &fixture, false);
	ck_assert_ptr_nonnull(strstr(b.data, "zonehealth_server_serial{zone=\"a.example.\","
	    "server=\"ns1.a.example.\",address=\"192.0.2.1\"} 7\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "zonehealth_server_serial{zone=\"a.example.\","
	    "server=\"ns2.a.example.\",address=\"192.0.2.2\"} 6\n"));
	ck_assert_ptr_nonnull(strstr(b.data,
	    "zonehealth_server_dnssec_earliest_expiry_timestamp_seconds{zone=\"a.example.\","
	    "server=\"ns1.a.example.\",address=\"192.0.2.1\"} 1767312000\n"));
	ck_assert_ptr_null(strstr(b.data, "server=\"ns2.a.example.\",address=\"192.0.2.2\"} 17"));
	buf_free(&b);
}
END_TEST

START_TEST(test_versions)
{
	ck_assert(*version_libevent() != '\0');
	ck_assert(*version_ldns() != '\0');
	ck_assert(*version_libmicrohttpd() != '\0');
	ck_assert(*version_libyaml() != '\0');
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("render");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_json_zones_golden);
	tcase_add_test(tc, test_json_zone_unknown_and_error);
	tcase_add_loop_test(tc, test_json_string_escaping, 0,
	    (int)(sizeof(json_cases) / sizeof(json_cases[0])));
	tcase_add_test(tc, test_json_checked_at_is_rfc3339_utc);
	tcase_add_test(tc, test_metrics_golden);
	tcase_add_test(tc, test_openmetrics_golden);
	tcase_add_test(tc, test_openmetrics_counters_and_eof);
	tcase_add_test(tc, test_metrics_label_escaping);
	tcase_add_test(tc, test_metrics_number_format);
	tcase_add_test(tc, test_metrics_process);
	tcase_add_test(tc, test_metrics_promtool);
	tcase_add_test(tc, test_html_escape);
	tcase_add_test(tc, test_html_index);
	tcase_add_test(tc, test_html_order_and_filters);
	tcase_add_test(tc, test_html_zone_page);
	tcase_add_test(tc, test_metrics_server_detail);
	tcase_add_test(tc, test_versions);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
