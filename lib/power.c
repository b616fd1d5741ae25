/* power.c -- the shared body of px start, stop, shutdown, reboot, suspend
 * and resume. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "enc.h"
#include "power.h"
#include "pve_cond.h"
#include "pve_guest.h"

struct power {
	const char *action;
	long pve_timeout;	/* shutdown: PVE's timeout, -1 none */
	int force_stop;		/* shutdown */
};

static int
build(void *arg, const struct pve_guest *g, struct gate_req *r,
    struct buf *path, struct buf *form, char *summary, size_t n,
    struct px_err *e)
{
	struct power *p = arg;
	int lxc = strcmp(g->type, "lxc") == 0;

	(void)e;
	pve_guest_path(path, g->node, g->type, g->vmid);
	buf_printf(path, "/status/%s", p->action);
	if (strcmp(p->action, "shutdown") == 0) {
		if (p->force_stop)
			form_add(form, "forceStop", "1");
		if (p->pve_timeout >= 0)
			form_addf(form, "timeout", "%ld", p->pve_timeout);
	}
	r->method = "POST";
	r->destructive = strcmp(p->action, "stop") == 0;
	snprintf(summary, n, "%s %s %d (%s) on %s", p->action, lxc ? "CT" :
	    "VM", g->vmid, g->name[0] ? g->name : "no name", g->node);
	return 0;
}

int
power_main(const struct px_command *cmd, const char *action, int argc,
    char **argv)
{
	enum { O_ALLOW_RISK = 256, O_FORCE_STOP, O_NO_WAIT, O_POLICY,
		O_TIMEOUT };
	static const struct option longopts[] = {
		PX_COMMON_LONG,
		{ "allow-risk", no_argument, NULL, O_ALLOW_RISK },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force-stop", no_argument, NULL, O_FORCE_STOP },
		{ "help", no_argument, NULL, 'h' },
		{ "no-wait", no_argument, NULL, O_NO_WAIT },
		{ "policy", required_argument, NULL, O_POLICY },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct power p = { action, -1, 0 };
	struct px_cli x;
	struct batch b = { 0 };
	struct px_err e = { 0 };
	int shutdown = strcmp(action, "shutdown") == 0;
	int ch, n, rc, *vmids;
	double t;

	cli_init(&x);
	b.x = &x;
	gate_init(&b.g, &x);
	while ((ch = getopt_long(argc, argv, PX_COMMON_SHORT "hny", longopts,
	    NULL)) != -1) {
		if (ch != 's' && cli_opt(&x, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(cmd);
		case 'n':
			b.g.dry_run = 1;
			break;
		case 'y':
			b.g.yes = 1;
			break;
		case O_ALLOW_RISK:
			b.g.allow_risk = 1;
			break;
		case O_FORCE_STOP:
			if (!shutdown)
				px_usage(cmd);
			p.force_stop = 1;
			break;
		case O_NO_WAIT:
			b.no_wait = 1;
			break;
		case O_POLICY:
			if (batch_parse_policy(&b, optarg) != 0)
				px_errx(PX_EXIT_USAGE, "--policy: all, "
				    "canary[=N] or rolling[=K], not '%s'",
				    optarg);
			break;
		case O_TIMEOUT:
			if ((t = pve_parse_seconds(optarg)) < 0)
				px_errx(PX_EXIT_USAGE, "--timeout: not a "
				    "duration: '%s'", optarg);
			if (shutdown)
				p.pve_timeout = (long)t;
			else
				b.timeout = t;
			break;
		default:
			px_usage(cmd);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		px_usage(cmd);
	if (b.no_wait && b.policy != BATCH_ALL)
		px_errx(PX_EXIT_USAGE, "--policy %s needs to wait for each "
		    "task: not with --no-wait", b.policy == BATCH_CANARY ?
		    "canary" : "rolling");
	vmids = batch_vmids(argc, argv, &n);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	rc = batch_run(&b, action, vmids, n, build, &p);
	free(vmids);
	gate_free(&b.g);
	cli_free(&x);
	return rc;
}
