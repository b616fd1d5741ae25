/*
 * unlink -- detach disks from a VM (PUT .../qemu/{vmid}/unlink
 * idlist=...): each volume becomes an unusedN entry of the config; with
 * --force, or for an unusedN, PVE destroys the volume instead.  Through
 * the gate: the action is "unlink", or "unlink-destroy" when a volume is
 * destroyed, a Severe pre-flight finding (DestroysVolume) refused
 * without --allow-risk.  Always asks first (-y otherwise).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_FORCE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ O_FORCE, "force", NULL, "destroy the volumes, not only detach "
	    "them" },
	PX_OPT_END
};

PX_COMMAND(unlink, "detach a VM's disks, or destroy them with --force",
    opts, NULL, "vmid disk ...");

/* A disk key PVE's unlink takes: ide, sata, scsi, virtio, efidisk,
 * tpmstate or unused, then a number. */
static int
disk_key(const char *k)
{
	static const char *const bus[] = { "ide", "sata", "scsi", "virtio",
	    "efidisk", "tpmstate", "unused", NULL };

	for (int i = 0; bus[i]; i++) {
		size_t n = strlen(bus[i]);

		if (strncmp(k, bus[i], n) == 0 && k[n] != '\0' &&
		    strspn(k + n, "0123456789") == strlen(k + n) &&
		    strlen(k + n) <= 2)
			return 1;
	}
	return 0;
}

int
unlink_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct pve_kv *kv = NULL;
	struct gate_req r;
	struct gate_target *t;
	struct buf ids = { 0 }, vols = { 0 };
	int ch, vmid, rc, force = 0, destroy, nkv = 0;

	mutcli_init(&m, &px_cmd_unlink);
	px_getopt_init(&go, &px_cmd_unlink, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		if (ch == O_FORCE)
			force = 1;
		else
			px_usage(&px_cmd_unlink);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc < 2)
		px_usage(&px_cmd_unlink);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	destroy = force;
	for (int i = 1; i < argc; i++) {
		if (!disk_key(argv[i])) {
			char shown[48];
			size_t k;

			for (k = 0; argv[i][k] && k < sizeof(shown) - 1; k++)
				shown[k] = isprint((unsigned char)argv[i][k]) ?
				    argv[i][k] : '?';
			shown[k] = '\0';
			px_errx(PX_EXIT_USAGE, "'%s' is not a disk of a VM "
			    "(scsi0, virtio1, sata2, ide0, efidisk0, "
			    "tpmstate0, unused3)", shown);
		}
		for (int k = 1; k < i; k++)
			if (strcmp(argv[k], argv[i]) == 0)
				px_errx(PX_EXIT_USAGE, "disk %s given twice",
				    argv[i]);
		if (strncmp(argv[i], "unused", 6) == 0)
			destroy = 1;
		buf_printf(&ids, "%s%s", i > 1 ? "," : "", argv[i]);
	}

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: unlink is for VMs (a "
		    "container's mount points: px set %d --delete mpN)", vmid,
		    vmid);
	if (pve_guest_config(m.x.client, &g, &kv, &nkv, &e) != 0)
		px_die(&e);
	for (int i = 1; i < argc; i++) {
		const char *v = pve_kv_get(kv, nkv, argv[i]);
		char vol[160];

		if (v == NULL) {
			px_fail(&e, PXE_NOT_FOUND, "VM %d has no disk %s", vmid,
			    argv[i]);
			px_hint(&e, "px config %d lists its disks", vmid);
			px_die(&e);
		}
		snprintf(vol, sizeof(vol), "%.*s", (int)strcspn(v, ","), v);
		text_sanitize(vol);
		buf_printf(&vols, "%s%s=%s", i > 1 ? ", " : "", argv[i], vol);
	}
	gate_req_init(&r, destroy ? "unlink-destroy" : "unlink", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &g);
	t->call.method = "PUT";
	pve_guest_path(&t->call.path, g.node, g.type, g.vmid);
	buf_adds(&t->call.path, "/unlink");
	form_add(&t->call.form, "idlist", ids.p);
	if (force)
		form_add(&t->call.form, "force", "1");
	snprintf(t->summary, sizeof(t->summary), "%s %.250s of VM %d (%.60s) "
	    "on %.60s", destroy ? "destroy" : "detach", vols.p, vmid,
	    g.name[0] ? g.name : "no name", g.node);
	gate_req_summarize(&r, destroy ? "unlink-destroy" : "unlink");
	r.destructive = 1;
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
	pve_kv_free(kv, nkv);
	buf_free(&ids);
	buf_free(&vols);
	mutcli_free(&m);
	return rc;
}
