/*
 * disks -- the physical disks of the nodes and their SMART health.
 *
 * "list" reads /nodes/{node}/disks/list from every node (or one) in one
 * parallel round.  "smart" without --disk reads the SMART health of every
 * disk of those nodes (one more parallel round); with --disk it shows
 * that disk's attributes, or its text report for NVMe and SAS disks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_fanout.h"
#include "pve_node.h"

enum { O_DISK = PX_O_LONG, O_NODE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_DISK, "disk", "disk",
	    "with smart: only this device (/dev/sda); needs --node" },
	{ O_NODE, "node", "node", "only this node" },
	PX_OPT_END
};

PX_COMMAND(disks, "physical disks of the nodes and their SMART health",
    opts, NULL, "list | smart");

static const struct out_col list_cols[] = {
	{ "node", OT_STR, 0 }, { "devpath", OT_STR, 0 },
	{ "type", OT_STR, 0 }, { "size", OT_BYTES, 0 },
	{ "model", OT_STR, 0 }, { "serial", OT_STR, 0 },
	{ "health", OT_STR, 0 }, { "wearout", OT_INT, 0 },
	{ "used", OT_STR, 0 }, { "gpt", OT_BOOL, OC_EXTRA },
	{ "mounted", OT_BOOL, OC_EXTRA }, { "vendor", OT_STR, OC_EXTRA },
	{ "wwn", OT_STR, OC_EXTRA }, { "rpm", OT_INT, OC_EXTRA },
	{ "osdid", OT_INT, OC_EXTRA }, { "error", OT_STR, OC_EXTRA },
};
static const struct out_col health_cols[] = {
	{ "node", OT_STR, 0 }, { "disk", OT_STR, 0 }, { "health", OT_STR, 0 },
	{ "type", OT_STR, 0 }, { "attributes", OT_INT, 0 },
	{ "failing", OT_STR, 0 }, { "error", OT_STR, OC_EXTRA },
};
static const struct out_col attr_cols[] = {
	{ "node", OT_STR, 0 }, { "disk", OT_STR, 0 }, { "id", OT_INT, 0 },
	{ "name", OT_STR, 0 }, { "value", OT_INT, 0 }, { "worst", OT_INT, 0 },
	{ "threshold", OT_INT, 0 }, { "raw", OT_STR, 0 },
	{ "fail", OT_STR, 0 }, { "flags", OT_STR, OC_EXTRA },
};
#define NCOLS(a)	((int)(sizeof(a) / sizeof((a)[0])))
#define S(s)		((s)[0] ? (s) : NULL)

struct dk {
	struct px_client *c;
	struct out *o;
	const char *only;
	struct pve_node *nodes;
	int nnodes, failed;
};

static void
node_error(struct dk *d, int i, const struct px_err *e, int ecol)
{
	if (d->only)
		px_die(e);
	out_row(d->o);
	out_row_error(d->o);
	out_str(d->o, 0, d->nodes[i].name);
	out_str(d->o, ecol, e->msg);
	if (d->nodes[i].online)	/* an offline node is no failure */
		px_warn("%s: %s", d->nodes[i].name, e->msg);
	d->failed += d->nodes[i].online;
}

/* The disks of every node; *per[i] for nodes[i].  Failed nodes get an
 * error row when rows is set. */
static void
read_disks(struct dk *d, struct pve_disk **per, int *nper, int rows)
{
	struct px_call *k = pve_node_fanout(d->c, d->nodes, d->nnodes,
	    "/disks/list");
	struct px_err e;

	for (int i = 0; i < d->nnodes; i++) {
		struct px_reply r;

		per[i] = NULL;
		nper[i] = 0;
		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_disks_parse(&r.j, r.data, &per[i], &nper[i], &e)) {
			px_reply_free(&r);
			px_call_free(&k[i]);
			node_error(d, i, &e, rows ? NCOLS(list_cols) - 1 :
			    NCOLS(health_cols) - 1);
			continue;
		}
		px_reply_free(&r);
		px_call_free(&k[i]);
	}
	free(k);
}

