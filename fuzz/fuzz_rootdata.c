/* fuzz_rootdata: the root hints and trust anchor parsers on arbitrary text,
 * and the infra cache seeded from the hints as the runner does. */
#include "zhbuild.h"

#include <stdlib.h>

#include <ldns/ldns.h>

#include "config.h"
#include "infra.h"
#include "rootdata.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfgerr	 errs = { NULL, 0 };
	struct infra		*infra;
	ldns_rr_list		*list;

	/* The same text as both kinds of file: each must cope with the other. */
	list = rootdata_parse_hints("fuzz.hints", (const char *)data, size,
	    &errs);
	if ((list == NULL) == (errs.n == 0))
		abort();	/* records and errors: exactly one of them */
	if (list != NULL) {
		infra = infra_new();
		infra_set_root(infra, list);
		if (infra_closest_cut(infra, "example.com.", 0) == NULL)
			abort();
		infra_free(infra);
		ldns_rr_list_deep_free(list);
	}
	cfgerr_clear(&errs);

	list = rootdata_parse_anchor("fuzz.anchor", (const char *)data, size,
	    &errs);
	if ((list == NULL) == (errs.n == 0))
		abort();
	if (list != NULL)
		ldns_rr_list_deep_free(list);
	cfgerr_clear(&errs);
	return 0;
}
