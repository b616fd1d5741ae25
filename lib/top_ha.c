/*
 * top_ha.c -- pxtop's HA console (O): every HA resource with the state
 * it was asked for and the one the HA manager has it in, its node, its
 * group (PVE 8) or the rules that name it (PVE 9), how often it may be
 * restarted and relocated, and the nodes it failed on; the master, the
 * quorum and what the manager thinks of each node; and a failover
 * history: the transitions of services, nodes and the master seen
 * between two reads of the manager status (PVE keeps none itself).
 *
 * Read on open and on every tick while shown (TE_HA: resources,
 * status/current, manager_status, rules); s sets a resource's state, m
 * migrates it, r relocates it: each goes to the operation queue with
 * its pre-flight preview and runs through the gate after the queue's
 * confirmation, as every pxtop action does.  Reducer part (top_impl.h)
 * and its drawing (top_draw.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "out.h"
#include "top_draw.h"
#include "top_impl.h"

static const char *const ha_states[] = { "started", "stopped", "disabled",
	"ignored", NULL };

int
top_ha_action(const char *action)
{
	return strncmp(action, "ha-", 3) == 0;
}

void
top_ha_free(struct top_state *s)
{
	struct top_ha *h = &s->ha;

	free(h->res);
	free(h->cur);
	free(h->rules);
	free(h->rows);
	pve_ha_manager_free(&h->mgr);
	pve_ha_manager_free(&h->prev);
	memset(h, 0, sizeof(*h));
}

static void
fetch(struct top_state *s, struct top_effects *fx)
{
	if (s->loading & TOP_F_HA)
		return;		/* the last read is on its way */
	s->loading |= TOP_F_HA;
	s->ha.pending = 3;	/* resources, status/current, manager */
	top_emit(fx, TE_HA);
}

void
top_ha_open(struct top_state *s, struct top_effects *fx)
{
	s->view = TOP_HA;
	s->help = 0;
	fetch(s, fx);
}

void
top_ha_tick(struct top_state *s, struct top_effects *fx)
{
	if (s->view == TOP_HA)
		fetch(s, fx);
}

/* ---- the rows ---- */

static int
row_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct top_ha_row *)a)->r.sid,
	    ((const struct top_ha_row *)b)->r.sid);
}

static void
rebuild(struct top_state *s)
{
	struct top_ha *h = &s->ha;
	char keep[64] = "";

	if (h->nrows > 0 && s->cur[TOP_HA] < h->nrows)
		snprintf(keep, sizeof(keep), "%s", h->rows[s->cur[TOP_HA]].r.sid);
	free(h->rows);
	h->rows = px_xcalloc((size_t)h->nres + 1, sizeof(*h->rows));
	h->nrows = 0;
	for (int i = 0; i < h->nres; i++) {
		struct top_ha_row *w = &h->rows[h->nrows++];
		const struct pve_ha_service *sv;

		w->r = h->res[i];
		text_sanitize(w->r.sid);
		text_sanitize(w->r.state);
		text_sanitize(w->r.group);
		text_sanitize(w->r.comment);
		if (h->mgr_known && (sv = pve_ha_manager_service(&h->mgr,
		    w->r.sid)) != NULL) {
			snprintf(w->node, sizeof(w->node), "%s", sv->node);
			snprintf(w->crm, sizeof(w->crm), "%s", sv->state);
			snprintf(w->target, sizeof(w->target), "%s",
			    sv->target);
			snprintf(w->failed, sizeof(w->failed), "%s",
			    sv->failed);
		}
		for (int k = 0; k < h->ncur && (w->node[0] == '\0' ||
		    w->crm[0] == '\0'); k++) {
			const struct pve_ha_status *c = &h->cur[k];

			if (strcmp(c->type, "service") != 0 ||
			    strcmp(c->sid, w->r.sid) != 0)
				continue;
			if (w->node[0] == '\0')
				snprintf(w->node, sizeof(w->node), "%s",
				    c->node);
			if (w->crm[0] == '\0')
				snprintf(w->crm, sizeof(w->crm), "%s",
				    c->crm_state[0] ? c->crm_state : c->state);
		}
		for (int k = 0; k < h->nrules; k++) {
			size_t len = strlen(w->rules);

			if (!pve_list_has(h->rules[k].resources, w->r.sid))
				continue;
			snprintf(w->rules + len, sizeof(w->rules) - len,
			    "%s%s", len ? "," : "", h->rules[k].rule);
		}
		text_sanitize(w->node);
		text_sanitize(w->crm);
		text_sanitize(w->rules);
	}
	qsort(h->rows, (size_t)h->nrows, sizeof(*h->rows), row_cmp);
	for (int i = 0; keep[0] && i < h->nrows; i++)
		if (strcmp(h->rows[i].r.sid, keep) == 0) {
			s->cur[TOP_HA] = i;
			break;
		}
	top_clamp(s, TOP_HA);
}

