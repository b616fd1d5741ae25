/*
 * top_past.c -- pxtop's time travel (top_past.h).  Part of the reducer
 * (top_impl.h): no I/O, no clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out.h"
#include "top_impl.h"
#include "top_past.h"

long long
top_past_at(const struct top_state *s)
{
	return s->past ? s->past->at : 0;
}

int
top_past_refuse(struct top_state *s, const char *action)
{
	char t[32];

	if (s->past == NULL)
		return 0;
	out_fmt_time(t, sizeof(t), s->past->at);
	snprintf(s->status, sizeof(s->status), "refused: the screen shows the "
	    "past (%s): %s is disabled; ] or } back to live", t, action);
	return 1;
}

/* The VMID under the guest cursor, 0 if none: asked before the lists
 * move, while the index lists still point into them. */
static int
cur_vmid(const struct top_state *s)
{
	const struct pve_guest *g = top_cur_guest(s);

	return g ? g->vmid : 0;
}

/* Put the lists of f on screen (f's lists taken), the cursor kept on the
 * guest keep when it is there. */
static void
install(struct top_state *s, struct tcache_frame *f, int keep)
{
	free(s->nodes);
	free(s->guests);
	free(s->storages);
	free(s->tasks);
	s->nodes = f->nodes;
	s->nnodes = f->nnodes;
	s->guests = f->guests;
	s->nguests = f->nguests;
	s->storages = f->storages;
	s->nstorages = f->nstorages;
	s->tasks = f->tasks;
	s->ntasks = f->ntasks;
	f->nodes = NULL;
	f->guests = NULL;
	f->storages = NULL;
	f->tasks = NULL;
	/* the index lists point into the old arrays until relisted */
	s->nvis = s->nvnodes = s->nvstor = s->nvtasks = 0;
	top_relist(s);
	for (int i = 0; keep && i < s->nvis; i++)
		if (s->guests[s->vis[i]].vmid == keep) {
			s->cur[TOP_GUESTS] = i;
			break;
		}
	for (int v = 0; v < TOP_NVIEWS; v++)
		top_clamp(s, v);
}

/* Back to the live lists. */
static void
go_live(struct top_state *s)
{
	struct top_past *p = s->past;
	struct tcache_frame f = { 0 };
	int keep = cur_vmid(s);

	f.nodes = p->nodes;
	f.nnodes = p->nnodes;
	f.guests = p->guests;
	f.nguests = p->nguests;
	f.storages = p->storages;
	f.nstorages = p->nstorages;
	f.tasks = p->tasks;
	f.ntasks = p->ntasks;
	s->updated = p->updated;
	free(p);
	s->past = NULL;
	install(s, &f, keep);
	snprintf(s->status, sizeof(s->status), "live again: the screen shows "
	    "the cluster now");
}

void
top_past_key(struct top_state *s, int key, struct top_effects *fx)
{
	struct top_effect *e;
	int back = key == '[' || key == '{';
	long long from = s->past ? s->past->at : s->updated ? s->updated :
	    s->now;

	if (!back && s->past == NULL) {
		snprintf(s->status, sizeof(s->status), "already live: [ steps "
		    "back through the recorded refreshes, { by an hour");
		return;
	}
	e = top_emit(fx, TE_PAST);
	e->id = back ? -1 : 1;
	e->at = from;
	e->ms = key == '{' || key == '}' ? 3600 : 0;
}

void
top_past_banner(const struct top_state *s, char *buf, size_t n)
{
	char t[32], age[32];
	long long d;
	struct tm tm;
	time_t u;

	if (s->past == NULL) {
		snprintf(buf, n, "%s", "");
		return;
	}
	u = (time_t)s->past->at;
	if (localtime_r(&u, &tm) == NULL ||
	    strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(t, sizeof(t), "?");
	d = s->now - s->past->at;
	out_fmt_duration(age, sizeof(age), d > 0 ? d : 0);
	snprintf(buf, n, " PAST  %s (%s ago)  pxtop  %s  a recorded refresh, "
	    "not the cluster now; actions disabled  ] forward  } +1h", t, age,
	    s->profile);
}

const char *
top_past_footer(const struct top_state *s)
{
	(void)s;
	return "PAST: [ ] previous/next refresh  { } an hour  ] at the newest: "
	    "live  1-5 views  / search  ? keys  q quit  (actions disabled)";
}

int
top_past_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct top_past *p = s->past;
	int bit = 0;

	if (a->type == TA_PAST) {
		struct tcache_frame *f = a->rows;

		a->rows = NULL;
		if (a->rc == 1 && a->id > 0 && p != NULL) {
			go_live(s);
		} else if (a->rc == 1) {
			snprintf(s->status, sizeof(s->status), "no %s refresh "
			    "recorded", a->id < 0 ? "earlier" : "later");
		} else if (a->rc != 0 || f == NULL) {
			snprintf(s->status, sizeof(s->status), "time travel: "
			    "%.240s", a->msg);
		} else {
			int keep = cur_vmid(s);

			if (p == NULL) {
				/* the live lists go aside */
				p = s->past = px_xcalloc(1, sizeof(*p));
				p->nodes = s->nodes;
				p->nnodes = s->nnodes;
				p->guests = s->guests;
				p->nguests = s->nguests;
				p->storages = s->storages;
				p->nstorages = s->nstorages;
				p->tasks = s->tasks;
				p->ntasks = s->ntasks;
				p->updated = s->updated;
				s->nodes = NULL;
				s->guests = NULL;
				s->storages = NULL;
				s->tasks = NULL;
				s->nnodes = s->nguests = s->nstorages =
				    s->ntasks = 0;
			}
			p->at = f->time;
			memcpy(p->seen, f->at, sizeof(p->seen));
			install(s, f, keep);
			s->status[0] = '\0';
		}
		if (f != NULL) {
			tcache_frame_free(f);
			free(f);
		}
		return 1;
	}
	if (p == NULL)
		return 0;
	/* the past is shown: the live lists go aside, kept current */
	switch (a->type) {
	case TA_NODES:
		free(p->nodes);
		p->nodes = a->rows;
		p->nnodes = a->n;
		bit = TOP_F_NODES;
		break;
	case TA_GUESTS:
		free(p->guests);
		p->guests = a->rows;
		p->nguests = a->n;
		p->updated = a->now;
		s->fetch_err[0] = '\0';
		bit = TOP_F_GUESTS;
		break;
	case TA_STORAGE:
		free(p->storages);
		p->storages = a->rows;
		p->nstorages = a->n;
		bit = TOP_F_STORAGE;
		break;
	case TA_TASKS:
		free(p->tasks);
		p->tasks = a->rows;
		p->ntasks = a->n;
		bit = TOP_F_TASKS;
		break;
	default:
		return 0;
	}
	a->rows = NULL;
	if (a->now > 0)
		s->now = a->now;
	/* as settled() does: answered, not stale */
	s->loading &= ~bit;
	s->stale &= ~bit;
	for (int i = 0; i < TOP_NREFRESH; i++)
		if (bit & (1 << i))
			s->got[i] = s->now;
	/* a view opened before pxtop's first list of bit waits for it:
	 * the list came, if aside, and the wait ends */
	top_first_list_came(s, bit, fx);
	return 1;
}

void
top_past_free(struct top_state *s)
{
	if (s->past == NULL)
		return;
	free(s->past->nodes);
	free(s->past->guests);
	free(s->past->storages);
	free(s->past->tasks);
	free(s->past);
	s->past = NULL;
}
