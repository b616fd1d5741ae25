/*
 * top_state.c -- pxtop's reducer: state + action -> state + effects.
 * Pure: no I/O, no clock, no terminal.  See top_state.h; its keys,
 * palette and boards are in top_keys.c, top_palette.c and top_board.c
 * (top_impl.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "effects.h"
#include "top_impl.h"
#include "top_past.h"

static const char *const view_names[TOP_NVIEWS] = {
	"Dashboard", "Nodes", "Guests", "Storage", "Tasks", "Queue", "Audit",
	"Guest", "Task log", "Backups", "Snapshots", "Hardware", "Grep",
	"Heatmap",
	"Compare", "HA", "Profiles",
	"Evacuate", "ISO",
	"Broadcast", "Approvals"
};

static const char *const sort_names[TOP_NSORT] = {
	"vmid", "name", "node", "status", "cpu", "mem", "uptime"
};

const char *
top_view_name(enum top_view v)
{
	return v < TOP_NVIEWS ? view_names[v] : "?";
}

const char *
top_sort_name(enum top_sort k)
{
	return k < TOP_NSORT ? sort_names[k] : "?";
}

/* ---- effects ---- */

struct top_effect *
top_emit(struct top_effects *fx, enum top_eff_type t)
{
	struct top_effect *e = effects_add(&fx->e, &fx->n, &fx->cap,
	    sizeof(*fx->e));

	e->type = t;
	return e;
}

void
top_effects_clear(struct top_effects *fx)
{
	fx->n = 0;
}

void
top_effects_free(struct top_effects *fx)
{
	free(fx->e);
	memset(fx, 0, sizeof(*fx));
}

/* ---- state ---- */

void
top_state_init(struct top_state *s, const char *profile, int read_only,
    long interval_ms, int lines, int cols)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->profile, sizeof(s->profile), "%s", profile ? profile :
	    "");
	s->read_only = read_only;
	s->interval_ms = interval_ms > 0 ? interval_ms : 3000;
	s->lines = lines;
	s->cols = cols;
	s->view = s->back = TOP_DASH;
	s->sort = TOP_SORT_VMID;
	s->next_op = 1;
}

static void
free_detail(struct top_state *s)
{
	pve_kv_free(s->cfg, s->ncfg);
	s->cfg = NULL;
	s->ncfg = 0;
	free(s->snaps);
	s->snaps = NULL;
	s->nsnaps = 0;
	free(s->rrd);
	s->rrd = NULL;
	s->nrrd = 0;
	memset(&s->live, 0, sizeof(s->live));
	s->live_known = 0;
}

void
top_state_free(struct top_state *s)
{
	top_evac_free(s);
	free(s->nodes);
	free(s->guests);
	free(s->storages);
	free(s->tasks);
	free(s->vis);
	free(s->vnodes);
	free(s->vstor);
	free(s->vtasks);
	free(s->marked);
	free(s->ops);
	free_detail(s);
	pve_log_free(s->log, s->nlog);
	free(s->audit);
	free(s->bk);
	free(s->unprot);
	top_pbs_free(s);
	free(s->tree);
	free(s->pci);
	free(s->usb);
	free(s->hwuse);
	free(s->gl);
	free(s->iso);
	if (s->grep_is_re)
		regfree(&s->grep_re);
	top_compare_free(s);
	top_ha_free(s);
	top_past_free(s);
	top_bcast_free(s);
	top_appr_free(s);
	memset(s, 0, sizeof(*s));
}

int
top_body_lines(const struct top_state *s)
{
	int n = s->lines - 4;	/* header, tabs, status, footer */

	return n > 0 ? n : 0;
}

/* ---- search and filter ---- */

int
top_fuzzy(const char *text, const char *pat)
{
	const char *t = text;

	if (pat == NULL || *pat == '\0')
		return 1;
	for (const char *p = pat; *p; p++) {
		int c = tolower((unsigned char)*p);

		if (c == ' ')
			continue;
		while (*t && tolower((unsigned char)*t) != c)
			t++;
		if (*t == '\0')
			return 0;
		t++;
	}
	return 1;
}

