/*
 * notify -- the notification system of the cluster: its endpoints
 * (sendmail, smtp, gotify, webhook: /cluster/notifications/endpoints/
 * TYPE), its matchers (/cluster/notifications/matchers), the targets they
 * send to, and a test message to one target.  Every change goes through
 * the gate (objcli.h), a test message too: it is sent to people.
 *
 * Secrets (an SMTP password, a Gotify token, a webhook's secrets) come
 * from a file or the environment, never from argv; PVE never returns
 * them and px never prints them.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "objsecret.h"
#include "pve_notify.h"
#include "pve_objrisk_notify.h"

enum {
	O_MAILTO = PX_O_LONG, O_MAILTO_USER, O_HEADER, O_BODY, O_SECRET_FILE,
	O_SECRET_ENV, O_TARGET, O_SEVERITY, O_FIELD, O_CALENDAR
};

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("comment", "text", "the comment"),
	PX_FLAG("disable", "disable the endpoint or matcher"),
	{ O_MAILTO, "mailto", "address", "mail recipient (repeatable)" },
	{ O_MAILTO_USER, "mailto-user", "user", "mail to this PVE user's "
	    "address (repeatable)" },
	PX_PARAM("from-address", "address", "the mail's From address"),
	PX_PARAM("author", "name", "the mail's author"),
	PX_PARAM("server", "host", "the SMTP or Gotify server"),
	PX_PARAM("port", "port", "the SMTP server's port"),
	PX_PARAM("mode", "mode", "smtp: insecure, starttls or tls; "
	    "matcher: all or any"),
	PX_PARAM("username", "user", "the SMTP user"),
	PX_SECRET("password", "the SMTP password"),
	PX_SECRET("token", "the Gotify token"),
	PX_PARAM("url", "url", "the webhook's URL"),
	PX_PARAM("method", "method", "the webhook's method: post, put, get"),
	{ O_HEADER, "header", "name=value", "a webhook HTTP header "
	    "(repeatable)" },
	{ O_BODY, "body", "text", "the webhook's body template" },
	{ O_SECRET_FILE, "secret-file", "name=file", "a webhook secret "
	    "from the first line of file (repeatable)" },
	{ O_SECRET_ENV, "secret-env", "name=variable", "a webhook secret "
	    "from the environment (repeatable)" },
	{ O_TARGET, "target", "target", "a matcher's target (repeatable)" },
	{ O_SEVERITY, "match-severity", "levels", "match these severities: "
	    "info,notice,warning,error,unknown (repeatable)" },
	{ O_FIELD, "match-field", "[exact:|regex:]field=value", "match a "
	    "metadata field (repeatable)" },
	{ O_CALENDAR, "match-calendar", "event", "match at these times "
	    "(repeatable)" },
	PX_FLAG("invert-match", "invert the matcher's result"),
	PX_OPT_END
};

PX_COMMAND(notify, "list, show, create, change, delete and test "
    "notification endpoints and matchers", opts, NULL,
    "endpoint list [type] | endpoint show|create|set|delete type name | "
    "matcher list | matcher show|create|set|delete name | targets | "
    "test target");

static const char *const hide[] = { "password", "token", "secret", NULL };

static const struct out_col ep_cols[] = {
	{ "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "disable", OT_BOOL, 0 }, { "origin", OT_STR, 0 },
	{ "to", OT_STR, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col matcher_cols[] = {
	{ "name", OT_STR, 0 }, { "target", OT_STR, 0 },
	{ "mode", OT_STR, 0 }, { "match-severity", OT_STR, 0 },
	{ "match-field", OT_STR, 0 }, { "match-calendar", OT_STR, 0 },
	{ "invert-match", OT_BOOL, 0 }, { "disable", OT_BOOL, 0 },
	{ "origin", OT_STR, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col target_cols[] = {
	{ "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "disable", OT_BOOL, 0 }, { "origin", OT_STR, 0 },
	{ "comment", OT_STR, 0 },
};

static const char *const types[] = { "sendmail", "smtp", "gotify",
	"webhook", NULL };

/* Which options fit which endpoint type (the rest is refused). */
static const struct {
	const char *param;
	const char *types;	/* space-separated */
} fits[] = {
	{ "mailto", "sendmail smtp" }, { "mailto-user", "sendmail smtp" },
	{ "from-address", "sendmail smtp" }, { "author", "sendmail smtp" },
	{ "server", "smtp gotify" }, { "port", "smtp" }, { "mode", "smtp" },
	{ "username", "smtp" }, { "password", "smtp" }, { "token", "gotify" },
	{ "url", "webhook" }, { "method", "webhook" },
	{ "header", "webhook" }, { "body", "webhook" },
	{ "secret", "webhook" },
	{ "target", "" }, { "match-severity", "" }, { "match-field", "" },
	{ "match-calendar", "" }, { "invert-match", "" },
};

