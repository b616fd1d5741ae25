/*
 * top_appr.c -- pxtop's approvals view (A), its I/O side: the queue of
 * approvals.db read for the view, and the operator's answer carried out
 * the way a Telegram press is (lib/approvals's one-transaction move:
 * a second answer, or the daemon's expiry, never both win), audited
 * with the operator's name.  Who may answer is the [policy]'s
 * local_approver (lib/hitl.h), never the requester for an approval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approvals.h"
#include "audit.h"
#include "enc.h"
#include "freeze.h"
#include "gate.h"
#include "hitl.h"
#include "top_appr.h"

const char *
top_appr_me(void)
{
	return px_whoami();
}

/* src cut to n bytes into dst, on a character boundary. */
static void
cp(char *dst, size_t n, const char *src)
{
	size_t k = strlen(src);

	if (k >= n) {
		k = n - 1;
		while (k > 0 && ((unsigned char)src[k] & 0xc0) == 0x80)
			k--;
	}
	memcpy(dst, src, k);
	dst[k] = '\0';
}

/* The user part of "user@host". */
static void
user_of(const char *who, char *out, size_t n)
{
	size_t k = strcspn(who, "@");

	snprintf(out, n, "%.*s", (int)(k < n ? k : n - 1), who);
}

/* May the operator answer row a: 1, or 0 with why. */
static int
may_answer(const struct px_conf *conf, const struct approval *a,
    char *why, size_t n)
{
	struct px_err e = { 0 };
	char user[96];
	int k;

	user_of(top_appr_me(), user, sizeof(user));
	if (strcmp(a->policy, "-") == 0) {
		snprintf(why, n, "no [policy] asked for request %lld (only "
		    "--approve-async): it is answered on Telegram", a->id);
		return 0;
	}
	if ((k = hitl_local_approver(conf, a->policy, user, &e)) < 0) {
		cp(why, n, e.msg);
		return 0;
	}
	if (k == 0)
		snprintf(why, n, "%s is not a local_approver of [policy %s] "
		    "in px.conf: answer request %lld on Telegram", user,
		    a->policy, a->id);
	return k;
}

/* Did the operator ask for a?  The same user, as px_whoami names it. */
static int
own(const struct approval *a)
{
	char me[96], them[96];

	user_of(top_appr_me(), me, sizeof(me));
	user_of(a->requester, them, sizeof(them));
	return strcmp(me, them) == 0;
}

static void
row_of(const struct px_conf *conf, struct approvals *q,
    const struct approval *l, struct top_appr_row *r)
{
	struct approval a;
	struct px_err e = { 0 };

	memset(r, 0, sizeof(*r));
	r->id = l->id;
	snprintf(r->state, sizeof(r->state), "%s",
	    approval_state_name(l->state));
	r->final = approval_state_final(l->state);
	r->created = l->created;
	cp(r->requester, sizeof(r->requester), l->requester);
	snprintf(r->action, sizeof(r->action), "%s", l->action);
	snprintf(r->kind, sizeof(r->kind), "%s", l->kind);
	cp(r->summary, sizeof(r->summary), l->summary);
	snprintf(r->policy, sizeof(r->policy), "%s", l->policy);
	cp(r->approver, sizeof(r->approver), l->approver);
	cp(r->result, sizeof(r->result), l->result);
	if (approvals_get(q, l->id, &a, &e) != 0) {
		snprintf(r->text, sizeof(r->text), "unreadable: %s", e.msg);
		snprintf(r->risk, sizeof(r->risk), "?");
	} else {
		r->intact = a.intact;
		approval_describe(&a, r->text, sizeof(r->text), r->risk,
		    sizeof(r->risk), &e);
		approval_free(&a);
	}
	r->may = may_answer(conf, l, r->why, sizeof(r->why));
	r->own = own(l);
	/* the queue's text was sanitized by lib/approvals; once more for
	 * what was cut here */
	text_sanitize(r->requester);
	text_sanitize(r->summary);
	text_sanitize(r->why);
}