/* ---- the history ---- */

static void __attribute__((format(printf, 4, 5)))
event(struct top_state *s, long long when, const char *sid,
    const char *fmt, ...)
{
	struct top_ha *h = &s->ha;
	struct top_ha_event *ev;
	va_list ap;

	if (h->nhist == TOP_HA_HIST) {
		memmove(&h->hist[0], &h->hist[1], (TOP_HA_HIST - 1) *
		    sizeof(h->hist[0]));
		h->nhist--;
	}
	ev = &h->hist[h->nhist++];
	memset(ev, 0, sizeof(*ev));
	ev->time = when;
	snprintf(ev->sid, sizeof(ev->sid), "%s", sid);
	va_start(ap, fmt);
	vsnprintf(ev->text, sizeof(ev->text), fmt, ap);
	va_end(ap);
	text_sanitize(ev->text);
}

/* A state the operator must look at. */
static int
trouble(const char *state)
{
	static const char *const bad[] = { "fence", "recovery", "error",
		"migrate", "relocate", "freeze", NULL };

	for (int i = 0; bad[i]; i++)
		if (strcmp(state, bad[i]) == 0)
			return 1;
	return 0;
}

/* What changed from h->prev to m (the first read: what is in trouble
 * now). */
static void
history(struct top_state *s, const struct pve_ha_manager *m, long long now)
{
	const struct pve_ha_manager *o = &s->ha.prev;

	if (!s->ha.prev_known) {
		for (int i = 0; i < m->nnodes; i++)
			if (strcmp(m->nodes[i].state, "online") != 0)
				event(s, now, "", "node %s is %s",
				    m->nodes[i].node, m->nodes[i].state);
		for (int i = 0; i < m->nsvc; i++) {
			const struct pve_ha_service *v = &m->svc[i];

			if (trouble(v->state))
				event(s, now, v->sid, "%s is in %s on %s%s%s",
				    v->sid, v->state, v->node, v->target[0] ?
				    " to " : "", v->target);
			if (v->failed[0])
				event(s, now, v->sid, "%s failed to start on %s",
				    v->sid, v->failed);
		}
		return;
	}
	if (strcmp(o->master, m->master) != 0)
		event(s, now, "", "master %s -> %s", o->master[0] ? o->master :
		    "none", m->master[0] ? m->master : "none");
	if (o->quorate != m->quorate && m->quorate >= 0)
		event(s, now, "", "%s", m->quorate ? "quorum regained" :
		    "quorum lost");
	for (int i = 0; i < m->nnodes; i++) {
		const char *was = pve_ha_manager_node(o, m->nodes[i].node);

		if (was == NULL || strcmp(was, m->nodes[i].state) != 0)
			event(s, now, "", "node %s: %s -> %s",
			    m->nodes[i].node, was ? was : "new",
			    m->nodes[i].state);
	}
	for (int i = 0; i < m->nsvc; i++) {
		const struct pve_ha_service *v = &m->svc[i];
		const struct pve_ha_service *w = pve_ha_manager_service(o,
		    v->sid);

		if (w == NULL) {
			event(s, now, v->sid, "%s now HA-managed: %s on %s",
			    v->sid, v->state, v->node);
			continue;
		}
		if (strcmp(w->node, v->node) != 0)
			event(s, now, v->sid, "%s moved %s -> %s (%s)", v->sid,
			    w->node, v->node, v->state);
		else if (strcmp(w->state, v->state) != 0)
			event(s, now, v->sid, "%s on %s: %s -> %s%s%s", v->sid,
			    v->node, w->state, v->state, v->target[0] ?
			    " to " : "", v->target);
		if (v->failed[0] && strcmp(v->failed, w->failed) != 0)
			event(s, now, v->sid, "%s failed to start on %s",
			    v->sid, v->failed);
	}
	for (int i = 0; i < o->nsvc; i++)
		if (pve_ha_manager_service(m, o->svc[i].sid) == NULL)
			event(s, now, o->svc[i].sid, "%s no longer HA-managed",
			    o->svc[i].sid);
}