static int
word_in(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

/* Refuse the options that are not parameters of type ("matcher" for a
 * matcher: none of the endpoints' own). */
static void
check_fit(const struct objcli *oc, const char *type)
{
	int m = strcmp(type, "matcher") == 0;

	for (size_t i = 0; i < sizeof(fits) / sizeof(fits[0]); i++) {
		int ok = m ? fits[i].types[0] == '\0' :
		    word_in(fits[i].types, type);

		if (m && strcmp(fits[i].param, "mode") == 0)
			ok = 1;
		if (!ok && objcli_has(oc, fits[i].param))
			px_errx(PX_EXIT_USAGE, "--%s is not a parameter of %s%s",
			    fits[i].param, m ? "a " : "", m ? "matcher" : type);
	}
}

static const char *
check_type(const char *t)
{
	for (int i = 0; types[i]; i++)
		if (strcmp(types[i], t) == 0)
			return t;
	px_errx(PX_EXIT_USAGE, "'%s' is not an endpoint type (sendmail, smtp, "
	    "gotify, webhook)", t);
}

static void
check_name(const char *name)
{
	if (!pve_notify_valid_name(name))
		px_errx(PX_EXIT_USAGE, "'%s' is not a notification name (a "
		    "letter, then letters, digits, - and _)", name);
}

/* A repeatable array parameter. */
static void
add_param(struct objcli *oc, const char *key, const char *value)
{
	form_add(&oc->form, key, value);
	oc->nparams++;
}

/* "name=value" of a webhook header or secret: name=N,value=base64(V). */
static void
add_named(struct objcli *oc, const char *key, const char *name,
    size_t nlen, const char *value, size_t vlen)
{
	struct buf b = { 0 };

	if (nlen == 0 || memchr(name, ',', nlen) != NULL)
		px_errx(PX_EXIT_USAGE, "--%s: '%.*s' is not a name", key,
		    (int)nlen, name);
	buf_printf(&b, "name=%.*s,value=", (int)nlen, name);
	b64_encode(&b, value, vlen);
	add_param(oc, key, b.p);
	buf_wipe(&b);
}

/* --secret-file name=file, --secret-env name=variable */
static void
add_secret(struct objcli *oc, const char *arg, int from_env)
{
	const char *eq = strchr(arg, '=');
	struct buf v = { 0 };

	if (eq == NULL || eq[1] == '\0')
		px_errx(PX_EXIT_USAGE, "--secret-%s wants name=%s", from_env ?
		    "env" : "file", from_env ? "variable" : "file");
	objsecret_read(&v, eq + 1, from_env);
	add_named(oc, "secret", arg, (size_t)(eq - arg), v.p, v.len);
	buf_wipe(&v);
}

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

/* A boolean PVE may leave out (-1): no cell then. */
static void
tri(struct out *o, int col, int v)
{
	if (v >= 0)
		out_bool(o, col, v);
}

/* Endpoint listing: the type's own or all four, one table. */
static int
endpoint_list(struct objcli *oc, const char *type)
{
	struct out *o;
	struct px_err e = { 0 };
	int rc = 0;

	o = out_new(&oc->m.x.out, ep_cols, 6);
	for (int i = 0; types[i]; i++) {
		struct pve_notify_endpoint *v;
		struct px_reply r;
		int n;

		if (type && strcmp(type, types[i]) != 0)
			continue;
		objcli_get(oc, &r, "/cluster/notifications/endpoints/%s",
		    types[i]);
		if (pve_notify_endpoints_parse(&r.j, r.data, types[i], &v, &n,
		    &e) != 0) {
			px_warn("GET /cluster/notifications/endpoints/%s: %s",
			    types[i], e.msg);
			rc = PX_EXIT_FAIL;
			px_reply_free(&r);
			continue;
		}
		for (int q = 0; q < n; q++) {
			out_row(o);
			out_str(o, 0, v[q].name);
			out_str(o, 1, types[i]);
			tri(o, 2, v[q].disable);
			out_str(o, 3, nz(v[q].origin));
			out_str(o, 4, nz(v[q].to));
			out_str(o, 5, nz(v[q].comment));
		}
		free(v);
		px_reply_free(&r);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

/* matcher list: GET /cluster/notifications/matchers. */
static int
matcher_list(struct objcli *oc)
{
	struct pve_notify_matcher *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/cluster/notifications/matchers");
	if (pve_notify_matchers_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, matcher_cols, 10);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].name);
		out_str(o, 1, nz(v[i].target));
		out_str(o, 2, nz(v[i].mode));
		out_str(o, 3, nz(v[i].severity));
		out_str(o, 4, nz(v[i].field));
		out_str(o, 5, nz(v[i].calendar));
		tri(o, 6, v[i].invert);
		tri(o, 7, v[i].disable);
		out_str(o, 8, nz(v[i].origin));
		out_str(o, 9, nz(v[i].comment));
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

/* targets: GET /cluster/notifications/targets. */
static int
target_list(struct objcli *oc)
{
	struct pve_notify_target *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/cluster/notifications/targets");
	if (pve_notify_targets_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, target_cols, 5);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].name);
		out_str(o, 1, nz(v[i].type));
		tri(o, 2, v[i].disable);
		out_str(o, 3, nz(v[i].origin));
		out_str(o, 4, nz(v[i].comment));
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

/* create, set or delete an endpoint (type) or a matcher (type NULL). */
static int
change(struct objcli *oc, const char *verb, const char *type,
    const char *name)
{
	struct objcli_change c = { 0 };
	struct buf path = { 0 }, item = { 0 }, extra = { 0 };
	char summary[256];
	const char *what = type ? "endpoint" : "matcher";
	int rc;

	check_name(name);
	check_fit(oc, type ? type : "matcher");
	if (type)
		buf_printf(&path, "/cluster/notifications/endpoints/%s", type);
	else
		buf_adds(&path, "/cluster/notifications/matchers");
	buf_printf(&item, "%s/%s", path.p, name);
	c.kind = type ? "notification-endpoint" : "notification-matcher";
	c.id = name;
	c.action = verb;
	c.summary = summary;
	if (strcmp(verb, "create") == 0) {
		form_add(&extra, "name", name);
		c.method = "POST";
		c.path = path.p;
		snprintf(summary, sizeof(summary), "create %s%s%s %s",
		    type ? type : "", type ? " " : "", what, name);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		c.method = "PUT";
		c.path = item.p;
		c.digest_of = item.p;
		snprintf(summary, sizeof(summary), "set %s%s%s %s",
		    type ? type : "", type ? " " : "", what, name);
	} else if (strcmp(verb, "delete") == 0) {
		objcli_no_params(oc, verb);
		c.method = "DELETE";
		c.path = item.p;
		c.destructive = 1;
		c.assess = type ? objrisk_notify_endpoint_delete :
		    objrisk_notify_matcher_delete;
		c.assess_arg = (void *)name;
		snprintf(summary, sizeof(summary), "delete %s%s%s %s",
		    type ? type : "", type ? " " : "", what, name);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown %s verb '%s' (list, show, "
		    "create, set, delete)", what, verb);
	}
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&item);
	buf_free(&extra);
	return rc;
}

