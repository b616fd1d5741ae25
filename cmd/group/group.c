/*
 * group -- user groups: the list (GET /access/groups), one group with its
 * members, and their life cycle: create, set, add and remove members,
 * delete -- each through the gate (objcli.h).  PVE keeps membership on
 * the user (its groups parameter): add sends PUT /access/users/{userid}
 * groups=GROUP&append=1, remove the user's groups without this one.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_usergroups.h"
#include "pve_objrisk_access.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("comment", "text", "the group's comment (create, set)"),
	PX_OPT_END
};

PX_COMMAND(group, "list, create, change and delete user groups", opts,
    NULL, "list | show group | create group | set group | "
    "add group userid ... | remove group userid ... | delete group");

static const struct out_col list_cols[] = {
	{ "groupid", OT_STR, 0 }, { "users", OT_STR, 0 },
	{ "comment", OT_STR, 0 },
};

static void
check_group(const char *g)
{
	size_t n = strlen(g);

	if (n == 0 || n > 64 || strspn(g, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a group name (letters, "
		    "digits, - _ .)", g);
}

static void
check_user(const char *u)
{
	const char *at = strrchr(u, '@');

	if (at == NULL || at == u || at[1] == '\0' || strlen(u) > 64 ||
	    strpbrk(u, "!:/, \t\n") != NULL)
		px_errx(PX_EXIT_USAGE, "'%s' is not a user id (user@realm)",
		    u);
}

static int
group_write(struct objcli *oc, const char *verb, const char *group)
{
	struct objcli_change c = { .kind = "group", .id = group,
	    .action = verb };
	struct buf path = { 0 }, extra = { 0 };
	char summary[256];
	int rc;

	c.summary = summary;
	snprintf(summary, sizeof(summary), "%s group %s", verb, group);
	buf_adds(&path, "/access/groups");
	if (strcmp(verb, "create") == 0) {
		form_add(&extra, "groupid", group);
		c.method = "POST";
	} else {
		buf_addc(&path, '/');
		url_seg(&path, group);
		if (strcmp(verb, "set") == 0) {
			if (oc->nparams == 0)
				px_errx(PX_EXIT_USAGE, "set: nothing to change "
				    "(give --comment or --raw)");
			c.method = "PUT";
		} else if (strcmp(verb, "delete") == 0) {
			objcli_no_params(oc, verb);
			c.method = "DELETE";
			c.destructive = 1;
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

/* The user's groups without group, comma-separated, in b; exits when
 * they cannot be sent back as they are. */
static void
groups_without(struct objcli *oc, const char *user, const char *group,
    struct buf *b)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf p = { 0 };
	char groups[8192];

	url_seg(&p, user);
	objcli_get(oc, &r, "/access/users/%s", p.p);
	buf_free(&p);
	if (pve_user_groups_parse(&r.j, r.data, group, groups, sizeof(groups),
	    &e) != 0) {
		px_reply_free(&r);
		px_die(&e);
	}
	px_reply_free(&r);
	buf_adds(b, groups);
}

/* add or remove members: one PUT per user, one change. */
static int
group_members(struct objcli *oc, const char *verb, const char *group,
    int n, char **users)
{
	int add = strcmp(verb, "add") == 0;
	struct gate_req r;
	struct mut_row *rows;
	int rc;

	objcli_no_params(oc, verb);
	for (int i = 0; i < n; i++)
		check_user(users[i]);
	objcli_connect(oc);
	gate_req_init(&r, verb, "group", n);
	snprintf(r.summary, sizeof(r.summary), "%s %d user%s %s group %s",
	    verb, n, n == 1 ? "" : "s", add ? "to" : "from", group);
	snprintf(r.id, sizeof(r.id), "group/%.80s", group);
	r.destructive = !add;
	rows = px_xcalloc((size_t)n, sizeof(*rows));
	for (int i = 0; i < n; i++) {
		struct gate_target *t = &r.t[i];

		snprintf(t->id, sizeof(t->id), "user/%.80s", users[i]);
		snprintf(t->summary, sizeof(t->summary), "%s user %s %s group "
		    "%s", verb, users[i], add ? "to" : "from", group);
		t->call.method = "PUT";
		buf_adds(&t->call.path, "/access/users/");
		url_seg(&t->call.path, users[i]);
		if (add) {
			form_add(&t->call.form, "groups", group);
			form_add(&t->call.form, "append", "1");
		} else {
			struct buf rest = { 0 };

			groups_without(oc, users[i], group, &rest);
			form_add(&t->call.form, "groups", buf_str(&rest));
			buf_free(&rest);
		}
		snprintf(rows[i].name, sizeof(rows[i].name), "%s", users[i]);
	}
	rc = mutcli_run_rows(&oc->m, &r, rows);
	gate_req_free(&r);
	free(rows);
	return rc;
}

/* list: GET /access/groups, read by pve_groups_parse. */
static int
group_list(struct objcli *oc)
{
	struct pve_group *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/access/groups");
	if (pve_groups_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, list_cols, 3);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].groupid);
		out_str(o, 1, v[i].users[0] ? v[i].users : NULL);
		out_str(o, 2, v[i].comment[0] ? v[i].comment : NULL);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

int
group_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	const char *verb;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_group);
	px_getopt_init(&g, &px_cmd_group, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_group);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_group);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_group);
		objcli_no_params(&oc, verb);
		rc = group_list(&oc);
		objcli_free(&oc);
		return rc;
	}
	if (argc < 2)
		px_usage(&px_cmd_group);
	check_group(argv[1]);
	if (strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0) {
		if (argc < 3)
			px_errx(PX_EXIT_USAGE, "%s: give the users", verb);
		rc = group_members(&oc, verb, argv[1], argc - 2, argv + 2);
	} else if (argc != 2) {
		px_usage(&px_cmd_group);
	} else if (strcmp(verb, "show") == 0) {
		char what[128];

		objcli_no_params(&oc, verb);
		buf_adds(&path, "/access/groups/");
		url_seg(&path, argv[1]);
		snprintf(what, sizeof(what), "group %s", argv[1]);
		rc = objcli_show(&oc, path.p, what);
	} else if ((rc = group_write(&oc, verb, argv[1])) < 0) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, add, remove, delete)", verb);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
