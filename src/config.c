/* config: the daemon's configuration, loaded from YAML against a schema table. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "file.h"
#include "querydefs.h"
#include "log.h"
#include "rootdata.h"
#include "value.h"
#include "webconfig.h"
#include "xmalloc.h"

#define CONFIG_SECOND	1000ULL
#define CONFIG_MINUTE	(60 * CONFIG_SECOND)
#define CONFIG_HOUR	(60 * CONFIG_MINUTE)
#define CONFIG_DAY	(24 * CONFIG_HOUR)

/* A zone's own interval has the global one's bounds. */
#define CONFIG_INTERVAL_MIN	CONFIG_SECOND
#define CONFIG_INTERVAL_MAX	(7 * CONFIG_DAY)

#define CONFIG_KEYS_MAX	32	/* entries in the largest table */
#define CONFIG_KEY_LEN	24	/* longest key name in a table */

/* What a value is, and the field(s) it is stored in (off, off2). */
enum config_type {
	CONFIG_LISTEN,		/* char *, struct value_addr */
	CONFIG_PATH,		/* char * */
	CONFIG_DURATION,	/* uint64_t milliseconds */
	CONFIG_UINT,		/* unsigned */
	CONFIG_PORT,		/* uint16_t */
	CONFIG_LOG_LEVEL,	/* enum log_level */
	CONFIG_SHARD,		/* unsigned I, unsigned N */
	CONFIG_DOMAIN,		/* char *, normalised */
	CONFIG_ADDRS,		/* struct config_addr_list */
	CONFIG_ZONES,		/* struct config_zone *, size_t */
	CONFIG_HOSTS,		/* struct config_host *, size_t */
	CONFIG_BOOL,		/* bool */
	CONFIG_FAMILY,		/* int: enum query_family_use */
	CONFIG_DOMAINS,		/* char **, size_t: normalised names */
	CONFIG_PROBE,		/* struct config_probe: a mapping */
};

#define CONFIG_REQUIRED		0x01	/* the key must be present */
#define CONFIG_DAEMON		0x02	/* required in daemon mode */
#define CONFIG_READABLE		0x04	/* paths: must be readable */
#define CONFIG_IF_EXISTS	0x08	/* paths: default if it exists */
#define CONFIG_WITH_PORT	0x10	/* addresses: may have a port */
#define CONFIG_REGULAR		0x20	/* paths: if it exists, a regular file */
#define CONFIG_ROOTDATA		0x40	/* paths: a readable file, or "none"
					   (trust_anchor): checked where the
					   config names it */

/* One key of a mapping: where its value goes and what it may be. */
struct config_option {
	const char		*name;
	enum config_type	 type;
	size_t			 off;
	size_t			 off2;
	uint64_t		 min;
	uint64_t		 max;
	const char		*def;	/* as written; NULL: none */
	int			 flags;
	uint16_t		 port;	/* addresses: the default */
	const char		*help;
};

/* The document being walked and where its errors go. */
struct config_load {
	const char		*file;
	FILE			*fp;	/* to turn offsets into lines */
	struct cfgerr	*errs;
	int			 flags;
	yaml_document_t		 doc;
};

#define CONFIG_OFF(f)		offsetof(struct config, f)
#define CONFIG_ZONE_OFF(f)	offsetof(struct config_zone, f)
#define CONFIG_HOST_OFF(f)	offsetof(struct config_host, f)

