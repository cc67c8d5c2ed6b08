/* tmpdir: a unit test's scratch directory under $TMPDIR, and its files. */
#ifndef ZH_TMPDIR_H
#define ZH_TMPDIR_H

#include <stddef.h>

/* Makes $TMPDIR/PREFIX.XXXXXX (/tmp without TMPDIR) into dir; exits the
 * test program when it cannot. */
void tmpdir_make(char *dir, size_t len, const char *prefix);
/* Removes dir and the files in it (tests make no subdirectories). */
void tmpdir_remove(const char *dir);
/* Writes len bytes to dir/name, fresh; exits when it cannot. Returns the
 * path; free() it. */
char *tmpdir_write(const char *dir, const char *name, const void *data, size_t len);

#endif
