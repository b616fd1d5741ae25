/* pve_objrisk_realm.c -- the pre-flight check of deleting a realm
 * (pve_objrisk_realm.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve_cluster.h"
#include "pve_objrisk_realm.h"

/* How long a list in a finding grows before "..." */
enum { LIST_MAX = 80 };

int
objrisk_realm_users(struct px_client *c, const char *realm, struct buf *list,
    int *n, struct px_err *e)
{
	struct pve_user *u = NULL;
	struct px_reply rp;
	size_t rl = strlen(realm);
	int nu = 0, cut = 0;

	*n = 0;
	if (pve_get(c, &rp, e, "/access/users") != 0)
		return -1;
	if (pve_users_parse(&rp.j, rp.data, &u, &nu, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < nu; i++) {
		const char *at = strrchr(u[i].userid, '@');

		if (at == NULL || strlen(at + 1) != rl ||
		    strcmp(at + 1, realm) != 0)
			continue;
		if (list->len < LIST_MAX)
			buf_printf(list, "%s%s", list->len ? ", " : "",
			    u[i].userid);
		else if (!cut++)
			buf_adds(list, ", ...");
		(*n)++;
	}
	free(u);
	return 0;
}

int
objrisk_realm_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const char *realm = arg;
	struct buf list = { 0 };
	int n = 0;

	(void)r;
	if (objrisk_realm_users(c, realm, &list, &n, e) != 0) {
		buf_free(&list);
		return -1;
	}
	if (n > 0)
		risk_add(rep, "RealmHasUsers", RISK_SEVERE, "%d user%s of "
		    "realm %s could not log in any more: %s", n, n == 1 ? "" :
		    "s", realm, list.p);
	buf_free(&list);
	return 0;
}
