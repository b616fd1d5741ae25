/*
 * pve_aplinfo.h -- the container templates a node offers (GET
 * /nodes/{node}/aplinfo), parsed once: every field as text, NULL when
 * PVE left it out (or sent null, a list or an object), so that a
 * listing prints exactly what PVE sent.  The description keeps its
 * newlines and tabs; every other control, there and in the other
 * fields, is '?'.
 */
#ifndef PX_PVE_APLINFO_H
#define PX_PVE_APLINFO_H

#include <stddef.h>

#include "err.h"
#include "json.h"

/* The fields, in PVE's names (pve_apl_key). */
enum pve_apl_field {
	APL_TEMPLATE, APL_SECTION, APL_OS, APL_VERSION, APL_HEADLINE,
	APL_PACKAGE, APL_TYPE, APL_ARCHITECTURE, APL_LOCATION,
	APL_SHA512SUM, APL_SOURCE, APL_INFOPAGE, APL_MAINTAINER,
	APL_DESCRIPTION, APL_NFIELDS
};

/* A field longer than this is cut (on a character boundary). */
#define PVE_APL_FIELD_MAX 1024
#define PVE_APL_DESCRIPTION_MAX 65536

struct pve_apl {
	int bad;		/* the row was no object: no fields */
	char *f[APL_NFIELDS];	/* malloc'd; NULL when absent */
};

/* The JSON key of field f. */
const char *pve_apl_key(enum pve_apl_field f);

/*
 * The array at arr into *v, *n rows (free with pve_aplinfo_free); a row
 * that is no object is kept with bad set, for the caller to report.
 * PXE_PARSE when arr is no array, PXE_FAILURE when out of memory.
 */
int pve_aplinfo_parse(const struct json *j, int arr, struct pve_apl **v,
    int *n, struct px_err *e);
void pve_aplinfo_free(struct pve_apl *v, int n);

#endif
