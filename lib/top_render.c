/*
 * top_render.c -- pxtop's screen from its state: header, view tabs, the
 * body of the current view, the status line and the footer of keys, and
 * the keymap and confirmation overlays.  Only visible rows are formatted,
 * so a frame costs the same for 60 guests or 10,000.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "out.h"
#include "top_draw.h"
#include "top_past.h"
#include "top_render.h"

struct pens {
	TickitPen *bar, *sel, *head, *bold, *red, *green, *yellow, *dim,
	    *box;
};

static struct pens P[2];	/* [colour] */

static const struct pens *
pens(int colour)
{
	struct pens *p = &P[colour != 0];

	if (p->bar != NULL)
		return p;
	p->bar = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
	p->sel = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
	p->head = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, TICKIT_PEN_UNDER,
	    1, -1);
	p->bold = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	p->dim = tickit_pen_new();
	p->box = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	if (colour) {
		p->red = tickit_pen_new_attrs(TICKIT_PEN_FG, 1, -1);
		p->green = tickit_pen_new_attrs(TICKIT_PEN_FG, 2, -1);
		p->yellow = tickit_pen_new_attrs(TICKIT_PEN_FG, 3, -1);
		tickit_pen_set_colour_attr(p->bar, TICKIT_PEN_FG, 4);
		tickit_pen_set_colour_attr(p->dim, TICKIT_PEN_FG, 8);
	} else {
		p->red = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
		p->green = tickit_pen_new();
		p->yellow = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	}
	return p;
}

/* A whole line in pen (a selected row, a bar). */
static void
fill(TickitRenderBuffer *rb, const struct top_state *s, int line,
    const TickitPen *pen)
{
	tickit_renderbuffer_save(rb);
	tickit_renderbuffer_setpen(rb, pen);
	tickit_renderbuffer_erase_at(rb, line, 0, s->cols);
	tickit_renderbuffer_restore(rb);
}

/* "[#####     ]" for frac 0..1, w inside the brackets. */
/* "14:03:59": an epoch as the local time of day. */
static void
clock_of(char *b, size_t n, long long epoch)
{
	time_t u = (time_t)epoch;
	struct tm tm;

	if (localtime_r(&u, &tm) == NULL ||
	    strftime(b, n, "%H:%M:%S", &tm) == 0)
		snprintf(b, n, "?");
}

static void
bar(char *b, size_t n, double frac, int w)
{
	int k = (int)(frac * w + 0.5), i;

	if (w + 3 > (int)n)
		w = (int)n - 3;
	if (k < 0)
		k = 0;
	if (k > w)
		k = w;
	b[0] = '[';
	for (i = 0; i < w; i++)
		b[1 + i] = i < k ? '#' : ' ';
	b[1 + w] = ']';
	b[2 + w] = '\0';
}

static void
sparkline(char *b, size_t n, const double *v, int count)
{
	static const char *const ticks[] = { "▁", "▂", "▃", "▄", "▅", "▆",
		"▇", "█" };
	size_t len = 0;

	b[0] = '\0';
	for (int i = 0; i < count && len + 4 < n; i++) {
		const char *t = " ";

		if (v[i] >= 0) {
			int k = (int)(v[i] * 8);

			t = ticks[k < 0 ? 0 : k > 7 ? 7 : k];
		}
		len += (size_t)snprintf(b + len, n - len, "%s", t);
	}
}

static const TickitPen *
status_pen(const struct pens *p, const char *st)
{
	if (strcmp(st, "running") == 0 || strcmp(st, "online") == 0 ||
	    strcmp(st, "available") == 0)
		return p->green;
	if (strcmp(st, "stopped") == 0)
		return NULL;
	return p->yellow;
}

/* ---- views ---- */