/* The top level: every key the file may have. */
static const struct config_option config_options[] = {
	{ .name = "listen", .type = CONFIG_LISTEN,
	  .off = CONFIG_OFF(listen), .off2 = CONFIG_OFF(listen_addr),
	  .def = ":10353",
	  .help = "HTTP address for metrics, API and status page" },
	{ .name = "web_config_file", .type = CONFIG_PATH,
	  .off = CONFIG_OFF(web_config_file), .flags = CONFIG_READABLE,
	  .help = "TLS and basic auth, exporter-toolkit format" },
	{ .name = "interval", .type = CONFIG_DURATION,
	  .off = CONFIG_OFF(interval_ms),
	  .min = CONFIG_INTERVAL_MIN, .max = CONFIG_INTERVAL_MAX, .def = "60s",
	  .help = "how often each zone is checked" },
	{ .name = "timeout", .type = CONFIG_DURATION,
	  .off = CONFIG_OFF(timeout_ms),
	  .min = 100, .max = 60 * CONFIG_SECOND, .def = "2s",
	  .help = "wait for one query attempt" },
	{ .name = "retries", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(retries), .min = 0, .max = 10, .def = "2",
	  .help = "attempts after the first, per query" },
	{ .name = "root_hints", .type = CONFIG_PATH,
	  .off = CONFIG_OFF(root_hints_path), .flags = CONFIG_IF_EXISTS |
	  CONFIG_ROOTDATA,
	  .def = ROOTDATA_HINTS_PATH,
	  .help = "named.root style file; built-in copy without one" },
	{ .name = "trust_anchor", .type = CONFIG_PATH,
	  .off = CONFIG_OFF(trust_anchor_path), .flags = CONFIG_IF_EXISTS |
	  CONFIG_ROOTDATA,
	  .def = ROOTDATA_ANCHOR_PATH,
	  .help = "root DS or DNSKEY records; built-in copy without one" },
	{ .name = "source_addresses", .type = CONFIG_ADDRS,
	  .off = CONFIG_OFF(source_addresses),
	  .help = "local addresses to query from, each a vantage point" },
	{ .name = "resolvers", .type = CONFIG_ADDRS,
	  .off = CONFIG_OFF(resolvers), .flags = CONFIG_WITH_PORT, .port = 53,
	  .help = "recursive resolvers asked for the symptom" },
	{ .name = "server_qps", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(server_qps), .min = 1, .max = 10000, .def = "20",
	  .help = "queries per second cap per server address" },
	{ .name = "max_inflight", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(max_inflight), .min = 1, .max = 100000,
	  .def = "2000",
	  .help = "queries in flight at once, all servers" },
	{ .name = "max_concurrent_runs", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(max_concurrent_runs), .min = 1, .max = 10000,
	  .def = "200",
	  .help = "zone runs at once" },
	{ .name = "expiry_warning", .type = CONFIG_DURATION,
	  .off = CONFIG_OFF(expiry_warning_ms),
	  .min = CONFIG_HOUR, .max = 365 * CONFIG_DAY, .def = "7d",
	  .help = "RRSIGs expiring sooner are a warning" },
	{ .name = "serial_grace", .type = CONFIG_DURATION,
	  .off = CONFIG_OFF(serial_grace_ms),
	  .min = 0, .max = CONFIG_DAY, .def = "10m",
	  .help = "lagging serials younger than this are not findings" },
	{ .name = "max_ns_names", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(max_ns_names), .min = 1, .max = 1000, .def = "20",
	  .help = "NS names of a zone probed in a run" },
	{ .name = "max_addresses_per_name", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(max_addresses_per_name), .min = 1, .max = 1000,
	  .def = "8", .help = "addresses of an NS name probed in a run" },
	{ .name = "max_queries_per_run", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(max_queries_per_run), .min = 10, .max = 1000000,
	  .def = "2000", .help = "queries one zone run may send" },
	{ .name = "nsec3_iterations_limit", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(nsec3_iterations_limit), .min = 0, .max = 2500,
	  .def = "150", .help = "NSEC3 iterations past which it is critical" },
	{ .name = "clear_after", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(clear_after), .min = 1, .max = 100, .def = "2",
	  .help = "clean runs in a row before a finding clears" },
	{ .name = "burst_size", .type = CONFIG_UINT,
	  .off = CONFIG_OFF(burst_size), .min = 0, .max = 1000, .def = "20",
	  .help = "queries in a rate-limit probe; 0 turns it off" },
	{ .name = "burst_interval", .type = CONFIG_DURATION,
	  .off = CONFIG_OFF(burst_interval_ms),
	  .min = CONFIG_MINUTE, .max = 7 * CONFIG_DAY, .def = "1h",
	  .help = "how often each server address is probed" },
	{ .name = "state_file", .type = CONFIG_PATH,
	  .off = CONFIG_OFF(state_file), .flags = CONFIG_REGULAR,
	  .help = "findings and since-times kept across restarts" },
	{ .name = "server_detail_metrics", .type = CONFIG_BOOL,
	  .off = CONFIG_OFF(server_detail_metrics), .def = "false",
	  .help = "per zone and server address series: serial, signature expiry" },
	{ .name = "ip4", .type = CONFIG_FAMILY, .off = CONFIG_OFF(ip4),
	  .def = "auto", .help = "query IPv4 addresses: auto, on or off" },
	{ .name = "ip6", .type = CONFIG_FAMILY, .off = CONFIG_OFF(ip6),
	  .def = "auto", .help = "query IPv6 addresses: auto, on or off" },
	{ .name = "log_level", .type = CONFIG_LOG_LEVEL,
	  .off = CONFIG_OFF(log_level), .def = "info",
	  .help = "error, warning, notice, info or debug" },
	{ .name = "shard", .type = CONFIG_SHARD,
	  .off = CONFIG_OFF(shard_index), .off2 = CONFIG_OFF(shard_count),
	  .min = 1, .max = CONFIG_SHARD_MAX, .def = "1/1",
	  .help = "this instance's share of the zones, I/N" },
	{ .name = "probe", .type = CONFIG_PROBE,
	  .off = CONFIG_OFF(probe),
	  .help = "runs on demand: /probe?zone=NAME" },
	{ .name = "zones", .type = CONFIG_ZONES,
	  .off = CONFIG_OFF(zones), .off2 = CONFIG_OFF(nzones),
	  .flags = CONFIG_DAEMON,
	  .help = "the zones to watch" },
};

#define CONFIG_PROBE_OFF(f)	offsetof(struct config_probe, f)

/* The "probe" mapping. Probes send queries on request: off unless asked
 * for, and only for zones under an allowed suffix. */
static const struct config_option config_probe_options[] = {
	{ .name = "enabled", .type = CONFIG_BOOL,
	  .off = CONFIG_PROBE_OFF(enabled), .def = "false",
	  .help = "serve /probe" },
	{ .name = "allow", .type = CONFIG_DOMAINS,
	  .off = CONFIG_PROBE_OFF(allow), .off2 = CONFIG_PROBE_OFF(nallow),
	  .help = "zone suffixes that may be probed (none: no zone)" },
	{ .name = "max_concurrent", .type = CONFIG_UINT,
	  .off = CONFIG_PROBE_OFF(max_concurrent), .min = 1, .max = 100,
	  .def = "4", .help = "probes in flight at once; more get 429" },
	{ .name = "timeout", .type = CONFIG_DURATION,
	  .off = CONFIG_PROBE_OFF(timeout_ms), .min = CONFIG_SECOND,
	  .max = 50 * CONFIG_SECOND, .def = "30s",
	  .help = "a probe's bound (?timeout= may ask for less)" },
};

/* An item of "zones" written as a mapping. */
static const struct config_option config_zone_options[] = {
	{ .name = "name", .type = CONFIG_DOMAIN,
	  .off = CONFIG_ZONE_OFF(name), .flags = CONFIG_REQUIRED,
	  .help = "the zone" },
	{ .name = "interval", .type = CONFIG_DURATION,
	  .off = CONFIG_ZONE_OFF(interval_ms),
	  .min = CONFIG_INTERVAL_MIN, .max = CONFIG_INTERVAL_MAX,
	  .help = "this zone's interval instead of the global one" },
	{ .name = "hosts", .type = CONFIG_HOSTS,
	  .off = CONFIG_ZONE_OFF(hosts), .off2 = CONFIG_ZONE_OFF(nhosts),
	  .help = "service hosts whose addresses must all accept the port" },
};

