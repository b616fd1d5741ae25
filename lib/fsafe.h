/*
 * fsafe.h -- opening the files px trusts: its secrets (token and
 * password files, keys) and its state in the data dir (pins, TOFU
 * records, freezes), the way ssh opens a private key.
 *
 * A file px trusts must be a regular file, not a symbolic link (opened
 * with O_NOFOLLOW), owned by the user px runs as, and writable by no one
 * else; a secret must also be readable by no one else.  The data dir
 * must be the user's own and writable by no one else.  A refusal names
 * the file and says how to fix it: PXE_SECRET_PERMS ("unsafe-secret")
 * for a secret others can read, PXE_UNSAFE_FILE ("unsafe-file") for the
 * rest; both exit 3.
 */
#ifndef PX_FSAFE_H
#define PX_FSAFE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

enum fsafe_kind {
	FSAFE_STATE,	/* state: no one else may write it */
	FSAFE_SECRET,	/* a secret: no one else may read or write it */
};

/*
 * Check dir, the data dir: a directory owned by the running user that
 * group and others cannot write.  0, or -1 with e.
 */
int fsafe_dir_check(const char *dir, struct px_err *e);

/*
 * Check the file open on fd, named path, for what it is (what: "secret
 * file", "TLS pin cache" ...) as above.  0, or -1 with e.
 */
int fsafe_fd_check(int fd, const char *path, enum fsafe_kind kind,
    const char *what, struct px_err *e);

/*
 * Open path read-only (O_NOFOLLOW, O_CLOEXEC) and check it.  Returns
 * the descriptor (the caller closes it); -1 with e; -2 with e when path
 * does not exist, for the callers to whom a missing file is no error.
 */
int fsafe_open(const char *path, enum fsafe_kind kind, const char *what,
    struct px_err *e);

/*
 * Read all of path, opened with fsafe_open, into b (appended; at most
 * cap bytes, else PXE_TOO_LARGE).  0; 1 when path does not exist (b
 * untouched); -1 with e.
 */
int fsafe_read(const char *path, enum fsafe_kind kind, const char *what,
    size_t cap, struct buf *b, struct px_err *e);

/*
 * Check path without opening it (lstat): as fsafe_fd_check, and not a
 * symbolic link.  0; 1 when it does not exist; -1 with e.
 */
int fsafe_path_check(const char *path, enum fsafe_kind kind,
    const char *what, struct px_err *e);

/*
 * A random key of len bytes (at most 64) kept raw in path: read, or
 * created 0600 on first use (getrandom, a temporary file linked into
 * place, so two px creating it at once read the same key).  0, or -1
 * with e; key is wiped on failure.
 */
int fsafe_key(const char *path, const char *what, unsigned char *key,
    size_t len, struct px_err *e);

#endif