static void
info(TickitRenderBuffer *rb, const struct top_state *s, int y,
    const struct pens *p, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
info(TickitRenderBuffer *rb, const struct top_state *s, int y,
    const struct pens *p, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	top_put(rb, s, y, 0, p->bold, "%s", buf);
}

static void
draw_dash(TickitRenderBuffer *rb, const struct top_state *s, int y0,
    int rows, const struct pens *p)
{
	int on = 0, run = 0, stop = 0, other = 0, ha = 0, y = y0, end = y0 +
	    rows, failed = 0;
	char b1[64], b2[64], m1[32], m2[32], sp[TOP_SPARK * 4 + 1], up[32];

	for (int i = 0; i < s->nnodes; i++)
		on += s->nodes[i].online;
	for (int i = 0; i < s->nguests; i++) {
		const char *st = s->guests[i].status;

		if (s->guests[i].template)
			continue;
		if (strcmp(st, "running") == 0)
			run++;
		else if (strcmp(st, "stopped") == 0)
			stop++;
		else
			other++;
		ha += s->guests[i].hastate[0] != '\0';
	}
	top_put(rb, s, y++, 0, p->bold, "Cluster %s: %s", s->profile,
	    s->nnodes && on == s->nnodes ? "healthy" : s->nnodes ?
	    "degraded" : "no data yet");
	top_put(rb, s, y++, 2, NULL, "nodes %d/%d online   guests %d running, "
	    "%d stopped, %d other   HA-managed %d", on, s->nnodes, run, stop,
	    other, ha);
	y++;
	if (y < end)
		top_put(rb, s, y++, 0, p->head, "%-12s %-8s %-30s %-*s %-26s %s",
		    "NODE", "STATUS", "CPU", TOP_SPARK, "CPU HISTORY", "MEMORY",
		    "UPTIME");
	for (int i = 0; i < s->nnodes && y < end; i++, y++) {
		const struct pve_node *n = &s->nodes[i];
		int k;

		bar(b1, sizeof(b1), n->cpu, 20);
		bar(b2, sizeof(b2), n->maxmem ? (double)n->mem / n->maxmem :
		    0, 12);
		out_fmt_bytes(m1, sizeof(m1), n->mem);
		out_fmt_bytes(m2, sizeof(m2), n->maxmem);
		out_fmt_duration(up, sizeof(up), n->uptime);
		for (k = 0; k < 64 && strcmp(s->spark_node[k], n->name); k++)
			;
		sp[0] = '\0';
		if (k < 64)
			sparkline(sp, sizeof(sp), s->spark[k], TOP_SPARK);
		top_put(rb, s, y, 0, NULL, "%-12.12s", n->name);
		top_put(rb, s, y, 13, status_pen(p, n->status), "%-8.8s",
		    n->status);
		top_put(rb, s, y, 22, NULL, "%s %5.1f%%  %s", b1, n->cpu * 100, sp);
		top_put(rb, s, y, 22 + 31 + TOP_SPARK + 1, NULL, "%s %s/%s  %s",
		    b2, m1, m2, n->online ? up : "-");
	}
	y++;
	if (y < end)
		top_put(rb, s, y++, 0, p->head, "%-28s %-14s %s", "STORAGE", "USE",
		    "USED/TOTAL");
	for (int i = 0; i < s->nstorages && y < end - 6; i++) {
		const struct pve_storage *st = &s->storages[i];
		double f = st->maxdisk ? (double)st->disk / st->maxdisk : 0;
		int dup = 0;

		/* A shared storage is one pool, listed by every node: once. */
		for (int k = 0; k < i && st->shared && !dup; k++)
			dup = s->storages[k].shared &&
			    strcmp(s->storages[k].storage, st->storage) == 0;
		if (dup)
			continue;
		bar(b1, sizeof(b1), f, 12);
		out_fmt_bytes(m1, sizeof(m1), st->disk);
		out_fmt_bytes(m2, sizeof(m2), st->maxdisk);
		top_put(rb, s, y, 0, f > 0.9 ? p->red : NULL, "%-28.28s %s "
		    "%3.0f%%  %s/%s", st->shared ? st->storage : (snprintf(b2,
		    sizeof(b2), "%.30s@%.30s", st->storage, st->node), b2), b1,
		    f * 100, m1, m2);
		y++;
	}
	y++;
	for (int i = 0; i < s->ntasks; i++)
		failed += !s->tasks[i].running && !s->tasks[i].ok;
	if (y < end)
		top_put(rb, s, y++, 0, p->head, "Recent failed tasks (%d)", failed);
	for (int i = 0; i < s->ntasks && y < end; i++) {
		const struct pve_task *t = &s->tasks[i];

		if (t->running || t->ok)
			continue;
		out_fmt_time(b1, sizeof(b1), t->starttime);
		top_put(rb, s, y++, 2, p->red, "%s  %-8s %-10s %-8s %s", b1,
		    t->node, t->type, t->id, t->status);
	}
}

static void
draw_nodes(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	char m1[32], m2[32], d1[32], d2[32], up[32];

	info(rb, s, y, p, "Nodes: %d%s%s", s->nvnodes, s->search[0] ?
	    "   search: " : "", s->search);
	top_put(rb, s, y + 1, 0, p->head, "%-16s %-8s %6s %4s %10s %10s %10s "
	    "%10s %10s", "NAME", "STATUS", "CPU", "CPUS", "MEM", "MAXMEM",
	    "DISK", "MAXDISK", "UPTIME");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_NODES] + r;
		const struct pve_node *n;
		int line = y + 2 + r;

		if (i >= s->nvnodes)
			break;
		n = &s->nodes[s->vnodes[i]];
		if (i == s->cur[TOP_NODES])
			fill(rb, s, line, p->sel);
		out_fmt_bytes(m1, sizeof(m1), n->mem);
		out_fmt_bytes(m2, sizeof(m2), n->maxmem);
		out_fmt_bytes(d1, sizeof(d1), n->disk);
		out_fmt_bytes(d2, sizeof(d2), n->maxdisk);
		out_fmt_duration(up, sizeof(up), n->uptime);
		top_put(rb, s, line, 0, i == s->cur[TOP_NODES] ? p->sel : NULL,
		    "%-16.16s %-8.8s %5.1f%% %4d %10s %10s %10s %10s %10s",
		    n->name, n->status, n->cpu * 100, n->maxcpu, m1, m2, d1,
		    d2, n->online ? up : "-");
	}
}

static void
draw_guests(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	static const char *const cols[TOP_NSORT] = { "VMID", "NAME", "NODE",
		"STATUS", "CPU", "MEM", "UPTIME" };
	char h[TOP_NSORT][16], m1[32], m2[32], up[32];

	info(rb, s, y, p, "Guests: %d of %d   sort %s %s%s%s%s%s%s   "
	    "marked %d", s->nvis, s->nguests, top_sort_name(s->sort),
	    s->sort_desc ? "desc" : "asc", s->running_only ?
	    "   running only" : "", s->filter[0] ? "   filter: " : "",
	    s->filter, s->search[0] ? "   search: " : "", s->search,
	    s->nmarked);
	for (int k = 0; k < TOP_NSORT; k++)
		snprintf(h[k], sizeof(h[k]), "%s%s", cols[k], (int)s->sort ==
		    k ? (s->sort_desc ? "v" : "^") : "");
	top_put(rb, s, y + 1, 0, p->head, "  %7s %-16s %-4s %-10s %-9s %6s "
	    "%10s %10s %8s %-8s %s", h[0], h[1], "TYPE", h[2], h[3], h[4],
	    h[5], "MAXMEM", h[6], "LOCK", "TAGS");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_GUESTS] + r, line = y + 2 + r, cur;
		const struct pve_guest *g;

		if (i >= s->nvis)
			break;
		g = &s->guests[s->vis[i]];
		cur = i == s->cur[TOP_GUESTS];
		if (cur)
			fill(rb, s, line, p->sel);
		out_fmt_bytes(m1, sizeof(m1), g->mem);
		out_fmt_bytes(m2, sizeof(m2), g->maxmem);
		out_fmt_duration(up, sizeof(up), g->uptime);
		top_put(rb, s, line, 0, cur ? p->sel : NULL, "%c %7d %-16.16s "
		    "%-4.4s %-10.10s", top_is_marked(s, g->vmid) ? '*' : ' ',
		    g->vmid, g->name, g->type[0] == 'l' ? "ct" : "vm",
		    g->node);
		top_put(rb, s, line, 43, cur ? p->sel : status_pen(p, g->status),
		    "%-9.9s", g->status);
		top_put(rb, s, line, 53, cur ? p->sel : NULL, "%5.1f%% %10s %10s "
		    "%8s %-8.8s %s", g->cpu * 100, m1, m2,
		    g->uptime ? up : "-", g->lock[0] ? g->lock : "-",
		    g->tags);
	}
}

