/*
 * pve_aplinfo.c -- GET /nodes/{node}/aplinfo read once (pve_aplinfo.h).
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_aplinfo.h"
#include "pve_nodesys.h"

static const char *const keys[APL_NFIELDS] = {
	"template", "section", "os", "version", "headline", "package",
	"type", "architecture", "location", "sha512sum", "source",
	"infopage", "maintainer", "description",
};

const char *
pve_apl_key(enum pve_apl_field f)
{
	return f >= 0 && f < APL_NFIELDS ? keys[f] : "";
}

/* Cut s to at most max bytes, not inside a UTF-8 sequence. */
static void
cut(char *s, size_t max)
{
	if (strlen(s) <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* Row obj's fields into a; -1 when out of memory. */
static int
row(const struct json *j, int obj, struct pve_apl *a)
{
	for (int f = 0; f < APL_NFIELDS; f++) {
		int t = json_get(j, obj, keys[f]);
		enum json_type jt;

		if (t < 0 || json_is_null(j, t))
			continue;
		jt = json_type(j, t);
		if (jt == JSON_ARRAY || jt == JSON_OBJECT)
			continue;
		if ((a->f[f] = json_strdup(j, t)) == NULL)
			return -1;
		if (f == APL_DESCRIPTION) {
			cut(a->f[f], PVE_APL_DESCRIPTION_MAX);
			pve_text_sanitize_lines(a->f[f]);
		} else {
			cut(a->f[f], PVE_APL_FIELD_MAX);
			text_sanitize(a->f[f]);
		}
	}
	return 0;
}

int
pve_aplinfo_parse(const struct json *j, int arr, struct pve_apl **v, int *n,
    struct px_err *e)
{
	int len;

	*v = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "the templates: the answer is not a "
		    "list");
		return -1;
	}
	len = json_len(j, arr);
	if (len > 0 && (*v = calloc((size_t)len, sizeof(**v))) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	for (int i = 0; i < len; i++) {
		int obj = json_at(j, arr, i);

		*n = i + 1;
		if (json_type(j, obj) != JSON_OBJECT) {
			(*v)[i].bad = 1;
			continue;
		}
		if (row(j, obj, &(*v)[i]) != 0) {
			pve_aplinfo_free(*v, *n);
			*v = NULL;
			*n = 0;
			px_fail(e, PXE_FAILURE, "out of memory");
			return -1;
		}
	}
	return 0;
}

void
pve_aplinfo_free(struct pve_apl *v, int n)
{
	for (int i = 0; v != NULL && i < n; i++)
		for (int f = 0; f < APL_NFIELDS; f++)
			free(v[i].f[f]);
	free(v);
}
