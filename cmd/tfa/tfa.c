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

static char *
str_at(const struct json *j, int obj, const char *key)
{
	int t = json_get(j, obj, key);

	return t >= 0 && json_type(j, t) == JSON_STRING ?
	    json_strdup(j, t) : NULL;
}

static int
tfa_list(struct objcli *oc)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int k, i, k2, i2, rc = 0;

	objcli_get(oc, &r, "/access/tfa");
	if (json_type(&r.j, r.data) != JSON_ARRAY) {
		px_fail(&e, PXE_PARSE, "GET /access/tfa: the answer's data is "
		    "not a list");
		px_die(&e);
	}
	o = out_new(&oc->m.x.out, list_cols, 8);
	JSON_FOREACH(&r.j, r.data, k, i) {
		char *user = str_at(&r.j, k, "userid");
		int ents = json_get(&r.j, k, "entries");
		int tl = json_get(&r.j, k, "totp-locked");
		int tu = json_get(&r.j, k, "tfa-locked-until");
		long long ll;
		int b;

		if (ents < 0 || json_type(&r.j, ents) != JSON_ARRAY) {
			free(user);
			continue;
		}
		JSON_FOREACH(&r.j, ents, k2, i2) {
			char *s;

			out_row(o);
			out_str(o, 0, user);
			out_str(o, 1, s = str_at(&r.j, k2, "id"));
			free(s);
			out_str(o, 2, s = str_at(&r.j, k2, "type"));
			free(s);
			out_str(o, 3, s = str_at(&r.j, k2, "description"));
			free(s);
			if (json_int(&r.j, json_get(&r.j, k2, "created"),
			    &ll) == 0)
				out_int(o, 4, ll);
			/* PVE leaves enable out when it is the default, 1 */
			if (json_bool(&r.j, json_get(&r.j, k2, "enable"),
			    &b) != 0)
				b = 1;
			out_bool(o, 5, b);
			if (tl >= 0 && json_bool(&r.j, tl, &b) == 0)
				out_bool(o, 6, b);
			if (tu >= 0 && json_int(&r.j, tu, &ll) == 0)
				out_int(o, 7, ll);
		}
		free(user);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
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
