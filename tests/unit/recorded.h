/*
 * recorded.h -- the answers recorded from real PVE servers, for the unit
 * tests: $PX_REFERENCE/recorded, or ../shared/reference/recorded next to
 * the source tree ($PX_TOP, set by scripts/runtests).
 */
#ifndef PX_RECORDED_H
#define PX_RECORDED_H

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

/* The folder of the recorded answers (it may not exist: a clone without
 * ../shared). */
static __attribute__((unused)) const char *
recorded_dir(void)
{
	static char path[1024];
	const char *ref = getenv("PX_REFERENCE"), *top = getenv("PX_TOP");

	if (ref != NULL)
		snprintf(path, sizeof(path), "%s/recorded", ref);
	else
		snprintf(path, sizeof(path), "%s/../shared/reference/recorded",
		    top ? top : ".");
	return path;
}

/* The whole file at path, malloc'd (*n its length), or NULL. */
static __attribute__((unused)) char *
file_slurp(const char *path, size_t *n)
{
	struct buf b = { 0 };
	char chunk[8192];
	size_t k;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return buf_steal(&b);
}

/* The recorded answer name, malloc'd (*n its length), or NULL when it
 * cannot be read. */
static __attribute__((unused)) char *
recorded_slurp(const char *name, size_t *n)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/%s", recorded_dir(), name);
	return file_slurp(path, n);
}

#endif