/* An item of a zone's "hosts". */
static const struct config_option config_host_options[] = {
	{ .name = "name", .type = CONFIG_DOMAIN,
	  .off = CONFIG_HOST_OFF(name), .flags = CONFIG_REQUIRED,
	  .help = "a name with one or more addresses" },
	{ .name = "port", .type = CONFIG_PORT,
	  .off = CONFIG_HOST_OFF(port), .min = 1, .max = 65535,
	  .flags = CONFIG_REQUIRED,
	  .help = "TCP port every address must accept" },
};

#define CONFIG_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int	config_set_listen(const struct config_option *, const char *,
		    void *, char **);
static int	config_set_path(const struct config_option *, const char *,
		    void *, char **);
static int	config_set_duration(const struct config_option *,
		    const char *, void *, char **);
static int	config_set_uint(const struct config_option *, const char *,
		    void *, char **);
static int	config_set_bool(const struct config_option *, const char *,
		    void *, char **);
static int	config_set_log_level(const struct config_option *,
		    const char *, void *, char **);
static int	config_set_family(const struct config_option *,
		    const char *, void *, char **);
static int	config_set_shard(const struct config_option *, const char *,
		    void *, char **);
static int	config_set_domain(const struct config_option *, const char *,
		    void *, char **);
static void	config_set_addrs(struct config_load *,
		    const struct config_option *, yaml_node_t *, void *);
static void	config_set_zones(struct config_load *,
		    const struct config_option *, yaml_node_t *, void *);
static void	config_set_hosts(struct config_load *,
		    const struct config_option *, yaml_node_t *, void *);
static void	config_set_domains(struct config_load *,
		    const struct config_option *, yaml_node_t *, void *);
static void	config_set_probe(struct config_load *,
		    const struct config_option *, yaml_node_t *, void *);
static void	config_free_addrs(struct config_addr_list *);
static void	config_free_zone(struct config_zone *);
static void	config_free_host(struct config_host *);

/*
 * What each type accepts. Scalar types parse text (the same parser turns
 * the table's defaults into values); list types walk a sequence node.
 */
struct config_type_info {
	const char	*expected;	/* "expected ..., got a mapping" */
	const char	*item;		/* lists: what an item is */
	int		(*scalar)(const struct config_option *, const char *,
			    void *, char **);
	void		(*list)(struct config_load *,
			    const struct config_option *, yaml_node_t *,
			    void *);
	void		(*map)(struct config_load *,
			    const struct config_option *, yaml_node_t *,
			    void *);
};

static const struct config_type_info config_types[] = {
	[CONFIG_LISTEN] = { "a listen address (host:port or :port)", NULL,
	    config_set_listen, NULL },
	[CONFIG_PATH] = { "a path", NULL, config_set_path, NULL },
	[CONFIG_DURATION] = { "a duration (e.g. 30s)", NULL,
	    config_set_duration, NULL },
	[CONFIG_UINT] = { "an unsigned integer", NULL, config_set_uint, NULL },
	[CONFIG_PORT] = { "a port number", NULL, config_set_uint, NULL },
	[CONFIG_LOG_LEVEL] = { "a log level", NULL, config_set_log_level,
	    NULL },
	[CONFIG_SHARD] = { "a shard (I/N)", NULL, config_set_shard, NULL },
	[CONFIG_DOMAIN] = { "a domain name", NULL, config_set_domain, NULL },
	[CONFIG_ADDRS] = { "a list of addresses", "an address", NULL,
	    config_set_addrs },
	[CONFIG_ZONES] = { "a list of zones", "a zone name or a mapping",
	    NULL, config_set_zones },
	[CONFIG_HOSTS] = { "a list of hosts", "a mapping with name and port",
	    NULL, config_set_hosts },
	[CONFIG_BOOL] = { "true or false", NULL, config_set_bool, NULL },
	[CONFIG_FAMILY] = { "auto, on or off", NULL, config_set_family, NULL },
	[CONFIG_DOMAINS] = { "a list of domain names", "a domain name", NULL,
	    config_set_domains },
	[CONFIG_PROBE] = { "a mapping", NULL, NULL, NULL, config_set_probe },
};


