/* sdlisten: the listening sockets systemd passes (sd_listen_fds(3), without libsystemd). */
#include "zhbuild.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdlisten.h"
#include "xmalloc.h"

/* More than any unit would pass; a bound on what a bad variable costs. */
#define SDLISTEN_FDS_MAX	64

/* A decimal number in [1, max] filling all of s; 0 when s is not one. */
static unsigned long
sdlisten_number(const char *s, unsigned long max)
{
	unsigned long	 v;
	char		*end;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return 0;
	return v;
}

/* Whether fd is what the daemon can serve HTTP on; NULL when it is,
 * else why not (static text). */
static const char *
sdlisten_check(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(int), sslen = sizeof(ss);
	int			v, flags;

	if (fcntl(fd, F_GETFD) == -1)
		return "not an open descriptor";
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1)
		return "not a socket";
	if (v != SOCK_STREAM)
		return "not a stream socket";
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == -1 || v == 0)
		return "not a listening socket";
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
		return "not an IPv4 or IPv6 socket";
	/* The event loop must never wait on accept. */
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return "its flags cannot be set";
	return NULL;
}

int
sdlisten_fds(int **fds, size_t *n, char **err)
{
	const char	*pid_s = getenv("LISTEN_PID");
	const char	*fds_s = getenv("LISTEN_FDS");
	const char	*why;
	unsigned long	 pid, nfds, i;

	*fds = NULL;
	*n = 0;
	*err = NULL;
	if (pid_s == NULL || fds_s == NULL) {
		*err = xasprintf("--web.systemd-socket: no sockets passed "
		    "(LISTEN_PID and LISTEN_FDS are not set: is the daemon "
		    "started by a .socket unit?)");
		return -1;
	}
	if ((pid = sdlisten_number(pid_s, ULONG_MAX)) == 0) {
		*err = xasprintf("--web.systemd-socket: LISTEN_PID \"%s\" is "
		    "not a process id", pid_s);
		return -1;
	}
	if (pid != (unsigned long)getpid()) {
		*err = xasprintf("--web.systemd-socket: the sockets are passed "
		    "to process %lu, not to this one (%ld)", pid, (long)getpid());
		return -1;
	}
	if ((nfds = sdlisten_number(fds_s, SDLISTEN_FDS_MAX)) == 0) {
		*err = xasprintf("--web.systemd-socket: LISTEN_FDS \"%s\" is "
		    "not a number of sockets from 1 to %d", fds_s,
		    SDLISTEN_FDS_MAX);
		return -1;
	}
	for (i = 0; i < nfds; i++) {
		if ((why = sdlisten_check(SDLISTEN_FDS_START + (int)i)) != NULL) {
			*err = xasprintf("--web.systemd-socket: descriptor %d "
			    "(socket %lu of %lu passed): %s",
			    SDLISTEN_FDS_START + (int)i, i + 1, nfds, why);
			return -1;
		}
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	*fds = xcalloc(nfds, sizeof(**fds));
	for (i = 0; i < nfds; i++)
		(*fds)[i] = SDLISTEN_FDS_START + (int)i;
	*n = nfds;
	return 0;
}
