/*
 * pve_tfa.c -- GET /access/tfa parsed into one row per entry
 * (pve_tfa.h).
 */
#include <stdlib.h>
#include <string.h>

#include "pve_field.h"
#include "pve_tfa.h"

#define TE struct pve_tfa_entry
static const struct pve_field user_f[] = {
	PF_STR(TE, userid, "userid"),
	PF_LL(TE, locked_until, "tfa-locked-until"),
};
static const struct pve_field entry_f[] = {
	PF_STR(TE, id, "id"),
	PF_STR(TE, type, "type"),
	PF_STR(TE, description, "description"),
	PF_LL(TE, created, "created"),
	PF_BOOL(TE, enable, "enable", 1),
};
#undef TE

int
pve_tfa_parse(const struct json *j, int arr, struct pve_tfa_entry **out,
    int *n, struct px_err *e)
{
	int k, i, cap = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "the second factors are not a list");
		return -1;
	}
	JSON_FOREACH(j, arr, k, i) {
		struct pve_tfa_entry u;
		char why[256];
		int ents, q, w;

		memset(&u, 0, sizeof(u));
		if (pve_row_check(j, k, &u, user_f, PF_N(user_f), why,
		    sizeof(why)) != 0) {
			pve_row_drop(j, "GET /access/tfa", i, "%s", why);
			continue;
		}
		if ((ents = json_get(j, k, "entries")) < 0 ||
		    json_type(j, ents) != JSON_ARRAY) {
			pve_row_drop(j, "GET /access/tfa", i, "%s: entries is "
			    "not a list", u.userid);
			continue;
		}
		/* a bool PVE may send as 0/1, "" or true: -1 when none */
		{
			int t = json_get(j, k, "totp-locked"), b;

			u.totp_locked = t >= 0 && json_bool(j, t, &b) == 0 ?
			    b : -1;
		}
		JSON_FOREACH(j, ents, q, w) {
			struct pve_tfa_entry *x;

			if (*n + 1 >= cap) {
				struct pve_tfa_entry *nv;

				cap = cap ? cap * 2 : 16;
				nv = realloc(*out, (size_t)cap * sizeof(**out));
				if (nv == NULL) {
					free(*out);
					*out = NULL;
					*n = 0;
					px_fail(e, PXE_FAILURE, "out of memory");
					return -1;
				}
				*out = nv;
			}
			x = &(*out)[*n];
			*x = u;
			if (pve_row_check(j, q, x, entry_f, PF_N(entry_f), why,
			    sizeof(why)) != 0) {
				pve_row_drop(j, "GET /access/tfa", i, "%s: entry "
				    "%d: %s", u.userid, w, why);
				continue;
			}
			(*n)++;
		}
	}
	if (*out == NULL && (*out = calloc(1, sizeof(**out))) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	memset(&(*out)[*n], 0, sizeof(**out));
	return 0;
}
