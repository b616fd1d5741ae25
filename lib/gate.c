/*
 * gate.c -- every change passes here (see gate.h for the stages).
 *
 * Each refusal and each performed call is written to the audit log; if
 * the audit log cannot be written, nothing is sent: a change that cannot
 * be accounted for does not happen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "approvals.h"
#include "freeze.h"
#include "gate.h"
#include "hitl.h"
#include "pve_task.h"

void
gate_init(struct gate *g, const struct px_conf *conf,
    const struct px_profile *p, struct px_client *c)
{
	memset(g, 0, sizeof(*g));
	g->conf = conf;
	g->p = p;
	g->c = c;
}

void
gate_free(struct gate *g)
{
	audit_close(g->audit);
	g->audit = NULL;
}

void
gate_req_init(struct gate_req *r, const char *action, const char *kind,
    int n)
{
	memset(r, 0, sizeof(*r));
	r->action = action;
	r->kind = kind;
	r->n = n;
	r->t = px_xcalloc((size_t)n + 1, sizeof(*r->t));
}

static void
call_free(struct gate_call *k)
{
	buf_free(&k->path);
	buf_free(&k->form);
}

void
gate_req_free(struct gate_req *r)
{
	for (int i = 0; i < r->n; i++)
		call_free(&r->t[i].call);
	free(r->t);
	call_free(&r->call);
	memset(r, 0, sizeof(*r));
}

void
gate_req_summarize(struct gate_req *r, const char *verb)
{
	struct buf b = { 0 };

	if (r->n == 1) {
		snprintf(r->summary, sizeof(r->summary), "%s", r->t[0].summary);
		return;
	}
	buf_printf(&b, "%s %d %ss:", verb, r->n, r->kind ? r->kind : "target");
	for (int i = 0; i < r->n; i++) {
		if (i == 6 && r->n > 7) {
			buf_printf(&b, " and %d more", r->n - 6);
			break;
		}
		if (r->t[i].has_guest)
			buf_printf(&b, "%s %s %d (%s)", i ? "," : "",
			    strcmp(r->t[i].guest.type, "lxc") == 0 ? "CT" :
			    "VM", r->t[i].guest.vmid, r->t[i].guest.name[0] ?
			    r->t[i].guest.name : "no name");
		else
			buf_printf(&b, "%s %s", i ? "," : "", r->t[i].id);
	}
	if (b.len >= sizeof(r->summary))
		snprintf(r->summary, sizeof(r->summary), "%.*s...",
		    (int)sizeof(r->summary) - 4, b.p);
	else
		snprintf(r->summary, sizeof(r->summary), "%s", b.p);
	buf_free(&b);
}

void
gate_target_guest(struct gate_target *t, const struct pve_guest *g)
{
	t->guest = *g;
	t->has_guest = 1;
	snprintf(t->id, sizeof(t->id), "%s/%d", strcmp(g->type, "lxc") == 0 ?
	    "ct" : "vm", g->vmid);
}

void
gate_result_free(struct gate_result *res)
{
	if (res->reply.body.p || res->reply.j.tok)
		px_reply_free(&res->reply);
	memset(res, 0, sizeof(*res));
}

int
gate_is_refusal(enum px_errid id)
{
	return id == PXE_READ_ONLY || id == PXE_FROZEN ||
	    id == PXE_REFUSED_RISK || id == PXE_HITL_DENIED ||
	    id == PXE_HITL_TIMEOUT || id == PXE_USAGE;
}

static void
warn(struct gate *g, const char *what, const struct px_err *e)
{
	char msg[640];

	if (g->warn == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s: %s", what, e->msg);
	g->warn(g->warn_arg, msg);
}

/* "user@host as root@pam!px", and " via mcp client NAME" when the
 * change came through another entry point than the command line. */
static void
identity(const struct gate *g, char *out, size_t n)
{
	const struct px_profile *p = g->p;

	snprintf(out, n, "%s as %s%s%s%s%s", px_whoami(), p->user,
	    p->auth == PX_AUTH_TOKEN ? "!" : "",
	    p->auth == PX_AUTH_TOKEN ? p->token_id : "",
	    g->via ? " via " : "", g->via ? g->via : "");
}

/* Does the change carry one request for all its targets? */
static int
bulk(const struct gate_req *r)
{
	return r->call.method != NULL;
}

