/* walkdefs: what a walk hands over (its verdict, the parent's servers as
 * asked) as plain values, for those who keep or judge it without the
 * walker: evidence and the checks link this, not walk.c. */
#ifndef ZH_WALKDEFS_H
#define ZH_WALKDEFS_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "infra.h"
#include "querydefs.h"

enum walk_status {
	WALK_OK,		/* the parent's referral (or AA NS answer) is in hand */
	WALK_NXDOMAIN,		/* the parent, or a zone above it, says the name does not exist */
	WALK_NODATA,		/* the name exists at the parent but is not delegated */
	WALK_UNREACHABLE,	/* no server of the parent (or of a zone above) answered usefully */
	WALK_FAILED,		/* too deep, a loop, or out of time */
};

/* One question put to one server address, as evidence. */
struct walk_attempt {
	char			*ns;		/* NS name of the server asked */
	struct addr	 addr;
	enum query_status	 status;
	int			 rcode;		/* -1 when no answer */
	const char		*why;		/* static: what was wrong with it, or NULL */
	double			 rtt;
};

struct walk_result {
	enum walk_status	 status;
	char			*zone;		/* as asked */
	char			*parent;	/* the zone whose servers answered last */
	struct infra_deleg	*referral;	/* WALK_OK: NS set and glue (owned) */
	bool			 parent_authoritative;	/* an AA NS answer, not a referral */
	struct walk_attempt	*attempts;	/* the parent's servers, as asked */
	size_t			 nattempts;
	char			*detail;	/* what went wrong, for the evidence */
};

void walk_result_free(struct walk_result *);
void walk_attempts_free(struct walk_attempt *, size_t n);
const char *walk_status_name(enum walk_status);

#endif
