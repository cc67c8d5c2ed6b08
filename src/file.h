/* file: reading a local file whole, safely: only a regular file, never
 * blocking on a FIFO or a device, never more than a bound. */
#ifndef ZH_FILE_H
#define ZH_FILE_H

#include <stddef.h>

/*
 * The whole of path, NUL-terminated (*len without the NUL), in memory the
 * caller frees; at most max bytes. NULL with why (static or strerror's)
 * when it cannot be read, is not a regular file (a device would be read
 * forever, a FIFO would block: opened with O_NONBLOCK and checked with
 * fstat on the descriptor, so no race swaps it), or is larger than max.
 * errno is ENOENT when the file does not exist.
 */
char *file_read(const char *path, size_t max, size_t *len, const char **why);

/* 0 when path can be opened and is a regular file; -1 with why (as for
 * file_read) when not. A path that does not exist is -1 with ENOENT. */
int file_check_regular(const char *path, const char **why);

#endif
