/* fuzz: what the harnesses share: the entry point libFuzzer and the replay
 * driver call, and a reader that splits one input into many values. */
#ifndef ZH_FUZZ_H
#define ZH_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xmalloc.h"

/* One input, whole; returns 0 (libFuzzer reserves other values). Each
 * harness defines it once. */
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* True when text is one JSON value, strictly (RFC 8259), in UTF-8 without
 * overlong forms or surrogates (fuzz_json.c). */
bool fuzz_json_valid(const char *text, size_t len);

/* The input, consumed front to back; an exhausted reader yields zeros and
 * empty chunks, so every input means something. */
struct fuzz_in {
	const uint8_t	*p;
	size_t		 n;
};

static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	uint8_t	b;

	if (in->n == 0)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

static inline uint16_t
fuzz_u16(struct fuzz_in *in)
{
	uint16_t	hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

/* A chunk written as a 16-bit big-endian length and that many bytes (fewer
 * when the input ends first); points into the input. */
static inline const uint8_t *
fuzz_chunk(struct fuzz_in *in, size_t *len)
{
	const uint8_t	*p;
	size_t		 want = fuzz_u16(in);

	if (want > in->n)
		want = in->n;
	p = in->p;
	in->p += want;
	in->n -= want;
	*len = want;
	return p;
}

/* The bytes up to the next '\n' (not included) or the end, as a fresh
 * string (cut at a NUL, as C strings are); the caller frees it. NULL when
 * nothing is left. */
static inline char *
fuzz_line(struct fuzz_in *in)
{
	const uint8_t	*nl;
	size_t		 len;
	char		*s;

	if (in->n == 0)
		return NULL;
	nl = memchr(in->p, '\n', in->n);
	len = nl != NULL ? (size_t)(nl - in->p) : in->n;
	s = xmalloc(len + 1);
	memcpy(s, in->p, len);
	s[len] = '\0';
	in->p += len;
	in->n -= len;
	if (nl != NULL) {
		in->p++;
		in->n--;
	}
	return s;
}

#endif
