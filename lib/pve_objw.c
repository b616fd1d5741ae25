/* pve_objw.c -- writers of pools' members and ACL entries (pve_objw.h). */
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "pve_objw.h"

int
objw_pool_legacy(const char *release)
{
	int maj = 0, min = 0;

	if (release == NULL || sscanf(release, "%d.%d", &maj, &min) < 1)
		return 0;	/* unknown: today's form */
	return maj < 8 || (maj == 8 && min < 1);
}

void
objw_pool_path(struct buf *p, const char *pool, int legacy)
{
	buf_adds(p, legacy ? "/pools/" : "/pools?poolid=");
	url_seg(p, pool);
}

void
objw_pool_members(struct gate_target *t, const char *pool, const char *vms,
    const char *storages, int remove, int allow_move, int legacy)
{
	t->call.method = "PUT";
	objw_pool_path(&t->call.path, pool, legacy);
	if (vms && vms[0])
		form_add(&t->call.form, "vms", vms);
	if (storages && storages[0])
		form_add(&t->call.form, "storage", storages);
	if (remove)
		form_add(&t->call.form, "delete", "1");
	else if (allow_move && vms && vms[0])
		form_add(&t->call.form, "allow-move", "1");
}

void
objw_acl(struct gate_target *t, const char *path, const char *roles,
    const char *users, const char *groups, const char *tokens,
    int propagate, int remove)
{
	t->call.method = "PUT";
	buf_adds(&t->call.path, "/access/acl");
	form_add(&t->call.form, "path", path);
	form_add(&t->call.form, "roles", roles);
	if (users && users[0])
		form_add(&t->call.form, "users", users);
	if (groups && groups[0])
		form_add(&t->call.form, "groups", groups);
	if (tokens && tokens[0])
		form_add(&t->call.form, "tokens", tokens);
	if (remove)
		form_add(&t->call.form, "delete", "1");
	else if (propagate >= 0)
		form_add(&t->call.form, "propagate", propagate ? "1" : "0");
}

void
objw_ha_sid(char *out, size_t n, const char *type, int vmid)
{
	snprintf(out, n, "%s:%d", strcmp(type, "lxc") == 0 ? "ct" : "vm",
	    vmid);
}

static void
ha_target(struct gate_target *t, const char *sid)
{
	snprintf(t->id, sizeof(t->id), "ha-resource/%.80s", sid);
	buf_adds(&t->call.path, "/cluster/ha/resources/");
	url_seg(&t->call.path, sid);
}

void
objw_ha_state(struct gate_target *t, const char *sid, const char *state,
    const char *digest)
{
	ha_target(t, sid);
	t->call.method = "PUT";
	form_add(&t->call.form, "state", state);
	if (digest && digest[0])
		form_add(&t->call.form, "digest", digest);
	snprintf(t->summary, sizeof(t->summary), "set HA state of %s to %s",
	    sid, state);
}

void
objw_ha_move(struct gate_target *t, const char *sid, const char *node,
    int relocate)
{
	ha_target(t, sid);
	t->call.method = "POST";
	buf_adds(&t->call.path, relocate ? "/relocate" : "/migrate");
	form_add(&t->call.form, "node", node);
	snprintf(t->summary, sizeof(t->summary), "%s %s to %s", relocate ?
	    "relocate" : "migrate", sid, node);
}
