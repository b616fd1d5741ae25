/*
 * top_appr.c -- pxtop's approvals view (A): the requests of the
 * approvals queue (approvals.db, lib/approvals.h) that wait or run, the
 * final ones with h, and pxtop's own operations waiting for a human on
 * Telegram; a approves and d denies the row under the cursor after a
 * confirmation, when the operator may (the [policy]'s local_approver,
 * and never their own request: four eyes).  cmd/top reads the queue and
 * carries out the answer through lib/approvals's state machine, checking
 * all of it again; the daemon then runs an approved row as it runs one
 * approved on Telegram.  Part of the reducer (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top_impl.h"
#include "top_past.h"

/* Is row r shown (the final ones only with h)? */
static int
shown(const struct top_state *s, const struct top_appr_row *r)
{
	return s->ap.all || !r->final;
}

int
top_appr_nth(const struct top_state *s, int i, const struct top_appr_row **r,
    const struct top_op **o)
{
	int k = 0;

	if (r)
		*r = NULL;
	if (o)
		*o = NULL;
	for (int j = 0; j < s->ap.n; j++) {
		if (!shown(s, &s->ap.rows[j]))
			continue;
		if (k++ == i) {
			if (r)
				*r = &s->ap.rows[j];
			return k;
		}
	}
	for (int j = 0; j < s->nops; j++) {
		if (s->ops[j].st != TOP_OP_RUNNING ||
		    s->ops[j].await_since == 0)
			continue;
		if (k++ == i) {
			if (o)
				*o = &s->ops[j];
			return k;
		}
	}
	return k;
}

/* Ask for the queue, unless a read is on its way. */
static void
fetch(struct top_state *s, struct top_effects *fx)
{
	if (s->ap.loading)
		return;
	s->ap.loading = 1;
	top_emit(fx, TE_APPR_LIST);
}

void
top_appr_open(struct top_state *s, struct top_effects *fx)
{
	s->view = TOP_APPR;
	s->help = 0;
	s->ap.open = 0;
	fetch(s, fx);
}

void
top_appr_tick(struct top_state *s, struct top_effects *fx)
{
	if (s->view == TOP_APPR)
		fetch(s, fx);
}

void
top_appr_free(struct top_state *s)
{
	free(s->ap.rows);
	s->ap.rows = NULL;
	s->ap.n = 0;
}

/* The queue's row under the cursor; NULL with why in the status line
 * when the cursor is on none or on one of pxtop's own. */
static const struct top_appr_row *
cur_row(struct top_state *s, const char *verb)
{
	const struct top_appr_row *r;
	const struct top_op *o;

	top_appr_nth(s, s->cur[TOP_APPR], &r, &o);
	if (o != NULL)
		snprintf(s->status, sizeof(s->status), "refused: pxtop's own "
		    "operation #%d waits on Telegram: %s it there", o->id,
		    verb);
	else if (r == NULL)
		snprintf(s->status, sizeof(s->status), "no approval request "
		    "under the cursor");
	return r;
}

/* a (approve) or d (deny) on the row under the cursor: its
 * confirmation, or the reason it is refused. */
static void
ask(struct top_state *s, char what)
{
	const char *verb = what == 'a' ? "approve" : "deny";
	const struct top_appr_row *r;

	if (top_past_refuse(s, verb) || (r = cur_row(s, verb)) == NULL)
		return;
	if (strcmp(r->state, "pending") != 0 && strcmp(r->state, "asked") !=
	    0) {
		snprintf(s->status, sizeof(s->status), "refused: approval "
		    "request %lld is %s: only a pending or asked request is "
		    "answered", r->id, r->state);
		return;
	}
	if (what == 'a' && !r->intact) {
		snprintf(s->status, sizeof(s->status), "refused: approval "
		    "request %lld does not match its seal (changed outside "
		    "px): it is never approved", r->id);
		return;
	}
	if (!r->may) {
		snprintf(s->status, sizeof(s->status), "refused: %s", r->why[0]
		    ? r->why : "you are not an approver of its policy");
		return;
	}
	if (what == 'a' && r->own) {
		snprintf(s->status, sizeof(s->status), "refused: four eyes: "
		    "%s asked for request %lld, another approver must approve "
		    "it (d denies it)", r->requester, r->id);
		return;
	}
	if (s->ap.deciding) {
		snprintf(s->status, sizeof(s->status), "an answer is on its "
		    "way: wait for it");
		return;
	}
	s->ap.confirm = what;
	s->ap.confirm_id = r->id;
	snprintf(s->status, sizeof(s->status), "%s request %lld (%.80s) as "
	    "%s?  y %s, any other key cancels", what == 'a' ? "Approve" :
	    "Deny", r->id, r->summary, s->ap.me, verb);
}

