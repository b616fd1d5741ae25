/*
 * init -- write a starter px.conf, or add a profile to it, checking every
 * answer against the live server before anything is written.
 *
 *   px init                      commented starter file (0600)
 *   px init -i                   ask for URL, auth, secret (no echo); show
 *                                the certificate fingerprint and ask
 *                                whether to trust it; validate; write
 *   px init -p NAME --url ...    add a profile from flags (the secret from
 *                                PX_TOKEN_SECRET / PX_PASSWORD), validated
 *
 * Secrets go to a file of their own next to px.conf (mode 0600) that the
 * profile names with token_secret_file / password_file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "enc.h"
#include "pve.h"
#include "pve_cluster.h"

enum { O_URL = PX_O_LONG, O_USER, O_TOKEN_ID, O_PASSWORD, O_FP, O_TOFU,
    O_INSECURE };

static const struct px_opt opts[] = {
	{ 'f', "force", NULL,
	    "overwrite the starter file, or replace the profile" },
	{ 'i', "interactive", NULL, "ask for the values" },
	{ 'p', "profile", "profile", "the name of the profile to add" },
	{ O_FP, "fingerprint", "fp",
	    "trust the certificate with this SHA-256 fingerprint" },
	{ O_INSECURE, "insecure", NULL,
	    "do not verify the certificate (insecure = yes)" },
	{ O_PASSWORD, "password", NULL,
	    "authenticate with a password, not a token" },
	{ O_TOFU, "tofu", NULL,
	    "trust the certificate seen first (tofu = yes)" },
	{ O_TOKEN_ID, "token-id", "id", "the token's id, the part after !" },
	{ O_URL, "url", "url", "the API URL, or a host name" },
	{ O_USER, "user", "user", "the user, user@realm" },
	PX_OPT_END
};

PX_COMMAND(init, "create px.conf, or add a profile checked against the server",
    opts, NULL, NULL);

static const char starter[] =
"# px.conf -- see px.conf(5).  Mode 0600: it may hold secrets.\n"
"#\n"
"# px init -i asks for the values below, checks them against the server\n"
"# and adds a profile; or uncomment and edit this example.\n"
"\n"
"[px]\n"
"# profile = home\n"
"\n"
"# [profile home]\n"
"# url = https://pve1.example.net:8006\n"
"# user = root@pam\n"
"# auth = token\n"
"# token_id = px\n"
"# token_secret_file = ~/.config/px/home.secret   (mode 0600)\n"
"# The SHA-256 fingerprint that `pvenode cert info` shows, or tofu = yes\n"
"# fingerprint = AB:CD:...\n"
"# read_only = no\n"
"# rate_limit = 20\n"
"# timeout = 60\n"
"\n"
"# [pbs backup]\n"
"# url = https://pbs.example.net:8007\n"
"# user = root@pam\n"
"# token_id = px\n"
"# token_secret_file = ~/.config/px/backup.secret\n"
"\n"
"# [telegram]\n"
"# bot_token_file = ~/.config/px/telegram.secret\n"
"# chat_id = 123456789\n";

struct answers {
	char *name, *url, *user, *token_id, *fingerprint;
	int password, tofu, insecure;
	char *secret;
};

/* Read one line from stdin after prompting on stderr; NULL at EOF. */
static char *
ask(const char *prompt, const char *def, int secret)
{
	struct termios old, quiet;
	char line[1024];
	int tty = isatty(STDIN_FILENO), hidden = 0;

	if (def && *def)
		fprintf(stderr, "%s [%s]: ", prompt, def);
	else
		fprintf(stderr, "%s: ", prompt);
	fflush(stderr);
	if (secret && tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		hidden = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(line, sizeof(line), stdin) == NULL) {
		if (hidden)
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		return NULL;
	}
	if (hidden) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0' && def)
		return px_xstrdup(def);
	char *r = px_xstrdup(line);

	explicit_bzero(line, sizeof(line));
	return r;
}

/* https://host -> https://host:8006 ; host -> https://host:8006.  A path,
 * ?query or #fragment (a URL pasted from the GUI's address bar) is
 * dropped.  NULL with *why set (never echoing the URL, which may hold a
 * password) when it is not one px.conf would take. */
