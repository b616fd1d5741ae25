/* diskimg.c -- qemu-img info and convert as child processes (diskimg.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "diskimg.h"
#include "enc.h"
#include "json.h"

#define QEMU_IMG	"qemu-img"
#define INFO_CAP	(1 << 20)	/* what qemu-img info may print */
#define ERR_CAP		4096		/* what px keeps of its stderr */

int
diskimg_format_ok(const char *fmt)
{
	static const char *const ok[] = { "raw", "qcow2", "vmdk", "vdi",
		"vhdx", "vhd", NULL };

	for (int i = 0; ok[i]; i++)
		if (strcmp(fmt, ok[i]) == 0)
			return 1;
	return 0;
}

const char *
diskimg_qemu_format(const char *fmt)
{
	return strcmp(fmt, "vhd") == 0 ? "vpc" : fmt;
}

/* px's name of a format qemu-img names ("vpc" is "vhd"). */
static const char *
px_format(const char *qfmt)
{
	return strcmp(qfmt, "vpc") == 0 ? "vhd" : qfmt;
}

/* The directory part of path (up to its last '/'), into out. */
static void
dir_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	snprintf(out, size, "%.*s", slash ? (int)(slash - path) : 0, path);
}

int
diskimg_info_parse(const char *text, size_t n, const char *path,
    struct diskimg_info *info, struct px_err *e)
{
	struct json j;
	int t, fs, data, ext, c, i, rc = -1;
	char dir[PATH_MAX], edir[PATH_MAX], fn[PATH_MAX];
	uint64_t v;

	memset(info, 0, sizeof(*info));
	if (json_parse(&j, text, n, e) != 0) {
		px_fail(e, PXE_PARSE, "qemu-img info printed no JSON");
		return -1;
	}
	if (json_type(&j, 0) != JSON_OBJECT) {
		px_fail(e, PXE_PARSE, "qemu-img info printed no JSON object");
		goto out;
	}
	{
		char f[16];
		long k;

		t = json_get(&j, 0, "format");
		k = json_strcpy(&j, t, f, sizeof(f));
		if (k < 1 || (size_t)k >= sizeof(f)) {
			px_fail(e, PXE_PARSE, "qemu-img info names no format");
			goto out;
		}
		snprintf(info->format, sizeof(info->format), "%s",
		    px_format(f));
	}
	if (json_uint(&j, json_get(&j, 0, "virtual-size"), &v) != 0 ||
	    v == 0) {
		px_fail(e, PXE_PARSE, "qemu-img info names no virtual size");
		goto out;
	}
	info->virtual_size = v;
	if (json_uint(&j, json_get(&j, 0, "actual-size"), &v) == 0)
		info->actual_size = v;
	if (!json_is_null(&j, json_get(&j, 0, "backing-filename")) ||
	    !json_is_null(&j, json_get(&j, 0, "full-backing-filename"))) {
		px_fail(e, PXE_USAGE, "the image has a backing file: px "
		    "imports self-contained images (qemu-img convert makes "
		    "one)");
		goto out;
	}
	fs = json_get(&j, 0, "format-specific");
	data = fs >= 0 ? json_get(&j, fs, "data") : -1;
	if (data >= 0 && !json_is_null(&j, json_get(&j, data, "data-file"))) {
		px_fail(e, PXE_USAGE, "the image keeps its data in an external "
		    "data file: px imports self-contained images");
		goto out;
	}
	if (strcmp(info->format, "vmdk") == 0 && data >= 0) {
		if ((t = json_get(&j, data, "create-type")) >= 0)
			json_strcpy(&j, t, info->create_type,
			    sizeof(info->create_type));
		dir_of(path, dir, sizeof(dir));
		ext = json_get(&j, data, "extents");
		if (json_type(&j, ext) == JSON_ARRAY) {
			JSON_FOREACH(&j, ext, c, i) {
				long k = json_strcpy(&j, json_get(&j, c,
				    "filename"), fn, sizeof(fn));

				if (k < 1 || (size_t)k >= sizeof(fn)) {
					px_fail(e, PXE_PARSE, "a VMDK extent "
					    "without a file name");
					goto out;
				}
				if (strcmp(fn, path) == 0)
					continue;
				dir_of(fn, edir, sizeof(edir));
				if (strcmp(dir, edir) != 0 || strstr(fn, "/../")) {
					px_fail(e, PXE_USAGE, "the VMDK reads an "
					    "extent outside its directory: "
					    "refused");
					goto out;
				}
				info->other_files = 1;
			}
		}
	}
	rc = 0;
out:
	json_free(&j);
	return rc;
}

/* The first line of what qemu-img said on stderr, sanitized, into e. */
static void
child_error(struct px_err *e, const char *what, const struct buf *err,
    int status)
{
	char line[300];
	size_t k = 0;

	if (err->len > 0) {
		const char *p = err->p;

		/* "qemu-img: " is noise in px's message */
		if (strncmp(p, "qemu-img: ", 10) == 0)
			p += 10;
		k = strcspn(p, "\n");
		if (k >= sizeof(line))
			k = sizeof(line) - 1;
		memcpy(line, p, k);
		line[k] = '\0';
		text_sanitize(line);
	}
	if (k > 0)
		px_fail(e, PXE_FAILURE, "%s: %s", what, line);
	else if (WIFSIGNALED(status))
		px_fail(e, PXE_FAILURE, "%s: qemu-img was killed by signal %d",
		    what, WTERMSIG(status));
	else
		px_fail(e, PXE_FAILURE, "%s: qemu-img exited with status %d",
		    what, WEXITSTATUS(status));
}

