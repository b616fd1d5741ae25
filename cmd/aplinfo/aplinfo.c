/*
 * aplinfo -- the container templates PVE offers for download (GET
 * /nodes/{node}/aplinfo: the Proxmox and TurnKey catalogues a node has
 * fetched) and their download to a storage (POST /nodes/{node}/aplinfo,
 * a task), through the gate.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_files.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_MUTATE,
	PX_OPT_END
};

PX_COMMAND(aplinfo, "list the container templates PVE offers, or "
    "download one to a storage", opts, NULL,
    "[node] | download node storage template");

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

static int
list(struct objcli *oc, const char *node)
{
	struct buf p = { 0 };
	int rc;

	aplinfo_path(&p, node);
	rc = objcli_list(oc, p.p, cols, (int)(sizeof(cols) / sizeof(cols[0])),
	    NULL, NULL);
	buf_free(&p);
	return rc;
}

/* Whether node's catalogue offers template. */
static int
offered(struct objcli *oc, const char *node, const char *tpl)
{
	struct px_reply r;
	struct buf p = { 0 };
	int k, found = 0;

	aplinfo_path(&p, node);
	objcli_get(oc, &r, "%s", p.p);
	buf_free(&p);
	if (json_type(&r.j, r.data) == JSON_ARRAY)
		for (int i = 0; (k = json_at(&r.j, r.data, i)) >= 0; i++) {
			char v[512];
			int f = json_get(&r.j, k, "template");

			if (f >= 0 && json_strcpy(&r.j, f, v, sizeof(v)) >= 0 &&
			    strcmp(v, tpl) == 0)
				found = 1;
		}
	px_reply_free(&r);
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