/* The request i of r (a target's, or the change's own for -1), and the
 * audit target it is recorded under.  A target of a change of one
 * request per target is recorded under its own id even before its
 * request was built (refused by a precondition). */
static const struct gate_call *
call_of(const struct gate_req *r, int i, const char **id)
{
	if (i >= 0 && (r->t[i].call.method || !bulk(r))) {
		*id = r->t[i].id;
		return &r->t[i].call;
	}
	*id = r->id[0] ? r->id : i >= 0 ? r->t[i].id : "-";
	return &r->call;
}

/* " (multipart: file NAME, N bytes)" after a request's text. */
static void
upload_note(char *out, size_t size, const struct px_upload *u)
{
	size_t n = strlen(out);

	if (n < size)
		snprintf(out + n, size - n, " (multipart: %s=%s, %lld bytes)",
		    u->file_field, u->file_name, u->size);
}

static int
audit_row(struct gate *g, const struct gate_req *r, int i,
    const char *decision, const char *upid, const char *result,
    long long ref, long long *id, struct px_err *e)
{
	const struct px_profile *p = g->p;
	const struct gate_call *k;
	const char *target;
	char who[384], params[2048], form[1536];
	struct audit_entry ent = { 0 };

	if (g->audit == NULL && (g->audit = audit_open(e)) == NULL) {
		px_wrap(e, "audit log");
		return -1;
	}
	k = call_of(r, i, &target);
	identity(g, who, sizeof(who));
	audit_redact_keys(k->form.len ? k->form.p : "", k->redact, form,
		    sizeof(form));
	snprintf(params, sizeof(params), "%s %s%s%s",
	    k->method ? k->method : "-", k->path.len ? k->path.p : "-",
	    form[0] ? " " : "", form);
	if (k->upload)
		upload_note(params, sizeof(params), k->upload);
	ent.profile = p->name;
	ent.user = who;
	ent.action = r->action;
	ent.target = target;
	ent.params = params;
	ent.decision = decision;
	ent.upid = upid && *upid ? upid : NULL;
	ent.result = result;
	ent.ref = ref;
	if (audit_append(g->audit, &ent, e) != 0) {
		px_wrap(e, "audit log");
		return -1;
	}
	if (id)
		*id = ent.id;
	return 0;
}

void
gate_refuse_target(struct gate *g, struct gate_req *r, int i,
    const char *decision, const struct px_err *e)
{
	struct gate_target *t = &r->t[i];
	struct px_err ae;

	if (t->refused)
		return;
	t->refused = 1;
	t->err = *e;
	/* the request's own row is written once; a target refused before
	 * its request was built (a precondition) still has its row */
	if (bulk(r))
		return;
	if (audit_row(g, r, i, decision, NULL, e->msg, 0, NULL, &ae) != 0)
		warn(g, "could not record the refusal", &ae);
}

int
gate_refuse_all(struct gate *g, struct gate_req *r, const char *decision,
    const struct px_err *e)
{
	struct px_err ae;
	int any = 0;

	for (int i = 0; i < r->n; i++)
		if (!r->t[i].refused) {
			any = 1;
			gate_refuse_target(g, r, i, decision, e);
		}
	if (bulk(r) && (any || r->n == 0) &&
	    audit_row(g, r, -1, decision, NULL, e->msg, 0, NULL, &ae) != 0)
		warn(g, "could not record the refusal", &ae);
	return -1;
}

/* Targets not refused yet. */
static int
left(const struct gate_req *r)
{
	int k = 0;

	for (int i = 0; i < r->n; i++)
		k += !r->t[i].refused;
	return k;
}

/* The first refusal's error, for a change with nothing left to send. */
static int
first_refusal(const struct gate_req *r, struct px_err *e)
{
	for (int i = 0; i < r->n; i++)
		if (r->t[i].refused) {
			*e = r->t[i].err;
			break;
		}
	return -1;
}

static void
fmt_time(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL)
		snprintf(buf, n, "-");
	else
		strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

