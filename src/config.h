/* config: the daemon's configuration, loaded from YAML against a schema table. */
#ifndef ZH_CONFIG_H
#define ZH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ldns/ldns.h>

#include "cfgerr.h"
#include "log.h"
#include "value.h"

struct webconfig;

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CONFIG_DEFAULT_PATH SYSCONFDIR "/zonehealth/zonehealth.yaml"

struct config_host {
	char		*name;		/* normalised domain name */
	uint16_t	 port;
};

struct config_zone {
	char			*name;		/* normalised: lower case, trailing dot */
	uint64_t		 interval_ms;	/* the zone's own, or the global one */
	struct config_host	*hosts;
	size_t			 nhosts;
};

struct config_addr_list {
	struct value_addr	*addrs;
	char			**texts;	/* as written in the config */
	size_t			 n;
};

/* probe: runs on demand (/probe?zone=NAME), off by default. */
struct config_probe {
	bool			 enabled;
	char			**allow;	/* zone suffixes, normalised */
	size_t			 nallow;
	unsigned		 max_concurrent;	/* probes in flight */
	uint64_t		 timeout_ms;	/* a probe's bound */
};

struct config {
	char			*path;		/* NULL when built from the command line */

	char			*listen;
	struct value_addr	 listen_addr;
	char			*web_config_file;	/* NULL: plain HTTP, no auth */
	struct webconfig	*web;		/* that file (or --web.config.file) as
						 * loaded by daemon_load_config; NULL:
						 * none, or not loaded (--once) */
	uint64_t		 interval_ms;
	uint64_t		 timeout_ms;
	unsigned		 retries;
	char			*root_hints_path;	/* NULL: built-in copy */
	char			*trust_anchor_path;	/* NULL: built-in copy */
	ldns_rr_list		*root_hints;
	ldns_rr_list		*trust_anchor;	/* NULL with trust_anchor_none */
	bool			 trust_anchor_none;	/* trust_anchor: none */
	struct config_addr_list	 source_addresses;
	struct config_addr_list	 resolvers;
	unsigned		 server_qps;
	unsigned		 max_inflight;
	unsigned		 max_concurrent_runs;
	uint64_t		 expiry_warning_ms;
	uint64_t		 serial_grace_ms;
	unsigned		 clear_after;	/* clean runs before a finding clears */
	unsigned		 max_ns_names;		/* per zone run */
	unsigned		 max_addresses_per_name;
	unsigned		 max_queries_per_run;
	unsigned		 nsec3_iterations_limit;
	unsigned		 burst_size;
	uint64_t		 burst_interval_ms;
	char			*state_file;		/* NULL: no state kept */
	bool			 server_detail_metrics;
	enum log_level		 log_level;
	int			 ip4, ip6;	/* enum query_family_use */
	unsigned		 shard_index;		/* 1-based I of "I/N" */
	unsigned		 shard_count;		/* N */
	struct config_probe	 probe;

	struct config_zone	*zones;
	size_t			 nzones;
};


#define CONFIG_ZONES_REQUIRED	0x1	/* daemon mode: "zones" must be present */

/* Parses and checks path, loads root hints and trust anchor. Returns a
 * fresh config, or NULL with every error found appended to errs. No side
 * effects beyond reading files. */
struct config *config_load(const char *path, int flags, struct cfgerr *errs);
/* The same from len bytes of text, named name in messages and cfg->path
 * (tests and fuzzing: no file of its own, but root data files it names
 * are read). */
struct config *config_load_buffer(const char *name, const char *text,
    size_t len, int flags, struct cfgerr *errs);
/* Every default, built-in root hints and trust anchor, no zones. NULL with
 * errs filled if a default file exists but does not parse. */
struct config *config_default(struct cfgerr *errs);
/* Adds a zone from the command line; -1 with *why on a bad or duplicate name. */
int config_add_zone(struct config *, const char *name, const char **why);
/* The zone named (normalised name), or NULL. */
const struct config_zone *config_find_zone(const struct config *, const char *name);
void config_free(struct config *);

#define CONFIG_SHARD_MAX	1000
/* "I/N" with 1 <= I <= N <= CONFIG_SHARD_MAX; 0, or -1 with *msg (free it). */
int config_parse_shard(const char *, unsigned *index, unsigned *count, char **msg);

#endif