static void
done_one(struct top_state *s)
{
	if (s->ha.pending > 0 && --s->ha.pending == 0)
		s->loading &= ~TOP_F_HA;
}

void
top_ha_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_ha *h = &s->ha;

	(void)fx;
	switch (a->type) {
	case TA_HA_RES:
		free(h->res);
		h->res = a->rows;
		h->nres = a->n;
		h->res_known = 1;
		h->err[0] = '\0';
		done_one(s);
		break;
	case TA_HA_CUR:
		free(h->cur);
		h->cur = a->rows;
		h->ncur = a->n;
		h->cur_known = 1;
		done_one(s);
		break;
	case TA_HA_MGR: {
		struct pve_ha_manager *m = a->rows;

		if (a->n != 1 || m == NULL) {
			free(m);
			break;
		}
		if (h->since == 0)
			h->since = s->now;
		history(s, m, s->now);
		pve_ha_manager_free(&h->prev);
		pve_ha_manager_copy(&h->prev, m);
		h->prev_known = 1;
		pve_ha_manager_free(&h->mgr);
		h->mgr = *m;
		h->mgr_known = 1;
		free(m);
		done_one(s);
		break;
	}
	case TA_HA_RULES:
		free(h->rules);
		h->rules = a->rows;
		h->nrules = a->n;
		for (int i = 0; i < h->nrules; i++) {
			text_sanitize(h->rules[i].rule);
			text_sanitize(h->rules[i].resources);
		}
		break;
	default:	/* TA_FETCH_FAILED of TOP_F_HA */
		snprintf(h->err, sizeof(h->err), "%.255s", a->msg);
		text_sanitize(h->err);
		done_one(s);
		break;
	}
	a->rows = NULL;
	rebuild(s);
}

/* ---- keys ---- */

const struct top_ha_row *
top_ha_cur(const struct top_state *s)
{
	int c = s->cur[TOP_HA];

	return c >= 0 && c < s->ha.nrows ? &s->ha.rows[c] : NULL;
}

/* The guest of a row: from the cluster's list, else made of the SID. */
static struct pve_guest
guest_of(const struct top_state *s, const struct top_ha_row *w)
{
	const struct pve_guest *g = top_guest_by_vmid(s, w->r.vmid);
	struct pve_guest x;

	if (g != NULL)
		return *g;
	memset(&x, 0, sizeof(x));
	x.vmid = w->r.vmid;
	snprintf(x.type, sizeof(x.type), "%s", strcmp(w->r.type, "ct") == 0 ?
	    "lxc" : "qemu");
	snprintf(x.node, sizeof(x.node), "%s", w->node);
	snprintf(x.status, sizeof(x.status), "unknown");
	return x;
}

/* Queue action on the resource of the row: a pre-flight preview, then
 * the queue's confirmation and the gate. */
static void
queue(struct top_state *s, const struct top_ha_row *w, const char *action,
    const char *arg, struct top_effects *fx)
{
	struct top_op *o;
	struct top_effect *e;

	s->ops = px_xrealloc(s->ops, (size_t)(s->nops + 1) * sizeof(*s->ops));
	o = &s->ops[s->nops++];
	memset(o, 0, sizeof(*o));
	o->g = guest_of(s, w);
	o->id = s->next_op++;
	snprintf(o->action, sizeof(o->action), "%s", action);
	snprintf(o->arg, sizeof(o->arg), "%s", arg);
	o->st = TOP_OP_PREVIEW;
	o->pct = -1;
	e = top_emit(fx, TE_RISK);
	e->id = o->id;
	e->g = o->g;
	e->n = 1;
	snprintf(e->action, sizeof(e->action), "%s", action);
	snprintf(e->arg, sizeof(e->arg), "%s", arg);
	s->view = TOP_QUEUE;
	s->cur[TOP_QUEUE] = s->nops - 1;
	top_clamp(s, TOP_QUEUE);
	snprintf(s->status, sizeof(s->status), "%s %s %s queued: check the "
	    "pre-flight preview, then y to confirm", action + 3, w->r.sid,
	    arg);
}