int
gate_check(struct gate *g, struct gate_req *r, struct px_err *e)
{
	const struct px_profile *p = g->p;
	struct freeze fr;
	int fz, guests = 0;

	/* 1. read-only profile */
	if (p->read_only) {
		px_fail(e, PXE_READ_ONLY, "profile %s is read-only: %s refused",
		    p->name, r->summary);
		px_hint(e, "read_only = yes in [profile %s]; use a profile "
		    "that may write", p->name);
		return gate_refuse_all(g, r, "refused-read-only", e);
	}

	/* 2. incident freeze */
	if ((fz = freeze_get(p->name, &fr, e)) < 0)
		return -1;
	if (fz == 1) {
		char since[32], until[32];

		fmt_time(since, sizeof(since), fr.since);
		fmt_time(until, sizeof(until), fr.until);
		px_fail(e, PXE_FROZEN, "%s is frozen (%s) by %s since %s, "
		    "until %s: %s refused", strcmp(fr.scope, "*") == 0 ?
		    "every profile" : fr.scope, fr.reason, fr.by, since,
		    fr.until ? until : "thawed", r->summary);
		px_hint(e, "px incident status shows the freeze; px incident "
		    "thaw --reason TEXT ends it");
		return gate_refuse_all(g, r, "refused-frozen", e);
	}

	/* 3. pre-flight risk check of every target, judged as one batch */
	for (int i = 0; i < r->n; i++)
		guests += r->t[i].has_guest;
	for (int i = 0; i < r->n; i++) {
		struct gate_target *t = &r->t[i];
		const struct risk_finding *f = NULL;
		struct px_err ce;

		if (t->refused)
			continue;
		if (!t->has_guest)
			continue;
		risk_check(g->c, &t->guest, r->action, guests, &t->risk, &ce);
		if (t->risk.worst != RISK_SEVERE || g->allow_risk)
			continue;
		for (int k = 0; k < t->risk.n && f == NULL; k++)
			if (t->risk.f[k].level == RISK_SEVERE)
				f = &t->risk.f[k];
		px_fail(&ce, PXE_REFUSED_RISK, "pre-flight check refused %s: "
		    "%s: %s", t->summary[0] ? t->summary : r->summary,
		    f->check, f->detail);
		if (strcmp(f->check, "Running") == 0 &&
		    strcmp(r->action, "delete") == 0)
			/* --allow-risk would not help: px never destroys a
			 * running guest */
			px_hint(&ce, "stop it first: px stop %d",
			    t->guest.vmid);
		else
			px_hint(&ce, "resolve it, or pass --allow-risk to go "
			    "ahead");
		if (bulk(r)) {
			/* one request: one severe finding refuses it all */
			*e = ce;
			return gate_refuse_all(g, r, "refused-risk", e);
		}
		if (t->covered_by > 0 && t->covered_by <= r->n) {
			/* a shared request: refused with all it covers */
			int k = t->covered_by - 1;

			gate_refuse_target(g, r, k, "refused-risk", &ce);
			for (int j = 0; j < r->n; j++)
				if (r->t[j].covered_by == k + 1)
					gate_refuse_target(g, r, j,
					    "refused-risk", &ce);
			continue;
		}
		gate_refuse_target(g, r, i, "refused-risk", &ce);
	}
	if (r->n > 0 && left(r) == 0)
		return first_refusal(r, e);
	if (guests == 0) {
		const struct risk_finding *f = NULL;

		/* nothing to judge one by one: how many it touches, and
		 * what the object's own check finds */
		if (!r->own_size)
			risk_bulk_of(r->n > 0 ? r->n : 1, "objects", &r->risk);
		if (r->assess != NULL &&
		    r->assess(g->c, r, r->assess_arg, &r->risk, e) != 0) {
			char why[sizeof(e->msg)];

			snprintf(why, sizeof(why), "%s", e->msg);
			px_fail(e, e->id == PXE_OK ? PXE_FAILURE : e->id,
			    "pre-flight check of %s failed: %s", r->summary,
			    why);
			return gate_refuse_all(g, r, "refused-risk", e);
		}
		for (int k = 0; k < r->risk.n && f == NULL; k++)
			if (r->risk.f[k].level == RISK_SEVERE)
				f = &r->risk.f[k];
		if (f != NULL && !g->allow_risk) {
			px_fail(e, PXE_REFUSED_RISK, "pre-flight check refused "
			    "%s: %s: %s", r->summary, f->check, f->detail);
			px_hint(e, "resolve it, or pass --allow-risk to go "
			    "ahead");
			return gate_refuse_all(g, r, "refused-risk", e);
		}
	}

	/* 4. confirmation of destructive changes: the caller asks */
	if (r->destructive && !g->yes && !g->dry_run)
		return GATE_CONFIRM;
	return 0;
}

/*
 * Queue r for px daemon: the approval request's row, then an audit row
 * "queued" for each request it will send.  -1 with e PXE_QUEUED (or the
 * error that kept it from being queued: then every target is refused).
 */
