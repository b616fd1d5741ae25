/*
 * top_reducer.c -- pxtop's reducer, driven directly: every action, the
 * state it leaves and the effects it asks for.  No terminal, no network.
 */
#include <stdlib.h>
#include <string.h>

#include "pve_cluster.h"
#include "tap.h"
#include "top_past.h"
#include "top_state.h"

static struct top_state S;
static struct top_effects FX;

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

static struct pve_guest *
guests(int *n)
{
	static const struct {
		int vmid;
		const char *name, *node, *status, *tags;
		double cpu;
	} g[] = {
		{ 100, "proxy-01", "pve1", "stopped", "", 0 },
		{ 101, "web-01", "pve2", "stopped", "web;prod", 0 },
		{ 102, "db-01", "pve2", "running", "prod", 0.50 },
		{ 103, "cache-01", "pve1", "running", "web", 0.10 },
		{ 104, "mail-01", "pve3", "running", "", 0.90 },
	};
	struct pve_guest *v = calloc(5, sizeof(*v));

	for (int i = 0; i < 5; i++) {
		v[i].vmid = g[i].vmid;
		snprintf(v[i].name, sizeof(v[i].name), "%s", g[i].name);
		snprintf(v[i].node, sizeof(v[i].node), "%s", g[i].node);
		snprintf(v[i].status, sizeof(v[i].status), "%s", g[i].status);
		snprintf(v[i].tags, sizeof(v[i].tags), "%s", g[i].tags);
		snprintf(v[i].type, sizeof(v[i].type), "qemu");
		v[i].cpu = g[i].cpu;
	}
	*n = 5;
	return v;
}

static void
load_guests(void)
{
	struct top_action a = { .type = TA_GUESTS, .now = 1700000000 };

	a.rows = guests(&a.n);
	act(&a);
}

static void
load_nodes(void)
{
	struct top_action a = { .type = TA_NODES };
	struct pve_node *n = calloc(3, sizeof(*n));

	for (int i = 0; i < 3; i++) {
		snprintf(n[i].name, sizeof(n[i].name), "pve%d", i + 1);
		snprintf(n[i].status, sizeof(n[i].status), "online");
		n[i].online = 1;
		n[i].cpu = 0.25 * (i + 1);
	}
	a.rows = n;
	a.n = 3;
	act(&a);
}

/* pxtop's list of what (TOP_F_*) failed to come. */
static void
list_failed(int what)
{
	struct top_action f = { .type = TA_FETCH_FAILED, .what = what };

	act(&f);
}

static void
load_tasks(void)
{
	struct top_action a = { .type = TA_TASKS };
	struct pve_task *t = calloc(2, sizeof(*t));

	snprintf(t[0].upid, sizeof(t[0].upid), "UPID:pve1:0001:0002:0003:"
	    "qmstart:100:root@pam:");
	snprintf(t[0].type, sizeof(t[0].type), "qmstart");
	snprintf(t[0].node, sizeof(t[0].node), "pve1");
	t[0].running = 1;
	snprintf(t[1].upid, sizeof(t[1].upid), "UPID:pve2:0001:0002:0004:"
	    "vzdump:101:root@pam:");
	snprintf(t[1].type, sizeof(t[1].type), "vzdump");
	snprintf(t[1].node, sizeof(t[1].node), "pve2");
	a.rows = t;
	a.n = 2;
	act(&a);
}

static void
fresh(int read_only)
{
	top_state_free(&S);
	top_state_init(&S, "sim", read_only, 3000, 30, 120);
	load_nodes();
	load_guests();
	load_tasks();
}

static int
vis_vmid(int i)
{
	return i < S.nvis ? S.guests[S.vis[i]].vmid : -1;
}

static void
test_start_and_tick(void)
{
	struct top_action a = { .type = TA_START };

	top_state_init(&S, "sim", 0, 2500, 30, 120);
	act(&a);
	ok(find_fx(TE_FETCH) && find_fx(TE_FETCH)->what == TOP_F_ALL,
	    "start fetches nodes, guests, storage and tasks");
	ok(find_fx(TE_TIMER) && find_fx(TE_TIMER)->ms == 2500,
	    "start arms the refresh timer with -d");
	is_int(S.loading, TOP_F_ALL, "everything is loading");
	a.type = TA_TICK;
	act(&a);
	is_int(count_fx(TE_FETCH), 0, "a tick does not ask again what is "
	    "still on its way (a slow node does not pile up requests)");
	is_int(count_fx(TE_TIMER), 1, "a tick re-arms the timer");
	load_nodes();
	is_int(S.loading & TOP_F_NODES, 0, "the nodes' answer clears their "
	    "loading bit");
	is_int(S.nnodes, 3, "three nodes");
	ok(S.spark[0][TOP_SPARK - 1] == 0.25, "the node's CPU goes into its "
	    "sparkline");
	a.type = TA_TICK;
	act(&a);
	ok(find_fx(TE_FETCH) && find_fx(TE_FETCH)->what == TOP_F_NODES,
	    "the next tick fetches only what came back");
}

/* An action of type t at epoch now; an answer brings no rows. */
static void
at(enum top_act_type t, long long now)
{
	struct top_action a = { .type = t, .now = now };

	if (t == TA_NODES || t == TA_GUESTS || t == TA_STORAGE ||
	    t == TA_TASKS)
		a.rows = calloc(1, 64);
	act(&a);
}

/* Started at 1000, everything answered at 1001, asked again at 1003:
 * then only the guests (GET /cluster/resources?type=vm) hang while the
 * rest answers.  -d 3: the threshold is 10 s. */
static void
guests_hang(void)
{
	top_state_free(&S);
	top_state_init(&S, "sim", 0, 3000, 30, 120);
	at(TA_START, 1000);
	at(TA_NODES, 1001);
	at(TA_GUESTS, 1001);
	at(TA_STORAGE, 1001);
	at(TA_TASKS, 1001);
	at(TA_TICK, 1003);
	for (long long t = 1004; t < 1013; t += 3) {
		at(TA_NODES, t);
		at(TA_STORAGE, t);
		at(TA_TASKS, t);
		at(TA_TICK, t + 2);
	}
}

static void
test_stale(void)
{
	long long wait = 0, since = 0;

	guests_hang();			/* last tick at 1012 */
	is_int(S.stale, 0, "fresh: the guests hang 9 s, not marked yet");
	ok(!top_stale(&S, &wait, &since), "top_stale: not answering? no");
	is_int(S.loading & TOP_F_GUESTS, TOP_F_GUESTS,
	    "the guests are still on their way");
	at(TA_TICK, 1013);
	is_int(S.stale, TOP_F_GUESTS,
	    "10 s without an answer: the guests' fetch is stale");
	ok(top_stale(&S, &wait, &since), "top_stale: not answering");
	is_int((int)wait, 10, "for 10 s");
	is_int((int)since, 1001, "showing the guests of 1001");
	ok(!find_fx(TE_FETCH) || !(find_fx(TE_FETCH)->what & TOP_F_GUESTS),
	    "the hung fetch is not asked again");
	at(TA_NODES, 1014);
	at(TA_STORAGE, 1014);
	at(TA_TASKS, 1014);
	is_int(S.stale, TOP_F_GUESTS, "the rest answers: still stale");
	at(TA_TICK, 1042);
	top_stale(&S, &wait, &since);
	is_int((int)wait, 39, "39 s");

	/* recovered */
	at(TA_GUESTS, 1043);
	is_int(S.stale, 0, "the answer comes at last: no longer stale");
	ok(!top_stale(&S, &wait, &since), "answering again");
	is_int((int)S.updated, 1043, "updated from the answer");
	at(TA_TICK, 1044);
	ok(find_fx(TE_FETCH) && (find_fx(TE_FETCH)->what & TOP_F_GUESTS),
	    "the next tick asks for the guests again");

	/* failed */
	guests_hang();
	at(TA_TICK, 1020);
	is_int(S.stale, TOP_F_GUESTS, "again stale");
	{
		struct top_action a = { .type = TA_FETCH_FAILED,
			.what = TOP_F_GUESTS, .now = 1030 };

		snprintf(a.msg, sizeof(a.msg), "GET /cluster/resources: "
		    "timed out");
		act(&a);
	}
	is_int(S.stale, 0, "the fetch fails: no longer stale");
	is_str(S.fetch_err, "GET /cluster/resources: timed out",
	    "its error shows, as before");

	/* no clock */
	fresh(0);
	for (int i = 0; i < 10; i++)
		at(TA_TICK, 0);
	is_int(S.stale, 0, "actions without a time never mark the refresh");
}

static void
test_data_actions(void)
{
	struct top_action a = { .type = TA_FETCH_FAILED, .what = TOP_F_GUESTS };
	struct pve_storage *st;

	fresh(0);
	is_int(S.nguests, 5, "guests arrive");
	is_int(S.updated, 1700000000, "the time of the answer is kept");
	is_int(vis_vmid(0), 100, "sorted by VMID");
	is_int(S.ntasks, 2, "tasks arrive");
	is_int(S.nvtasks, 2, "every task is listed");
	st = calloc(1, sizeof(*st));
	snprintf(st->storage, sizeof(st->storage), "local");
	a.type = TA_STORAGE;
	a.rows = st;
	a.n = 1;
	act(&a);
	is_int(S.nstorages, 1, "storage arrives");
	is_int(S.nvstor, 1, "and is listed");
	S.loading = TOP_F_GUESTS;
	memset(&a, 0, sizeof(a));
	a.type = TA_FETCH_FAILED;
	a.what = TOP_F_GUESTS;
	snprintf(a.msg, sizeof(a.msg), "GET /cluster/resources: timed out");
	act(&a);
	is_str(S.fetch_err, "GET /cluster/resources: timed out", "a failed "
	    "fetch shows its error");
	is_int(S.loading, 0, "and is no longer loading");
	is_int(S.nguests, 5, "the last good data stays");
	load_guests();
	is_str(S.fetch_err, "", "the next good answer clears the error");
}

