/* unit_probe: /probe's runs on the simulated network: the allow list, the
 * answer, max_concurrent, a requester gone mid-run, a reload and a time
 * limit during runs; the runner shared with nothing but the probes. */
#include "zhbuild.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "unit_main.h"
#include "buf.h"
#include "cfgerr.h"
#include "config.h"
#include "log.h"
#include "probe.h"
#include "routes.h"
#include "runner.h"
#include "sim.h"
#include "tmpdir.h"
#include "xmalloc.h"
#include "zone.h"

#define ROOT_ADDR	"127.0.91.1"
#define OK_ADDR		"127.0.91.2"
#define SILENT_ADDR	"127.0.91.3"

static struct sim	*sim;
static char		 dir[256];

/* One probe's requester: what it was answered, if anything. */
struct asker {
	int		 answers;
	unsigned	 code;
	char		*body;
};

/* The world under probe: the runner, its probes, the loop. */
struct bench {
	struct event_base	*base;
	struct config		*cfg;
	struct runner		*r;
	struct probe		*p;
	int			 other_runs;	/* completions not a probe's */
};

static void
setup(void)
{
	char	*path;

	tmpdir_make(dir, sizeof(dir), "probe");
	path = tmpdir_write(dir, "hints", ". 3600000 IN NS ns.root.\n"
	    "ns.root. 3600000 IN A " ROOT_ADDR "\n", strlen(". 3600000 IN NS "
	    "ns.root.\nns.root. 3600000 IN A " ROOT_ADDR "\n"));
	free(path);
	sim = sim_new();
	ck_assert_int_eq(sim_zone(sim, ROOT_ADDR, ".",
	    ". SOA ns.root. h.root. 1 3600 600 86400 60\n"
	    ". NS ns.root.\n"
	    "ns.root. A " ROOT_ADDR "\n"
	    "ok.test. NS ns.ok.test.\n"
	    "ns.ok.test. A " OK_ADDR "\n"
	    "slow.test. NS ns.slow.test.\n"
	    "ns.slow.test. A " SILENT_ADDR "\n"), 0);
	ck_assert_int_eq(sim_zone(sim, OK_ADDR, "ok.test.",
	    "ok.test. SOA ns.ok.test. h.ok.test. 7 3600 600 86400 60\n"
	    "ok.test. NS ns.ok.test.\n"
	    "ns.ok.test. A " OK_ADDR "\n"), 0);
	sim_add_rule(sim, &(struct sim_rule){ .addr = SILENT_ADDR,
	    .transport = -1, .behaviour = SIM_SILENT });
	sim_install(sim);
	log_set_level(LOG_LEVEL_WARNING);
}

static void
teardown(void)
{
	sim_install(NULL);
	sim_free(sim);
	sim = NULL;
	tmpdir_remove(dir);
}

