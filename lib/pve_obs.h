/*
 * pve_obs.h -- typed PVE objects for the observability commands (ha,
 * replication, hw, disks, network, firewall, metrics, describe, anomaly,
 * accounting, backup-info, upgrade-check), per-node fan-out, and a small
 * statistics module.
 *
 * Parsers follow lib/pve.h: they take an already parsed body and the
 * token of its "data", fill a malloc'd array (the caller frees it, with
 * the matching *_free where the objects own memory), accept PVE's quirks
 * (numbers as strings, 0/1 booleans, absent fields) and skip rows that
 * lack their key field.  Strings are truncated to their buffers.
 */
#ifndef PX_PVE_OBS_H
#define PX_PVE_OBS_H

#include <stdint.h>

#include "pve.h"

/* ---- per-node fan-out ---- */

/*
 * One GET per node of nodes[0..n), all in one parallel round:
 * "/nodes/{node}" + suffix (suffix already encoded, may hold a query).
 * Nodes that are not online are not asked: their call has rc -1 and
 * err PXE_UNAVAILABLE "node NAME is offline", status 0.  Returns a
 * calloc'd array of n calls (free each with px_call_free, then the
 * array).
 */
struct px_call *pve_node_fanout(struct px_client *c,
    const struct pve_node *nodes, int n, const char *suffix);
/* Run calls k[0..n) whose method is set (others are left alone) in one
 * parallel round; returns how many failed. */
int pve_calls_run(struct px_call *k, int n);
/* The parsed reply of a finished call: 0 with r filled (free with
 * px_reply_free), or -1 with e set (the call's own error when it failed;
 * r is then empty). */
int pve_call_reply(struct px_call *k, struct px_reply *r, struct px_err *e);
/* The nodes a per-node command works on: with only (validated by the
 * caller) a single online pseudo-node of that name, without it GET
 * /nodes.  *out is malloc'd. */
int pve_nodes_or_one(struct px_client *c, const char *only,
    struct pve_node **out, int *n, struct px_err *e);

/* ---- HA ---- */

struct pve_ha_resource {
	char sid[64];		/* "vm:100" */
	char type[8];		/* vm, ct */
	int vmid;
	char state[16];		/* started, stopped, disabled, ignored */
	char group[64];		/* legacy group, "" */
	int max_restart, max_relocate;
	int failback;
	char comment[256];
};

struct pve_ha_rule {
	char rule[64];
	char type[32];		/* node-affinity, resource-affinity */
	char resources[1024];	/* "vm:100,ct:101" */
	char nodes[1024];	/* node-affinity: "pve1:2,pve2" */
	char affinity[16];	/* resource-affinity: positive, negative */
	int strict, disable;
	char comment[256];
};

struct pve_ha_group {
	char group[64];
	char nodes[1024];	/* "pve1:2,pve2" */
	int restricted, nofailback;
	char comment[256];
};

/* A row of /cluster/ha/status/current. */
struct pve_ha_status {
	char id[128];
	char type[16];		/* quorum, master, lrm, service, fencing */
	char node[64];
	char sid[64];
	char state[32];
	char status[256];
	char crm_state[32];
	char request_state[32];
	int quorate;		/* -1 when absent */
	long long timestamp;
};

int pve_ha_resources_parse(const struct json *j, int arr,
    struct pve_ha_resource **out, int *n, struct px_err *e);
int pve_ha_rules_parse(const struct json *j, int arr,
    struct pve_ha_rule **out, int *n, struct px_err *e);
int pve_ha_groups_parse(const struct json *j, int arr,
    struct pve_ha_group **out, int *n, struct px_err *e);
int pve_ha_status_parse(const struct json *j, int arr,
    struct pve_ha_status **out, int *n, struct px_err *e);
/* The priority of node in a node list "a:2,b,c:1" (no priority is 0);
 * -1 when node is not in the list. */
int pve_ha_node_prio(const char *list, const char *node);
/* Is item in the comma-separated list? */
int pve_list_has(const char *list, const char *item);

/* ---- replication ---- */

/* A job of /cluster/replication, or a row of /nodes/{n}/replication
 * (the state fields are 0/"" in the first). */
struct pve_repl {
	char id[64];		/* "100-0" */
	int guest, jobnum;
	char type[16];
	char source[64], target[64];
	char schedule[128];
	double rate;		/* MB/s, 0 when unlimited */
	int disable;
	char comment[256];
	long long last_sync, last_try, next_sync;
	double duration;
	int fail_count;
	char error[256];
	char state[32];
};

int pve_repl_parse(const struct json *j, int arr, struct pve_repl **out,
    int *n, struct px_err *e);

/* ---- hardware ---- */

