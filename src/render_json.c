/* render_json: the JSON shape of DESIGN.md, for the API and --once. */
#include "zhbuild.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "finding.h"
#include "render.h"
#include "snapshot.h"
#include "zone.h"

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one.
 */
static size_t
render_json_utf8_len(const unsigned char *s)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return 0;
	/* The NUL terminator fails the range test, so this never overreads. */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void
render_json_string(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len;

	buf_putc(b, '"');
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p++);
		} else if (*p < 0x20) {
			buf_printf(b, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			buf_putc(b, (char)*p++);
		} else if ((len = render_json_utf8_len(p)) > 0) {
			buf_append(b, p, len);
			p += len;
		} else {
			/* One per stray byte; the next one may start afresh. */
			buf_puts(b, "\\ufffd");
			p++;
		}
	}
	buf_putc(b, '"');
}

/* RFC 3339 in UTC, or null for a time that does not exist yet. */
static void
render_json_time(struct buf *b, bool valid, time_t t)
{
	struct tm	tm;
	char		text[32];

	if (!valid || gmtime_r(&t, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		buf_puts(b, "null");
		return;
	}
	render_json_string(b, text);
}

/* A string, or null where the field does not apply (no server, say). */
static void
render_json_string_or_null(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_puts(b, "null");
	else
		render_json_string(b, s);
}

static void
render_json_finding(struct buf *b, const struct finding *f)
{
	buf_puts(b, "{\"check\":");
	render_json_string(b, check_name(f->check));
	buf_puts(b, ",\"cause\":");
	render_json_string(b, cause_name(f->cause));
	buf_puts(b, ",\"severity\":");
	render_json_string(b, severity_name(f->severity));
	buf_puts(b, ",\"server\":");
	render_json_string_or_null(b, f->server);
	buf_puts(b, ",\"address\":");
	render_json_string_or_null(b, f->address);
	buf_puts(b, ",\"summary\":");
	render_json_string_or_null(b, f->summary);
	buf_puts(b, ",\"evidence\":");
	render_json_string_or_null(b, f->evidence);
	buf_puts(b, ",\"fix\":");
	render_json_string_or_null(b, f->fix);
	buf_puts(b, ",\"since\":");
	render_json_time(b, true, f->since);
	buf_putc(b, '}');
}

static void
render_json_resolver(struct buf *b, const struct resolver_view *v)
{
	buf_puts(b, "{\"address\":");
	render_json_string(b, v->address);
	buf_puts(b, ",\"rcode\":");
	render_json_string(b, v->rcode);
	buf_printf(b, ",\"ad\":%s,\"extended_error\":", v->ad ? "true" : "false");
	if (v->ede >= 0) {
		buf_printf(b, "{\"code\":%d,\"text\":", v->ede);
		render_json_string_or_null(b, v->ede_text);
		buf_putc(b, '}');
	} else
		buf_puts(b, "null");
	buf_puts(b, ",\"cd_rcode\":");
	render_json_string_or_null(b, v->cd_rcode[0] != '\0' ? v->cd_rcode : NULL);
	buf_putc(b, '}');
}

void
render_json_zone(struct buf *b, const struct zone *z)
{
	size_t	i;

	buf_puts(b, "{\"zone\":");
	render_json_string(b, z->name);
	buf_puts(b, ",\"status\":");
	render_json_string(b, zone_status_name(z));
	buf_puts(b, ",\"checked_at\":");
	render_json_time(b, z->checked, z->checked_at);
	buf_puts(b, ",\"serial\":");
	if (z->memory.has_serial)
		buf_printf(b, "%u", z->memory.serial);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"findings\":[");
	for (i = 0; i < z->findings.n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		render_json_finding(b, &z->findings.v[i]);
	}
	buf_puts(b, "],\"resolvers\":[");
	for (i = 0; i < z->memory.nresolvers; i++) {
		if (i > 0)
			buf_putc(b, ',');
		render_json_resolver(b, &z->memory.resolvers[i]);
	}
	buf_puts(b, "]}");
}

void
render_json_zones(struct buf *b, const struct snapshot *st)
{
	size_t	i, n = st->zones != NULL ? st->zones->n : 0;

	buf_puts(b, "{\"zones\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		render_json_zone(b, st->zones->v[i]);
	}
	buf_puts(b, "]}");
}

void
render_json_error(struct buf *b, const char *msg)
{
	buf_puts(b, "{\"error\":");
	render_json_string(b, msg);
	buf_putc(b, '}');
}
