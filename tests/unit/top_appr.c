/*
 * top_appr.c -- pxtop's approvals view (A): its reducer actions driven
 * directly (open and read, the rows shown with and without h, Enter,
 * approve and deny with their confirmation, refusals when the operator
 * is not an approver, for their own request, for a tampered row or one
 * already answered, the answer coming back, pxtop's own operations
 * waiting on Telegram), and the view drawn into libtickit's mock
 * terminal, hostile text from the queue included.  No I/O: the queue is
 * read and answered by cmd/top (tests/cli/top-approvals.t).
 */
#include <stdlib.h>
#include <string.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "tap.h"
#include "top_past.h"
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

static const char *
line_with(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return screen[i];
	return NULL;
}

static int
screen_clean(void)
{
	for (int i = 0; i < LINES; i++)
		for (const char *p = screen[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
	return 1;
}

/* A row of the queue as cmd/top makes it. */
static void
row(struct top_appr_row *r, long long id, const char *state,
    const char *requester, int may, const char *summary)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	snprintf(r->state, sizeof(r->state), "%s", state);
	r->final = strcmp(state, "pending") != 0 && strcmp(state, "asked") !=
	    0 && strcmp(state, "approved") != 0 && strcmp(state, "running") !=
	    0;
	r->created = 1000 - 90;
	snprintf(r->requester, sizeof(r->requester), "%s", requester);
	snprintf(r->action, sizeof(r->action), "stop");
	snprintf(r->kind, sizeof(r->kind), "guest");
	snprintf(r->summary, sizeof(r->summary), "%s", summary);
	snprintf(r->policy, sizeof(r->policy), "ops");
	snprintf(r->risk, sizeof(r->risk), "warn Running: it runs");
	r->intact = 1;
	r->may = may;
	r->own = strncmp(requester, "bob@", 4) == 0;
	if (!may)
		snprintf(r->why, sizeof(r->why), "bob is not a local_approver "
		    "of [policy ops] in px.conf");
	snprintf(r->text, sizeof(r->text), "POST /nodes/pve1/qemu/%lld/"
	    "status/stop\nvm/101: PUT /x password=REDACTED", id + 99);
}

/* The queue read: 1 pending by alice, 2 asked by bob (own), 3 pending
 * not ours to answer, 4 done, 5 pending and tampered. */
static void
setup(void)
{
	struct top_action a = { .type = TA_APPR_LIST, .now = 1000 };
	struct top_appr_row *r = calloc(5, sizeof(*r));

	top_state_free(&S);
	top_state_init(&S, "sim", 0, 3000, LINES, COLS);
	snprintf(S.ap.me, sizeof(S.ap.me), "bob@host");
	press("A");
	row(&r[0], 1, "pending", "alice@host", 1, "stop VM 100 (web)");
	row(&r[1], 2, "asked", "bob@host", 1, "stop VM 101 (db)");
	row(&r[2], 3, "pending", "alice@host", 0, "stop VM 102");
	row(&r[3], 4, "done", "alice@host", 1, "stop VM 103");
	row(&r[4], 5, "pending", "alice@host", 1, "stop VM 104");
	r[4].intact = 0;
	snprintf(r[4].risk, sizeof(r[4].risk), "tampered");
	a.rows = r;
	a.n = 5;
	act(&a);
}

static void
cursor_on(long long id)
{
	for (int i = 0; i < top_appr_nth(&S, -1, NULL, NULL); i++) {
		const struct top_appr_row *r;

		top_appr_nth(&S, i, &r, NULL);
		if (r && r->id == id) {
			S.cur[TOP_APPR] = i;
			return;
		}
	}
}

static void
test_open(void)
{
	struct top_action tick = { .type = TA_TICK, .now = 1003 };

	top_state_free(&S);
	top_state_init(&S, "sim", 0, 3000, LINES, COLS);
	press("A");
	is_int(S.view, TOP_APPR, "A shows the approvals view");
	ok(find_fx(TE_APPR_LIST) != NULL, "and reads the queue");
	press("R");
	ok(find_fx(TE_APPR_LIST) == NULL, "R while a read is on its way: not "
	    "asked twice");
	setup();
	is_int(top_appr_nth(&S, -1, NULL, NULL), 4, "four open rows: the "
	    "done one hidden");
	act(&tick);
	ok(find_fx(TE_APPR_LIST) != NULL, "read again with the refresh");
	press("h");
	is_int(top_appr_nth(&S, -1, NULL, NULL), 5, "h: the finished one too");
	press("h");
	is_int(top_appr_nth(&S, -1, NULL, NULL), 4, "h again: open ones only");
	press("1");
	act(&tick);
	ok(find_fx(TE_APPR_LIST) == NULL, "not read while another view shows");
}

static void
test_approve(void)
{
	const struct top_effect *e;
	struct top_action done = { .type = TA_APPR_DONE, .id = 1,
		.msg = "request 1 approved by bob@host via pxtop" };

	setup();
	cursor_on(1);
	press("a");
	is_int(S.ap.confirm, 'a', "a asks for a confirmation");
	ok(strstr(S.status, "Approve request 1") != NULL, "naming the "
	    "request: %s", S.status);
	ok(find_fx(TE_APPR_DECIDE) == NULL, "nothing decided yet");
	press("n");
	ok(S.ap.confirm == 0 && find_fx(TE_APPR_DECIDE) == NULL &&
	    strstr(S.status, "not confirmed"), "another key cancels: nothing "
	    "changed");
	press("a");
	press("y");
	e = find_fx(TE_APPR_DECIDE);
	ok(e && e->appr == 1 && e->n == 1, "y: approve request 1");
	ok(S.ap.deciding, "the answer is on its way");
	press("a");
	ok(find_fx(TE_APPR_DECIDE) == NULL && S.ap.confirm == 0,
	    "no second answer while one is on its way");
	act(&done);
	ok(!S.ap.deciding && strstr(S.status, "approved by bob@host"),
	    "the answer: %s", S.status);
	ok(find_fx(TE_APPR_LIST) != NULL, "the queue read again");
	/* deny */
	setup();
	cursor_on(1);
	press("d");
	is_int(S.ap.confirm, 'd', "d asks for a confirmation");
	press("y");
	e = find_fx(TE_APPR_DECIDE);
	ok(e && e->appr == 1 && e->n == 0, "y: deny request 1");
	done.rc = -1;
	snprintf(done.msg, sizeof(done.msg), "approval request 1 is approved: "
	    "not denied");
	act(&done);
	ok(strncmp(S.status, "refused: approval request 1 is approved", 39) ==
	    0, "a refused answer shows why: %s", S.status);
}

static void
test_refusals(void)
{
	setup();
	cursor_on(3);
	press("a");
	ok(S.ap.confirm == 0 && strstr(S.status, "refused: bob is not a "
	    "local_approver"), "not an approver: a refused, saying why");
	press("d");
	ok(S.ap.confirm == 0 && strstr(S.status, "local_approver"),
	    "and d");
	cursor_on(2);
	press("a");
	ok(S.ap.confirm == 0 && strstr(S.status, "four eyes"),
	    "own request: approve refused (four eyes): %s", S.status);
	press("d");
	is_int(S.ap.confirm, 'd', "own request: deny is allowed");
	press("Escape");
	cursor_on(5);
	press("a");
	ok(S.ap.confirm == 0 && strstr(S.status, "seal"), "tampered: never "
	    "approved: %s", S.status);
	press("h");
	cursor_on(4);
	press("a");
	ok(S.ap.confirm == 0 && strstr(S.status, "is done"),
	    "done: not answered again: %s", S.status);
	/* the screen shows the past ([): no answer from it */
	setup();
	cursor_on(1);
	S.past = calloc(1, sizeof(*S.past));
	press("a");
	ok(S.ap.confirm == 0 && strstr(S.status, "past"), "time travel: a "
	    "refused: %s", S.status);
	free(S.past);
	S.past = NULL;
}

static void
test_own_ops(void)
{
	struct top_action aw = { .type = TA_OP_AWAIT, .now = 1010, .n = 4,
		.msg = "ops" };
	struct top_action sub = { .type = TA_OP_SUBMITTED, .now = 1012 };
	struct top_action g = { .type = TA_GUESTS, .now = 1000 };
	struct pve_guest *gs = calloc(1, sizeof(*gs));

	setup();
	gs->vmid = 100;
	snprintf(gs->name, sizeof(gs->name), "web");
	snprintf(gs->node, sizeof(gs->node), "pve1");
	snprintf(gs->status, sizeof(gs->status), "running");
	snprintf(gs->type, sizeof(gs->type), "qemu");
	g.rows = gs;
	g.n = 1;
	act(&g);
	press("3");
	press("S");
	S.ops[0].st = TOP_OP_RUNNING;
	aw.id = S.ops[0].id;
	act(&aw);
	is_int(S.ops[0].await_since, 1006, "TA_OP_AWAIT: waiting since then");
	press("A");
	is_int(top_appr_nth(&S, -1, NULL, NULL), 5, "pxtop's own waiting "
	    "operation is listed");
	S.cur[TOP_APPR] = 4;
	press("a");
	ok(strstr(S.status, "waits on Telegram") && S.ap.confirm == 0,
	    "and answered on Telegram, not here: %s", S.status);
	draw();
	ok(line_with("Q#1") && strstr(line_with("Q#1"), "telegram"),
	    "drawn as pxtop's, on Telegram");
	aw.rc = 1;
	act(&aw);
	is_int(top_appr_nth(&S, -1, NULL, NULL), 4, "answered (rc 1): no "
	    "longer waiting");
	aw.rc = 0;
	act(&aw);
	sub.id = S.ops[0].id;
	act(&sub);
	is_int(top_appr_nth(&S, -1, NULL, NULL), 4, "submitted: no longer "
	    "waiting");
}

static void
test_render(void)
{
	struct top_action a = { .type = TA_APPR_LIST, .now = 1000 };
	struct top_appr_row *r = calloc(1, sizeof(*r));
	const char *l;

	setup();
	draw();
	ok(line_with("Approvals: 4 waiting for an answer") != NULL,
	    "the title counts the waiting requests");
	ok(line_with(" A Approvals ") != NULL, "A has a tab: %s", screen[1]);
	l = line_with("ID STATE");
	ok(l && strstr(l, "REQUESTER") && strstr(l, "PRE-FLIGHT") &&
	    strstr(l, "POLICY") && strstr(l, "AGE"), "the columns");
	l = line_with("stop VM 100");
	ok(l && strstr(l, "pending") && strstr(l, "alice@host") &&
	    strstr(l, "90s") && strstr(l, "warn Running") && strstr(l, "ops")
	    && strstr(l, "a/d"), "a row: state, requester, age, pre-flight, "
	    "policy, keys: %s", l ? l : "");
	l = line_with("stop VM 101");
	ok(l && strstr(l, "yours: deny only"), "own request: deny only");
	l = line_with("stop VM 102");
	ok(l && strstr(l, "not an approver"), "not ours: not an approver");
	l = line_with("stop VM 104");
	ok(l && strstr(l, "TAMPERED") && strstr(l, "never approved"),
	    "a tampered row shown as such");
	ok(line_with("stop VM 103") == NULL, "the done one hidden");
	ok(strstr(screen[LINES - 1], "a approve") && strstr(screen[LINES - 1],
	    "d deny"), "the footer names the keys");
	cursor_on(1);
	press("Enter");
	draw();
	ok(line_with("Approval request 1: stop VM 100") != NULL, "Enter: the "
	    "request");
	ok(line_with("POST /nodes/pve1/qemu/100/status/stop") != NULL,
	    "its method and path");
	ok(line_with("password=REDACTED") != NULL, "its form, redacted");
	ok(line_with("may approve (a) or deny (d)") != NULL, "what you may do");
	press("Escape");
	ok(!S.ap.open, "Esc closes it");
	/* hostile text from the queue: drawn clean, bounded */
	memset(r, 0, sizeof(*r));
	r->id = 9;
	snprintf(r->state, sizeof(r->state), "pending");
	snprintf(r->requester, sizeof(r->requester), "eve\033]0;pwn\007@h");
	memset(r->summary, 'x', sizeof(r->summary) - 1);
	memcpy(r->summary, "stop \033[2J\r\n", 11);
	snprintf(r->text, sizeof(r->text), "POST /a\033[31m\n\tb");
	r->intact = 1;
	a.rows = r;
	a.n = 1;
	act(&a);
	S.cur[TOP_APPR] = 0;
	draw();
	ok(screen_clean(), "controls from the queue are not drawn");
	ok(line_with("eve") != NULL, "the row is there");
	press("Enter");
	draw();
	ok(screen_clean(), "nor in the request");
	press("Escape");
	/* an empty queue, and a failed read */
	a.rows = NULL;
	a.n = 0;
	act(&a);
	draw();
	ok(line_with("No request waits for approval") != NULL, "an empty "
	    "queue says so");
	a.rc = -1;
	snprintf(a.msg, sizeof(a.msg), "approvals queue: no data dir");
	act(&a);
	draw();
	ok(line_with("approvals queue: no data dir") != NULL, "a failed read "
	    "says why");
}

static void
test_keymap(void)
{
	int k = 0;

	for (int i = 0; i < top_nkeymap; i++)
		k |= strncmp(top_keymap[i], "A ", 2) == 0;
	ok(k, "the keymap lists A");
	is_str(top_view_name(TOP_APPR), "Approvals", "the view's name");
}

int
main(void)
{
	mt = tickit_mockterm_new(LINES, COLS);
	test_open();
	test_approve();
	test_refusals();
	test_own_ops();
	test_render();
	test_keymap();
	top_state_free(&S);
	top_effects_free(&FX);
	tickit_mockterm_destroy(mt);
	return done_testing();
}
