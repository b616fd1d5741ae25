/*
 * ova.h -- what px reads of an OVA before it imports one: the members
 * of the tar archive, and the subset of its OVF descriptor that makes a
 * VM (the virtual system's name, CPUs, memory, disks and their files,
 * network cards).
 *
 * Both readers take hostile input: sizes and counts are bounded, a
 * member name or disk file reference that is a path ("/", "..") is
 * refused, and the XML reader knows no DTD: a DOCTYPE, an entity
 * declaration or an entity other than XML's five and numeric character
 * references refuses the file.  Nothing here allocates beyond the
 * bounds below, prints or exits.
 */
#ifndef PX_OVA_H
#define PX_OVA_H

#include <stdint.h>

#include "err.h"

#define OVA_MEMBERS_MAX	256		/* members of one archive */
#define OVF_SIZE_MAX	(1 << 20)	/* the .ovf descriptor */
#define OVF_DISKS_MAX	16
#define OVF_NETS_MAX	8
#define OVF_CAPACITY_MAX (64ULL << 40)	/* a disk: 64 TiB */
#define OVF_CPUS_MAX	512
#define OVF_MEMORY_MAX	(4ULL << 20)	/* MiB: 4 TiB */

/* One regular file of a tar archive. */
struct ova_member {
	char name[256];
	uint64_t offset;	/* of its data in the archive */
	uint64_t size;
};

struct ova {
	struct ova_member *m;	/* owned (ova_free) */
	int n;
};

/*
 * The members of the tar archive fd (size bytes; ustar, pax and GNU long
 * names), read with pread.  Only regular files are taken; a link, device
 * or a name with a directory part refuses the archive.  0, or -1 with e
 * (PXE_PARSE: not a tar, a bad header, a member past the end; PXE_IO).
 */
int ova_read(int fd, uint64_t size, struct ova *o, struct px_err *e);
void ova_free(struct ova *o);
/* The member called name, or NULL. */
const struct ova_member *ova_find(const struct ova *o, const char *name);
/*
 * The OVF descriptor of o: its one member ending in .ovf, read into a
 * malloc'd NUL-terminated *xml (*n bytes, at most OVF_SIZE_MAX).  0, or
 * -1 with e (none or several .ovf members, too large, a read error).
 */
int ova_read_ovf(int fd, const struct ova *o, char **xml, size_t *n,
    struct px_err *e);

struct ovf_disk {
	char file[256];		/* the file reference: a member name */
	uint64_t capacity;	/* bytes */
	char bus[8];		/* ide, sata, scsi */
};

struct ovf_net {
	char network[64];	/* the OVF network it connects to */
	char model[16];		/* PVE's: e1000, e1000e, vmxnet3, virtio */
};

struct ovf {
	char name[64];		/* the virtual system's, as a DNS name */
	int cpus;
	uint64_t memory_mib;
	char scsihw[24];	/* PVE's scsihw for the SCSI controller, or "" */
	struct ovf_disk disk[OVF_DISKS_MAX];
	int ndisks;
	struct ovf_net net[OVF_NETS_MAX];
	int nnets;
};

/*
 * Parse the OVF descriptor xml (n bytes) into o.  Exactly one virtual
 * system; a CPU count and a memory size within the bounds above; at
 * least one disk, each with a capacity and a file reference that is a
 * plain file name (PVE's safe characters, .vmdk .qcow2 .raw or .img).
 * 0, or -1 with e (PXE_PARSE) saying what is wrong; nothing of the file
 * is quoted raw in the message.
 */
int ovf_parse(const char *xml, size_t n, struct ovf *o, struct px_err *e);

#endif
