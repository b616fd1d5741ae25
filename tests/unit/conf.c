/* conf.c -- px.conf parsing, profile choice, secrets and their files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "conf.h"
#include "tap.h"

static char dir[] = "/tmp/px-conf-XXXXXX";

static const char *
file(const char *name, const char *text, mode_t mode)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

static int
load(struct px_conf *c, const char *text, mode_t mode, struct px_err *e)
{
	return conf_load_file(c, file("px.conf", text, mode), e);
}

int
main(void)
{
	struct px_conf c;
	struct px_err e;
	const struct px_profile *p;
	const char *src;
	char *s, buf[512];

	if (mkdtemp(dir) == NULL)
		return 1;
	unsetenv("PX_PROFILE");
	unsetenv("PX_TOKEN_SECRET");
	unsetenv("PX_PASSWORD");

	{
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		/* Start dumpable with cores allowed, as a shell would. */
		(void)setrlimit(RLIMIT_CORE, &rl);
		getrlimit(RLIMIT_CORE, &rl);
		ok(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1 &&
		    rl.rlim_cur != 0, "before any secret: dumpable, cores "
		    "allowed");
	}
	ok(load(&c, "[px]\nprofile = b\n\n[profile a]\nurl = https://a:8006/\n"
	    "user = root@pam\ntoken_id = px\ntoken_secret = s3cret\n"
	    "fingerprint = ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
	    "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89\n"
	    "[profile b]\nurl = https://b\nuser = u@pve\nauth = password\n"
	    "password = pw\nread_only = yes\nrate_limit = 2.5\ntimeout = 5\n"
	    "; a comment\n# another\n[pbs store]\nurl = https://pbs:8007\n"
	    "user = root@pam\ntoken_id = px\n[telegram]\nchat_id = 42\n",
	    0600, &e) == 0, "a full config loads");
	is_int(c.nprofiles, 3, "three profiles (two PVE, one PBS)");
	p = conf_profile(&c, NULL, PX_KIND_PVE, &e);
	ok(p && strcmp(p->name, "b") == 0, "[px] profile picks the default");
	ok(p && p->read_only == 1 && p->auth == PX_AUTH_PASSWORD,
	    "booleans and auth parsed");
	ok(p && p->rate_limit == 2.5 && p->timeout == 5 &&
	    p->connect_timeout == 10 && p->retries == 3,
	    "numbers parsed, defaults kept");
	p = conf_profile(&c, "a", PX_KIND_PVE, &e);
	ok(p && strcmp(p->url, "https://a:8006") == 0,
	    "the URL loses its trailing slash");
	ok(p && p->fingerprint && strncmp(p->fingerprint, "AB:CD:EF", 8) == 0,
	    "fingerprints are normalised to upper case");
	is_int(conf_tls_mode(p), PX_TLS_FINGERPRINT, "fingerprint mode");
	setenv("PX_PROFILE", "a", 1);
	p = conf_profile(&c, NULL, PX_KIND_PVE, &e);
	ok(p && strcmp(p->name, "a") == 0, "PX_PROFILE beats [px] profile");
	p = conf_profile(&c, "b", PX_KIND_PVE, &e);
	ok(p && strcmp(p->name, "b") == 0, "-p beats PX_PROFILE");
	unsetenv("PX_PROFILE");
	p = conf_profile(&c, "nope", PX_KIND_PVE, &e);
	ok(p == NULL && e.id == PXE_NO_PROFILE && strstr(e.msg, "a, b"),
	    "an unknown profile lists the known ones");
	p = conf_profile(&c, NULL, PX_KIND_PBS, &e);
	ok(p && strcmp(p->name, "store") == 0, "the only PBS profile");
	is_str(conf_get(&c, "telegram", "chat_id"), "42",
	    "other sections are kept for conf_get");
	p = conf_profile(&c, "a", PX_KIND_PVE, &e);
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == 0 &&
	    strcmp(s, "s3cret") == 0 && strcmp(src, "inline") == 0,
	    "inline secret in a 0600 file");
	secret_free(s);
	{
		struct rlimit rl;

		getrlimit(RLIMIT_CORE, &rl);
		ok(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0,
		    "holding a secret: the process is not dumpable");
		ok(rl.rlim_cur == 0, "and its core limit is 0");
	}
	setenv("PX_TOKEN_SECRET", "a\r\nX-Evil: 1", 1);
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == -1 && s == NULL &&
	    e.id == PXE_CONFIG && px_exit_code(&e) == 3 &&
	    strstr(e.msg, "PX_TOKEN_SECRET holds a control character") &&
	    !strstr(e.msg, "Evil"),
	    "CR LF in PX_TOKEN_SECRET is refused, not echoed (%s)", e.msg);
	unsetenv("PX_TOKEN_SECRET");
	ok(conf_secret(&c, p, "x\ny", &s, &src, &e) == -1 &&
	    e.id == PXE_CONFIG, "LF in a secret from a flag is refused");
	ok(conf_secret(&c, p, "x\x7fy", &s, &src, &e) == -1 &&
	    e.id == PXE_CONFIG, "DEL in a secret is refused");
	setenv("PX_TOKEN_SECRET", "fromenv", 1);
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == 0 &&
	    strcmp(s, "fromenv") == 0, "environment beats inline");
	secret_free(s);
	ok(conf_secret(&c, p, "fromflag", &s, &src, &e) == 0 &&
	    strcmp(s, "fromflag") == 0, "a flag beats the environment");
	secret_free(s);
	unsetenv("PX_TOKEN_SECRET");
	conf_free(&c);

	ok(load(&c, "[profile a]\nurl = https://a\nuser = root@pam\n"
	    "token_id = px\ntoken_secret = s3cret\n", 0644, &e) == 0,
	    "a 0644 config loads");
	p = conf_profile(&c, NULL, PX_KIND_PVE, &e);
	ok(p != NULL, "the only profile is the default");
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == -1 &&
	    e.id == PXE_SECRET_PERMS && strstr(e.hint, "chmod 600"),
	    "an inline secret in a world-readable config is refused");
	conf_free(&c);

	snprintf(buf, sizeof(buf), "[profile a]\nurl = https://a\nuser = "
	    "root@pam\ntoken_id = px\ntoken_secret_file = %s/tok\n", dir);
	file("tok", "filesecret\n", 0644);
	ok(load(&c, buf, 0644, &e) == 0, "config with a secret file");
	p = conf_profile(&c, NULL, PX_KIND_PVE, &e);
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == -1 &&
	    e.id == PXE_SECRET_PERMS && px_exit_code(&e) == 3,
	    "a 0644 secret file is refused with exit 3");
	ok(strstr(e.hint, "chmod 600") != NULL, "the hint says chmod 600");
	file("tok", "filesecret\n", 0600);
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == 0 &&
	    strcmp(s, "filesecret") == 0, "a 0600 secret file is read, "
	    "without its newline");
	secret_free(s);
	file("tok", "\n", 0600);
	ok(conf_secret(&c, p, NULL, &s, &src, &e) == -1 &&
	    e.id == PXE_CONFIG, "an empty secret file is an error");
	conf_free(&c);

	static const struct { const char *text, *why; } bad[] = {
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "tokn_secret = x\n", "unknown key" },
		{ "[profle a]\nurl = https://a\n", "unknown section" },
		{ "[profile a]\nuser = root@pam\ntoken_id = x\n", "missing url" },
		{ "[profile a]\nurl = http://a\nuser = root@pam\ntoken_id = x\n",
		  "plain http" },
		{ "[profile a]\nurl = https://a\nuser = root\ntoken_id = x\n",
		  "user without realm" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\n",
		  "token auth without token_id" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = "
		  "admin@pve!x\n", "token_id with another user" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = "
		  "root@pam!\n", "token_id with an empty id" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = "
		  "root@pam!x=secret\n", "token_id with the secret" },
		{ "[profile lab]\nurl = https://lab\nuser = root@pam\n"
		  "token_id = x\n[profile prod\nurl = https://prod\n",
		  "a section line without ']'" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "read_only no\n", "a line without '='" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "https//b\n", "a bare value" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "= x\n", "a value without a key" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "[profile a]\nread_only = no\n", "a section given twice" },
		{ "[profile a] x\nurl = https://a\nuser = root@pam\n"
		  "token_id = x\n", "text after a section's ']'" },
		{ "[profile a]\nurl = https://root:pw@a\nuser = root@pam\n"
		  "token_id = x\n", "a url with user:password@" },
		{ "[profile a]\nurl = https://a:8006?x=1\nuser = root@pam\n"
		  "token_id = x\n", "a url with ?query" },
		{ "[profile a]\nurl = \"https://a:8006/#v1\"\nuser = root@pam\n"
		  "token_id = x\n", "a url with #fragment" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "rate_limit = nan\n", "rate_limit nan" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "rate_limit = inf\n", "rate_limit inf" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "rate_limit = -nan\n", "rate_limit -nan" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "rate_limit = -1\n", "rate_limit negative" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "user = root\r@pam\n", "a CR in user" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "fingerprint = 12:34\n", "short fingerprint" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "tofu = maybe\n", "bad boolean" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "timeout = -1\n", "negative timeout" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "auth = kerberos\n", "unknown auth" },
		{ "[profile a]\nurl = https://a\nuser = root@pam\ntoken_id = x\n"
		  "insecure = yes\ntofu = yes\n", "insecure with tofu" },
		{ "[px]\ncolour = yes\n", "unknown [px] key" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load(&c, bad[i].text, 0600, &e);

		ok(rc == -1 && px_exit_code(&e) == 3, "refused: %s (%s)",
		    bad[i].why, e.msg);
	}
	ok(load(&c, "[profile lab]\nurl = https://lab\nuser = root@pam\n"
	    "token_id = x\n\n[profile prod\nurl = https://prod\n", 0600,
	    &e) == -1 && strstr(e.msg, "/px.conf:6: the section line has "
	    "no closing ']'"), "a malformed line is named by file and line "
	    "(%s)", e.msg);
	ok(load(&c, "[profile a]\nurl = https://a\nuser = root@pam\n"
	    "token_id = x\n[ssh]\n[profile a]\n", 0600, &e) == -1 &&
	    strstr(e.msg, "px.conf:6: [profile a] appears a second time"),
	    "a duplicate section is named by line (%s)", e.msg);
	ok(load(&c, "[profile a]\nurl = https://u:hunter2@a\nuser = root@pam"
	    "\ntoken_id = x\n", 0600, &e) == -1 &&
	    strstr(e.msg, "USER:PASSWORD@") && !strstr(e.msg, "hunter2"),
	    "a url's password is refused, not echoed (%s)", e.msg);
	ok(load(&c, "[profile a]\nurl = https://a\nuser = root@pam\n"
	    "token_id = admin@pve!x\n", 0600, &e) == -1 &&
	    strstr(e.msg, "the user part 'admin@pve'") &&
	    strstr(e.msg, "user = root@pam"),
	    "token_id's user part names what is wrong (%s)", e.msg);
	ok(load(&c, "[profile a]\nurl = https://a\nuser = root@pam\n"
	    "token_id = root@pam!px\n", 0600, &e) == 0 &&
	    strcmp(c.profiles[0].token_id, "px") == 0,
	    "token_id = root@pam!px, as PVE's GUI shows it, is the id px");
	conf_free(&c);
	ok(load(&c, "; top\n[profile a]   ; note\n  url = https://a:8006/\n"
	    "user = root@pam\r\ntoken_id: x\n# end\n", 0600, &e) == 0,
	    "comments, indentation, CRLF, key: value and a comment after "
	    "']' are fine");
	conf_free(&c);
	{
		char longl[700];

		memset(longl, 'x', sizeof(longl));
		memcpy(longl, "[ssh]\nk = ", 10);
		longl[sizeof(longl) - 2] = '\n';
		longl[sizeof(longl) - 1] = '\0';
		ok(load(&c, longl, 0600, &e) == -1 &&
		    strstr(e.msg, ":2: line longer than"),
		    "a line longer than minini reads is refused (%s)", e.msg);
	}
	ok(conf_load_file(&c, "/nonexistent/px.conf", &e) == -1 &&
	    e.id == PXE_CONFIG && strstr(e.hint, "px init"),
	    "a missing file says to run px init");
	ok(load(&c, "", 0600, &e) == 0, "an empty file loads");
	p = conf_profile(&c, NULL, PX_KIND_PVE, &e);
	ok(p == NULL && e.id == PXE_NO_PROFILE, "but has no profile");
	conf_free(&c);

	for (const char *s2 = "yes\0no\0true\0false\0on\0off\0" "1\0" "0\0";
	    *s2; s2 += strlen(s2) + 1)
		ok(conf_parse_bool(s2) >= 0, "boolean '%s'", s2);
	ok(conf_parse_bool("maybe") == -1, "'maybe' is not a boolean");

	setenv("XDG_DATA_HOME", dir, 1);
	const char *dd = px_data_dir(&e);
	struct stat st;
	ok(dd && stat(dd, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "the data dir is created 0700");
	snprintf(buf, sizeof(buf), "%s/f", dir);
	ok(px_write_file(buf, "x", 1, 0600, &e) == 0 && stat(buf, &st) == 0 &&
	    (st.st_mode & 0777) == 0600, "px_write_file sets the mode");
	if (tap_rmtree(dir) != 0)
		return 1;
	return done_testing();
}
