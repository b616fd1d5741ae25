/* pve_objrisk_sdn.c -- pre-flight checks of the SDN and the datacenter
 * options (pve_objrisk_sdn.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pve.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_objrisk_sdn.h"
#include "pve_sdn.h"
#include "risk.h"

/* The network= of a migration property string, or "". */
static void
migration_net(const char *v, char *out, size_t n)
{
	const char *p = strstr(v, "network=");
	size_t k;

	out[0] = '\0';
	if (p == NULL || (p != v && p[-1] != ','))
		return;
	p += 8;
	k = strcspn(p, ",");
	if (k >= n)
		k = n - 1;
	memcpy(out, p, k);
	out[k] = '\0';
}

/*
 * A change of the migration network: compared with what PVE has now
 * (an object, or a property string on older versions), so that setting
 * the same network again is no finding.
 */
int
objrisk_cluster_options(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_options *a = arg;
	struct px_reply rp;
	char now[128] = "", want[128] = "";
	int t;

	(void)r;
	if (a->migration == NULL && !a->delete_migration)
		return 0;
	if (pve_get(c, &rp, e, "/cluster/options") != 0)
		return -1;
	t = json_get(&rp.j, rp.data, "migration");
	if (t >= 0 && json_type(&rp.j, t) == JSON_OBJECT) {
		int nt = json_get(&rp.j, t, "network");

		if (nt >= 0)
			json_strcpy(&rp.j, nt, now, sizeof(now));
	} else if (t >= 0) {
		char s[256];

		json_strcpy(&rp.j, t, s, sizeof(s));
		migration_net(s, now, sizeof(now));
	}
	px_reply_free(&rp);
	if (a->migration)
		migration_net(a->migration, want, sizeof(want));
	if (a->delete_migration && now[0])
		risk_add(rep, "MigrationNetworkChange", RISK_WARNING,
		    "migrations leave network %s for the default "
		    "(the cluster network)", now);
	else if (a->migration && strcmp(now, want) != 0)
		risk_add(rep, "MigrationNetworkChange", RISK_WARNING,
		    "migrations move from network %s to %s",
		    now[0] ? now : "default", want[0] ? want : "default");
	return 0;
}

/* How long a list in a finding grows before "..." */
enum { SDN_LIST_MAX = 120 };

/* Append word to the list l (of size n), ", "-separated; "..." once
 * full. */
static void
list_add(char *l, size_t n, const char *word)
{
	size_t k = strlen(l);

	if (k >= SDN_LIST_MAX || (k && strcmp(l + k - 3, "...") == 0))
		return;
	if (k + strlen(word) + 2 > SDN_LIST_MAX && k < n - 4) {
		snprintf(l + k, n - k, "%s...", k ? ", " : "");
		return;
	}
	snprintf(l + k, n - k, "%s%s", k ? ", " : "", word);
}

/* Whether the property string v ("virtio=..,bridge=vnet1,tag=5") has
 * bridge=vnet. */
static int
on_bridge(const char *v, const char *vnet)
{
	size_t n = strlen(vnet);

	for (const char *p = v; (p = strstr(p, "bridge=")) != NULL; p += 7)
		if ((p == v || p[-1] == ',') && strncmp(p + 7, vnet, n) == 0 &&
		    (p[7 + n] == '\0' || p[7 + n] == ','))
			return 1;
	return 0;
}

/* A net key: net0, net1 ... */
static int
net_key(const char *k)
{
	return strncmp(k, "net", 3) == 0 && k[3] != '\0' &&
	    strspn(k + 3, "0123456789") == strlen(k + 3);
}

/* The guests with a network device on vnet, listed in l. */
static int
vnet_users(struct px_client *c, const char *vnet, char *l, size_t ln,
    int *count, struct px_err *e)
{
	struct pve_resource *v = NULL;
	struct px_reply rp;
	int n = 0;

	*count = 0;
	l[0] = '\0';
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
		char label[80] = "";
		int nkv = 0;

		if (v[i].vmid <= 0 || (strcmp(v[i].type, "qemu") != 0 &&
		    strcmp(v[i].type, "lxc") != 0))
			continue;
		pve_guest_path(&p, v[i].node, v[i].type, v[i].vmid);
		buf_adds(&p, "/config");
		/* a config that cannot be read (offline node) is not known
		 * to use it */
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
		for (int k = 0; k < nkv; k++) {
			if (kv[k].value == NULL || !net_key(kv[k].key) ||
			    !on_bridge(kv[k].value, vnet))
				continue;
			if (label[0] == '\0')
				snprintf(label, sizeof(label), "%s %d (%s",
				    strcmp(v[i].type, "lxc") == 0 ? "CT" :
				    "VM", v[i].vmid, kv[k].key);
			else {
				size_t m = strlen(label);

				snprintf(label + m, sizeof(label) - m, ",%s",
				    kv[k].key);
			}
		}
		pve_kv_free(kv, nkv);
		if (label[0] == '\0')
			continue;
		strncat(label, ")", sizeof(label) - strlen(label) - 1);
		list_add(l, ln, label);
		(*count)++;
	}
	free(v);
	return 0;
}

int
objrisk_sdn(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_sdn *a = arg;
	struct pve_sdn_obj *o = NULL;
	char l[SDN_LIST_MAX + 8] = "";
	int n = 0, count = 0;

	(void)r;
	switch (a->op) {
	case OBJRISK_SDN_APPLY:
		if (pve_sdn_pending(c, &o, &n, e) != 0)
			return -1;
		for (int i = 0; i < n; i++) {
			char w[128];

			if (strcmp(o[i].state, "deleted") != 0)
				continue;
			snprintf(w, sizeof(w), "%s %s", o[i].kind, o[i].id);
			list_add(l, sizeof(l), w);
			count++;
		}
		if (count)
			risk_add(rep, "SdnApplyDeletes", RISK_SEVERE, "apply "
			    "removes %d pending deletion%s from the running "
			    "network: %s", count, count == 1 ? "" : "s", l);
		break;
	case OBJRISK_SDN_ZONE_DELETE: {
		struct px_reply rp;

		if (pve_get(c, &rp, e, "/cluster/sdn/vnets") != 0)
			return -1;
		pve_sdn_parse(&rp.j, rp.data, "vnet", &o, &n);
		px_reply_free(&rp);
		for (int i = 0; i < n; i++)
			if (strcmp(o[i].zone, a->id) == 0) {
				list_add(l, sizeof(l), o[i].id);
				count++;
			}
		if (count)
			risk_add(rep, "ZoneHasVnets", RISK_SEVERE, "zone %s "
			    "has %d vnet%s: %s", a->id, count, count == 1 ?
			    "" : "s", l);
		break;
	}
	case OBJRISK_SDN_VNET_DELETE:
		if (vnet_users(c, a->id, l, sizeof(l), &count, e) != 0)
			return -1;
		if (count)
			risk_add(rep, "VnetInUse", RISK_SEVERE, "%d guest%s "
			    "on vnet %s: %s", count, count == 1 ? "" : "s",
			    a->id, l);
		break;
	}
	free(o);
	return 0;
}