static char *
normalise_url(const char *in, const char **why)
{
	const char *h = in;
	char *u;
	size_t n;

	*why = "not an https URL";
	if (strncmp(h, "https://", 8) == 0)
		h += 8;
	else if (strstr(h, "://") != NULL)
		return NULL;
	n = strcspn(h, "/?#");
	if (n == 0)
		return NULL;
	if (memchr(h, ':', n) != NULL || h[0] == '[')
		u = px_xasprintf("https://%.*s", (int)n, h);
	else
		u = px_xasprintf("https://%.*s:8006", (int)n, h);
	if ((*why = conf_url_problem(u)) != NULL) {
		free(u);
		return NULL;
	}
	return u;
}

/* The profile as it will be written, in memory, to validate it. */
static int
validate(const struct answers *a, struct px_err *e)
{
	struct px_conf conf = { 0 };
	struct px_profile p = { 0 };
	struct px_client_opts o = { .secret = a->secret };
	struct px_client *c;
	struct pve_version v;
	struct px_reply r;

	conf.path = "(new profile)";
	conf.mode = 0600;
	p.name = a->name;
	p.url = a->url;
	p.user = a->user;
	p.auth = a->password ? PX_AUTH_PASSWORD : PX_AUTH_TOKEN;
	p.token_id = a->token_id;
	p.fingerprint = a->fingerprint;
	p.tofu = a->tofu;
	p.insecure = a->insecure;
	p.timeout = 30;
	p.connect_timeout = 10;
	p.retries = 1;
	if ((c = px_client_new(&conf, &p, &o, e)) == NULL)
		return -1;
	if (pve_version_get(c, &v, e) != 0) {
		px_client_free(c);
		return -1;
	}
	fprintf(stderr, "px init: connected to Proxmox VE %s as %s%s%s\n",
	    v.version, a->user, a->password ? "" : "!",
	    a->password ? "" : a->token_id);
	if (pve_get(c, &r, e, "/access/permissions") != 0) {
		px_client_free(c);
		return -1;
	}
	{
		struct pve_perm *v = NULL;
		int n = 0, root = 0;

		if (pve_perms_parse(&r.j, r.data, &v, &n, NULL) == 0)
			for (int i = 0; i < n; i++)
				root |= strcmp(v[i].path, "/") == 0;
		free(v);
		if (!root)
			fprintf(stderr, "px init: note: this identity has no "
			    "privileges on / (px doctor shows the details)\n");
	}
	px_reply_free(&r);
	px_client_free(c);
	return 0;
}

/* Remove section [name] (and its keys) from text. */
static void
drop_section(struct buf *out, const char *text, const char *section)
{
	int skip = 0;
	size_t sl = strlen(section);

	for (const char *l = text; *l; ) {
		size_t n = strcspn(l, "\n");
		const char *s = l;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[')
			skip = strncmp(s + 1, section, sl) == 0 && s[1 + sl] == ']';
		if (!skip)
			buf_add(out, l, n + (l[n] == '\n'));
		l += n + (l[n] == '\n');
	}
}

static int
section_exists(const char *text, const char *section)
{
	size_t sl = strlen(section);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ?
	    strchr(l, '\n') + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '[' && strncmp(l + 1, section, sl) == 0 &&
		    l[1 + sl] == ']')
			return 1;
	}
	return 0;
}

static int
read_text(const char *path, struct buf *b, struct px_err *e)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		return px_fail(e, PXE_CONFIG, "%s: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	return 0;
}

static char *
dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? px_xstrndup(path, (size_t)(s - path)) : px_xstrdup(".");
}

/* Append (or, with force, replace) the profile; write the secret file. */
static int
write_profile(const char *path, const struct answers *a, int force,
    struct px_err *e)
{
	struct buf old = { 0 }, out = { 0 };
	char section[256], *dir = dir_of(path), *secret_path;
	int missing, rc = -1;

