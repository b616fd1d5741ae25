/*
 * top_render_appr.c -- the approvals view's screen (A): the queue's
 * requests with who asked, what, the pre-flight result, the policy and
 * the age, then pxtop's own operations waiting on Telegram; Enter shows
 * the request of the row under the cursor.  Every text is drawn through
 * top_put (sanitized, cut to the screen).  Reads the state only.
 */
#include <stdio.h>
#include <string.h>

#include "top_draw.h"
#include "top_render.h"

/* An age as "42s", "5m", "3h", "2d". */
static void
age(char *out, size_t n, long long now, long long since)
{
	long long d = since > 0 && now > since ? now - since : 0;

	if (d < 120)
		snprintf(out, n, "%llds", d);
	else if (d < 7200)
		snprintf(out, n, "%lldm", d / 60);
	else if (d < 2 * 86400)
		snprintf(out, n, "%lldh", d / 3600);
	else
		snprintf(out, n, "%lldd", d / 86400);
}

/* What the operator may do with r, in a few words. */
static const char *
may_word(const struct top_appr_row *r)
{
	if (!r->intact)
		return "tampered: never approved";
	if (r->final || (strcmp(r->state, "pending") != 0 &&
	    strcmp(r->state, "asked") != 0))
		return "-";
	if (!r->may)
		return "not an approver";
	return r->own ? "yours: deny only" : "a/d";
}

/* Enter: the request of the row under the cursor. */
static void
draw_open(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct top_pens *p)
{
	const struct top_appr_row *r;
	const struct top_op *o;
	char a[32];
	int line = y;

	top_appr_nth(s, s->cur[TOP_APPR], &r, &o);
	if (o != NULL) {
		age(a, sizeof(a), s->now, o->await_since);
		top_put(rb, s, line++, 0, p->bold, "pxtop's operation #%d: %s "
		    "%d (%s) on %s", o->id, o->action, o->g.vmid, o->g.name,
		    o->g.node);
		top_put(rb, s, line++, 0, NULL, "waits for a human on Telegram "
		    "for %s, policy %s: answer it there", a,
		    o->await_policy[0] ? o->await_policy : "(sync)");
		return;
	}
	if (r == NULL)
		return;
	age(a, sizeof(a), s->now, r->created);
	top_put(rb, s, line++, 0, p->bold, "Approval request %lld: %s", r->id,
	    r->summary);
	top_put(rb, s, line++, 0, r->intact ? NULL : p->red, "state %s%s, "
	    "queued %s ago by %s, policy %s", r->state, r->intact ? "" :
	    " - TAMPERED (its seal does not match)", a, r->requester,
	    r->policy);
	top_put(rb, s, line++, 0, NULL, "action %s on %s", r->action, r->kind);
	top_put(rb, s, line++, 0, strncmp(r->risk, "severe", 6) == 0 ?
	    p->red : NULL, "pre-flight: %s", r->risk);
	if (r->approver[0])
		top_put(rb, s, line++, 0, NULL, "answered by %s", r->approver);
	if (r->result[0])
		top_put(rb, s, line++, 0, NULL, "result: %s", r->result);
	top_put(rb, s, line++, 0, r->may && !r->own ? p->green : p->yellow,
	    "you (%s): %s", s->ap.me, r->may ? (r->own ? "you asked for it: "
	    "deny only (four eyes)" : "may approve (a) or deny (d)") :
	    r->why);
	top_put(rb, s, line++, 0, p->head, "%s", "REQUEST (secrets redacted)");
	for (const char *t = r->text; *t && line < y + rows; line++) {
		size_t n = strcspn(t, "\n");

		top_put(rb, s, line, 2, NULL, "%.*s", (int)n, t);
		t += n;
		if (*t == '\n')
			t++;
	}
}

