/*
 * heap.c -- malloc's heap in 2 MiB pages.
 *
 * On a virtual machine the first touch of each 4 KiB page is a fault of
 * about 10 us (on the bench VM; most of it the hypervisor's).  px ls -A
 * over 50 clusters keeps 50 TLS connections open at once: libcurl and
 * OpenSSL allocate about 90 KB for each, a thousand pages touched one at
 * a time on the thread that makes the handshakes.  In 2 MiB pages the
 * same memory is a handful of faults.
 *
 * And the heap grew 128 KiB at a time: a hundred brk calls over the
 * run, each of which holds the process's memory map while the two
 * threads reading answers fault in their pages (they wait: three times
 * the context switches).  Padded, the heap grows n at a time.
 *
 * glibc does the first itself with GLIBC_TUNABLES=glibc.malloc.hugetlb=1,
 * but that is read from the environment before main.  Here: the heap's
 * top is padded (M_TOP_PAD: n) and kept (M_TRIM_THRESHOLD: 2n), grown
 * once by allocating until the break moves, and the new part advised
 * MADV_HUGEPAGE.  Growth past it is in 4 KiB pages, n at a time (only
 * the pages touched are memory).  Setting either option also fixes
 * malloc's mmap threshold at 128 KiB (glibc raises it as big blocks are
 * freed, otherwise): for a short-lived command reading many answers at
 * once, as px ls -A is, that is no loss.
 *
 * Measured on the bench VM, px ls -A over 50 profiles of 1,000 guests:
 * page faults 3,200 -> 2,300, context switches 185 -> 60, CPU time
 * about 200 -> 175 ms.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)
#define STEP		(32u << 10)	/* under the mmap threshold */
#define STEPS		64

size_t
px_heap_huge(size_t n)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && defined(M_TOP_PAD)
	void *blk[STEPS];
	uintptr_t lo, hi;
	char *before, *after;
	int k = 0;

	if (n < HUGE_PAGE || n > ((size_t)256 << 20))	/* 2n: an int */
		return 0;
	if ((before = sbrk(0)) == (void *)-1)
		return 0;
	if (mallopt(M_TOP_PAD, (int)n) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, (int)(2 * n)) != 1)
		return 0;
	/* Allocate until malloc grows the break (then by n more); another
	 * allocator never moves it: STEPS bounds the loop. */
	while (k < STEPS && (after = sbrk(0)) == before)
		if ((blk[k++] = malloc(STEP)) == NULL)
			break;
	after = sbrk(0);
	while (k > 0)
		free(blk[--k]);
	if (after == (void *)-1 || after <= before)
		return 0;
	lo = ((uintptr_t)before + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = (uintptr_t)after & ~(HUGE_PAGE - 1);
	if (hi <= lo || madvise((void *)lo, hi - lo, MADV_HUGEPAGE) != 0)
		return 0;
	return hi - lo;
#else
	(void)n;
	return 0;
#endif
}
