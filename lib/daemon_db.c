/* daemon_db.c -- daemon.db (daemon_db.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "daemon_db.h"
#include "fsafe.h"

int
daemon_db_fail(sqlite3 *db, const char *what, struct px_err *e)
{
	return px_fail(e, PXE_IO, "daemon.db: %s: %s", what,
	    db ? sqlite3_errmsg(db) : "cannot open");
}

int
daemon_db_exec(sqlite3 *db, const char *sql, struct px_err *e)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "exec", e);
	return 0;
}

sqlite3 *
daemon_db_open(const char *path, struct px_err *e)
{
	char buf[4096];
	const char *dir;
	sqlite3 *db = NULL;
	int fd;

	if (path == NULL) {
		if ((dir = px_data_dir(e)) == NULL)
			return NULL;
		snprintf(buf, sizeof(buf), "%s/daemon.db", dir);
		path = buf;
	}
	/* 0600 from the start; SQLite gives -wal and -shm the same mode */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0) {
		px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fsafe_fd_check(fd, path, FSAFE_SECRET, "daemon state", e) != 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		daemon_db_fail(db, "open", e);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	for (int tries = 0; ; tries++) {
		if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL,
		    NULL) == SQLITE_OK)
			break;
		if (tries >= 250) {
			daemon_db_fail(db, "journal_mode", e);
			sqlite3_close(db);
			return NULL;
		}
		usleep(20 * 1000);
	}
	sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return db;
}

void
daemon_db_close(sqlite3 *db)
{
	sqlite3_close(db);
}
