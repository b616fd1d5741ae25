/* effects.c -- a reducer's growable list of effects (see effects.h). */
#include <string.h>

#include "effects.h"
#include "err.h"

void *
effects_add(void *arr, int *n, int *cap, size_t size)
{
	char *e;

	/* The array pointer is read and written as bytes: arr is the
	 * address of a typed pointer, not of a void *. */
	memcpy(&e, arr, sizeof(e));
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		e = px_xrealloc(e, (size_t)*cap * size);
		memcpy(arr, &e, sizeof(e));
	}
	e += (size_t)(*n)++ * size;
	memset(e, 0, size);
	return e;
}
