/*
 * top_evac.c -- pxtop's E view: the evacuation plan of one node (each
 * guest, its target, HA-managed or not, what keeps it there), and on
 * confirmation its run, each guest an entry of the operation queue with
 * its progress.  The reducer's part (no I/O: the plan is made and run
 * by cmd/top/top_evac.c, through the gate, and comes back as actions)
 * and the view's drawing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_check.h"
#include "pve_evacuate.h"
#include "top_impl.h"
#include "top_render.h"

void
top_evac_free(struct top_state *s)
{
	if (s->evac) {
		pve_evac_plan_free(s->evac);
		free(s->evac);
		s->evac = NULL;
	}
}

int
top_evac_len(const struct top_state *s)
{
	return s->evac ? s->evac->n : 0;
}

/* Ask for the plan of s->evac_node again. */
static void
ask_plan(struct top_state *s, struct top_effects *fx)
{
	struct top_effect *e;

	top_evac_free(s);
	s->evac_loading = 1;
	s->evac_msg[0] = '\0';
	s->evac_gen++;
	s->cur[TOP_EVAC] = s->top[TOP_EVAC] = 0;
	e = top_emit(fx, TE_EVAC_PLAN);
	e->id = s->evac_gen;
	e->n = s->evac_local;
	snprintf(e->g.node, sizeof(e->g.node), "%s", s->evac_node);
}

void
top_open_evac(struct top_state *s, struct top_effects *fx)
{
	const char *node = NULL;
	const struct pve_guest *g;

	if (s->view == TOP_EVAC)
		return;
	if (s->view == TOP_NODES && s->nvnodes > 0)
		node = s->nodes[s->vnodes[s->cur[TOP_NODES]]].name;
	else if ((g = top_selected_guest(s)) != NULL)
		node = g->node;
	if (s->evac_running) {	/* one at a time: show the one running */
		s->back = s->view;
		s->view = TOP_EVAC;
		return;
	}
	if (node == NULL || node[0] == '\0') {
		snprintf(s->status, sizeof(s->status), "no node selected: E "
		    "on a node (2) or a guest (3)");
		return;
	}
	snprintf(s->evac_node, sizeof(s->evac_node), "%s", node);
	s->evac_confirm = 0;
	s->back = s->view;
	s->view = TOP_EVAC;
	ask_plan(s, fx);
}

/* May the plan run now?  0 with the reason in the status line if not. */
static int
can_run(struct top_state *s)
{
	const char *why = NULL;

	if (s->read_only)
		snprintf(s->status, sizeof(s->status), "refused: profile %s is "
		    "read-only (read_only = yes): evacuate is not allowed",
		    s->profile);
	else if (s->evac_running)
		why = "the evacuation is running";
	else if (s->evac == NULL)
		why = s->evac_loading ? "the plan is being made" : "no plan";
	else if (s->evac->n == 0)
		why = "nothing to move: the node has no guest";
	else if (s->evac->nblocked > 0)
		snprintf(s->status, sizeof(s->status), "refused: %d guest%s "
		    "cannot move (see why): nothing is sent", s->evac->nblocked,
		    s->evac->nblocked == 1 ? "" : "s");
	else
		return 1;
	if (why)
		snprintf(s->status, sizeof(s->status), "%s", why);
	return 0;
}

/* Confirmed: each guest a queue entry, the run to cmd/top. */
static void
start_run(struct top_state *s, struct top_effects *fx)
{
	const struct pve_evac_plan *p = s->evac;
	struct top_effect *e;

	s->evac_op0 = s->next_op + 1;
	s->ops = px_xrealloc(s->ops, (size_t)(s->nops + p->n) *
	    sizeof(*s->ops));
	for (int i = 0; i < p->n; i++) {
		struct top_op *o = &s->ops[s->nops++];

		memset(o, 0, sizeof(*o));
		o->id = ++s->next_op;
		o->g = p->items[i].guest;
		snprintf(o->action, sizeof(o->action), "%s", p->items[i].ha ?
		    "ha-migrate" : "migrate");
		snprintf(o->arg, sizeof(o->arg), "%s", p->items[i].target);
		o->st = TOP_OP_RUNNING;
		o->pct = -1;
		snprintf(o->msg, sizeof(o->msg), "evacuate %s: waits its turn",
		    p->node);
	}
	s->evac_running = 1;
	s->evac_msg[0] = '\0';
	e = top_emit(fx, TE_EVAC_RUN);
	e->id = s->evac_gen;
	e->n = s->evac_op0;
	snprintf(e->g.node, sizeof(e->g.node), "%s", p->node);
	snprintf(s->status, sizeof(s->status), "evacuating %s: %d guest%s "
	    "through the gate (Q shows the queue)", p->node, p->n, p->n == 1 ?
	    "" : "s");
}

