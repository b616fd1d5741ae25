/* guest_op.c -- the requests of operations on one guest (guest_op.h). */
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "guest_op.h"
#include "mutation.h"
#include "pve_check.h"
#include "pve_guest.h"
#include "pve_migrate.h"

/* The guest, and the start of the request's path: .../qemu/100 */
static void
start(struct gate_target *t, const struct pve_guest *g, const char *method,
    char *name, size_t n)
{
	gate_target_guest(t, g);
	t->call.method = method;
	pve_guest_path(&t->call.path, g->node, g->type, g->vmid);
	pve_guest_label(g, name, n);
}

int
guest_op_power(struct gate_target *t, const struct pve_guest *g,
    const char *action, int force_stop, long timeout)
{
	char name[192];

	start(t, g, "POST", name, sizeof(name));
	buf_printf(&t->call.path, "/status/%s", action);
	if (strcmp(action, "shutdown") == 0) {
		if (force_stop)
			form_add(&t->call.form, "forceStop", "1");
		if (timeout >= 0)
			form_addf(&t->call.form, "timeout", "%ld", timeout);
	}
	snprintf(t->summary, sizeof(t->summary), "%s %s on %s", action, name,
	    g->node);
	return strcmp(action, "stop") == 0;
}

void
guest_op_delete(struct gate_target *t, const struct pve_guest *g, int purge,
    int unreferenced)
{
	char name[192];

	start(t, g, "DELETE", name, sizeof(name));
	if (purge)
		form_add(&t->call.form, "purge", "1");
	if (unreferenced)
		form_add(&t->call.form, "destroy-unreferenced-disks", "1");
	t->recheck = mutation_recheck_stopped;
	snprintf(t->summary, sizeof(t->summary), "delete %s on %s%s", name,
	    g->node, purge ? " and purge it from jobs and HA" : "");
}

void
guest_op_config(struct gate_target *t, const struct pve_guest *g,
    struct buf *form, const char *del, const char *revert,
    const char *digest, const char *keys)
{
	char name[192];

	start(t, g, "PUT", name, sizeof(name));
	buf_adds(&t->call.path, "/config");
	t->call.form = *form;
	memset(form, 0, sizeof(*form));
	if (del && *del)
		form_add(&t->call.form, "delete", del);
	if (revert && *revert)
		form_add(&t->call.form, "revert", revert);
	if (digest)
		form_add(&t->call.form, "digest", digest);
	snprintf(t->summary, sizeof(t->summary), "set %s of %s on %s", keys,
	    name, g->node);
}

int
guest_op_migrate(struct px_client *c, struct gate_target *t,
    const struct pve_guest *g, const char *target, int online,
    int local_disks, const char *storage, struct px_err *e)
{
	int lxc = strcmp(g->type, "lxc") == 0, running = 0;
	char name[192];

	start(t, g, "POST", name, sizeof(name));
	if (pve_migrate_check(c, g, target, online, local_disks, &running,
	    e) != 0)
		return -1;
	buf_adds(&t->call.path, "/migrate");
	form_add(&t->call.form, "target", target);
	if (online && lxc && running)
		form_add(&t->call.form, "restart", "1");	/* no live CTs */
	else if (online && !lxc)
		form_add(&t->call.form, "online", "1");
	if (local_disks && !lxc)
		form_add(&t->call.form, "with-local-disks", "1");
	if (storage)
		form_add(&t->call.form, lxc ? "target-storage" :
		    "targetstorage", storage);
	snprintf(t->summary, sizeof(t->summary), "migrate %s from %s to %s%s",
	    name, g->node, target, online && running ? (lxc ? " (restart)" :
	    " (online)") : "");
	return 0;
}

void
guest_op_snapshot(struct gate_target *t, const struct pve_guest *g,
    const char *snap, const char *description, int vmstate)
{
	char name[192];

	start(t, g, "POST", name, sizeof(name));
	buf_adds(&t->call.path, "/snapshot");
	form_add(&t->call.form, "snapname", snap);
	if (description)
		form_add(&t->call.form, "description", description);
	if (vmstate)
		form_add(&t->call.form, "vmstate", "1");
	snprintf(t->summary, sizeof(t->summary), "snapshot %s on %s as '%s'%s",
	    name, g->node, snap, vmstate ? " with its RAM" : "");
}

void
guest_op_snapshot_delete(struct gate_target *t, const struct pve_guest *g,
    const char *snap)
{
	char name[192];

	start(t, g, "DELETE", name, sizeof(name));
	buf_adds(&t->call.path, "/snapshot/");
	url_seg(&t->call.path, snap);
	snprintf(t->summary, sizeof(t->summary), "delete snapshot '%s' of %s "
	    "on %s", snap, name, g->node);
}

void
guest_op_rollback(struct gate_target *t, const struct pve_guest *g,
    const char *snap, int start_after)
{
	char name[192];

	start(t, g, "POST", name, sizeof(name));
	buf_adds(&t->call.path, "/snapshot/");
	url_seg(&t->call.path, snap);
	buf_adds(&t->call.path, "/rollback");
	if (start_after)
		form_add(&t->call.form, "start", "1");
	snprintf(t->summary, sizeof(t->summary), "roll %s on %s back to "
	    "snapshot '%s' (changes since are lost)", name, g->node, snap);
}

void
guest_op_vzdump(struct gate_target *t, const char *node, const char *vmids,
    const char *who, const struct guest_op_backup *o)
{
	t->call.method = "POST";
	buf_adds(&t->call.path, "/nodes/");
	url_seg(&t->call.path, node);
	buf_adds(&t->call.path, "/vzdump");
	form_add(&t->call.form, "vmid", vmids);
	form_add(&t->call.form, "storage", o->storage);
	if (o->mode)
		form_add(&t->call.form, "mode", o->mode);
	if (o->compress)
		form_add(&t->call.form, "compress", o->compress);
	if (o->notes)
		form_add(&t->call.form, "notes-template", o->notes);
	snprintf(t->summary, sizeof(t->summary), "back up %s on %s to %s",
	    who, node, o->storage);
}

void
guest_op_exec(struct gate_target *t, const struct pve_guest *g,
    const char *const *argv, int n)
{
	struct buf shown = { 0 };

	gate_target_guest(t, g);
	t->call.method = "POST";
	pve_guest_path(&t->call.path, g->node, g->type, g->vmid);
	buf_adds(&t->call.path, "/agent/exec");
	for (int i = 0; i < n; i++) {
		form_add(&t->call.form, "command", argv[i]);
		buf_printf(&shown, "%s%s", i ? " " : "", argv[i]);
	}
	snprintf(t->summary, sizeof(t->summary), "run '%.200s' in VM %d (%s) "
	    "on %s", shown.p ? shown.p : "", g->vmid, g->name[0] ? g->name :
	    "no name", g->node);
	buf_free(&shown);
}