/* The typed state, or a unique beginning of one; NULL if none. */
static const char *
state_of(const char *typed)
{
	const char *hit = NULL;
	size_t n = strlen(typed);

	if (n == 0)
		return NULL;
	for (int i = 0; ha_states[i]; i++) {
		if (strcmp(ha_states[i], typed) == 0)
			return ha_states[i];
		if (strncmp(ha_states[i], typed, n) == 0) {
			if (hit)
				return NULL;	/* ambiguous: st */
			hit = ha_states[i];
		}
	}
	return hit;
}

static int
node_known(const struct top_state *s, const char *node)
{
	for (int i = 0; i < s->nnodes; i++)
		if (strcmp(s->nodes[i].name, node) == 0)
			return 1;
	return 0;
}

/* The line typed at the prompt is done. */
static void
ask_done(struct top_state *s, struct top_effects *fx)
{
	struct top_ha *h = &s->ha;
	const struct top_ha_row *w = NULL;
	int ask = h->ask;

	h->ask = 0;
	for (int i = 0; i < h->nrows; i++)
		if (strcmp(h->rows[i].r.sid, h->ask_sid) == 0)
			w = &h->rows[i];
	if (w == NULL) {
		snprintf(s->status, sizeof(s->status), "%s is no longer an HA "
		    "resource: nothing queued", h->ask_sid);
		return;
	}
	if (ask == 's') {
		const char *st = state_of(h->entry);

		if (st == NULL) {
			snprintf(s->status, sizeof(s->status), "'%.40s' is not "
			    "started, stopped, disabled or ignored: nothing "
			    "queued", h->entry);
			return;
		}
		if (strcmp(st, w->r.state) == 0) {
			snprintf(s->status, sizeof(s->status), "%s is already "
			    "requested %s: nothing queued", w->r.sid, st);
			return;
		}
		queue(s, w, "ha-state", st, fx);
		return;
	}
	if (pve_valid_node(h->entry) && !node_known(s, h->entry) &&
	    top_first_list_due(s, TOP_F_NODES, s->nnodes)) {
		/* not "no node": the list has not come yet */
		snprintf(s->status, sizeof(s->status), "the node list has not "
		    "come yet: nothing queued (try again when it has)");
		return;
	}
	if (!pve_valid_node(h->entry) || !node_known(s, h->entry)) {
		snprintf(s->status, sizeof(s->status), "no node '%.60s' in the "
		    "cluster: nothing queued", h->entry);
		return;
	}
	queue(s, w, ask == 'm' ? "ha-migrate" : "ha-relocate", h->entry, fx);
}

/* A key while the prompt is open. */
static void
ask_key(struct top_state *s, const struct top_action *a,
    struct top_effects *fx)
{
	struct top_ha *h = &s->ha;
	size_t len = strlen(h->entry);

	if (!a->text && strcmp(a->key, "Escape") == 0) {
		h->ask = 0;
		snprintf(s->status, sizeof(s->status), "cancelled: nothing "
		    "queued");
	} else if (!a->text && strcmp(a->key, "Enter") == 0) {
		ask_done(s, fx);
	} else if (!a->text && (strcmp(a->key, "Backspace") == 0 ||
	    strcmp(a->key, "DEL") == 0)) {
		if (len > 0)
			h->entry[len - 1] = '\0';
	} else if (a->text && len + strlen(a->key) < sizeof(h->entry) &&
	    strspn(a->key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
	    "XYZ0123456789-.") == strlen(a->key)) {
		memcpy(h->entry + len, a->key, strlen(a->key) + 1);
	}
}

