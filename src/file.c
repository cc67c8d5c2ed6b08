/* file: reading a local file whole, safely. */
#include "zhbuild.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "xmalloc.h"

/* An open descriptor of path that is a regular file, or -1 with why. */
static int
file_open_regular(const char *path, struct stat *st, const char **why)
{
	int	fd, saved;

	/* O_NONBLOCK: opening a FIFO for reading must not wait for a writer
	 * (a reload would hang the daemon, SIGTERM and all). */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, st) == -1) {
		saved = errno;
		*why = strerror(saved);
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		*why = S_ISDIR(st->st_mode) ? strerror(EISDIR) :
		    "not a regular file (a device, FIFO or socket)";
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
file_check_regular(const char *path, const char **why)
{
	struct stat	st;
	int		fd;

	if ((fd = file_open_regular(path, &st, why)) == -1)
		return -1;
	close(fd);
	return 0;
}

char *
file_read(const char *path, size_t max, size_t *len, const char **why)
{
	struct stat	 st;
	char		*text;
	size_t		 got = 0, cap;
	ssize_t		 n = 0;
	int		 fd;

	if ((fd = file_open_regular(path, &st, why)) == -1)
		return NULL;
	if ((uint64_t)st.st_size > max) {
		*why = "larger than the limit for it";
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	/* Read to the end, not to st_size: the file may be growing; past
	 * max it is refused all the same. */
	cap = (size_t)st.st_size + 4096 < max + 1 ? (size_t)st.st_size + 4096 : max + 1;
	text = xmalloc(cap);
	for (;;) {
		if (got == cap) {
			if (cap > max) {
				*why = "larger than the limit for it";
				n = -1;
				break;
			}
			cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			text = xreallocarray(text, cap, 1);
		}
		n = read(fd, text + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*why = strerror(errno);
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (n == -1) {
		/* It may have been a private key. */
		explicit_bzero(text, got);
		free(text);
		return NULL;
	}
	if (got == cap)
		text = xreallocarray(text, cap + 1, 1);
	text[got] = '\0';
	if (len != NULL)
		*len = got;
	return text;
}
