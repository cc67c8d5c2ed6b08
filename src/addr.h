/* addr: a server's address (family, address, port) as the engine asks it
 * and the evidence records it; equality, sets and text. */
#ifndef ZH_ADDR_H
#define ZH_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* An address to ask, port included. */
struct addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

bool addr_eq(const struct addr *, const struct addr *);
bool addr_in(const struct addr *, size_t, const struct addr *);
/* Adds a to the array *v of *n unless there; true when added. */
bool addr_add(struct addr **v, size_t *n, const struct addr *a);
/* Address as text, without the port when it is 53. */
void addr_str(const struct addr *, char *, size_t);

#endif
