/*
 * compcache.c -- node names and VMIDs for shell completion, kept from
 * px's own reads (see compcache.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compcache.h"
#include "conf.h"
#include "fsafe.h"

#define CAP	(4u << 20)	/* 10,000 guests with names fit many times */

int
compcache_kind(const char *kind)
{
	return strcmp(kind, "node") == 0 || strcmp(kind, "vmid") == 0;
}

/* The cache file of profile and kind into path; -1 when the profile's
 * name is not one to put in a file name. */
static int
cache_path(char *path, size_t n, const char *dir, const char *profile,
    const char *kind)
{
	size_t len = strlen(profile);

	if (len == 0 || len > 64 || profile[0] == '.' ||
	    strspn(profile, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
	    "WXYZ0123456789_.-") != len || !compcache_kind(kind))
		return -1;
	return (size_t)snprintf(path, n, "%s/complete/%s.%s", dir, profile,
	    kind) < n ? 0 : -1;
}

int
compcache_put(const char *profile, const char *kind, const char *lines,
    size_t n, struct px_err *e)
{
	const char *dir = px_data_dir(e);
	char path[4096], sub[4096], tmp[4200];
	struct stat st;
	ssize_t w;
	size_t off = 0;
	int fd;

	if (dir == NULL)
		return -1;
	if (cache_path(path, sizeof(path), dir, profile, kind) != 0)
		return 0;	/* not cached, no error */
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    time(NULL) - st.st_mtime < COMPCACHE_FRESH)
		return 0;
	snprintf(sub, sizeof(sub), "%s/complete", dir);
	if (mkdir(sub, 0700) != 0 && errno != EEXIST)
		return px_fail(e, PXE_IO, "%s: %s", sub, strerror(errno));
	if (fsafe_dir_check(sub, e) != 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return px_fail(e, PXE_IO, "%s: %s", tmp, strerror(errno));
	while (off < n && (w = write(fd, lines + off, n - off)) > 0)
		off += (size_t)w;
	if (close(fd) != 0 || off != n || rename(tmp, path) != 0) {
		unlink(tmp);
		return px_fail(e, PXE_IO, "%s: cannot write", path);
	}
	return 0;
}

int
compcache_get(const char *profile, const char *kind, long long now,
    struct buf *b, struct px_err *e)
{
	const char *dir = px_data_dir(e);
	char path[4096];
	struct stat st;
	int rc;

	if (dir == NULL)
		return -1;
	if (cache_path(path, sizeof(path), dir, profile, kind) != 0)
		return 0;
	if (lstat(path, &st) != 0)
		return 0;
	if (now - (long long)st.st_mtime >= COMPCACHE_TTL)
		return 0;
	rc = fsafe_read(path, FSAFE_SECRET, "completion cache", CAP, b, e);
	return rc < 0 ? -1 : rc == 0;
}