int
top_evac_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	int text = a->text && a->key[0] && !a->key[1] ? a->key[0] : 0;

	if (s->evac_confirm) {
		s->evac_confirm = 0;
		if (text == 'y' || strcmp(a->key, "Enter") == 0) {
			if (can_run(s))
				start_run(s, fx);
		} else {
			snprintf(s->status, sizeof(s->status), "not confirmed: "
			    "nothing was sent");
		}
		return 1;
	}
	if (text == 'y' || (!a->text && strcmp(a->key, "Enter") == 0)) {
		s->status[0] = '\0';
		if (can_run(s))
			s->evac_confirm = 1;
		return 1;
	}
	if (text == 'l' || text == 'R') {
		if (s->evac_running) {
			snprintf(s->status, sizeof(s->status), "the evacuation "
			    "is running");
			return 1;
		}
		if (text == 'l')
			s->evac_local = !s->evac_local;
		ask_plan(s, fx);
		return 1;
	}
	if (!a->text && strcmp(a->key, "Escape") == 0) {
		s->view = s->back != TOP_EVAC ? s->back : TOP_NODES;
		return 1;
	}
	return 0;
}

void
top_evac_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	if (a->type == TA_EVAC_PLAN) {
		if (a->id != s->evac_gen) {	/* an older plan: dropped */
			if (a->rows) {
				pve_evac_plan_free(a->rows);
				free(a->rows);
			}
			return;
		}
		s->evac_loading = 0;
		top_evac_free(s);
		if (a->rc == 0 && a->rows)
			s->evac = a->rows;
		else
			snprintf(s->evac_msg, sizeof(s->evac_msg), "%.255s",
			    a->msg);
		top_clamp(s, TOP_EVAC);
		return;
	}
	/* TA_EVAC_DONE */
	s->evac_running = 0;
	snprintf(s->evac_msg, sizeof(s->evac_msg), "%.255s", a->msg);
	snprintf(s->status, sizeof(s->status), "%s%.240s", a->rc == -2 ?
	    "refused: " : "", a->msg);
	top_fetch(s, TOP_F_GUESTS | TOP_F_NODES | TOP_F_TASKS, fx);
}

const char *
top_evac_footer(const struct top_state *s)
{
	if (s->evac_confirm)
		return "y run the evacuation  any other key cancels";
	if (s->evac_running)
		return "Esc back  j/k move  Q queue (progress)  ? keys  q quit";
	return "y run (after a dialog)  l local disks along  R plan again  "
	    "Esc back  j/k move  ? keys  q quit";
}

/* ---- drawing ---- */

