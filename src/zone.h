/* zone: per-zone state that outlives runs and config reloads. */
#ifndef ZH_ZONE_H
#define ZH_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "finding.h"
#include "sched.h"

struct config;
struct config_zone;

struct zone {
	char			*name;		/* normalised; owned */
	const struct config_zone *cfg;		/* in the current config */
	bool			 checked;	/* a run has completed */
	enum severity		 status;	/* worst finding; valid when checked */
	time_t			 checked_at;	/* wall clock, last completed run */
	double			 last_run_duration;	/* seconds */
	uint64_t		 runs;		/* runs completed */
	struct findings		 findings;	/* the last run's, since-times kept */
	enum check_status	 check_status[CHECK_MAX];
	struct check_memory	 memory;	/* the checks' own, run to run */
	struct findings		 since_hints;	/* from the state file: the
						   since-times of findings
						   before a restart */
	struct sched_entry	 sched;
};

/* The zones, sorted by name. */
struct zone_set {
	struct zone	**v;
	size_t		 n;
};

/* The shard (1..count) that owns a zone name: rendezvous hashing. */
unsigned zone_shard_owner(const char *name, unsigned count);
/* "unknown" until the zone has run, else its severity's name. */
const char *zone_status_name(const struct zone *);

/* Makes the set match cfg's zones: zones kept keep their state (and cfg
 * pointer updated), new ones are returned in *added (may be NULL), dropped
 * ones in *removed for the caller to unschedule and free. */
void zone_set_sync(struct zone_set *, const struct config *,
    struct zone_set *added, struct zone_set *removed);
/* Records a finished run: findings (taken) get their since-times from the
 * previous run's, status becomes the worst of them; memory is taken too.
 * A finding of the last run that this one did not see stays until
 * clear_after runs in a row have not seen it (1: clears at once). */
void zone_record_run(struct zone *, struct findings *,
    const enum check_status status[CHECK_MAX],
    struct check_memory *, time_t now, double duration, unsigned clear_after);
/* A zone with no history, for cz (which must outlive it or be replaced
 * in z->cfg); the caller owns it (zone_free). */
struct zone *zone_new(const struct config_zone *cz);
struct zone *zone_set_find(const struct zone_set *, const char *name);
/* Frees the array; with free_zones also every zone. */
void zone_set_clear(struct zone_set *, bool free_zones);
void zone_free(struct zone *);

#endif
