/*
 * pve_nodesys.h -- a node's system objects as typed structs, parsed once
 * from PVE's answers: certificates (/nodes/{node}/certificates/info) and
 * apt repositories (/nodes/{node}/apt/repositories).  Strings are
 * sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_NODESYS_H
#define PX_PVE_NODESYS_H

#include "err.h"
#include "json.h"

struct pve_cert {
	char filename[128];
	char fingerprint[100];	/* as PVE states it */
	char subject[512];
	char issuer[512];
	long long notbefore, notafter;	/* epochs; 0 when absent */
	int has_notafter;
	char san[2048];		/* comma-separated */
	char keytype[64];
	int keybits;		/* 0 when absent */
	/* the PEM's own SHA-256 against the stated fingerprint: 1 equal,
	 * -1 different, 0 no PEM sent */
	int pem_check;
	char pem_fingerprint[96];
};

/* The SHA-256 fingerprint (AB:CD:...) of the first certificate of the
 * PEM text pem, in fp; 0, or -1 when pem holds none. */
int pve_pem_fingerprint(const char *pem, char fp[96]);

/*
 * The certificates of the array at arr into *out (calloc'd, free()),
 * *n of them; rows that are not objects are counted in *bad and
 * skipped.  PXE_PARSE when arr is not an array.
 */
int pve_certs_parse(const struct json *j, int arr, struct pve_cert **out,
    int *n, int *bad, struct px_err *e);

struct pve_node_repo {
	char path[512];
	int index;		/* within its file */
	int enabled;
	char types[64], uris[512], suites[256], components[256];
	char filetype[16];
	/* PVE's standard repository it is (enterprise, no-subscription,
	 * test, ceph-NAME-enterprise ...), by URI and component; "" */
	char handle[64];
};

/*
 * The repositories of the answer object at obj, file by file, into *out
 * (calloc'd, free()), their common digest (hex, "" when absent or not
 * hex) and the standard handles PVE knows, space-separated with a space
 * before and after each, into known (size kn).  PXE_PARSE when obj is
 * not PVE's object.
 */
int pve_node_repos_parse(const struct json *j, int obj,
    struct pve_node_repo **out, int *n, char *digest, size_t dn, char *known,
    size_t kn, struct px_err *e);

#endif