int
top_ha_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_ha *h = &s->ha;
	const struct top_ha_row *w = top_ha_cur(s);
	int c = a->text && a->key[0] && !a->key[1] ? a->key[0] : 0;

	if (h->ask) {
		ask_key(s, a, fx);
		return 1;
	}
	if (c == 'R') {
		fetch(s, fx);
		top_fetch(s, TOP_F_ALL, fx);
		snprintf(s->status, sizeof(s->status), "refreshing");
		return 1;
	}
	if (c == 'S' || c == 'd' || c == 'n' || c == 'b' || c == 'V' ||
	    c == ' ' || c == 't' || (!a->text && strcmp(a->key, "Space") ==
	    0)) {
		/* the guest keys: not on HA resources */
		snprintf(s->status, sizeof(s->status), "in the HA console: s "
		    "sets the state, m migrates, r relocates (the guest keys "
		    "work in the guest view, 3)");
		return 1;
	}
	if (c != 's' && c != 'm' && c != 'r' &&
	    !(!a->text && strcmp(a->key, "Enter") == 0))
		return 0;
	if (w == NULL) {
		snprintf(s->status, sizeof(s->status), "no HA resource "
		    "selected");
		return 1;
	}
	if (c == 0) {		/* Enter: the guest's detail */
		const struct pve_guest *g = top_guest_by_vmid(s, w->r.vmid);

		if (g)
			top_open_detail(s, g, fx);
		return 1;
	}
	if (s->read_only) {
		snprintf(s->status, sizeof(s->status), "refused: profile %s "
		    "is read-only (read_only = yes): %s is not allowed",
		    s->profile, c == 's' ? "an HA state change" : c == 'm' ?
		    "an HA migration" : "an HA relocation");
		return 1;
	}
	h->ask = c;
	h->entry[0] = '\0';
	snprintf(h->ask_sid, sizeof(h->ask_sid), "%s", w->r.sid);
	return 1;
}

const char *
top_ha_footer(const struct top_state *s)
{
	switch (s->ha.ask) {
	case 's':
		return "HA state: started, stopped, disabled or ignored  "
		    "Enter queue with a pre-flight preview  Esc cancel";
	case 'm':
		return "migrate to node (online, the guest keeps running):  "
		    "Enter queue  Esc cancel";
	case 'r':
		return "relocate to node (stopped there, started on it):  "
		    "Enter queue  Esc cancel";
	}
	return "j/k move  s set state  m migrate  r relocate  Enter guest "
	    "detail  R reload  Q queue  ? keys  q quit";
}

/* ---- drawing ---- */

static const TickitPen *
state_pen(const struct top_pens *p, const struct top_ha_row *w)
{
	if (trouble(w->crm) || strcmp(w->crm, "error") == 0 ||
	    w->failed[0])
		return p->red;
	if (w->crm[0] && strcmp(w->crm, w->r.state) != 0 &&
	    !(strcmp(w->r.state, "disabled") == 0 &&
	    strcmp(w->crm, "stopped") == 0) &&
	    strcmp(w->r.state, "ignored") != 0)
		return p->yellow;	/* not (yet) where it was asked */
	return NULL;
}

static void
clock_of(char *b, size_t n, long long epoch)
{
	time_t u = (time_t)epoch;
	struct tm tm;

	if (localtime_r(&u, &tm) == NULL ||
	    strftime(b, n, "%H:%M:%S", &tm) == 0)
		snprintf(b, n, "?");
}

