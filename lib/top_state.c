/*
 * top_state.c -- pxtop's reducer: state + action -> state + effects.
 * Pure: no I/O, no clock, no terminal.  See top_state.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pve_cluster.h"
#include "top_state.h"

static const char *const view_names[TOP_NVIEWS] = {
	"Dashboard", "Nodes", "Guests", "Storage", "Tasks", "Queue", "Audit",
	"Guest", "Task log", "Backups", "Snapshots", "Hardware", "Grep",
	"Heatmap"
};

static const char *const sort_names[TOP_NSORT] = {
	"vmid", "name", "node", "status", "cpu", "mem", "uptime"
};

/* The keymap overlay (?); man/pxtop.1 says the same. */
const char *const top_keymap[] = {
	"1 Dashboard  2 Nodes  3 Guests  4 Storage  5 Tasks",
	"Q operation queue  T audit timeline  Tab next view",
	"B backup board (last backup, job coverage; red: none, old or",
	"  no job)  Z snapshot tree of the selected guest",
	"W hardware of the selected node: PCI/USB, IOMMU groups, which",
	"  guest passes what through (red: several guests, one device)",
	"G      search every guest config: text, or /regex/",
	"H      heatmap: API round-trip per node, median, worst, bucket",
	":      command palette: :start 100 101, :migrate 100 pve2,",
	"       :snapshot 100 name, :backup 100 storage, :sort cpu desc,",
	"       :filter tag:web, :profile NAME, :refresh, :quit",
	"C-k    quick open: jump to a guest, node, storage or view by name",
	"j/k or Down/Up move, PageDown/PageUp or C-d/C-u page,",
	"  g or Home first, End last",
	"Enter  open: guest detail, task log, guests of a node;",
	"       in the queue: confirm",
	"Esc    back from a detail or log; clear the search",
	"/      incremental search (names, VMIDs, tags, nodes, pools)",
	"f      filter guests: node:N tag:T status:S pool:P type:T text",
	"i      running guests only    < > sort column    o order",
	"Space  mark guest    V mark all shown    t mark by tag",
	"u      unmark all",
	"s start  S shutdown  r reboot  d delete  m migrate (asks the",
	"       node)  n snapshot (asks a name)  b backup (asks the",
	"       storage): the marked guests or the one under the cursor,",
	"       to the queue with a pre-flight preview",
	"y      in the queue: run the ready operations (after a dialog)",
	"c      in the queue: clear finished operations",
	"R      refresh now    ? this keymap    q or C-c quit",
};

const int top_nkeymap = (int)(sizeof(top_keymap) / sizeof(top_keymap[0]));

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

static struct top_effect *
emit(struct top_effects *fx, enum top_eff_type t)
{
	struct top_effect *e;

	if (fx->n == fx->cap) {
		fx->cap = fx->cap ? fx->cap * 2 : 16;
		fx->e = px_xrealloc(fx->e, (size_t)fx->cap * sizeof(*fx->e));
	}
	e = &fx->e[fx->n++];
	memset(e, 0, sizeof(*e));
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
	free(s->tree);
	free(s->pci);
	free(s->usb);
	free(s->hwuse);
	free(s->gl);
	if (s->grep_is_re)
		regfree(&s->grep_re);
	memset(s, 0, sizeof(*s));
}

int
top_help_rows(const struct top_state *s)
{
	int n = s->lines - 2;	/* the box's title and bottom lines */

	if (n > top_nkeymap)
		n = top_nkeymap;
	return n > 1 ? n : 1;
}

/* A key while the keymap is shown: j/k, arrows, pages, g/G scroll it;
 * 0 for any other key, which closes it. */
