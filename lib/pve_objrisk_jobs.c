/*
 * pve_objrisk_jobs.c -- pre-flight checks of backup and replication jobs
 * (pve_objrisk_jobs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "pve_objrisk_jobs.h"

int
pve_backup_job_covers(const struct pve_backup_job *j,
    const struct pve_resource *g)
{
	char id[16];

	if (!j->enabled || g->vmid <= 0)
		return 0;
	if (j->node[0] && strcmp(j->node, g->node) != 0)
		return 0;
	snprintf(id, sizeof(id), "%d", g->vmid);
	if (j->all)
		return !pve_list_has(j->exclude, id);
	if (j->pool[0])
		return strcmp(j->pool, g->pool) == 0;
	return pve_list_has(j->vmid, id);
}

int
objrisk_backupjob_remove(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_backupjob *a = arg;
	struct pve_backup_job *jobs = NULL, *self = NULL;
	struct pve_resource *res = NULL;
	struct px_reply rj, rr;
	struct buf list = { 0 };
	int nj = 0, nr = 0, only = 0, rc = -1;

	(void)r;
	if (pve_get(c, &rj, e, "/cluster/backup") != 0)
		return -1;
	if (pve_backup_jobs_parse(&rj.j, rj.data, &jobs, &nj, e) != 0) {
		px_reply_free(&rj);
		return -1;
	}
	px_reply_free(&rj);
	for (int i = 0; i < nj; i++)
		if (strcmp(jobs[i].id, a->id) == 0)
			self = &jobs[i];
	if (self == NULL) {
		/* PVE says so when asked; nothing to judge */
		rc = 0;
		goto out;
	}
	if (pve_get(c, &rr, e, "/cluster/resources?type=vm") != 0)
		goto out;
	if (pve_resources_parse(&rr.j, rr.data, &res, &nr, e) != 0) {
		px_reply_free(&rr);
		goto out;
	}
	px_reply_free(&rr);
	for (int g = 0; g < nr; g++) {
		int others = 0;

		if (!pve_backup_job_covers(self, &res[g]))
			continue;
		for (int i = 0; i < nj && !others; i++)
			others = &jobs[i] != self &&
			    pve_backup_job_covers(&jobs[i], &res[g]);
		if (others)
			continue;
		if (only++ < 5)
			buf_printf(&list, "%s%s %d%s%s%s", list.len ? ", " :
			    "", strcmp(res[g].type, "lxc") == 0 ? "CT" : "VM",
			    res[g].vmid, res[g].name[0] ? " (" : "",
			    res[g].name, res[g].name[0] ? ")" : "");
	}
	if (a->disable)
		risk_add(rep, "BackupJobDisable", RISK_WARNING, "backup job %s "
		    "stops running until it is enabled again", a->id);
	else
		risk_add(rep, "BackupJobDelete", RISK_WARNING, "backup job %s "
		    "(%s) is deleted: its guests are no longer backed up by "
		    "it", a->id, self->schedule);
	if (only > 0)
		risk_add(rep, "OnlyBackupJob", RISK_SEVERE, "backup job %s is "
		    "the only job that backs up %d guest%s: %s%s: %s it "
		    "leaves %s with no backup", a->id, only, only == 1 ? "" :
		    "s", list.p, only > 5 ? ", ..." : "", a->disable ?
		    "disabling" : "deleting", only == 1 ? "it" : "them");
	rc = 0;
out:
	buf_free(&list);
	free(jobs);
	free(res);
	return rc;
}

int
objrisk_repl_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_repl *a = arg;
	struct pve_repl *v = NULL;
	struct px_reply rp;
	int n = 0;

	(void)r;
	if (pve_get(c, &rp, e, "/cluster/replication") != 0)
		return -1;
	if (pve_repl_parse(&rp.j, rp.data, &v, &n, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].id, a->id) != 0)
			continue;
		risk_add(rep, "ReplicationJobDelete", RISK_WARNING,
		    "guest %d is no longer replicated to %s%s", v[i].guest,
		    v[i].target, a->force ? " (only the job's entry goes: "
		    "no cleanup, --force)" : a->keep ? " (the replicated "
		    "data stays there: --keep)" : "; its replicated volumes "
		    "there are removed (--keep keeps them)");
		break;
	}
	free(v);
	return 0;
}
