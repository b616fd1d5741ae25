/* pve_storage_type.c -- storage types' parameters (pve_storage_type.h). */
#include <string.h>

#include "pve_storage_type.h"

/*
 * Each type's options as its plugin declares them (pve-storage 8.x/9.x):
 * NAME takes it, NAME! on create only (fixed), NAME* required (fixed
 * too).  nfs, cifs and cephfs default their path to /mnt/pve/STORAGE.
 */
static const struct stype {
	const char *type;
	const char *opts;
	const char *content;
} types[] = {
	{ "dir", "path* nodes shared disable content content-dirs format "
	    "prune-backups max-protected-backups is_mountpoint mkdir "
	    "create-base-path create-subdirs bwlimit preallocation "
	    "snapshot-as-volume-chain",
	    "images rootdir vztmpl iso backup snippets import" },
	{ "nfs", "path! server* export* nodes disable content content-dirs "
	    "format options prune-backups max-protected-backups mkdir "
	    "create-base-path create-subdirs bwlimit preallocation "
	    "snapshot-as-volume-chain",
	    "images rootdir vztmpl iso backup snippets import" },
	{ "cifs", "path! server* share* nodes disable content content-dirs "
	    "format username password domain smbversion subdir options "
	    "prune-backups max-protected-backups mkdir create-base-path "
	    "create-subdirs bwlimit preallocation snapshot-as-volume-chain",
	    "images rootdir vztmpl iso backup snippets import" },
	{ "lvm", "vgname* base! nodes shared disable content saferemove "
	    "saferemove_throughput saferemove-stepsize tagged_only bwlimit "
	    "snapshot-as-volume-chain",
	    "images rootdir" },
	{ "lvmthin", "vgname* thinpool* nodes disable content bwlimit",
	    "images rootdir" },
	{ "zfspool", "pool* nodes disable content blocksize sparse "
	    "mountpoint bwlimit",
	    "images rootdir" },
	{ "rbd", "nodes disable content monhost pool data-pool namespace "
	    "username keyring krbd bwlimit",
	    "images rootdir" },
	{ "cephfs", "path! nodes disable content monhost subdir options "
	    "username keyring fs-name fuse prune-backups "
	    "max-protected-backups mkdir create-base-path create-subdirs "
	    "bwlimit",
	    "vztmpl iso backup snippets import" },
	{ "pbs", "server* datastore* nodes disable content namespace port "
	    "username password fingerprint encryption-key master-pubkey "
	    "prune-backups max-protected-backups",
	    "backup" },
	{ "iscsi", "portal* target* nodes disable content bwlimit",
	    "images none" },
};

static const struct stype *
find(const char *t)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].type, t) == 0)
			return &types[i];
	return NULL;
}

/* The mark after word key in the space-separated list, or -1. */
static int
lookup(const char *list, const char *key)
{
	size_t n = strlen(key);
	const char *p = list;

	if (n == 0)
		return -1;
	while ((p = strstr(p, key)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0' || p[n] == '!' || p[n] == '*')) {
			if (p[n] == '!')
				return PVE_SPARAM_FIXED;
			if (p[n] == '*')
				return PVE_SPARAM_REQUIRED;
			return PVE_SPARAM_YES;
		}
		p += n;
	}
	return -1;
}

int
pve_storage_type_known(const char *t)
{
	return find(t) != NULL;
}

int
pve_storage_param(const char *t, const char *key)
{
	const struct stype *s = find(t);
	int r;

	if (s == NULL)
		return -1;
	r = lookup(s->opts, key);
	return r < 0 ? PVE_SPARAM_NO : r;
}

int
pve_storage_param_any(const char *key)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (lookup(types[i].opts, key) > 0)
			return 1;
	return 0;
}

const char *
pve_storage_required(const char *t, int i)
{
	static char word[32];
	const struct stype *s = find(t);
	const char *p, *e;

	if (s == NULL)
		return NULL;
	for (p = s->opts; *p; p = *e ? e + 1 : e) {
		size_t n;

		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 0 || p[n - 1] != '*' || i-- > 0)
			continue;
		if (n - 1 >= sizeof(word))
			return NULL;
		memcpy(word, p, n - 1);
		word[n - 1] = '\0';
		return word;
	}
	return NULL;
}

int
pve_storage_content_ok(const char *c)
{
	static const char *const all[] = { "images", "rootdir", "vztmpl",
		"iso", "backup", "snippets", "import", NULL };

	for (int i = 0; all[i]; i++)
		if (strcmp(all[i], c) == 0)
			return 1;
	return 0;
}

int
pve_storage_type_content(const char *t, const char *c)
{
	const struct stype *s = find(t);

	return s != NULL && lookup(s->content, c) > 0;
}
