/*
 * top_pbs.c -- the PBS part of pxtop's backup board (B): the datastores
 * of every [pbs NAME] profile with their usage and garbage collection,
 * and the newest PBS snapshot of each guest with its verification state
 * and protection.  A round asks each server's datastore-usage; each
 * datastore that answers is then asked for its snapshots and its gc,
 * all as effects that cmd/top runs asynchronously with the refresh.
 * Part of the reducer (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve_guest.h"
#include "top_impl.h"

static int
cmp_store(const void *a, const void *b)
{
	const struct top_pbs_store *x = a, *y = b;
	int c = strcmp(x->profile, y->profile);

	return c ? c : strcmp(x->st.store, y->st.store);
}

/* By VMID, the newest first. */
static int
cmp_pbk(const void *a, const void *b)
{
	const struct top_pbs_backup *x = a, *y = b;

	if (x->vmid != y->vmid)
		return (x->vmid > y->vmid) - (x->vmid < y->vmid);
	return (x->time < y->time) - (x->time > y->time);
}

/* v[n] sorted and cut to one per VMID, the newest, counting them. */
static int
newest_per_vmid(struct top_pbs_backup *v, int n)
{
	int k = 0;

	qsort(v, (size_t)n, sizeof(*v), cmp_pbk);
	for (int i = 0; i < n; i++) {
		if (k > 0 && v[k - 1].vmid == v[i].vmid) {
			v[k - 1].nsnaps += v[i].nsnaps;
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

/* s->pbk again from every datastore's own list. */
static void
merge(struct top_state *s)
{
	int n = 0, k = 0;

	for (int i = 0; i < s->npst; i++)
		n += s->pst[i].nbk;
	free(s->pbk);
	s->pbk = px_xcalloc((size_t)n + 1, sizeof(*s->pbk));
	for (int i = 0; i < s->npst; i++)
		for (int j = 0; j < s->pst[i].nbk; j++)
			s->pbk[k++] = s->pst[i].bk[j];
	s->npbk = newest_per_vmid(s->pbk, k);
}

static struct top_pbs_store *
find_store(struct top_state *s, const char *profile, const char *store)
{
	for (int i = 0; i < s->npst; i++)
		if (strcmp(s->pst[i].profile, profile) == 0 &&
		    strcmp(s->pst[i].st.store, store) == 0)
			return &s->pst[i];
	return NULL;
}

static int
known_profile(const struct top_state *s, const char *profile)
{
	for (int i = 0; i < s->npbs; i++)
		if (strcmp(s->pbs[i], profile) == 0)
			return 1;
	return 0;
}

static void
answered(struct top_state *s)
{
	if (s->pbs_pending > 0)
		s->pbs_pending--;
}

void
top_fetch_pbs(struct top_state *s, struct top_effects *fx)
{
	if (s->npbs == 0 || s->pbs_pending > 0)
		return;		/* none, or the last round is on its way */
	s->pbs_failed = 0;
	s->pbs_err[0] = '\0';
	s->pbs_asked = s->now;
	for (int i = 0; i < s->npbs; i++) {
		snprintf(top_emit(fx, TE_PBS)->upid, 256, "%s", s->pbs[i]);
		s->pbs_pending++;
	}
}

void
top_pbs_tick(struct top_state *s, struct top_effects *fx)
{
	if (s->view == TOP_BACKUPS && s->now - s->pbs_asked >= TOP_PBS_EVERY)
		top_fetch_pbs(s, fx);
}

/* A server's datastores: they replace its old ones (each keeps what it
 * knew until its own answers come), and each is asked for its
 * snapshots and its gc. */
static void
stores_answered(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	const struct pbs_store *v = a->rows;
	struct top_pbs_store *nw;
	int k = 0;

	answered(s);
	if (!known_profile(s, a->upid))
		return;
	nw = px_xcalloc((size_t)s->npst + (size_t)a->n + 1, sizeof(*nw));
	for (int i = 0; i < s->npst; i++)
		if (strcmp(s->pst[i].profile, a->upid) != 0)
			nw[k++] = s->pst[i];
	for (int i = 0; i < a->n; i++) {
		struct top_pbs_store *old = find_store(s, a->upid,
		    v[i].store);
		struct top_pbs_store *t = &nw[k++];
		struct top_effect *e;

		if (old) {
			*t = *old;
			old->bk = NULL;		/* moved */
		} else {
			memset(t, 0, sizeof(*t));
			snprintf(t->profile, sizeof(t->profile), "%.63s",
			    a->upid);
		}
		t->st = v[i];
		e = top_emit(fx, TE_PBS_STORE);
		snprintf(e->upid, sizeof(e->upid), "%s", a->upid);
		snprintf(e->arg, sizeof(e->arg), "%s", v[i].store);
		s->pbs_pending += 2;	/* snapshots and gc */
	}
	/* the stores of this server that are gone */
	for (int i = 0; i < s->npst; i++)
		if (strcmp(s->pst[i].profile, a->upid) == 0)
			free(s->pst[i].bk);
	free(s->pst);
	s->pst = nw;
	s->npst = k;
	qsort(s->pst, (size_t)k, sizeof(*s->pst), cmp_store);
	merge(s);
}

static void
snaps_answered(struct top_state *s, struct top_action *a)
{
	const struct pbs_snapshot *v = a->rows;
	struct top_pbs_store *t = find_store(s, a->upid, a->store);
	struct top_pbs_backup *bk;
	int n = 0;

	answered(s);
	if (t == NULL)
		return;		/* a store that has gone since */
	bk = px_xcalloc((size_t)a->n + 1, sizeof(*bk));
	for (int i = 0; i < a->n; i++) {
		struct top_pbs_backup *b = &bk[n];

		if (strcmp(v[i].type, "vm") != 0 && strcmp(v[i].type, "ct"))
			continue;	/* host backups are no guest's */
		if ((b->vmid = pve_parse_vmid(v[i].id)) <= 0)
			continue;
		b->time = v[i].time;
		snprintf(b->where, sizeof(b->where), "%.40s:%.40s",
		    t->profile, t->st.store);
		snprintf(b->verify, sizeof(b->verify), "%s", v[i].verify[0] ?
		    v[i].verify : "none");
		b->protected_ = v[i].protected_;
		b->nsnaps = 1;
		n++;
	}
	free(t->bk);
	t->bk = bk;
	t->nbk = newest_per_vmid(bk, n);
	merge(s);
}

void
top_pbs_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_pbs_store *t;

	switch (a->type) {
	case TA_PBS_STORES:
		stores_answered(s, a, fx);
		break;
	case TA_PBS_SNAPS:
		snaps_answered(s, a);
		break;
	case TA_PBS_GC:
		answered(s);
		if (a->n == 1 && (t = find_store(s, a->upid, a->store))) {
			t->gc = *(const struct pbs_gc *)a->rows;
			t->gc_known = 1;
		}
		break;
	case TA_FETCH_FAILED:
		answered(s);
		s->pbs_failed++;
		snprintf(s->pbs_err, sizeof(s->pbs_err), "%.63s%s%.63s: %.120s",
		    a->upid, a->store[0] ? ":" : "", a->store, a->msg);
		break;
	default:
		break;
	}
	free(a->rows);
	a->rows = NULL;
}

const struct top_pbs_backup *
top_pbs_backup_of(const struct top_state *s, int vmid)
{
	for (int lo = 0, hi = s->npbk; lo < hi;) {	/* one per VMID */
		int mid = lo + (hi - lo) / 2;

		if (s->pbk[mid].vmid == vmid)
			return &s->pbk[mid];
		if (s->pbk[mid].vmid < vmid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
top_pbs_free(struct top_state *s)
{
	for (int i = 0; i < s->npst; i++)
		free(s->pst[i].bk);
	free(s->pst);
	free(s->pbk);
}
