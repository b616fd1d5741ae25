/*
 * pve_snaptree.c -- a guest's snapshots as a tree, with "current" where
 * the guest is.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "out.h"
#include "pve_snaptree.h"
#include "pve_check.h"
#include "pve_guest.h"
#include "pve_task.h"

/* ---- snapshots as a tree ---- */

struct tree {
	struct pve_snapshot *v;
	int n;
	const char *here;	/* the parent of "current", "" if none */
	int *done;
	struct pve_snapnode *out;
	int nout;
};
static int
by_time(const void *a, const void *b)
{
	const struct pve_snapshot *x = a, *y = b;

	return x->snaptime < y->snaptime ? -1 : x->snaptime > y->snaptime;
}
static void
emit_current(struct tree *t, int depth)
{
	struct pve_snapnode *o = &t->out[t->nout++];

	memset(o, 0, sizeof(*o));
	snprintf(o->s.name, sizeof(o->s.name), "current");
	snprintf(o->s.parent, sizeof(o->s.parent), "%s", t->here);
	snprintf(o->s.description, sizeof(o->s.description),
	    "You are here!");
	o->depth = depth;
	o->current = 1;
}
/* Emit snapshot i and its subtree; depth-first, bounded by done[]. */
static void
emit(struct tree *t, int i, int depth)
{
	t->done[i] = 1;
	t->out[t->nout].s = t->v[i];
	t->out[t->nout].depth = depth;
	t->out[t->nout].current = 0;
	t->nout++;
	for (int k = 0; k < t->n; k++)
		if (!t->done[k] && strcmp(t->v[k].parent, t->v[i].name) == 0)
			emit(t, k, depth + 1);
	if (strcmp(t->here, t->v[i].name) == 0)
		emit_current(t, depth + 1);
}
static int
known(const struct tree *t, const char *name)
{
	for (int k = 0; k < t->n; k++)
		if (strcmp(t->v[k].name, name) == 0)
			return 1;
	return 0;
}
int
pve_snaptree_parse(const struct json *j, int arr,
    struct pve_snapnode **out, int *n, struct px_err *e)
{
	struct tree t = { 0 };
	char here[64];

	if (pve_snapshots_parse(j, arr, &t.v, &t.n, e) != 0)
		return -1;
	pve_snapshot_here(j, arr, here, sizeof(here));
	t.here = here;
	qsort(t.v, (size_t)t.n, sizeof(*t.v), by_time);
	t.done = px_xcalloc((size_t)t.n + 1, sizeof(*t.done));
	t.out = px_xcalloc((size_t)t.n + 1, sizeof(*t.out));
	/* roots first: no parent, or a parent that is gone */
	for (int k = 0; k < t.n; k++)
		if (!t.done[k] && (t.v[k].parent[0] == '\0' ||
		    !known(&t, t.v[k].parent)))
			emit(&t, k, 0);
	/* a cycle (a broken config) leaves some: show them flat */
	for (int k = 0; k < t.n; k++)
		if (!t.done[k]) {
			t.done[k] = 1;
			t.out[t.nout].s = t.v[k];
			t.out[t.nout++].depth = 0;
		}
	if (here[0] == '\0' || !known(&t, here))
		emit_current(&t, 0);
	free(t.done);
	free(t.v);
	*out = t.out;
	*n = t.nout;
	return 0;
}
int
pve_snaptree(struct px_client *c, const struct pve_guest *g,
    struct pve_snapnode **out, int *n, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	rc = pve_get(c, &r, e, "%s/snapshot", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = pve_snaptree_parse(&r.j, r.data, out, n, e);
	px_reply_free(&r);
	return rc;
}
