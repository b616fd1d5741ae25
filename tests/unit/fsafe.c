/* fsafe.c -- opening the files px trusts: links, owners, modes, the data
 * dir, keys. */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fsafe.h"
#include "tap.h"

static char dir[] = "/tmp/px-fsafe-XXXXXX";

static char *
path_of(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void
put(const char *name, const char *text, mode_t mode)
{
	FILE *f = fopen(path_of(name), "w");

	fputs(text, f);
	fclose(f);
	chmod(path_of(name), mode);
}

static void
test_state_file(void)
{
	struct px_err e = { 0 };
	struct buf b = { 0 };
	int rc;

	put("state", "hello\n", 0644);
	rc = fsafe_read(path_of("state"), FSAFE_STATE, "state file", 100, &b,
	    &e);
	ok(rc == 0 && strcmp(buf_str(&b), "hello\n") == 0,
	    "a 0644 state file of ours is read");
	buf_reset(&b);

	chmod(path_of("state"), 0664);
	rc = fsafe_read(path_of("state"), FSAFE_STATE, "state file", 100, &b,
	    &e);
	is_int(rc, -1, "a group-writable state file is refused");
	is_int(e.id, PXE_UNSAFE_FILE, "as unsafe-file");
	ok(strstr(e.msg, "writable by its group (mode 0664)") != NULL,
	    "saying who can write it: %s", e.msg);
	ok(strstr(e.hint, "chmod 600 ") != NULL, "the hint: %s", e.hint);
	is_int((int)b.len, 0, "nothing was read");

	chmod(path_of("state"), 0646);
	rc = fsafe_read(path_of("state"), FSAFE_STATE, "state file", 100, &b,
	    &e);
	ok(rc == -1 && strstr(e.msg, "writable by others") != NULL,
	    "an other-writable one too: %s", e.msg);
	chmod(path_of("state"), 0600);

	rc = fsafe_read(path_of("state"), FSAFE_STATE, "state file", 3, &b,
	    &e);
	ok(rc == -1 && e.id == PXE_TOO_LARGE, "over the cap: too-large");
	buf_reset(&b);

	rc = fsafe_read(path_of("none"), FSAFE_STATE, "state file", 100, &b,
	    &e);
	is_int(rc, 1, "a missing file is 1");
	is_int(e.id, PXE_OK, "and no error");
	is_int(fsafe_open(path_of("none"), FSAFE_STATE, "state file", &e), -2,
	    "fsafe_open: -2 for a missing file");
	buf_free(&b);
}

static void
test_symlink(void)
{
	struct px_err e = { 0 };
	struct buf b = { 0 };

	put("target", "x\n", 0600);
	symlink(path_of("target"), path_of("link"));
	is_int(fsafe_read(path_of("link"), FSAFE_STATE, "TLS pin cache", 100,
	    &b, &e), -1, "a symbolic link is refused");
	is_int(e.id, PXE_UNSAFE_FILE, "as unsafe-file");
	ok(strstr(e.msg, "TLS pin cache") && strstr(e.msg, "link is a "
	    "symbolic link; refusing to follow it"), "naming it: %s", e.msg);
	is_int(fsafe_path_check(path_of("link"), FSAFE_SECRET, "key", &e), -1,
	    "fsafe_path_check refuses it too");
	is_int(fsafe_path_check(path_of("none"), FSAFE_SECRET, "key", &e), 1,
	    "fsafe_path_check: 1 for a missing file");
	mkfifo(path_of("fifo"), 0600);
	is_int(fsafe_open(path_of("fifo"), FSAFE_STATE, "state", &e), -1,
	    "a FIFO is refused without blocking");
	ok(strstr(e.msg, "not a regular file") != NULL, "%s", e.msg);
	buf_free(&b);
}

static void
test_secret(void)
{
	struct px_err e = { 0 };
	int fd;

	put("secret", "s3cret\n", 0640);
	is_int(fsafe_open(path_of("secret"), FSAFE_SECRET, "secret file", &e),
	    -1, "a group-readable secret is refused");
	is_int(e.id, PXE_SECRET_PERMS, "as unsafe-secret");
	ok(strstr(e.hint, "chmod 600") != NULL, "hint: %s", e.hint);
	chmod(path_of("secret"), 0600);
	fd = fsafe_open(path_of("secret"), FSAFE_SECRET, "secret file", &e);
	ok(fd >= 0, "a 0600 secret opens");
	if (fd >= 0)
		close(fd);
}

static void
test_owner(void)
{
	struct px_err e = { 0 };
	struct passwd *pw;

	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		ok(1, "# SKIP a file of another user: not root");
		return;
	}
	put("theirs", "x\n", 0600);
	chown(path_of("theirs"), pw->pw_uid, (gid_t)-1);
	is_int(fsafe_open(path_of("theirs"), FSAFE_STATE, "state file", &e),
	    -1, "a file of another user is refused, even to root");
	ok(strstr(e.msg, "owned by nobody, not by root") != NULL, "%s",
	    e.msg);
	ok(strstr(e.hint, "chown root") != NULL, "hint: %s", e.hint);
	mkdir(path_of("theirdir"), 0700);
	chown(path_of("theirdir"), pw->pw_uid, (gid_t)-1);
	is_int(fsafe_dir_check(path_of("theirdir"), &e), -1,
	    "a data dir of another user is refused");
}