static void
draw_storage(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	char m1[32], m2[32], b[32];

	info(rb, s, y, p, "Storage: %d%s%s", s->nvstor, s->search[0] ?
	    "   search: " : "", s->search);
	top_put(rb, s, y + 1, 0, p->head, "%-20s %-12s %-10s %-10s %10s %10s "
	    "%-14s %4s %-6s %s", "STORAGE", "NODE", "TYPE", "STATUS", "USED",
	    "TOTAL", "USE", "", "SHARED", "CONTENT");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_STORAGE] + r, line = y + 2 + r;
		const struct pve_storage *st;
		double f;

		if (i >= s->nvstor)
			break;
		st = &s->storages[s->vstor[i]];
		f = st->maxdisk ? (double)st->disk / st->maxdisk : 0;
		if (i == s->cur[TOP_STORAGE])
			fill(rb, s, line, p->sel);
		out_fmt_bytes(m1, sizeof(m1), st->disk);
		out_fmt_bytes(m2, sizeof(m2), st->maxdisk);
		bar(b, sizeof(b), f, 12);
		top_put(rb, s, line, 0, i == s->cur[TOP_STORAGE] ? p->sel :
		    f > 0.9 ? p->red : NULL, "%-20.20s %-12.12s %-10.10s "
		    "%-10.10s %10s %10s %s %3.0f%% %-6s %s", st->storage,
		    st->node, st->plugintype, st->status, m1, m2, b, f * 100,
		    st->shared ? "yes" : "no", st->content);
	}
}

static void
draw_tasks(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	char t1[32];

	info(rb, s, y, p, "Tasks: %d%s%s", s->nvtasks, s->search[0] ?
	    "   search: " : "", s->search);
	top_put(rb, s, y + 1, 0, p->head, "%-19s %-10s %-14s %-10s %-16s %s",
	    "START", "NODE", "TYPE", "ID", "USER", "STATUS");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_TASKS] + r, line = y + 2 + r, cur;
		const struct pve_task *t;

		if (i >= s->nvtasks)
			break;
		t = &s->tasks[s->vtasks[i]];
		cur = i == s->cur[TOP_TASKS];
		if (cur)
			fill(rb, s, line, p->sel);
		out_fmt_time(t1, sizeof(t1), t->starttime);
		top_put(rb, s, line, 0, cur ? p->sel : t->running ? p->yellow :
		    t->ok ? NULL : p->red, "%-19.19s %-10.10s %-14.14s "
		    "%-10.10s %-16.16s %s", t1, t->node, t->type, t->id,
		    t->user, t->running ? "running" : t->status);
	}
}

static const char *const op_states[] = {
	"preview", "ready", "running", "ok", "failed", "refused"
};

static void
draw_queue(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	const struct top_op *cur = NULL;
	int list = rows - 2, n;

	info(rb, s, y, p, "Operation queue: %d", s->nops);
	if (s->nops == 0) {
		top_put(rb, s, y + 2, 2, NULL, "Nothing queued.  In the guest "
		    "view (3): Space marks guests, s starts, S shuts down, "
		    "r reboots, d deletes, m migrates, n snapshots, b backs "
		    "up.");
		return;
	}
	if (s->cur[TOP_QUEUE] < s->nops)
		cur = &s->ops[s->cur[TOP_QUEUE]];
	if (cur && cur->risk.n > 0 && list > cur->risk.n + 4)
		list -= cur->risk.n + 2;
	top_put(rb, s, y + 1, 0, p->head, "%-4s %7s %-16s %-10s %-18s %-8s %-28s "
	    "%s", "#", "VMID", "NAME", "NODE", "ACTION", "STATE",
	    "PRE-FLIGHT", "MESSAGE");
	for (int r = 0; r < list; r++) {
		int i = s->top[TOP_QUEUE] + r, line = y + 2 + r;
		const struct top_op *o;
		char risk[64], what[96], msg[512];
		const TickitPen *pen = NULL;

		if (i >= s->nops)
			break;
		o = &s->ops[i];
		snprintf(what, sizeof(what), "%s%s%s", o->action,
		    o->arg[0] ? strcmp(o->action, "migrate") == 0 ? " > " :
		    " " : "", o->arg);
		if (strcmp(o->action, "exec") == 0)
			snprintf(what, sizeof(what), "exec %.80s", o->text);
		if (!o->previewed)
			snprintf(risk, sizeof(risk), "checking...");
		else if (o->risk.worst == 0)
			snprintf(risk, sizeof(risk), "ok");
		else {
			const struct risk_finding *f = &o->risk.f[0];

			for (int k = 0; k < o->risk.n; k++)
				if (o->risk.f[k].level == o->risk.worst) {
					f = &o->risk.f[k];
					break;
				}
			snprintf(risk, sizeof(risk), "%s %s%s",
			    risk_level_name(o->risk.worst), f->check,
			    o->risk.worst == RISK_SEVERE ? " (refuse)" : "");
		}
		if (o->st == TOP_OP_FAILED || o->st == TOP_OP_REFUSED ||
		    (o->risk.worst == RISK_SEVERE && o->st < TOP_OP_OK))
			pen = p->red;
		else if (o->st == TOP_OP_OK)
			pen = p->green;
		else if (o->risk.worst == RISK_WARNING)
			pen = p->yellow;
		if (i == s->cur[TOP_QUEUE]) {
			fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		if (o->st == TOP_OP_RUNNING && o->pct >= 0) {
			/* live from the task log */
			char b[16];

			bar(b, sizeof(b), o->pct / 100, 10);
			snprintf(msg, sizeof(msg), "%s %3.0f%%  %s", b, o->pct,
			    o->line);
		} else if (o->st == TOP_OP_RUNNING && o->line[0])
			snprintf(msg, sizeof(msg), "%s", o->line);
		else
			snprintf(msg, sizeof(msg), "%s", o->msg);
		top_put(rb, s, line, 0, pen, "%-4d %7d %-16.16s %-10.10s %-18.18s "
		    "%-8.8s %-28.28s %s", o->id, o->g.vmid, o->g.name,
		    o->g.node, what, op_states[o->st], risk, msg);
	}
	if (cur && cur->risk.n > 0) {
		n = y + 2 + list + 1;
		top_put(rb, s, n++, 0, p->bold, "Pre-flight for %s %d (%s):",
		    cur->action, cur->g.vmid, cur->g.name);
		for (int k = 0; k < cur->risk.n && n < y + rows; k++, n++)
			top_put(rb, s, n, 2, cur->risk.f[k].level == RISK_SEVERE ?
			    p->red : NULL, "%-8s %-20s %s",
			    risk_level_name(cur->risk.f[k].level),
			    cur->risk.f[k].check, cur->risk.f[k].detail);
	}
}

static void
draw_audit(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	char t1[32];

	info(rb, s, y, p, "Audit timeline (px's audit log): %d", s->naudit);
	top_put(rb, s, y + 1, 0, p->head, "%6s %-19s %-10s %-14s %-22s %s", "ID",
	    "TIME", "ACTION", "TARGET", "DECISION", "RESULT");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_AUDIT] + r, line = y + 2 + r;
		const struct top_audit_row *a;
		const TickitPen *pen = NULL;

		if (i >= s->naudit)
			break;
		a = &s->audit[i];
		if (strncmp(a->decision, "refused", 7) == 0)
			pen = p->red;
		if (i == s->cur[TOP_AUDIT]) {
			fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		out_fmt_time(t1, sizeof(t1), a->time);
		top_put(rb, s, line, 0, pen, "%6lld %-19.19s %-10.10s %-14.14s "
		    "%-22.22s %s", a->id, t1, a->action, a->target,
		    a->decision, a->result);
	}
}

