/*
 * pve_progress.h -- progress told by PVE task log lines (migration, disk
 * moves, vzdump).
 */
#ifndef PX_PVE_PROGRESS_H
#define PX_PVE_PROGRESS_H

#include <stdint.h>

#include "http.h"
#include "pve.h"
#include "pve_guest.h"
#include "pve_task.h"

struct pve_progress {
	double percent;		/* 0..100, -1 unknown */
	uint64_t transferred;	/* bytes, 0 unknown */
	uint64_t total;		/* bytes, 0 unknown */
	double speed;		/* bytes/s, -1 unknown */
};

/* "1.2 GiB", "512 MiB", "7B" -> bytes; -1 when not a size. *end gets the
 * first character after it. */
double pve_parse_size_text(const char *s, const char **end);

/*
 * Progress in one task log line, as PVE writes them:
 *   "migration active, transferred 1.2 GiB of 4.0 GiB VM-state, 120.5 MiB/s"
 *   "drive-scsi0: transferred 1.0 GiB of 32.0 GiB (3.12%) in 9s"
 *   "transferred 3.2 GiB of 32.0 GiB (10.00%)"
 *   "migration status: active (transferred 123, remaining 456), total
 *    789)" (older qemu-server, bytes)
 *   "INFO:  45% (14.4 GiB of 32.0 GiB) in 1m, read: ..." (vzdump)
 *   "INFO: status: 45% (...)", "migration status: completed",
 *   "progress 45%", "(45.00/100%)"
 * Returns 1 and fills p when the line tells progress, else 0.  Pure: no
 * I/O (tests/unit/mutate.c).
 */
int pve_progress_parse(const char *line, struct pve_progress *p);

#endif
