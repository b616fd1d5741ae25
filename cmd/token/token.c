/*
 * token -- a user's API tokens: the list (GET /access/users/{userid}/
 * token), one token, and their life cycle: create (the secret is
 * PVE's answer, shown once: printed on standard output, or written to
 * a new file of mode 0600 with --secret-file; never to the audit log,
 * standard error or any other file), set, revoke -- each through the
 * gate (objcli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_objrisk_access.h"

enum { O_SECRET_FILE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("comment", "text", "the token's comment (create, set)"),
	PX_PARAM("expire", "epoch", "when the token expires, in seconds "
	    "since the epoch; 0: never (create, set)"),
	PX_PARAM("privsep", "0|1", "1: the token has ACL entries of its "
	    "own (default); 0: the user's full rights (create, set)"),
	{ O_SECRET_FILE, "secret-file", "file", "create: write the secret to "
	    "this new file (mode 0600) instead of standard output" },
	PX_OPT_END
};

PX_COMMAND(token, "list, create, change and revoke a user's API tokens",
    opts, NULL, "list userid | show userid tokenid | create userid tokenid "
    "| set userid tokenid | revoke userid tokenid");

static const struct out_col list_cols[] = {
	{ "tokenid", OT_STR, 0 }, { "privsep", OT_BOOL, 0 },
	{ "expire", OT_TIME, 0 }, { "comment", OT_STR, 0 },
};
static const struct out_col secret_cols[] = {
	{ "full-tokenid", OT_STR, 0 }, { "value", OT_STR, 0 },
	{ "secret-file", OT_STR, 0 },
};

/* list: the user's tokens, read by pve_tokens_parse; expire 0 is
 * "never": no time to show. */
static int
token_list(struct objcli *oc, const char *path)
{
	struct pve_token *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "%s", path);
	if (pve_tokens_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, list_cols, 4);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].tokenid);
		out_bool(o, 1, v[i].privsep);
		if (v[i].expire != 0)
			out_int(o, 2, v[i].expire);
		out_str(o, 3, v[i].comment[0] ? v[i].comment : NULL);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

static void
check_user(const char *u)
{
	const char *at = strrchr(u, '@');

	if (at == NULL || at == u || at[1] == '\0' || strlen(u) > 64 ||
	    strpbrk(u, "!:/ \t\n") != NULL)
		px_errx(PX_EXIT_USAGE, "'%s' is not a user id (user@realm)",
		    u);
}

