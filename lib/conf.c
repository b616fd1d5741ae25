/*
 * conf.c -- px.conf, secrets and the data directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include <minIni.h>

#include "buf.h"
#include "conf.h"

char *
conf_path(void)
{
	const char *p = getenv("PX_CONFIG"), *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (p != NULL && *p != '\0')
		return px_xstrdup(p);
	if (x != NULL && *x == '/')
		return px_xasprintf("%s/px/px.conf", x);
	return px_xasprintf("%s/.config/px/px.conf", home ? home : "");
}

int
conf_parse_bool(const char *s)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

struct browse {
	struct px_conf *c;
	size_t cap;
};

static int
browse_cb(const char *section, const char *key, const char *value, void *arg)
{
	struct browse *b = arg;
	struct px_conf *c = b->c;

	if (c->nkv == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		c->kv = px_xrealloc(c->kv, b->cap * sizeof(*c->kv));
	}
	c->kv[c->nkv].section = px_xstrdup(section);
	c->kv[c->nkv].key = px_xstrdup(key);
	c->kv[c->nkv].value = px_xstrdup(value);
	c->nkv++;
	return 1;
}

const char *
conf_get(const struct px_conf *c, const char *section, const char *key)
{
	const char *v = NULL;

	/* The last occurrence wins, like a shell assignment. */
	for (size_t i = 0; i < c->nkv; i++)
		if (strcmp(c->kv[i].section, section) == 0 &&
		    strcmp(c->kv[i].key, key) == 0)
			v = c->kv[i].value;
	return v;
}

/* The section kinds px knows; "profile" and "pbs" take a name. */
static const char *const named_kinds[] = {
	"profile", "pbs", "alert", "policy", NULL
};
static const char *const plain_kinds[] = {
	"px", "telegram", "ssh", "audit", NULL
};

static int
section_known(const char *s)
{
	size_t n;

	for (size_t i = 0; plain_kinds[i]; i++)
		if (strcmp(s, plain_kinds[i]) == 0)
			return 1;
	for (size_t i = 0; named_kinds[i]; i++) {
		n = strlen(named_kinds[i]);
		if (strncmp(s, named_kinds[i], n) == 0 && s[n] == ' ' &&
		    s[n + 1] != '\0')
			return 1;
	}
	return 0;
}

static const char *const profile_keys[] = {
	"url", "user", "auth", "token_id", "token_secret",
	"token_secret_file", "password", "password_file", "fingerprint",
	"ca_file", "tofu", "insecure", "read_only", "rate_limit", "timeout",
	"connect_timeout", "retries", NULL
};