static void
draw_guest(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	const struct pve_guest *g = NULL;
	char m1[32], m2[32], up[32], t1[32];
	int line = 0, skip = s->top[TOP_GUEST], end = y + rows;

	for (int i = 0; i < s->nguests; i++)
		if (s->guests[i].vmid == s->detail_vmid)
			g = &s->guests[i];
#define LINE(pen, ...) do { \
	if (line++ >= skip && y < end) \
		top_put(rb, s, y++, 0, pen, __VA_ARGS__); \
} while (0)
	if (g == NULL) {
		LINE(p->bold, "Guest %d: not in the cluster's list",
		    s->detail_vmid);
		return;
	}
	if (s->live_known) {
		/* its status/current, asked on every tick */
		const struct pve_guest_status *l = &s->live;

		out_fmt_bytes(m1, sizeof(m1), l->mem);
		out_fmt_bytes(m2, sizeof(m2), l->maxmem);
		out_fmt_duration(up, sizeof(up), l->uptime);
		LINE(p->bold, "%s %d (%s) on %s: %s", g->type[0] == 'l' ?
		    "CT" : "VM", g->vmid, g->name, g->node,
		    l->qmpstatus[0] && strcmp(l->qmpstatus, l->status) ?
		    l->qmpstatus : l->status);
		LINE(NULL, "  cpu %.1f%% of %g   memory %s / %s   uptime %s",
		    l->cpu * 100, l->cpus, m1, m2, l->uptime ? up : "-");
	} else {
		out_fmt_bytes(m1, sizeof(m1), g->mem);
		out_fmt_bytes(m2, sizeof(m2), g->maxmem);
		out_fmt_duration(up, sizeof(up), g->uptime);
		LINE(p->bold, "%s %d (%s) on %s: %s", g->type[0] == 'l' ?
		    "CT" : "VM", g->vmid, g->name, g->node, g->status);
		LINE(NULL, "  cpu %.1f%% of %g   memory %s / %s   uptime %s",
		    g->cpu * 100, g->maxcpu, m1, m2, g->uptime ? up : "-");
	}
	LINE(NULL, "  tags %s   pool %s   HA %s   lock %s",
	    g->tags[0] ? g->tags : "-", g->pool[0] ? g->pool : "-",
	    g->hastate[0] ? g->hastate : "-", g->lock[0] ? g->lock : "-");
	LINE(NULL, "%s", "");
	LINE(p->head, "Config (%d)", s->ncfg);
	for (int i = 0; i < s->ncfg; i++)
		LINE(NULL, "  %-14s %s", s->cfg[i].key, s->cfg[i].value ?
		    s->cfg[i].value : "");
	if (s->nrrd > 0) {
		/* the last hour from PVE's RRD, the newest 60 samples */
		char sp[60 * 4 + 1];
		int n = s->nrrd < 60 ? s->nrrd : 60, off = s->nrrd - n;

		sparkline(sp, sizeof(sp), s->rrd + off, n);
		LINE(NULL, "  cpu, last hour    %s", sp);
		sparkline(sp, sizeof(sp), s->rrd + s->nrrd + off, n);
		LINE(NULL, "  memory, last hour %s", sp);
	}
	{
		/* its recent tasks, from the cluster's task list */
		char id[16];
		int nt = 0;

		snprintf(id, sizeof(id), "%d", g->vmid);
		for (int i = 0; i < s->ntasks; i++)
			nt += strcmp(s->tasks[i].id, id) == 0;
		LINE(NULL, "%s", "");
		LINE(p->head, "Recent tasks (%d)", nt);
		for (int i = 0, k = 0; i < s->ntasks && k < 8; i++) {
			const struct pve_task *t = &s->tasks[i];

			if (strcmp(t->id, id) != 0)
				continue;
			k++;
			out_fmt_time(t1, sizeof(t1), t->starttime);
			LINE(t->running ? p->yellow : t->ok ? NULL : p->red,
			    "  %-19s %-12s %-10s %s", t1, t->type, t->node,
			    t->running ? "running" : t->status);
		}
	}
	LINE(NULL, "%s", "");
	LINE(p->head, "Snapshots (%d)", s->nsnaps);
	for (int i = 0; i < s->nsnaps; i++) {
		out_fmt_time(t1, sizeof(t1), s->snaps[i].snaptime);
		LINE(NULL, "  %-20s %-19s parent %-16s %s", s->snaps[i].name,
		    t1, s->snaps[i].parent[0] ? s->snaps[i].parent : "-",
		    s->snaps[i].description);
	}
#undef LINE
}

static void
draw_tasklog(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	info(rb, s, y, p, "Task log%s: %s", s->log_running ?
	    " (following)" : "", s->log_upid);
	for (int r = 0; r < rows - 1; r++) {
		int i = s->top[TOP_TASKLOG] + r;

		if (i >= s->nlog)
			break;
		top_put(rb, s, y + 1 + r, 0, NULL, "%s", s->log[i].t);
	}
}

/* The PBS lines of the backup board: one per datastore (as many as fit
 * in a third of the body), then how the round went.  Returns the lines
 * drawn. */
