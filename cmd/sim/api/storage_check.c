/*
 * storage_check.c -- PVE's checks of /storage's create and update
 * (storage_check.h).
 *
 * PVE checks a request against the schema first (400 with an errors
 * object: an unknown property, a bad boolean or enumeration value); the
 * schema is the union of all plugins' properties, so the plugin's own
 * check_config comes next and dies (500) with "unexpected property",
 * "can't change value of fixed parameter" or "missing value for
 * required option" -- inside the cfs lock on update, so that message
 * carries the lock's prefix.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "pve_storage_type.h"
#include "storage_check.h"

/* POST /storage and PUT /storage/{storage}, from PVE's apidoc, plus
 * PVE 7's maxfiles (removed in 8): pxsim models clusters that still
 * keep it, for px upgradecheck. */
static const char create_spec[] = "authsupported:s base:s blocksize:s "
    "bwlimit:s comstar_hg:s comstar_tg:s content:s content-dirs:s "
    "create-base-path:b create-subdirs:b data-pool:s datastore:s "
    "disable:b domain:s encryption-key:s export:s fingerprint:s "
    "format:e(raw|qcow2|subvol|vmdk) fs-name:s fuse:b is_mountpoint:s "
    "iscsiprovider:s keyring:s krbd:b lio_tpg:s master-pubkey:s "
    "max-protected-backups:i mkdir:b monhost:s mountpoint:s namespace:s "
    "nocow:b nodes:s nowritecache:b options:s password:s path:s pool:s "
    "port:i portal:s preallocation:e(off|metadata|falloc|full) "
    "prune-backups:s saferemove:b saferemove-stepsize:e(1|2|4|8|16|32) "
    "saferemove_throughput:s server:s share:s shared:b "
    "skip-cert-verification:b smbversion:e(default|2.0|2.1|3|3.0|3.11) "
    "snapshot-as-volume-chain:b sparse:b storage:s:r subdir:s "
    "maxfiles:i tagged_only:b target:s thinpool:s "
    "type:e(btrfs|cephfs|cifs|dir|esxi|iscsi|iscsidirect|lvm|lvmthin|"
    "nfs|pbs|rbd|zfs|zfspool):r username:s "
    "vgname:s zfs-base-path:s";
static const char update_spec[] = "blocksize:s bwlimit:s comstar_hg:s "
    "comstar_tg:s content:s content-dirs:s create-base-path:b "
    "create-subdirs:b data-pool:s digest:s disable:b domain:s "
    "encryption-key:s fingerprint:s format:e(raw|qcow2|subvol|vmdk) "
    "fs-name:s fuse:b is_mountpoint:s keyring:s krbd:b lio_tpg:s "
    "master-pubkey:s maxfiles:i max-protected-backups:i mkdir:b monhost:s "
    "mountpoint:s namespace:s nocow:b nodes:s nowritecache:b options:s "
    "password:s pool:s port:i preallocation:e(off|metadata|falloc|full) "
    "prune-backups:s saferemove:b saferemove-stepsize:e(1|2|4|8|16|32) "
    "saferemove_throughput:s server:s shared:b skip-cert-verification:b "
    "smbversion:e(default|2.0|2.1|3|3.0|3.11) snapshot-as-volume-chain:b "
    "sparse:b subdir:s tagged_only:b username:s zfs-base-path:s";

#define LOCKED "update storage failed: error with cfs lock " \
	"'file-storage_cfg': "

int
sim_storage_check(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const char *type, int create)
{
	const char *pre = create ? "" : LOCKED;

	(void)s;
	if (ext_check(create ? create_spec : update_spec, rq, rs, create,
	    create ? NULL : "storage delete") != 0)
		return -1;
	if (!pve_storage_type_known(type))
		return 0;	/* btrfs, zfs, esxi ...: not modelled */
	for (size_t i = 0; i < rq->params.n; i++) {
		const char *k = rq->params.v[i].key;
		int how;

		if (!strcmp(k, "storage") || !strcmp(k, "type") ||
		    !strcmp(k, "digest") || !strcmp(k, "delete") ||
		    !strcmp(k, "maxfiles"))
			continue;
		how = pve_storage_param(type, k);
		if (how == PVE_SPARAM_NO) {
			sim_error(rs, 500, "%sunexpected property '%s'", pre,
			    k);
			return -1;
		}
		if (!create && how != PVE_SPARAM_YES) {
			sim_error(rs, 500, "%scan't change value of fixed "
			    "parameter '%s'", pre, k);
			return -1;
		}
	}
	if (!create)
		return 0;
	for (int i = 0; pve_storage_required(type, i) != NULL; i++) {
		const char *k = pve_storage_required(type, i);

		if (sim_param(rq, k) == NULL) {
			sim_error(rs, 500, "missing value for required option "
			    "'%s'", k);
			return -1;
		}
	}
	return 0;
}

/* FNV-1a, for a digest that changes whenever storage.cfg does. */
static unsigned long long
fnv(unsigned long long h, const char *p)
{
	for (; p && *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	h ^= 0xff;
	return h * 1099511628211ULL;
}

void
sim_storage_digest(const struct sim *s, char out[41])
{
	unsigned long long h[3] = { 14695981039346656037ULL,
		0x9e3779b97f4a7c15ULL, 0x243f6a8885a308d3ULL };

	for (size_t i = 0; i < s->nstorages; i++) {
		const struct sim_storage *st = &s->storages[i];

		for (int k = 0; k < 3; k++) {
			h[k] = fnv(h[k], st->id);
			h[k] = fnv(h[k], st->type);
			h[k] = fnv(h[k], st->content);
			h[k] = fnv(h[k], st->nodes);
			h[k] = fnv(h[k], st->shared ? "s" : "-");
			h[k] = fnv(h[k], st->disabled ? "d" : "-");
			for (size_t j = 0; j < st->config.n; j++) {
				h[k] = fnv(h[k], st->config.v[j].key);
				h[k] = fnv(h[k], st->config.v[j].val);
			}
		}
	}
	snprintf(out, 41, "%016llx%016llx%08llx", h[0], h[1], h[2] >> 32);
}

int
sim_storage_digest_check(const struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs)
{
	const char *d = sim_param(rq, "digest");
	char cur[41];

	sim_storage_digest(s, cur);
	if (d == NULL || *d == '\0' || strcmp(d, cur) == 0)
		return 0;
	sim_error(rs, 500, LOCKED "detected modified configuration - file "
	    "changed by other user? Try again.");
	return -1;
}

int
sim_storage_secret(const char *key)
{
	return !strcmp(key, "password") || !strcmp(key, "encryption-key") ||
	    !strcmp(key, "keyring");
}
