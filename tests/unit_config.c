/* unit_config: loading the YAML config, its errors, and the root data files. */
#include "zhbuild.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "config.h"
#include "rootdata.h"
#include "value.h"
#include "xmalloc.h"
#include "tmpdir.h"
#include "unit_main.h"

#define SECOND	1000ULL
#define MINUTE	(60 * SECOND)
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)

/* Made once per test case in the parent; every forked test writes here. */
static char	tmpdir[256];

static void
tmpdir_setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "unit_config");
}

static void
tmpdir_teardown(void)
{
	tmpdir_remove(tmpdir);
}

static const char *
data_dir(void)
{
	static char	 dir[1024];
	const char	*top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/tests/data",
	    top != NULL && *top != '\0' ? top : ".");
	return dir;
}

/* A file under tests/data; free() it. */
static char *
data_path(const char *name)
{
	return xasprintf("%s/%s", data_dir(), name);
}

/* Writes text to a fresh file in the temporary directory; free() the path. */
static char *
write_tmp(const char *name, const char *text)
{
	return tmpdir_write(tmpdir, name, text, strlen(text));
}

/* A copy of a tests/data file with @DATA@ replaced by the data directory. */
static char *
from_template(const char *name)
{
	char	*src, *text, *out, *at;
	FILE	*fp;
	long	 len;
	size_t	 n = 0, dlen = strlen(data_dir());

	src = data_path(name);
	fp = fopen(src, "r");
	ck_assert_msg(fp != NULL, "cannot read %s", src);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	ck_assert_int_ge(len, 0);
	rewind(fp);
	text = xcalloc((size_t)len + 1, 1);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	free(src);

	/* Room for every "@DATA@" becoming the directory. */
	out = xcalloc((size_t)len + 1 + dlen * ((size_t)len / 6 + 1), 1);
	for (at = text; *at != '\0';) {
		if (strncmp(at, "@DATA@", 6) == 0) {
			memcpy(out + n, data_dir(), dlen);
			n += dlen;
			at += 6;
		} else
			out[n++] = *at++;
	}
	free(text);
	src = write_tmp(name, out);
	free(out);
	return src;
}

/* errs must hold exactly these messages, each prefix + expected[i]. */
static void
check_messages(const struct cfgerr *errs, const char *prefix,
    const char *const *expected, size_t n)
{
	char	*want;
	size_t	 i;

	for (i = 0; i < errs->n && i < n; i++) {
		want = xasprintf("%s%s", prefix, expected[i]);
		ck_assert_str_eq(errs->msgs[i], want);
		free(want);
	}
	if (errs->n != n)
		for (i = 0; i < errs->n; i++)
			fprintf(stderr, "got: %s\n", errs->msgs[i]);
	ck_assert_uint_eq(errs->n, n);
}

/*
 * Loading path must fail with exactly these errors, in order. Each is
 * written without the "FILE:" in front, which is always path.
 */
static void
expect_errors(const char *path, int flags, const char *const *expected,
    size_t n)
{
	struct cfgerr	 errs = { NULL, 0 };
	char			*prefix;

	ck_assert_ptr_null(config_load(path, flags, &errs));
	prefix = xasprintf("%s:", path);
	check_messages(&errs, prefix, expected, n);
	free(prefix);
	cfgerr_clear(&errs);
}

/* expect_errors for YAML given inline. */
static void
expect_yaml_errors(const char *yaml, int flags, const char *const *expected,
    size_t n)
{
	char	*path;

	path = write_tmp("inline.yaml", yaml);
	expect_errors(path, flags, expected, n);
	free(path);
}

/* The one error a line of YAML must give. */
static void
expect_yaml_error(const char *yaml, const char *expected)
{
	expect_yaml_errors(yaml, 0, &expected, 1);
}

/* Loads YAML given inline, which must be good. */
static struct config *
load_yaml(const char *yaml, int flags)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	char			*path;
	size_t			 i;

	path = write_tmp("inline.yaml", yaml);
	cfg = config_load(path, flags, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "unexpected: %s\n", errs.msgs[i]);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(cfg);
	cfgerr_clear(&errs);
	free(path);
	return cfg;
}

