/* parent: do the parent zone's servers agree on the zone's delegation and
 * DS? (delegation/parent_inconsistent) */
#ifndef ZH_PARENT_H
#define ZH_PARENT_H

struct evidence;
struct findings;

/* Every parent server whose delegation or DS differs from what most of
 * them serve, from ev->parents. */
void parent_judge(const struct evidence *, struct findings *);

#endif
