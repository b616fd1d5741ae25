/* pve_objrisk_storage.c -- pre-flight checks of storage definitions
 * (pve_objrisk_storage.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "json.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_objrisk_storage.h"
#include "err.h"

/* How long a list in a finding grows before "..." */
enum { LIST_MAX = 64 };

/* A config key that names a volume: disks, mount points, unused ones,
 * the VM state and the cloud-init drive. */
static int
volume_key(const char *k)
{
	static const char *const pre[] = { "ide", "sata", "scsi", "virtio",
		"efidisk", "tpmstate", "unused", "mp", NULL };
	size_t n;

	if (strcmp(k, "rootfs") == 0 || strcmp(k, "vmstate") == 0)
		return 1;
	for (int i = 0; pre[i]; i++) {
		n = strlen(pre[i]);
		if (strncmp(k, pre[i], n) == 0 && k[n] >= '0' && k[n] <= '9' &&
		    strspn(k + n, "0123456789") == strlen(k + n))
			return 1;
	}
	return 0;
}

const char *
objrisk_storage_use(const char *gtype, const char *k, const char *v,
    const char *st)
{
	size_t n = strlen(st);
	const char *vol;

	if (!volume_key(k) || strncmp(v, st, n) != 0 || v[n] != ':')
		return NULL;
	vol = v + n + 1;
	if (strncmp(vol, "iso/", 4) == 0)
		return "iso";
	if (strncmp(vol, "vztmpl/", 7) == 0)
		return "vztmpl";
	if (strncmp(vol, "snippets/", 9) == 0)
		return "snippets";
	if (strcmp(gtype, "lxc") == 0 && (strcmp(k, "rootfs") == 0 ||
	    strncmp(k, "mp", 2) == 0 || strncmp(k, "unused", 6) == 0))
		return "rootdir";
	return "images";
}

/* Whether the comma/space list l holds word w. */
static int
has(const char *l, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = l; p && *p; p++) {
		if ((p == l || p[-1] == ',' || p[-1] == ' ' || p[-1] == ';') &&
		    strncmp(p, w, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' ' || p[n] == ';'))
			return 1;
	}
	return 0;
}

/* A guest that uses the storage and what for ("images,iso"). */
struct user {
	char label[200];
	char uses[64];
};

/* The guests whose configs name storage st (with volid: that volume;
 * uses then lists the keys that name it). */
static int
users(struct px_client *c, const char *st, const char *volid,
    struct user **out, int *nout, struct px_err *e)
{
	struct pve_resource *v = NULL;
	struct user *u = NULL;
	struct px_reply rp;
	int n = 0, nu = 0;

