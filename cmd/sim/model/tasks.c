/*
 * tasks.c -- the PVE task life cycle: UPIDs in the real format, running
 * for --task-seconds while the guest holds its lock, a log that grows, the
 * end with "OK" or an error text.  Finished tasks are kept in sim.db so
 * the history survives restarts.  The endpoints are api/tasks.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../core.h"

#define MAX_TASKS	3000	/* kept in memory; older ones are dropped */

static unsigned next_pid;

static void
task_free(struct sim_task *t)
{
	size_t i;

	for (i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t->exitstatus);
	free(t->error);
	free(t->lockname);
	if (t->arg) {
		if (t->arg_free)
			t->arg_free(t->arg);
		else
			free(t->arg);
	}
	free(t);
}

/* Free every task in memory. */
void
tasks_free(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->ntasks; i++)
		task_free(s->tasks[i]);
	free(s->tasks);
	s->tasks = NULL;
	s->ntasks = 0;
}

static void
task_append(struct sim *s, struct sim_task *t)
{
	if (s->ntasks >= MAX_TASKS) {
		size_t i;

		/* drop the oldest finished task */
		for (i = 0; i < s->ntasks; i++) {
			if (!s->tasks[i]->running) {
				task_free(s->tasks[i]);
				memmove(s->tasks + i, s->tasks + i + 1,
				    (s->ntasks - i - 1) * sizeof(*s->tasks));
				s->ntasks--;
				break;
			}
		}
	}
	s->tasks = px_xrealloc(s->tasks, (s->ntasks + 1) * sizeof(*s->tasks));
	s->tasks[s->ntasks++] = t;
}

/* Append a log line. */
void
sim_task_log(struct sim_task *t, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	if (t->nlines >= 100000)
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (t->nlines == t->caplines) {
		t->caplines = t->caplines ? t->caplines * 2 : 16;
		t->lines = px_xrealloc(t->lines, t->caplines *
		    sizeof(*t->lines));
	}
	t->lines[t->nlines++] = buf_steal(&b);
}

/* Make t end with an error. */
void
sim_task_fail(struct sim_task *t, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(t->error);
	t->error = buf_steal(&b);
}

/* Start a task; see sim.h. */
/* t's UPID, as PVE writes it, from its fields. */
static void
task_upid(struct sim_task *t)
{
	snprintf(t->upid, sizeof(t->upid),
	    "UPID:%.40s:%08X:%08X:%08X:%.31s:%.60s:%.80s:", t->node, t->pid,
	    t->pstart, (unsigned)t->starttime, t->type, t->id, t->user);
}

struct sim_task *
sim_task_start(struct sim *s, const char *node, const char *type,
    const char *id, const char *user, double seconds, sim_task_fn on_finish,
    const char *error)
{
	struct sim_task *t = px_xcalloc(1, sizeof(*t));
	struct sim_node *n = sim_node_find(s, node);
	time_t now = sim_now(s);

	if (next_pid == 0)
		next_pid = 0x1000 + (unsigned)(sim_hash(s, (uint64_t)now, 1) %
		    0x30000);
	snprintf(t->node, sizeof(t->node), "%s", node);
	snprintf(t->type, sizeof(t->type), "%s", type);
	snprintf(t->id, sizeof(t->id), "%s", id ? id : "");
	snprintf(t->user, sizeof(t->user), "%s", user ? user : "root@pam");
	t->pid = next_pid++;
	t->pstart = (unsigned)((now - (n ? n->boot : now - 1000)) * 100) +
	    (t->pid % 97);
	t->starttime = now;
	t->start_real = sim_nowf(s);
	t->duration = seconds < 0 ? s->opt.task_seconds : seconds;
	t->running = 1;
	t->on_finish = on_finish;
	t->error = error ? px_xstrdup(error) : NULL;
	if (id && *id) {
		char *end;
		long v = strtol(id, &end, 10);

		if (*end == '\0' && v >= 100)
			t->vmid = (int)v;
	}
	task_upid(t);
	task_append(s, t);
	return t;
}

