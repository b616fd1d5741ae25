/*
 * user -- the users of the cluster: the list (GET /access/users?full=1,
 * with each user's token count), one user, their effective permissions
 * (GET /access/permissions), and their life cycle: create, set, enable,
 * disable, password, delete -- each through the gate (objcli.h).  A
 * password comes only from --password-file or --password-env.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_access_list.h"
#include "pve_cluster.h"
#include "pve_objrisk_access.h"

enum { O_PATH = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("comment", "text", "the user's comment"),
	PX_PARAM("email", "address", "the user's e-mail address"),
	PX_PARAM("firstname", "name", "the user's first name"),
	PX_PARAM("lastname", "name", "the user's last name"),
	PX_PARAM("expire", "epoch", "when the account expires, in seconds "
	    "since the epoch; 0: never"),
	PX_PARAM("groups", "list", "the user's groups, comma-separated"),
	PX_FLAG("append", "set: add --groups to the user's groups"),
	PX_PARAM("keys", "list", "the user's two-factor keys (yubico)"),
	PX_SECRET("password", "the password (create, password)"),
	PX_SECRET("confirmation-password", "password: your own current "
	    "password"),
	{ O_PATH, "path", "path", "permissions: only on this path" },
	PX_OPT_END
};

PX_COMMAND(user, "list, create, change, disable and delete users",
    opts, NULL, "list | show userid | permissions userid | create userid | "
    "set userid | enable userid | disable userid | password userid | "
    "delete userid");

static const struct out_col list_cols[] = {
	{ "userid", OT_STR, 0 }, { "enable", OT_BOOL, 0 },
	{ "expire", OT_TIME, 0 }, { "firstname", OT_STR, OC_EXTRA },
	{ "lastname", OT_STR, OC_EXTRA }, { "email", OT_STR, 0 },
	{ "groups", OT_STR, 0 }, { "realm-type", OT_STR, OC_EXTRA },
	{ "tokens", OT_INT, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col perm_cols[] = {
	{ "path", OT_STR, 0 }, { "privilege", OT_STR, 0 },
	{ "propagate", OT_BOOL, 0 },
};

/* A user id, or with permissions also a token id (user@realm!token). */
static void
check_user(const char *u, int token_ok)
{
	const char *at = strrchr(u, '@');
	const char *bang = strchr(u, '!');

	if (bang != NULL && token_ok)
		at = bang > u ? memchr(u, '@', (size_t)(bang - u)) : NULL;
	if (at == NULL || at == u || at[1] == '\0' || at[1] == '!' ||
	    strlen(u) > 128 || strpbrk(u, ":/ \t\n") != NULL ||
	    (bang != NULL && (!token_ok || bang[1] == '\0')))
		px_errx(PX_EXIT_USAGE, "'%s' is not a user id (user@realm%s)",
		    u, token_ok ? " or user@realm!token" : "");
}

/* The users; the token count in place of the token list; expire 0 is
 * none. */
static int
list(struct objcli *oc)
{
	static const char path[] = "/access/users?full=1";
	struct pve_user_row *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	objcli_get(oc, &r, "%s", path);
	if (pve_user_rows_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&oc->m.x.out, list_cols, 10);
	for (int i = 0; i < n; i++) {
		const struct pve_user_row *u = &v[i];

		if (u->bad) {
			objcli_drop(path, i);
			continue;
		}
		out_row(o);
		out_str(o, 0, u->userid);
		if (u->enable >= 0)
			out_bool(o, 1, u->enable);
		if (u->expire != 0)
			out_int(o, 2, u->expire);
		out_str(o, 3, u->firstname);
		out_str(o, 4, u->lastname);
		out_str(o, 5, u->email);
		out_str(o, 6, u->groups);
		out_str(o, 7, u->realm_type);
		if (u->tokens >= 0)
			out_int(o, 8, u->tokens);
		out_str(o, 9, u->comment);
	}
	pve_user_rows_free(v, n);
	return objcli_print(oc, o);
}

static int
user_perms(struct objcli *oc, const char *user, const char *path)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct pve_perm *v = NULL;
	struct buf q = { 0 };
	struct out *o;
	int n = 0, rc = 0;

	form_add(&q, "userid", user);
	if (path != NULL)
		form_add(&q, "path", path);
	objcli_get(oc, &r, "/access/permissions?%s", q.p);
	if (pve_perms_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, perm_cols, 3);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].path);
		out_str(o, 1, v[i].priv);
		out_bool(o, 2, v[i].propagate);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	buf_free(&q);
	return rc;
}

