/*
 * gate.c -- the gate and the mutation layer without a cluster: each
 * refusal (read-only, freeze, risk, unconfirmed, approval, precondition),
 * the dry run, the audit rows and their order, and the policies of
 * lib/mutation.c.  The one server is none at all: a request to a closed
 * port shows that the intent is audited before the call and its failure
 * after.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "audit.h"
#include "conf.h"
#include "enc.h"
#include "freeze.h"
#include "gate.h"
#include "mutation.h"
#include "tap.h"

/* Does text match the extended regular expression re? */
static void
like(const char *text, const char *re, const char *name)
{
	regex_t rx;
	int m;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE) != 0) {
		ok(0, "%s: bad pattern %s", name, re);
		return;
	}
	m = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	if (!ok(m, "%s", name))
		printf("#   '%s' !~ /%s/\n", text, re);
}

static char dir[] = "/tmp/px-gate-XXXXXX";
static struct px_conf conf;

static const char conf_text[] =
    "[profile lab]\n"
    "url = https://127.0.0.1:1\n"
    "user = root@pam\n"
    "token_id = px\n"
    "token_secret = 00000000-0000-0000-0000-000000000000\n"
    "insecure = yes\n"
    "retries = 0\n"
    "[profile ro]\n"
    "url = https://127.0.0.1:1\n"
    "user = root@pam\n"
    "token_id = px\n"
    "token_secret = 00000000-0000-0000-0000-000000000000\n"
    "insecure = yes\n"
    "read_only = yes\n"
    "[policy deletes]\n"
    "action = delete\n";

/* The audit rows so far, "decision target result" per line. */
struct rows {
	char text[1 << 18];
	int n;
	long long last_intent, last_ref;
};

static int
each_row(const struct audit_entry *ent, void *arg)
{
	struct rows *r = arg;
	size_t k = strlen(r->text);

	snprintf(r->text + k, sizeof(r->text) - k, "%s %s %s\n",
	    ent->decision, ent->target, ent->result ? ent->result : "-");
	if (strcmp(ent->decision, "allowed") == 0)
		r->last_intent = ent->id;
	if (ent->ref)
		r->last_ref = ent->ref;
	r->n++;
	return 0;
}

static struct rows rows, before, after;

static void
audit_rows(struct rows *r)
{
	struct px_err e;
	struct audit *a = audit_open(&e);

	memset(r, 0, sizeof(*r));
	if (a == NULL) {
		ok(0, "audit log opens: %s", e.msg);
		return;
	}
	audit_each(a, 0, 0, each_row, r, &e);
	audit_close(a);
}

static const struct px_profile *
profile(const char *name)
{
	struct px_err e;
	const struct px_profile *p = conf_profile(&conf, name, PX_KIND_PVE, &e);

	if (p == NULL)
		printf("# %s\n", e.msg);
	return p;
}

/* A change of n targets without guests (nothing to ask a server). */
static void
req(struct gate_req *r, const char *action, int n)
{
	gate_req_init(r, action, "node", n);
	for (int i = 0; i < n; i++) {
		struct gate_target *t = &r->t[i];

		snprintf(t->id, sizeof(t->id), "node/pve%d", i + 1);
		snprintf(t->summary, sizeof(t->summary), "%s node pve%d",
		    action, i + 1);
		t->call.method = "POST";
		buf_printf(&t->call.path, "/nodes/pve%d/%s", i + 1, action);
		form_add(&t->call.form, "password", "hunter2");
	}
	gate_req_summarize(r, action);
}

static void
test_read_only(void)
{
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };

	gate_init(&g, &conf, profile("ro"), NULL);
	req(&r, "startall", 2);
	is_int(gate_check(&g, &r, &e), -1, "a read-only profile refuses");
	is_int(e.id, PXE_READ_ONLY, "as refused-read-only (exit %d)",
	    px_exit_code(&e));
	ok(r.t[0].refused && r.t[1].refused, "every target is refused");
	gate_free(&g);
	audit_rows(&rows);
	is_str(rows.text, "refused-read-only node/pve1 profile ro is "
	    "read-only: startall 2 nodes: node/pve1, node/pve2 refused\n"
	    "refused-read-only node/pve2 profile ro is read-only: startall "
	    "2 nodes: node/pve1, node/pve2 refused\n",
	    "each refusal is audited, one row per request");
	gate_req_free(&r);
}

