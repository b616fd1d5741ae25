/* pve_objrisk_access.c -- pre-flight checks of access changes
 * (pve_objrisk_access.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "pve_cluster.h"
#include "pve_objrisk_access.h"

/* Lists in findings stop near this length, with ", ...". */
enum { LIST_MAX = 160 };

int
objrisk_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (list == NULL || n == 0)
		return 0;
	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || strchr(", ;", p[-1]) != NULL) &&
		    (p[n] == '\0' || strchr(", ;", p[n]) != NULL))
			return 1;
		p += n;
	}
	return 0;
}

/* The ACL entries, from GET /access/acl. */
static int
acl_read(struct px_client *c, struct pve_acl **v, int *n, struct px_err *e)
{
	struct px_reply rp;
	int rc;

	if (pve_get(c, &rp, e, "/access/acl") != 0)
		return -1;
	rc = pve_acl_parse(&rp.j, rp.data, v, n, e);
	px_reply_free(&rp);
	return rc;
}

/* A path as PVE keeps it: no trailing slash but the root's. */
static void
canon_path(char *out, size_t sz, const char *path)
{
	size_t n;

	snprintf(out, sz, "%s", path);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

static void
list_add(struct buf *b, const char *fmt, const char *a, const char *x)
{
	if (b->len >= LIST_MAX) {
		if (b->p[b->len - 1] != '.')
			buf_adds(b, ", ...");
		return;
	}
	if (b->len)
		buf_adds(b, ", ");
	buf_printf(b, fmt, a, x);
}

int
objrisk_acl_unset(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_acl *a = arg;
	struct pve_acl *v = NULL;
	struct buf admin = { 0 };
	char path[256];
	int n = 0, gone = 0, left = 0;

	(void)r;
	if (acl_read(c, &v, &n, e) != 0)
		return -1;
	canon_path(path, sizeof(path), a->path);
	for (int i = 0; i < n; i++) {
		const char *who;
		int hit;

		if (strcmp(v[i].path, path) != 0)
			continue;
		who = strcmp(v[i].type, "group") == 0 ? a->groups :
		    strcmp(v[i].type, "token") == 0 ? a->tokens : a->users;
		hit = objrisk_in_list(a->roles, v[i].roleid) &&
		    objrisk_in_list(who, v[i].ugid);
		if (!hit) {
			left++;
			continue;
		}
		gone++;
		if (strcmp(v[i].roleid, "Administrator") == 0 ||
		    strcmp(v[i].roleid, "PVEAdmin") == 0)
			list_add(&admin, "%s of %s", v[i].roleid, v[i].ugid);
	}
	if (admin.len)
		risk_add(rep, "AdminAclRemoved", RISK_SEVERE, "unset the "
		    "administrative entries on %s: %s", path, admin.p);
	if (strcmp(path, "/") == 0 && gone > 0 && left == 0)
		risk_add(rep, "LastRootAcl", RISK_SEVERE, "these are the last "
		    "ACL entries on /: only root@pam would keep access to "
		    "the whole cluster");
	buf_free(&admin);
	free(v);
	return 0;
}

int
objrisk_ident_off(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_ident *a = arg;
	struct pve_token *t = NULL;
	struct px_reply rp;
	struct buf id = { 0 }, list = { 0 };
	int self_user, n = 0;

	(void)r;
	self_user = a->self_user != NULL && strcmp(a->userid,
	    a->self_user) == 0;
	if (a->tokenid != NULL) {
		if (self_user && a->self_token != NULL &&
		    strcmp(a->tokenid, a->self_token) == 0)
			risk_add(rep, "SelfLockout", RISK_SEVERE, "px uses "
			    "token %s!%s right now (this profile): without "
			    "it px is locked out", a->userid, a->tokenid);
		return 0;
	}
	if (self_user)
		risk_add(rep, "SelfLockout", RISK_SEVERE, "px logs in as %s%s%s "
		    "right now (this profile): %s it locks px out",
		    a->userid, a->self_token ? "!" : "",
		    a->self_token ? a->self_token : "",
		    a->deleting ? "deleting" : "disabling");
	if (!a->deleting)
		return 0;
	url_seg(&id, a->userid);
	if (pve_get(c, &rp, e, "/access/users/%s/token", id.p) != 0) {
		buf_free(&id);
		return -1;
	}
	buf_free(&id);
	if (pve_tokens_parse(&rp.j, rp.data, &t, &n, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < n; i++)
		list_add(&list, "%s!%s", a->userid, t[i].tokenid);
	if (n > 0)
		risk_add(rep, "UserOwnsTokens", RISK_WARNING, "user %s owns %d "
		    "API token%s, deleted with it: %s", a->userid, n,
		    n == 1 ? "" : "s", list.p);
	buf_free(&list);
	free(t);
	return 0;
}

int
objrisk_role_delete(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const char *role = arg;
	struct pve_acl *v = NULL;
	struct buf list = { 0 };
	int n = 0, used = 0;

	(void)r;
	if (acl_read(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].roleid, role) != 0)
			continue;
		used++;
		list_add(&list, "%s (%s)", v[i].path, v[i].ugid);
	}
	if (used > 0)
		risk_add(rep, "RoleInUse", RISK_WARNING, "role %s is granted "
		    "by %d ACL entr%s (they grant nothing then): %s", role, used,
		    used == 1 ? "y" : "ies", list.p);
	buf_free(&list);
	free(v);
	return 0;
}
