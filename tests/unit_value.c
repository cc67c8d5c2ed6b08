/* unit_value: the config value parsers: durations, numbers, addresses, names. */
#include "zhbuild.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "unit_main.h"

/* Parses s as a duration that must be good, and returns milliseconds. */
static uint64_t
duration_ok(const char *s)
{
	const char	*why = NULL;
	uint64_t	 ms = 0;

	ck_assert_msg(value_parse_duration(s, &ms, &why) == 0,
	    "\"%s\" rejected: %s", s, why);
	return ms;
}

/* Parses s as a duration that must be bad, and returns the reason. */
static const char *
duration_bad(const char *s)
{
	const char	*why = NULL;
	uint64_t	 ms = 12345;

	ck_assert_msg(value_parse_duration(s, &ms, &why) == -1,
	    "\"%s\" accepted as %llu ms", s, (unsigned long long)ms);
	ck_assert_ptr_nonnull(why);
	ck_assert_uint_eq(ms, 12345);	/* untouched on error */
	return why;
}

START_TEST(test_duration_units)
{
	ck_assert_uint_eq(duration_ok("500ms"), 500);
	ck_assert_uint_eq(duration_ok("30s"), 30000);
	ck_assert_uint_eq(duration_ok("5m"), 300000);
	ck_assert_uint_eq(duration_ok("2h"), 7200000);
	ck_assert_uint_eq(duration_ok("7d"), 604800000);
	ck_assert_uint_eq(duration_ok("0s"), 0);
	ck_assert_uint_eq(duration_ok("0ms"), 0);
	ck_assert_uint_eq(duration_ok("007s"), 7000);
}
END_TEST

START_TEST(test_duration_sums)
{
	ck_assert_uint_eq(duration_ok("1h30m"), 5400000);
	ck_assert_uint_eq(duration_ok("1m30s"), 90000);
	ck_assert_uint_eq(duration_ok("1s500ms"), 1500);
	ck_assert_uint_eq(duration_ok("1d2h3m4s5ms"),
	    86400000ULL + 7200000 + 180000 + 4000 + 5);
	/* "m" followed by "s" is not "ms": the longest unit wins. */
	ck_assert_uint_eq(duration_ok("2ms"), 2);
	ck_assert_uint_eq(duration_ok("2m1s"), 121000);
}
END_TEST

START_TEST(test_duration_bad)
{
	ck_assert_str_eq(duration_bad(""), "empty duration");
	ck_assert_str_eq(duration_bad("30"), "missing unit (e.g. 30s)");
	ck_assert_str_eq(duration_bad("0"), "missing unit (e.g. 30s)");
	ck_assert_str_eq(duration_bad("1h30"), "missing unit (e.g. 30s)");
	ck_assert_str_eq(duration_bad("5x"),
	    "unknown unit (use ms, s, m, h or d)");
	ck_assert_str_eq(duration_bad("1w"),
	    "unknown unit (use ms, s, m, h or d)");
	ck_assert_str_eq(duration_bad("30sec"),
	    "unknown unit (use ms, s, m, h or d)");
	ck_assert_str_eq(duration_bad("5 m"),
	    "unknown unit (use ms, s, m, h or d)");
	ck_assert_str_eq(duration_bad("1.5h"),
	    "unknown unit (use ms, s, m, h or d)");
	ck_assert_str_eq(duration_bad("s"), "expected a number");
	ck_assert_str_eq(duration_bad("-5s"), "expected a number");
	ck_assert_str_eq(duration_bad(" 5s"), "expected a number");
	ck_assert_str_eq(duration_bad("1hm"),
	    "unknown unit (use ms, s, m, h or d)");
}
END_TEST

