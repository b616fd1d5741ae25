/*
 * task -- one PVE task by its UPID: its status, its log (--follow reads
 * it while it runs), or wait for its end (exit 0 on OK, 1 on failure
 * with the task's error text, 7 on timeout), or stop it -- a change,
 * so through the gate (read-only, freeze, confirmation, approval, audit).
 *
 * The following itself is in lib/pve_task.c (pve_task_follow,
 * pve_task_wait), shared with the commands that start tasks.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mutcli.h"
#include "pve_cond.h"
#include "pve_task.h"

enum { O_FOLLOW = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE,
	{ O_FOLLOW, "follow", NULL, "log: follow it until the task ends" },
	{ PX_O_TIMEOUT, "timeout", "seconds", "wait: stop waiting after this "
	    "long" },
	PX_OPT_END
};

/* --approve-async, for task stop */
static int approve_async;

PX_COMMAND(task, "show a task's status or log, wait for its end, stop it",
    opts, "status | log | wait | stop", "upid");

static const struct out_col status_cols[] = {
	{ "upid", OT_STR, 0 }, { "node", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "id", OT_STR, 0 }, { "user", OT_STR, 0 },
	{ "starttime", OT_TIME, 0 }, { "status", OT_STR, 0 },
	{ "exitstatus", OT_STR, 0 }, { "ok", OT_BOOL, 0 },
};
static const struct out_col log_cols[] = {
	{ "n", OT_INT, OC_EXTRA }, { "text", OT_STR, 0 },
};

/* What the log printer needs between calls. */
struct logp {
	struct px_cli *x;
	struct out_opts oo;
	int failed;
	struct px_err err;
};

static void
status_row(struct out *o, const char *upid, const struct pve_task *t)
{
	out_row(o);
	out_str(o, 0, t->upid[0] ? t->upid : upid);
	out_str(o, 1, t->node);
	out_str(o, 2, t->type);
	out_str(o, 3, t->id[0] ? t->id : NULL);
	out_str(o, 4, t->user);
	if (t->starttime)
		out_int(o, 5, t->starttime);
	out_str(o, 6, t->running ? "running" : "stopped");
	out_str(o, 7, t->running ? NULL : t->exitstatus);
	out_bool(o, 8, t->ok);
}

static int
print_status(struct px_cli *x, const char *upid, const struct pve_task *t)
{
	struct out *o = out_new(&x->out, status_cols,
	    sizeof(status_cols) / sizeof(status_cols[0]));
	struct px_err e;
	int rc = 0;

	out_record(o);
	status_row(o, upid, t);
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

/* One line of a followed log: printed at once, through lib/out. */
static void
log_line(void *arg, const struct pve_log_line *l)
{
	struct logp *lp = arg;
	struct out *o;

	if (lp->failed)
		return;
	o = out_new(&lp->oo, log_cols, 2);
	out_row(o);
	out_int(o, 0, l->n);
	out_str(o, 1, l->t);
	if (cli_print(lp->x, o, &lp->err) != 0)
		lp->failed = 1;
	out_free(o);
}

static int
task_log(struct px_cli *x, const char *upid, int follow)
{
	struct logp lp = { .x = x, .oo = x->out };
	struct pve_log_line *v;
	struct px_err e, cut;
	struct out *o;
	int n, rc = 0;

	/* A log is text: the table shows the lines without a header. */
	if (lp.oo.fmt == OUT_TABLE)
		lp.oo.no_header = 1;
	if (follow) {
		if (lp.oo.fmt == OUT_JSON)	/* a stream: one object a line */
			lp.oo.fmt = OUT_JSONL;
		rc = pve_task_follow(x->client, upid, 0, 1, NULL, log_line, &lp,
		    NULL, &e);
		if (lp.failed)
			return px_report(&lp.err);
		return rc != 0 ? px_report(&e) : 0;
	}
	if (pve_task_log_read(x->client, upid, 0, 0, &v, &n, &cut, &e) != 0)
		return px_report(&e);
	o = out_new(&lp.oo, log_cols, 2);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_int(o, 0, v[i].n);
		out_str(o, 1, v[i].t);
	}
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	pve_log_free(v, n);
	/* The lines read are shown; that the log was cut is an error. */
	if (rc == 0 && cut.id != PXE_OK)
		rc = px_report(&cut);
	return rc;
}

