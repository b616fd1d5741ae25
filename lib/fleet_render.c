/*
 * fleet_render.c -- px fleet's screen from its state: the bar with the
 * fleet's totals, a summary row per profile, the guest table, the filter
 * line and the footer of keys.  Only visible rows are formatted.  A
 * profile that does not answer keeps its last data on screen, marked:
 * "stale" and how long it has not answered on its summary row, its
 * guests dimmed (in colour).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fleet_render.h"
#include "enc.h"
#include "out.h"

struct pens {
	TickitPen *bar, *sel, *head, *down, *old;
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
	p->head = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	if (colour) {
		p->down = tickit_pen_new_attrs(TICKIT_PEN_FG, 1, -1);
		p->old = tickit_pen_new_attrs(TICKIT_PEN_FG, 8, -1);
		tickit_pen_set_colour_attr(p->bar, TICKIT_PEN_FG, 4);
	} else {
		p->down = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	}
	return p;
}

/* Text at line, col; a bar or a selected row is erased in its pen to the
 * end of the line first. */
static void __attribute__((format(printf, 5, 6)))
put(TickitRenderBuffer *rb, const struct fleet_state *s, int line,
    const TickitPen *pen, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (line < 0 || line >= s->lines)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tickit_renderbuffer_save(rb);
	if (pen) {
		tickit_renderbuffer_setpen(rb, pen);
		tickit_renderbuffer_erase_at(rb, line, 0, s->cols);
	}
	text_sanitize(buf);	/* no server text drives the terminal */
	tickit_renderbuffer_text_at(rb, line, 0, buf);
	tickit_renderbuffer_restore(rb);
}

/* "12.5%", or "-" when not known. */
static void
pct(char *b, size_t n, double frac)
{
	if (frac < 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, "%.1f%%", frac * 100);
}

static void
summary_row(TickitRenderBuffer *rb, const struct fleet_state *s, int y,
    int i, const struct pens *p)
{
	const struct fleet_cluster *c = &s->cl[i];
	enum fleet_health h = fleet_health(c);
	struct fleet_sum sum;
	char cpu[16], mem[16], marks[600], quiet[48] = "";
	static const char *const word[FLEET_NHEALTH] = {
		[FLEET_WAIT] = "...", [FLEET_UP] = "up", [FLEET_DOWN] = "down",
		[FLEET_STALE] = "stale"
	};

	fleet_summary(c, &sum);
	pct(cpu, sizeof(cpu), sum.cpu);
	pct(mem, sizeof(mem), sum.mem);
	if (h == FLEET_STALE)
		snprintf(quiet, sizeof(quiet), "no answer for %llds ",
		    s->now > c->asked ? s->now - c->asked : 0);
	snprintf(marks, sizeof(marks), "%s%s%s%s%s",
	    c->read_only ? "read-only " : "", c->frozen ? "frozen " : "",
	    c->connecting ? "connecting " : "", quiet,
	    h == FLEET_DOWN ? c->err : "");
	put(rb, s, y, i == s->sel ? p->sel : h == FLEET_DOWN ||
	    h == FLEET_STALE ? p->down : NULL,
	    "%-16.16s %-6s %3d/%-3d %5d/%-5d %6s %6s %7d %s", c->name,
	    word[h],
	    sum.nodes_up, sum.nodes, sum.running, sum.guests, cpu, mem,
	    sum.failed_tasks, marks);
}

void
fleet_render(const struct fleet_state *s, TickitRenderBuffer *rb,
    int colour)
{
	const struct pens *p = pens(colour);
	int y = 2, nsum = fleet_summary_lines(s), list;
	int n[FLEET_NHEALTH] = { 0 };
	char quiet[48] = "";
	struct fleet_sum all = { 0 };

	tickit_renderbuffer_clear(rb);
	if (s->lines < 8 || s->cols < 20) {
		put(rb, s, 0, NULL, "px fleet: terminal too small");
		return;
	}
	for (int i = 0; i < s->ncl; i++) {
		struct fleet_sum sum;

		n[fleet_health(&s->cl[i])]++;
		fleet_summary(&s->cl[i], &sum);
		all.nodes_up += sum.nodes_up;
		all.nodes += sum.nodes;
		all.running += sum.running;
		all.guests += sum.guests;
	}
	if (n[FLEET_STALE] > 0)
		snprintf(quiet, sizeof(quiet), " (%d not answering)",
		    n[FLEET_STALE]);
	put(rb, s, 0, p->bar, " px fleet  %d profiles: %d up, %d down%s, %d "
	    "waiting  nodes %d/%d  guests %d/%d running", s->ncl,
	    n[FLEET_UP], n[FLEET_DOWN] + n[FLEET_STALE], quiet,
	    n[FLEET_WAIT], all.nodes_up, all.nodes, all.running, all.guests);
	put(rb, s, 1, p->head, "%-16s %-6s %7s %11s %6s %6s %7s %s",
	    "PROFILE", "STATE", "NODES", "GUESTS", "CPU", "MEM", "FAILED",
	    "MARKS");
	for (int i = s->ctop; i < s->ncl && i < s->ctop + nsum; i++)
		summary_row(rb, s, y++, i, p);
	y++;
	put(rb, s, y++, NULL, "Guests of %s: %d   sort %s%s%s",
	    s->all || s->ncl == 0 ? "the whole fleet" : s->cl[s->sel].name,
	    s->nrows, fleet_sort_name(s->sort), s->filter[0] ?
	    "   filter: " : "", s->filter);
	put(rb, s, y++, p->head, "%-16s %7s %-20s %-10s %-9s %6s %10s %s",
	    "PROFILE", "VMID", "NAME", "NODE", "STATUS", "CPU", "MEM", "TAGS");
	list = fleet_guest_lines(s);
	for (int r = 0; r < list && s->gtop + r < s->nrows; r++) {
		const struct fleet_row *w = &s->rows[s->gtop + r];
		const struct pve_guest *g = &s->cl[w->cl].guests[w->g];
		enum fleet_health h = fleet_health(&s->cl[w->cl]);
		char m[32];

		/* the last answer of a profile that is down or not
		 * answering: kept, but not fresh */
		out_fmt_bytes(m, sizeof(m), g->mem);
		put(rb, s, y + r, h == FLEET_DOWN || h == FLEET_STALE ?
		    p->old : NULL, "%-16.16s %7d %-20.20s %-10.10s "
		    "%-9.9s %5.1f%% %10s %s", s->cl[w->cl].name, g->vmid,
		    g->name, g->node, g->status, g->cpu * 100, m, g->tags);
	}
	if (s->typing)
		put(rb, s, s->lines - 2, NULL, "/%s_", s->filter);
	put(rb, s, s->lines - 1, p->bar, " j/k or arrows select a cluster  "
	    "Tab this cluster/whole fleet  Enter pxtop  / filter  s sort  "
	    "PageUp/PageDown scroll  q quit");
}