START_TEST(test_duration_overflow)
{
	/* 2^64 ms does not fit; neither does the sum of two halves of it. */
	ck_assert_str_eq(duration_bad("18446744073709551616ms"),
	    "number too large");
	ck_assert_str_eq(duration_bad("18446744073709551615d"),
	    "duration too large");
	ck_assert_str_eq(duration_bad("213503982335d"), "duration too large");
	ck_assert_str_eq(duration_bad("18446744073709551615ms1ms"),
	    "duration too large");
	ck_assert_uint_eq(duration_ok("18446744073709551615ms"), UINT64_MAX);
	ck_assert_uint_eq(duration_ok("213503982334d"),
	    213503982334ULL * 86400000ULL);
}
END_TEST

START_TEST(test_duration_format)
{
	static const struct {
		uint64_t	 s;
		const char	*want;
	} cases[] = {
		{ 0, "0s" }, { 45, "45s" }, { 60, "1m" }, { 750, "12m30s" },
		{ 3600, "1h" }, { 3659, "1h" }, { 11100, "3h5m" }, { 86400, "1d" },
		{ 187200, "2d4h" }, { UINT64_MAX, "213503982334601d7h" },
	};
	char	out[32];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		value_format_duration(cases[i].s, out, sizeof(out));
		ck_assert_str_eq(out, cases[i].want);
	}
}
END_TEST