static const char *
config_addr_text(const struct value_addr *a, uint16_t omit_port)
{
	static char	out[128];

	value_format_addr((const struct sockaddr *)&a->ss, out, sizeof(out),
	    omit_port);
	return out;
}

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_full)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	const struct config_zone *z;
	char			*path, *want;

	path = from_template("config_full.yaml");
	cfg = config_load(path, CONFIG_ZONES_REQUIRED, &errs);
	if (errs.n > 0)
		fprintf(stderr, "unexpected: %s\n", errs.msgs[0]);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->path, path);

	ck_assert_str_eq(cfg->listen, "[::1]:8053");
	ck_assert_str_eq(config_addr_text(&cfg->listen_addr, 0), "[::1]:8053");
	ck_assert(!cfg->listen_addr.any);
	want = data_path("config_web.yml");
	ck_assert_str_eq(cfg->web_config_file, want);
	free(want);
	ck_assert_uint_eq(cfg->interval_ms, HOUR + 30 * MINUTE);
	ck_assert_uint_eq(cfg->timeout_ms, 1500);
	ck_assert_uint_eq(cfg->retries, 5);

	want = data_path("hints_ok.hints");
	ck_assert_str_eq(cfg->root_hints_path, want);
	free(want);
	want = data_path("anchor_ok.anchor");
	ck_assert_str_eq(cfg->trust_anchor_path, want);
	free(want);
	/* Two NS, three addresses; the stray address is dropped. */
	ck_assert_uint_eq(ldns_rr_list_rr_count(cfg->root_hints), 5);
	ck_assert_uint_eq(ldns_rr_list_rr_count(cfg->trust_anchor), 2);

	ck_assert_uint_eq(cfg->source_addresses.n, 2);
	ck_assert_str_eq(cfg->source_addresses.texts[0], "192.0.2.10");
	ck_assert_str_eq(cfg->source_addresses.texts[1], "2001:db8::10");
	ck_assert_str_eq(config_addr_text(&cfg->source_addresses.addrs[0], 0),
	    "192.0.2.10");
	ck_assert_str_eq(config_addr_text(&cfg->source_addresses.addrs[1], 0),
	    "2001:db8::10");

	ck_assert_uint_eq(cfg->resolvers.n, 4);
	ck_assert_str_eq(cfg->resolvers.texts[2], "[2001:db8::53]:5300");
	ck_assert_str_eq(config_addr_text(&cfg->resolvers.addrs[0], 0),
	    "127.0.0.53:53");
	ck_assert_str_eq(config_addr_text(&cfg->resolvers.addrs[1], 0),
	    "192.0.2.53:5353");
	ck_assert_str_eq(config_addr_text(&cfg->resolvers.addrs[2], 0),
	    "[2001:db8::53]:5300");
	ck_assert_str_eq(config_addr_text(&cfg->resolvers.addrs[3], 0),
	    "[2001:db8::54]:53");

	ck_assert_uint_eq(cfg->server_qps, 50);
	ck_assert_uint_eq(cfg->max_inflight, 500);
	ck_assert_uint_eq(cfg->max_concurrent_runs, 10);
	ck_assert_uint_eq(cfg->expiry_warning_ms, 14 * DAY);
	ck_assert_uint_eq(cfg->serial_grace_ms, 0);
	ck_assert_uint_eq(cfg->burst_size, 0);
	ck_assert_uint_eq(cfg->burst_interval_ms, 2 * HOUR);
	ck_assert_str_eq(cfg->state_file, "/var/lib/zonehealth/state");
	ck_assert_int_eq(cfg->log_level, LOG_LEVEL_DEBUG);
	ck_assert_uint_eq(cfg->shard_index, 2);
	ck_assert_uint_eq(cfg->shard_count, 3);

	ck_assert_uint_eq(cfg->nzones, 3);
	ck_assert_str_eq(cfg->zones[0].name, "example.com.");
	ck_assert_uint_eq(cfg->zones[0].interval_ms, HOUR + 30 * MINUTE);
	ck_assert_uint_eq(cfg->zones[0].nhosts, 0);
	ck_assert_str_eq(cfg->zones[1].name, "example.net.");
	ck_assert_uint_eq(cfg->zones[1].interval_ms, 5 * MINUTE);
	ck_assert_uint_eq(cfg->zones[1].nhosts, 2);
	ck_assert_str_eq(cfg->zones[1].hosts[0].name, "www.example.net.");
	ck_assert_uint_eq(cfg->zones[1].hosts[0].port, 443);
	ck_assert_str_eq(cfg->zones[1].hosts[1].name, "mail.example.net.");
	ck_assert_uint_eq(cfg->zones[1].hosts[1].port, 25);
	ck_assert_str_eq(cfg->zones[2].name, "_tcp.example.org.");
	ck_assert_uint_eq(cfg->zones[2].interval_ms, HOUR + 30 * MINUTE);

	z = config_find_zone(cfg, "example.net.");
	ck_assert_ptr_eq(z, &cfg->zones[1]);
	ck_assert_ptr_null(config_find_zone(cfg, "example.org."));

	config_free(cfg);
	free(path);
}
END_TEST

/* The values every config starts from. */
static void
check_defaults(const struct config *cfg)
{
	ck_assert_str_eq(cfg->listen, ":10353");
	ck_assert(cfg->listen_addr.any);
	ck_assert_int_eq(cfg->listen_addr.ss.ss_family, AF_INET6);
	ck_assert_str_eq(config_addr_text(&cfg->listen_addr, 0), "[::]:10353");
	ck_assert_ptr_null(cfg->web_config_file);
	ck_assert_uint_eq(cfg->interval_ms, 60 * SECOND);
	ck_assert_uint_eq(cfg->timeout_ms, 2 * SECOND);
	ck_assert_uint_eq(cfg->retries, 2);
	/* Debian's files when installed, else the built-in copies. */
	if (access(ROOTDATA_HINTS_PATH, F_OK) == 0)
		ck_assert_str_eq(cfg->root_hints_path, ROOTDATA_HINTS_PATH);
	else
		ck_assert_ptr_null(cfg->root_hints_path);
	if (access(ROOTDATA_ANCHOR_PATH, F_OK) == 0)
		ck_assert_str_eq(cfg->trust_anchor_path, ROOTDATA_ANCHOR_PATH);
	else
		ck_assert_ptr_null(cfg->trust_anchor_path);
	ck_assert_ptr_nonnull(cfg->root_hints);
	ck_assert_ptr_nonnull(cfg->trust_anchor);
	ck_assert_uint_eq(cfg->source_addresses.n, 0);
	ck_assert_uint_eq(cfg->resolvers.n, 0);
	ck_assert_uint_eq(cfg->server_qps, 20);
	ck_assert_uint_eq(cfg->max_inflight, 2000);
	ck_assert_uint_eq(cfg->max_concurrent_runs, 200);
	ck_assert_uint_eq(cfg->expiry_warning_ms, 7 * DAY);
	ck_assert_uint_eq(cfg->serial_grace_ms, 10 * MINUTE);
	ck_assert_uint_eq(cfg->burst_size, 20);
	ck_assert_uint_eq(cfg->burst_interval_ms, HOUR);
	ck_assert_ptr_null(cfg->state_file);
	ck_assert_int_eq(cfg->log_level, LOG_LEVEL_INFO);
	ck_assert_uint_eq(cfg->shard_index, 1);
	ck_assert_uint_eq(cfg->shard_count, 1);
}

START_TEST(test_defaults)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;

	cfg = config_default(&errs);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_null(cfg->path);
	ck_assert_uint_eq(cfg->nzones, 0);
	check_defaults(cfg);
	config_free(cfg);

	cfg = load_yaml("zones: []\n", CONFIG_ZONES_REQUIRED);
	check_defaults(cfg);
	ck_assert_uint_eq(cfg->nzones, 0);
	config_free(cfg);

	/* Without the daemon's flag, "zones" may be left out. */
	cfg = load_yaml("retries: 0\n", 0);
	ck_assert_uint_eq(cfg->retries, 0);
	ck_assert_uint_eq(cfg->nzones, 0);
	config_free(cfg);
}
END_TEST