	*out = NULL;
	*nout = 0;
	if (pve_get(c, &rp, e, "/cluster/resources?type=vm") != 0)
		return -1;
	if (pve_resources_parse(&rp.j, rp.data, &v, &n, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < n; i++) {
		struct pve_kv *kv = NULL;
		struct px_err ge = { 0 };
		struct buf p = { 0 };
		struct user one;
		int nkv = 0;

		if (v[i].vmid <= 0 || (strcmp(v[i].type, "qemu") != 0 &&
		    strcmp(v[i].type, "lxc") != 0))
			continue;
		pve_guest_path(&p, v[i].node, v[i].type, v[i].vmid);
		buf_adds(&p, "/config");
		/* a guest whose config cannot be read (offline node) is
		 * not known to use it: say nothing rather than fail */
		if (pve_get(c, &rp, &ge, "%s", p.p) != 0) {
			buf_free(&p);
			continue;
		}
		buf_free(&p);
		if (pve_kv_parse(&rp.j, rp.data, &kv, &nkv, &ge) != 0) {
			px_reply_free(&rp);
			continue;
		}
		px_reply_free(&rp);
		memset(&one, 0, sizeof(one));
		for (int k = 0; k < nkv; k++) {
			const char *what;
			size_t l, vl = volid ? strlen(volid) : 0;

			if (volid != NULL) {
				if (kv[k].value == NULL || !volume_key(
				    kv[k].key) || strncmp(kv[k].value, volid,
				    vl) != 0 || (kv[k].value[vl] != ',' &&
				    kv[k].value[vl] != '\0'))
					continue;
				l = strlen(one.uses);
				if (l + strlen(kv[k].key) + 2 < sizeof(one.uses))
					snprintf(one.uses + l, sizeof(one.uses) -
					    l, "%s%.20s", l ? "," : "",
					    kv[k].key);
				continue;
			}
			if (kv[k].value == NULL || (what =
			    objrisk_storage_use(v[i].type, kv[k].key,
			    kv[k].value, st)) == NULL || has(one.uses, what))
				continue;
			l = strlen(one.uses);
			snprintf(one.uses + l, sizeof(one.uses) - l, "%s%s",
			    l ? "," : "", what);
		}
		pve_kv_free(kv, nkv);
		if (one.uses[0] == '\0')
			continue;
		/* a finding's detail is short: ids, not names */
		snprintf(one.label, sizeof(one.label), "%s %d",
		    strcmp(v[i].type, "lxc") == 0 ? "CT" : "VM", v[i].vmid);
		u = px_xrealloc(u, ((size_t)nu + 1) * sizeof(*u));
		u[nu++] = one;
	}
	free(v);
	*out = u;
	*nout = nu;
	return 0;
}

/* The backup jobs that write to storage st (a job without a storage
 * writes to "local", vzdump's default). */
static int
backup_jobs(struct px_client *c, const char *st, struct buf *list, int *n,
    struct px_err *e)
{
	struct pve_backup_job *j = NULL;
	struct px_reply rp;
	int nj = 0;

