/*
 * top_compare.c -- pxtop's guest compare (D): the configurations of two
 * or more marked guests side by side, one column each, a row per key;
 * the keys whose values differ and the keys only some guests have are
 * marked (* and !), - and + step through them, = shows them alone.  The
 * configs are fetched asynchronously (TE_CMPCFG, answered by TA_CMPCFG
 * or a TA_FETCH_FAILED of TOP_F_CMP); every value is sanitized (no
 * escape sequence, CR or LF reaches the terminal) and cut to
 * TOP_CMP_VALUE bytes as it comes, then to its cell when drawn.
 * Reducer part (top_impl.h) and its drawing (top_draw.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "top_draw.h"
#include "top_impl.h"

/* Keys every config has a different value of, by nature: not a
 * difference worth a look. */
static int
ignored_key(const char *key)
{
	return strcmp(key, "digest") == 0;
}

static void
free_cols(struct top_compare *c)
{
	for (int i = 0; i < c->n; i++)
		pve_kv_free(c->col[i].cfg, c->col[i].ncfg);
	free(c->rows);
}

void
top_compare_free(struct top_state *s)
{
	free_cols(&s->cmp);
	memset(&s->cmp, 0, sizeof(s->cmp));
}

const char *
top_compare_value(const struct top_cmp_col *c, const char *key)
{
	if (c->got != 1)
		return NULL;
	return pve_kv_get(c->cfg, c->ncfg, key);
}

static int
key_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct top_cmp_row *)a)->key,
	    ((const struct top_cmp_row *)b)->key);
}

static int
vmid_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The rows again: every key of the configs read, how it differs, and
 * with only_diff those that differ alone.  The cursor stays on its key
 * when it is still listed. */
static void
rebuild(struct top_state *s)
{
	struct top_compare *c = &s->cmp;
	struct top_cmp_row *all = NULL;
	char keep[64] = "";
	int nall = 0, cap = 0, read = 0;

	if (c->nrows > 0 && s->cur[TOP_COMPARE] < c->nrows)
		snprintf(keep, sizeof(keep), "%s",
		    c->rows[s->cur[TOP_COMPARE]].key);
	for (int i = 0; i < c->n; i++) {
		const struct top_cmp_col *col = &c->col[i];

		if (col->got != 1)
			continue;
		read++;
		for (int k = 0; k < col->ncfg; k++) {
			int dup = 0;

			if (ignored_key(col->cfg[k].key))
				continue;
			for (int r = 0; r < nall && !dup; r++)
				dup = strcmp(all[r].key, col->cfg[k].key) == 0;
			if (dup)
				continue;
			if (nall == cap) {
				cap = cap ? cap * 2 : 64;
				all = px_xrealloc(all, (size_t)cap *
				    sizeof(*all));
			}
			memset(&all[nall], 0, sizeof(all[nall]));
			snprintf(all[nall++].key, sizeof(all[0].key), "%s",
			    col->cfg[k].key);
		}
	}
	if (nall > 1)
		qsort(all, (size_t)nall, sizeof(*all), key_cmp);
	c->ndiff = c->nmissing = 0;
	for (int r = 0; r < nall; r++) {
		const char *first = NULL;
		int have = 0, differ = 0;

		for (int i = 0; i < c->n; i++) {
			const char *v;

			if (c->col[i].got != 1)
				continue;
			if ((v = top_compare_value(&c->col[i], all[r].key)) ==
			    NULL)
				continue;
			if (have++ == 0)
				first = v;
			else if (strcmp(first, v) != 0)
				differ = 1;
		}
		all[r].diff = have < read ? TOP_CMP_MISSING : differ ?
		    TOP_CMP_DIFF : TOP_CMP_SAME;
		c->nmissing += all[r].diff == TOP_CMP_MISSING;
		c->ndiff += all[r].diff == TOP_CMP_DIFF;
	}
	if (c->only_diff) {
		int k = 0;

		for (int r = 0; r < nall; r++)
			if (all[r].diff != TOP_CMP_SAME)
				all[k++] = all[r];
		nall = k;
	}
	free(c->rows);
	c->rows = all;
	c->nrows = nall;
	for (int r = 0; keep[0] && r < nall; r++)
		if (strcmp(all[r].key, keep) == 0) {
			s->cur[TOP_COMPARE] = r;
			break;
		}
	top_clamp(s, TOP_COMPARE);
}

/* Ask for every column's config again. */
static void
fetch_all(struct top_state *s, struct top_effects *fx)
{
	struct top_compare *c = &s->cmp;

	c->pending = 0;
	for (int i = 0; i < c->n; i++) {
		c->pending++;
		top_emit(fx, TE_CMPCFG)->g = c->col[i].g;
	}
	s->loading |= TOP_F_CMP;
}