/* Lock vmid for the duration of t. */
void
sim_task_lock(struct sim *s, struct sim_task *t, int vmid,
    const char *lockname)
{
	struct sim_guest *g = sim_guest_find(s, vmid);

	t->vmid = vmid;
	sim_str_set(&t->lockname, lockname);
	if (g) {
		sim_str_set(&g->lock, lockname);
		sim_guest_save(s, g);
	}
}

static void
task_end(struct sim *s, struct sim_task *t, const char *status)
{
	if (!t->running)
		return;
	t->running = 0;
	t->endtime = sim_now(s);
	sim_str_set(&t->exitstatus, status);
	if (t->lockname && t->vmid) {
		struct sim_guest *g = sim_guest_find(s, t->vmid);

		if (g && g->lock && strcmp(g->lock, t->lockname) == 0) {
			sim_str_set(&g->lock, NULL);
			sim_guest_save(s, g);
		}
	}
	tasks_save(s, t);
}

/* Stop a running task now. */
void
sim_task_stop(struct sim *s, struct sim_task *t)
{
	if (!t->running)
		return;
	sim_task_log(t, "received interrupt");
	task_end(s, t, "interrupted by signal");
}

/* Advance every running task. */
void
sim_tasks_advance(struct sim *s)
{
	double now = sim_nowf(s);
	size_t i;

	for (i = 0; i < s->ntasks; i++) {
		struct sim_task *t = s->tasks[i];

		if (!t->running)
			continue;
		t->progress = t->duration <= 0 ? 1.0 :
		    (now - t->start_real) / t->duration;
		if (t->progress > 1)
			t->progress = 1;
		if (t->on_tick && t->error == NULL)
			t->on_tick(s, t);
		if (t->progress < 1 && t->error == NULL)
			continue;
		if (t->error == NULL && t->on_finish)
			t->on_finish(s, t);
		if (t->error) {
			task_end(s, t, t->error);
		} else {
			task_end(s, t, "OK");
		}
	}
}

/* The task with upid, or NULL. */
struct sim_task *
sim_task_find(struct sim *s, const char *upid)
{
	size_t i;

	for (i = s->ntasks; i-- > 0;)
		if (strcmp(s->tasks[i]->upid, upid) == 0)
			return s->tasks[i];
	return NULL;
}

/* A running task holding a lock on vmid, or NULL. */
struct sim_task *
sim_task_for_vmid(struct sim *s, int vmid)
{
	size_t i;

	for (i = s->ntasks; i-- > 0;)
		if (s->tasks[i]->running && s->tasks[i]->vmid == vmid &&
		    s->tasks[i]->lockname)
			return s->tasks[i];
	return NULL;
}

/*
 * --history DAYS: the finished tasks of a cluster that has been running
 * for a while, so that a fresh simulator (the demo) does not show an
 * empty task list: every night at 01:00 each node backs up its guests
 * (vzdump, about ten minutes), and last night's backup on the last node
 * ended with "job errors" for one guest.  Only into an empty task list.
 */
