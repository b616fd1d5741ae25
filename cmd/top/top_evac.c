/*
 * top_evac.c -- pxtop's evacuation (E), the side that talks to the
 * cluster: the plan of a node (lib/pve_evacuate.h) made in a thread,
 * handed to the view (lib/top_evac.c); on confirmation that very plan
 * run through the gate in a thread of its own (one change for every
 * guest, all or nothing before anything is sent, then each migration
 * followed, an HA-managed guest through the HA manager), each guest's
 * progress to its entry of the operation queue.  Its own connection
 * and gate: a long evacuation never holds up pxtop's worker.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gate.h"
#include "pve_check.h"
#include "pve_evacuate.h"
#include "top_evac.h"
#include "workq.h"

struct evjob {
	enum top_eff_type type;
	int gen, local, op0;
	char node[64];
	const struct px_conf *conf;
	const struct px_profile *p;
	void (*report)(const struct top_action *);
};

/* The last plan handed to the view, so that the run is what was shown. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct pve_evac_plan last;
static int last_gen, last_local, busy;

static void
plan_copy(struct pve_evac_plan *to, const struct pve_evac_plan *from)
{
	*to = *from;
	to->items = px_xcalloc((size_t)from->n + 1, sizeof(*to->items));
	if (from->n)
		memcpy(to->items, from->items, (size_t)from->n *
		    sizeof(*to->items));
}

static void
make_plan(struct evjob *j, struct px_client *c)
{
	struct pve_evac_opts o = { NULL, 1, j->local };
	struct top_action a = { .type = TA_EVAC_PLAN, .id = j->gen };
	struct pve_evac_plan p;
	struct px_err e = { 0 };

	if (pve_node_check(c, j->node, &e) != 0 ||
	    pve_evac_plan(c, j->node, &o, &p, &e) != 0) {
		a.rc = -1;
		snprintf(a.msg, sizeof(a.msg), "%s", e.msg);
		j->report(&a);
		return;
	}
	pthread_mutex_lock(&mu);
	pve_evac_plan_free(&last);
	plan_copy(&last, &p);
	last_gen = j->gen;
	last_local = j->local;
	pthread_mutex_unlock(&mu);
	a.rows = px_xcalloc(1, sizeof(p));
	*(struct pve_evac_plan *)a.rows = p;
	a.n = 1;
	j->report(&a);
}

struct run_ctx {
	struct evjob *j;
	char told[160];
	double told_pct;
	int told_i;
	char *ended;		/* per guest: its end was reported */
};

static int
row_rc(const struct mut_row *row)
{
	if (strcmp(row->result, "ok") == 0)
		return 0;
	return strcmp(row->result, "refused") == 0 ? -2 : -1;
}

static void
step(void *arg, const struct pve_evac_plan *p, int i, enum pve_evac_step st,
    const struct mut_row *row, const char *text, double pct, double secs)
{
	struct run_ctx *x = arg;
	struct top_action a = { .id = x->j->op0 + i };

	(void)p;
	(void)secs;
	switch (st) {
	case PVE_EVAC_WOULD_SEND:
		return;
	case PVE_EVAC_SENT:
		a.type = TA_OP_SUBMITTED;
		snprintf(a.upid, sizeof(a.upid), "%s", row->upid);
		break;
	case PVE_EVAC_WAITING:
		/* the queue hears of a change once */
		if (x->told_i == i && x->told_pct == pct &&
		    strcmp(x->told, text) == 0)
			return;
		x->told_i = i;
		x->told_pct = pct;
		snprintf(x->told, sizeof(x->told), "%.159s", text);
		a.type = TA_OP_PROGRESS;
		a.pct = pct;
		snprintf(a.msg, sizeof(a.msg), "%.159s", text);
		break;
	case PVE_EVAC_DONE:
		x->ended[i] = 1;
		a.type = TA_OP_DONE;
		a.rc = row_rc(row);
		snprintf(a.upid, sizeof(a.upid), "%s", row->upid);
		snprintf(a.msg, sizeof(a.msg), "%s", a.rc == 0 ? "moved" :
		    row->message);
		break;
	}
	x->j->report(&a);
}

