/*
 * mapping -- the cluster's resource mappings (/cluster/mapping/{pci,
 * usb,dir}): the list of all three types, one mapping's node entries,
 * and their life cycle: create with one --map per node entry (PVE's
 * property string, checked here before anything is sent), set (the
 * entries replaced, the description, with PVE's digest so that a
 * change made meanwhile is refused) and delete -- each through the gate
 * (objcli.h) with the pre-flight checks of pve_objrisk_mapping.h: a
 * mapping that guests use is not deleted without --allow-risk.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_mapping.h"
#include "pve_objrisk_mapping.h"

enum { O_MAP = PX_O_LONG };

/* Enough --map entries for any cluster. */
enum { MAPS_MAX = 256, DESC_MAX = 4096 };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("description", "text", "create, set: the mapping's "
	    "description"),
	{ O_MAP, "map", "entry", "create, set: a node's entry, PVE's "
	    "property string (repeatable; set replaces them all)" },
	PX_PARAM("mdev", "0|1", "pci: the device provides mediated devices"),
	PX_PARAM("live-migration-capable", "0|1", "pci: the device can be "
	    "live-migrated (experimental)"),
	PX_PARAM("delete", "keys", "set: settings to remove (description, "
	    "mdev, live-migration-capable)"),
	PX_OPT_END
};

PX_COMMAND(mapping, "list, show, create, change and delete PCI, USB and "
    "directory mappings", opts, NULL, "list [type] | show type id | "
    "create type id | set type id | delete type id");

static const struct out_col list_cols[] = {
	{ "type", OT_STR, 0 }, { "id", OT_STR, 0 },
	{ "nodes", OT_STR, 0 }, { "entries", OT_INT, 0 },
	{ "description", OT_STR, 0 }, { "mdev", OT_BOOL, OC_EXTRA },
	{ "live-migration-capable", OT_BOOL, OC_EXTRA },
	{ "map", OT_STR, OC_EXTRA },
};
static const struct out_col entry_cols[] = {
	{ "node", OT_STR, 0 }, { "path", OT_STR, 0 }, { "id", OT_STR, 0 },
	{ "subsystem-id", OT_STR, OC_EXTRA },
	{ "iommugroup", OT_INT, OC_EXTRA },
	{ "description", OT_STR, 0 },
};

static const char *const types[] = { "pci", "usb", "dir" };

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

static void
check_type(const char *type)
{
	if (!pve_mapping_type_ok(type))
		px_errx(PX_EXIT_USAGE, "'%s' is not a mapping type (pci, usb, "
		    "dir)", type);
}

static void
check_id(const char *id)
{
	if (!pve_mapping_id_ok(id))
		px_errx(PX_EXIT_USAGE, "'%s' is not a mapping id (a letter, "
		    "then letters, digits, - and _)", id);
}

/* The rows of the mappings of one type. */
static void
list_rows(struct out *o, const struct pve_mapping *v, int n)
{
	for (int i = 0; i < n; i++) {
		struct buf nodes = { 0 }, map = { 0 };

		for (int k = 0; k < v[i].nmap; k++) {
			struct pve_mapping_entry en;
			int dup = 0;

			if (map.len)
				buf_adds(&map, " | ");
			buf_adds(&map, v[i].map[k]);
			if (pve_mapping_entry_parse(v[i].map[k], &en) != 0)
				continue;
			for (int q = 0; q < k && !dup; q++) {
				struct pve_mapping_entry pe;

				dup = pve_mapping_entry_parse(v[i].map[q],
				    &pe) == 0 && strcmp(pe.node, en.node) == 0;
			}
			if (dup)
				continue;
			if (nodes.len)
				buf_addc(&nodes, ',');
			buf_adds(&nodes, en.node);
		}
		out_row(o);
		out_str(o, 0, v[i].type);
		out_str(o, 1, v[i].id);
		out_str(o, 2, nodes.len ? nodes.p : NULL);
		out_int(o, 3, v[i].nmap);
		out_str(o, 4, nz(v[i].description));
		if (strcmp(v[i].type, "pci") == 0) {
			out_bool(o, 5, v[i].mdev > 0);
			out_bool(o, 6, v[i].live_migration > 0);
		}
		out_str(o, 7, map.len ? map.p : NULL);
		buf_free(&nodes);
		buf_free(&map);
	}
}

