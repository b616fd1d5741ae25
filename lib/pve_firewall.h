/*
 * pve_firewall.h -- the firewall's objects, at cluster, node and
 * guest level: rules, aliases, IP sets, security groups, options.
 *
 * Parsers take an already parsed body and the token of its "data" (so
 * unit tests can feed them recorded answers), fill structs with typed
 * fields once, and accept PVE's quirks: numbers as strings, 0/1/""/true
 * booleans, missing or null fields.  Rows without their key field are
 * dropped.  Arrays are calloc'd with one zeroed element more and freed
 * by the caller with free() unless a _free function is named.  Strings
 * are sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_FIREWALL_H
#define PX_PVE_FIREWALL_H

#include "pve.h"

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
/* One of GET .../firewall/refs: what a rule's source or dest can name. */
struct pve_fw_ref {
	char type[8];		/* alias, ipset */
	char name[64];
	char ref[160];		/* as a rule writes it: name, dc/name,
				 * guest/name, +name ... */
	char scope[16];		/* dc, guest, sdn */
	char comment[256];
};

/* The refs of array arr; a row with no name is dropped and reported. */
int pve_fw_refs_parse(const struct json *j, int arr, struct pve_fw_ref **out,
    int *n, struct px_err *e);
/* Whether s is an address or network as an alias or IP set holds it
 * (hex digits, '.', ':' and '/', with a '.' or ':'; at most 64). */
int pve_fw_cidr_ok(const char *s);
/* The cidr of the alias object at obj (GET .../aliases/{name}), to be
 * sent back, into cidr (size n): 0, or -1 with PXE_PARSE naming what is
 * wrong (absent, not a string, too long, not an address) -- never cut
 * or sent as it came. */
int pve_fw_alias_cidr(const struct json *j, int obj, char *cidr, size_t n,
    struct px_err *e);
/* The scalar members of object obj in key order (booleans as 0/1,
 * nested values skipped). */
int pve_opts_parse(const struct json *j, int obj, struct pve_opt **out,
    int *n, struct px_err *e);

#endif
