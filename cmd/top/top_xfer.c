/*
 * top_xfer.c -- pxtop's agent broadcast (X) and the ISO library's
 * upload (u) and download from a URL (w), the side that talks to the
 * cluster.  See top_xfer.h.
 *
 * A broadcast is one change through the gate: every guest's POST
 * .../agent/exec (lib/guest_op.h, as px exec builds it) a target of one
 * request, checked and approved once (a [policy] asks once for the
 * batch), a guest whose agent does not answer refused on its own
 * (audited as a precondition); then the commands start, at most
 * TOP_BC_PAR at once, each polled (GET .../agent/exec-status) until it
 * exited or EXEC_TIMEOUT passed, its end appended to the audit log
 * ("exit 0", "signal 9"), its output handed to the view raw (the
 * reducer sanitizes and bounds it).
 *
 * An upload and a download are built as px storage upload and
 * download-url build them (lib/pve_files.h); the upload streams the
 * file from its descriptor (struct px_upload: never whole in memory),
 * its bytes and rate reported to the queue; both are followed to the
 * end of PVE's task.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "enc.h"
#include "gate.h"
#include "guest_op.h"
#include "mutation.h"
#include "pve_files.h"
#include "pve_guest.h"
#include "pve_progress.h"
#include "pve_task.h"
#include "top_xfer.h"
#include "workq.h"

#define EXEC_TIMEOUT	600	/* seconds a broadcast command may run */
#define NWORDS		128

int
top_xfer_action(const char *action)
{
	return strcmp(action, "exec") == 0 || strcmp(action, "upload") == 0 ||
	    strcmp(action, "download-url") == 0;
}

/* Does g's guest agent answer (GET .../agent/info)?  0, or -1 with e. */
static int
agent_answers(struct px_client *c, const struct pve_guest *g,
    struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	buf_adds(&p, "/agent/info");
	rc = pve_get(c, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0) {
		char m[sizeof(e->msg)];

		snprintf(m, sizeof(m), "%s", e->msg);
		text_sanitize(m);
		px_fail(e, PXE_FAILURE, "the guest agent of VM %d does not "
		    "answer: %.300s", g->vmid, m);
		return -1;
	}
	px_reply_free(&r);
	return 0;
}

/* The local file of an upload, opened for reading: a regular file only
 * (a FIFO would block, a directory or a device is no image).  The
 * descriptor, or -1 with e (PXE_USAGE, PXE_IO). */
static int
open_local(const char *typed, struct stat *sb, struct px_err *e)
{
	const char *home = getenv("HOME");
	char path[TOP_TEXT + 512];
	int fd;

	/* ~/ as a shell would have it: the operator's home */
	if (strncmp(typed, "~/", 2) == 0 && home && home[0])
		snprintf(path, sizeof(path), "%s/%s", home, typed + 2);
	else
		snprintf(path, sizeof(path), "%s", typed);

	if (stat(path, sb) != 0)
		return px_fail(e, PXE_IO, "%.300s: %s", path, strerror(errno));
	if (S_ISDIR(sb->st_mode))
		return px_fail(e, PXE_USAGE, "%.300s is a directory: upload "
		    "takes a file", path);
	if (!S_ISREG(sb->st_mode))
		return px_fail(e, PXE_USAGE, "%.300s is not a regular file",
		    path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return px_fail(e, PXE_IO, "%.300s: %s", path, strerror(errno));
	/* what was opened, not what was looked at */
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		return px_fail(e, PXE_USAGE, "%.300s is not a regular file",
		    path);
	}
	return fd;
}

/* What px storage checks of the target storage: enabled, holds
 * content, room for need bytes (need > 0).  Findings into rep. */
