/* batch.c -- several guests, one gate each, one row each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "pve_guest.h"
#include "pve_task.h"

enum { R_VMID, R_NAME, R_NODE, R_ACTION, R_RESULT, R_UPID, R_MESSAGE, R_N };

static const struct out_col row_cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "action", OT_STR, 0 }, { "result", OT_STR, 0 },
	{ "upid", OT_STR, OC_EXTRA }, { "message", OT_STR, 0 },
};

struct item {
	int vmid;
	struct pve_guest g;
	int found;
	struct gate_req r;
	struct gate_result res;
	struct buf path, form;
	char summary[256];
	char target[32];
	char result[16];
	char message[512];
	struct px_err err;
	int failed, ok;
};

int
batch_parse_policy(struct batch *b, const char *s)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	char *end;
	long v = 1;

	if (eq) {
		v = strtol(eq + 1, &end, 10);
		if (*end != '\0' || v < 1 || v > 10000)
			return -1;
	}
	if (n == 3 && strncmp(s, "all", 3) == 0 && !eq)
		b->policy = BATCH_ALL;
	else if (n == 6 && strncmp(s, "canary", 6) == 0)
		b->policy = BATCH_CANARY;
	else if (n == 7 && strncmp(s, "rolling", 7) == 0)
		b->policy = BATCH_ROLLING;
	else
		return -1;
	b->step = (int)v;
	return 0;
}

int *
batch_vmids(int argc, char **argv, int *n)
{
	int *v = px_xcalloc((size_t)argc + 1, sizeof(*v));

	for (int i = 0; i < argc; i++) {
		if ((v[i] = pve_parse_vmid(argv[i])) < 0)
			px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[i]);
		for (int k = 0; k < i; k++)
			if (v[k] == v[i])
				px_errx(PX_EXIT_USAGE, "VMID %d given twice",
				    v[i]);
	}
	*n = argc;
	return v;
}

struct progress {
	const char *what;
	int tty;
};

static void
on_progress(void *arg, const struct pve_task *t, double waited)
{
	struct progress *p = arg;

	if (p->tty)
		fprintf(stderr, "\r%s: %s %.0fs ", p->what, t->running ?
		    "running" : t->status, waited);
}

int
batch_follow(struct px_client *c, const char *what, const char *upid,
    double timeout, struct px_err *e)
{
	struct progress p = { what, isatty(STDERR_FILENO) };
	struct pve_task t;
	int rc;

	rc = pve_task_wait(c, upid, timeout, on_progress, &p, &t, e);
	if (p.tty)
		fprintf(stderr, "\r\033[K");
	return rc;
}

/* Submit item it through the gate. */
static void
submit(struct batch *b, struct item *it, const char *action,
    batch_build_fn build, void *arg)
{
	if (!it->found) {
		snprintf(it->result, sizeof(it->result), "failed");
		it->failed = 1;
		return;
	}
	it->r.action = action;
	it->r.guest = &it->g;
	snprintf(it->target, sizeof(it->target), "%s/%d",
	    strcmp(it->g.type, "lxc") == 0 ? "ct" : "vm", it->vmid);
	it->r.target = it->target;
	if (build(arg, &it->g, &it->r, &it->path, &it->form, it->summary,
	    sizeof(it->summary), &it->err) != 0) {
		/* A precondition refused it: audited like the gate's own. */
		it->r.path = it->path.p;
		it->r.summary = it->summary;
		gate_refuse(&b->g, &it->r, "refused-precondition", &it->err);
		snprintf(it->result, sizeof(it->result), "refused");
		it->failed = 1;
		return;
	}
	it->r.path = it->path.p;
	it->r.form = it->form.len ? it->form.p : NULL;
	it->r.summary = it->summary;
	if (gate_call(&b->g, &it->r, &it->res, &it->err) != 0) {
		enum px_errid id = it->err.id;

		snprintf(it->result, sizeof(it->result), "%s",
		    id == PXE_READ_ONLY || id == PXE_FROZEN ||
		    id == PXE_REFUSED_RISK || id == PXE_HITL_DENIED ||
		    id == PXE_HITL_TIMEOUT || id == PXE_USAGE ? "refused" :
		    "failed");
		it->failed = 1;
		return;
	}
	if (b->g.dry_run) {
		snprintf(it->result, sizeof(it->result), "dry-run");
		it->ok = 1;
		return;
	}
	snprintf(it->result, sizeof(it->result), "submitted");
	if (it->res.upid[0] == '\0' || b->no_wait)
		it->ok = 1;
}