static int
guest_search(const struct pve_guest *g, const char *pat)
{
	char id[16];

	if (pat[0] == '\0')
		return 1;
	snprintf(id, sizeof(id), "%d", g->vmid);
	return top_fuzzy(g->name, pat) || top_fuzzy(id, pat) ||
	    top_fuzzy(g->tags, pat) || top_fuzzy(g->node, pat) ||
	    top_fuzzy(g->pool, pat);
}

/* One filter term: key:value or text in the name. */
static int
guest_term(const struct pve_guest *g, const char *term, size_t len)
{
	char t[64], *v;

	if (len >= sizeof(t))
		len = sizeof(t) - 1;
	memcpy(t, term, len);
	t[len] = '\0';
	if ((v = strchr(t, ':')) == NULL)
		return strcasestr(g->name, t) != NULL;
	*v++ = '\0';
	if (strcmp(t, "node") == 0)
		return strcasecmp(g->node, v) == 0;
	if (strcmp(t, "tag") == 0)
		return pve_has_tag(g->tags, v);
	if (strcmp(t, "status") == 0)
		return strcasecmp(g->status, v) == 0;
	if (strcmp(t, "pool") == 0)
		return strcasecmp(g->pool, v) == 0;
	if (strcmp(t, "type") == 0)
		return strcasecmp(g->type, v) == 0;
	return strcasestr(g->name, t) != NULL;
}

static int
guest_filter(const struct pve_guest *g, const char *f)
{
	while (*f) {
		size_t len;

		f += strspn(f, " ");
		len = strcspn(f, " ");
		if (len && !guest_term(g, f, len))
			return 0;
		f += len;
	}
	return 1;
}

static int
cmp_guest(const void *a, const void *b, void *arg)
{
	const struct top_state *s = arg;
	const struct pve_guest *x = &s->guests[*(const int *)a];
	const struct pve_guest *y = &s->guests[*(const int *)b];
	int r = 0;

	switch (s->sort) {
	case TOP_SORT_VMID:
		break;
	case TOP_SORT_NAME:
		r = strcmp(x->name, y->name);
		break;
	case TOP_SORT_NODE:
		r = strcmp(x->node, y->node);
		break;
	case TOP_SORT_STATUS:
		r = strcmp(x->status, y->status);
		break;
	case TOP_SORT_CPU:
		r = (x->cpu > y->cpu) - (x->cpu < y->cpu);
		break;
	case TOP_SORT_MEM:
		r = (x->mem > y->mem) - (x->mem < y->mem);
		break;
	case TOP_SORT_UPTIME:
		r = (x->uptime > y->uptime) - (x->uptime < y->uptime);
		break;
	case TOP_NSORT:
		break;
	}
	if (r == 0)
		r = (x->vmid > y->vmid) - (x->vmid < y->vmid);
	return s->sort_desc ? -r : r;
}

void
top_clamp(struct top_state *s, enum top_view v)
{
	int n = top_list_len(s, v), rows = top_body_lines(s) - 2;

	if (rows < 1)
		rows = 1;
	if (s->cur[v] >= n)
		s->cur[v] = n - 1;
	if (s->cur[v] < 0)
		s->cur[v] = 0;
	if (v == TOP_TASKLOG || v == TOP_GUEST) {
		/* scrolled text: the cursor is the first line shown */
		s->top[v] = s->cur[v];
		return;
	}
	if (s->top[v] > s->cur[v])
		s->top[v] = s->cur[v];
	if (s->cur[v] >= s->top[v] + rows)
		s->top[v] = s->cur[v] - rows + 1;
	if (s->top[v] > n - rows)
		s->top[v] = n - rows;
	if (s->top[v] < 0)
		s->top[v] = 0;
}

/* Recompute the visible guests, keeping the cursor on the same VMID. */
static void
relist_guests(struct top_state *s, int keep_vmid)
{
	int k = 0;

	free(s->vis);
	s->vis = px_xcalloc((size_t)s->nguests + 1, sizeof(int));
	for (int i = 0; i < s->nguests; i++) {
		const struct pve_guest *g = &s->guests[i];

		if (s->running_only && strcmp(g->status, "running") != 0)
			continue;
		if (!guest_filter(g, s->filter) || !guest_search(g, s->search))
			continue;
		s->vis[k++] = i;
	}
	s->nvis = k;
	qsort_r(s->vis, (size_t)k, sizeof(int), cmp_guest, s);
	if (keep_vmid > 0)
		for (int i = 0; i < k; i++)
			if (s->guests[s->vis[i]].vmid == keep_vmid) {
				s->cur[TOP_GUESTS] = i;
				break;
			}
	top_clamp(s, TOP_GUESTS);
}

