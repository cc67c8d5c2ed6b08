/* unit_sched: the scheduler's arithmetic, driven with an injected clock. */
#include "zhbuild.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "sched.h"
#include "unit_main.h"

#define MIN_MS	(60u * 1000)

START_TEST(test_backoff_doubles_then_caps)
{
	ck_assert_uint_eq(sched_backoff_ms(MIN_MS, 1), 2 * MIN_MS);
	ck_assert_uint_eq(sched_backoff_ms(MIN_MS, 2), 4 * MIN_MS);
	ck_assert_uint_eq(sched_backoff_ms(MIN_MS, 5), 32 * MIN_MS);
	ck_assert_uint_eq(sched_backoff_ms(MIN_MS, 6), SCHED_BACKOFF_CAP_MS);
	ck_assert_uint_eq(sched_backoff_ms(MIN_MS, 1000), SCHED_BACKOFF_CAP_MS);
	/* Never sooner than the interval itself, even above the cap. */
	ck_assert_uint_eq(sched_backoff_ms(2 * SCHED_BACKOFF_CAP_MS, 3),
	    2 * SCHED_BACKOFF_CAP_MS);
}
END_TEST

START_TEST(test_jitter_bounds)
{
	uint64_t	r;
	int64_t		j, lo = 0, hi = 0;

	for (r = 0; r < 100000; r += 7) {
		j = sched_jitter_ms(MIN_MS, r * 2654435761u);
		ck_assert_int_ge(j, -6000);
		ck_assert_int_le(j, 6000);
		if (j < lo)
			lo = j;
		if (j > hi)
			hi = j;
	}
	/* Both directions are used, so the mean interval stays the interval. */
	ck_assert_int_lt(lo, -5000);
	ck_assert_int_gt(hi, 5000);
	ck_assert_int_eq(sched_jitter_ms(5, 12345), 0);
}
END_TEST

START_TEST(test_first_runs_spread_over_interval)
{
	struct sched		*s = sched_new(10000, 42);
	struct sched_entry	 e[1000];
	unsigned		 buckets[10] = { 0 };
	size_t			 i;

	for (i = 0; i < 1000; i++) {
		e[i] = (struct sched_entry){ .interval_ms = MIN_MS };
		sched_add(s, &e[i], 5000, MIN_MS);
		ck_assert_uint_ge(e[i].due_ms, 5000);
		ck_assert_uint_lt(e[i].due_ms, 5000 + MIN_MS);
		buckets[(e[i].due_ms - 5000) / (MIN_MS / 10)]++;
	}
	/* Roughly uniform: every tenth of the interval gets 5-15%. */
	for (i = 0; i < 10; i++) {
		ck_assert_uint_gt(buckets[i], 50);
		ck_assert_uint_lt(buckets[i], 150);
	}
	ck_assert_uint_eq(sched_queued(s), 1000);
	sched_free(s);
}
END_TEST

/* Issue 13: two zones with a 60 s interval waited up to 48 s for a first
 * run; a list that fits in the run slots starts at once. */
START_TEST(test_small_list_runs_at_once)
{
	struct sched		*s = sched_new(200, 42);
	struct sched_entry	 e[2];
	size_t			 i;

	ck_assert_uint_eq(sched_spread_ms(2, 200, MIN_MS), 0);
	ck_assert_uint_eq(sched_spread_ms(200, 200, MIN_MS), 1000);
	ck_assert_uint_eq(sched_spread_ms(10000, 200, MIN_MS), 50000);
	ck_assert_uint_eq(sched_spread_ms(100000, 200, MIN_MS), MIN_MS);
	ck_assert_uint_eq(sched_spread_ms(5, 0, 2000), 2000);
	for (i = 0; i < 2; i++) {
		e[i] = (struct sched_entry){ .interval_ms = MIN_MS };
		sched_add(s, &e[i], 5000, sched_spread_ms(2, 200, MIN_MS));
		ck_assert_uint_eq(e[i].due_ms, 5000);
	}
	ck_assert_ptr_nonnull(sched_pop_due(s, 5000));
	ck_assert_ptr_nonnull(sched_pop_due(s, 5000));
	sched_free(s);
}
END_TEST