void
top_compare_open(struct top_state *s, struct top_effects *fx)
{
	struct top_compare *c = &s->cmp;
	int *ids, n = 0, skipped = 0;

	if (s->nmarked < 2) {
		snprintf(s->status, sizeof(s->status), "D compares the "
		    "configs of marked guests: mark two or more with Space in "
		    "the guest view (3)");
		return;
	}
	ids = px_xcalloc((size_t)s->nmarked, sizeof(int));
	for (int i = 0; i < s->nmarked; i++)
		if (top_guest_by_vmid(s, s->marked[i]) != NULL)
			ids[n++] = s->marked[i];
	qsort(ids, (size_t)n, sizeof(int), vmid_cmp);
	if (n < 2) {
		free(ids);
		snprintf(s->status, sizeof(s->status), "D: the marked guests "
		    "are no longer in the cluster's list");
		return;
	}
	if (n > TOP_CMP_MAX) {
		skipped = n - TOP_CMP_MAX;
		n = TOP_CMP_MAX;
	}
	top_compare_free(s);
	for (int i = 0; i < n; i++) {
		c->col[i].g = *top_guest_by_vmid(s, ids[i]);
		c->col[i].got = 0;
	}
	c->n = n;
	free(ids);
	if (s->view != TOP_COMPARE)
		c->back = s->view;
	s->view = TOP_COMPARE;
	s->cur[TOP_COMPARE] = s->top[TOP_COMPARE] = 0;
	fetch_all(s, fx);
	if (skipped)
		snprintf(s->status, sizeof(s->status), "comparing the first "
		    "%d marked guests (by VMID); %d more left out",
		    TOP_CMP_MAX, skipped);
}

static struct top_cmp_col *
col_of(struct top_state *s, int vmid)
{
	for (int i = 0; i < s->cmp.n; i++)
		if (s->cmp.col[i].g.vmid == vmid)
			return &s->cmp.col[i];
	return NULL;
}

/* Bound and sanitize a config as it comes: no control character (an
 * escape sequence, CR, LF) is left in a key or value, and no value is
 * longer than TOP_CMP_VALUE bytes (cut on a character boundary). */
static void
sanitize(struct pve_kv *kv, int n)
{
	for (int i = 0; i < n; i++) {
		char *v = kv[i].value;

		text_sanitize(kv[i].key);
		if (v == NULL)
			continue;
		if (strlen(v) >= TOP_CMP_VALUE) {
			size_t len = 0;
			int ctl;

			while (v[len]) {
				size_t k = text_char(v + len, &ctl);

				if (len + k >= TOP_CMP_VALUE)
					break;
				len += k;
			}
			v[len] = '\0';
		}
		text_sanitize(v);
	}
}

void
top_compare_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_cmp_col *c = col_of(s, a->id);

	(void)fx;
	if (a->type == TA_CMPCFG) {
		if (c == NULL || c->got != 0) {	/* not asked, or late */
			pve_kv_free(a->rows, a->n);
			a->rows = NULL;
			return;
		}
		sanitize(a->rows, a->n);
		c->cfg = a->rows;
		c->ncfg = a->n;
		c->got = 1;
		a->rows = NULL;
	} else {		/* TA_FETCH_FAILED of TOP_F_CMP */
		if (c == NULL || c->got != 0)
			return;
		c->got = -1;
		snprintf(c->err, sizeof(c->err), "%.159s", a->msg);
		text_sanitize(c->err);
	}
	if (s->cmp.pending > 0 && --s->cmp.pending == 0)
		s->loading &= ~TOP_F_CMP;
	rebuild(s);
}

/* -1 or +1: the cursor to the previous or next key that differs. */
static void
step(struct top_state *s, int dir)
{
	struct top_compare *c = &s->cmp;

	for (int r = s->cur[TOP_COMPARE] + dir; r >= 0 && r < c->nrows;
	    r += dir)
		if (c->rows[r].diff != TOP_CMP_SAME) {
			s->cur[TOP_COMPARE] = r;
			top_clamp(s, TOP_COMPARE);
			return;
		}
	snprintf(s->status, sizeof(s->status), "no %s difference",
	    dir > 0 ? "further" : "earlier");
}

int
top_compare_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_compare *c = &s->cmp;
	const char *k = a->key;

	if (a->text && (strcmp(k, "+") == 0 || strcmp(k, "-") == 0)) {
		step(s, k[0] == '+' ? 1 : -1);
		return 1;
	}
	if (a->text && strcmp(k, "=") == 0) {
		c->only_diff = !c->only_diff;
		rebuild(s);
		snprintf(s->status, sizeof(s->status), "%s",
		    c->only_diff ? "differing keys only (= shows all)" :
		    "every key");
		return 1;
	}
	if (a->text && strcmp(k, "R") == 0) {
		for (int i = 0; i < c->n; i++) {
			pve_kv_free(c->col[i].cfg, c->col[i].ncfg);
			c->col[i].cfg = NULL;
			c->col[i].ncfg = 0;
			c->col[i].got = 0;
		}
		rebuild(s);
		fetch_all(s, fx);
		top_fetch(s, TOP_F_ALL, fx);
		snprintf(s->status, sizeof(s->status), "reading the configs "
		    "again");
		return 1;
	}
	if ((a->text && strcmp(k, "h") == 0) ||
	    (!a->text && strcmp(k, "Left") == 0)) {
		if (c->left > 0)
			c->left--;
		return 1;
	}
	if ((a->text && strcmp(k, "l") == 0) ||
	    (!a->text && strcmp(k, "Right") == 0)) {
		if (c->left + 1 < c->n)
			c->left++;
		return 1;
	}
	if (!a->text && strcmp(k, "Escape") == 0) {
		s->view = c->back != TOP_COMPARE ? c->back : TOP_GUESTS;
		return 1;
	}
	return 0;
}

