/*
 * top_evac.c -- pxtop's E view (lib/top_evac.c): the reducer driven
 * directly (E asks for the plan of the node under the cursor, the plan
 * comes in, blockers and read-only refuse, y opens the dialog, y again
 * queues a run with an entry per guest, progress and ends update them),
 * and the view drawn into libtickit's mock terminal.
 */
#include <stdlib.h>
#include <string.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "pve_evacuate.h"
#include "tap.h"
#include "top_render.h"
#include "top_state.h"

#define LINES	30
#define COLS	140

static struct top_state S;
static struct top_effects FX;
static TickitMockTerm *mt;
static char screen[LINES][COLS * 4 + 1];

static void
act(struct top_action *a)
{
	top_effects_clear(&FX);
	top_reduce(&S, a, &FX);
}

static void
press(const char *k)
{
	struct top_action a = { .type = TA_KEY, .key = k };

	a.text = strlen(k) == 1;
	act(&a);
}

static const struct top_effect *
find_fx(enum top_eff_type t)
{
	for (int i = 0; i < FX.n; i++)
		if (FX.e[i].type == t)
			return &FX.e[i];
	return NULL;
}

static void
draw(void)
{
	TickitRenderBuffer *rb = tickit_renderbuffer_new(S.lines, S.cols);

	top_render(&S, rb, 0);
	tickit_renderbuffer_flush_to_term(rb, (TickitTerm *)mt);
	tickit_renderbuffer_unref(rb);
	for (int i = 0; i < LINES; i++)
		tickit_mockterm_get_display_text(mt, screen[i],
		    sizeof(screen[i]), i, 0, S.cols);
}

static int
shows(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return 1;
	return 0;
}

static void
fresh(int read_only)
{
	struct top_action a = { .type = TA_NODES };
	struct pve_node *n = calloc(3, sizeof(*n));

	top_state_free(&S);
	top_state_init(&S, "sim", read_only, 3000, LINES, COLS);
	for (int i = 0; i < 3; i++) {
		snprintf(n[i].name, sizeof(n[i].name), "pve%d", i + 1);
		snprintf(n[i].status, sizeof(n[i].status), "online");
		n[i].online = 1;
	}
	a.rows = n;
	a.n = 3;
	act(&a);
	press("2");		/* the nodes view */
	press("j");
	press("j");		/* pve3 */
}

/* The plan of pve3: 101 (HA) to pve1, 102 to pve2, and 103 blocked
 * when blocked. */
static struct pve_evac_plan *
plan(int blocked)
{
	struct pve_evac_plan *p = calloc(1, sizeof(*p));

	snprintf(p->node, sizeof(p->node), "pve3");
	p->items = calloc(3, sizeof(*p->items));
	p->n = blocked ? 3 : 2;
	for (int i = 0; i < p->n; i++) {
		struct pve_evac_item *it = &p->items[i];

		it->guest.vmid = 101 + i;
		snprintf(it->guest.name, sizeof(it->guest.name), "g-%d", i);
		snprintf(it->guest.node, sizeof(it->guest.node), "pve3");
		snprintf(it->guest.status, sizeof(it->guest.status), "running");
		snprintf(it->guest.type, sizeof(it->guest.type), "qemu");
		it->running = 1;
		snprintf(it->target, sizeof(it->target), "pve%d", i + 1);
	}
	p->items[0].ha = 1;
	snprintf(p->items[0].sid, sizeof(p->items[0].sid), "vm:101");
	p->nha = 1;
	if (blocked) {
		p->items[2].blocked = 1;
		snprintf(p->items[2].why, sizeof(p->items[2].why), "locked "
		    "(backup)");
		p->nblocked = 1;
	}
	return p;
}

static void
plan_arrives(int gen, int blocked)
{
	struct top_action a = { .type = TA_EVAC_PLAN, .id = gen };

	a.rows = plan(blocked);
	a.n = 1;
	act(&a);
}