/* Issue 15: zonehealth_runs_queued read 24-28 with 0-4 runs going: it
 * counted every zone waiting for its time, not for a slot. */
START_TEST(test_due_and_lag)
{
	struct sched		*s = sched_new(1, 42);
	struct sched_entry	 e[5];
	size_t			 i;

	for (i = 0; i < 5; i++) {
		e[i] = (struct sched_entry){ .interval_ms = MIN_MS };
		sched_add_at(s, &e[i], 1000 * (i + 1));
	}
	ck_assert_uint_eq(sched_queued(s), 5);
	ck_assert_uint_eq(sched_due(s, 500), 0);
	ck_assert_uint_eq(sched_lag_ms(s, 500), 0);
	ck_assert_uint_eq(sched_due(s, 3000), 3);
	ck_assert_uint_eq(sched_lag_ms(s, 3000), 2000);
	/* One slot: the first runs, the others wait for it. */
	ck_assert_ptr_nonnull(sched_pop_due(s, 3000));
	ck_assert_uint_eq(sched_due(s, 3000), 2);
	ck_assert_uint_eq(sched_lag_ms(s, 3500), 1500);
	sched_free(s);
}
END_TEST

START_TEST(test_pop_in_due_order)
{
	struct sched		*s = sched_new(10000, 7);
	struct sched_entry	 e[500], *p;
	uint64_t		 last = 0;
	size_t			 i, n = 0;

	for (i = 0; i < 500; i++) {
		e[i] = (struct sched_entry){ .interval_ms = MIN_MS };
		sched_add_at(s, &e[i], (i * 7919) % 1000);
	}
	/* Remove a few from the middle of the heap. */
	for (i = 0; i < 500; i += 50)
		sched_remove(s, &e[i]);
	ck_assert_uint_eq(sched_queued(s), 490);
	while ((p = sched_pop_due(s, 1000)) != NULL) {
		ck_assert_uint_ge(p->due_ms, last);
		ck_assert(p->running);
		last = p->due_ms;
		n++;
	}
	ck_assert_uint_eq(n, 490);
	ck_assert_uint_eq(sched_running(s), 490);
	sched_free(s);
}
END_TEST

START_TEST(test_concurrency_cap)
{
	struct sched		*s = sched_new(3, 1);
	struct sched_entry	 e[10], *p[4];
	size_t			 i;

	for (i = 0; i < 10; i++) {
		e[i] = (struct sched_entry){ .interval_ms = MIN_MS };
		sched_add_at(s, &e[i], 100);
	}
	ck_assert_uint_eq(sched_next_wakeup(s), 100);
	ck_assert_ptr_null(sched_pop_due(s, 99));
	for (i = 0; i < 3; i++)
		ck_assert_ptr_nonnull(p[i] = sched_pop_due(s, 100));
	/* Full: nothing more starts, and there is no timer to set. */
	ck_assert_ptr_null(sched_pop_due(s, 100));
	ck_assert_uint_eq(sched_next_wakeup(s), SCHED_NEVER);
	ck_assert_uint_eq(sched_running(s), 3);
	sched_done(s, p[0], 150, true);
	ck_assert_uint_eq(sched_next_wakeup(s), 100);
	ck_assert_ptr_nonnull(p[3] = sched_pop_due(s, 150));
	ck_assert_ptr_null(sched_pop_due(s, 150));
	/* A larger cap after a reload lets waiting zones start. */
	sched_set_max_running(s, 5);
	ck_assert_ptr_nonnull(sched_pop_due(s, 150));
	ck_assert_ptr_nonnull(sched_pop_due(s, 150));
	ck_assert_ptr_null(sched_pop_due(s, 150));
	sched_free(s);
}
END_TEST

