/*
 * storage -- the datacenter's storage definitions: the list (GET
 * /storage), one definition (GET /storage/{storage}), the volumes on
 * one storage of one node (GET /nodes/{node}/storage/{storage}/content,
 * filtered by --content), and their life cycle: create (POST /storage),
 * set (PUT /storage/{storage} with the definition's digest), enable,
 * disable and delete -- each through the gate (objcli.h) with the
 * pre-flight checks of pve_objrisk_storage.h.
 *
 * /storage's schema is the union of every storage plugin's options, so
 * PVE's schema check lets an NFS storage's --vgname through to the
 * plugin; px refuses a parameter the type does not take (and, on set,
 * one fixed at create) before sending, from pve_storage_type.h.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "files.h"
#include "json.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_objrisk_storage.h"
#include "pve_storage_type.h"

enum { O_CONTENT = PX_O_LONG, O_ENABLE, O_CHECKSUM, O_FILENAME, O_VERIFY,
	O_NODE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	{ O_CONTENT, "content", "types",
	    "create, set: the allowed content (images,rootdir,vztmpl,iso,"
	    "backup,snippets,import or none); content: only volumes of "
	    "this type; upload, download-url: iso, vztmpl or import "
	    "(default: from the file name)" },
	{ O_CHECKSUM, "checksum", "alg:hex", "upload, download-url: the "
	    "file's checksum, verified by PVE (md5, sha1, sha224, sha256, "
	    "sha384, sha512)" },
	{ O_FILENAME, "filename", "name", "upload, download-url: the file's "
	    "name on the storage (default: the file's or URL's)" },
	{ O_VERIFY, "verify-certificates", "0|1", "download-url: whether "
	    "PVE verifies the server's TLS certificate (default 1)" },
	{ O_NODE, "node", "node", "delete volid: the node that holds it "
	    "(default: the one that lists it)" },
	PX_PARAM("nodes", "nodes", "the nodes it is on (default: all)"),
	PX_FLAG("shared", "dir, lvm: the same storage on every node"),
	PX_FLAG("disable", "create, set: disabled"),
	{ O_ENABLE, "enable", NULL, "set: enabled again" },
	PX_PARAM("path", "path", "dir, nfs, cifs, cephfs: the path"),
	PX_PARAM("server", "host", "nfs, cifs, pbs: the server"),
	PX_PARAM("export", "path", "nfs: the export"),
	PX_PARAM("share", "share", "cifs: the share"),
	PX_PARAM("subdir", "path", "cifs, cephfs: the subdirectory to mount"),
	PX_PARAM("options", "options", "nfs, cifs, cephfs: mount options"),
	PX_PARAM("smbversion", "version", "cifs: the SMB version"),
	PX_PARAM("domain", "domain", "cifs: the domain"),
	PX_PARAM("username", "user", "cifs, pbs, rbd, cephfs: the user"),
	PX_SECRET("password", "cifs, pbs: the password"),
	PX_PARAM("vgname", "vg", "lvm, lvmthin: the volume group"),
	PX_PARAM("thinpool", "lv", "lvmthin: the thin pool"),
	PX_PARAM("base", "volume", "lvm: the base volume"),
	PX_FLAG("saferemove", "lvm: zero out removed volumes"),
	PX_PARAM("pool", "pool", "zfspool, rbd: the pool"),
	PX_PARAM("blocksize", "size", "zfspool: the block size"),
	PX_FLAG("sparse", "zfspool: thin provisioned volumes"),
	PX_PARAM("mountpoint", "path", "zfspool: the mount point"),
	PX_PARAM("monhost", "hosts", "rbd, cephfs: monitors (external "
	    "cluster)"),
	PX_PARAM("data-pool", "pool", "rbd: the erasure coded data pool"),
	PX_PARAM("namespace", "ns", "rbd, pbs: the namespace"),
	PX_FLAG("krbd", "rbd: through the kernel module"),
	PX_SECRET("keyring", "rbd, cephfs: the client keyring"),
	PX_PARAM("fs-name", "name", "cephfs: the file system"),
	PX_FLAG("fuse", "cephfs: mount through FUSE"),
	PX_PARAM("datastore", "name", "pbs: the datastore"),
	PX_PARAM("port", "port", "pbs: the port"),
	PX_PARAM("fingerprint", "sha256", "pbs: the server's certificate "
	    "fingerprint"),
	PX_SECRET("encryption-key", "pbs: the encryption key"),
	PX_PARAM("portal", "host", "iscsi: the portal"),
	PX_PARAM("target", "iqn", "iscsi: the target"),
	PX_PARAM("format", "format", "the default image format"),
	PX_PARAM("prune-backups", "keep-...", "backup retention"),
	PX_PARAM("max-protected-backups", "n", "protected backups per guest"),
	PX_PARAM("bwlimit", "limits", "I/O bandwidth limits"),
	PX_PARAM("preallocation", "mode", "image preallocation"),
	PX_FLAG("mkdir", "dir, nfs, cifs, cephfs: create the directory "
	    "(deprecated by PVE: --create-base-path)"),
	PX_FLAG("create-base-path", "create the base directory"),
	PX_FLAG("create-subdirs", "populate it with the default layout"),
	PX_OPT_END
};

PX_COMMAND(storage, "list, show, create, change and delete storage "
    "definitions, or list the volumes on a storage", opts, NULL,
    "list | show storage | content node storage | create type storage | "
    "set storage | enable storage | disable storage | delete storage | "
    "delete volid | upload node storage file | "
    "download-url node storage url");

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


/* A storage id as PVE takes it (pve-storage-id). */
static void
check_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 63 || !((id[0] >= 'a' && id[0] <= 'z') ||
	    (id[0] >= 'A' && id[0] <= 'Z')) ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name (a letter, "
		    "then letters, digits, - _ .)", id);
}

