/*
 * fleet_state.c -- px fleet's reducer, driven directly: every action, the
 * state it leaves and the effects it asks for, and the figures of the
 * summary rows.  No terminal, no network.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet_state.h"
#include "tap.h"
#include "top_state.h"		/* top_stale_ms */

static struct fleet_state S;
static struct fleet_effects FX;

static void
act(struct fleet_action *a)
{
	fleet_effects_clear(&FX);
	fleet_reduce(&S, a, &FX);
}

static void
simple(enum fleet_act_type t, int id)
{
	struct fleet_action a = { .type = t, .id = id };

	act(&a);
}

static void
press(const char *k)
{
	struct fleet_action a = { .type = FA_KEY, .key = k };

	/* one printable character is typed text, else a key name */
	a.text = strlen(k) == 1;
	act(&a);
}

static void
type(const char *text)
{
	for (const char *p = text; *p; p++) {
		char c[2] = { *p, 0 };

		press(c);
	}
}

static int
count_fx(enum fleet_eff_type t)
{
	int n = 0;

	for (int i = 0; i < FX.n; i++)
		n += FX.e[i].type == t;
	return n;
}

static const struct fleet_effect *
find_fx(enum fleet_eff_type t, int id)
{
	for (int i = 0; i < FX.n; i++)
		if (FX.e[i].type == t && (id < 0 || FX.e[i].id == id))
			return &FX.e[i];
	return NULL;
}

static void
failed(int id, int what, const char *msg)
{
	struct fleet_action a = { .type = FA_FETCH_FAILED, .id = id,
		.what = what };

	snprintf(a.msg, sizeof(a.msg), "%s", msg);
	act(&a);
}

static void
connect_failed(int id, const char *msg)
{
	struct fleet_action a = { .type = FA_CONNECT_FAILED, .id = id };

	snprintf(a.msg, sizeof(a.msg), "%s", msg);
	act(&a);
}

/* Nodes of a cluster: n of them, the last offline when off. */
static void
nodes(int id, int n, int off)
{
	struct fleet_action a = { .type = FA_NODES, .id = id, .n = n };
	struct pve_node *v = calloc((size_t)n, sizeof(*v));

	for (int i = 0; i < n; i++) {
		snprintf(v[i].name, sizeof(v[i].name), "pve%d", i + 1);
		v[i].online = !(off && i == n - 1);
		/* the online ones: 8 CPUs at 50 %, 16 GiB of 64 used; the
		 * offline one reports capacity but no use */
		v[i].maxcpu = 8;
		v[i].cpu = v[i].online ? 0.5 : 0;
		v[i].maxmem = 64ULL << 30;
		v[i].mem = v[i].online ? 16ULL << 30 : 0;
	}
	a.rows = v;
	act(&a);
}

struct g {
	int vmid;
	const char *name, *node, *status, *tags;
	double cpu;
	unsigned mem_mib;
};

static void
guests(int id, const struct g *g, int n)
{
	struct fleet_action a = { .type = FA_GUESTS, .id = id, .n = n };
	struct pve_guest *v = calloc((size_t)n + 1, sizeof(*v));

	for (int i = 0; i < n; i++) {
		v[i].vmid = g[i].vmid;
		snprintf(v[i].name, sizeof(v[i].name), "%s", g[i].name);
		snprintf(v[i].node, sizeof(v[i].node), "%s", g[i].node);
		snprintf(v[i].status, sizeof(v[i].status), "%s", g[i].status);
		snprintf(v[i].tags, sizeof(v[i].tags), "%s", g[i].tags);
		v[i].cpu = g[i].cpu;
		v[i].mem = (uint64_t)g[i].mem_mib << 20;
	}
	a.rows = v;
	act(&a);
}

/* Tasks: ok finished OK, bad finished in error, run still running. */
static void
tasks(int id, int ok, int bad, int run)
{
	int n = ok + bad + run;
	struct fleet_action a = { .type = FA_TASKS, .id = id, .n = n };
	struct pve_task *t = calloc((size_t)n + 1, sizeof(*t));

	for (int i = 0; i < n; i++) {
		t[i].running = i >= ok + bad;
		t[i].ok = i < ok;
	}
	a.rows = t;
	act(&a);
}

