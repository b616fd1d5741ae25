/* pve_notify_rows.c -- the notification system's lists read once in
 * lib (pve_notify.h): targets, endpoints by type, matchers, as PVE 9
 * sends them and as a hostile server might (wrong types, escapes, huge
 * lists, missing fields). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "pve_notify.h"
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

static int
body(struct json *j, const char *s)
{
	struct px_err e = { 0 };

	dropped = 0;
	if (json_parse(j, s, strlen(s), &e) != 0)
		return ok(0, "the test's body parses: %s", s), -1;
	return 0;
}

static void
targets(void)
{
	struct pve_notify_target *v;
	struct px_err e = { 0 };
	struct json j;
	int n;

	body(&j, "[{\"name\":\"mail-to-root\",\"type\":\"sendmail\",\"origin\":"
	    "\"builtin\",\"comment\":\"Send mails\"},{\"name\":\"hook\","
	    "\"type\":\"webhook\",\"disable\":1,\"origin\":\"user-created\"}]");
	ok(pve_notify_targets_parse(&j, 0, &v, &n, &e) == 0 && n == 2,
	    "targets as PVE sends them");
	is_str(v[0].name, "mail-to-root", "the first target's name");
	is_str(v[0].type, "sendmail", "its type");
	is_int(v[0].disable, -1, "disable left out: -1, not \"enabled\"");
	is_str(v[0].comment, "Send mails", "its comment");
	is_int(v[1].disable, 1, "a disabled target");
	free(v);
	json_free(&j);

	body(&j, "[{\"name\":\"a\\u001b[2Jb\",\"type\":[\"x\"],\"disable\":"
	    "\"maybe\",\"comment\":\"l1\\nl2\\r\\u0007\"},{\"type\":\"smtp\"},"
	    "\"mail-to-root\",{\"name\":\"\"},{\"name\":17}]");
	ok(pve_notify_targets_parse(&j, 0, &v, &n, &e) == 0 && n == 2,
	    "hostile targets parse");
	is_int(dropped, 3, "no name, a bare string, an empty name: dropped and "
	    "reported");
	is_str(v[0].name, "a?[2Jb", "ESC in a name: '?'");
	is_str(v[0].type, "", "an array as the type: empty");
	is_int(v[0].disable, -1, "an unreadable boolean: not known");
	is_str(v[0].comment, "l1 l2??", "newline a space, CR and BEL '?'");
	is_str(v[1].name, "17", "a number as a name: its text");
	free(v);
	json_free(&j);

	body(&j, "{\"name\":\"x\"}");
	ok(pve_notify_targets_parse(&j, 0, &v, &n, &e) != 0 && e.id ==
	    PXE_PARSE && v == NULL, "an object is no list");
	ok(strstr(e.msg, "notification targets") != NULL, "the error names "
	    "the list: %s", e.msg);
	json_free(&j);
}

static void
endpoints(void)
{
	struct pve_notify_endpoint *v;
	struct px_err e = { 0 };
	struct buf b = { 0 };
	struct json j;
	int n;

	body(&j, "[{\"name\":\"mail-to-root\",\"mailto-user\":[\"root@pam\"],"
	    "\"mailto\":[\"ops@example.com\",\"dev@example.com\"],\"origin\":"
	    "\"builtin\",\"server\":\"ignored\"}]");
	ok(pve_notify_endpoints_parse(&j, 0, "sendmail", &v, &n, &e) == 0 &&
	    n == 1, "a sendmail endpoint");
	is_str(v[0].to, "ops@example.com,dev@example.com,root@pam",
	    "sendmail: mailto, then mailto-user");
	free(v);
	ok(pve_notify_endpoints_parse(&j, 0, "smtp", &v, &n, &e) == 0 &&
	    strcmp(v[0].to, "ops@example.com,dev@example.com,root@pam") == 0,
	    "smtp: the addresses too, not the server");
	free(v);
	ok(pve_notify_endpoints_parse(&j, 0, "gotify", &v, &n, &e) == 0,
	    "the same row read as gotify");
	is_str(v[0].to, "ignored", "gotify: the server");
	free(v);
	ok(pve_notify_endpoints_parse(&j, 0, "webhook", &v, &n, &e) == 0 &&
	    v[0].to[0] == '\0', "webhook without url: no \"to\"");
	free(v);
	ok(pve_notify_endpoints_parse(&j, 0, "pager", &v, &n, &e) == 0 &&
	    v[0].to[0] == '\0', "a type px does not know: no \"to\"");
	free(v);
	json_free(&j);

	body(&j, "[{\"name\":\"hook\",\"url\":\"https://x/\\u001b]8;;evil"
	    "\\u0007\",\"disable\":true},{\"name\":\"m\",\"mailto\":[\"a,\\n"
	    "b\",7,{\"x\":1}],\"mailto-user\":\"root@pam\"}]");
	ok(pve_notify_endpoints_parse(&j, 0, "webhook", &v, &n, &e) == 0 &&
	    n == 2, "hostile webhooks parse");
	is_str(v[0].to, "https://x/?]8;;evil?", "an OSC 8 link in the URL: "
	    "'?'");
	is_int(v[0].disable, 1, "disable true");
	free(v);
	ok(pve_notify_endpoints_parse(&j, 0, "sendmail", &v, &n, &e) == 0,
	    "hostile addresses parse");
	is_str(v[1].to, "a, b,?,?", "a newline a space, a number and an "
	    "object '?', a string as mailto-user ignored");
	free(v);
	json_free(&j);

	buf_adds(&b, "[{\"name\":\"big\",\"mailto\":[");
	for (int i = 0; i < 200; i++)
		buf_printf(&b, "%s\"user%03d@example.com\"", i ? "," : "", i);
	buf_adds(&b, "]}]");
	body(&j, b.p);
	ok(pve_notify_endpoints_parse(&j, 0, "smtp", &v, &n, &e) == 0 &&
	    n == 1, "200 addresses");
	ok(strlen(v[0].to) < sizeof(v[0].to) && strcmp(v[0].to +
	    strlen(v[0].to) - 4, ",...") == 0, "too many: the list ends in "
	    "\",...\"");
	ok(strncmp(v[0].to, "user000@example.com,user001@", 28) == 0,
	    "the first ones kept");
	free(v);
	json_free(&j);
	buf_free(&b);

	body(&j, "null");
	ok(pve_notify_endpoints_parse(&j, 0, "smtp", &v, &n, &e) != 0 &&
	    e.id == PXE_PARSE && strstr(e.msg, "notification endpoints") !=
	    NULL, "null is no list: %s", e.msg);
	json_free(&j);
}

static void
matchers(void)
{
	struct pve_notify_matcher *v;
	struct px_err e = { 0 };
	struct buf b = { 0 };
	struct json j;
	int n;

	body(&j, "[{\"name\":\"errors\",\"target\":[\"gotify-ops\","
	    "\"smtp-relay\"],\"mode\":\"all\",\"match-severity\":[\"error\"],"
	    "\"match-field\":[\"exact:type=vzdump\"],\"match-calendar\":"
	    "[\"mon..fri 8-17\"],\"invert-match\":0,\"origin\":"
	    "\"user-created\",\"comment\":\"office hours\"},{\"name\":"
	    "\"default-matcher\",\"target\":\"mail-to-root\",\"origin\":"
	    "\"builtin\"}]");
	ok(pve_notify_matchers_parse(&j, 0, &v, &n, &e) == 0 && n == 2,
	    "matchers as PVE sends them");
	is_str(v[0].target, "[\"gotify-ops\",\"smtp-relay\"]", "targets: a "
	    "compact JSON array, as px has shown them");
	is_str(v[0].severity, "[\"error\"]", "match-severity");
	is_str(v[0].field, "[\"exact:type=vzdump\"]", "match-field");
	is_str(v[0].calendar, "[\"mon..fri 8-17\"]", "match-calendar");
	is_str(v[0].mode, "all", "mode");
	is_int(v[0].invert, 0, "invert-match 0");
	is_int(v[0].disable, -1, "disable left out");
	is_str(v[1].target, "mail-to-root", "a single string kept as it is");
	ok(v[1].severity[0] == '\0' && v[1].invert == -1, "the lists and "
	    "booleans it leaves out: none");
	free(v);
	json_free(&j);

	body(&j, "[{\"name\":\"m\",\"target\":[\"a\\\"],[\\\"b\",3,null,"
	    "\"\\u001b[31m\"],\"match-field\":{\"exact:type\":\"x\"},"
	    "\"match-severity\":\"error\\r\\n\"},{\"target\":[\"x\"]}]");
	ok(pve_notify_matchers_parse(&j, 0, &v, &n, &e) == 0 && n == 1,
	    "hostile matchers parse");
	is_int(dropped, 1, "a matcher with no name dropped and reported");
	is_str(v[0].target, "[\"a\\\"],[\\\"b\",\"?\",\"?\",\"?[31m\"]",
	    "quotes escaped again, never closing the array; other items "
	    "\"?\", ESC '?'");
	is_str(v[0].field, "", "an object as match-field: none");
	is_str(v[0].severity, "error? ", "CR '?', LF a space");
	free(v);
	json_free(&j);

	buf_adds(&b, "[{\"name\":\"big\",\"target\":[");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "%s\"target-number-%03d\"", i ? "," : "", i);
	buf_adds(&b, "]}]");
	body(&j, b.p);
	ok(pve_notify_matchers_parse(&j, 0, &v, &n, &e) == 0 && n == 1 &&
	    v[0].target[0] == '\0', "a target list too long to show whole: "
	    "none, never half an array");
	free(v);
	json_free(&j);
	buf_free(&b);

	body(&j, "\"matchers\"");
	ok(pve_notify_matchers_parse(&j, 0, &v, &n, &e) != 0 && e.id ==
	    PXE_PARSE && strstr(e.msg, "notification matchers") != NULL,
	    "a string is no list: %s", e.msg);
	json_free(&j);
}

int
main(void)
{
	px_drop_set(on_drop);
	targets();
	endpoints();
	matchers();
	px_drop_set(NULL);
	return done_testing();
}
