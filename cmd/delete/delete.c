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

#include "enc.h"
#include "mutate.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(delete, "destroy stopped guests and follow their tasks",
    "usage: px delete [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--destroy-unreferenced-disks] [--no-wait] "
    "[--policy all | canary[=N] | rolling[=K]] [--purge] "
    "[--timeout seconds] vmid ...\n");

struct delete {
	struct batch *b;
	int purge;
	int unreferenced;
};

static int
build(void *arg, const struct pve_guest *g, struct gate_req *r,
    struct buf *path, struct buf *form, char *summary, size_t n,
    struct px_err *e)
{
	struct delete *d = arg;
	char name[192];
	int running;

	mutate_guest_name(g, name, sizeof(name));
	snprintf(summary, n, "delete %s on %s%s", name, g->node,
	    d->purge ? " and purge it from jobs and HA" : "");
	/* A guest that runs is left to the gate's Running finding (exit 6)
	 * unless --allow-risk, which must not reach a running guest's
	 * destroy: refuse here with the same status. */
	if ((running = mutate_guest_running(d->b->x->client, g, e)) < 0)
		return -1;
	if (running && d->b->g.allow_risk) {
		px_fail(e, PXE_REFUSED_RISK, "%s is running on %s: px does not "
		    "delete a running guest, even with --allow-risk", name,
		    g->node);
		px_hint(e, "stop it first: px stop %d", g->vmid);
		return -1;
	}
	pve_guest_path(path, g->node, g->type, g->vmid);
	if (d->purge)
		form_add(form, "purge", "1");
	if (d->unreferenced)
		form_add(form, "destroy-unreferenced-disks", "1");
	r->method = "DELETE";
	r->destructive = 1;
	r->recheck = mutate_recheck_stopped;
	return 0;
}

int
delete_main(int argc, char **argv)
{
	enum { O_POLICY = MUTATE_O_OWN, O_PURGE, O_UNREFERENCED };
	static const struct option longopts[] = {
		PX_COMMON_LONG,
		MUTATE_LONG,
		{ "destroy-unreferenced-disks", no_argument, NULL,
		    O_UNREFERENCED },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "purge", no_argument, NULL, O_PURGE },
		{ NULL, 0, NULL, 0 }
	};
	struct px_cli x;
	struct batch b;
	struct delete d = { &b, 0, 0 };
	struct px_err e = { 0 };
	int ch, n, rc, *vmids;

	cli_init(&x);
	mutate_init(&b, &x);
	while ((ch = getopt_long(argc, argv, PX_COMMON_SHORT MUTATE_SHORT,
	    longopts, NULL)) != -1) {
		if (mutate_opt(&b, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_delete);
		case O_POLICY:
			if (batch_parse_policy(&b, optarg) != 0)
				px_errx(PX_EXIT_USAGE, "--policy: all, "
				    "canary[=N] or rolling[=K], not '%s'",
				    optarg);
			break;
		case O_PURGE:
			d.purge = 1;
			break;
		case O_UNREFERENCED:
			d.unreferenced = 1;
			break;
		default:
			px_usage(&px_cmd_delete);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		px_usage(&px_cmd_delete);
	if (b.no_wait && b.policy != BATCH_ALL)
		px_errx(PX_EXIT_USAGE, "--policy %s needs to wait for each "
		    "task: not with --no-wait", b.policy == BATCH_CANARY ?
		    "canary" : "rolling");
	vmids = batch_vmids(argc, argv, &n);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	rc = batch_run(&b, "delete", vmids, n, build, &d);
	free(vmids);
	mutate_free(&b);
	cli_free(&x);
	return rc;
}
