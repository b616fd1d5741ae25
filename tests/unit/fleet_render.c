/*
 * fleet_render.c -- what px fleet's screen shows for a known state,
 * drawn into libtickit's mock terminal: the bar, the summary rows (up,
 * down, waiting, not answering, marks) and the guest table (the whole
 * fleet, one cluster, the filter, the sort, the dimmed rows of a profile
 * that does not answer).
 */
#include <stdlib.h>
#include <string.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "fleet_render.h"
#include "tap.h"

#define LINES	24
#define COLS	150

static TickitMockTerm *mt;
static struct fleet_state S;
static struct fleet_effects FX;
static char screen[LINES][COLS * 4 + 1];
static int colour;		/* draw as on a colour terminal */

static void
draw(void)
{
	TickitRenderBuffer *rb = tickit_renderbuffer_new(S.lines, S.cols);

	fleet_render(&S, rb, colour);
	tickit_renderbuffer_flush_to_term(rb, (TickitTerm *)mt);
	tickit_renderbuffer_unref(rb);
	for (int i = 0; i < LINES; i++)
		screen[i][0] = '\0';
	for (int i = 0; i < S.lines && i < LINES; i++) {
		size_t n;

		tickit_mockterm_get_display_text(mt, screen[i],
		    sizeof(screen[i]), i, 0, S.cols);
		/* a bar or a selected row is erased to the end of the line */
		n = strlen(screen[i]);
		while (n > 0 && screen[i][n - 1] == ' ')
			screen[i][--n] = '\0';
	}
}

static int
line_with(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return i;
	return -1;
}

static int
shows(const char *text)
{
	return line_with(text) >= 0;
}

/* The line that starts with text ("" when none). */
static const char *
line_of(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strncmp(screen[i], text, strlen(text)) == 0)
			return screen[i];
	return "";
}

static void
act(struct fleet_action *a)
{
	fleet_effects_clear(&FX);
	fleet_reduce(&S, a, &FX);
}

static void
press(const char *k)
{
	struct fleet_action a = { .type = FA_KEY, .key = k };

	a.text = strlen(k) == 1;
	act(&a);
}

static void
setup(void)
{
	struct fleet_action a = { .type = FA_START };
	struct pve_node *n = calloc(3, sizeof(*n));
	struct pve_guest *g = calloc(3, sizeof(*g));
	struct pve_task *t = calloc(2, sizeof(*t));
	static const char *const names[] = { "web-01", "db-01", "old-01" };

	fleet_state_free(&S);
	fleet_state_init(&S, 3000, LINES, COLS);
	fleet_add(&S, "alpha", 0);
	fleet_add(&S, "beta", 1);
	fleet_add(&S, "gamma", 0);
	act(&a);
	a = (struct fleet_action){ .type = FA_CONNECTED, .id = 0 };
	act(&a);
	for (int i = 0; i < 3; i++) {
		n[i].online = i != 2;
		n[i].maxcpu = 8;
		n[i].cpu = n[i].online ? 0.25 : 0;
		n[i].maxmem = 64ULL << 30;
		n[i].mem = n[i].online ? 32ULL << 30 : 0;
		g[i].vmid = 100 + i;
		snprintf(g[i].name, sizeof(g[i].name), "%s", names[i]);
		snprintf(g[i].node, sizeof(g[i].node), "pve%d", i + 1);
		snprintf(g[i].status, sizeof(g[i].status), "%s",
		    i == 2 ? "stopped" : "running");
		snprintf(g[i].tags, sizeof(g[i].tags), "%s",
		    i == 0 ? "prod" : "");
		g[i].cpu = 0.1 * i;
	}
	t[1].ok = 0;	/* both finished, the second in error */
	t[0].ok = 1;
	a = (struct fleet_action){ .type = FA_NODES, .id = 0, .rows = n,
		.n = 3 };
	act(&a);
	a = (struct fleet_action){ .type = FA_GUESTS, .id = 0, .rows = g,
		.n = 3 };
	act(&a);
	a = (struct fleet_action){ .type = FA_TASKS, .id = 0, .rows = t,
		.n = 2 };
	act(&a);
	a = (struct fleet_action){ .type = FA_CONNECT_FAILED, .id = 1 };
	snprintf(a.msg, sizeof(a.msg), "https://10.9.9.9:8006: Connection "
	    "refused");
	act(&a);
	a = (struct fleet_action){ .type = FA_FROZEN, .id = 0, .rc = 1 };
	act(&a);
	draw();
}

static void
test_summary(void)
{
	setup();
	ok(strstr(screen[0], "3 profiles: 1 up, 1 down, 1 waiting") != NULL,
	    "the bar counts up, down and waiting profiles");
	ok(strstr(screen[0], "nodes 2/3  guests 2/3 running") != NULL,
	    "the bar totals the fleet");
	ok(strncmp(screen[1], "PROFILE", 7) == 0, "the summary heading");
	is_str(line_of("alpha "), "alpha            up       2/3       2/3"
	    "      25.0%  50.0%       1 frozen",
	    "alpha: up, nodes 2/3, guests 2/3, CPU, memory, 1 failed task, "
	    "frozen");
	ok(strstr(line_of("beta "), "down") != NULL, "beta: down");
	ok(strstr(line_of("beta "), "read-only") != NULL,
	    "beta: the read-only mark");
	ok(strstr(line_of("beta "), "Connection refused") != NULL,
	    "beta: the error of a down profile");
	ok(strstr(line_of("gamma "), "...") != NULL &&
	    strstr(line_of("gamma "), "connecting") != NULL,
	    "gamma, first contact on its way: waiting, connecting");
	ok(strstr(line_of("gamma "), "-      -") != NULL,
	    "gamma: CPU and memory not known");
	ok(strstr(screen[LINES - 1], "Tab") && strstr(screen[LINES - 1],
	    "q quit"), "the footer lists the keys");
}

