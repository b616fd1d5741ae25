/*
 * pve_digest.h -- one digest of a cluster (px describe, px mcp's
 * describe_cluster): versions, nodes and their load, guests by state,
 * storage use, HA, backups, recent failed tasks, read in one parallel
 * round.  A part that cannot be read is marked unavailable (have[F] 0),
 * the rest still shows.
 */
#ifndef PX_PVE_DIGEST_H
#define PX_PVE_DIGEST_H

#include "buf.h"
#include "json.h"
#include "pve.h"
#include "pve_cluster.h"

enum pve_digest_part { PVE_DIGEST_VERSION, PVE_DIGEST_CSTATUS,
    PVE_DIGEST_NODES, PVE_DIGEST_GUESTS, PVE_DIGEST_STORAGE, PVE_DIGEST_HA,
    PVE_DIGEST_JOBS,
    PVE_DIGEST_UNPROT, PVE_DIGEST_TASKS, PVE_DIGEST_N };

#define PVE_DIGEST_MAX_FAILED	10

struct pve_digest {
	int have[PVE_DIGEST_N];
	struct pve_version ver;
	struct pve_cluster_member *cs;
	struct pve_node *nodes;
	struct pve_guest *guests;
	struct pve_storage *st;
	struct pve_ha_status *ha;
	struct pve_backup_job *jobs;
	struct pve_unprotected *un;
	struct pve_task *tasks;
	int ncs, nnodes, nguests, nst, nha, njobs, nun, ntasks;
	/* derived */
	const char *name;
	int quorate, online, running, stopped, other, qemu, lxc, templates;
	int ha_services, ha_bad, jobs_enabled;
	const char *ha_master;
	int failed[PVE_DIGEST_MAX_FAILED], nfailed;
};

/* text, md and llm-context share one walk; the style picks the wording. */
enum pve_digest_style { PVE_DIGEST_TEXT, PVE_DIGEST_MD, PVE_DIGEST_LLM };

/* Read everything (d zeroed first): 0, or -1 with e when the nodes or the
 * guests could not be read (then nothing is left to free). */
int pve_digest_gather(struct px_client *c, struct pve_digest *d,
    struct px_err *e);
/* The digest as one JSON object (px describe -j). */
void pve_digest_json(const struct pve_digest *d, struct jw *w);
/* The digest as prose appended to o. */
void pve_digest_prose(const struct pve_digest *d, enum pve_digest_style s,
    struct buf *o);
void pve_digest_free(struct pve_digest *d);

#endif
