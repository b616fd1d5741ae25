/*
 * daemon_db.h -- daemon.db in the data dir: the state px daemon and its
 * commands (px alerts, px approvals, px schedule) share and keep across
 * a restart.  SQLite, WAL, created 0600; each module creates its own
 * tables (CREATE TABLE IF NOT EXISTS) when it opens it.
 */
#ifndef PX_DAEMON_DB_H
#define PX_DAEMON_DB_H

#include <sqlite3.h>

#include "err.h"

/* Open (creating) daemon.db in the data dir, or path when not NULL (for
 * tests).  NULL with e set. */
sqlite3 *daemon_db_open(const char *path, struct px_err *e);
void daemon_db_close(sqlite3 *db);
/* Run sql (no rows); -1 with e naming what failed. */
int daemon_db_exec(sqlite3 *db, const char *sql, struct px_err *e);
/* e from the database's last error, with what as context; -1. */
int daemon_db_fail(sqlite3 *db, const char *what, struct px_err *e);

#endif