START_TEST(test_uint)
{
	const char	*why = NULL;
	uint64_t	 n = 0;

	ck_assert_int_eq(value_parse_uint("0", &n, &why), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(value_parse_uint("42", &n, &why), 0);
	ck_assert_uint_eq(n, 42);
	ck_assert_int_eq(value_parse_uint("18446744073709551615", &n, &why), 0);
	ck_assert_uint_eq(n, UINT64_MAX);

	ck_assert_int_eq(value_parse_uint("18446744073709551616", &n, &why),
	    -1);
	ck_assert_str_eq(why, "number too large");
	ck_assert_int_eq(value_parse_uint("", &n, &why), -1);
	ck_assert_str_eq(why, "not an unsigned integer");
	ck_assert_int_eq(value_parse_uint("+1", &n, &why), -1);
	ck_assert_str_eq(why, "not an unsigned integer");
	ck_assert_int_eq(value_parse_uint("-1", &n, &why), -1);
	ck_assert_int_eq(value_parse_uint("1 ", &n, &why), -1);
	ck_assert_int_eq(value_parse_uint(" 1", &n, &why), -1);
	ck_assert_int_eq(value_parse_uint("0x10", &n, &why), -1);
	ck_assert_int_eq(value_parse_uint("1e3", &n, &why), -1);
	ck_assert_str_eq(why, "not an unsigned integer");
}
END_TEST

/* Parses an address that must be good and formats it back, port always. */
static const char *
addr_ok(const char *s, uint16_t def, bool port_allowed)
{
	static char		 out[128];
	struct value_addr	 a;
	const char		*why = NULL;

	ck_assert_msg(value_parse_address(s, def, port_allowed, &a, &why) == 0,
	    "\"%s\" rejected: %s", s, why);
	ck_assert(!a.any);
	if (a.ss.ss_family == AF_INET)
		ck_assert_uint_eq(a.len, sizeof(struct sockaddr_in));
	else
		ck_assert_uint_eq(a.len, sizeof(struct sockaddr_in6));
	/* 0 is never a port here, so the port is always shown. */
	value_format_addr((struct sockaddr *)&a.ss, out, sizeof(out), 0);
	return out;
}

static const char *
addr_bad(const char *s, bool port_allowed)
{
	struct value_addr	 a;
	const char		*why = NULL;

	ck_assert_msg(value_parse_address(s, 53, port_allowed, &a, &why) == -1,
	    "\"%s\" accepted", s);
	ck_assert_ptr_nonnull(why);
	return why;
}

START_TEST(test_address_good)
{
	ck_assert_str_eq(addr_ok("192.0.2.1", 53, true), "192.0.2.1:53");
	ck_assert_str_eq(addr_ok("192.0.2.1:5353", 53, true), "192.0.2.1:5353");
	ck_assert_str_eq(addr_ok("192.0.2.1", 0, false), "192.0.2.1");
	ck_assert_str_eq(addr_ok("2001:db8::1", 53, true), "[2001:db8::1]:53");
	/* A bare IPv6 address has no port: the last group is not one. */
	ck_assert_str_eq(addr_ok("2001:db8::53", 53, true),
	    "[2001:db8::53]:53");
	ck_assert_str_eq(addr_ok("[2001:db8::1]:5300", 53, true),
	    "[2001:db8::1]:5300");
	ck_assert_str_eq(addr_ok("[2001:DB8:0::1]", 53, true),
	    "[2001:db8::1]:53");
	ck_assert_str_eq(addr_ok("::1", 0, false), "::1");
	ck_assert_str_eq(addr_ok("[::1]", 0, false), "::1");
	ck_assert_str_eq(addr_ok("::ffff:192.0.2.1", 53, true),
	    "[::ffff:192.0.2.1]:53");
	ck_assert_str_eq(addr_ok("192.0.2.1:65535", 53, true),
	    "192.0.2.1:65535");
}
END_TEST

START_TEST(test_address_bad)
{
	ck_assert_str_eq(addr_bad("", true), "empty address");
	ck_assert_str_eq(addr_bad("ns1.example.com", true),
	    "not a numeric IPv4 or IPv6 address");
	ck_assert_str_eq(addr_bad("192.0.2", true),
	    "not a numeric IPv4 or IPv6 address");
	ck_assert_str_eq(addr_bad("192.0.2.256", true),
	    "not a numeric IPv4 or IPv6 address");
	ck_assert_str_eq(addr_bad("2001:db8::g", true),
	    "not a numeric IPv4 or IPv6 address");
	ck_assert_str_eq(addr_bad("[192.0.2.1]:53", true),
	    "not a numeric IPv6 address");
	ck_assert_str_eq(addr_bad("[::1", true),
	    "missing ']' after an IPv6 address");
	ck_assert_str_eq(addr_bad("[::1]53", true),
	    "expected ':port' after ']'");
	ck_assert_str_eq(addr_bad("192.0.2.1:", true), "missing port after ':'");
	ck_assert_str_eq(addr_bad("192.0.2.1:dns", true),
	    "port is not a number");
	ck_assert_str_eq(addr_bad("192.0.2.1:65536", true),
	    "port out of range (1..65535)");
	ck_assert_str_eq(addr_bad("192.0.2.1:0", true),
	    "port out of range (1..65535)");
	ck_assert_str_eq(addr_bad("[::1]:99999999999999999999999", true),
	    "port out of range (1..65535)");
	ck_assert_str_eq(addr_bad("192.0.2.1 ", true),
	    "not a numeric IPv4 or IPv6 address");
}
END_TEST

START_TEST(test_address_port_not_allowed)
{
	ck_assert_str_eq(addr_bad("192.0.2.1:53", false),
	    "a port is not allowed here");
	ck_assert_str_eq(addr_bad("[2001:db8::1]:53", false),
	    "a port is not allowed here");
}
END_TEST

static const char *
listen_ok(const char *s, bool *any)
{
	static char		 out[128];
	struct value_addr	 a;
	const char		*why = NULL;

	ck_assert_msg(value_parse_listen(s, &a, &why) == 0,
	    "\"%s\" rejected: %s", s, why);
	*any = a.any;
	value_format_addr((struct sockaddr *)&a.ss, out, sizeof(out), 1);
	return out;
}

static const char *
listen_bad(const char *s)
{
	struct value_addr	 a;
	const char		*why = NULL;

	ck_assert_msg(value_parse_listen(s, &a, &why) == -1,
	    "\"%s\" accepted", s);
	ck_assert_ptr_nonnull(why);
	return why;
}

START_TEST(test_listen)
{
	struct value_addr	 a;
	struct sockaddr_in6	*sin6;
	const char		*why;
	bool			 any;

	ck_assert_str_eq(listen_ok("127.0.0.1:10353", &any), "127.0.0.1:10353");
	ck_assert(!any);
	ck_assert_str_eq(listen_ok("[::1]:8080", &any), "[::1]:8080");
	ck_assert(!any);
	ck_assert_str_eq(listen_ok("localhost:9000", &any), "127.0.0.1:9000");
	ck_assert(!any);
	/* Port 0: the kernel picks one and the daemon reports it. */
	ck_assert_str_eq(listen_ok("127.0.0.1:0", &any), "127.0.0.1:0");
	ck_assert_str_eq(listen_ok(":10353", &any), "[::]:10353");
	ck_assert(any);

	ck_assert_int_eq(value_parse_listen(":0", &a, &why), 0);
	ck_assert(a.any);
	ck_assert_int_eq(a.ss.ss_family, AF_INET6);
	ck_assert_uint_eq(a.len, sizeof(struct sockaddr_in6));
	sin6 = (struct sockaddr_in6 *)&a.ss;
	ck_assert(memcmp(&sin6->sin6_addr, &in6addr_any,
	    sizeof(in6addr_any)) == 0);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 0);
}
END_TEST