static void
test_views(void)
{
	static const struct {
		const char *key;
		enum top_view v;
	} k[] = {
		{ "2", TOP_NODES }, { "3", TOP_GUESTS }, { "4", TOP_STORAGE },
		{ "5", TOP_TASKS }, { "Q", TOP_QUEUE }, { "1", TOP_DASH },
	};

	fresh(0);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		press(k[i].key);
		is_int(S.view, k[i].v, "key %s shows %s", k[i].key,
		    top_view_name(k[i].v));
	}
	press("T");
	is_int(S.view, TOP_AUDIT, "T shows the audit timeline");
	is_int(count_fx(TE_AUDIT), 1, "and reads the audit log");
	press("1");
	press("Tab");
	is_int(S.view, TOP_NODES, "Tab goes to the next view");
	press("?");
	is_int(S.help, 1, "? shows the keymap");
	press("3");
	is_int(S.help, 0, "any key closes it");
	is_int(S.view, TOP_NODES, "without acting");
	press("R");
	is_int(count_fx(TE_FETCH), 1, "R refreshes now");
}

static void
test_cursor(void)
{
	struct top_action a = { .type = TA_RESIZE, .lines = 8, .cols = 80 };

	fresh(0);
	press("3");
	press("j");
	is_int(S.cur[TOP_GUESTS], 1, "j moves down");
	press("Down");
	is_int(S.cur[TOP_GUESTS], 2, "Down moves down");
	press("k");
	press("Up");
	is_int(S.cur[TOP_GUESTS], 0, "k and Up move up");
	press("Up");
	is_int(S.cur[TOP_GUESTS], 0, "not above the first row");
	press("End");
	is_int(S.cur[TOP_GUESTS], 4, "End goes to the last row");
	press("j");
	is_int(S.cur[TOP_GUESTS], 4, "not below the last row");
	press("g");
	is_int(S.cur[TOP_GUESTS], 0, "g goes to the first row");
	press("PageDown");
	is_int(S.cur[TOP_GUESTS], 4, "PageDown moves a page (clamped)");
	act(&a);
	is_int(S.lines, 8, "a resize takes the new size");
	ok(S.cur[TOP_GUESTS] >= S.top[TOP_GUESTS] && S.cur[TOP_GUESTS] <
	    S.top[TOP_GUESTS] + top_body_lines(&S) - 2, "and keeps the "
	    "cursor row on the screen");
	press("Home");
	is_int(S.top[TOP_GUESTS], 0, "Home scrolls back to the top");
}

static void
test_sort_filter(void)
{
	fresh(0);
	press("3");
	press(">");
	is_int(S.sort, TOP_SORT_NAME, "> sorts by the next column");
	is_int(vis_vmid(0), 103, "by name: cache-01 first");
	press("<");
	press("<");
	is_int(S.sort, TOP_SORT_UPTIME, "< goes back, wrapping");
	for (int i = 0; i < 5; i++)
		press(">");
	is_int(S.sort, TOP_SORT_CPU, "to cpu");
	press("o");
	is_int(vis_vmid(0), 104, "o reverses: the busiest first");
	press("i");
	is_int(S.nvis, 3, "i shows running guests only");
	press("i");
	is_int(S.nvis, 5, "and again shows all");
	press("f");
	is_int(S.input, TOP_IN_FILTER, "f opens the filter line");
	type("node:pve2");
	press("Enter");
	is_str(S.filter, "node:pve2", "Enter applies the filter");
	is_int(S.nvis, 2, "two guests on pve2");
	press("f");
	press("C-u");
	for (int i = 0; i < 9; i++)
		press("Backspace");
	type("tag:web status:running");
	press("Enter");
	is_int(S.nvis, 1, "terms combine: tag and status");
	is_int(vis_vmid(0), 103, "cache-01");
	press("f");
	for (int i = 0; i < 30; i++)
		press("Backspace");
	press("Enter");
	is_int(S.nvis, 5, "an empty filter shows every guest");
}

static void
test_search(void)
{
	fresh(0);
	press("3");
	press("/");
	is_int(S.input, TOP_IN_SEARCH, "/ opens the search");
	press("m");
	is_int(S.nvis, 1, "incremental: one key narrows at once (mail-01)");
	press("Backspace");
	press("1");
	press("0");
	press("3");
	is_int(S.nvis, 1, "by VMID");
	is_int(vis_vmid(0), 103, "103");
	press("Enter");
	is_int(S.input, TOP_IN_NONE, "Enter keeps the search");
	is_str(S.search, "103", "the search stays");
	press("Escape");
	is_str(S.search, "", "Esc clears it");
	is_int(S.nvis, 5, "every guest again");
	press("/");
	type("prx01");
	is_int(vis_vmid(0), 100, "fuzzy: letters in order (proxy-01)");
	press("Escape");
	is_int(S.nvis, 5, "Esc while typing cancels the search");
	ok(top_fuzzy("cache-01", "ch1"), "fuzzy matches in order");
	ok(!top_fuzzy("cache-01", "1ch"), "but not out of order");
	press("/");
	type("pve3");
	press("Enter");
	press("2");
	is_int(S.nvnodes, 1, "the search narrows the nodes too");
}

static void
test_marks(void)
{
	fresh(0);
	press("3");
	press("Space");
	is_int(S.nmarked, 1, "Space marks the guest");
	ok(top_is_marked(&S, 100), "100 is marked");
	is_int(S.cur[TOP_GUESTS], 1, "and moves down");
	press(" ");
	ok(top_is_marked(&S, 101), "a typed space marks too");
	press("k");
	press("Space");
	ok(!top_is_marked(&S, 101), "Space again unmarks");
	press("u");
	is_int(S.nmarked, 0, "u unmarks all");
	press("V");
	is_int(S.nmarked, 5, "V marks every guest shown");
	press("u");
	press("t");
	is_int(S.input, TOP_IN_TAG, "t asks for a tag");
	type("prod");
	press("Enter");
	is_int(S.nmarked, 2, "and marks the guests that have it");
}

static void
test_ops(void)
{
	struct top_action a;
	const struct top_effect *e;
	int id1, id2;

	fresh(0);
	press("3");
	press("Space");
	press("Space");
	press("s");
	is_int(S.view, TOP_QUEUE, "s goes to the queue");
	is_int(S.nops, 2, "one operation per marked guest");
	is_int(count_fx(TE_RISK), 2, "each gets a pre-flight preview");
	e = find_fx(TE_RISK);
	is_int(e->n, 2, "with the batch size");
	is_str(e->action, "start", "for start");
	is_int(S.nmarked, 0, "the marks are used up");
	is_int(S.ops[0].st, TOP_OP_PREVIEW, "the preview is running");
	id1 = S.ops[0].id;
	id2 = S.ops[1].id;
	press("y");
	is_int(S.confirm, 0, "nothing to confirm while previews run");
	memset(&a, 0, sizeof(a));
	a.type = TA_RISK;
	a.id = id1;
	act(&a);
	is_int(S.ops[0].st, TOP_OP_READY, "a preview makes it ready");
	memset(&a, 0, sizeof(a));
	a.type = TA_RISK;
	a.id = id2;
	a.risk.n = 1;
	a.risk.worst = RISK_SEVERE;
	snprintf(a.risk.f[0].check, sizeof(a.risk.f[0].check), "Locked");
	act(&a);
	is_int(S.ops[1].risk.worst, RISK_SEVERE, "the preview's findings "
	    "are kept");
	press("y");
	is_int(S.confirm, 1, "y opens the confirmation dialog");
	press("n");
	is_int(S.confirm, 0, "n closes it");
	is_int(count_fx(TE_RUN), 0, "and sends nothing");
	press("Enter");
	press("y");
	is_int(count_fx(TE_RUN), 2, "y in the dialog runs every ready "
	    "operation (the gate refuses the Severe one)");
	is_int(S.ops[0].st, TOP_OP_RUNNING, "running");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_SUBMITTED;
	a.id = id1;
	snprintf(a.upid, sizeof(a.upid), "UPID:pve1:1:2:3:qmstart:100:x:");
	act(&a);
	is_str(S.ops[0].upid, "UPID:pve1:1:2:3:qmstart:100:x:", "the task's "
	    "UPID shows");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = id1;
	act(&a);
	is_int(S.ops[0].st, TOP_OP_OK, "done: ok");
	ok(find_fx(TE_FETCH) != NULL, "and the guests are fetched again");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = id2;
	a.rc = -2;
	snprintf(a.msg, sizeof(a.msg), "pre-flight check refused start");
	act(&a);
	is_int(S.ops[1].st, TOP_OP_REFUSED, "a refusal shows as refused");
	is_str(S.ops[1].msg, "pre-flight check refused start", "with the "
	    "gate's message");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = 999;
	act(&a);
	is_int(S.nops, 2, "an unknown operation is ignored");
	press("c");
	is_int(S.nops, 0, "c clears finished operations");
	press("3");
	press("S");
	is_int(S.nops, 1, "S with no mark acts on the guest under the cursor");
	is_str(S.ops[0].action, "shutdown", "shutdown");
	press("3");
	press("r");
	is_str(S.ops[1].action, "reboot", "r reboots");
	press("1");
	press("s");
	is_int(S.nops, 2, "outside the guest views nothing is queued");
	ok(strstr(S.status, "no guest selected") != NULL, "and the status "
	    "line says why");
}