static const struct g alpha_guests[] = {
	{ 100, "web-01", "pve1", "running", "web;prod", 0.20, 512 },
	{ 101, "db-01", "pve2", "running", "prod", 0.90, 4096 },
	{ 102, "old-01", "pve1", "stopped", "", 0, 0 },
};
static const struct g beta_guests[] = {
	{ 100, "mail-01", "h1", "running", "mail", 0.50, 1024 },
	{ 200, "build-01", "h1", "paused", "ci", 0.05, 2048 },
};

/* Three profiles: alpha (a cluster), beta (a standalone host), gamma
 * (read-only, never answers); alpha and beta answered everything. */
static void
fleet3(void)
{
	fleet_state_free(&S);
	fleet_state_init(&S, 3000, 40, 150);
	fleet_add(&S, "alpha", 0);
	fleet_add(&S, "beta", 0);
	fleet_add(&S, "gamma", 1);
	simple(FA_START, 0);
	simple(FA_CONNECTED, 0);
	simple(FA_CONNECTED, 1);
	nodes(0, 3, 1);
	guests(0, alpha_guests, 3);
	tasks(0, 4, 2, 1);
	nodes(1, 1, 0);
	guests(1, beta_guests, 2);
	tasks(1, 1, 0, 0);
}

/* The rows as "profile/vmid" separated by spaces. */
static const char *
rows(void)
{
	static char b[1024];
	size_t n = 0;

	b[0] = '\0';
	for (int i = 0; i < S.nrows && n < sizeof(b) - 32; i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%s/%d",
		    i ? " " : "", S.cl[S.rows[i].cl].name,
		    S.cl[S.rows[i].cl].guests[S.rows[i].g].vmid);
	return b;
}

static void
test_start(void)
{
	fleet_state_free(&S);
	fleet_state_init(&S, 2500, 40, 150);
	is_int(fleet_add(&S, "alpha", 0), 0, "add: the first profile is 0");
	is_int(fleet_add(&S, "beta", 1), 1, "add: the second is 1");
	ok(S.all, "the guest table starts on the whole fleet");
	is_int(S.sort, FLEET_SORT_PROFILE, "the sort starts by profile");
	simple(FA_START, 0);
	is_int(count_fx(FE_CONNECT), 2, "start: a first contact per profile");
	ok(find_fx(FE_CONNECT, 0) && find_fx(FE_CONNECT, 1),
	    "start: contacts alpha and beta, each on its own");
	is_int(count_fx(FE_FETCH), 0, "start: no fetch before a contact");
	is_int(count_fx(FE_FREEZE), 2, "start: reads each profile's freeze");
	is_int(count_fx(FE_TIMER), 1, "start: arms the timer once");
	is_int(find_fx(FE_TIMER, -1)->ms, 2500, "the timer is the -d interval");
	ok(S.cl[0].connecting && S.cl[1].connecting, "both are connecting");
	is_int(fleet_health(&S.cl[0]), FLEET_WAIT, "connecting: waiting");
}

static void
test_connected(void)
{
	const struct fleet_effect *e;

	test_start();
	simple(FA_CONNECTED, 1);
	e = find_fx(FE_FETCH, 1);
	ok(e != NULL, "connected: beta is fetched at once");
	is_int(e ? e->what : 0, FLEET_F_ALL, "nodes, guests and tasks");
	is_int(count_fx(FE_FETCH), 1, "and only beta");
	is_int(S.cl[1].loading, FLEET_F_ALL, "all three are in flight");
	ok(S.cl[0].connecting, "alpha is still connecting: beta did not wait");
	is_int(fleet_health(&S.cl[1]), FLEET_WAIT,
	    "connected but no answer yet: waiting");
	nodes(1, 1, 0);
	is_int(fleet_health(&S.cl[1]), FLEET_UP, "an answer: up");
	is_int(S.cl[1].loading, FLEET_F_GUESTS | FLEET_F_TASKS,
	    "nodes are no longer in flight");
	is_int(FX.n, 0, "an answer asks for nothing");
}