static void
relist_others(struct top_state *s)
{
	int k;

	free(s->vnodes);
	s->vnodes = px_xcalloc((size_t)s->nnodes + 1, sizeof(int));
	for (int i = k = 0; i < s->nnodes; i++)
		if (top_fuzzy(s->nodes[i].name, s->search))
			s->vnodes[k++] = i;
	s->nvnodes = k;
	free(s->vstor);
	s->vstor = px_xcalloc((size_t)s->nstorages + 1, sizeof(int));
	for (int i = k = 0; i < s->nstorages; i++)
		if (top_fuzzy(s->storages[i].storage, s->search) ||
		    top_fuzzy(s->storages[i].node, s->search))
			s->vstor[k++] = i;
	s->nvstor = k;
	free(s->vtasks);
	s->vtasks = px_xcalloc((size_t)s->ntasks + 1, sizeof(int));
	for (int i = k = 0; i < s->ntasks; i++) {
		const struct pve_task *t = &s->tasks[i];

		if (top_fuzzy(t->type, s->search) ||
		    top_fuzzy(t->id, s->search) ||
		    top_fuzzy(t->node, s->search) ||
		    top_fuzzy(t->user, s->search))
			s->vtasks[k++] = i;
	}
	s->nvtasks = k;
	top_clamp(s, TOP_NODES);
	top_clamp(s, TOP_STORAGE);
	top_clamp(s, TOP_TASKS);
}

void
top_relist(struct top_state *s)
{
	const struct pve_guest *g = top_cur_guest(s);

	relist_guests(s, g ? g->vmid : 0);
	relist_others(s);
}

int
top_list_len(const struct top_state *s, enum top_view v)
{
	switch (v) {
	case TOP_NODES:
		return s->nvnodes;
	case TOP_GUESTS:
		return s->nvis;
	case TOP_STORAGE:
		return s->nvstor;
	case TOP_TASKS:
		return s->nvtasks;
	case TOP_QUEUE:
		return s->nops;
	case TOP_AUDIT:
		return s->naudit;
	case TOP_TASKLOG:
		return s->nlog;
	case TOP_GUEST:
		return s->ncfg + s->nsnaps + 26;	/* + heads, tasks */
	case TOP_BACKUPS:
		return s->nvis;
	case TOP_SNAPTREE:
		return s->ntree;
	case TOP_HW:
		return s->npci + s->nusb;
	case TOP_GREP:
		return s->ngl;
	case TOP_HEAT:
		return s->nprobes;
	case TOP_COMPARE:
		return s->cmp.nrows;
	case TOP_HA:
		return s->ha.nrows;
	case TOP_PROFILES:
		return s->nprofs;
	case TOP_EVAC:
		return top_evac_len(s);
	case TOP_ISO:
		return s->niso;
	case TOP_BCAST:
		return top_bc_rows(s, -1, NULL, NULL);
	case TOP_APPR:
		return top_appr_nth(s, -1, NULL, NULL);
	default:
		return 0;
	}
}

const struct pve_guest *
top_cur_guest(const struct top_state *s)
{
	int c = s->cur[TOP_GUESTS];

	if (s->vis == NULL || c < 0 || c >= s->nvis)
		return NULL;
	return &s->guests[s->vis[c]];
}

int
top_is_marked(const struct top_state *s, int vmid)
{
	for (int i = 0; i < s->nmarked; i++)
		if (s->marked[i] == vmid)
			return 1;
	return 0;
}

void
top_mark(struct top_state *s, int vmid, int on)
{
	for (int i = 0; i < s->nmarked; i++)
		if (s->marked[i] == vmid) {
			if (!on)
				s->marked[i] = s->marked[--s->nmarked];
			return;
		}
	if (!on)
		return;
	s->marked = px_xrealloc(s->marked, (size_t)(s->nmarked + 1) *
	    sizeof(int));
	s->marked[s->nmarked++] = vmid;
}

