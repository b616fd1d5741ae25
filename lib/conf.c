/*
 * conf.c -- px.conf, secrets and the data directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <minIni.h>

#include "buf.h"
#include "conf.h"
#include "ssh.h"
#include "fsafe.h"

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
	"profile", "pbs", "alert", "policy", "mcp", NULL
};
static const char *const plain_kinds[] = {
	"px", "telegram", "ssh", "audit", "exporter", "mcp",
	"daemon",		/* px daemon (pxdaemon.1) */
	"cloudimg",		/* px cloudimg: mirror, ca_file */
	"cache",		/* the time-travel cache (lib/tcache.h) */
	"reconcile",		/* px daemon's reconcile part */
	NULL
};

static int
section_known(const char *s)
{
	size_t n;

	for (size_t i = 0; plain_kinds[i]; i++)
		if (strcmp(s, plain_kinds[i]) == 0)
			return 1;
	if ((strncmp(s, "ssh node ", 9) == 0 && s[9] != '\0') ||
	    (strncmp(s, "ssh guest ", 10) == 0 && s[10] != '\0'))
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
		if (end == v || *end != '\0' || !isfinite(p->rate_limit) ||
		    p->rate_limit < 0 || p->rate_limit > 100000)
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

int
conf_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

const char *
conf_url_problem(const char *url)
{
	const char *h, *end;

	if (strncmp(url, "https://", 8) != 0 || url[8] == '\0')
		return "must be https://HOST[:PORT]";
	h = url + 8;
	if (conf_has_ctl(h) || strpbrk(h, " \t"))
		return "must be https://HOST[:PORT], without spaces or "
		    "control characters";
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)) != NULL)
		return "must not hold a user or password (USER:PASSWORD@): "
		    "they belong in user and the secret settings";
	if (*end == '?' || *end == '#' || strpbrk(end, "?#") != NULL)
		return "must be https://HOST[:PORT] without a ?query or "
		    "#fragment";
	if (end == h)
		return "must be https://HOST[:PORT]";
	for (const char *t = end; *t; t++)
		if (*t != '/')
			return "must be https://HOST[:PORT] without a path";
	return NULL;
}

char *
conf_token_id_problem(const char *user, char *token_id)
{
	char *bang = strchr(token_id, '!');

	if (bang != NULL) {
		size_t n = (size_t)(bang - token_id);

		if (user == NULL || strlen(user) != n ||
		    strncmp(token_id, user, n) != 0)
			return px_xasprintf("the user part '%.*s' (before "
			    "'!') is not user = %s; write the id alone "
			    "(token_id = %s), or fix user", (int)n, token_id,
			    user ? user : "(unset)", bang + 1);
		memmove(token_id, bang + 1, strlen(bang + 1) + 1);
	}
	if (token_id[0] == '\0')
		return px_xstrdup("the id after '!' is empty");
	if (conf_has_ctl(token_id) || strpbrk(token_id, "!=: \t"))
		return px_xstrdup("the id part (after '!') must be the "
		    "token's name only, without the secret, spaces or "
		    "control characters");
	return NULL;
}

static int
profile_check(struct px_conf *c, struct px_profile *p, const char *section,
    struct px_err *e)
{
	const char *why;
	char *why2;

