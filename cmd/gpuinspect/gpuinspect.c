/*
 * gpuinspect -- a node's IOMMU groups for PCI passthrough: the groups
 * and their devices read over SSH from /sys/kernel/iommu_groups (one
 * fixed script, no value of px's in it), each device's driver (vfio-pci
 * or not), its name from the API (GET /nodes/N/hardware/pci) and the
 * guests whose hostpciN entries name it (their configs, as px hw
 * passthrough reads them), directly or through a PCI mapping
 * (hostpciN: mapping=NAME, resolved to the node's devices by GET
 * /cluster/mapping/pci).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_pci.h"
#include "sshcli.h"

enum { O_NODE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_NODE, "node", "node", "the node" },
	PX_OPT_END
};

PX_COMMAND(gpuinspect, "a node's IOMMU groups, their devices, drivers and "
    "the guests that use them", opts, NULL, "--node node");
PX_ALIAS(gpu_inspect, "gpu-inspect", gpuinspect, 0,
    "the same as px gpuinspect");

static const struct out_col cols[] = {
	{ "group", OT_INT, 0 }, { "address", OT_STR, 0 },
	{ "ids", OT_STR, 0 }, { "class", OT_STR, OC_EXTRA },
	{ "name", OT_STR, 0 }, { "driver", OT_STR, 0 },
	{ "vfio", OT_BOOL, 0 }, { "group_size", OT_INT, OC_EXTRA },
	{ "guests", OT_STR, 0 },
};

/* Prints "GROUP ADDRESS VENDOR DEVICE CLASS DRIVER" per device. */
static const char script[] =
	"for d in /sys/kernel/iommu_groups/*/devices/*; do "
	"[ -e \"$d\" ] || continue; "
	"g=${d#/sys/kernel/iommu_groups/}; g=${g%%/*}; a=${d##*/}; "
	"drv=-; [ -e \"$d/driver\" ] && drv=$(basename \"$(readlink "
	"\"$d/driver\")\"); "
	"printf '%s %s %s %s %s %s\\n' \"$g\" \"$a\" \"$(cat \"$d/vendor\")\" "
	"\"$(cat \"$d/device\")\" \"$(cat \"$d/class\")\" \"$drv\"; "
	"done";

struct dev {
	int group;
	char addr[16], vendor[8], device[8], class[8], driver[64];
	char name[260];
	struct buf guests;
	int group_size;
};

static int
hexid(const char *s, char *out)
{
	if (strlen(s) < 6 || s[0] != '0' || s[1] != 'x' ||
	    strspn(s + 2, "0123456789abcdef") != strlen(s + 2) ||
	    strlen(s + 2) > 6)
		return -1;
	snprintf(out, 8, "%s", s + 2);
	return 0;
}

