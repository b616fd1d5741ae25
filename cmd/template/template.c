/*
 * template -- convert a stopped guest into a template, through the gate
 * (lib/gate.h).  The conversion cannot be undone (its disks become
 * read-only base images), so px asks first, or needs -y.
 */
#include <stdio.h>
#include <string.h>

#include "mutcli.h"
#include "pve_check.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE,
	PX_OPT_VERBOSE, PX_OPT_MUTATE,
	PX_OPT_END
};

PX_COMMAND(template, "convert a guest into a template (irreversible)",
    opts, NULL, "vmid");

int
template_main(int argc, char **argv)
{
	struct px_getopt g;
	struct mutcli m;
	struct gate_req r;
	struct gate_target *t;
	struct pve_guest gu;
	struct px_err e = { 0 };
	char name[192];
	int ch, vmid, rc;

	mutcli_init(&m, &px_cmd_template);
	px_getopt_init(&g, &px_cmd_template, argc, argv);
	while ((ch = px_getopt(&g)) != -1)
		if (!mutcli_opt(&m, ch, g.arg))
			px_usage(&px_cmd_template);
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1)
		px_usage(&px_cmd_template);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &gu, &e) != 0)
		px_die(&e);

	gate_req_init(&r, "template", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &gu);
	pve_guest_label(&gu, name, sizeof(name));
	t->call.method = "POST";
	pve_guest_path(&t->call.path, gu.node, gu.type, gu.vmid);
	buf_adds(&t->call.path, "/template");
	snprintf(t->summary, sizeof(t->summary), "convert %s on %s into a "
	    "template (cannot be undone)", name, gu.node);
	r.destructive = 1;
	gate_req_summarize(&r, "template");
	if (gu.template) {
		px_fail(&e, PXE_FAILURE, "%s is already a template", name);
		gate_refuse_target(&m.g, &r, 0, "refused-precondition", &e);
	}
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
	mutcli_free(&m);
	return rc;
}
