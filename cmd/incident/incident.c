/*
 * incident -- freeze a profile (or every profile) during an incident so
 * that no px changes anything there, thaw it, and show the freezes in
 * force.
 *
 * A freeze is local (freeze.json in the data dir, see lib/freeze.h) and
 * the gate refuses every mutation under it.  Freeze and thaw are audited.
 * The two fail in opposite directions: a freeze takes effect even when
 * the audit log cannot be written (it only makes px more careful, and the
 * failure is reported), while a thaw is refused unless it can be audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "enc.h"
#include "freeze.h"

enum { O_REASON = PX_O_LONG, O_TTL };

/* freeze and thaw take -A -p --reason (freeze also --ttl); status takes
 * the output options. */
static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_SORT,
	{ 'A', "all-profiles", NULL, "freeze or thaw every profile" },
	{ 'p', "profile", "profile", "the profile to freeze or thaw" },
	{ O_REASON, "reason", "text", "why: needed by freeze and thaw" },
	{ O_TTL, "ttl", "ttl",
	    "with freeze: how long it holds (4h by default)" },
	PX_OPT_END
};

PX_COMMAND(incident, "freeze changes to a profile during an incident, thaw, "
    "show freezes", opts, "freeze | thaw | status", NULL);

#define DEFAULT_TTL	(4 * 3600)

static const struct out_col status_cols[] = {
	{ "scope", OT_STR, 0 },
	{ "reason", OT_STR, 0 },
	{ "by", OT_STR, 0 },
	{ "since", OT_TIME, 0 },
	{ "until", OT_TIME, 0 },
};
enum { C_SCOPE, C_REASON, C_BY, C_SINCE, C_UNTIL, C_N };

/*
 * The scope a freeze or thaw applies to: "*" with -A, else the profile
 * named by -p (a PVE or PBS profile of px.conf) or the default one.
 * Returns a string owned by x.
 */
static const char *
scope_of(struct px_cli *x, int all, struct px_err *e)
{
	const struct px_profile *p;

	if (all)
		return "*";
	if (cli_load(x, e) != 0)
		return NULL;
	if (x->profile != NULL)
		for (int i = 0; i < x->conf.nprofiles; i++)
			if (strcmp(x->conf.profiles[i].name, x->profile) == 0)
				return x->conf.profiles[i].name;
	if ((p = conf_profile(&x->conf, x->profile, PX_KIND_PVE, e)) == NULL)
		return NULL;
	return p->name;
}

/* Append the freeze or thaw to the audit log (a open, or opened here). */
static int
audit_event(struct audit *a, const char *action, const char *scope,
    const char *reason, long long ttl, const char *result, struct px_err *e)
{
	struct buf form = { 0 }, target = { 0 };
	struct audit_entry ent = { 0 };
	char params[1024];
	int rc;

	form_add(&form, "reason", reason);
	if (strcmp(action, "freeze") == 0)
		form_addf(&form, "ttl", "%lld", ttl);
	audit_redact(buf_str(&form), params, sizeof(params));
	buf_printf(&target, "profile/%s", scope);
	ent.profile = scope;
	ent.user = px_whoami();
	ent.action = action;
	ent.target = buf_str(&target);
	ent.params = params;
	ent.decision = "allowed";
	ent.result = result;
	rc = audit_append(a, &ent, e);
	buf_free(&form);
	buf_free(&target);
	return rc;
}

static const char *
scope_name(const char *scope)
{
	return strcmp(scope, "*") == 0 ? "every profile" : scope;
}

static int
incident_freeze(const char *scope, const char *reason, long long ttl)
{
	struct px_err e = { 0 };
	struct audit *a;
	struct freeze f;
	char until[64] = "";

	if (freeze_set(scope, reason, ttl, &e) != 0)
		px_die(&e);
	if (freeze_get(strcmp(scope, "*") == 0 ? NULL : scope, &f, NULL) == 1 &&
	    f.until != 0)
		out_fmt_time(until, sizeof(until), f.until);
	px_warn("froze %s %s%s: %s", scope_name(scope),
	    until[0] ? "until " : "until thawed", until, reason);
	if ((a = audit_open(&e)) == NULL ||
	    audit_event(a, "freeze", scope, reason, ttl, "OK", &e) != 0) {
		audit_close(a);
		px_warn("the freeze holds, but it is not in the audit log:");
		px_die(&e);
	}
	audit_close(a);
	return 0;
}

