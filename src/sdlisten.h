/* sdlisten: the listening sockets systemd passes (sd_listen_fds(3), without libsystemd). */
#ifndef ZH_SDLISTEN_H
#define ZH_SDLISTEN_H

#include <stddef.h>

#define SDLISTEN_FDS_START	3	/* SD_LISTEN_FDS_START */

/*
 * The sockets LISTEN_PID and LISTEN_FDS pass to this process (fds from
 * SDLISTEN_FDS_START on), each a listening TCP socket over IPv4 or IPv6,
 * made non-blocking and close-on-exec, into *fds (malloc'ed, *n of them);
 * the variables are unset so that no child takes them for its own.
 * -1 with *err (malloc'ed) when none are passed, they are passed to
 * another process, or one is not a listening stream socket.
 */
int sdlisten_fds(int **fds, size_t *n, char **err);

#endif