static void
load_storage(void)
{
	struct top_action a = { .type = TA_STORAGE };
	struct pve_storage *st = calloc(4, sizeof(*st));

	snprintf(st[0].storage, sizeof(st[0].storage), "local-lvm");
	snprintf(st[0].content, sizeof(st[0].content), "images,rootdir");
	snprintf(st[1].storage, sizeof(st[1].storage), "pbs");
	snprintf(st[1].content, sizeof(st[1].content), "backup");
	snprintf(st[1].node, sizeof(st[1].node), "pve1");
	st[1].shared = 1;
	st[2] = st[1];		/* the same shared storage, seen from pve2 */
	snprintf(st[2].node, sizeof(st[2].node), "pve2");
	snprintf(st[3].storage, sizeof(st[3].storage), "local");
	snprintf(st[3].content, sizeof(st[3].content), "iso,backup");
	snprintf(st[3].node, sizeof(st[3].node), "pve3");
	for (int i = 0; i < 4; i++)
		snprintf(st[i].status, sizeof(st[i].status), "available");
	a.rows = st;
	a.n = 4;
	act(&a);
}

static void
test_delete(void)
{
	const struct top_effect *e;

	fresh(0);
	press("3");
	press("d");
	is_int(S.view, TOP_QUEUE, "d goes to the queue");
	is_int(S.nops, 1, "with the guest under the cursor");
	is_str(S.ops[0].action, "delete", "to delete");
	is_int(S.ops[0].g.vmid, 100, "guest 100");
	e = find_fx(TE_RISK);
	ok(e && strcmp(e->action, "delete") == 0 && e->g.vmid == 100,
	    "its pre-flight preview is asked for delete");
	is_int(count_fx(TE_RUN), 0, "nothing runs before confirmation");
}

static void
test_migrate(void)
{
	const struct top_effect *e;

	fresh(0);
	press("3");
	press("Space");
	press("Space");
	press("m");
	is_int(S.input, TOP_IN_MIGRATE, "m asks for the target node");
	ok(strstr(top_footer(&S), "migrate to node") != NULL, "the footer "
	    "says what is asked");
	type("pve9");
	press("Enter");
	is_int(S.nops, 0, "an unknown node queues nothing");
	ok(strstr(S.status, "no node 'pve9'") != NULL, "and says why: %s",
	    S.status);
	is_int(S.input, TOP_IN_NONE, "the prompt closes");
	is_int(S.nmarked, 2, "the marks stay");
	press("m");
	type("pve3");
	press("Escape");
	is_int(S.nops, 0, "Esc cancels the prompt");
	ok(strstr(S.status, "cancelled") != NULL, "and says so");
	press("m");
	type("pve3");
	press("Enter");
	is_int(S.nops, 2, "a known node queues one migration per guest");
	is_str(S.ops[0].arg, "pve3", "with the target node");
	is_int(count_fx(TE_RISK), 2, "each with a preview");
	e = find_fx(TE_RISK);
	ok(e && strcmp(e->action, "migrate") == 0 && strcmp(e->arg, "pve3")
	    == 0 && e->n == 2, "that knows the action, target and batch");
	S.ops[0].st = S.ops[1].st = TOP_OP_READY;
	press("y");
	press("y");
	e = find_fx(TE_RUN);
	ok(e && strcmp(e->arg, "pve3") == 0, "the run carries the target "
	    "too");
}

static void
test_snapshot(void)
{
	fresh(0);
	press("3");
	press("n");
	is_int(S.input, TOP_IN_SNAPNAME, "n asks for a snapshot name");
	type("1bad name");
	press("Enter");
	is_int(S.nops, 0, "an invalid name queues nothing");
	ok(strstr(S.status, "not a snapshot name") != NULL, "and says why");
	press("n");
	type("before-upgrade");
	press("Enter");
	is_int(S.nops, 1, "a valid name queues the snapshot");
	is_str(S.ops[0].action, "snapshot", "as a snapshot");
	is_str(S.ops[0].arg, "before-upgrade", "with its name");
	ok(pve_valid_snapname("a_1-b") && !pve_valid_snapname("") &&
	    !pve_valid_snapname("x.y") && !pve_valid_snapname("1a") &&
	    !pve_valid_snapname("current"), "snapshot names as PVE takes "
	    "them");
}

static void
test_backup(void)
{
	fresh(0);
	load_storage();
	press("3");
	press("b");
	is_int(S.input, TOP_IN_STORAGE, "b asks for the storage");
	is_str(S.entry, "pbs", "offering the first that holds backups");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	type("local-lvm");
	press("Enter");
	is_int(S.nops, 0, "a storage without backup content queues nothing");
	ok(strstr(S.status, "no storage 'local-lvm'") != NULL, "and says "
	    "why");
	press("b");
	press("Enter");
	is_int(S.nops, 1, "the offered storage queues the backup");
	is_str(S.ops[0].action, "backup", "as a backup");
	is_str(S.ops[0].arg, "pbs", "to that storage");
}

static void
backup_vols(int vmid1, long long t1, int vmid2, long long t2)
{
	struct top_action a = { .type = TA_BACKUPS, .now = 1700000000 };
	struct pve_volume *v = calloc(3, sizeof(*v));

	v[0].vmid = vmid1;
	v[0].ctime = t1;
	v[1].vmid = vmid2;
	v[1].ctime = t2;
	v[2].vmid = 0;		/* not a guest's */
	for (int i = 0; i < 3; i++) {
		snprintf(v[i].content, sizeof(v[i].content), "backup");
		snprintf(v[i].storage, sizeof(v[i].storage), "pbs");
	}
	a.rows = v;
	a.n = 3;
	act(&a);
}

/* A pxtop just started: everything asked, nothing answered yet. */
static void
started(void)
{
	struct top_action a = { .type = TA_START };

	top_state_free(&S);
	top_state_init(&S, "sim", 0, 3000, 30, 120);
	act(&a);
}

/* :start before pxtop's first guest list came: the palette says the
 * list has not come, not that there is no such guest; after it, the
 * start is queued. */
static void
test_palette_before_guests(void)
{
	started();
	press(":");
	type("start 100");
	press("Enter");
	is_int(S.nops, 0, ":start before the guest list queues nothing");
	ok(strstr(S.status, "the guest list has not come yet") != NULL,
	    "and says the list has not come: %s", S.status);
	load_guests();
	press(":");
	type("start 100");
	press("Enter");
	is_int(S.nops, 1, "once the list came, :start 100 is queued");
	started();
	list_failed(TOP_F_GUESTS);
	press(":");
	type("start 100");
	press("Enter");
	ok(S.nops == 0 && strstr(S.status, "no guest '100'") != NULL,
	    "once the guest list failed, an unknown guest is one: %s",
	    S.status);
}

/* B before pxtop's first storage list came: the board says loading,
 * not that no guest has a backup, and reads the storages when the list
 * comes. */
static void
test_backup_before_storage(void)
{
	started();
	press("B");
	is_int(S.view, TOP_BACKUPS, "B before the storage list: the board");
	is_int(count_fx(TE_BACKUPS), 0, "no storage to read yet");
	is_int(S.bk_wait, 1, "it waits for the storage list");
	load_storage();
	is_int(count_fx(TE_BACKUPS), 2, "the list came: its storages are "
	    "read");
	is_int(S.bk_wait, 0, "and it waits no more");
	is_int(S.bk_pending, 2, "two answers awaited");

	/* the storage list fails: the wait ends */
	started();
	press("B");
	list_failed(TOP_F_STORAGE);
	is_int(S.bk_wait, 0, "a failed storage list ends the board's wait");
	fresh(0);
}

/* H before the node list came: probed when it comes. */
static void
test_heat_before_nodes(void)
{
	started();
	press("H");
	is_int(S.view, TOP_HEAT, "H before the node list: the heatmap");
	is_int(count_fx(TE_PROBE), 0, "no node to probe yet");
	is_int(S.probe_wait, 1, "it waits for the node list");
	load_nodes();
	ok(count_fx(TE_PROBE) > 0, "the list came: its online nodes are "
	    "probed");
	is_int(S.probe_wait, 0, "and it waits no more");

	/* the node list fails: the wait ends */
	started();
	press("H");
	list_failed(TOP_F_NODES);
	is_int(S.probe_wait, 0, "a failed node list ends the heatmap's wait");
	fresh(0);
}

/* H and B opened before pxtop's first lists came, then [ before they
 * did: the lists come aside while the past is shown, and the waits end
 * all the same, each view read from the lists on screen; back to live,
 * nothing is left waiting. */