static void config_error(struct config_load *, const yaml_node_t *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

/* An error at a node; libyaml counts from 0, people from 1. */
static void
config_error(struct config_load *l, const yaml_node_t *node, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cfgerr_vat(l->errs, l->file, node, fmt, ap);
	va_end(ap);
}

static void *
config_field(void *base, size_t off)
{
	return (char *)base + off;
}

/* Replaces a string field, freeing what a default put there. */
static void
config_set_string(void *base, size_t off, const char *s)
{
	char	**p = config_field(base, off);

	free(*p);
	*p = xstrdup(s);
}

/* Milliseconds as the shortest sum of units, for range messages. */
static void
config_format_duration(uint64_t ms, char *out, size_t outlen)
{
	static const struct {
		const char	*unit;
		uint64_t	 ms;
	} units[] = {
		{ "d", CONFIG_DAY }, { "h", CONFIG_HOUR },
		{ "m", CONFIG_MINUTE }, { "s", CONFIG_SECOND }, { "ms", 1 },
	};
	size_t	i, len = 0;
	int	n;

	if (ms == 0) {
		snprintf(out, outlen, "0s");
		return;
	}
	out[0] = '\0';
	for (i = 0; i < CONFIG_NITEMS(units) && ms > 0; i++) {
		if (ms < units[i].ms)
			continue;
		n = snprintf(out + len, outlen - len, "%llu%s",
		    (unsigned long long)(ms / units[i].ms), units[i].unit);
		if (n < 0 || (size_t)n >= outlen - len)
			return;
		len += (size_t)n;
		ms %= units[i].ms;
	}
}

static int
config_set_listen(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	struct value_addr	 a;
	const char		*why;

	if (value_parse_listen(s, &a, &why) == -1) {
		*msg = xasprintf("bad listen address \"%s\": %s", s, why);
		return -1;
	}
	config_set_string(base, o->off, s);
	*(struct value_addr *)config_field(base, o->off2) = a;
	return 0;
}

static int
config_set_path(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	struct stat	 st;
	const char	*why;

	if (*s == '\0') {
		*msg = xstrdup("empty path");
		return -1;
	}
	/* A device or FIFO as the state file would be read forever or wait
	 * for a writer, and be renamed over at shutdown. */
	if ((o->flags & CONFIG_REGULAR) && stat(s, &st) == 0 &&
	    !S_ISREG(st.st_mode)) {
		*msg = xasprintf("\"%s\" is not a regular file", s);
		return -1;
	}
	/* A missing or unreadable root data file is the config line's
	 * error, not the file's (line 1 of a file that is not there). */
	if ((o->flags & CONFIG_ROOTDATA) && strcmp(s, "none") != 0 &&
	    file_check_regular(s, &why) == -1) {
		*msg = xasprintf("cannot read \"%s\": %s", s, why);
		return -1;
	}
	if (o->flags & CONFIG_READABLE) {
		/* Found now, not at the first TLS handshake. */
		if (file_check_regular(s, &why) == -1) {
			*msg = xasprintf("cannot read \"%s\": %s", s, why);
			return -1;
		}
	}
	config_set_string(base, o->off, s);
	return 0;
}

static int
config_set_duration(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	char		 lo[32], hi[32];
	const char	*why;
	uint64_t	 ms;

	if (value_parse_duration(s, &ms, &why) == -1) {
		*msg = xasprintf("bad duration \"%s\": %s", s, why);
		return -1;
	}
	if (ms < o->min || ms > o->max) {
		config_format_duration(o->min, lo, sizeof(lo));
		config_format_duration(o->max, hi, sizeof(hi));
		*msg = xasprintf("%s is out of range (%s..%s)", s, lo, hi);
		return -1;
	}
	*(uint64_t *)config_field(base, o->off) = ms;
	return 0;
}

/* CONFIG_UINT and CONFIG_PORT: the same text, stored at their widths. */
static int
config_set_uint(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	const char	*why;
	uint64_t	 n;

	if (strspn(s, "0123456789") != strlen(s) || *s == '\0') {
		*msg = xasprintf("\"%s\" is not an unsigned integer", s);
		return -1;
	}
	/* Too many digits to parse is out of range all the same. */
	if (value_parse_uint(s, &n, &why) == -1 || n < o->min || n > o->max) {
		*msg = xasprintf("%s is out of range (%llu..%llu)", s,
		    (unsigned long long)o->min, (unsigned long long)o->max);
		return -1;
	}
	if (o->type == CONFIG_PORT)
		*(uint16_t *)config_field(base, o->off) = (uint16_t)n;
	else
		*(unsigned *)config_field(base, o->off) = (unsigned)n;
	return 0;
}

/* YAML 1.2's core schema: true or false, nothing else. */
static int
config_set_bool(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	if (strcmp(s, "true") == 0)
		*(bool *)config_field(base, o->off) = true;
	else if (strcmp(s, "false") == 0)
		*(bool *)config_field(base, o->off) = false;
	else {
		*msg = xasprintf("\"%s\" is not true or false", s);
		return -1;
	}
	return 0;
}

/* auto: use the family if this host can (no route: not tested from here);
 * on: the host has it, failures are the servers'; off: never use it. */
static int
config_set_family(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	int	*v = config_field(base, o->off);

	if (strcmp(s, "auto") == 0)
		*v = QUERY_FAMILY_AUTO;
	else if (strcmp(s, "on") == 0)
		*v = QUERY_FAMILY_ON;
	else if (strcmp(s, "off") == 0)
		*v = QUERY_FAMILY_OFF;
	else {
		*msg = xasprintf("\"%s\" is not one of auto, on, off", s);
		return -1;
	}
	return 0;
}

static int
config_set_log_level(const struct config_option *o, const char *s,
    void *base, char **msg)
{
	char	names[128];
	size_t	len = 0;
	int	level, n;

	if ((level = log_level_parse(s)) == -1) {
		names[0] = '\0';
		for (level = LOG_LEVEL_ERROR; level <= LOG_LEVEL_DEBUG;
		    level++) {
			n = snprintf(names + len, sizeof(names) - len, "%s%s",
			    level == LOG_LEVEL_ERROR ? "" : ", ",
			    log_level_name((enum log_level)level));
			if (n < 0 || (size_t)n >= sizeof(names) - len)
				break;
			len += (size_t)n;
		}
		*msg = xasprintf("\"%s\" is not one of %s", s, names);
		return -1;
	}
	*(enum log_level *)config_field(base, o->off) = (enum log_level)level;
	return 0;
}

int
config_parse_shard(const char *s, unsigned *index, unsigned *count, char **msg)
{
	const char	*slash, *why;
	char		*itext;
	uint64_t	 i, n;
	int		 rc;

	if ((slash = strchr(s, '/')) == NULL)
		goto bad;
	itext = xstrndup(s, (size_t)(slash - s));
	rc = value_parse_uint(itext, &i, &why);
	free(itext);
	if (rc == -1 || value_parse_uint(slash + 1, &n, &why) == -1)
		goto bad;
	if (i < 1 || i > n || n > CONFIG_SHARD_MAX) {
		*msg = xasprintf("%s is out of range (1 <= I <= N <= %u)", s,
		    CONFIG_SHARD_MAX);
		return -1;
	}
	*index = (unsigned)i;
	*count = (unsigned)n;
	return 0;

bad:
	*msg = xasprintf("bad shard \"%s\": expected I/N, such as 2/4", s);
	return -1;
}

static int
config_set_shard(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	return config_parse_shard(s, (unsigned *)config_field(base, o->off),
	    (unsigned *)config_field(base, o->off2), msg);
}

static int
config_set_domain(const struct config_option *o, const char *s, void *base,
    char **msg)
{
	char		**p = config_field(base, o->off);
	char		 *name;
	const char	 *why;

	if (value_parse_domain(s, &name, &why) == -1) {
		*msg = xasprintf("bad domain name \"%s\": %s", s, why);
		return -1;
	}
	free(*p);
	*p = name;
	return 0;
}


static size_t
config_seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top -
	    seq->data.sequence.items.start);
}

