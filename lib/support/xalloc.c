/*
 * xalloc.c -- allocation that cannot fail (declared in err.h for lib/ and
 * cmd/ alike).  What happens when memory runs out is the program's policy,
 * not the library's: there is no error anybody could act on, so px says so
 * on stderr and exits 1.  It lives in the command-support tier because it
 * prints and exits; lib/ calls it as it calls malloc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static _Noreturn void
px_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", "px");
	exit(PX_EXIT_FAIL);
}

void *
px_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		px_oom();
	return p;
}

void *
px_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		px_oom();
	return p;
}

void *
px_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		px_oom();
	return q;
}

char *
px_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (p == NULL)
		px_oom();
	return p;
}

char *
px_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		px_oom();
	return p;
}

char *
px_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		px_oom();
	return p;
}
