/* objcli_cell.c -- an array or object cell of objcli_list's generic
 * path (objcli_json_text): re-encoded, sanitized and bounded, whatever
 * the server sent. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "objcli.h"
#include "tap.h"

static char *
text(const char *body, size_t max)
{
	struct px_err e = { 0 };
	struct json j;
	char *s;

	if (json_parse(&j, body, strlen(body), &e) != 0)
		return ok(0, "the test's body parses: %.80s", body), NULL;
	s = objcli_json_text(&j, 0, max);
	json_free(&j);
	return s;
}

static void
check(const char *body, size_t max, const char *want, const char *name)
{
	char *s = text(body, max);

	is_str(s, want, "%s", name);
	free(s);
}

static int
has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] < 0xa0))
			return 1;
	return 0;
}

int
main(void)
{
	static char big[20000];
	char *s;

	check("[\"pve1\",\"pve2\"]", OBJCLI_CELL_MAX, "[\"pve1\",\"pve2\"]",
	    "a list as PVE sends it: the same text");
	check("{\"a\":1,\"b\":[true,null]}", OBJCLI_CELL_MAX,
	    "{\"a\":1,\"b\":[true,null]}", "an object: the same text");
	check("[ \"a\" ,\n\t\"b\" ]", OBJCLI_CELL_MAX, "[\"a\",\"b\"]",
	    "the server's whitespace (a newline, a tab) is gone");
	check("[\"x\\u001b[2J\\u0007\"]", OBJCLI_CELL_MAX,
	    "[\"x\\u001b[2J\\u0007\"]", "ESC and BEL stay escaped text");
	check("[\"a\xc2\x9b" "1m\"]", OBJCLI_CELL_MAX, "[\"a\\u009b1m\"]",
	    "a raw C1 control (U+009B CSI): escaped text");
	check("[\"\\u00e9t\\/\xc3\xa9\"]", OBJCLI_CELL_MAX,
	    "[\"\xc3\xa9t/\xc3\xa9\"]", "escapes are px's own");

	strcpy(big, "[\"");
	for (int i = 0; i < 5000; i++)
		strcat(big, "\xc3\xa9");
	strcat(big, "\"]");
	s = text(big, OBJCLI_CELL_MAX);
	ok(s != NULL && strlen(s) <= OBJCLI_CELL_MAX, "a long list: at most "
	    "%d bytes (%zu)", OBJCLI_CELL_MAX, s ? strlen(s) : 0);
	ok(s != NULL && strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "...") ==
	    0, "ends with ... when cut");
	ok(s != NULL && (unsigned char)s[strlen(s) - 4] == 0xa9,
	    "cut on a character boundary");
	ok(s != NULL && !has_control(s), "no control in it");
	free(s);
	check("[1,2,3]", 2, "[...", "max below 4 is 4");
	done_testing();
}
