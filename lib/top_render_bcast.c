/*
 * top_render_bcast.c -- the agent broadcast's result view (X, x): per
 * guest its state, exit code and first line of output, and when opened
 * (Enter) every line of its stdout and stderr as the reducer kept them
 * (sanitized, bounded: lib/top_bcast.c).  Called by top_render for
 * TOP_BCAST; reads the state only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "top_draw.h"
#include "top_render.h"

static const char *
state_name(enum top_op_state st)
{
	static const char *const names[] = { "checking", "ready", "running",
		"done", "failed", "refused" };

	return st <= TOP_OP_REFUSED ? names[st] : "?";
}

/* A guest's line: VMID, name, node, state, exit, and (closed) a taste
 * of its output or why it failed. */
static void
header(TickitRenderBuffer *rb, const struct top_state *s, int line,
    const struct top_bc_row *r, const TickitPen *pen)
{
	char ex[32] = "-", taste[256] = "";

	if (r->signal >= 0)
		snprintf(ex, sizeof(ex), "sig %lld", r->signal);
	else if (r->exitcode >= 0)
		snprintf(ex, sizeof(ex), "%lld", r->exitcode);
	if (r->msg[0])
		snprintf(taste, sizeof(taste), "%s", r->msg);
	else if ((r->exitcode >= 0 || r->signal >= 0) && !r->open) {
		size_t len;
		int err, n;
		const char *t = top_bc_line(r, 0, &len, &err);

		n = r->nout + r->nerr;
		snprintf(taste, sizeof(taste), "%s%.*s%s", err ? "stderr: " :
		    "", (int)(len > 160 ? 160 : len), t, n > 1 ?
		    "  (Enter: all)" : "");
	}
	top_put(rb, s, line, 0, pen, "%s %7d %-16.16s %-10.10s %-8s %-6s %s",
	    r->open ? "-" : "+", r->g.vmid, r->g.name, r->g.node,
	    state_name(r->st), ex, taste);
}

void
top_draw_bcast(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const TickitPen *sel, const TickitPen *head,
    const TickitPen *bold, const TickitPen *red)
{
	int c[TOP_OP_REFUSED + 1] = { 0 };

	for (int i = 0; i < s->bc.n; i++)
		c[s->bc.row[i].st]++;
	top_put(rb, s, y, 0, bold, "Agent broadcast: %.80s  (%d guest%s: %d done, "
	    "%d failed, %d refused, %d running, %d waiting)", s->bc.cmd,
	    s->bc.n, s->bc.n == 1 ? "" : "s", c[TOP_OP_OK], c[TOP_OP_FAILED],
	    c[TOP_OP_REFUSED], c[TOP_OP_RUNNING], c[TOP_OP_PREVIEW] +
	    c[TOP_OP_READY]);
	top_put(rb, s, y + 1, 0, head, "  %7s %-16s %-10s %-8s %-6s %s", "VMID",
	    "NAME", "NODE", "STATE", "EXIT", "OUTPUT");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_BCAST] + r, line = y + 2 + r, g, l, cur;
		const struct top_bc_row *row;
		const TickitPen *pen = NULL;

		if (top_bc_rows(s, i, &g, &l) < 0)
			break;
		row = &s->bc.row[g];
		cur = i == s->cur[TOP_BCAST];
		if (cur) {
			tickit_renderbuffer_save(rb);
			tickit_renderbuffer_setpen(rb, sel);
			tickit_renderbuffer_erase_at(rb, line, 0, s->cols);
			tickit_renderbuffer_restore(rb);
			pen = sel;
		}
		if (l < 0) {
			if (!cur && (row->st == TOP_OP_FAILED ||
			    row->st == TOP_OP_REFUSED || (row->exitcode > 0 ||
			    row->signal >= 0)))
				pen = red;
			header(rb, s, line, row, pen);
		} else {
			size_t len;
			int err;
			const char *t = top_bc_line(row, l, &len, &err);

			if (len > 1000)
				len = 1000;
			top_put(rb, s, line, 4, cur ? sel : err ? red : NULL,
			    "%s %.*s", err ? "!" : "|", (int)len, t);
		}
	}
	if (s->bc.n == 0)
		top_put(rb, s, y + 2, 2, NULL, "No broadcast yet.  Mark guests in "
		    "the guest view (3) with Space, then X asks for the "
		    "command.");
}
