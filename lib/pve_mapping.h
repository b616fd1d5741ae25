/*
 * pve_mapping.h -- PVE's resource mappings (/cluster/mapping/{pci,usb,
 * dir}): the logical devices and directories that guests name instead
 * of a node's own (hostpciN: mapping=ID, usbN: mapping=ID, virtiofsN:
 * dirid=ID), each with one map entry per node, a property string:
 *
 *   pci  node=N,path=0000:01:00.0,id=10de:1b80[,subsystem-id=..]
 *        [,iommugroup=N][,description=..]    (several per node allowed)
 *   usb  node=N,id=046d:c52b[,path=1-2.3][,description=..]
 *   dir  node=N,path=/srv/share              (one per node)
 *
 * Parsed into typed structs; strings sanitized (no control characters)
 * and truncated to their buffers.  A map entry px sends is checked (and
 * normalized) first, so that a hostile or malformed one never leaves.
 */
#ifndef PX_PVE_MAPPING_H
#define PX_PVE_MAPPING_H

#include "err.h"
#include "json.h"

/* pci, usb, dir: the path segment under /cluster/mapping. */
int pve_mapping_type_ok(const char *type);
/* A mapping id as PVE takes it (pve-configid: a letter, then letters,
 * digits, - and _; at least two characters). */
int pve_mapping_id_ok(const char *id);

struct pve_mapping {
	char type[4];		/* pci, usb, dir */
	char id[128];
	char description[512];
	int mdev;		/* pci: -1 unset, 0, 1 */
	int live_migration;	/* pci: live-migration-capable, -1 unset */
	char digest[72];
	char **map;		/* nmap entries, each owned */
	int nmap;
};

/* One entry of a map, its fields (empty when absent). */
struct pve_mapping_entry {
	char node[64];
	char path[256];
	char id[16];		/* vendor:device */
	char subsystem_id[16];
	char iommugroup[16];
	char description[256];
};

/*
 * The mappings of type in the data array at t of j (GET
 * /cluster/mapping/TYPE), in *out (free with pve_mappings_free).  A row
 * that is not an object or has no id is skipped and counted in
 * *dropped (may be NULL).  -1 with e when t is not an array.
 */
int pve_mappings_parse(const struct json *j, int t, const char *type,
    struct pve_mapping **out, int *n, int *dropped, struct px_err *e);
/* One mapping: the data object at t (GET /cluster/mapping/TYPE/ID). */
int pve_mapping_parse(const struct json *j, int t, const char *type,
    const char *id, struct pve_mapping *m, struct px_err *e);
void pve_mapping_free(struct pve_mapping *m);
void pve_mappings_free(struct pve_mapping *v, int n);

/* The fields of a map entry as PVE sent it (lenient: unknown keys are
 * ignored); 0, or -1 when it has no node. */
int pve_mapping_entry_parse(const char *s, struct pve_mapping_entry *en);

/*
 * Check map entry s of a mapping of type as px would send it: the keys
 * the type takes, each once, node and the type's required keys given,
 * node names, PCI paths (0000:01:00.0, or 01:00.0 which gets PVE's
 * 0000: domain; several with ';'), vendor:device ids, USB ports (1-2.3),
 * absolute directory paths without '..' or the characters PVE refuses
 * there (;,=()), no control characters anywhere, bounded.  Returns 0
 * with the entry as it is to be sent in out (normalized: PCI paths in
 * lower case with their domain), or -1 with e (PXE_USAGE) saying what
 * is wrong.  out holds outsz bytes.
 */
int pve_mapping_entry_check(const char *type, const char *s, char *out,
    size_t outsz, struct px_err *e);

/* The node of a checked entry (its node= value) in node. */
void pve_mapping_entry_node(const char *s, char *node, size_t n);

#endif