static void
storage_takes(struct px_client *c, const char *node, const char *storage,
    const char *content, long long need, struct risk_report *rep)
{
	struct pve_storage_status st;
	struct px_err e = { 0 };
	char m[300];

	if (pve_storage_status_get(c, node, storage, &st, &e) != 0) {
		risk_add_severe(rep, "Storage", e.msg);
		return;
	}
	if (!st.enabled) {
		snprintf(m, sizeof(m), "storage %s is disabled", storage);
		risk_add_severe(rep, "Storage", m);
	} else if (!pve_content_has(st.content, content)) {
		snprintf(m, sizeof(m), "storage %s holds no %s content (its "
		    "content: %.100s)", storage, content, st.content);
		risk_add_severe(rep, "Storage", m);
	} else if (need > 0 && st.has_avail && st.avail < (uint64_t)need) {
		char a[32], n[32];

		out_fmt_bytes(a, sizeof(a), st.avail);
		out_fmt_bytes(n, sizeof(n), (uint64_t)need);
		snprintf(m, sizeof(m), "storage %s on %s has %s free, the file "
		    "is %s", storage, node, a, n);
		risk_add_severe(rep, "Storage", m);
	}
}

/* The content of a queued file: after the colon, before the slash. */
static void
content_of(const char *volid, char *out, size_t n)
{
	const char *c = strchr(volid, ':');

	snprintf(out, n, "%.*s", c ? (int)strcspn(c + 1, "/") : 0,
	    c ? c + 1 : "");
}

void
top_xfer_preview(struct px_client *c, const struct top_xfer_item *it,
    struct top_action *a)
{
	struct px_err e = { 0 };
	char content[16];

	memset(a, 0, sizeof(*a));
	a->type = TA_RISK;
	a->id = it->id;
	content_of(it->volid, content, sizeof(content));
	if (strcmp(it->action, "exec") == 0) {
		risk_check(c, &it->g, "exec", it->batch, &a->risk, &e);
		if (agent_answers(c, &it->g, &e) != 0)
			risk_add_severe(&a->risk, "NoAgent", e.msg);
	} else if (strcmp(it->action, "upload") == 0) {
		struct stat sb;
		int fd = open_local(it->text, &sb, &e);

		if (fd < 0) {
			a->type = TA_OP_DONE;
			a->rc = -2;
			snprintf(a->msg, sizeof(a->msg), "%s", e.msg);
			text_sanitize(a->msg);
			return;
		}
		close(fd);
		storage_takes(c, it->g.node, it->arg, content,
		    (long long)sb.st_size, &a->risk);
	} else {
		struct pve_download_risk r = { .checksum = it->sum[0] != 0,
			.url_http = strncmp(it->text, "http://", 7) == 0 };

		if (pve_download_assess(c, NULL, &r, &a->risk, &e) != 0)
			risk_add_severe(&a->risk, "Precondition", e.msg);
		storage_takes(c, it->g.node, it->arg, content, 0, &a->risk);
	}
}

/* ---- the runs ---- */

struct xrun {
	struct top_xfer_item *it;
	int n;
	const struct px_conf *conf;
	const struct px_profile *p;
	void (*report)(const struct top_action *);
	struct px_client *c;
	struct gate g;
};

/* The operations' wait for a human's approval to the approvals view
 * (TA_OP_AWAIT): waited seconds so far, or (end) the wait is over. */
static void
await_report(struct xrun *x, int waited, int end)
{
	for (int i = 0; i < x->n; i++) {
		struct top_action a = { .type = TA_OP_AWAIT, .id = x->it[i].id,
			.n = waited, .rc = end };

		x->report(&a);
	}
}

/* The gate's tick while the approval is awaited; never abandons it. */
static int
await_tick(void *arg, double waited, long timeout)
{
	(void)timeout;
	await_report(arg, (int)waited, 0);
	return 0;
}

static void
done(struct xrun *x, int id, int rc, const char *msg)
{
	struct top_action a = { .type = TA_OP_DONE, .id = id, .rc = rc };

	snprintf(a.msg, sizeof(a.msg), "%s", msg);
	x->report(&a);
}

static void
failed(struct xrun *x, int id, const struct px_err *e)
{
	done(x, id, gate_is_refusal(e->id) ? -2 : -1, e->msg);
}

/* One command of the broadcast on its way. */
struct xcmd {
	int i;			/* its item */
	struct gate_req r;
	struct gate_result res;
	long long pid;
	double t0;
};