static void
test_dir(void)
{
	struct px_err e = { 0 };

	mkdir(path_of("d"), 0700);
	is_int(fsafe_dir_check(path_of("d"), &e), 0, "a 0700 dir is fine");
	chmod(path_of("d"), 0770);
	is_int(fsafe_dir_check(path_of("d"), &e), -1,
	    "a group-writable dir is refused");
	ok(strstr(e.msg, "data directory") && strstr(e.hint, "chmod 700"),
	    "%s; %s", e.msg, e.hint);
	chmod(path_of("d"), 0755);
	is_int(fsafe_dir_check(path_of("d"), &e), 0,
	    "one others can only read passes (px_data_dir closes it)");
	is_int(fsafe_dir_check(path_of("secret"), &e), -1,
	    "a file is no data dir");
}

static void
test_key(void)
{
	struct px_err e = { 0 };
	unsigned char k1[32], k2[32];
	struct stat st;

	ok(fsafe_key(path_of("k"), "key", k1, sizeof(k1), &e) == 0,
	    "a key is created on first use");
	ok(stat(path_of("k"), &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    st.st_size == 32, "0600, 32 bytes");
	ok(fsafe_key(path_of("k"), "key", k2, sizeof(k2), &e) == 0 &&
	    memcmp(k1, k2, 32) == 0, "and read back the same");
	chmod(path_of("k"), 0644);
	is_int(fsafe_key(path_of("k"), "key", k2, sizeof(k2), &e), -1,
	    "a key others can read is refused");
	is_int(e.id, PXE_SECRET_PERMS, "as unsafe-secret");
	chmod(path_of("k"), 0600);
	symlink(path_of("k"), path_of("klink"));
	is_int(fsafe_key(path_of("klink"), "key", k2, sizeof(k2), &e), -1,
	    "a linked key is refused");
	put("short", "abc", 0600);
	is_int(fsafe_key(path_of("short"), "key", k2, sizeof(k2), &e), -1,
	    "a short key is refused");
	ok(strstr(e.msg, "not 32 bytes") != NULL, "%s", e.msg);
}

int
main(void)
{
	umask(022);
	if (mkdtemp(dir) == NULL)
		return 1;
	test_state_file();
	test_symlink();
	test_secret();
	test_owner();
	test_dir();
	test_key();
	if (tap_rmtree(dir) != 0)
		return 1;
	return done_testing();
}