	*n = 0;
	if (pve_get(c, &rp, e, "/cluster/backup") != 0)
		return -1;
	if (pve_backup_jobs_parse(&rp.j, rp.data, &j, &nj, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < nj; i++) {
		const char *to = j[i].storage[0] ? j[i].storage : "local";

		if (strcmp(to, st) != 0)
			continue;
		if (list->len < LIST_MAX)
			buf_printf(list, "%s%s", list->len ? ", " : "",
			    j[i].id);
		(*n)++;
	}
	if (list->len >= LIST_MAX)
		buf_adds(list, ", ...");
	free(j);
	return 0;
}

/* The guests of u as a list, those using one of the types in only
 * (NULL: all); the count in *n. */
static void
user_list(const struct user *u, int nu, const char *only, struct buf *b,
    int *n, int uses)
{
	*n = 0;
	for (int i = 0; i < nu; i++) {
		int hit = only == NULL;
		char tmp[64], *t, *save = NULL;

		if (!hit) {
			snprintf(tmp, sizeof(tmp), "%s", u[i].uses);
			for (t = strtok_r(tmp, ",", &save); t && !hit;
			    t = strtok_r(NULL, ",", &save))
				hit = !has(only, t);
		}
		if (!hit)
			continue;
		if (b->len < LIST_MAX)
			buf_printf(b, "%s%s%s%s%s", b->len ? ", " : "",
			    u[i].label, uses ? " [" : "", uses ? u[i].uses :
			    "", uses ? "]" : "");
		(*n)++;
	}
	if (b->len >= LIST_MAX)
		buf_adds(b, ", ...");
}

int
objrisk_storage(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_storage *a = arg;
	struct user *u = NULL;
	struct buf id = { 0 }, list = { 0 };
	struct px_reply rp;
	struct px_err ge = { 0 };
	char type[32] = "", content[128] = "";
	int shared = 0, nu = 0, n = 0, k;

	(void)r;
	url_seg(&id, a->storage);
	if (pve_get(c, &rp, &ge, "/storage/%s", id.p) != 0) {
		/* PVE answers an unknown storage itself */
		buf_free(&id);
		return 0;
	}
	buf_free(&id);
	if ((k = json_get(&rp.j, rp.data, "type")) >= 0)
		json_strcpy(&rp.j, k, type, sizeof(type));
	if ((k = json_get(&rp.j, rp.data, "content")) >= 0)
		json_strcpy(&rp.j, k, content, sizeof(content));
	if ((k = json_get(&rp.j, rp.data, "shared")) >= 0) {
		long long ll = 0;

		if (json_int(&rp.j, k, &ll) == 0)
			shared = ll != 0;
	}
	px_reply_free(&rp);
	/* network storages are shared whatever the flag says */
	if (strcmp(type, "nfs") == 0 || strcmp(type, "cifs") == 0 ||
	    strcmp(type, "rbd") == 0 || strcmp(type, "cephfs") == 0 ||
	    strcmp(type, "pbs") == 0 || strcmp(type, "iscsi") == 0)
		shared = 1;

	if (a->op == OBJRISK_STORAGE_SET && (a->changed == NULL ||
	    a->changed[0] == '\0'))
		return 0;
	if (users(c, a->storage, NULL, &u, &nu, e) != 0)
		return -1;

	if (a->op == OBJRISK_STORAGE_DELETE ||
	    a->op == OBJRISK_STORAGE_DISABLE) {
		const char *verb = a->op == OBJRISK_STORAGE_DELETE ?
		    "deleting" : "disabling";

		/* the detail holds 160 bytes: the list comes last */

		user_list(u, nu, NULL, &list, &n, 0);
		if (n > 0)
			risk_add(rep, "StorageInUse", RISK_SEVERE, "%s it "
			    "breaks %d guest%s using %s: %s", verb, n,
			    n == 1 ? "" : "s", a->storage, list.p);
		buf_reset(&list);
		if (backup_jobs(c, a->storage, &list, &n, e) != 0) {
			free(u);
			buf_free(&list);
			return -1;
		}
		if (n > 0)
			risk_add(rep, "BackupTarget", RISK_SEVERE, "%d backup "
			    "job%s write%s to %s: %s", n, n == 1 ? "" : "s",
			    n == 1 ? "s" : "", a->storage, list.p);
		if (a->op == OBJRISK_STORAGE_DELETE && shared)
			risk_add(rep, "SharedStorage", RISK_WARNING, "storage "
			    "%s is shared (%s): every node loses it at once",
			    a->storage, type[0] ? type : "shared");
	} else {
		user_list(u, nu, NULL, &list, &n, 0);
		risk_add(rep, "StorageChange", RISK_WARNING, "changing %s of "
		    "storage %s (%s), used by %d guest%s", a->changed,
		    a->storage, type, n, n == 1 ? "" : "s");
		if (a->content != NULL) {
			buf_reset(&list);
			user_list(u, nu, a->content, &list, &n, 1);
			if (n > 0)
				risk_add(rep, "ContentDropped", RISK_SEVERE,
				    "content %s drops what %d guest%s use%s: "
				    "%s", a->content, n, n == 1 ? "" : "s", n == 1 ? "s" : "",
				    list.p);
		}
	}
	free(u);
	buf_free(&list);
	return 0;
}

int
objrisk_volume(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_volume *a = arg;
	struct user *u = NULL;
	struct buf list = { 0 };
	char st[128];
	int nu = 0, n = 0;

	(void)r;
	snprintf(st, sizeof(st), "%.*s", (int)strcspn(a->volid, ":"),
	    a->volid);
	if (users(c, st, a->volid, &u, &nu, e) != 0)
		return -1;
	user_list(u, nu, NULL, &list, &n, 1);
	if (n > 0)
		risk_add(rep, "VolumeInUse", RISK_SEVERE, "%d guest%s refer%s "
		    "to %s: %s", n, n == 1 ? "" : "s", n == 1 ? "s" : "",
		    a->volid, list.p);
	else if (a->owner > 0)
		risk_add(rep, "OwnedVolume", RISK_WARNING, "%s belongs to "
		    "guest %d", a->volid, a->owner);
	free(u);
	buf_free(&list);
	return 0;
}
