/* unit_http: the request handling that needs no socket (routes, names, Accept). */
#include "zhbuild.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "routes.h"
#include "snapshot.h"
#include "xmalloc.h"
#include "zone.h"
#include "unit_main.h"

static struct zone_set	 zones;
static unsigned		 status_calls;

static void
fixture_setup(void)
{
	static const char *const names[] = { "a.example.", "b.example." };
	struct zone		*z;
	size_t			 i;

	memset(&zones, 0, sizeof(zones));
	for (i = 0; i < 2; i++) {
		z = xcalloc(1, sizeof(*z));
		z->name = xstrdup(names[i]);
		zones.v = xreallocarray(zones.v, zones.n + 1, sizeof(*zones.v));
		zones.v[zones.n++] = z;
	}
}

static void
fixture_teardown(void)
{
	zone_set_clear(&zones, true);
}

static void
snapshot_fn(struct snapshot *st, void *arg)
{
	memset(st, 0, sizeof(*st));
	st->zones = arg;
	status_calls++;
}

/* The reply to one request; the body is returned, NUL-terminated. */
static char *
respond(const char *method, const char *url, const char *accept,
    struct routes_reply *r)
{
	status_calls = 0;
	routes_respond(method, url, accept, snapshot_fn, &zones, r);
	buf_putc(&r->body, '\0');
	return buf_steal(&r->body, NULL);
}

START_TEST(test_routes)
{
	struct routes_reply	 r;
	char			*body;

	body = respond("GET", "/healthz", NULL, &r);
	ck_assert_uint_eq(r.code, 200);
	ck_assert_str_eq(body, "ok\n");
	ck_assert_str_eq(r.ctype, "text/plain; charset=utf-8");
	ck_assert_uint_eq(status_calls, 1);
	free(body);

	body = respond("HEAD", "/", NULL, &r);
	ck_assert_uint_eq(r.code, 200);
	ck_assert_str_eq(r.ctype, "text/html; charset=utf-8");
	free(body);

	/* Other methods are refused before anything looks at the state. */
	body = respond("POST", "/metrics", NULL, &r);
	ck_assert_uint_eq(r.code, 405);
	ck_assert_str_eq(body, "method not allowed\n");
	ck_assert_uint_eq(status_calls, 0);
	free(body);

	body = respond("GET", "/metrics/extra", NULL, &r);
	ck_assert_uint_eq(r.code, 404);
	ck_assert_str_eq(body, "not found\n");
	ck_assert_uint_eq(status_calls, 0);
	free(body);

	body = respond("GET", "/api/v1/zones", NULL, &r);
	ck_assert_uint_eq(r.code, 200);
	ck_assert_str_eq(r.ctype, "application/json");
	ck_assert_ptr_nonnull(strstr(body, "\"b.example.\""));
	free(body);
}
END_TEST

START_TEST(test_zone_page)
{
	struct routes_reply	 r;
	char			*body;

	body = respond("GET", "/api/v1/zones/A.Example", NULL, &r);
	ck_assert_uint_eq(r.code, 200);
	ck_assert_ptr_nonnull(strstr(body, "\"zone\":\"a.example.\""));
	free(body);

	body = respond("GET", "/api/v1/zones/c.example.", NULL, &r);
	ck_assert_uint_eq(r.code, 404);
	ck_assert_str_eq(r.ctype, "application/json");
	free(body);

	body = respond("GET", "/api/v1/zones/", NULL, &r);
	ck_assert_uint_eq(r.code, 404);
	free(body);
}
END_TEST

/* Names from URLs: what no zone can be called never reaches a run (a
 * /probe of "a..b.test" once stopped the daemon in the runner). */
START_TEST(test_zone_name)
{
	char	out[257], big[300], label[70];

	ck_assert_int_eq(routes_zone_name("Example.COM", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "example.com.");
	ck_assert_int_eq(routes_zone_name("example.com.", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "example.com.");
	ck_assert_int_eq(routes_zone_name("_tcp.x-y", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "_tcp.x-y.");
	ck_assert_int_eq(routes_zone_name(".", out, sizeof(out)), 0);
	ck_assert_str_eq(out, ".");
	ck_assert_int_eq(routes_zone_name("", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("a b", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("a/b", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("\xc3\xa9", out, sizeof(out)), -1);
	/* Empty labels, wherever they are. */
	ck_assert_int_eq(routes_zone_name("a..b.test", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name(".test", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("..", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("test..", out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("a.*.test", out, sizeof(out)), -1);
	/* A label of 63 octets fits, 64 does not (RFC 1035 2.3.4). */
	memset(label, 'a', sizeof(label));
	label[63] = '\0';
	snprintf(big, sizeof(big), "%s.test", label);
	ck_assert_int_eq(routes_zone_name(big, out, sizeof(out)), 0);
	label[63] = 'a';
	label[64] = '\0';
	snprintf(big, sizeof(big), "%s.test", label);
	ck_assert_int_eq(routes_zone_name(big, out, sizeof(out)), -1);
	/* 253 characters of text (255 octets on the wire) fit, 254 do not. */
	label[63] = '\0';
	snprintf(big, sizeof(big), "%s.%s.%s.%.61s", label, label, label, label);
	ck_assert_uint_eq(strlen(big), 253);
	ck_assert_int_eq(routes_zone_name(big, out, sizeof(out)), 0);
	ck_assert_uint_eq(strlen(out), 254);
	snprintf(big, sizeof(big), "%s.%s.%s.%.62s", label, label, label, label);
	ck_assert_int_eq(routes_zone_name(big, out, sizeof(out)), -1);
	ck_assert_int_eq(routes_zone_name("example", out, 8), -1);
}
END_TEST

START_TEST(test_accept)
{
	struct routes_reply	 r;
	char			*body;

	ck_assert(!routes_accept_openmetrics(NULL));
	ck_assert(!routes_accept_openmetrics("text/plain"));
	/* Issue 17: weights (RFC 9110 12.5.1). */
	ck_assert(!routes_accept_openmetrics("application/openmetrics-text;q=0, "
	    "text/plain"));
	ck_assert(!routes_accept_openmetrics("application/openmetrics-text;q=0.3,"
	    "text/plain;q=0.9"));
	ck_assert(!routes_accept_openmetrics("application/openmetrics-text;q=x"));
	ck_assert(!routes_accept_openmetrics("text/plain, application/openmetrics-"
	    "textual"));
	ck_assert(routes_accept_openmetrics("application/openmetrics-text"));
	ck_assert(routes_accept_openmetrics("text/plain;q=0.2, application/"
	    "openmetrics-text ;version=1.0.0"));
	/* What Prometheus 2.42 sends. */
	ck_assert(routes_accept_openmetrics("application/openmetrics-text;"
	    "version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
	    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
	ck_assert(routes_accept_openmetrics("Application/OpenMetrics-Text; "
	    "version=1.0.0,text/plain;q=0.5"));

	body = respond("GET", "/metrics", "application/openmetrics-text", &r);
	ck_assert_str_eq(r.ctype,
	    "application/openmetrics-text; version=1.0.0; charset=utf-8");
	ck_assert(r.vary_accept);
	free(body);
	body = respond("GET", "/metrics", NULL, &r);
	ck_assert_str_eq(r.ctype, "text/plain; version=0.0.4; charset=utf-8");
	ck_assert(r.vary_accept);
	free(body);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc = tcase_create("respond");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_routes);
	tcase_add_test(tc, test_zone_page);
	tcase_add_test(tc, test_zone_name);
	tcase_add_test(tc, test_accept);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(http_suite());
}
