/* dnspolicy: what today's validators refuse or stop trusting in a signed
 * zone that validates by the letter: old or unknown algorithms (RFC 8624),
 * costly NSEC3 (RFC 9276), a DNSKEY set too big for a UDP answer. */
#ifndef ZH_DNSPOLICY_H
#define ZH_DNSPOLICY_H

#include <stdbool.h>
#include <stddef.h>

struct check_params;
struct evidence;
struct findings;
struct addr;

/* dnssec_algorithm_unsupported, dnssec_algorithm_deprecated,
 * nsec3_iterations_high and dnskey_too_large, for a zone with a DS. */
struct check_memory;
/* ... and describes how the zone is signed in next (dnssec_info). */
void dnspolicy_judge(const struct evidence *, const struct check_params *,
    struct findings *, struct check_memory *next);
/* The DNSKEY answer of (si, a) is a truncated one (TC=1: TCP failed after
 * it): no keys to judge a DS by, whatever it lacks. */
bool dnspolicy_dnskey_truncated(const struct evidence *, size_t si,
    const struct addr *a);

#endif
