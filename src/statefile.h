/* statefile: what must survive a restart (findings' since-times, newest
 * serials, signature expiry, serial lags), in state_file. */
#ifndef ZH_STATEFILE_H
#define ZH_STATEFILE_H

#include <stddef.h>
#include <time.h>

struct zone_set;

/* Writes every zone's state to path atomically: a temporary file in the
 * same directory, fsync, rename, fsync of the directory. 0, or -1 with
 * err set. */
int statefile_save(const char *path, const struct zone_set *, char *err, size_t errlen);
/* Reads path and gives the zones of the set that are in it their state
 * (zones not in the set are dropped). All or nothing: a malformed or
 * truncated file changes nothing and err says where. Returns 0 when
 * applied, 1 when there is no file, -1 on error. */
int statefile_load(const char *path, struct zone_set *, char *err, size_t errlen);

#endif
