/* render: metrics, JSON and HTML renderings of the daemon's status. */
#ifndef ZH_RENDER_H
#define ZH_RENDER_H

#include <stdbool.h>

struct buf;
struct snapshot;
struct zone;

/* Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when openmetrics. */
void render_metrics(struct buf *, const struct snapshot *, bool openmetrics);
/* A probe's answer: zonehealth_probe_success and _duration_seconds, then
 * the zone metrics of st's zones (the probed one) as render_metrics has
 * them. */
void render_metrics_probe(struct buf *, const struct snapshot *, bool success,
    double duration, bool openmetrics);
/* {"zones": [...]} as in DESIGN.md. */
void render_json_zones(struct buf *, const struct snapshot *);
/* One zone object, as an element of the list above. */
void render_json_zone(struct buf *, const struct zone *);
/* {"error": msg} */
void render_json_error(struct buf *, const char *msg);
/* What the status page shows: NULL members show everything. */
struct html_filter {
	const char	*status;	/* "critical", "warning", "unknown", "ok" */
	const char	*cause;		/* a cause id */
};

/* The human status page: zones worst first, then their findings. */
void render_html_index(struct buf *, const struct snapshot *);
void render_html_page(struct buf *, const struct snapshot *, const struct html_filter *);
/* One zone: its facts, checks, findings, resolvers and service hosts. */
void render_html_zone_page(struct buf *, const struct snapshot *, const struct zone *);
/* Appends s as a JSON string literal, quotes included. */
void render_json_string(struct buf *, const char *s);
/* Appends s escaped for HTML text and attribute values. */
void render_html_escape(struct buf *, const char *s);

#endif
