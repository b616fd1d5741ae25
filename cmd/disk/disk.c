/*
 * disk -- move a guest's disk to another storage (qemu: POST move_disk
 * with disk; lxc: POST move_volume with volume) or grow it (PUT resize),
 * through the gate (lib/gate.h), following the task.
 *
 * Before any request the guest's config is read: the disk must be in it,
 * and a resize to an absolute size below the current one is refused here,
 * since PVE cannot shrink a disk.  The config's digest goes with the
 * resize, so that a concurrent change of the config is refused by PVE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_DELETE_SOURCE = PX_O_LONG, O_DISK, O_SIZE, O_STORAGE };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_DELETE_SOURCE, "delete-source", NULL,
	    "move: delete the disk on the old storage" },
	{ O_DISK, "disk", "disk", "the disk: scsi0, virtio1, rootfs, mp0 ..." },
	{ O_SIZE, "size", "[+]size", "resize: the new size, or +N more" },
	{ O_STORAGE, "storage", "storage", "move: the storage to move it to" },
	PX_OPT_END
};

PX_COMMAND(disk, "move a guest's disk to another storage, or grow it",
    opts, "move | resize", "--disk disk vmid");

static void
human(char *buf, size_t n, uint64_t bytes)
{
	out_fmt_bytes(buf, n, bytes);
}

int
disk_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct gate_target *t;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct pve_kv *kv = NULL;
	struct gate_req r;
	struct buf path = { 0 };
	const char *sub, *disk = NULL, *size = NULL, *storage = NULL, *cur;
	char digest[64] = "", a[32], b[32];
	uint64_t have = 0, want = 0;
	int ch, vmid, nkv = 0, move, del_source = 0, rel = 0, lxc, rc;

	mutcli_init(&m, &px_cmd_disk);
	px_getopt_init(&go, &px_cmd_disk, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_DELETE_SOURCE:
			del_source = 1;
			break;
		case O_DISK:
			disk = go.arg;
			break;
		case O_SIZE:
			size = go.arg;
			break;
		case O_STORAGE:
			storage = go.arg;
			break;
		default:
			px_usage(&px_cmd_disk);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 2)
		px_usage(&px_cmd_disk);
	sub = argv[0];
	move = strcmp(sub, "move") == 0;
	if (!move && strcmp(sub, "resize") != 0)
		px_usage(&px_cmd_disk);
	/* each option belongs to one of the two */
	if (disk == NULL || (move && (storage == NULL || size != NULL)) ||
	    (!move && (size == NULL || storage != NULL || del_source)))
		px_usage(&px_cmd_disk);
	argc--;
	argv++;
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (!pve_valid_key(disk))
		px_errx(PX_EXIT_USAGE, "'%s' is not a disk name (scsi0, "
		    "virtio1, rootfs, mp0 ...)", disk);
	if (size != NULL) {
		if (size[0] == '-')
			px_errx(PX_EXIT_USAGE, "--size %s: PVE cannot shrink "
			    "a disk; sizes only grow", size);
		if (pve_parse_disk_size(size, 1, &rel, &want) != 0)
			px_errx(PX_EXIT_USAGE, "--size: +N or N with an "
			    "optional unit K, M, G or T, not '%s'", size);
	}

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	lxc = strcmp(g.type, "lxc") == 0;
	pve_guest_path(&path, g.node, g.type, g.vmid);
	if (pve_guest_config(m.x.client, &g, &kv, &nkv, &e) != 0)
		px_die(&e);
	if ((cur = pve_kv_get(kv, nkv, "digest")) != NULL)
		snprintf(digest, sizeof(digest), "%s", cur);
	if ((cur = pve_kv_get(kv, nkv, disk)) == NULL) {
		px_fail(&e, PXE_NOT_FOUND, "%s %d has no disk %s",
		    lxc ? "CT" : "VM", vmid, disk);
		px_hint(&e, "px config %d shows its disks", vmid);
		px_die(&e);
	}
	if (move && pve_storage_check(m.x.client, storage, g.node,
	    lxc ? "rootdir" : "images", &e) != 0)
		px_die(&e);
	if (!move && pve_disk_size(cur, &have) == 0 && !rel && want < have) {
		human(a, sizeof(a), have);
		human(b, sizeof(b), want);
		px_errx(PX_EXIT_USAGE, "%s of %s %d is %s: %s would shrink "
		    "it, and PVE cannot shrink a disk", disk, lxc ? "CT" :
		    "VM", vmid, a, b);
	}

	gate_req_init(&r, move ? "move-disk" : "resize", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &g);
	buf_adds(&t->call.path, path.p);
	if (move) {
		struct buf form = { 0 };

		buf_adds(&t->call.path, lxc ? "/move_volume" : "/move_disk");
		form_add(&form, lxc ? "volume" : "disk", disk);
		form_add(&form, "storage", storage);
		if (del_source)
			form_add(&form, "delete", "1");
		t->call.form = form;
		snprintf(t->summary, sizeof(t->summary), "move disk %s of %s %d "
		    "(%s) on %s to storage %s%s", disk, lxc ? "CT" : "VM",
		    vmid, g.name[0] ? g.name : "no name", g.node, storage,
		    del_source ? ", deleting the source" : "");
		t->call.method = "POST";
	} else {
		struct buf form = { 0 };

		buf_adds(&t->call.path, "/resize");
		form_add(&form, "disk", disk);
		form_add(&form, "size", size);
		if (digest[0])
			form_add(&form, "digest", digest);
		human(a, sizeof(a), have);
		if (rel)
			human(b, sizeof(b), have + want);
		else
			human(b, sizeof(b), want);
		t->call.form = form;
		snprintf(t->summary, sizeof(t->summary), "resize disk %s of %s %d "
		    "(%s) on %s from %s to %s", disk, lxc ? "CT" : "VM", vmid,
		    g.name[0] ? g.name : "no name", g.node, a, b);
		t->call.method = "PUT";
	}
	r.destructive = del_source;
	gate_req_summarize(&r, r.action);
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
	pve_kv_free(kv, nkv);
	buf_free(&path);
	mutcli_free(&m);
	return rc;
}
