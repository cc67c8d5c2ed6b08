/* unit_zone: zone state across config changes, and sharding. */
#include "zhbuild.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xmalloc.h"
#include "zone.h"
#include "unit_main.h"

static struct config_zone	 czones[4];
static struct config		 cfg;

static void
cfg_set(const char *const *names, size_t n)
{
	size_t	i;

	memset(&cfg, 0, sizeof(cfg));
	memset(czones, 0, sizeof(czones));
	for (i = 0; i < n; i++) {
		czones[i].name = (char *)names[i];
		czones[i].interval_ms = 1000 * (i + 1);
	}
	cfg.zones = czones;
	cfg.nzones = n;
	cfg.shard_index = cfg.shard_count = 1;
}

START_TEST(test_sync_keeps_state_of_kept_zones)
{
	static const char *const first[] = { "b.test.", "a.test.", "c.test." };
	static const char *const second[] = { "c.test.", "d.test.", "a.test." };
	struct zone_set	 set = { NULL, 0 }, added = { NULL, 0 }, removed = { NULL, 0 };
	struct zone	*a, *c;

	cfg_set(first, 3);
	zone_set_sync(&set, &cfg, &added, &removed);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_uint_eq(added.n, 3);
	ck_assert_uint_eq(removed.n, 0);
	/* Sorted by name, for lookup and stable rendering. */
	ck_assert_str_eq(set.v[0]->name, "a.test.");
	ck_assert_str_eq(set.v[2]->name, "c.test.");
	a = zone_set_find(&set, "a.test.");
	c = zone_set_find(&set, "c.test.");
	ck_assert_ptr_nonnull(a);
	ck_assert(!a->checked);
	ck_assert_str_eq(zone_status_name(a), "unknown");
	a->checked = true;
	a->status = SEVERITY_WARNING;
	a->runs = 7;
	zone_set_clear(&added, false);

	cfg_set(second, 3);
	zone_set_sync(&set, &cfg, &added, &removed);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_uint_eq(added.n, 1);
	ck_assert_str_eq(added.v[0]->name, "d.test.");
	ck_assert_uint_eq(removed.n, 1);
	ck_assert_str_eq(removed.v[0]->name, "b.test.");
	/* The same objects, history intact, pointing at the new config. */
	ck_assert_ptr_eq(zone_set_find(&set, "a.test."), a);
	ck_assert_ptr_eq(zone_set_find(&set, "c.test."), c);
	ck_assert_str_eq(zone_status_name(a), "warning");
	ck_assert_uint_eq(a->runs, 7);
	ck_assert_ptr_eq(a->cfg, &czones[2]);
	ck_assert_ptr_eq(a->sched.arg, a);
	ck_assert_ptr_null(zone_set_find(&set, "b.test."));
	zone_set_clear(&removed, true);
	zone_set_clear(&added, false);
	zone_set_clear(&set, true);
}
END_TEST

START_TEST(test_shards_partition_the_zones)
{
	static const char *const names[] = { "a.test.", "b.test.", "c.test.", "d.test." };
	struct zone_set	 set = { NULL, 0 };
	unsigned	 shard, seen[4] = { 0 };
	size_t		 i, j, total = 0;

	for (shard = 1; shard <= 3; shard++) {
		cfg_set(names, 4);
		cfg.shard_index = shard;
		cfg.shard_count = 3;
		zone_set_sync(&set, &cfg, NULL, NULL);
		total += set.n;
		for (i = 0; i < set.n; i++)
			for (j = 0; j < 4; j++)
				if (strcmp(set.v[i]->name, names[j]) == 0)
					seen[j]++;
		zone_set_clear(&set, true);
	}
	/* Every zone in exactly one shard. */
	ck_assert_uint_eq(total, 4);
	for (j = 0; j < 4; j++)
		ck_assert_uint_eq(seen[j], 1);
}
END_TEST

START_TEST(test_rendezvous_moves_only_the_new_share)
{
	char		 name[32];
	unsigned	 per[9] = { 0 }, before, after;
	int		 i, moved = 0;

	for (i = 0; i < 8000; i++) {
		snprintf(name, sizeof(name), "zone%d.example.", i);
		before = zone_shard_owner(name, 7);
		after = zone_shard_owner(name, 8);
		ck_assert_uint_ge(before, 1);
		ck_assert_uint_le(before, 7);
		/* Adding shard 8 takes zones only for itself. */
		if (after != before) {
			ck_assert_uint_eq(after, 8);
			moved++;
		}
		per[after]++;
		ck_assert_uint_eq(zone_shard_owner(name, 1), 1);
	}
	/* About 1/8 move; every shard gets about 1000 of 8000. */
	ck_assert_int_gt(moved, 800);
	ck_assert_int_lt(moved, 1200);
	for (i = 1; i <= 8; i++) {
		ck_assert_uint_gt(per[i], 850);
		ck_assert_uint_lt(per[i], 1150);
	}
	/* Pinned: a change here re-shards every deployment, and instances
	 * of different releases in one shard set would disagree. */
	ck_assert_uint_eq(zone_shard_owner("example.com.", 4), 2);
	ck_assert_uint_eq(zone_shard_owner("example.net.", 4), 3);
	ck_assert_uint_eq(zone_shard_owner("example.com.", 10), 8);
	ck_assert_uint_eq(zone_shard_owner("a.test.", 10), 10);
}
END_TEST

