/*
 * pve_files.h -- the files PVE keeps on a storage (ISO images,
 * container templates, import images): the checks px makes before it
 * asks PVE to upload or download one, and the storage's state as a
 * node sees it.
 */
#ifndef PX_PVE_FILES_H
#define PX_PVE_FILES_H

#include <stdint.h>

#include "err.h"
#include "gate.h"
#include "http.h"

/*
 * Whether name is a file name px sends to PVE as it is: 1 to 255
 * characters of PVE's safe set [A-Za-z0-9-.+=_] (PVE rewrites any other
 * character to '_', which px refuses rather than let a name change
 * behind the user's back), not starting with '.', no "..".  0, or -1
 * with e (PXE_USAGE) saying what is wrong (a control character is
 * named by its code, never printed).
 */
int pve_file_name_check(const char *name, struct px_err *e);

/* The content type a file name's extension says (PVE's checks): "iso"
 * (.iso .img), "vztmpl" (.tar.gz .tar.xz .tar.zst .tar.bz2), "import"
 * (.qcow2 .raw .vmdk .ova), or NULL. */
const char *pve_file_content_of(const char *name);
/* Whether name's extension is one PVE takes for content (iso, vztmpl,
 * import). */
int pve_file_content_ok(const char *content, const char *name);

/*
 * A checksum given as ALG:HEX (md5, sha1, sha224, sha256, sha384,
 * sha512; HEX of the algorithm's length, either case): alg and hex
 * (lower case) filled.  0, or -1 with e (PXE_USAGE).
 */
int pve_checksum_parse(const char *spec, char alg[8], char hex[129],
    struct px_err *e);

/* A storage as node sees it (GET /nodes/{node}/storage/{storage}/status). */
struct pve_storage_status {
	char type[32];
	char content[160];	/* "iso,vztmpl,backup" */
	int enabled, active, shared;
	uint64_t total, avail;
	int has_avail;
};
/* 0 with st, or -1 with e (PXE_NOT_FOUND when the node has no such
 * storage). */
int pve_storage_status_get(struct px_client *c, const char *node,
    const char *storage, struct pve_storage_status *st, struct px_err *e);
/* Whether the comma list content holds type. */
int pve_content_has(const char *content, const char *type);

/* ---- the requests: px storage upload, download-url and delete VOLID,
 * and pxtop's ISO library, build them here; nothing is sent ---- */

/* The content type of file name: content when given (iso, vztmpl or
 * import), else the one its extension says, checked against the name
 * as PVE checks it (and the name with pve_file_name_check).  A static
 * string, or NULL with e (PXE_USAGE). */
const char *pve_file_content_pick(const char *content, const char *name,
    struct px_err *e);

/* A URL PVE may download from: http:// or https://, at most 4096
 * bytes, no space or control character.  With name (n bytes), the last
 * segment of its path (before ? and #) is copied there, and an URL that
 * names no file is refused.  0, or -1 with e (PXE_USAGE). */
int pve_download_url_check(const char *url, char *name, size_t n,
    struct px_err *e);

/* Target t: POST /nodes/NODE/storage/STORAGE/upload of file name (size
 * bytes) as content, with its checksum when alg is not NULL; u (the
 * caller's, it must outlive the request) streams the file. */
void pve_file_upload_target(struct gate_target *t, const char *node,
    const char *storage, const char *name, const char *content,
    long long size, const char *alg, const char *hex,
    const struct px_upload *u);
/* Target t: POST .../download-url of url as storage:content/name, with
 * its checksum when alg is not NULL, verify "0", "1" or NULL. */
void pve_file_download_target(struct gate_target *t, const char *node,
    const char *storage, const char *url, const char *name,
    const char *content, const char *alg, const char *hex,
    const char *verify);
/* Target t: DELETE .../content/VOLID on node (volid "storage:name"). */
void pve_volume_delete_target(struct gate_target *t, const char *node,
    const char *storage, const char *volid);
/* The guest a volume name belongs to (vm-N-..., base-N-..., subvol-N-,
 * basevol-N-...), or 0. */
int pve_volume_owner(const char *vol);

/* The pre-flight check of a download (gate_assess_fn, arg a struct
 * pve_download_risk): UnverifiedDownload (Warning) for plain http://
 * or unverified TLS without a checksum. */
struct pve_download_risk {
	int checksum;		/* a checksum was given */
	int url_http;		/* the URL is http:// */
	const char *verify;	/* verify-certificates, or NULL */
};
int pve_download_assess(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
