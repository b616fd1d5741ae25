/*
 * acme -- the cluster's ACME setup (/cluster/acme): accounts at a CA
 * (registering, updating and deactivating one is a task px follows),
 * the challenge plugins (DNS APIs with their credentials), and what the
 * CAs offer: known directories, terms of service, the plugins' schema.
 * Every change goes through the gate (objcli.h).  A DNS plugin's data
 * holds the DNS API's credentials: it comes from a file, never from
 * argv, the audit log redacts it, and px never prints it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "objsecret.h"
#include "pve_acme.h"
#include "pve_notify.h"
#include "pve_objrisk_notify.h"

enum { O_TOS_URL = PX_O_LONG, O_DIRECTORY, O_DATA_FILE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_MUTATE, PX_OPT_RAW,
	PX_PARAM("contact", "emails", "account: contact addresses, "
	    "comma-separated"),
	{ O_DIRECTORY, "directory", "url", "the CA's directory URL "
	    "(account create, tos)" },
	{ O_TOS_URL, "tos-url", "url", "account create: the terms of "
	    "service you agree to" },
	PX_PARAM("eab-kid", "id", "account create: the external account "
	    "binding's key id"),
	PX_SECRET("eab-hmac-key", "account create: the external account "
	    "binding's HMAC key"),
	PX_PARAM("type", "type", "plugin create: dns (default) or "
	    "standalone"),
	PX_PARAM("api", "api", "plugin: the DNS API (cf, aws, ...)"),
	{ O_DATA_FILE, "data-file", "file", "plugin: the DNS API's "
	    "settings and credentials, KEY=VALUE lines" },
	PX_PARAM("validation-delay", "seconds", "plugin: the wait before "
	    "validation"),
	PX_PARAM("nodes", "nodes", "plugin: only on these nodes"),
	PX_FLAG("disable", "plugin: disable it"),
	PX_OPT_END
};

PX_COMMAND(acme, "manage ACME accounts and challenge plugins", opts, NULL,
    "account list | account show|create|update|delete name | plugin list "
    "| plugin show|create|set|delete id | directories | tos | "
    "challenge-schema");

static const char *const hide[] = { "data", NULL };

static const struct out_col name_cols[] = { { "name", OT_STR, 0 } };
static const struct out_col plugin_cols[] = {
	{ "plugin", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "api", OT_STR, 0 }, { "validation-delay", OT_INT, 0 },
	{ "nodes", OT_STR, 0 }, { "disable", OT_BOOL, 0 },
};
static const struct out_col dir_cols[] = {
	{ "name", OT_STR, 0 }, { "url", OT_STR, 0 },
};
static const struct out_col schema_cols[] = {
	{ "id", OT_STR, 0 }, { "type", OT_STR, 0 }, { "name", OT_STR, 0 },
};

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

/* An account, plugin, directory or challenge-schema list (kind 'a',
 * 'p', 'd', 's'): GET path, read by pve_acme.h. */
static int
acme_list(struct objcli *oc, const char *path, int kind)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "%s", path);
	if (kind == 'a') {
		struct pve_acme_account *v;

		if (pve_acme_accounts_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, name_cols, 1);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].name);
		}
		free(v);
	} else if (kind == 'p') {
		struct pve_acme_plugin *v;

		if (pve_acme_plugins_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, plugin_cols, 6);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].plugin);
			out_str(o, 1, nz(v[i].type));
			out_str(o, 2, nz(v[i].api));
			if (v[i].validation_delay >= 0)
				out_int(o, 3, v[i].validation_delay);
			out_str(o, 4, nz(v[i].nodes));
			if (v[i].disable >= 0)
				out_bool(o, 5, v[i].disable);
		}
		free(v);
	} else if (kind == 'd') {
		struct pve_acme_directory *v;

		if (pve_acme_directories_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, dir_cols, 2);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].name);
			out_str(o, 1, nz(v[i].url));
		}
		free(v);
	} else {
		struct pve_acme_challenge *v;

		if (pve_acme_challenges_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, schema_cols, 3);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].id);
			out_str(o, 1, nz(v[i].type));
			out_str(o, 2, nz(v[i].name));
		}
		free(v);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	return rc;
}