static int
draw_pbs(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	int max = rows / 3, n = 0;

	if (s->npbs == 0 || max < 1)
		return 0;
	for (int i = 0; i < s->npst && n < max; i++) {
		const struct top_pbs_store *t = &s->pst[i];
		const struct pbs_gc *gc = &t->gc;
		const TickitPen *pen = NULL;
		char u[32] = "?", tot[32] = "?", full[32] = "", gcs[160];
		char when[48] = "", next[48] = "";
		double pct = t->st.total ? 100.0 * (double)t->st.used /
		    (double)t->st.total : 0;

		if (i == n && i == max - 1 && s->npst > max) {
			top_put(rb, s, y + n++, 0, NULL, "PBS: %d more "
			    "datastores", s->npst - i);
			break;
		}
		if (t->st.total) {
			out_fmt_bytes(u, sizeof(u), t->st.used);
			out_fmt_bytes(tot, sizeof(tot), t->st.total);
		}
		if (t->st.full_date > 0) {
			char d[32];

			out_fmt_time(d, sizeof(d), t->st.full_date);
			snprintf(full, sizeof(full), ", full ~%.10s", d);
		}
		if (!t->gc_known) {
			snprintf(gcs, sizeof(gcs), "GC ?");
		} else if (gc->upid[0] && gc->state[0] == '\0') {
			snprintf(gcs, sizeof(gcs), "GC running");
		} else {
			if (gc->last_end > 0 && s->bk_now >= gc->last_end) {
				char d[32];

				out_fmt_duration(d, sizeof(d), s->bk_now -
				    gc->last_end);
				snprintf(when, sizeof(when), " %s ago", d);
			}
			if (gc->next_run > 0) {
				char d[32];

				out_fmt_time(d, sizeof(d), gc->next_run);
				snprintf(next, sizeof(next), ", next %.16s", d);
			}
			snprintf(gcs, sizeof(gcs), "GC %.60s%s%s",
			    gc->state[0] ? gc->state : "never run", when, next);
			if (gc->state[0] && strcmp(gc->state, "ok") != 0)
				pen = p->red;
		}
		if (pct >= 90)
			pen = p->red;
		else if (pct >= 80 && pen == NULL)
			pen = p->yellow;
		top_put(rb, s, y + n++, 0, pen, "PBS %.40s:%.32s  %s of %s used "
		    "(%.0f%%)%s  %s", t->profile, t->st.store, u, tot, pct,
		    full, gcs);
	}
	if (s->pbs_pending || s->pbs_failed || s->npst == 0)
		top_put(rb, s, y + n++, 0, s->pbs_failed ? p->red : NULL,
		    "PBS %s%s%s", s->pbs_pending ? "loading  " : "",
		    s->pbs_failed ? "did not answer: " : s->npst == 0 &&
		    !s->pbs_pending ? "no datastore" : "",
		    s->pbs_failed ? s->pbs_err : "");
	return n;
}

static void
draw_backups(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	int nojob = 0, bad = 0, np;

	/* the counts over every guest shown, not only the visible rows */
	for (int i = 0; i < s->nvis; i++) {
		const struct pve_guest *g = &s->guests[s->vis[i]];
		const struct top_backup *b = top_backup_of(s, g->vmid);
		const struct top_pbs_backup *pb = top_pbs_backup_of(s,
		    g->vmid);
		long long last = b ? b->ctime : 0;

		if (pb && pb->time > last)
			last = pb->time;
		nojob += top_backup_job(s, g->vmid) == 0;
		bad += last == 0 || s->bk_now - last > TOP_BACKUP_OLD;
	}
	info(rb, s, y, p, "Backup board: %d guests, %d%s without a backup "
	    "job, %d with no backup or one older than 7 days%s%s", s->nvis,
	    nojob, s->unprot_known ? "" : " (?)", bad, s->bk_pending ||
	    s->bk_wait ? "  loading" : "", s->bk_failed ? "  (some storage did not "
	    "answer)" : "");
	np = draw_pbs(rb, s, y + 1, rows - 1, p);
	y += np;
	rows -= np;
	top_put(rb, s, y + 1, 0, p->head, "%7s %-16s %-10s %-10s %-19s %-10s "
	    "%-16s %-7s %s", "VMID", "NAME", "NODE", "STATUS", "LAST BACKUP",
	    "AGE", "STORAGE", "JOB", s->npbs ? "PBS LAST  VERIFY" : "");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_BACKUPS] + r, line = y + 2 + r, covered;
		const struct pve_guest *g;
		const struct top_backup *b;
		const struct top_pbs_backup *pb;
		const TickitPen *pen = NULL;
		char t1[32] = "never", age[32] = "-", pbs[64] = "";
		long long a;

		if (i >= s->nvis)
			break;
		g = &s->guests[s->vis[i]];
		b = top_backup_of(s, g->vmid);
		pb = top_pbs_backup_of(s, g->vmid);
		covered = top_backup_job(s, g->vmid) != 0;
		if (b) {
			a = s->bk_now - b->ctime;
			out_fmt_time(t1, sizeof(t1), b->ctime);
			out_fmt_duration(age, sizeof(age), a > 0 ? a : 0);
			if (a > TOP_BACKUP_OLD || !covered)
				pen = p->red;
			else if (a > 86400)
				pen = p->yellow;
		} else if (pb == NULL)
			pen = p->red;
		if (pb) {
			char pa[32];
			long long pa_s = s->bk_now - pb->time;

			out_fmt_duration(pa, sizeof(pa), pa_s > 0 ? pa_s : 0);
			snprintf(pbs, sizeof(pbs), "%-9.9s %-6.6s%s", pa,
			    pb->verify, pb->protected_ ? " protected" : "");
			if (strcmp(pb->verify, "failed") == 0 ||
			    (b == NULL && pa_s > TOP_BACKUP_OLD))
				pen = p->red;
			else if (pen == NULL && (strcmp(pb->verify, "ok") ||
			    pa_s > 86400))
				pen = p->yellow;
		} else if (s->npbs) {
			snprintf(pbs, sizeof(pbs), "%s", s->pbs_pending ?
			    "?" : "none");
		}
		if (!covered)
			pen = p->red;
		if (i == s->cur[TOP_BACKUPS]) {
			fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		top_put(rb, s, line, 0, pen, "%c%6d %-16.16s %-10.10s %-10.10s "
		    "%-19.19s %-10.10s %-16.16s %-7s %s",
		    top_is_marked(s, g->vmid) ? '*' : ' ', g->vmid, g->name,
		    g->node, g->status, t1, age, b ? b->storage : "-",
		    !s->unprot_known ? "?" : covered ? "covered" : "none",
		    pbs);
	}
}

