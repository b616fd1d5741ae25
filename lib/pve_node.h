/*
 * pve_node.h -- a node's objects: status, hardware (PCI, USB,
 * resource mappings, and the passthrough entries of guest configs),
 * disks and SMART, network interfaces, apt repositories.
 *
 * Parsers take an already parsed body and the token of its "data" (so
 * unit tests can feed them recorded answers), fill structs with typed
 * fields once, and accept PVE's quirks: numbers as strings, 0/1/""/true
 * booleans, missing or null fields.  Rows without their key field are
 * dropped.  Arrays are calloc'd with one zeroed element more and freed
 * by the caller with free() unless a _free function is named.  Strings
 * are sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_NODE_H
#define PX_PVE_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "pve.h"

/* ---- status ---- */

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

int pve_node_status_parse(const struct json *j, int obj,
    struct pve_node_status *s, struct px_err *e);
/* Parse "8.4.1" (or "pve-manager/8.4.1/...") into major, minor, patch;
 * -1 when there is no version. */
int pve_version_split(const char *s, int v[3]);

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

/* ---- apt ---- */

/* One repository line of /nodes/{n}/apt/repositories. */
struct pve_apt_repo {
	char path[256];
	int enabled;
	char types[64], uris[256], suites[128], components[128];
};

/* The repositories of every file of the answer object obj. */
int pve_apt_repos_parse(const struct json *j, int obj,
    struct pve_apt_repo **out, int *n, struct px_err *e);

#endif
