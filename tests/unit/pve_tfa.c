/* pve_tfa.c -- GET /access/tfa parsed into one row per entry
 * (pve_tfa.h): PVE's shape, its lock fields, an enable left out, and
 * hostile rows: controls in the description, wrong types, rows and
 * entries without their key dropped and reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_tfa.h"
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

int
main(void)
{
	static const char body[] = "[{\"userid\":\"bob@pve\",\"entries\":["
	    "{\"id\":\"recovery\",\"type\":\"recovery\",\"description\":"
	    "\"paper\",\"created\":1764955200},{\"id\":\"totp-1\",\"type\":"
	    "\"totp\",\"description\":\"phone\\u001b]52;c;x\\u0007\\r\\n\","
	    "\"created\":\"1764955201\",\"enable\":0},{\"type\":\"totp\"},7],"
	    "\"totp-locked\":true,\"tfa-locked-until\":1764999999},"
	    "{\"userid\":\"carol@pve\",\"entries\":{}},{\"entries\":[]},\"x\","
	    "{\"userid\":\"dave@pve\",\"entries\":[{\"id\":\"w\",\"type\":"
	    "\"webauthn\",\"description\":12,\"enable\":\"\"}],"
	    "\"totp-locked\":0}]";
	struct json j;
	struct px_err e = { 0 };
	struct pve_tfa_entry *v;
	int n;

	px_drop_set(on_drop);
	ok(json_parse(&j, body, strlen(body), &e) == 0, "the answer parses");
	ok(pve_tfa_parse(&j, 0, &v, &n, &e) == 0, "pve_tfa_parse");
	is_int(n, 3, "three entries kept");
	is_int(dropped, 5, "an entry with no id, one no object, a user whose "
	    "entries are no list, one with no userid, a string: dropped, "
	    "reported");
	is_str(v[0].userid, "bob@pve", "each entry carries its user");
	is_str(v[0].id, "recovery", "the entry's id");
	ok(v[0].created == 1764955200 && v[0].enable == 1, "created; enable "
	    "left out is 1");
	ok(v[0].totp_locked == 1 && v[0].locked_until == 1764999999,
	    "the user's lock state on each of its entries");
	is_str(v[1].description, "phone?]52;c;x?? ", "the description "
	    "sanitized: ESC, BEL and CR '?', LF a blank");
	ok(v[1].created == 1764955201 && v[1].enable == 0, "created as a "
	    "string; enable 0");
	is_str(v[2].userid, "dave@pve", "the next user");
	is_str(v[2].description, "12", "a number as a description: its text");
	ok(v[2].enable == 0 && v[2].totp_locked == 0 &&
	    v[2].locked_until == 0, "enable \"\" is false; not locked");
	is_str(v[3].id, "", "a zeroed row after the last");
	free(v);
	json_free(&j);

	ok(json_parse(&j, "{\"userid\":\"a\"}", 14, &e) == 0 &&
	    pve_tfa_parse(&j, 0, &v, &n, &e) != 0 && e.id == PXE_PARSE &&
	    v == NULL, "an object is not the list");
	json_free(&j);
	ok(json_parse(&j, "[]", 2, &e) == 0 && pve_tfa_parse(&j, 0, &v, &n,
	    &e) == 0 && n == 0 && v != NULL, "an empty list: no entries");
	free(v);
	json_free(&j);
	return done_testing();
}