static int
mapping_list(struct objcli *oc, const char *only)
{
	struct px_cli *x = &oc->m.x;
	struct out *o;
	struct px_err e = { 0 };
	int rc = 0;

	objcli_connect(oc);
	o = out_new(&x->out, list_cols, 8);
	for (int t = 0; t < 3; t++) {
		struct pve_mapping *v = NULL;
		struct px_reply r;
		int n = 0, dropped = 0;

		if (only && strcmp(only, types[t]) != 0)
			continue;
		if (pve_get(x->client, &r, &e, "/cluster/mapping/%s",
		    types[t]) != 0) {
			/* PVE before 8.4 has no directory mappings */
			if (only == NULL && (e.http == 501 ||
			    e.id == PXE_NOT_FOUND))
				continue;
			px_die(&e);
		}
		if (pve_mappings_parse(&r.j, r.data, types[t], &v, &n,
		    &dropped, &e) != 0)
			px_die(&e);
		for (int i = 0; i < dropped; i++) {
			char origin[64];

			snprintf(origin, sizeof(origin), "GET /cluster/mapping/"
			    "%s", types[t]);
			px_drop(origin, i, "not a mapping");
		}
		list_rows(o, v, n);
		pve_mappings_free(v, n);
		px_reply_free(&r);
	}
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

/* GET one mapping into m; exit 5 when PVE does not know it. */
static void
fetch(struct objcli *oc, const char *type, const char *id,
    struct pve_mapping *m)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf p = { 0 };

	objcli_connect(oc);
	buf_printf(&p, "/cluster/mapping/%s/", type);
	url_seg(&p, id);
	if (pve_get(oc->m.x.client, &r, &e, "%s", p.p) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    e.http == 500 && strstr(e.msg, "not found")))
			px_errx(PX_EXIT_NOTFOUND, "no %s mapping '%s'", type,
			    id);
		px_die(&e);
	}
	if (pve_mapping_parse(&r.j, r.data, type, id, m, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	buf_free(&p);
}

static int
mapping_show(struct objcli *oc, const char *type, const char *id)
{
	struct px_cli *x = &oc->m.x;
	struct pve_mapping m;
	struct px_err e = { 0 };
	struct out *o;
	int rc = 0;

	fetch(oc, type, id, &m);
	o = out_new(&x->out, entry_cols, 6);
	for (int i = 0; i < m.nmap; i++) {
		struct pve_mapping_entry en;

		if (pve_mapping_entry_parse(m.map[i], &en) != 0) {
			char origin[200];

			snprintf(origin, sizeof(origin), "%s mapping %s", type,
			    id);
			px_drop(origin, i, "an entry without node=");
			continue;
		}
		out_row(o);
		out_str(o, 0, en.node);
		out_str(o, 1, nz(en.path));
		out_str(o, 2, nz(en.id));
		out_str(o, 3, nz(en.subsystem_id));
		if (en.iommugroup[0])
			out_int(o, 4, atoll(en.iommugroup));
		out_str(o, 5, nz(en.description));
	}
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	pve_mapping_free(&m);
	return rc;
}

/* The checked --map entries, form-encoded into form; a directory
 * mapping takes one entry per node. */
static void
maps_form(const char *type, const char **maps, int nmaps, struct buf *form)
{
	struct px_err e = { 0 };
	char entry[8400], node[64], seen[MAPS_MAX][64];

	for (int i = 0; i < nmaps; i++) {
		if (pve_mapping_entry_check(type, maps[i], entry,
		    sizeof(entry), &e) != 0)
			px_die(&e);
		pve_mapping_entry_node(entry, node, sizeof(node));
		for (int k = 0; k < i && strcmp(type, "dir") == 0; k++)
			if (strcmp(seen[k], node) == 0)
				px_errx(PX_EXIT_USAGE, "--map: node %s is given "
				    "twice (a directory mapping has one entry "
				    "per node)", node);
		snprintf(seen[i], sizeof(seen[i]), "%s", node);
		form_add(form, "map", entry);
	}
}

/* What the options say, checked before anything is sent. */
static void
check_params(const struct objcli *oc, const char *type, const char *desc)
{
	if (strcmp(type, "pci") != 0 && (objcli_has(oc, "mdev") ||
	    objcli_has(oc, "live-migration-capable")))
		px_errx(PX_EXIT_USAGE, "--mdev and --live-migration-capable "
		    "are for pci mappings");
	if (desc == NULL)
		return;
	if (strlen(desc) > DESC_MAX)
		px_errx(PX_EXIT_USAGE, "--description: longer than %d "
		    "characters", DESC_MAX);
	for (const char *p = desc; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			px_errx(PX_EXIT_USAGE, "--description: a control "
			    "character is not allowed");
}

static int
mapping_write(struct objcli *oc, const char *verb, const char *type,
    const char *id, const char **maps, int nmaps, const char *desc)
{
	struct objcli_change c = { .kind = "mapping" };
	struct objrisk_mapping risk = { type, id, OBJRISK_MAPPING_DELETE };
	struct buf path = { 0 }, extra = { 0 };
	struct pve_mapping m = { 0 };
	char summary[512], target[200];
	int rc;

	check_type(type);
	check_id(id);
	check_params(oc, type, desc);
	snprintf(target, sizeof(target), "%s/%s", type, id);
	c.id = target;
	c.action = verb;
	c.summary = summary;
	buf_printf(&path, "/cluster/mapping/%s", type);
	if (strcmp(verb, "create") == 0) {
		if (nmaps == 0)
			px_errx(PX_EXIT_USAGE, "create: give a --map entry per "
			    "node");
		if (objcli_has(oc, "delete"))
			px_errx(PX_EXIT_USAGE, "--delete is for set");
		form_add(&extra, "id", id);
		maps_form(type, maps, nmaps, &extra);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create %s mapping %s (%d "
		    "entr%s)", type, id, nmaps, nmaps == 1 ? "y" : "ies");
	} else if (strcmp(verb, "set") == 0) {
		if (nmaps == 0 && oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change (give "
			    "--map, --description, --delete or --raw)");
		fetch(oc, type, id, &m);
		maps_form(type, maps, nmaps, &extra);
		if (!objcli_has(oc, "digest") && m.digest[0])
			form_add(&extra, "digest", m.digest);
		buf_addc(&path, '/');
		url_seg(&path, id);
		c.method = "PUT";
		if (nmaps > 0) {
			risk.op = OBJRISK_MAPPING_SET_MAP;
			c.assess = objrisk_mapping;
			c.assess_arg = &risk;
		}
		snprintf(summary, sizeof(summary), "set %s mapping %s%s", type,
		    id, nmaps ? " (its node entries replaced)" : "");
	} else {
		if (nmaps > 0 || oc->nparams > 0)
			px_errx(PX_EXIT_USAGE, "delete takes no parameters");
		fetch(oc, type, id, &m);
		buf_addc(&path, '/');
		url_seg(&path, id);
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_mapping;
		c.assess_arg = &risk;
		snprintf(summary, sizeof(summary), "delete %s mapping %s", type,
		    id);
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	pve_mapping_free(&m);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

int
mapping_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_getopt g;
	const char *maps[MAPS_MAX];
	const char *verb, *desc = NULL;
	int ch, rc, nmaps = 0;

	objcli_init(&oc, &px_cmd_mapping);
	px_getopt_init(&g, &px_cmd_mapping, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (ch == PX_O_PARAM && strcmp(g.name, "description") == 0)
			desc = g.arg;
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_MAP:
			if (nmaps == MAPS_MAX)
				px_errx(PX_EXIT_USAGE, "more than %d --map "
				    "entries", MAPS_MAX);
			maps[nmaps++] = g.arg;
			break;
		default:
			px_usage(&px_cmd_mapping);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_mapping);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc > 2)
			px_usage(&px_cmd_mapping);
		if (argc == 2)
			check_type(argv[1]);
		objcli_no_params(&oc, verb);
		if (nmaps)
			px_errx(PX_EXIT_USAGE, "list takes no --map");
		rc = mapping_list(&oc, argc == 2 ? argv[1] : NULL);
	} else if (argc != 3) {
		px_usage(&px_cmd_mapping);
	} else if (strcmp(verb, "show") == 0) {
		check_type(argv[1]);
		check_id(argv[2]);
		objcli_no_params(&oc, verb);
		if (nmaps)
			px_errx(PX_EXIT_USAGE, "show takes no --map");
		rc = mapping_show(&oc, argv[1], argv[2]);
	} else if (strcmp(verb, "create") != 0 && strcmp(verb, "set") != 0 &&
	    strcmp(verb, "delete") != 0) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, delete)", verb);
	} else {
		rc = mapping_write(&oc, verb, argv[1], argv[2], maps, nmaps,
		    desc);
	}
	objcli_free(&oc);
	return rc;
}
