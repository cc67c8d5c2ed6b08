/* unit_statefile: state_file round trips, and every malformed file is
 * refused whole with a reason, leaving the zones as they were. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "statefile.h"
#include "xmalloc.h"
#include "zone.h"
#include "unit_main.h"

static char	dir[] = "/tmp/zh-state-XXXXXX";
static char	path[64];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
}

static void
teardown(void)
{
	char	tmp[80];

	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* Zones a.test. and b.test., fresh (as after a start). */
static void
zones_new(struct zone_set *set)
{
	static struct config_zone	cz[2];
	struct config			cfg;

	memset(&cfg, 0, sizeof(cfg));
	memset(cz, 0, sizeof(cz));
	cz[0].name = (char *)"a.test.";
	cz[1].name = (char *)"b.test.";
	cz[0].interval_ms = cz[1].interval_ms = 60000;
	cfg.zones = cz;
	cfg.nzones = 2;
	cfg.shard_index = cfg.shard_count = 1;
	memset(set, 0, sizeof(*set));
	zone_set_sync(set, &cfg, NULL, NULL);
	ck_assert_uint_eq(set->n, 2);
}

static void
write_file(const char *text)
{
	FILE	*f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_round_trip_keeps_since)
{
	struct zone_set		 set, back;
	struct zone		*a, *b;
	struct findings		 fs = { NULL, 0 };
	struct check_memory	 m;
	int			 status[CHECK_MAX] = { 0 };
	char			 err[256];

	zones_new(&set);
	a = zone_set_find(&set, "a.test.");
	findings_add(&fs, CAUSE_SERVER_TIMEOUT, SEVERITY_WARNING, "ns1.a.test.",
	    "192.0.2.1", xstrdup("s"), xstrdup("e"), xstrdup("f"));
	findings_add(&fs, CAUSE_NS_SET_MISMATCH, SEVERITY_WARNING, NULL, NULL,
	    xstrdup("s"), xstrdup("e"), xstrdup("f"));
	memset(&m, 0, sizeof(m));
	m.has_serial = true;
	m.serial = 4294967295u;
	m.has_expiry = true;
	m.expiry = 1800000000;
	m.dnssec_signed = true;
	findings_add(&m.lagging, CAUSE_SERIAL_MISMATCH, SEVERITY_WARNING, "ns2.a.test.",
	    "[2001:db8::1]:5353", NULL, NULL, NULL);
	m.lagging.v[0].since = 777;
	zone_record_run(a, &fs, status, &m, 1000, 0.5, 1);
	ck_assert_int_eq(statefile_save(path, &set, err, sizeof(err)), 0);

	zones_new(&back);
	ck_assert_int_eq(statefile_load(path, &back, err, sizeof(err)), 0);
	a = zone_set_find(&back, "a.test.");
	b = zone_set_find(&back, "b.test.");
	ck_assert_uint_eq(a->since_hints.n, 2);
	ck_assert(a->memory.has_serial);
	ck_assert_uint_eq(a->memory.serial, 4294967295u);
	ck_assert_int_eq(a->memory.expiry, 1800000000);
	ck_assert(a->memory.dnssec_signed);
	ck_assert_uint_eq(a->memory.lagging.n, 1);
	ck_assert_str_eq(a->memory.lagging.v[0].address, "[2001:db8::1]:5353");
	ck_assert_int_eq(a->memory.lagging.v[0].since, 777);
	ck_assert(!b->memory.has_serial);
	ck_assert_uint_eq(b->since_hints.n, 0);

	/* The first run after the restart finds the timeout again: same since. */
	findings_add(&fs, CAUSE_SERVER_TIMEOUT, SEVERITY_CRITICAL, "ns1.a.test.",
	    "192.0.2.1", xstrdup("s"), xstrdup("e"), xstrdup("f"));
	findings_add(&fs, CAUSE_RRSIG_EXPIRED, SEVERITY_CRITICAL, "ns1.a.test.",
	    "192.0.2.1", xstrdup("s"), xstrdup("e"), xstrdup("f"));
	memset(&m, 0, sizeof(m));
	zone_record_run(a, &fs, status, &m, 5000, 0.5, 1);
	ck_assert_uint_eq(a->findings.n, 2);
	ck_assert_int_eq(a->findings.v[0].cause, CAUSE_SERVER_TIMEOUT);
	ck_assert_int_eq(a->findings.v[0].since, 1000);
	ck_assert_int_eq(a->findings.v[1].since, 5000);
	ck_assert_uint_eq(a->since_hints.n, 0);

	/* A zone no longer in the set is dropped, not an error. */
	zone_set_clear(&set, true);
	zones_new(&set);
	ck_assert_int_eq(statefile_save(path, &back, err, sizeof(err)), 0);
	zone_set_clear(&back, true);
	ck_assert_int_eq(statefile_load(path, &set, err, sizeof(err)), 0);
	zone_set_clear(&set, true);
}
END_TEST

