/*
 * cloudimg.h -- the built-in catalogue of official cloud images (px
 * cloud-img): where each distribution publishes its image and the file
 * of checksums beside it, and the parser of those files (GNU
 * "HEX  NAME" / "HEX *NAME" lines and BSD "SHA256 (NAME) = HEX" lines).
 */
#ifndef PX_CLOUDIMG_H
#define PX_CLOUDIMG_H

#include <stddef.h>

#include "err.h"

struct cloudimg {
	const char *name;	/* "debian-12" */
	const char *title;	/* "Debian 12 (bookworm) genericcloud" */
	const char *url;	/* the image */
	const char *sums_url;	/* the published checksums file */
	const char *sums_file;	/* the image's name in that file */
	const char *alg;	/* sha256 or sha512 */
	const char *filename;	/* its name on the storage (import
				   content: .qcow2) */
	const char *ostype;	/* PVE's ostype: l26 */
};

/* The catalogue: n entries. */
const struct cloudimg *cloudimg_list(size_t *n);
/* The entry named name, or NULL. */
const struct cloudimg *cloudimg_find(const char *name);

/*
 * url as fetched from mirror ([cloudimg] mirror = https://HOST[/PREFIX]):
 * the catalogue URL's path after the mirror, so a mirror keeps each
 * distribution's layout (https://cloud.debian.org/images/cloud/... is
 * https://HOST/PREFIX/images/cloud/...).  The mirror must be https://
 * with a host and no user, spaces, controls, query or . / .. segments.
 * 0 with out (n bytes), or -1 with e (PXE_CONFIG naming the problem).
 */
int cloudimg_mirror(const char *url, const char *mirror, char *out, size_t n,
    struct px_err *e);

/*
 * The checksum of file in the text of a checksums file (len bytes, any
 * content: hostile lines are skipped): hex (lower case) of the length
 * alg gives (sha256: 64, sha512: 128).  0, or -1 with e (PXE_NOT_FOUND
 * when no line names file, PXE_PARSE when two lines disagree).
 */
int cloudimg_sums_find(const char *text, size_t len, const char *file,
    const char *alg, char hex[129], struct px_err *e);

#endif
