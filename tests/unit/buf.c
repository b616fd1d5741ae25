/* buf.c -- the growable buffer, across the size where it moves to 2 MiB
 * pages (lib/buf.c BUF_BIG). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

/* The byte at offset i of the test pattern. */
static char
pat(size_t i)
{
	return (char)('a' + (i * 7 + i / 4096) % 26);
}

static int
holds_pattern(const struct buf *b, size_t n)
{
	if (b->len != n || b->p[n] != '\0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != pat(i))
			return 0;
	return 1;
}

int
main(void)
{
	struct buf b = { 0 };
	size_t n = 0, caps = 0, last = 0;
	char chunk[1000], *s;

	/* Grow a byte pattern from nothing to 5 MiB in odd-sized steps: the
	 * contents survive every move, small and big. */
	while (n < (5u << 20)) {
		for (size_t i = 0; i < sizeof(chunk); i++)
			chunk[i] = pat(n + i);
		buf_add(&b, chunk, sizeof(chunk));
		n += sizeof(chunk);
		if (b.cap != last) {
			caps++;
			last = b.cap;
		}
	}
	ok(holds_pattern(&b, n), "5 MiB added 1,000 bytes at a time: "
	    "every byte in place, NUL-terminated (%zu capacities)", caps);
	is_int((int)((uintptr_t)b.p % (2u << 20)), 0,
	    "a big buffer starts on a 2 MiB boundary");
	is_int((int)(b.cap % (2u << 20)), 0, "and its capacity is whole "
	    "2 MiB pages");
	buf_reset(&b);
	ok(b.len == 0 && b.p[0] == '\0' && b.cap == last,
	    "buf_reset empties it and keeps the memory");
	buf_printf(&b, "%0*d", 300000, 7);
	ok(b.len == 300000 && b.p[299999] == '7' && b.p[0] == '0',
	    "buf_printf writes 300,000 bytes into it");
	s = buf_steal(&b);
	ok(s != NULL && strlen(s) == 300000 && b.p == NULL && b.len == 0,
	    "buf_steal gives the data away");
	free(s);	/* malloc's memory: free works on it */

	/* One big reservation first, as for an answer's Content-Length. */
	buf_grow(&b, 3u << 20);
	ok(b.cap >= (3u << 20) + 1 && b.len == 0 && b.p[0] == '\0',
	    "buf_grow(3 MiB) on an empty buffer: room, still empty");
	buf_add(&b, "x", 1);
	ok(b.len == 1 && strcmp(b.p, "x") == 0, "and it takes data");
	buf_free(&b);
	ok(b.p == NULL && b.len == 0 && b.cap == 0, "buf_free empties it");

	/* Small buffers stay small. */
	buf_adds(&b, "hello");
	ok(b.cap < 4096 && strcmp(buf_str(&b), "hello") == 0,
	    "a small buffer stays in malloc's heap (%zu bytes)", b.cap);
	buf_free(&b);
	done_testing();
}
