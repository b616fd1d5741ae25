/*
 * fsafe.c -- opening the files px trusts (see fsafe.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "fsafe.h"

/* The name of uid into out, else its number. */
static void
user_name(uid_t uid, char *out, size_t n)
{
	struct passwd pw, *r = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &r) == 0 && r != NULL)
		snprintf(out, n, "%s", r->pw_name);
	else
		snprintf(out, n, "%u", (unsigned)uid);
}

/* The checks on st, for a file (dir 0) or the data dir (dir 1). */
static int
stat_check(const struct stat *st, const char *path, enum fsafe_kind kind,
    const char *what, int dir, struct px_err *e)
{
	unsigned mode = (unsigned)(st->st_mode & 07777);
	char owner[64], me[64];

	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		px_fail(e, PXE_UNSAFE_FILE, "%s %s is not a %s; refusing to "
		    "use it", what, path, dir ? "directory" : "regular file");
		px_hint(e, "replace %s with a %s of your own", path,
		    dir ? "directory (mode 0700)" : "file (mode 0600)");
		return -1;
	}
	if (st->st_uid != geteuid()) {
		user_name(st->st_uid, owner, sizeof(owner));
		user_name(geteuid(), me, sizeof(me));
		px_fail(e, PXE_UNSAFE_FILE, "%s %s is owned by %s, not by %s "
		    "who runs px; refusing to use it", what, path, owner, me);
		px_hint(e, "if it is yours to trust: chown %s %s", me, path);
		return -1;
	}
	if (mode & 022) {
		px_fail(e, PXE_UNSAFE_FILE, "%s %s is writable by %s (mode "
		    "%04o); refusing to use it", what, path, (mode & 020) ?
		    "its group" : "others", mode);
		px_hint(e, "chmod %s %s, and check that its content is yours",
		    dir ? "700" : "600", path);
		return -1;
	}
	if (kind == FSAFE_SECRET && (mode & 077)) {
		px_fail(e, PXE_SECRET_PERMS, "%s %s is accessible by others "
		    "(mode %04o); refusing to use it", what, path, mode);
		px_hint(e, "chmod 600 %s", path);
		return -1;
	}
	return 0;
}

int
fsafe_dir_check(const char *dir, struct px_err *e)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return px_fail(e, PXE_IO, "data directory %s: %s", dir,
		    strerror(errno));
	return stat_check(&st, dir, FSAFE_STATE, "data directory", 1, e);
}

int
fsafe_fd_check(int fd, const char *path, enum fsafe_kind kind,
    const char *what, struct px_err *e)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return px_fail(e, PXE_IO, "%s %s: %s", what, path,
		    strerror(errno));
	return stat_check(&st, path, kind, what, 0, e);
}

/* The error for a failed open or lstat of path. */
static int
open_fail(const char *path, const char *what, int err, struct px_err *e)
{
	if (err == ELOOP) {
		px_fail(e, PXE_UNSAFE_FILE, "%s %s is a symbolic link; "
		    "refusing to follow it", what, path);
		px_hint(e, "replace the link with the file itself (mode "
		    "0600)");
		return -1;
	}
	px_fail(e, err == EACCES ? PXE_UNSAFE_FILE : PXE_IO, "%s %s: %s",
	    what, path, strerror(err));
	if (err == EACCES)
		px_hint(e, "it must be your own file: check `ls -l %s`", path);
	return err == ENOENT ? -2 : -1;
}

int
fsafe_open(const char *path, enum fsafe_kind kind, const char *what,
    struct px_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
	    O_NONBLOCK);

	if (fd < 0)
		return open_fail(path, what, errno, e);
	if (fsafe_fd_check(fd, path, kind, what, e) != 0) {
		close(fd);
		return -1;
	}
	/* O_NONBLOCK kept a FIFO from blocking the open; a regular file
	 * does not care, but reads plainly from here on. */
	(void)fcntl(fd, F_SETFL, 0);
	return fd;
}

int
fsafe_read(const char *path, enum fsafe_kind kind, const char *what,
    size_t cap, struct buf *b, struct px_err *e)
{
	char chunk[4096];
	size_t total = 0;
	ssize_t n;
	int fd = fsafe_open(path, kind, what, e);

	if (fd == -2) {
		px_err_clear(e);
		return 1;
	}
	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			px_fail(e, PXE_IO, "%s %s: %s", what, path,
			    strerror(errno));
			break;
		}
		if (n == 0) {
			close(fd);
			explicit_bzero(chunk, sizeof(chunk));
			return 0;
		}
		if ((total += (size_t)n) > cap) {
			px_fail(e, PXE_TOO_LARGE, "%s %s: over %zu bytes",
			    what, path, cap);
			break;
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	explicit_bzero(chunk, sizeof(chunk));
	return -1;
}

int
fsafe_path_check(const char *path, enum fsafe_kind kind, const char *what,
    struct px_err *e)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 1;
		return px_fail(e, PXE_IO, "%s %s: %s", what, path,
		    strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return open_fail(path, what, ELOOP, e);
	return stat_check(&st, path, kind, what, 0, e);
}

/* Put a new random key in path unless one is there. */
static int
key_create(const char *path, const char *what, size_t len, struct px_err *e)
{
	unsigned char fresh[64];
	char *tmp = px_xasprintf("%s.new.%ld", path, (long)getpid());
	size_t have;
	ssize_t got;
	int fd = -1, rc = -1;

	for (have = 0; have < len; have += (size_t)got)
		if ((got = getrandom(fresh + have, len - have, 0)) < 0) {
			if (errno == EINTR) {
				got = 0;
				continue;
			}
			px_fail(e, PXE_IO, "getrandom: %s", strerror(errno));
			goto out;
		}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 || write(fd, fresh, len) != (ssize_t)len ||
	    fsync(fd) != 0) {
		px_fail(e, PXE_IO, "%s %s: %s", what, tmp, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		goto out;
	}
	if (link(tmp, path) != 0 && errno != EEXIST)
		px_fail(e, PXE_IO, "%s %s: %s", what, path, strerror(errno));
	else
		rc = 0;
	unlink(tmp);
out:
	if (fd >= 0)
		close(fd);
	explicit_bzero(fresh, sizeof(fresh));
	free(tmp);
	return rc;
}

int
fsafe_key(const char *path, const char *what, unsigned char *key,
    size_t len, struct px_err *e)
{
	ssize_t got;
	int fd;

	if (len == 0 || len > 64)
		return px_fail(e, PXE_FAILURE, "%s: bad key length %zu", what,
		    len);
	if ((fd = fsafe_open(path, FSAFE_SECRET, what, e)) == -2) {
		if (key_create(path, what, len, e) != 0)
			return -1;
		fd = fsafe_open(path, FSAFE_SECRET, what, e);
	}
	if (fd < 0)
		return -1;
	got = read(fd, key, len);
	close(fd);
	if (got != (ssize_t)len) {
		explicit_bzero(key, len);
		return px_fail(e, PXE_IO, "%s %s: not %zu bytes", what, path,
		    len);
	}
	return 0;
}
