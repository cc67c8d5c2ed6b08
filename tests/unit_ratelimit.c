/* unit_ratelimit: the token bucket's arithmetic, driven with an injected clock. */
#include "zhbuild.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "ratelimit.h"
#include "unit_main.h"

START_TEST(test_starts_full_then_empty)
{
	struct ratelimit	rl;
	unsigned		i;

	ratelimit_init(&rl, 20, 20, 1000);
	for (i = 0; i < 20; i++) {
		ck_assert_uint_eq(ratelimit_wait_ms(&rl, 1000), 0);
		ck_assert(ratelimit_take(&rl, 1000));
	}
	ck_assert(!ratelimit_take(&rl, 1000));
	/* One token per 50 ms at 20 per second. */
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 1000), 50);
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 1030), 20);
	ck_assert(!ratelimit_take(&rl, 1049));
	ck_assert(ratelimit_take(&rl, 1050));
	ck_assert(!ratelimit_take(&rl, 1050));
}
END_TEST

START_TEST(test_rounds_wait_up)
{
	struct ratelimit	rl;

	/* 1000/3 ms is not whole: waking at 333 would find no token. */
	ratelimit_init(&rl, 3, 2, 0);
	ck_assert(ratelimit_take(&rl, 0));
	ck_assert(ratelimit_take(&rl, 0));
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 0), 334);
	ck_assert(!ratelimit_take(&rl, 333));
	ck_assert(ratelimit_take(&rl, 334));
	/* The 2 units left over from 1002 count towards the next token. */
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 334), 333);
	ck_assert(ratelimit_take(&rl, 667));

	/* A full bucket earns nothing more: burst 1 drops the leftover. */
	ratelimit_init(&rl, 3, 1, 0);
	ck_assert(ratelimit_take(&rl, 0));
	ck_assert(ratelimit_take(&rl, 400));
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 400), 334);
}
END_TEST

START_TEST(test_count_per_window)
{
	struct ratelimit	rl;
	uint64_t		now;
	unsigned		taken = 0, rates[] = { 1, 7, 20, 333 }, k;

	/* Greedy takers over ten seconds get exactly burst + 10 * rate. */
	for (k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		ratelimit_init(&rl, rates[k], rates[k], 5000);
		taken = 0;
		for (now = 5000; now <= 15000; now++)
			while (ratelimit_take(&rl, now))
				taken++;
		ck_assert_uint_eq(taken, rates[k] + 10 * rates[k]);
	}
}
END_TEST

START_TEST(test_wait_then_take_agree)
{
	struct ratelimit	rl;
	uint64_t		now = 77, w;
	unsigned		i;

	ratelimit_init(&rl, 13, 4, now);
	for (i = 0; i < 200; i++) {
		w = ratelimit_wait_ms(&rl, now);
		if (w > 0) {
			ck_assert(!ratelimit_take(&rl, now + w - 1));
			now += w;
		}
		ck_assert(ratelimit_take(&rl, now));
	}
}
END_TEST

START_TEST(test_idle_caps_at_burst)
{
	struct ratelimit	rl;
	unsigned		i;

	ratelimit_init(&rl, 5, 5, 0);
	for (i = 0; i < 5; i++)
		ck_assert(ratelimit_take(&rl, 0));
	/* An hour idle, and a clock near the top of its range: still just
	 * a full bucket, no overflow. */
	for (i = 0; i < 5; i++)
		ck_assert(ratelimit_take(&rl, 3600 * 1000));
	ck_assert(!ratelimit_take(&rl, 3600 * 1000));
	for (i = 0; i < 5; i++)
		ck_assert(ratelimit_take(&rl, UINT64_MAX - 1));
	ck_assert(!ratelimit_take(&rl, UINT64_MAX - 1));
}
END_TEST

START_TEST(test_clock_backwards)
{
	struct ratelimit	rl;

	ratelimit_init(&rl, 10, 1, 1000);
	ck_assert(ratelimit_take(&rl, 1000));
	/* Earlier than last seen: nothing earned, nothing wraps. */
	ck_assert(!ratelimit_take(&rl, 500));
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 500), 100);
	ck_assert(ratelimit_take(&rl, 1100));
}
END_TEST

START_TEST(test_unlimited_and_zero_burst)
{
	struct ratelimit	rl;
	unsigned		i;

	ratelimit_init(&rl, 0, 0, 0);
	for (i = 0; i < 100000; i++)
		ck_assert(ratelimit_take(&rl, 0));
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 0), 0);

	/* Burst 0 is one token, not a bucket that never fills. */
	ratelimit_init(&rl, 2, 0, 0);
	ck_assert(ratelimit_take(&rl, 0));
	ck_assert(!ratelimit_take(&rl, 0));
	ck_assert(ratelimit_take(&rl, 500));
}
END_TEST

START_TEST(test_set_keeps_credit)
{
	struct ratelimit	rl;
	unsigned		i;

	ratelimit_init(&rl, 10, 10, 0);
	for (i = 0; i < 8; i++)
		ck_assert(ratelimit_take(&rl, 0));
	/* Two tokens left; a smaller bucket keeps no more than fits. */
	ratelimit_set(&rl, 1, 1, 0);
	ck_assert(ratelimit_take(&rl, 0));
	ck_assert(!ratelimit_take(&rl, 0));
	ck_assert_uint_eq(ratelimit_wait_ms(&rl, 0), 1000);
	/* A bigger bucket does not hand out free tokens. */
	ratelimit_set(&rl, 100, 100, 0);
	ck_assert(!ratelimit_take(&rl, 0));
	ck_assert(ratelimit_take(&rl, 10));
	/* From unlimited to limited: a full bucket. */
	ratelimit_set(&rl, 0, 0, 10);
	ratelimit_set(&rl, 2, 2, 10);
	ck_assert(ratelimit_take(&rl, 10));
	ck_assert(ratelimit_take(&rl, 10));
	ck_assert(!ratelimit_take(&rl, 10));
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite	*s = suite_create("ratelimit");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_starts_full_then_empty);
	tcase_add_test(tc, test_rounds_wait_up);
	tcase_add_test(tc, test_count_per_window);
	tcase_add_test(tc, test_wait_then_take_agree);
	tcase_add_test(tc, test_idle_caps_at_burst);
	tcase_add_test(tc, test_clock_backwards);
	tcase_add_test(tc, test_unlimited_and_zero_burst);
	tcase_add_test(tc, test_set_keeps_credit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(ratelimit_suite());
}
