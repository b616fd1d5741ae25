/*
 * realm -- the authentication realms (GET /access/domains), one realm's
 * settings, and the sync of an LDAP or AD realm's users and groups
 * (POST /access/domains/{realm}/sync, a task), through the gate
 * (objcli.h).  px -n sends nothing; PVE's own preview of a sync is
 * --raw dry-run=1.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_MUTATE, PX_OPT_RAW,
	PX_PARAM("scope", "users|groups|both", "sync: what to sync"),
	PX_PARAM("remove-vanished", "list", "sync: what to remove when it "
	    "vanished from the directory (acl;entry;properties, or none)"),
	PX_PARAM("enable-new", "0|1", "sync: enable new users now"),
	PX_OPT_END
};

PX_COMMAND(realm, "list, show and sync authentication realms", opts, NULL,
    "list | show realm | sync realm");

static const struct out_col list_cols[] = {
	{ "realm", OT_STR, 0 }, { "type", OT_STR, 0 }, { "tfa", OT_STR, 0 },
	{ "default", OT_BOOL, 0 }, { "comment", OT_STR, 0 },
};

static void
check_realm(const char *r)
{
	size_t n = strlen(r);

	if (n < 2 || n > 32 || strspn(r, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a realm name", r);
}

int
realm_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	const char *verb;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_realm);
	px_getopt_init(&g, &px_cmd_realm, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_realm);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_realm);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_realm);
		objcli_no_params(&oc, verb);
		rc = objcli_list(&oc, "/access/domains", list_cols, 5, NULL,
		    NULL);
		objcli_free(&oc);
		return rc;
	}
	if (argc != 2)
		px_usage(&px_cmd_realm);
	check_realm(argv[1]);
	buf_adds(&path, "/access/domains/");
	url_seg(&path, argv[1]);
	if (strcmp(verb, "show") == 0) {
		char what[128];

		objcli_no_params(&oc, verb);
		snprintf(what, sizeof(what), "realm %s", argv[1]);
		rc = objcli_show(&oc, path.p, what);
	} else if (strcmp(verb, "sync") == 0) {
		struct objcli_change c = { .action = "sync", .kind = "realm",
		    .id = argv[1], .method = "POST" };
		char summary[128];

		buf_adds(&path, "/sync");
		snprintf(summary, sizeof(summary), "sync realm %s", argv[1]);
		c.path = path.p;
		c.summary = summary;
		rc = objcli_change(&oc, &c);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "sync)", verb);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