/*
 * Run argv (argv[0] looked up in PATH) with its stdout into out (at most
 * out_cap bytes; NULL: to fd out_fd) and its stderr into err (the first
 * ERR_CAP bytes).  0 with *status, or -1 with e when it could not run.
 */
static int
run(char *const argv[], struct buf *out, size_t out_cap, int out_fd,
    struct buf *err, int *status, volatile pid_t *child, struct px_err *e)
{
	int po[2] = { -1, -1 }, pe[2];
	struct pollfd fds[2];
	pid_t pid;
	int open_fds, over = 0;

	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t def;
	int serr;

	if ((out && pipe2(po, O_CLOEXEC) != 0) || pipe2(pe, O_CLOEXEC) != 0)
		return px_fail(e, PXE_FAILURE, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	else if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
		    "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	posix_spawnattr_init(&sa);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	posix_spawnattr_setsigdefault(&sa, &def);
	sigemptyset(&def);
	posix_spawnattr_setsigmask(&sa, &def);
	posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSIGMASK);
	serr = posix_spawnp(&pid, argv[0], &fa, &sa, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	if (serr != 0) {
		if (serr == ENOENT)
			px_fail(e, PXE_FAILURE, "%s is not installed: install "
			    "Debian's qemu-utils", argv[0]);
		else
			px_fail(e, PXE_FAILURE, "%s: %s", argv[0],
			    strerror(serr));
		goto fail;
	}
	if (child)
		*child = pid;
	if (out)
		close(po[1]);
	close(pe[1]);
	fds[0].fd = out ? po[0] : -1;
	fds[0].events = POLLIN;
	fds[1].fd = pe[0];
	fds[1].events = POLLIN;
	open_fds = out ? 2 : 1;
	while (open_fds > 0) {
		char chunk[8192];

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t k;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN |
			    POLLHUP | POLLERR)))
				continue;
			k = read(fds[i].fd, chunk, sizeof(chunk));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				if (out->len + (size_t)k > out_cap)
					over = 1;
				else
					buf_add(out, chunk, (size_t)k);
			} else if (err->len < ERR_CAP) {
				buf_add(err, chunk, (size_t)k);
			}
		}
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (child)
		*child = 0;
	buf_addc(err, '\0');
	err->len--;
	if (over)
		return px_fail(e, PXE_TOO_LARGE, "qemu-img printed more than "
		    "%zu bytes", out_cap);
	return 0;
fail:
	if (out) {
		close(po[0]);
		close(po[1]);
	}
	close(pe[0]);
	close(pe[1]);
	return -1;
}

/* An argument naming a local file to qemu-img: absolute, so that no
 * "proto:" or "json:" prefix of a file name is read as one. */
static int
abs_path(const char *path, char *out, size_t size, struct px_err *e)
{
	char *r = realpath(path, NULL);

	if (r == NULL)
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	if (strlen(r) >= size) {
		free(r);
		return px_fail(e, PXE_USAGE, "%s: the path is too long", path);
	}
	snprintf(out, size, "%s", r);
	free(r);
	return 0;
}

int
diskimg_info(const char *path, const char *format, struct diskimg_info *info,
    struct px_err *e)
{
	char abs[PATH_MAX], fmt[16];
	char *argv[8];
	struct buf out = { 0 }, err = { 0 };
	int n = 0, status = 0, rc = -1;

	if (abs_path(path, abs, sizeof(abs), e) != 0)
		return -1;
	argv[n++] = QEMU_IMG;
	argv[n++] = "info";
	argv[n++] = "--output=json";
	if (format) {
		snprintf(fmt, sizeof(fmt), "%s", diskimg_qemu_format(format));
		argv[n++] = "-f";
		argv[n++] = fmt;
	}
	argv[n++] = abs;
	argv[n] = NULL;
	if (run(argv, &out, INFO_CAP, -1, &err, &status, NULL, e) != 0)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		child_error(e, "qemu-img info", &err, status);
		goto out;
	}
	rc = diskimg_info_parse(out.p ? out.p : "", out.len, abs, info, e);
out:
	buf_free(&out);
	buf_free(&err);
	return rc;
}

int
diskimg_convert(const char *src, const char *format, const char *dst,
    const char *outfmt, int progress, volatile pid_t *child,
    struct px_err *e)
{
	char abs[PATH_MAX], fmt[16], ofmt[16];
	char *argv[12];
	struct buf err = { 0 };
	int n = 0, status = 0, rc = -1;

	if (abs_path(src, abs, sizeof(abs), e) != 0)
		return -1;
	if (dst[0] != '/')
		return px_fail(e, PXE_USAGE, "the converted file's path is not "
		    "absolute");
	snprintf(fmt, sizeof(fmt), "%s", diskimg_qemu_format(format));
	snprintf(ofmt, sizeof(ofmt), "%s", diskimg_qemu_format(outfmt));
	argv[n++] = QEMU_IMG;
	argv[n++] = "convert";
	if (progress)
		argv[n++] = "-p";
	argv[n++] = "-f";
	argv[n++] = fmt;
	argv[n++] = "-O";
	argv[n++] = ofmt;
	argv[n++] = abs;
	argv[n++] = (char *)dst;
	argv[n] = NULL;
	if (run(argv, NULL, 0, progress ? STDERR_FILENO : -1, &err, &status,
	    child, e) != 0)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		child_error(e, "qemu-img convert", &err, status);
		goto out;
	}
	rc = 0;
out:
	buf_free(&err);
	return rc;
}
