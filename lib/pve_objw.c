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

static void
add_form(struct gate_target *t, const char *form)
{
	if (form == NULL || form[0] == '\0')
		return;
	if (t->call.form.len)
		buf_addc(&t->call.form, '&');
	buf_adds(&t->call.form, form);
}

void
objw_ha_resource(struct gate_target *t, const char *verb, const char *sid,
    const char *form)
{
	buf_adds(&t->call.path, "/cluster/ha/resources");
	if (strcmp(verb, "add") == 0) {
		t->call.method = "POST";
		form_add(&t->call.form, "sid", sid);
	} else {
		t->call.method = strcmp(verb, "remove") == 0 ? "DELETE" : "PUT";
		buf_addc(&t->call.path, '/');
		url_seg(&t->call.path, sid);
	}
	add_form(t, form);
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

void
objw_fw_rule(struct gate_target *t, const char *base, int pos,
    const char *method, const char *form)
{
	buf_printf(&t->call.path, "%s/rules", base);
	if (pos < 0) {
		t->call.method = "POST";
	} else {
		t->call.method = method;
		buf_printf(&t->call.path, "/%d", pos);
	}
	add_form(t, form);
}

void
objw_ipset_member(struct gate_target *t, const char *base, const char *name,
    const char *cidr, int remove, const char *form)
{
	buf_printf(&t->call.path, "%s/ipset/", base);
	url_seg(&t->call.path, name);
	if (remove) {
		t->call.method = "DELETE";
		buf_addc(&t->call.path, '/');
		url_seg(&t->call.path, cidr);
	} else {
		t->call.method = "POST";
		form_add(&t->call.form, "cidr", cidr);
	}
	add_form(t, form);
}