struct pve_pci {
	char id[32];		/* "0000:01:00.0" */
	char class[16];
	char vendor[16], device[16];
	char vendor_name[128], device_name[128];
	int iommugroup;		/* -1 when unknown */
	int mdev;
};

struct pve_usb {
	int busnum, devnum, port, level, class;
	char vendid[16], prodid[16];
	char manufacturer[128], product[128], serial[128];
	char speed[16];
	char usbpath[32];
};

/* A resource mapping of /cluster/mapping/pci or usb, flattened to one
 * row per node entry of its "map". */
struct pve_hwmap {
	char id[64];		/* the mapping name */
	char node[64];
	char path[64];		/* PCI address or USB port path, "" */
	char devid[32];		/* "vendor:device", "" */
	int iommugroup;		/* -1 when the entry does not say */
};

/* A passthrough entry of a QEMU config: hostpciN or usbN. */
struct pve_passthru {
	char key[16];		/* hostpci0, usb1 */
	char kind[4];		/* pci, usb */
	char host[256];		/* PCI addresses ';'-separated, or the USB
				 * "vendor:product" / port path; "" when
				 * mapped */
	char mapping[64];	/* mapping name, "" */
};

int pve_pci_parse(const struct json *j, int arr, struct pve_pci **out,
    int *n, struct px_err *e);
int pve_usb_parse(const struct json *j, int arr, struct pve_usb **out,
    int *n, struct px_err *e);
int pve_hwmap_parse(const struct json *j, int arr, struct pve_hwmap **out,
    int *n, struct px_err *e);
/* The passthrough entries of the config object obj (spice USB and
 * non-host entries are skipped). */
int pve_passthru_parse(const struct json *j, int obj,
    struct pve_passthru **out, int *n, struct px_err *e);
/* Normalize a PCI address: "01:00.0" -> "0000:01:00.0", "01:00" ->
 * "0000:01:00" (all functions).  out gets at least 32 bytes. */
void pve_pci_norm(const char *in, char *out, size_t n);
/* Do two normalized PCI addresses name the same device (equal, or one
 * names all functions of the other's slot)? */
int pve_pci_same(const char *a, const char *b);

/* ---- disks ---- */

struct pve_disk {
	char devpath[64];
	char type[16];		/* hdd, ssd, nvme, usb, unknown */
	char model[128], serial[128], vendor[64], wwn[64];
	uint64_t size;
	char used[64];		/* LVM, ZFS, partitions, "" */
	char health[32];	/* PASSED, OK, UNKNOWN, ... */
	int wearout;		/* percent left, -1 when not reported */
	int gpt, mounted;
	int osdid;		/* -1 when none */
	int rpm;		/* 0 for SSDs and unknown */
};

struct pve_smart_attr {
	int id;
	char name[64];
	int value, worst, threshold;	/* -1 when absent */
	char raw[64];
	char flags[16];
	char fail[16];
};

struct pve_smart {
	char health[32];
	char type[16];		/* ata, text */
	char *text;		/* NVMe/SAS plain text, or NULL */
	struct pve_smart_attr *attr;
	int nattr;
};

int pve_disks_parse(const struct json *j, int arr, struct pve_disk **out,
    int *n, struct px_err *e);
/* Fill s from the object at obj; free with pve_smart_free. */
int pve_smart_parse(const struct json *j, int obj, struct pve_smart *s,
    struct px_err *e);
void pve_smart_free(struct pve_smart *s);

/* ---- network ---- */

struct pve_netif {
	char iface[64];
	char type[16];
	char method[16], method6[16];
	char address[64], cidr[64], gateway[64];
	char address6[64], cidr6[64], gateway6[64];
	char ports[256];	/* bridge_ports, slaves or ovs_ports */
	char bond_mode[32];
	char vlan_raw_device[64];
	int vlan_id;		/* 0 when none */
	int mtu;		/* 0 when default */
	int active, autostart, exists, vlan_aware;
	char comments[256];
};

int pve_netifs_parse(const struct json *j, int arr, struct pve_netif **out,
    int *n, struct px_err *e);

/* ---- firewall ---- */

struct pve_fw_rule {
	int pos;
	char type[16];		/* in, out, forward, group */
	char action[64];	/* ACCEPT, DROP, REJECT or a group name */
	char macro[64], proto[16];
	char source[256], dest[256];
	char sport[64], dport[64];
	char iface[32], log[16], icmp_type[32];
	int enable;
	char comment[256];
};

/* An alias, an IP set (cidr "") or one entry of an IP set. */
struct pve_fw_addr {
	char name[64];
	char cidr[128];
	int nomatch;
	char comment[256];
};

/* An option or any other scalar member of an object, as text. */
struct pve_opt {
	char key[64];
	char value[256];
};

int pve_fw_rules_parse(const struct json *j, int arr,
    struct pve_fw_rule **out, int *n, struct px_err *e);
