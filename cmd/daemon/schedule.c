/*
 * schedule.c -- the daemon's schedule part: every schedule_interval,
 * reap the runs that ended (their output into daemon.db) and start what
 * is due, as a child of px itself (lib/schedule.h).  A schedule still
 * running when it is due again is skipped (recorded); runs missed while
 * the daemon was down run once.  Each run is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "clock.h"
#include "daemon.h"
#include "daemon_db.h"
#include "freeze.h"
#include "schedule.h"

#define MAX_CHILDREN	32

struct child {
	pid_t pid;
	long long run, audit_id;
	char name[64];
	char out[4096];
};

static struct child children[MAX_CHILDREN];
static int nchildren;

static long long
audit_run(struct daemon *d, const char *name, const char *cmd,
    const char *decision, const char *result, long long ref)
{
	struct audit_entry ent = { 0 };
	struct audit *a;
	struct px_err e;
	char target[96];

	if ((a = audit_open(&e)) == NULL) {
		dlog(d, DL_ERR, "schedule", "audit log: %s", e.msg);
		return 0;
	}
	snprintf(target, sizeof(target), "schedule/%s", name);
	ent.user = px_whoami();
	ent.action = "schedule-run";
	ent.target = target;
	ent.params = cmd;
	ent.decision = decision;
	ent.result = result;
	ent.ref = ref;
	if (audit_append(a, &ent, &e) != 0)
		dlog(d, DL_ERR, "schedule", "audit log: %s", e.msg);
	audit_close(a);
	return ent.id;
}

static void
reap(struct daemon *d, sqlite3 *db)
{
	for (int i = 0; i < nchildren; i++) {
		struct child *c = &children[i];
		struct px_err e;
		char *text, res[32];
		int st, code;
		FILE *f;

		if (waitpid(c->pid, &st, WNOHANG) != c->pid)
			continue;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		text = px_xcalloc(1, SCHED_OUTPUT_CAP + 1);
		if ((f = fopen(c->out, "r")) != NULL) {
			if (fread(text, 1, SCHED_OUTPUT_CAP, f) == 0)
				text[0] = '\0';
			fclose(f);
		}
		unlink(c->out);
		if (schedule_run_end(db, c->run, code, text, px_now(), 20,
		    &e) != 0)
			dlog(d, DL_ERR, "schedule", "%s", e.msg);
		free(text);
		snprintf(res, sizeof(res), code < 0 ? "killed" : "exit %d",
		    code);
		audit_run(d, c->name, NULL, "result", code == 0 ? "OK" : res,
		    c->audit_id);
		dlog(d, code == 0 ? DL_INFO : DL_WARNING, "schedule", "%s: "
		    "run %lld ended: %s", c->name, c->run, res);
		children[i--] = children[--nchildren];
	}
}

static void
start(struct daemon *d, sqlite3 *db, const struct schedule *s, long long now)
{
	const char *dir;
	const char *trigger = schedule_missed(s, now) ? "catch-up" : "timer";
	struct buf cmd = { 0 };
	struct child *c;
	struct px_err e;

	buf_adds(&cmd, "px");
	for (int k = 0; k < s->argc; k++)
		buf_printf(&cmd, " %s", s->argv[k]);
	for (int i = 0; i < nchildren; i++)
		if (strcmp(children[i].name, s->name) == 0) {
			if (schedule_run_begin(db, s, trigger, 0, now, &e) < 0)
				dlog(d, DL_ERR, "schedule", "%s", e.msg);
			dlog(d, DL_WARNING, "schedule", "%s: due, but the last "
			    "run still runs: skipped", s->name);
			buf_free(&cmd);
			return;
		}
	if (nchildren == MAX_CHILDREN || (dir = px_data_dir(&e)) == NULL) {
		dlog(d, DL_ERR, "schedule", "%s: not started: %s", s->name,
		    nchildren == MAX_CHILDREN ? "too many runs at once" :
		    e.msg);
		buf_free(&cmd);
		return;
	}
	c = &children[nchildren];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", s->name);
	snprintf(c->out, sizeof(c->out), "%s/schedule-%s.out", dir, s->name);
	unlink(c->out);
	c->audit_id = audit_run(d, s->name, cmd.p, "allowed", "pending", 0);
	if ((c->pid = schedule_spawn("/proc/self/exe", s, c->out, &e)) < 0) {
		dlog(d, DL_ERR, "schedule", "%s", e.msg);
		audit_run(d, s->name, NULL, "result", e.msg, c->audit_id);
		buf_free(&cmd);
		return;
	}
	if ((c->run = schedule_run_begin(db, s, trigger, (int)c->pid, now,
	    &e)) < 0)
		dlog(d, DL_ERR, "schedule", "%s", e.msg);
	nchildren++;
	dlog(d, DL_INFO, "schedule", "%s: run %lld started (%s): %s",
	    s->name, c->run, trigger, cmd.p);
	buf_free(&cmd);
}

static void
schedule_step(struct daemon *d, struct part *p)
{
	struct schedule *s;
	struct px_err e;
	sqlite3 *db;
	long long now = px_now();
	int n;

	(void)p;
	if ((db = daemon_db_open(NULL, &e)) == NULL ||
	    schedule_init(db, &e) != 0) {
		dlog(d, DL_ERR, "schedule", "%s", e.msg);
		daemon_db_close(db);
		return;
	}
	reap(d, db);
	if (schedule_list(db, &s, &n, &e) != 0) {
		dlog(d, DL_ERR, "schedule", "%s", e.msg);
		daemon_db_close(db);
		return;
	}
	for (int i = 0; i < n && !d->stopping; i++) {
		int ours = 0;

		if (s[i].paused || s[i].next_run > now)
			continue;
		for (int k = 0; k < nchildren; k++)
			ours |= strcmp(children[k].name, s[i].name) == 0;
		/* a run px schedule run started by hand counts too */
		if (!ours && schedule_running(db, s[i].name, now)) {
			if (schedule_run_begin(db, &s[i], "timer", 0, now,
			    &e) < 0)
				dlog(d, DL_ERR, "schedule", "%s", e.msg);
			dlog(d, DL_WARNING, "schedule", "%s: due, but a run "
			    "still runs: skipped", s[i].name);
			continue;
		}
		start(d, db, &s[i], now);
	}
	schedule_list_free(s, n);
	daemon_db_close(db);
}

struct part part_schedule = {
	.name = "schedule",
	.interval_section = "daemon",
	.interval_key = "schedule_interval",
	.interval_default = 10,
	.step = schedule_step,
};
