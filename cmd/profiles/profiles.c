/*
 * profiles -- the profiles in px.conf: name, kind, url, user, auth, TLS
 * trust mode, read-only mark.  Never a secret: only where it comes from.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_SORT,
	PX_OPT_END
};

PX_COMMAND(profiles, "list the configured profiles (never their secrets)",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "name", OT_STR, 0 },
	{ "kind", OT_STR, 0 },
	{ "url", OT_STR, 0 },
	{ "user", OT_STR, 0 },
	{ "auth", OT_STR, 0 },
	{ "tls", OT_STR, 0 },
	{ "read_only", OT_BOOL, 0 },
	{ "default", OT_BOOL, 0 },
	{ "token_id", OT_STR, OC_EXTRA },
	{ "secret_source", OT_STR, OC_EXTRA },
	{ "fingerprint", OT_STR, OC_EXTRA },
};
enum { C_NAME, C_KIND, C_URL, C_USER, C_AUTH, C_TLS, C_RO, C_DEFAULT,
	C_TOKEN_ID, C_SECRET, C_FP, C_N };

static const char *
tls_name(enum px_tls t)
{
	static const char *const names[] = { "system", "ca_file",
	    "fingerprint", "tofu", "insecure" };

	return names[t];
}

/* Where the secret would come from, without reading it. */
static const char *
secret_source(const struct px_profile *p)
{
	int tok = p->auth == PX_AUTH_TOKEN;
	const char *env = getenv(tok ? "PX_TOKEN_SECRET" : "PX_PASSWORD");

	if (env && *env)
		return "environment";
	if (tok ? p->token_secret_file != NULL : p->password_file != NULL)
		return "file";
	if (tok ? p->token_secret != NULL : p->password != NULL)
		return "inline";
	return "none";
}

int
profiles_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	const struct px_profile *def;
	struct out *o;
	int ch, rc;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_profiles, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_profiles);
	}
	if (g.ind != argc)
		px_usage(&px_cmd_profiles);
	if (cli_load(&x, &e) != 0)
		px_die(&e);
	def = conf_profile(&x.conf, NULL, PX_KIND_PVE, NULL);
	o = out_new(&x.out, cols, C_N);
	for (int i = 0; i < x.conf.nprofiles; i++) {
		const struct px_profile *p = &x.conf.profiles[i];

		out_row(o);
		out_str(o, C_NAME, p->name);
		out_str(o, C_KIND, p->kind == PX_KIND_PBS ? "pbs" : "pve");
		out_str(o, C_URL, p->url);
		out_str(o, C_USER, p->user);
		out_str(o, C_AUTH, p->auth == PX_AUTH_TOKEN ? "token" :
		    "password");
		out_str(o, C_TLS, tls_name(conf_tls_mode(p)));
		out_bool(o, C_RO, p->read_only);
		out_bool(o, C_DEFAULT, p == def);
		out_str(o, C_TOKEN_ID, p->token_id);
		out_str(o, C_SECRET, secret_source(p));
		out_str(o, C_FP, p->fingerprint);
	}
	rc = cli_print(&x, o, &e);
	out_free(o);
	cli_free(&x);
	if (rc != 0)
		px_die(&e);
	return 0;
}
