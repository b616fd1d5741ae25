/*
 * top_bcast.c -- pxtop's agent broadcast (X): one command run through
 * the QEMU guest agent on every marked running VM.  X asks for the
 * command; the guests that cannot run it (not running, containers) are
 * refused here, the others go to the operation queue as exec
 * operations with their pre-flight preview (cmd/top checks that the
 * agent answers), confirmed once and approved once for the batch
 * (cmd/top sends them through the gate as one change); the outputs come
 * back per guest (TA_BC_OUT) into the result view: each guest's exit
 * code, stdout and stderr, sanitized and bounded.  Part of the reducer
 * (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "top_impl.h"
#include "top_past.h"

/* ---- the command's words ---- */

int
top_split_words(const char *line, char *buf, size_t n, char **w, int max,
    const char **why)
{
	const char *p = line;
	size_t o = 0;
	int nw = 0;

	for (;;) {
		int quoted = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (nw == max) {
			*why = "too many words";
			return -1;
		}
		w[nw++] = buf + o;
		while (*p && *p != ' ' && *p != '\t') {
			char q = *p;

			if (q == '\'' || q == '"') {
				quoted = 1;
				p++;
				while (*p && *p != q) {
					/* in "...", \ escapes " and \ only */
					if (q == '"' && *p == '\\' &&
					    (p[1] == '"' || p[1] == '\\'))
						p++;
					if (o + 1 >= n)
						goto long_;
					buf[o++] = *p++;
				}
				if (*p != q) {
					*why = q == '\'' ? "an unclosed '" :
					    "an unclosed \"";
					return -1;
				}
				p++;
				continue;
			}
			if (q == '\\' && p[1])
				p++;
			if (o + 1 >= n)
				goto long_;
			buf[o++] = *p++;
		}
		(void)quoted;	/* '' is an empty word, kept */
		if (o + 1 >= n)
			goto long_;
		buf[o++] = '\0';
	}
	return nw;
long_:
	*why = "the command is too long";
	return -1;
}

/* ---- what the agent sent, made safe ---- */

char *
top_bc_sanitize(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		int ctl;
		size_t len = text_char(r, &ctl);

		if (!ctl) {
			memmove(w, r, len);
			w += len;
		} else if (*r == '\n') {
			*w++ = '\n';
		} else if (*r == '\t') {
			*w++ = ' ';
		} else if (*r == '\r' && (r[1] == '\n' || r[1] == '\0')) {
			;	/* CRLF: the line as it is */
		} else {
			*w++ = '?';
		}
		r += len;
	}
	*w = '\0';
	return s;
}

/* A copy of text, at most TOP_BC_OUT bytes (cut at a character),
 * sanitized; *trunc set when cut. */
static char *
keep_text(const char *text, int *trunc)
{
	size_t n;
	char *c;

	if (text == NULL || text[0] == '\0')
		return NULL;
	n = strlen(text);
	if (n > TOP_BC_OUT) {
		n = TOP_BC_OUT;
		/* not in the middle of a UTF-8 character */
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
		*trunc = 1;
	}
	c = px_xmalloc(n + 1);
	memcpy(c, text, n);
	c[n] = '\0';
	return top_bc_sanitize(c);
}

/* How many lines text has (a last newline ends the last line). */
static int
count_lines(const char *text)
{
	int n = 0;

	if (text == NULL || text[0] == '\0')
		return 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n + (text[strlen(text) - 1] != '\n');
}

static int
row_lines(const struct top_bc_row *r)
{
	int n = r->nout + r->nerr;

	/* a line for "(no output)", and for each truncation */
	if (n == 0)
		n = 1;
	return n + (r->out_trunc != 0) + (r->err_trunc != 0);
}

const char *
top_bc_line(const struct top_bc_row *r, int k, size_t *len, int *is_err)
{
	int no = r->nout, ne = r->nerr;
	const char *t = r->out, *p;

	*is_err = 0;
	if (no + ne == 0 && k == 0) {
		*len = strlen("(no output)");
		return "(no output)";
	}
	if (k >= no) {
		if (k == no && r->out_trunc) {
			*len = strlen("(stdout truncated)");
			return "(stdout truncated)";
		}
		k -= no + (r->out_trunc != 0);
		t = r->err;
		*is_err = 1;
		if (k >= ne) {
			*len = strlen("(stderr truncated)");
			return "(stderr truncated)";
		}
	}
	for (p = t; k > 0; p++)
		if (*p == '\n')
			k--;
	*len = strcspn(p, "\n");
	return p;
}