/* One line of the script's output; -1 when malformed. */
static int
parse_dev(char *line, struct dev *d)
{
	char g[16], a[32], v[16], dv[16], c[16], drv[64];
	char *end;
	long n;

	memset(d, 0, sizeof(*d));
	if (sscanf(line, "%15s %31s %15s %15s %15s %63s", g, a, v, dv, c,
	    drv) != 6)
		return -1;
	n = strtol(g, &end, 10);
	if (*end || n < 0 || n > 1000000)
		return -1;
	d->group = (int)n;
	if (strlen(a) != 12 || a[4] != ':' || a[7] != ':' || a[10] != '.' ||
	    strspn(a, "0123456789abcdef:.") != 12)
		return -1;
	memcpy(d->addr, a, 13);	/* 12 characters, checked */
	if (hexid(v, d->vendor) || hexid(dv, d->device) ||
	    hexid(c, d->class))
		return -1;
	if (strspn(drv, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(drv))
		return -1;
	snprintf(d->driver, sizeof(d->driver), "%s", strcmp(drv, "-") ?
	    drv : "");
	return 0;
}

static int
by_group(const void *a, const void *b)
{
	const struct dev *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

/*
 * Guest g's mapped entry p (hostpciN: mapping=NAME): the devices the
 * mapping gives on node (PVE takes the first free of them when the
 * guest starts) are used by g: "100 (hostpci0, mapping gpu)", "one of
 * 2" when the mapping has several on the node.  A mapping that names
 * no device of the node is a warning: the guest cannot start there.
 */
static void
mapped_uses(struct dev *d, int nd, const struct pve_guest *g,
    const struct pve_passthru *p, const struct pve_hwmap *maps, int nmaps,
    const char *node)
{
	int ncand = 0;

	for (int m = 0; m < nmaps; m++)
		ncand += strcmp(maps[m].id, p->mapping) == 0 &&
		    strcmp(maps[m].node, node) == 0 && maps[m].path[0];
	if (ncand == 0) {
		px_warn("guest %d: %s: mapping %s has no device on %s", g->vmid,
		    p->key, p->mapping, node);
		return;
	}
	for (int m = 0; m < nmaps; m++) {
		struct pve_passthru one = *p;

		if (strcmp(maps[m].id, p->mapping) != 0 ||
		    strcmp(maps[m].node, node) != 0 || !maps[m].path[0])
			continue;
		snprintf(one.host, sizeof(one.host), "%s", maps[m].path);
		one.mapping[0] = '\0';
		for (int k = 0; k < nd; k++) {
			struct pve_pci dev = { 0 };
			char many[32] = "";

			snprintf(dev.id, sizeof(dev.id), "%s", d[k].addr);
			if (!pve_passthru_has_pci(&one, &dev))
				continue;
			if (ncand > 1)
				snprintf(many, sizeof(many), ", one of %d",
				    ncand);
			buf_printf(&d[k].guests, "%s%d (%s, mapping %s%s)",
			    d[k].guests.len ? ", " : "", g->vmid, p->key,
			    p->mapping, many);
		}
	}
}

int
gpuinspect_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct sshcli s;
	struct ssh_result r;
	struct px_err e = { 0 };
	struct px_reply rp = { 0 };
	struct pve_pci *pci = NULL;
	struct pve_guest *g = NULL;
	struct pve_hwmap *maps = NULL;
	struct dev *d = NULL;
	struct out *o;
	const char *node = NULL;
	const char *args[] = { "sh", "-c", script, NULL };
	char *text, *save = NULL, *line;
	int ch, npci = 0, ng = 0, nd = 0, nmaps = 0, bad = 0, rc = 0;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_gpuinspect, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_NODE:
			node = go.arg;
			break;
		default:
			px_usage(&px_cmd_gpuinspect);
		}
	}
	if (go.ind != argc || node == NULL)
		px_usage(&px_cmd_gpuinspect);
	sshcli_open(&s, &x);
	{
		char *want[1] = { (char *)node };

		sshcli_pick(&s, want, 1);
	}
	if (ssh_run(s.pool, node, args, -1, NULL, NULL, &r, &e) != 0)
		px_die(&e);
	if (r.status != 0)
		px_errx(PX_EXIT_FAIL, "%s: reading /sys/kernel/iommu_groups "
		    "failed (status %d)", node, r.status);
	text = px_xstrdup(r.out.len ? r.out.p : "");
	for (line = strtok_r(text, "\n", &save); line && nd < 4096;
	    line = strtok_r(NULL, "\n", &save)) {
		d = px_xrealloc(d, (nd + 1) * sizeof(*d));
		if (parse_dev(line, &d[nd]) != 0)
			bad++;
		else
			nd++;
	}
	free(text);
	ssh_result_free(&r);
	if (bad)
		px_warn("%s: %d line%s of the IOMMU listing could not be read",
		    node, bad, bad == 1 ? "" : "s");
	if (nd == 0)
		px_warn("%s has no IOMMU groups: the IOMMU is off (intel_iommu="
		    "on / amd_iommu, and VT-d or AMD-Vi in the firmware)", node);
	if (nd)
		qsort(d, nd, sizeof(*d), by_group);
	for (int i = 0; i < nd; i++)
		for (int k = 0; k < nd; k++)
			d[i].group_size += d[k].group == d[i].group;

	/* the API's names of the devices */
	if (pve_get(x.client, &rp, &e, "/nodes/%s/hardware/pci", node) == 0 &&
	    pve_pci_parse(&rp.j, rp.data, &pci, &npci, &e) == 0) {
		for (int i = 0; i < nd; i++)
			for (int k = 0; k < npci; k++)
				if (strcmp(pci[k].id, d[i].addr) == 0)
					snprintf(d[i].name, sizeof(d[i].name),
					    "%s %s", pci[k].vendor_name,
					    pci[k].device_name);
	} else {
		px_warn("%s: the device names: %s", node, e.msg);
	}
	px_reply_free(&rp);

	/* the PCI mappings (a cluster without any, or a PVE before 8.0,
	 * has none) */
	if (pve_get(x.client, &rp, &e, "/cluster/mapping/pci") == 0) {
		if (pve_hwmap_parse(&rp.j, rp.data, &maps, &nmaps, &e) != 0) {
			px_warn("the PCI mappings: %s", e.msg);
			maps = NULL;
			nmaps = 0;
		}
	} else if (e.id != PXE_NOT_FOUND) {
		px_warn("the PCI mappings: %s", e.msg);
	}
	px_reply_free(&rp);

	/* the guests that pass a device through */
	if (pve_guests(x.client, &g, &ng, &e) != 0)
		px_die(&e);
	for (int i = 0; i < ng; i++) {
		struct pve_passthru *p = NULL;
		int np = 0;

		if (strcmp(g[i].node, node) != 0 ||
		    strcmp(g[i].type, "qemu") != 0)
			continue;
		if (pve_get(x.client, &rp, &e, "/nodes/%s/qemu/%d/config",
		    node, g[i].vmid) != 0 ||
		    pve_passthru_parse(&rp.j, rp.data, &p, &np, &e) != 0) {
			px_warn("guest %d: %s", g[i].vmid, e.msg);
			px_reply_free(&rp);
			rc = PX_EXIT_FAIL;
			continue;
		}
		for (int q = 0; q < np; q++) {
			if (strcmp(p[q].kind, "pci") != 0)
				continue;
			if (p[q].mapping[0])
				mapped_uses(d, nd, &g[i], &p[q], maps,
				    nmaps, node);
			for (int k = 0; k < nd; k++) {
				struct pve_pci one = { 0 };

				snprintf(one.id, sizeof(one.id), "%s",
				    d[k].addr);
				if (p[q].mapping[0] == '\0' &&
				    pve_passthru_has_pci(&p[q], &one))
					buf_printf(&d[k].guests, "%s%d (%s)",
					    d[k].guests.len ? ", " : "",
					    g[i].vmid, p[q].key);
			}
		}
		free(p);
		px_reply_free(&rp);
	}

	o = out_new(&x.out, cols, 9);
	for (int i = 0; i < nd; i++) {
		char ids[16];

		snprintf(ids, sizeof(ids), "%s:%s", d[i].vendor, d[i].device);
		out_row(o);
		out_int(o, 0, d[i].group);
		out_str(o, 1, d[i].addr);
		out_str(o, 2, ids);
		out_str(o, 3, d[i].class);
		out_str(o, 4, d[i].name[0] ? d[i].name : NULL);
		out_str(o, 5, d[i].driver[0] ? d[i].driver : NULL);
		out_bool(o, 6, strcmp(d[i].driver, "vfio-pci") == 0);
		out_int(o, 7, d[i].group_size);
		out_str(o, 8, d[i].guests.len ? d[i].guests.p : NULL);
		buf_free(&d[i].guests);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	if (rc == 0 && bad)
		rc = PX_EXIT_FAIL;
	out_free(o);
	free(d);
	free(pci);
	free(maps);
	free(g);
	sshcli_free(&s);
	cli_free(&x);
	return rc;
}