static void
test_wait_while_past(void)
{
	struct tcache_frame *f;
	struct top_action p = { .type = TA_PAST, .id = -1 };
	struct top_action live = { .type = TA_PAST, .id = 1, .rc = 1 };

	started();
	press("H");
	is_int(S.probe_wait, 1, "H before the node list waits for it");
	press("[");
	f = calloc(1, sizeof(*f));
	f->time = 1000;
	f->have = TC_NODES;
	f->nodes = calloc(1, sizeof(*f->nodes));
	f->nnodes = 1;
	snprintf(f->nodes[0].name, sizeof(f->nodes[0].name), "pve9");
	f->nodes[0].online = 1;
	p.rows = f;
	act(&p);
	is_int(top_past_at(&S), 1000, "[: the past is shown");
	load_nodes();
	is_int(S.probe_wait, 0, "the node list came aside: the wait ends");
	ok(count_fx(TE_PROBE) == 1 && strcmp(find_fx(TE_PROBE)->g.node,
	    "pve9") == 0, "the node on screen is probed");
	act(&live);
	is_int(top_past_at(&S), 0, "live again");
	is_int(S.probe_wait, 0, "nothing waits");

	started();
	press("B");
	is_int(S.bk_wait, 1, "B before the storage list waits for it");
	press("[");
	f = calloc(1, sizeof(*f));
	f->time = 1000;
	f->have = TC_GUESTS;
	p.rows = f;
	act(&p);
	load_storage();
	is_int(S.bk_wait, 0, "the storage list came aside: the wait ends");

	/* the list fails while the past is shown: the wait ends */
	started();
	press("H");
	press("[");
	f = calloc(1, sizeof(*f));
	f->time = 1000;
	f->have = TC_GUESTS;
	p.rows = f;
	act(&p);
	list_failed(TOP_F_NODES);
	is_int(S.probe_wait, 0, "a failed node list ends the wait in the "
	    "past too");
	fresh(0);
}

static void
test_backup_board(void)
{
	struct top_action a;
	struct pve_unprotected *u;

	fresh(0);
	load_storage();
	press("B");
	is_int(S.view, TOP_BACKUPS, "B opens the backup board");
	is_int(count_fx(TE_UNPROTECTED), 1, "it asks which guests no job "
	    "covers");
	is_int(count_fx(TE_BACKUPS), 2, "and the backups of each storage "
	    "that holds them, a shared one once");
	is_int(S.bk_pending, 2, "two answers awaited");
	is_int(top_backup_job(&S, 100), -1, "coverage unknown until "
	    "not-backed-up answers");
	press("R");
	is_int(count_fx(TE_BACKUPS), 0, "R does not ask again while "
	    "answers are on their way");
	backup_vols(100, 1699990000, 101, 1690000000);
	backup_vols(100, 1699999000, 100, 1600000000);
	is_int(S.bk_pending, 0, "both storages answered");
	ok(top_backup_of(&S, 100) && top_backup_of(&S, 100)->ctime ==
	    1699999000, "the newest backup of a guest over every storage");
	ok(top_backup_of(&S, 101) != NULL && top_backup_of(&S, 102) == NULL,
	    "a guest with no backup has none");
	memset(&a, 0, sizeof(a));
	a.type = TA_UNPROTECTED;
	u = calloc(1, sizeof(*u));
	u->vmid = 102;
	a.rows = u;
	a.n = 1;
	act(&a);
	is_int(top_backup_job(&S, 102), 0, "102 has no backup job");
	is_int(top_backup_job(&S, 100), 1, "100 has one");
	press("R");
	is_int(count_fx(TE_BACKUPS), 2, "R reloads the board");
	memset(&a, 0, sizeof(a));
	a.type = TA_FETCH_FAILED;
	a.what = TOP_F_BACKUPS;
	act(&a);
	is_int(S.bk_pending, 1, "a storage that fails is not awaited");
	is_int(S.bk_failed, 1, "and is counted");
	press("j");
	press("Space");
	ok(top_is_marked(&S, 101), "Space marks on the board too");
	press("k");
	press("s");
	is_int(S.nops, 1, "an action on the board acts on the marked guests");
}


/* A PBS answer for the board: datastore-usage of profile pbs1. */
static void
pbs_stores(const char *profile, int n)
{
	struct top_action a = { .type = TA_PBS_STORES };
	struct pbs_store *v = calloc((size_t)n + 1, sizeof(*v));

	for (int i = 0; i < n; i++) {
		snprintf(v[i].store, sizeof(v[i].store), "store%d", i + 1);
		v[i].total = 100ULL << 30;
		v[i].used = 40ULL << 30;
	}
	snprintf(a.upid, sizeof(a.upid), "%s", profile);
	a.rows = v;
	a.n = n;
	act(&a);
}

static void
pbs_snaps(const char *store, const char *id, long long t1,
    const char *verify1, int prot1, long long t2, const char *verify2)
{
	struct top_action a = { .type = TA_PBS_SNAPS };
	struct pbs_snapshot *v = calloc(4, sizeof(*v));

	snprintf(v[0].type, sizeof(v[0].type), "vm");
	snprintf(v[0].id, sizeof(v[0].id), "%s", id);
	v[0].time = t1;
	snprintf(v[0].verify, sizeof(v[0].verify), "%s", verify1);
	v[0].protected_ = prot1;
	snprintf(v[1].type, sizeof(v[1].type), "vm");
	snprintf(v[1].id, sizeof(v[1].id), "%s", id);
	v[1].time = t2;
	snprintf(v[1].verify, sizeof(v[1].verify), "%s", verify2);
	snprintf(v[2].type, sizeof(v[2].type), "host");	/* no guest's */
	snprintf(v[2].id, sizeof(v[2].id), "100");
	v[2].time = t1 + t2;
	snprintf(v[3].type, sizeof(v[3].type), "ct");	/* not a VMID */
	snprintf(v[3].id, sizeof(v[3].id), "backup-of-something");
	v[3].time = t1 + t2;
	snprintf(a.upid, sizeof(a.upid), "pbs1");
	snprintf(a.store, sizeof(a.store), "%s", store);
	a.rows = v;
	a.n = 4;
	act(&a);
}

static void
test_pbs_board(void)
{
	struct top_action a;
	struct pbs_gc *gc;
	const struct top_pbs_backup *b;

	fresh(0);
	press("B");
	is_int(count_fx(TE_PBS), 0, "no PBS profile: the board asks no PBS");
	fresh(0);
	snprintf(S.pbs[0], sizeof(S.pbs[0]), "pbs1");
	S.npbs = 1;
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	a.now = 1700000000;
	act(&a);
	is_int(count_fx(TE_PBS), 0, "the refresh asks no PBS outside B");
	press("B");
	ok(count_fx(TE_PBS) == 1 && strcmp(find_fx(TE_PBS)->upid, "pbs1") ==
	    0, "B asks the PBS profile's datastores");
	is_int(S.pbs_pending, 1, "one answer awaited");
	press("R");
	is_int(count_fx(TE_PBS), 0, "R does not ask again while it is on "
	    "its way");
	pbs_stores("pbs1", 2);
	is_int(S.npst, 2, "the datastores are on the board");
	is_int(count_fx(TE_PBS_STORE), 2, "each is asked for its snapshots "
	    "and gc");
	ok(strcmp(FX.e[0].arg, "store1") == 0 && strcmp(FX.e[0].upid,
	    "pbs1") == 0, "by profile and store");
	is_int(S.pbs_pending, 4, "snapshots and gc of two stores awaited");
	pbs_snaps("store1", "100", 1699990000, "ok", 1, 1699900000, "none");
	pbs_snaps("store2", "100", 1699995000, "failed", 0, 1600000000, "ok");
	b = top_pbs_backup_of(&S, 100);
	ok(b && b->time == 1699995000, "the newest PBS snapshot of a guest "
	    "over every datastore");
	ok(b && strcmp(b->verify, "failed") == 0 && !b->protected_ &&
	    strcmp(b->where, "pbs1:store2") == 0, "with its verification, "
	    "protection and where it is");
	is_int(b ? b->nsnaps : -1, 4, "and how many snapshots it has");
	ok(top_pbs_backup_of(&S, 101) == NULL, "a guest with none has none");
	is_int(S.npbk, 1, "host and non-VMID backups are no guest's");
	memset(&a, 0, sizeof(a));
	a.type = TA_PBS_GC;
	snprintf(a.upid, sizeof(a.upid), "pbs1");
	snprintf(a.store, sizeof(a.store), "store1");
	gc = calloc(1, sizeof(*gc));
	snprintf(gc->state, sizeof(gc->state), "ok");
	gc->last_end = 1699990000;
	a.rows = gc;
	a.n = 1;
	act(&a);
	ok(S.pst[0].gc_known && strcmp(S.pst[0].gc.state, "ok") == 0,
	    "a store's garbage collection");
	memset(&a, 0, sizeof(a));
	a.type = TA_FETCH_FAILED;
	a.what = TOP_F_PBS;
	snprintf(a.upid, sizeof(a.upid), "pbs1");
	snprintf(a.store, sizeof(a.store), "store2");
	snprintf(a.msg, sizeof(a.msg), "permission check failed");
	act(&a);
	is_int(S.pbs_pending, 0, "a failure is not awaited");
	ok(S.pbs_failed == 1 && strstr(S.pbs_err, "pbs1:store2: permission")
	    != NULL, "and is counted with its store");
	ok(S.fetch_err[0] == '\0', "the PVE refresh's error line is not "
	    "the PBS's");
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	a.now = 1700000000 + 5;
	act(&a);
	is_int(count_fx(TE_PBS), 0, "the refresh does not read PBS again "
	    "at once");
	a.now = 1700000000 + TOP_PBS_EVERY;
	act(&a);
	is_int(count_fx(TE_PBS), 1, "but every TOP_PBS_EVERY seconds while "
	    "B shows");
	pbs_stores("pbs1", 1);
	is_int(S.npst, 1, "a datastore that is gone leaves the board");
	ok(top_pbs_backup_of(&S, 100) && top_pbs_backup_of(&S, 100)->time ==
	    1699990000, "and its snapshots with it; the others stay until "
	    "their answer");
	pbs_stores("other", 1);
	is_int(S.npst, 1, "an answer for a profile not read is ignored");
	pbs_snaps("nostore", "100", 1, "ok", 0, 2, "ok");
	is_int(S.npbk, 1, "as is one for a datastore not on the board");
}