static const char *
config_scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/* Hands one value to its type: a scalar to its parser, a list to its walker. */
static void
config_set(struct config_load *l, const struct config_option *o,
    yaml_node_t *node, void *base)
{
	const struct config_type_info	*t = &config_types[o->type];
	char				*msg;

	if (t->map != NULL) {
		if (node->type != YAML_MAPPING_NODE) {
			config_error(l, node, "\"%s\": expected %s, got %s",
			    o->name, t->expected, cfgerr_yaml_kind(node));
			return;
		}
		t->map(l, o, node, base);
		return;
	}
	if (t->scalar != NULL) {
		if (node->type != YAML_SCALAR_NODE || cfgerr_yaml_null(node)) {
			config_error(l, node, "\"%s\": expected %s, got %s",
			    o->name, t->expected, cfgerr_yaml_kind(node));
			return;
		}
		if (t->scalar(o, config_scalar(node), base, &msg) == -1) {
			config_error(l, node, "\"%s\": %s", o->name, msg);
			free(msg);
		}
		return;
	}
	if (node->type != YAML_SEQUENCE_NODE) {
		config_error(l, node, "\"%s\": expected %s, got %s", o->name,
		    t->expected, cfgerr_yaml_kind(node));
		return;
	}
	t->list(l, o, node, base);
}

/*
 * Edit distance between two short keys, for "did you mean", counting a
 * swap of neighbours as one edit: "prot" is one typo away from "port".
 */
static size_t
config_distance(const char *a, const char *b)
{
	size_t	 d[2 * CONFIG_KEY_LEN + 2][2 * CONFIG_KEY_LEN + 2];
	size_t	 la = strlen(a), lb = strlen(b), i, j, cost, best;

	if (la > 2 * CONFIG_KEY_LEN || lb > 2 * CONFIG_KEY_LEN)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static const struct config_option *
config_suggest(const char *key, const struct config_option *table, size_t n)
{
	const struct config_option	*best = NULL;
	size_t				 i, d, bestd = SIZE_MAX, limit;

	/* Short keys are a letter or two from many others: be stricter. */
	limit = strlen(key) <= 5 ? 1 : 2;
	for (i = 0; i < n; i++) {
		d = config_distance(key, table[i].name);
		if (d <= limit && d < bestd) {
			best = &table[i];
			bestd = d;
		}
	}
	return best;
}

/* The keys of one mapping seen so far: a generated config may have tens
 * of thousands, and a scan of the earlier ones per key was quadratic
 * (80,000 keys: 29 s under -t). */
struct config_keyset {
	yaml_node_t	**slots;
	size_t		  mask;
};

static uint64_t
config_key_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ull;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

/* The earlier key equal to key, or NULL after remembering key. */
static yaml_node_t *
config_keyset_add(struct config_keyset *ks, yaml_node_t *key)
{
	size_t	i;

	for (i = config_key_hash(config_scalar(key)) & ks->mask;
	    ks->slots[i] != NULL; i = (i + 1) & ks->mask)
		if (strcmp(config_scalar(ks->slots[i]), config_scalar(key)) == 0)
			return ks->slots[i];
	ks->slots[i] = key;
	return NULL;
}

/* The value of the first key named name in map, or NULL. */
static yaml_node_t *
config_map_get(struct config_load *l, yaml_node_t *map, const char *name)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*k;

	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(&l->doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp(config_scalar(k), name) == 0)
			return yaml_document_get_node(&l->doc, p->value);
	}
	return NULL;
}

/*
 * The generic walker: every key of map against table, values stored into
 * base. Nothing here knows any key by name.
 */
static void
config_walk(struct config_load *l, yaml_node_t *map,
    const struct config_option *table, size_t n, void *base)
{
	const struct config_option	*o, *hint;
	yaml_node_pair_t		*pair;
	yaml_node_t			*key, *value, *first;
	bool				 seen[CONFIG_KEYS_MAX] = { false };
	struct config_keyset		 ks;
	size_t				 i, npairs;

	if (n > CONFIG_KEYS_MAX)
		fatalx("config table larger than CONFIG_KEYS_MAX");
	npairs = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	for (i = 16; i < 2 * npairs; i *= 2)
		;
	ks.slots = xcalloc(i, sizeof(*ks.slots));
	ks.mask = i - 1;
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		key = yaml_document_get_node(&l->doc, pair->key);
		value = yaml_document_get_node(&l->doc, pair->value);
		if (key == NULL || value == NULL)
			continue;
		if (key->type != YAML_SCALAR_NODE) {
			config_error(l, key, "expected a key name, got %s",
			    cfgerr_yaml_kind(key));
			continue;
		}
		if ((first = config_keyset_add(&ks, key)) != NULL) {
			config_error(l, key, "duplicate key \"%s\" (first at "
			    "line %lu)", config_scalar(key),
			    (unsigned long)first->start_mark.line + 1);
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp(table[i].name, config_scalar(key)) == 0)
				break;
		if (i == n) {
			if ((hint = config_suggest(config_scalar(key), table,
			    n)) != NULL)
				config_error(l, key, "unknown key \"%s\" (did "
				    "you mean \"%s\"?)", config_scalar(key),
				    hint->name);
			else
				config_error(l, key, "unknown key \"%s\"",
				    config_scalar(key));
			continue;
		}
		seen[i] = true;
		config_set(l, &table[i], value, base);
	}
	free(ks.slots);
	for (i = 0; i < n; i++) {
		o = &table[i];
		if (!seen[i] && ((o->flags & CONFIG_REQUIRED) ||
		    ((o->flags & CONFIG_DAEMON) &&
		    (l->flags & CONFIG_ZONES_REQUIRED))))
			config_error(l, map, "missing required key \"%s\"",
			    o->name);
	}
}