static void
test_down(void)
{
	test_start();
	simple(FA_CONNECTED, 1);
	nodes(1, 1, 0);
	connect_failed(0, "https://10.0.0.1:8006: Connection timed out");
	is_int(fleet_health(&S.cl[0]), FLEET_DOWN,
	    "a first contact that failed: down");
	is_str(S.cl[0].err, "https://10.0.0.1:8006: Connection timed out",
	    "with its error");
	is_int(count_fx(FE_FETCH), 0, "nothing is fetched from it");
	ok(!S.cl[0].connecting, "no longer connecting");
	is_int(fleet_health(&S.cl[1]), FLEET_UP, "the other stays up");

	/* The next tick contacts it again; beta is fetched again. */
	simple(FA_TICK, 0);
	ok(find_fx(FE_CONNECT, 0) != NULL, "tick: a down profile is contacted "
	    "again");
	ok(S.cl[0].connecting, "and is connecting");
	is_int(count_fx(FE_CONNECT), 1, "beta, connected, is not");
	simple(FA_TICK, 0);
	is_int(count_fx(FE_CONNECT), 0, "tick: no second contact while one "
	    "is on its way");

	/* It recovers. */
	simple(FA_CONNECTED, 0);
	ok(find_fx(FE_FETCH, 0) != NULL, "recovered: fetched");
	is_int(fleet_health(&S.cl[0]), FLEET_WAIT,
	    "contact made, no answer yet: waiting, not down");
	nodes(0, 3, 0);
	is_int(fleet_health(&S.cl[0]), FLEET_UP, "recovered: up");
	is_str(S.cl[0].err, "", "the error is gone");
}

static void
test_fetch_failed(void)
{
	fleet3();
	failed(0, FLEET_F_NODES, "GET /nodes: timed out");
	is_int(fleet_health(&S.cl[0]), FLEET_DOWN, "a fetch failed: down");
	is_str(S.cl[0].err, "GET /nodes: timed out", "with the error");
	is_int(S.cl[0].nnodes, 3, "the last nodes are kept");
	is_int(S.cl[0].nguests, 3, "and the guests");
	is_int(fleet_health(&S.cl[1]), FLEET_UP, "beta is not affected");
	failed(0, FLEET_F_TASKS, "GET /cluster/tasks: timed out");
	nodes(0, 3, 1);
	is_int(fleet_health(&S.cl[0]), FLEET_DOWN,
	    "nodes answer again, tasks still failed: down");
	tasks(0, 1, 0, 0);
	is_int(fleet_health(&S.cl[0]), FLEET_UP,
	    "every kind answered again: up");
	is_str(S.cl[0].err, "", "the error is gone");
}

static void
test_tick(void)
{
	fleet3();
	/* alpha's and beta's fetches answered: nothing in flight */
	simple(FA_TICK, 0);
	ok(find_fx(FE_FETCH, 0) && find_fx(FE_FETCH, 1),
	    "tick: every idle profile is fetched again");
	is_int(count_fx(FE_FREEZE), 3, "tick: every freeze is read again");
	is_int(count_fx(FE_TIMER), 1, "tick: the timer is armed again");
	is_int(count_fx(FE_CONNECT), 0,
	    "tick: gamma, still on its first contact, is not contacted twice");
	nodes(0, 3, 1);
	simple(FA_TICK, 0);
	ok(find_fx(FE_FETCH, 0) == NULL,
	    "tick: alpha, still waiting for two answers, is not asked again");
	ok(find_fx(FE_FETCH, 1) == NULL, "nor beta");
	guests(0, alpha_guests, 3);
	failed(0, FLEET_F_TASKS, "x");
	simple(FA_TICK, 0);
	ok(find_fx(FE_FETCH, 0) != NULL,
	    "tick: a failed answer counts as answered: alpha is asked again");
}

/* An action that happened at epoch now. */
static void
at(enum fleet_act_type t, int id, long long now)
{
	struct fleet_action a = { .type = t, .id = id, .now = now };

	act(&a);
}

