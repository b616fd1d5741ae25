/*
 * effects.h -- the list a pure reducer (pxtop's top_reduce, px fleet's
 * fleet_reduce) appends its effects to: a growable array of the
 * reducer's own effect struct, emptied by its caller after running them.
 */
#ifndef PX_EFFECTS_H
#define PX_EFFECTS_H

#include <stddef.h>

/*
 * Append one element of size bytes, all zero, to the array whose address
 * is arr (a struct foo_effect **, passed as void *), which holds *n
 * elements in room for *cap; grows it when full (twice as large, 16 at
 * first; px_xrealloc does not return on failure).  Returns the new
 * element, valid until the next append.  The array belongs to the
 * caller, who frees it with free().
 */
void *effects_add(void *arr, int *n, int *cap, size_t size);

#endif