/*
 * The parameters given, checked against type t: one the type does not
 * take, or (set) one fixed at create, exits 2.  A --raw key that no
 * type px knows takes goes to PVE, which judges it.  The risky ones
 * (what the storage is) are listed in changed.
 */
static void
check_params(const struct objcli *oc, const char *t, int create,
    struct buf *changed)
{
	static const char *const risky[] = { "content", "path", "server",
		"export", "share", "pool", "vgname", "thinpool", "datastore",
		"monhost", "namespace", "portal", "target", "subdir",
		"fs-name", NULL };
	const char *p = oc->form.len ? oc->form.p : "";
	char key[80];
	int known = pve_storage_type_known(t);

	while (*p) {
		size_t n = strcspn(p, "=&");
		int how;

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, p, n);
		key[n] = '\0';
		p += strcspn(p, "&");
		if (*p == '&')
			p++;
		for (int i = 0; changed && risky[i]; i++)
			if (strcmp(risky[i], key) == 0)
				buf_printf(changed, "%s%s", changed->len ?
				    "," : "", key);
		if (!known || strcmp(key, "disable") == 0)
			continue;
		how = pve_storage_param(t, key);
		if (how == PVE_SPARAM_NO && pve_storage_param_any(key))
			px_errx(PX_EXIT_USAGE, "a storage of type %s takes "
			    "no --%s", t, key);
		if (!create && (how == PVE_SPARAM_FIXED ||
		    how == PVE_SPARAM_REQUIRED))
			px_errx(PX_EXIT_USAGE, "--%s of a storage of type %s "
			    "is fixed when it is created", key, t);
	}
	if (!create || !known)
		return;
	for (int i = 0; pve_storage_required(t, i) != NULL; i++) {
		const char *k = pve_storage_required(t, i);

		if (!objcli_has(oc, k))
			px_errx(PX_EXIT_USAGE, "create %s: --%s is required",
			    t, k);
	}
}

/* The content list of --content: known types, or "none" alone. */
static void
check_content(const char *c, const char *t)
{
	char tmp[256], *w, *save = NULL;

	if (strcmp(c, "none") == 0 && (t == NULL ||
	    pve_storage_type_content(t, "none")))
		return;
	if (strlen(c) >= sizeof(tmp))
		px_errx(PX_EXIT_USAGE, "--content: too long");
	snprintf(tmp, sizeof(tmp), "%s", c);
	for (w = strtok_r(tmp, ",", &save); w; w = strtok_r(NULL, ",",
	    &save)) {
		if (!pve_storage_content_ok(w))
			px_errx(PX_EXIT_USAGE, "--content: '%s' is not a "
			    "content type (images, rootdir, vztmpl, iso, "
			    "backup, snippets, import)", w);
		if (t && pve_storage_type_known(t) &&
		    !pve_storage_type_content(t, w))
			px_errx(PX_EXIT_USAGE, "--content: a storage of "
			    "type %s holds no %s", t, w);
	}
}

/* The type of storage id (GET /storage/{storage}); exits 5 when PVE
 * does not know it. */