/* Items of a list type must be o's item kind; says so when not. */
static bool
config_item_is(struct config_load *l, const struct config_option *o,
    yaml_node_t *item, yaml_node_type_t type)
{
	if (item->type == type && !cfgerr_yaml_null(item))
		return true;
	config_error(l, item, "\"%s\": expected %s, got %s", o->name,
	    config_types[o->type].item, cfgerr_yaml_kind(item));
	return false;
}

static void
config_set_addrs(struct config_load *l, const struct config_option *o,
    yaml_node_t *seq, void *base)
{
	struct config_addr_list	*list = config_field(base, o->off);
	yaml_node_item_t	*it;
	yaml_node_t		*item;
	struct value_addr	 a;
	unsigned long		*lines;
	const char		*why, *s;
	char			 text[128], other[128];
	bool			 port_ok;
	size_t			 i, max;

	port_ok = (o->flags & CONFIG_WITH_PORT) != 0;
	max = config_seq_len(seq);
	list->addrs = xreallocarray(list->addrs, list->n + max,
	    sizeof(*list->addrs));
	list->texts = xreallocarray(list->texts, list->n + max,
	    sizeof(*list->texts));
	lines = xcalloc(list->n + max, sizeof(*lines));
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++) {
		if ((item = yaml_document_get_node(&l->doc, *it)) == NULL ||
		    !config_item_is(l, o, item, YAML_SCALAR_NODE))
			continue;
		s = config_scalar(item);
		if (value_parse_address(s, o->port, port_ok, &a, &why) == -1) {
			config_error(l, item, "\"%s\": bad address \"%s\": %s",
			    o->name, s, why);
			continue;
		}
		/* Compared in one canonical form: "::1" and "0::1" clash. */
		value_format_addr((struct sockaddr *)&a.ss, text, sizeof(text),
		    o->port);
		for (i = 0; i < list->n; i++) {
			value_format_addr((struct sockaddr *)&list->addrs[i].ss,
			    other, sizeof(other), o->port);
			if (strcmp(text, other) == 0)
				break;
		}
		if (i < list->n) {
			config_error(l, item, "\"%s\": duplicate address %s "
			    "(first at line %lu)", o->name, text, lines[i]);
			continue;
		}
		lines[list->n] = (unsigned long)item->start_mark.line + 1;
		list->addrs[list->n] = a;
		list->texts[list->n] = xstrdup(s);
		list->n++;
	}
	free(lines);
}

/* Domain names, each once. */
static void
config_set_domains(struct config_load *l, const struct config_option *o,
    yaml_node_t *seq, void *base)
{
	char		***names = config_field(base, o->off);
	size_t		  *n = config_field(base, o->off2);
	yaml_node_item_t  *it;
	yaml_node_t	  *item;
	const char	  *why;
	char		  *name;
	size_t		   i;

	*names = xreallocarray(*names, *n + config_seq_len(seq) + 1,
	    sizeof(**names));
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++) {
		if ((item = yaml_document_get_node(&l->doc, *it)) == NULL ||
		    !config_item_is(l, o, item, YAML_SCALAR_NODE))
			continue;
		if (value_parse_domain(config_scalar(item), &name, &why) == -1) {
			config_error(l, item, "\"%s\": bad domain name \"%s\": %s",
			    o->name, config_scalar(item), why);
			continue;
		}
		for (i = 0; i < *n && strcmp((*names)[i], name) != 0; i++)
			;
		if (i < *n) {
			config_error(l, item, "\"%s\": %s is listed twice",
			    o->name, name);
			free(name);
			continue;
		}
		(*names)[(*n)++] = name;
	}
}

/* The probe mapping, over the defaults config_new gave it. */
static void
config_set_probe(struct config_load *l, const struct config_option *o,
    yaml_node_t *map, void *base)
{
	config_walk(l, map, config_probe_options,
	    CONFIG_NITEMS(config_probe_options), config_field(base, o->off));
}

static void
config_set_hosts(struct config_load *l, const struct config_option *o,
    yaml_node_t *seq, void *base)
{
	struct config_host	**hosts = config_field(base, o->off);
	size_t			 *nhosts = config_field(base, o->off2);
	struct config_host	  h;
	yaml_node_item_t	 *it;
	yaml_node_t		 *item;
	size_t			  before;

	*hosts = xreallocarray(*hosts, *nhosts + config_seq_len(seq),
	    sizeof(**hosts));
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++) {
		if ((item = yaml_document_get_node(&l->doc, *it)) == NULL ||
		    !config_item_is(l, o, item, YAML_MAPPING_NODE))
			continue;
		memset(&h, 0, sizeof(h));
		before = l->errs->n;
		config_walk(l, item, config_host_options,
		    CONFIG_NITEMS(config_host_options), &h);
		if (l->errs->n != before) {
			config_free_host(&h);
			continue;
		}
		(*hosts)[(*nhosts)++] = h;
	}
}

/*
 * Zone names seen so far, hashed: ten thousand zones must not mean fifty
 * million comparisons. Slots hold an index + 1; 0 is empty.
 */
struct config_zone_index {
	size_t	*slots;
	size_t	 mask;
};

