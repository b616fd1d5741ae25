/*
 * access -- who may do what: ACL entries, users, groups, roles, realms, a
 * user's API tokens, and effective permissions (GET /access/permissions,
 * one row per path and privilege).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_cluster.h"

enum { O_PATH = PX_O_LONG, O_USERID };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_PATH, "path", "path", "with permissions: only this path" },
	{ O_USERID, "userid", "userid",
	    "with permissions: the rights of this user" },
	PX_OPT_END
};

PX_COMMAND(access, "list ACLs, users, groups, roles, realms, tokens, permissions",
    opts, NULL, "acl | users | groups | roles | realms | tokens userid | "
    "permissions");

#define NCOLS(c) (int)(sizeof(c) / sizeof(c[0]))

static const struct out_col acl_cols[] = {
	{ "path", OT_STR, 0 }, { "type", OT_STR, 0 }, { "ugid", OT_STR, 0 },
	{ "roleid", OT_STR, 0 }, { "propagate", OT_BOOL, 0 },
};
static const struct out_col user_cols[] = {
	{ "userid", OT_STR, 0 }, { "enable", OT_BOOL, 0 },
	{ "expire", OT_TIME, 0 }, { "firstname", OT_STR, OC_EXTRA },
	{ "lastname", OT_STR, OC_EXTRA }, { "email", OT_STR, 0 },
	{ "groups", OT_STR, 0 }, { "realm_type", OT_STR, OC_EXTRA },
	{ "tokens", OT_INT, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col group_cols[] = {
	{ "groupid", OT_STR, 0 }, { "users", OT_STR, 0 },
	{ "comment", OT_STR, 0 },
};
static const struct out_col role_cols[] = {
	{ "roleid", OT_STR, 0 }, { "special", OT_BOOL, 0 },
	{ "privs", OT_STR, 0 },
};
static const struct out_col realm_cols[] = {
	{ "realm", OT_STR, 0 }, { "type", OT_STR, 0 }, { "tfa", OT_STR, 0 },
	{ "default", OT_BOOL, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col token_cols[] = {
	{ "tokenid", OT_STR, 0 }, { "privsep", OT_BOOL, 0 },
	{ "expire", OT_TIME, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col perm_cols[] = {
	{ "path", OT_STR, 0 }, { "privilege", OT_STR, 0 },
	{ "propagate", OT_BOOL, 0 },
};

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

static struct out *
rows(struct px_cli *x, const char *what, struct px_reply *r, struct px_err *e)
{
	const struct json *j = &r->j;
	struct out *o = NULL;
	void *v = NULL;
	int n = 0, rc = -1;

#define START(cols, fn) (o = out_new(&x->out, cols, NCOLS(cols)), \
	rc = fn(j, r->data, (void *)&v, &n, e))
	if (!strcmp(what, "acl"))
		START(acl_cols, pve_acl_parse);
	else if (!strcmp(what, "users"))
		START(user_cols, pve_users_parse);
	else if (!strcmp(what, "groups"))
		START(group_cols, pve_groups_parse);
	else if (!strcmp(what, "roles"))
		START(role_cols, pve_roles_parse);
	else if (!strcmp(what, "realms"))
		START(realm_cols, pve_realms_parse);
	else if (!strcmp(what, "tokens"))
		START(token_cols, pve_tokens_parse);
	else if (r->data < 0) {	/* no permissions at all */
		o = out_new(&x->out, perm_cols, NCOLS(perm_cols));
		return o;
	} else
		START(perm_cols, pve_perms_parse);
	if (rc != 0)
		px_die(e);
	for (int i = 0; i < n; i++) {
		out_row(o);
		if (!strcmp(what, "acl")) {
			const struct pve_acl *a = (struct pve_acl *)v + i;

			out_str(o, 0, a->path);
			out_str(o, 1, a->type);
			out_str(o, 2, a->ugid);
			out_str(o, 3, a->roleid);
			out_bool(o, 4, a->propagate);
		} else if (!strcmp(what, "users")) {
			const struct pve_user *u = (struct pve_user *)v + i;

			out_str(o, 0, u->userid);
			out_bool(o, 1, u->enable);
			if (u->expire)
				out_int(o, 2, u->expire);
			out_str(o, 3, nz(u->firstname));
			out_str(o, 4, nz(u->lastname));
			out_str(o, 5, nz(u->email));
			out_str(o, 6, nz(u->groups));
			out_str(o, 7, nz(u->realm_type));
			if (u->ntokens >= 0)
				out_int(o, 8, u->ntokens);
			out_str(o, 9, nz(u->comment));
		} else if (!strcmp(what, "groups")) {
			const struct pve_group *g = (struct pve_group *)v + i;

			out_str(o, 0, g->groupid);
			out_str(o, 1, nz(g->users));
			out_str(o, 2, nz(g->comment));
		} else if (!strcmp(what, "roles")) {
			const struct pve_role *ro = (struct pve_role *)v + i;

			out_str(o, 0, ro->roleid);
			out_bool(o, 1, ro->special);
			out_str(o, 2, nz(ro->privs));
		} else if (!strcmp(what, "realms")) {
			const struct pve_realm *re = (struct pve_realm *)v + i;

			out_str(o, 0, re->realm);
			out_str(o, 1, re->type);
			out_str(o, 2, nz(re->tfa));
			out_bool(o, 3, re->is_default);
			out_str(o, 4, nz(re->comment));
		} else if (!strcmp(what, "tokens")) {
			const struct pve_token *t = (struct pve_token *)v + i;

			out_str(o, 0, t->tokenid);
			out_bool(o, 1, t->privsep);
			if (t->expire)
				out_int(o, 2, t->expire);
			out_str(o, 3, nz(t->comment));
		} else {
			const struct pve_perm *p = (struct pve_perm *)v + i;

			out_str(o, 0, p->path);
			out_str(o, 1, p->priv);
			out_bool(o, 2, p->propagate);
		}
	}
	free(v);
	return o;
}

