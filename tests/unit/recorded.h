/*
 * recorded.h -- the answers recorded from real PVE servers, for the unit
 * tests: ../shared/reference/recorded next to the source tree (PX_TOP).
 */
#ifndef PX_RECORDED_H
#define PX_RECORDED_H

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

/* The whole file name of that folder, malloc'd (*n its length), or NULL
 * when it cannot be read (a clone without ../shared). */
static char * __attribute__((unused))
recorded_slurp(const char *name, size_t *n)
{
	const char *top = getenv("PX_TOP");
	char path[1024];
	struct buf b = { 0 };
	char chunk[4096];
	size_t k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../shared/reference/recorded/%s",
	    top ? top : ".", name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return buf_steal(&b);
}

#endif