static void
cmd_end(struct xrun *x, struct xcmd *k, struct pve_agent_exec_status *st)
{
	struct top_bc_out *o = px_xcalloc(1, sizeof(*o));
	struct top_action a = { .type = TA_BC_OUT, .id = x->it[k->i].id };
	char end[64];

	o->exitcode = st->exitcode;
	o->signal = st->signal;
	o->out = st->out;
	o->err = st->err;
	o->out_trunc = st->out_trunc;
	o->err_trunc = st->err_trunc;
	st->out = st->err = NULL;
	a.rows = o;
	a.n = 1;
	x->report(&a);
	if (st->signal >= 0)
		snprintf(end, sizeof(end), "signal %lld", st->signal);
	else
		snprintf(end, sizeof(end), "exit %lld", st->exitcode);
	gate_task_done(&x->g, &k->r, 0, &k->res, end);
	done(x, x->it[k->i].id, st->exitcode == 0 && st->signal < 0 ? 0 : -1,
	    end);
}

static void
run_exec(struct xrun *x)
{
	struct gate_req all;
	struct xcmd run[TOP_BC_PAR];
	struct px_err e = { 0 };
	char buf[TOP_TEXT], *w[NWORDS];
	const char *why = "no command";
	int nw, admitted, next = 0, nrun = 0;

	nw = top_split_words(x->it[0].text, buf, sizeof(buf), w, NWORDS, &why);
	gate_req_init(&all, "exec", "guest", x->n);
	for (int i = 0; i < x->n; i++) {
		/* the request first: a refusal is audited with it */
		guest_op_exec(&all.t[i], &x->it[i].g, (const char *const *)w,
		    nw > 0 ? nw : 0);
		if (nw <= 0) {
			px_fail(&e, PXE_USAGE, "the command has %s", why);
			gate_refuse_target(&x->g, &all, i,
			    "refused-precondition", &e);
		} else if (agent_answers(x->c, &x->it[i].g, &e) != 0) {
			gate_refuse_target(&x->g, &all, i,
			    "refused-precondition", &e);
		}
	}
	gate_req_summarize(&all, "exec");
	/* confirmed in the TUI's dialog (yes); approved once here */
	admitted = mutation_admit(&x->g, &all, NULL, &e) == 0;
	await_report(x, 0, 1);	/* answered: the commands run now */
	for (;;) {
		/* start what the bound lets start */
		while (next < x->n && nrun < TOP_BC_PAR) {
			struct xcmd *k = &run[nrun];
			int i = next++;

			if (all.t[i].refused) {	/* refused, audited */
				done(x, x->it[i].id, -2, all.t[i].err.msg);
				continue;
			}
			if (!admitted) {
				failed(x, x->it[i].id, &e);
				continue;
			}
			memset(k, 0, sizeof(*k));
			k->i = i;
			gate_req_init(&k->r, "exec", "guest", 1);
			k->r.t[0] = all.t[i];
			memset(&all.t[i].call, 0, sizeof(all.t[i].call));
			snprintf(k->r.summary, sizeof(k->r.summary), "%s",
			    k->r.t[0].summary);
			snprintf(k->r.approved_by, sizeof(k->r.approved_by),
			    "%s", all.approved_by);
			if (gate_send(&x->g, &k->r, 0, &k->res, &e) != 0) {
				failed(x, x->it[i].id, &e);
				gate_req_free(&k->r);
				continue;
			}
			if (pve_agent_exec_parse(&k->res.reply.j,
			    k->res.reply.data, &k->pid, &e) != 0) {
				gate_task_done(&x->g, &k->r, 0, &k->res,
				    "no pid in the answer");
				failed(x, x->it[i].id, &e);
				gate_result_free(&k->res);
				gate_req_free(&k->r);
				continue;
			}
			k->t0 = px_mono();
			{
				struct top_action a = { .type = TA_OP_PROGRESS,
					.id = x->it[i].id, .pct = -1 };

				snprintf(a.msg, sizeof(a.msg), "pid %lld "
				    "running", k->pid);
				x->report(&a);
			}
			nrun++;
		}
		if (nrun == 0 && next >= x->n)
			break;
		px_sleep(0.3);
		for (int r = 0; r < nrun; r++) {
			struct xcmd *k = &run[r];
			struct pve_agent_exec_status st = { 0, -1, -1, NULL,
				NULL, 0, 0 };
			int end = 0;

			if (pve_agent_exec_poll(x->c, &x->it[k->i].g, k->pid,
			    &st, &e) != 0) {
				gate_task_done(&x->g, &k->r, 0, &k->res, e.msg);
				failed(x, x->it[k->i].id, &e);
				end = 1;
			} else if (st.exited) {
				cmd_end(x, k, &st);
				end = 1;
			} else if (px_mono() - k->t0 >= EXEC_TIMEOUT) {
				char m[160];

				snprintf(m, sizeof(m), "the command still runs "
				    "after %d s (pid %lld): it goes on in the "
				    "guest, pxtop stopped waiting",
				    EXEC_TIMEOUT, k->pid);
				gate_task_done(&x->g, &k->r, 0, &k->res,
				    "timeout");
				done(x, x->it[k->i].id, -1, m);
				end = 1;
			}
			pve_agent_exec_status_free(&st);
			if (!end)
				continue;
			gate_result_free(&k->res);
			gate_req_free(&k->r);
			run[r--] = run[--nrun];
		}
	}
	gate_req_free(&all);
}