static void
test_frozen(void)
{
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };

	is_int(freeze_set("lab", "incident 42", 600, &e), 0, "freeze lab");
	gate_init(&g, &conf, profile("lab"), NULL);
	req(&r, "startall", 1);
	is_int(gate_check(&g, &r, &e), -1, "a frozen profile refuses");
	is_int(e.id, PXE_FROZEN, "as refused-frozen");
	ok(strstr(e.msg, "incident 42") != NULL, "saying why: %s", e.msg);
	is_int(freeze_clear("lab", &e), 0, "thaw lab");
	gate_req_free(&r);
	req(&r, "startall", 1);
	is_int(gate_check(&g, &r, &e), 0, "thawed: the change may go");
	gate_req_free(&r);
	gate_free(&g);
}

static void
test_confirm_and_bulk(void)
{
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };

	gate_init(&g, &conf, profile("lab"), NULL);
	req(&r, "stopall", 3);
	r.destructive = 1;
	is_int(gate_check(&g, &r, &e), GATE_CONFIRM, "a destructive change "
	    "asks its caller for confirmation, once");
	g.yes = 1;
	is_int(gate_check(&g, &r, &e), 0, "not with -y");
	g.yes = 0;
	g.dry_run = 1;
	is_int(gate_check(&g, &r, &e), 0, "nor in a dry run");
	g.dry_run = 0;
	gate_req_free(&r);

	req(&r, "startall", 50);
	is_int(gate_check(&g, &r, &e), -1, "50 targets at once: refused");
	is_int(e.id, PXE_REFUSED_RISK, "by the pre-flight check (BulkCount)");
	ok(strstr(e.msg, "BulkCount") != NULL, "which says so: %s", e.msg);
	gate_req_free(&r);
	req(&r, "startall", 50);
	g.allow_risk = 1;
	is_int(gate_check(&g, &r, &e), 0, "--allow-risk lets it go");
	gate_req_free(&r);
	gate_free(&g);
}

static void
test_dry_run(void)
{
	struct gate g;
	struct gate_req r;
	struct gate_result res;
	struct px_err e = { 0 };

	audit_rows(&before);
	gate_init(&g, &conf, profile("lab"), NULL);
	g.dry_run = 1;
	req(&r, "startall", 1);
	is_int(gate_check(&g, &r, &e), 0, "dry run: checked");
	is_int(gate_approve(&g, &r, &e), 0, "no approval asked");
	is_int(gate_send(&g, &r, 0, &res, &e), 0, "and not sent");
	ok(res.dry_run, "the result says it was a dry run");
	is_str(res.would_send, "POST /nodes/pve1/startall password=REDACTED",
	    "what would be sent, secrets redacted");
	gate_result_free(&res);
	gate_req_free(&r);
	audit_rows(&after);
	is_int(after.n, before.n, "a dry run writes no audit row");

	/* a node named ".." would send the request elsewhere than shown */
	gate_req_init(&r, "startall", "node", 1);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "node/..");
	r.t[0].call.method = "POST";
	buf_adds(&r.t[0].call.path, "/nodes/../qemu/100/status/start");
	is_int(gate_send(&g, &r, 0, &res, &e), -1, "a \"..\" segment: refused "
	    "in a dry run too");
	is_int(e.id, PXE_USAGE, "as a usage error (exit 2)");
	ok(!res.dry_run && res.would_send[0] == '\0', "nothing shown as if it "
	    "would be sent");
	gate_result_free(&res);
	gate_req_free(&r);
	gate_free(&g);
}

static void
test_approval(void)
{
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };

	gate_init(&g, &conf, profile("lab"), NULL);
	req(&r, "delete", 2);
	is_int(gate_check(&g, &r, &e), 0, "checked");
	is_int(gate_approve(&g, &r, &e), -1, "a [policy] asks for approval: "
	    "with no Telegram configured, nobody can give it");
	is_int(e.id, PXE_HITL_DENIED, "refused-hitl (exit %d)",
	    px_exit_code(&e));
	ok(r.t[0].refused && r.t[1].refused, "the whole batch is refused");
	gate_free(&g);
	audit_rows(&rows);
	like(rows.text, "refused-hitl node/pve1 .*\nrefused-hitl node/pve2 ",
	    "and audited");
	gate_req_free(&r);

	gate_init(&g, &conf, profile("lab"), NULL);
	req(&r, "reboot", 1);
	is_int(gate_approve(&g, &r, &e), 0, "an action no policy names needs "
	    "no approval");
	gate_req_free(&r);
	gate_free(&g);
}

