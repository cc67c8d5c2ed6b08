/* addr: a server's address; equality, sets and text. */
#include "zhbuild.h"

#include <stdbool.h>
#include <string.h>

#include "addr.h"
#include "value.h"
#include "xmalloc.h"

bool
addr_eq(const struct addr *a, const struct addr *b)
{
	return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

bool
addr_in(const struct addr *v, size_t n, const struct addr *a)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (addr_eq(&v[i], a))
			return true;
	return false;
}

bool
addr_add(struct addr **v, size_t *n, const struct addr *a)
{
	if (addr_in(*v, *n, a))
		return false;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = *a;
	return true;
}

void
addr_str(const struct addr *a, char *out, size_t len)
{
	value_format_addr((const struct sockaddr *)&a->ss, out, len, 53);
}