/* PVE's pattern: [A-Za-z][A-Za-z0-9.\-_]+ */
static void
check_token(const char *t)
{
	size_t n = strlen(t);

	if (n < 2 || n > 64 || !((t[0] >= 'a' && t[0] <= 'z') ||
	    (t[0] >= 'A' && t[0] <= 'Z')) || strspn(t, "abcdefghijklmnopq"
	    "rstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a token id (a letter, "
		    "then letters, digits, . - _)", t);
}

static void
token_path(struct buf *p, const char *user, const char *tok)
{
	buf_adds(p, "/access/users/");
	url_seg(p, user);
	buf_adds(p, "/token");
	if (tok != NULL) {
		buf_addc(p, '/');
		url_seg(p, tok);
	}
}

/* The new file for the secret: created now, before the request, so that
 * a file that exists (or a link) refuses the change rather than lose the
 * secret after it. */
static int
secret_open(const char *file)
{
	int fd;

	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		px_errx(PX_EXIT_USAGE, "--secret-file %s: %s", file,
		    errno == EEXIST ? "exists already (px writes only a new "
		    "file)" : strerror(errno));
	return fd;
}

static int
secret_write(int fd, const char *file, const char *value)
{
	size_t n = strlen(value), off = 0;
	ssize_t w;

	while (off < n) {
		if ((w = write(fd, value + off, n - off)) < 0) {
			if (errno == EINTR)
				continue;
			px_warn("%s: %s", file, strerror(errno));
			return -1;
		}
		off += (size_t)w;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		px_warn("%s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

static int
token_create(struct objcli *oc, const char *user, const char *tok,
    const char *file)
{
	struct objcli_change c = { .action = "create", .kind = "token",
	    .method = "POST" };
	struct gate_result res;
	struct buf path = { 0 }, id = { 0 };
	char summary[256], full[256] = "", *value = NULL;
	int fd = -1, rc, k;

	buf_printf(&id, "%s!%s", user, tok);
	token_path(&path, user, tok);
	snprintf(summary, sizeof(summary), "create API token %s", id.p);
	c.id = id.p;
	c.path = path.p;
	c.summary = summary;
	if (file != NULL && !oc->m.g.dry_run)
		fd = secret_open(file);
	rc = objcli_change_answer(oc, &c, &res);
	if (rc != 0 || res.dry_run) {
		if (fd >= 0) {
			close(fd);
			unlink(file);
		}
		if (rc == 0)
			gate_result_free(&res);
		buf_free(&path);
		buf_free(&id);
		return rc;
	}
	if ((k = json_get(&res.reply.j, res.reply.data, "value")) >= 0)
		value = json_strdup(&res.reply.j, k);
	if ((k = json_get(&res.reply.j, res.reply.data, "full-tokenid")) >= 0)
		json_strcpy(&res.reply.j, k, full, sizeof(full));
	gate_result_free(&res);
	if (value == NULL || value[0] == '\0') {
		if (fd >= 0) {
			close(fd);
			unlink(file);
		}
		px_warn("token %s was created, but PVE's answer holds no "
		    "secret: revoke it and create it again", id.p);
		rc = PX_EXIT_FAIL;
	} else {
		struct px_err e = { 0 };
		struct out *o = out_new(&oc->m.x.out, secret_cols, 3);

		out_row(o);
		out_str(o, 0, full[0] ? full : id.p);
		if (fd >= 0) {
			if (secret_write(fd, file, value) != 0) {
				/* the secret is shown rather than lost */
				out_str(o, 1, value);
				rc = PX_EXIT_FAIL;
			} else
				out_str(o, 2, file);
			close(fd);
		} else
			out_str(o, 1, value);
		if (cli_print(&oc->m.x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
		explicit_bzero(value, strlen(value));
	}
	free(value);
	buf_free(&path);
	buf_free(&id);
	return rc;
}

static int
token_write(struct objcli *oc, const char *verb, const char *user,
    const char *tok)
{
	struct objcli_change c = { .kind = "token", .action = verb };
	struct objrisk_ident a = { 0 };
	struct buf path = { 0 }, id = { 0 };
	char summary[256];
	int rc;

	buf_printf(&id, "%s!%s", user, tok);
	token_path(&path, user, tok);
	c.id = id.p;
	c.path = path.p;
	c.summary = summary;
	if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change (give "
			    "--comment, --expire, --privsep or --raw)");
		c.method = "PUT";
		snprintf(summary, sizeof(summary), "set API token %s", id.p);
	} else {
		objcli_no_params(oc, verb);
		objcli_connect(oc);
		a.userid = user;
		a.tokenid = tok;
		a.self_user = oc->m.g.p->user;
		a.self_token = oc->m.g.p->auth == PX_AUTH_TOKEN ?
		    oc->m.g.p->token_id : NULL;
		c.action = "revoke";
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_ident_off;
		c.assess_arg = &a;
		snprintf(summary, sizeof(summary), "revoke API token %s",
		    id.p);
	}
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&id);
	return rc;
}

int
token_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	const char *verb, *file = NULL;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_token);
	px_getopt_init(&g, &px_cmd_token, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_SECRET_FILE:
			file = g.arg;
			break;
		default:
			px_usage(&px_cmd_token);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 2)
		px_usage(&px_cmd_token);
	verb = argv[0];
	check_user(argv[1]);
	if (file != NULL && strcmp(verb, "create") != 0)
		px_errx(PX_EXIT_USAGE, "--secret-file is for create");
	if (strcmp(verb, "list") == 0) {
		if (argc != 2)
			px_usage(&px_cmd_token);
		objcli_no_params(&oc, verb);
		token_path(&path, argv[1], NULL);
		rc = token_list(&oc, path.p);
		buf_free(&path);
		objcli_free(&oc);
		return rc;
	}
	if (argc != 3)
		px_usage(&px_cmd_token);
	check_token(argv[2]);
	if (strcmp(verb, "show") == 0) {
		char what[256];

		objcli_no_params(&oc, verb);
		token_path(&path, argv[1], argv[2]);
		snprintf(what, sizeof(what), "token %s!%s", argv[1], argv[2]);
		rc = objcli_show(&oc, path.p, what);
	} else if (strcmp(verb, "create") == 0) {
		rc = token_create(&oc, argv[1], argv[2], file);
	} else if (strcmp(verb, "set") == 0 || strcmp(verb, "revoke") == 0 ||
	    strcmp(verb, "delete") == 0) {
		rc = token_write(&oc, verb, argv[1], argv[2]);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, revoke)", verb);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