const struct pve_guest *
top_guest_by_vmid(const struct top_state *s, int vmid)
{
	for (int i = 0; i < s->nguests; i++)
		if (s->guests[i].vmid == vmid)
			return &s->guests[i];
	return NULL;
}

/* The guest an action or a per-guest view is about: the detail's, the
 * snapshot tree's, or the one under the cursor of the guest table or the
 * backup board (both list the same guests); NULL in other views. */
const struct pve_guest *
top_selected_guest(const struct top_state *s)
{
	int c = s->cur[TOP_BACKUPS];

	switch (s->view) {
	case TOP_GUEST:
		return top_guest_by_vmid(s, s->detail_vmid);
	case TOP_SNAPTREE:
		return top_guest_by_vmid(s, s->tree_vmid);
	case TOP_BACKUPS:
		return s->vis && c >= 0 && c < s->nvis ?
		    &s->guests[s->vis[c]] : NULL;
	case TOP_GUESTS:
		return top_cur_guest(s);
	default:
		return NULL;
	}
}

static struct top_op *
op_by_id(struct top_state *s, int id)
{
	for (int i = 0; i < s->nops; i++)
		if (s->ops[i].id == id)
			return &s->ops[i];
	return NULL;
}

/* ---- fetching ---- */

long
top_stale_ms(long interval_ms)
{
	return 3 * interval_ms > TOP_STALE_MIN_MS ? 3 * interval_ms :
	    TOP_STALE_MIN_MS;
}

void
top_fetch(struct top_state *s, int what, struct top_effects *fx)
{
	what &= ~s->loading;	/* a slow answer is not asked twice */
	if (what == 0)
		return;
	s->loading |= what;
	for (int i = 0; i < TOP_NREFRESH; i++)
		if (what & (1 << i))
			s->asked[i] = s->now;
	top_emit(fx, TE_FETCH)->what = what;
}

/* An answer or a failure of the refresh's bit came: not hanging. */
static void
settled(struct top_state *s, int bit, int ok)
{
	s->loading &= ~bit;
	s->stale &= ~bit;
	for (int i = 0; ok && i < TOP_NREFRESH; i++)
		if (bit & (1 << i))
			s->got[i] = s->now;
}

/* A refresh that has hung for top_stale_ms is shown as not answering,
 * long before libcurl gives up on it (the profile's timeout times its
 * retries); its answer or its failure ends that (settled). */
static void
mark_stale(struct top_state *s)
{
	long ms = top_stale_ms(s->interval_ms);

	for (int i = 0; i < TOP_NREFRESH; i++)
		if ((s->loading & (1 << i)) && s->asked[i] > 0 &&
		    (s->now - s->asked[i]) * 1000 >= ms)
			s->stale |= 1 << i;
}

int
top_stale(const struct top_state *s, long long *wait, long long *since)
{
	long long asked = 0, got = 0;

	for (int i = 0; i < TOP_NREFRESH; i++) {
		if (!(s->stale & (1 << i)))
			continue;
		if (asked == 0 || s->asked[i] < asked)
			asked = s->asked[i];
		if (s->got[i] > 0 && (got == 0 || s->got[i] < got))
			got = s->got[i];
	}
	if (s->stale == 0)
		return 0;
	*wait = s->now > asked ? s->now - asked : 0;
	*since = got;
	return 1;
}

/*
 * The list of bit has come: each view opened before pxtop's first one
 * (top_first_list_due) waits no more, and the one shown reads it now,
 * from the lists on screen.  Also while the past is shown (top_past.h),
 * where the live list goes aside: the wait would otherwise never end.
 */
