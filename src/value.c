/* value: parsers for config scalar values (durations, addresses, names). */
#include "zhbuild.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "xmalloc.h"

#define VALUE_LABEL_MAX	63
/* In text, without the trailing dot: 255 octets on the wire. */
#define VALUE_NAME_MAX	253

struct value_unit {
	const char	*name;
	uint64_t	 ms;
};

/* Longest names first, so "ms" is not read as "m" followed by junk. */
static const struct value_unit value_units[] = {
	{ "ms", 1 },
	{ "s", 1000 },
	{ "m", 60 * 1000 },
	{ "h", 60 * 60 * 1000 },
	{ "d", 24 * 60 * 60 * 1000 },
};
#define VALUE_NUNITS	(sizeof(value_units) / sizeof(value_units[0]))

/*
 * Reads a run of decimal digits at *sp into *out and advances *sp. Returns
 * 0, or -1 with *why set when there are no digits or the number overflows.
 */
static int
value_digits(const char **sp, uint64_t *out, const char **why)
{
	const char	*s = *sp;
	uint64_t	 n = 0;
	unsigned	 d;

	if (!isdigit((unsigned char)*s)) {
		*why = "expected a number";
		return -1;
	}
	for (; isdigit((unsigned char)*s); s++) {
		d = (unsigned)(*s - '0');
		if (n > (UINT64_MAX - d) / 10) {
			*why = "number too large";
			return -1;
		}
		n = n * 10 + d;
	}
	*sp = s;
	*out = n;
	return 0;
}

int
value_parse_duration(const char *s, uint64_t *ms, const char **why)
{
	const struct value_unit	*u;
	uint64_t		 n, total = 0;
	size_t			 i, len;

	if (*s == '\0') {
		*why = "empty duration";
		return -1;
	}
	while (*s != '\0') {
		if (value_digits(&s, &n, why) == -1)
			return -1;
		if (*s == '\0') {
			/* "30": seconds to one reader, ms to another. */
			*why = "missing unit (e.g. 30s)";
			return -1;
		}
		u = NULL;
		for (i = 0; i < VALUE_NUNITS; i++) {
			len = strlen(value_units[i].name);
			if (strncmp(s, value_units[i].name, len) == 0 &&
			    !isalpha((unsigned char)s[len])) {
				u = &value_units[i];
				break;
			}
		}
		if (u == NULL) {
			*why = "unknown unit (use ms, s, m, h or d)";
			return -1;
		}
		s += strlen(u->name);
		if (n > UINT64_MAX / u->ms || total > UINT64_MAX - n * u->ms) {
			*why = "duration too large";
			return -1;
		}
		total += n * u->ms;
	}
	*ms = total;
	return 0;
}

int
value_parse_uint(const char *s, uint64_t *out, const char **why)
{
	const char	*p;

	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (p == s || *p != '\0') {
		*why = "not an unsigned integer";
		return -1;
	}
	return value_digits(&s, out, why);
}

/*
 * A port of 1..65535, or 0..65535 with zero_ok (listeners may ask the
 * kernel to pick one).
 */
static int
value_port(const char *s, bool zero_ok, uint16_t *port, const char **why)
{
	uint64_t	n;

	if (*s == '\0') {
		*why = "missing port after ':'";
		return -1;
	}
	if (strspn(s, "0123456789") != strlen(s)) {
		*why = "port is not a number";
		return -1;
	}
	/* Too many digits to parse is out of range all the same. */
	if (value_parse_uint(s, &n, why) == -1 || n > 65535 ||
	    (n == 0 && !zero_ok)) {
		*why = zero_ok ? "port out of range (0..65535)" :
		    "port out of range (1..65535)";
		return -1;
	}
	*port = (uint16_t)n;
	return 0;
}

static void
value_set_v4(struct value_addr *a, const struct in_addr *in, uint16_t port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a->ss;

	memset(a, 0, sizeof(*a));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr = *in;
	a->len = sizeof(*sin);
}

static void
value_set_v6(struct value_addr *a, const struct in6_addr *in6, uint16_t port)
{
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof(*a));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = *in6;
	a->len = sizeof(*sin6);
}

/*
 * Splits "[v6]:port", "[v6]", "v4:port", "v4" and bare "v6" into a host and
 * a port text (NULL when absent). The host is copied into host (hostlen).
 * *bracketed tells the caller the host was written as "[...]".
 */
static int
value_split(const char *s, char *host, size_t hostlen, const char **port,
    bool *bracketed, const char **why)
{
	const char	*end, *colon;
	size_t		 len;

	*port = NULL;
	*bracketed = false;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL) {
			*why = "missing ']' after an IPv6 address";
			return -1;
		}
		if (end[1] != '\0' && end[1] != ':') {
			*why = "expected ':port' after ']'";
			return -1;
		}
		if (end[1] == ':')
			*port = end + 2;
		s++;
		len = (size_t)(end - s);
		*bracketed = true;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		/* One colon: "host:port". More is a bare IPv6 address. */
		*port = colon + 1;
		len = (size_t)(colon - s);
	} else
		len = strlen(s);
	if (len >= hostlen) {
		*why = "not a numeric IPv4 or IPv6 address";
		return -1;
	}
	memcpy(host, s, len);
	host[len] = '\0';
	return 0;
}

int
value_parse_address(const char *s, uint16_t default_port, bool port_allowed,
    struct value_addr *a, const char **why)
{
	char		 host[INET6_ADDRSTRLEN + 1];
	const char	*ptext;
	struct in_addr	 in;
	struct in6_addr	 in6;
	uint16_t	 port = default_port;
	bool		 bracketed;