void
top_draw_ha(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour)
{
	const struct top_pens *p = top_pens(colour);
	const struct top_ha *h = &s->ha;
	const struct pve_ha_manager *m = &h->mgr;
	char nodes[512] = "", c1[64], c2[64], c3[64], c4[512], t[32];
	int started = 0, other = 0, nh, list, line, first;
	size_t len = 0;

	for (int i = 0; i < m->nnodes && len + 1 < sizeof(nodes); i++)
		len += (size_t)snprintf(nodes + len, sizeof(nodes) - len,
		    "%s%s %s", i ? ", " : "", m->nodes[i].node,
		    m->nodes[i].state);
	if (len >= sizeof(nodes))
		len = sizeof(nodes) - 1;
	for (int i = 0; i < h->nrows; i++) {
		if (strcmp(h->rows[i].crm, "started") == 0)
			started++;
		else if (strcmp(h->rows[i].crm, "stopped") != 0)
			other++;
	}
	top_put(rb, s, y, 0, p->bold, "HA: %d resources, %d started, %d "
	    "in transition or trouble   master %s   %s%s", h->nrows, started,
	    other, h->mgr_known ? m->master[0] ? m->master : "none" : "?",
	    !h->mgr_known || m->quorate < 0 ? "quorum ?" : m->quorate ?
	    "quorate" : "NOT QUORATE", s->loading & TOP_F_HA ? "   loading" :
	    "");
	top_put(rb, s, y + 1, 0, m->nnodes ? NULL : p->dim, "nodes: %s",
	    m->nnodes ? nodes : "-");
	if (h->err[0])
		top_put(rb, s, y + 1, 0, p->red, "HA status: %s", h->err);
	/* the history takes the lower third */
	nh = h->nhist < rows / 3 ? h->nhist : rows / 3;
	if (nh < 2 && rows > 12)
		nh = 2;
	list = rows - 3 - nh - (nh ? 1 : 0) - (h->ask ? 1 : 0);
	top_put(rb, s, y + 2, 0, p->head, "%-10s %-16s %-10s %-10s %-14s "
	    "%-20s %-9s %s", "SID", "NAME", "NODE", "REQUESTED", "CURRENT",
	    "GROUP/RULES", "RESTARTS", "FAILED ON / COMMENT");
	/* fewer rows than top_clamp counts: keep the cursor in sight */
	first = s->top[TOP_HA];
	if (list > 0 && s->cur[TOP_HA] >= first + list)
		first = s->cur[TOP_HA] - list + 1;
	for (int r = 0; r < list; r++) {
		int i = first + r, cur;
		const struct top_ha_row *w;
		const struct pve_guest *g;
		const TickitPen *pen;
		char cur_s[128];

		line = y + 3 + r;
		if (i >= h->nrows)
			break;
		w = &h->rows[i];
		g = top_guest_by_vmid(s, w->r.vmid);
		cur = i == s->cur[TOP_HA];
		pen = state_pen(p, w);
		if (cur) {
			top_fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		snprintf(cur_s, sizeof(cur_s), "%s%s%s", w->crm[0] ? w->crm :
		    "?", w->target[0] ? ">" : "", w->target);
		snprintf(c4, sizeof(c4), "%s%s%s", w->failed[0] ?
		    "failed on " : "", w->failed, w->failed[0] ? "  " :
		    w->r.comment);
		top_put(rb, s, line, 0, pen, "%-10.10s %s %s %-10.10s "
		    "%-14.14s %s %d/%-7d %s", w->r.sid,
		    top_cell(c1, sizeof(c1), g ? g->name : "?", 16, 1),
		    top_cell(c2, sizeof(c2), w->node[0] ? w->node : "?", 10,
		    1), w->r.state, cur_s, top_cell(c3, sizeof(c3),
		    w->r.group[0] ? w->r.group : w->rules[0] ? w->rules : "-",
		    20, 1), w->r.max_restart, w->r.max_relocate, c4);
	}
	if (h->nrows == 0 && !(s->loading & TOP_F_HA))
		top_put(rb, s, y + 3, 2, NULL, "No HA resources (px ha "
		    "resource add SID adds one).");
	line = y + 3 + list;
	if (nh > 0) {
		t[0] = '\0';
		if (h->since)
			clock_of(t, sizeof(t), h->since);
		top_put(rb, s, line++, 0, p->head, "Failover history: %d "
		    "transition%s seen since %s", h->nhist, h->nhist == 1 ?
		    "" : "s", t[0] ? t : "-");
		for (int i = h->nhist - nh; i < h->nhist; i++) {
			if (i < 0)
				continue;
			clock_of(t, sizeof(t), h->hist[i].time);
			top_put(rb, s, line++, 2, strstr(h->hist[i].text,
			    "fence") || strstr(h->hist[i].text, "lost") ||
			    strstr(h->hist[i].text, "failed") ? p->red : NULL,
			    "%s  %s", t, h->hist[i].text);
		}
	}
	if (h->ask) {
		static const char *const what[] = { "set the HA state of",
			"migrate", "relocate" };
		int k = h->ask == 's' ? 0 : h->ask == 'm' ? 1 : 2;

		top_put(rb, s, y + rows - 1, 0, p->bold, "%s %s%s: %s_",
		    what[k], h->ask_sid, k ? " to node" : " to", h->entry);
	}
}