void
sim_tasks_history(struct sim *s, int days)
{
	time_t now = sim_now(s), night = now - now % 86400 + 3600;

	if (s->ntasks > 0 || days <= 0)
		return;
	if (night > now)
		night -= 86400;		/* the latest 01:00 already past */
	for (int d = days - 1; d >= 0; d--) {
		for (size_t i = 0; i < s->nnodes; i++) {
			const char *node = s->nodes[i].name;
			int fail = d == 0 && i == s->nnodes - 1, nb = 0, bad = 0;
			struct sim_task *t;

			t = sim_task_start(s, node, "vzdump", "", "root@pam",
			    0, NULL, NULL);
			t->starttime = night - (time_t)d * 86400 +
			    (time_t)i * 120;
			task_upid(t);
			sim_task_log(t, "INFO: starting new backup job: vzdump "
			    "--all 1 --mode snapshot --node %s --storage nas "
			    "--quiet 1", node);
			for (size_t k = 0; k < s->nguests; k++) {
				const struct sim_guest *g = s->guests[k];

				if ((size_t)g->node != i || g->template_)
					continue;
				nb++;
				if (fail && bad == 0) {
					bad = g->vmid;
					sim_task_log(t, "ERROR: Backup of VM %d "
					    "failed - job failed with err -5 - "
					    "Input/output error", g->vmid);
				} else
					sim_task_log(t, "INFO: Finished Backup "
					    "of VM %d (00:00:%02d)", g->vmid,
					    10 + (int)(k % 40));
			}
			sim_task_log(t, "INFO: Backup job finished %s",
			    bad ? "with errors" : "successfully");
			t->running = 0;
			t->endtime = t->starttime + 60 + nb * 20;
			sim_str_set(&t->exitstatus, bad ? "job errors" : "OK");
			tasks_save(s, t);
		}
	}
}

/* Persist a finished task (log as one text, lines separated by \n). */
void
tasks_save(struct sim *s, const struct sim_task *t)
{
	sqlite3_stmt *st = NULL;
	struct buf log = {0};
	size_t i;

	for (i = 0; i < t->nlines; i++) {
		buf_adds(&log, t->lines[i]);
		buf_addc(&log, '\n');
	}
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO tasks VALUES("
	    "?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
		buf_free(&log);
		return;
	}
	sqlite3_bind_text(st, 1, t->upid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->node, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, t->pid);
	sqlite3_bind_int64(st, 7, t->pstart);
	sqlite3_bind_int64(st, 8, (long long)t->starttime);
	sqlite3_bind_int64(st, 9, (long long)t->endtime);
	sqlite3_bind_text(st, 10, t->exitstatus ? t->exitstatus :
	    "unexpected status", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, t->vmid);
	sqlite3_bind_text(st, 12, log.p ? log.p : "", -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	buf_free(&log);
}

/* Load the last MAX_TASKS finished tasks. */
void
tasks_load(struct sim *s)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT upid, node, type, id, user, pid,"
	    " pstart, starttime, endtime, exitstatus, vmid, log FROM (SELECT"
	    " rowid AS r, * FROM tasks ORDER BY rowid DESC LIMIT 3000)"
	    " ORDER BY r", -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct sim_task *t = px_xcalloc(1, sizeof(*t));
		const char *log = (const char *)sqlite3_column_text(st, 11);

#define COPY(field, col) snprintf(field, sizeof(field), "%s", \
	sqlite3_column_text(st, col) ? (const char *)sqlite3_column_text(st, \
	col) : "")
		COPY(t->upid, 0);
		COPY(t->node, 1);
		COPY(t->type, 2);
		COPY(t->id, 3);
		COPY(t->user, 4);
#undef COPY
		t->pid = (unsigned)sqlite3_column_int64(st, 5);
		t->pstart = (unsigned)sqlite3_column_int64(st, 6);
		t->starttime = (time_t)sqlite3_column_int64(st, 7);
		t->endtime = (time_t)sqlite3_column_int64(st, 8);
		t->exitstatus = px_xstrdup(sqlite3_column_text(st, 9) ?
		    (const char *)sqlite3_column_text(st, 9) : "OK");
		t->vmid = sqlite3_column_int(st, 10);
		while (log && *log) {
			const char *nl = strchr(log, '\n');
			size_t n = nl ? (size_t)(nl - log) : strlen(log);

			sim_task_log(t, "%.*s", (int)n, log);
			log += n + (nl != NULL);
		}
		if (t->pid >= next_pid)
			next_pid = t->pid + 1;
		task_append(s, t);
	}
	sqlite3_finalize(st);
}
