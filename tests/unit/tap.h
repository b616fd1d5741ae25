/*
 * tap.h -- a tiny TAP producer for the unit tests under tests/unit/.
 *
 *     ok(cond, "name %d", i);     is_int(got, want, "name");
 *     is_str(got, want, "name");  return done_testing();
 *     tap_rmtree(scratch_dir);
 */
#ifndef PX_TAP_H
#define PX_TAP_H

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ == NULL || w_ == NULL) ? g_ == w_ : strcmp(g_, w_) == 0; \
	if (!ok(same_, __VA_ARGS__)) \
		printf("#   got \"%s\"\n#  want \"%s\"\n", g_ ? g_ : "(null)", \
		    w_ ? w_ : "(null)"); \
} while (0)

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

static int __attribute__((unused))
tap_rm_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Remove a test's scratch directory dir and everything under it (no
 * shell, links not followed): 0, or -1 with a TAP comment. */
static int __attribute__((unused))
tap_rmtree(const char *dir)
{
	if (nftw(dir, tap_rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0)
		return 0;
	printf("# could not remove %s\n", dir);
	return -1;
}

#endif