static void
draw_snaptree(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	const struct pve_guest *g = &s->tree_guest;
	char t1[32];

	info(rb, s, y, p, "Snapshots of %s %d (%s) on %s: %d%s",
	    g->type[0] == 'l' ? "CT" : "VM", g->vmid, g->name, g->node,
	    s->ntree > 0 ? s->ntree - 1 : 0, s->tree_loading ? "  loading" :
	    "");
	top_put(rb, s, y + 1, 0, p->head, "%-40s %-19s %-3s %s", "NAME", "TAKEN",
	    "RAM", "DESCRIPTION");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_SNAPTREE] + r, line = y + 2 + r, d;
		const struct pve_snapnode *n;
		const TickitPen *pen = NULL;
		char name[96];

		if (i >= s->ntree)
			break;
		n = &s->tree[i];
		d = n->depth < 16 ? n->depth : 16;
		snprintf(name, sizeof(name), "%*s%s%s", 2 * d, "", d ? "`- " :
		    "", n->current ? "NOW (current state)" : n->s.name);
		if (n->current)
			pen = p->green;
		if (i == s->cur[TOP_SNAPTREE]) {
			fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		if (n->current)
			t1[0] = '\0';
		else
			out_fmt_time(t1, sizeof(t1), n->s.snaptime);
		top_put(rb, s, line, 0, pen, "%-40.40s %-19.19s %-3s %s", name, t1,
		    n->current ? "" : n->s.vmstate ? "yes" : "no",
		    n->s.description);
	}
	if (s->ntree <= 1 && !s->tree_loading)
		top_put(rb, s, y + 2 + s->ntree, 2, NULL, "No snapshots.  n takes "
		    "one.");
}

static void
draw_hw(TickitRenderBuffer *rb, const struct top_state *s, int y, int rows,
    const struct pens *p)
{
	int used = 0;
	char users[256];

	for (int i = 0; i < s->npci + s->nusb; i++)
		used += top_hw_users(s, i, users, sizeof(users)) > 0;
	info(rb, s, y, p, "Hardware of %s: %d PCI, %d USB devices; %d passed "
	    "through (%d entries in guest configs)%s", s->hw_node, s->npci,
	    s->nusb, used, s->nhwuse, s->hw_pending || s->hw_wait ?
	    "  loading" : "");
	top_put(rb, s, y + 1, 0, p->head, "%-4s %-13s %-6s %-5s %-28s %-34s %s",
	    "BUS", "ID", "CLASS", "IOMMU", "VENDOR", "DEVICE", "USED BY");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_HW] + r, line = y + 2 + r, n;
		const TickitPen *pen = NULL;
		char id[40], group[16] = "-";

		if (i >= s->npci + s->nusb)
			break;
		n = top_hw_users(s, i, users, sizeof(users));
		if (n > 1)
			pen = p->red;	/* one device, several guests */
		else if (n == 1)
			pen = p->yellow;
		if (i == s->cur[TOP_HW]) {
			fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		if (i < s->npci) {
			const struct pve_pci *d = &s->pci[i];

			if (d->iommugroup >= 0)
				snprintf(group, sizeof(group), "%d",
				    d->iommugroup);
			top_put(rb, s, line, 0, pen, "%-4s %-13.13s %-6.6s %-5s "
			    "%-28.28s %-34.34s %s%s", "pci", d->id, d->class,
			    group, d->vendor_name, d->device_name, n ? users :
			    "-", n > 1 ? "  CONFLICT" : "");
		} else {
			const struct pve_usb *u = &s->usb[i - s->npci];

			snprintf(id, sizeof(id), "%d-%s", u->busnum,
			    u->usbpath);
			top_put(rb, s, line, 0, pen, "%-4s %-13.13s %-6d %-5s "
			    "%-28.28s %-34.34s %s%s", "usb", id, u->class, "-",
			    u->manufacturer, u->product, n ? users : "-",
			    n > 1 ? "  CONFLICT" : "");
		}
	}
}

static void
draw_grep(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	int guests = 0;

	for (int i = 0; i < s->ngl; i++)
		guests += i == 0 || s->gl[i].vmid != s->gl[i - 1].vmid;
	info(rb, s, y, p, "Config grep %s: %d line%s in %d guest%s, %d of %d "
	    "configs read%s%s", s->grep, s->ngl, s->ngl == 1 ? "" : "s",
	    guests, guests == 1 ? "" : "s", s->grep_asked - s->grep_pending,
	    s->grep_asked, s->grep_failed ? ", some did not answer" : "",
	    s->grep_pending || s->grep_wait ? "  loading" : "");
	top_put(rb, s, y + 1, 0, p->head, "%7s %-16s %-10s %-14s %s", "VMID",
	    "NAME", "NODE", "KEY", "VALUE");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_GREP] + r, line = y + 2 + r;
		const struct top_grepline *l;
		const struct pve_guest *g = NULL;
		const TickitPen *pen = NULL;

		if (i >= s->ngl)
			break;
		l = &s->gl[i];
		for (int k = 0; k < s->nguests && g == NULL; k++)
			if (s->guests[k].vmid == l->vmid)
				g = &s->guests[k];
		if (i == s->cur[TOP_GREP]) {
			fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		top_put(rb, s, line, 0, pen, "%7d %-16.16s %-10.10s %-14.14s %s",
		    l->vmid, g ? g->name : "?", g ? g->node : "?", l->key,
		    l->value);
	}
	if (s->ngl == 0 && s->grep_pending == 0 && s->grep_wait == 0)
		top_put(rb, s, y + 2, 2, NULL, "No config line matches.  G searches "
		    "again.");
}

