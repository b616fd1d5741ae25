/* pve_aplinfo.c -- the templates a node offers (GET .../aplinfo) read
 * once in lib (pve_aplinfo_parse): PVE's shape and hostile ones. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "pve_aplinfo.h"
#include "tap.h"

static int
apl(const char *body, struct pve_apl **v, int *n, struct px_err *e)
{
	struct json j;
	int rc;

	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %.80s", body), -9;
	rc = pve_aplinfo_parse(&j, 0, v, n, e);
	json_free(&j);
	return rc;
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_apl *v;
	static char big[80000];
	int n;

	ok(apl("[{\"template\":\"debian-12-standard_12.7-1_amd64.tar.zst\","
	    "\"section\":\"system\",\"description\":\"Debian 12\\n\\tsmall"
	    "\"}]", &v, &n, &e) == 0 && n == 1, "PVE's answer: one row");
	is_str(v[0].f[APL_TEMPLATE], "debian-12-standard_12.7-1_amd64.tar.zst",
	    "the template");
	is_str(v[0].f[APL_DESCRIPTION], "Debian 12\n\tsmall",
	    "the description keeps its newline and tab");
	ok(v[0].f[APL_OS] == NULL && v[0].f[APL_HEADLINE] == NULL,
	    "an absent field is NULL, not \"\"");
	pve_aplinfo_free(v, n);

	ok(apl("[{\"template\":\"\",\"os\":null,\"version\":12,\"headline\":"
	    "[1],\"type\":{\"a\":1}}]", &v, &n, &e) == 0 && n == 1 &&
	    v[0].f[APL_TEMPLATE] != NULL && v[0].f[APL_TEMPLATE][0] == '\0',
	    "\"\" stays \"\" (not absent)");
	is_str(v[0].f[APL_VERSION], "12", "a number gives its text");
	ok(v[0].f[APL_OS] == NULL && v[0].f[APL_HEADLINE] == NULL &&
	    v[0].f[APL_TYPE] == NULL, "null, a list, an object: absent");
	pve_aplinfo_free(v, n);

	ok(apl("[{\"template\":\"x\\u001b[2J\\r\\n.tar\",\"description\":"
	    "\"a\\u001b]0;t\\u0007\\r\\nb\\u009b1m\"}]", &v, &n, &e) == 0,
	    "hostile controls: parsed");
	is_str(v[0].f[APL_TEMPLATE], "x?[2J? .tar",
	    "a field: every control '?' or ' ', one line");
	is_str(v[0].f[APL_DESCRIPTION], "a?]0;t??\nb?1m",
	    "the description: lines kept, ESC BEL CR CSI '?'");
	pve_aplinfo_free(v, n);

	ok(apl("[1,{\"template\":\"t\"},\"x\"]", &v, &n, &e) == 0 && n == 3 &&
	    v[0].bad && !v[1].bad && v[2].bad, "rows that are no object: bad");
	is_str(v[1].f[APL_TEMPLATE], "t", "the good row kept");
	pve_aplinfo_free(v, n);

	ok(apl("{\"template\":\"t\"}", &v, &n, &e) != 0 && e.id == PXE_PARSE &&
	    v == NULL && n == 0, "an object is no list");
	ok(apl("[]", &v, &n, &e) == 0 && n == 0, "an empty list");
	pve_aplinfo_free(v, n);

	snprintf(big, sizeof(big), "[{\"description\":\"");
	memset(big + strlen(big), 'a', 70000);
	big[17 + 70000] = '\0';
	strcat(big, "\",\"os\":\"");
	{
		size_t l = strlen(big);

		/* 2000 two-byte characters: cut on a boundary */
		for (int i = 0; i < 1000; i++)
			memcpy(big + l + 2 * i, "\xc3\xa9", 2);
		big[l + 2000] = '\0';
	}
	strcat(big, "\"}]");
	ok(apl(big, &v, &n, &e) == 0 && n == 1, "long fields: parsed");
	ok(strlen(v[0].f[APL_DESCRIPTION]) == PVE_APL_DESCRIPTION_MAX,
	    "the description cut at %d bytes", PVE_APL_DESCRIPTION_MAX);
	ok(strlen(v[0].f[APL_OS]) == PVE_APL_FIELD_MAX &&
	    (unsigned char)v[0].f[APL_OS][PVE_APL_FIELD_MAX - 1] == 0xa9,
	    "a field cut at %d bytes, on a character boundary",
	    PVE_APL_FIELD_MAX);
	pve_aplinfo_free(v, n);
	is_str(pve_apl_key(APL_SHA512SUM), "sha512sum", "the keys are PVE's");
	done_testing();
}
