/* snapshot: the read-only view of the daemon renderers draw from. */
#ifndef ZH_SNAPSHOT_H
#define ZH_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

struct burster;
struct infra;
struct query_engine;
struct zone_set;

/* The big pages rendered at most once a second: a crowd of scrapers (or
 * an overeager dashboard) costs copies, not renderings, and the checks
 * keep their schedule. Owned by whoever fills the status. */
#define SNAPSHOT_CACHE_MS		1000
enum snapshot_page {
	SNAPSHOT_PAGE_METRICS,
	SNAPSHOT_PAGE_OPENMETRICS,
	SNAPSHOT_PAGE_ZONES,
	SNAPSHOT_PAGE_MAX,
};

struct snapshot_cache {
	struct {
		char		*data;
		size_t		 len;
		uint64_t	 at_ms;		/* monotonic; 0: empty */
	} page[SNAPSHOT_PAGE_MAX];
};

struct snapshot {
	const struct zone_set	*zones;
	bool			 reload_ok;		/* last config (re)load succeeded */
	time_t			 reload_success_time;	/* wall clock of the last good one */
	time_t			 start_time;
	uint64_t		 runs_started;
	uint64_t		 runs_failed;
	unsigned		 runs_running;
	size_t			 runs_queued;	/* due, waiting for a run slot */
	double			 schedule_lag_s;	/* how late the most overdue is */
	const struct query_engine *engine;	/* per-server counters; may be NULL */
	const struct burster	*bursts;	/* per-address bursts; may be NULL */
	const struct infra	*infra;		/* the shared cache; may be NULL */
	struct snapshot_cache	*cache;			/* may be NULL: no caching */
	bool			 server_detail;		/* server_detail_metrics */
	unsigned		 shard_index;		/* this instance's share, I/N */
	unsigned		 shard_count;
};

#endif
