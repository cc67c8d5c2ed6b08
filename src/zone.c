/* zone: per-zone state that outlives runs and config reloads. */
#include "zhbuild.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xmalloc.h"
#include "zone.h"

const char *
zone_status_name(const struct zone *z)
{
	int	i;

	if (!z->checked)
		return "unknown";
	/* Nothing found, but not everything could look: no verdict. */
	if (z->status == SEVERITY_OK)
		for (i = 0; i < CHECK_MAX; i++)
			if (z->check_status[i] == CHECK_STATUS_UNKNOWN)
				return "unknown";
	return severity_name(z->status);
}

static int
zone_cmp(const void *a, const void *b)
{
	const struct zone	*za = *(const struct zone *const *)a;
	const struct zone	*zb = *(const struct zone *const *)b;

	return strcmp(za->name, zb->name);
}

static int
zone_cmp_name(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct zone *const *)elem)->name);
}

struct zone *
zone_set_find(const struct zone_set *set, const char *name)
{
	struct zone	**found;

	if (set->n == 0)
		return NULL;
	found = bsearch(name, set->v, set->n, sizeof(*set->v), zone_cmp_name);
	return found != NULL ? *found : NULL;
}

static void
zone_set_push(struct zone_set *set, struct zone *z)
{
	set->v = xreallocarray(set->v, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = z;
}

struct zone *
zone_new(const struct config_zone *cz)
{
	struct zone	*z;
	int		 i;

	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(cz->name);
	z->cfg = cz;
	z->sched.heap_index = SIZE_MAX;
	z->sched.interval_ms = cz->interval_ms;
	z->sched.arg = z;
	for (i = 0; i < CHECK_MAX; i++)
		z->check_status[i] = CHECK_STATUS_NONE;
	return z;
}

/* FNV-1a (64-bit) of a zone name: stable across hosts and releases, so
 * instances of one shard set agree. */
static uint64_t
zone_name_hash(const char *name)
{
	uint64_t		 h = 0xcbf29ce484222325ull;
	const unsigned char	*p;

	for (p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h;
}

/* splitmix64's finaliser: spreads (hash, shard) pairs evenly. */
static uint64_t
zone_mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

unsigned
zone_shard_owner(const char *name, unsigned count)
{
	uint64_t	h = zone_name_hash(name), w, best = 0;
	unsigned	i, owner = 1;

	/* Rendezvous hashing: the shard with the highest weight owns the
	 * zone, so going from N to N+1 shards moves only the zones the new
	 * shard wins, about 1/(N+1) of them, and nothing else. */
	for (i = 1; i <= count; i++)
		if ((w = zone_mix(h ^ zone_mix(i))) > best || i == 1) {
			best = w;
			owner = i;
		}
	return owner;
}

static bool
zone_in_shard(const struct config *cfg, const char *name)
{
	return cfg->shard_count <= 1 ||
	    zone_shard_owner(name, cfg->shard_count) == cfg->shard_index;
}

void
zone_set_sync(struct zone_set *set, const struct config *cfg,
    struct zone_set *added, struct zone_set *removed)
{
	struct zone_set	 next = { NULL, 0 };
	struct zone	*z;
	size_t		 i;

	for (i = 0; i < cfg->nzones; i++) {
		if (!zone_in_shard(cfg, cfg->zones[i].name))
			continue;
		if ((z = zone_set_find(set, cfg->zones[i].name)) != NULL) {
			z->cfg = &cfg->zones[i];
			z->sched.arg = NULL;	/* marks it kept, below */
		} else {
			z = zone_new(&cfg->zones[i]);
			if (added != NULL)
				zone_set_push(added, z);
		}
		zone_set_push(&next, z);
	}
	for (i = 0; i < set->n; i++) {
		z = set->v[i];
		if (z->sched.arg == NULL)
			z->sched.arg = z;
		else if (removed != NULL)
			zone_set_push(removed, z);
		else
			zone_free(z);
	}
	free(set->v);
	if (next.n > 1)
		qsort(next.v, next.n, sizeof(*next.v), zone_cmp);
	*set = next;
}

void
zone_set_clear(struct zone_set *set, bool free_zones)
{
	size_t	i;

	if (free_zones)
		for (i = 0; i < set->n; i++)
			zone_free(set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/*
 * Keeps what the last run found and this one did not, until clear_after
 * runs in a row have missed it: one lost answer, or a tie between servers
 * broken the other way, must not resolve an alert and restart its "for:".
 * A check's status is at least as bad as the findings it keeps.
 */
static void
zone_keep_missed(struct findings *fs, const struct findings *old,
    unsigned clear_after, enum check_status status[CHECK_MAX])
{
	const struct finding	*o;
	size_t			 i;

	for (i = 0; i < old->n; i++) {
		o = &old->v[i];
		if (o->missed + 1 >= clear_after || findings_has(fs, o))
			continue;
		findings_add_copy(fs, o);
		fs->v[fs->n - 1].missed = o->missed + 1;
		if ((int)status[o->check] < (int)o->severity)
			status[o->check] = (enum check_status)o->severity;
	}
}

void
zone_record_run(struct zone *z, struct findings *fs,
    const enum check_status status_in[CHECK_MAX],
    struct check_memory *memory, time_t now, double duration, unsigned clear_after)
{
	enum check_status	status[CHECK_MAX];
	int			i;

	memcpy(status, status_in, sizeof(status));
	if (z->runs > 0)
		zone_keep_missed(fs, &z->findings, clear_after, status);

	check_memory_clear(&z->memory);
	z->memory = *memory;
	memset(memory, 0, sizeof(*memory));
	/* The first run after a restart continues the findings' history. */
	findings_carry_since(fs, z->runs > 0 ? &z->findings : &z->since_hints, now);
	findings_clear(&z->since_hints);
	findings_clear(&z->findings);
	z->findings = *fs;
	fs->v = NULL;
	fs->n = 0;
	for (i = 0; i < CHECK_MAX; i++)
		z->check_status[i] = status[i];
	z->status = findings_worst(&z->findings);
	z->checked = true;
	z->checked_at = now;
	z->last_run_duration = duration;
	z->runs++;
}

void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	findings_clear(&z->findings);
	check_memory_clear(&z->memory);
	findings_clear(&z->since_hints);
	free(z->name);
	free(z);
}