/* ---- upload and download ---- */

struct xprog {
	struct xrun *x;
	int id;
	double start, last;
	double pct;
	char line[160], told[160];
};

/* The bytes of an upload as they leave, five times a second at most. */
static void
up_progress(void *arg, long long sent, long long size)
{
	struct xprog *p = arg;
	struct top_action a = { .type = TA_OP_PROGRESS, .id = p->id };
	double now = px_mono(), el = now - p->start;
	char s1[32], s2[32], r[32];

	if (now - p->last < 0.2 && sent < size)
		return;
	p->last = now;
	out_fmt_bytes(s1, sizeof(s1), (uint64_t)sent);
	out_fmt_bytes(s2, sizeof(s2), (uint64_t)size);
	out_fmt_bytes(r, sizeof(r), el > 0 ? (uint64_t)(sent / el) : 0);
	a.pct = size > 0 ? 100.0 * (double)sent / (double)size : 100;
	snprintf(a.msg, sizeof(a.msg), "uploading %s of %s, %s/s", s1, s2, r);
	p->x->report(&a);
}

static void
task_line(void *arg, const struct pve_log_line *l)
{
	struct xprog *p = arg;
	struct pve_progress pr;

	if (pve_progress_parse(l->t, &pr) && pr.percent >= 0)
		p->pct = pr.percent;
	if (l->t[0] && strcmp(l->t, "TASK OK") != 0)
		snprintf(p->line, sizeof(p->line), "%.159s", l->t);
}

static void
task_poll(void *arg, const struct pve_task *t, double waited)
{
	struct xprog *p = arg;
	struct top_action a = { .type = TA_OP_PROGRESS, .id = p->id,
		.pct = p->pct };

	(void)t;
	(void)waited;
	if (strcmp(p->line, p->told) == 0)
		return;
	snprintf(p->told, sizeof(p->told), "%s", p->line);
	snprintf(a.msg, sizeof(a.msg), "%s", p->line);
	text_sanitize(a.msg);
	p->x->report(&a);
}

