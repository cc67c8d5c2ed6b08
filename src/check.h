/* check: the checks, pure functions from a run's evidence to findings. */
#ifndef ZH_CHECK_H
#define ZH_CHECK_H

#include <stdint.h>
#include <time.h>

#include "finding.h"

struct evidence;

/* What a judgement may depend on besides the evidence. */
struct check_params {
	uint64_t	timeout_ms;	/* per attempt, as queried */
	unsigned	retries;
	time_t		now;
};

enum check_outcome {
	CHECK_RAN,
	CHECK_COULD_NOT_RUN,	/* no evidence to judge: status 3 */
};

struct check_def {
	enum check_id	 id;
	enum check_outcome (*judge)(const struct evidence *, const struct check_params *,
	    struct findings *);
};

/* The checks built so far, in the order they run; NULL-terminated. */
extern const struct check_def *const check_table[];

extern const struct check_def check_delegation;
extern const struct check_def check_reachability;

/* Every finding of the checks in check_table; status[] per check gets
 * 0 ok, 1 warning, 2 critical, 3 could not run, -1 not built. */
void check_run_all(const struct evidence *, const struct check_params *,
    struct findings *, int status[CHECK_MAX]);

#endif
