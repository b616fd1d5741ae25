/*
 * sshcli.h -- what the SSH commands (px logs, perms, patch, gpu-inspect)
 * share: [ssh] read from px.conf, the cluster's nodes and their addresses
 * from the API (GET /cluster/status), the nodes a command works on, one
 * ssh_pool for the run.
 */
#ifndef PX_SSHCLI_H
#define PX_SSHCLI_H

#include "cli.h"
#include "pve_cluster.h"
#include "ssh.h"

struct sshcli {
	struct px_cli *x;
	struct ssh_conf sc;
	struct ssh_pool *pool;
	struct pve_cluster_member *members;	/* from /cluster/status */
	int nmembers;
	char **nodes;		/* the nodes picked (sshcli_pick) */
	int nnodes;
};

/* Load the config and [ssh], connect to the API, read the cluster's
 * nodes and their addresses (the hints of the pool): exits on failure. */
void sshcli_open(struct sshcli *s, struct px_cli *x);
/* The nodes to work on: want[0..n) (each must be a node of the cluster,
 * else exit 5), or every node of the cluster when n is 0. */
void sshcli_pick(struct sshcli *s, char **want, int n);
/* Is node online in the cluster (as /cluster/status said)? */
int sshcli_online(const struct sshcli *s, const char *node);
void sshcli_free(struct sshcli *s);

/* Append a node name to a --node list (a repeated option). */
void sshcli_add_node(char ***v, int *n, const char *node);

#endif
