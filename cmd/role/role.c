/*
 * role -- roles, sets of privileges: the list (GET /access/roles), one
 * role's privileges, and the life cycle of the roles of one's own:
 * create, set, delete -- each through the gate (objcli.h).  PVE's
 * built-in roles (special in the list: Administrator, PVEAdmin,
 * PVEVMAdmin ...) cannot be changed: px refuses before sending.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_access_list.h"
#include "pve_cluster.h"
#include "pve_objrisk_access.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("privs", "list", "the role's privileges, comma-separated "
	    "(create, set)"),
	PX_FLAG("append", "set: add --privs to the role's privileges"),
	PX_OPT_END
};

PX_COMMAND(role, "list, create, change and delete roles", opts, NULL,
    "list | show role | create role | set role | delete role");

static const struct out_col list_cols[] = {
	{ "roleid", OT_STR, 0 }, { "special", OT_BOOL, 0 },
	{ "privs", OT_STR, 0 },
};

static void
check_role(const char *r)
{
	size_t n = strlen(r);

	if (n == 0 || n > 64 || strspn(r, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a role name (letters, "
		    "digits, - _ .)", r);
}

/* Refuse a change of a built-in role, before anything is sent. */
static void
not_builtin(struct objcli *oc, const char *verb, const char *role)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct pve_role *v = NULL;
	int n = 0, special = 0;

	objcli_get(oc, &r, "/access/roles");
	if (pve_roles_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].roleid, role) == 0)
			special = v[i].special;
	free(v);
	px_reply_free(&r);
	if (special)
		px_errx(PX_EXIT_USAGE, "%s: '%s' is a built-in role of PVE, "
		    "which cannot be changed or deleted (create a role of "
		    "your own)", verb, role);
}

static int
role_write(struct objcli *oc, const char *verb, const char *role)
{
	struct objcli_change c = { .kind = "role", .id = role,
	    .action = verb };
	struct buf path = { 0 }, extra = { 0 };
	char summary[256];
	int rc;

	c.summary = summary;
	snprintf(summary, sizeof(summary), "%s role %s", verb, role);
	buf_adds(&path, "/access/roles");
	if (strcmp(verb, "create") == 0) {
		if (objcli_has(oc, "append"))
			px_errx(PX_EXIT_USAGE, "--append is for set");
		form_add(&extra, "roleid", role);
		c.method = "POST";
	} else {
		if (strcmp(verb, "set") && strcmp(verb, "delete")) {
			buf_free(&path);
			return -1;
		}
		not_builtin(oc, verb, role);
		buf_addc(&path, '/');
		url_seg(&path, role);
		if (strcmp(verb, "set") == 0) {
			if (!objcli_has(oc, "privs"))
				px_errx(PX_EXIT_USAGE, "set: give --privs");
			c.method = "PUT";
		} else {
			objcli_no_params(oc, verb);
			c.method = "DELETE";
			c.destructive = 1;
			c.assess = objrisk_role_delete;
			c.assess_arg = (void *)role;
		}
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
list(struct objcli *oc)
{
	static const char path[] = "/access/roles";
	struct pve_role_row *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	objcli_get(oc, &r, "%s", path);
	if (pve_role_rows_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&oc->m.x.out, list_cols, 3);
	for (int i = 0; i < n; i++) {
		if (v[i].bad) {
			objcli_drop(path, i);
			continue;
		}
		out_row(o);
		out_str(o, 0, v[i].roleid);
		if (v[i].special >= 0)
			out_bool(o, 1, v[i].special);
		out_str(o, 2, v[i].privs);
	}
	pve_role_rows_free(v, n);
	return objcli_print(oc, o);
}

int
role_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	const char *verb;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_role);
	px_getopt_init(&g, &px_cmd_role, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_role);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_role);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_role);
		objcli_no_params(&oc, verb);
		rc = list(&oc);
		objcli_free(&oc);
		return rc;
	}
	if (argc != 2)
		px_usage(&px_cmd_role);
	check_role(argv[1]);
	if (strcmp(verb, "show") == 0) {
		char what[128];

		objcli_no_params(&oc, verb);
		buf_adds(&path, "/access/roles/");
		url_seg(&path, argv[1]);
		snprintf(what, sizeof(what), "role %s", argv[1]);
		rc = objcli_show(&oc, path.p, what);
	} else if ((rc = role_write(&oc, verb, argv[1])) < 0) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, delete)", verb);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