static int
help_key(struct top_state *s, const struct top_action *a)
{
	int rows = top_help_rows(s), last = top_nkeymap - rows;
	int t = s->help_top;

	if (a->text && strcmp(a->key, "j") == 0)
		t++;
	else if (a->text && strcmp(a->key, "k") == 0)
		t--;
	else if (a->text && strcmp(a->key, "g") == 0)
		t = 0;
	else if (a->text && strcmp(a->key, "G") == 0)
		t = last;
	else if (a->text)
		return 0;
	else if (strcmp(a->key, "Down") == 0)
		t++;
	else if (strcmp(a->key, "Up") == 0)
		t--;
	else if (strcmp(a->key, "PageDown") == 0 || strcmp(a->key, "C-d") == 0)
		t += rows;
	else if (strcmp(a->key, "PageUp") == 0 || strcmp(a->key, "C-u") == 0)
		t -= rows;
	else if (strcmp(a->key, "Home") == 0)
		t = 0;
	else if (strcmp(a->key, "End") == 0)
		t = last;
	else
		return 0;
	s->help_top = t > last ? last : t < 0 ? 0 : t;
	return 1;
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

static int list_len(const struct top_state *s, enum top_view v);

static void
clamp(struct top_state *s, enum top_view v)
{
	int n = list_len(s, v), rows = top_body_lines(s) - 2;

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
	clamp(s, TOP_GUESTS);
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
	clamp(s, TOP_NODES);
	clamp(s, TOP_STORAGE);
	clamp(s, TOP_TASKS);
}

static void
relist(struct top_state *s)
{
	const struct pve_guest *g = top_cur_guest(s);

	relist_guests(s, g ? g->vmid : 0);
	relist_others(s);
}

static int
list_len(const struct top_state *s, enum top_view v)
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

static void
mark(struct top_state *s, int vmid, int on)
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

static const struct pve_guest *
guest_by_vmid(const struct top_state *s, int vmid)
{
	for (int i = 0; i < s->nguests; i++)
		if (s->guests[i].vmid == vmid)
			return &s->guests[i];
	return NULL;
}

/* The guest an action or a per-guest view is about: the detail's, the
 * snapshot tree's, or the one under the cursor of the guest table or the
 * backup board (both list the same guests); NULL in other views. */
static const struct pve_guest *
selected_guest(const struct top_state *s)
{
	int c = s->cur[TOP_BACKUPS];

	switch (s->view) {
	case TOP_GUEST:
		return guest_by_vmid(s, s->detail_vmid);
	case TOP_SNAPTREE:
		return guest_by_vmid(s, s->tree_vmid);
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

static void
fetch(struct top_state *s, int what, struct top_effects *fx)
{
	what &= ~s->loading;	/* a slow answer is not asked twice */
	if (what == 0)
		return;
	s->loading |= what;
	for (int i = 0; i < TOP_NREFRESH; i++)
		if (what & (1 << i))
			s->asked[i] = s->now;
	emit(fx, TE_FETCH)->what = what;
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

/* The detail's status/current, unless the last ask is on its way. */
static void
fetch_live(struct top_state *s, const struct pve_guest *g,
    struct top_effects *fx)
{
	if (g == NULL || (s->loading & TOP_F_STATUS))
		return;
	s->loading |= TOP_F_STATUS;
	emit(fx, TE_GUEST_STATUS)->g = *g;
}

static void
tick(struct top_state *s, struct top_effects *fx)
{
	mark_stale(s);
	fetch(s, TOP_F_ALL, fx);
	if (s->view == TOP_GUEST)	/* where it is now, if it moved */
		fetch_live(s, guest_by_vmid(s, s->detail_vmid), fx);
	emit(fx, TE_TIMER)->ms = s->interval_ms;
	if (s->view == TOP_TASKLOG && s->log_running)
		snprintf(emit(fx, TE_TASKLOG)->upid, 256, "%s", s->log_upid);
	if (s->view == TOP_AUDIT)
		emit(fx, TE_AUDIT);
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
static int
can_act(struct top_state *s, const char *action)
{
	if (s->read_only) {
		snprintf(s->status, sizeof(s->status), "refused: profile %s "
		    "is read-only (read_only = yes): %s is not allowed",
		    s->profile, action);
		return 0;
	}
	if (s->nmarked > 0 || selected_guest(s) != NULL)
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
static void
queue_ops(struct top_state *s, const char *action, const char *arg,
    struct top_effects *fx)
{
	const struct pve_guest *cur = selected_guest(s);
	int first = s->nops, batch;

	if (!can_act(s, action))
		return;
	if (s->nmarked > 0) {
		for (int i = 0; i < s->nmarked; i++) {
			const struct pve_guest *g = guest_by_vmid(s,
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
		e = emit(fx, TE_RISK);
		e->id = o->id;
		e->g = o->g;
		e->n = batch;
		snprintf(e->action, sizeof(e->action), "%s", action);
		snprintf(e->arg, sizeof(e->arg), "%s", arg);
	}
	s->nmarked = 0;
	s->view = TOP_QUEUE;
	s->cur[TOP_QUEUE] = first;
	clamp(s, TOP_QUEUE);
	snprintf(s->status, sizeof(s->status), "%d %s queued: check the "
	    "pre-flight preview, then y to confirm", batch, action);
}

static int
holds_backups(const struct pve_storage *st)
{
	char c[sizeof(st->content) + 2];

	snprintf(c, sizeof(c), ",%s,", st->content);
	return strstr(c, ",backup,") != NULL;
}

int
top_grep_match(const struct top_state *s, const char *key, const char *value)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s: %s", key, value ? value : "");
	if (s->grep_is_re)
		return regexec(&s->grep_re, line, 0, NULL, 0) == 0;
	return s->grep[0] && strcasestr(line, s->grep) != NULL;
}

/* G: search the config of every guest for the typed text or /regex/
 * (extended, case-insensitive).  Rows arrive per guest. */
static void
start_grep(struct top_state *s, const char *pat, struct top_effects *fx)
{
	size_t len = strlen(pat);
	int re = len >= 2 && pat[0] == '/' && pat[len - 1] == '/';
	regex_t rx;

	if (len == 0 || (re && len == 2)) {
		snprintf(s->status, sizeof(s->status), "nothing to search for");
		return;
	}
	if (re) {
		char r[64];

		snprintf(r, sizeof(r), "%.*s", (int)len - 2, pat + 1);
		if (regcomp(&rx, r, REG_EXTENDED | REG_ICASE | REG_NOSUB) !=
		    0) {
			snprintf(s->status, sizeof(s->status), "'%.60s' is not "
			    "an extended regular expression", r);
			return;		/* the last search stays */
		}
	}
	if (s->grep_is_re)
		regfree(&s->grep_re);
	s->grep_is_re = re;
	if (re)
		s->grep_re = rx;
	snprintf(s->grep, sizeof(s->grep), "%s", pat);
	free(s->gl);
	s->gl = NULL;
	s->ngl = 0;
	s->grep_failed = 0;
	s->grep_pending = s->grep_asked = s->nguests;
	for (int i = 0; i < s->nguests; i++)
		emit(fx, TE_GREPCFG)->g = s->guests[i];
	s->cur[TOP_GREP] = s->top[TOP_GREP] = 0;
	if (s->view != TOP_GREP)
		s->back = s->view;
	s->view = TOP_GREP;
}

/* ---- quick open (C-k) ---- */

/* The views quick open can jump to (the per-selection ones need a
 * selection: Z, W). */
static const enum top_view quick_views[] = {
	TOP_DASH, TOP_NODES, TOP_GUESTS, TOP_STORAGE, TOP_TASKS, TOP_QUEUE,
	TOP_AUDIT, TOP_BACKUPS, TOP_HEAT
};

static void
quick_add(struct top_state *s, enum top_quick_kind kind, int idx,
    const char *label)
{
	struct top_quick *q;

	for (int i = 0; i < s->nquick; i++)
		if (s->quick[i].kind == kind && s->quick[i].idx == idx)
			return;
	if (s->nquick == TOP_NQUICK) {
		s->quick_more++;
		return;
	}
	q = &s->quick[s->nquick++];
	q->kind = kind;
	q->idx = idx;
	snprintf(q->label, sizeof(q->label), "%s", label);
}

/* One pass over every candidate: exact substrings in the first, fuzzy
 * matches in the second, so that "web" puts web-01 before w-e-b. */
static void
quick_pass(struct top_state *s, const char *t, int fuzzy)
{
	char label[96], id[16];

#define HIT(text) (fuzzy ? top_fuzzy((text), t) : \
	strcasestr((text), t) != NULL)
	for (size_t i = 0; i < sizeof(quick_views) / sizeof(quick_views[0]);
	    i++)
		if (HIT(top_view_name(quick_views[i]))) {
			snprintf(label, sizeof(label), "view  %s",
			    top_view_name(quick_views[i]));
			quick_add(s, TOP_Q_VIEW, (int)quick_views[i], label);
		}
	for (int i = 0; i < s->nnodes; i++)
		if (HIT(s->nodes[i].name)) {
			snprintf(label, sizeof(label), "node  %s (%s)",
			    s->nodes[i].name, s->nodes[i].status);
			quick_add(s, TOP_Q_NODE, i, label);
		}
	for (int i = 0; i < s->nstorages; i++)
		if (HIT(s->storages[i].storage)) {
			snprintf(label, sizeof(label), "storage  %.40s@%.40s",
			    s->storages[i].storage, s->storages[i].node);
			quick_add(s, TOP_Q_STORAGE, i, label);
		}
	for (int i = 0; i < s->nguests; i++) {
		const struct pve_guest *g = &s->guests[i];

		snprintf(id, sizeof(id), "%d", g->vmid);
		if (HIT(g->name) || HIT(id)) {
			snprintf(label, sizeof(label), "%s  %d %.40s on %.20s "
			    "(%.12s)", g->type[0] == 'l' ? "CT" : "VM", g->vmid,
			    g->name, g->node, g->status);
			quick_add(s, TOP_Q_GUEST, i, label);
		}
	}
#undef HIT
}

static void
quick_update(struct top_state *s)
{
	s->nquick = s->quick_more = s->quick_cur = 0;
	quick_pass(s, s->entry, 0);
	if (s->entry[0])
		quick_pass(s, s->entry, 1);
}

static void go_view(struct top_state *s, enum top_view v,
    struct top_effects *fx);
static void open_detail(struct top_state *s, const struct pve_guest *g,
    struct top_effects *fx);
static int count_ops(const struct top_state *s, enum top_op_state st);
static void prompt_done(struct top_state *s, struct top_effects *fx);

/* Jump to the chosen candidate. */
static void
quick_jump(struct top_state *s, struct top_effects *fx)
{
	const struct top_quick *q;

	if (s->nquick == 0) {
		snprintf(s->status, sizeof(s->status), "nothing matches "
		    "'%.60s'", s->entry);
		return;
	}
	q = &s->quick[s->quick_cur];
	/* the lists must show it: no search in the way */
	if (s->search[0] && q->kind != TOP_Q_VIEW) {
		s->search[0] = '\0';
		relist(s);
	}
	switch (q->kind) {
	case TOP_Q_VIEW:
		go_view(s, (enum top_view)q->idx, fx);
		break;
	case TOP_Q_NODE:
		s->view = TOP_NODES;
		for (int i = 0; i < s->nvnodes; i++)
			if (s->vnodes[i] == q->idx)
				s->cur[TOP_NODES] = i;
		clamp(s, TOP_NODES);
		break;
	case TOP_Q_STORAGE:
		s->view = TOP_STORAGE;
		for (int i = 0; i < s->nvstor; i++)
			if (s->vstor[i] == q->idx)
				s->cur[TOP_STORAGE] = i;
		clamp(s, TOP_STORAGE);
		break;
	case TOP_Q_GUEST:
		for (int i = 0; i < s->nvis; i++)
			if (s->vis[i] == q->idx)
				s->cur[TOP_GUESTS] = i;
		clamp(s, TOP_GUESTS);
		if (s->view == TOP_GUEST)
			s->view = TOP_GUESTS;
		open_detail(s, &s->guests[q->idx], fx);
		break;
	}
}

/* ---- the command palette (:) ---- */

static int queue_by_vmid(struct top_state *s, enum top_input in,
    const char *action, int argc, char **argv, struct top_effects *fx);

static void
run_command(struct top_state *s, const char *line, struct top_effects *fx)
{
	static const char *const simple[] = { "start", "shutdown", "reboot",
		"delete" };
	char buf[sizeof(s->entry)], *argv[16], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 16;
	    tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	if (argc == 0)
		return;
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (strcmp(argv[0], simple[i]) == 0) {
			queue_by_vmid(s, TOP_IN_NONE, simple[i], argc - 1,
			    argv + 1, fx);
			return;
		}
	if (strcmp(argv[0], "migrate") == 0 || strcmp(argv[0], "snapshot") ==
	    0 || strcmp(argv[0], "backup") == 0) {
		enum top_input in = argv[0][0] == 'm' ? TOP_IN_MIGRATE :
		    argv[0][0] == 's' ? TOP_IN_SNAPNAME : TOP_IN_STORAGE;

		if (argc < 3) {
			snprintf(s->status, sizeof(s->status), "usage: :%s "
			    "vmid ... %s", argv[0], in == TOP_IN_MIGRATE ?
			    "node" : in == TOP_IN_SNAPNAME ? "name" :
			    "storage");
			return;
		}
		queue_by_vmid(s, in, argv[0], argc - 2, argv + 1, fx);
		return;
	}
	if (strcmp(argv[0], "sort") == 0 && argc >= 2) {
		for (int k = 0; k < TOP_NSORT; k++)
			if (strcmp(argv[1], top_sort_name(k)) == 0) {
				s->sort = k;
				s->sort_desc = argc > 2 && strcmp(argv[2],
				    "desc") == 0;
				relist(s);
				s->view = TOP_GUESTS;
				return;
			}
		snprintf(s->status, sizeof(s->status), "sort by vmid, name, "
		    "node, status, cpu, mem or uptime, not '%.40s'", argv[1]);
		return;
	}
	if (strcmp(argv[0], "profile") == 0 && argc == 2) {
		if (count_ops(s, TOP_OP_PREVIEW) + count_ops(s, TOP_OP_READY) +
		    count_ops(s, TOP_OP_RUNNING) > 0) {
			snprintf(s->status, sizeof(s->status), "operations are "
			    "queued or running: finish or clear them (Q, c) "
			    "before switching profiles");
			return;
		}
		snprintf(emit(fx, TE_PROFILE)->arg, sizeof(fx->e[0].arg), "%s",
		    argv[1]);
		snprintf(s->status, sizeof(s->status), "switching to profile "
		    "%.60s", argv[1]);
		return;
	}
	if (strcmp(argv[0], "filter") == 0) {
		s->filter[0] = '\0';
		for (int i = 1; i < argc; i++)
			snprintf(s->filter + strlen(s->filter),
			    sizeof(s->filter) - strlen(s->filter), "%s%s",
			    i > 1 ? " " : "", argv[i]);
		relist(s);
		s->view = TOP_GUESTS;
		return;
	}
	if (strcmp(argv[0], "refresh") == 0) {
		fetch(s, TOP_F_ALL, fx);
		return;
	}
	if (strcmp(argv[0], "q") == 0 || strcmp(argv[0], "quit") == 0) {
		s->quit = 1;
		emit(fx, TE_QUIT);
		return;
	}
	snprintf(s->status, sizeof(s->status), "unknown command '%.40s': "
	    "start shutdown reboot delete vmid...; migrate vmid... node; "
	    "snapshot vmid... name; backup vmid... storage; sort column "
	    "[desc]; filter terms; profile name; refresh; quit", argv[0]);
}

/*
 * The palette's actions: the VMIDs argv[0..argc) become the selection for
 * this one action (the marks are kept aside and put back), then either
 * queued at once or, for in (migrate, snapshot, backup), with argv[argc]
 * as the prompt's answer.
 */
static int
queue_by_vmid(struct top_state *s, enum top_input in, const char *action,
    int argc, char **argv, struct top_effects *fx)
{
	int *saved = s->marked, nsaved = s->nmarked;

	if (!s->read_only && argc == 0) {
		snprintf(s->status, sizeof(s->status), "usage: :%s vmid ...",
		    action);
		return -1;
	}
	if (s->read_only)
		return can_act(s, action) ? 0 : -1;	/* says why */
	s->marked = NULL;
	s->nmarked = 0;
	for (int i = 0; i < argc; i++) {
		int vmid = pve_parse_vmid(argv[i]);

		if (vmid < 0 || guest_by_vmid(s, vmid) == NULL) {
			snprintf(s->status, sizeof(s->status), "no guest "
			    "'%.40s' in the cluster: nothing queued", argv[i]);
			goto out;
		}
		mark(s, vmid, 1);
	}
	if (in == TOP_IN_NONE) {
		queue_ops(s, action, "", fx);
	} else {
		s->input = in;
		snprintf(s->entry, sizeof(s->entry), "%s", argv[argc]);
		prompt_done(s, fx);
	}
out:
	free(s->marked);
	s->marked = saved;
	s->nmarked = nsaved;
	return 0;
}

/* The line typed after m, n or b: checked, then the operations queued. */
static void
prompt_done(struct top_state *s, struct top_effects *fx)
{
	const char *v = s->entry;
	int found = 0;

	switch (s->input) {
	case TOP_IN_MIGRATE:
		for (int i = 0; i < s->nnodes && !found; i++)
			found = strcmp(s->nodes[i].name, v) == 0;
		if (!found && (s->nnodes > 0 || !pve_valid_node(v))) {
			snprintf(s->status, sizeof(s->status), "no node '%.64s' "
			    "in the cluster: nothing queued (2 lists the "
			    "nodes)", v);
			return;
		}
		queue_ops(s, "migrate", v, fx);
		return;
	case TOP_IN_SNAPNAME:
		if (!pve_valid_snapname(v)) {
			snprintf(s->status, sizeof(s->status), "'%.64s' is not "
			    "a snapshot name (a letter, then letters, digits, "
			    "- and _; at most 40; not 'current'): nothing "
			    "queued", v);
			return;
		}
		queue_ops(s, "snapshot", v, fx);
		return;
	case TOP_IN_STORAGE:
		for (int i = 0; i < s->nstorages && !found; i++)
			found = strcmp(s->storages[i].storage, v) == 0 &&
			    holds_backups(&s->storages[i]);
		if (!found && (s->nstorages > 0 || v[0] == '\0')) {
			snprintf(s->status, sizeof(s->status), "no storage "
			    "'%.64s' that holds backups: nothing queued (4 "
			    "lists the storage)", v);
			return;
		}
		queue_ops(s, "backup", v, fx);
		return;
	case TOP_IN_GREP:
		start_grep(s, v, fx);
		return;
	case TOP_IN_CMD:
		run_command(s, v, fx);
		return;
	case TOP_IN_QUICK:
		quick_jump(s, fx);
		return;
	default:
		return;
	}
}

static int
count_ops(const struct top_state *s, enum top_op_state st)
{
	int n = 0;

	for (int i = 0; i < s->nops; i++)
		n += s->ops[i].st == st;
	return n;
}

static void
run_ops(struct top_state *s, struct top_effects *fx)
{
	int n = count_ops(s, TOP_OP_READY);

	for (int i = 0; i < s->nops; i++) {
		struct top_op *o = &s->ops[i];
		struct top_effect *e;

		if (o->st != TOP_OP_READY)
			continue;
		o->st = TOP_OP_RUNNING;
		e = emit(fx, TE_RUN);
		e->id = o->id;
		e->g = o->g;
		e->n = n;
		snprintf(e->action, sizeof(e->action), "%s", o->action);
		snprintf(e->arg, sizeof(e->arg), "%s", o->arg);
	}
	snprintf(s->status, sizeof(s->status), "%d operation%s sent through "
	    "the gate", n, n == 1 ? "" : "s");
}

static void
clear_done_ops(struct top_state *s)
{
	int k = 0;

	for (int i = 0; i < s->nops; i++)
		if (s->ops[i].st == TOP_OP_PREVIEW ||
		    s->ops[i].st == TOP_OP_RUNNING)
			s->ops[k++] = s->ops[i];
	s->nops = k;
	clamp(s, TOP_QUEUE);
}

/* ---- keys ---- */

static int
key_is(const struct top_action *a, const char *name)
{
	return strcmp(a->key, name) == 0;
}

static int
text_is(const struct top_action *a, const char *t)
{
	return a->text && strcmp(a->key, t) == 0;
}

static int holds_backups(const struct pve_storage *st);

/* Ask for the backup board's data: not-backed-up, and the backup content
 * of every available storage that holds backups (a shared one once). */
static void
fetch_backups(struct top_state *s, struct top_effects *fx)
{
	if (s->bk_pending > 0 || (s->loading & TOP_F_UNPROT))
		return;		/* the last round is still on its way */
	s->loading |= TOP_F_UNPROT;
	emit(fx, TE_UNPROTECTED);
	free(s->bk);
	s->bk = NULL;
	s->nbk = 0;
	s->bk_failed = 0;
	for (int i = 0; i < s->nstorages; i++) {
		const struct pve_storage *st = &s->storages[i];
		struct top_effect *e;
		int dup = 0;

		if (!holds_backups(st) || strcmp(st->status, "available") != 0)
			continue;
		for (int k = 0; k < i && st->shared; k++)
			dup |= s->storages[k].shared && strcmp(s->storages[k]
			    .storage, st->storage) == 0 &&
			    holds_backups(&s->storages[k]) &&
			    strcmp(s->storages[k].status, "available") == 0;
		if (dup)
			continue;
		e = emit(fx, TE_BACKUPS);
		snprintf(e->g.node, sizeof(e->g.node), "%s", st->node);
		snprintf(e->arg, sizeof(e->arg), "%s", st->storage);
		s->bk_pending++;
	}
}

/* Z: the snapshot tree of the selected guest. */
static void
open_snaptree(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = selected_guest(s);

	if (g == NULL) {
		snprintf(s->status, sizeof(s->status), "no guest selected: "
		    "pick one in the guest view (3), then Z");
		return;
	}
	if (g->vmid != s->tree_vmid) {
		free(s->tree);
		s->tree = NULL;
		s->ntree = 0;
	}
	s->tree_vmid = g->vmid;
	s->tree_guest = *g;
	s->tree_loading = 1;
	s->cur[TOP_SNAPTREE] = 0;
	emit(fx, TE_SNAPTREE)->g = *g;
	if (s->view != TOP_SNAPTREE)
		s->back = s->view;
	s->view = TOP_SNAPTREE;
}

/* W: the PCI and USB devices of the selected node (the node under the
 * cursor of the node view, the selected guest's, else the first) and
 * the passthrough entries of the QEMU guests on it. */
static void
open_hw(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = selected_guest(s);
	const char *node = NULL;

	if (s->view == TOP_NODES && s->nvnodes > 0)
		node = s->nodes[s->vnodes[s->cur[TOP_NODES]]].name;
	else if (g != NULL)
		node = g->node;
	else if (s->view == TOP_HW && s->hw_node[0])
		node = s->hw_node;
	else if (s->nnodes > 0)
		node = s->nodes[0].name;
	if (node == NULL) {
		snprintf(s->status, sizeof(s->status), "no node known yet");
		return;
	}
	if (strcmp(node, s->hw_node) != 0) {
		snprintf(s->hw_node, sizeof(s->hw_node), "%s", node);
		free(s->pci);
		free(s->usb);
		s->pci = NULL;
		s->usb = NULL;
		s->npci = s->nusb = 0;
		s->cur[TOP_HW] = 0;
	}
	free(s->hwuse);
	s->hwuse = NULL;
	s->nhwuse = 0;
	snprintf(emit(fx, TE_HW)->g.node, sizeof(fx->e[0].g.node), "%s",
	    s->hw_node);
	s->hw_pending = 2;
	for (int i = 0; i < s->nguests; i++)
		if (strcmp(s->guests[i].node, s->hw_node) == 0 &&
		    strcmp(s->guests[i].type, "qemu") == 0) {
			emit(fx, TE_PASSTHRU)->g = s->guests[i];
			s->hw_pending++;
		}
	if (s->view != TOP_HW && s->view != TOP_GUEST &&
	    s->view != TOP_SNAPTREE)
		s->back = s->view;
	s->view = TOP_HW;
}

static int
same_usb(const struct pve_usb *u, const char *host)
{
	char id[40], path[40];

	snprintf(id, sizeof(id), "%s:%s", u->vendid + (strncmp(u->vendid,
	    "0x", 2) == 0 ? 2 : 0), u->prodid + (strncmp(u->prodid, "0x",
	    2) == 0 ? 2 : 0));
	snprintf(path, sizeof(path), "%d-%s", u->busnum, u->usbpath);
	return strcasecmp(id, host) == 0 || strcmp(u->usbpath, host) == 0 ||
	    strcmp(path, host) == 0;
}

/* Does the host= of passthrough entry p name PCI device pci (one of its
 * ';'-separated addresses, all functions of a slot included)? */
static int
same_pci(const struct pve_pci *pci, const char *host)
{
	char one[64], norm[64];

	while (*host) {
		size_t len = strcspn(host, ";");

		snprintf(one, sizeof(one), "%.*s", (int)(len < 63 ? len : 63),
		    host);
		pve_pci_norm(one, norm, sizeof(norm));
		if (pve_pci_same(norm, pci->id))
			return 1;
		host += len;
		host += *host == ';';
	}
	return 0;
}

int
top_hw_users(const struct top_state *s, int i, char *buf, size_t n)
{
	int users = 0, last = 0;
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < s->nhwuse; k++) {
		const struct top_hwuse *u = &s->hwuse[k];
		int hit;

		if (i < s->npci)
			hit = strcmp(u->p.kind, "pci") == 0 &&
			    same_pci(&s->pci[i], u->p.host);
		else if (i - s->npci < s->nusb)
			hit = strcmp(u->p.kind, "usb") == 0 &&
			    same_usb(&s->usb[i - s->npci], u->p.host);
		else
			hit = 0;
		if (!hit || u->vmid == last)
			continue;
		last = u->vmid;
		users++;
		if (len + 16 < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%d(%s)",
			    len ? " " : "", u->vmid, u->p.key);
	}
	return users;
}

int
top_bucket(double ms)
{
	if (ms < 0)
		return -1;
	return ms < 50 ? 0 : ms < 200 ? 1 : ms < 1000 ? 2 : 3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
top_probe_median(const struct top_probe *p)
{
	double v[TOP_PROBES];
	int k = 0;

	for (int i = 0; i < p->n; i++)
		if (p->ms[i] >= 0)
			v[k++] = p->ms[i];
	if (k == 0)
		return -1;
	qsort(v, (size_t)k, sizeof(double), cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

double
top_probe_worst(const struct top_probe *p)
{
	double w = -1;

	for (int i = 0; i < p->n; i++)
		if (p->ms[i] > w)
			w = p->ms[i];
	return w;
}

/* H: probe every online node TOP_PROBES times, one probe at a time per
 * node (each answer asks the next), all nodes at once. */
static void
start_probes(struct top_state *s, struct top_effects *fx)
{
	if (s->probe_pending > 0)
		return;
	memset(s->probes, 0, sizeof(s->probes));
	s->nprobes = 0;
	for (int i = 0; i < s->nnodes && s->nprobes < 64; i++) {
		struct top_probe *p = &s->probes[s->nprobes++];

		snprintf(p->node, sizeof(p->node), "%s", s->nodes[i].name);
		p->online = s->nodes[i].online;
		if (!p->online)
			continue;
		snprintf(emit(fx, TE_PROBE)->g.node, sizeof(fx->e[0].g.node),
		    "%s", p->node);
		s->probe_pending++;
	}
	clamp(s, TOP_HEAT);
}

static void
go_view(struct top_state *s, enum top_view v, struct top_effects *fx)
{
	s->view = v;
	s->help = 0;
	if (v == TOP_AUDIT)
		emit(fx, TE_AUDIT);
	if (v == TOP_BACKUPS)
		fetch_backups(s, fx);
	if (v == TOP_HEAT)
		start_probes(s, fx);
}

static void
open_entry(struct top_state *s, enum top_input in)
{
	s->input = in;
	if (in == TOP_IN_SEARCH)
		snprintf(s->entry, sizeof(s->entry), "%s", s->search);
	else if (in == TOP_IN_FILTER)
		snprintf(s->entry, sizeof(s->entry), "%s", s->filter);
	else
		s->entry[0] = '\0';
	if (in == TOP_IN_GREP)
		snprintf(s->entry, sizeof(s->entry), "%s", s->grep);
	if (in == TOP_IN_STORAGE)	/* the first that holds backups */
		for (int i = 0; i < s->nstorages; i++)
			if (holds_backups(&s->storages[i])) {
				snprintf(s->entry, sizeof(s->entry), "%s",
				    s->storages[i].storage);
				break;
			}
}

/* A key while a line is typed. */
static void
key_entry(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	size_t len = strlen(s->entry);

	if (key_is(a, "Escape")) {
		if (s->input == TOP_IN_SEARCH) {
			s->search[0] = '\0';
			relist(s);
		}
		if (s->input >= TOP_IN_MIGRATE && s->input <= TOP_IN_STORAGE)
			snprintf(s->status, sizeof(s->status), "cancelled: "
			    "nothing queued");
		s->input = TOP_IN_NONE;
		return;
	}
	if (key_is(a, "Enter")) {
		if (s->input >= TOP_IN_MIGRATE) {
			prompt_done(s, fx);
			s->input = TOP_IN_NONE;
			return;
		}
		if (s->input == TOP_IN_FILTER) {
			snprintf(s->filter, sizeof(s->filter), "%s", s->entry);
			relist(s);
		} else if (s->input == TOP_IN_TAG && s->entry[0]) {
			int n = 0;

			for (int i = 0; i < s->nvis; i++) {
				const struct pve_guest *g =
				    &s->guests[s->vis[i]];

				if (pve_has_tag(g->tags, s->entry)) {
					mark(s, g->vmid, 1);
					n++;
				}
			}
			snprintf(s->status, sizeof(s->status), "%d guest%s "
			    "tagged %s marked", n, n == 1 ? "" : "s",
			    s->entry);
		}
		s->input = TOP_IN_NONE;
		return;
	}
	if (key_is(a, "Backspace") || key_is(a, "DEL")) {
		if (len > 0) {
			/* drop a whole UTF-8 character */
			do
				len--;
			while (len > 0 && ((unsigned char)s->entry[len] &
			    0xc0) == 0x80);
			s->entry[len] = '\0';
		}
	} else if (a->text || key_is(a, "Space")) {
		const char *t = a->text ? a->key : " ";

		if (len + strlen(t) < sizeof(s->entry))
			memcpy(s->entry + len, t, strlen(t) + 1);
	} else if (s->input == TOP_IN_QUICK && (key_is(a, "Down") ||
	    key_is(a, "Tab") || key_is(a, "C-n"))) {
		if (s->quick_cur + 1 < s->nquick)
			s->quick_cur++;
		return;
	} else if (s->input == TOP_IN_QUICK && (key_is(a, "Up") ||
	    key_is(a, "S-Tab") || key_is(a, "C-p"))) {
		if (s->quick_cur > 0)
			s->quick_cur--;
		return;
	} else {
		return;
	}
	if (s->input == TOP_IN_QUICK)
		quick_update(s);
	if (s->input == TOP_IN_SEARCH) {
		/* incremental: every key narrows the lists at once */
		snprintf(s->search, sizeof(s->search), "%s", s->entry);
		relist(s);
		s->cur[TOP_GUESTS] = s->cur[TOP_NODES] = s->cur[TOP_STORAGE] =
		    s->cur[TOP_TASKS] = 0;
		relist(s);
	}
}

static void
move_cursor(struct top_state *s, int delta, int absolute)
{
	enum top_view v = s->view;

	if (absolute)
		s->cur[v] = delta < 0 ? list_len(s, v) - 1 : 0;
	else
		s->cur[v] += delta;
	clamp(s, v);
}

static void
open_detail(struct top_state *s, const struct pve_guest *g,
    struct top_effects *fx)
{
	free_detail(s);
	s->detail_vmid = g->vmid;
	if (s->view != TOP_GUEST)
		s->back = s->view;
	s->view = TOP_GUEST;
	s->cur[TOP_GUEST] = 0;
	emit(fx, TE_DETAIL)->g = *g;
	fetch_live(s, g, fx);
}

static void
enter(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = NULL;

	if (s->view == TOP_GREP && s->ngl > 0)
		g = guest_by_vmid(s, s->gl[s->cur[TOP_GREP]].vmid);
	else if (s->view == TOP_GUESTS)
		g = top_cur_guest(s);
	if (g != NULL) {
		open_detail(s, g, fx);
	} else if (s->view == TOP_TASKS && s->nvtasks > 0) {
		const struct pve_task *t =
		    &s->tasks[s->vtasks[s->cur[TOP_TASKS]]];

		snprintf(s->log_upid, sizeof(s->log_upid), "%s", t->upid);
		pve_log_free(s->log, s->nlog);
		s->log = NULL;
		s->nlog = 0;
		s->log_running = t->running;
		s->back = TOP_TASKS;
		s->view = TOP_TASKLOG;
		s->cur[TOP_TASKLOG] = 0;
		snprintf(emit(fx, TE_TASKLOG)->upid, 256, "%s", t->upid);
	} else if (s->view == TOP_NODES && s->nvnodes > 0) {
		/* the guests of that node */
		snprintf(s->filter, sizeof(s->filter), "node:%.58s",
		    s->nodes[s->vnodes[s->cur[TOP_NODES]]].name);
		s->view = TOP_GUESTS;
		relist(s);
	} else if (s->view == TOP_QUEUE && count_ops(s, TOP_OP_READY) > 0) {
		s->confirm = 1;
	}
}

static void
key(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	int page = top_body_lines(s) - 2;

	if (key_is(a, "C-c")) {
		s->quit = 1;
		emit(fx, TE_QUIT);
		return;
	}
	if (s->input != TOP_IN_NONE) {
		key_entry(s, a, fx);
		return;
	}
	if (s->confirm) {
		if (text_is(a, "y") || key_is(a, "Enter"))
			run_ops(s, fx);
		else
			snprintf(s->status, sizeof(s->status), "not "
			    "confirmed: nothing was sent");
		s->confirm = 0;
		return;
	}
	if (s->help) {
		if (!help_key(s, a))
			s->help = 0;
		return;
	}
	s->status[0] = '\0';
	if (page < 1)
		page = 1;
	if (a->text) {
		switch (a->key[0] && !a->key[1] ? a->key[0] : 0) {
		case 'q':
			s->quit = 1;
			emit(fx, TE_QUIT);
			return;
		case '?':
			s->help = 1;
			s->help_top = 0;
			return;
		case '1': go_view(s, TOP_DASH, fx); return;
		case '2': go_view(s, TOP_NODES, fx); return;
		case '3': go_view(s, TOP_GUESTS, fx); return;
		case '4': go_view(s, TOP_STORAGE, fx); return;
		case '5': go_view(s, TOP_TASKS, fx); return;
		case 'Q': go_view(s, TOP_QUEUE, fx); return;
		case 'T': go_view(s, TOP_AUDIT, fx); return;
		case 'B': go_view(s, TOP_BACKUPS, fx); return;
		case 'Z':
			open_snaptree(s, fx);
			return;
		case 'W':
			open_hw(s, fx);
			return;
		case 'G':
			open_entry(s, TOP_IN_GREP);
			return;
		case ':':
			open_entry(s, TOP_IN_CMD);
			return;
		case 'H': go_view(s, TOP_HEAT, fx); return;
		case 'j': move_cursor(s, 1, 0); return;
		case 'k': move_cursor(s, -1, 0); return;
		case 'g': move_cursor(s, 1, 1); return;
		case 'R':
			fetch(s, TOP_F_ALL, fx);
			if (s->view == TOP_AUDIT)
				emit(fx, TE_AUDIT);
			if (s->view == TOP_BACKUPS)
				fetch_backups(s, fx);
			if (s->view == TOP_HW)
				open_hw(s, fx);
			if (s->view == TOP_HEAT)
				start_probes(s, fx);
			if (s->view == TOP_GREP && s->grep[0] &&
			    s->grep_pending == 0) {
				char pat[64];

				snprintf(pat, sizeof(pat), "%s", s->grep);
				start_grep(s, pat, fx);
			}
			if (s->view == TOP_SNAPTREE && s->tree_vmid) {
				s->tree_loading = 1;
				emit(fx, TE_SNAPTREE)->g = s->tree_guest;
			}
			snprintf(s->status, sizeof(s->status), "refreshing");
			return;
		case '/':
			open_entry(s, TOP_IN_SEARCH);
			return;
		case 'f':
			open_entry(s, TOP_IN_FILTER);
			return;
		case 't':
			open_entry(s, TOP_IN_TAG);
			return;
		case 'i':
			s->running_only = !s->running_only;
			relist(s);
			return;
		case '<':
			s->sort = (s->sort + TOP_NSORT - 1) % TOP_NSORT;
			relist(s);
			return;
		case '>':
			s->sort = (s->sort + 1) % TOP_NSORT;
			relist(s);
			return;
		case 'o':
			s->sort_desc = !s->sort_desc;
			relist(s);
			return;
		case ' ': {
			const struct pve_guest *g = selected_guest(s);

			if ((s->view == TOP_GUESTS || s->view == TOP_BACKUPS) &&
			    g) {
				mark(s, g->vmid, !top_is_marked(s, g->vmid));
				move_cursor(s, 1, 0);
			}
			return;
		}
		case 'V':
			for (int i = 0; i < s->nvis; i++)
				mark(s, s->guests[s->vis[i]].vmid, 1);
			snprintf(s->status, sizeof(s->status), "%d guests "
			    "marked", s->nmarked);
			return;
		case 'u':
			s->nmarked = 0;
			return;
		case 's': queue_ops(s, "start", "", fx); return;
		case 'S': queue_ops(s, "shutdown", "", fx); return;
		case 'r': queue_ops(s, "reboot", "", fx); return;
		case 'd': queue_ops(s, "delete", "", fx); return;
		case 'm':
			if (can_act(s, "migrate"))
				open_entry(s, TOP_IN_MIGRATE);
			return;
		case 'n':
			if (can_act(s, "snapshot"))
				open_entry(s, TOP_IN_SNAPNAME);
			return;
		case 'b':
			if (can_act(s, "backup"))
				open_entry(s, TOP_IN_STORAGE);
			return;
		case 'y':
			if (s->view == TOP_QUEUE)
				enter(s, fx);
			return;
		case 'c':
			if (s->view == TOP_QUEUE)
				clear_done_ops(s);
			return;
		default:
			return;
		}
	}
	if (key_is(a, "Space")) {
		a->text = 1;
		a->key = " ";
		key(s, a, fx);
	} else if (key_is(a, "C-k")) {
		open_entry(s, TOP_IN_QUICK);
		quick_update(s);
	} else if (key_is(a, "Down")) {
		move_cursor(s, 1, 0);
	} else if (key_is(a, "Up")) {
		move_cursor(s, -1, 0);
	} else if (key_is(a, "PageDown") || key_is(a, "C-d")) {
		move_cursor(s, page, 0);
	} else if (key_is(a, "PageUp") || key_is(a, "C-u")) {
		move_cursor(s, -page, 0);
	} else if (key_is(a, "Home")) {
		move_cursor(s, 1, 1);
	} else if (key_is(a, "End")) {
		move_cursor(s, -1, 1);
	} else if (key_is(a, "Enter")) {
		enter(s, fx);
	} else if (key_is(a, "Escape")) {
		if (s->view == TOP_GUEST || s->view == TOP_TASKLOG ||
		    s->view == TOP_SNAPTREE || s->view == TOP_HW ||
		    s->view == TOP_GREP)
			/* back from a detail opened in G, then from G */
			s->view = s->back != s->view ? s->back : TOP_GUESTS;
		else if (s->search[0]) {
			s->search[0] = '\0';
			relist(s);
		}
	} else if (key_is(a, "Tab")) {
		s->view = s->view >= TOP_TASKS ? TOP_DASH : s->view + 1;
	}
}

/* ---- the backup board ---- */

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* By VMID, the newest first. */
static int
cmp_backup(const void *a, const void *b)
{
	const struct top_backup *x = a, *y = b;

	if (x->vmid != y->vmid)
		return (x->vmid > y->vmid) - (x->vmid < y->vmid);
	return (x->ctime < y->ctime) - (x->ctime > y->ctime);
}

/* Keep one backup per VMID, the newest, sorted by VMID. */
static void
newest_backups(struct top_state *s)
{
	int k = 0;

	qsort(s->bk, (size_t)s->nbk, sizeof(*s->bk), cmp_backup);
	for (int i = 0; i < s->nbk; i++)
		if (k == 0 || s->bk[k - 1].vmid != s->bk[i].vmid)
			s->bk[k++] = s->bk[i];
	s->nbk = k;
}

const struct top_backup *
top_backup_of(const struct top_state *s, int vmid)
{
	const struct top_backup *lo = s->bk;
	size_t n = (size_t)s->nbk;

	if (lo == NULL)
		return NULL;
	while (n > 0) {		/* bsearch by VMID alone */
		size_t half = n / 2;

		if (lo[half].vmid < vmid) {
			lo += half + 1;
			n -= half + 1;
		} else
			n = half;
	}
	return lo < s->bk + s->nbk && lo->vmid == vmid ? lo : NULL;
}

int
top_backup_job(const struct top_state *s, int vmid)
{
	if (!s->unprot_known)
		return -1;
	return bsearch(&vmid, s->unprot, (size_t)s->nunprot, sizeof(int),
	    cmp_int) == NULL;
}

/* ---- the reducer ---- */

void
top_reduce(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	struct top_op *o;

	if (a->now > 0)
		s->now = a->now;
	switch (a->type) {
	case TA_START:
	case TA_TICK:
		tick(s, fx);
		break;
	case TA_KEY:
		key(s, a, fx);
		break;
	case TA_RESIZE:
		s->lines = a->lines;
		s->cols = a->cols;
		for (int v = 0; v < TOP_NVIEWS; v++)
			clamp(s, v);
		if (s->help_top > top_nkeymap - top_help_rows(s))
			s->help_top = top_nkeymap - top_help_rows(s);
		break;
	case TA_SIGNAL:
		s->quit = 1;
		emit(fx, TE_QUIT);
		break;
	case TA_NODES:
		free(s->nodes);
		s->nodes = a->rows;
		s->nnodes = a->n;
		settled(s, TOP_F_NODES, 1);
		s->updated = a->now;
		spark_add(s);
		relist_others(s);
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
		break;
	}
	case TA_STORAGE:
		free(s->storages);
		s->storages = a->rows;
		s->nstorages = a->n;
		settled(s, TOP_F_STORAGE, 1);
		relist_others(s);
		break;
	case TA_TASKS:
		free(s->tasks);
		s->tasks = a->rows;
		s->ntasks = a->n;
		settled(s, TOP_F_TASKS, 1);
		relist_others(s);
		break;
	case TA_FETCH_FAILED:
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
			clamp(s, TOP_TASKLOG);
		}
		break;
	case TA_AUDIT:
		free(s->audit);
		s->audit = a->rows;
		s->naudit = a->n;
		clamp(s, TOP_AUDIT);
		break;
	case TA_UNPROTECTED: {
		struct pve_unprotected *u = a->rows;

		free(s->unprot);
		s->unprot = px_xcalloc((size_t)a->n + 1, sizeof(int));
		for (int i = 0; i < a->n; i++)
			s->unprot[i] = u[i].vmid;
		s->nunprot = a->n;
		qsort(s->unprot, (size_t)a->n, sizeof(int), cmp_int);
		s->unprot_known = 1;
		s->loading &= ~TOP_F_UNPROT;
		if (a->now)
			s->bk_now = a->now;
		free(a->rows);
		break;
	}
	case TA_BACKUPS: {
		struct pve_volume *v = a->rows;

		for (int i = 0; i < a->n; i++) {
			struct top_backup *b;

			if (v[i].vmid <= 0 || strcmp(v[i].content, "backup"))
				continue;
			s->bk = px_xrealloc(s->bk, (size_t)(s->nbk + 1) *
			    sizeof(*s->bk));
			b = &s->bk[s->nbk++];
			memset(b, 0, sizeof(*b));
			b->vmid = v[i].vmid;
			b->ctime = v[i].ctime;
			snprintf(b->storage, sizeof(b->storage), "%s",
			    v[i].storage);
		}
		newest_backups(s);
		if (s->bk_pending > 0)
			s->bk_pending--;
		if (a->now)
			s->bk_now = a->now;
		free(a->rows);
		break;
	}
	case TA_HW_PCI:
	case TA_HW_USB:
	case TA_PASSTHRU:
		if (strcmp(a->upid, s->hw_node) != 0) {
			free(a->rows);	/* another node's, asked before */
			break;
		}
		if (s->hw_pending > 0)
			s->hw_pending--;
		if (a->type == TA_HW_PCI) {
			free(s->pci);
			s->pci = a->rows;
			s->npci = a->n;
		} else if (a->type == TA_HW_USB) {
			free(s->usb);
			s->usb = a->rows;
			s->nusb = a->n;
		} else {
			struct pve_passthru *p = a->rows;

			s->hwuse = px_xrealloc(s->hwuse, (size_t)(s->nhwuse +
			    a->n + 1) * sizeof(*s->hwuse));
			for (int i = 0; i < a->n; i++) {
				s->hwuse[s->nhwuse].vmid = a->id;
				s->hwuse[s->nhwuse++].p = p[i];
			}
			free(a->rows);
		}
		clamp(s, TOP_HW);
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
	case TA_PROBE:
		for (int i = 0; i < s->nprobes; i++) {
			struct top_probe *p = &s->probes[i];

			if (strcmp(p->node, a->upid) != 0 ||
			    p->n >= TOP_PROBES)
				continue;
			p->ms[p->n++] = a->rc == 0 ? a->ms : -1;
			if (a->rc != 0)
				snprintf(p->err, sizeof(p->err), "%.127s",
				    a->msg);
			if (p->n < TOP_PROBES)
				snprintf(emit(fx, TE_PROBE)->g.node,
				    sizeof(fx->e[0].g.node), "%s", p->node);
			else if (s->probe_pending > 0)
				s->probe_pending--;
			break;
		}
		break;
	case TA_GREPCFG: {
		struct pve_kv *kv = a->rows;

		for (int i = 0; i < a->n; i++) {
			struct top_grepline *l;

			if (!top_grep_match(s, kv[i].key, kv[i].value))
				continue;
			s->gl = px_xrealloc(s->gl, (size_t)(s->ngl + 1) *
			    sizeof(*s->gl));
			l = &s->gl[s->ngl++];
			l->vmid = a->id;
			snprintf(l->key, sizeof(l->key), "%s", kv[i].key);
			snprintf(l->value, sizeof(l->value), "%s",
			    kv[i].value ? kv[i].value : "");
		}
		pve_kv_free(a->rows, a->n);
		if (s->grep_pending > 0)
			s->grep_pending--;
		clamp(s, TOP_GREP);
		break;
	}
	case TA_SNAPTREE:
		if (a->id != s->tree_vmid) {
			free(a->rows);
			break;
		}
		free(s->tree);
		s->tree = a->rows;
		s->ntree = a->n;
		s->tree_loading = 0;
		clamp(s, TOP_SNAPTREE);
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
		snprintf(o->msg, sizeof(o->msg), "%s", a->msg);
		if (a->upid[0])
			snprintf(o->upid, sizeof(o->upid), "%s", a->upid);
		fetch(s, TOP_F_GUESTS | TOP_F_TASKS, fx);
		break;
	}
	a->rows = NULL;
}

const char *
top_footer(const struct top_state *s)
{
	if (s->input == TOP_IN_SEARCH)
		return "type to search  Enter keep  Esc clear  Backspace";
	if (s->input == TOP_IN_FILTER)
		return "filter: node:N tag:T status:S pool:P type:T text  "
		    "Enter apply  Esc cancel";
	if (s->input == TOP_IN_TAG)
		return "mark guests with tag:  Enter mark  Esc cancel";
	if (s->input == TOP_IN_MIGRATE)
		return "migrate to node:  Enter queue with a pre-flight preview"
		    "  Esc cancel";
	if (s->input == TOP_IN_SNAPNAME)
		return "snapshot name (a letter, then letters, digits, - _):  "
		    "Enter queue  Esc cancel";
	if (s->input == TOP_IN_STORAGE)
		return "back up to storage:  Enter queue with a pre-flight "
		    "preview  Esc cancel";
	if (s->input == TOP_IN_CMD)
		return ":start :shutdown :reboot :delete vmid...  :migrate "
		    "vmid... node  :snapshot vmid... name  :backup vmid... "
		    "storage  :sort col [desc]  :filter  :profile name  "
		    "Enter run  Esc cancel";
	if (s->input == TOP_IN_QUICK)
		return "quick open: guests, nodes, storage, views  Down/Up "
		    "choose  Enter go  Esc cancel";
	if (s->input == TOP_IN_GREP)
		return "search every guest config: text, or /regex/ (extended, "
		    "any case)  Enter search  Esc cancel";
	if (s->confirm)
		return "y confirm  n cancel";
	if (s->help)
		return top_help_rows(s) < top_nkeymap ? "j/k Down/Up "
		    "PageDown/PageUp g/G scroll  any other key closes the "
		    "keymap" : "any key closes the keymap";
	switch (s->view) {
	case TOP_GUESTS:
		return "j/k move  Space mark  V all  t tag  s start  S shutdown"
		    "  r reboot  d delete  m migrate  n snapshot  b backup  "
		    "Enter detail  <>o sort  i running  f filter  / search  "
		    "? keys  q quit";
	case TOP_QUEUE:
		return "j/k move  y run after confirmation  c clear finished  "
		    "1-5 views  ? keys  q quit";
	case TOP_TASKS:
		return "j/k move  Enter log  / search  R refresh  1-5 views  "
		    "? keys  q quit";
	case TOP_GUEST:
	case TOP_TASKLOG:
		return "Esc back  j/k scroll  s start  S shutdown  r reboot  "
		    "d delete  m migrate  n snapshot  b backup  ? keys  q quit";
	case TOP_NODES:
		return "j/k move  Enter guests of node  / search  1-5 views  "
		    "? keys  q quit";
	case TOP_BACKUPS:
		return "j/k move  R reload  / search  f filter  Space mark  "
		    "b backup  1-5 views  ? keys  q quit";
	case TOP_SNAPTREE:
		return "Esc back  j/k move  R reload  n snapshot  ? keys  "
		    "q quit";
	case TOP_HEAT:
		return "j/k move  R probe again  1-5 views  ? keys  q quit";
	case TOP_GREP:
		return "Esc back  j/k move  G new search  R search again  "
		    "Enter the guest's detail  ? keys  q quit";
	case TOP_HW:
		return "Esc back  j/k move  R reload  2 nodes (W on another "
		    "node)  ? keys  q quit";
	default:
		return "1 dash 2 nodes 3 guests 4 storage 5 tasks Q queue "
		    "T audit B backups Z snapshots W hardware G grep "
		    "H heatmap  / search  R refresh  ? keys  q quit";
	}
}
