/*
 * aplinfo -- the container templates PVE offers for download (GET
 * /nodes/{node}/aplinfo: the Proxmox and TurnKey catalogues a node has
 * fetched) and their download to a storage (POST /nodes/{node}/aplinfo,
 * a task), through the gate.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_aplinfo.h"
#include "pve_files.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_MUTATE,
	PX_OPT_END
};

PX_COMMAND(aplinfo, "list the container templates PVE offers, or "
    "download one to a storage", opts, NULL,
    "[node] | download node storage template");

/* in the order of enum pve_apl_field (pve_aplinfo.h) */
static const struct out_col cols[] = {
	{ "template", OT_STR, 0 }, { "section", OT_STR, 0 },
	{ "os", OT_STR, 0 }, { "version", OT_STR, 0 },
	{ "headline", OT_STR, 0 }, { "package", OT_STR, OC_EXTRA },
	{ "type", OT_STR, OC_EXTRA }, { "architecture", OT_STR, OC_EXTRA },
	{ "location", OT_STR, OC_EXTRA }, { "sha512sum", OT_STR, OC_EXTRA },
	{ "source", OT_STR, OC_EXTRA }, { "infopage", OT_STR, OC_EXTRA },
	{ "maintainer", OT_STR, OC_EXTRA },
	{ "description", OT_STR, OC_EXTRA },
};

/* The first online node: the catalogue is the same on every node. */
static void
first_node(struct objcli *oc, char *node, size_t size)
{
	struct pve_node *v = NULL;
	struct px_err e = { 0 };
	int n = 0;

	objcli_connect(oc);
	if (pve_nodes(oc->m.x.client, &v, &n, &e) != 0)
		px_die(&e);
	node[0] = '\0';
	for (int i = 0; i < n && !node[0]; i++)
		if (v[i].online)
			snprintf(node, size, "%s", v[i].name);
	free(v);
	if (!node[0])
		px_errx(PX_EXIT_UNAVAIL, "no node is online");
}

static void
check_node(const char *node)
{
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name", node);
}

/* The path of node's aplinfo. */
static void
aplinfo_path(struct buf *p, const char *node)
{
	buf_adds(p, "/nodes/");
	url_seg(p, node);
	buf_adds(p, "/aplinfo");
}

/* The catalogue of node, read: *v, *n (exits on failure). */
static void
catalogue(struct objcli *oc, const char *node, struct pve_apl **v, int *n)
{
	struct px_reply r;
	struct buf p = { 0 };
	struct px_err e = { 0 };

	aplinfo_path(&p, node);
	objcli_get(oc, &r, "%s", p.p);
	if (pve_aplinfo_parse(&r.j, r.data, v, n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	buf_free(&p);
}

static int
list(struct objcli *oc, const char *node)
{
	struct pve_apl *v;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0, json = oc->m.x.out.fmt == OUT_JSON ||
	    oc->m.x.out.fmt == OUT_JSONL;

	catalogue(oc, node, &v, &n);
	o = out_new(&oc->m.x.out, cols, (int)(sizeof(cols) /
	    sizeof(cols[0])));
	for (int i = 0; i < n; i++) {
		if (v[i].bad) {
			char origin[100];

			/* reported; the command exits 1 (px_diag_status) */
			snprintf(origin, sizeof(origin), "GET /nodes/%.64s/"
			    "aplinfo", node);
			px_drop(origin, i, "not an object");
			continue;
		}
		out_row(o);
		for (int c = 0; c < APL_NFIELDS; c++) {
			char *s = v[i].f[c];

			if (s == NULL)
				continue;
			/* JSON keeps a description's lines (escaped by
			 * out); a table or TSV cell is one line */
			out_str(o, c, json ? s : text_sanitize(s));
		}
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	pve_aplinfo_free(v, n);
	return rc;
}

/* Whether node's catalogue offers template. */
static int
offered(struct objcli *oc, const char *node, const char *tpl)
{
	struct pve_apl *v;
	int n, found = 0;

	catalogue(oc, node, &v, &n);
	for (int i = 0; i < n; i++)
		if (v[i].f[APL_TEMPLATE] != NULL &&
		    strcmp(v[i].f[APL_TEMPLATE], tpl) == 0)
			found = 1;
	pve_aplinfo_free(v, n);
	return found;
}

static int
download(struct objcli *oc, const char *node, const char *storage,
    const char *tpl)
{
	struct objcli_change c = { .kind = "storage", .action = "download",
		.method = "POST" };
	struct pve_storage_status st;
	struct buf path = { 0 }, extra = { 0 };
	struct px_err e = { 0 };
	char summary[512], volid[400];
	int rc;

	check_node(node);
	if (!pve_valid_storage(storage))
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name", storage);
	if (pve_file_name_check(tpl, &e) != 0)
		px_errx(PX_EXIT_USAGE, "template: %s", e.msg);
	objcli_connect(oc);
	if (!offered(oc, node, tpl))
		px_errx(PX_EXIT_NOTFOUND, "%s offers no template '%s' (px "
		    "aplinfo %s lists them)", node, tpl, node);
	if (pve_storage_status_get(oc->m.x.client, node, storage, &st,
	    &e) != 0)
		px_die(&e);
	if (!pve_content_has(st.content, "vztmpl"))
		px_errx(PX_EXIT_USAGE, "storage %s holds no container "
		    "templates (vztmpl)", storage);
	aplinfo_path(&path, node);
	form_add(&extra, "storage", storage);
	form_add(&extra, "template", tpl);
	snprintf(volid, sizeof(volid), "%.100s:vztmpl/%.255s", storage, tpl);
	snprintf(summary, sizeof(summary), "download template %.255s to "
	    "storage %.100s on %.64s", tpl, storage, node);
	c.id = volid;
	c.summary = summary;
	c.path = path.p;
	c.extra = extra.p;
	c.node = node;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

int
aplinfo_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_getopt g;
	char node[64];
	int ch, rc;

	objcli_init(&oc, &px_cmd_aplinfo);
	px_getopt_init(&g, &px_cmd_aplinfo, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_aplinfo);
	}
	argc -= g.ind;
	argv += g.ind;
	objcli_no_params(&oc, "aplinfo");
	if (argc >= 1 && strcmp(argv[0], "download") == 0) {
		if (argc != 4)
			px_usage(&px_cmd_aplinfo);
		rc = download(&oc, argv[1], argv[2], argv[3]);
	} else if (argc <= 1) {
		if (argc == 1) {
			check_node(argv[0]);
			snprintf(node, sizeof(node), "%s", argv[0]);
		} else {
			first_node(&oc, node, sizeof(node));
		}
		rc = list(&oc, node);
	} else {
		px_usage(&px_cmd_aplinfo);
	}
	objcli_free(&oc);
	return rc;
}