void
top_appr_list(const struct px_conf *conf,
    void (*post)(const struct top_action *))
{
	struct top_action act = { .type = TA_APPR_LIST };
	struct px_err e = { 0 };
	struct approvals *q;
	struct approval *v = NULL;
	struct top_appr_row *rows;
	int n = 0, k = 0;

	if ((q = approvals_open(NULL, &e)) == NULL ||
	    approvals_list(q, &v, &n, &e) != 0) {
		act.rc = -1;
		snprintf(act.msg, sizeof(act.msg), "approvals queue: %.480s",
		    e.msg);
		approvals_close(q);
		post(&act);
		return;
	}
	rows = px_xcalloc(TOP_APPR_MAX + 1, sizeof(*rows));
	/* newest first; the open ones before any final one is dropped,
	 * and of the final ones the recent TOP_APPR_FINAL (each row's seal
	 * is checked on every read) */
	for (int pass = 0, nf = 0; pass < 2; pass++)
		for (int i = 0; i < n && k < TOP_APPR_MAX; i++) {
			if (approval_state_final(v[i].state) != pass)
				continue;
			if (pass == 1 && nf++ == TOP_APPR_FINAL)
				break;
			row_of(conf, q, &v[i], &rows[k++]);
		}
	approvals_list_free(v, n);
	approvals_close(q);
	act.rows = rows;
	act.n = k;
	post(&act);
}

/* The answer in the audit log: one row naming the operator; a denial
 * also refuses the request's targets through the gate, as a denial on
 * Telegram does. */
static void
audit_answer(const struct px_conf *conf, struct approval *a, int approve,
    const char *who)
{
	struct audit_entry ent = { 0 };
	struct px_err e = { 0 }, why;
	struct audit *au;
	const struct px_profile *p;
	char target[48], params[640];

	snprintf(target, sizeof(target), "approval/%lld", a->id);
	snprintf(params, sizeof(params), "approval %lld: %s", a->id,
	    a->summary);
	ent.profile = a->profile;
	ent.user = who;
	ent.action = approve ? "approve" : "deny";
	ent.target = target;
	ent.params = params;
	ent.decision = approve ? "approved" : "refused-hitl";
	ent.result = approve ? "approved" : "denied";
	if ((au = audit_open(&e)) != NULL) {
		audit_append(au, &ent, &e);
		audit_close(au);
	}
	if (approve)
		return;
	if ((p = conf_profile(conf, a->profile, PX_KIND_PVE, &e)) != NULL ||
	    (p = conf_profile(conf, a->profile, PX_KIND_PBS, &e)) != NULL) {
		struct gate g;
		struct gate_req r;
		char via[64];
		int risk;

		if (approval_request(a, &r, &risk, &e) != 0) {
			gate_req_init(&r, "approval", "approval", 0);
			snprintf(r.id, sizeof(r.id), "approval/%lld", a->id);
			snprintf(r.summary, sizeof(r.summary), "approval %lld",
			    a->id);
			r.call.method = "-";
		}
		gate_init(&g, conf, p, NULL);
		snprintf(via, sizeof(via), "approval %lld", a->id);
		g.via = via;
		px_fail(&why, PXE_HITL_DENIED, "denied by %s (approval %lld, "
		    "policy %s)", who, a->id, a->policy);
		gate_refuse_all(&g, &r, "refused-hitl", &why);
		gate_free(&g);
		gate_req_free(&r);
	}
}

void
top_appr_decide(const struct px_conf *conf, long long id, int approve,
    void (*post)(const struct top_action *))
{
	struct top_action act = { .type = TA_APPR_DONE, .id = (int)id,
		.rc = -1 };
	struct px_err e = { 0 };
	struct approvals *q;
	struct approval a;
	char why[256], who[192];
	int got = 0;

	snprintf(who, sizeof(who), "%s via pxtop", top_appr_me());
	if ((q = approvals_open(NULL, &e)) == NULL ||
	    approvals_get(q, id, &a, &e) != 0) {
		cp(act.msg, sizeof(act.msg), e.msg);
		goto out;
	}
	got = 1;
	if (approve && !a.intact) {
		snprintf(act.msg, sizeof(act.msg), "approval request %lld does "
		    "not match its seal: never approved", id);
		goto out;
	}
	if (!may_answer(conf, &a, why, sizeof(why))) {
		cp(act.msg, sizeof(act.msg), why);
		goto out;
	}
	if (approve && own(&a)) {
		snprintf(act.msg, sizeof(act.msg), "four eyes: %s asked for "
		    "request %lld, another approver must approve it",
		    a.requester, id);
		goto out;
	}
	if (approvals_decide(q, id, approve, who, &e) != 0) {
		cp(act.msg, sizeof(act.msg), e.msg);
		goto out;
	}
	audit_answer(conf, &a, approve, who);
	act.rc = 0;
	snprintf(act.msg, sizeof(act.msg), "request %lld %s by %s%s", id,
	    approve ? "approved" : "denied", who, approve ? ": px daemon "
	    "carries it out" : ": nothing is sent");
out:
	if (got)
		approval_free(&a);
	approvals_close(q);
	text_sanitize(act.msg);
	post(&act);
}
