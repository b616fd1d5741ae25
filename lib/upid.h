/*
 * upid.h -- PVE and PBS task ids.
 *
 * PVE: UPID:NODE:PID:PSTART:STARTTIME:TYPE:ID:USER:
 * PBS: UPID:NODE:PID:PSTART:TASKID:STARTTIME:TYPE:ID:USER:
 * Numbers are hex (%08X); ID may be empty; USER may be a token id; PBS
 * escapes the ID systemd-style (\x2d), which upid_parse decodes.
 */
#ifndef PX_UPID_H
#define PX_UPID_H

#include "err.h"

struct upid {
	char node[64];
	unsigned long pid, pstart, taskid;
	long long starttime;
	char type[64];
	char id[128];
	char user[128];
	int pbs;
};

/* Parse s into u; -1 with e set (PXE_USAGE) when s is not a UPID. */
int upid_parse(const char *s, struct upid *u, struct px_err *e);

#endif