START_TEST(test_listen_bad)
{
	ck_assert_str_eq(listen_bad(""), "empty listen address");
	ck_assert_str_eq(listen_bad("127.0.0.1"), "missing port (e.g. :10353)");
	ck_assert_str_eq(listen_bad("localhost"), "missing port (e.g. :10353)");
	ck_assert_str_eq(listen_bad("[::1]"), "missing port (e.g. :10353)");
	ck_assert_str_eq(listen_bad("::1"),
	    "IPv6 needs brackets and a port (e.g. [::1]:10353)");
	ck_assert_str_eq(listen_bad(":"), "missing port after ':'");
	ck_assert_str_eq(listen_bad(":65536"), "port out of range (0..65535)");
	ck_assert_str_eq(listen_bad(":http"), "port is not a number");
	ck_assert_str_eq(listen_bad("example.com:80"),
	    "not a numeric address or localhost");
	ck_assert_str_eq(listen_bad("[127.0.0.1]:80"),
	    "not a numeric IPv6 address");
}
END_TEST

static const char *
domain_ok(const char *s)
{
	static char	 out[300];
	const char	*why = NULL;
	char		*name = NULL;

	ck_assert_msg(value_parse_domain(s, &name, &why) == 0,
	    "\"%s\" rejected: %s", s, why);
	ck_assert_uint_lt(strlen(name), sizeof(out));
	strcpy(out, name);
	free(name);
	return out;
}

static const char *
domain_bad(const char *s)
{
	const char	*why = NULL;
	char		*name = NULL;

	ck_assert_msg(value_parse_domain(s, &name, &why) == -1,
	    "\"%s\" accepted as %s", s, name);
	ck_assert_ptr_null(name);
	ck_assert_ptr_nonnull(why);
	return why;
}

/* A name of n characters: labels of 63, dot-separated, ending where n does. */
static char *
long_name(size_t n)
{
	char	*s;
	size_t	 i;

	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++)
		s[i] = (i % 64 == 63) ? '.' : 'a';
	s[n] = '\0';
	return s;
}

START_TEST(test_domain)
{
	char	*s;

	ck_assert_str_eq(domain_ok("example.com"), "example.com.");
	ck_assert_str_eq(domain_ok("example.com."), "example.com.");
	ck_assert_str_eq(domain_ok("Example.COM"), "example.com.");
	ck_assert_str_eq(domain_ok("."), ".");
	ck_assert_str_eq(domain_ok("com"), "com.");
	ck_assert_str_eq(domain_ok("_dmarc.example.com"), "_dmarc.example.com.");
	ck_assert_str_eq(domain_ok("xn--bcher-kva.example"),
	    "xn--bcher-kva.example.");
	/* Liberal where real zones are odd. */
	ck_assert_str_eq(domain_ok("-a-.example"), "-a-.example.");
	ck_assert_str_eq(domain_ok("123.in-addr.arpa"), "123.in-addr.arpa.");
	ck_assert_str_eq(domain_ok("*.example.com"), "*.example.com.");

	/* 63-character label; 253 characters (255 on the wire). */
	s = long_name(63);
	ck_assert_uint_eq(strlen(domain_ok(s)), 64);
	free(s);
	s = long_name(253);
	ck_assert_uint_eq(strlen(domain_ok(s)), 254);
	free(s);
}
END_TEST

