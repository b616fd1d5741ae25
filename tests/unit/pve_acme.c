/* pve_acme.c -- the cluster's ACME lists read once in lib
 * (pve_acme.h): accounts, plugins, directories, challenge types, as
 * PVE sends them and as a hostile server might. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_acme.h"
#include "tap.h"

static long dropped;

static void
on_drop(const char *origin, int row, const char *why)
{
	(void)origin;
	(void)row;
	(void)why;
	dropped++;
}

static void
body(struct json *j, const char *s)
{
	struct px_err e = { 0 };

	dropped = 0;
	if (json_parse(j, s, strlen(s), &e) != 0)
		ok(0, "the test's body parses: %s", s);
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_acme_account *a;
	struct pve_acme_plugin *p;
	struct pve_acme_directory *d;
	struct pve_acme_challenge *c;
	struct json j;
	int n;

	px_drop_set(on_drop);

	body(&j, "[{\"name\":\"default\"},{\"name\":\"prod\\u001b[2J\"},"
	    "{\"x\":1},\"prod\"]");
	ok(pve_acme_accounts_parse(&j, 0, &a, &n, &e) == 0 && n == 2,
	    "accounts");
	is_str(a[0].name, "default", "an account");
	is_str(a[1].name, "prod?[2J", "ESC in a name: '?'");
	is_int(dropped, 2, "no name, a bare string: dropped and reported");
	free(a);
	json_free(&j);

	body(&j, "[{\"plugin\":\"standalone\",\"type\":\"standalone\"},"
	    "{\"plugin\":\"cf\",\"type\":\"dns\",\"api\":\"cf\",\"data\":"
	    "\"CF_Token=secret\",\"digest\":\"ab\",\"validation-delay\":\"30\","
	    "\"nodes\":\"pve1,pve2\",\"disable\":0},{\"plugin\":\"x\","
	    "\"validation-delay\":\"soon\",\"disable\":[1],\"api\":{\"a\":1},"
	    "\"nodes\":\"pve1\\r\\npve2\"},{\"plugin\":\"y\",\"validation-delay\":"
	    "4294967296},{\"type\":\"dns\"}]");
	ok(pve_acme_plugins_parse(&j, 0, &p, &n, &e) == 0 && n == 3,
	    "plugins");
	is_int(dropped, 2, "a delay beyond int and no id: dropped and "
	    "reported");
	is_str(p[0].type, "standalone", "the standalone plugin");
	ok(p[0].validation_delay == -1 && p[0].disable == -1, "what it "
	    "leaves out: -1");
	is_str(p[1].api, "cf", "a DNS plugin's API");
	is_int(p[1].validation_delay, 30, "a delay sent as a string");
	is_int(p[1].disable, 0, "disable 0");
	is_str(p[1].nodes, "pve1,pve2", "its nodes");
	ok(p[2].validation_delay == -1 && p[2].disable == -1, "a delay "
	    "\"soon\", disable an array: not shown");
	is_str(p[2].api, "", "an object as the API: empty");
	is_str(p[2].nodes, "pve1? pve2", "CR '?', LF a space");
	free(p);
	json_free(&j);

	body(&j, "[{\"name\":\"Let's Encrypt V2\",\"url\":\"https://acme-v02."
	    "api.letsencrypt.org/directory\"},{\"name\":\"local\",\"url\":"
	    "\"http://ca.lan/dir\"},{\"name\":\"evil\",\"url\":\"file:///etc/"
	    "shadow\"},{\"name\":\"esc\",\"url\":\"https://x/\\u001b]8;;\"},"
	    "{\"name\":\"num\",\"url\":7}]");
	ok(pve_acme_directories_parse(&j, 0, &d, &n, &e) == 0 && n == 5,
	    "directories");
	is_str(d[0].url, "https://acme-v02.api.letsencrypt.org/directory",
	    "an https directory");
	is_str(d[1].url, "http://ca.lan/dir", "an http one");
	is_str(d[2].url, "", "a file: URL is none");
	is_str(d[3].url, "https://x/?]8;;", "an escape in a URL: '?'");
	is_str(d[4].url, "", "a number is no URL");
	free(d);
	json_free(&j);

	body(&j, "[{\"id\":\"cf\",\"type\":\"dns\",\"name\":\"Cloudflare "
	    "Managed DNS\",\"schema\":{\"fields\":{}}},{\"id\":\"aws\",\"type\":"
	    "\"dns\"},{\"name\":\"no id\"}]");
	ok(pve_acme_challenges_parse(&j, 0, &c, &n, &e) == 0 && n == 2,
	    "challenge types");
	is_str(c[0].name, "Cloudflare Managed DNS", "a name");
	is_str(c[1].name, "", "a name left out: empty");
	is_int(dropped, 1, "one with no id dropped and reported");
	free(c);
	json_free(&j);

	body(&j, "{\"data\":[]}");
	ok(pve_acme_accounts_parse(&j, 0, &a, &n, &e) != 0 && e.id ==
	    PXE_PARSE && a == NULL && strstr(e.msg, "ACME accounts") != NULL,
	    "an object is no account list: %s", e.msg);
	ok(pve_acme_plugins_parse(&j, 0, &p, &n, &e) != 0 && strstr(e.msg,
	    "ACME plugins") != NULL, "nor a plugin list");
	ok(pve_acme_directories_parse(&j, 0, &d, &n, &e) != 0 &&
	    strstr(e.msg, "ACME directories") != NULL, "nor a directory list");
	ok(pve_acme_challenges_parse(&j, 0, &c, &n, &e) != 0 &&
	    strstr(e.msg, "ACME challenge types") != NULL, "nor a schema list");
	json_free(&j);

	px_drop_set(NULL);
	return done_testing();
}
