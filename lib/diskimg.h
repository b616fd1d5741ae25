/*
 * diskimg.h -- local disk images as qemu-img (Debian's qemu-utils) sees
 * them: the format and sizes of one (qemu-img info), and its conversion
 * to another format (qemu-img convert).
 *
 * qemu-img runs as a child process with a fixed argument list (never a
 * shell); what it prints is hostile input, parsed with bounds.  An image
 * that reads other files (a qcow2 backing file or external data file, a
 * VMDK whose extents are other files outside its directory) is refused:
 * importing it would upload files nobody named.
 */
#ifndef PX_DISKIMG_H
#define PX_DISKIMG_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct diskimg_info {
	char format[16];	/* raw, qcow2, vmdk, vdi, vhdx, vpc */
	uint64_t virtual_size;	/* bytes */
	uint64_t actual_size;	/* bytes on disk, 0 when not said */
	char create_type[32];	/* vmdk: monolithicSparse, ... */
	int other_files;	/* vmdk: its data is in other files (its
				   extents), which convert reads */
};

/* Is fmt one of the formats px imports (raw qcow2 vmdk vdi vhdx vhd)? */
int diskimg_format_ok(const char *fmt);
/* qemu-img's name of a format px names: "vhd" is qemu's "vpc". */
const char *diskimg_qemu_format(const char *fmt);

/*
 * Parse the output of qemu-img info --output=json (n bytes) for the image
 * path into info.  0, or -1 with e (PXE_PARSE: not what qemu-img prints;
 * PXE_USAGE: a backing file, a data file, or extents outside the image's
 * directory).
 */
int diskimg_info_parse(const char *json, size_t n, const char *path,
    struct diskimg_info *info, struct px_err *e);

/*
 * Run qemu-img info --output=json on path (format NULL: qemu-img probes
 * it; else -f FORMAT, px's name) and parse what it prints.  0, or -1
 * with e (PXE_FAILURE: qemu-img is not installed or refused the file,
 * with its first line of error; the parse errors above).
 */
int diskimg_info(const char *path, const char *format,
    struct diskimg_info *info, struct px_err *e);

/*
 * qemu-img convert -f FORMAT -O OUTFMT src dst (dst created or
 * truncated), with its progress (-p) on standard error when progress is
 * set.  *child holds the child's pid while it runs (0 before and after),
 * for a signal handler that must stop it.  0, or -1 with e (PXE_FAILURE
 * with what qemu-img said, or how it ended).
 */
int diskimg_convert(const char *src, const char *format, const char *dst,
    const char *outfmt, int progress, volatile pid_t *child,
    struct px_err *e);

#endif
