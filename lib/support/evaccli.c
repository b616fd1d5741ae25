/*
 * evaccli.c -- the plan and the progress of an evacuation on the
 * command line (evaccli.h).
 */
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "evaccli.h"
#include "diag.h"
#include "pve_check.h"

void
evaccli_show_plan(const struct pve_evac_plan *p, const char *what)
{
	fprintf(stderr, "%s: %s %s: %d guest%s (%d HA-managed)%s\n",
	    px_progname, what, p->node, p->n, p->n == 1 ? "" : "s", p->nha,
	    p->nblocked ? "" : ":");
	for (int i = 0; i < p->n; i++) {
		const struct pve_evac_item *it = &p->items[i];
		char name[192];

		pve_guest_label(&it->guest, name, sizeof(name));
		text_sanitize(name);
		if (it->blocked)
			fprintf(stderr, "  %-32s %-8s %s cannot move: %s\n",
			    name, it->guest.status, it->ha ? "HA" : "  ",
			    it->why);
		else
			fprintf(stderr, "  %-32s %-8s %s -> %s%s%s%s\n", name,
			    it->guest.status, it->ha ? "HA" : "  ",
			    it->target, it->note[0] ? "  (" : "", it->note,
			    it->note[0] ? ")" : "");
	}
}

void
evaccli_step(void *arg, const struct pve_evac_plan *p, int i,
    enum pve_evac_step st, const struct mut_row *row, const char *text,
    double pct, double secs)
{
	const struct pve_evac_item *it = &p->items[i];
	char name[192];

	(void)arg;
	(void)pct;
	if (st == PVE_EVAC_WOULD_SEND) {
		printf("would send: %s\n", text);
		return;
	}
	if (st != PVE_EVAC_DONE || strcmp(row->result, "skipped") == 0)
		return;
	if (strcmp(row->result, "refused") != 0) {
		pve_guest_label(&it->guest, name, sizeof(name));
		text_sanitize(name);
		fprintf(stderr, "%s: [%d/%d] %s -> %s%s: %s (%.0f s)\n",
		    px_progname, i + 1, p->n, name, it->target, it->ha ?
		    " (HA)" : "", row->failed ? "FAILED" : "ok", secs);
	}
	if (row->failed && row->err.id != PXE_OK)
		px_report(&row->err);
}