static struct config *
load(const char *probe)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct config	*cfg;
	char		*t;
	size_t		 i;

	t = xasprintf("listen: \"127.0.0.1:0\"\nroot_hints: %s/hints\n"
	    "trust_anchor: none\ntimeout: 200ms\nretries: 1\nserver_qps: 10000\n"
	    "burst_size: 0\nlog_level: warning\n%s\nzones: [ok.test]\n", dir,
	    probe);
	cfg = config_load_buffer("probe.yaml", t, strlen(t), 0, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	cfgerr_clear(&errs);
	free(t);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

static void
bench_run_done(struct zone *z, bool ok, void *arg)
{
	struct bench	*b = arg;

	if (probe_owns(b->p, z))
		probe_run_done(b->p, z, ok);
	else
		b->other_runs++;
}

static void
bench_init(struct bench *b, const char *probe)
{
	memset(b, 0, sizeof(*b));
	ck_assert_ptr_nonnull(b->base = event_base_new());
	b->cfg = load(probe);
	b->r = runner_new(b->base, b->cfg, bench_run_done, b);
	b->p = probe_new(b->base, b->r, b->cfg);
}

static void
bench_free(struct bench *b)
{
	probe_free(b->p);
	runner_free(b->r);
	config_free(b->cfg);
	event_base_free(b->base);
}

static void
asker_answer(struct routes_reply *r, void *cookie)
{
	struct asker	*a = cookie;

	a->answers++;
	a->code = r->code;
	buf_putc(&r->body, '\0');
	free(a->body);
	a->body = buf_steal(&r->body, NULL);
}

/* Asks for zone; the immediate answer's code, or 0 when it started. */
static unsigned
ask(struct bench *b, struct asker *a, const char *zone, const char *format,
    const char *timeout)
{
	struct probe_args	args = { zone, format, timeout, NULL };
	struct routes_reply	r;
	unsigned		code = 0;

	memset(&r, 0, sizeof(r));
	buf_init(&r.body);
	if (!probe_begin(b->p, &args, &r, asker_answer, a))
		code = r.code;
	buf_free(&r.body);
	return code;
}

/* Runs the loop until every asker is answered (bounded by the probes'
 * own time limits: the loop empties when nothing is left). */
static void
bench_wait(struct bench *b, struct asker *a, size_t n)
{
	size_t	i, done;
	int	rounds;

	for (rounds = 0; rounds < 1000; rounds++) {
		for (i = done = 0; i < n; i++)
			done += a[i].answers > 0;
		if (done == n)
			return;
		event_base_loop(b->base, EVLOOP_ONCE);
	}
	ck_abort_msg("probes not answered");
}

START_TEST(test_refusals)
{
	struct bench	b;
	struct asker	a = { 0, 0, NULL };

	bench_init(&b, "probe: { allow: [test] }");
	ck_assert_uint_eq(ask(&b, &a, "ok.test", NULL, NULL), 404);
	bench_free(&b);

	bench_init(&b, "probe: { enabled: true }");
	ck_assert_uint_eq(ask(&b, &a, "ok.test", NULL, NULL), 403);
	bench_free(&b);

	bench_init(&b, "probe: { enabled: true, allow: [test] }");
	ck_assert_uint_eq(ask(&b, &a, "ok.example", NULL, NULL), 403);
	ck_assert_uint_eq(ask(&b, &a, "xtest", NULL, NULL), 403);
	ck_assert_uint_eq(ask(&b, &a, NULL, NULL, NULL), 400);
	ck_assert_uint_eq(ask(&b, &a, "a b.test", NULL, NULL), 400);
	ck_assert_uint_eq(ask(&b, &a, "ok.test", "xml", NULL), 400);
	ck_assert_uint_eq(ask(&b, &a, "ok.test", NULL, "-1"), 400);
	ck_assert_uint_eq(ask(&b, &a, "ok.test", NULL, "soon"), 400);
	ck_assert_int_eq(a.answers, 0);
	ck_assert_uint_eq(sim_queries(sim, NULL), 0);
	bench_free(&b);
}
END_TEST

START_TEST(test_answer)
{
	struct bench	b;
	struct asker	a[2] = { { 0, 0, NULL }, { 0, 0, NULL } };

	bench_init(&b, "probe: { enabled: true, allow: [test] }");
	ck_assert_uint_eq(ask(&b, &a[0], "OK.test.", NULL, NULL), 0);
	ck_assert_uint_eq(ask(&b, &a[1], "ok.test", "json", NULL), 0);
	ck_assert_int_eq(a[0].answers, 0);	/* never from inside the call */
	bench_wait(&b, a, 2);
	ck_assert_uint_eq(a[0].code, 200);
	ck_assert_ptr_nonnull(strstr(a[0].body, "\nzonehealth_probe_success 1\n"));
	ck_assert_ptr_nonnull(strstr(a[0].body,
	    "\nzonehealth_zone_status{zone=\"ok.test.\"} "));
	ck_assert_ptr_nonnull(strstr(a[0].body, "zonehealth_probe_duration_seconds "));
	ck_assert_uint_eq(a[1].code, 200);
	ck_assert_ptr_nonnull(strstr(a[1].body, "{\"zone\":\"ok.test.\""));
	ck_assert_int_eq(a[0].answers, 1);
	ck_assert_int_eq(a[1].answers, 1);
	ck_assert_int_eq(b.other_runs, 0);
	free(a[0].body);
	free(a[1].body);
	bench_free(&b);
}
END_TEST

START_TEST(test_max_concurrent)
{
	struct bench	b;
	struct asker	a[3] = { { 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL } };
	size_t		i;

	bench_init(&b, "probe: { enabled: true, allow: [test], max_concurrent: 2 }");
	ck_assert_uint_eq(ask(&b, &a[0], "slow.test", NULL, "0.1"), 0);
	ck_assert_uint_eq(ask(&b, &a[1], "slow.test", NULL, "0.1"), 0);
	ck_assert_uint_eq(ask(&b, &a[2], "ok.test", NULL, NULL), 429);
	bench_wait(&b, a, 2);
	/* The silent server (two 200 ms attempts) outlasts the 100 ms
	 * limit: answered, not judged. */
	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(a[i].code, 200);
		ck_assert_ptr_nonnull(strstr(a[i].body,
		    "\nzonehealth_probe_success 0\n"));
		ck_assert_ptr_null(strstr(a[i].body, "zone=\"slow.test.\""));
		free(a[i].body);
	}
	ck_assert_int_eq(a[2].answers, 0);
	bench_free(&b);
}
END_TEST