static int
incident_thaw(const char *scope, const char *reason)
{
	struct px_err e = { 0 };
	struct audit *a;
	int rc;

	/* No thaw that the audit log does not see. */
	if ((a = audit_open(&e)) == NULL)
		px_die(&e);
	if ((rc = freeze_clear(scope, &e)) < 0) {
		audit_close(a);
		px_die(&e);
	}
	if (audit_event(a, "thaw", scope, reason, 0,
	    rc == 0 ? "OK" : "not frozen", &e) != 0) {
		audit_close(a);
		px_warn("thawed, but the thaw is not in the audit log:");
		px_die(&e);
	}
	audit_close(a);
	if (rc == 0)
		px_warn("thawed %s", scope_name(scope));
	else
		px_warn("%s was not frozen", scope_name(scope));
	return 0;
}

static int
incident_status(struct px_cli *x)
{
	struct px_err e = { 0 };
	struct freeze *list;
	struct out *o;
	int n, rc;

	if (freeze_list(&list, &n, &e) != 0)
		px_die(&e);
	o = out_new(&x->out, status_cols, C_N);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, C_SCOPE, list[i].scope);
		out_str(o, C_REASON, list[i].reason);
		out_str(o, C_BY, list[i].by);
		out_int(o, C_SINCE, list[i].since);
		if (list[i].until != 0)
			out_int(o, C_UNTIL, list[i].until);
	}
	free(list);
	rc = cli_print(x, o, &e);
	out_free(o);
	if (rc != 0)
		px_die(&e);
	return 0;
}

int
incident_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_getopt g;
	const char *sub, *reason = NULL, *scope;
	long long ttl = DEFAULT_TTL;
	int ch, all = 0, status;

	if (argc < 2)
		px_usage(&px_cmd_incident);
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0)
		px_help_exit(&px_cmd_incident);
	status = strcmp(sub, "status") == 0;
	if (!status && strcmp(sub, "freeze") != 0 && strcmp(sub, "thaw") != 0)
		px_usage(&px_cmd_incident);
	/* Drop the subcommand; getopt's messages keep the command's name. */
	argv[1] = argv[0];
	argc--;
	argv++;
	cli_init(&x);
	px_getopt_init(&g, &px_cmd_incident, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'A':
			if (status)
				px_usage(&px_cmd_incident);
			all = 1;
			continue;
		case O_REASON:
			if (status)
				px_usage(&px_cmd_incident);
			reason = g.arg;
			continue;
		case O_TTL:
			if (status || strcmp(sub, "freeze") != 0)
				px_usage(&px_cmd_incident);
			if (px_parse_duration(g.arg, &ttl) != 0)
				px_errx(PX_EXIT_USAGE, "bad --ttl '%s' (30m, 4h, "
				    "2d, or seconds)", g.arg);
			continue;
		case 'p':
			if (status)
				px_usage(&px_cmd_incident);
			break;
		default:
			/* the output options are status's */
			if (!status)
				px_usage(&px_cmd_incident);
		}
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_incident);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 0)
		px_usage(&px_cmd_incident);
	if (status) {
		incident_status(&x);
		cli_free(&x);
		return 0;
	}
	if (reason == NULL || reason[strspn(reason, " \t")] == '\0')
		px_errx(PX_EXIT_USAGE, "%s needs --reason text: say why",
		    sub);
	if (all && x.profile != NULL)
		px_errx(PX_EXIT_USAGE, "-A and -p exclude each other");
	if ((scope = scope_of(&x, all, &e)) == NULL)
		px_die(&e);
	if (strcmp(sub, "freeze") == 0)
		incident_freeze(scope, reason, ttl);
	else
		incident_thaw(scope, reason);
	cli_free(&x);
	return 0;
}
