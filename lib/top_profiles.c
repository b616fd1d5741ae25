/*
 * top_profiles.c -- pxtop's profile picker (P): the PVE profiles of
 * px.conf (set by cmd/top), the one shown marked; Enter switches pxtop
 * to the one under the cursor without leaving it.  The switch is two
 * steps: TE_PROFILE asks cmd/top for a client of the new profile (the
 * old one's requests cancelled, the worker moved over); its TA_SWITCHED
 * resets the state to the new cluster and fetches it all (or, when the
 * client could not be made, says why and stays).  Not while operations
 * are queued or running: they belong to the cluster they were checked
 * on.  Reducer part (top_impl.h) and its drawing (top_draw.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "top_draw.h"
#include "top_impl.h"

void
top_profiles_set(struct top_state *s, const char *name, const char *url,
    int read_only)
{
	struct top_prof *p;

	if (s->nprofs == TOP_NPROF || name == NULL)
		return;
	p = &s->profs[s->nprofs++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->url, sizeof(p->url), "%s", url ? url : "");
	text_sanitize(p->name);
	text_sanitize(p->url);
	p->read_only = read_only;
}

void
top_profiles_open(struct top_state *s)
{
	if (s->nprofs == 0) {
		snprintf(s->status, sizeof(s->status), "no PVE profile in "
		    "px.conf to switch to");
		return;
	}
	s->view = TOP_PROFILES;
	s->help = 0;
	for (int i = 0; i < s->nprofs; i++)
		if (strcmp(s->profs[i].name, s->profile) == 0)
			s->cur[TOP_PROFILES] = i;
	top_clamp(s, TOP_PROFILES);
}

int
top_profiles_busy(struct top_state *s)
{
	if (top_count_ops(s, TOP_OP_PREVIEW) + top_count_ops(s, TOP_OP_READY) +
	    top_count_ops(s, TOP_OP_RUNNING) == 0)
		return 0;
	snprintf(s->status, sizeof(s->status), "operations are queued or "
	    "running: finish or clear them (Q, c) before switching profiles");
	return 1;
}

void
top_profiles_switch(struct top_state *s, const char *name,
    struct top_effects *fx)
{
	if (top_profiles_busy(s))
		return;
	if (strcmp(name, s->profile) == 0) {
		snprintf(s->status, sizeof(s->status), "pxtop already shows "
		    "profile %.60s", name);
		return;
	}
	snprintf(s->switching, sizeof(s->switching), "%s", name);
	snprintf(top_emit(fx, TE_PROFILE)->arg, sizeof(fx->e[0].arg), "%s",
	    name);
	snprintf(s->status, sizeof(s->status), "switching to profile %.60s",
	    name);
}

int
top_profiles_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	if (!a->text && strcmp(a->key, "Enter") == 0) {
		int c = s->cur[TOP_PROFILES];

		if (c >= 0 && c < s->nprofs)
			top_profiles_switch(s, s->profs[c].name, fx);
		return 1;
	}
	if (!a->text && strcmp(a->key, "Escape") == 0) {
		s->view = TOP_DASH;
		return 1;
	}
	return 0;
}

/*
 * The answer of TE_PROFILE: on success, everything of the old cluster
 * goes (data, views, marks, queue, HA, compare) and the new one is
 * fetched as at the start; the screen size, the refresh interval, the
 * profiles and the PBS servers stay, and so do the numbers of the
 * queue's operations (a late answer of the old worker matches none).
 */
void
top_profiles_switched(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_state keep = *s;
	struct top_action start = { .type = TA_START, .now = a->now };

	if (strcmp(a->upid, s->switching) != 0)
		return;		/* not the switch asked last */
	s->switching[0] = '\0';
	if (a->rc < 0) {
		snprintf(s->status, sizeof(s->status), "cannot switch to "
		    "profile %.40s: %.130s; still on %.40s", a->upid, a->msg,
		    s->profile);
		text_sanitize(s->status);
		return;
	}
	/* the lists of s are freed with it; keep's copies of the
	 * pointers are not used again */
	top_state_free(s);
	top_state_init(s, a->upid, a->rc == 1, keep.interval_ms, keep.lines,
	    keep.cols);
	memcpy(s->profs, keep.profs, sizeof(s->profs));
	s->nprofs = keep.nprofs;
	memcpy(s->pbs, keep.pbs, sizeof(s->pbs));
	s->npbs = keep.npbs;
	memcpy(s->ap.me, keep.ap.me, sizeof(s->ap.me));
	s->next_op = keep.next_op;
	s->now = keep.now;
	snprintf(s->status, sizeof(s->status), "now on profile %.60s",
	    s->profile);
	top_reduce(s, &start, fx);
}

/* ---- drawing ---- */

void
top_draw_profiles(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour)
{
	const struct top_pens *p = top_pens(colour);

	top_put(rb, s, y, 0, p->bold, "Profiles: %d PVE profiles in px.conf; "
	    "pxtop shows %s%s%s", s->nprofs, s->profile, s->switching[0] ?
	    ", switching to " : "", s->switching);
	top_put(rb, s, y + 1, 0, p->head, "  %-24s %-48s %s", "PROFILE", "URL",
	    "MODE");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_PROFILES] + r, line = y + 2 + r, cur;
		const struct top_prof *pr;
		char c1[64], c2[64];
		const TickitPen *pen = NULL;

		if (i >= s->nprofs)
			break;
		pr = &s->profs[i];
		cur = i == s->cur[TOP_PROFILES];
		if (strcmp(pr->name, s->profile) == 0)
			pen = p->green;
		if (cur) {
			top_fill(rb, s, line, p->sel);
			pen = p->sel;
		}
		top_put(rb, s, line, 0, pen, "%c %s %s %s%s",
		    strcmp(pr->name, s->profile) == 0 ? '>' : ' ',
		    top_cell(c1, sizeof(c1), pr->name, 24, 1),
		    top_cell(c2, sizeof(c2), pr->url, 48, 1),
		    pr->read_only ? "read-only" : "read-write",
		    strcmp(pr->name, s->profile) == 0 ? "  (shown)" : "");
	}
}
