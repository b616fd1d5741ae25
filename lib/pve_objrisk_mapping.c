/* pve_objrisk_mapping.c -- pre-flight checks of resource mappings
 * (pve_objrisk_mapping.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_objrisk_mapping.h"

/* How long a list in a finding grows before "..." */
enum { LIST_MAX = 96 };

/* key NNN: prefix followed by digits only */
static int
numbered(const char *k, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(k, prefix, n) == 0 && k[n] >= '0' && k[n] <= '9' &&
	    strspn(k + n, "0123456789") == strlen(k + n);
}

/* Whether property string v has key=want (or, with dkey, a first part
 * without '=' that is the default key's value). */
static int
prop_is(const char *v, const char *key, int dkey, const char *want)
{
	size_t kl = strlen(key), wl = strlen(want);
	const char *p = v;

	for (int first = 1; p && *p; first = 0) {
		const char *end = strchr(p, ','), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p);

		eq = memchr(p, '=', n);
		if (eq == NULL && first && dkey && n == wl &&
		    strncmp(p, want, n) == 0)
			return 1;
		if (eq != NULL && (size_t)(eq - p) == kl &&
		    strncmp(p, key, kl) == 0 && n - kl - 1 == wl &&
		    strncmp(eq + 1, want, wl) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int
objrisk_mapping_uses(const char *type, const char *k, const char *v,
    const char *id)
{
	if (strcmp(type, "pci") == 0)
		return numbered(k, "hostpci") && prop_is(v, "mapping", 0, id);
	if (strcmp(type, "usb") == 0)
		return numbered(k, "usb") && prop_is(v, "mapping", 0, id);
	/* virtiofs: dirid is the default key */
	return numbered(k, "virtiofs") && prop_is(v, "dirid", 1, id);
}

int
objrisk_mapping_users(struct px_client *c, const char *type, const char *id,
    struct buf *list, int *n, struct px_err *e)
{
	struct pve_resource *v = NULL;
	struct px_reply rp;
	int nv = 0, cut = 0;

	*n = 0;
	if (pve_get(c, &rp, e, "/cluster/resources?type=vm") != 0)
		return -1;
	if (pve_resources_parse(&rp.j, rp.data, &v, &nv, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < nv; i++) {
		struct pve_kv *kv = NULL;
		struct px_err ge = { 0 };
		struct buf p = { 0 };
		int nkv = 0, used = 0;

		if (v[i].vmid <= 0 || (strcmp(v[i].type, "qemu") != 0 &&
		    strcmp(v[i].type, "lxc") != 0))
			continue;
		pve_guest_path(&p, v[i].node, v[i].type, v[i].vmid);
		buf_adds(&p, "/config");
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
		for (int k = 0; k < nkv && !used; k++)
			used = kv[k].value != NULL && objrisk_mapping_uses(type,
			    kv[k].key, kv[k].value, id);
		pve_kv_free(kv, nkv);
		if (!used)
			continue;
		if (list->len < LIST_MAX)
			buf_printf(list, "%s%s %d", list->len ? ", " : "",
			    strcmp(v[i].type, "lxc") == 0 ? "CT" : "VM",
			    v[i].vmid);
		else if (!cut++)
			buf_adds(list, ", ...");
		(*n)++;
	}
	free(v);
	return 0;
}

int
objrisk_mapping(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_mapping *a = arg;
	struct buf list = { 0 };
	int n = 0;

	(void)r;
	if (objrisk_mapping_users(c, a->type, a->id, &list, &n, e) != 0) {
		buf_free(&list);
		return -1;
	}
	if (n > 0 && a->op == OBJRISK_MAPPING_DELETE)
		risk_add(rep, "MappingInUse", RISK_SEVERE, "deleting it breaks "
		    "%d guest%s using %s mapping %s: %s", n, n == 1 ? "" : "s",
		    a->type, a->id, list.p);
	else if (n > 0)
		risk_add(rep, "MappingChange", RISK_WARNING, "replacing the "
		    "node entries of %s mapping %s, used by %d guest%s: %s",
		    a->type, a->id, n, n == 1 ? "" : "s", list.p);
	buf_free(&list);
	return 0;
}
