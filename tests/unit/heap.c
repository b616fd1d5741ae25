/* heap.c -- px_heap_huge: the heap grown and advised 2 MiB pages, malloc
 * unharmed; nothing done for a size out of range or under another
 * allocator (ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "tap.h"

#define MIB	((size_t)1 << 20)

/* The VmFlags of the mapping holding address a (/proc/self/smaps), into
 * flags: 1 found, 0 not. */
static int
vm_flags(uintptr_t a, char *flags, size_t n)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(flags, n, "%.200s", line + 8);
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

#ifdef __SANITIZE_ADDRESS__
static const int asan = 1;	/* its allocator never grows the break */
#else
static const int asan = 0;
#endif

int
main(void)
{
	char flags[512] = "";
	char *before, *after, *blk[256];
	uintptr_t lo;
	size_t got, in = 0;
	int intact = 1;

	is_int(px_heap_huge(MIB), 0, "1 MiB (less than a huge page): nothing");
	is_int(px_heap_huge((size_t)257 << 20), 0, "257 MiB: nothing");
	is_int(px_heap_huge((size_t)2 << 30), 0, "2 GiB: nothing");

	before = sbrk(0);
	got = px_heap_huge(8 * MIB);
	after = sbrk(0);
	lo = ((uintptr_t)before + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1);
	if (asan)
		is_int(got, 0, "under ASan: nothing done");
	else {
		ok(after - before >= (ptrdiff_t)(8 * MIB), "the break moved "
		    "by 8 MiB and more (%td KiB)", (after - before) >> 10);
		if (access("/sys/kernel/mm/transparent_hugepage", F_OK) != 0) {
			/* a kernel without THP refuses the advice */
			is_int(got, 0, "no THP in this kernel: none advised");
		} else {
			ok(got >= 4 * MIB && got <= 8 * MIB, "8 MiB: %zu MiB "
			    "of the heap advised", got / MIB);
			ok(vm_flags(lo, flags, sizeof(flags)) &&
			    strstr(flags, " hg") != NULL, "its mapping is "
			    "advised huge pages (VmFlags:%s)", flags);
		}
	}
	/* malloc goes on as before, in the grown heap first */
	for (int i = 0; i < 256; i++) {
		blk[i] = malloc(16 << 10);
		memset(blk[i], i, 16 << 10);
		in += blk[i] >= before && blk[i] < after;
	}
	for (int i = 0; i < 256; i++)
		for (size_t k = 0; k < (16 << 10); k += 4093)
			intact &= (unsigned char)blk[i][k] == i;
	ok(intact, "4 MiB of blocks after it hold what was written");
	if (!asan) {
		ok(in >= 200, "and come from the grown heap (%zu of 256)", in);
		ok(sbrk(0) == after, "without growing it again");
	}
	for (int i = 0; i < 256; i++)
		free(blk[i]);
	if (!asan)
		ok(sbrk(0) == after, "freed, the heap is kept (not trimmed)");
	/* past it: grown 8 MiB at a time, not 128 KiB */
	if (!asan) {
		char *more[1024], *now;
		int k = 0;

		while (k < 1024 && sbrk(0) == after)
			more[k++] = malloc(16 << 10);
		now = sbrk(0);
		ok(now - after >= (ptrdiff_t)(8 * MIB), "then grown 8 MiB at "
		    "a time (%td KiB)", (now - after) >> 10);
		while (k > 0)
			free(more[--k]);
	}
	return done_testing();
}
