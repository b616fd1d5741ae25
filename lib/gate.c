/*
 * gate.c -- every mutation passes here (see gate.h for the stages).
 *
 * Each refusal and each performed call is written to the audit log; if
 * the audit log cannot be written, nothing is sent: a mutation that
 * cannot be accounted for does not happen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "freeze.h"
#include "gate.h"
#include "hitl.h"
#include "pve_task.h"

void
gate_init(struct gate *g, struct px_cli *x)
{
	memset(g, 0, sizeof(*g));
	g->x = x;
	g->batch = 1;
}

void
gate_free(struct gate *g)
{
	audit_close(g->audit);
	g->audit = NULL;
}

void
gate_result_free(struct gate_result *res)
{
	if (res->reply.body.p || res->reply.j.tok)
		px_reply_free(&res->reply);
	memset(res, 0, sizeof(*res));
}

/* "user@host as root@pam!px" */
static void
identity(const struct px_profile *p, char *out, size_t n)
{
	snprintf(out, n, "%s as %s%s%s", px_whoami(), p->user,
	    p->auth == PX_AUTH_TOKEN ? "!" : "",
	    p->auth == PX_AUTH_TOKEN ? p->token_id : "");
}

static int
audit_row(struct gate *g, const struct gate_req *r, const char *decision,
    const char *upid, const char *result, long long ref, long long *id,
    struct px_err *e)
{
	const struct px_profile *p = g->x->p;
	char who[384], params[2048], form[1536];
	struct audit_entry ent = { 0 };

	if (g->audit == NULL && (g->audit = audit_open(e)) == NULL) {
		px_wrap(e, "audit log");
		return -1;
	}
	identity(p, who, sizeof(who));
	audit_redact(r->form ? r->form : "", form, sizeof(form));
	snprintf(params, sizeof(params), "%s %s%s%s",
	    r->method ? r->method : "-", r->path ? r->path : "-",
	    form[0] ? " " : "", form);
	ent.profile = p->name;
	ent.user = who;
	ent.action = r->action;
	ent.target = r->target;
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

/* Refuse r: record it (a failure to record is reported instead) and
 * return -1 with e as given. */
int
gate_refuse(struct gate *g, const struct gate_req *r, const char *decision,
    struct px_err *e)
{
	struct px_err ae;

	if (audit_row(g, r, decision, NULL, e->msg, 0, NULL, &ae) != 0)
		px_warn("warning: could not record the refusal: %s", ae.msg);
	return -1;
}

static int
confirm(const struct gate_req *r)
{
	char line[16];

	fprintf(stderr, "%s: %s? [y/N] ", px_progname, r->summary);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
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
gate_call(struct gate *g, const struct gate_req *r, struct gate_result *res,
    struct px_err *e)
{
	struct px_cli *x = g->x;
	const struct px_profile *p = x->p;
	struct freeze fr;
	struct px_call k;
	const char *policy;
	char who[128] = "", decision[192], form[1536];
	int fz;

	memset(res, 0, sizeof(*res));
	res->reply.data = -1;

	/* 1. read-only profile */
	if (p->read_only) {
		px_fail(e, PXE_READ_ONLY, "profile %s is read-only: %s refused",
		    p->name, r->summary);
		px_hint(e, "read_only = yes in [profile %s]; use a profile "
		    "that may write", p->name);
		return gate_refuse(g, r, "refused-read-only", e);
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
		return gate_refuse(g, r, "refused-frozen", e);
	}

	/* 3. pre-flight risk check */
	risk_check(x->client, r->guest, r->action, g->batch, &res->risk, e);
	if (!g->quiet)
		risk_print(&res->risk, px_progname, stderr);
	if (res->risk.worst == RISK_SEVERE && !g->allow_risk) {
		const struct risk_finding *f = NULL;

		for (int i = 0; i < res->risk.n && f == NULL; i++)
			if (res->risk.f[i].level == RISK_SEVERE)
				f = &res->risk.f[i];
		px_fail(e, PXE_REFUSED_RISK, "pre-flight check refused %s: "
		    "%s: %s", r->summary, f->check, f->detail);
		px_hint(e, "resolve it, or pass --allow-risk to go ahead");
		return gate_refuse(g, r, "refused-risk", e);
	}

	/* 4. confirmation of destructive requests */
	if (r->destructive && !g->yes && !g->dry_run) {
		if (!isatty(STDIN_FILENO)) {
			px_fail(e, PXE_USAGE, "%s needs -y when standard input "
			    "is not a terminal", r->summary);
			return gate_refuse(g, r, "refused-unconfirmed", e);
		}
		if (!confirm(r)) {
			px_fail(e, PXE_USAGE, "not confirmed: %s", r->summary);
			return gate_refuse(g, r, "refused-unconfirmed", e);
		}
	}

	/* 5. dry run: show what would be sent, send nothing */
	if (g->dry_run) {
		audit_redact(r->form ? r->form : "", form, sizeof(form));
		printf("would send: %s %s%s%s\n", r->method, r->path,
		    form[0] ? " " : "", form);
		return 0;
	}

	/* 6. human approval where a policy asks for it */
	{
		struct hitl_request hr = {
			.profile = p->name, .action = r->action,
			.vmid = r->guest ? r->guest->vmid : 0,
			.tags = r->guest ? r->guest->tags : NULL,
			.pool = r->guest ? r->guest->pool : NULL,
			.summary = r->summary,
		};

		if ((policy = hitl_policy(&x->conf, &hr)) != NULL &&
		    hitl_approve(&x->conf, policy, &hr, who, sizeof(who),
		    e) != 0)
			return gate_refuse(g, r, "refused-hitl", e);
	}

	/* The state the checks saw may have changed while px asked. */
	if (r->recheck && r->recheck(x->client, r, e) != 0)
		return gate_refuse(g, r, "refused-recheck", e);

	/* 7. the audit entry, then 8. the call, then 9. its result */
	if (who[0])
		snprintf(decision, sizeof(decision), "approved by %s (policy "
		    "%s)", who, policy);
	else
		snprintf(decision, sizeof(decision), "allowed");
	if (audit_row(g, r, decision, NULL, "pending", 0, &res->audit_id,
	    e) != 0) {
		px_hint(e, "nothing was sent: px does not change a cluster "
		    "without an audit entry");
		return -1;
	}
	px_call_init(&k, x->client, r->method, r->form, "%s", r->path);
	px_call_run(&k, 1);
	if (k.rc != 0) {
		*e = k.err;
		audit_row(g, r, "result", NULL, e->msg, res->audit_id, NULL,
		    NULL);
		px_call_free(&k);
		return -1;
	}
	if (px_reply_take(&k, &res->reply, e) != 0) {
		audit_row(g, r, "result", NULL, e->msg, res->audit_id, NULL,
		    NULL);
		px_call_free(&k);
		return -1;
	}
	px_call_free(&k);
	pve_task_upid_parse(&res->reply.j, res->reply.data, res->upid,
	    sizeof(res->upid));
	audit_row(g, r, "result", res->upid, res->upid[0] ? "submitted" :
	    "OK", res->audit_id, NULL, NULL);
	return 0;
}

void
gate_task_done(struct gate *g, const struct gate_req *r,
    const struct gate_result *res, const char *exitstatus)
{
	struct px_err e;

	if (audit_row(g, r, "task", res->upid, exitstatus, res->audit_id,
	    NULL, &e) != 0)
		px_warn("warning: could not record the task's end: %s", e.msg);
}
