/* buf: a growable byte buffer that renderers write into. */
#ifndef ZH_BUF_H
#define ZH_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated once anything is written */
	size_t	 len;
	size_t	 cap;
};

void buf_init(struct buf *);
void buf_free(struct buf *);
void buf_reset(struct buf *);
void buf_append(struct buf *, const void *, size_t);
void buf_puts(struct buf *, const char *);
void buf_putc(struct buf *, char);
void buf_printf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Hands the storage to the caller (free() it); the buf is empty again. */
char *buf_steal(struct buf *, size_t *len);

#endif