	if (p->url == NULL)
		return bad(e, c, section, "url", "missing");
	if (strncmp(p->url, "https://", 8) != 0 || p->url[8] == '\0')
		return bad(e, c, section, "url",
		    "must be https://HOST[:PORT]");
	/* Keep the base URL free of a trailing slash or API path. */
	for (size_t n = strlen(p->url); n > 8 && p->url[n - 1] == '/'; n--)
		p->url[n - 1] = '\0';
	if ((why = conf_url_problem(p->url)) != NULL)
		return bad(e, c, section, "url", why);
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
	if (conf_has_ctl(p->user) || strpbrk(p->user, "!=: \t"))
		return bad(e, c, section, "user", "must be USER@REALM, "
		    "without spaces, control characters, '!', '=' or ':'");
	if (p->auth == PX_AUTH_TOKEN && p->token_id == NULL)
		return bad(e, c, section, "token_id",
		    "missing (auth = token needs the token's id)");
	if (p->token_id &&
	    (why2 = conf_token_id_problem(p->user, p->token_id)) != NULL) {
		bad(e, c, section, "token_id", why2);
		free(why2);
		return -1;
	}
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

/*
 * minini skips what it does not understand: a line without '=', a section
 * line without its ']' (whose keys then land in the section before), a
 * line longer than its buffer (cut in two).  Sections are compared as
 * px compares them, case-sensitively.  Read the file once line by
 * line first and refuse all of that, and a section given twice, naming
 * the file and the line.
 */
static int
conf_scan(struct px_conf *c, FILE *f, struct px_err *e)
{
	char line[INI_BUFFERSIZE + 2], **seen = NULL;
	size_t nseen = 0, n;
	int lineno = 0, rc = -1;

	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *end, *rb;

		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			px_fail(e, PXE_CONFIG, "%s:%d: line longer than %d "
			    "characters", c->path, lineno, INI_BUFFERSIZE - 2);
			goto out;
		}
		if (n >= INI_BUFFERSIZE) {
			px_fail(e, PXE_CONFIG, "%s:%d: line longer than %d "
			    "characters", c->path, lineno, INI_BUFFERSIZE - 2);
			goto out;
		}
		if (memchr(line, '\0', n) != NULL) {
			px_fail(e, PXE_CONFIG, "%s:%d: a NUL byte", c->path,
			    lineno);
			goto out;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*s == '\0' || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			if ((rb = strchr(s, ']')) == NULL) {
				px_fail(e, PXE_CONFIG, "%s:%d: the section "
				    "line has no closing ']'", c->path, lineno);
				px_hint(e, "write it as [profile NAME]");
				goto out;
			}
			for (char *t = rb + 1; *t && *t != ';' && *t != '#';
			    t++)
				if (*t != ' ' && *t != '\t') {
					px_fail(e, PXE_CONFIG, "%s:%d: text "
					    "after the section's ']'", c->path,
					    lineno);
					goto out;
				}
			*rb = '\0';
			if (s[1] == '\0' || strchr(s + 1, '[') != NULL) {
				px_fail(e, PXE_CONFIG, "%s:%d: not a section "
				    "name: [%s]", c->path, lineno, s + 1);
				goto out;
			}
			for (size_t i = 0; i < nseen; i++)
				if (strcmp(seen[i], s + 1) == 0) {
					px_fail(e, PXE_CONFIG, "%s:%d: [%s] "
					    "appears a second time", c->path,
					    lineno, s + 1);
					px_hint(e, "merge the two sections into "
					    "one");
					goto out;
				}
			seen = px_xrealloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = px_xstrdup(s + 1);
			continue;
		}
		/* key = value, or key: value (minini takes either). */
		n = strcspn(s, "=:");
		if (s[n] == '\0') {
			px_fail(e, PXE_CONFIG, "%s:%d: not a key = value line",
			    c->path, lineno);
			px_hint(e, "comments start with # or ;");
			goto out;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0) {
			px_fail(e, PXE_CONFIG, "%s:%d: a value without a key",
			    c->path, lineno);
			goto out;
		}
	}
	if (ferror(f)) {
		px_fail(e, PXE_CONFIG, "%s: %s", c->path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	explicit_bzero(line, sizeof(line));
	return rc;
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
	c->mode = st.st_mode & 07777;
	if (conf_scan(c, f, e) != 0) {
		fclose(f);
		goto fail;
	}
	fclose(f);
	ini_browse(browse_cb, &b, path);
	for (size_t i = 0; i < c->nkv; i++)
		if (strstr(c->kv[i].key, "secret") ||
		    strstr(c->kv[i].key, "password") ||
		    strstr(c->kv[i].key, "token"))
			secret_guard();	/* an inline secret, maybe */

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
			    "[telegram], [ssh], [ssh node NAME], "
			    "[ssh guest VMID], [alert NAME], [policy NAME], [mcp], "
			    "[daemon], [cloudimg], [cache]");
			goto fail;
		}
		if (strncmp(s, "ssh", 3) == 0 && (s[3] == '\0' || s[3] == ' ')) {
			const char *why = ssh_conf_key_problem(s, k, v);

			if (why) {
				bad(e, c, s, k, why);
				goto fail;
			}
			continue;
		}
		if (strcmp(s, "cloudimg") == 0) {
			if (strcmp(k, "mirror") != 0 &&
			    strcmp(k, "ca_file") != 0) {
				bad(e, c, s, k, "unknown key (mirror, "
				    "ca_file)");
				goto fail;
			}
			continue;
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
	int fd = fsafe_open(path, FSAFE_SECRET, "secret file", e);

	if (fd == -2 && e != NULL)
		e->id = PXE_CONFIG;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int
secret_file_read(const char *path, char **out, struct px_err *e)
{
	struct buf b = { 0 };
	size_t n;
	int rc;

	secret_guard();
	if ((rc = fsafe_read(path, FSAFE_SECRET, "secret file", 64 << 10, &b,
	    e)) != 0) {
		if (rc == 1)
			px_fail(e, PXE_CONFIG, "secret file %s: %s", path,
			    strerror(ENOENT));
		buf_wipe(&b);
		return -1;
	}
	n = b.p ? strcspn(b.p, "\r\n") : 0;
	while (n > 0 && (b.p[n - 1] == ' ' || b.p[n - 1] == '\t'))
		n--;
	if (n == 0) {
		buf_wipe(&b);
		return px_fail(e, PXE_CONFIG, "secret file %s is empty", path);
	}
	*out = px_xstrndup(b.p, n);
	buf_wipe(&b);
	return 0;
}

void
secret_guard(void)
{
	static int done;
	struct rlimit rl = { 0, 0 };

	if (done)
		return;
	done = 1;
	/* No core file, no ptrace by other processes of the same user:
	 * a crash must not leave the secret on disk. */
	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int
secret_resolve(const struct px_conf *c, const struct px_profile *p,
    const char *flag, char **out, const char **source, struct px_err *e);

int
conf_secret(const struct px_conf *c, const struct px_profile *p,
    const char *flag, char **out, const char **source, struct px_err *e)
{
	const char *what = p->auth == PX_AUTH_TOKEN ? "token secret" :
	    "password";

	secret_guard();
	if (secret_resolve(c, p, flag, out, source, e) != 0)
		return -1;
	if (conf_has_ctl(*out)) {
		secret_free(*out);
		*out = NULL;
		px_fail(e, PXE_CONFIG, "the %s from %s holds a control "
		    "character (CR, LF, tab ...); refusing to use it", what,
		    strcmp(*source, "flag") == 0 ? "the command line" :
		    strcmp(*source, "environment") == 0 ? (p->auth ==
		    PX_AUTH_TOKEN ? "PX_TOKEN_SECRET" : "PX_PASSWORD") :
		    strcmp(*source, "inline") == 0 ? c->path : *source);
		px_hint(e, "set it again without the stray characters");
		return -1;
	}
	return 0;
}

static int
secret_resolve(const struct px_conf *c, const struct px_profile *p,
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
	/* Readable by others (an old umask): close it.  Writable by others
	 * or not ours: what is in it may not be ours either; refuse. */
	if (S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077) && !(st.st_mode & 022) &&
	    chmod(dir, 0700) != 0) {
		px_fail(e, PXE_IO, "data directory %s is open to others and "
		    "cannot be fixed: %s", dir, strerror(errno));
		dir[0] = '\0';
		return NULL;
	}
	if (fsafe_dir_check(dir, e) != 0) {
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

	/* A new file of our own: not one left there, nor a link's target. */
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    mode);
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