	snprintf(section, sizeof(section), "profile %s", a->name);
	secret_path = px_xasprintf("%s/%s.secret", dir, a->name);
	if ((missing = read_text(path, &old, e)) < 0)
		goto out;
	if (!missing && section_exists(buf_str(&old), section) && !force) {
		px_fail(e, PXE_USAGE, "%s already has [%s]", path, section);
		px_hint(e, "use -f to replace it, or -p to pick another name");
		goto out;
	}
	if (missing)
		buf_printf(&out, "# px.conf -- see px.conf(5)\n\n[px]\n"
		    "profile = %s\n", a->name);
	else
		drop_section(&out, buf_str(&old), section);
	if (out.len && out.p[out.len - 1] != '\n')
		buf_addc(&out, '\n');
	buf_printf(&out, "\n[%s]\nurl = %s\nuser = %s\nauth = %s\n", section,
	    a->url, a->user, a->password ? "password" : "token");
	if (!a->password)
		buf_printf(&out, "token_id = %s\n", a->token_id);
	if (a->secret)
		buf_printf(&out, "%s = %s\n", a->password ? "password_file" :
		    "token_secret_file", secret_path);
	if (a->fingerprint)
		buf_printf(&out, "fingerprint = %s\n", a->fingerprint);
	if (a->tofu)
		buf_adds(&out, "tofu = yes\n");
	if (a->insecure)
		buf_adds(&out, "insecure = yes\n");
	if (px_mkdirs(dir, 0700, e) != 0)
		goto out;
	if (a->secret) {
		struct buf s = { 0 };

		buf_printf(&s, "%s\n", a->secret);
		rc = px_write_file(secret_path, s.p, s.len, 0600, e);
		buf_wipe(&s);
		if (rc != 0)
			goto out;
		rc = -1;
	}
	if (px_write_file(path, out.p, out.len, 0600, e) != 0)
		goto out;
	fprintf(stderr, "px init: wrote [%s] to %s%s%s\n", section, path,
	    a->secret ? ", secret to " : "", a->secret ? secret_path : "");
	rc = 0;
out:
	buf_free(&old);
	buf_free(&out);
	free(dir);
	free(secret_path);
	return rc;
}

static int
interactive(struct answers *a, struct px_err *e)
{
	char fp[96], pin[64], *s, *why2;
	const char *why;

	for (;;) {
		if ((s = ask("API URL", a->url ? a->url : "https://pve:8006",
		    0)) == NULL)
			return px_fail(e, PXE_USAGE, "no answer");
		free(a->url);
		if ((a->url = normalise_url(s, &why)) == NULL) {
			fprintf(stderr, "px init: the URL %s\n", why);
			free(s);
			continue;
		}
		free(s);
		if (http_probe(a->url, 10, fp, pin, e) == 0)
			break;
		px_report(e);
	}
	if (!a->insecure && !a->fingerprint && !a->tofu) {
		fprintf(stderr, "px init: the server's certificate has SHA-256 "
		    "fingerprint\n  %s\nCompare it with `pvenode cert info` "
		    "on the node (or the GUI: Node > System > Certificates).\n",
		    fp);
		if ((s = ask("Trust this certificate? (yes/no)", "no", 0)) ==
		    NULL || conf_parse_bool(s) != 1) {
			free(s);
			return px_fail(e, PXE_TLS_UNKNOWN, "certificate not "
			    "trusted; nothing written");
		}
		free(s);
		a->fingerprint = px_xstrdup(fp);
	}
	if ((s = ask("User (USER@REALM)", a->user ? a->user : "root@pam",
	    0)) == NULL)
		return px_fail(e, PXE_USAGE, "no answer");
	free(a->user);
	a->user = s;
	if ((s = ask("Authentication (token or password)",
	    a->password ? "password" : "token", 0)) == NULL)
		return px_fail(e, PXE_USAGE, "no answer");
	a->password = strcmp(s, "password") == 0;
	free(s);
	if (!a->password) {
		if ((s = ask("Token id (the part after !)",
		    a->token_id ? a->token_id : "px", 0)) == NULL)
			return px_fail(e, PXE_USAGE, "no answer");
		free(a->token_id);
		a->token_id = s;
		if ((why2 = conf_token_id_problem(a->user, a->token_id)) !=
		    NULL) {
			px_fail(e, PXE_USAGE, "token id: %s", why2);
			free(why2);
			return -1;
		}
	}
	if ((a->secret = ask(a->password ? "Password" : "Token secret", NULL,
	    1)) == NULL || a->secret[0] == '\0')
		return px_fail(e, PXE_USAGE, "no secret given");
	if (a->name == NULL) {
		if ((s = ask("Profile name", "pve", 0)) == NULL)
			return px_fail(e, PXE_USAGE, "no answer");
		a->name = s;
	}
	return 0;
}