static void
check_name(const char *what, const char *name)
{
	if (!pve_notify_valid_name(name))
		px_errx(PX_EXIT_USAGE, "'%s' is not an ACME %s name (a "
		    "letter, then letters, digits, - and _)", name, what);
}

static int
account(struct objcli *oc, int argc, char **argv, const char *directory)
{
	struct objcli_change c = { 0 };
	struct buf path = { 0 }, extra = { 0 };
	char summary[256];
	const char *verb, *name;
	int rc;

	if (argc < 1)
		px_usage(&px_cmd_acme);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1 || directory)
			px_usage(&px_cmd_acme);
		objcli_no_params(oc, verb);
		return acme_list(oc, "/cluster/acme/account", 'a');
	}
	if (argc != 2)
		px_usage(&px_cmd_acme);
	name = argv[1];
	check_name("account", name);
	buf_adds(&path, "/cluster/acme/account/");
	url_seg(&path, name);
	if (strcmp(verb, "show") == 0) {
		char what[128];

		if (directory)
			px_usage(&px_cmd_acme);
		objcli_no_params(oc, verb);
		snprintf(what, sizeof(what), "ACME account '%s'", name);
		rc = objsecret_show(oc, path.p, what, hide);
		buf_free(&path);
		return rc;
	}
	c.kind = "acme-account";
	c.id = name;
	c.action = verb;
	c.summary = summary;
	c.path = path.p;
	if (strcmp(verb, "create") == 0) {
		if (!objcli_has(oc, "contact"))
			px_errx(PX_EXIT_USAGE, "account create needs --contact");
		form_add(&extra, "name", name);
		if (directory)
			form_add(&extra, "directory", directory);
		c.method = "POST";
		c.path = "/cluster/acme/account";
		snprintf(summary, sizeof(summary), "register ACME account %s",
		    name);
	} else if (strcmp(verb, "update") == 0) {
		if (directory)
			px_errx(PX_EXIT_USAGE, "update takes --contact");
		c.method = "PUT";
		snprintf(summary, sizeof(summary), "update ACME account %s",
		    name);
	} else if (strcmp(verb, "delete") == 0) {
		if (directory)
			px_errx(PX_EXIT_USAGE, "delete takes no --directory");
		objcli_no_params(oc, verb);
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_acme_account_delete;
		c.assess_arg = (void *)name;
		snprintf(summary, sizeof(summary), "deactivate and delete ACME "
		    "account %s", name);
	} else
		px_errx(PX_EXIT_USAGE, "unknown account verb '%s' (list, show, "
		    "create, update, delete)", verb);
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
plugin(struct objcli *oc, int argc, char **argv)
{
	struct objcli_change c = { 0 };
	struct buf path = { 0 }, extra = { 0 };
	char summary[256];
	const char *verb, *id;
	int rc;

	if (argc < 1)
		px_usage(&px_cmd_acme);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_acme);
		objcli_no_params(oc, verb);
		return acme_list(oc, "/cluster/acme/plugins", 'p');
	}
	if (argc != 2)
		px_usage(&px_cmd_acme);
	id = argv[1];
	check_name("plugin", id);
	buf_adds(&path, "/cluster/acme/plugins/");
	url_seg(&path, id);
	if (strcmp(verb, "show") == 0) {
		char what[128];

		objcli_no_params(oc, verb);
		snprintf(what, sizeof(what), "ACME plugin '%s'", id);
		rc = objsecret_show(oc, path.p, what, hide);
		buf_free(&path);
		return rc;
	}
	c.kind = "acme-plugin";
	c.id = id;
	c.action = verb;
	c.summary = summary;
	c.path = path.p;
	if (strcmp(verb, "create") == 0) {
		form_add(&extra, "id", id);
		if (!objcli_has(oc, "type"))
			form_add(&extra, "type", "dns");
		c.method = "POST";
		c.path = "/cluster/acme/plugins";
		snprintf(summary, sizeof(summary), "create ACME plugin %s", id);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		if (objcli_has(oc, "type"))
			px_errx(PX_EXIT_USAGE, "a plugin's type cannot change");
		c.method = "PUT";
		c.digest_of = path.p;
		snprintf(summary, sizeof(summary), "set ACME plugin %s", id);
	} else if (strcmp(verb, "delete") == 0) {
		objcli_no_params(oc, verb);
		c.method = "DELETE";
		c.destructive = 1;
		snprintf(summary, sizeof(summary), "delete ACME plugin %s", id);
	} else
		px_errx(PX_EXIT_USAGE, "unknown plugin verb '%s' (list, show, "
		    "create, set, delete)", verb);
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

