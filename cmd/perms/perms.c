/*
 * perms -- a user's effective permissions as the node computes them:
 * `pveum user permissions USER --output-format json` on one node over
 * SSH (lib/ssh.h), beside px access permissions, which asks the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "sshcli.h"

enum { O_NODE = PX_O_LONG, O_PATH };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_NODE, "node", "node", "the node to ask (default: the first "
	    "online node)" },
	{ O_PATH, "path", "path", "only this ACL path" },
	PX_OPT_END
};

PX_COMMAND(perms, "a user's permissions as pveum computes them on a "
    "node, over SSH", opts, NULL, "user");

static const struct out_col cols[] = {
	{ "path", OT_STR, 0 }, { "privilege", OT_STR, 0 },
	{ "propagate", OT_BOOL, 0 },
};

int
perms_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct sshcli s;
	struct ssh_result r;
	struct px_err e = { 0 };
	struct json j = { 0 };
	struct out *o;
	const char *node = NULL, *path = NULL, *user;
	const char *args[8];
	int ch, na = 0, rc = 0;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_perms, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_NODE:
			node = go.arg;
			break;
		case O_PATH:
			path = go.arg;
			if (*path != '/' || conf_has_ctl(path))
				px_errx(PX_EXIT_USAGE, "--path %s: an ACL path "
				    "starts with /", path);
			break;
		default:
			px_usage(&px_cmd_perms);
		}
	}
	if (go.ind != argc - 1)
		px_usage(&px_cmd_perms);
	user = argv[go.ind];
	if (*user == '\0' || *user == '-' || conf_has_ctl(user) ||
	    strchr(user, '@') == NULL)
		px_errx(PX_EXIT_USAGE, "%s: want a user as USER@REALM (or a "
		    "token, USER@REALM!TOKEN)", user);
	sshcli_open(&s, &x);
	if (node) {
		char *want[1] = { (char *)node };

		sshcli_pick(&s, want, 1);
	} else {
		sshcli_pick(&s, NULL, 0);
		for (int i = 0; i < s.nnodes && node == NULL; i++)
			if (sshcli_online(&s, s.nodes[i]))
				node = s.nodes[i];
		if (node == NULL)
			px_errx(PX_EXIT_UNAVAIL, "no node of the cluster is "
			    "online");
	}
	args[na++] = "pveum";
	args[na++] = "user";
	args[na++] = "permissions";
	args[na++] = user;
	if (path) {
		args[na++] = "--path";
		args[na++] = path;
	}
	args[na++] = "--output-format=json";
	args[na] = NULL;
	if (ssh_run(s.pool, node, args, -1, NULL, NULL, &r, &e) != 0)
		px_die(&e);
	if (r.status != 0) {
		char *msg = text_sanitize(px_xstrdup(r.err.len ? r.err.p : ""));
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\n'))
			msg[--n] = '\0';
		px_fail(&e, PXE_FAILURE, "%s: pveum exited with status %d%s%s",
		    node, r.status, *msg ? ": " : "", msg);
		free(msg);
		ssh_result_free(&r);
		px_die(&e);
	}
	if (json_parse(&j, r.out.p ? r.out.p : "", r.out.len, &e) != 0) {
		px_wrap(&e, "pveum user permissions on %s", node);
		px_die(&e);
	}
	if (json_type(&j, 0) != JSON_OBJECT) {
		px_fail(&e, PXE_PARSE, "pveum user permissions on %s: not a "
		    "JSON object", node);
		px_die(&e);
	}
	o = out_new(&x.out, cols, 3);
	int i, k, a, pk;

	JSON_FOREACH_KV(&j, 0, k, i) {
		int v = k + 1;
		char *p = text_sanitize(json_strdup(&j, k));

		if (p == NULL || json_type(&j, v) != JSON_OBJECT) {
			free(p);
			continue;
		}
		JSON_FOREACH_KV(&j, v, pk, a) {
			int pv = pk + 1;
			char *priv = text_sanitize(json_strdup(&j, pk));
			long long prop = 0;

			json_int(&j, pv, &prop);
			out_row(o);
			out_str(o, 0, p);
			out_str(o, 1, priv ? priv : "");
			out_bool(o, 2, prop != 0);
			free(priv);
		}
		free(p);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	json_free(&j);
	ssh_result_free(&r);
	sshcli_free(&s);
	cli_free(&x);
	return rc;
}