static uint64_t
config_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot for name: empty, or holding the zone with that name. */
static size_t *
config_zone_slot(struct config_zone_index *idx, const struct config_zone *zones,
    const char *name)
{
	size_t	i;

	i = (size_t)config_hash(name) & idx->mask;
	for (;; i = (i + 1) & idx->mask)
		if (idx->slots[i] == 0 ||
		    strcmp(zones[idx->slots[i] - 1].name, name) == 0)
			return &idx->slots[i];
}

static void
config_set_zones(struct config_load *l, const struct config_option *o,
    yaml_node_t *seq, void *base)
{
	struct config_zone	**zones = config_field(base, o->off);
	size_t			 *nzones = config_field(base, o->off2);
	struct config_zone_index idx;
	struct config_zone	  z;
	yaml_node_item_t	 *it;
	yaml_node_t		 *item, *name_node;
	unsigned long		 *lines;
	const char		 *why;
	size_t			 *slot, max, size, before;

	max = *nzones + config_seq_len(seq);
	*zones = xreallocarray(*zones, max, sizeof(**zones));
	lines = xcalloc(max, sizeof(*lines));
	for (size = 16; size < 2 * max; size *= 2)
		;
	idx.slots = xcalloc(size, sizeof(*idx.slots));
	idx.mask = size - 1;
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++) {
		if ((item = yaml_document_get_node(&l->doc, *it)) == NULL)
			continue;
		memset(&z, 0, sizeof(z));
		if (item->type == YAML_SCALAR_NODE && !cfgerr_yaml_null(item)) {
			name_node = item;
			if (value_parse_domain(config_scalar(item), &z.name,
			    &why) == -1) {
				config_error(l, item, "\"%s\": bad domain name "
				    "\"%s\": %s", o->name, config_scalar(item),
				    why);
				continue;
			}
		} else if (config_item_is(l, o, item, YAML_MAPPING_NODE)) {
			before = l->errs->n;
			config_walk(l, item, config_zone_options,
			    CONFIG_NITEMS(config_zone_options), &z);
			name_node = config_map_get(l, item, "name");
			if (l->errs->n != before || name_node == NULL) {
				config_free_zone(&z);
				continue;
			}
		} else
			continue;
		slot = config_zone_slot(&idx, *zones, z.name);
		if (*slot != 0) {
			config_error(l, name_node, "duplicate zone %s (first "
			    "at line %lu)", z.name, lines[*slot - 1]);
			config_free_zone(&z);
			continue;
		}
		lines[*nzones] = (unsigned long)name_node->start_mark.line + 1;
		(*zones)[*nzones] = z;
		*slot = ++(*nzones);
	}
	free(idx.slots);
	free(lines);
}

/* Fills every field the table gives a default. */
static void
config_defaults(void *base, const struct config_option *table, size_t n)
{
	const struct config_option	*o;
	char				*msg;
	size_t				 i;

	for (i = 0; i < n; i++) {
		o = &table[i];
		if (o->def == NULL)
			continue;
		if ((o->flags & CONFIG_IF_EXISTS) && access(o->def, F_OK) == -1)
			continue;
		if (config_types[o->type].scalar(o, o->def, base, &msg) == -1)
			fatalx("default for \"%s\": %s", o->name, msg);
	}
}

/* Frees what the table's fields point at. */
static void
config_free_fields(void *base, const struct config_option *table, size_t n)
{
	const struct config_option	 *o;
	struct config_zone		**zones;
	struct config_host		**hosts;
	char				***names;
	size_t				  i, j, count;

	for (i = 0; i < n; i++) {
		o = &table[i];
		switch (o->type) {
		case CONFIG_LISTEN:
		case CONFIG_PATH:
		case CONFIG_DOMAIN:
			free(*(char **)config_field(base, o->off));
			break;
		case CONFIG_ADDRS:
			config_free_addrs(config_field(base, o->off));
			break;
		case CONFIG_ZONES:
			zones = config_field(base, o->off);
			count = *(size_t *)config_field(base, o->off2);
			for (j = 0; j < count; j++)
				config_free_zone(&(*zones)[j]);
			free(*zones);
			break;
		case CONFIG_HOSTS:
			hosts = config_field(base, o->off);
			count = *(size_t *)config_field(base, o->off2);
			for (j = 0; j < count; j++)
				config_free_host(&(*hosts)[j]);
			free(*hosts);
			break;
		case CONFIG_DOMAINS:
			names = config_field(base, o->off);
			count = *(size_t *)config_field(base, o->off2);
			for (j = 0; j < count; j++)
				free((*names)[j]);
			free(*names);
			break;
		case CONFIG_PROBE:
			config_free_fields(config_field(base, o->off),
			    config_probe_options,
			    CONFIG_NITEMS(config_probe_options));
			break;
		case CONFIG_DURATION:
		case CONFIG_UINT:
		case CONFIG_PORT:
		case CONFIG_LOG_LEVEL:
		case CONFIG_SHARD:
		case CONFIG_BOOL:
		case CONFIG_FAMILY:
			break;
		}
	}
}

static void
config_free_addrs(struct config_addr_list *list)
{
	size_t	i;

	for (i = 0; i < list->n; i++)
		free(list->texts[i]);
	free(list->texts);
	free(list->addrs);
}

static void
config_free_zone(struct config_zone *z)
{
	config_free_fields(z, config_zone_options,
	    CONFIG_NITEMS(config_zone_options));
}

static void
config_free_host(struct config_host *h)
{
	config_free_fields(h, config_host_options,
	    CONFIG_NITEMS(config_host_options));
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	config_free_fields(cfg, config_options, CONFIG_NITEMS(config_options));
	webconfig_free(cfg->web);
	if (cfg->root_hints != NULL)
		ldns_rr_list_deep_free(cfg->root_hints);
	if (cfg->trust_anchor != NULL)
		ldns_rr_list_deep_free(cfg->trust_anchor);
	free(cfg->path);
	free(cfg);
}