static int
queue(struct gate *g, struct gate_req *r, const char *policy,
    struct px_err *e)
{
	struct approvals *q;
	struct px_err ae;
	char who[384], note[64];
	long timeout = 3600;
	long long id = 0;

	if (policy && (timeout = hitl_timeout(g->conf, policy, e)) < 0)
		return gate_refuse_all(g, r, "refused-hitl", e);
	identity(g, who, sizeof(who));
	if ((q = approvals_open(NULL, e)) == NULL ||
	    approvals_queue(q, r, g->p->name, policy ? policy : "-", timeout,
	    g->allow_risk, who, &id, e) != 0) {
		approvals_close(q);
		px_wrap(e, "not queued for approval");
		return gate_refuse_all(g, r, "refused-hitl", e);
	}
	approvals_close(q);
	r->queued_id = id;
	snprintf(note, sizeof(note), "approval %lld", id);
	if (bulk(r)) {
		if (audit_row(g, r, -1, "queued", NULL, note, 0, NULL, &ae) != 0)
			warn(g, "could not record the queueing", &ae);
	} else {
		for (int i = 0; i < r->n; i++)
			if (!r->t[i].refused && r->t[i].call.method &&
			    audit_row(g, r, i, "queued", NULL, note, 0, NULL,
			    &ae) != 0)
				warn(g, "could not record the queueing", &ae);
	}
	px_fail(e, PXE_QUEUED, "queued as approval request %lld: %s", id,
	    r->summary);
	px_hint(e, "px daemon asks on Telegram and carries it out when "
	    "approved; px approvals show %lld follows it", id);
	return -1;
}

int
gate_approve(struct gate *g, struct gate_req *r, struct px_err *e)
{
	struct hitl_request hr = {
		.profile = g->p->name, .action = r->action,
		.summary = r->summary,
	};
	const struct pve_guest *gu = NULL;
	const char *policy = NULL;
	char who[128] = "";
	int async = 0;
	struct hitl_tick tick = { g->tick, g->tick_arg, g->tick_every };

	if (g->dry_run)
		return 0;
	/* the first target a policy asks about; the change as a whole when
	 * it has no guest */
	for (int i = 0; i < r->n && policy == NULL; i++) {
		if (r->t[i].refused || !r->t[i].has_guest)
			continue;
		gu = &r->t[i].guest;
		hr.vmid = gu->vmid;
		hr.tags = gu->tags;
		hr.pool = gu->pool;
		policy = hitl_policy(g->conf, &hr);
	}
	if (policy == NULL) {
		hr.vmid = 0;
		hr.tags = hr.pool = NULL;
		policy = hitl_policy(g->conf, &hr);
	}
	if (g->approved) {
		/* px daemon, carrying out a queued approval */
		snprintf(r->approved_by, sizeof(r->approved_by), "approved by "
		    "%s", g->approved);
		return 0;
	}
	if (policy != NULL && (async = hitl_policy_async(g->conf, policy,
	    e)) < 0)
		return gate_refuse_all(g, r, "refused-hitl", e);
	if (g->approve_async || async)
		return queue(g, r, policy, e);
	if (policy == NULL)
		return 0;
	if (hitl_approve_ticking(g->conf, policy, &hr, who, sizeof(who),
	    &tick, e) != 0)
		return gate_refuse_all(g, r, g->withdrawn &&
		    g->withdrawn(g->tick_arg) ? "cancelled" : "refused-hitl",
		    e);
	snprintf(r->approved_by, sizeof(r->approved_by), "approved by %s "
	    "(policy %s)", who, policy);
	return 0;
}

/*
 * Was the request sent and its answer lost?  No HTTP status, and not a
 * failure that happens before a byte of the request leaves (no
 * connection, no name, TLS refused): a dropped connection, a timeout, a
 * truncated or malformed answer.
 */
static int
answer_lost(const struct px_call *k)
{
	if (k->status != 0)
		return k->status >= 200 && k->status < 300;
	switch (k->err.id) {
	case PXE_TRANSPORT:
	case PXE_TIMEOUT:
		/* lost after the request left px: it may have been done;
		 * never connected, or refused before sending: it was not */
		return k->sent;
	case PXE_PARSE:
	case PXE_TOO_LARGE:
		return 1;
	default:
		return 0;
	}
}

