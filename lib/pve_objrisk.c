/* pve_objrisk.c -- pre-flight checks of pools (pve_objrisk.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "pve_cluster.h"
#include "pve_objrisk.h"

int
objrisk_pool_delete(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_pool *a = arg;
	struct pve_pool_member *m = NULL;
	struct px_reply rp;
	struct buf id = { 0 }, list = { 0 };
	int n = 0;

	(void)r;
	url_seg(&id, a->poolid);
	if (pve_get(c, &rp, e, "/pools?poolid=%s", id.p) != 0) {
		buf_free(&id);
		return -1;
	}
	buf_free(&id);
	if (pve_pool_members_parse(&rp.j, rp.data, &m, &n, NULL, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < n && list.len < 120; i++) {
		if (i)
			buf_adds(&list, ", ");
		if (m[i].vmid)
			buf_printf(&list, "%s %d%s%s%s",
			    strcmp(m[i].type, "lxc") == 0 ? "CT" : "VM",
			    m[i].vmid, m[i].name[0] ? " (" : "", m[i].name,
			    m[i].name[0] ? ")" : "");
		else
			buf_printf(&list, "storage %s", m[i].storage);
	}
	if (n > 0)
		risk_add(rep, "PoolNotEmpty", a->force ? RISK_WARNING :
		    RISK_SEVERE, "pool %s has %d member%s: %s%s%s", a->poolid,
		    n, n == 1 ? "" : "s", list.p, list.len >= 120 ? ", ..." : "",
		    a->force ? " (removed first: --force)" :
		    " (--force removes them first)");
	buf_free(&list);
	free(m);
	return 0;
}
