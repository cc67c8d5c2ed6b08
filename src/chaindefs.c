/* chaindefs: the reference count of a zone cut's keys. */
#include "zhbuild.h"

#include <stdlib.h>

#include "chaindefs.h"

struct chain_link *
chain_link_ref(struct chain_link *l)
{
	l->refs++;
	return l;
}

void
chain_link_unref(struct chain_link *l)
{
	if (l == NULL || --l->refs > 0)
		return;
	ldns_pkt_free(l->ds);
	ldns_pkt_free(l->dnskey);
	free(l->zone);
	free(l);
}
