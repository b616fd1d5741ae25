/*
 * acl -- the access control list: its entries (GET /access/acl), and
 * granting or taking back a role on a path for users, groups or API
 * tokens (PUT /access/acl, with delete=1 to take back), through the gate
 * (objcli.h) with the pre-flight check of pve_objrisk_access.h.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_objw.h"
#include "pve_objrisk_access.h"

enum { O_ROLE = PX_O_LONG, O_USER, O_GROUP, O_TOKEN, O_NOPROP };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	{ O_ROLE, "role", "role", "the role granted or taken back "
	    "(repeatable)" },
	{ O_USER, "user", "userid", "a user (repeatable)" },
	{ O_GROUP, "group", "group", "a group (repeatable)" },
	{ O_TOKEN, "token", "user@realm!token", "an API token (repeatable)" },
	{ O_NOPROP, "no-propagate", NULL, "set: the entry does not hold for "
	    "the paths below" },
	PX_OPT_END
};

PX_COMMAND(acl, "list, set and unset access control entries", opts, NULL,
    "list | set path | unset path");

static const struct out_col list_cols[] = {
	{ "path", OT_STR, 0 }, { "type", OT_STR, 0 }, { "ugid", OT_STR, 0 },
	{ "roleid", OT_STR, 0 }, { "propagate", OT_BOOL, 0 },
};

static void
add_to(struct buf *b, const char *what, const char *v, const char *bad)
{
	if (v[0] == '\0' || strpbrk(v, bad) != NULL)
		px_errx(PX_EXIT_USAGE, "'%s' is not %s", v, what);
	if (b->len)
		buf_addc(b, ',');
	buf_adds(b, v);
}

static int
acl_change(struct objcli *oc, const char *verb, const char *path,
    struct buf *roles, struct buf *users, struct buf *groups,
    struct buf *tokens, int noprop)
{
	struct objcli_change c = { .kind = "acl", .id = path };
	struct objrisk_acl a = { path, roles->p, users->p, groups->p,
	    tokens->p };
	struct gate_target t = { 0 };
	char summary[512];
	int unset = strcmp(verb, "unset") == 0, rc;

	if (path[0] != '/' || strpbrk(path, " \t\n,;") != NULL)
		px_errx(PX_EXIT_USAGE, "'%s' is not an ACL path (/, /vms/100, "
		    "/storage/local ...)", path);
	if (roles->len == 0)
		px_errx(PX_EXIT_USAGE, "%s: give --role", verb);
	if (users->len + groups->len + tokens->len == 0)
		px_errx(PX_EXIT_USAGE, "%s: give --user, --group or --token",
		    verb);
	if (unset && noprop)
		px_errx(PX_EXIT_USAGE, "--no-propagate is for set");
	objw_acl(&t, path, roles->p, users->p, groups->p, tokens->p,
	    noprop ? 0 : -1, unset);
	if (unset) {
		c.destructive = 1;
		c.assess = objrisk_acl_unset;
		c.assess_arg = &a;
	}
	snprintf(summary, sizeof(summary), "%s %s on %s %s %s%s%s%s%s%s",
	    unset ? "take back" : "grant", roles->p, path, unset ? "from" :
	    "to", users->len ? users->p : "", users->len && (groups->len ||
	    tokens->len) ? "," : "", groups->len ? groups->p : "",
	    groups->len && tokens->len ? "," : "", tokens->len ? tokens->p :
	    "", noprop ? " (not propagated)" : "");
	c.action = verb;
	c.summary = summary;
	c.method = t.call.method;
	c.path = t.call.path.p;
	c.extra = t.call.form.p;
	rc = objcli_change(oc, &c);
	buf_free(&t.call.path);
	buf_free(&t.call.form);
	return rc;
}

/* list: GET /access/acl, read by pve_acl_parse. */
static int
acl_list(struct objcli *oc)
{
	struct pve_acl *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/access/acl");
	if (pve_acl_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, list_cols, 5);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].path);
		out_str(o, 1, v[i].type[0] ? v[i].type : NULL);
		out_str(o, 2, v[i].ugid[0] ? v[i].ugid : NULL);
		out_str(o, 3, v[i].roleid[0] ? v[i].roleid : NULL);
		out_bool(o, 4, v[i].propagate);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

int
acl_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf roles = { 0 }, users = { 0 }, groups = { 0 },
	    tokens = { 0 };
	const char *verb;
	struct px_getopt g;
	int ch, rc, noprop = 0;

	objcli_init(&oc, &px_cmd_acl);
	px_getopt_init(&g, &px_cmd_acl, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_ROLE:
			add_to(&roles, "a role", g.arg, ",; \t\n@!/");
			break;
		case O_USER:
			if (strchr(g.arg, '@') == NULL)
				px_errx(PX_EXIT_USAGE, "'%s' is not a user id "
				    "(user@realm)", g.arg);
			add_to(&users, "a user id", g.arg, ",; \t\n!/");
			break;
		case O_GROUP:
			add_to(&groups, "a group", g.arg, ",; \t\n@!/");
			break;
		case O_TOKEN:
			if (strchr(g.arg, '@') == NULL ||
			    strchr(g.arg, '!') == NULL)
				px_errx(PX_EXIT_USAGE, "'%s' is not a token id "
				    "(user@realm!token)", g.arg);
			add_to(&tokens, "a token id", g.arg, ",; \t\n/");
			break;
		case O_NOPROP:
			noprop = 1;
			break;
		default:
			px_usage(&px_cmd_acl);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_acl);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_acl);
		objcli_no_params(&oc, verb);
		if (roles.len || users.len || groups.len || tokens.len ||
		    noprop)
			px_errx(PX_EXIT_USAGE, "list takes no --role, --user, "
			    "--group, --token");
		rc = acl_list(&oc);
	} else if (strcmp(verb, "set") == 0 || strcmp(verb, "unset") == 0) {
		if (argc != 2)
			px_usage(&px_cmd_acl);
		rc = acl_change(&oc, verb, argv[1], &roles, &users, &groups,
		    &tokens, noprop);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, set, "
		    "unset)", verb);
	}
	buf_free(&roles);
	buf_free(&users);
	buf_free(&groups);
	buf_free(&tokens);
	objcli_free(&oc);
	return rc;
}