/* e becomes "outcome unknown" for request i of r, keeping what happened. */
static void
outcome_unknown(struct px_err *e, const struct gate_req *r, int i)
{
	char what[sizeof(e->msg)];
	const char *summary = i >= 0 && r->t[i].summary[0] ? r->t[i].summary :
	    r->summary;

	snprintf(what, sizeof(what), "%s", e->msg);
	px_fail(e, PXE_OUTCOME_UNKNOWN, "outcome unknown: %.200s was sent, "
	    "but its answer was lost (%.200s)", summary, what);
	px_hint(e, "PVE may have done it: check with px status, px tasks or "
	    "px task status before trying again");
}

int
gate_send(struct gate *g, struct gate_req *r, int i, struct gate_result *res,
    struct px_err *e)
{
	const struct gate_call *k;
	const char *target;
	gate_recheck_fn recheck;
	struct px_call pc;
	struct px_upload u;
	char form[1536];

	memset(res, 0, sizeof(*res));
	res->reply.data = -1;
	k = call_of(r, i, &target);
	if (i >= 0 && r->t[i].refused) {
		*e = r->t[i].err;
		return -1;
	}

	/* What the dry run shows is what would be sent: a path a server
	 * would collapse is refused in both. */
	if (px_path_has_dot_segment(k->path.p)) {
		px_fail(e, PXE_USAGE, "%s %s: a path segment is \".\" or "
		    "\"..\"; refusing it, nothing was sent", k->method,
		    k->path.p);
		if (i >= 0 && !bulk(r))
			gate_refuse_target(g, r, i, "refused-precondition", e);
		else
			gate_refuse_all(g, r, "refused-precondition", e);
		return -1;
	}

	/* 5. dry run: say what would be sent, send nothing */
	if (g->dry_run) {
		audit_redact_keys(k->form.len ? k->form.p : "", k->redact, form,
		    sizeof(form));
		snprintf(res->would_send, sizeof(res->would_send), "%s %s%s%s",
		    k->method, k->path.p, form[0] ? " " : "", form);
		if (k->upload)
			upload_note(res->would_send, sizeof(res->would_send),
			    k->upload);
		res->dry_run = 1;
		return 0;
	}

	/* The state the checks saw may have changed while px asked. */
	recheck = i >= 0 && r->t[i].call.method ? r->t[i].recheck : r->recheck;
	if (recheck && recheck(g->c, i >= 0 ? &r->t[i] : NULL, e) != 0) {
		if (i >= 0 && !bulk(r))
			gate_refuse_target(g, r, i, "refused-recheck", e);
		else
			gate_refuse_all(g, r, "refused-recheck", e);
		return -1;
	}

	/* Whoever asked may have withdrawn the change meanwhile. */
	if (g->withdrawn && g->withdrawn(g->tick_arg)) {
		px_fail(e, PXE_FAILURE, "%s: cancelled by the client before it "
		    "was sent; nothing was sent", i >= 0 && r->t[i].summary[0] ?
		    r->t[i].summary : r->summary);
		if (i >= 0 && !bulk(r))
			gate_refuse_target(g, r, i, "cancelled", e);
		else
			gate_refuse_all(g, r, "cancelled", e);
		return -1;
	}

	/* 6. the audit entry, then 7. the call, then 8. its result */
	if (audit_row(g, r, i, r->approved_by[0] ? r->approved_by : "allowed",
	    NULL, "pending", 0, &res->audit_id, e) != 0) {
		px_hint(e, "nothing was sent: px does not change a cluster "
		    "without an audit entry");
		return -1;
	}
	px_call_init(&pc, g->c, k->method, k->upload ? NULL : k->form.len ?
	    k->form.p : NULL, "%s", k->path.p);
	if (k->upload) {
		u = *k->upload;
		u.fields = k->form.len ? k->form.p : "";
		pc.upload = &u;
	}
	px_call_run(&pc, 1);
	if (pc.rc != 0) {
		*e = pc.err;
		if (answer_lost(&pc))
			outcome_unknown(e, r, i);
		audit_row(g, r, i, "result", NULL, e->id ==
		    PXE_OUTCOME_UNKNOWN ? "unknown" : e->msg, res->audit_id,
		    NULL, NULL);
		px_call_free(&pc);
		return -1;
	}
	if (px_reply_take(&pc, &res->reply, e) != 0) {
		/* 2xx with an answer px cannot read: it was done */
		outcome_unknown(e, r, i);
		audit_row(g, r, i, "result", NULL, "unknown", res->audit_id,
		    NULL, NULL);
		px_call_free(&pc);
		return -1;
	}
	px_call_free(&pc);
	pve_task_upid_parse(&res->reply.j, res->reply.data, res->upid,
	    sizeof(res->upid));
	audit_row(g, r, i, "result", res->upid, res->upid[0] ? "submitted" :
	    "OK", res->audit_id, NULL, NULL);
	return 0;
}

