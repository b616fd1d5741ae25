/*
 * schedule.h -- px schedules: a name, an interval or a calendar
 * expression (oncalendar.h) and a px command line,
 * run by px daemon as a child process of px itself (never another
 * program), with the output of the last runs kept.  In daemon.db.
 *
 * Due at next_run; a run starts only when none of the same schedule is
 * running (an overlap is recorded as skipped); after a downtime the
 * missed runs are run once, and the next run is counted from then (the
 * interval from then, or the calendar's next elapse after then).
 */
#ifndef PX_SCHEDULE_H
#define PX_SCHEDULE_H

#include <sqlite3.h>
#include <sys/types.h>

#include "err.h"
#include "oncalendar.h"

#define SCHED_MAX_ARGS	64
#define SCHED_OUTPUT_CAP	(64 * 1024)
/* next_run of a calendar that never elapses again */
#define SCHED_NEVER	253402300799LL	/* 9999-12-31 23:59:59 UTC */

struct schedule {
	char name[64];
	long long every;	/* seconds; 0 for a calendar schedule */
	char at[ONCAL_MAX + 1];	/* the calendar expression, or "" */
	char **argv;		/* "COMMAND", ARGS..., NULL (no "px") */
	int argc;
	int paused;
	long long next_run, last_run, created;
};

struct schedule_run {
	long long id;
	char name[64];
	long long started, ended;	/* ended 0 while running */
	int pid;
	int status;		/* exit status, -1 signal, -2 skipped */
	char trigger[16];	/* timer, catch-up, manual */
	char *output;		/* malloc'd, capped */
};

int schedule_init(sqlite3 *db, struct px_err *e);
/* Check a name: 1..63 of [A-Za-z0-9_.-]. */
int schedule_name_ok(const char *name);
/* Add a schedule (argv without "px"; argv[0] a px command name, checked
 * by the caller) run every seconds or, with every 0, at the calendar
 * expression at (PXE_USAGE naming the bad part when it does not parse);
 * PXE_USAGE when the name is taken.  First run at now + every, or the
 * calendar's first elapse after now. */
int schedule_add(sqlite3 *db, const char *name, long long every,
    const char *at, char *const *argv, int argc, long long now,
    struct px_err *e);
/* The run of s after the epoch second t: t + every, or the calendar's
 * next elapse (SCHED_NEVER when there is none). */
long long schedule_next(const struct schedule *s, long long t);
/* Is s's run due at now one of several missed (a downtime): the slot
 * after next_run has passed too? */
int schedule_missed(const struct schedule *s, long long now);
/* Remove, pause (paused 1) or resume (0; next run at now + every when
 * it is overdue); PXE_NOT_FOUND when no such schedule. */
int schedule_remove(sqlite3 *db, const char *name, struct px_err *e);
int schedule_pause(sqlite3 *db, const char *name, int paused, long long now,
    struct px_err *e);
/* All schedules (*out malloc'd; free with schedule_list_free). */
int schedule_list(sqlite3 *db, struct schedule **out, int *n,
    struct px_err *e);
void schedule_list_free(struct schedule *s, int n);
/* One schedule; PXE_NOT_FOUND. */
int schedule_get(sqlite3 *db, const char *name, struct schedule *s,
    struct px_err *e);

/* The run of name still going (ended 0 and its process alive), its id,
 * or 0.  A run whose process is gone is closed as lost. */
long long schedule_running(sqlite3 *db, const char *name, long long now);
/* Record a run that starts (pid), or a skipped one (pid 0, status -2),
 * and move next_run to schedule_next(s, now).  Its id, or -1 with e. */
long long schedule_run_begin(sqlite3 *db, const struct schedule *s,
    const char *trigger, int pid, long long now, struct px_err *e);
/* Record the end of run id: status and output; keep only the last keep
 * runs of the schedule. */
int schedule_run_end(sqlite3 *db, long long id, int status,
    const char *output, long long now, int keep, struct px_err *e);
/* The last runs of name, newest first (at most max).  Free with
 * schedule_runs_free. */
int schedule_runs(sqlite3 *db, const char *name, int max,
    struct schedule_run **out, int *n, struct px_err *e);
void schedule_runs_free(struct schedule_run *r, int n);

/*
 * Start px (exe, the running binary) with argv ("px", s->argv...) as a
 * child, stdin /dev/null, stdout and stderr into the file out (created
 * 0600).  The pid, or -1 with e.
 */
pid_t schedule_spawn(const char *exe, const struct schedule *s,
    const char *out, struct px_err *e);

#endif