START_TEST(test_missing_and_malformed)
{
	static const struct {
		const char	*text;
		const char	*why;
	} bad[] = {
		{ "", "no end record" },
		{ "zonehealth-state 2\nend\n", "version 1" },
		{ "zonehealth-state 1\nzone a.test. 5 - 0\n", "no end record" },
		{ "zonehealth-state 1\nzone a.test. 5 - 0\nend", "truncated" },
		{ "zonehealth-state 1\nzone a.test. 5 - 0\nfinding no_such_cause - - 5\nend\n",
		  "line 3: unknown cause" },
		{ "zonehealth-state 1\nzone a.test. 4294967296 - 0\nend\n", "line 2: bad serial" },
		{ "zonehealth-state 1\nzone a.test. x - 0\nend\n", "bad serial" },
		{ "zonehealth-state 1\nzone a.test. 1 - 2\nend\n", "bad signed flag" },
		{ "zonehealth-state 1\nzone a.test. 1 - 0 extra\nend\n", "5 fields" },
		{ "zonehealth-state 1\nfinding server_timeout - - 5\nend\n", "before any zone" },
		{ "zonehealth-state 1\nzone a.test. 1 - 0\nlag ns1. 192.0.2.1 0\nend\n",
		  "bad since" },
		{ "zonehealth-state 1\nzone a.test. 1 - 0\n\nend\n", "empty line" },
		{ "zonehealth-state 1\nend\nzone a.test. 1 - 0\n", "after the end" },
		{ "zonehealth-state 1\nbogus\nend\n", "unknown record" },
		{ "zonehealth-state 1\nzone a b c d e f g\nend\n", "too many fields" },
	};
	struct zone_set	 set;
	char		 err[256];
	size_t		 i;

	zones_new(&set);
	ck_assert_int_eq(statefile_load(path, &set, err, sizeof(err)), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(bad[i].text);
		err[0] = '\0';
		ck_assert_msg(statefile_load(path, &set, err, sizeof(err)) == -1,
		    "accepted case %zu", i);
		ck_assert_msg(strstr(err, bad[i].why) != NULL, "case %zu: %s", i, err);
		/* All or nothing: nothing applied. */
		ck_assert(!zone_set_find(&set, "a.test.")->memory.has_serial);
	}
	/* Binary garbage. */
	{
		FILE	*f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fwrite("zonehealth-state 1\n\0\1\2end\n", 1, 25, f);
		fclose(f);
	}
	ck_assert_int_eq(statefile_load(path, &set, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "binary"));
	/* A directory where the file should be: an error, not a crash. */
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(statefile_load(path, &set, err, sizeof(err)), -1);
	ck_assert_int_eq(statefile_save(path, &set, err, sizeof(err)), -1);
	rmdir(path);
	zone_set_clear(&set, true);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("state");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip_keeps_since);
	tcase_add_test(tc, test_missing_and_malformed);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