static void
test_snapshot_tree(void)
{
	struct top_action a;
	struct pve_snapnode *t;

	fresh(0);
	press("Z");
	is_int(S.view, TOP_DASH, "Z with no guest selected stays");
	ok(strstr(S.status, "no guest selected") != NULL, "and says why");
	press("3");
	press("j");
	press("Z");
	is_int(S.view, TOP_SNAPTREE, "Z opens the snapshot tree");
	is_int(S.tree_vmid, 101, "of the guest under the cursor");
	ok(find_fx(TE_SNAPTREE) && find_fx(TE_SNAPTREE)->g.vmid == 101,
	    "and asks for its snapshots");
	memset(&a, 0, sizeof(a));
	a.type = TA_SNAPTREE;
	a.id = 100;
	a.rows = calloc(1, sizeof(struct pve_snapnode));
	a.n = 1;
	act(&a);
	is_int(S.ntree, 0, "another guest's answer is dropped");
	memset(&a, 0, sizeof(a));
	a.type = TA_SNAPTREE;
	a.id = 101;
	t = calloc(2, sizeof(*t));
	snprintf(t[0].s.name, sizeof(t[0].s.name), "base");
	t[1].current = 1;
	t[1].depth = 1;
	a.rows = t;
	a.n = 2;
	act(&a);
	is_int(S.ntree, 2, "the tree arrives");
	is_int(S.tree_loading, 0, "and is no longer loading");
	press("R");
	ok(find_fx(TE_SNAPTREE) != NULL, "R reloads it");
	press("n");
	is_int(S.input, TOP_IN_SNAPNAME, "n snapshots the tree's guest");
	press("Escape");
	press("Escape");
	is_int(S.view, TOP_GUESTS, "Esc goes back");
}

/* W after the node list but before the guest list came: the devices
 * are read at once, the guests' configs (which say what each device is
 * passed to) when the guest list comes, the header loading till then;
 * a list that fails ends the wait. */
static void
test_hardware_before_guests(void)
{
	started();
	press("W");
	is_str(S.status, "no node known yet", "W before the node list: "
	    "says so, no view");
	load_nodes();
	press("2");
	press("j");
	press("W");
	is_int(S.view, TOP_HW, "W before the guest list: the hardware view");
	is_int(count_fx(TE_HW), 1, "its node's devices are asked for");
	is_int(count_fx(TE_PASSTHRU), 0, "no guest config to read yet");
	is_int(S.hw_wait, 1, "it waits for the guest list");
	load_guests();
	is_int(count_fx(TE_PASSTHRU), 2, "the list came: the configs of the "
	    "QEMU guests on the node are read");
	is_int(S.hw_wait, 0, "and it waits no more");
	is_int(S.hw_pending, 4, "four answers awaited");

	/* away from the view when the list comes: nothing read */
	started();
	load_nodes();
	press("W");
	press("1");
	load_guests();
	is_int(count_fx(TE_PASSTHRU), 0, "another view: not read");

	/* the guest list fails: the wait ends */
	started();
	load_nodes();
	press("W");
	list_failed(TOP_F_GUESTS);
	is_int(S.hw_wait, 0, "a failed guest list ends the hardware view's "
	    "wait");
	fresh(0);
}

static void
test_hardware(void)
{
	struct top_action a;
	struct pve_pci *pci;
	struct pve_passthru *pt;
	char users[64];

	fresh(0);
	press("2");
	press("j");
	press("W");
	is_int(S.view, TOP_HW, "W opens the hardware view");
	is_str(S.hw_node, "pve2", "of the node under the cursor");
	is_int(count_fx(TE_HW), 1, "it asks for the node's devices");
	is_int(count_fx(TE_PASSTHRU), 2, "and the config of every QEMU guest "
	    "on it");
	is_int(S.hw_pending, 4, "four answers awaited");
	memset(&a, 0, sizeof(a));
	a.type = TA_HW_PCI;
	snprintf(a.upid, sizeof(a.upid), "pve1");
	a.rows = calloc(1, sizeof(struct pve_pci));
	a.n = 1;
	act(&a);
	is_int(S.npci, 0, "another node's answer is dropped");
	pci = calloc(2, sizeof(*pci));
	snprintf(pci[0].id, sizeof(pci[0].id), "0000:01:00.0");
	snprintf(pci[1].id, sizeof(pci[1].id), "0000:02:00.0");
	a.rows = pci;
	a.n = 2;
	snprintf(a.upid, sizeof(a.upid), "pve2");
	act(&a);
	is_int(S.npci, 2, "the node's PCI devices arrive");
	for (int vmid = 101; vmid <= 102; vmid++) {
		memset(&a, 0, sizeof(a));
		a.type = TA_PASSTHRU;
		a.id = vmid;
		snprintf(a.upid, sizeof(a.upid), "pve2");
		pt = calloc(1, sizeof(*pt));
		snprintf(pt->key, sizeof(pt->key), "hostpci0");
		snprintf(pt->kind, sizeof(pt->kind), "pci");
		snprintf(pt->host, sizeof(pt->host), "01:00");
		a.rows = pt;
		a.n = 1;
		act(&a);
	}
	is_int(top_hw_users(&S, 0, users, sizeof(users)), 2, "a device "
	    "given to two guests has two users");
	is_str(users, "101(hostpci0) 102(hostpci0)", "named with their "
	    "config keys");
	is_int(top_hw_users(&S, 1, users, sizeof(users)), 0, "a free device "
	    "none");
	press("Escape");
	is_int(S.view, TOP_NODES, "Esc goes back");
	press("3");
	press("W");
	is_str(S.hw_node, "pve1", "from the guest view: the guest's node");
}

static void
config_of(int vmid, const char *net0, const char *ostype)
{
	struct top_action a = { .type = TA_GREPCFG, .id = vmid };
	struct pve_kv *kv = calloc(2, sizeof(*kv));

	snprintf(kv[0].key, sizeof(kv[0].key), "net0");
	kv[0].value = strdup(net0);
	snprintf(kv[1].key, sizeof(kv[1].key), "ostype");
	kv[1].value = strdup(ostype);
	a.rows = kv;
	a.n = 2;
	act(&a);
}

/* G before pxtop's first guest list came: the search says loading, not
 * that no config line matches, and reads the configs when the list
 * comes; a list that fails ends the wait. */
static void
test_grep_before_guests(void)
{
	started();
	press("G");
	type("vmbr1");
	press("Enter");
	is_int(S.view, TOP_GREP, "G before the guest list: the grep view");
	is_int(count_fx(TE_GREPCFG), 0, "no guest to read yet");
	is_int(S.grep_wait, 1, "it waits for the guest list");
	load_guests();
	is_int(count_fx(TE_GREPCFG), 5, "the list came: every guest's "
	    "config is read");
	is_int(S.grep_wait, 0, "and it waits no more");
	is_int(S.grep_pending, 5, "five answers awaited");

	/* away from the grep when the list comes: nothing read */
	started();
	press("G");
	type("vmbr1");
	press("Enter");
	press("1");
	load_guests();
	is_int(count_fx(TE_GREPCFG), 0, "another view: not read");

	/* the guest list fails: the wait ends */
	started();
	press("G");
	type("vmbr1");
	press("Enter");
	list_failed(TOP_F_GUESTS);
	is_int(S.grep_wait, 0, "a failed guest list ends the grep's wait");
	fresh(0);
}

static void
test_config_grep(void)
{
	fresh(0);
	press("3");
	press("G");
	is_int(S.input, TOP_IN_GREP, "G asks what to search for");
	type("VMBR1");
	press("Enter");
	is_int(S.view, TOP_GREP, "Enter opens the grep view");
	is_int(count_fx(TE_GREPCFG), 5, "and reads every guest's config");
	is_int(S.grep_pending, 5, "five answers awaited");
	config_of(100, "virtio=AA:BB,bridge=vmbr1", "l26");
	config_of(101, "virtio=AA:BC,bridge=vmbr0", "l26");
	is_int(S.ngl, 1, "text matches key and value, any case");
	is_int(S.gl[0].vmid, 100, "the guest's line");
	is_str(S.gl[0].key, "net0", "with its key");
	press("G");
	is_str(S.entry, "VMBR1", "G again offers the last pattern");
	press("Escape");
	press("G");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	press("Backspace");
	type("/^ostype: (l26|win)/");
	press("Enter");
	is_int(S.ngl, 0, "a new search starts empty");
	config_of(102, "bridge=vmbr0", "win11");
	config_of(103, "bridge=vmbr0", "other");
	is_int(S.ngl, 1, "/regex/ is an extended regular expression over "
	    "\"key: value\"");
	press("G");
	for (int i = 0; i < 64; i++)
		press("Backspace");
	type("/(/");
	press("Enter");
	ok(strstr(S.status, "not an extended regular expression") != NULL,
	    "a broken regex says so: %s", S.status);
	is_int(S.ngl, 1, "and the last results stay");
	press("Enter");
	is_int(S.view, TOP_GUEST, "Enter opens the detail of the line's "
	    "guest");
	is_int(S.detail_vmid, 102, "102");
	press("Escape");
	is_int(S.view, TOP_GREP, "Esc goes back to the grep");
	press("Escape");
	is_int(S.view, TOP_GUESTS, "and from there to the guests");
}

