/*
 * pve_objrisk_node.h -- the pre-flight checks of changes to a node's
 * system (gate_assess_fn, lib/gate.h), read live from PVE:
 *
 *   ServiceCutsManagement  Severe: stop pveproxy, pvedaemon, sshd,
 *                          corosync or pve-cluster (the node's API, GUI,
 *                          SSH, cluster membership or /etc/pve go away:
 *                          the way back is the console)
 *   ServiceRestart         Warning: restart one of those (running API
 *                          calls and consoles are cut; corosync and
 *                          pve-cluster: the cluster sees the node leave)
 *   HaServiceStopped       Warning: stop pve-ha-lrm or pve-ha-crm (the
 *                          node's HA resources are no longer managed)
 *   FirewallStopped        Warning: stop pve-firewall or
 *                          proxmox-firewall while the cluster firewall
 *                          is enabled
 *   TimeSyncStopped        Notice: stop chrony (corosync and Ceph need
 *                          synchronized clocks)
 *   ServiceNotRunning      Notice: stop or reload a service that is not
 *                          running; ServiceRunning: start a running one
 *   HostsDropsNode         Severe: a new /etc/hosts without a line for
 *                          the node's own name (pve-cluster resolves it
 *                          there)
 *   HostsNodeAddress       Warning: the node's name gets another address
 *   HostsNoLocalhost       Warning: no line for localhost
 *   NoNameserver           Warning: DNS set without any name server
 *   ReplacesCertificate    Warning: upload or order over an existing
 *                          custom or ACME certificate (--force)
 *   CertificateRemoved     Warning: delete the custom certificate (the
 *                          node presents its self-signed one again:
 *                          clients that pinned or trust the old one fail)
 *   ProxyRestart           Notice: pveproxy restarts to load it
 *   SubscriptionRemoved    Warning: delete an active subscription (the
 *                          enterprise repositories stop working)
 *   NoSubscription         Warning: enable the enterprise repository on
 *                          a node without an active subscription
 *   TestRepository         Warning: enable a test repository
 *   NodeOnline             Notice: wake a node that is online
 */
#ifndef PX_PVE_OBJRISK_NODE_H
#define PX_PVE_OBJRISK_NODE_H

#include "gate.h"

/* A service command: arg is a struct objrisk_service. */
struct objrisk_service {
	const char *node;
	const char *service;	/* PVE's service id: pveproxy, sshd ... */
	const char *cmd;	/* start, stop, restart, reload */
};
int objrisk_node_service(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Writing /etc/hosts: arg is a struct objrisk_hosts. */
struct objrisk_hosts {
	const char *node;
	const char *data;	/* the new content */
};
int objrisk_node_hosts(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Setting DNS: arg is the number of name servers sent (int *). */
int objrisk_node_dns(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* A certificate change: arg is a struct objrisk_cert. */
struct objrisk_cert {
	const char *node;
	const char *what;	/* upload, delete, order, renew */
	int restart;		/* pveproxy restarts */
};
int objrisk_node_cert(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Deleting the subscription: arg is the node (const char *). */
int objrisk_node_subscription(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Enabling or disabling a repository: arg is a struct objrisk_repo. */
struct objrisk_repo {
	const char *node;
	int enable;
	int enterprise;		/* a Proxmox enterprise repository */
	int test;		/* a test repository */
	const char *what;	/* its handle or path, for the findings */
};
int objrisk_node_repo(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Wake-on-LAN: arg is the node (const char *). */
int objrisk_node_wol(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