/* alpha and beta connected at epoch 1000, each fetched at once, -d 3:
 * the threshold is 10 s (3 refreshes are 9 s, less than the floor). */
static void
fleet2_at_1000(void)
{
	fleet_state_free(&S);
	fleet_state_init(&S, 3000, 40, 150);
	fleet_add(&S, "alpha", 0);
	fleet_add(&S, "beta", 0);
	at(FA_START, 0, 1000);
	at(FA_CONNECTED, 0, 1000);
	at(FA_CONNECTED, 1, 1000);
}

static void
test_stale_threshold(void)
{
	is_int(top_stale_ms(3000), 10000,
	    "threshold: never under 10 s (-d 3: 3 refreshes are 9 s)");
	is_int(top_stale_ms(1000), 10000, "-d 1: 10 s");
	is_int(top_stale_ms(5000), 15000, "-d 5: 3 refreshes, 15 s");
}

static void
test_stale_fresh(void)
{
	fleet2_at_1000();
	is_int((int)S.cl[0].asked, 1000, "the fetch's start is noted");
	nodes(0, 3, 0);
	guests(0, alpha_guests, 3);
	tasks(0, 1, 0, 0);
	at(FA_TICK, 0, 1003);
	is_int(fleet_health(&S.cl[0]), FLEET_UP,
	    "fresh: answered, then asked again: up");
	at(FA_TICK, 0, 1012);
	is_int(fleet_health(&S.cl[0]), FLEET_UP,
	    "still up 9 s into the new fetch");
	ok(!S.cl[0].stale, "not marked");
}

static void
test_stale_after_threshold(void)
{
	fleet2_at_1000();
	nodes(0, 3, 0);
	guests(0, alpha_guests, 3);
	tasks(0, 1, 0, 0);
	at(FA_TICK, 0, 1003);		/* asks alpha again: it hangs */
	nodes(1, 1, 0);			/* beta has not answered either */
	at(FA_TICK, 0, 1009);
	is_int(fleet_health(&S.cl[0]), FLEET_UP, "hanging 6 s: still up");
	at(FA_TICK, 0, 1012);
	is_int(fleet_health(&S.cl[0]), FLEET_UP, "9 s: still up");
	at(FA_TICK, 0, 1013);
	is_int(fleet_health(&S.cl[0]), FLEET_STALE,
	    "10 s without an answer: not answering");
	is_int(S.cl[0].nguests, 3, "its last guests are kept");
	is_int(S.cl[0].nnodes, 3, "and its nodes");
	ok(find_fx(FE_FETCH, 0) == NULL,
	    "and it is not asked again while the fetch hangs");
	is_int(fleet_health(&S.cl[1]), FLEET_STALE,
	    "beta, never fully answered since 1000: not answering");
	nodes(0, 3, 0);
	is_int(fleet_health(&S.cl[0]), FLEET_STALE,
	    "nodes answer, guests and tasks still hang: still not answering");
}

static void
test_stale_recovered(void)
{
	test_stale_after_threshold();
	guests(0, alpha_guests, 3);
	tasks(0, 1, 0, 0);
	is_int(fleet_health(&S.cl[0]), FLEET_UP,
	    "the answer comes at last: up again");
	ok(!S.cl[0].stale, "no longer marked");
	at(FA_TICK, 0, 1020);
	ok(find_fx(FE_FETCH, 0) != NULL, "the next tick asks again");
	is_int((int)S.cl[0].asked, 1020, "from a new start");
	is_int(fleet_health(&S.cl[0]), FLEET_UP, "and it is up meanwhile");
}

static void
test_stale_failed(void)
{
	test_stale_after_threshold();
	failed(0, FLEET_F_GUESTS, "GET /cluster/resources: timed out");
	is_int(fleet_health(&S.cl[0]), FLEET_DOWN,
	    "the hanging fetch fails: down, with the error");
	is_str(S.cl[0].err, "GET /cluster/resources: timed out",
	    "the error as today");
	failed(0, FLEET_F_TASKS, "GET /cluster/tasks: timed out");
	ok(!S.cl[0].stale, "nothing in flight: no longer marked");
	at(FA_TICK, 0, 1100);
	ok(find_fx(FE_FETCH, 0) != NULL, "asked again on the next tick");
	nodes(0, 3, 0);
	guests(0, alpha_guests, 3);
	tasks(0, 1, 0, 0);
	is_int(fleet_health(&S.cl[0]), FLEET_UP, "and up when it answers");
}