/* ---- drawing ---- */

#define KEYW	16	/* the key column */
#define MINW	14	/* the narrowest value column */

void
top_draw_compare(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour)
{
	const struct top_pens *p = top_pens(colour);
	const struct top_compare *c = &s->cmp;
	int fit, w, read = 0, list = rows - 3, first;
	char cell[TOP_CMP_VALUE + 8], head[256];

	for (int i = 0; i < c->n; i++)
		read += c->col[i].got == 1;
	top_put(rb, s, y, 0, p->bold, "Compare %d guests: %d keys, %d "
	    "differ (*), %d not on every guest (!)%s%s", c->n, c->nrows,
	    c->ndiff, c->nmissing, c->only_diff ? "   differences only" :
	    "", c->pending ? "   loading" : "");
	/* as many columns as fit, from left on */
	fit = (s->cols - KEYW - 2) / (MINW + 1);
	if (fit < 1)
		fit = 1;
	if (fit > c->n - c->left)
		fit = c->n - c->left;
	w = fit > 0 ? (s->cols - KEYW - 2) / fit - 1 : MINW;
	if (c->left > 0 || c->left + fit < c->n)
		top_put(rb, s, y + 1, 0, p->dim, "guests %d-%d of %d  "
		    "Left/Right for the others", c->left + 1, c->left + fit,
		    c->n);
	top_put(rb, s, y + 2, 0, p->head, "  %s", top_cell(cell,
	    sizeof(cell), "KEY", KEYW - 2, 1));
	for (int i = 0; i < fit; i++) {
		const struct top_cmp_col *col = &c->col[c->left + i];

		snprintf(head, sizeof(head), "%d %s (%s)", col->g.vmid,
		    col->g.name, col->g.node);
		top_put(rb, s, y + 2, KEYW + i * (w + 1), p->head, "%s",
		    top_cell(cell, sizeof(cell), head, w, 1));
	}
	for (int i = 0; i < fit; i++) {
		const struct top_cmp_col *col = &c->col[c->left + i];

		if (col->got == 0)
			top_put(rb, s, y + 3, KEYW + i * (w + 1), p->dim,
			    "%s", top_cell(cell, sizeof(cell), "loading...",
			    w, 0));
		else if (col->got < 0) {
			snprintf(head, sizeof(head), "failed: %s", col->err);
			top_put(rb, s, y + 3, KEYW + i * (w + 1), p->red,
			    "%s", top_cell(cell, sizeof(cell), head, w, 0));
		}
	}
	if (read < c->n) {
		y++;
		list--;
	}
	/* fewer rows than top_clamp counts: keep the cursor in sight */
	first = s->top[TOP_COMPARE];
	if (list > 0 && s->cur[TOP_COMPARE] >= first + list)
		first = s->cur[TOP_COMPARE] - list + 1;
	for (int r = 0; r < list; r++) {
		int i = first + r, line = y + 3 + r, cur;
		const struct top_cmp_row *row;
		const TickitPen *pen;

		if (i >= c->nrows)
			break;
		row = &c->rows[i];
		cur = i == s->cur[TOP_COMPARE];
		pen = row->diff == TOP_CMP_MISSING ? p->red : row->diff ==
		    TOP_CMP_DIFF ? p->yellow : NULL;
		if (cur) {
			top_fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		top_put(rb, s, line, 0, pen, "%c %s",
		    row->diff == TOP_CMP_MISSING ? '!' : row->diff ==
		    TOP_CMP_DIFF ? '*' : ' ', top_cell(cell, sizeof(cell),
		    row->key, KEYW - 3, 0));
		for (int k = 0; k < fit; k++) {
			const struct top_cmp_col *col = &c->col[c->left + k];
			const char *v = top_compare_value(col, row->key);

			if (col->got != 1)
				continue;
			top_put(rb, s, line, KEYW + k * (w + 1), cur ? p->sel :
			    v == NULL ? p->red : pen, "%s", top_cell(cell,
			    sizeof(cell), v ? v : "(absent)", w, 0));
		}
	}
	if (c->nrows == 0 && c->pending == 0)
		top_put(rb, s, y + 3, 2, NULL, "%s", c->only_diff ?
		    "No difference: the configs agree on every key (= shows "
		    "them)." : "No config was read.");
}
