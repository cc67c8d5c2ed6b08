/* nsec3: pure NSEC3 denial-of-existence proofs (RFC 5155 section 8) on the
 * NSEC3 records of one answer; signatures are checked elsewhere. */
#ifndef ZH_NSEC3_H
#define ZH_NSEC3_H

#include <stdbool.h>
#include <stddef.h>

#include <ldns/ldns.h>

/* NSEC3 iterations above this are not hashed: RFC 5155 10.3 caps them at
 * 2500 for any key size, and a hostile answer must not cost more. */
#define NSEC3_MAX_ITERATIONS	2500

/*
 * Whether nsec3s (the NSEC3 records of an answer for qname/qtype, any
 * others are ignored) prove that qname does not exist (nxdomain) or has no
 * qtype records (RFC 5155 8.4-8.7) in zone. On failure, why says what is
 * missing. Allocates nothing that outlives the call.
 */
bool nsec3_prove(const ldns_rdf *zone, const ldns_rdf *qname, ldns_rr_type qtype,
    bool nxdomain, const ldns_rr_list *nsec3s, char *why, size_t whylen);

/* The NSEC3 hash of name with these parameters (RFC 5155 5): the 20-byte
 * SHA-1 digest into out. False for an unknown algorithm or too many
 * iterations. */
bool nsec3_hash(const ldns_rdf *name, uint8_t algorithm, uint16_t iterations,
    const uint8_t *salt, size_t saltlen, uint8_t out[20]);

#endif