static void
probe(const char *node, int rc, double ms)
{
	struct top_action a = { .type = TA_PROBE, .rc = rc, .ms = ms };

	snprintf(a.upid, sizeof(a.upid), "%s", node);
	if (rc)
		snprintf(a.msg, sizeof(a.msg), "timeout");
	act(&a);
}

static void
test_heatmap(void)
{
	const struct top_probe *p;

	fresh(0);
	S.nodes[2].online = 0;
	press("H");
	is_int(S.view, TOP_HEAT, "H opens the heatmap");
	is_int(S.nprobes, 3, "a row per node");
	is_int(count_fx(TE_PROBE), 2, "one probe per online node at once");
	is_int(S.probe_pending, 2, "two nodes probing");
	probe("pve1", 0, 10);
	is_int(count_fx(TE_PROBE), 1, "each answer asks the node's next probe");
	probe("pve1", 0, 30);
	probe("pve1", 0, 20);
	probe("pve1", 0, 400);
	probe("pve1", 0, 25);
	is_int(count_fx(TE_PROBE), 0, "after five, no more");
	p = &S.probes[0];
	ok(top_probe_median(p) == 25, "the median of the probes");
	ok(top_probe_worst(p) == 400, "and the worst");
	is_int(top_bucket(top_probe_worst(p)), 2, "400 ms is slow");
	is_int(top_bucket(10), 0, "10 ms is fast");
	is_int(top_bucket(3000), 3, "3 s is very slow");
	is_int(S.probe_pending, 1, "pve2 still probing");
	press("R");
	is_int(count_fx(TE_PROBE), 0, "R waits for the round to end");
	for (int i = 0; i < 5; i++)
		probe("pve2", i == 2 ? -1 : 0, 5);
	is_int(S.probes[1].n, 5, "a failed probe counts");
	ok(S.probes[1].ms[2] < 0 && strcmp(S.probes[1].err, "timeout") == 0,
	    "as failed, with its error");
	is_int(S.probe_pending, 0, "the round is over");
	press("R");
	is_int(count_fx(TE_PROBE), 2, "R probes again");
	is_int(S.probes[0].n, 0, "from scratch");
}

static void
test_palette(void)
{
	const struct top_effect *e;

	fresh(0);
	press("3");
	press("Space");		/* 100 marked */
	press(":");
	is_int(S.input, TOP_IN_CMD, ": opens the command palette");
	type("start 101 102");
	press("Enter");
	is_int(S.nops, 2, ":start 101 102 queues two starts");
	ok(S.ops[0].g.vmid == 101 && S.ops[1].g.vmid == 102, "on those "
	    "guests");
	is_int(count_fx(TE_RISK), 2, "each with its preview");
	ok(S.nmarked == 1 && S.marked[0] == 100, "the marks stay as they "
	    "were");
	press(":");
	type("migrate 103 pve2");
	press("Enter");
	is_int(S.nops, 3, ":migrate 103 pve2 queues a migration");
	is_str(S.ops[2].arg, "pve2", "to pve2");
	press(":");
	type("snapshot 103 bad.name");
	press("Enter");
	is_int(S.nops, 3, "the palette checks what the prompts check");
	press(":");
	type("start 999");
	press("Enter");
	ok(S.nops == 3 && strstr(S.status, "no guest '999'") != NULL,
	    "an unknown VMID queues nothing: %s", S.status);
	press(":");
	type("sort cpu desc");
	press("Enter");
	ok(S.sort == TOP_SORT_CPU && S.sort_desc && S.view == TOP_GUESTS,
	    ":sort cpu desc sorts the guests");
	is_int(vis_vmid(0), 104, "heaviest first");
	press(":");
	type("filter tag:prod");
	press("Enter");
	is_int(S.nvis, 2, ":filter sets the filter");
	press(":");
	type("profile lab");
	press("Enter");
	ok(strstr(S.status, "operations are queued") != NULL && FX.n == 0,
	    ":profile waits for the queue to be empty");
	press("Q");
	S.nops = 0;
	press(":");
	type("profile lab");
	press("Enter");
	e = find_fx(TE_PROFILE);
	ok(e && strcmp(e->arg, "lab") == 0, ":profile lab asks for a "
	    "restart on lab");
	press(":");
	type("frobnicate");
	press("Enter");
	ok(strstr(S.status, "unknown command 'frobnicate'") != NULL, "an "
	    "unknown command lists the known ones");
	press(":");
	type("quit");
	press("Enter");
	is_int(S.quit, 1, ":quit quits");
	fresh(1);
	press(":");
	type("delete 100");
	press("Enter");
	ok(S.nops == 0 && strstr(S.status, "read-only") != NULL, "a "
	    "read-only profile refuses palette actions too");
}

static void
test_quick_open(void)
{
	fresh(0);
	press("C-k");
	is_int(S.input, TOP_IN_QUICK, "C-k opens quick open");
	ok(S.nquick > 0 && S.quick[0].kind == TOP_Q_VIEW, "listing the views "
	    "first");
	type("db");
	ok(S.nquick >= 1 && S.quick[0].kind == TOP_Q_GUEST &&
	    S.guests[S.quick[0].idx].vmid == 102, "db finds db-01");
	press("Enter");
	is_int(S.view, TOP_GUEST, "Enter opens the guest");
	is_int(S.detail_vmid, 102, "db-01");
	ok(find_fx(TE_DETAIL) != NULL, "and fetches its detail");
	press("C-k");
	type("pve3");
	ok(S.quick[0].kind == TOP_Q_NODE, "a node by name");
	press("Enter");
	ok(S.view == TOP_NODES && S.cur[TOP_NODES] == 2, "jumps to it in "
	    "the node view");
	press("C-k");
	type("heat");
	press("Enter");
	is_int(S.view, TOP_HEAT, "a view by name");
	press("C-k");
	type("01");
	ok(S.nquick >= 4, "several matches: %d", S.nquick);
	press("Down");
	is_int(S.quick_cur, 1, "Down chooses the next");
	press("Up");
	press("Up");
	is_int(S.quick_cur, 0, "Up stops at the first");
	press("Escape");
	is_int(S.input, TOP_IN_NONE, "Esc closes it");
	press("C-k");
	type("zzzz");
	press("Enter");
	ok(strstr(S.status, "nothing matches") != NULL, "nothing found says "
	    "so");
}

static void
test_read_only_actions(void)
{
	static const char *const k[] = { "d", "m", "n", "b" };

	for (int i = 0; i < 4; i++) {
		fresh(1);
		press("3");
		press(k[i]);
		ok(S.input == TOP_IN_NONE && S.nops == 0 && FX.n == 0 &&
		    strstr(S.status, "read-only") != NULL, "%s is refused on "
		    "a read-only profile before anything is asked", k[i]);
	}
	fresh(0);
	press("1");
	press("m");
	ok(S.input == TOP_IN_NONE && strstr(S.status, "no guest selected"),
	    "m with no guest selected asks nothing");
}

static void
test_read_only(void)
{
	fresh(1);
	press("3");
	press("Space");
	press("s");
	is_int(S.nops, 0, "a read-only profile queues nothing");
	is_int(FX.n, 0, "and asks for nothing");
	ok(strstr(S.status, "read-only") != NULL, "the status line gives "
	    "the reason: %s", S.status);
	is_int(S.view, TOP_GUESTS, "the view stays");
	is_int(S.nguests, 5, "and hides nothing");
}

static void
test_detail_and_log(void)
{
	struct top_action a;
	const struct top_effect *e;
	struct pve_kv *kv;

	fresh(0);
	press("3");
	press("j");
	press("Enter");
	is_int(S.view, TOP_GUEST, "Enter opens the guest's detail");
	e = find_fx(TE_DETAIL);
	ok(e && e->g.vmid == 101, "and fetches config and snapshots of 101");
	kv = calloc(1, sizeof(*kv));
	snprintf(kv->key, sizeof(kv->key), "cores");
	kv->value = strdup("4");
	memset(&a, 0, sizeof(a));
	a.type = TA_CONFIG;
	a.id = 101;
	a.rows = kv;
	a.n = 1;
	act(&a);
	is_int(S.ncfg, 1, "the config arrives");
	kv = calloc(1, sizeof(*kv));
	kv->value = strdup("x");
	a.type = TA_CONFIG;
	a.id = 555;
	a.rows = kv;
	a.n = 1;
	act(&a);
	is_int(S.ncfg, 1, "a late answer for another guest is dropped");
	memset(&a, 0, sizeof(a));
	a.type = TA_SNAPSHOTS;
	a.id = 101;
	a.rows = calloc(2, sizeof(struct pve_snapshot));
	a.n = 2;
	act(&a);
	is_int(S.nsnaps, 2, "the snapshots arrive");
	press("Escape");
	is_int(S.view, TOP_GUESTS, "Esc goes back");
	press("5");
	press("Enter");
	is_int(S.view, TOP_TASKLOG, "Enter on a task opens its log");
	e = find_fx(TE_TASKLOG);
	ok(e && strncmp(e->upid, "UPID:pve1", 9) == 0, "for its UPID");
	memset(&a, 0, sizeof(a));
	a.type = TA_TASKLOG;
	a.rc = 1;
	snprintf(a.upid, sizeof(a.upid), "%s", S.log_upid);
	a.rows = calloc(100, sizeof(struct pve_log_line));
	for (int i = 0; i < 100; i++)
		((struct pve_log_line *)a.rows)[i].t = strdup("line");
	a.n = 100;
	act(&a);
	is_int(S.nlog, 100, "the log arrives");
	is_int(S.top[TOP_TASKLOG], 100 - top_body_lines(&S), "a running "
	    "task's log shows its end");
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	act(&a);
	is_int(count_fx(TE_TASKLOG), 1, "and is followed on every tick");
	press("Escape");
	is_int(S.view, TOP_TASKS, "Esc goes back to the tasks");
	press("2");
	press("j");
	press("Enter");
	is_str(S.filter, "node:pve2", "Enter on a node filters the guests "
	    "by it");
	is_int(S.view, TOP_GUESTS, "in the guest view");
}