/* The progress line, on a terminal only. */
static void
progress(void *arg, const struct pve_task *t, double waited)
{
	char d[32];

	(void)arg;
	out_fmt_duration(d, sizeof(d), (long long)waited);
	fprintf(stderr, "\r\033[K%s: %s%s%s on %s: %s, %s", px_progname,
	    t->type, t->id[0] ? " " : "", t->id, t->node,
	    t->running ? "running" : "done", d);
	if (!t->running)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static int
task_wait(struct px_cli *x, const char *upid, double timeout)
{
	struct pve_task t;
	struct px_err e;
	int rc, prc;

	memset(&t, 0, sizeof(t));
	rc = pve_task_wait(x->client, upid, timeout, isatty(2) ? progress :
	    NULL, NULL, &t, &e);
	if (rc != 0 && isatty(2))
		fputs("\r\033[K", stderr);
	if (rc != 0 && e.id != PXE_TASK_FAILED)
		return px_report(&e);
	prc = print_status(x, upid, &t);
	if (rc != 0)
		return px_report(&e);
	return prc;
}

/* DELETE /nodes/{node}/tasks/{upid}: stop a running task, through the
 * gate; then wait until PVE reports it stopped. */
static int
task_stop(struct px_cli *x, const char *upid, int yes, int dry_run,
    int allow_risk)
{
	struct mutcli m;
	struct gate_req r;
	struct gate_result res;
	struct pve_task t;
	struct px_err e;

	if (pve_task_status(x->client, upid, &t, &e) != 0)
		px_die(&e);
	if (!t.running)
		px_errx(PX_EXIT_FAIL, "task %s %s on %s is not running (%s)",
		    t.type, t.id, t.node, t.status);
	gate_req_init(&r, "task-stop", "task", 1);
	r.t[0].call.method = "DELETE";
	if (pve_task_path(&r.t[0].call.path, upid, &e) != 0)
		px_die(&e);
	snprintf(r.t[0].summary, sizeof(r.t[0].summary), "stop task %s %s on "
	    "%s (started by %s)", t.type, t.id[0] ? t.id : "-", t.node,
	    t.user);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "task/%.80s", upid);
	gate_req_summarize(&r, "stop");
	r.destructive = 1;
	/* the command line's prompt and messages, on this connection */
	mutcli_init(&m, &px_cmd_task);
	gate_init(&m.g, &x->conf, x->p, x->client);
	m.g.yes = yes;
	m.g.dry_run = dry_run;
	m.g.allow_risk = allow_risk;
	m.g.approve_async = approve_async;
	if (mutation_admit(&m.g, &r, &m.ui, &e) != 0 ||
	    gate_send(&m.g, &r, 0, &res, &e) != 0)
		px_die(&e);
	if (res.dry_run) {
		m.ui.would_send(m.ui.arg, res.would_send);
	} else {
		/* PVE answers at once; the task ends a moment later. */
		int rc = pve_task_wait(x->client, upid, 30, NULL, NULL, &t, &e);

		if (rc == -2) {	/* the stop was sent: it may have been done */
			char what[sizeof(e.msg)];

			snprintf(what, sizeof(what), "%s", e.msg);
			px_fail(&e, PXE_OUTCOME_UNKNOWN, "outcome unknown: the "
			    "stop of task %.120s was accepted, but the task's "
			    "status could not be read (%.160s)", upid, what);
			px_hint(&e, "px task status %.120s", upid);
		}
		if (rc != 0 && e.id != PXE_TASK_FAILED)
			px_die(&e);
		gate_task_done(&m.g, &r, 0, &res, t.exitstatus[0] ?
		    t.exitstatus : "stopped");
		printf("%s: %s\n", upid, t.exitstatus[0] ? t.exitstatus :
		    "stopped");
	}
	gate_result_free(&res);
	gate_free(&m.g);
	gate_req_free(&r);
	return 0;
}

int
task_main(int argc, char **argv)
{
	struct px_getopt g;
	struct px_cli x;
	struct pve_task t;
	struct px_err e;
	const char *what, *upid;
	double timeout = 0;
	int ch, follow = 0, rc, yes = 0, dry_run = 0, allow_risk = 0;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_task, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case 'n':
			dry_run = 1;
			break;
		case 'y':
			yes = 1;
			break;
		case PX_O_ALLOW_RISK:
			allow_risk = 1;
			break;
		case PX_O_APPROVE_ASYNC:
			approve_async = 1;
			break;
		case O_FOLLOW:
			follow = 1;
			break;
		case PX_O_TIMEOUT:
			if ((timeout = pve_parse_seconds(g.arg)) <= 0)
				px_errx(PX_EXIT_USAGE, "--timeout: '%s' is not "
				    "a duration (30, 30s, 5m, 2h)", g.arg);
			break;
		default:
			px_usage(&px_cmd_task);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 2)
		px_usage(&px_cmd_task);
	what = argv[0];
	upid = argv[1];
	if (strcmp(what, "status") && strcmp(what, "log") &&
	    strcmp(what, "wait") && strcmp(what, "stop"))
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (status, log, "
		    "wait, stop)", what);
	if ((yes || dry_run || allow_risk || approve_async) &&
	    strcmp(what, "stop") != 0)
		px_errx(PX_EXIT_USAGE, "-y, -n and --allow-risk are for task "
		    "stop");
	if (follow && strcmp(what, "log") != 0)
		px_errx(PX_EXIT_USAGE, "--follow is for task log");
	if (timeout > 0 && strcmp(what, "wait") != 0)
		px_errx(PX_EXIT_USAGE, "--timeout is for task wait");
	{
		struct buf p = { 0 };

		if (pve_task_path(&p, upid, &e) != 0)	/* check it first */
			px_die(&e);
		buf_free(&p);
	}
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (strcmp(what, "status") == 0) {
		if (pve_task_status(x.client, upid, &t, &e) != 0)
			px_die(&e);
		rc = print_status(&x, upid, &t);
	} else if (strcmp(what, "log") == 0) {
		rc = task_log(&x, upid, follow);
	} else if (strcmp(what, "stop") == 0) {
		rc = task_stop(&x, upid, yes, dry_run, allow_risk);
	} else {
		rc = task_wait(&x, upid, timeout);
	}
	cli_free(&x);
	return rc;
}