static void
run_plan(struct evjob *j, struct px_client *c)
{
	struct top_action done = { .type = TA_EVAC_DONE, .id = j->gen };
	struct run_ctx x = { j, "", -2, -1, NULL };
	struct pve_evac_opts o = { NULL, 1, 0 };
	struct pve_evac_plan p;
	struct px_err e = { 0 };
	struct gate g;
	struct gate_req r;
	struct mut_row *rows;
	int rc, nok = 0;

	pthread_mutex_lock(&mu);
	if (last_gen != j->gen || strcmp(last.node, j->node) != 0) {
		pthread_mutex_unlock(&mu);
		done.rc = -2;
		snprintf(done.msg, sizeof(done.msg), "evacuate %s: the plan "
		    "shown is not the last one made: nothing was sent",
		    j->node);
		j->report(&done);
		return;
	}
	plan_copy(&p, &last);
	o.local_disks = last_local;
	pthread_mutex_unlock(&mu);
	gate_init(&g, j->conf, j->p, c);
	g.yes = 1;	/* confirmed in pxtop's own dialog */
	rows = px_xcalloc((size_t)p.n + 1, sizeof(*rows));
	x.ended = px_xcalloc((size_t)p.n + 1, 1);
	rc = pve_evac_admit(&g, &p, &o, NULL, &r, rows, &e);
	if (rc == 0)
		rc = pve_evac_send(&g, &r, &p, 0, step, &x, rows, &e);
	/* refused before anything went, or skipped: no step said so */
	for (int i = 0; i < p.n; i++) {
		struct top_action a = { .type = TA_OP_DONE, .id = j->op0 + i };

		nok += strcmp(rows[i].result, "ok") == 0;
		if (x.ended[i])
			continue;
		a.rc = row_rc(&rows[i]);
		snprintf(a.msg, sizeof(a.msg), "%s", rows[i].message);
		j->report(&a);
	}
	if (rc == 0) {
		snprintf(done.msg, sizeof(done.msg), "evacuated %s: %d guest%s "
		    "moved", p.node, nok, nok == 1 ? "" : "s");
	} else {
		done.rc = gate_is_refusal(e.id) || nok == 0 ? -2 : -1;
		snprintf(done.msg, sizeof(done.msg), "evacuate %s stopped "
		    "(%d of %d moved): %.400s", p.node, nok, p.n, e.msg);
	}
	j->report(&done);
	gate_req_free(&r);
	gate_free(&g);
	free(rows);
	free(x.ended);
	pve_evac_plan_free(&p);
}

static void *
evac_thread(void *arg)
{
	struct evjob *j = arg;
	struct px_client_opts co = { 0 };
	struct px_client *c;
	struct px_err e = { 0 };

	if ((c = px_client_new(j->conf, j->p, &co, &e)) == NULL) {
		struct top_action a = { .type = j->type == TE_EVAC_PLAN ?
		    TA_EVAC_PLAN : TA_EVAC_DONE, .id = j->gen, .rc = -1 };

		snprintf(a.msg, sizeof(a.msg), "%s", e.msg);
		j->report(&a);
	} else {
		if (j->type == TE_EVAC_PLAN)
			make_plan(j, c);
		else
			run_plan(j, c);
		px_client_free(c);
	}
	if (j->type == TE_EVAC_RUN) {
		pthread_mutex_lock(&mu);
		busy = 0;
		pthread_mutex_unlock(&mu);
	}
	free(j);
	return NULL;
}

void
top_evac_effect(const struct top_effect *e, const struct px_conf *conf,
    const struct px_profile *p, void (*report)(const struct top_action *))
{
	struct evjob *j = px_xcalloc(1, sizeof(*j));
	pthread_t th;

	j->type = e->type;
	j->gen = e->id;
	j->local = e->n;
	j->op0 = e->n;
	snprintf(j->node, sizeof(j->node), "%s", e->g.node);
	j->conf = conf;
	j->p = p;
	j->report = report;
	if (e->type == TE_EVAC_RUN) {
		pthread_mutex_lock(&mu);
		if (busy) {
			struct top_action a = { .type = TA_EVAC_DONE,
			    .id = e->id, .rc = -2 };

			pthread_mutex_unlock(&mu);
			snprintf(a.msg, sizeof(a.msg), "an evacuation is "
			    "running already: nothing was sent");
			report(&a);
			free(j);
			return;
		}
		busy = 1;
		pthread_mutex_unlock(&mu);
	}
	if (px_thread_start(&th, evac_thread, j) != 0) {
		struct top_action a = { .type = e->type == TE_EVAC_PLAN ?
		    TA_EVAC_PLAN : TA_EVAC_DONE, .id = e->id, .rc = -1 };

		snprintf(a.msg, sizeof(a.msg), "cannot start a thread");
		report(&a);
		pthread_mutex_lock(&mu);
		busy = e->type == TE_EVAC_RUN ? 0 : busy;
		pthread_mutex_unlock(&mu);
		free(j);
		return;
	}
	pthread_detach(th);
}
