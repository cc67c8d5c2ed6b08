/* render_metrics: the Prometheus and OpenMetrics expositions of the status. */
#include "zhbuild.h"

#include <arpa/inet.h>

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "burst.h"
#include "infra.h"
#include "finding.h"
#include "procstat.h"
#include "query.h"
#include "render.h"
#include "snapshot.h"
#include "value.h"
#include "version.h"
#include "zone.h"

enum render_metrics_type {
	RENDER_METRICS_GAUGE,
	RENDER_METRICS_COUNTER,
	RENDER_METRICS_INFO,	/* a constant 1 whose labels carry the data */
};

/* One exposition being written, and in which of the two dialects. */
struct render_metrics_out {
	struct buf	*b;
	bool		 om;
};

/* Label values, and in OpenMetrics HELP text too, escape the same three. */
static void
render_metrics_escape(struct buf *b, const char *s, bool quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s == '"' && quote)
			buf_puts(b, "\\\"");
		else
			buf_putc(b, *s);
	}
}

/*
 * Integral values print as integers (counts, timestamps, bytes), others
 * with the fewest digits that read back as the same double: both parse
 * everywhere and stay readable.
 */
static void
render_metrics_value(struct buf *b, double v)
{
	char	text[40];
	int	prec;

	if (isnan(v)) {
		buf_puts(b, "NaN");
		return;
	}
	if (isinf(v)) {
		buf_puts(b, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == trunc(v) && fabs(v) < 0x1p53) {
		buf_printf(b, "%.0f", v);
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(text, sizeof(text), "%.*g", prec, v);
		if (strtod(text, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(text, sizeof(text), "%.17g", v);
	buf_puts(b, text);
}

/*
 * Writes # HELP and # TYPE for the samples named `name`. OpenMetrics names
 * a family without the suffix its samples carry (_total for a counter,
 * _info for an info), and has an info type where text format 0.0.4 has
 * only a gauge.
 */
struct render_metrics_out;
static void render_metrics_families(struct render_metrics_out *,
    const struct snapshot *);

static void
render_metrics_family(struct render_metrics_out *out, const char *name,
    enum render_metrics_type type, const char *help)
{
	static const char *const types[] = {
		[RENDER_METRICS_GAUGE] = "gauge",
		[RENDER_METRICS_COUNTER] = "counter",
		[RENDER_METRICS_INFO] = "info",
	};
	const char	*suffix = NULL, *tname = types[type];
	size_t		 len = strlen(name);

	if (!out->om) {
		if (type == RENDER_METRICS_INFO)
			tname = types[RENDER_METRICS_GAUGE];
	} else if (type == RENDER_METRICS_COUNTER)
		suffix = "_total";
	else if (type == RENDER_METRICS_INFO)
		suffix = "_info";
	if (suffix != NULL && len > strlen(suffix) &&
	    strcmp(name + len - strlen(suffix), suffix) == 0)
		len -= strlen(suffix);

	buf_printf(out->b, "# HELP %.*s ", (int)len, name);
	render_metrics_escape(out->b, help, out->om);
	buf_printf(out->b, "\n# TYPE %.*s %s\n", (int)len, name, tname);
}

/* One sample: name{label="value",...} v, labels as NULL-terminated pairs. */
static void __attribute__((sentinel))
render_metrics_sample(struct render_metrics_out *out, const char *name,
    double v, ...)
{
	va_list		 ap;
	const char	*label, *value;
	bool		 first = true;

	buf_puts(out->b, name);
	va_start(ap, v);
	while ((label = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		buf_printf(out->b, "%s%s=\"", first ? "{" : ",", label);
		render_metrics_escape(out->b, value, true);
		buf_putc(out->b, '"');
		first = false;
	}
	va_end(ap);
	buf_puts(out->b, first ? " " : "} ");
	render_metrics_value(out->b, v);
	buf_putc(out->b, '\n');
}

static void
render_metrics_daemon(struct render_metrics_out *out, const struct snapshot *st)
{
	size_t	nzones = st->zones != NULL ? st->zones->n : 0;
	char	shard[32];

	render_metrics_family(out, "zonehealth_build_info", RENDER_METRICS_INFO,
	    "The version of zonehealthd and of the libraries it runs with.");
	render_metrics_sample(out, "zonehealth_build_info", 1,
	    "version", PACKAGE_VERSION, "libevent", version_libevent(),
	    "ldns", version_ldns(), "libmicrohttpd", version_libmicrohttpd(),
	    "libyaml", version_libyaml(), NULL);

	/* Which share of the zones this instance owns: aggregation across
	 * instances (shard: I/N) can tell them apart and spot a missing one. */
	snprintf(shard, sizeof(shard), "%u/%u", st->shard_index > 0 ?
	    st->shard_index : 1, st->shard_count > 0 ? st->shard_count : 1);
	render_metrics_family(out, "zonehealth_shard_info", RENDER_METRICS_INFO,
	    "The share of the zones this instance owns (shard: I/N).");
	render_metrics_sample(out, "zonehealth_shard_info", 1, "shard", shard, NULL);

	render_metrics_family(out, "zonehealth_config_last_reload_successful",
	    RENDER_METRICS_GAUGE,
	    "Whether the last configuration (re)load succeeded.");
	render_metrics_sample(out, "zonehealth_config_last_reload_successful",
	    st->reload_ok ? 1 : 0, NULL);
	render_metrics_family(out,
	    "zonehealth_config_last_reload_success_timestamp_seconds",
	    RENDER_METRICS_GAUGE,
	    "When the configuration was last loaded successfully.");
	render_metrics_sample(out,
	    "zonehealth_config_last_reload_success_timestamp_seconds",
	    (double)st->reload_success_time, NULL);

	render_metrics_family(out, "zonehealth_zones", RENDER_METRICS_GAUGE,
	    "Zones watched by this instance.");
	render_metrics_sample(out, "zonehealth_zones", (double)nzones, NULL);

	render_metrics_family(out, "zonehealth_runs_started_total",
	    RENDER_METRICS_COUNTER, "Zone runs started.");
	render_metrics_sample(out, "zonehealth_runs_started_total",
	    (double)st->runs_started, NULL);
	render_metrics_family(out, "zonehealth_runs_failed_total",
	    RENDER_METRICS_COUNTER, "Zone runs that could not complete.");
	render_metrics_sample(out, "zonehealth_runs_failed_total",
	    (double)st->runs_failed, NULL);
	render_metrics_family(out, "zonehealth_runs_running",
	    RENDER_METRICS_GAUGE, "Zone runs in progress.");
	render_metrics_sample(out, "zonehealth_runs_running",
	    (double)st->runs_running, NULL);
	render_metrics_family(out, "zonehealth_runs_queued",
	    RENDER_METRICS_GAUGE,
	    "Zone runs due but waiting for a free run slot.");
	render_metrics_sample(out, "zonehealth_runs_queued",
	    (double)st->runs_queued, NULL);
	render_metrics_family(out, "zonehealth_schedule_lag_seconds",
	    RENDER_METRICS_GAUGE, "How late the most overdue zone run is against "
	    "its schedule (0: none is waiting).");
	render_metrics_sample(out, "zonehealth_schedule_lag_seconds",
	    st->schedule_lag_s, NULL);
	render_metrics_families(out, st);
	if (st->engine != NULL) {
		render_metrics_family(out,
		    "zonehealth_server_addresses_forgotten_total",
		    RENDER_METRICS_COUNTER, "Server addresses no zone queried for "
		    "a while (or past the cap), forgotten with their series.");
		render_metrics_sample(out,
		    "zonehealth_server_addresses_forgotten_total",
		    (double)query_engine_forgotten(st->engine), NULL);
	}
}

/* Whether this host can query each address family: 0 once a send found
 * no route (or ip4/ip6: off), 1 once an answer came; absent before
 * either. Its addresses are not tested from here while 0. */
static void
render_metrics_families(struct render_metrics_out *out, const struct snapshot *st)
{
	static const struct {
		int		 af;
		const char	*name;
	} fams[] = { { AF_INET, "ipv4" }, { AF_INET6, "ipv6" } };
	enum query_family_state	 fs;
	size_t			 i;

	if (st->engine == NULL)
		return;
	render_metrics_family(out, "zonehealth_address_family_usable",
	    RENDER_METRICS_GAUGE, "Whether this host can query servers over "
	    "the address family; addresses of an unusable one are not tested.");
	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++)
		if ((fs = query_engine_family(st->engine, fams[i].af)) !=
		    QUERY_FAMILY_UNKNOWN)
			render_metrics_sample(out, "zonehealth_address_family_usable",
			    fs == QUERY_FAMILY_USABLE ? 1 : 0, "family",
			    fams[i].name, NULL);
}

/* Opt-in (server_detail_metrics): per zone and server address, the serial
 * and the earliest signature expiry, to see which server lags. */
static void
render_metrics_detail(struct render_metrics_out *out, const struct snapshot *st)
{
	const struct zone		*z;
	const struct server_detail	*d;
	size_t				 i, j, n = st->zones != NULL ? st->zones->n : 0;

	render_metrics_family(out, "zonehealth_server_serial", RENDER_METRICS_GAUGE,
	    "Last run's result: the SOA serial each server address gave.");
	for (i = 0; i < n; i++) {
		z = st->zones->v[i];
		for (j = 0; j < z->memory.ndetail; j++)
			if ((d = &z->memory.detail[j])->has_serial)
				render_metrics_sample(out, "zonehealth_server_serial",
				    (double)d->serial, "zone", z->name, "server",
				    d->server, "address", d->address, NULL);
	}
	render_metrics_family(out,
	    "zonehealth_server_dnssec_earliest_expiry_timestamp_seconds",
	    RENDER_METRICS_GAUGE, "Last run's result: the earliest RRSIG "
	    "expiration each server address serves.");
	for (i = 0; i < n; i++) {
		z = st->zones->v[i];
		for (j = 0; j < z->memory.ndetail; j++)
			if ((d = &z->memory.detail[j])->has_expiry)
				render_metrics_sample(out,
				    "zonehealth_server_dnssec_earliest_expiry_timestamp_seconds",
				    (double)d->expiry, "zone", z->name, "server",
				    d->server, "address", d->address, NULL);
	}
}

/* Labels as in the JSON; a field that does not apply is an empty label. */
static void
render_metrics_findings(struct render_metrics_out *out, const struct zone *z,
    bool since)
{
	const struct finding	*f;
	size_t			 i;

	for (i = 0; i < z->findings.n; i++) {
		f = &z->findings.v[i];
		render_metrics_sample(out, since ?
		    "zonehealth_finding_since_timestamp_seconds" :
		    "zonehealth_finding", since ? (double)f->since : 1,
		    "zone", z->name, "check", check_name(f->check),
		    "cause", cause_name(f->cause),
		    "severity", severity_name(f->severity),
		    "server", f->server != NULL ? f->server : "",
		    "address", f->address != NULL ? f->address : "", NULL);
	}
}

/* Zones that have not run yet have no last run to report: no sample. */
static void
render_metrics_zones(struct render_metrics_out *out, const struct snapshot *st)
{
	const struct zone	*z;
	size_t			 i, j, n = st->zones != NULL ? st->zones->n : 0;
	enum check_id		 c;

	render_metrics_family(out, "zonehealth_zone_status", RENDER_METRICS_GAUGE,
	    "Last run's result: the worst severity of the zone's findings "
	    "(0 ok, 1 warning, 2 critical).");
	for (i = 0; i < n; i++)
		if ((z = st->zones->v[i])->checked)
			render_metrics_sample(out, "zonehealth_zone_status",
			    (double)z->status, "zone", z->name, NULL);

	render_metrics_family(out, "zonehealth_check_status", RENDER_METRICS_GAUGE,
	    "Last run's result per check (0 ok, 1 warning, 2 critical, "
	    "3 could not run).");
	for (i = 0; i < n; i++) {
		if (!(z = st->zones->v[i])->checked)
			continue;
		for (c = 0; c < CHECK_MAX; c++)
			if (z->check_status[c] != CHECK_STATUS_NONE)
				render_metrics_sample(out,
				    "zonehealth_check_status",
				    (double)z->check_status[c], "zone", z->name,
				    "check", check_name(c), NULL);
	}

	render_metrics_family(out, "zonehealth_zone_last_run_timestamp_seconds",
	    RENDER_METRICS_GAUGE,
	    "Last run's result: when the zone's last run completed.");
	for (i = 0; i < n; i++)
		if ((z = st->zones->v[i])->checked)
			render_metrics_sample(out,
			    "zonehealth_zone_last_run_timestamp_seconds",
			    (double)z->checked_at, "zone", z->name, NULL);

	render_metrics_family(out, "zonehealth_zone_last_run_duration_seconds",
	    RENDER_METRICS_GAUGE,
	    "Last run's result: how long the zone's last run took.");
	for (i = 0; i < n; i++)
		if ((z = st->zones->v[i])->checked)
			render_metrics_sample(out,
			    "zonehealth_zone_last_run_duration_seconds",
			    z->last_run_duration, "zone", z->name, NULL);

	render_metrics_family(out, "zonehealth_zone_serial", RENDER_METRICS_GAUGE,
	    "Last run's result: the newest SOA serial the zone's servers gave.");
	for (i = 0; i < n; i++)
		if ((z = st->zones->v[i])->memory.has_serial)
			render_metrics_sample(out, "zonehealth_zone_serial",
			    (double)z->memory.serial, "zone", z->name, NULL);

	render_metrics_family(out, "zonehealth_zone_dnssec_signed", RENDER_METRICS_GAUGE,
	    "Last run's result: 1 when the parent has a usable DS for the zone.");
	for (i = 0; i < n; i++)
		if ((z = st->zones->v[i])->checked &&
		    z->check_status[CHECK_DNSSEC] != CHECK_STATUS_NONE &&
		    z->check_status[CHECK_DNSSEC] != CHECK_STATUS_UNKNOWN)
			render_metrics_sample(out, "zonehealth_zone_dnssec_signed",
			    z->memory.dnssec_signed ? 1 : 0, "zone", z->name, NULL);

	/* How each signed zone is signed: dashboards group zones by
	 * algorithm before a rollover, or find the costly NSEC3 ones. */
	render_metrics_family(out, "zonehealth_zone_dnssec_info", RENDER_METRICS_GAUGE,
	    "Last run's result: how the zone is signed (DS algorithms and "
	    "digests at the parent, the denial served, NSEC3 iterations).");
	for (i = 0; i < n; i++) {
		char	iters[16];

		if (!(z = st->zones->v[i])->checked ||
		    z->memory.dnssec_algorithms[0] == '\0')
			continue;
		if (z->memory.dnssec_nsec3_iterations >= 0)
			snprintf(iters, sizeof(iters), "%d", z->memory.dnssec_nsec3_iterations);
		else
			iters[0] = '\0';
		render_metrics_sample(out, "zonehealth_zone_dnssec_info", 1, "zone",
		    z->name, "algorithms", z->memory.dnssec_algorithms, "ds_digests",
		    z->memory.dnssec_ds_digests, "denial", z->memory.dnssec_denial,
		    "nsec3_iterations", iters, NULL);
	}

	render_metrics_family(out, "zonehealth_dnssec_earliest_expiry_timestamp_seconds",
	    RENDER_METRICS_GAUGE,
	    "Last run's result: the earliest RRSIG expiration over all servers.");
	for (i = 0; i < n; i++)
		if ((z = st->zones->v[i])->memory.has_expiry)
			render_metrics_sample(out,
			    "zonehealth_dnssec_earliest_expiry_timestamp_seconds",
			    (double)z->memory.expiry, "zone", z->name, NULL);

	render_metrics_family(out, "zonehealth_resolver_response", RENDER_METRICS_GAUGE,
	    "Last run's result: 1 for the rcode (or failure) each resolver gave "
	    "for the zone's SOA.");
	for (i = 0; i < n; i++) {
		z = st->zones->v[i];
		for (j = 0; j < z->memory.nresolvers; j++) {
			char	ede[8] = "";

			/* RFC 8914's code, "" for none: the reason a resolver
			 * gives, as a label dashboards can group by. */
			if (z->memory.resolvers[j].ede >= 0)
				snprintf(ede, sizeof(ede), "%d",
				    z->memory.resolvers[j].ede & 0xffff);
			render_metrics_sample(out, "zonehealth_resolver_response", 1,
			    "zone", z->name, "resolver", z->memory.resolvers[j].address,
			    "rcode", z->memory.resolvers[j].rcode, "ede", ede, NULL);
		}
	}

	render_metrics_family(out, "zonehealth_host_address_up", RENDER_METRICS_GAUGE,
	    "Last run's result: 1 when the service host's address accepted a TCP "
	    "connection on the port, else 0.");
	for (i = 0; i < n; i++) {
		z = st->zones->v[i];
		for (j = 0; j < z->memory.nhosts; j++) {
			char	port[8];

			snprintf(port, sizeof(port), "%u", z->memory.hosts[j].port);
			render_metrics_sample(out, "zonehealth_host_address_up",
			    z->memory.hosts[j].up ? 1 : 0, "zone", z->name,
			    "host", z->memory.hosts[j].host, "address",
			    z->memory.hosts[j].address, "port", port, NULL);
		}
	}

	if (st->server_detail)
		render_metrics_detail(out, st);

	render_metrics_family(out, "zonehealth_finding", RENDER_METRICS_GAUGE,
	    "Last run's result: 1 for each finding; absent when none.");
	for (i = 0; i < n; i++)
		render_metrics_findings(out, st->zones->v[i], false);
	render_metrics_family(out, "zonehealth_finding_since_timestamp_seconds",
	    RENDER_METRICS_GAUGE,
	    "Last run's result: when each finding appeared without a break.");
	for (i = 0; i < n; i++)
		render_metrics_findings(out, st->zones->v[i], true);
}

enum render_metrics_server_family {
	SERVER_REACHABLE,
	SERVER_RTT,
	SERVER_QUERIES,
};

struct render_metrics_server_pass {
	struct render_metrics_out		*out;
	enum render_metrics_server_family	 family;
};

static const char *const render_metrics_transports[] = { "udp", "tcp" };

static void
render_metrics_server_cb(const struct query_server_stats *s, void *arg)
{
	struct render_metrics_server_pass	*p = arg;
	char					 addr[INET6_ADDRSTRLEN + 8];
	uint64_t				 total;
	int					 t, c;

	value_format_addr(s->addr, addr, sizeof(addr), 53);
	for (t = 0; t < 2; t++) {
		for (total = 0, c = 0; c < QUERY_COUNT_MAX; c++)
			total += s->counts[t][c];
		if (total == 0)
			continue;	/* never asked over this transport */
		switch (p->family) {
		case SERVER_REACHABLE:
			render_metrics_sample(p->out, "zonehealth_server_reachable",
			    s->last_ok[t] ? 1 : 0, "address", addr, "transport",
			    render_metrics_transports[t], NULL);
			break;
		case SERVER_RTT:
			if (s->last_rtt[t] >= 0)
				render_metrics_sample(p->out,
				    "zonehealth_server_rtt_seconds", s->last_rtt[t],
				    "address", addr, "transport",
				    render_metrics_transports[t], NULL);
			break;
		case SERVER_QUERIES:
			for (c = 0; c < QUERY_COUNT_MAX; c++)
				render_metrics_sample(p->out,
				    "zonehealth_server_queries_total",
				    (double)s->counts[t][c], "address", addr,
				    "transport", render_metrics_transports[t],
				    "result", query_counter_names[c], NULL);
			break;
		}
	}
}

/* Per server address, shared by every zone it serves. */
static void
render_metrics_servers(struct render_metrics_out *out, const struct snapshot *st)
{
	struct render_metrics_server_pass	p = { out, SERVER_REACHABLE };

	if (st->engine == NULL)
		return;
	render_metrics_family(out, "zonehealth_server_reachable",
	    RENDER_METRICS_GAUGE, "1 when the last query to the address over the "
	    "transport was answered, else 0.");
	query_engine_foreach_server(st->engine, render_metrics_server_cb, &p);
	p.family = SERVER_RTT;
	render_metrics_family(out, "zonehealth_server_rtt_seconds",
	    RENDER_METRICS_GAUGE, "Round-trip time of the last answered query "
	    "to the address over the transport.");
	query_engine_foreach_server(st->engine, render_metrics_server_cb, &p);
	p.family = SERVER_QUERIES;
	render_metrics_family(out, "zonehealth_server_queries_total",
	    RENDER_METRICS_COUNTER, "Query attempts to the address by transport "
	    "and result (answered, timeout, refused_connection, truncated, "
	    "malformed, mismatched).");
	query_engine_foreach_server(st->engine, render_metrics_server_cb, &p);
}

struct render_metrics_burst_pass {
	struct render_metrics_out	*out;
	bool				 truncated;
};

static void
render_metrics_burst_cb(const struct addr *a, const struct burst_result *r,
    void *arg)
{
	struct render_metrics_burst_pass	*p = arg;
	char					 addr[INET6_ADDRSTRLEN + 8];

	if (r->sent == 0)
		return;
	value_format_addr((const struct sockaddr *)&a->ss, addr, sizeof(addr), 53);
	render_metrics_sample(p->out, p->truncated ?
	    "zonehealth_server_burst_truncated_ratio" :
	    "zonehealth_server_burst_answered_ratio",
	    (double)(p->truncated ? r->truncated : r->answered) / r->sent,
	    "address", addr, NULL);
}

/* The infrastructure cache: bounded, and how it stays so. */
static void
render_metrics_infra(struct render_metrics_out *out, const struct snapshot *st)
{
	uint64_t	expired, evicted;

	if (st->infra == NULL)
		return;
	infra_stats(st->infra, &expired, &evicted);
	render_metrics_family(out, "zonehealth_infra_cache_entries",
	    RENDER_METRICS_GAUGE, "Delegations and NS host addresses cached.");
	render_metrics_sample(out, "zonehealth_infra_cache_entries",
	    (double)infra_size(st->infra), NULL);
	render_metrics_family(out, "zonehealth_infra_cache_expired_total",
	    RENDER_METRICS_COUNTER, "Cache entries dropped at the end of their TTL.");
	render_metrics_sample(out, "zonehealth_infra_cache_expired_total",
	    (double)expired, NULL);
	render_metrics_family(out, "zonehealth_infra_cache_evicted_total",
	    RENDER_METRICS_COUNTER, "Cache entries dropped early to stay under "
	    "the cache's cap.");
	render_metrics_sample(out, "zonehealth_infra_cache_evicted_total",
	    (double)evicted, NULL);
}

/* The last rate-limit burst per server address. */
static void
render_metrics_bursts(struct render_metrics_out *out, const struct snapshot *st)
{
	struct render_metrics_burst_pass	p = { out, false };

	if (st->bursts == NULL)
		return;
	render_metrics_family(out, "zonehealth_server_burst_answered_ratio",
	    RENDER_METRICS_GAUGE, "Share of the last burst of identical queries "
	    "to the address that got a full answer.");
	burster_foreach(st->bursts, render_metrics_burst_cb, &p);
	p.truncated = true;
	render_metrics_family(out, "zonehealth_server_burst_truncated_ratio",
	    RENDER_METRICS_GAUGE, "Share of the last burst of identical queries "
	    "to the address answered with TC=1 (an RRL slip).");
	burster_foreach(st->bursts, render_metrics_burst_cb, &p);
}

/* The names and help texts of Prometheus client libraries, so that
 * dashboards made for other exporters work unchanged. */
static void
render_metrics_process(struct render_metrics_out *out)
{
	struct procstat	ps;

	procstat_read(&ps);
	if (!ps.ok)
		return;
	render_metrics_family(out, "process_cpu_seconds_total",
	    RENDER_METRICS_COUNTER, "Total user and system CPU time spent in seconds.");
	render_metrics_sample(out, "process_cpu_seconds_total", ps.cpu_seconds, NULL);
	render_metrics_family(out, "process_resident_memory_bytes",
	    RENDER_METRICS_GAUGE, "Resident memory size in bytes.");
	render_metrics_sample(out, "process_resident_memory_bytes",
	    ps.resident_bytes, NULL);
	render_metrics_family(out, "process_virtual_memory_bytes",
	    RENDER_METRICS_GAUGE, "Virtual memory size in bytes.");
	render_metrics_sample(out, "process_virtual_memory_bytes",
	    ps.virtual_bytes, NULL);
	render_metrics_family(out, "process_start_time_seconds",
	    RENDER_METRICS_GAUGE,
	    "Start time of the process since unix epoch in seconds.");
	render_metrics_sample(out, "process_start_time_seconds", ps.start_time,
	    NULL);
	render_metrics_family(out, "process_open_fds", RENDER_METRICS_GAUGE,
	    "Number of open file descriptors.");
	render_metrics_sample(out, "process_open_fds", ps.open_fds, NULL);
	render_metrics_family(out, "process_max_fds", RENDER_METRICS_GAUGE,
	    "Maximum number of open file descriptors.");
	render_metrics_sample(out, "process_max_fds", ps.max_fds, NULL);
}

void
render_metrics_probe(struct buf *b, const struct snapshot *st, bool success,
    double duration, bool openmetrics)
{
	struct render_metrics_out	out = { b, openmetrics };

	render_metrics_family(&out, "zonehealth_probe_success",
	    RENDER_METRICS_GAUGE, "Whether the probe judged the zone in time "
	    "(1), whatever it found.");
	render_metrics_sample(&out, "zonehealth_probe_success", success ? 1 : 0,
	    NULL);
	render_metrics_family(&out, "zonehealth_probe_duration_seconds",
	    RENDER_METRICS_GAUGE, "How long the probe took, in seconds.");
	render_metrics_sample(&out, "zonehealth_probe_duration_seconds",
	    duration, NULL);
	render_metrics_zones(&out, st);
	if (openmetrics)
		buf_puts(b, "# EOF\n");
}

void
render_metrics(struct buf *b, const struct snapshot *st, bool openmetrics)
{
	struct render_metrics_out	out = { b, openmetrics };

	render_metrics_daemon(&out, st);
	render_metrics_zones(&out, st);
	render_metrics_servers(&out, st);
	render_metrics_bursts(&out, st);
	render_metrics_infra(&out, st);
	render_metrics_process(&out);
	if (openmetrics)
		buf_puts(b, "# EOF\n");
}
