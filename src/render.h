/* render: metrics, JSON and HTML renderings of the daemon's status. */
#ifndef ZH_RENDER_H
#define ZH_RENDER_H

#include <stdbool.h>

struct buf;
struct status;
struct zone;

/* Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when openmetrics. */
void render_metrics(struct buf *, const struct status *, bool openmetrics);
/* {"zones": [...]} as in DESIGN.md. */
void render_json_zones(struct buf *, const struct status *);
/* One zone object, as an element of the list above. */
void render_json_zone(struct buf *, const struct zone *);
/* {"error": msg} */
void render_json_error(struct buf *, const char *msg);
/* The human status page. */
void render_html_index(struct buf *, const struct status *);
/* Appends s as a JSON string literal, quotes included. */
void render_json_string(struct buf *, const char *s);
/* Appends s escaped for HTML text and attribute values. */
void render_html_escape(struct buf *, const char *s);

#endif