static void
draw_heat(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const struct pens *p)
{
	static const char *const names[] = { "fast", "ok", "slow",
		"very-slow" };
	int pending = 0;

	for (int i = 0; i < s->nprobes; i++)
		pending += s->probes[i].online && s->probes[i].n < TOP_PROBES;
	info(rb, s, y, p, "API round-trip per node: %d probes each (GET "
	    "/nodes/NODE/status)%s   <50 ms fast, <200 ok, <1 s slow",
	    TOP_PROBES, pending || s->probe_wait ? "  probing" : "");
	top_put(rb, s, y + 1, 0, p->head, "%-16s %-*s %10s %10s %-10s %s", "NODE",
	    TOP_PROBES * 3, "PROBES", "MEDIAN", "WORST", "BUCKET", "ERROR");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_HEAT] + r, line = y + 2 + r, b, x;
		const struct top_probe *pr;
		const TickitPen *pen;
		double med, worst;
		char m1[16] = "-", m2[16] = "-";

		if (i >= s->nprobes)
			break;
		pr = &s->probes[i];
		med = top_probe_median(pr);
		worst = top_probe_worst(pr);
		if (med >= 0)
			snprintf(m1, sizeof(m1), "%.1f ms", med);
		if (worst >= 0)
			snprintf(m2, sizeof(m2), "%.1f ms", worst);
		b = pr->n == TOP_PROBES && worst >= 0 ? top_bucket(worst) : -1;
		for (int k = 0; k < pr->n; k++)
			if (pr->ms[k] < 0)
				b = -1;	/* any failure: fail */
		if (i == s->cur[TOP_HEAT])
			fill(rb, s, line, p->sel);
		top_put(rb, s, line, 0, i == s->cur[TOP_HEAT] ? p->sel : NULL,
		    "%-16.16s", pr->node);
		/* one coloured cell per probe */
		x = 17;
		for (int k = 0; k < TOP_PROBES; k++, x += 3) {
			int kb = k < pr->n ? top_bucket(pr->ms[k]) : -2;

			pen = kb == 0 ? p->green : kb == 1 ? p->yellow :
			    kb >= 2 || kb == -1 ? p->red : p->dim;
			top_put(rb, s, line, x, pen, "%s", kb == -2 ? "·· " :
			    kb == -1 ? "xx " : kb == 0 ? "▁▁ " : kb == 1 ?
			    "▃▃ " : kb == 2 ? "▆▆ " : "██ ");
		}
		pen = b == 0 ? p->green : b == 1 ? p->yellow : p->red;
		top_put(rb, s, line, 17 + TOP_PROBES * 3 + 1, pen, "%10s %10s "
		    "%-10s %s", m1, m2, !pr->online ? "offline" :
		    pr->n < TOP_PROBES ? "..." : b < 0 ? "fail" : names[b],
		    pr->err);
	}
}

/* ---- overlays ---- */

/* A box in the middle of the screen: title, then text from line first
 * on, as many lines as fit; as wide as the widest of all n lines, so
 * that scrolling does not change its width. */
static void
box(TickitRenderBuffer *rb, const struct top_state *s, const char *title,
    const char *const *text, int n, int first, const struct pens *p)
{
	int w = 0, h = n - first + 2, top, left;

	for (int i = 0; i < n; i++)
		if ((int)strlen(text[i]) > w)
			w = (int)strlen(text[i]);
	w += 4;
	if (w > s->cols)
		w = s->cols;
	if (h > s->lines)
		h = s->lines;
	top = (s->lines - h) / 2;
	left = (s->cols - w) / 2;
	if (top < 0)
		top = 0;
	if (left < 0)
		left = 0;
	for (int i = 0; i < h; i++) {
		tickit_renderbuffer_save(rb);
		tickit_renderbuffer_setpen(rb, p->bar);
		tickit_renderbuffer_erase_at(rb, top + i, left, w);
		tickit_renderbuffer_restore(rb);
	}
	top_put(rb, s, top, left + 2, p->bar, "%s", title);
	for (int i = 0; first + i < n && i + 1 < h - 1; i++)
		top_put(rb, s, top + 1 + i, left + 2, p->bar, "%s",
		    text[first + i]);
}