/* A test message to one target: a change (it reaches people). */
static int
test_target(struct objcli *oc, const char *name)
{
	struct objcli_change c = { 0 };
	struct buf path = { 0 };
	char summary[256];
	int rc;

	check_name(name);
	objcli_no_params(oc, "test");
	buf_printf(&path, "/cluster/notifications/targets/%s/test", name);
	snprintf(summary, sizeof(summary), "send a test notification to %s",
	    name);
	c.action = "test";
	c.kind = "notification-target";
	c.id = name;
	c.method = "POST";
	c.path = path.p;
	c.summary = summary;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	return rc;
}

static int
endpoint(struct objcli *oc, int argc, char **argv)
{
	char path[256];
	const char *type;

	if (argc < 1)
		px_usage(&px_cmd_notify);
	if (strcmp(argv[0], "list") == 0) {
		if (argc > 2)
			px_usage(&px_cmd_notify);
		objcli_no_params(oc, "list");
		return endpoint_list(oc, argc == 2 ? check_type(argv[1]) :
		    NULL);
	}
	if (argc != 3)
		px_usage(&px_cmd_notify);
	type = check_type(argv[1]);
	if (strcmp(argv[0], "show") == 0) {
		char what[128];

		objcli_no_params(oc, "show");
		check_name(argv[2]);
		snprintf(path, sizeof(path),
		    "/cluster/notifications/endpoints/%s/%s", type, argv[2]);
		snprintf(what, sizeof(what), "%s endpoint '%s'", type,
		    argv[2]);
		return objsecret_show(oc, path, what, hide);
	}
	return change(oc, argv[0], type, argv[2]);
}