static int
bad(struct px_err *e, const struct px_conf *c, const char *section,
    const char *key, const char *what)
{
	px_fail(e, PXE_CONFIG, "%s: [%s] %s: %s", c->path, section, key, what);
	px_hint(e, "see px.conf(5) for the keys and their values");
	return -1;
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
conf_norm_fingerprint(const char *in, char **out)
{
	char hex[65], *p;
	size_t n = 0;

	for (const char *s = in; *s; s++) {
		if (*s == ':' || *s == ' ')
			continue;
		if (!strchr("0123456789abcdefABCDEF", *s) || n == 64)
			return -1;
		hex[n++] = *s >= 'a' ? *s - 32 : *s;
	}
	if (n != 64)
		return -1;
	p = px_xmalloc(32 * 3);
	for (size_t i = 0; i < 32; i++) {
		p[i * 3] = hex[i * 2];
		p[i * 3 + 1] = hex[i * 2 + 1];
		p[i * 3 + 2] = i == 31 ? '\0' : ':';
	}
	*out = p;
	return 0;
}

/* "~/x" -> "$HOME/x", for file paths; other values unchanged. */
static char *
expand_home(const char *v)
{
	const char *home = getenv("HOME");

	if (v[0] == '~' && v[1] == '/' && home && *home)
		return px_xasprintf("%s%s", home, v + 1);
	return px_xstrdup(v);
}

static int
profile_set(struct px_conf *c, struct px_profile *p, const char *section,
    const char *key, const char *v, struct px_err *e)
{
	long l;
	int b;
	size_t i;

	for (i = 0; profile_keys[i]; i++)
		if (strcmp(key, profile_keys[i]) == 0)
			break;
	if (profile_keys[i] == NULL)
		return bad(e, c, section, key, "unknown key");
#define STR(k, f) if (strcmp(key, k) == 0) { free(p->f); \
	p->f = expand_home(v); return 0; }
	STR("url", url);
	STR("user", user);
	STR("token_id", token_id);
	STR("token_secret", token_secret);
	STR("token_secret_file", token_secret_file);
	STR("password", password);
	STR("password_file", password_file);
	STR("ca_file", ca_file);
#undef STR
	if (strcmp(key, "auth") == 0) {
		if (strcmp(v, "token") == 0)
			p->auth = PX_AUTH_TOKEN;
		else if (strcmp(v, "password") == 0)
			p->auth = PX_AUTH_PASSWORD;
		else
			return bad(e, c, section, key,
			    "must be token or password");
		return 0;
	}
	if (strcmp(key, "fingerprint") == 0) {
		free(p->fingerprint);
		p->fingerprint = NULL;
		if (conf_norm_fingerprint(v, &p->fingerprint) != 0)
			return bad(e, c, section, key, "not a SHA-256 "
			    "fingerprint (32 hex bytes, colon-separated)");
		return 0;
	}
	if (strcmp(key, "tofu") == 0 || strcmp(key, "insecure") == 0 ||
	    strcmp(key, "read_only") == 0) {
		if ((b = conf_parse_bool(v)) < 0)
			return bad(e, c, section, key, "must be yes or no");
		if (key[0] == 't')
			p->tofu = b;
		else if (key[0] == 'i')
			p->insecure = b;
		else
			p->read_only = b;
		return 0;
	}
	if (strcmp(key, "rate_limit") == 0) {
		char *end;

		p->rate_limit = strtod(v, &end);
		if (end == v || *end != '\0' || p->rate_limit < 0 ||
		    p->rate_limit > 100000)
			return bad(e, c, section, key,
			    "must be requests per second (0 for no limit)");
		return 0;
	}
	if (strcmp(key, "timeout") == 0) {
		if (parse_long(v, 1, 86400, &l) != 0)
			return bad(e, c, section, key, "must be seconds");
		p->timeout = l;
		return 0;
	}
	if (strcmp(key, "connect_timeout") == 0) {
		if (parse_long(v, 1, 3600, &l) != 0)
			return bad(e, c, section, key, "must be seconds");
		p->connect_timeout = l;
		return 0;
	}
	if (parse_long(v, 0, 10, &l) != 0)
		return bad(e, c, section, key, "must be 0 to 10");
	p->retries = (int)l;
	return 0;
}

static int
profile_check(struct px_conf *c, struct px_profile *p, const char *section,
    struct px_err *e)
{
	if (p->url == NULL)
		return bad(e, c, section, "url", "missing");
	if (strncmp(p->url, "https://", 8) != 0 || p->url[8] == '\0')
		return bad(e, c, section, "url",
		    "must be https://HOST[:PORT]");
	/* Keep the base URL free of a trailing slash or API path. */
	for (size_t n = strlen(p->url); n > 8 && p->url[n - 1] == '/'; n--)
		p->url[n - 1] = '\0';
	if (strchr(p->url + 8, '/'))
		return bad(e, c, section, "url", "must be https://HOST[:PORT] "
		    "without a path");
	/* The API listens on 8006 (PBS 8007), not on https's 443. */
	{
		const char *h = p->url + 8, *rb = strrchr(h, ']');
		const char *colon = strrchr(rb ? rb : h, ':');

		if (colon == NULL) {
			char *u = px_xasprintf("%s:%d", p->url,
			    p->kind == PX_KIND_PBS ? 8007 : 8006);

			free(p->url);
			p->url = u;
		}
	}
	if (p->user == NULL)
		return bad(e, c, section, "user", "missing (e.g. root@pam)");
	if (strchr(p->user, '@') == NULL)
		return bad(e, c, section, "user",
		    "must be USER@REALM (e.g. root@pam)");
	if (p->auth == PX_AUTH_TOKEN && p->token_id == NULL)
		return bad(e, c, section, "token_id",
		    "missing (auth = token needs the token's id)");
	if (p->token_id && strpbrk(p->token_id, "!=: \t"))
		return bad(e, c, section, "token_id",
		    "the id only, without USER@REALM! or the secret");
	if (p->insecure && (p->fingerprint || p->tofu))
		return bad(e, c, section, "insecure",
		    "cannot be combined with fingerprint or tofu");
	return 0;
}

