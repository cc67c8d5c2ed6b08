/* burstdefs: copying and clearing a burst's result. */
#include "zhbuild.h"

#include <stdlib.h>
#include <string.h>

#include "burstdefs.h"
#include "xmalloc.h"

void
burst_result_copy(struct burst_result *dst, const struct burst_result *src)
{
	*dst = *src;
	dst->pattern = src->pattern != NULL ? xstrdup(src->pattern) : NULL;
}

void
burst_result_clear(struct burst_result *r)
{
	free(r->pattern);
	memset(r, 0, sizeof(*r));
}