START_TEST(test_zone_overrides)
{
	struct config	*cfg;
	char		*path;
	struct cfgerr errs = { NULL, 0 };

	path = data_path("config_overrides.yaml");
	cfg = config_load(path, CONFIG_ZONES_REQUIRED, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->interval_ms, 2 * MINUTE);
	ck_assert_uint_eq(cfg->nzones, 3);
	ck_assert_str_eq(cfg->zones[0].name, "a.test.");
	ck_assert_uint_eq(cfg->zones[0].interval_ms, 2 * MINUTE);
	ck_assert_str_eq(cfg->zones[1].name, "b.test.");
	ck_assert_uint_eq(cfg->zones[1].interval_ms, 10 * SECOND);
	ck_assert_str_eq(cfg->zones[2].name, "c.test.");
	ck_assert_uint_eq(cfg->zones[2].interval_ms, 2 * MINUTE);
	ck_assert_uint_eq(cfg->zones[2].nhosts, 0);
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_errors_all_collected)
{
	static const char *const expected[] = {
		"2:9: error: \"listen\": bad listen address \"127.0.0.1\": "
		    "missing port (e.g. :10353)",
		"3:1: error: unknown key \"intervall\" (did you mean "
		    "\"interval\"?)",
		"4:11: error: \"interval\": 500ms is out of range (1s..7d)",
		"5:10: error: \"retries\": expected an unsigned integer, got a "
		    "sequence",
		"6:1: error: duplicate key \"retries\" (first at line 5)",
		"7:10: error: \"timeout\": bad duration \"5\": missing unit "
		    "(e.g. 30s)",
		"8:13: error: \"server_qps\": 0 is out of range (1..10000)",
		"9:15: error: \"max_inflight\": 100001 is out of range "
		    "(1..100000)",
		"10:37: error: \"resolvers\": duplicate address ::1 (first at "
		    "line 10)",
		"10:47: error: \"resolvers\": bad address \"bogus\": not a "
		    "numeric IPv4 or IPv6 address",
		"10:54: error: \"resolvers\": expected an address, got a "
		    "mapping",
		"11:20: error: \"source_addresses\": bad address "
		    "\"192.0.2.1:53\": a port is not allowed here",
		"12:12: error: \"log_level\": \"verbose\" is not one of error, "
		    "warning, notice, info, debug",
		"13:8: error: \"shard\": 3/2 is out of range (1 <= I <= N <= "
		    "1000)",
		"14:18: error: \"web_config_file\": cannot read "
		    "\"/nonexistent/web.yml\": No such file or directory",
		"15:12: error: \"state_file\": expected a path, got nothing",
		"16:17: error: \"expiry_warning\": bad duration \"1x\": unknown "
		    "unit (use ms, s, m, h or d)",
		"17:13: error: \"burst_size\": \"-1\" is not an unsigned "
		    "integer",
		"20:11: error: duplicate zone example.com. (first at line 19)",
		"23:5: error: unknown key \"colour\"",
		"25:35: error: \"port\": 0 is out of range (1..65535)",
		"26:9: error: missing required key \"port\"",
		"27:38: error: unknown key \"proto\"",
		"28:9: error: \"hosts\": expected a mapping with name and port, "
		    "got a scalar",
		"29:5: error: missing required key \"name\"",
		"30:5: error: \"zones\": bad domain name \"a..b\": empty label",
		"31:5: error: \"zones\": expected a zone name or a mapping, got "
		    "a sequence",
	};
	char	*path;

	path = data_path("config_errors.yaml");
	expect_errors(path, CONFIG_ZONES_REQUIRED, expected, NELEMS(expected));
	free(path);
}
END_TEST

START_TEST(test_error_unknown_key)
{
	expect_yaml_error("listen: \":1\"\nfoo: 1\n",
	    "2:1: error: unknown key \"foo\"");
	expect_yaml_error("zone: [a.test]\n",
	    "1:1: error: unknown key \"zone\" (did you mean \"zones\"?)");
	expect_yaml_error("log-level: info\n",
	    "1:1: error: unknown key \"log-level\" (did you mean "
	    "\"log_level\"?)");
	/* Keys are names: a sequence as a key is no name at all. */
	expect_yaml_error("? [a]\n: 1\n",
	    "1:3: error: expected a key name, got a sequence");
}
END_TEST

START_TEST(test_error_unknown_key_in_zone)
{
	static const char *const expected[] = {
		"3:5: error: unknown key \"intervall\" (did you mean "
		    "\"interval\"?)",
		"4:5: error: unknown key \"host\" (did you mean \"hosts\"?)",
	};

	expect_yaml_errors("zones:\n"
	    "  - name: a.test\n"
	    "    intervall: 5m\n"
	    "    host: []\n"
	    "  - b.test\n", CONFIG_ZONES_REQUIRED, expected, NELEMS(expected));
}
END_TEST

START_TEST(test_error_unknown_key_in_host)
{
	static const char *const expected[] = {
		"4:29: error: unknown key \"prot\" (did you mean \"port\"?)",
		"4:9: error: missing required key \"port\"",
		"5:9: error: unknown key \"address\"",
	};

	expect_yaml_errors("zones:\n"
	    "  - name: a.test\n"
	    "    hosts:\n"
	    "      - { name: www.a.test, prot: 443 }\n"
	    "      - address: 192.0.2.1\n"
	    "        name: www.a.test\n"
	    "        port: 80\n", CONFIG_ZONES_REQUIRED, expected,
	    NELEMS(expected));
}
END_TEST

START_TEST(test_error_wrong_type)
{
	expect_yaml_error("retries: {a: 1}\n",
	    "1:10: error: \"retries\": expected an unsigned integer, got a "
	    "mapping");
	expect_yaml_error("interval: [1s]\n",
	    "1:11: error: \"interval\": expected a duration (e.g. 30s), got a "
	    "sequence");
	expect_yaml_error("interval:\n",
	    "1:10: error: \"interval\": expected a duration (e.g. 30s), got "
	    "nothing");
	expect_yaml_error("listen: ~\n",
	    "1:9: error: \"listen\": expected a listen address (host:port or "
	    ":port), got nothing");
	expect_yaml_error("zones: example.com\n",
	    "1:8: error: \"zones\": expected a list of zones, got a scalar");
	expect_yaml_error("resolvers: 127.0.0.53\n",
	    "1:12: error: \"resolvers\": expected a list of addresses, got a "
	    "scalar");
	expect_yaml_error("zones: [{name: a.test, hosts: {name: x, port: 1}}]\n",
	    "1:31: error: \"hosts\": expected a list of hosts, got a mapping");
	expect_yaml_error("zones: [{name: [a.test]}]\n",
	    "1:16: error: \"name\": expected a domain name, got a sequence");
	expect_yaml_error("zones: [{name: a.test, hosts: [{name: x, port: [1]}]}]\n",
	    "1:48: error: \"port\": expected a port number, got a sequence");
	expect_yaml_error("zones: [~]\n",
	    "1:9: error: \"zones\": expected a zone name or a mapping, got "
	    "nothing");
}
END_TEST

