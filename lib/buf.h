/*
 * buf.h -- a growable byte buffer, always NUL-terminated.
 *
 * A zeroed struct buf is an empty buffer.  The caller owns b->p and frees it
 * with buf_free.  Growth never fails (px_xrealloc).
 */
#ifndef PX_BUF_H
#define PX_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *p;	/* NULL or NUL-terminated data of len bytes */
	size_t len;
	size_t cap;
};

void buf_add_slow(struct buf *b, const void *data, size_t n);
/* n bytes: inline while they fit (a listing adds a few per cell). */
static inline void
buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 <= b->cap && n <= b->cap) {
		if (n)
			memcpy(b->p + b->len, data, n);
		b->len += n;
		b->p[b->len] = '\0';
	} else
		buf_add_slow(b, data, n);
}
void buf_addc_slow(struct buf *b, char c);
/* One byte: inline, as output adds a tab or newline per cell. */
static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
	} else
		buf_addc_slow(b, c);
}
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Ensure room for n more bytes. */
void buf_grow(struct buf *b, size_t n);
/* buf_grow for n bytes that will all be written: their pages made
 * present at once (buf.c). */
void buf_reserve(struct buf *b, size_t n);
/* Empty the buffer, keep the memory. */
void buf_reset(struct buf *b);
/* Free the memory; b becomes an empty buffer. */
void buf_free(struct buf *b);
/* Wipe (explicit_bzero) then free: for buffers that held a secret. */
void buf_wipe(struct buf *b);
/* Give the data to the caller (never NULL: "" for an empty buffer). */
char *buf_steal(struct buf *b);
/* The contents as a C string (never NULL). */
const char *buf_str(const struct buf *b);

#endif
