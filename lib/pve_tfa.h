/*
 * pve_tfa.h -- the users' second factors (GET /access/tfa) as typed
 * rows, parsed once: one row per entry, its user's lock state with it.
 * Strings are sanitized (no control characters) and truncated to their
 * buffers; a number where a string belongs gives its text.
 */
#ifndef PX_PVE_TFA_H
#define PX_PVE_TFA_H

#include "err.h"
#include "json.h"

struct pve_tfa_entry {
	char userid[128];
	char id[128];
	char type[16];		/* totp, u2f, webauthn, recovery, yubico */
	char description[256];
	long long created;	/* epoch; 0 when absent */
	int enable;		/* PVE leaves it out when it is 1 */
	int totp_locked;	/* -1 when the user's row does not say */
	long long locked_until;	/* epoch; 0 when absent */
};

/*
 * The entries of the array at arr (rows {userid, entries: [...],
 * totp-locked, tfa-locked-until}) into *out (calloc'd, one zeroed row
 * more; free()), *n of them.  A user row that is no object, has no
 * userid or no list of entries, and an entry that is no object or has
 * no id, are dropped and reported (px_drop).  PXE_PARSE when arr is not
 * an array.
 */
int pve_tfa_parse(const struct json *j, int arr, struct pve_tfa_entry **out,
    int *n, struct px_err *e);

#endif
