/*
 * pbs_overlay.c -- what px changed on pxsim's PBS (forgotten snapshots,
 * protection, notes, verification states, the last garbage collection),
 * over the history pbs.c derives from the model, until pxsim stops; and
 * the hostile mode of the control API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbs.h"

char pbs_hostile[16];


static struct mark *marks;
static size_t nmarks;

struct gc_run {
	char store[16];
	char upid[256];
	time_t end;
};
static struct gc_run gcs[4];

void
pbs_gc_record(const char *store, const char *upid, time_t end)
{
	size_t i;

	for (i = 0; i < sizeof(gcs) / sizeof(gcs[0]); i++)
		if (gcs[i].store[0] == '\0' || !strcmp(gcs[i].store, store))
			break;
	if (i == sizeof(gcs) / sizeof(gcs[0]))
		i = 0;
	snprintf(gcs[i].store, sizeof(gcs[i].store), "%s", store);
	snprintf(gcs[i].upid, sizeof(gcs[i].upid), "%s", upid);
	gcs[i].end = end;
}

static const char *
nsz(const char *ns)
{
	return ns ? ns : "";
}

struct mark *
mark_get(const char *store, const char *ns, const struct snap *sn, int make)
{
	size_t i;
	struct mark *k;

	for (i = 0; i < nmarks; i++)
		if (marks[i].vmid == sn->vmid && marks[i].time == sn->time &&
		    !strcmp(marks[i].type, sn->type) &&
		    !strcmp(marks[i].store, store) &&
		    !strcmp(marks[i].ns, nsz(ns)))
			return &marks[i];
	if (!make)
		return NULL;
	marks = px_xrealloc(marks, (nmarks + 1) * sizeof(*marks));
	k = &marks[nmarks++];
	memset(k, 0, sizeof(*k));
	snprintf(k->store, sizeof(k->store), "%s", store);
	snprintf(k->ns, sizeof(k->ns), "%s", nsz(ns));
	snprintf(k->type, sizeof(k->type), "%s", sn->type);
	k->vmid = sn->vmid;
	k->time = sn->time;
	k->protected_ = k->verify = -1;
	return k;
}

void
pbs_overlay_apply(const char *store, const char *ns, struct snaps *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		struct snap *sn = &l->v[i];
		const struct mark *k = mark_get(store, ns, sn, 0);

		if (k != NULL) {
			if (k->forgotten)
				continue;
			if (k->protected_ >= 0)
				sn->protected_ = k->protected_;
			if (k->verify >= 0)
				sn->verify = k->verify;
			if (k->notes != NULL)
				sn->comment = k->notes;
		}
		l->v[n++] = *sn;
	}
	l->n = n;
}

void
pbs_comment(struct jw *w, const char *notes)
{
	jw_key(w, "comment");
	jw_strn(w, notes, strcspn(notes, "\n"));
}

int
pbs_gc_last(const char *store, const char **upid, time_t *end,
    const char **state)
{
	size_t i;

	for (i = 0; i < sizeof(gcs) / sizeof(gcs[0]); i++)
		if (gcs[i].store[0] && strcmp(gcs[i].store, store) == 0) {
			*upid = gcs[i].upid;
			*end = gcs[i].end;
			*state = "ok";
			return 1;
		}
	return 0;
}

void
pbs_ctl_hostile(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *mode = sim_param(rq, "mode");

	(void)s;
	(void)m;
	snprintf(pbs_hostile, sizeof(pbs_hostile), "%s",
	    mode && strcmp(mode, "off") ? mode : "");
	sim_ok_null(rs);
}