static void
test_audit(void)
{
	struct top_action a = { .type = TA_AUDIT };
	struct top_audit_row *r = calloc(3, sizeof(*r));

	fresh(0);
	a.rows = r;
	a.n = 3;
	act(&a);
	is_int(S.naudit, 3, "audit rows arrive");
	press("T");
	a.type = TA_TICK;
	a.rows = NULL;
	a.n = 0;
	act(&a);
	is_int(count_fx(TE_AUDIT), 1, "the timeline refreshes on a tick");
}

static void
test_quit(void)
{
	struct top_action a = { .type = TA_SIGNAL };

	fresh(0);
	press("q");
	is_int(S.quit, 1, "q quits");
	is_int(count_fx(TE_QUIT), 1, "by the quit effect");
	fresh(0);
	press("/");
	press("q");
	is_int(S.quit, 0, "q while searching is a letter");
	press("C-c");
	is_int(S.quit, 1, "C-c quits from anywhere");
	fresh(0);
	act(&a);
	is_int(count_fx(TE_QUIT), 1, "SIGTERM, SIGHUP, SIGINT quit");
}

/* The keymap scrolls when the terminal is shorter than it. */
static void
test_help_scroll(void)
{
	struct top_action a = { .type = TA_RESIZE, .lines = 20, .cols = 120 };
	int last;

	fresh(0);
	act(&a);
	last = top_nkeymap - top_help_rows(&S);
	ok(top_help_rows(&S) == 18 && last > 0, "on 20 lines the keymap "
	    "shows 18 of its %d lines", top_nkeymap);
	press("?");
	press("j");
	is_int(S.help, 1, "j keeps the keymap open");
	is_int(S.help_top, 1, "and scrolls it down a line");
	press("k");
	press("k");
	is_int(S.help_top, 0, "k scrolls up, never above the first line");
	press("Down");
	is_int(S.help_top, 1, "Down scrolls down");
	press("Up");
	is_int(S.help_top, 0, "Up scrolls up");
	press("G");
	is_int(S.help_top, last, "G shows the last lines");
	press("j");
	is_int(S.help_top, last, "never past them");
	press("g");
	is_int(S.help_top, 0, "g the first");
	press("PageDown");
	is_int(S.help_top, last < 18 ? last : 18, "PageDown a page");
	press("PageUp");
	is_int(S.help_top, 0, "PageUp back");
	press("End");
	is_int(S.help_top, last, "End the last lines");
	press("Home");
	is_int(S.help_top, 0, "Home the first");
	press("G");
	a.lines = 28;
	act(&a);
	is_int(S.help_top, top_nkeymap - top_help_rows(&S), "a taller "
	    "terminal keeps the last line at the bottom");
	press("x");
	is_int(S.help, 0, "any other key closes it");
	is_int(S.view, TOP_DASH, "without acting");
	press("?");
	is_int(S.help_top, 0, "? opens it at the top again");
	press("Escape");
	a.lines = 60;
	act(&a);
	press("?");
	press("j");
	ok(S.help == 1 && S.help_top == 0, "on a tall terminal j scrolls "
	    "nothing and keeps it open");
	press("q");
	ok(S.help == 0 && S.quit == 0, "q closes the keymap, not pxtop");
}

/* c on a guest opens its console; in the queue it clears. */
static void
test_console_key(void)
{
	const struct top_effect *e;

	fresh(0);
	press("3");
	press("j");
	press("c");
	e = find_fx(TE_CONSOLE);
	ok(e && e->g.vmid == 101, "c in the guest view opens the selected "
	    "guest's console");
	press("Q");
	press("c");
	is_int(count_fx(TE_CONSOLE), 0, "c in the queue opens no console");
}

/* The detail's status/current is asked for when it opens and on every
 * tick while it stays open, one ask at a time. */
static void
test_detail_live(void)
{
	struct top_action a;
	struct pve_guest_status *st;
	const struct top_effect *e;

	fresh(0);
	press("3");
	press("j");
	press("Enter");
	e = find_fx(TE_GUEST_STATUS);
	ok(e && e->g.vmid == 101 && strcmp(e->g.node, "pve2") == 0,
	    "opening the detail asks for its status/current");
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	act(&a);
	is_int(count_fx(TE_GUEST_STATUS), 0, "a tick does not ask again "
	    "while the answer is on its way");
	st = calloc(1, sizeof(*st));
	st->vmid = 101;
	snprintf(st->status, sizeof(st->status), "running");
	st->cpu = 0.25;
	st->uptime = 42;
	memset(&a, 0, sizeof(a));
	a.type = TA_GUEST_STATUS;
	a.id = 101;
	a.rows = st;
	a.n = 1;
	act(&a);
	ok(S.live_known && S.live.uptime == 42 && S.live.cpu == 0.25 &&
	    strcmp(S.live.status, "running") == 0, "the answer is the "
	    "detail's live status");
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	act(&a);
	e = find_fx(TE_GUEST_STATUS);
	ok(e && e->g.vmid == 101, "the next tick asks again");
	st = calloc(1, sizeof(*st));
	st->vmid = 100;
	st->uptime = 7;
	memset(&a, 0, sizeof(a));
	a.type = TA_GUEST_STATUS;
	a.id = 100;
	a.rows = st;
	a.n = 1;
	act(&a);
	is_int((int)S.live.uptime, 42, "another guest's late answer is "
	    "dropped");
	memset(&a, 0, sizeof(a));
	a.type = TA_FETCH_FAILED;
	a.what = TOP_F_STATUS;
	snprintf(a.msg, sizeof(a.msg), "timeout");
	act(&a);
	is_int((int)S.live.uptime, 42, "a failed ask keeps the last status");
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	act(&a);
	is_int(count_fx(TE_GUEST_STATUS), 1, "and the next tick asks again");
	press("Escape");
	st = calloc(1, sizeof(*st));
	st->vmid = 101;
	memset(&a, 0, sizeof(a));
	a.type = TA_GUEST_STATUS;
	a.id = 101;
	a.rows = st;
	a.n = 1;
	act(&a);
	memset(&a, 0, sizeof(a));
	a.type = TA_TICK;
	act(&a);
	is_int(count_fx(TE_GUEST_STATUS), 0, "once the detail is closed the "
	    "ticks do not ask");
	press("Enter");
	ok(!S.live_known, "opening a detail forgets the last guest's status");
}

/* A running operation shows the progress its task log tells. */
static void
test_op_progress(void)
{
	struct top_action a;
	int id;

	fresh(0);
	press("3");
	press("b");
	type("local");		/* no storage known: queued as typed */
	press("Enter");
	is_int(S.nops, 1, "a backup is queued");
	id = S.ops[0].id;
	ok(S.ops[0].pct < 0, "with no progress known");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_PROGRESS;
	a.id = id;
	a.pct = 10;
	act(&a);
	ok(S.ops[0].pct < 0, "a report before it runs is dropped");
	memset(&a, 0, sizeof(a));
	a.type = TA_RISK;
	a.id = id;
	act(&a);
	press("y");
	press("y");
	is_int(S.ops[0].st, TOP_OP_RUNNING, "it runs");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_PROGRESS;
	a.id = id;
	a.pct = 45;
	snprintf(a.msg, sizeof(a.msg), "INFO:  45%% (14.4 GiB of 32.0 GiB)");
	act(&a);
	ok(S.ops[0].pct == 45, "the percent of its task log");
	is_str(S.ops[0].line, "INFO:  45% (14.4 GiB of 32.0 GiB)", "and the "
	    "latest line");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_PROGRESS;
	a.id = id;
	a.pct = -1;
	snprintf(a.msg, sizeof(a.msg), "INFO: archive file size: 4GB");
	act(&a);
	ok(S.ops[0].pct == 45, "a line without a percent keeps the last one");
	is_str(S.ops[0].line, "INFO: archive file size: 4GB", "and shows "
	    "that line");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_PROGRESS;
	a.id = id;
	a.pct = 250;
	act(&a);
	ok(S.ops[0].pct == 100, "never more than 100");
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = id;
	snprintf(a.msg, sizeof(a.msg), "task OK");
	act(&a);
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_PROGRESS;
	a.id = id;
	a.pct = 50;
	snprintf(a.msg, sizeof(a.msg), "late");
	act(&a);
	is_str(S.ops[0].line, "INFO: archive file size: 4GB", "a late report "
	    "after the end is dropped");
	is_int(S.ops[0].st, TOP_OP_OK, "and the operation stays done");
}

/* ---- the ISO library (I) and C (ssh) ---- */