static void
test_stale_no_clock(void)
{
	fleet3();
	simple(FA_TICK, 0);
	nodes(0, 3, 0);
	for (int i = 0; i < 10; i++)
		simple(FA_TICK, 0);
	is_int(fleet_health(&S.cl[0]), FLEET_UP,
	    "actions without a time never mark a profile");
}

static void
test_figures(void)
{
	struct fleet_sum m;

	fleet3();
	fleet_summary(&S.cl[0], &m);
	is_int(m.nodes_up, 2, "alpha: nodes up");
	is_int(m.nodes, 3, "alpha: nodes in total");
	is_int(m.running, 2, "alpha: guests running");
	is_int(m.guests, 3, "alpha: guests in total");
	ok(m.cpu > 0.499 && m.cpu < 0.501,
	    "alpha: CPU over the online nodes only (50 %%, not 33 %%)");
	ok(m.mem > 0.249 && m.mem < 0.251, "alpha: memory 16 of 64 GiB");
	is_int(m.failed_tasks, 2,
	    "alpha: failed tasks (finished not OK; running ones are not)");
	fleet_summary(&S.cl[1], &m);
	is_int(m.nodes_up, 1, "beta, a standalone host: 1 node up");
	is_int(m.nodes, 1, "of 1");
	is_int(m.running, 1, "beta: paused is not running");
	is_int(m.failed_tasks, 0, "beta: no failed task");
	fleet_summary(&S.cl[2], &m);
	is_int(m.nodes, 0, "gamma, no answer: no nodes");
	ok(m.cpu < 0 && m.mem < 0, "gamma: CPU and memory unknown");
	ok(S.cl[2].read_only, "gamma: read-only mark from the config");
	ok(!S.cl[0].frozen, "alpha: not frozen");
	{
		struct fleet_action a = { .type = FA_FROZEN, .id = 0, .rc = 1 };

		act(&a);
	}
	ok(S.cl[0].frozen, "FA_FROZEN: alpha frozen");
	{
		struct fleet_action a = { .type = FA_FROZEN, .id = 0, .rc = 0 };

		act(&a);
	}
	ok(!S.cl[0].frozen, "and thawed");
	tasks(0, 0, 0, 0);
	fleet_summary(&S.cl[0], &m);
	is_int(m.failed_tasks, 0, "a new task list replaces the count");
	nodes(0, 2, 0);
	guests(0, alpha_guests, 1);
	fleet_summary(&S.cl[0], &m);
	is_int(m.nodes, 2, "new nodes replace the old ones");
	is_int(m.guests, 1, "new guests replace the old ones");
}

static void
test_selection(void)
{
	fleet3();
	is_int(S.sel, 0, "the first cluster is selected");
	press("k");
	is_int(S.sel, 0, "k at the top stays");
	press("j");
	is_int(S.sel, 1, "j selects the next");
	press("Down");
	is_int(S.sel, 2, "Down too");
	press("Down");
	is_int(S.sel, 2, "Down at the bottom stays");
	press("Up");
	is_int(S.sel, 1, "Up selects the previous");
	press("k");
	is_int(S.sel, 0, "k too");
	is_int(FX.n, 0, "selecting asks for nothing");
}

static void
test_tab(void)
{
	fleet3();
	is_int(S.nrows, 5, "the whole fleet: every guest of every profile");
	press("j");
	is_int(S.nrows, 5, "selecting does not change the whole fleet's table");
	press("Tab");
	ok(!S.all, "Tab: the selected cluster");
	is_str(rows(), "beta/100 beta/200", "only beta's guests");
	press("k");
	is_str(rows(), "alpha/100 alpha/101 alpha/102",
	    "another selection: its guests");
	press("j");
	press("j");
	is_int(S.nrows, 0, "gamma, no answer: no guests");
	press("Tab");
	ok(S.all, "Tab again: the whole fleet");
	is_int(S.nrows, 5, "every guest again");
}

