/* backup_cover.c -- which guests a backup job covers, as vzdump picks. */
#include <string.h>

#include "pve_objrisk_jobs.h"
#include "tap.h"

static struct pve_resource
guest(int vmid, const char *node, const char *pool)
{
	struct pve_resource g;

	memset(&g, 0, sizeof(g));
	g.vmid = vmid;
	snprintf(g.node, sizeof(g.node), "%s", node);
	snprintf(g.pool, sizeof(g.pool), "%s", pool);
	snprintf(g.type, sizeof(g.type), "qemu");
	return g;
}

int
main(void)
{
	struct pve_backup_job j;
	struct pve_resource a = guest(100, "pve1", "prod");
	struct pve_resource b = guest(101, "pve2", "");

	memset(&j, 0, sizeof(j));
	j.enabled = 1;
	j.all = 1;
	ok(pve_backup_job_covers(&j, &a), "all covers every guest");
	snprintf(j.exclude, sizeof(j.exclude), "99,100");
	ok(!pve_backup_job_covers(&j, &a), "all: an excluded guest is not");
	ok(pve_backup_job_covers(&j, &b), "all: the others are");
	snprintf(j.node, sizeof(j.node), "pve1");
	ok(!pve_backup_job_covers(&j, &b), "node: guests elsewhere are not");
	j.enabled = 0;
	j.node[0] = j.exclude[0] = '\0';
	ok(!pve_backup_job_covers(&j, &b), "a disabled job covers nothing");

	memset(&j, 0, sizeof(j));
	j.enabled = 1;
	snprintf(j.vmid, sizeof(j.vmid), "101,1000");
	ok(pve_backup_job_covers(&j, &b), "vmid list: a listed guest");
	ok(!pve_backup_job_covers(&j, &a), "vmid list: not another");
	b.vmid = 10;
	ok(!pve_backup_job_covers(&j, &b), "vmid list: no prefix match");

	memset(&j, 0, sizeof(j));
	j.enabled = 1;
	snprintf(j.pool, sizeof(j.pool), "prod");
	ok(pve_backup_job_covers(&j, &a), "pool: a member");
	ok(!pve_backup_job_covers(&j, &b), "pool: not a guest outside it");
	return done_testing();
}