static int
user_write(struct objcli *oc, const char *verb, const char *user)
{
	struct objcli_change c = { .kind = "user", .id = user,
	    .action = verb };
	struct objrisk_ident a = { 0 };
	struct buf path = { 0 }, extra = { 0 };
	char summary[256];
	int rc, pw = objcli_has(oc, "password"),
	    cpw = objcli_has(oc, "confirmation-password");

	c.summary = summary;
	snprintf(summary, sizeof(summary), "%s user %s", verb, user);
	buf_adds(&path, "/access/users");
	if (cpw && strcmp(verb, "password") != 0)
		px_errx(PX_EXIT_USAGE, "--confirmation-password-file/-env "
		    "are for password");
	if (strcmp(verb, "create") == 0) {
		form_add(&extra, "userid", user);
		c.method = "POST";
	} else if (strcmp(verb, "password") == 0) {
		if (!pw)
			px_errx(PX_EXIT_USAGE, "password: give --password-file "
			    "or --password-env");
		if (oc->nparams != 1 + cpw)
			px_errx(PX_EXIT_USAGE, "password takes only the "
			    "passwords");
		buf_reset(&path);
		buf_adds(&path, "/access/password");
		form_add(&extra, "userid", user);
		c.method = "PUT";
		snprintf(summary, sizeof(summary), "set the password of "
		    "user %s", user);
	} else {
		if (pw)
			px_errx(PX_EXIT_USAGE, "a password is changed with px "
			    "user password");
		buf_addc(&path, '/');
		url_seg(&path, user);
		c.method = strcmp(verb, "delete") == 0 ? "DELETE" : "PUT";
		if (strcmp(verb, "set") == 0) {
			if (oc->nparams == 0)
				px_errx(PX_EXIT_USAGE, "set: nothing to change");
			if (objcli_has(oc, "append") &&
			    !objcli_has(oc, "groups"))
				px_errx(PX_EXIT_USAGE, "--append adds --groups");
		} else if (strcmp(verb, "enable") == 0 ||
		    strcmp(verb, "disable") == 0 ||
		    strcmp(verb, "delete") == 0) {
			objcli_no_params(oc, verb);
			if (verb[0] != 'd')
				form_add(&extra, "enable", "1");
			else if (verb[1] == 'i')
				form_add(&extra, "enable", "0");
			if (verb[0] == 'd') {
				objcli_connect(oc);
				a.userid = user;
				a.deleting = verb[1] == 'e';
				a.self_user = oc->m.g.p->user;
				a.self_token = oc->m.g.p->auth ==
				    PX_AUTH_TOKEN ? oc->m.g.p->token_id : NULL;
				c.assess = objrisk_ident_off;
				c.assess_arg = &a;
				c.destructive = 1;
			}
		} else {
			buf_free(&path);
			return -1;
		}
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

int
user_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	const char *verb, *ppath = NULL;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_user);
	px_getopt_init(&g, &px_cmd_user, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_PATH:
			if (g.arg[0] != '/')
				px_errx(PX_EXIT_USAGE, "--path %s: not an ACL "
				    "path (/, /vms/100 ...)", g.arg);
			ppath = g.arg;
			break;
		default:
			px_usage(&px_cmd_user);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_user);
	verb = argv[0];
	if (ppath != NULL && strcmp(verb, "permissions") != 0)
		px_errx(PX_EXIT_USAGE, "--path is for permissions");
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_user);
		objcli_no_params(&oc, verb);
		rc = list(&oc);
		objcli_free(&oc);
		return rc;
	}
	if (argc != 2)
		px_usage(&px_cmd_user);
	check_user(argv[1], strcmp(verb, "permissions") == 0);
	if (strcmp(verb, "show") == 0) {
		char what[256];

		objcli_no_params(&oc, verb);
		buf_adds(&path, "/access/users/");
		url_seg(&path, argv[1]);
		snprintf(what, sizeof(what), "user %s", argv[1]);
		rc = objcli_show(&oc, path.p, what);
	} else if (strcmp(verb, "permissions") == 0) {
		objcli_no_params(&oc, verb);
		rc = user_perms(&oc, argv[1], ppath);
	} else if ((rc = user_write(&oc, verb, argv[1])) < 0) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "permissions, create, set, enable, disable, password, "
		    "delete)", verb);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
