/* fuzz_json: a strict JSON checker (RFC 8259, UTF-8 as RFC 3629), the oracle
 * for what the renderers write. */
#include "zhbuild.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_JSON_DEPTH	64

struct fuzz_json {
	const unsigned char	*p;
	const unsigned char	*end;
};

static bool fuzz_json_value(struct fuzz_json *, int);

static void
fuzz_json_ws(struct fuzz_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool
fuzz_json_lit(struct fuzz_json *j, const char *lit)
{
	size_t	len = strlen(lit);

	if ((size_t)(j->end - j->p) < len || memcmp(j->p, lit, len) != 0)
		return false;
	j->p += len;
	return true;
}

/* One UTF-8 sequence of RFC 3629 at j->p. */
static bool
fuzz_json_utf8(struct fuzz_json *j)
{
	unsigned char	lo = 0x80, hi = 0xbf, c = *j->p;
	size_t		len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else
		return false;
	if ((size_t)(j->end - j->p) < len || j->p[1] < lo || j->p[1] > hi)
		return false;
	for (i = 2; i < len; i++)
		if (j->p[i] < 0x80 || j->p[i] > 0xbf)
			return false;
	j->p += len;
	return true;
}

static bool
fuzz_json_string(struct fuzz_json *j)
{
	int	i;

	j->p++;		/* the opening quote */
	while (j->p < j->end) {
		if (*j->p == '"') {
			j->p++;
			return true;
		}
		if (*j->p < 0x20)
			return false;
		if (*j->p >= 0x80) {
			if (!fuzz_json_utf8(j))
				return false;
			continue;
		}
		if (*j->p++ != '\\')
			continue;
		if (j->p == j->end)
			return false;
		if (*j->p == 'u') {
			j->p++;
			for (i = 0; i < 4; i++, j->p++)
				if (j->p == j->end || !isxdigit(*j->p))
					return false;
		} else if (strchr("\"\\/bfnrt", *j->p) == NULL || *j->p == '\0')
			return false;
		else
			j->p++;
	}
	return false;
}

static bool
fuzz_json_digits(struct fuzz_json *j)
{
	const unsigned char	*start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool
fuzz_json_number(struct fuzz_json *j)
{
	if (*j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!fuzz_json_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!fuzz_json_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!fuzz_json_digits(j))
			return false;
	}
	return true;
}

/* An object or array: its members up to close. */
static bool
fuzz_json_members(struct fuzz_json *j, int depth, bool object, char close)
{
	j->p++;
	fuzz_json_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		if (object) {
			fuzz_json_ws(j);
			if (j->p == j->end || *j->p != '"' || !fuzz_json_string(j))
				return false;
			fuzz_json_ws(j);
			if (j->p == j->end || *j->p++ != ':')
				return false;
		}
		if (!fuzz_json_value(j, depth + 1))
			return false;
		fuzz_json_ws(j);
		if (j->p == j->end)
			return false;
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
	}
}

static bool
fuzz_json_value(struct fuzz_json *j, int depth)
{
	if (depth > FUZZ_JSON_DEPTH)
		return false;
	fuzz_json_ws(j);
	if (j->p == j->end)
		return false;
	switch (*j->p) {
	case '{':
		return fuzz_json_members(j, depth, true, '}');
	case '[':
		return fuzz_json_members(j, depth, false, ']');
	case '"':
		return fuzz_json_string(j);
	case 't':
		return fuzz_json_lit(j, "true");
	case 'f':
		return fuzz_json_lit(j, "false");
	case 'n':
		return fuzz_json_lit(j, "null");
	default:
		return fuzz_json_number(j);
	}
}

bool
fuzz_json_valid(const char *text, size_t len)
{
	struct fuzz_json	j;

	j.p = (const unsigned char *)text;
	j.end = j.p + len;
	if (!fuzz_json_value(&j, 0))
		return false;
	fuzz_json_ws(&j);
	return j.p == j.end;
}
