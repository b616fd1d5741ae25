/* pve_objrisk_sdn.c -- pre-flight checks of the SDN and the datacenter
 * options (pve_objrisk_sdn.h). */
#include <string.h>

#include "pve.h"
#include "pve_objrisk_sdn.h"
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
