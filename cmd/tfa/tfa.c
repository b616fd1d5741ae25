/*
 * tfa -- the users' second factors: every entry (GET /access/tfa, one row
 * per entry), and deleting one (DELETE /access/tfa/{userid}/{id}), e.g.
 * for a user who lost the device, through the gate (objcli.h).
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_tfa.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_SECRET("password", "delete: your own current password, when PVE "
	    "asks for it"),
	PX_OPT_END
};

PX_COMMAND(tfa, "list and delete users' second factors", opts, NULL,
    "list | delete userid id");

static const struct out_col list_cols[] = {
	{ "userid", OT_STR, 0 }, { "id", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "description", OT_STR, 0 }, { "created", OT_TIME, 0 },
	{ "enable", OT_BOOL, 0 }, { "totp-locked", OT_BOOL, OC_EXTRA },
	{ "tfa-locked-until", OT_TIME, OC_EXTRA },
};

static int
tfa_list(struct objcli *oc)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct pve_tfa_entry *v;
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/access/tfa");
	if (pve_tfa_parse(&r.j, r.data, &v, &n, &e) != 0) {
		px_reply_free(&r);
		px_die(&e);
	}
	px_reply_free(&r);
	o = out_new(&oc->m.x.out, list_cols, 8);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].userid);
		out_str(o, 1, v[i].id);
		out_str(o, 2, v[i].type[0] ? v[i].type : NULL);
		out_str(o, 3, v[i].description[0] ? v[i].description : NULL);
		if (v[i].created)
			out_int(o, 4, v[i].created);
		out_bool(o, 5, v[i].enable);
		if (v[i].totp_locked >= 0)
			out_bool(o, 6, v[i].totp_locked);
		if (v[i].locked_until)
			out_int(o, 7, v[i].locked_until);
	}
	free(v);
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

int
tfa_main(int argc, char **argv)
{
	struct objcli oc;
	const char *verb;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_tfa);
	px_getopt_init(&g, &px_cmd_tfa, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_tfa);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_tfa);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_tfa);
		objcli_no_params(&oc, verb);
		rc = tfa_list(&oc);
	} else if (strcmp(verb, "delete") == 0) {
		struct objcli_change c = { .action = "delete", .kind = "tfa",
		    .method = "DELETE", .destructive = 1 };
		struct buf path = { 0 }, id = { 0 };
		char summary[256];

		if (argc != 3)
			px_usage(&px_cmd_tfa);
		if (strchr(argv[1], '@') == NULL || strchr(argv[1], '!'))
			px_errx(PX_EXIT_USAGE, "'%s' is not a user id "
			    "(user@realm)", argv[1]);
		if (argv[2][0] == '\0' || strpbrk(argv[2], "/ \t\n"))
			px_errx(PX_EXIT_USAGE, "'%s' is not a TFA entry id",
			    argv[2]);
		buf_adds(&path, "/access/tfa/");
		url_seg(&path, argv[1]);
		buf_addc(&path, '/');
		url_seg(&path, argv[2]);
		buf_printf(&id, "%s/%s", argv[1], argv[2]);
		snprintf(summary, sizeof(summary), "delete the second factor "
		    "%s of user %s", argv[2], argv[1]);
		c.id = id.p;
		c.path = path.p;
		c.summary = summary;
		rc = objcli_change(&oc, &c);
		buf_free(&path);
		buf_free(&id);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, delete)",
		    verb);
	}
	objcli_free(&oc);
	return rc;
}