static void
run_file(struct xrun *x, struct top_xfer_item *it)
{
	struct gate_req r;
	struct gate_result res;
	struct px_upload u = { 0 };
	struct pve_download_risk risk = { 0 };
	struct xprog prog = { .x = x, .id = it->id, .pct = -1 };
	struct top_action a = { .type = TA_OP_SUBMITTED, .id = it->id };
	struct px_err e = { 0 };
	struct pve_task t;
	char content[16], alg[8] = "", hex[129] = "";
	const char *name = it->g.name;
	int fd = -1, up = strcmp(it->action, "upload") == 0;

	memset(&res, 0, sizeof(res));
	content_of(it->volid, content, sizeof(content));
	if (it->sum[0] && pve_checksum_parse(it->sum, alg, hex, &e) != 0) {
		failed(x, it->id, &e);
		return;
	}
	gate_req_init(&r, it->action, "storage", 1);
	if (up) {
		struct stat sb;

		if ((fd = open_local(it->text, &sb, &e)) < 0) {
			gate_req_free(&r);
			done(x, it->id, -2, e.msg);
			return;
		}
		u.file_field = "filename";
		u.file_name = name;
		u.fd = fd;
		u.size = (long long)sb.st_size;
		u.progress = up_progress;
		u.progress_arg = &prog;
		prog.start = prog.last = px_mono();
		pve_file_upload_target(&r.t[0], it->g.node, it->arg, name,
		    content, u.size, alg[0] ? alg : NULL, hex, &u);
		snprintf(r.id, sizeof(r.id), "%s", r.t[0].id);
	} else {
		pve_file_download_target(&r.t[0], it->g.node, it->arg,
		    it->text, name, content, alg[0] ? alg : NULL, hex, NULL);
		risk.checksum = alg[0] != 0;
		risk.url_http = strncmp(it->text, "http://", 7) == 0;
		r.assess = pve_download_assess;
		r.assess_arg = &risk;
		snprintf(r.id, sizeof(r.id), "storage/%.80s", it->volid);
	}
	snprintf(r.summary, sizeof(r.summary), "%s", r.t[0].summary);
	if (mutation_admit(&x->g, &r, NULL, &e) != 0 ||
	    gate_send(&x->g, &r, 0, &res, &e) != 0) {
		failed(x, it->id, &e);
		goto out;
	}
	if (res.upid[0] == '\0') {
		done(x, it->id, 0, "done");
		goto out;
	}
	snprintf(a.upid, sizeof(a.upid), "%s", res.upid);
	x->report(&a);
	if (gate_task_end(&x->g, &r, 0, &res, pve_task_follow(x->c,
	    res.upid, 6 * 3600, 0.5, task_poll, task_line, &prog, &t, &e),
	    &e) != 0)
		failed(x, it->id, &e);
	else
		done(x, it->id, 0, "task OK");
out:
	gate_result_free(&res);
	gate_req_free(&r);
	if (fd >= 0)
		close(fd);
}

static void *
xrun_main(void *arg)
{
	struct xrun *x = arg;
	struct px_client_opts o = { 0 };
	struct px_err e = { 0 };

	if ((x->c = px_client_new(x->conf, x->p, &o, &e)) == NULL) {
		for (int i = 0; i < x->n; i++)
			failed(x, x->it[i].id, &e);
		goto out;
	}
	gate_init(&x->g, x->conf, x->p, x->c);
	x->g.yes = 1;		/* confirmed in the TUI's own dialog */
	x->g.tick = await_tick;	/* a wait for approval shows in A */
	x->g.tick_arg = x;
	x->g.tick_every = 1;
	if (strcmp(x->it[0].action, "exec") == 0)
		run_exec(x);
	else
		for (int i = 0; i < x->n; i++)
			run_file(x, &x->it[i]);
	gate_free(&x->g);
	px_client_free(x->c);
out:
	free(x->it);
	free(x);
	return NULL;
}

void
top_xfer_run(struct top_xfer_item *items, int n, const struct px_conf *conf,
    const struct px_profile *p, void (*report)(const struct top_action *))
{
	struct xrun *x = px_xcalloc(1, sizeof(*x));
	pthread_t th;

	x->it = items;
	x->n = n;
	x->conf = conf;
	x->p = p;
	x->report = report;
	if (px_thread_start(&th, xrun_main, x) != 0) {
		struct px_err e = { 0 };

		px_fail(&e, PXE_FAILURE, "cannot start a thread");
		for (int i = 0; i < n; i++)
			failed(x, items[i].id, &e);
		free(items);
		free(x);
		return;
	}
	pthread_detach(th);
}