static void
iso_storage(void)
{
	struct top_action a = { .type = TA_STORAGE };
	struct pve_storage *st = calloc(5, sizeof(*st));

	/* a shared NFS storage seen from two nodes, a local one on two
	 * nodes, one disabled, one without ISO content */
	for (int i = 0; i < 5; i++)
		snprintf(st[i].status, sizeof(st[i].status), "available");
	snprintf(st[0].storage, sizeof(st[0].storage), "nfs");
	snprintf(st[0].content, sizeof(st[0].content), "iso,vztmpl");
	snprintf(st[0].node, sizeof(st[0].node), "pve1");
	st[0].shared = 1;
	st[1] = st[0];
	snprintf(st[1].node, sizeof(st[1].node), "pve2");
	snprintf(st[2].storage, sizeof(st[2].storage), "local");
	snprintf(st[2].content, sizeof(st[2].content), "iso,backup");
	snprintf(st[2].node, sizeof(st[2].node), "pve1");
	st[3] = st[2];
	snprintf(st[3].node, sizeof(st[3].node), "pve2");
	snprintf(st[3].status, sizeof(st[3].status), "unknown");
	snprintf(st[4].storage, sizeof(st[4].storage), "local-lvm");
	snprintf(st[4].content, sizeof(st[4].content), "images,rootdir");
	snprintf(st[4].node, sizeof(st[4].node), "pve1");
	a.rows = st;
	a.n = 5;
	act(&a);
}

static void
iso_answer(const char *node, const char *storage, const char *content,
    const char *name, int n)
{
	struct top_action a = { .type = TA_ISO_LIST };
	struct pve_volume *v = calloc((size_t)n + 1, sizeof(*v));

	for (int i = 0; i < n; i++) {
		snprintf(v[i].volid, sizeof(v[i].volid), "%s:%s/%s%d.%s",
		    storage, content, name, i, strcmp(content, "iso") == 0 ?
		    "iso" : "tar.zst");
		snprintf(v[i].content, sizeof(v[i].content), "%s", content);
		v[i].size = 1000000;
		v[i].ctime = 1700000000;
	}
	if (n > 0)	/* a row of other content is not listed */
		snprintf(v[n - 1].content, sizeof(v[n - 1].content), "%s",
		    n > 1 ? "backup" : content);
	snprintf(a.upid, sizeof(a.upid), "%s", node);
	snprintf(a.store, sizeof(a.store), "%s", storage);
	a.rows = v;
	a.n = n;
	act(&a);
}

/* I pressed before pxtop's first storage list came: the library says
 * it is loading, not that there is nothing, and is read when the list
 * comes; a list that fails ends the wait. */
static void
test_iso_before_storage(void)
{
	started();
	press("I");
	is_int(S.view, TOP_ISO, "I before the storage list: the library");
	is_int(count_fx(TE_ISO_LIST), 0, "nothing to ask yet");
	is_int(S.iso_wait, 1, "it waits for the storage list");
	iso_storage();
	is_int(count_fx(TE_ISO_LIST), 3, "the list came: the library is "
	    "read from it");
	is_int(S.iso_wait, 0, "and waits no more");
	is_int(S.iso_pending, 3, "its three lists awaited");
	iso_answer("pve2", "local", "iso", "debian", 1);
	is_str(top_iso_cur(&S)->node, "pve2", "the first answer: its row");
	iso_answer("pve1", "local", "iso", "debian", 1);
	is_str(top_iso_cur(&S)->node, "pve1", "an unmoved cursor stays on "
	    "the first row as rows come in");
	press("j");	/* a row that sorts first comes after */
	iso_answer("pve1", "cephfs", "iso", "alpine", 1);
	ok(strcmp(top_iso_cur(&S)->volid, "local:iso/debian0.iso") == 0 &&
	    strcmp(top_iso_cur(&S)->node, "pve2") == 0, "a moved one follows "
	    "its row");

	/* away from the library when the list comes: nothing read */
	started();
	press("I");
	press("1");
	iso_storage();
	is_int(count_fx(TE_ISO_LIST), 0, "another view: not read");

	/* the storage list fails: the wait ends */
	started();
	press("I");
	list_failed(TOP_F_STORAGE);
	is_int(S.iso_wait, 0, "a failed storage list ends the wait");
	fresh(0);
}

static void
test_iso_library(void)
{
	const struct top_effect *e;
	struct top_action f = { .type = TA_FETCH_FAILED, .what = TOP_F_ISO };
	int nlist = 0, shared = 0, local = 0;

	fresh(0);
	iso_storage();
	press("I");
	is_int(S.view, TOP_ISO, "I shows the ISO library");
	for (int i = 0; i < FX.n; i++) {
		if (FX.e[i].type != TE_ISO_LIST)
			continue;
		nlist++;
		shared += strcmp(FX.e[i].arg, "nfs") == 0;
		local += strcmp(FX.e[i].arg, "local") == 0;
	}
	is_int(shared, 2, "a shared storage is asked once per content type "
	    "(iso, vztmpl), not per node");
	is_int(local, 1, "an unavailable storage and one without ISO content "
	    "are not asked");
	is_int(nlist, 3, "three lists asked in all");
	is_int(S.iso_pending, 3, "and awaited");
	press("R");
	is_int(count_fx(TE_ISO_LIST), 0, "R while they are on their way asks "
	    "nothing twice");
	iso_answer("pve1", "nfs", "iso", "debian", 3);
	iso_answer("pve1", "nfs", "vztmpl", "alpine", 1);
	snprintf(f.msg, sizeof(f.msg), "storage 'local' is not online");
	act(&f);
	is_int(S.niso, 3, "the rows of iso and vztmpl content are kept, "
	    "others dropped");
	is_int(S.iso_pending, 0, "every answer came");
	is_int(S.iso_failed, 1, "a storage that failed is counted");
	ok(strcmp(S.iso[0].volid, "nfs:iso/debian0.iso") == 0 &&
	    strcmp(S.iso[2].content, "vztmpl") == 0, "sorted by content, "
	    "then name");
	is_str(S.iso[0].node, "pve1", "each row knows the node it was "
	    "listed on");
	press("j");
	ok(top_iso_cur(&S) && strcmp(top_iso_cur(&S)->volid,
	    "nfs:iso/debian1.iso") == 0, "j moves to the next image");

	/* d: the delete of the one under the cursor, queued and previewed */
	press("d");
	is_int(S.view, TOP_QUEUE, "d in the ISO library queues a delete");
	is_int(S.nops, 1, "one operation");
	is_str(S.ops[0].action, "rmvolume", "a volume delete");
	is_str(S.ops[0].volid, "nfs:iso/debian1.iso", "of the volume under "
	    "the cursor");
	e = find_fx(TE_RISK);
	ok(e && strcmp(e->upid, "nfs:iso/debian1.iso") == 0 &&
	    strcmp(e->g.node, "pve1") == 0 && strcmp(e->arg, "nfs") == 0,
	    "its pre-flight preview is asked with volume, node and storage");
	{
		struct top_action r = { .type = TA_RISK, .id = S.ops[0].id };

		act(&r);
	}
	press("y");
	press("y");
	e = find_fx(TE_RUN);
	ok(e && strcmp(e->upid, "nfs:iso/debian1.iso") == 0 && e->n == 1,
	    "confirmed, it is sent through the gate with its volume");
	{
		struct top_action d = { .type = TA_OP_DONE, .id = S.ops[0].id };

		act(&d);
	}
	is_int(count_fx(TE_ISO_LIST), 3, "once done, the library is read "
	    "again");

	/* a read-only profile refuses at once */
	fresh(1);
	iso_storage();
	press("I");
	iso_answer("pve1", "nfs", "iso", "debian", 2);
	press("d");
	is_int(S.nops, 0, "read-only: d queues nothing");
	ok(strstr(S.status, "read-only") != NULL, "and says why");
	fresh(0);
	press("I");
	press("d");
	ok(strstr(S.status, "no ISO image") != NULL, "d with an empty "
	    "library says so");
	is_int(count_fx(TE_RISK), 0, "and queues nothing");
}

static void
test_ssh_key(void)
{
	const struct top_effect *e;

	fresh(0);
	press("3");
	press("j");
	press("C");
	e = find_fx(TE_SSH);
	ok(e && e->g.vmid == 101, "C in the guest view asks for an SSH "
	    "session to the selected guest");
	press("Enter");
	press("c");
	e = find_fx(TE_CONSOLE);
	ok(e && e->g.vmid == 101, "c in the guest's detail opens its console");
	press("C");
	ok(find_fx(TE_SSH) != NULL, "and C its SSH session");
	press("1");
	press("C");
	is_int(count_fx(TE_SSH), 0, "C with no guest selected runs nothing");
	ok(strstr(S.status, "no guest selected") != NULL, "and says why");
}

int
main(void)
{
	test_start_and_tick();
	test_stale();
	test_data_actions();
	test_views();
	test_help_scroll();
	test_cursor();
	test_sort_filter();
	test_search();
	test_marks();
	test_ops();
	test_op_progress();
	test_delete();
	test_migrate();
	test_snapshot();
	test_backup();
	test_read_only_actions();
	test_heat_before_nodes();
	test_backup_before_storage();
	test_palette_before_guests();
	test_wait_while_past();
	test_backup_board();
	test_pbs_board();
	test_snapshot_tree();
	test_hardware_before_guests();
	test_hardware();
	test_grep_before_guests();
	test_config_grep();
	test_heatmap();
	test_palette();
	test_quick_open();
	test_read_only();
	test_detail_and_log();
	test_detail_live();
	test_console_key();
	test_iso_before_storage();
	test_iso_library();
	test_ssh_key();
	test_audit();
	test_quit();
	top_state_free(&S);
	top_effects_free(&FX);
	return done_testing();
}