/* One run: a timeout at 192.0.2.1 when timeout, the expiry on server. */
static void
record(struct zone *z, bool timeout, const char *expiry_server, time_t now,
    unsigned clear_after)
{
	struct findings		fs = { NULL, 0 };
	struct check_memory	m;
	int			status[CHECK_MAX] = { 0 };

	memset(&m, 0, sizeof(m));
	if (timeout) {
		findings_add(&fs, CAUSE_SERVER_TIMEOUT, SEVERITY_WARNING, "ns1.a.test.",
		    "192.0.2.1", xstrdup("s"), xstrdup("e"), xstrdup("f"));
		status[CHECK_REACHABILITY] = 1;
	}
	if (expiry_server != NULL) {
		findings_add(&fs, CAUSE_RRSIG_EXPIRING_SOON, SEVERITY_WARNING,
		    expiry_server, NULL, xstrdup("s"), xstrdup("e"), xstrdup("f"));
		status[CHECK_DNSSEC] = 1;
	}
	zone_record_run(z, &fs, status, &m, now, 0.1, clear_after);
}

static bool
has(const struct zone *z, enum cause c, time_t since)
{
	size_t	i;

	for (i = 0; i < z->findings.n; i++)
		if (z->findings.v[i].cause == c && z->findings.v[i].since == since)
			return true;
	return false;
}

/* Issue 13: one lost answer dropped a finding and restarted its alert. */
START_TEST(test_findings_clear_after_clean_runs)
{
	static const char *const names[] = { "a.test." };
	struct zone_set	 set = { NULL, 0 };
	struct zone	*z;

	cfg_set(names, 1);
	zone_set_sync(&set, &cfg, NULL, NULL);
	z = set.v[0];
	record(z, true, NULL, 100, 2);
	ck_assert(has(z, CAUSE_SERVER_TIMEOUT, 100));
	/* Missed once: kept, since and status too. */
	record(z, false, NULL, 160, 2);
	ck_assert(has(z, CAUSE_SERVER_TIMEOUT, 100));
	ck_assert_int_eq(z->status, SEVERITY_WARNING);
	ck_assert_int_eq(z->check_status[CHECK_REACHABILITY], 1);
	/* Seen again: the same since, the gap bridged. */
	record(z, true, NULL, 220, 2);
	ck_assert(has(z, CAUSE_SERVER_TIMEOUT, 100));
	ck_assert_uint_eq(z->findings.v[0].missed, 0);
	/* Two clean runs in a row clear it. */
	record(z, false, NULL, 280, 2);
	ck_assert(has(z, CAUSE_SERVER_TIMEOUT, 100));
	record(z, false, NULL, 340, 2);
	ck_assert_uint_eq(z->findings.n, 0);
	ck_assert_int_eq(z->status, SEVERITY_OK);
	ck_assert_int_eq(z->check_status[CHECK_REACHABILITY], 0);
	/* clear_after 1: gone at the first clean run. */
	record(z, true, NULL, 400, 1);
	record(z, false, NULL, 460, 1);
	ck_assert_uint_eq(z->findings.n, 0);
	/* A label that alternates keeps both identities alive, not flapping. */
	record(z, false, "ns1.a.test.", 500, 2);
	record(z, false, "ns2.a.test.", 560, 2);
	ck_assert(has(z, CAUSE_RRSIG_EXPIRING_SOON, 500));
	record(z, false, "ns1.a.test.", 620, 2);
	ck_assert(has(z, CAUSE_RRSIG_EXPIRING_SOON, 500));
	zone_set_clear(&set, true);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("zone");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_sync_keeps_state_of_kept_zones);
	tcase_add_test(tc, test_shards_partition_the_zones);
	tcase_add_test(tc, test_rendezvous_moves_only_the_new_share);
	tcase_add_test(tc, test_findings_clear_after_clean_runs);
	suite_add_tcase(s, tc);
	return unit_main_run(s);
}
