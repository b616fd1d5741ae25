/* pve_word.c -- one name read from an object to be acted on or sent
 * back (pve_word_get, pve.h): a storage's type, a replication job's
 * source node, an HA rule's type. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "pve.h"
#include "tap.h"

static int
word(const char *body, const char *key, char *out, size_t n,
    struct px_err *e)
{
	struct json j;
	int rc;

	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %s", body), -9;
	rc = pve_word_get(&j, 0, key, out, n, e);
	json_free(&j);
	return rc;
}

int
main(void)
{
	struct px_err e = { 0 };
	char out[16], big[64];

	ok(word("{\"type\":\"lvmthin\",\"storage\":\"data\"}", "type", out,
	    sizeof(out), &e) == 0, "a storage's type");
	is_str(out, "lvmthin", "as PVE sends it");
	ok(word("{\"source\":\"pve-1.lan\"}", "source", out, sizeof(out),
	    &e) == 0 && strcmp(out, "pve-1.lan") == 0, "a node name with '-' "
	    "and '.'");
	ok(word("{\"guest\":100}", "source", out, sizeof(out), &e) == 0 &&
	    out[0] == '\0', "absent: \"\", no error");
	ok(word("{\"source\":null}", "source", out, sizeof(out), &e) == 0 &&
	    out[0] == '\0', "null: \"\"");
	ok(word("{\"type\":7}", "type", out, sizeof(out), &e) != 0 && e.id ==
	    PXE_PARSE && strstr(e.msg, "type is not a string") != NULL,
	    "a number: an error naming the key");
	ok(word("{\"type\":[\"dir\"]}", "type", out, sizeof(out), &e) != 0 &&
	    strstr(e.msg, "not a string") != NULL, "an array: an error");
	ok(word("{\"type\":\"node-affinity&nodes=x\"}", "type", big, sizeof(big),
	    &e) != 0 && strstr(e.msg, "'node-affinity&nodes=x' is not a "
	    "name") != NULL && big[0] == '\0', "form syntax in a type: refused, never "
	    "sent back");
	ok(word("{\"source\":\"pve1\\u001b[2J\"}", "source", out, sizeof(out),
	    &e) != 0 && strstr(e.msg, "'pve1?[2J'") != NULL, "an escape: "
	    "refused, shown sanitized");
	ok(word("{\"source\":\"a b\"}", "source", out, sizeof(out), &e) != 0,
	    "a space: refused");
	ok(word("{\"source\":\"\"}", "source", out, sizeof(out), &e) == 0 &&
	    out[0] == '\0', "an empty string: \"\"");
	ok(word("{\"type\":\"abcdefghijklmnopqrstuvwxyz\"}", "type", out,
	    sizeof(out), &e) != 0 && strstr(e.msg, "...' is not a name") !=
	    NULL && out[0] == '\0', "longer than the buffer: refused, never "
	    "cut");
	ok(word("[{\"type\":\"dir\"}]", "type", out, sizeof(out), &e) != 0 &&
	    e.id == PXE_PARSE, "a list is no object");
	return done_testing();
}
