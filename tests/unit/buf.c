/* buf.c -- the growable buffer, across the size where it moves to 2 MiB
 * pages (lib/buf.c BUF_BIG). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* The whole pages inside [p, p+n): how many, and how many present
 * (-1 when mincore cannot tell). */
static long
present(const char *p, size_t n, long *all)
{
	uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;
	size_t np = hi > lo ? (hi - lo) / 4096 : 0;
	unsigned char *v = calloc(np + 1, 1);
	long k = 0;

	*all = (long)np;
	if (v == NULL || mincore((void *)lo, np * 4096, v) != 0) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < np; i++)
		k += v[i] & 1;
	free(v);
	return k;
}

/* Can this kernel make pages present ahead (Linux 5.14)? */
static int
can_populate(void)
{
#ifdef MADV_POPULATE_WRITE
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	int r;

	if (m == MAP_FAILED)
		return 0;
	r = madvise(m, 4096, MADV_POPULATE_WRITE) == 0;
	munmap(m, 4096);
	return r;
#else
	return 0;
#endif
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

	/* buf_reserve: the room of buf_grow, its pages present before a
	 * byte is written (an answer of 320 KB, as -A's). */
	buf_adds(&b, "head");
	buf_reserve(&b, 320000);
	ok(b.cap >= 320000 + 5 && b.len == 4 && strcmp(b.p, "head") == 0,
	    "buf_reserve(320 KB): room, the contents kept");
	if (can_populate()) {
		long all, k = present(b.p + b.len, 320000, &all);

		ok(all >= 70 && k == all, "and its %ld whole pages present "
		    "before a byte is written (%ld)", all, k);
	} else
		ok(1, "# SKIP no MADV_POPULATE_WRITE in this kernel");
	for (size_t i = 0; i < 320000; i += sizeof(chunk))
		buf_add(&b, chunk, sizeof(chunk));
	ok(b.len == 4 + 320000 && b.p[b.len] == '\0', "and the bytes go in");
	buf_free(&b);
	s = malloc(100);
	buf_reserve(&b, 100);
	ok(b.cap >= 101 && b.len == 0, "a small reservation is buf_grow's");
	free(s);
	buf_free(&b);

	/* Small buffers stay small. */
	buf_adds(&b, "hello");
	ok(b.cap < 4096 && strcmp(buf_str(&b), "hello") == 0,
	    "a small buffer stays in malloc's heap (%zu bytes)", b.cap);
	buf_free(&b);
	done_testing();
}