void
gate_task_done(struct gate *g, const struct gate_req *r, int i,
    const struct gate_result *res, const char *exitstatus)
{
	struct px_err e;

	if (audit_row(g, r, i, "task", res->upid, exitstatus, res->audit_id,
	    NULL, &e) != 0)
		warn(g, "could not record the task's end", &e);
}

int
gate_task_end(struct gate *g, const struct gate_req *r, int i,
    const struct gate_result *res, int rc, struct px_err *e)
{
	char what[sizeof(e->msg)];
	const char *summary = i >= 0 && r->t[i].summary[0] ? r->t[i].summary :
	    r->summary;

	if (rc == 0) {
		gate_task_done(g, r, i, res, "OK");
		return 0;
	}
	if (rc == -2) {
		snprintf(what, sizeof(what), "%s", e->msg);
		px_fail(e, PXE_OUTCOME_UNKNOWN, "outcome unknown: %.160s was "
		    "accepted as task %.120s, but the task's status could not "
		    "be read (%.160s)", summary, res->upid, what);
		px_hint(e, "PVE may still be doing it: px task wait %.120s",
		    res->upid);
		return -1;
	}
	if (e->id != PXE_TIMEOUT)
		gate_task_done(g, r, i, res, e->msg);
	return -1;
}

int
gate_local(struct gate *g, struct gate_req *r, int i, struct gate_result *res,
    struct px_err *e)
{
	const char *target;
	const struct gate_call *k = call_of(r, i, &target);

	memset(res, 0, sizeof(*res));
	res->reply.data = -1;
	if (g->dry_run) {
		snprintf(res->would_send, sizeof(res->would_send), "%s",
		    k->path.len ? k->path.p : "");
		res->dry_run = 1;
		return 0;
	}
	if (audit_row(g, r, i, r->approved_by[0] ? r->approved_by :
	    "allowed", NULL, "pending", 0, &res->audit_id, e) != 0) {
		px_wrap(e, "refusing to run it without an audit entry");
		return -1;
	}
	return 0;
}

void
gate_local_done(struct gate *g, const struct gate_req *r, int i,
    const struct gate_result *res, const char *result)
{
	struct px_err e;

	if (audit_row(g, r, i, "done", NULL, result, res->audit_id, NULL,
	    &e) != 0)
		warn(g, "could not record the end of a change", &e);
}

int
gate_dry_post(struct px_client *c, const char *path, const char *form,
    struct px_reply *r, struct px_err *e)
{
	struct px_call k;
	int rc = -1;

	if (strncmp(form, "dry-run=1", 9) != 0 && strstr(form, "&dry-run=1")
	    == NULL)
		return px_fail(e, PXE_USAGE, "POST %s: not a dry run; it "
		    "must go through the gate", path);
	px_call_init(&k, c, "POST", form, "%s", path);
	px_call_run(&k, 1);
	if (k.rc != 0)
		*e = k.err;
	else
		rc = px_reply_take(&k, r, e);
	px_call_free(&k);
	return rc;
}

int
gate_query_post(struct px_client *c, const char *path, struct px_reply *r,
    struct px_err *e)
{
	static const char *const reads[] = { "/agent/ping",
	    "/agent/fsfreeze-status", NULL };
	size_t n = strlen(path);
	struct px_call k;
	int ok = 0, rc = -1;

	for (int i = 0; reads[i] && !ok; i++) {
		size_t l = strlen(reads[i]);

		ok = n > l && strcmp(path + n - l, reads[i]) == 0 &&
		    strncmp(path, "/nodes/", 7) == 0 && strchr(path, '?') ==
		    NULL;
	}
	if (!ok)
		return px_fail(e, PXE_USAGE, "POST %s: not a read; it must go "
		    "through the gate", path);
	px_call_init(&k, c, "POST", NULL, "%s", path);
	px_call_run(&k, 1);
	if (k.rc != 0)
		*e = k.err;
	else
		rc = px_reply_take(&k, r, e);
	px_call_free(&k);
	return rc;
}