/* Wait for the task of a submitted item. */
static void
finish(struct batch *b, struct item *it)
{
	char what[64];

	if (it->failed || it->ok || it->res.upid[0] == '\0')
		return;
	snprintf(what, sizeof(what), "%s %d", it->r.action, it->vmid);
	if (batch_follow(b->x->client, what, it->res.upid, b->timeout,
	    &it->err) != 0) {
		snprintf(it->result, sizeof(it->result), "failed");
		it->failed = 1;
		gate_task_done(&b->g, &it->r, &it->res, it->err.msg);
		return;
	}
	snprintf(it->result, sizeof(it->result), "ok");
	it->ok = 1;
	gate_task_done(&b->g, &it->r, &it->res, "OK");
}

int
batch_run(struct batch *b, const char *action, const int *vmids, int n,
    batch_build_fn build, void *arg)
{
	struct item *it = px_xcalloc((size_t)n, sizeof(*it));
	struct pve_guest *all = NULL;
	struct px_err e = { 0 };
	struct out *o;
	int nall = 0, nok = 0, nfail = 0, first_fail = -1, stop = 0, rc;
	int step = b->policy == BATCH_ALL ? n : b->step;

	if (pve_guests(b->x->client, &all, &nall, &e) != 0)
		px_die(&e);
	b->g.batch = n;
	for (int i = 0; i < n; i++) {
		it[i].vmid = vmids[i];
		for (int k = 0; k < nall && !it[i].found; k++)
			if (all[k].vmid == vmids[i]) {
				it[i].g = all[k];
				it[i].found = 1;
			}
		if (!it[i].found)
			px_fail(&it[i].err, PXE_NOT_FOUND, "no guest with VMID "
			    "%d", vmids[i]);
	}
	free(all);

	for (int done = 0; done < n && !stop; ) {
		int group = step;

		if (b->policy == BATCH_CANARY && done > 0)
			group = n - done;	/* the rest, all at once */
		if (group > n - done)
			group = n - done;
		for (int i = done; i < done + group; i++)
			submit(b, &it[i], action, build, arg);
		for (int i = done; i < done + group; i++)
			finish(b, &it[i]);
		for (int i = done; i < done + group; i++)
			if (it[i].failed && b->policy != BATCH_ALL)
				stop = 1;
		done += group;
		if (stop)
			for (int i = done; i < n; i++) {
				snprintf(it[i].result, sizeof(it[i].result),
				    "skipped");
				snprintf(it[i].message, sizeof(it[i].message),
				    "not attempted: an earlier guest failed "
				    "(--policy %s)", b->policy == BATCH_CANARY ?
				    "canary" : "rolling");
				it[i].failed = 1;
			}
	}

	o = out_new(&b->x->out, row_cols, R_N);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_int(o, R_VMID, it[i].vmid);
		out_str(o, R_NAME, it[i].found ? it[i].g.name : NULL);
		out_str(o, R_NODE, it[i].found ? it[i].g.node : NULL);
		out_str(o, R_ACTION, action);
		out_str(o, R_RESULT, it[i].result);
		out_str(o, R_UPID, it[i].res.upid[0] ? it[i].res.upid : NULL);
		if (it[i].err.id != PXE_OK)
			out_str(o, R_MESSAGE, it[i].err.msg);
		else if (it[i].message[0])
			out_str(o, R_MESSAGE, it[i].message);
		if (it[i].failed) {
			out_row_error(o);
			nfail++;
			if (first_fail < 0 && it[i].err.id != PXE_OK)
				first_fail = i;
		} else {
			nok++;
		}
	}
	/* The failures' messages (with hints) on stderr too, for humans
	 * and logs; the rows stay on stdout. */
	for (int i = 0; i < n; i++)
		if (it[i].err.id != PXE_OK)
			px_report(&it[i].err);
	if (cli_print(b->x, o, &e) != 0)
		px_report(&e);
	out_free(o);

	if (nfail == 0)
		rc = 0;
	else if (nok > 0)
		rc = PX_EXIT_USAGE;	/* partial */
	else if (first_fail >= 0)
		rc = px_exit_code(&it[first_fail].err);
	else
		rc = PX_EXIT_FAIL;
	for (int i = 0; i < n; i++) {
		gate_result_free(&it[i].res);
		buf_free(&it[i].path);
		buf_free(&it[i].form);
	}
	free(it);
	return rc;
}
