/*
 * node_bulk.c -- the bulk start and stop of a node's guests
 * (startall/stopall), one task that starts or stops them in turn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

/* ---- startall / stopall ---- */

struct bulk_arg {
	int start;
	int force;	/* startall: also guests without onboot */
	char *vms;
};

static void
bulk_free(void *p)
{
	struct bulk_arg *a = p;

	free(a->vms);
	free(a);
}

static void
bulk_done(struct sim *s, struct sim_task *t)
{
	struct bulk_arg *a = t->arg;
	size_t i;

	for (i = 0; i < s->nguests; i++) {
		struct sim_guest *g = s->guests[i];
		char v[16];
		const char *ob;

		snprintf(v, sizeof(v), "%d", g->vmid);
		if (strcmp(sim_guest_node(s, g), t->node) != 0 || g->template_)
			continue;
		if (a->vms && !g_list_has(a->vms, v))
			continue;
		if (a->start) {
			ob = sim_guest_cfg(g, "onboot");
			/* As PVE: only onboot guests, unless force. */
			if (g->status != SIM_STOPPED ||
			    (!a->force && !(ob && atoi(ob))))
				continue;
			sim_task_log(t, "Starting %s %d", g_word(g), g->vmid);
			g->status = SIM_RUNNING;
			g->started = sim_now(s);
		} else {
			if (g->status == SIM_STOPPED)
				continue;
			sim_task_log(t, "Stopping %s %d (timeout = 180 seconds)",
			    g_word(g), g->vmid);
			g->status = SIM_STOPPED;
		}
		sim_guest_save(s, g);
	}
}

/* Make t a bulk start/stop of the guests of its node. */
void
sim_tasks_bulk(struct sim *s, struct sim_task *t, int start, int force,
    const char *vms)
{
	struct bulk_arg *a = px_xcalloc(1, sizeof(*a));

	(void)s;
	a->start = start;
	a->force = force;
	a->vms = vms ? px_xstrdup(vms) : NULL;
	t->arg = a;
	t->arg_free = bulk_free;
	t->on_finish = bulk_done;
}
