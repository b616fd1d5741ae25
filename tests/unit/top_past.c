/*
 * top_past.c -- pxtop's time travel in the reducer and on the screen:
 * [ asks for the refresh before, its answer puts the past on screen with
 * a PAST header, actions are refused, the live lists go on arriving
 * aside, and ] at the newest comes back to them.
 */
#include <stdlib.h>
#include <string.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "tap.h"
#include "top_past.h"
#include "top_render.h"

#define LINES	24
#define COLS	160

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
	struct top_action a = { .type = TA_KEY, .key = k, .text = 1 };

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

static struct pve_guest *
one_guest(int vmid, const char *node, const char *status)
{
	struct pve_guest *g = calloc(1, sizeof(*g));

	g->vmid = vmid;
	snprintf(g->name, sizeof(g->name), "vm%d", vmid);
	snprintf(g->node, sizeof(g->node), "%s", node);
	snprintf(g->status, sizeof(g->status), "%s", status);
	snprintf(g->type, sizeof(g->type), "qemu");
	return g;
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
		    sizeof(screen[i]), i, 0, COLS);
}

static int
shows(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return 1;
	return 0;
}

int
main(void)
{
	struct top_action a;
	const struct top_effect *e;
	struct tcache_frame *f;

	setenv("TZ", "UTC", 1);
	mt = tickit_mockterm_new(LINES, COLS);
	top_state_init(&S, "sim", 0, 3000, LINES, COLS);
	a = (struct top_action){ .type = TA_START, .now = 2000 };
	act(&a);
	{
		/* three guests, the cursor on the third through a search:
		 * the index lists point past the first */
		struct pve_guest *v = calloc(3, sizeof(*v));

		for (int i = 0; i < 3; i++) {
			struct pve_guest *g = one_guest(100 + 2 * i, "pve2",
			    "running");

			v[i] = *g;
			free(g);
		}
		a = (struct top_action){ .type = TA_GUESTS, .now = 2000,
		    .rows = v, .n = 3 };
		act(&a);
	}
	press("3");
	press("/");
	press("1");
	press("0");
	press("4");
	a = (struct top_action){ .type = TA_KEY, .key = "Enter" };
	act(&a);
	is_int(S.nvis, 1, "a search shows one guest");
	is_int(top_cur_guest(&S)->vmid, 104, "the third");

	press("]");
	ok(find_fx(TE_PAST) == NULL && strstr(S.status, "already live"),
	    "] while live says so: %s", S.status);
	press("[");
	e = find_fx(TE_PAST);
	ok(e && e->id == -1 && e->at == 2000 && e->ms == 0, "[ asks for the "
	    "refresh before the one shown");
	press("{");
	e = find_fx(TE_PAST);
	ok(e && e->id == -1 && e->ms == 3600, "{ asks for an hour back");

	/* the answer: a refresh of 1000 where 100 was on pve1, stopped */
	f = calloc(1, sizeof(*f));
	f->time = 1000;
	f->have = TC_GUESTS;
	f->guests = one_guest(100, "pve1", "stopped");
	f->nguests = 1;
	a = (struct top_action){ .type = TA_PAST, .id = -1, .rows = f,
	    .now = 2100 };
	act(&a);
	is_int(top_past_at(&S), 1000, "the past is shown");
	is_str(S.guests[0].node, "pve1", "with its lists");
	is_int(S.nvis, 0, "the search still holds (104 was not there)");
	a = (struct top_action){ .type = TA_KEY, .key = "Escape" };
	act(&a);
	press("3");
	draw();
	ok(shows("PAST  1970-01-01 00:16:40 (18m20s ago)"), "the header says "
	    "PAST, the time and the age");
	ok(shows("actions disabled"), "and that actions are disabled");
	ok(shows("stopped"), "the guest as it was");

	press("s");
	ok(find_fx(TE_RISK) == NULL && strncmp(S.status, "refused: the "
	    "screen shows the past", 31) == 0, "s is refused: %s", S.status);
	press("m");
	ok(S.input == TOP_IN_NONE && strstr(S.status, "migrate is disabled"),
	    "m is refused");
	draw();
	ok(shows("refused: the screen shows the past"), "the refusal shows");

	/* the live refresh goes on, aside */
	a = (struct top_action){ .type = TA_GUESTS, .now = 2103,
	    .rows = one_guest(100, "pve3", "running"), .n = 1 };
	act(&a);
	is_str(S.guests[0].node, "pve1", "a live answer does not replace "
	    "the past on screen");
	is_int(S.past->updated, 2103, "but is kept");

	press("]");
	e = find_fx(TE_PAST);
	ok(e && e->id == 1 && e->at == 1000, "] asks for the next refresh");
	a = (struct top_action){ .type = TA_PAST, .id = 1, .rc = 1 };
	act(&a);
	is_int(top_past_at(&S), 0, "none after it: live again");
	is_str(S.guests[0].node, "pve3", "with the newest live lists");
	is_int(S.nvis, 1, "listed again");
	draw();
	ok(!shows("PAST"), "the header no longer says PAST");
	press("s");
	ok(find_fx(TE_RISK) != NULL, "actions work again");

	a = (struct top_action){ .type = TA_PAST, .id = -1, .rc = -1 };
	snprintf(a.msg, sizeof(a.msg), "/x/cache/sim.db: not a px cache");
	act(&a);
	ok(top_past_at(&S) == 0 && strstr(S.status, "not a px cache"),
	    "a cache that cannot be read says why: %s", S.status);

	top_state_free(&S);
	top_effects_free(&FX);
	tickit_term_unref((TickitTerm *)mt);
	return done_testing();
}
