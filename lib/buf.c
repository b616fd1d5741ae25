/* buf.c -- a growable byte buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "buf.h"
#include "err.h"

/*
 * A buffer of 2 MiB and more (a big answer, the rows of a big listing
 * held until its answer is checked) is aligned to and backed by 2 MiB
 * pages where the kernel has them (transparent huge pages, "madvise" or
 * "always").  On a virtual machine the first touch of each 4 KiB page is
 * a fault costing microseconds: on the bench VM, writing 3.2 MB into
 * fresh memory took 8.8 ms in 4 KiB pages and 0.4 ms in 2 MiB pages.
 * Smaller buffers stay in 4 KiB pages: a huge page is touched whole, so
 * -A over 50 profiles of 1,000 guests (answers of 320 KB each) cost
 * 115 MiB with a 256 KiB threshold and costs 31 MiB with this one.
 * The memory is malloc's (posix_memalign): free and realloc work on it
 * as on any other.
 */
#define BUF_BIG		(2u << 20)
#define BUF_HUGE	(2u << 20)

static char *
big_alloc(size_t *size)
{
	size_t n = (*size + BUF_HUGE - 1) & ~(size_t)(BUF_HUGE - 1);
	void *p;

	if (posix_memalign(&p, BUF_HUGE, n) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);	/* best effort */
#endif
	*size = n;
	return p;
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t want;
	char *p;

	if (b->len + n + 1 <= b->cap)
		return;
	want = b->cap ? b->cap : 64;
	while (want < b->len + n + 1)
		want *= 2;
	if (want >= BUF_BIG && (p = big_alloc(&want)) != NULL) {
		if (b->p != NULL)
			memcpy(p, b->p, b->len + 1);
		else
			p[0] = '\0';
		free(b->p);
		b->p = p;
		b->cap = want;
		return;
	}
	b->p = px_xrealloc(b->p, want);
	b->cap = want;
}

/*
 * Room for n more bytes that will all be written, their pages made
 * present now, in one call, rather than one fault at a time as the bytes
 * arrive: on the bench VM a fault costs microseconds, and the answers of
 * px ls -A over 50 profiles (320 KB each, 16 MB in 4 KiB pages) took
 * 3,800 of them, an eighth of px's CPU.  From RESERVE_MIN up to BUF_BIG
 * only (a big buffer has 2 MiB pages, a small one few pages), so that a
 * size a server announces and does not send costs at most BUF_BIG of
 * memory.  Best effort: a kernel without MADV_POPULATE_WRITE (before
 * 5.14) faults the pages in as before.
 */
#define RESERVE_MIN	(64u << 10)

void
buf_reserve(struct buf *b, size_t n)
{
	buf_grow(b, n);
#ifdef MADV_POPULATE_WRITE
	uintptr_t lo, hi;

	if (n < RESERVE_MIN || b->cap >= BUF_BIG)
		return;
	lo = ((uintptr_t)(b->p + b->len) + 4095) & ~(uintptr_t)4095;
	hi = (uintptr_t)(b->p + b->len + n) & ~(uintptr_t)4095;
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#endif
}

void
buf_add_slow(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_addc_slow(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
buf_wipe(struct buf *b)
{
	if (b->p)
		explicit_bzero(b->p, b->cap);
	buf_free(b);
}

char *
buf_steal(struct buf *b)
{
	char *p = b->p ? b->p : px_xstrdup("");

	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *
buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}