void
conf_free(struct px_conf *c)
{
	for (size_t i = 0; i < c->nkv; i++) {
		if (strstr(c->kv[i].key, "secret") ||
		    strstr(c->kv[i].key, "password") ||
		    strstr(c->kv[i].key, "token"))
			explicit_bzero(c->kv[i].value, strlen(c->kv[i].value));
		free(c->kv[i].section);
		free(c->kv[i].key);
		free(c->kv[i].value);
	}
	for (int i = 0; i < c->nprofiles; i++) {
		struct px_profile *p = &c->profiles[i];

		if (p->token_secret)
			explicit_bzero(p->token_secret, strlen(p->token_secret));
		if (p->password)
			explicit_bzero(p->password, strlen(p->password));
		free(p->name);
		free(p->url);
		free(p->user);
		free(p->token_id);
		free(p->token_secret);
		free(p->token_secret_file);
		free(p->password);
		free(p->password_file);
		free(p->fingerprint);
		free(p->ca_file);
	}
	free(c->profiles);
	free(c->kv);
	free(c->path);
	free(c->default_profile);
	memset(c, 0, sizeof(*c));
}

int
conf_load_file(struct px_conf *c, const char *path, struct px_err *e)
{
	struct browse b = { c, 0 };
	struct stat st;
	FILE *f;

	memset(c, 0, sizeof(*c));
	c->path = px_xstrdup(path);
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			px_fail(e, PXE_CONFIG, "no configuration file %s", path);
			px_hint(e, "run px init, or px init --interactive to "
			    "connect to a cluster step by step");
		} else
			px_fail(e, PXE_CONFIG, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		px_fail(e, PXE_CONFIG, "%s: not a regular file", path);
		goto fail;
	}
	/* minini's ini_browse reports nothing for an unreadable file. */
	if ((f = fopen(path, "r")) == NULL) {
		px_fail(e, PXE_CONFIG, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	c->mode = st.st_mode & 07777;
	ini_browse(browse_cb, &b, path);

	for (size_t i = 0; i < c->nkv; i++) {
		const char *s = c->kv[i].section, *k = c->kv[i].key;
		const char *v = c->kv[i].value;
		struct px_profile *p = NULL;
		int pbs;

		if (*s == '\0') {
			bad(e, c, "", k, "key outside any section");
			goto fail;
		}
		if (!section_known(s)) {
			px_fail(e, PXE_CONFIG, "%s: unknown section [%s]",
			    c->path, s);
			px_hint(e, "sections: [px], [profile NAME], [pbs NAME], "
			    "[telegram], [ssh], [alert NAME], [policy NAME]");
			goto fail;
		}
		if (strcmp(s, "px") == 0) {
			if (strcmp(k, "profile") != 0) {
				bad(e, c, s, k, "unknown key");
				goto fail;
			}
			free(c->default_profile);
			c->default_profile = px_xstrdup(v);
			continue;
		}
		pbs = strncmp(s, "pbs ", 4) == 0;
		if (!pbs && strncmp(s, "profile ", 8) != 0)
			continue;
		for (int j = 0; j < c->nprofiles; j++)
			if (strcmp(c->profiles[j].name, s + (pbs ? 4 : 8)) == 0 &&
			    c->profiles[j].kind == (pbs ? PX_KIND_PBS : PX_KIND_PVE))
				p = &c->profiles[j];
		if (p == NULL) {
			c->profiles = px_xrealloc(c->profiles,
			    (c->nprofiles + 1) * sizeof(*c->profiles));
			p = &c->profiles[c->nprofiles++];
			memset(p, 0, sizeof(*p));
			p->name = px_xstrdup(s + (pbs ? 4 : 8));
			p->kind = pbs ? PX_KIND_PBS : PX_KIND_PVE;
			p->timeout = 60;
			p->connect_timeout = 10;
			p->retries = 3;
		}
		if (profile_set(c, p, s, k, v, e) != 0)
			goto fail;
	}
	for (int i = 0; i < c->nprofiles; i++) {
		char sec[256];

		snprintf(sec, sizeof(sec), "%s %s",
		    c->profiles[i].kind == PX_KIND_PBS ? "pbs" : "profile",
		    c->profiles[i].name);
		if (profile_check(c, &c->profiles[i], sec, e) != 0)
			goto fail;
	}
	return 0;
fail:
	conf_free(c);
	return -1;
}

int
conf_load(struct px_conf *c, struct px_err *e)
{
	char *path = conf_path();
	int rc = conf_load_file(c, path, e);

	free(path);
	return rc;
}

const struct px_profile *
conf_profile(const struct px_conf *c, const char *name, enum px_kind kind,
    struct px_err *e)
{
	const struct px_profile *only = NULL;
	const char *env = getenv("PX_PROFILE");
	struct buf names = { 0 };
	int n = 0;

	if (name == NULL && env != NULL && *env != '\0')
		name = env;
	if (name == NULL && kind == PX_KIND_PVE)
		name = c->default_profile;
	for (int i = 0; i < c->nprofiles; i++) {
		const struct px_profile *p = &c->profiles[i];

		if (p->kind != kind)
			continue;
		if (name && strcmp(p->name, name) == 0) {
			buf_free(&names);
			return p;
		}
		only = p;
		buf_printf(&names, "%s%s", n++ ? ", " : "", p->name);
	}
	if (name == NULL && n == 1) {
		buf_free(&names);
		return only;
	}
	if (n == 0) {
		px_fail(e, PXE_NO_PROFILE, "%s: no [%s NAME] section",
		    c->path, kind == PX_KIND_PBS ? "pbs" : "profile");
		px_hint(e, "run px init --interactive, or add a profile "
		    "(see px.conf(5))");
	} else if (name == NULL) {
		px_fail(e, PXE_NO_PROFILE, "several profiles and no default "
		    "(profiles: %s)", buf_str(&names));
		px_hint(e, "pick one with -p NAME, or set profile = NAME in "
		    "the [px] section");
	} else {
		px_fail(e, PXE_NO_PROFILE, "unknown profile '%s' "
		    "(profiles: %s)", name, buf_str(&names));
		px_hint(e, "px profiles lists them");
	}
	buf_free(&names);
	return NULL;
}

enum px_tls
conf_tls_mode(const struct px_profile *p)
{
	if (p->insecure)
		return PX_TLS_INSECURE;
	if (p->fingerprint)
		return PX_TLS_FINGERPRINT;
	if (p->tofu)
		return PX_TLS_TOFU;
	if (p->ca_file)
		return PX_TLS_CAFILE;
	return PX_TLS_SYSTEM;
}

void
secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int
secret_file_check(const char *path, struct px_err *e)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		px_fail(e, PXE_CONFIG, "secret file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		px_fail(e, PXE_CONFIG, "secret file %s: not a regular file",
		    path);
		return -1;
	}
	if (st.st_mode & 077) {
		px_fail(e, PXE_SECRET_PERMS, "secret file %s is accessible "
		    "by others (mode %04o); refusing to use it", path,
		    (unsigned)(st.st_mode & 07777));
		px_hint(e, "chmod 600 %s", path);
		return -1;
	}
	return 0;
}