int
init_main(int argc, char **argv)
{
	struct answers a = { 0 };
	struct px_err e = { 0 };
	char *path = conf_path(), *dir;
	int ch, force = 0, inter = 0, rc = 0, profile_opts = 0;
	const char *why;
	char *why2;
	struct px_getopt g;
	struct stat st;

	px_getopt_init(&g, &px_cmd_init, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'f':
			force = 1;
			break;
		case 'i':
			inter = 1;
			break;
		case 'p':
			a.name = px_xstrdup(g.arg);
			break;
		case O_URL:
			profile_opts = 1;
			if ((a.url = normalise_url(g.arg, &why)) == NULL)
				px_errx(PX_EXIT_USAGE, "--url: %s", why);
			break;
		case O_USER:
			profile_opts = 1;
			a.user = px_xstrdup(g.arg);
			break;
		case O_TOKEN_ID:
			profile_opts = 1;
			a.token_id = px_xstrdup(g.arg);
			break;
		case O_PASSWORD:
			profile_opts = 1;
			a.password = 1;
			break;
		case O_FP:
			profile_opts = 1;
			a.fingerprint = px_xstrdup(g.arg);
			break;
		case O_TOFU:
			profile_opts = 1;
			a.tofu = 1;
			break;
		case O_INSECURE:
			profile_opts = 1;
			a.insecure = 1;
			break;
		default:
			px_usage(&px_cmd_init);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_init);
	/* --url, --user ... describe a profile: without -p or -i there is
	 * none to add them to, and writing the starter file instead would
	 * drop them without a word. */
	if (profile_opts && !inter && a.name == NULL)
		px_errx(PX_EXIT_USAGE, "--url, --user, --token-id, --password, "
		    "--fingerprint, --tofu and --insecure add a profile: name "
		    "it with -p NAME (or use -i to be asked); nothing written");
	if (a.token_id != NULL && a.user != NULL &&
	    (why2 = conf_token_id_problem(a.user, a.token_id)) != NULL)
		px_errx(PX_EXIT_USAGE, "--token-id: %s", why2);
	if (a.name && strpbrk(a.name, "[] \t/"))
		px_errx(PX_EXIT_USAGE, "profile name '%s' may not contain "
		    "spaces, brackets or '/'", a.name);

	if (!inter && a.name == NULL) {
		/* The commented starter file. */
		if (stat(path, &st) == 0 && !force)
			px_errx(PX_EXIT_USAGE, "%s exists; use -f to overwrite "
			    "it, or -p NAME to add a profile", path);
		dir = dir_of(path);
		if (px_mkdirs(dir, 0700, &e) != 0 ||
		    px_write_file(path, starter, sizeof(starter) - 1, 0600,
		    &e) != 0)
			px_die(&e);
		free(dir);
		printf("%s\n", path);
		free(path);
		return 0;
	}
	if (inter) {
		if (interactive(&a, &e) != 0)
			px_die(&e);
	} else {
		const char *env = getenv(a.password ? "PX_PASSWORD" :
		    "PX_TOKEN_SECRET");

		if (a.url == NULL || a.user == NULL ||
		    (!a.password && a.token_id == NULL))
			px_errx(PX_EXIT_USAGE, "-p NAME needs --url, --user and "
			    "--token-id (or --password), or -i to be asked");
		if (env == NULL || *env == '\0')
			px_errx(PX_EXIT_USAGE, "set %s to the secret (it is "
			    "never taken from the command line)", a.password ?
			    "PX_PASSWORD" : "PX_TOKEN_SECRET");
		a.secret = px_xstrdup(env);
	}
	if (a.fingerprint) {
		char *fp;

		if (conf_norm_fingerprint(a.fingerprint, &fp) != 0)
			px_errx(PX_EXIT_USAGE, "--fingerprint: not a SHA-256 "
			    "fingerprint (32 hex bytes)");
		free(a.fingerprint);
		a.fingerprint = fp;
	}
	if (validate(&a, &e) != 0 ||
	    write_profile(path, &a, force, &e) != 0)
		rc = px_report(&e);
	secret_free(a.secret);
	free(a.name);
	free(a.url);
	free(a.user);
	free(a.token_id);
	free(a.fingerprint);
	free(path);
	return rc;
}
