/*
 * alerts -- the [alert NAME] sections of px.conf without the daemon:
 * eval runs one evaluation (the same the daemon runs on its timer, with
 * the same state in daemon.db, and delivers what fires), list shows the
 * alerts pending, firing and recently resolved, test sends a test event
 * to a route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alert_route.h"
#include "alert_state.h"
#include "cli.h"
#include "clock.h"
#include "daemon_db.h"

enum { O_RECENT = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_RECENT, "recent", "n", "list: the n most recently resolved "
	    "(default 20)" },
	PX_OPT_END
};

PX_COMMAND(alerts, "evaluate [alert] sections, list alerts, test a route",
    opts, NULL, "eval | list | test route");

static const struct out_col cols[] = {
	{ "alert", OT_STR, 0 }, { "when", OT_STR, 0 },
	{ "severity", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "key", OT_STR, 0 }, { "since", OT_TIME, 0 },
	{ "fired", OT_TIME, 0 }, { "resolved", OT_TIME, 0 },
	{ "summary", OT_STR, 0 },
};
enum { C_ALERT, C_WHEN, C_SEV, C_STATE, C_KEY, C_SINCE, C_FIRED,
	C_RESOLVED, C_SUMMARY, C_N };

static int
row(void *arg, const char *state, const struct alert_event *ev,
    long long ended)
{
	struct out *o = arg;

	out_row(o);
	out_str(o, C_ALERT, ev->rule);
	out_str(o, C_WHEN, ev->kind);
	out_str(o, C_SEV, ev->severity);
	out_str(o, C_STATE, state);
	out_str(o, C_KEY, ev->key);
	out_int(o, C_SINCE, ev->since);
	if (ev->at > 0)
		out_int(o, C_FIRED, ev->at);
	else
		out_null(o, C_FIRED);
	if (ended > 0)
		out_int(o, C_RESOLVED, ended);
	else
		out_null(o, C_RESOLVED);
	out_str(o, C_SUMMARY, ev->summary);
	return 0;
}

static void
delivered(void *arg, const struct alert_event *ev, const struct px_err *err)
{
	int *failed = arg;

	if (err) {
		(*failed)++;
		px_warn("%s %s %s: not delivered: %s", ev->rule, ev->event,
		    ev->key, err->msg);
	}
}

static int
list(struct px_cli *x, sqlite3 *db, int recent, struct px_err *e)
{
	struct out *o = out_new(&x->out, cols, C_N);
	int rc = 0;

	if (alert_state_each(db, recent, row, o, e) != 0 ||
	    cli_print(x, o, e) != 0)
		rc = -1;
	out_free(o);
	return rc;
}

static int
test_route(struct px_cli *x, const char *route, struct px_err *e)
{
	struct alert_event ev = { 0 };
	const char *why;

	if ((why = alert_route_problem(route)) != NULL)
		return px_fail(e, PXE_USAGE, "route '%.200s': %s", route, why);
	snprintf(ev.event, sizeof(ev.event), "test");
	snprintf(ev.rule, sizeof(ev.rule), "test");
	snprintf(ev.kind, sizeof(ev.kind), "test");
	snprintf(ev.key, sizeof(ev.key), "test");
	snprintf(ev.severity, sizeof(ev.severity), "info");
	snprintf(ev.summary, sizeof(ev.summary), "a test of route %.300s "
	    "from px alerts test", route);
	ev.since = ev.at = px_now();
	snprintf(ev.route, sizeof(ev.route), "%s", route);
	if (alert_route_send(&x->conf, &ev, e) != 0)
		return -1;
	fprintf(stderr, "%s: delivered\n", px_progname);
	return 0;
}

int
alerts_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_getopt g;
	struct px_err e;
	struct alert_rule *r = NULL;
	struct alert_cycle res;
	sqlite3 *db = NULL;
	int ch, nr = 0, rc = 0, recent = 20, failed = 0;
	const char *sub;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_alerts, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_RECENT:
			recent = atoi(g.arg);
			if (recent < 0 || recent > 100000 ||
			    strspn(g.arg, "0123456789") != strlen(g.arg))
				px_errx(PX_EXIT_USAGE, "--recent: '%s' is not "
				    "a count", g.arg);
			break;
		default:
			px_usage(&px_cmd_alerts);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_alerts);
	sub = argv[0];
	if ((strcmp(sub, "test") == 0) != (argc == 2) || argc > 2)
		px_usage(&px_cmd_alerts);
	if (cli_load(&x, &e) != 0)
		px_die(&e);
	if (strcmp(sub, "test") == 0) {
		if (test_route(&x, argv[1], &e) != 0)
			px_die(&e);
		cli_free(&x);
		return 0;
	}
	if (strcmp(sub, "eval") != 0 && strcmp(sub, "list") != 0)
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (eval, list, "
		    "test)", sub);
	if ((db = daemon_db_open(NULL, &e)) == NULL ||
	    alert_state_init(db, &e) != 0)
		px_die(&e);
	if (strcmp(sub, "list") == 0) {
		if (list(&x, db, recent, &e) != 0)
			rc = px_report(&e);
		goto out;
	}
	if (alert_rules_load(&x.conf, &r, &nr, &e) != 0)
		px_die(&e);
	if (nr == 0)
		px_errx(PX_EXIT_CONFIG, "%s has no [alert NAME] section",
		    x.conf.path);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (alert_cycle_run(&x.conf, x.client, db, r, nr, px_now(), &res,
	    delivered, &failed, &e) != 0)
		px_die(&e);
	if (res.unjudged)
		px_warn("%d of %d alerts not evaluated: %s", res.unjudged,
		    res.rules, res.why.msg);
	if (list(&x, db, 0, &e) != 0)
		rc = px_report(&e);
	else if (res.firing > 0)
		rc = 1;
	else if (res.unjudged)
		rc = px_exit_code(&res.why);
	else if (failed)
		rc = 1;
out:
	free(r);
	daemon_db_close(db);
	cli_free(&x);
	return rc;
}