/* Aliases and IP set lists (name, cidr, comment) and IP set entries
 * (cidr, nomatch, comment: name left ""). */
int pve_fw_addrs_parse(const struct json *j, int arr,
    struct pve_fw_addr **out, int *n, struct px_err *e);
/* Security groups of /cluster/firewall/groups: name from "group". */
int pve_fw_groups_parse(const struct json *j, int arr,
    struct pve_fw_addr **out, int *n, struct px_err *e);
/* The scalar members of object obj in key order (booleans as 0/1,
 * nested values skipped). */
int pve_opts_parse(const struct json *j, int obj, struct pve_opt **out,
    int *n, struct px_err *e);

/* ---- RRD ---- */

/* A series from .../rrddata: npoints rows of nfields values, NaN where
 * PVE left a field out (unknown periods). */
struct pve_rrd {
	int nfields, npoints;
	char (*field)[32];	/* names, sorted */
	long long *time;	/* epoch seconds, ascending */
	double *v;		/* v[point * nfields + field] */
};

int pve_rrd_parse(const struct json *j, int arr, struct pve_rrd *r,
    struct px_err *e);
void pve_rrd_free(struct pve_rrd *r);
/* The index of field name, -1 if the series has none. */
int pve_rrd_field(const struct pve_rrd *r, const char *name);
/* Copy field f into a malloc'd array of npoints values. */
double *pve_rrd_column(const struct pve_rrd *r, int f);

/* ---- statistics (NaN values are ignored; an empty set gives NaN) ---- */

double stat_mean(const double *v, int n);
/* Population standard deviation. */
double stat_stddev(const double *v, int n);
double stat_median(const double *v, int n);
double stat_min(const double *v, int n);
double stat_max(const double *v, int n);
/* (x - mean) / sd, 0 when sd is 0 or not a number. */
double stat_zscore(double x, double mean, double sd);
/*
 * The integral of a step series over time: each value is the average
 * over the interval that ends at its timestamp (as RRD stores it), so
 * the sum of v[i] * (t[i] - t[i-1]); the first point counts the second
 * interval's width.  NaN values contribute nothing.  Unit: value x s.
 */
double stat_integrate(const long long *t, const double *v, int n);

/* ---- backups, cluster, node, apt ---- */

/* A row of /cluster/backup-info/not-backed-up. */
struct pve_unprotected {
	int vmid;
	char name[128];
	char type[8];
};

/* A backup job of /cluster/backup. */
struct pve_backup_job {
	char id[64];
	int enabled;
	int all;
	char vmid[512];		/* "100,101" */
	char node[64], pool[64], storage[64];
	char schedule[128];
	char exclude[512];
	long long next_run;
	int has_maxfiles;	/* the removed "maxfiles" retention setting */
};

/* A row of /cluster/status. */
struct pve_cluster_row {
	char type[16];		/* cluster, node */
	char name[64];
	int quorate;		/* cluster row */
	int nodes;		/* cluster row */
	int online, local, nodeid;
	char ip[64];
};

/* GET /nodes/{node}/status. */
struct pve_node_status {
	char pveversion[64];	/* "pve-manager/9.1.1/..." */
	char kernel[128];
	double cpu;
	int cpus;
	double loadavg[3];
	uint64_t mem_total, mem_used;
	uint64_t root_total, root_used, root_avail;
};

/* A storage definition of GET /storage. */
struct pve_storage_def {
	char storage[64];
	char type[32];
	char content[128];
	char nodes[256];
	int shared, disable;
	int has_maxfiles;
	char prune[128];	/* prune-backups */
};

/* One repository line of /nodes/{n}/apt/repositories. */
struct pve_apt_repo {
	char path[256];
	int enabled;
	char types[64], uris[256], suites[128], components[128];
};

int pve_unprotected_parse(const struct json *j, int arr,
    struct pve_unprotected **out, int *n, struct px_err *e);
int pve_backup_jobs_parse(const struct json *j, int arr,
    struct pve_backup_job **out, int *n, struct px_err *e);
int pve_cluster_rows_parse(const struct json *j, int arr,
    struct pve_cluster_row **out, int *n, struct px_err *e);
int pve_node_status_parse(const struct json *j, int obj,
    struct pve_node_status *s, struct px_err *e);
int pve_storage_defs_parse(const struct json *j, int arr,
    struct pve_storage_def **out, int *n, struct px_err *e);
/* The repositories of every file of the answer object obj. */
int pve_apt_repos_parse(const struct json *j, int obj,
    struct pve_apt_repo **out, int *n, struct px_err *e);
/* Parse "8.4.1" (or "pve-manager/8.4.1/...") into major, minor, patch;
 * -1 when there is no version. */
int pve_version_split(const char *s, int v[3]);

#endif