START_TEST(test_done_reschedules_from_start)
{
	struct sched		*s = sched_new(10, 99);
	struct sched_entry	 e = { .interval_ms = MIN_MS }, *p;

	sched_add_at(s, &e, 1000);
	ck_assert_ptr_eq(p = sched_pop_due(s, 1000), &e);
	ck_assert_uint_eq(e.started_ms, 1000);
	sched_done(s, &e, 3000, true);
	/* One interval after the start, within the jitter, not after the end. */
	ck_assert_uint_ge(e.due_ms, 1000 + MIN_MS - 6000);
	ck_assert_uint_le(e.due_ms, 1000 + MIN_MS + 6000);
	ck_assert(!e.running);
	ck_assert_uint_eq(sched_running(s), 0);

	/* A run longer than its interval is followed at once. */
	ck_assert_ptr_eq(sched_pop_due(s, e.due_ms), &e);
	sched_done(s, &e, e.started_ms + 5 * MIN_MS, true);
	ck_assert_uint_eq(e.due_ms, e.started_ms + 5 * MIN_MS);
	sched_free(s);
}
END_TEST

START_TEST(test_failures_back_off_and_reset)
{
	struct sched		*s = sched_new(10, 5);
	struct sched_entry	 e = { .interval_ms = MIN_MS };
	uint64_t		 now = 0;

	sched_add_at(s, &e, now);
	ck_assert_ptr_eq(sched_pop_due(s, now), &e);
	sched_done(s, &e, now + 10, false);
	ck_assert_uint_eq(e.failures, 1);
	ck_assert_uint_eq(e.due_ms, now + 10 + 2 * MIN_MS);

	now = e.due_ms;
	ck_assert_ptr_eq(sched_pop_due(s, now), &e);
	sched_done(s, &e, now, false);
	ck_assert_uint_eq(e.failures, 2);
	ck_assert_uint_eq(e.due_ms, now + 4 * MIN_MS);

	now = e.due_ms;
	ck_assert_ptr_eq(sched_pop_due(s, now), &e);
	sched_done(s, &e, now, true);
	ck_assert_uint_eq(e.failures, 0);
	ck_assert_uint_le(e.due_ms, now + MIN_MS + 6000);

	/* A reload while a failing zone runs: the backoff starts again, so
	 * the new config is tried after one interval, not after 2^n. */
	now = e.due_ms;
	ck_assert_ptr_eq(sched_pop_due(s, now), &e);
	sched_done(s, &e, now, false);
	now = e.due_ms;
	ck_assert_ptr_eq(sched_pop_due(s, now), &e);
	sched_set_interval(s, &e, MIN_MS, now);
	sched_done(s, &e, now, false);
	ck_assert_uint_eq(e.failures, 1);
	ck_assert_uint_eq(e.due_ms, now + 2 * MIN_MS);
	sched_free(s);
}
END_TEST

START_TEST(test_remove_running_and_interval_change)
{
	struct sched		*s = sched_new(2, 3);
	struct sched_entry	 a = { .interval_ms = MIN_MS };
	struct sched_entry	 b = { .interval_ms = 10 * MIN_MS };

	sched_add_at(s, &a, 0);
	sched_add_at(s, &b, 9 * MIN_MS);
	ck_assert_ptr_eq(sched_pop_due(s, 0), &a);
	sched_remove(s, &a);
	ck_assert_uint_eq(sched_running(s), 0);
	/* done() on an entry no longer running is ignored. */
	sched_done(s, &a, 10, true);
	ck_assert_uint_eq(sched_queued(s), 1);

	/* A shorter interval pulls the next run in; a longer one waits. */
	sched_set_interval(s, &b, MIN_MS, 1000);
	ck_assert_uint_eq(b.due_ms, 1000 + MIN_MS);
	sched_set_interval(s, &b, 20 * MIN_MS, 1000);
	ck_assert_uint_eq(b.due_ms, 1000 + MIN_MS);
	ck_assert_uint_eq(sched_next_wakeup(s), 1000 + MIN_MS);
	sched_free(s);
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite	*s = suite_create("sched");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_backoff_doubles_then_caps);
	tcase_add_test(tc, test_jitter_bounds);
	tcase_add_test(tc, test_first_runs_spread_over_interval);
	tcase_add_test(tc, test_small_list_runs_at_once);
	tcase_add_test(tc, test_due_and_lag);
	tcase_add_test(tc, test_pop_in_due_order);
	tcase_add_test(tc, test_concurrency_cap);
	tcase_add_test(tc, test_done_reschedules_from_start);
	tcase_add_test(tc, test_failures_back_off_and_reset);
	tcase_add_test(tc, test_remove_running_and_interval_change);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(sched_suite());
}