static void
text_at(TickitRenderBuffer *rb, const struct top_state *s, int line,
    int col, const TickitPen *pen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
text_at(TickitRenderBuffer *rb, const struct top_state *s, int line,
    int col, const TickitPen *pen, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (line < 0 || line >= s->lines || col >= s->cols)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((int)strlen(buf) > s->cols - col)
		buf[s->cols - col] = '\0';
	tickit_renderbuffer_save(rb);
	if (pen)
		tickit_renderbuffer_setpen(rb, pen);
	text_sanitize(buf);	/* no server text drives the terminal */
	tickit_renderbuffer_text_at(rb, line, col, buf);
	tickit_renderbuffer_restore(rb);
}

/* The queue entry of guest i of the run, or NULL. */
static const struct top_op *
op_of(const struct top_state *s, int i)
{
	for (int k = 0; k < s->nops; k++)
		if (s->ops[k].id == s->evac_op0 + i)
			return &s->ops[k];
	return NULL;
}

static const char *
op_state(const struct top_op *o, char *buf, size_t n)
{
	static const char *const names[] = { "preview", "ready", "running",
		"ok", "FAILED", "refused" };

	if (o->st == TOP_OP_RUNNING && o->pct >= 0)
		snprintf(buf, n, "running %3.0f%%", o->pct);
	else
		snprintf(buf, n, "%s", names[o->st]);
	return buf;
}

void
top_evac_draw(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour)
{
	static TickitPen *head, *red, *sel, *green;
	const struct pve_evac_plan *p = s->evac;

	if (head == NULL) {
		head = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
		sel = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
		red = tickit_pen_new_attrs(TICKIT_PEN_FG, 1, TICKIT_PEN_BOLD,
		    1, -1);
		green = tickit_pen_new_attrs(TICKIT_PEN_FG, 2, -1);
	}
	if (p == NULL) {
		text_at(rb, s, y, 0, head, "Evacuate %s: %s", s->evac_node,
		    s->evac_loading ? "making the plan (nodes, HA, each "
		    "guest's preconditions) ..." : "no plan");
		if (s->evac_msg[0])
			text_at(rb, s, y + 1, 0, colour ? red : head, "%s",
			    s->evac_msg);
		return;
	}
	text_at(rb, s, y, 0, head, "Evacuate %s: %d guest%s, %d HA-managed, "
	    "%d blocked; running guests move live%s%s", p->node, p->n, p->n ==
	    1 ? "" : "s", p->nha, p->nblocked, s->evac_local ? ", local "
	    "disks copied along" : ", no local disks (l)", s->evac_running ?
	    "  RUNNING" : "");
	text_at(rb, s, y + 1, 0, head, "%-8s %-24s %-9s %-3s %-12s %-14s %s",
	    "VMID", "NAME", "STATUS", "HA", "TARGET", "STATE",
	    "BLOCKER / NOTE");
	for (int r = 0; r < rows - 3; r++) {
		int i = s->top[TOP_EVAC] + r, line = y + 2 + r;
		const struct pve_evac_item *it;
		const struct top_op *o;
		char st[32] = "";

		if (i >= p->n)
			break;
		it = &p->items[i];
		o = s->evac_op0 ? op_of(s, i) : NULL;
		if (o)
			op_state(o, st, sizeof(st));
		else if (it->blocked)
			snprintf(st, sizeof(st), "blocked");
		text_at(rb, s, line, 0, i == s->cur[TOP_EVAC] ? sel :
		    it->blocked ? (colour ? red : NULL) : o && o->st ==
		    TOP_OP_OK && colour ? green : NULL,
		    "%-8d %-24.24s %-9.9s %-3s %-12.12s %-14.14s %s",
		    it->guest.vmid, it->guest.name, it->guest.status, it->ha ? "HA" : "",
		    it->target[0] ? it->target : "-", st, it->blocked ?
		    it->why : o && o->st == TOP_OP_RUNNING && o->line[0] ?
		    o->line : o && o->st != TOP_OP_RUNNING && o->msg[0] ?
		    o->msg : it->note);
	}
	if (s->evac_msg[0])
		text_at(rb, s, y + rows - 1, 0, head, "%s", s->evac_msg);
	if (s->evac_confirm) {
		char l1[320];
		int w, top = s->lines / 2 - 2, left;

		snprintf(l1, sizeof(l1), "  Evacuate %.60s on profile %.60s: move %d "
		    "guest%s (%d through HA) through the gate?  y run  n "
		    "cancel  ", p->node, s->profile, p->n, p->n == 1 ? "" : "s",
		    p->nha);
		w = (int)strlen(l1);
		left = (s->cols - w) / 2 > 0 ? (s->cols - w) / 2 : 0;
		tickit_renderbuffer_save(rb);
		tickit_renderbuffer_setpen(rb, sel);
		for (int k = 0; k < 3; k++)
			tickit_renderbuffer_erase_at(rb, top + k, left, w);
		tickit_renderbuffer_restore(rb);
		text_at(rb, s, top + 1, left, sel, "%s", l1);
	}
}
