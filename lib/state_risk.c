/*
 * state_risk.c -- the pre-flight findings of a state apply's changes: for
 * each, the same check the object's own command runs (pve_objrisk*.h),
 * so that a file cannot do quietly what `px pool delete` or `px storage
 * delete` would have to be allowed to do: delete a pool with members, an
 * Administrator ACL, a storage guests use, the only backup job of a
 * guest, an HA resource, the user or token px itself logs in with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve_objrisk.h"
#include "pve_objrisk_access.h"
#include "pve_objrisk_ha.h"
#include "pve_objrisk_jobs.h"
#include "pve_objrisk_notify.h"
#include "pve_objrisk_sdn.h"
#include "pve_objrisk_storage.h"
#include "state_impl.h"

static int
is(const struct st_sec *s, const char *kind)
{
	return strcmp(s->kind->name, kind) == 0;
}

/* key's value in the file's section, or NULL. */
static const char *
want_of(const struct st_change *ch, const char *key)
{
	return ch->want ? st_get(ch->want, key) : NULL;
}

/* Whether an update turns boolean key to 1 (disable = 1) or to 0. */
static int
turns(const struct st_change *ch, const char *key, const char *to)
{
	const char *w = want_of(ch, key), *def;

	if (ch->op != ST_UPDATE || !st_key_differs(ch->want, ch->have, key))
		return 0;
	def = st_kind_default(ch->want->kind, key);
	if (w == NULL)
		w = def ? def : "0";
	return strcmp(w, to) == 0;
}

/* The keys of a storage whose change moves data or breaks guests. */
static void
storage_changed(const struct st_change *ch, struct buf *b)
{
	static const char *const keys[] = { "content", "path", "server",
	    "export", "pool", "share", "monhost", "datastore", "portal",
	    "target", "vgname", "thinpool", "mountpoint", NULL };

	for (int i = 0; keys[i]; i++)
		if (st_key_differs(ch->want, ch->have, keys[i])) {
			if (b->len)
				buf_addc(b, ',');
			buf_adds(b, keys[i]);
		}
}

static int
one(struct px_client *c, const struct gate_req *r, const struct st_change *ch,
    const struct st_self *self, struct risk_report *rep, struct px_err *e)
{
	const struct st_sec *s = ch->want ? ch->want : ch->have;
	int del = ch->op == ST_DELETE;

	if (is(s, "pool") && del) {
		struct objrisk_pool a = { s->id, 1 };

		return objrisk_pool_delete(c, r, &a, rep, e);
	}
	if (is(s, "role") && del)
		return objrisk_role_delete(c, r, (void *)s->id, rep, e);
	if (is(s, "acl") && del) {
		char buf[512], *path, *colon, *role;
		struct objrisk_acl a = { 0 };

		snprintf(buf, sizeof(buf), "%s", s->id);
		if ((path = strtok(buf, " ")) == NULL ||
		    (colon = strtok(NULL, " ")) == NULL ||
		    (role = strtok(NULL, " ")) == NULL)
			return 0;	/* st_check has refused it */
		a.path = path;
		a.roles = role;
		if (strncmp(colon, "group:", 6) == 0)
			a.groups = colon + 6;
		else if (strncmp(colon, "token:", 6) == 0)
			a.tokens = colon + 6;
		else if (strncmp(colon, "user:", 5) == 0)
			a.users = colon + 5;
		return objrisk_acl_unset(c, r, &a, rep, e);
	}
	if (is(s, "user") && (del || turns(ch, "enable", "0"))) {
		struct objrisk_ident a = { s->id, NULL, del, self->user,
		    self->token };

		return objrisk_ident_off(c, r, &a, rep, e);
	}
	if (is(s, "storage") && (del || turns(ch, "disable", "1"))) {
		struct objrisk_storage a = { s->id, del ?
		    OBJRISK_STORAGE_DELETE : OBJRISK_STORAGE_DISABLE, NULL,
		    NULL };

		return objrisk_storage(c, r, &a, rep, e);
	}
	if (is(s, "storage") && ch->op == ST_UPDATE) {
		struct buf changed = { 0 }, content = { 0 };
		int rc = 0;

		storage_changed(ch, &changed);
		st_joined(ch->want, "content", &content);
		if (changed.len) {
			struct objrisk_storage a = { s->id,
			    OBJRISK_STORAGE_SET, changed.p, content.len ?
			    content.p : NULL };

			rc = objrisk_storage(c, r, &a, rep, e);
		}
		buf_free(&changed);
		buf_free(&content);
		return rc;
	}
	if (is(s, "backup-job") && (del || turns(ch, "enabled", "0"))) {
		struct objrisk_backupjob a = { s->id, !del };

		return objrisk_backupjob_remove(c, r, &a, rep, e);
	}
	if (is(s, "replication") && del) {
		struct objrisk_repl a = { s->id, 0, 0 };

		return objrisk_repl_delete(c, r, &a, rep, e);
	}
	if (is(s, "ha resource") && del) {
		struct objrisk_ha a = { s->id, NULL };

		return objrisk_ha_remove(c, r, &a, rep, e);
	}
	if (is(s, "ha resource") && ch->op == ST_UPDATE &&
	    st_key_differs(ch->want, ch->have, "state")) {
		const char *st = want_of(ch, "state");
		struct objrisk_ha a = { s->id, st ? st : "started" };

		return objrisk_ha_state(c, r, &a, rep, e);
	}
	if (strncmp(s->kind->name, "notification ", 13) == 0 && del)
		return (is(s, "notification matcher") ?
		    objrisk_notify_matcher_delete :
		    objrisk_notify_endpoint_delete)(c, r, (void *)s->id, rep,
		    e);
	if (is(s, "cluster options") && ch->op == ST_UPDATE &&
	    st_key_differs(ch->want, ch->have, "migration")) {
		const char *m = want_of(ch, "migration");
		struct objrisk_options a = { m, m == NULL };

		return objrisk_cluster_options(c, r, &a, rep, e);
	}
	return 0;
}

int
st_assess(struct px_client *c, const struct gate_req *r,
    const struct st_change *ch, int n, const struct st_self *self,
    struct risk_report *rep, struct px_err *e)
{
	for (int i = 0; i < n; i++)
		if (one(c, r, &ch[i], self, rep, e) != 0)
			return -1;
	return 0;
}