int
secret_file_read(const char *path, char **out, struct px_err *e)
{
	char line[4096];
	size_t n;
	FILE *f;

	if (secret_file_check(path, e) != 0)
		return -1;
	if ((f = fopen(path, "r")) == NULL)
		return px_fail(e, PXE_CONFIG, "secret file %s: %s", path,
		    strerror(errno));
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		return px_fail(e, PXE_CONFIG, "secret file %s is empty", path);
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	if (n == 0) {
		explicit_bzero(line, sizeof(line));
		return px_fail(e, PXE_CONFIG, "secret file %s is empty", path);
	}
	*out = px_xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

int
conf_secret(const struct px_conf *c, const struct px_profile *p,
    const char *flag, char **out, const char **source, struct px_err *e)
{
	int tok = p->auth == PX_AUTH_TOKEN;
	const char *env = getenv(tok ? "PX_TOKEN_SECRET" : "PX_PASSWORD");
	const char *file = tok ? p->token_secret_file : p->password_file;
	const char *inl = tok ? p->token_secret : p->password;
	const char *what = tok ? "token secret" : "password";

	*out = NULL;
	if (flag != NULL && *flag != '\0') {
		*out = px_xstrdup(flag);
		*source = "flag";
		return 0;
	}
	if (env != NULL && *env != '\0') {
		*out = px_xstrdup(env);
		*source = "environment";
		return 0;
	}
	if (file != NULL) {
		*source = file;
		return secret_file_read(file, out, e);
	}
	if (inl != NULL && *inl != '\0') {
		if (c->mode & 077) {
			px_fail(e, PXE_SECRET_PERMS, "%s holds an inline %s "
			    "and is accessible by others (mode %04o); refusing "
			    "to use it", c->path, what, (unsigned)c->mode);
			px_hint(e, "chmod 600 %s", c->path);
			return -1;
		}
		*out = px_xstrdup(inl);
		*source = "inline";
		return 0;
	}
	px_fail(e, PXE_CONFIG, "profile %s has no %s", p->name, what);
	px_hint(e, "set %s_file = PATH (mode 0600) in [%s %s], or %s",
	    tok ? "token_secret" : "password",
	    p->kind == PX_KIND_PBS ? "pbs" : "profile", p->name,
	    tok ? "PX_TOKEN_SECRET" : "PX_PASSWORD");
	return -1;
}

int
px_mkdirs(const char *path, mode_t mode, struct px_err *e)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return px_fail(e, PXE_IO, "bad directory path");
	memcpy(tmp, path, n + 1);
	for (char *s = tmp + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return px_fail(e, PXE_IO, "mkdir %s: %s", tmp,
			    strerror(errno));
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

const char *
px_data_dir(struct px_err *e)
{
	static char dir[PATH_MAX];
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct stat st;

	if (dir[0] != '\0')
		return dir;
	if (x != NULL && *x == '/')
		snprintf(dir, sizeof(dir), "%s/px", x);
	else if (home != NULL && *home != '\0')
		snprintf(dir, sizeof(dir), "%s/.local/share/px", home);
	else {
		px_fail(e, PXE_CONFIG, "neither XDG_DATA_HOME nor HOME is set");
		return NULL;
	}
	if (px_mkdirs(dir, 0700, e) != 0 || stat(dir, &st) != 0) {
		dir[0] = '\0';
		return NULL;
	}
	if ((st.st_mode & 077) && chmod(dir, 0700) != 0) {
		px_fail(e, PXE_IO, "data directory %s is open to others and "
		    "cannot be fixed: %s", dir, strerror(errno));
		dir[0] = '\0';
		return NULL;
	}
	return dir;
}

int
px_write_file(const char *path, const void *data, size_t n, mode_t mode,
    struct px_err *e)
{
	char *tmp = px_xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		px_fail(e, PXE_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) != 0 || write(fd, data, n) != (ssize_t)n ||
	    fsync(fd) != 0) {
		px_fail(e, PXE_IO, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}