void
top_render(const struct top_state *s, TickitRenderBuffer *rb, int colour)
{
	const struct pens *p = pens(colour);
	int body = top_body_lines(s), y = 2, on = 0, run = 0, x, stale;
	char t[32] = "-";
	long long wait = 0, since = 0;

	tickit_renderbuffer_clear(rb);
	if (s->lines < 4 || s->cols < 20) {
		top_put(rb, s, 0, 0, NULL, "pxtop: terminal too small");
		return;
	}
	for (int i = 0; i < s->nnodes; i++)
		on += s->nodes[i].online;
	for (int i = 0; i < s->nguests; i++)
		run += strcmp(s->guests[i].status, "running") == 0;
	if (s->updated)
		clock_of(t, sizeof(t), s->updated);
	stale = top_stale(s, &wait, &since);
	fill(rb, s, 0, p->bar);
	top_put(rb, s, 0, 0, p->bar, " pxtop  %s  nodes %d/%d  guests %d/%d "
	    "running  updated %s%s%s", s->profile, on, s->nnodes, run,
	    s->nguests, t, stale ? "  stale" : s->loading ? "  loading" : "",
	    s->read_only ? "  [read-only]" : "");
	if (top_past_at(s)) {	/* time travel (top_past.h): say it loud */
		static TickitPen *pp[2];	/* reverse red, bold */
		char past[256];

		if (pp[colour != 0] == NULL)
			pp[colour != 0] = colour ? tickit_pen_new_attrs(
			    TICKIT_PEN_REVERSE, 1, TICKIT_PEN_BOLD, 1,
			    TICKIT_PEN_FG, 1, -1) : tickit_pen_new_attrs(
			    TICKIT_PEN_REVERSE, 1, TICKIT_PEN_BOLD, 1, -1);
		top_past_banner(s, past, sizeof(past));
		fill(rb, s, 0, pp[colour != 0]);
		top_put(rb, s, 0, 0, pp[colour != 0], "%s", past);
	}

	/* the tabs, padded when they all fit so, else closer together */
	for (int pass = 0, pad = 1; pass < 2; pass++) {
		x = 0;
		for (int v = 0; v < TOP_NVIEWS; v++) {
			/* The key of each view in enum order; '?': no tab
			 * (opened with Enter, or from a selection: D E X, or
			 * a picker: P). */
			static const char keys[TOP_NVIEWS + 1] =
			    "12345QT??BZWGH?O??I?A";
			const char *sp = pad ? " " : "";
			char tab[48];
			int cur = (int)s->view == v || (v == TOP_GUESTS &&
			    s->view == TOP_GUEST) || (v == TOP_TASKS &&
			    s->view == TOP_TASKLOG);

			if (keys[v] == '?')
				continue;
			if (v == TOP_QUEUE)
				snprintf(tab, sizeof(tab), "%s%c %s(%d)%s", sp,
				    keys[v], top_view_name(v), s->nops, sp);
			else
				snprintf(tab, sizeof(tab), "%s%c %s%s", sp,
				    keys[v], top_view_name(v), sp);
			if (pass == 1)
				top_put(rb, s, 1, x, cur ? p->sel : NULL, "%s",
				    tab);
			x += (int)strlen(tab) + 1;
		}
		if (pass == 0 && x > s->cols)
			pad = 0;
	}

	switch (s->view) {
	case TOP_DASH:
		draw_dash(rb, s, y, body, p);
		break;
	case TOP_NODES:
		draw_nodes(rb, s, y, body, p);
		break;
	case TOP_GUESTS:
		draw_guests(rb, s, y, body, p);
		break;
	case TOP_STORAGE:
		draw_storage(rb, s, y, body, p);
		break;
	case TOP_TASKS:
		draw_tasks(rb, s, y, body, p);
		break;
	case TOP_QUEUE:
		draw_queue(rb, s, y, body, p);
		break;
	case TOP_AUDIT:
		draw_audit(rb, s, y, body, p);
		break;
	case TOP_GUEST:
		draw_guest(rb, s, y, body, p);
		break;
	case TOP_TASKLOG:
		draw_tasklog(rb, s, y, body, p);
		break;
	case TOP_BACKUPS:
		draw_backups(rb, s, y, body, p);
		break;
	case TOP_SNAPTREE:
		draw_snaptree(rb, s, y, body, p);
		break;
	case TOP_HW:
		draw_hw(rb, s, y, body, p);
		break;
	case TOP_GREP:
		draw_grep(rb, s, y, body, p);
		break;
	case TOP_HEAT:
		draw_heat(rb, s, y, body, p);
		break;
	case TOP_COMPARE:
		top_draw_compare(rb, s, y, body, colour);
		break;
	case TOP_HA:
		top_draw_ha(rb, s, y, body, colour);
		break;
	case TOP_PROFILES:
		top_draw_profiles(rb, s, y, body, colour);
		break;
	case TOP_EVAC:
		top_evac_draw(rb, s, y, body, colour);
		break;
	case TOP_ISO:
		top_draw_iso(rb, s, y, body, p->sel, p->head, p->bold);
		break;
	case TOP_BCAST:
		top_draw_bcast(rb, s, y, body, p->sel, p->head, p->bold,
		    p->red);
		break;
	case TOP_APPR:
		top_draw_appr(rb, s, y, body, colour);
		break;
	case TOP_NVIEWS:
		break;
	}

	/* status line: the input being typed, a message, or a failure */
	if (s->input != TOP_IN_NONE) {
		static const char *const prompts[] = { "", "/", "filter: ",
			"tag: ", "migrate to node: ", "snapshot name: ",
			"back up to storage: ", "grep configs: ", ":",
			"open: ",
			"exec on the guest agents: ", "upload file: ",
			"download URL [ALG:HEX]: " };

		const char *pr = prompts[s->input], *en = s->entry;
		size_t room = (size_t)s->cols, used = strlen(pr) + 2;

		/* a long path or URL: its end, where the typing is */
		if (used + strlen(en) > room && room > used + 3) {
			en += strlen(en) - (room - used - 3);
			while (((unsigned char)*en & 0xc0) == 0x80)
				en++;
			top_put(rb, s, s->lines - 2, 0, p->bold, "%s...%s_", pr,
			    en);
		} else
			top_put(rb, s, s->lines - 2, 0, p->bold, "%s%s_", pr, en);
	}
	else if (s->status[0])
		top_put(rb, s, s->lines - 2, 0, strncmp(s->status, "refused", 7)
		    == 0 ? p->red : p->bold, "%s", s->status);
	else if (stale) {
		char d[64] = "no data yet", c[32];

		if (since) {
			clock_of(c, sizeof(c), since);
			snprintf(d, sizeof(d), "showing data from %s", c);
		}
		top_put(rb, s, s->lines - 2, 0, p->red, "no answer from %s for "
		    "%llds (%s)", s->profile, wait, d);
	} else if (s->fetch_err[0])
		top_put(rb, s, s->lines - 2, 0, p->red, "%s", s->fetch_err);
	fill(rb, s, s->lines - 1, p->bar);
	{
		char foot[1024];

		top_footer_fit(top_footer(s), s->cols - 1, foot, sizeof(foot));
		top_put(rb, s, s->lines - 1, 0, p->bar, " %s", foot);
	}

	if (s->help) {
		int rows = top_help_rows(s);
		char title[96] = "pxtop keys";

		if (rows < top_nkeymap)
			snprintf(title, sizeof(title), "pxtop keys  %d-%d of "
			    "%d  j/k scroll", s->help_top + 1, s->help_top +
			    rows, top_nkeymap);
		box(rb, s, title, top_keymap, top_nkeymap, s->help_top, p);
	}
	if (s->input == TOP_IN_QUICK) {
		char lines[TOP_NQUICK + 1][112];
		const char *text[TOP_NQUICK + 1];
		int n = 0;

		for (int i = 0; i < s->nquick; i++, n++) {
			snprintf(lines[n], sizeof(lines[n]), "%s %-96s",
			    i == s->quick_cur ? ">" : " ", s->quick[i].label);
			text[n] = lines[n];
		}
		if (s->quick_more || n == 0) {
			snprintf(lines[n], sizeof(lines[n]), n ? "  ... %d more: "
			    "type more" : "  nothing matches", s->quick_more);
			text[n] = lines[n];
			n++;
		}
		box(rb, s, "quick open", text, n, 0, p);
	}
	if (s->confirm) {
		char l1[128], l2[128];
		const char *text[3] = { l1, l2, "y run   n cancel" };
		int ready = 0, severe = 0;

		for (int i = 0; i < s->nops; i++)
			if (s->ops[i].st == TOP_OP_READY) {
				ready++;
				severe += s->ops[i].risk.worst == RISK_SEVERE;
			}
		snprintf(l1, sizeof(l1), "Run %d operation%s through the gate "
		    "on profile %s?", ready, ready == 1 ? "" : "s",
		    s->profile);
		snprintf(l2, sizeof(l2), "%d will be refused by the pre-flight "
		    "check.", severe);
		box(rb, s, "confirm", text, 3, 0, p);
	}
}