	if (*s == '\0') {
		*why = "empty address";
		return -1;
	}
	if (value_split(s, host, sizeof(host), &ptext, &bracketed, why) == -1)
		return -1;
	if (ptext != NULL) {
		if (!port_allowed) {
			*why = "a port is not allowed here";
			return -1;
		}
		if (value_port(ptext, false, &port, why) == -1)
			return -1;
	}
	if (!bracketed && inet_pton(AF_INET, host, &in) == 1) {
		value_set_v4(a, &in, port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6) == 1) {
		value_set_v6(a, &in6, port);
		return 0;
	}
	*why = bracketed ? "not a numeric IPv6 address" :
	    "not a numeric IPv4 or IPv6 address";
	return -1;
}

int
value_parse_listen(const char *s, struct value_addr *a, const char **why)
{
	char		 host[INET6_ADDRSTRLEN + 1];
	const char	*ptext;
	struct in_addr	 in;
	struct in6_addr	 in6;
	uint16_t	 port;
	bool		 bracketed;

	if (*s == '\0') {
		*why = "empty listen address";
		return -1;
	}
	if (value_split(s, host, sizeof(host), &ptext, &bracketed, why) == -1)
		return -1;
	if (ptext == NULL) {
		*why = bracketed || strchr(host, ':') == NULL ?
		    "missing port (e.g. :10353)" :
		    "IPv6 needs brackets and a port (e.g. [::1]:10353)";
		return -1;
	}
	if (value_port(ptext, true, &port, why) == -1)
		return -1;
	if (!bracketed && *host == '\0') {
		/* ":port": one dual-stack socket on [::] takes IPv4 as well. */
		value_set_v6(a, &in6addr_any, port);
		a->any = true;
		return 0;
	}
	if (!bracketed && strcmp(host, "localhost") == 0) {
		/* Not resolved: its IPv6 twin may be absent or elsewhere. */
		in.s_addr = htonl(INADDR_LOOPBACK);
		value_set_v4(a, &in, port);
		return 0;
	}
	if (!bracketed && inet_pton(AF_INET, host, &in) == 1) {
		value_set_v4(a, &in, port);
		return 0;
	}
	if (bracketed && inet_pton(AF_INET6, host, &in6) == 1) {
		value_set_v6(a, &in6, port);
		return 0;
	}
	*why = bracketed ? "not a numeric IPv6 address" :
	    "not a numeric address or localhost";
	return -1;
}

/*
 * Letters, digits, '-' and '_': liberal enough for real zones (SRV-style
 * "_tcp" labels, hyphens at label edges), strict enough to catch typos.
 */
static bool
value_label_char(char c)
{
	return (unsigned char)c < 0x80 && (isalnum((unsigned char)c) ||
	    c == '-' || c == '_');
}

int
value_parse_domain(const char *s, char **out, const char **why)
{
	const char	*p, *label;
	char		*name;
	size_t		 len, i;

	len = strlen(s);
	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	if (strcmp(s, ".") == 0) {
		*out = xstrdup(".");
		return 0;
	}
	if (s[len - 1] == '.')
		len--;
	if (len > VALUE_NAME_MAX) {
		*why = "name longer than 253 characters";
		return -1;
	}
	label = s;
	for (p = s; p <= s + len; p++) {
		if (p < s + len && *p != '.')
			continue;
		if (p == label) {
			*why = "empty label";
			return -1;
		}
		if (p - label > VALUE_LABEL_MAX) {
			*why = "label longer than 63 characters";
			return -1;
		}
		if (label == s && p - label == 1 && *label == '*') {
			label = p + 1;
			continue;
		}
		for (; label < p; label++) {
			if (!value_label_char(*label)) {
				*why = "bad character (letters, digits, '-' "
				    "and '_' only)";
				return -1;
			}
		}
		label = p + 1;
	}
	name = xmalloc(len + 2);
	for (i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	name[len] = '.';
	name[len + 1] = '\0';
	*out = name;
	return 0;
}

void
value_format_addr(const struct sockaddr *sa, char *out, size_t outlen,
    uint16_t omit_port)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	char			 host[INET6_ADDRSTRLEN];
	uint16_t		 port;

	if (outlen == 0)
		return;
	/* Copied out: a plain struct sockaddr may be less aligned. */
	switch (sa->sa_family) {
	case AF_INET:
		memcpy(&sin, sa, sizeof(sin));
		if (inet_ntop(AF_INET, &sin.sin_addr, host,
		    sizeof(host)) == NULL)
			break;
		port = ntohs(sin.sin_port);
		if (port == omit_port)
			snprintf(out, outlen, "%s", host);
		else
			snprintf(out, outlen, "%s:%u", host, (unsigned)port);
		return;
	case AF_INET6:
		memcpy(&sin6, sa, sizeof(sin6));
		if (inet_ntop(AF_INET6, &sin6.sin6_addr, host,
		    sizeof(host)) == NULL)
			break;
		port = ntohs(sin6.sin6_port);
		if (port == omit_port)
			snprintf(out, outlen, "%s", host);
		else
			snprintf(out, outlen, "[%s]:%u", host, (unsigned)port);
		return;
	default:
		break;
	}
	snprintf(out, outlen, "?");
}

void
value_format_duration(uint64_t s, char *out, size_t outlen)
{
	static const struct {
		char		unit;
		uint64_t	secs;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	size_t	i;

	for (i = 0; i < 3 && s < units[i].secs; i++)
		;
	if (i == 3 || s % units[i].secs / units[i + 1].secs == 0)
		snprintf(out, outlen, "%llu%c",
		    (unsigned long long)(s / units[i].secs), units[i].unit);
	else
		snprintf(out, outlen, "%llu%c%llu%c",
		    (unsigned long long)(s / units[i].secs), units[i].unit,
		    (unsigned long long)(s % units[i].secs / units[i + 1].secs),
		    units[i + 1].unit);
}
