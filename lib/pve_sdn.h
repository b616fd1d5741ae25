/*
 * pve_sdn.h -- PVE's SDN as px reads it: every zone, vnet and subnet
 * with its pending state (GET .../zones, .../vnets and each vnet's
 * subnets with pending=1), and the checks of the ids, tags and CIDRs a
 * user gives before anything is sent.
 */
#ifndef PX_PVE_SDN_H
#define PX_PVE_SDN_H

#include "pve.h"

/* One SDN object with its pending state.  Strings are sanitized and
 * truncated to their buffers. */
struct pve_sdn_obj {
	char kind[8];		/* zone, vnet, subnet */
	char id[96];		/* "lab", "labnet", "lab-10.20.0.0-24" */
	char type[16];		/* the zone's type; vnet; subnet */
	char zone[16];		/* a zone's own id; a vnet's or subnet's zone */
	char vnet[16];		/* a vnet's own id; a subnet's vnet */
	char cidr[64];		/* a subnet's */
	char state[12];		/* new, changed, deleted; "" when applied */
	char keys[256];		/* the pending keys, sorted, comma-separated */
};

/*
 * Every zone, vnet and subnet, running or pending, in that order: *out
 * malloc'd (free()), *n of them.  0, or -1 with e.
 */
int pve_sdn_pending(struct px_client *c, struct pve_sdn_obj **out, int *n,
    struct px_err *e);

/* Parse one pending=1 answer (an array at tok) of kind into *out
 * (appended, realloc'd); rows that are no object are skipped. */
void pve_sdn_parse(const struct json *j, int tok, const char *kind,
    struct pve_sdn_obj **out, int *n);

/*
 * Checks of what a user gives, each 1 when valid:
 * a zone or vnet id as PVE takes it (a letter, then letters and digits,
 * 2 to 8 in all); a CIDR ("10.0.0.0/24", "fd00::/64") with the host
 * bits zero; an IPv4 or IPv6 address; a VLAN tag 1..4094.
 */
int pve_sdn_id_ok(const char *id);
int pve_sdn_cidr_ok(const char *cidr);
int pve_sdn_ip_ok(const char *ip);
int pve_sdn_vlan_ok(const char *tag);
/* The subnet id PVE makes of zone and cidr: "lab-10.0.0.0-24". */
void pve_sdn_subnet_id(const char *zone, const char *cidr, char *out,
    size_t n);

/*
 * The lists of GET /cluster/sdn/zones, /cluster/sdn/vnets and
 * /cluster/sdn/vnets/{vnet}/subnets (running configuration), parsed
 * once: strings sanitized and cut to their buffers, integers and
 * booleans -1 when PVE left them out (or sent what is none), a row
 * that is no object or has no id dropped and reported (px_drop), one
 * with an integer beyond int too.  Each parser returns a calloc'd
 * array with one zeroed row more (free()) in *out, its length in *n;
 * PXE_PARSE, naming the list, when arr is not an array.
 */
struct pve_sdn_zone {
	char zone[64], type[16], bridge[64];
	int tag, mtu;
	char peers[512], ipam[64], nodes[512];
};

struct pve_sdn_vnet {
	char vnet[64], zone[64];
	int tag, vlanaware;
	char alias[257];	/* PVE's maxLength 256 */
};

struct pve_sdn_subnet {
	char subnet[96], cidr[64], gateway[64];
	int snat;
	char zone[64], vnet[64];
};

int pve_sdn_zones_parse(const struct json *j, int arr,
    struct pve_sdn_zone **out, int *n, struct px_err *e);
int pve_sdn_vnets_parse(const struct json *j, int arr,
    struct pve_sdn_vnet **out, int *n, struct px_err *e);
int pve_sdn_subnets_parse(const struct json *j, int arr,
    struct pve_sdn_subnet **out, int *n, struct px_err *e);

#endif
