/* pve_groups_acl.c -- GET /access/groups, /access/acl and a user's
 * tokens read once in lib (pve_cluster.h): the recorded answers of a
 * real PVE, and hostile ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "pve_cluster.h"
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
		ok(0, "the test's body parses: %.80s", s);
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_group *g;
	struct pve_acl *a;
	struct pve_token *t;
	struct buf b = { 0 };
	struct json j;
	int n;

	px_drop_set(on_drop);

	/* tests/../shared/reference/recorded/access_groups (PVE 6.2) */
	body(&j, "[{\"groupid\":\"group2\",\"users\":\"\"},{\"groupid\":"
	    "\"group1\",\"users\":\"\"}]");
	ok(pve_groups_parse(&j, 0, &g, &n, &e) == 0 && n == 2, "PVE 6.2's "
	    "recorded group list");
	ok(strcmp(g[0].groupid, "group2") == 0 && g[0].users[0] == '\0',
	    "a group with no members");
	free(g);
	json_free(&j);

	body(&j, "[{\"groupid\":\"ops\",\"users\":\"bob@pve,carol@pve\","
	    "\"comment\":\"Ops\\u001b[2J\\n\"},{\"users\":\"x@pve\"},7,"
	    "{\"groupid\":\"n\",\"users\":42}]");
	ok(pve_groups_parse(&j, 0, &g, &n, &e) == 0 && n == 2, "groups");
	is_int(dropped, 2, "no id, a number: dropped and reported");
	is_str(g[0].users, "bob@pve,carol@pve", "the members");
	is_str(g[0].comment, "Ops?[2J ", "ESC '?', LF a space");
	is_str(g[1].users, "42", "a number as members: its text");
	free(g);
	json_free(&j);

	buf_adds(&b, "[{\"groupid\":\"big\",\"users\":\"");
	for (int i = 0; i < 200; i++)
		buf_printf(&b, "%suser%03d@pve", i ? "," : "", i);
	buf_adds(&b, "\"},{\"groupid\":\"one\",\"users\":\"");
	for (int i = 0; i < 1100; i++)
		buf_adds(&b, "u");
	buf_adds(&b, "@pve\"}]");
	body(&j, b.p);
	ok(pve_groups_parse(&j, 0, &g, &n, &e) == 0 && n == 2, "200 members");
	ok(strlen(g[0].users) < sizeof(g[0].users) && strcmp(g[0].users +
	    strlen(g[0].users) - 4, ",...") == 0, "too many to show: the list "
	    "ends in \",...\"");
	ok(strstr(g[0].users, "user000@pve,user001@pve,") == g[0].users,
	    "the first kept");
	{
		const char *last = strrchr(g[0].users, ',');
		const char *prev = last;

		while (prev > g[0].users && prev[-1] != ',')
			prev--;
		ok(strncmp(prev, "user", 4) == 0 && strncmp(last - 4, "@pve",
		    4) == 0, "the last shown is a whole user id, never half "
		    "of one");
	}
	is_str(g[1].users, "...", "one id longer than the buffer: \"...\"");
	free(g);
	json_free(&j);
	buf_free(&b);

	/* recorded/access_acl (PVE 6.2) */
	body(&j, "[{\"roleid\":\"PVETestAdmin\",\"type\":\"user\",\"propagate\":"
	    "1,\"ugid\":\"bobsinclar@pve\",\"path\":\"/access\"},{\"path\":"
	    "\"/vms/100\",\"type\":\"token\",\"ugid\":\"a@pve!t\\u001b]0;\","
	    "\"roleid\":\"PVEVMUser\",\"propagate\":\"0\"},{\"roleid\":\"x\"}]");
	ok(pve_acl_parse(&j, 0, &a, &n, &e) == 0 && n == 2, "ACL entries");
	is_int(dropped, 1, "an entry with no path dropped and reported");
	is_str(a[0].ugid, "bobsinclar@pve", "the recorded entry's user");
	is_int(a[0].propagate, 1, "propagate 1");
	is_str(a[1].ugid, "a@pve!t?]0;", "ESC in a token id: '?'");
	is_int(a[1].propagate, 0, "propagate \"0\"");
	free(a);
	ok(pve_groups_parse(&j, 1, &g, &n, &e) != 0 && e.id == PXE_PARSE,
	    "an object is no group list");
	json_free(&j);

	body(&j, "[{\"tokenid\":\"px\",\"privsep\":0,\"expire\":0,"
	    "\"comment\":\"full\"},{\"tokenid\":\"ci\\u009b2J\",\"expire\":"
	    "\"1767225600\",\"privsep\":\"1\",\"comment\":\"a\\r\\nb\"},"
	    "{\"comment\":\"no id\"},{\"tokenid\":\"x\",\"expire\":1e400},"
	    "{\"tokenid\":\"y\",\"privsep\":[0]}]");
	ok(pve_tokens_parse(&j, 0, &t, &n, &e) == 0 && n == 3, "tokens");
	is_int(dropped, 2, "no id, an expiry out of range: dropped and "
	    "reported");
	ok(t[0].privsep == 0 && t[0].expire == 0, "full privileges, never "
	    "expires");
	is_str(t[1].tokenid, "ci?2J", "C1 CSI in an id: '?'");
	ok(t[1].expire == 1767225600LL && t[1].privsep == 1, "an expiry and "
	    "privsep sent as strings");
	is_str(t[1].comment, "a? b", "CR '?', LF a space");
	is_int(t[2].privsep, 1, "privsep an array: PVE's default, separated");
	free(t);
	json_free(&j);

	px_drop_set(NULL);
	return done_testing();
}
