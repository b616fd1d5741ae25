/*
 * pve_usergroups.c -- a user's groups, checked to be sent back
 * (pve_usergroups.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_usergroups.h"

int
pve_groupid_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n;
}

/* Append group g (unless it is skip) to out; 0 or -1 with e. */
static int
add(const char *g, const char *skip, char *out, size_t n, struct px_err *e)
{
	size_t len = strlen(out);

	if (!pve_groupid_ok(g)) {
		char shown[80];

		snprintf(shown, sizeof(shown), "%s", g);
		text_sanitize(shown);
		px_fail(e, PXE_PARSE, "the user's groups: '%s' is not a group "
		    "id", shown);
		return -1;
	}
	if (skip != NULL && strcmp(g, skip) == 0)
		return 0;
	if (len + strlen(g) + 2 > n) {
		px_fail(e, PXE_TOO_LARGE, "the user's groups: more than %zu "
		    "bytes", n - 1);
		return -1;
	}
	snprintf(out + len, n - len, "%s%s", len ? "," : "", g);
	return 0;
}

int
pve_user_groups_parse(const struct json *j, int obj, const char *skip,
    char *out, size_t n, struct px_err *e)
{
	int t, k, i, rc = 0;
	char *s, *tok, *save = NULL;

	out[0] = '\0';
	if (json_type(j, obj) != JSON_OBJECT) {
		px_fail(e, PXE_PARSE, "the user is not an object");
		return -1;
	}
	t = json_get(j, obj, "groups");
	if (t < 0 || json_is_null(j, t))
		return 0;
	if (json_type(j, t) == JSON_ARRAY) {
		JSON_FOREACH(j, t, k, i) {
			if (json_type(j, k) != JSON_STRING) {
				px_fail(e, PXE_PARSE, "the user's groups: "
				    "element %d is not a string", i);
				return -1;
			}
			if ((s = json_strdup(j, k)) == NULL) {
				px_fail(e, PXE_FAILURE, "out of memory");
				return -1;
			}
			rc = add(s, skip, out, n, e);
			free(s);
			if (rc != 0)
				return -1;
		}
		return 0;
	}
	if (json_type(j, t) != JSON_STRING) {
		px_fail(e, PXE_PARSE, "the user's groups are neither a list nor "
		    "a string");
		return -1;
	}
	if ((s = json_strdup(j, t)) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	for (tok = strtok_r(s, ",", &save); tok && rc == 0;
	    tok = strtok_r(NULL, ",", &save))
		rc = add(tok, skip, out, n, e);
	free(s);
	return rc;
}