void
top_first_list_came(struct top_state *s, int bit, struct top_effects *fx)
{
	if ((bit & TOP_F_NODES) && s->probe_wait) {
		s->probe_wait = 0;
		if (s->view == TOP_HEAT)
			top_start_probes(s, fx);
	}
	if ((bit & TOP_F_GUESTS) && s->grep_wait) {
		s->grep_wait = 0;
		if (s->view == TOP_GREP)
			top_grep_reads(s, fx);
	}
	if ((bit & TOP_F_GUESTS) && s->hw_wait) {
		s->hw_wait = 0;
		if (s->view == TOP_HW)
			top_passthru_reads(s, fx);
	}
	if ((bit & TOP_F_STORAGE) && s->iso_wait) {
		s->iso_wait = 0;
		if (s->view == TOP_ISO)
			top_fetch_iso(s, fx);
	}
	if ((bit & TOP_F_STORAGE) && s->bk_wait) {
		s->bk_wait = 0;
		if (s->view == TOP_BACKUPS)
			top_backup_reads(s, fx);
	}
}

/* The detail's status/current, unless the last ask is on its way. */
static void
fetch_live(struct top_state *s, const struct pve_guest *g,
    struct top_effects *fx)
{
	if (g == NULL || (s->loading & TOP_F_STATUS))
		return;
	s->loading |= TOP_F_STATUS;
	top_emit(fx, TE_GUEST_STATUS)->g = *g;
}

static void
tick(struct top_state *s, struct top_effects *fx)
{
	mark_stale(s);
	top_fetch(s, TOP_F_ALL, fx);
	if (s->view == TOP_GUEST)	/* where it is now, if it moved */
		fetch_live(s, top_guest_by_vmid(s, s->detail_vmid), fx);
	top_emit(fx, TE_TIMER)->ms = s->interval_ms;
	if (s->view == TOP_TASKLOG && s->log_running)
		snprintf(top_emit(fx, TE_TASKLOG)->upid, 256, "%s",
		    s->log_upid);
	if (s->view == TOP_AUDIT)
		top_emit(fx, TE_AUDIT);
	top_pbs_tick(s, fx);
	top_ha_tick(s, fx);
	top_appr_tick(s, fx);
}

static void
spark_add(struct top_state *s)
{
	for (int i = 0; i < s->nnodes && i < 64; i++) {
		const struct pve_node *nd = &s->nodes[i];
		int k;

		for (k = 0; k < 64 && s->spark_node[k][0] &&
		    strcmp(s->spark_node[k], nd->name) != 0; k++)
			;
		if (k == 64)
			continue;
		if (s->spark_node[k][0] == '\0')
			snprintf(s->spark_node[k], sizeof(s->spark_node[k]),
			    "%s", nd->name);
		memmove(&s->spark[k][0], &s->spark[k][1],
		    (TOP_SPARK - 1) * sizeof(double));
		s->spark[k][TOP_SPARK - 1] = nd->online ? nd->cpu : -1;
	}
}

/* ---- actions on guests ---- */

/*
 * May action act now: not on a read-only profile, and only with guests
 * marked or one under the cursor of the guest table or detail.  0 with
 * the reason in the status line when not.
 */
int
top_can_act(struct top_state *s, const char *action)
{
	if (top_past_refuse(s, action))
		return 0;
	if (s->read_only) {
		snprintf(s->status, sizeof(s->status), "refused: profile %s "
		    "is read-only (read_only = yes): %s is not allowed",
		    s->profile, action);
		return 0;
	}
	if (s->nmarked > 0 || top_selected_guest(s) != NULL)
		return 1;
	snprintf(s->status, sizeof(s->status), "no guest selected: Space "
	    "marks guests in the guest view (3)");
	return 0;
}

static void
add_op(struct top_state *s, const struct pve_guest *g)
{
	s->ops = px_xrealloc(s->ops, (size_t)(s->nops + 1) * sizeof(*s->ops));
	memset(&s->ops[s->nops], 0, sizeof(*s->ops));
	s->ops[s->nops++].g = *g;
}

/* Queue action (with its argument: target node, snapshot name, storage)
 * on the marked guests or the highlighted one, each with a pre-flight
 * preview. */
void
top_queue_ops(struct top_state *s, const char *action, const char *arg,
    struct top_effects *fx)
{
	const struct pve_guest *cur = top_selected_guest(s);
	int first = s->nops, batch;