static void
test_precondition(void)
{
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };

	gate_init(&g, &conf, profile("lab"), NULL);
	req(&r, "startall", 2);
	px_fail(&e, PXE_FAILURE, "pve1 is offline");
	gate_refuse_target(&g, &r, 0, "refused-precondition", &e);
	memset(&e, 0, sizeof(e));
	is_int(gate_check(&g, &r, &e), 0, "the other target may go");
	ok(r.t[0].refused && !r.t[1].refused, "the refused one stays refused");
	gate_free(&g);
	audit_rows(&rows);
	like(rows.text, "refused-precondition node/pve1 pve1 is offline\n$",
	    "a command's own refusal is audited like the gate's");
	gate_req_free(&r);
}

/* A target refused before its request was built (a blocked guest of an
 * evacuation, a migrate whose target node went away): audited too, under
 * the target's own id, not the change's. */
static void
test_precondition_unbuilt(void)
{
	struct gate g;
	struct gate_req r;
	struct pve_guest gu = { 0 };
	struct px_err e = { 0 };

	gate_init(&g, &conf, profile("lab"), NULL);
	gate_req_init(&r, "evacuate", "node", 2);
	snprintf(r.id, sizeof(r.id), "node/pve1");
	gu.vmid = 104;
	snprintf(gu.type, sizeof(gu.type), "qemu");
	snprintf(gu.node, sizeof(gu.node), "pve1");
	gate_target_guest(&r.t[0], &gu);
	gate_target_guest(&r.t[1], &gu);
	r.t[1].guest.vmid = 105;
	snprintf(r.t[1].id, sizeof(r.t[1].id), "vm/105");
	audit_rows(&before);
	px_fail(&e, PXE_FAILURE, "pve9 is offline");
	gate_refuse_target(&g, &r, 0, "refused-precondition", &e);
	audit_rows(&after);
	is_int(after.n, before.n + 1, "a target with no request yet: one row");
	like(after.text, "refused-precondition vm/104 pve9 is offline\n$",
	    "under the target's id, with the reason");
	gate_refuse_all(&g, &r, "refused-precondition", &e);
	audit_rows(&rows);
	is_int(rows.n, after.n + 1, "the rest refused: one row each");
	like(rows.text, "refused-precondition vm/105 pve9 is offline\n$",
	    "the other target under its own id");
	gate_free(&g);
	gate_req_free(&r);
}

static void
test_audit_order(void)
{
	struct gate g;
	struct gate_req r;
	struct gate_result res;
	struct px_client *c;
	struct px_err e = { 0 };
	const char *text;

	if ((c = px_client_new(&conf, profile("lab"), NULL, &e)) == NULL) {
		ok(0, "a client: %s", e.msg);
		return;
	}
	audit_rows(&before);
	gate_init(&g, &conf, profile("lab"), c);
	g.yes = 1;
	req(&r, "startall", 1);
	is_int(gate_check(&g, &r, &e), 0, "checked");
	is_int(gate_send(&g, &r, 0, &res, &e), -1, "nobody listens: the call "
	    "fails");
	is_int(e.id, PXE_TRANSPORT, "as a transport error: %s", e.msg);
	gate_result_free(&res);
	gate_free(&g);
	audit_rows(&rows);
	is_int(rows.n - before.n, 2, "two rows: the intent, then its result");
	text = rows.text + strlen(before.text);
	like(text, "^allowed node/pve1 pending\nresult node/pve1 ",
	    "the intent is written before the call, its result after");
	ok(rows.last_ref == rows.last_intent && rows.last_ref > 0,
	    "the result refers to its intent (%lld)", rows.last_ref);
	gate_req_free(&r);
	px_client_free(c);
}

/* An audit row that a trigger drops: nothing is sent. */
static void
test_audit_dropped(void)
{
	struct gate g;
	struct gate_req r;
	struct gate_result res;
	struct px_client *c;
	struct px_err e = { 0 };
	char db[400];
	sqlite3 *s;

	snprintf(db, sizeof(db), "%s/data/px/audit.db", dir);
	if (sqlite3_open(db, &s) != SQLITE_OK ||
	    sqlite3_exec(s, "CREATE TRIGGER drop_rows BEFORE INSERT ON audit "
	    "BEGIN SELECT RAISE(IGNORE); END", NULL, NULL, NULL) != SQLITE_OK) {
		ok(0, "a trigger on %s", db);
		return;
	}
	if ((c = px_client_new(&conf, profile("lab"), NULL, &e)) == NULL) {
		ok(0, "a client: %s", e.msg);
		return;
	}
	gate_init(&g, &conf, profile("lab"), c);
	req(&r, "startall", 1);
	is_int(gate_check(&g, &r, &e), 0, "checked");
	is_int(gate_send(&g, &r, 0, &res, &e), -1, "an intent the log drops: "
	    "refused");
	ok(strstr(e.msg, "was not written") != NULL, "before the call (not a "
	    "transport error): %s", e.msg);
	ok(strstr(e.hint, "nothing was sent") != NULL, "the hint says "
	    "nothing was sent");
	gate_result_free(&res);
	gate_req_free(&r);
	gate_free(&g);
	px_client_free(c);
	sqlite3_exec(s, "DROP TRIGGER drop_rows", NULL, NULL, NULL);
	sqlite3_close(s);
}

