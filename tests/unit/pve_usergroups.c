/* pve_usergroups.c -- a user's groups read to be sent back
 * (pve_usergroups.h): both of PVE's shapes, one group left out, and a
 * group id that is no id an error, never dropped. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "pve_usergroups.h"
#include "tap.h"

static int
groups(const char *body, const char *skip, char *out, size_t n,
    struct px_err *e)
{
	struct json j;
	int rc;

	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %s", body), -9;
	rc = pve_user_groups_parse(&j, 0, skip, out, n, e);
	json_free(&j);
	return rc;
}

int
main(void)
{
	struct px_err e = { 0 };
	char out[64], big[64];

	ok(groups("{\"userid\":\"bob@pve\",\"groups\":[\"admins\",\"ops\","
	    "\"dev.team_1-x\"]}", "ops", out, sizeof(out), &e) == 0,
	    "an array of groups");
	is_str(out, "admins,dev.team_1-x", "all but the one left out");
	ok(groups("{\"groups\":\"admins,ops\"}", "admins", out, sizeof(out),
	    &e) == 0, "older PVE: a comma-separated string");
	is_str(out, "ops", "the string's groups but the one left out");
	ok(groups("{\"userid\":\"x\"}", NULL, out, sizeof(out), &e) == 0 &&
	    out[0] == '\0', "no groups: none");
	ok(groups("{\"groups\":null}", NULL, out, sizeof(out), &e) == 0 &&
	    out[0] == '\0', "groups null: none");
	ok(groups("{\"groups\":[\"ops\",\"evil,admins\"]}", NULL, out,
	    sizeof(out), &e) != 0 && e.id == PXE_PARSE, "a group id with a "
	    "comma: an error, not a second group");
	ok(strstr(e.msg, "'evil,admins' is not a group id") != NULL,
	    "the error names it");
	ok(groups("{\"groups\":[\"a\\u001b[2J\"]}", NULL, out, sizeof(out),
	    &e) != 0 && strstr(e.msg, "'a?[2J'") != NULL, "an escape in a "
	    "group: an error, shown sanitized");
	ok(groups("{\"groups\":[\"ops\",7]}", NULL, out, sizeof(out), &e) !=
	    0 && e.id == PXE_PARSE, "a number in the list: an error");
	ok(groups("{\"groups\":{\"a\":1}}", NULL, out, sizeof(out), &e) != 0 &&
	    e.id == PXE_PARSE, "an object as groups: an error");
	ok(groups("[\"ops\"]", NULL, out, sizeof(out), &e) != 0 && e.id ==
	    PXE_PARSE, "a list is no user");
	ok(groups("{\"groups\":\"ops,,dev\"}", NULL, out, sizeof(out), &e) ==
	    0 && strcmp(out, "ops,dev") == 0, "an empty item of the string "
	    "is no group");
	memset(big, 'g', 60);
	big[60] = '\0';
	{
		char body[256];

		snprintf(body, sizeof(body), "{\"groups\":[\"%s\",\"%s\"]}",
		    big, big);
		ok(groups(body, NULL, out, sizeof(out), &e) != 0 && e.id ==
		    PXE_TOO_LARGE, "more than fits: too large, not cut");
	}
	return done_testing();
}
