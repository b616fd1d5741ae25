/*
 * template -- convert a stopped guest into a template, through the gate
 * (lib/gate.h).  The conversion cannot be undone (its disks become
 * read-only base images), so px asks first, or needs -y.
 */
#include <stdio.h>
#include <string.h>

#include "mutate.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(template, "convert a guest into a template (irreversible)",
    "usage: px template [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--timeout seconds] vmid\n");

static int
build(void *arg, const struct pve_guest *g, struct gate_req *r,
    struct buf *path, struct buf *form, char *summary, size_t n,
    struct px_err *e)
{
	char name[192];

	(void)arg;
	(void)form;
	mutate_guest_name(g, name, sizeof(name));
	if (g->template) {
		px_fail(e, PXE_FAILURE, "%s is already a template", name);
		return -1;
	}
	pve_guest_path(path, g->node, g->type, g->vmid);
	buf_adds(path, "/template");
	r->method = "POST";
	r->destructive = 1;
	snprintf(summary, n, "convert %s on %s into a template (cannot be "
	    "undone)", name, g->node);
	return 0;
}

int
template_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		PX_COMMON_LONG,
		MUTATE_LONG,
		{ NULL, 0, NULL, 0 }
	};
	struct px_cli x;
	struct batch b;
	struct mutate_item it;
	struct pve_guest g;
	struct px_err e = { 0 };
	int ch, vmid, rc;

	cli_init(&x);
	mutate_init(&b, &x);
	while ((ch = getopt_long(argc, argv, PX_COMMON_SHORT MUTATE_SHORT,
	    longopts, NULL)) != -1) {
		if (mutate_opt(&b, ch, optarg))
			continue;
		if (ch == 'h')
			px_help_exit(&px_cmd_template);
		px_usage(&px_cmd_template);
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		px_usage(&px_cmd_template);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);
	rc = mutate_one(&b, "template", &g, build, NULL, NULL, NULL, &it);
	mutate_print(&x, &g, "template", &it);
	mutate_item_free(&it);
	mutate_free(&b);
	cli_free(&x);
	return rc;
}
