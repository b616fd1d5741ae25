/* pve_storage_type.c -- which storage type takes which parameter, the
 * required ones, content types; and which guest config values use a
 * storage (pve_objrisk_storage.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pve_objrisk_storage.h"
#include "pve_storage_type.h"
#include "tap.h"

int
main(void)
{
	const char *types[] = { "dir", "nfs", "cifs", "lvm", "lvmthin",
		"zfspool", "rbd", "cephfs", "pbs", "iscsi" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ok(pve_storage_type_known(types[i]), "%s is known", types[i]);
		is_int(pve_storage_param(types[i], "nodes"), PVE_SPARAM_YES,
		    "%s takes nodes", types[i]);
		is_int(pve_storage_param(types[i], "content"), PVE_SPARAM_YES,
		    "%s takes content", types[i]);
	}
	ok(!pve_storage_type_known("btrfs"), "btrfs is not modelled");
	is_int(pve_storage_param("btrfs", "path"), -1, "unknown type: -1");
	is_int(pve_storage_param("nfs", "vgname"), PVE_SPARAM_NO,
	    "nfs takes no vgname");
	is_int(pve_storage_param("nfs", "export"), PVE_SPARAM_REQUIRED,
	    "nfs requires export");
	is_int(pve_storage_param("nfs", "path"), PVE_SPARAM_FIXED,
	    "nfs: path is fixed");
	is_int(pve_storage_param("nfs", "pat"), PVE_SPARAM_NO,
	    "a prefix of a name is not the name");
	is_int(pve_storage_param("rbd", "pool"), PVE_SPARAM_YES,
	    "rbd: pool can change");
	is_int(pve_storage_param("zfspool", "pool"), PVE_SPARAM_REQUIRED,
	    "zfspool requires pool");
	is_int(pve_storage_param("pbs", "password"), PVE_SPARAM_YES,
	    "pbs takes a password");
	is_int(pve_storage_param("dir", "password"), PVE_SPARAM_NO,
	    "dir takes none");
	ok(pve_storage_param_any("vgname"), "vgname is some type's");
	ok(!pve_storage_param_any("bogus"), "bogus is nobody's");
	is_str(pve_storage_required("lvmthin", 0), "vgname",
	    "lvmthin: first required");
	is_str(pve_storage_required("lvmthin", 1), "thinpool",
	    "lvmthin: second required");
	is_str(pve_storage_required("lvmthin", 2), NULL, "lvmthin: no third");
	is_str(pve_storage_required("rbd", 0), NULL, "rbd: none required");
	ok(pve_storage_content_ok("rootdir"), "rootdir is content");
	ok(!pve_storage_content_ok("floppy"), "floppy is not");
	ok(pve_storage_type_content("pbs", "backup"), "pbs holds backups");
	ok(!pve_storage_type_content("pbs", "images"), "pbs holds no images");
	ok(pve_storage_type_content("iscsi", "none"), "iscsi: none");

	is_str(objrisk_storage_use("qemu", "scsi0",
	    "local-lvm:vm-100-disk-0,size=32G", "local-lvm"), "images",
	    "a VM disk: images");
	is_str(objrisk_storage_use("qemu", "ide2",
	    "local:iso/debian.iso,media=cdrom", "local"), "iso",
	    "a CD: iso");
	is_str(objrisk_storage_use("lxc", "rootfs",
	    "local-lvm:subvol-101-disk-0,size=8G", "local-lvm"), "rootdir",
	    "a container's root: rootdir");
	is_str(objrisk_storage_use("lxc", "mp0",
	    "ceph:vm-101-disk-1,mp=/srv", "ceph"), "rootdir",
	    "a mount point: rootdir");
	is_str(objrisk_storage_use("qemu", "scsi0",
	    "local-lvm2:vm-100-disk-0", "local-lvm"), NULL,
	    "another storage with the same prefix: no");
	is_str(objrisk_storage_use("qemu", "name", "local-lvm:x",
	    "local-lvm"), NULL, "not a volume key: no");
	is_str(objrisk_storage_use("qemu", "scsihw", "local:x", "local"),
	    NULL, "scsihw is not a disk");
	return done_testing();
}