static void
test_filter(void)
{
	fleet3();
	press("/");
	ok(S.typing, "/ starts typing the filter");
	type("db");
	is_str(S.filter, "db", "typed text goes into the filter");
	is_str(rows(), "alpha/101", "the name matches");
	press("Backspace");
	press("Backspace");
	type("q");
	ok(!S.quit, "q while typing is text, not quit");
	is_str(S.filter, "q", "q is in the filter");
	press("Backspace");
	type("j");
	is_int(S.sel, 0, "j while typing is text, not a selection");
	press("Backspace");
	type("200");
	is_str(rows(), "beta/200", "the VMID matches");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	type("prod");
	is_str(rows(), "alpha/100 alpha/101", "a tag matches");
	press("Escape");
	ok(!S.typing, "Esc ends typing");
	is_str(S.filter, "", "and clears the filter");
	is_int(S.nrows, 5, "every guest again");
	press("/");
	type("h1");
	is_str(rows(), "beta/100 beta/200", "the node matches");
	press("Backspace");
	press("Backspace");
	type("beta");
	is_str(rows(), "beta/100 beta/200", "the profile's name matches");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	type("wb01");
	is_str(rows(), "alpha/100", "fuzzy: in order, gaps allowed");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	type("WEB");
	is_str(rows(), "alpha/100", "case does not matter");
	press("Enter");
	ok(!S.typing, "Enter ends typing");
	is_str(S.filter, "WEB", "and keeps the filter");
	is_int(count_fx(FE_OPEN_TOP), 0, "that Enter does not open pxtop");
	press("Tab");
	press("j");
	is_int(S.nrows, 0, "the filter and the selected cluster combine");
	press("Tab");
	press("Escape");
	is_str(S.filter, "", "Esc clears a kept filter");
	is_int(S.nrows, 5, "every guest again");
	press("/");
	type("zzzzz");
	is_int(S.nrows, 0, "nothing matches: no rows");
	for (int i = 0; i < 80; i++)
		type("x");
	ok(strlen(S.filter) < sizeof(S.filter), "the filter stays bounded");
}

static void
test_sort(void)
{
	fleet3();
	is_str(rows(), "alpha/100 alpha/101 alpha/102 beta/100 beta/200",
	    "by profile: config order, then VMID");
	press("s");
	is_int(S.sort, FLEET_SORT_NAME, "s: by name");
	is_str(fleet_sort_name(S.sort), "name", "named name");
	is_str(rows(), "beta/200 alpha/101 beta/100 alpha/102 alpha/100",
	    "by name");
	press("s");
	is_str(fleet_sort_name(S.sort), "cpu", "s: by cpu");
	is_str(rows(), "alpha/101 beta/100 alpha/100 beta/200 alpha/102",
	    "by CPU, the busiest first");
	press("s");
	is_str(fleet_sort_name(S.sort), "mem", "s: by mem");
	is_str(rows(), "alpha/101 beta/200 beta/100 alpha/100 alpha/102",
	    "by memory, the largest first");
	press("s");
	is_str(fleet_sort_name(S.sort), "status", "s: by status");
	is_str(rows(), "beta/200 alpha/100 alpha/101 beta/100 alpha/102",
	    "by status (paused, running, stopped), then profile and VMID");
	press("s");
	is_str(fleet_sort_name(S.sort), "profile", "s wraps to profile");
	guests(1, beta_guests, 2);
	is_str(rows(), "alpha/100 alpha/101 alpha/102 beta/100 beta/200",
	    "a new answer keeps the sort");
}

