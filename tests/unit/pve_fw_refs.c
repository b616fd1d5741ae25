/* pve_fw_refs.c -- the firewall's refs (GET .../firewall/refs) and an
 * alias's cidr read to be sent back (pve_firewall.h): PVE's shapes and
 * hostile answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_firewall.h"
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

static int
alias_cidr(const char *s, char *cidr, size_t n, struct px_err *e)
{
	struct json j;
	int rc;

	body(&j, s);
	rc = pve_fw_alias_cidr(&j, 0, cidr, n, e);
	json_free(&j);
	return rc;
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_fw_ref *v;
	struct json j;
	char cidr[80];
	int n;

	px_drop_set(on_drop);

	body(&j, "[{\"type\":\"alias\",\"name\":\"mgmt\",\"ref\":\"dc/mgmt\","
	    "\"scope\":\"dc\",\"comment\":\"admins\"},{\"type\":\"ipset\","
	    "\"name\":\"blocklist\",\"ref\":\"+dc/blocklist\",\"scope\":"
	    "\"dc\"},{\"type\":\"alias\",\"name\":\"x\\u001b[2J\",\"ref\":"
	    "[1],\"comment\":\"a\\r\\nb\"},{\"type\":\"ipset\"},\"mgmt\"]");
	ok(pve_fw_refs_parse(&j, 0, &v, &n, &e) == 0 && n == 3, "refs");
	is_int(dropped, 2, "no name, a bare string: dropped and reported");
	is_str(v[0].ref, "dc/mgmt", "an alias's ref");
	is_str(v[0].comment, "admins", "its comment");
	is_str(v[1].type, "ipset", "an IP set");
	is_str(v[1].ref, "+dc/blocklist", "its ref");
	is_str(v[2].name, "x?[2J", "ESC in a name: '?'");
	is_str(v[2].ref, "", "an array as ref: empty");
	is_str(v[2].comment, "a? b", "CR '?', LF a space");
	free(v);
	json_free(&j);
	body(&j, "{\"type\":\"alias\"}");
	ok(pve_fw_refs_parse(&j, 0, &v, &n, &e) != 0 && e.id == PXE_PARSE &&
	    strstr(e.msg, "firewall refs") != NULL, "an object is no list: %s",
	    e.msg);
	json_free(&j);

	ok(alias_cidr("{\"name\":\"mgmt\",\"cidr\":\"10.0.0.0/24\",\"digest\":"
	    "\"ab\"}", cidr, sizeof(cidr), &e) == 0, "an alias's cidr");
	is_str(cidr, "10.0.0.0/24", "as PVE holds it");
	ok(alias_cidr("{\"cidr\":\"fd00::1\"}", cidr, sizeof(cidr), &e) == 0 &&
	    strcmp(cidr, "fd00::1") == 0, "an IPv6 address");
	ok(alias_cidr("{\"name\":\"mgmt\"}", cidr, sizeof(cidr), &e) != 0 &&
	    strstr(e.msg, "no cidr") != NULL && cidr[0] == '\0', "no cidr: an "
	    "error that says so");
	ok(alias_cidr("{\"cidr\":10}", cidr, sizeof(cidr), &e) != 0 &&
	    strstr(e.msg, "cidr is not a string") != NULL, "a number: an "
	    "error");
	ok(alias_cidr("{\"cidr\":\"10.0.0.1&comment=x\"}", cidr, sizeof(cidr),
	    &e) != 0 && strstr(e.msg, "'10.0.0.1&comment=x' is not an IP") !=
	    NULL, "a cidr with form syntax: refused, not sent back");
	ok(alias_cidr("{\"cidr\":\"10.0.0.1\\u001b[2J\"}", cidr, sizeof(cidr),
	    &e) != 0 && strstr(e.msg, "'10.0.0.1?[2J'") != NULL, "an escape: "
	    "refused, shown sanitized");
	ok(alias_cidr("{\"cidr\":\"1111:2222:3333:4444:5555:6666:7777:8888:"
	    "1111:2222:3333:4444:5555:6666:7777:8888/128\"}", cidr, 40, &e) !=
	    0 && strstr(e.msg, "...' is not") != NULL && cidr[0] == '\0',
	    "one longer than the buffer: refused, never cut");
	ok(alias_cidr("[]", cidr, sizeof(cidr), &e) != 0 && e.id == PXE_PARSE,
	    "a list is no alias");

	ok(pve_fw_cidr_ok("192.168.1.0/24") && pve_fw_cidr_ok("::1"),
	    "addresses and networks");
	ok(!pve_fw_cidr_ok("") && !pve_fw_cidr_ok("abc") &&
	    !pve_fw_cidr_ok("10.0.0.1 ") && !pve_fw_cidr_ok("+ipset"),
	    "empty, no '.' or ':', a space, an IP set: none");

	px_drop_set(NULL);
	return done_testing();
}