START_TEST(test_abandon)
{
	struct bench	b;
	struct asker	a[2] = { { 0, 0, NULL }, { 0, 0, NULL } };
	unsigned long	before;

	bench_init(&b, "probe: { enabled: true, allow: [test] }");
	ck_assert_uint_eq(ask(&b, &a[0], "slow.test", NULL, NULL), 0);
	ck_assert_uint_eq(ask(&b, &a[1], "ok.test", NULL, NULL), 0);
	event_base_loop(b.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	probe_abandon(b.p, &a[0]);
	probe_abandon(b.p, &a[0]);	/* twice: nothing */
	bench_wait(&b, &a[1], 1);
	before = sim_queries(sim, SILENT_ADDR);
	/* Nothing left of the abandoned run: past its retries' time no
	 * query more, and no answer. */
	{
		struct timeval	tv = { 1, 0 };

		ck_assert_int_eq(event_base_loopexit(b.base, &tv), 0);
		ck_assert_int_ne(event_base_dispatch(b.base), -1);
	}
	ck_assert_int_eq(a[0].answers, 0);
	ck_assert_uint_eq(sim_queries(sim, SILENT_ADDR), before);
	free(a[1].body);
	bench_free(&b);
}
END_TEST

START_TEST(test_reload_during)
{
	struct bench	b;
	struct asker	a = { 0, 0, NULL };
	struct config	*next;

	bench_init(&b, "probe: { enabled: true, allow: [test] }");
	ck_assert_uint_eq(ask(&b, &a, "ok.test", "json", NULL), 0);
	event_base_loop(b.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	/* A reload turning probes off frees the config the probe began with. */
	next = load("probe: { enabled: false }");
	runner_configure(b.r, next);
	probe_configure(b.p, next);
	config_free(b.cfg);
	b.cfg = next;
	bench_wait(&b, &a, 1);
	ck_assert_uint_eq(a.code, 200);
	ck_assert_ptr_nonnull(strstr(a.body, "\"ok.test.\""));
	free(a.body);
	a.answers = 0;
	ck_assert_uint_eq(ask(&b, &a, "ok.test", NULL, NULL), 404);
	bench_free(&b);
}
END_TEST

START_TEST(test_free_with_probes)
{
	struct bench	b;
	struct asker	a = { 0, 0, NULL };

	bench_init(&b, "probe: { enabled: true, allow: [test] }");
	ck_assert_uint_eq(ask(&b, &a, "slow.test", NULL, NULL), 0);
	event_base_loop(b.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	bench_free(&b);		/* the run abandoned, nothing answered */
	ck_assert_int_eq(a.answers, 0);
}
END_TEST

static Suite *
probe_suite(void)
{
	Suite	*s = suite_create("probe");
	TCase	*tc = tcase_create("probe");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_answer);
	tcase_add_test(tc, test_max_concurrent);
	tcase_add_test(tc, test_abandon);
	tcase_add_test(tc, test_reload_during);
	tcase_add_test(tc, test_free_with_probes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_main_run(probe_suite());
}
