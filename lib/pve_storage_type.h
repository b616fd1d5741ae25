/*
 * pve_storage_type.h -- which parameters each storage type takes, as
 * PVE's storage plugins declare them (their options(): fixed ones can
 * be given on create only, required ones must be).  /storage's schema
 * is the union of all plugins' properties, so only this table says
 * that an NFS storage takes no --vgname: px refuses such a parameter
 * before sending, and pxsim answers it as PVE does.
 */
#ifndef PX_PVE_STORAGE_TYPE_H
#define PX_PVE_STORAGE_TYPE_H

enum {
	PVE_SPARAM_NO = 0,	/* the type does not take it */
	PVE_SPARAM_YES,		/* on create and set */
	PVE_SPARAM_FIXED,	/* on create only */
	PVE_SPARAM_REQUIRED	/* on create only, and must be given */
};

/* Whether px knows storage type t (dir, nfs, cifs, lvm, lvmthin,
 * zfspool, rbd, cephfs, pbs, iscsi). */
int pve_storage_type_known(const char *t);
/* How type t takes parameter key (PVE_SPARAM_*); -1 for a type px does
 * not know.  storage and type themselves are not parameters here. */
int pve_storage_param(const char *t, const char *key);
/* Whether key is a parameter of some storage type px knows. */
int pve_storage_param_any(const char *key);
/* The i-th required parameter of type t, or NULL after the last. */
const char *pve_storage_required(const char *t, int i);
/* Whether c is one storage content type (images, rootdir, vztmpl, iso,
 * backup, snippets, import) or, alone, "none". */
int pve_storage_content_ok(const char *c);
/* Whether type t may hold content c (PVE's plugin content list). */
int pve_storage_type_content(const char *t, const char *c);

#endif