static void
test_open(void)
{
	const struct top_effect *e;

	fresh(0);
	press("E");
	e = find_fx(TE_EVAC_PLAN);
	ok(S.view == TOP_EVAC, "E on a node opens the evacuate view");
	ok(e && strcmp(e->g.node, "pve3") == 0 && e->n == 0,
	    "E asks for the plan of the node under the cursor, no local "
	    "disks");
	draw();
	ok(shows("Evacuate pve3: making the plan"), "the view says the plan "
	    "is being made");
	press("y");
	ok(!S.evac_confirm && strstr(S.status, "being made"),
	    "y before the plan: nothing to confirm");
	plan_arrives(e ? e->id : 0, 0);
	ok(S.evac && S.evac->n == 2 && !S.evac_loading, "the plan arrives");
	{
		struct top_action old = { .type = TA_EVAC_PLAN, .id = -5 };

		old.rows = plan(1);
		act(&old);
		ok(S.evac->n == 2, "a plan asked before is dropped");
	}
	draw();
	ok(shows("Evacuate pve3: 2 guests, 1 HA-managed, 0 blocked"),
	    "the header: guests, HA, blocked");
	ok(shows("101") && shows("HA") && shows("pve1") && shows("102") &&
	    shows("pve2"), "each guest with its target and HA");
	press("l");
	e = find_fx(TE_EVAC_PLAN);
	ok(e && e->n == 1 && S.evac == NULL && S.evac_loading,
	    "l asks again with local disks along");
	press("Escape");
	ok(S.view == TOP_NODES, "Esc goes back");
}

static void
test_blocked(void)
{
	fresh(0);
	press("E");
	plan_arrives(S.evac_gen, 1);
	draw();
	ok(shows("cannot move") == 0 && shows("locked (backup)") &&
	    shows("blocked"), "a blocked guest shows its blocker");
	press("y");
	ok(!S.evac_confirm && strstr(S.status, "refused: 1 guest cannot "
	    "move") != NULL, "a blocked guest refuses the evacuation");
	ok(find_fx(TE_EVAC_RUN) == NULL, "nothing is run");
}

static void
test_read_only(void)
{
	fresh(1);
	press("E");
	plan_arrives(S.evac_gen, 0);
	press("y");
	ok(!S.evac_confirm && strstr(S.status, "read-only"),
	    "read-only: refused");
}

static void
test_run(void)
{
	const struct top_effect *e;
	struct top_action a = { 0 };
	int op0;

	fresh(0);
	press("E");
	plan_arrives(S.evac_gen, 0);
	press("y");
	ok(S.evac_confirm, "y opens the dialog");
	draw();
	ok(shows("Evacuate pve3 on profile sim: move 2 guests (1 through "
	    "HA) through the gate?"), "the dialog says what will be sent");
	press("n");
	ok(!S.evac_confirm && find_fx(TE_EVAC_RUN) == NULL &&
	    strstr(S.status, "nothing was sent"), "n: not confirmed");
	press("y");
	press("y");
	e = find_fx(TE_EVAC_RUN);
	ok(e && e->id == S.evac_gen && strcmp(e->g.node, "pve3") == 0,
	    "confirmed: the run of the plan shown");
	op0 = e ? e->n : 0;
	ok(S.nops == 2 && S.ops[0].id == op0 && S.ops[1].id == op0 + 1 &&
	    strcmp(S.ops[0].action, "ha-migrate") == 0 &&
	    strcmp(S.ops[1].action, "migrate") == 0 &&
	    strcmp(S.ops[1].arg, "pve2") == 0 &&
	    S.ops[0].st == TOP_OP_RUNNING, "a queue entry per guest");
	ok(S.evac_running, "running");
	press("y");
	ok(find_fx(TE_EVAC_RUN) == NULL, "y again while it runs: nothing");
	a.type = TA_OP_PROGRESS;
	a.id = op0 + 1;
	a.pct = 40;
	snprintf(a.msg, sizeof(a.msg), "migration status: active");
	act(&a);
	ok(S.ops[1].pct == 40, "progress reaches the queue entry");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = op0;
	snprintf(a.msg, sizeof(a.msg), "moved");
	act(&a);
	draw();
	ok(S.ops[0].st == TOP_OP_OK && shows("running  40%") && shows("ok"),
	    "the view shows each guest's state");
	memset(&a, 0, sizeof(a));
	a.type = TA_EVAC_DONE;
	a.id = S.evac_gen;
	snprintf(a.msg, sizeof(a.msg), "evacuated pve3: 2 guests moved");
	act(&a);
	ok(!S.evac_running && strstr(S.status, "evacuated pve3") &&
	    find_fx(TE_FETCH), "the end: status, and a refresh");
	{
		int found = 0;

		for (int i = 0; i < top_nkeymap; i++)
			found |= strncmp(top_keymap[i], "E      evacuate",
			    15) == 0;
		ok(found, "the keymap lists E");
	}
}

int
main(void)
{
	mt = tickit_mockterm_new(LINES, COLS);
	test_open();
	test_blocked();
	test_read_only();
	test_run();
	top_state_free(&S);
	top_effects_free(&FX);
	tickit_term_unref((TickitTerm *)mt);
	return done_testing();
}
