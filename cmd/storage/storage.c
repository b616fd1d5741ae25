/*
 * storage -- the datacenter's storage definitions (GET /storage), or the
 * volumes on one storage of one node (GET
 * /nodes/{node}/storage/{storage}/content, filtered by --content).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_cluster.h"

enum { O_CONTENT = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_CONTENT, "content",
	    "iso | vztmpl | backup | images | rootdir | snippets | import",
	    "with content: only volumes of this type" },
	PX_OPT_END
};

PX_COMMAND(storage, "list storage definitions, or the volumes on a storage",
    opts, NULL, "list | content node storage");

static const struct out_col list_cols[] = {
	{ "storage", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "content", OT_STR, 0 }, { "shared", OT_BOOL, 0 },
	{ "disable", OT_BOOL, 0 }, { "nodes", OT_STR, 0 },
	{ "path", OT_STR, OC_EXTRA }, { "server", OT_STR, OC_EXTRA },
	{ "pool", OT_STR, OC_EXTRA },
};
static const struct out_col content_cols[] = {
	{ "volid", OT_STR, 0 }, { "content", OT_STR, 0 },
	{ "format", OT_STR, 0 }, { "size", OT_BYTES, 0 },
	{ "used", OT_BYTES, OC_EXTRA }, { "vmid", OT_INT, 0 },
	{ "ctime", OT_TIME, 0 }, { "protected", OT_BOOL, OC_EXTRA },
	{ "verified", OT_STR, OC_EXTRA }, { "notes", OT_STR, OC_EXTRA },
	{ "storage", OT_STR, OC_EXTRA }, { "node", OT_STR, OC_EXTRA },
};

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

static struct out *
list(struct px_cli *x, struct px_reply *r, struct px_err *e)
{
	struct pve_storage_cfg *v;
	struct out *o;
	int n;

	if (pve_storage_cfg_parse(&r->j, r->data, &v, &n, e) != 0)
		px_die(e);
	o = out_new(&x->out, list_cols, 9);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].storage);
		out_str(o, 1, v[i].type);
		out_str(o, 2, nz(v[i].content));
		out_bool(o, 3, v[i].shared);
		out_bool(o, 4, v[i].disable);
		out_str(o, 5, nz(v[i].nodes));
		out_str(o, 6, nz(v[i].path));
		out_str(o, 7, nz(v[i].server));
		out_str(o, 8, nz(v[i].pool));
	}
	free(v);
	return o;
}

static struct out *
content(struct px_cli *x, struct px_reply *r, const char *node,
    const char *storage, struct px_err *e)
{
	struct pve_volume *v;
	struct out *o;
	int n;

	if (pve_volumes_parse(&r->j, r->data, node, storage, &v, &n, e) != 0)
		px_die(e);
	o = out_new(&x->out, content_cols, 12);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].volid);
		out_str(o, 1, nz(v[i].content));
		out_str(o, 2, nz(v[i].format));
		out_uint(o, 3, v[i].size);
		if (v[i].used)
			out_uint(o, 4, v[i].used);
		if (v[i].vmid)
			out_int(o, 5, v[i].vmid);
		if (v[i].ctime)
			out_int(o, 6, v[i].ctime);
		out_bool(o, 7, v[i].protected);
		out_str(o, 8, nz(v[i].verify));
		out_str(o, 9, nz(v[i].notes));
		out_str(o, 10, v[i].storage);
		out_str(o, 11, v[i].node);
	}
	free(v);
	return o;
}

int
storage_main(int argc, char **argv)
{
	static const char *const kinds[] = { "iso", "vztmpl", "backup",
		"images", "rootdir", "snippets", "import", NULL };
	struct px_cli x;
	struct px_reply r;
	struct px_err e;
	struct out *o;
	struct buf p = { 0 };
	const char *kind = NULL;
	int ch, is_content, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_storage, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_CONTENT:
			for (int i = 0; kinds[i] && !kind; i++)
				if (strcmp(g.arg, kinds[i]) == 0)
					kind = kinds[i];
			if (!kind)
				px_errx(PX_EXIT_USAGE, "--content: '%s' is not "
				    "a content type (iso, vztmpl, backup, "
				    "images, rootdir, snippets, import)", g.arg);
			break;
		default:
			px_usage(&px_cmd_storage);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_storage);
	is_content = strcmp(argv[0], "content") == 0;
	if (!is_content && strcmp(argv[0], "list") != 0)
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, content "
		    "NODE STORAGE)", argv[0]);
	if (argc != (is_content ? 3 : 1))
		px_usage(&px_cmd_storage);
	if (kind && !is_content)
		px_errx(PX_EXIT_USAGE, "--content is for storage content");
	if (is_content) {
		if (!pve_valid_node(argv[1]))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    argv[1]);
		buf_adds(&p, "/nodes/");
		url_seg(&p, argv[1]);
		buf_adds(&p, "/storage/");
		url_seg(&p, argv[2]);
		buf_adds(&p, "/content");
		if (kind)
			buf_printf(&p, "?content=%s", kind);
	} else {
		buf_adds(&p, "/storage");
	}
	if (cli_connect(&x, &e) != 0 ||
	    pve_get(x.client, &r, &e, "%s", p.p) != 0)
		px_die(&e);
	o = is_content ? content(&x, &r, argv[1], argv[2], &e) :
	    list(&x, &r, &e);
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	buf_free(&p);
	cli_free(&x);
	return rc;
}