/* GET /cluster/acme/tos: the URL of the CA's terms, one line. */
static int
tos(struct objcli *oc, const char *directory)
{
	struct px_reply r;
	struct buf p = { 0 };
	char *url;
	int rc = 0;

	buf_adds(&p, "/cluster/acme/tos");
	if (directory) {
		buf_adds(&p, "?");
		form_add(&p, "directory", directory);
	}
	objcli_get(oc, &r, "%s", p.p);
	url = json_strdup(&r.j, r.data);
	if (oc->m.x.out.fmt == OUT_JSON || oc->m.x.out.fmt == OUT_JSONL) {
		struct buf b = { 0 };

		if (url)
			json_escape(&b, url, strlen(url));
		else
			buf_adds(&b, "null");
		printf("%s\n", b.p);
		buf_free(&b);
	} else if (url)
		printf("%s\n", url);
	else {
		px_warn("the CA has no terms of service");
		rc = PX_EXIT_FAIL;
	}
	free(url);
	px_reply_free(&r);
	buf_free(&p);
	return rc;
}

int
acme_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_getopt g;
	struct buf data = { 0 };
	const char *directory = NULL;
	int ch, rc;

	objcli_init(&oc, &px_cmd_acme);
	px_getopt_init(&g, &px_cmd_acme, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_DIRECTORY:
			if (strncmp(g.arg, "https://", 8) != 0 &&
			    strncmp(g.arg, "http://", 7) != 0)
				px_errx(PX_EXIT_USAGE, "--directory %s: not an "
				    "http(s) URL", g.arg);
			directory = g.arg;
			break;
		case O_TOS_URL:
			objcli_param(&oc, "tos_url", g.arg);
			break;
		case O_DATA_FILE: {
			struct buf raw = { 0 };

			/* PVE takes the data base64-encoded */
			objsecret_read_file(&raw, g.arg);
			b64_encode(&data, raw.p, raw.len);
			buf_wipe(&raw);
			objcli_param(&oc, "data", data.p);
			buf_wipe(&data);
			break;
		}
		default:
			px_usage(&px_cmd_acme);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_acme);
	if (strcmp(argv[0], "account") == 0)
		rc = account(&oc, argc - 1, argv + 1, directory);
	else if (directory && strcmp(argv[0], "tos") != 0)
		px_errx(PX_EXIT_USAGE, "--directory is for account create and "
		    "tos");
	else if (strcmp(argv[0], "plugin") == 0)
		rc = plugin(&oc, argc - 1, argv + 1);
	else if (argc != 1)
		px_usage(&px_cmd_acme);
	else if (strcmp(argv[0], "directories") == 0) {
		objcli_no_params(&oc, argv[0]);
		rc = acme_list(&oc, "/cluster/acme/directories", 'd');
	} else if (strcmp(argv[0], "tos") == 0) {
		objcli_no_params(&oc, argv[0]);
		rc = tos(&oc, directory);
	} else if (strcmp(argv[0], "challenge-schema") == 0) {
		objcli_no_params(&oc, argv[0]);
		rc = acme_list(&oc, "/cluster/acme/challenge-schema", 's');
	} else
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (account, "
		    "plugin, directories, tos, challenge-schema)", argv[0]);
	objcli_free(&oc);
	return rc;
}