START_TEST(test_error_bad_values)
{
	expect_yaml_error("listen: \"example.com:80\"\n",
	    "1:9: error: \"listen\": bad listen address \"example.com:80\": "
	    "not a numeric address or localhost");
	expect_yaml_error("interval: 30\n",
	    "1:11: error: \"interval\": bad duration \"30\": missing unit "
	    "(e.g. 30s)");
	expect_yaml_error("interval: 99999999999999999999d\n",
	    "1:11: error: \"interval\": bad duration "
	    "\"99999999999999999999d\": number too large");
	expect_yaml_error("retries: two\n",
	    "1:10: error: \"retries\": \"two\" is not an unsigned integer");
	expect_yaml_error("retries: \"\"\n",
	    "1:10: error: \"retries\": \"\" is not an unsigned integer");
	expect_yaml_error("state_file: \"\"\n",
	    "1:13: error: \"state_file\": empty path");
	expect_yaml_error("resolvers: [\"[::1\"]\n",
	    "1:13: error: \"resolvers\": bad address \"[::1\": missing ']' "
	    "after an IPv6 address");
	expect_yaml_error("resolvers: [192.0.2.1:0]\n",
	    "1:13: error: \"resolvers\": bad address \"192.0.2.1:0\": port out "
	    "of range (1..65535)");
	expect_yaml_error("source_addresses: [\"[::1]:53\"]\n",
	    "1:20: error: \"source_addresses\": bad address \"[::1]:53\": a "
	    "port is not allowed here");
	expect_yaml_error("zones: [\"exa mple.com\"]\n",
	    "1:9: error: \"zones\": bad domain name \"exa mple.com\": bad "
	    "character (letters, digits, '-' and '_' only)");
	expect_yaml_error("zones: [{name: \"a/b\"}]\n",
	    "1:16: error: \"name\": bad domain name \"a/b\": bad character "
	    "(letters, digits, '-' and '_' only)");
}
END_TEST

START_TEST(test_error_out_of_range)
{
	expect_yaml_error("retries: 11\n",
	    "1:10: error: \"retries\": 11 is out of range (0..10)");
	expect_yaml_error("retries: 99999999999999999999999\n",
	    "1:10: error: \"retries\": 99999999999999999999999 is out of "
	    "range (0..10)");
	expect_yaml_error("timeout: 61s\n",
	    "1:10: error: \"timeout\": 61s is out of range (100ms..1m)");
	expect_yaml_error("timeout: 99ms\n",
	    "1:10: error: \"timeout\": 99ms is out of range (100ms..1m)");
	expect_yaml_error("interval: 7d1ms\n",
	    "1:11: error: \"interval\": 7d1ms is out of range (1s..7d)");
	expect_yaml_error("serial_grace: 1d1s\n",
	    "1:15: error: \"serial_grace\": 1d1s is out of range (0s..1d)");
	expect_yaml_error("expiry_warning: 59m\n",
	    "1:17: error: \"expiry_warning\": 59m is out of range (1h..365d)");
	expect_yaml_error("burst_interval: 59s\n",
	    "1:17: error: \"burst_interval\": 59s is out of range (1m..7d)");
	expect_yaml_error("burst_size: 1001\n",
	    "1:13: error: \"burst_size\": 1001 is out of range (0..1000)");
	expect_yaml_error("max_concurrent_runs: 0\n",
	    "1:22: error: \"max_concurrent_runs\": 0 is out of range "
	    "(1..10000)");
	expect_yaml_error("zones: [{name: a.test, interval: 8d}]\n",
	    "1:34: error: \"interval\": 8d is out of range (1s..7d)");
	expect_yaml_error("zones: [{name: a.test, hosts: [{name: x, port: 65536}]}]\n",
	    "1:48: error: \"port\": 65536 is out of range (1..65535)");
}
END_TEST

START_TEST(test_error_duplicate_keys)
{
	static const char *const expected[] = {
		"3:1: error: duplicate key \"interval\" (first at line 1)",
		"7:5: error: duplicate key \"name\" (first at line 5)",
		"10:28: error: duplicate key \"port\" (first at line 10)",
	};

	expect_yaml_errors("interval: 1m\n"
	    "retries: 1\n"
	    "interval: 2m\n"
	    "zones:\n"
	    "  - name: a.test\n"
	    "    interval: 5m\n"
	    "    name: b.test\n"
	    "  - name: c.test\n"
	    "    hosts:\n"
	    "      - {name: x, port: 1, port: 2}\n", CONFIG_ZONES_REQUIRED,
	    expected, NELEMS(expected));
}
END_TEST

START_TEST(test_error_duplicate_zones)
{
	static const char *const expected[] = {
		"4:11: error: duplicate zone a.test. (first at line 2)",
		"5:5: error: duplicate zone a.test. (first at line 2)",
		"6:5: error: duplicate zone . (first at line 3)",
	};

	expect_yaml_errors("zones:\n"
	    "  - a.test\n"
	    "  - .\n"
	    "  - name: A.TEST.\n"
	    "  - a.test.\n"
	    "  - .\n", CONFIG_ZONES_REQUIRED, expected, NELEMS(expected));
}
END_TEST