static void
storage_type(struct objcli *oc, const char *path, const char *id,
    char *type, size_t size)
{
	struct px_reply r;
	struct px_err e = { 0 };

	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "%s", path) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    e.http == 500 && strstr(e.msg, "does not exist")))
			px_errx(PX_EXIT_NOTFOUND, "no storage '%s'", id);
		px_die(&e);
	}
	if (pve_word_get(&r.j, r.data, "type", type, size, &e) != 0) {
		struct px_err why = e;

		px_fail(&e, why.id, "GET %s: %s", path, why.msg);
		px_die(&e);
	}
	px_reply_free(&r);
}

static int
storage_write(struct objcli *oc, const char *verb, const char *type,
    const char *id, const char *content, int enable)
{
	struct objcli_change c = { .kind = "storage", .id = id,
		.action = verb };
	struct objrisk_storage a = { .storage = id };
	struct buf path = { 0 }, extra = { 0 }, changed = { 0 };
	char summary[512], cur[32];
	int rc;

	check_id(id);
	c.summary = summary;
	buf_adds(&path, "/storage");
	if (strcmp(verb, "create") != 0) {
		buf_addc(&path, '/');
		url_seg(&path, id);
	}
	if (strcmp(verb, "create") == 0) {
		if (!pve_storage_type_known(type))
			px_errx(PX_EXIT_USAGE, "create: '%s' is not a storage "
			    "type px creates (dir, nfs, cifs, lvm, lvmthin, "
			    "zfspool, rbd, cephfs, pbs, iscsi)", type);
		if (enable)
			px_errx(PX_EXIT_USAGE, "--enable is for set");
		if (content)
			check_content(content, type);
		check_params(oc, type, 1, NULL);
		form_add(&extra, "type", type);
		form_add(&extra, "storage", id);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create %s storage %s",
		    type, id);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		storage_type(oc, path.p, id, cur, sizeof(cur));
		if (content)
			check_content(content, cur);
		check_params(oc, cur, 0, &changed);
		c.method = "PUT";
		c.digest_of = path.p;
		a.op = objcli_has(oc, "disable") && !enable ?
		    OBJRISK_STORAGE_DISABLE : OBJRISK_STORAGE_SET;
		a.changed = changed.len ? changed.p : NULL;
		a.content = content;
		c.assess = objrisk_storage;
		c.assess_arg = &a;
		c.destructive = a.op == OBJRISK_STORAGE_DISABLE;
		snprintf(summary, sizeof(summary), "set storage %s", id);
	} else if (strcmp(verb, "enable") == 0 ||
	    strcmp(verb, "disable") == 0) {
		int off = verb[0] == 'd';

		objcli_no_params(oc, verb);
		if (enable)
			px_errx(PX_EXIT_USAGE, "--enable is for set");
		storage_type(oc, path.p, id, cur, sizeof(cur));
		form_add(&extra, "disable", off ? "1" : "0");
		c.method = "PUT";
		c.digest_of = path.p;
		if (off) {
			a.op = OBJRISK_STORAGE_DISABLE;
			c.assess = objrisk_storage;
			c.assess_arg = &a;
			c.destructive = 1;
		}
		snprintf(summary, sizeof(summary), "%s storage %s", verb, id);
	} else if (strcmp(verb, "delete") == 0) {
		objcli_no_params(oc, verb);
		if (enable)
			px_errx(PX_EXIT_USAGE, "--enable is for set");
		storage_type(oc, path.p, id, cur, sizeof(cur));
		c.method = "DELETE";
		a.op = OBJRISK_STORAGE_DELETE;
		c.assess = objrisk_storage;
		c.assess_arg = &a;
		c.destructive = 1;
		snprintf(summary, sizeof(summary), "delete %s storage %s", cur,
		    id);
	} else {
		buf_free(&path);
		return -1;
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	buf_free(&changed);
	return rc;
}

/* GET path, and print with the list's or content's columns. */
static int
storage_read(struct objcli *oc, const char *node, const char *storage,
    const char *kind)
{
	struct px_cli *x = &oc->m.x;
	struct px_reply r;
	struct px_err e;
	struct out *o;
	struct buf p = { 0 };
	int rc = 0;

	if (node) {
		if (!pve_valid_node(node))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    node);
		buf_adds(&p, "/nodes/");
		url_seg(&p, node);
		buf_adds(&p, "/storage/");
		url_seg(&p, storage);
		buf_adds(&p, "/content");
		if (kind)
			buf_printf(&p, "?content=%s", kind);
	} else {
		buf_adds(&p, "/storage");
	}
	objcli_connect(oc);
	if (pve_get(x->client, &r, &e, "%s", p.p) != 0)
		px_die(&e);
	o = node ? content(x, &r, node, storage, &e) : list(x, &r, &e);
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	buf_free(&p);
	return rc;
}