void
top_draw_appr(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour)
{
	const struct top_pens *p = top_pens(colour);
	int open = 0, run = 0, own = 0, n = top_appr_nth(s, -1, NULL, NULL);

	for (int i = 0; i < s->ap.n; i++) {
		open += strcmp(s->ap.rows[i].state, "pending") == 0 ||
		    strcmp(s->ap.rows[i].state, "asked") == 0;
		run += strcmp(s->ap.rows[i].state, "approved") == 0 ||
		    strcmp(s->ap.rows[i].state, "running") == 0;
	}
	for (int i = 0; i < s->nops; i++)
		own += s->ops[i].st == TOP_OP_RUNNING &&
		    s->ops[i].await_since > 0;
	top_put(rb, s, y, 0, p->bold, "Approvals: %d waiting for an answer, "
	    "%d approved or running, %d of pxtop's own on Telegram%s%s%s",
	    open, run, own, s->ap.all ? "  (finished too)" : "",
	    s->ap.loading && !s->ap.read ? "  loading" : "",
	    s->ap.err[0] ? "  " : "");
	if (s->ap.err[0])
		top_put(rb, s, y + 1, 0, p->red, "%s", s->ap.err);
	if (s->ap.open) {
		draw_open(rb, s, y + 2, rows - 2, p);
		return;
	}
	top_put(rb, s, y + 1 + (s->ap.err[0] != 0), 0, p->head,
	    "%6s %-9s %5s %-20s %-14s %-34s %-28s %-12s %s", "ID", "STATE",
	    "AGE", "REQUESTER", "ACTION", "SUMMARY", "PRE-FLIGHT", "POLICY",
	    "YOU");
	for (int k = 0; k < rows - 2; k++) {
		int i = s->top[TOP_APPR] + k, line = y + 2 + k, cur;
		const struct top_appr_row *r;
		const struct top_op *o;
		const TickitPen *pen = NULL;
		char a[32], c[6][64], id[24], act[80];

		if (i >= n)
			break;
		top_appr_nth(s, i, &r, &o);
		cur = i == s->cur[TOP_APPR];
		if (cur)
			top_fill(rb, s, line, p->sel);
		if (o != NULL) {
			snprintf(id, sizeof(id), "Q#%d", o->id);
			snprintf(act, sizeof(act), "%s guest", o->action);
			age(a, sizeof(a), s->now, o->await_since);
			top_put(rb, s, line, 0, cur ? p->sel : p->yellow,
			    "%6s %-9s %5s %s %s %s %s %s %s", id, "telegram",
			    a, top_cell(c[0], sizeof(c[0]), s->ap.me, 20, 1),
			    top_cell(c[1], sizeof(c[1]), act, 14, 1),
			    top_cell(c[2], sizeof(c[2]), o->g.name, 34, 1),
			    top_cell(c[3], sizeof(c[3]), o->risk.worst ==
			    RISK_SEVERE ? "severe" : o->risk.worst ==
			    RISK_WARNING ? "warn" : "ok", 28, 1),
			    top_cell(c[4], sizeof(c[4]), o->await_policy[0] ?
			    o->await_policy : "(sync)", 12, 1), "on Telegram");
			continue;
		}
		snprintf(id, sizeof(id), "%lld", r->id);
		snprintf(act, sizeof(act), "%s %s", r->action, r->kind);
		age(a, sizeof(a), s->now, r->created);
		if (!r->intact)
			pen = p->red;
		else if (r->final)
			pen = p->dim;
		else if (strncmp(r->risk, "severe", 6) == 0)
			pen = p->yellow;
		top_put(rb, s, line, 0, cur ? p->sel : pen,
		    "%6s %-9s %5s %s %s %s %s %s %s", id, r->intact ? r->state :
		    "TAMPERED", a,
		    top_cell(c[0], sizeof(c[0]), r->requester, 20, 1),
		    top_cell(c[1], sizeof(c[1]), act, 14, 1),
		    top_cell(c[2], sizeof(c[2]), r->summary, 34, 1),
		    top_cell(c[3], sizeof(c[3]), r->risk, 28, 1),
		    top_cell(c[4], sizeof(c[4]), r->policy, 12, 1),
		    may_word(r));
	}
	if (n == 0 && s->ap.read)
		top_put(rb, s, y + 2, 2, NULL, "No request waits for approval.  "
		    "px CMD -y --approve-async, or a [policy] with mode = "
		    "async, queues one%s.", s->ap.all ? "" : "; h shows the "
		    "finished ones");
}
