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
#include "mutate2.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(disk, "move a guest's disk to another storage, or grow it",
    "usage: px disk move [-Hjnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--delete-source] [--no-wait] [--timeout seconds] "
    "--disk disk --storage storage vmid\n"
    "       px disk resize [-Hjnvy] [-c columns] [-f format] "
    "[-p profile] [--allow-risk] [--no-wait] [--timeout seconds] "
    "--disk disk --size [+]size vmid\n");

static void
human(char *buf, size_t n, uint64_t bytes)
{
	out_fmt_bytes(buf, n, bytes);
}

int
disk_main(int argc, char **argv)
{
	enum { O_DELETE_SOURCE = 256, O_DISK, O_SIZE, O_STORAGE };
	static const struct option longopts[] = {
		MUT_LONG_GATE,
		MUT_LONG_WAIT,
		{ "delete-source", no_argument, NULL, O_DELETE_SOURCE },
		{ "disk", required_argument, NULL, O_DISK },
		{ "help", no_argument, NULL, 'h' },
		{ "size", required_argument, NULL, O_SIZE },
		{ "storage", required_argument, NULL, O_STORAGE },
		{ NULL, 0, NULL, 0 }
	};
	struct mut m;
	struct mut_row row;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct px_reply cr;
	struct pve_kv *kv = NULL;
	struct gate_req r = { 0 };
	struct buf path = { 0 }, form = { 0 };
	const char *sub, *disk = NULL, *size = NULL, *storage = NULL, *cur;
	char summary[512], target[32], digest[64] = "", a[32], b[32];
	uint64_t have = 0, want = 0;
	int ch, vmid, nkv = 0, move, del_source = 0, rel = 0, lxc, rc;

	if (argc < 2)
		px_usage(&px_cmd_disk);
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0)
		px_help_exit(&px_cmd_disk);
	move = strcmp(sub, "move") == 0;
	if (!move && strcmp(sub, "resize") != 0)
		px_usage(&px_cmd_disk);
	argv[1] = argv[0];
	argc--;
	argv++;

	mut_init(&m);
	while ((ch = getopt_long(argc, argv, MUT_SHORT "h", longopts,
	    NULL)) != -1) {
		if (mut_opt(&m, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_disk);
		case O_DELETE_SOURCE:
			if (!move)
				px_usage(&px_cmd_disk);
			del_source = 1;
			break;
		case O_DISK:
			disk = optarg;
			break;
		case O_SIZE:
			if (move)
				px_usage(&px_cmd_disk);
			size = optarg;
			break;
		case O_STORAGE:
			if (!move)
				px_usage(&px_cmd_disk);
			storage = optarg;
			break;
		default:
			px_usage(&px_cmd_disk);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || disk == NULL || (move && storage == NULL) ||
	    (!move && size == NULL))
		px_usage(&px_cmd_disk);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (!mut_valid_key(disk))
		px_errx(PX_EXIT_USAGE, "'%s' is not a disk name (scsi0, "
		    "virtio1, rootfs, mp0 ...)", disk);
	if (size != NULL) {
		if (size[0] == '-')
			px_errx(PX_EXIT_USAGE, "--size %s: PVE cannot shrink "
			    "a disk; sizes only grow", size);
		if (mut_parse_size(size, 1, &rel, &want) != 0)
			px_errx(PX_EXIT_USAGE, "--size: +N or N with an "
			    "optional unit K, M, G or T, not '%s'", size);
	}

	if (cli_connect(&m.x, &e) != 0 ||
	    pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	lxc = strcmp(g.type, "lxc") == 0;
	pve_guest_path(&path, g.node, g.type, g.vmid);
	if (pve_get(m.x.client, &cr, &e, "%s/config", path.p) != 0 ||
	    pve_kv_parse(&cr.j, cr.data, &kv, &nkv, &e) != 0)
		px_die(&e);
	if ((cur = pve_kv_get(kv, nkv, "digest")) != NULL)
		snprintf(digest, sizeof(digest), "%s", cur);
	if ((cur = pve_kv_get(kv, nkv, disk)) == NULL) {
		px_fail(&e, PXE_NOT_FOUND, "%s %d has no disk %s",
		    lxc ? "CT" : "VM", vmid, disk);
		px_hint(&e, "px config %d shows its disks", vmid);
		px_die(&e);
	}
	if (move && mut_storage_check(m.x.client, storage, g.node,
	    lxc ? "rootdir" : "images", &e) != 0)
		px_die(&e);
	if (!move && mut_disk_size(cur, &have) == 0 && !rel && want < have) {
		human(a, sizeof(a), have);
		human(b, sizeof(b), want);
		px_errx(PX_EXIT_USAGE, "%s of %s %d is %s: %s would shrink "
		    "it, and PVE cannot shrink a disk", disk, lxc ? "CT" :
		    "VM", vmid, a, b);
	}

	if (move) {
		buf_adds(&path, lxc ? "/move_volume" : "/move_disk");
		form_add(&form, lxc ? "volume" : "disk", disk);
		form_add(&form, "storage", storage);
		if (del_source)
			form_add(&form, "delete", "1");
		snprintf(summary, sizeof(summary), "move disk %s of %s %d "
		    "(%s) on %s to storage %s%s", disk, lxc ? "CT" : "VM",
		    vmid, g.name[0] ? g.name : "no name", g.node, storage,
		    del_source ? ", deleting the source" : "");
		r.method = "POST";
	} else {
		buf_adds(&path, "/resize");
		form_add(&form, "disk", disk);
		form_add(&form, "size", size);
		if (digest[0])
			form_add(&form, "digest", digest);
		human(a, sizeof(a), have);
		if (rel)
			human(b, sizeof(b), have + want);
		else
			human(b, sizeof(b), want);
		snprintf(summary, sizeof(summary), "resize disk %s of %s %d "
		    "(%s) on %s from %s to %s", disk, lxc ? "CT" : "VM", vmid,
		    g.name[0] ? g.name : "no name", g.node, a, b);
		r.method = "PUT";
	}
	snprintf(target, sizeof(target), "%s/%d", lxc ? "ct" : "vm", vmid);
	r.action = move ? "move-disk" : "resize";
	r.guest = &g;
	r.target = target;
	r.path = path.p;
	r.form = form.p;
	r.summary = summary;
	r.destructive = del_source;

	mut_row_init(&row, r.action, &g);
	if (mut_one(&m, &r, &row, &e) != 0) {
		snprintf(row.message, sizeof(row.message), "%s", e.msg);
		px_report(&e);
		mut_print(&m, &row, 1);
		rc = px_exit_code(&e);
	} else {
		rc = mut_print(&m, &row, 1);
	}
	pve_kv_free(kv, nkv);
	px_reply_free(&cr);
	buf_free(&path);
	buf_free(&form);
	mut_free(&m);
	return rc;
}
