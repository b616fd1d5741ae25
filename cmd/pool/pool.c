/*
 * pool -- resource pools: the list (GET /pools, with each pool's member
 * count), one pool's members (GET /pools?poolid=POOL; the older
 * /pools/{poolid} is deprecated), and their life cycle: create, set the
 * comment, add and remove members, delete -- each through the gate
 * (objcli.h).  PVE 8.1 and later take PUT and DELETE /pools?poolid=;
 * older ones only /pools/{poolid}: px asks /version which to use.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_objrisk.h"
#include "pve_objw.h"

enum { O_VM = PX_O_LONG, O_STORAGE, O_FORCE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("comment", "text", "the pool's comment (create, set)"),
	{ O_VM, "vm", "vmid", "a guest to add or remove (repeatable)" },
	{ O_STORAGE, "storage", "storage", "a storage to add or remove "
	    "(repeatable)" },
	PX_FLAG("allow-move", "add guests that are in another pool now "
	    "(they move)"),
	{ O_FORCE, "force", NULL, "delete: remove the pool's members first" },
	PX_OPT_END
};

PX_COMMAND(pool, "list, show, create, change and delete resource pools",
    opts, NULL, "list | show pool | create pool | set pool | add pool | "
    "remove pool | delete pool");

static const struct out_col list_cols[] = {
	{ "poolid", OT_STR, 0 }, { "members", OT_INT, 0 },
	{ "comment", OT_STR, 0 },
};
static const struct out_col member_cols[] = {
	{ "id", OT_STR, 0 }, { "type", OT_STR, 0 }, { "vmid", OT_INT, 0 },
	{ "name", OT_STR, 0 }, { "storage", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 },
};

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

/* Whether the server predates /pools?poolid= (PVE 8.1): its pools are
 * /pools/{poolid}. */
static int
pool_legacy(struct objcli *oc)
{
	struct pve_version v;
	struct px_err e = { 0 };

	objcli_connect(oc);
	if (pve_version_get(oc->m.x.client, &v, &e) != 0)
		px_die(&e);
	return objw_pool_legacy(v.release);
}

/* The pool's path for PUT and DELETE. */
static void
pool_path(struct objcli *oc, struct buf *p, const char *pool)
{
	objw_pool_path(p, pool, pool_legacy(oc));
}

