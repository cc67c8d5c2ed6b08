/* runner: carries out one zone run and reports its completion. */
#include "zhbuild.h"

#include <stdlib.h>

#include <event2/event.h>

#include "log.h"
#include "runner.h"
#include "xmalloc.h"
#include "zone.h"

/*
 * Until the query engine exists a run is a test job: it completes on the
 * next loop iteration without evidence, so the zone stays "unknown" while
 * the scheduler, the concurrency cap and the bookkeeping around it are
 * exercised for real.
 */
struct runner_job {
	struct runner		*runner;
	struct zone		*zone;
	struct event		*ev;
	struct runner_job	*next;
};

struct runner {
	struct event_base	*base;
	runner_done_fn		 done;
	void			*arg;
	struct runner_job	*jobs;
};

struct runner *
runner_new(struct event_base *base, runner_done_fn done, void *arg)
{
	struct runner	*r;

	r = xcalloc(1, sizeof(*r));
	r->base = base;
	r->done = done;
	r->arg = arg;
	return r;
}

static void
runner_job_unlink(struct runner *r, struct runner_job *job)
{
	struct runner_job	**pp;

	for (pp = &r->jobs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == job) {
			*pp = job->next;
			break;
		}
	event_free(job->ev);
	free(job);
}

static void
runner_job_cb(evutil_socket_t fd, short what, void *arg)
{
	struct runner_job	*job = arg;
	struct runner		*r = job->runner;
	struct zone		*z = job->zone;

	runner_job_unlink(r, job);
	log_debug("zone %s: run finished", z->name);
	r->done(z, true, r->arg);
}

void
runner_start(struct runner *r, struct zone *z)
{
	struct runner_job	*job;
	struct timeval		 now = { 0, 0 };

	job = xcalloc(1, sizeof(*job));
	job->runner = r;
	job->zone = z;
	if ((job->ev = evtimer_new(r->base, runner_job_cb, job)) == NULL)
		fatalx("runner: cannot create event");
	if (evtimer_add(job->ev, &now) == -1)
		fatalx("runner: cannot add event");
	job->next = r->jobs;
	r->jobs = job;
	log_debug("zone %s: run started", z->name);
}

void
runner_cancel(struct runner *r, struct zone *z)
{
	struct runner_job	*job, *next;

	for (job = r->jobs; job != NULL; job = next) {
		next = job->next;
		if (job->zone == z)
			runner_job_unlink(r, job);
	}
}

void
runner_free(struct runner *r)
{
	if (r == NULL)
		return;
	while (r->jobs != NULL)
		runner_job_unlink(r, r->jobs);
	free(r);
}