/* The key after a or d. */
static void
confirm_key(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	struct top_effect *e;
	char what = s->ap.confirm;

	s->ap.confirm = 0;
	if (!(a->text && strcmp(a->key, "y") == 0)) {
		snprintf(s->status, sizeof(s->status), "not confirmed: "
		    "request %lld unchanged", s->ap.confirm_id);
		return;
	}
	e = top_emit(fx, TE_APPR_DECIDE);
	e->appr = s->ap.confirm_id;
	e->n = what == 'a';
	s->ap.deciding = 1;
	snprintf(s->status, sizeof(s->status), "%s request %lld ...",
	    what == 'a' ? "approving" : "denying", s->ap.confirm_id);
}

int
top_appr_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	const char *k = a->key;

	if (s->ap.confirm) {
		confirm_key(s, a, fx);
		return 1;
	}
	if (a->text && strcmp(k, "a") == 0) {
		ask(s, 'a');
		return 1;
	}
	if (a->text && strcmp(k, "d") == 0) {
		ask(s, 'd');
		return 1;
	}
	if (a->text && strcmp(k, "h") == 0) {
		s->ap.all = !s->ap.all;
		s->ap.open = 0;
		top_clamp(s, TOP_APPR);
		snprintf(s->status, sizeof(s->status), "%s", s->ap.all ?
		    "showing finished requests too" : "showing open requests");
		return 1;
	}
	if (a->text && strcmp(k, "R") == 0) {
		fetch(s, fx);
		return 1;
	}
	if (!a->text && strcmp(k, "Enter") == 0) {
		s->ap.open = !s->ap.open && top_appr_nth(s, -1, NULL, NULL) > 0;
		return 1;
	}
	if (!a->text && strcmp(k, "Escape") == 0 && s->ap.open) {
		s->ap.open = 0;
		return 1;
	}
	return 0;
}

void
top_appr_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	const struct top_appr_row *cur;
	long long keep = 0;
	struct top_op *o;

	switch (a->type) {
	case TA_APPR_LIST:
		s->ap.loading = 0;
		if (a->rc != 0) {
			snprintf(s->ap.err, sizeof(s->ap.err), "%.255s", a->msg);
			free(a->rows);
			break;
		}
		top_appr_nth(s, s->cur[TOP_APPR], &cur, NULL);
		if (cur)
			keep = cur->id;
		free(s->ap.rows);
		s->ap.rows = a->rows;
		s->ap.n = a->n > TOP_APPR_MAX ? TOP_APPR_MAX : a->n;
		s->ap.read = 1;
		s->ap.err[0] = '\0';
		for (int i = 0; keep; i++) {
			const struct top_appr_row *r;

			if (top_appr_nth(s, i, &r, NULL) <= i || r == NULL)
				break;
			if (r->id == keep) {
				s->cur[TOP_APPR] = i;
				break;
			}
		}
		top_clamp(s, TOP_APPR);
		break;
	case TA_APPR_DONE:
		s->ap.deciding = 0;
		if (a->rc != 0)
			snprintf(s->status, sizeof(s->status), "refused: %.240s",
			    a->msg);
		else
			snprintf(s->status, sizeof(s->status), "%.255s", a->msg);
		fetch(s, fx);
		break;
	case TA_OP_AWAIT:
		for (int i = 0; i < s->nops; i++) {
			o = &s->ops[i];
			if (o->id != a->id || o->st != TOP_OP_RUNNING)
				continue;
			if (a->rc == 1)		/* answered */
				o->await_since = 0;
			else if (o->await_since == 0)
				o->await_since = s->now - (a->n > 0 ? a->n : 0);
			snprintf(o->await_policy, sizeof(o->await_policy),
			    "%.63s", a->msg);
		}
		break;
	default:
		break;
	}
	a->rows = NULL;
}

const char *
top_appr_footer(const struct top_state *s)
{
	if (s->ap.confirm)
		return "y confirm  any other key cancels";
	if (s->ap.open)
		return "Enter/Esc close  a approve  d deny  j/k move  ? keys  "
		    "q quit";
	return "j/k move  Enter request  a approve  d deny  h finished too  "
	    "R reload  ? keys  q quit";
}
