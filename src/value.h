/* value: parsers for config scalar values (durations, addresses, names). */
#ifndef ZH_VALUE_H
#define ZH_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct value_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	bool			 any;	/* ":port" form: every local address */
};

/* Each returns 0, or -1 with *why set to a static message. */

/* "500ms", "30s", "5m", "2h", "7d", and sums such as "1h30m". */
int value_parse_duration(const char *, uint64_t *ms, const char **why);
/* Unsigned decimal integer, no sign, no leading '+'. */
int value_parse_uint(const char *, uint64_t *, const char **why);
/* IPv4 "a.b.c.d[:port]", IPv6 "addr" or "[addr]:port"; with port_allowed
 * false a port is an error; a missing port becomes default_port. */
int value_parse_address(const char *, uint16_t default_port, bool port_allowed,
    struct value_addr *, const char **why);
/* "host:port" or ":port" for listening sockets; host is numeric or "localhost". */
int value_parse_listen(const char *, struct value_addr *, const char **why);
/* Normalises a domain name: lower case, trailing dot; checks label and
 * name lengths and characters (letters, digits, '-', '_', '*' as a whole
 * first label). *out is malloc'ed. */
int value_parse_domain(const char *, char **out, const char **why);
/* Formats an address as "1.2.3.4", "::1", "1.2.3.4:5353" or "[::1]:5353"
 * (port shown only when it differs from omit_port). */
void value_format_addr(const struct sockaddr *, char *out, size_t outlen, uint16_t omit_port);
/* Seconds as the config writes durations, two units at most: "0s", "45s",
 * "12m30s", "3h5m", "2d4h". */
void value_format_duration(uint64_t seconds, char *out, size_t outlen);

#endif
