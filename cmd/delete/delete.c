/*
 * delete -- destroy guests, each through the gate (lib/gate.h), each task
 * followed to its end.  Right before a guest's request px reads its
 * status once more and refuses a guest that runs, whatever --allow-risk
 * says: PVE would refuse too, and px sends nothing it expects to fail on
 * a destroy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_op.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_PURGE = PX_O_LONG, O_UNREFERENCED };

static const struct px_opt opts[] = {
	PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE,
	PX_OPT_VERBOSE, PX_OPT_MUTATE,
	PX_OPT_POLICY,
	{ O_UNREFERENCED, "destroy-unreferenced-disks", NULL,
	    "also destroy disks that no config refers to" },
	{ O_PURGE, "purge", NULL, "remove the guest from backup jobs, "
	    "replication and HA too" },
	PX_OPT_END
};

PX_COMMAND(delete, "destroy stopped guests and follow their tasks", opts,
    NULL, "vmid ...");

int
delete_main(int argc, char **argv)
{
	struct px_getopt g;
	struct mutcli m;
	struct gate_req r;
	struct pve_guest *guests;
	int ch, rc, purge = 0, unreferenced = 0;

	mutcli_init(&m, &px_cmd_delete);
	px_getopt_init(&g, &px_cmd_delete, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&m, ch, g.arg))
			continue;
		switch (ch) {
		case O_PURGE:
			purge = 1;
			break;
		case O_UNREFERENCED:
			unreferenced = 1;
			break;
		default:
			px_usage(&px_cmd_delete);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_delete);
	guests = mutcli_guest_req(&m, &r, "delete", argc, argv);
	r.destructive = 1;
	for (int i = 0; i < r.n; i++)
		if (!r.t[i].refused)
			guest_op_delete(&r.t[i], &guests[i], purge,
			    unreferenced);
	gate_req_summarize(&r, "delete");
	/* A guest that runs is left to the gate's Running finding (exit 6)
	 * unless --allow-risk, which must not reach a running guest's
	 * destroy: refuse here with the same status. */
	for (int i = 0; i < r.n && m.g.allow_risk; i++) {
		struct px_err e = { 0 };
		char name[192];
		int running;

		if (r.t[i].refused)
			continue;
		pve_guest_label(&guests[i], name, sizeof(name));
		if ((running = pve_guest_running(m.x.client, &guests[i],
		    &e)) == 1) {
			px_fail(&e, PXE_REFUSED_RISK, "%s is running on %s: "
			    "px does not delete a running guest, even with "
			    "--allow-risk", name, guests[i].node);
			px_hint(&e, "stop it first: px stop %d",
			    guests[i].vmid);
		}
		if (running != 0)
			gate_refuse_target(&m.g, &r, i, "refused-precondition",
			    &e);
	}
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
	free(guests);
	mutcli_free(&m);
	return rc;
}