START_TEST(test_error_duplicate_addresses)
{
	static const char *const expected[] = {
		"4:5: error: \"source_addresses\": duplicate address 192.0.2.1 "
		    "(first at line 2)",
		"5:5: error: \"source_addresses\": duplicate address 2001:db8::1 "
		    "(first at line 3)",
		"6:40: error: \"resolvers\": duplicate address 192.0.2.1 (first "
		    "at line 6)",
	};

	expect_yaml_errors("source_addresses:\n"
	    "  - 192.0.2.1\n"
	    "  - 2001:db8::1\n"
	    "  - 192.0.2.1\n"
	    "  - 2001:DB8:0:0::1\n"
	    "resolvers: [192.0.2.1, 192.0.2.1:5353, \"192.0.2.1:53\"]\n", 0,
	    expected, NELEMS(expected));
}
END_TEST

START_TEST(test_error_missing_zones)
{
	struct config	*cfg;

	expect_yaml_errors("interval: 30s\n", CONFIG_ZONES_REQUIRED,
	    (const char *const[]){ "1:1: error: missing required key "
	    "\"zones\"" }, 1);
	/* The position is the top mapping's, wherever it starts. */
	expect_yaml_errors("# comment\n\n  retries: 1\n", CONFIG_ZONES_REQUIRED,
	    (const char *const[]){ "3:3: error: missing required key "
	    "\"zones\"" }, 1);
	cfg = load_yaml("interval: 30s\n", 0);
	ck_assert_uint_eq(cfg->nzones, 0);
	config_free(cfg);
}
END_TEST

START_TEST(test_error_syntax)
{
	expect_yaml_error("zones: [a.test\nretries: 2\n",
	    "2:8: error: did not find expected ',' or ']' (while parsing a "
	    "flow sequence at line 1, column 8)");
	expect_yaml_error("retries: 2: 3\n",
	    "1:11: error: mapping values are not allowed in this context");
	expect_yaml_error("retries: 2\n\tinterval: 1m\n",
	    "2:1: error: found a tab character that violates indentation "
	    "(while scanning a plain scalar at line 1, column 10)");
	expect_yaml_error("retries: \"2\n",
	    "2:1: error: found unexpected end of stream (while scanning a "
	    "quoted scalar at line 1, column 10)");
	/* Not UTF-8: libyaml has only an offset, counted back to a line. */
	expect_yaml_error("retries: 2\nstate_file: \"/x\xff\"\n",
	    "2:16: error: invalid leading UTF-8 octet");
}
END_TEST

START_TEST(test_error_documents)
{
	expect_yaml_error("retries: 1\n---\nretries: 2\n",
	    "2:1: error: more than one YAML document (a config is one "
	    "mapping)");
	/* A second document that is broken is reported as such. */
	expect_yaml_error("retries: 1\n---\n[\n",
	    "4:1: error: did not find expected node content (while parsing a "
	    "flow node at line 4, column 1)");
	/* An explicit end marker and nothing after it is one document. */
	config_free(load_yaml("---\nretries: 1\n...\n", 0));
}
END_TEST

START_TEST(test_error_empty)
{
	expect_yaml_error("",
	    "1:1: error: empty config (expected a mapping of keys)");
	expect_yaml_error("# nothing but a comment\n",
	    "1:1: error: empty config (expected a mapping of keys)");
	expect_yaml_error("- a.test\n",
	    "1:1: error: expected a mapping of keys at the top level, got a "
	    "sequence");
	expect_yaml_error("\nzones\n",
	    "2:1: error: expected a mapping of keys at the top level, got a "
	    "scalar");
}
END_TEST

START_TEST(test_error_unreadable)
{
	struct cfgerr	 errs = { NULL, 0 };
	char			*path, *want;

	path = xasprintf("%s/absent.yaml", tmpdir);
	ck_assert_ptr_null(config_load(path, 0, &errs));
	ck_assert_uint_eq(errs.n, 1);
	want = xasprintf("%s:1:1: error: cannot read file: No such file or "
	    "directory", path);
	ck_assert_str_eq(errs.msgs[0], want);
	free(want);
	free(path);
	cfgerr_clear(&errs);

	ck_assert_ptr_null(config_load(tmpdir, 0, &errs));
	ck_assert_uint_eq(errs.n, 1);
	want = xasprintf("%s:1:1: error: cannot read file: Is a directory",
	    tmpdir);
	ck_assert_str_eq(errs.msgs[0], want);
	free(want);
	cfgerr_clear(&errs);
}
END_TEST

START_TEST(test_load_buffer)
{
	static const char	 good[] = "zones: [a.test]\nretries: 3\n";
	static const char	 bad[] = "retries: 2\nstate_file: \"/x\xff\"\n";
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;

	/* Only len bytes count: the rest of the buffer is not read. */
	cfg = config_load_buffer("inline", good, sizeof(good) - 1 - 11, 0,
	    &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->path, "inline");
	ck_assert_uint_eq(cfg->nzones, 1);
	ck_assert_uint_eq(cfg->retries, 2);
	config_free(cfg);

	/* Positions as from a file, the reader's offset counted back too. */
	ck_assert_ptr_null(config_load_buffer("inline", bad, sizeof(bad) - 1,
	    0, &errs));
	check_messages(&errs, "inline:", (const char *const[]){
	    "2:16: error: invalid leading UTF-8 octet" }, 1);
	cfgerr_clear(&errs);

	ck_assert_ptr_null(config_load_buffer("nothing", "", 0, 0, &errs));
	check_messages(&errs, "nothing:", (const char *const[]){
	    "1:1: error: empty config (expected a mapping of keys)" }, 1);
	cfgerr_clear(&errs);
}
END_TEST

START_TEST(test_errors_append)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	char			*path;

	/* Errors already in the list are not this load's failure. */
	cfgerr_add(&errs, "earlier", 7, 3, "%s %d", "before", 1);
	ck_assert_str_eq(errs.msgs[0], "earlier:7:3: error: before 1");
	path = write_tmp("good.yaml", "zones: [a.test]\n");
	cfg = config_load(path, CONFIG_ZONES_REQUIRED, &errs);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(errs.n, 1);
	config_free(cfg);
	free(path);

	path = write_tmp("bad.yaml", "retries: x\n");
	ck_assert_ptr_null(config_load(path, 0, &errs));
	ck_assert_uint_eq(errs.n, 2);
	ck_assert_str_eq(errs.msgs[0], "earlier:7:3: error: before 1");
	free(path);
	cfgerr_clear(&errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_null(errs.msgs);
}
END_TEST

