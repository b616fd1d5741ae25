/*
 * heap.h -- malloc's heap in 2 MiB pages, as glibc's
 * glibc.malloc.hugetlb=1 tunable would give it, without the environment.
 */
#ifndef PX_HEAP_H
#define PX_HEAP_H

#include <stddef.h>

/*
 * Grow the heap (the main arena) by about n bytes now, ask for
 * transparent huge pages over it (madvise; THP "madvise" or "always"),
 * and from then on grow it n at a time (fewer brk calls) and keep up to
 * 2n of it free.  For a short-lived command that will allocate much at
 * once on several threads.  Best effort: under another allocator (ASan,
 * valgrind), another libc, or a kernel without THP, nothing changes.
 * n from 2 MiB to 256 MiB; returns the bytes advised (0: none).
 */
size_t px_heap_huge(size_t n);

#endif