static void
test_guests(void)
{
	setup();
	ok(shows("Guests of the whole fleet: 3   sort profile"),
	    "the guest title: the whole fleet, the count, the sort");
	ok(line_with("alpha                100 web-01") >
	    line_with("Guests of"), "a guest row under the title");
	ok(strstr(line_of("alpha                100"), "running") &&
	    strstr(line_of("alpha                100"), "prod"),
	    "with its status and tags");
	press("s");
	press("s");
	draw();
	ok(shows("sort cpu"), "the title shows the sort");
	ok(line_with("old-01") < line_with("db-01") &&
	    line_with("db-01") < line_with("web-01"),
	    "rows in the sort's order, the busiest first");
	press("j");
	press("Tab");
	draw();
	ok(shows("Guests of beta: 0"), "Tab: the selected cluster's guests");
	ok(!shows("web-01"), "and only those");
	press("Tab");
	press("/");
	press("d");
	press("b");
	draw();
	ok(shows("/db_"), "typing shows the filter being typed");
	ok(shows("filter: db"), "the title shows the filter");
	ok(shows("db-01") && !shows("web-01"), "only matching rows");
	press("Enter");
	draw();
	ok(!shows("/db_"), "Enter: the prompt goes, the filter stays");
	ok(shows("filter: db"), "filter kept");
}

/* The foreground colour at line, col (-1: the default). */
static int
fg_at(int line, int col)
{
	TickitPen *pen = tickit_mockterm_get_display_pen(mt, line, col);

	return tickit_pen_has_attr(pen, TICKIT_PEN_FG) ?
	    tickit_pen_get_colour_attr(pen, TICKIT_PEN_FG) : -1;
}

static void
test_not_answering(void)
{
	struct fleet_action a = { .type = FA_TICK, .now = 1000 };

	setup();
	act(&a);		/* asks alpha again at 1000: it hangs */
	a.now = 1009;
	act(&a);
	draw();
	ok(strstr(line_of("alpha "), "alpha            up") != NULL,
	    "9 s into a fetch: still up");
	ok(strstr(line_of("alpha "), "no answer") == NULL, "no mark");
	a.now = 1042;
	act(&a);
	draw();
	ok(strstr(line_of("alpha "), "alpha            stale    2/3       2/3"
	    "      25.0%  50.0%       1") != NULL,
	    "42 s: stale, its last figures kept");
	ok(strstr(line_of("alpha "), "no answer for 42s") != NULL,
	    "marked with how long it has not answered");
	ok(strstr(screen[0], "3 profiles: 0 up, 2 down (1 not answering), "
	    "1 waiting") != NULL, "the bar counts it as down, and says why");
	ok(strstr(line_of("alpha                100"), "web-01") != NULL,
	    "its guests stay in the table");
	colour = 1;
	draw();
	is_int(fg_at(line_with("web-01"), 0), 8,
	    "dimmed, in colour: not fresh");
	is_int(fg_at(line_with("alpha "), 0), -1, "the selected row is not");
	colour = 0;
	a = (struct fleet_action){ .type = FA_NODES, .id = 0, .now = 1043,
		.rows = calloc(1, sizeof(struct pve_node)), .n = 1 };
	act(&a);
	a = (struct fleet_action){ .type = FA_GUESTS, .id = 0, .now = 1043,
		.rows = calloc(1, sizeof(struct pve_guest)), .n = 0 };
	act(&a);
	a = (struct fleet_action){ .type = FA_TASKS, .id = 0, .now = 1043,
		.rows = calloc(1, sizeof(struct pve_task)), .n = 0 };
	act(&a);
	draw();
	ok(strstr(line_of("alpha "), "alpha            up") != NULL &&
	    strstr(line_of("alpha "), "no answer") == NULL,
	    "the answer comes: up, unmarked");
	ok(strstr(screen[0], "1 up, 1 down, 1 waiting") != NULL,
	    "the bar counts it up again");
}

static void
test_small(void)
{
	struct fleet_action a = { .type = FA_RESIZE, .lines = 5, .cols = 40 };

	setup();
	act(&a);
	draw();
	ok(shows("terminal too small"), "a tiny terminal says so");
	a.lines = LINES;
	a.cols = COLS;
	act(&a);
	draw();
	ok(shows("Guests of"), "and draws again when it grows");
}

int
main(void)
{
	mt = tickit_mockterm_new(LINES, COLS);
	test_summary();
	test_guests();
	test_not_answering();
	test_small();
	fleet_state_free(&S);
	fleet_effects_free(&FX);
	tickit_mockterm_destroy(mt);
	return done_testing();
}