int
storage_main(int argc, char **argv)
{
	static const char *const kinds[] = { "iso", "vztmpl", "backup",
		"images", "rootdir", "snippets", "import", NULL };
	struct objcli oc;
	struct storage_file_opts fo = { 0 };
	const char *verb, *content = NULL, *kind = NULL;
	int ch, rc, enable = 0;
	struct px_getopt g;

	objcli_init(&oc, &px_cmd_storage);
	px_getopt_init(&g, &px_cmd_storage, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_CONTENT:
			if (content)
				px_errx(PX_EXIT_USAGE, "--content given twice");
			content = g.arg;
			break;
		case O_ENABLE:
			enable = 1;
			break;
		case O_CHECKSUM:
			fo.checksum = g.arg;
			break;
		case O_FILENAME:
			fo.filename = g.arg;
			break;
		case O_VERIFY:
			fo.verify = g.arg;
			break;
		case O_NODE:
			fo.node = g.arg;
			break;
		default:
			px_usage(&px_cmd_storage);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_storage);
	verb = argv[0];
	if (strcmp(verb, "upload") == 0 || strcmp(verb, "download-url") == 0 ||
	    (strcmp(verb, "delete") == 0 && argc == 2 && strchr(argv[1],
	    ':'))) {
		/* a storage id never holds ':', a volume id always does */
		if (enable)
			px_errx(PX_EXIT_USAGE, "--enable is for set");
		fo.content = content;
		if (verb[0] == 'd' && verb[1] == 'e')
			rc = storage_volume_delete(&oc, argv[1], &fo);
		else if (argc != 4)
			px_usage(&px_cmd_storage);
		else if (verb[0] == 'u')
			rc = storage_upload(&oc, argv[1], argv[2], argv[3], &fo);
		else
			rc = storage_download_url(&oc, argv[1], argv[2],
			    argv[3], &fo);
		objcli_free(&oc);
		return rc;
	}
	if (fo.checksum || fo.filename || fo.verify || fo.node)
		px_errx(PX_EXIT_USAGE, "--checksum, --filename, "
		    "--verify-certificates and --node are for upload, "
		    "download-url and delete volid");
	if (strcmp(verb, "list") == 0 || strcmp(verb, "show") == 0 ||
	    strcmp(verb, "content") == 0) {
		int want = verb[0] == 'l' ? 1 : verb[0] == 's' ? 2 : 3;

		if (argc != want)
			px_usage(&px_cmd_storage);
		objcli_no_params(&oc, verb);
		if (enable)
			px_errx(PX_EXIT_USAGE, "--enable is for set");
		if (content && want != 3)
			px_errx(PX_EXIT_USAGE, "--content is for storage "
			    "content, create and set");
		if (content) {
			for (int i = 0; kinds[i] && !kind; i++)
				if (strcmp(content, kinds[i]) == 0)
					kind = kinds[i];
			if (!kind)
				px_errx(PX_EXIT_USAGE, "--content: '%s' is not "
				    "a content type (iso, vztmpl, backup, "
				    "images, rootdir, snippets, import)",
				    content);
		}
		if (want == 2) {
			struct buf p = { 0 };
			char what[128];

			check_id(argv[1]);
			buf_adds(&p, "/storage/");
			url_seg(&p, argv[1]);
			snprintf(what, sizeof(what), "storage '%s'", argv[1]);
			rc = objcli_show(&oc, p.p, what);
			buf_free(&p);
		} else {
			rc = storage_read(&oc, want == 3 ? argv[1] : NULL,
			    want == 3 ? argv[2] : NULL, kind);
		}
	} else {
		if (content) {
			if (strchr(content, '&') || strchr(content, '='))
				px_errx(PX_EXIT_USAGE, "--content: '%s' is not "
				    "a content list", content);
			objcli_param(&oc, "content", content);
		}
		if (enable)
			objcli_param(&oc, "disable", "0");
		if (strcmp(verb, "create") == 0) {
			if (argc != 3)
				px_usage(&px_cmd_storage);
			rc = storage_write(&oc, verb, argv[1], argv[2],
			    content, enable);
		} else if (argc != 2) {
			px_usage(&px_cmd_storage);
		} else if ((rc = storage_write(&oc, verb, NULL, argv[1],
		    content, enable)) < 0) {
			px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, "
			    "show, content, create, set, enable, disable, "
			    "delete)", verb);
		}
	}
	objcli_free(&oc);
	return rc;
}