static int
matcher(struct objcli *oc, int argc, char **argv)
{
	char path[256], what[128];

	if (argc < 1)
		px_usage(&px_cmd_notify);
	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_notify);
		objcli_no_params(oc, "list");
		return matcher_list(oc);
	}
	if (argc != 2)
		px_usage(&px_cmd_notify);
	if (strcmp(argv[0], "show") == 0) {
		objcli_no_params(oc, "show");
		check_name(argv[1]);
		snprintf(path, sizeof(path),
		    "/cluster/notifications/matchers/%s", argv[1]);
		snprintf(what, sizeof(what), "matcher '%s'", argv[1]);
		return objsecret_show(oc, path, what, hide);
	}
	return change(oc, argv[0], NULL, argv[1]);
}

int
notify_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_getopt g;
	const char *eq;
	int ch, rc;

	objcli_init(&oc, &px_cmd_notify);
	px_getopt_init(&g, &px_cmd_notify, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_MAILTO:
			add_param(&oc, "mailto", g.arg);
			break;
		case O_MAILTO_USER:
			add_param(&oc, "mailto-user", g.arg);
			break;
		case O_TARGET:
			check_name(g.arg);
			add_param(&oc, "target", g.arg);
			break;
		case O_SEVERITY:
			if (!pve_notify_valid_severity(g.arg))
				px_errx(PX_EXIT_USAGE, "--match-severity %s: "
				    "not a list of info, notice, warning, "
				    "error, unknown", g.arg);
			add_param(&oc, "match-severity", g.arg);
			break;
		case O_FIELD:
			if (!pve_notify_valid_field(g.arg))
				px_errx(PX_EXIT_USAGE, "--match-field %s: not "
				    "[exact:|regex:]field=value", g.arg);
			add_param(&oc, "match-field", g.arg);
			break;
		case O_CALENDAR:
			add_param(&oc, "match-calendar", g.arg);
			break;
		case O_HEADER:
			if ((eq = strchr(g.arg, '=')) == NULL)
				px_errx(PX_EXIT_USAGE, "--header wants "
				    "name=value");
			add_named(&oc, "header", g.arg, (size_t)(eq - g.arg),
			    eq + 1, strlen(eq + 1));
			break;
		case O_BODY: {
			struct buf b = { 0 };

			/* PVE takes the body base64-encoded */
			b64_encode(&b, g.arg, strlen(g.arg));
			objcli_param(&oc, "body", b.p);
			buf_free(&b);
			break;
		}
		case O_SECRET_FILE:
		case O_SECRET_ENV:
			add_secret(&oc, g.arg, ch == O_SECRET_ENV);
			break;
		default:
			px_usage(&px_cmd_notify);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_notify);
	if (strcmp(argv[0], "endpoint") == 0)
		rc = endpoint(&oc, argc - 1, argv + 1);
	else if (strcmp(argv[0], "matcher") == 0)
		rc = matcher(&oc, argc - 1, argv + 1);
	else if (strcmp(argv[0], "targets") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_notify);
		objcli_no_params(&oc, "targets");
		rc = target_list(&oc);
	} else if (strcmp(argv[0], "test") == 0) {
		if (argc != 2)
			px_usage(&px_cmd_notify);
		rc = test_target(&oc, argv[1]);
	} else
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (endpoint, "
		    "matcher, targets, test)", argv[0]);
	objcli_free(&oc);
	return rc;
}
