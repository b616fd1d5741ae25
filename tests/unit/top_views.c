/*
 * top_views.c -- pxtop's guest compare (D), HA console (O) and profile
 * picker (P): their reducer actions driven directly, and each view drawn
 * into libtickit's mock terminal, hostile values from the server
 * included.  No network.
 */
#include <stdlib.h>
#include <string.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "json.h"
#include "pve_hamgr.h"
#include "tap.h"
#include "top_render.h"
#include "top_state.h"

#define LINES	30
#define COLS	160

static TickitMockTerm *mt;
static struct top_state S;
static struct top_effects FX;
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

static void
type(const char *t)
{
	for (; *t; t++) {
		char c[2] = { *t, 0 };

		press(c);
	}
}

static int
count_fx(enum top_eff_type t)
{
	int n = 0;

	for (int i = 0; i < FX.n; i++)
		n += FX.e[i].type == t;
	return n;
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
	for (int i = 0; i < S.lines && i < LINES; i++)
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

static const char *
line_with(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return screen[i];
	return "";
}

/* No control character anywhere on the screen. */
static int
screen_clean(void)
{
	for (int i = 0; i < LINES; i++)
		for (const char *p = screen[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
	return 1;
}

static void
setup(int nguests, int read_only)
{
	struct top_action a = { .type = TA_NODES };
	struct pve_node *n = calloc(3, sizeof(*n));
	struct pve_guest *g = calloc((size_t)nguests, sizeof(*g));

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
	for (int i = 0; i < nguests; i++) {
		g[i].vmid = 100 + i;
		snprintf(g[i].name, sizeof(g[i].name), "guest-%d", i);
		snprintf(g[i].node, sizeof(g[i].node), "pve%d", i % 3 + 1);
		snprintf(g[i].status, sizeof(g[i].status), "running");
		snprintf(g[i].type, sizeof(g[i].type), "qemu");
	}
	memset(&a, 0, sizeof(a));
	a.type = TA_GUESTS;
	a.rows = g;
	a.n = nguests;
	act(&a);
}

/* A config: n "key=value" strings. */
static void
config(int vmid, int n, const char *const *kv)
{
	struct top_action a = { .type = TA_CMPCFG, .id = vmid };
	struct pve_kv *v = calloc((size_t)n + 1, sizeof(*v));

	for (int i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');

		snprintf(v[i].key, sizeof(v[i].key), "%.*s",
		    (int)(eq - kv[i]), kv[i]);
		v[i].value = strdup(eq + 1);
	}
	a.rows = v;
	a.n = n;
	act(&a);
}

static const struct top_cmp_row *
row(const char *key)
{
	for (int i = 0; i < S.cmp.nrows; i++)
		if (strcmp(S.cmp.rows[i].key, key) == 0)
			return &S.cmp.rows[i];
	return NULL;
}

static void
test_compare(void)
{
	static const char *const c100[] = { "cores=2", "memory=4096",
		"name=web-01", "digest=aaa", "agent=1",
		"description=\x1b]0;owned\x07\x1b[31mred\r\nsecond line" };
	static const char *const c101[] = { "cores=2", "memory=8192",
		"name=web-02", "digest=bbb" };
	char *big = malloc(5001);
	const char *c102[] = { "cores=2", "memory=4096", "name=web-03",
		"agent=1", NULL };
	struct top_action f = { .type = TA_FETCH_FAILED, .what = TOP_F_CMP };

	setup(12, 0);
	press("3");
	press("D");
	is_int(S.view, TOP_GUESTS, "D with no guest marked stays");
	is_int(FX.n, 0, "and fetches nothing");
	ok(strstr(S.status, "mark two or more") != NULL, "it says how to "
	    "compare");
	press("Space");
	press("D");
	is_int(S.view, TOP_GUESTS, "D with one guest marked stays too");
	press("Space");
	press("Space");
	is_int(S.nmarked, 3, "three guests marked");
	press("D");
	is_int(S.view, TOP_COMPARE, "D opens the compare");
	is_int(S.cmp.n, 3, "one column per marked guest");
	is_int(count_fx(TE_CMPCFG), 3, "each guest's config is asked for");
	ok(S.cmp.col[0].g.vmid == 100 && S.cmp.col[2].g.vmid == 102, "in "
	    "VMID order");
	ok((S.loading & TOP_F_CMP) != 0, "loading");
	draw();
	ok(shows("loading..."), "the columns say they are loading");

	config(100, 6, c100);
	config(101, 4, c101);
	ok((S.loading & TOP_F_CMP) != 0, "still loading with one to come");
	memset(big, 'x', 5000);
	big[5000] = '\0';
	c102[4] = NULL;
	{
		char *kv = malloc(5020);

		snprintf(kv, 5020, "smbios1=%s", big);
		c102[4] = kv;
		config(102, 5, c102);
		free(kv);
	}
	ok((S.loading & TOP_F_CMP) == 0, "every config in: loaded");
	ok(row("digest") == NULL, "the digest is no difference worth a row");
	ok(row("cores") && row("cores")->diff == TOP_CMP_SAME, "the same "
	    "value everywhere: same");
	ok(row("memory") && row("memory")->diff == TOP_CMP_DIFF, "different "
	    "values: differs");
	ok(row("agent") && row("agent")->diff == TOP_CMP_MISSING, "a key "
	    "some lack: missing");
	ok(row("name") && row("name")->diff == TOP_CMP_DIFF, "names differ");
	is_int(S.cmp.ndiff, 2, "two keys differ");
	is_int(S.cmp.nmissing, 3, "three keys are not on every guest");
	{
		const char *d = NULL, *sm = NULL;

		for (int i = 0; i < S.cmp.col[0].ncfg; i++)
			if (!strcmp(S.cmp.col[0].cfg[i].key, "description"))
				d = S.cmp.col[0].cfg[i].value;
		for (int i = 0; i < S.cmp.col[2].ncfg; i++)
			if (!strcmp(S.cmp.col[2].cfg[i].key, "smbios1"))
				sm = S.cmp.col[2].cfg[i].value;
		ok(d && !strchr(d, '\x1b') && !strchr(d, '\r') &&
		    !strchr(d, '\n') && !strchr(d, '\x07'), "a value's escape "
		    "sequences, CR and LF are sanitized as it comes");
		ok(d && strstr(d, "red") && strstr(d, "second line"), "and its "
		    "text is kept");
		ok(sm && strlen(sm) < TOP_CMP_VALUE, "a huge value is cut to "
		    "%d bytes", TOP_CMP_VALUE);
	}

	/* stepping */
	S.cur[TOP_COMPARE] = 0;
	is_str(S.cmp.rows[0].key, "agent", "the keys in order: agent first");
	press("+");
	is_str(S.cmp.rows[S.cur[TOP_COMPARE]].key, "description", "+ goes "
	    "to the next difference: description (only on one)");
	press("+");
	is_str(S.cmp.rows[S.cur[TOP_COMPARE]].key, "memory", "+ again: "
	    "memory (differs)");
	press("-");
	is_str(S.cmp.rows[S.cur[TOP_COMPARE]].key, "description", "- goes "
	    "back");
	press("-");
	press("-");
	is_str(S.cmp.rows[S.cur[TOP_COMPARE]].key, "agent", "to the first");
	ok(strstr(S.status, "no earlier difference") != NULL, "- at the "
	    "first says so");
	for (int i = 0; i < 10; i++)
		press("+");
	ok(strstr(S.status, "no further difference") != NULL, "+ past the "
	    "last says so");
	press("=");
	is_int(S.cmp.nrows, 5, "= shows the differing keys alone");
	ok(row("cores") == NULL, "a key the same everywhere is hidden");
	press("=");
	ok(row("cores") != NULL, "= again shows every key");

	draw();
	ok(shows("Compare 3 guests: ") && shows("2 differ (*), 3 not on "
	    "every guest (!)"), "the head counts the differences");
	ok(shows("100 guest-0 (pve1)") && shows("102 guest-2 (pve3)"), "each "
	    "column names its guest and node");
	ok(line_with("memory")[0] == '*' && strstr(line_with("memory"),
	    "8192"), "a differing key is marked *");
	ok(line_with("agent ")[0] == '!' && strstr(line_with("agent "),
	    "(absent)"), "a key on only some is marked !, (absent) where "
	    "missing");
	ok(strstr(line_with("smbios1"), "xxx~") != NULL, "a long value is "
	    "cut to its cell, marked ~");
	ok(screen_clean(), "no control character reaches the screen");
	ok(shows("red"), "the sanitized value is shown");
	ok(strstr(screen[LINES - 1], "- + previous/next difference") != NULL,
	    "the footer lists the compare's keys");

	/* R reads again; a failure shows in its column */
	press("R");
	is_int(count_fx(TE_CMPCFG), 3, "R asks for the configs again");
	config(100, 6, c100);
	config(101, 4, c101);
	f.id = 102;
	snprintf(f.msg, sizeof(f.msg), "HTTP 500 \x1b[2Jno such VM");
	act(&f);
	is_int(S.cmp.col[2].got, -1, "a config that fails marks its column");
	ok((S.loading & TOP_F_CMP) == 0, "and ends the loading");
	ok(S.fetch_err[0] == '\0', "not a failure of the refresh");
	draw();
	ok(shows("failed: HTTP 500") && screen_clean(), "the column says "
	    "why, sanitized");
	config(999, 4, c101);
	is_int(S.cmp.n, 3, "a config of a guest not compared is dropped");
	press("Escape");
	is_int(S.view, TOP_GUESTS, "Esc goes back where D was pressed");

	/* more than TOP_CMP_MAX */
	press("u");
	press("V");
	press("D");
	is_int(S.cmp.n, TOP_CMP_MAX, "at most %d guests are compared",
	    TOP_CMP_MAX);
	ok(strstr(S.status, "4 more left out") != NULL, "the rest are named "
	    "as left out");
	draw();
	ok(shows("Left/Right for the others") || S.cmp.n * 15 + 16 <= COLS,
	    "columns that do not fit are reached with Left/Right");
	press("Right");
	is_int(S.cmp.left, 1, "Right shows the next guest");
	press("Left");
	press("Left");
	is_int(S.cmp.left, 0, "Left stops at the first");
	free(big);
}

/* ---- HA ---- */

static void
ha_answers(const char *node100, const char *state100, const char *master,
    const char *pve3)
{
	struct top_action a = { .type = TA_HA_RES };
	struct pve_ha_resource *r = calloc(2, sizeof(*r));
	struct pve_ha_status *c = calloc(1, sizeof(*c));
	struct pve_ha_manager *m = calloc(1, sizeof(*m));
	struct pve_ha_rule *ru = calloc(1, sizeof(*ru));

	snprintf(r[0].sid, sizeof(r[0].sid), "vm:100");
	snprintf(r[0].type, sizeof(r[0].type), "vm");
	r[0].vmid = 100;
	snprintf(r[0].state, sizeof(r[0].state), "started");
	snprintf(r[0].comment, sizeof(r[0].comment), "db\x1b[31m\r\nx");
	r[0].max_restart = 1;
	r[0].max_relocate = 2;
	snprintf(r[1].sid, sizeof(r[1].sid), "vm:101");
	snprintf(r[1].type, sizeof(r[1].type), "vm");
	r[1].vmid = 101;
	snprintf(r[1].state, sizeof(r[1].state), "stopped");
	snprintf(r[1].group, sizeof(r[1].group), "prefer-pve2");
	a.rows = r;
	a.n = 2;
	act(&a);
	/* status/current knows vm:101 alone here */
	snprintf(c[0].type, sizeof(c[0].type), "service");
	snprintf(c[0].sid, sizeof(c[0].sid), "vm:101");
	snprintf(c[0].node, sizeof(c[0].node), "pve2");
	snprintf(c[0].crm_state, sizeof(c[0].crm_state), "stopped");
	memset(&a, 0, sizeof(a));
	a.type = TA_HA_CUR;
	a.rows = c;
	a.n = 1;
	act(&a);
	snprintf(m->master, sizeof(m->master), "%s", master);
	m->quorate = 1;
	m->nnodes = 3;
	for (int i = 0; i < 3; i++) {
		snprintf(m->nodes[i].node, sizeof(m->nodes[i].node), "pve%d",
		    i + 1);
		snprintf(m->nodes[i].state, sizeof(m->nodes[i].state), "%s",
		    i == 2 ? pve3 : "online");
	}
	m->svc = calloc(1, sizeof(*m->svc));
	m->nsvc = 1;
	snprintf(m->svc[0].sid, sizeof(m->svc[0].sid), "vm:100");
	snprintf(m->svc[0].node, sizeof(m->svc[0].node), "%s", node100);
	snprintf(m->svc[0].state, sizeof(m->svc[0].state), "%s", state100);
	if (strcmp(state100, "migrate") == 0)
		snprintf(m->svc[0].target, sizeof(m->svc[0].target), "pve3");
	memset(&a, 0, sizeof(a));
	a.type = TA_HA_MGR;
	a.rows = m;
	a.n = 1;
	act(&a);
	snprintf(ru->rule, sizeof(ru->rule), "keep-db");
	snprintf(ru->resources, sizeof(ru->resources), "vm:100,ct:200");
	memset(&a, 0, sizeof(a));
	a.type = TA_HA_RULES;
	a.rows = ru;
	a.n = 1;
	act(&a);
}

static const struct top_ha_row *
ha_row(const char *sid)
{
	for (int i = 0; i < S.ha.nrows; i++)
		if (strcmp(S.ha.rows[i].r.sid, sid) == 0)
			return &S.ha.rows[i];
	return NULL;
}

static void
test_ha(void)
{
	struct top_action t = { .type = TA_TICK, .now = 1700000100 };
	const struct top_effect *e;
	const struct top_ha_row *w;

	setup(4, 0);
	S.now = 1700000000;
	press("O");
	is_int(S.view, TOP_HA, "O opens the HA console");
	is_int(count_fx(TE_HA), 1, "and reads the HA status");
	ok((S.loading & TOP_F_HA) != 0, "loading");
	press("O");
	is_int(count_fx(TE_HA), 0, "not again while the read is on its way");
	draw();
	ok(shows("HA: 0 resources") && shows("loading"), "the console says "
	    "it is loading");
	ha_answers("pve1", "started", "pve1", "online");
	ok((S.loading & TOP_F_HA) == 0, "resources, status and manager in: "
	    "loaded");
	is_int(S.ha.nrows, 2, "one row per HA resource");
	w = ha_row("vm:100");
	ok(w && !strcmp(w->node, "pve1") && !strcmp(w->crm, "started"),
	    "node and current state from the manager status");
	ok(w && !strcmp(w->rules, "keep-db"), "the rules that name it");
	ok(w && !strchr(w->r.comment, '\x1b') && !strchr(w->r.comment, '\n'),
	    "its comment sanitized");
	w = ha_row("vm:101");
	ok(w && !strcmp(w->node, "pve2") && !strcmp(w->crm, "stopped"),
	    "status/current fills in what the manager does not say");
	is_int(S.ha.nhist, 0, "nothing in trouble at the first read: no "
	    "history");

	act(&t);
	is_int(count_fx(TE_HA), 1, "a tick reads it again while shown");
	ha_answers("pve3", "migrate", "pve2", "unknown");
	ok(S.ha.nhist >= 3, "a second read records what changed (%d)",
	    S.ha.nhist);
	{
		int moved = 0, node = 0, master = 0;

		for (int i = 0; i < S.ha.nhist; i++) {
			moved |= strstr(S.ha.hist[i].text, "vm:100 moved pve1 "
			    "-> pve3 (migrate)") != NULL;
			node |= strstr(S.ha.hist[i].text, "node pve3: online "
			    "-> unknown") != NULL;
			master |= strstr(S.ha.hist[i].text, "master pve1 -> "
			    "pve2") != NULL;
		}
		ok(moved, "a service that moved");
		ok(node, "a node the manager lost");
		ok(master, "a new master");
	}
	ok(!strcmp(ha_row("vm:100")->target, "pve3"), "a migration's target");
	draw();
	ok(shows("HA: 2 resources") && shows("master pve2") &&
	    shows("quorate"), "the head: resources, master, quorum");
	ok(shows("pve3 unknown"), "the manager's view of each node");
	ok(strstr(line_with("vm:100"), "migrate>pve3") &&
	    strstr(line_with("vm:100"), "keep-db") &&
	    strstr(line_with("vm:100"), "1/2"), "a row: current state and "
	    "target, rules, restarts/relocations");
	ok(strstr(line_with("vm:101"), "prefer-pve2") != NULL, "a PVE 8 "
	    "group");
	ok(shows("Failover history: ") && shows("vm:100 moved pve1 -> "
	    "pve3"), "the failover history");
	ok(screen_clean(), "no control character on the screen");

	/* the first read of a console opened in trouble */
	setup(4, 0);
	press("O");
	ha_answers("pve2", "fence", "pve1", "fence");
	ok(S.ha.nhist == 2, "opened while a node is fenced: the history "
	    "starts with it (%d)", S.ha.nhist);

	/* actions */
	setup(4, 0);
	press("O");
	ha_answers("pve1", "started", "pve1", "online");
	S.cur[TOP_HA] = 0;
	press("s");
	is_int(S.ha.ask, 's', "s asks for the state");
	draw();
	ok(shows("set the HA state of vm:100 to: _"), "the prompt names the "
	    "resource");
	ok(strstr(screen[LINES - 1], "started, stopped, disabled or ignored")
	    != NULL, "the footer lists the states");
	type("q");
	is_int(S.quit, 0, "q is typed, not quit, at the prompt");
	press("Backspace");
	type("st");
	press("Enter");
	is_int(S.nops, 0, "an ambiguous state (st) queues nothing");
	ok(strstr(S.status, "is not started, stopped") != NULL, "and says so");
	press("s");
	type("started");
	press("Enter");
	is_int(S.nops, 0, "the state it is in already queues nothing");
	press("s");
	type("stop");
	press("Enter");
	is_int(S.nops, 1, "s stop queues a state change");
	is_str(S.ops[0].action, "ha-state", "as ha-state");
	is_str(S.ops[0].arg, "stopped", "to stopped");
	is_int(S.ops[0].g.vmid, 100, "of the resource's guest");
	e = find_fx(TE_RISK);
	ok(e && !strcmp(e->action, "ha-state") && e->n == 1, "with its "
	    "pre-flight preview");
	is_int(S.view, TOP_QUEUE, "shown in the queue, to confirm there");
	press("O");
	press("S");
	is_int(S.nops, 1, "S (shut down guests) does nothing in the console");
	ok(strstr(S.status, "s sets the state") != NULL, "and says what "
	    "works there");
	press("m");
	type("pve9");
	press("Enter");
	is_int(S.nops, 1, "m to an unknown node queues nothing");
	ok(strstr(S.status, "no node 'pve9'") != NULL, "and says so");
	press("m");
	type("pve2");
	press("Enter");
	ok(S.nops == 2 && !strcmp(S.ops[1].action, "ha-migrate") &&
	    !strcmp(S.ops[1].arg, "pve2"), "m pve2 queues a migration");
	press("O");
	press("r");
	type("pve3");
	press("Escape");
	is_int(S.nops, 2, "Esc cancels the prompt");
	press("r");
	type("pve3");
	press("Enter");
	ok(S.nops == 3 && !strcmp(S.ops[2].action, "ha-relocate"),
	    "r pve3 queues a relocation");
	ok(top_ha_action("ha-relocate") && !top_ha_action("migrate"),
	    "the worker tells the console's actions apart");
	{
		struct top_action r = { .type = TA_RISK, .id = S.ops[0].id };

		act(&r);
		press("Q");
		press("y");
		ok(S.confirm, "the queue's confirmation runs them");
		press("y");
		is_int(count_fx(TE_RUN), 1, "through the gate (TE_RUN)");
	}

	/* read-only, failures */
	setup(4, 1);
	press("O");
	ha_answers("pve1", "started", "pve1", "online");
	press("s");
	is_int(S.ha.ask, 0, "read-only: no prompt");
	ok(strncmp(S.status, "refused: profile sim is read-only", 33) == 0,
	    "the refusal says why");
	{
		struct top_action f = { .type = TA_FETCH_FAILED,
			.what = TOP_F_HA };

		press("R");
		is_int(count_fx(TE_HA), 1, "R reads again");
		snprintf(f.msg, sizeof(f.msg), "HTTP 403 Permission check "
		    "failed (/, Sys.Audit)");
		act(&f);
		act(&f);
		act(&f);
		ok((S.loading & TOP_F_HA) == 0, "failed reads end the loading");
		draw();
		ok(shows("HA status: HTTP 403 Permission check failed"),
		    "the console says why");
		ok(S.ha.nrows == 2, "and keeps what it had");
	}
	press("2");
	act(&t);
	is_int(count_fx(TE_HA), 0, "no HA read on a tick elsewhere");

	/* m before pxtop's first node list came: not "no node" */
	{
		struct top_action st = { .type = TA_START };

		top_state_free(&S);
		top_state_init(&S, "sim", 0, 3000, LINES, COLS);
		act(&st);
	}
	press("O");
	ha_answers("pve1", "started", "pve1", "online");
	S.cur[TOP_HA] = 0;
	press("m");
	type("pve2");
	press("Enter");
	is_int(S.nops, 0, "m before the node list queues nothing");
	ok(strstr(S.status, "the node list has not come yet") != NULL,
	    "and says the list has not come, not that there is no such "
	    "node: %s", S.status);
	{
		struct top_action f = { .type = TA_FETCH_FAILED,
			.what = TOP_F_NODES };

		act(&f);
	}
	press("m");
	type("pve2");
	press("Enter");
	ok(S.nops == 0 && strstr(S.status, "no node 'pve2'") != NULL,
	    "once the node list failed, an unknown node is one: %s",
	    S.status);
}

/* ---- profiles ---- */

static void
test_profiles(void)
{
	struct top_action sw = { .type = TA_SWITCHED, .now = 1700000200 };

	setup(4, 0);
	top_profiles_set(&S, "sim", "https://127.0.0.1:8006", 0);
	top_profiles_set(&S, "lab\x1b[2J", "https://lab\r\n:8006", 1);
	top_profiles_set(&S, "prod", "https://prod:8006", 0);
	ok(strchr(S.profs[1].name, '\x1b') == NULL && strchr(S.profs[1].url,
	    '\n') == NULL, "names and URLs from px.conf are sanitized");
	snprintf(S.profs[1].name, sizeof(S.profs[1].name), "lab");
	press("P");
	is_int(S.view, TOP_PROFILES, "P opens the profile picker");
	is_int(S.cur[TOP_PROFILES], 0, "on the profile shown");
	draw();
	ok(shows("Profiles: 3 PVE profiles in px.conf; pxtop shows sim"),
	    "the head");
	ok(strstr(line_with("lab"), "read-only") != NULL, "a read-only "
	    "profile says so");
	ok(strstr(line_with("> sim"), "(shown)") != NULL, "the one shown is "
	    "marked");
	ok(screen_clean(), "no control character on the screen");
	press("Enter");
	is_int(count_fx(TE_PROFILE), 0, "Enter on the profile shown: "
	    "nothing to switch");
	ok(strstr(S.status, "already shows") != NULL, "and it says so");
	press("j");
	press("Enter");
	ok(find_fx(TE_PROFILE) && !strcmp(find_fx(TE_PROFILE)->arg, "lab"),
	    "Enter asks for a switch to the profile under the cursor");
	is_str(S.switching, "lab", "pending until it is answered");

	/* a failure keeps everything */
	snprintf(sw.upid, sizeof(sw.upid), "lab");
	sw.rc = -1;
	snprintf(sw.msg, sizeof(sw.msg), "token secret file is readable by "
	    "others");
	act(&sw);
	is_str(S.profile, "sim", "a switch that fails stays on sim");
	ok(strstr(S.status, "cannot switch to profile lab: token secret")
	    != NULL, "and says why");
	is_int(S.nguests, 4, "with its data");

	/* an answer not asked for */
	snprintf(sw.upid, sizeof(sw.upid), "prod");
	sw.rc = 0;
	act(&sw);
	is_str(S.profile, "sim", "an answer for another switch is ignored");

	/* busy */
	press("3");
	press("s");
	is_int(S.nops, 1, "an operation queued");
	press("P");
	press("j");
	press("Enter");
	is_int(count_fx(TE_PROFILE), 0, "no switch while operations are "
	    "queued");
	ok(strstr(S.status, "finish or clear them") != NULL, "it says why");
	press(":");
	type("profile lab");
	press("Enter");
	is_int(count_fx(TE_PROFILE), 0, ":profile is refused the same way");
	S.ops[0].st = TOP_OP_OK;

	/* the switch */
	{
		int next = S.next_op;

		press("P");
		press("j");
		press("Enter");
		ok(find_fx(TE_PROFILE) != NULL, "once the queue is done, the "
		    "switch is asked");
		press("3");
		press("Space");
		snprintf(sw.upid, sizeof(sw.upid), "lab");
		sw.rc = 1;
		act(&sw);
		is_str(S.profile, "lab", "TA_SWITCHED: pxtop shows lab");
		is_int(S.read_only, 1, "read-only as lab is");
		is_int(S.nguests, 0, "nothing of sim's data is left");
		is_int(S.nmarked, 0, "nor its marks");
		is_int(S.nops, 0, "nor its queue");
		is_int(S.view, TOP_DASH, "on the dashboard");
		is_int(S.nprofs, 3, "the profiles are kept");
		is_int(S.next_op, next, "and the queue's numbering");
		ok(find_fx(TE_FETCH) && (find_fx(TE_FETCH)->what & TOP_F_ALL)
		    == TOP_F_ALL, "everything is fetched anew");
		ok(find_fx(TE_TIMER) != NULL, "and the refresh armed");
		draw();
		ok(strstr(screen[0], "pxtop  lab ") && strstr(screen[0],
		    "[read-only]"), "the header shows the new profile");
		ok(shows("now on profile lab"), "the status line says so");
	}
	press(":");
	type("profile sim");
	press("Enter");
	ok(find_fx(TE_PROFILE) && !strcmp(find_fx(TE_PROFILE)->arg, "sim"),
	    ":profile switches as P does");
	press("P");
	press("Escape");
	is_int(S.view, TOP_DASH, "Esc leaves the picker");
}

/* The manager status as pve-ha-manager writes it, and as a hostile or
 * broken server might. */
static void
test_hamgr_parse(void)
{
	static const char good[] = "{\"manager_status\":{\"master_node\":"
	    "\"pve1\",\"node_status\":{\"pve1\":\"online\",\"pve2\":"
	    "\"fence\"},\"service_status\":{\"vm:101\":{\"node\":\"pve2\","
	    "\"state\":\"recovery\",\"uid\":\"x\",\"failed_nodes\":"
	    "[\"pve3\",\"pve1\"]},\"vm:100\":{\"node\":\"pve1\",\"state\":"
	    "\"migrate\",\"target\":\"pve3\",\"running\":1}},\"timestamp\":"
	    "1700000000},\"quorum\":{\"node\":\"pve1\",\"quorate\":\"1\"}}";
	static const char bad[] = "{\"manager_status\":{\"master_node\":"
	    "\"pve\\u001b[2J1\\r\\n\",\"node_status\":[1,2],\"service_status\":"
	    "{\"vm:1\\u001b]0;x\\u0007\":{\"node\":{\"a\":1},\"state\":5,"
	    "\"failed_nodes\":\"pve1\"},\"vm:2\":7}},\"quorum\":[]}";
	struct pve_ha_manager m;
	struct px_err e = { 0 };
	struct json j;

	ok(json_parse(&j, good, strlen(good), &e) == 0 &&
	    pve_ha_manager_parse(&j, 0, &m, &e) == 0, "a manager status "
	    "parses");
	is_str(m.master, "pve1", "its master");
	is_int(m.quorate, 1, "quorate (\"1\")");
	ok(m.nnodes == 2 && !strcmp(pve_ha_manager_node(&m, "pve2"),
	    "fence"), "its nodes");
	ok(m.nsvc == 2 && !strcmp(m.svc[0].sid, "vm:100"), "its services, "
	    "by SID");
	is_str(m.svc[0].target, "pve3", "a migration's target");
	is_int(m.svc[0].running, 1, "running");
	is_str(pve_ha_manager_service(&m, "vm:101")->failed, "pve3,pve1",
	    "the nodes a service failed on");
	pve_ha_manager_free(&m);
	json_free(&j);
	ok(json_parse(&j, bad, strlen(bad), &e) == 0 &&
	    pve_ha_manager_parse(&j, 0, &m, &e) == 0, "a broken one parses "
	    "as far as it can");
	ok(strchr(m.master, '\x1b') == NULL && strchr(m.master, '\n') ==
	    NULL, "control characters are sanitized");
	is_int(m.nnodes, 0, "nodes that are not an object: none");
	is_int(m.quorate, -1, "a quorum that is not an object: unknown");
	ok(m.nsvc == 2 && strchr(m.svc[0].sid, '\x1b') == NULL, "service "
	    "SIDs sanitized");
	ok(m.svc[0].node[0] == '\0' && m.svc[0].failed[0] == '\0', "wrong "
	    "types leave fields empty");
	pve_ha_manager_free(&m);
	json_free(&j);
	ok(json_parse(&j, "[1]", 3, &e) == 0 &&
	    pve_ha_manager_parse(&j, 0, &m, &e) == -1 && e.id == PXE_PARSE,
	    "not an object: a parse error");
	json_free(&j);
	ok(json_parse(&j, "{}", 2, &e) == 0 &&
	    pve_ha_manager_parse(&j, 0, &m, &e) == 0 && m.master[0] == '\0'
	    && m.nsvc == 0, "no manager yet: empty");
	pve_ha_manager_free(&m);
	json_free(&j);
}

static void
test_keymap(void)
{
	int d = 0, o = 0, p = 0;

	for (int i = 0; i < top_nkeymap; i++) {
		d |= strncmp(top_keymap[i], "D ", 2) == 0;
		o |= strncmp(top_keymap[i], "O ", 2) == 0;
		p |= strncmp(top_keymap[i], "P ", 2) == 0;
	}
	ok(d && o && p, "the keymap lists D, O and P");
	setup(2, 0);
	press("P");
	draw();
	ok(strstr(screen[1], "Profiles") == NULL && strstr(screen[1],
	    "H Heatmap") != NULL, "views opened by their key have no tab; "
	    "the tabs are drawn");
}

int
main(void)
{
	mt = tickit_mockterm_new(LINES, COLS);
	test_compare();
	test_ha();
	test_profiles();
	test_hamgr_parse();
	test_keymap();
	top_state_free(&S);
	top_effects_free(&FX);
	tickit_mockterm_destroy(mt);
	return done_testing();
}