	if (!top_can_act(s, action))
		return;
	if (s->nmarked > 0) {
		for (int i = 0; i < s->nmarked; i++) {
			const struct pve_guest *g = top_guest_by_vmid(s,
			    s->marked[i]);

			if (g != NULL)
				add_op(s, g);
		}
	} else if (cur != NULL)
		add_op(s, cur);
	batch = s->nops - first;
	for (int i = first; i < s->nops; i++) {
		struct top_op *o = &s->ops[i];
		struct top_effect *e;

		o->id = s->next_op++;
		snprintf(o->action, sizeof(o->action), "%s", action);
		snprintf(o->arg, sizeof(o->arg), "%s", arg);
		o->st = TOP_OP_PREVIEW;
		o->pct = -1;
		e = top_emit(fx, TE_RISK);
		e->id = o->id;
		e->g = o->g;
		e->n = batch;
		snprintf(e->action, sizeof(e->action), "%s", action);
		snprintf(e->arg, sizeof(e->arg), "%s", arg);
	}
	s->nmarked = 0;
	s->view = TOP_QUEUE;
	s->cur[TOP_QUEUE] = first;
	top_clamp(s, TOP_QUEUE);
	snprintf(s->status, sizeof(s->status), "%d %s queued: check the "
	    "pre-flight preview, then y to confirm", batch, action);
}

int
top_count_ops(const struct top_state *s, enum top_op_state st)
{
	int n = 0;

	for (int i = 0; i < s->nops; i++)
		n += s->ops[i].st == st;
	return n;
}

void
top_run_ops(struct top_state *s, struct top_effects *fx)
{
	int n = top_count_ops(s, TOP_OP_READY);

	if (top_past_refuse(s, "running the queue"))
		return;
	for (int i = 0; i < s->nops; i++) {
		struct top_op *o = &s->ops[i];
		struct top_effect *e;

		if (o->st != TOP_OP_READY)
			continue;
		o->st = TOP_OP_RUNNING;
		e = top_emit(fx, TE_RUN);
		e->id = o->id;
		e->g = o->g;
		e->n = n;
		snprintf(e->action, sizeof(e->action), "%s", o->action);
		snprintf(e->arg, sizeof(e->arg), "%s", o->arg);
		snprintf(e->upid, sizeof(e->upid), "%s", o->volid);
		snprintf(e->text, sizeof(e->text), "%s", o->text);
		snprintf(e->sum, sizeof(e->sum), "%s", o->sum);
	}
	snprintf(s->status, sizeof(s->status), "%d operation%s sent through "
	    "the gate", n, n == 1 ? "" : "s");
	top_bc_started(s);
}

void
top_clear_done_ops(struct top_state *s)
{
	int k = 0;

	for (int i = 0; i < s->nops; i++)
		if (s->ops[i].st == TOP_OP_PREVIEW ||
		    s->ops[i].st == TOP_OP_RUNNING)
			s->ops[k++] = s->ops[i];
	s->nops = k;
	top_clamp(s, TOP_QUEUE);
}

void
top_go_view(struct top_state *s, enum top_view v, struct top_effects *fx)
{
	s->view = v;
	s->help = 0;
	if (v == TOP_AUDIT)
		top_emit(fx, TE_AUDIT);
	if (v == TOP_BACKUPS)
		top_fetch_backups(s, fx);
	if (v == TOP_HEAT)
		top_start_probes(s, fx);
	if (v == TOP_ISO)
		top_fetch_iso(s, fx);
}

void
top_open_detail(struct top_state *s, const struct pve_guest *g,
    struct top_effects *fx)
{
	free_detail(s);
	s->detail_vmid = g->vmid;
	if (s->view != TOP_GUEST)
		s->back = s->view;
	s->view = TOP_GUEST;
	s->cur[TOP_GUEST] = 0;
	top_emit(fx, TE_DETAIL)->g = *g;
	fetch_live(s, g, fx);
}

/* ---- the reducer ---- */