/* Is word (a VMID as given, or a storage) in the comma list? */
static int
in_list(const char *list, const char *word)
{
	char w[80];
	int v = pve_parse_vmid(word);
	size_t n;

	if (v > 0)
		snprintf(w, sizeof(w), "%d", v);
	else
		snprintf(w, sizeof(w), "%s", word);
	n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/* A pool id as PVE takes it. */
static void
check_id(const char *pool)
{
	size_t n = strlen(pool);

	if (n == 0 || n > 64 || strspn(pool, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/") != n ||
	    pool[0] == '/' || strstr(pool, "..") || strstr(pool, "//"))
		px_errx(PX_EXIT_USAGE, "'%s' is not a pool name (letters, "
		    "digits, - _ and / between levels)", pool);
}

static int
pool_write(struct objcli *oc, const char *verb, const char *pool,
    const char *vms, const char *storages, int force)
{
	struct objcli_change c = { .kind = "pool", .id = pool };
	struct buf path = { 0 }, extra = { 0 };
	char summary[512];
	int rc;

	check_id(pool);
	c.action = verb;
	c.summary = summary;
	if (strcmp(verb, "create") == 0) {
		if (vms[0] || storages[0] || force)
			px_errx(PX_EXIT_USAGE, "create takes --comment; add "
			    "members with px pool add");
		buf_adds(&path, "/pools");
		form_add(&extra, "poolid", pool);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create pool %s", pool);
	} else if (strcmp(verb, "set") == 0) {
		if (vms[0] || storages[0] || force)
			px_errx(PX_EXIT_USAGE, "set takes --comment; members "
			    "with px pool add and remove");
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change (give "
			    "--comment or --raw)");
		pool_path(oc, &path, pool);
		c.method = "PUT";
		snprintf(summary, sizeof(summary), "set pool %s", pool);
	} else if (strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0) {
		int add = verb[0] == 'a';

		if (!vms[0] && !storages[0])
			px_errx(PX_EXIT_USAGE, "%s: give --vm or --storage", verb);
		if (force || objcli_has(oc, "comment"))
			px_errx(PX_EXIT_USAGE, "%s takes --vm and --storage",
			    verb);
		if (!add && objcli_has(oc, "allow-move"))
			px_errx(PX_EXIT_USAGE, "--allow-move is for add");
		{
			/* the one writer of members (pve_objw.h) */
			struct gate_target t = { 0 };

			objw_pool_members(&t, pool, vms, storages, !add, 0,
			    pool_legacy(oc));
			buf_adds(&path, t.call.path.p);
			buf_adds(&extra, buf_str(&t.call.form));
			c.method = t.call.method;
			buf_free(&t.call.path);
			buf_free(&t.call.form);
		}
		snprintf(summary, sizeof(summary), "%s %s%s%s%s%s %s pool %s",
		    verb, vms[0] ? "guests " : "", vms, vms[0] && storages[0] ?
		    " and " : "", storages[0] ? "storage " : "", storages,
		    add ? "to" : "from", pool);
		c.destructive = !add;
	} else {
		return -1;
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

/*
 * Delete a pool.  Without --force PVE refuses a pool with members, and
 * so does the pre-flight check (PoolNotEmpty, severe); with --force its
 * members are removed first, in the same change: one confirmation, two
 * requests, both audited.
 */
static int
pool_delete(struct objcli *oc, const char *pool, int force)
{
	struct objrisk_pool a = { pool, force };
	struct pve_pool_member *m = NULL;
	struct buf path = { 0 }, vms = { 0 }, sts = { 0 };
	struct gate_req r;
	struct mut_row rows[2];
	struct px_reply rp;
	struct px_err e = { 0 };
	int n = 0, k = 0, rc;

	check_id(pool);
	if (oc->nparams > 0)
		px_errx(PX_EXIT_USAGE, "delete takes no parameters");
	objcli_connect(oc);
	buf_adds(&path, "/pools?poolid=");
	url_seg(&path, pool);
	if (pve_get(oc->m.x.client, &rp, &e, "%s", path.p) != 0 ||
	    pve_pool_members_parse(&rp.j, rp.data, &m, &n, NULL, &e) != 0) {
		if (e.id == PXE_NOT_FOUND)
			px_errx(PX_EXIT_NOTFOUND, "no pool '%s'", pool);
		px_die(&e);
	}
	px_reply_free(&rp);
	buf_reset(&path);
	for (int i = 0; i < n; i++) {
		struct buf *b = m[i].vmid ? &vms : &sts;

		if (b->len)
			buf_addc(b, ',');
		if (m[i].vmid)
			buf_printf(b, "%d", m[i].vmid);
		else
			buf_adds(b, m[i].storage);
	}
	gate_req_init(&r, "delete", "pool", force && n > 0 ? 2 : 1);
	snprintf(r.summary, sizeof(r.summary), "delete pool %s%s", pool,
	    force && n > 0 ? " and remove its members first" : "");
	snprintf(r.id, sizeof(r.id), "pool/%.80s", pool);
	r.destructive = 1;
	r.assess = objrisk_pool_delete;
	r.assess_arg = &a;
	pool_path(oc, &path, pool);
	if (force && n > 0) {
		struct gate_target *t = &r.t[k++];

		snprintf(t->id, sizeof(t->id), "pool/%.80s", pool);
		snprintf(t->summary, sizeof(t->summary), "remove the %d "
		    "members of pool %s", n, pool);
		objw_pool_members(t, pool, vms.p, sts.p, 1, 0,
		    pool_legacy(oc));
	}
	snprintf(r.t[k].id, sizeof(r.t[k].id), "pool/%.80s", pool);
	snprintf(r.t[k].summary, sizeof(r.t[k].summary), "delete pool %s",
	    pool);
	r.t[k].call.method = "DELETE";
	buf_adds(&r.t[k].call.path, path.p);
	memset(rows, 0, sizeof(rows));
	for (int i = 0; i <= k; i++)
		snprintf(rows[i].name, sizeof(rows[i].name), "%s", pool);
	if (k == 1)
		snprintf(rows[0].message, sizeof(rows[0].message),
		    "members removed: %s%s%s", vms.len ? vms.p : "",
		    vms.len && sts.len ? "," : "", sts.len ? sts.p : "");
	rc = mutcli_run_rows(&oc->m, &r, rows);
	gate_req_free(&r);
	free(m);
	buf_free(&path);
	buf_free(&vms);
	buf_free(&sts);
	return rc;
}

/* list, or show POOL (NULL: list). */
static int
pool_read(struct objcli *oc, const char *pool)
{
	struct px_cli *x = &oc->m.x;
	struct px_reply r;
	struct px_err e;
	struct out *o;
	struct buf p = { 0 };
	int n, show = pool != NULL, rc = 0;

	buf_adds(&p, "/pools");
	if (show) {
		buf_adds(&p, "?poolid=");
		url_seg(&p, pool);
	}
	objcli_connect(oc);
	if (pve_get(x->client, &r, &e, "%s", p.p) != 0)
		px_die(&e);
	if (show) {
		struct pve_pool_member *m;

		if (pve_pool_members_parse(&r.j, r.data, &m, &n, NULL,
		    &e) != 0) {
			if (e.id == PXE_NOT_FOUND)
				px_errx(PX_EXIT_NOTFOUND, "no pool '%s'",
				    pool);
			px_die(&e);
		}
		o = out_new(&x->out, member_cols, 7);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, m[i].id);
			out_str(o, 1, nz(m[i].type));
			if (m[i].vmid)
				out_int(o, 2, m[i].vmid);
			out_str(o, 3, nz(m[i].name));
			out_str(o, 4, nz(m[i].storage));
			out_str(o, 5, nz(m[i].node));
			out_str(o, 6, nz(m[i].status));
		}
		free(m);
	} else {
		struct pve_pool *v;

		if (pve_pools_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		pve_pools_count(x->client, v, n, NULL);
		o = out_new(&x->out, list_cols, 3);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].poolid);
			if (v[i].members >= 0)
				out_int(o, 1, v[i].members);
			out_str(o, 2, nz(v[i].comment));
		}
		free(v);
	}
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	buf_free(&p);
	return rc;
}