static void
list(struct dk *d)
{
	struct pve_disk **per = px_xcalloc((size_t)d->nnodes + 1,
	    sizeof(*per));
	int *nper = px_xcalloc((size_t)d->nnodes + 1, sizeof(*nper));

	read_disks(d, per, nper, 1);
	for (int i = 0; i < d->nnodes; i++) {
		for (int q = 0; q < nper[i]; q++) {
			const struct pve_disk *x = &per[i][q];

			out_row(d->o);
			out_str(d->o, 0, d->nodes[i].name);
			out_str(d->o, 1, x->devpath);
			out_str(d->o, 2, S(x->type));
			out_uint(d->o, 3, x->size);
			out_str(d->o, 4, S(x->model));
			out_str(d->o, 5, S(x->serial));
			out_str(d->o, 6, S(x->health));
			if (x->wearout >= 0)
				out_int(d->o, 7, x->wearout);
			out_str(d->o, 8, S(x->used));
			out_bool(d->o, 9, x->gpt);
			out_bool(d->o, 10, x->mounted);
			out_str(d->o, 11, S(x->vendor));
			out_str(d->o, 12, S(x->wwn));
			if (x->rpm > 0)
				out_int(d->o, 13, x->rpm);
			if (x->osdid >= 0)
				out_int(d->o, 14, x->osdid);
		}
		free(per[i]);
	}
	free(per);
	free(nper);
}

static void
smart_path(struct buf *p, const char *node, const char *disk)
{
	buf_adds(p, "/nodes/");
	url_seg(p, node);
	buf_adds(p, "/disks/smart?disk=");
	url_seg(p, disk);
}

/* SMART health of every disk of every node, one parallel round. */
static void
health(struct dk *d)
{
	struct pve_disk **per = px_xcalloc((size_t)d->nnodes + 1,
	    sizeof(*per));
	int *nper = px_xcalloc((size_t)d->nnodes + 1, sizeof(*nper));
	struct px_call *k;
	int total = 0, m = 0;

	read_disks(d, per, nper, 0);
	for (int i = 0; i < d->nnodes; i++)
		total += nper[i];
	k = px_xcalloc((size_t)total + 1, sizeof(*k));
	for (int i = 0; i < d->nnodes; i++)
		for (int q = 0; q < nper[i]; q++) {
			struct buf p = { 0 };

			smart_path(&p, d->nodes[i].name, per[i][q].devpath);
			px_call_init(&k[m++], d->c, "GET", NULL, "%s",
			    buf_str(&p));
			buf_free(&p);
		}
	pve_calls_run(k, m);
	m = 0;
	for (int i = 0; i < d->nnodes; i++) {
		for (int q = 0; q < nper[i]; q++, m++) {
			struct px_reply r;
			struct pve_smart s;
			struct px_err e;
			struct buf fail = { 0 };

			out_row(d->o);
			out_str(d->o, 0, d->nodes[i].name);
			out_str(d->o, 1, per[i][q].devpath);
			if (pve_call_reply(&k[m], &r, &e) != 0 ||
			    pve_smart_parse(&r.j, r.data, &s, &e) != 0) {
				px_reply_free(&r);
				out_row_error(d->o);
				out_str(d->o, 2, "error");
				out_str(d->o, 6, e.msg);
				continue;
			}
			for (int a = 0; a < s.nattr; a++)
				if (s.attr[a].fail[0] && strcmp(s.attr[a].fail,
				    "-") != 0)
					buf_printf(&fail, "%s%s", fail.len ?
					    "," : "", s.attr[a].name);
			if (strcmp(s.health, "PASSED") && strcmp(s.health, "OK"))
				out_row_error(d->o);
			out_str(d->o, 2, S(s.health));
			out_str(d->o, 3, S(s.type));
			out_int(d->o, 4, s.nattr);
			out_str(d->o, 5, fail.len ? buf_str(&fail) : NULL);
			buf_free(&fail);
			pve_smart_free(&s);
			px_reply_free(&r);
		}
		free(per[i]);
	}
	for (int i = 0; i < total; i++)
		px_call_free(&k[i]);
	free(k);
	free(per);
	free(nper);
}