static void
test_enter_quit(void)
{
	const struct fleet_effect *e;

	fleet3();
	press("j");
	press("Enter");
	e = find_fx(FE_OPEN_TOP, -1);
	ok(e != NULL, "Enter: open pxtop");
	is_str(e ? e->profile : "", "beta", "on the selected profile");
	ok(S.quit, "and leave");

	fleet3();
	press("q");
	ok(S.quit, "q quits");
	is_int(count_fx(FE_QUIT), 1, "with a quit effect");
	fleet3();
	press("/");
	press("C-c");
	ok(S.quit && count_fx(FE_QUIT) == 1, "C-c quits, even while typing");
	fleet3();
	simple(FA_SIGNAL, 0);
	ok(S.quit && count_fx(FE_QUIT) == 1, "a quit signal quits");
	fleet3();
	press("x");
	press("F5");
	ok(!S.quit && FX.n == 0, "other keys do nothing");
}

static void
test_paging(void)
{
	struct g many[100];
	int page;

	fleet_state_free(&S);
	fleet_state_init(&S, 3000, 30, 150);
	fleet_add(&S, "big", 0);
	simple(FA_START, 0);
	simple(FA_CONNECTED, 0);
	for (int i = 0; i < 100; i++)
		many[i] = (struct g){ 100 + i, "vm", "n", "running", "", 0, 0 };
	guests(0, many, 100);
	page = fleet_guest_lines(&S);
	is_int(fleet_summary_lines(&S), 1, "one profile: one summary row");
	is_int(page, 30 - 8, "the guest table has the rest of the screen");
	press("PageDown");
	is_int(S.gtop, page, "PageDown scrolls a page");
	for (int i = 0; i < 10; i++)
		press("PageDown");
	is_int(S.gtop, 100 - page, "the last page ends at the last guest");
	press("PageUp");
	is_int(S.gtop, 100 - 2 * page, "PageUp scrolls back");
	for (int i = 0; i < 10; i++)
		press("PageUp");
	is_int(S.gtop, 0, "not above the first");
	press("PageDown");
	press("/");
	type("199");
	is_int(S.gtop, 0, "filtering starts from the top");
	press("Escape");
	for (int i = 0; i < 10; i++)
		press("PageDown");
	guests(0, many, 10);
	is_int(S.gtop, 0, "fewer guests: the scroll is clamped");
	{
		struct fleet_action a = { .type = FA_RESIZE, .lines = 50,
			.cols = 100 };

		act(&a);
	}
	is_int(S.lines, 50, "resize: lines");
	is_int(S.cols, 100, "resize: cols");
}

static void
test_many_profiles(void)
{
	char name[16];

	fleet_state_free(&S);
	fleet_state_init(&S, 3000, 20, 150);
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "p%02d", i);
		fleet_add(&S, name, 0);
	}
	simple(FA_START, 0);
	is_int(count_fx(FE_CONNECT), 30, "thirty profiles: thirty contacts "
	    "at once");
	is_int(fleet_summary_lines(&S), 8, "the summary takes half the screen");
	for (int i = 0; i < 12; i++)
		press("j");
	is_int(S.sel, 12, "the selection moves past the rows shown");
	ok(S.ctop <= 12 && 12 < S.ctop + 8, "and the summary follows it");
	for (int i = 0; i < 12; i++)
		press("k");
	is_int(S.ctop, 0, "back to the top");
}

static void
test_bad_ids(void)
{
	struct fleet_action a = { .type = FA_NODES, .id = 7, .n = 1 };

	fleet3();
	a.rows = calloc(1, sizeof(struct pve_node));
	act(&a);
	ok(a.rows == NULL, "an answer for no profile: its rows are freed");
	is_int(FX.n, 0, "and it asks for nothing");
	simple(FA_CONNECTED, -1);
	is_int(FX.n, 0, "a contact for no profile is ignored");
}

int
main(void)
{
	test_start();
	test_connected();
	test_down();
	test_fetch_failed();
	test_tick();
	test_stale_threshold();
	test_stale_fresh();
	test_stale_after_threshold();
	test_stale_recovered();
	test_stale_failed();
	test_stale_no_clock();
	test_figures();
	test_selection();
	test_tab();
	test_filter();
	test_sort();
	test_enter_quit();
	test_paging();
	test_many_profiles();
	test_bad_ids();
	fleet_state_free(&S);
	fleet_effects_free(&FX);
	return done_testing();
}