int
top_bc_rows(const struct top_state *s, int i, int *guest, int *line)
{
	int k = 0;

	for (int g = 0; g < s->bc.n; g++) {
		const struct top_bc_row *r = &s->bc.row[g];
		int n = 1 + (r->open ? row_lines(r) : 0);

		if (i >= k && i < k + n) {
			*guest = g;
			*line = i - k - 1;
			return k;
		}
		k += n;
	}
	return i < 0 ? k : -1;
}

/* ---- the keys ---- */

static void
clear_rows(struct top_state *s)
{
	for (int i = 0; i < s->bc.n; i++) {
		free(s->bc.row[i].out);
		free(s->bc.row[i].err);
	}
	s->bc.n = 0;
}

void
top_bcast_free(struct top_state *s)
{
	clear_rows(s);
}

void
top_bcast_ask(struct top_state *s)
{
	if (!top_can_act(s, "exec"))
		return;
	s->input = TOP_IN_EXEC;
	s->entry[0] = '\0';
}

/* The row of guest g, a new one. */
static struct top_bc_row *
add_row(struct top_state *s, const struct pve_guest *g)
{
	struct top_bc_row *r = &s->bc.row[s->bc.n++];

	memset(r, 0, sizeof(*r));
	r->g = *g;
	r->exitcode = r->signal = -1;
	return r;
}

void
top_bcast_prompt_done(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *cur = top_selected_guest(s);
	const struct pve_guest *gs[TOP_BC_MAX];
	char words[TOP_TEXT], *w[128];
	const char *why = NULL;
	int n = 0, nw, first = s->nops, batch = 0, refused = 0;

	nw = top_split_words(s->entry, words, sizeof(words), w, 128, &why);
	if (nw == 0) {
		snprintf(s->status, sizeof(s->status), "cancelled: no command, "
		    "nothing queued");
		return;
	}
	if (nw < 0) {
		snprintf(s->status, sizeof(s->status), "refused: the command "
		    "has %s: nothing queued", why);
		return;
	}
	if (s->nmarked > TOP_BC_MAX) {
		snprintf(s->status, sizeof(s->status), "refused: %d guests "
		    "marked, a broadcast runs on %d at most: nothing queued",
		    s->nmarked, TOP_BC_MAX);
		return;
	}
	for (int i = 0; i < s->nmarked; i++)
		if ((gs[n] = top_guest_by_vmid(s, s->marked[i])) != NULL)
			n++;
	if (s->nmarked == 0 && cur != NULL)
		gs[n++] = cur;
	if (n == 0) {
		snprintf(s->status, sizeof(s->status), "no guest selected: "
		    "Space marks guests in the guest view (3), then X");
		return;
	}
	clear_rows(s);
	snprintf(s->bc.cmd, sizeof(s->bc.cmd), "%s", s->entry);
	if (s->view != TOP_BCAST && s->view != TOP_QUEUE)
		s->bc.back = s->view;
	for (int i = 0; i < n; i++)
		batch += strcmp(gs[i]->type, "qemu") == 0 &&
		    strcmp(gs[i]->status, "running") == 0;
	for (int i = 0; i < n; i++) {
		const struct pve_guest *g = gs[i];
		struct top_bc_row *r = add_row(s, g);
		struct top_effect *e;
		struct top_op *o;

		if (strcmp(g->type, "qemu") != 0) {
			r->st = TOP_OP_REFUSED;
			snprintf(r->msg, sizeof(r->msg), "refused: a container "
			    "has no guest agent (pct exec %d on its node)",
			    g->vmid);
			refused++;
			continue;
		}
		if (strcmp(g->status, "running") != 0) {
			r->st = TOP_OP_REFUSED;
			snprintf(r->msg, sizeof(r->msg), "refused: not running "
			    "(%.32s)", g->status);
			refused++;
			continue;
		}
		s->ops = px_xrealloc(s->ops, (size_t)(s->nops + 1) *
		    sizeof(*s->ops));
		o = &s->ops[s->nops++];
		memset(o, 0, sizeof(*o));
		o->g = *g;
		o->id = s->next_op++;
		snprintf(o->action, sizeof(o->action), "exec");
		snprintf(o->text, sizeof(o->text), "%s", s->entry);
		o->st = TOP_OP_PREVIEW;
		o->pct = -1;
		r->op = o->id;
		r->st = TOP_OP_PREVIEW;
		e = top_emit(fx, TE_RISK);
		e->id = o->id;
		e->g = o->g;
		e->n = batch;
		snprintf(e->action, sizeof(e->action), "exec");
		snprintf(e->text, sizeof(e->text), "%s", o->text);
	}
	s->nmarked = 0;
	s->cur[TOP_BCAST] = s->top[TOP_BCAST] = 0;
	if (batch == 0) {
		s->view = TOP_BCAST;
		snprintf(s->status, sizeof(s->status), "refused: none of the "
		    "%d guest%s is a running VM: nothing queued", n,
		    n == 1 ? "" : "s");
		return;
	}
	s->view = TOP_QUEUE;
	s->cur[TOP_QUEUE] = first;
	top_clamp(s, TOP_QUEUE);
	if (refused)
		snprintf(s->status, sizeof(s->status), "exec on %d guest%s "
		    "queued, %d refused (not a running VM): check the "
		    "pre-flight preview, then y to confirm; x shows the "
		    "results", batch, batch == 1 ? "" : "s", refused);
	else
		snprintf(s->status, sizeof(s->status), "exec on %d guest%s "
		    "queued: check the pre-flight preview, then y to confirm; "
		    "x shows the results", batch, batch == 1 ? "" : "s");
}