START_TEST(test_shard)
{
	struct config	*cfg;

	cfg = load_yaml("shard: 3/4\n", 0);
	ck_assert_uint_eq(cfg->shard_index, 3);
	ck_assert_uint_eq(cfg->shard_count, 4);
	config_free(cfg);
	cfg = load_yaml("shard: 1000/1000\n", 0);
	ck_assert_uint_eq(cfg->shard_index, 1000);
	ck_assert_uint_eq(cfg->shard_count, 1000);
	config_free(cfg);
	cfg = load_yaml("shard: \"1/1\"\n", 0);
	ck_assert_uint_eq(cfg->shard_index, 1);
	config_free(cfg);

	expect_yaml_error("shard: 0/4\n",
	    "1:8: error: \"shard\": 0/4 is out of range (1 <= I <= N <= 1000)");
	expect_yaml_error("shard: 5/4\n",
	    "1:8: error: \"shard\": 5/4 is out of range (1 <= I <= N <= 1000)");
	expect_yaml_error("shard: 1/1001\n",
	    "1:8: error: \"shard\": 1/1001 is out of range (1 <= I <= N <= "
	    "1000)");
	expect_yaml_error("shard: 1/0\n",
	    "1:8: error: \"shard\": 1/0 is out of range (1 <= I <= N <= 1000)");
	expect_yaml_error("shard: 2\n",
	    "1:8: error: \"shard\": bad shard \"2\": expected I/N, such as 2/4");
	expect_yaml_error("shard: a/b\n",
	    "1:8: error: \"shard\": bad shard \"a/b\": expected I/N, such as "
	    "2/4");
	expect_yaml_error("shard: 1/\n",
	    "1:8: error: \"shard\": bad shard \"1/\": expected I/N, such as "
	    "2/4");
	expect_yaml_error("shard: /1\n",
	    "1:8: error: \"shard\": bad shard \"/1\": expected I/N, such as "
	    "2/4");
	expect_yaml_error("shard: 1/2/3\n",
	    "1:8: error: \"shard\": bad shard \"1/2/3\": expected I/N, such as "
	    "2/4");
}
END_TEST

START_TEST(test_listen_forms)
{
	struct config	*cfg;

	cfg = load_yaml("listen: \":0\"\n", 0);
	ck_assert(cfg->listen_addr.any);
	ck_assert_str_eq(config_addr_text(&cfg->listen_addr, 1), "[::]:0");
	config_free(cfg);
	cfg = load_yaml("listen: localhost:10353\n", 0);
	ck_assert(!cfg->listen_addr.any);
	ck_assert_str_eq(cfg->listen, "localhost:10353");
	ck_assert_str_eq(config_addr_text(&cfg->listen_addr, 0), "127.0.0.1:10353");
	config_free(cfg);
	cfg = load_yaml("listen: \"[::1]:0\"\n", 0);
	ck_assert_str_eq(config_addr_text(&cfg->listen_addr, 1), "[::1]:0");
	config_free(cfg);
}
END_TEST

START_TEST(test_log_levels)
{
	static const char *const names[] = {
		"error", "warning", "notice", "info", "debug",
	};
	static const enum log_level levels[] = {
		LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_NOTICE,
		LOG_LEVEL_INFO, LOG_LEVEL_DEBUG,
	};
	struct config	*cfg;
	char		*yaml;
	size_t		 i;

	for (i = 0; i < NELEMS(names); i++) {
		yaml = xasprintf("log_level: %s\n", names[i]);
		cfg = load_yaml(yaml, 0);
		ck_assert_int_eq(cfg->log_level, levels[i]);
		config_free(cfg);
		free(yaml);
	}
	expect_yaml_error("log_level: INFO\n",
	    "1:12: error: \"log_level\": \"INFO\" is not one of error, "
	    "warning, notice, info, debug");
}
END_TEST

START_TEST(test_add_find_zone)
{
	struct cfgerr	  errs = { NULL, 0 };
	struct config		 *cfg;
	const struct config_zone *z;
	const char		 *why = NULL;

	cfg = config_default(&errs);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(config_add_zone(cfg, "Example.ORG", &why), 0);
	ck_assert_int_eq(config_add_zone(cfg, "example.net.", &why), 0);
	ck_assert_uint_eq(cfg->nzones, 2);
	z = config_find_zone(cfg, "example.org.");
	ck_assert_ptr_nonnull(z);
	ck_assert_str_eq(z->name, "example.org.");
	ck_assert_uint_eq(z->interval_ms, cfg->interval_ms);
	ck_assert_uint_eq(z->nhosts, 0);
	ck_assert_ptr_null(config_find_zone(cfg, "example.com."));

	ck_assert_int_eq(config_add_zone(cfg, "example.org.", &why), -1);
	ck_assert_str_eq(why, "duplicate zone");
	ck_assert_int_eq(config_add_zone(cfg, "a..b", &why), -1);
	ck_assert_str_eq(why, "empty label");
	ck_assert_uint_eq(cfg->nzones, 2);
	config_free(cfg);
}
END_TEST

START_TEST(test_shipped_config)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config		*cfg;
	const char		*top = getenv("top_srcdir");
	char			*path;
	size_t			 i;

	path = xasprintf("%s/etc/zonehealth.yaml",
	    top != NULL && *top != '\0' ? top : ".");
	cfg = config_load(path, CONFIG_ZONES_REQUIRED, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "shipped config: %s\n", errs.msgs[i]);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->listen, "127.0.0.1:10353");
	ck_assert_uint_eq(cfg->nzones, 2);
	ck_assert_str_eq(cfg->zones[0].name, "example.com.");
	ck_assert_uint_eq(cfg->zones[0].nhosts, 1);
	ck_assert_str_eq(cfg->zones[0].hosts[0].name, "www.example.com.");
	ck_assert_uint_eq(cfg->zones[0].hosts[0].port, 443);
	ck_assert_str_eq(cfg->zones[1].name, "example.net.");
	/* What it says are the defaults are the defaults. */
	ck_assert_uint_eq(cfg->interval_ms, 60 * SECOND);
	ck_assert_uint_eq(cfg->timeout_ms, 2 * SECOND);
	ck_assert_uint_eq(cfg->retries, 2);
	ck_assert_uint_eq(cfg->server_qps, 20);
	ck_assert_uint_eq(cfg->max_inflight, 2000);
	ck_assert_uint_eq(cfg->max_concurrent_runs, 200);
	ck_assert_uint_eq(cfg->expiry_warning_ms, 7 * DAY);
	ck_assert_uint_eq(cfg->serial_grace_ms, 10 * MINUTE);
	ck_assert_uint_eq(cfg->burst_size, 20);
	ck_assert_uint_eq(cfg->burst_interval_ms, HOUR);
	ck_assert_int_eq(cfg->log_level, LOG_LEVEL_INFO);
	ck_assert_uint_eq(cfg->shard_index, 1);
	ck_assert_uint_eq(cfg->shard_count, 1);
	config_free(cfg);
	free(path);
}
END_TEST

