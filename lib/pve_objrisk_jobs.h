/*
 * pve_objrisk_jobs.h -- the pre-flight checks of changes to backup and
 * replication jobs (gate_assess_fn, lib/gate.h), read live from PVE:
 *
 *   BackupJobDelete     Warning: delete a backup job (its guests are no
 *                       longer backed up by it)
 *   BackupJobDisable    Warning: disable a backup job
 *   OnlyBackupJob       Severe: the job is the only enabled one that
 *                       covers some guests (named): deleting or
 *                       disabling it leaves them with no backup at all
 *   ReplicationJobDelete  Warning: delete a replication job (the
 *                       replicated volumes on the target go too unless
 *                       keep)
 */
#ifndef PX_PVE_OBJRISK_JOBS_H
#define PX_PVE_OBJRISK_JOBS_H

#include "gate.h"
#include "pve_cluster.h"

/* Deleting or disabling a backup job: arg is a struct objrisk_backupjob. */
struct objrisk_backupjob {
	const char *id;
	int disable;		/* disabling it, not deleting it */
};
int objrisk_backupjob_remove(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Deleting a replication job: arg is a struct objrisk_repl. */
struct objrisk_repl {
	const char *id;
	int keep;		/* the target keeps the replicated data */
	int force;		/* only the configuration entry goes */
};
int objrisk_repl_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/*
 * Whether backup job j backs up guest g (a row of /cluster/resources):
 * as vzdump chooses, by its node (when set), then all minus exclude,
 * its pool, or its vmid list.  A disabled job covers nothing.
 */
int pve_backup_job_covers(const struct pve_backup_job *j,
    const struct pve_resource *g);

#endif