void
top_bcast_open(struct top_state *s)
{
	if (s->bc.n == 0) {
		snprintf(s->status, sizeof(s->status), "no broadcast yet: mark "
		    "guests in the guest view (3), then X");
		return;
	}
	if (s->view != TOP_BCAST)
		s->bc.back = s->view == TOP_QUEUE ? TOP_GUESTS : s->view;
	s->view = TOP_BCAST;
	top_clamp(s, TOP_BCAST);
}

static struct top_bc_row *
row_of_op(struct top_state *s, int op)
{
	for (int i = 0; op > 0 && i < s->bc.n; i++)
		if (s->bc.row[i].op == op)
			return &s->bc.row[i];
	return NULL;
}

void
top_bc_started(struct top_state *s)
{
	int n = 0;

	for (int i = 0; i < s->nops; i++) {
		struct top_bc_row *r;

		if (s->ops[i].st != TOP_OP_RUNNING ||
		    (r = row_of_op(s, s->ops[i].id)) == NULL ||
		    r->st == TOP_OP_RUNNING)
			continue;
		r->st = TOP_OP_RUNNING;
		n++;
	}
	if (n > 0) {
		s->view = TOP_BCAST;
		top_clamp(s, TOP_BCAST);
	}
}

void
top_bc_done(struct top_state *s, const struct top_op *o)
{
	struct top_bc_row *r = row_of_op(s, o->id);

	if (r == NULL)
		return;
	r->st = o->st;
	/* with an exit code its output says more than "exit 3" */
	if (o->st != TOP_OP_OK && r->exitcode < 0 && r->signal < 0)
		snprintf(r->msg, sizeof(r->msg), "%.255s", o->msg);
	text_sanitize(r->msg);
}

void
top_bcast_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_bc_out *x = a->rows;
	struct top_bc_row *r = row_of_op(s, a->id);

	(void)fx;
	if (x != NULL && r != NULL) {
		free(r->out);
		free(r->err);
		r->exitcode = x->exitcode;
		r->signal = x->signal;
		r->out_trunc = x->out_trunc;
		r->err_trunc = x->err_trunc;
		r->out = keep_text(x->out, &r->out_trunc);
		r->err = keep_text(x->err, &r->err_trunc);
		r->nout = count_lines(r->out);
		r->nerr = count_lines(r->err);
		/* a short answer is shown at once */
		r->open = row_lines(r) <= 3;
		top_clamp(s, TOP_BCAST);
	}
	if (x != NULL) {
		free(x->out);
		free(x->err);
	}
	free(x);
	a->rows = NULL;
}

int
top_bcast_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	int g, l, page = top_body_lines(s) - 3;

	(void)fx;
	if (page < 1)
		page = 1;
	if (a->text && strcmp(a->key, "G") == 0) {
		s->cur[TOP_BCAST] = top_list_len(s, TOP_BCAST) - 1;
	} else if (a->text && strcmp(a->key, "e") == 0) {
		int open = 0;

		for (int i = 0; i < s->bc.n; i++)
			open += s->bc.row[i].open;
		for (int i = 0; i < s->bc.n; i++)
			s->bc.row[i].open = open < s->bc.n;
		s->cur[TOP_BCAST] = 0;
	} else if (strcmp(a->key, "Enter") == 0) {
		if (top_bc_rows(s, s->cur[TOP_BCAST], &g, &l) < 0)
			return 1;
		s->bc.row[g].open = !s->bc.row[g].open;
		/* the cursor to that guest's header */
		s->cur[TOP_BCAST] -= l + 1;
	} else if (strcmp(a->key, "Escape") == 0) {
		s->view = s->bc.back != TOP_BCAST ? s->bc.back : TOP_GUESTS;
		return 1;
	} else {
		return 0;	/* j k g, pages, Home End: the common keys */
	}
	top_clamp(s, TOP_BCAST);
	return 1;
}

const char *
top_bcast_footer(const struct top_state *s)
{
	(void)s;
	return "Esc back  j/k move  Enter show/hide a guest's output  e all  "
	    "g/G first/last  Q queue  ? keys  q quit";
}