/*
 * rootdata_load_hints or _anchor on a tests/data file must give exactly
 * these errors ("LINE:COL: error: ..." after "FILE:").
 */
static void
expect_rootdata_errors(bool hints, const char *name,
    const char *const *expected, size_t n)
{
	struct cfgerr	 errs = { NULL, 0 };
	ldns_rr_list		*list;
	char			*path, *prefix;

	path = data_path(name);
	list = hints ? rootdata_load_hints(path, &errs) :
	    rootdata_load_anchor(path, &errs);
	ck_assert_ptr_null(list);
	prefix = xasprintf("%s:", path);
	check_messages(&errs, prefix, expected, n);
	free(prefix);
	cfgerr_clear(&errs);
	free(path);
}

START_TEST(test_hints_good)
{
	struct cfgerr	 errs = { NULL, 0 };
	ldns_rr_list		*list;
	ldns_rr			*rr;
	char			*path, *owner;
	size_t			 i, nns = 0, na = 0, naaaa = 0;

	path = data_path("hints_ok.hints");
	list = rootdata_load_hints(path, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(list);
	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		rr = ldns_rr_list_rr(list, i);
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_NS:
			nns++;
			break;
		case LDNS_RR_TYPE_A:
			na++;
			/* The address of no NS name is not kept. */
			owner = ldns_rdf2str(ldns_rr_owner(rr));
			ck_assert_str_ne(owner, "stray.root.test.");
			free(owner);
			break;
		case LDNS_RR_TYPE_AAAA:
			naaaa++;
			break;
		default:
			ck_abort_msg("unexpected type in the hints");
		}
	}
	ck_assert_uint_eq(nns, 2);
	ck_assert_uint_eq(na, 2);	/* the second from a multi-line record */
	ck_assert_uint_eq(naaaa, 1);
	ldns_rr_list_deep_free(list);
	free(path);

	/* Another engineer's lab root, used by the daemon tests. */
	path = data_path("loopback.hints");
	list = rootdata_load_hints(path, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_uint_eq(ldns_rr_list_rr_count(list), 3);
	ldns_rr_list_deep_free(list);
	free(path);
}
END_TEST

START_TEST(test_hints_bad)
{
	expect_rootdata_errors(true, "hints_bad_rr.hints",
	    (const char *const[]){
	    "3:1: error: Syntax error, could not parse the RR's rdata",
	    "6:1: error: Syntax error, value expected" }, 2);
	expect_rootdata_errors(true, "hints_no_ns.hints",
	    (const char *const[]){ "1:1: error: no root NS records" }, 1);
	expect_rootdata_errors(true, "hints_no_addr.hints",
	    (const char *const[]){
	    "1:1: error: no addresses for the root NS names" }, 1);
	expect_rootdata_errors(true, "hints_wrong_type.hints",
	    (const char *const[]){
	    "4:1: error: unexpected SOA record (root hints hold NS, A and "
	    "AAAA records)",
	    "5:1: error: NS record not owned by the root (root hints hold "
	    "the root's)" }, 2);
	expect_rootdata_errors(true, "absent.hints",
	    (const char *const[]){
	    "1:1: error: cannot read file: No such file or directory" }, 1);
	/* A trust anchor is no root hints. */
	expect_rootdata_errors(true, "anchor_ok.anchor",
	    (const char *const[]){
	    "2:1: error: unexpected DS record (root hints hold NS, A and AAAA "
	    "records)",
	    "4:1: error: unexpected DNSKEY record (root hints hold NS, A and "
	    "AAAA records)" }, 2);
}
END_TEST

START_TEST(test_anchor_good)
{
	struct cfgerr	 errs = { NULL, 0 };
	ldns_rr_list		*list;
	char			*path;

	path = data_path("anchor_ok.anchor");
	list = rootdata_load_anchor(path, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(ldns_rr_list_rr_count(list), 2);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(list, 0)),
	    LDNS_RR_TYPE_DS);
	ck_assert_int_eq(ldns_rr_get_type(ldns_rr_list_rr(list, 1)),
	    LDNS_RR_TYPE_DNSKEY);
	ck_assert_uint_eq(ldns_rr_ttl(ldns_rr_list_rr(list, 1)), 172800);
	ldns_rr_list_deep_free(list);
	free(path);
}
END_TEST

START_TEST(test_anchor_bad)
{
	expect_rootdata_errors(false, "anchor_bad.anchor",
	    (const char *const[]){
	    "2:1: error: Syntax error, could not parse the RR's rdata",
	    "3:1: error: unexpected A record (a trust anchor holds DS or "
	    "DNSKEY records)" }, 2);
	expect_rootdata_errors(false, "anchor_empty.anchor",
	    (const char *const[]){ "1:1: error: no DS or DNSKEY records" }, 1);
	expect_rootdata_errors(false, "hints_ok.hints",
	    (const char *const[]){
	    "5:1: error: unexpected NS record (a trust anchor holds DS or "
	    "DNSKEY records)",
	    "6:1: error: unexpected NS record (a trust anchor holds DS or "
	    "DNSKEY records)",
	    "7:1: error: unexpected A record (a trust anchor holds DS or "
	    "DNSKEY records)",
	    "8:1: error: unexpected AAAA record (a trust anchor holds DS or "
	    "DNSKEY records)",
	    "9:1: error: unexpected A record (a trust anchor holds DS or "
	    "DNSKEY records)",
	    "12:1: error: unexpected A record (a trust anchor holds DS or "
	    "DNSKEY records)" }, 6);
}
END_TEST