/* ---- the mutation layer ---- */

static int nwould;

static void
count_would(void *arg, const char *text)
{
	(void)arg;
	(void)text;
	nwould++;
}

static void
test_mutation_dry_run(void)
{
	struct gate g;
	struct gate_req r;
	struct mutation_opts o = { 0 };
	struct mutation_ui ui = { .would_send = count_would };
	struct mut_row rows[3] = { 0 };
	struct px_err e = { 0 };

	gate_init(&g, &conf, profile("lab"), NULL);
	g.dry_run = 1;
	req(&r, "startall", 3);
	is_int(mutation_nrows(&r), 3, "one row per request");
	is_int(mutation_run(&g, &r, &o, &ui, rows, &e), 0, "a dry run passes");
	is_int(nwould, 3, "and tells what each request would send");
	is_str(rows[2].result, "dry-run", "every row says dry-run");
	is_str(rows[0].action, "startall", "with its action");
	gate_req_free(&r);
	gate_free(&g);
}

static void
test_mutation_canary(void)
{
	struct gate g;
	struct gate_req r;
	struct mutation_opts o = { 0 };
	struct mut_row rows[4] = { 0 };
	struct px_client *c;
	struct px_err e = { 0 };

	if ((c = px_client_new(&conf, profile("lab"), NULL, &e)) == NULL) {
		ok(0, "a client: %s", e.msg);
		return;
	}
	is_int(mutation_parse_policy("canary", &o), 0, "--policy canary");
	is_int(o.step, 1, "one canary by default");
	gate_init(&g, &conf, profile("lab"), c);
	req(&r, "startall", 4);
	is_int(mutation_run(&g, &r, &o, NULL, rows, &e), -1, "the canary "
	    "fails (nobody listens)");
	is_str(rows[0].result, "failed", "its row says failed");
	is_str(rows[1].result, "skipped", "the rest are not attempted");
	is_str(rows[3].result, "skipped", "none of them");
	ok(strstr(rows[3].message, "--policy canary") != NULL, "saying why: %s",
	    rows[3].message);
	gate_req_free(&r);
	gate_free(&g);
	px_client_free(c);
}

static void
test_policies(void)
{
	struct mutation_opts o = { 0 };

	is_int(mutation_parse_policy("rolling=3", &o), 0, "rolling=3");
	ok(o.policy == MUTATION_ROLLING && o.step == 3, "K = 3");
	is_int(mutation_parse_policy("all", &o), 0, "all");
	is_int(mutation_parse_policy("all=2", &o), -1, "all takes no number");
	is_int(mutation_parse_policy("canary=0", &o), -1, "canary=0 is none");
	is_int(mutation_parse_policy("rolling=x", &o), -1, "not a number");
	is_int(mutation_parse_policy("bogus", &o), -1, "an unknown policy");
}

static void
test_summary(void)
{
	struct gate_req r;
	struct pve_guest a = { .vmid = 101, .type = "qemu", .name = "web" };
	struct pve_guest b = { .vmid = 102, .type = "lxc", .name = "" };

	gate_req_init(&r, "stop", "guest", 2);
	gate_target_guest(&r.t[0], &a);
	gate_target_guest(&r.t[1], &b);
	is_str(r.t[1].id, "ct/102", "a container's audit target");
	gate_req_summarize(&r, "stop");
	is_str(r.summary, "stop 2 guests: VM 101 (web), CT 102 (no name)",
	    "a batch is asked about as one");
	gate_req_free(&r);
}

int
main(void)
{
	char path[300], data[300];
	struct px_err e;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/px.conf", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	mkdir(data, 0700);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	unsetenv("PX_TOKEN_SECRET");
	f = fopen(path, "w");
	fputs(conf_text, f);
	fclose(f);
	chmod(path, 0600);
	if (conf_load_file(&conf, path, &e) != 0) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}
	test_read_only();
	test_frozen();
	test_confirm_and_bulk();
	test_dry_run();
	test_approval();
	test_precondition();
	test_precondition_unbuilt();
	test_audit_order();
	test_audit_dropped();
	test_mutation_dry_run();
	test_mutation_canary();
	test_policies();
	test_summary();
	conf_free(&conf);
	return done_testing();
}