static struct config *
config_new(void)
{
	struct config	*cfg;

	cfg = xcalloc(1, sizeof(*cfg));
	config_defaults(cfg, config_options, CONFIG_NITEMS(config_options));
	config_defaults(&cfg->probe, config_probe_options,
	    CONFIG_NITEMS(config_probe_options));
	return cfg;
}

/* Root hints and trust anchor, from the paths settled on or built in. */
static void
config_load_rootdata(struct config *cfg, struct cfgerr *errs)
{
	cfg->root_hints = rootdata_load_hints(cfg->root_hints_path, errs);
	/* "none": a private namespace under an unsigned private root; each
	 * zone is checked from its parent's DS as served. */
	if (cfg->trust_anchor_path != NULL &&
	    strcmp(cfg->trust_anchor_path, "none") == 0) {
		cfg->trust_anchor_none = true;
		return;
	}
	cfg->trust_anchor = rootdata_load_anchor(cfg->trust_anchor_path, errs);
}


/* A YAML syntax error, where libyaml found it. */
static void
config_yaml_error(struct config_load *l, const yaml_parser_t *p)
{
	cfgerr_add_yaml(l->errs, l->file, l->fp, p);
}

/* Walks the one document the file must hold. */
static void
config_parse(struct config_load *l, yaml_parser_t *parser, struct config *cfg)
{
	yaml_document_t	 next;
	yaml_node_t	*root;

	if (!yaml_parser_load(parser, &l->doc)) {
		config_yaml_error(l, parser);
		return;
	}
	if ((root = yaml_document_get_root_node(&l->doc)) == NULL) {
		cfgerr_add(l->errs, l->file, 1, 1,
		    "empty config (expected a mapping of keys)");
		yaml_document_delete(&l->doc);
		return;
	}
	if (root->type != YAML_MAPPING_NODE)
		config_error(l, root, "expected a mapping of keys at the top "
		    "level, got %s", cfgerr_yaml_kind(root));
	else
		config_walk(l, root, config_options,
		    CONFIG_NITEMS(config_options), cfg);
	yaml_document_delete(&l->doc);

	/* A second document would be silently ignored: say so instead. */
	if (!yaml_parser_load(parser, &next)) {
		config_yaml_error(l, parser);
		return;
	}
	if (yaml_document_get_root_node(&next) != NULL)
		cfgerr_add(l->errs, l->file,
		    (unsigned long)next.start_mark.line + 1,
		    (unsigned long)next.start_mark.column + 1,
		    "more than one YAML document (a config is one mapping)");
	yaml_document_delete(&next);
}

/* Parses the stream fp (closed here), named path in messages. */
static struct config *
config_load_fp(const char *path, FILE *fp, int flags,
    struct cfgerr *errs)
{
	struct config_load	 l;
	struct config		*cfg;
	yaml_parser_t		 parser;
	size_t			 before = errs->n, i;

	cfg = config_new();
	cfg->path = xstrdup(path);
	memset(&l, 0, sizeof(l));
	l.file = path;
	l.fp = fp;
	l.errs = errs;
	l.flags = flags;
	if (!yaml_parser_initialize(&parser))
		fatalx("%s: out of memory starting the YAML parser", path);
	yaml_parser_set_input_file(&parser, fp);
	config_parse(&l, &parser, cfg);
	yaml_parser_delete(&parser);
	fclose(fp);

	/* "interval" may come after "zones" in the file. */
	for (i = 0; i < cfg->nzones; i++)
		if (cfg->zones[i].interval_ms == 0)
			cfg->zones[i].interval_ms = cfg->interval_ms;
	if (errs->n == before)
		config_load_rootdata(cfg, errs);
	if (errs->n != before) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* A generated list of a hosting provider's zones is a few MiB. */
#define CONFIG_FILE_MAX		(64u << 20)

struct config *
config_load(const char *path, int flags, struct cfgerr *errs)
{
	struct config	*cfg;
	const char	*why;
	char		*text;
	size_t		 len;

	/* Whole and checked first: a directory, device or FIFO named as
	 * the config is refused, not read forever or waited on. */
	if ((text = file_read(path, CONFIG_FILE_MAX, &len, &why)) == NULL) {
		cfgerr_add(errs, path, 1, 1, "cannot read file: %s", why);
		return NULL;
	}
	cfg = config_load_buffer(path, text, len, flags, errs);
	free(text);
	return cfg;
}

struct config *
config_load_buffer(const char *name, const char *text, size_t len, int flags,
    struct cfgerr *errs)
{
	FILE	*fp;

	/* A stream like the file's: one parser, one way to count lines. */
	if ((fp = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL) {
		cfgerr_add(errs, name, 1, 1, "cannot read: %s",
		    strerror(errno));
		return NULL;
	}
	return config_load_fp(name, fp, flags, errs);
}

struct config *
config_default(struct cfgerr *errs)
{
	struct config	*cfg;
	size_t		 before = errs->n;

	cfg = config_new();
	config_load_rootdata(cfg, errs);
	if (errs->n != before) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

int
config_add_zone(struct config *cfg, const char *name, const char **why)
{
	struct config_zone	*z;
	char			*norm;

	if (value_parse_domain(name, &norm, why) == -1)
		return -1;
	if (config_find_zone(cfg, norm) != NULL) {
		free(norm);
		*why = "duplicate zone";
		return -1;
	}
	cfg->zones = xreallocarray(cfg->zones, cfg->nzones + 1,
	    sizeof(*cfg->zones));
	z = &cfg->zones[cfg->nzones++];
	memset(z, 0, sizeof(*z));
	z->name = norm;
	z->interval_ms = cfg->interval_ms;
	return 0;
}

const struct config_zone *
config_find_zone(const struct config *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->nzones; i++)
		if (cfg->zones[i].name != NULL &&
		    strcmp(cfg->zones[i].name, name) == 0)
			return &cfg->zones[i];
	return NULL;
}
