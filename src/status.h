/* status: the read-only snapshot renderers draw the daemon's state from. */
#ifndef ZH_STATUS_H
#define ZH_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct burster;
struct infra;
struct query_engine;
struct zone_set;

struct status {
	const struct zone_set	*zones;
	bool			 reload_ok;		/* last config (re)load succeeded */
	time_t			 reload_success_time;	/* wall clock of the last good one */
	time_t			 start_time;
	uint64_t		 runs_started;
	uint64_t		 runs_failed;
	unsigned		 runs_running;
	size_t			 runs_queued;
	const struct query_engine *engine;	/* per-server counters; may be NULL */
	const struct burster	*bursts;	/* per-address bursts; may be NULL */
	const struct infra	*infra;		/* the shared cache; may be NULL */
	unsigned		 shard_index;		/* this instance's share, I/N */
	unsigned		 shard_count;
};

#endif