START_TEST(test_domain_bad)
{
	char	*s;

	ck_assert_str_eq(domain_bad(""), "empty name");
	ck_assert_str_eq(domain_bad(".."), "empty label");
	ck_assert_str_eq(domain_bad("a..b"), "empty label");
	ck_assert_str_eq(domain_bad(".example.com"), "empty label");
	ck_assert_str_eq(domain_bad("example.com.."), "empty label");
	ck_assert_str_eq(domain_bad("exa mple.com"),
	    "bad character (letters, digits, '-' and '_' only)");
	ck_assert_str_eq(domain_bad("example.com/24"),
	    "bad character (letters, digits, '-' and '_' only)");
	ck_assert_str_eq(domain_bad("user@example.com"),
	    "bad character (letters, digits, '-' and '_' only)");
	ck_assert_str_eq(domain_bad("b\xc3\xbc" "cher.example"),
	    "bad character (letters, digits, '-' and '_' only)");
	ck_assert_str_eq(domain_bad("a.*.example"),
	    "bad character (letters, digits, '-' and '_' only)");
	ck_assert_str_eq(domain_bad("**.example"),
	    "bad character (letters, digits, '-' and '_' only)");

	s = long_name(64);
	s[63] = 'a';
	ck_assert_str_eq(domain_bad(s), "label longer than 63 characters");
	free(s);
	s = long_name(254);
	ck_assert_str_eq(domain_bad(s), "name longer than 253 characters");
	free(s);
}
END_TEST

START_TEST(test_format_addr)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct sockaddr		 other;
	char			 out[64];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	ck_assert_int_eq(inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr), 1);
	value_format_addr((struct sockaddr *)&sin, out, sizeof(out), 53);
	ck_assert_str_eq(out, "192.0.2.1");
	value_format_addr((struct sockaddr *)&sin, out, sizeof(out), 0);
	ck_assert_str_eq(out, "192.0.2.1:53");

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(5353);
	ck_assert_int_eq(inet_pton(AF_INET6, "::1", &sin6.sin6_addr), 1);
	value_format_addr((struct sockaddr *)&sin6, out, sizeof(out), 5353);
	ck_assert_str_eq(out, "::1");
	value_format_addr((struct sockaddr *)&sin6, out, sizeof(out), 53);
	ck_assert_str_eq(out, "[::1]:5353");

	/* Truncated, but always terminated. */
	value_format_addr((struct sockaddr *)&sin6, out, 4, 53);
	ck_assert_str_eq(out, "[::");

	memset(&other, 0, sizeof(other));
	other.sa_family = AF_UNIX;
	value_format_addr(&other, out, sizeof(out), 0);
	ck_assert_str_eq(out, "?");
}
END_TEST

static Suite *
value_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("value");
	tc = tcase_create("duration");
	tcase_add_test(tc, test_duration_units);
	tcase_add_test(tc, test_duration_sums);
	tcase_add_test(tc, test_duration_bad);
	tcase_add_test(tc, test_duration_overflow);
	tcase_add_test(tc, test_duration_format);
	tcase_add_test(tc, test_uint);
	suite_add_tcase(s, tc);

	tc = tcase_create("address");
	tcase_add_test(tc, test_address_good);
	tcase_add_test(tc, test_address_bad);
	tcase_add_test(tc, test_address_port_not_allowed);
	tcase_add_test(tc, test_listen);
	tcase_add_test(tc, test_listen_bad);
	tcase_add_test(tc, test_format_addr);
	suite_add_tcase(s, tc);

	tc = tcase_create("domain");
	tcase_add_test(tc, test_domain);
	tcase_add_test(tc, test_domain_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(value_suite());
}