static void
attributes(struct dk *d, const char *disk)
{
	struct px_reply r;
	struct pve_smart s;
	struct px_err e;
	struct buf p = { 0 };

	smart_path(&p, d->only, disk);
	if (pve_get(d->c, &r, &e, "%s", buf_str(&p)) != 0 ||
	    pve_smart_parse(&r.j, r.data, &s, &e) != 0)
		px_die(&e);
	buf_free(&p);
	for (int a = 0; a < s.nattr; a++) {
		const struct pve_smart_attr *x = &s.attr[a];

		out_row(d->o);
		out_str(d->o, 0, d->only);
		out_str(d->o, 1, disk);
		out_int(d->o, 2, x->id);
		out_str(d->o, 3, x->name);
		if (x->value >= 0)
			out_int(d->o, 4, x->value);
		if (x->worst >= 0)
			out_int(d->o, 5, x->worst);
		if (x->threshold >= 0)
			out_int(d->o, 6, x->threshold);
		out_str(d->o, 7, S(x->raw));
		out_str(d->o, 8, S(x->fail));
		out_str(d->o, 9, S(x->flags));
	}
	/* NVMe and SAS: a text report instead of attributes, a row a line */
	for (char *t = s.nattr == 0 ? s.text : NULL, *nl; t && *t;
	    t = nl ? nl + 1 : t + strlen(t)) {
		if ((nl = strchr(t, '\n')) != NULL)
			*nl = '\0';
		out_row(d->o);
		out_str(d->o, 0, d->only);
		out_str(d->o, 1, disk);
		out_str(d->o, 7, t);
	}
	pve_smart_free(&s);
	px_reply_free(&r);
}

int
disks_main(int argc, char **argv)
{
	struct px_cli x;
	struct dk d = { 0 };
	struct px_err e = { 0 };
	const char *what, *disk = NULL;
	int ch, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_disks, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_DISK:
			if (strncmp(g.arg, "/dev/", 5) != 0 ||
			    strstr(g.arg, ".."))
				px_errx(PX_EXIT_USAGE, "--disk: '%s' is not a "
				    "device path such as /dev/sda", g.arg);
			disk = g.arg;
			break;
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			d.only = g.arg;
			break;
		default:
			px_usage(&px_cmd_disks);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1)
		px_usage(&px_cmd_disks);
	what = argv[0];
	if (strcmp(what, "list") != 0 && strcmp(what, "smart") != 0)
		px_errx(PX_EXIT_USAGE, "unknown view '%s' (list, smart)", what);
	if (disk && (strcmp(what, "smart") != 0 || d.only == NULL))
		px_errx(PX_EXIT_USAGE, "--disk goes with smart and --node");
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	d.c = x.client;
	if (disk) {
		d.o = out_new(&x.out, attr_cols, NCOLS(attr_cols));
		attributes(&d, disk);
	} else {
		if (pve_nodes_or_one(d.c, d.only, &d.nodes, &d.nnodes, &e))
			px_die(&e);
		if (strcmp(what, "list") == 0) {
			d.o = out_new(&x.out, list_cols, NCOLS(list_cols));
			list(&d);
		} else {
			d.o = out_new(&x.out, health_cols,
			    NCOLS(health_cols));
			health(&d);
		}
	}
	if (cli_print(&x, d.o, &e) != 0)
		rc = px_report(&e);
	else if (d.failed)
		rc = PX_EXIT_USAGE;
	out_free(d.o);
	free(d.nodes);
	cli_free(&x);
	return rc;
}