int
pool_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf vms = { 0 }, sts = { 0 };
	int ch, rc, force = 0;
	struct px_getopt g;
	const char *verb;

	objcli_init(&oc, &px_cmd_pool);
	px_getopt_init(&g, &px_cmd_pool, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_VM:
			if (pve_parse_vmid(g.arg) < 0)
				px_errx(PX_EXIT_USAGE, "'%s' is not a VMID",
				    g.arg);
			if (in_list(buf_str(&vms), g.arg))
				px_errx(PX_EXIT_USAGE, "guest %s given twice",
				    g.arg);
			if (vms.len)
				buf_addc(&vms, ',');
			buf_printf(&vms, "%d", pve_parse_vmid(g.arg));
			break;
		case O_STORAGE:
			if (!pve_valid_storage(g.arg))
				px_errx(PX_EXIT_USAGE, "'%s' is not a storage "
				    "name", g.arg);
			if (in_list(buf_str(&sts), g.arg))
				px_errx(PX_EXIT_USAGE, "storage %s given twice",
				    g.arg);
			if (sts.len)
				buf_addc(&sts, ',');
			buf_adds(&sts, g.arg);
			break;
		case O_FORCE:
			force = 1;
			break;
		default:
			px_usage(&px_cmd_pool);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_pool);
	verb = argv[0];
	if (strcmp(verb, "list") == 0 || strcmp(verb, "show") == 0) {
		if (argc != (verb[0] == 's' ? 2 : 1))
			px_usage(&px_cmd_pool);
		objcli_no_params(&oc, verb);
		if (vms.len || sts.len || force)
			px_errx(PX_EXIT_USAGE, "%s takes no --vm, --storage or "
			    "--force", verb);
		rc = pool_read(&oc, argc == 2 ? argv[1] : NULL);
	} else if (argc != 2) {
		px_usage(&px_cmd_pool);
	} else if (strcmp(verb, "delete") == 0) {
		if (vms.len || sts.len)
			px_errx(PX_EXIT_USAGE, "delete takes --force, not --vm "
			    "or --storage");
		rc = pool_delete(&oc, argv[1], force);
	} else if ((rc = pool_write(&oc, verb, argv[1], buf_str(&vms),
	    buf_str(&sts), force)) < 0) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, add, remove, delete)", verb);
	}
	buf_free(&vms);
	buf_free(&sts);
	objcli_free(&oc);
	return rc;
}
