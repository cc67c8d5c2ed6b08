/* chaindefs: one zone cut's keys as the chain fetched them, a plain
 * refcounted value that evidence holds and the dnssec check reads
 * without the fetcher (chain.c). */
#ifndef ZH_CHAINDEFS_H
#define ZH_CHAINDEFS_H

#include <stdint.h>

#include <ldns/ldns.h>

#include "addr.h"

/* One zone cut's keys as fetched; shared by reference count. */
struct chain_link {
	unsigned		 refs;
	char			*zone;		/* normalised */
	ldns_pkt		*ds;		/* "zone DS" from the parent's
						   servers; NULL for the root,
						   or when none answered */
	struct addr	 ds_from;
	ldns_pkt		*dnskey;	/* "zone DNSKEY" from its own
						   servers; NULL: none answered */
	struct addr	 dnskey_from;
	uint64_t		 expires_ms;	/* monotonic */
};

struct chain_link *chain_link_ref(struct chain_link *);
void chain_link_unref(struct chain_link *);

#endif
