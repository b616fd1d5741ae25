/*
 * pve_check.h -- look-ups and validators a change needs before its
 * request is built: is the guest running, is the node or storage there,
 * sizes and keys as PVE takes them.
 */
#ifndef PX_PVE_CHECK_H
#define PX_PVE_CHECK_H

#include <stdint.h>

#include "http.h"
#include "pve.h"
#include "pve_guest.h"
#include "pve_task.h"

/* "VM 100 (web-01)" or "CT 101 (no name)" into buf. */
void pve_guest_label(const struct pve_guest *g, char *buf, size_t n);

/* GET .../status/current of g: 1 when it runs, 0 when not, -1 with e. */
int pve_guest_running(struct px_client *c, const struct pve_guest *g,
    struct px_err *e);

/* The configuration of g (GET .../config), key by key: *kv malloc'd,
 * free with pve_kv_free.  -1 with e. */
int pve_guest_config(struct px_client *c, const struct pve_guest *g,
    struct pve_kv **kv, int *n, struct px_err *e);

/* Is node a valid node name and a node of the cluster?  PXE_USAGE for a
 * malformed name (checked before any request), PXE_NOT_FOUND for an
 * unknown one. */
int pve_node_check(struct px_client *c, const char *node, struct px_err *e);

/* Is storage available on node (and, when content is not NULL, does it
 * hold that content: backup, images, rootdir, iso, vztmpl)?
 * PXE_NOT_FOUND when it does not exist there, PXE_USAGE when it holds
 * other content. */
int pve_storage_check(struct px_client *c, const char *storage,
    const char *node, const char *content, struct px_err *e);

/*
 * A disk size as PVE writes and takes it: digits, an optional fraction
 * and an optional unit K, M, G or T (powers of 1024; none: bytes).  With
 * plus set a leading '+' is accepted and *relative says whether it was
 * there.  -1 when s is not such a size.
 */
int pve_parse_disk_size(const char *s, int plus, int *relative, uint64_t *bytes);

/* The size= property of a disk's config value ("local:vm-1-disk-0,
 * size=32G"); -1 when it has none. */
int pve_disk_size(const char *value, uint64_t *bytes);

/* A config key as PVE names them: letters, digits, '-' and '_', starting
 * with a letter, at most 63 characters. */
int pve_valid_key(const char *s);

/* Is name a snapshot name PVE takes: its pve-configid (a letter, then
 * letters, digits, '-' and '_'; at most 40), and not "current" (the
 * name of where the guest is)? */
int pve_valid_snapname(const char *name);

#endif