START_TEST(test_rootdata_buffer)
{
	static const char	 hints[] =
	    ". 3600000 IN NS a.root.test.\n"
	    "a.root.test. 3600000 IN A 192.0.2.1\n"
	    "junk that is not read";
	struct cfgerr	 errs = { NULL, 0 };
	ldns_rr_list		*list;

	list = rootdata_parse_hints("mem", hints, sizeof(hints) - 1 - 21,
	    &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(ldns_rr_list_rr_count(list), 2);
	ldns_rr_list_deep_free(list);

	ck_assert_ptr_null(rootdata_parse_anchor("mem", hints,
	    sizeof(hints) - 1 - 21, &errs));
	check_messages(&errs, "mem:", (const char *const[]){
	    "1:1: error: unexpected NS record (a trust anchor holds DS or "
	    "DNSKEY records)",
	    "2:1: error: unexpected A record (a trust anchor holds DS or "
	    "DNSKEY records)" }, 2);
	cfgerr_clear(&errs);

	ck_assert_ptr_null(rootdata_parse_anchor("empty", "", 0, &errs));
	check_messages(&errs, "empty:", (const char *const[]){
	    "1:1: error: no DS or DNSKEY records" }, 1);
	cfgerr_clear(&errs);
}
END_TEST

START_TEST(test_rootdata_in_config)
{
	static const char *const expected[] = {
		("hints_bad_rr.hints:3:1: error: Syntax error, could not parse "
		    "the RR's rdata"),
		"hints_bad_rr.hints:6:1: error: Syntax error, value expected",
		"anchor_empty.anchor:1:1: error: no DS or DNSKEY records",
	};
	struct cfgerr	 errs = { NULL, 0 };
	char			*yaml, *path, *prefix;

	/* The files' errors join the config's, with the files' positions. */
	yaml = xasprintf("root_hints: %s/hints_bad_rr.hints\n"
	    "trust_anchor: %s/anchor_empty.anchor\n", data_dir(), data_dir());
	path = write_tmp("rootdata.yaml", yaml);
	ck_assert_ptr_null(config_load(path, 0, &errs));
	prefix = xasprintf("%s/", data_dir());
	check_messages(&errs, prefix, expected, NELEMS(expected));
	cfgerr_clear(&errs);
	free(prefix);
	free(path);
	free(yaml);

	/* Issue 17: the config line that names a missing file is blamed,
	 * not line 1 of the file that is not there. */
	path = write_tmp("rootdata.yaml", "root_hints: /nonexistent/hints\n");
	ck_assert_ptr_null(config_load(path, 0, &errs));
	check_messages(&errs, path, (const char *const[]){
	    ":1:13: error: \"root_hints\": cannot read \"/nonexistent/hints\": "
	    "No such file or directory" }, 1);
	cfgerr_clear(&errs);
	free(path);

	/* While the YAML itself is broken, the files are not read. */
	yaml = xasprintf("root_hints: %s/hints_bad_rr.hints\nretries: x\n",
	    data_dir());
	expect_yaml_error(yaml,
	    "2:10: error: \"retries\": \"x\" is not an unsigned integer");
	free(yaml);
}
END_TEST

START_TEST(test_builtin)
{
	struct cfgerr	 errs = { NULL, 0 };
	ldns_rr_list		*list;
	ldns_rr			*rr;
	size_t			 i, nns = 0, na = 0, naaaa = 0;
	uint16_t		 tags[2];

	list = rootdata_load_hints(NULL, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(list);
	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		rr = ldns_rr_list_rr(list, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS)
			nns++;
		else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A)
			na++;
		else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA)
			naaaa++;
	}
	ck_assert_uint_eq(nns, 13);
	ck_assert_uint_eq(na, 13);
	ck_assert_uint_eq(naaaa, 13);
	ldns_rr_list_deep_free(list);

	list = rootdata_load_anchor(NULL, &errs);
	ck_assert_uint_eq(errs.n, 0);
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(ldns_rr_list_rr_count(list), 2);
	for (i = 0; i < 2; i++) {
		rr = ldns_rr_list_rr(list, i);
		ck_assert_int_eq(ldns_rr_get_type(rr), LDNS_RR_TYPE_DS);
		ck_assert_uint_eq(ldns_dname_label_count(ldns_rr_owner(rr)), 0);
		tags[i] = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		ck_assert_uint_eq(ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)), 8);
		ck_assert_uint_eq(ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)), 2);
	}
	ck_assert_uint_eq(tags[0], 20326);
	ck_assert_uint_eq(tags[1], 38696);
	ldns_rr_list_deep_free(list);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("config");
	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_zone_overrides);
	tcase_add_test(tc, test_shard);
	tcase_add_test(tc, test_listen_forms);
	tcase_add_test(tc, test_log_levels);
	tcase_add_test(tc, test_add_find_zone);
	tcase_add_test(tc, test_shipped_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_errors_all_collected);
	tcase_add_test(tc, test_error_unknown_key);
	tcase_add_test(tc, test_error_unknown_key_in_zone);
	tcase_add_test(tc, test_error_unknown_key_in_host);
	tcase_add_test(tc, test_error_wrong_type);
	tcase_add_test(tc, test_error_bad_values);
	tcase_add_test(tc, test_error_out_of_range);
	tcase_add_test(tc, test_error_duplicate_keys);
	tcase_add_test(tc, test_error_duplicate_zones);
	tcase_add_test(tc, test_error_duplicate_addresses);
	tcase_add_test(tc, test_error_missing_zones);
	tcase_add_test(tc, test_error_syntax);
	tcase_add_test(tc, test_error_documents);
	tcase_add_test(tc, test_error_empty);
	tcase_add_test(tc, test_error_unreadable);
	tcase_add_test(tc, test_errors_append);
	tcase_add_test(tc, test_load_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("rootdata");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, test_hints_good);
	tcase_add_test(tc, test_hints_bad);
	tcase_add_test(tc, test_anchor_good);
	tcase_add_test(tc, test_anchor_bad);
	tcase_add_test(tc, test_rootdata_buffer);
	tcase_add_test(tc, test_rootdata_in_config);
	tcase_add_test(tc, test_builtin);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(config_suite());
}