int
access_main(int argc, char **argv)
{
	static const char *const whats[] = { "acl", "users", "groups", "roles",
		"realms", "tokens", "permissions", NULL };
	struct px_cli x;
	struct px_reply r;
	struct px_err e;
	struct out *o;
	struct buf p = { 0 }, q = { 0 };
	const char *what, *path = NULL, *userid = NULL;
	int ch, ok = 0, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_access, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_PATH:
			path = g.arg;
			break;
		case O_USERID:
			userid = g.arg;
			break;
		default:
			px_usage(&px_cmd_access);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_access);
	what = argv[0];
	for (int i = 0; whats[i]; i++)
		ok |= strcmp(what, whats[i]) == 0;
	if (!ok)
		px_errx(PX_EXIT_USAGE, "unknown list '%s' (acl, users, groups, "
		    "roles, realms, tokens USERID, permissions)", what);
	if (argc != (strcmp(what, "tokens") == 0 ? 2 : 1))
		px_usage(&px_cmd_access);
	if ((path || userid) && strcmp(what, "permissions") != 0)
		px_errx(PX_EXIT_USAGE, "--path and --userid are for access "
		    "permissions");
	if (strcmp(what, "tokens") == 0 && strchr(argv[1], '@') == NULL)
		px_errx(PX_EXIT_USAGE, "'%s' is not a user id (user@realm)",
		    argv[1]);

	if (strcmp(what, "tokens") == 0) {
		buf_adds(&p, "/access/users/");
		url_seg(&p, argv[1]);
		buf_adds(&p, "/token");
	} else if (strcmp(what, "realms") == 0) {
		buf_adds(&p, "/access/domains");
	} else {
		buf_printf(&p, "/access/%s%s", what,
		    strcmp(what, "users") == 0 ? "?full=1" : "");
		if (path)
			form_add(&q, "path", path);
		if (userid)
			form_add(&q, "userid", userid);
		if (q.len)
			buf_printf(&p, "?%s", q.p);
	}
	if (cli_connect(&x, &e) != 0 ||
	    pve_get(x.client, &r, &e, "%s", p.p) != 0)
		px_die(&e);
	o = rows(&x, what, &r, &e);
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	buf_free(&p);
	buf_free(&q);
	cli_free(&x);
	return rc;
}