void
top_reduce(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	struct top_op *o;

	if (a->now > 0)
		s->now = a->now;
	if (top_past_reduce(s, a, fx))	/* time travel (top_past.h) */
		return;
	switch (a->type) {
	case TA_START:
	case TA_TICK:
		tick(s, fx);
		break;
	case TA_KEY:
		top_key(s, a, fx);
		break;
	case TA_RESIZE:
		s->lines = a->lines;
		s->cols = a->cols;
		for (int v = 0; v < TOP_NVIEWS; v++)
			top_clamp(s, v);
		if (s->help_top > top_nkeymap - top_help_rows(s))
			s->help_top = top_nkeymap - top_help_rows(s);
		break;
	case TA_SIGNAL:
		s->quit = 1;
		top_emit(fx, TE_QUIT);
		break;
	case TA_NODES:
		free(s->nodes);
		s->nodes = a->rows;
		s->nnodes = a->n;
		settled(s, TOP_F_NODES, 1);
		s->updated = a->now;
		spark_add(s);
		relist_others(s);
		top_first_list_came(s, TOP_F_NODES, fx);
		break;
	case TA_GUESTS: {
		const struct pve_guest *g = top_cur_guest(s);
		int keep = g ? g->vmid : 0;

		free(s->guests);
		s->guests = a->rows;
		s->nguests = a->n;
		settled(s, TOP_F_GUESTS, 1);
		s->updated = a->now;
		s->fetch_err[0] = '\0';
		relist_guests(s, keep);
		top_first_list_came(s, TOP_F_GUESTS, fx);
		break;
	}
	case TA_STORAGE:
		free(s->storages);
		s->storages = a->rows;
		s->nstorages = a->n;
		settled(s, TOP_F_STORAGE, 1);
		relist_others(s);
		top_first_list_came(s, TOP_F_STORAGE, fx);
		break;
	case TA_TASKS:
		free(s->tasks);
		s->tasks = a->rows;
		s->ntasks = a->n;
		settled(s, TOP_F_TASKS, 1);
		relist_others(s);
		break;
	case TA_FETCH_FAILED:
		if (a->what & TOP_F_ISO) {
			top_iso_reduce(s, a, fx);
			break;
		}
		if (a->what & TOP_F_PBS) {	/* not the PVE refresh's */
			top_pbs_reduce(s, a, fx);
			break;
		}
		if (a->what & TOP_F_CMP) {	/* one column of D */
			top_compare_reduce(s, a, fx);
			break;
		}
		if (a->what & TOP_F_HA) {	/* shown in the console */
			top_ha_reduce(s, a, fx);
			break;
		}
		if ((a->what & TOP_F_BACKUPS) && s->bk_pending > 0) {
			s->bk_pending--;
			s->bk_failed++;
		}
		if (a->what & TOP_F_SNAPTREE)
			s->tree_loading = 0;
		if ((a->what & TOP_F_HW) && s->hw_pending > 0)
			s->hw_pending--;
		if ((a->what & TOP_F_GREP) && s->grep_pending > 0) {
			s->grep_pending--;
			s->grep_failed++;
		}
		if (a->what & TOP_F_STORAGE)	/* no list to read from */
			s->iso_wait = s->bk_wait = 0;
		if (a->what & TOP_F_NODES)
			s->probe_wait = 0;
		if (a->what & TOP_F_GUESTS)
			s->grep_wait = s->hw_wait = 0;
		settled(s, a->what, 0);
		snprintf(s->fetch_err, sizeof(s->fetch_err), "%s", a->msg);
		break;
	case TA_CONFIG:
		if (a->id != s->detail_vmid) {
			pve_kv_free(a->rows, a->n);
			break;
		}
		pve_kv_free(s->cfg, s->ncfg);
		s->cfg = a->rows;
		s->ncfg = a->n;
		break;
	case TA_SNAPSHOTS:
		if (a->id != s->detail_vmid) {
			free(a->rows);
			break;
		}
		free(s->snaps);
		s->snaps = a->rows;
		s->nsnaps = a->n;
		break;
	case TA_TASKLOG:
		if (strcmp(a->upid, s->log_upid) != 0) {
			pve_log_free(a->rows, a->n);
			break;
		}
		pve_log_free(s->log, s->nlog);
		s->log = a->rows;
		s->nlog = a->n;
		s->log_running = a->rc == 1;
		if (s->log_running) {
			/* following: keep the end in view */
			s->cur[TOP_TASKLOG] = s->nlog - top_body_lines(s);
			top_clamp(s, TOP_TASKLOG);
		}
		break;
	case TA_AUDIT:
		free(s->audit);
		s->audit = a->rows;
		s->naudit = a->n;
		top_clamp(s, TOP_AUDIT);
		break;
	case TA_UNPROTECTED:
	case TA_BACKUPS:
	case TA_HW_PCI:
	case TA_HW_USB:
	case TA_PASSTHRU:
	case TA_PROBE:
	case TA_GREPCFG:
	case TA_SNAPTREE:
		top_board_reduce(s, a, fx);
		break;
	case TA_PBS_STORES:
	case TA_PBS_SNAPS:
	case TA_PBS_GC:
		top_pbs_reduce(s, a, fx);
		break;
	case TA_CMPCFG:
		top_compare_reduce(s, a, fx);
		break;
	case TA_HA_RES:
	case TA_HA_CUR:
	case TA_HA_MGR:
	case TA_HA_RULES:
		top_ha_reduce(s, a, fx);
		break;
	case TA_SWITCHED:
		top_profiles_switched(s, a, fx);
		break;
	case TA_PAST:		/* top_past_reduce took it */
		break;
	case TA_ISO_LIST:
		top_iso_reduce(s, a, fx);
		break;
	case TA_RRD:
		if (a->id != s->detail_vmid) {
			free(a->rows);
			break;
		}
		free(s->rrd);
		s->rrd = a->rows;
		s->nrrd = a->n;
		break;
	case TA_GUEST_STATUS:
		s->loading &= ~TOP_F_STATUS;
		if (a->id == s->detail_vmid && a->n == 1) {
			s->live = *(struct pve_guest_status *)a->rows;
			s->live_known = 1;
		}
		free(a->rows);
		break;
	case TA_NOTICE:
		snprintf(s->status, sizeof(s->status), "%.255s", a->msg);
		break;
	case TA_RISK:
		if ((o = op_by_id(s, a->id)) == NULL)
			break;
		o->risk = a->risk;
		o->previewed = 1;
		if (o->st == TOP_OP_PREVIEW)
			o->st = TOP_OP_READY;
		break;
	case TA_OP_SUBMITTED:
		if ((o = op_by_id(s, a->id)) == NULL)
			break;
		snprintf(o->upid, sizeof(o->upid), "%s", a->upid);
		snprintf(o->msg, sizeof(o->msg), "task running");
		o->await_since = 0;
		break;
	case TA_OP_PROGRESS:
		if ((o = op_by_id(s, a->id)) == NULL ||
		    o->st != TOP_OP_RUNNING)
			break;		/* a late report of a finished task */
		if (a->pct >= 0)
			o->pct = a->pct > 100 ? 100 : a->pct;
		if (a->msg[0])
			snprintf(o->line, sizeof(o->line), "%.159s", a->msg);
		break;
	case TA_OP_DONE:
		if ((o = op_by_id(s, a->id)) == NULL)
			break;
		o->st = a->rc == 0 ? TOP_OP_OK : a->rc == -2 ?
		    TOP_OP_REFUSED : TOP_OP_FAILED;
		o->await_since = 0;
		snprintf(o->msg, sizeof(o->msg), "%s", a->msg);
		if (a->upid[0])
			snprintf(o->upid, sizeof(o->upid), "%s", a->upid);
		top_fetch(s, TOP_F_GUESTS | TOP_F_TASKS, fx);
		if (strcmp(o->action, "rmvolume") == 0)
			top_fetch_iso(s, fx);	/* the library without it */
		if (strcmp(o->action, "exec") == 0)
			top_bc_done(s, o);
		if (strcmp(o->action, "upload") == 0 ||
		    strcmp(o->action, "download-url") == 0)
			top_iso_op_done(s, o, fx);
		break;
	case TA_BC_OUT:
		top_bcast_reduce(s, a, fx);
		break;
	case TA_APPR_LIST:
	case TA_APPR_DONE:
	case TA_OP_AWAIT:
		top_appr_reduce(s, a, fx);
		break;
	case TA_EVAC_PLAN:
	case TA_EVAC_DONE:
		top_evac_reduce(s, a, fx);
		break;
	}
	a->rows = NULL;
}

