/* burstdefs: what one burst to a server address saw, a plain value the
 * evidence copies and the rate-limit check reads without the burster. */
#ifndef ZH_BURSTDEFS_H
#define ZH_BURSTDEFS_H

#include <time.h>

struct burst_result {
	unsigned	 sent;
	unsigned	 answered;	/* a full answer (any rcode but REFUSED) */
	unsigned	 truncated;	/* TC=1: an RRL "slip" */
	unsigned	 refused;	/* rcode REFUSED */
	unsigned	 dropped;	/* no answer */
	char		*pattern;	/* per query in sending order: 'a'nswered,
					   't'runcated, 'r'efused, 'd'ropped */
	time_t		 at;		/* wall clock, when it was sent */
	char		 zone[256];	/* what was asked: that zone's SOA */
};

void burst_result_copy(struct burst_result *dst, const struct burst_result *src);
void burst_result_clear(struct burst_result *);

#endif
