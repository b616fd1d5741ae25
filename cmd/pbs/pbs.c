/*
 * pbs -- a Proxmox Backup Server, through a [pbs NAME] profile: its
 * status (version, datastores, usage, estimated full date, garbage
 * collection, running tasks), its namespaces, backup groups and
 * snapshots, the archives of a snapshot, the directory tree inside a
 * pxar archive (PBS's catalog API), one file streamed out of it, its
 * tasks; and the changes (pbs_write.c): verify, prune, gc, protect,
 * unprotect, forget, notes, each through the gate.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "pbs.h"
#include "pbs_cmd.h"
#include "pve.h"
#include "pve_cluster.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_MUTATE,
	{ O_STORE, "store", "store", "only this datastore" },
	{ O_TYPE, "type", "vm | ct | host", "only backups of this type" },
	{ O_ID, "id", "id", "only this backup id (a VMID)" },
	{ O_NS, "ns", "namespace", "the namespace (default: the root)" },
	{ O_GROUP, "group", "type/id", "verify, prune: only this group" },
	{ 'o', "output", "file", "get: write to file, not standard output" },
	{ O_SET, "set", "text", "notes: set the notes to text" },
	{ O_KEEP_LAST, "keep-last", "n", "prune: keep the n newest" },
	{ O_KEEP_HOURLY, "keep-hourly", "n", "prune: keep one for each of "
	    "the last n hours" },
	{ O_KEEP_DAILY, "keep-daily", "n", "prune: one for each of n days" },
	{ O_KEEP_WEEKLY, "keep-weekly", "n", "prune: one for each of n "
	    "weeks" },
	{ O_KEEP_MONTHLY, "keep-monthly", "n", "prune: one for each of n "
	    "months" },
	{ O_KEEP_YEARLY, "keep-yearly", "n", "prune: one for each of n "
	    "years" },
	{ O_PATTERN, "pattern", "glob", "restore: only the paths that match" },
	{ O_RUNNING, "running", NULL, "tasks: only running ones" },
	{ O_TAR, "tar", NULL, "get: a directory as .tar.zst, not zip" },
	{ O_ERRORS, "errors", NULL, "tasks: only failed ones" },
	PX_OPT_END
};

PX_COMMAND(pbs, "Proxmox Backup Server: datastores, backups, files, "
    "verify, prune, gc", opts, NULL, "status | ls datastores | "
    "ls namespaces | ls groups | ls snapshots | files store snapshot | "
    "browse store snapshot archive [path] | get store snapshot archive "
    "path | restore store snapshot archive target | tasks | jobs | "
    "remotes | verify store [snapshot] | prune store | gc store | "
    "protect store snapshot | unprotect store snapshot | forget store "
    "snapshot | notes store snapshot");

/* ---- connection ---- */

void
pbs_connect(struct pbs_cmd *pc)
{
	struct px_cli *x = &pc->m.x;
	struct px_client_opts o = { .verbose = x->verbose };
	struct px_err e = { 0 };

	if (x->client != NULL)
		return;
	if (cli_load(x, &e) != 0 ||
	    (x->p = conf_profile(&x->conf, x->profile, PX_KIND_PBS,
	    &e)) == NULL ||
	    (x->client = px_client_new(&x->conf, x->p, &o, &e)) == NULL)
		px_die(&e);
}

/* GET and parse, or die. */
void
pbs_get(struct pbs_cmd *pc, struct px_reply *r, const char *fmt, ...)
{
	struct buf p = { 0 };
	struct px_err e = { 0 };
	va_list ap;

	pbs_connect(pc);
	va_start(ap, fmt);
	buf_vprintf(&p, fmt, ap);
	va_end(ap);
	if (pve_get(pc->m.x.client, r, &e, "%s", p.p) != 0)
		px_die(&e);
	buf_free(&p);
}

static void
check_store(const char *s)
{
	if (!pbs_valid_store(s))
		px_errx(PX_EXIT_USAGE, "'%s' is not a datastore name", s);
}

void
pbs_snap_arg(const char *s, struct pbs_snapref *r)
{
	struct px_err e = { 0 };

	if (pbs_snapref_parse(s, r, &e) != 0)
		px_die(&e);
}

/* The query of a snapshot: ?backup-type=..&backup-id=..&backup-time=.. */
void
pbs_snap_query(struct buf *b, const struct pbs_snapref *r, const char *ns)
{
	struct buf f = { 0 };

	pbs_snapref_form(&f, r, ns);
	buf_addc(b, '?');
	buf_adds(b, f.p);
	buf_free(&f);
}

static int
print(struct pbs_cmd *pc, struct out *o)
{
	struct px_err e = { 0 };
	int rc = 0;

	if (cli_print(&pc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

/* The datastores to read: --store, or every one. */
static struct pbs_store *
stores(struct pbs_cmd *pc, int *n)
{
	struct px_reply r;
	struct pbs_store *v;
	struct px_err e = { 0 };

	if (pc->store) {
		v = px_xcalloc(2, sizeof(*v));
		snprintf(v[0].store, sizeof(v[0].store), "%s", pc->store);
		*n = 1;
		return v;
	}
	pbs_get(pc, &r, "/admin/datastore");
	if (pbs_stores_parse(&r.j, r.data, &v, n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	return v;
}

static const char *
nz(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* ---- status ---- */

static const struct out_col status_cols[] = {
	{ "store", OT_STR, 0 }, { "used", OT_BYTES, 0 },
	{ "total", OT_BYTES, 0 }, { "avail", OT_BYTES, 0 },
	{ "usage", OT_PCT, 0 }, { "full", OT_TIME, 0 },
	{ "gc", OT_STR, 0 }, { "gc_last", OT_TIME, 0 },
	{ "gc_removed", OT_BYTES, OC_EXTRA }, { "running", OT_INT, 0 },
	{ "version", OT_STR, OC_EXTRA },
};

static int
do_status(struct pbs_cmd *pc)
{
	struct px_reply r;
	struct pbs_store *v;
	struct pbs_task *t;
	struct pve_version ver;
	struct px_err e = { 0 };
	struct out *o;
	char version[64];
	int n, nt;

	pbs_get(pc, &r, "/version");
	if (pve_version_parse(&r.j, r.data, &ver, &e) != 0)
		px_die(&e);
	snprintf(version, sizeof(version), "%s-%s", ver.version, ver.release);
	px_reply_free(&r);
	pc->store = NULL;
	v = stores(pc, &n);
	pbs_get(pc, &r, "/status/datastore-usage");
	if (pbs_usage_merge(&r.j, r.data, v, n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	pbs_get(pc, &r, "/nodes/localhost/tasks?running=1&limit=500");
	if (pbs_tasks_parse(&r.j, r.data, &t, &nt, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&pc->m.x.out, status_cols, PF_COLS(status_cols));
	for (int i = 0; i < n; i++) {
		struct pbs_gc gc;
		struct buf p = { 0 };
		int running = 0;

		buf_adds(&p, "/admin/datastore/");
		url_seg(&p, v[i].store);
		buf_adds(&p, "/gc");
		pbs_get(pc, &r, "%s", p.p);
		if (pbs_gc_parse(&r.j, r.data, &gc, &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		buf_free(&p);
		for (int k = 0; k < nt; k++)
			if (strcmp(t[k].id, v[i].store) == 0 ||
			    (strncmp(t[k].id, v[i].store,
			    strlen(v[i].store)) == 0 &&
			    t[k].id[strlen(v[i].store)] == ':'))
				running++;
		out_row(o);
		out_str(o, 0, v[i].store);
		if (v[i].has_usage) {
			out_uint(o, 1, v[i].used);
			out_uint(o, 2, v[i].total);
			out_uint(o, 3, v[i].avail);
			if (v[i].total > 0)
				out_num(o, 4, (double)v[i].used /
				    (double)v[i].total);
		}
		if (v[i].full_date > 0)
			out_int(o, 5, v[i].full_date);
		out_str(o, 6, nz(gc.state));
		if (gc.last_end > 0)
			out_int(o, 7, gc.last_end);
		out_uint(o, 8, gc.removed);
		out_int(o, 9, running);
		out_str(o, 10, version);
	}
	free(v);
	free(t);
	return print(pc, o);
}

/* ---- ls ---- */

static const struct out_col ds_cols[] = {
	{ "store", OT_STR, 0 }, { "used", OT_BYTES, 0 },
	{ "total", OT_BYTES, 0 }, { "avail", OT_BYTES, 0 },
	{ "usage", OT_PCT, 0 }, { "comment", OT_STR, 0 },
};

static int
ls_datastores(struct pbs_cmd *pc)
{
	struct px_reply r;
	struct pbs_store *v;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	pc->store = NULL;
	v = stores(pc, &n);
	pbs_get(pc, &r, "/status/datastore-usage");
	if (pbs_usage_merge(&r.j, r.data, v, n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&pc->m.x.out, ds_cols, PF_COLS(ds_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].store);
		if (v[i].has_usage) {
			out_uint(o, 1, v[i].used);
			out_uint(o, 2, v[i].total);
			out_uint(o, 3, v[i].avail);
			if (v[i].total > 0)
				out_num(o, 4, (double)v[i].used /
				    (double)v[i].total);
		}
		out_str(o, 5, nz(v[i].comment));
	}
	free(v);
	return print(pc, o);
}

static const struct out_col ns_cols[] = {
	{ "store", OT_STR, 0 }, { "ns", OT_STR, 0 }, { "comment", OT_STR, 0 },
};

static int
ls_namespaces(struct pbs_cmd *pc)
{
	struct pbs_store *v;
	struct out *o;
	int n;

	v = stores(pc, &n);
	o = out_new(&pc->m.x.out, ns_cols, PF_COLS(ns_cols));
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pbs_ns *ns;
		struct px_err e = { 0 };
		struct buf p = { 0 };
		int nn;

		buf_adds(&p, "/admin/datastore/");
		url_seg(&p, v[i].store);
		buf_adds(&p, "/namespace");
		pbs_get(pc, &r, "%s", p.p);
		if (pbs_namespaces_parse(&r.j, r.data, &ns, &nn, &e) != 0)
			px_die(&e);
		for (int k = 0; k < nn; k++) {
			out_row(o);
			out_str(o, 0, v[i].store);
			out_str(o, 1, ns[k].ns);
			out_str(o, 2, nz(ns[k].comment));
		}
		free(ns);
		px_reply_free(&r);
		buf_free(&p);
	}
	free(v);
	return print(pc, o);
}

static const struct out_col group_cols[] = {
	{ "store", OT_STR, 0 }, { "ns", OT_STR, OC_EXTRA },
	{ "group", OT_STR, 0 }, { "type", OT_STR, OC_EXTRA },
	{ "id", OT_STR, OC_EXTRA }, { "last", OT_TIME, 0 },
	{ "count", OT_INT, 0 }, { "owner", OT_STR, 0 },
	{ "comment", OT_STR, 0 },
};

static void
list_path(struct buf *p, const char *store, const char *what,
    const struct pbs_cmd *pc)
{
	int q = 0;

	buf_adds(p, "/admin/datastore/");
	url_seg(p, store);
	buf_printf(p, "/%s", what);
	if (pc->ns && *pc->ns) {
		buf_adds(p, q++ ? "&" : "?");
		form_add(p, "ns", pc->ns);
	}
	if (pc->type && strcmp(what, "snapshots") == 0) {
		buf_adds(p, q++ ? "&" : "?");
		form_add(p, "backup-type", pc->type);
	}
	if (pc->id && strcmp(what, "snapshots") == 0) {
		buf_adds(p, q++ ? "&" : "?");
		form_add(p, "backup-id", pc->id);
	}
}

static int
ls_groups(struct pbs_cmd *pc)
{
	struct pbs_store *v;
	struct out *o;
	int n;

	v = stores(pc, &n);
	o = out_new(&pc->m.x.out, group_cols, PF_COLS(group_cols));
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pbs_group *g;
		struct px_err e = { 0 };
		struct buf p = { 0 };
		int ng;

		list_path(&p, v[i].store, "groups", pc);
		pbs_get(pc, &r, "%s", p.p);
		if (pbs_groups_parse(&r.j, r.data, &g, &ng, &e) != 0)
			px_die(&e);
		for (int k = 0; k < ng; k++) {
			char name[160];

			if ((pc->type && strcmp(pc->type, g[k].type)) ||
			    (pc->id && strcmp(pc->id, g[k].id)))
				continue;
			snprintf(name, sizeof(name), "%s/%s", g[k].type,
			    g[k].id);
			out_row(o);
			out_str(o, 0, v[i].store);
			out_str(o, 1, pc->ns ? pc->ns : "");
			out_str(o, 2, name);
			out_str(o, 3, g[k].type);
			out_str(o, 4, g[k].id);
			if (g[k].last > 0)
				out_int(o, 5, g[k].last);
			out_int(o, 6, g[k].count);
			out_str(o, 7, nz(g[k].owner));
			out_str(o, 8, nz(g[k].comment));
		}
		free(g);
		px_reply_free(&r);
		buf_free(&p);
	}
	free(v);
	return print(pc, o);
}

static const struct out_col snap_cols[] = {
	{ "store", OT_STR, 0 }, { "ns", OT_STR, OC_EXTRA },
	{ "snapshot", OT_STR, 0 }, { "type", OT_STR, OC_EXTRA },
	{ "id", OT_STR, OC_EXTRA }, { "time", OT_TIME, 0 },
	{ "size", OT_BYTES, 0 }, { "verify", OT_STR, 0 },
	{ "protected", OT_BOOL, 0 }, { "owner", OT_STR, OC_EXTRA },
	{ "comment", OT_STR, 0 },
};

static int
ls_snapshots(struct pbs_cmd *pc)
{
	struct pbs_store *v;
	struct out *o;
	int n;

	v = stores(pc, &n);
	o = out_new(&pc->m.x.out, snap_cols, PF_COLS(snap_cols));
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pbs_snapshot *s;
		struct px_err e = { 0 };
		struct buf p = { 0 };
		int ns;

		list_path(&p, v[i].store, "snapshots", pc);
		pbs_get(pc, &r, "%s", p.p);
		if (pbs_snapshots_parse(&r.j, r.data, &s, &ns, &e) != 0)
			px_die(&e);
		for (int k = 0; k < ns; k++) {
			struct pbs_snapref ref;
			char name[200];

			snprintf(ref.type, sizeof(ref.type), "%s", s[k].type);
			snprintf(ref.id, sizeof(ref.id), "%s", s[k].id);
			ref.time = s[k].time;
			pbs_snapref_format(&ref, name, sizeof(name));
			out_row(o);
			out_str(o, 0, v[i].store);
			out_str(o, 1, pc->ns ? pc->ns : "");
			out_str(o, 2, name);
			out_str(o, 3, s[k].type);
			out_str(o, 4, s[k].id);
			out_int(o, 5, s[k].time);
			out_uint(o, 6, s[k].size);
			out_str(o, 7, s[k].verify);
			out_bool(o, 8, s[k].protected_);
			out_str(o, 9, nz(s[k].owner));
			out_str(o, 10, nz(s[k].comment));
		}
		free(s);
		px_reply_free(&r);
		buf_free(&p);
	}
	free(v);
	return print(pc, o);
}

/* ---- files, browse, get ---- */

static const struct out_col file_cols[] = {
	{ "archive", OT_STR, 0 }, { "size", OT_BYTES, 0 },
	{ "crypt", OT_STR, 0 },
};

static int
do_files(struct pbs_cmd *pc, const char *store, const char *snap)
{
	struct pbs_snapref ref;
	struct px_reply r;
	struct pbs_file *f;
	struct px_err e = { 0 };
	struct buf p = { 0 };
	struct out *o;
	int n;

	check_store(store);
	pbs_snap_arg(snap, &ref);
	buf_adds(&p, "/admin/datastore/");
	url_seg(&p, store);
	buf_adds(&p, "/files");
	pbs_snap_query(&p, &ref, pc->ns);
	pbs_get(pc, &r, "%s", p.p);
	if (pbs_files_parse(&r.j, r.data, &f, &n, &e) != 0)
		px_die(&e);
	o = out_new(&pc->m.x.out, file_cols, PF_COLS(file_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, f[i].filename);
		if (f[i].has_size)
			out_uint(o, 1, f[i].size);
		out_str(o, 2, nz(f[i].crypt));
	}
	free(f);
	px_reply_free(&r);
	buf_free(&p);
	return print(pc, o);
}

/* "/ARCHIVE/PATH", base64, as the catalog and download take it. */
static void
archive_path(struct buf *b64, const char *archive, const char *path)
{
	struct buf raw = { 0 };

	if (strchr(archive, '/') || !pbs_valid_id(archive))
		px_errx(PX_EXIT_USAGE, "'%s' is not an archive name (px pbs "
		    "files lists them)", archive);
	buf_printf(&raw, "/%s", archive);
	if (path && *path) {
		if (path[0] != '/')
			buf_addc(&raw, '/');
		buf_adds(&raw, path);
	}
	while (raw.len > 1 && raw.p[raw.len - 1] == '/')
		raw.p[--raw.len] = '\0';
	b64_encode(b64, raw.p, raw.len);
	buf_free(&raw);
}

static const struct out_col entry_cols[] = {
	{ "name", OT_STR, 0 }, { "type", OT_STR, 0 }, { "size", OT_BYTES, 0 },
	{ "mtime", OT_TIME, 0 }, { "path", OT_STR, OC_EXTRA },
};

static const char *
entry_type(const char *t)
{
	switch (t[0]) {
	case 'd': return "dir";
	case 'f': return "file";
	case 'l': return "symlink";
	case 'h': return "hardlink";
	case 'b': return "block";
	case 'c': return "char";
	case 'p': return "fifo";
	case 's': return "socket";
	case 'v': return "archive";
	}
	return t;
}

static int
do_browse(struct pbs_cmd *pc, const char *store, const char *snap,
    const char *archive, const char *path)
{
	struct pbs_snapref ref;
	struct px_reply r;
	struct pbs_entry *v;
	struct px_err e = { 0 };
	struct buf p = { 0 }, fp = { 0 };
	struct out *o;
	int n;

	check_store(store);
	pbs_snap_arg(snap, &ref);
	archive_path(&fp, archive, path);
	buf_adds(&p, "/admin/datastore/");
	url_seg(&p, store);
	buf_adds(&p, "/catalog");
	pbs_snap_query(&p, &ref, pc->ns);
	buf_addc(&p, '&');
	form_add(&p, "filepath", fp.p);
	pbs_get(pc, &r, "%s", p.p);
	if (pbs_catalog_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&pc->m.x.out, entry_cols, PF_COLS(entry_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].name);
		out_str(o, 1, entry_type(v[i].type));
		if (v[i].type[0] == 'f') {
			out_uint(o, 2, v[i].size);
			if (v[i].mtime > 0)
				out_int(o, 3, v[i].mtime);
		}
		out_str(o, 4, nz(v[i].path));
	}
	free(v);
	px_reply_free(&r);
	buf_free(&p);
	buf_free(&fp);
	return print(pc, o);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

static void
get_progress(void *arg, unsigned long long done, long long total)
{
	char a[32], b[32];

	(void)arg;
	out_fmt_bytes(a, sizeof(a), done);
	if (total > 0) {
		out_fmt_bytes(b, sizeof(b), (uint64_t)total);
		fprintf(stderr, "\r%s: %s of %s ", px_progname, a, b);
	} else {
		fprintf(stderr, "\r%s: %s ", px_progname, a);
	}
}

static int
do_get(struct pbs_cmd *pc, const char *store, const char *snap,
    const char *archive, const char *path)
{
	struct pbs_snapref ref;
	struct px_err e = { 0 };
	struct buf p = { 0 }, fp = { 0 };
	unsigned long long bytes = 0;
	char tmp[4096];
	int fd = STDOUT_FILENO, rc, tty = isatty(STDERR_FILENO);

	check_store(store);
	pbs_snap_arg(snap, &ref);
	if (path[0] == '\0')
		px_errx(PX_EXIT_USAGE, "get takes the path of a file or "
		    "directory inside the archive ('/' for all of it)");
	/* -o x.tar.zst asks for what it names */
	if (pc->output && (ends_with(pc->output, ".tar.zst") ||
	    ends_with(pc->output, ".tzst")))
		pc->tar = 1;
	archive_path(&fp, archive, path);
	buf_adds(&p, "/admin/datastore/");
	url_seg(&p, store);
	buf_adds(&p, "/pxar-file-download");
	pbs_snap_query(&p, &ref, pc->ns);
	buf_addc(&p, '&');
	form_add(&p, "filepath", fp.p);
	if (pc->tar)	/* PBS: a directory as .tar.zst (files stay as
			   they are) */
		buf_adds(&p, "&tar=1");
	pbs_connect(pc);
	if (pc->output) {
		/* A temporary file beside it, renamed at the end: a failed
		 * download leaves no half file under the name. */
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.px-XXXXXX",
		    pc->output) >= sizeof(tmp))
			px_errx(PX_EXIT_USAGE, "-o: the name is too long");
		mode_t um = umask(077);

		umask(um);
		if ((fd = mkstemp(tmp)) < 0)
			px_errx(PX_EXIT_FAIL, "%s: %s", tmp, strerror(errno));
		(void)fchmod(fd, 0666 & ~um);
	} else if (isatty(STDOUT_FILENO)) {
		px_errx(PX_EXIT_USAGE, "standard output is a terminal: give "
		    "-o FILE or redirect it");
	}
	rc = pbs_download(pc->m.x.client, fd, 0, tty ? get_progress : NULL,
	    NULL, &bytes, &e, "%s", p.p);
	if (tty)
		fprintf(stderr, "\r\033[K");
	if (pc->output) {
		if (rc == 0 && (fsync(fd) != 0 || close(fd) != 0)) {
			px_fail(&e, PXE_IO, "%s: %s", pc->output,
			    strerror(errno));
			rc = -1;
		} else if (rc != 0) {
			close(fd);
		}
		if (rc == 0 && rename(tmp, pc->output) != 0) {
			px_fail(&e, PXE_IO, "%s: %s", pc->output,
			    strerror(errno));
			rc = -1;
		}
		if (rc != 0)
			unlink(tmp);
	}
	buf_free(&p);
	buf_free(&fp);
	if (rc != 0)
		return px_report(&e);
	return 0;
}

/* ---- tasks ---- */

static const struct out_col task_cols[] = {
	{ "upid", OT_STR, OC_EXTRA }, { "type", OT_STR, 0 },
	{ "id", OT_STR, 0 }, { "user", OT_STR, 0 }, { "start", OT_TIME, 0 },
	{ "end", OT_TIME, 0 }, { "status", OT_STR, 0 },
};

static int
do_tasks(struct pbs_cmd *pc)
{
	struct px_reply r;
	struct pbs_task *t;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	pbs_get(pc, &r, "/nodes/localhost/tasks?limit=500%s%s",
	    pc->running ? "&running=1" : "", pc->errors ? "&errors=1" : "");
	if (pbs_tasks_parse(&r.j, r.data, &t, &n, &e) != 0)
		px_die(&e);
	o = out_new(&pc->m.x.out, task_cols, PF_COLS(task_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, t[i].upid);
		out_str(o, 1, t[i].type);
		out_str(o, 2, nz(t[i].id));
		out_str(o, 3, t[i].user);
		if (t[i].start > 0)
			out_int(o, 4, t[i].start);
		if (t[i].end > 0)
			out_int(o, 5, t[i].end);
		out_str(o, 6, t[i].status[0] ? t[i].status : "running");
	}
	free(t);
	px_reply_free(&r);
	return print(pc, o);
}

/* ---- jobs, remotes ---- */

static const struct out_col job_cols[] = {
	{ "kind", OT_STR, 0 }, { "id", OT_STR, 0 }, { "store", OT_STR, 0 },
	{ "schedule", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "last", OT_TIME, 0 }, { "next", OT_TIME, 0 },
	{ "remote", OT_STR, OC_EXTRA }, { "comment", OT_STR, 0 },
};

static int
do_jobs(struct pbs_cmd *pc)
{
	static const char *const kinds[] = { "sync", "verify", "prune" };
	struct out *o = out_new(&pc->m.x.out, job_cols, PF_COLS(job_cols));

	for (int k = 0; k < 3; k++) {
		struct px_reply r;
		struct pbs_job *v;
		struct px_err e = { 0 };
		int n;

		pbs_get(pc, &r, "/admin/%s", kinds[k]);
		if (pbs_jobs_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		for (int i = 0; i < n; i++) {
			char remote[200];

			if (pc->store && strcmp(pc->store, v[i].store))
				continue;
			snprintf(remote, sizeof(remote), "%s%s%s",
			    v[i].remote, v[i].remote[0] ? ":" : "",
			    v[i].remote_store);
			out_row(o);
			out_str(o, 0, kinds[k]);
			out_str(o, 1, v[i].id);
			out_str(o, 2, nz(v[i].store));
			out_str(o, 3, nz(v[i].schedule));
			out_str(o, 4, nz(v[i].state));
			if (v[i].state[0] && strcmp(v[i].state, "ok"))
				out_row_error(o);
			if (v[i].last_end > 0)
				out_int(o, 5, v[i].last_end);
			if (v[i].next_run > 0)
				out_int(o, 6, v[i].next_run);
			out_str(o, 7, nz(remote));
			out_str(o, 8, nz(v[i].comment));
		}
		free(v);
		px_reply_free(&r);
	}
	return print(pc, o);
}

static const struct out_col remote_cols[] = {
	{ "name", OT_STR, 0 }, { "host", OT_STR, 0 }, { "port", OT_INT, 0 },
	{ "auth_id", OT_STR, 0 }, { "fingerprint", OT_STR, OC_EXTRA },
	{ "comment", OT_STR, 0 },
};

static int
do_remotes(struct pbs_cmd *pc)
{
	struct px_reply r;
	struct pbs_remote *v;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	pbs_get(pc, &r, "/config/remote");
	if (pbs_remotes_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&pc->m.x.out, remote_cols, PF_COLS(remote_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].name);
		out_str(o, 1, v[i].host);
		out_int(o, 2, v[i].port > 0 ? v[i].port : 8007);
		out_str(o, 3, nz(v[i].auth_id));
		out_str(o, 4, nz(v[i].fingerprint));
		out_str(o, 5, nz(v[i].comment));
	}
	free(v);
	px_reply_free(&r);
	return print(pc, o);
}

/* ---- main ---- */

static long long
keep_arg(const char *name, const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 1000000)
		px_errx(PX_EXIT_USAGE, "--%s: not a count: '%s'", name, s);
	return v;
}

static int
reads_only(struct pbs_cmd *pc, const char *verb)
{
	if (pc->nkeep || pc->set || pc->group)
		px_errx(PX_EXIT_USAGE, "%s takes no --keep-*, --set or "
		    "--group", verb);
	return 0;
}

int
pbs_main(int argc, char **argv)
{
	struct pbs_cmd pc;
	struct px_getopt g;
	const char *verb;
	int ch, rc;

	memset(&pc, 0, sizeof(pc));
	mutcli_init(&pc.m, &px_cmd_pbs);
	px_getopt_init(&g, &px_cmd_pbs, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&pc.m, ch, g.arg))
			continue;
		switch (ch) {
		case O_STORE:
			check_store(g.arg);
			pc.store = g.arg;
			break;
		case O_TYPE:
			if (strcmp(g.arg, "vm") && strcmp(g.arg, "ct") &&
			    strcmp(g.arg, "host"))
				px_errx(PX_EXIT_USAGE, "--type: vm, ct or "
				    "host, not '%s'", g.arg);
			pc.type = g.arg;
			break;
		case O_ID:
			if (!pbs_valid_id(g.arg))
				px_errx(PX_EXIT_USAGE, "--id: '%s' is not a "
				    "backup id", g.arg);
			pc.id = g.arg;
			break;
		case O_NS:
			if (!pbs_valid_ns(g.arg))
				px_errx(PX_EXIT_USAGE, "--ns: '%s' is not a "
				    "namespace", g.arg);
			pc.ns = g.arg;
			break;
		case O_GROUP:
			pc.group = g.arg;
			break;
		case 'o':
			pc.output = g.arg;
			break;
		case O_SET:
			pc.set = g.arg;
			break;
		case O_KEEP_LAST: case O_KEEP_HOURLY: case O_KEEP_DAILY:
		case O_KEEP_WEEKLY: case O_KEEP_MONTHLY: case O_KEEP_YEARLY:
			pc.keep[ch - O_KEEP_LAST] = keep_arg(g.name ? g.name :
			    "keep", g.arg);
			pc.nkeep++;
			break;
		case O_PATTERN:
			if (*g.arg == '\0' || *g.arg == '-')
				px_errx(PX_EXIT_USAGE, "--pattern: not a glob: "
				    "'%s'", g.arg);
			pc.pattern = g.arg;
			break;
		case O_RUNNING:
			pc.running = 1;
			break;
		case O_ERRORS:
			pc.errors = 1;
			break;
		case O_TAR:
			pc.tar = 1;
			break;
		default:
			px_usage(&px_cmd_pbs);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_pbs);
	verb = argv[0];
	if (pc.output && strcmp(verb, "get") != 0)
		px_errx(PX_EXIT_USAGE, "-o is for get");
	if (pc.tar && strcmp(verb, "get") != 0)
		px_errx(PX_EXIT_USAGE, "--tar is for get");
	if (pc.pattern && strcmp(verb, "restore") != 0)
		px_errx(PX_EXIT_USAGE, "--pattern is for restore");
	if (strcmp(verb, "status") == 0 && argc == 1) {
		reads_only(&pc, verb);
		rc = do_status(&pc);
	} else if (strcmp(verb, "ls") == 0 && argc == 2) {
		reads_only(&pc, verb);
		if (strcmp(argv[1], "datastores") == 0)
			rc = ls_datastores(&pc);
		else if (strcmp(argv[1], "namespaces") == 0)
			rc = ls_namespaces(&pc);
		else if (strcmp(argv[1], "groups") == 0)
			rc = ls_groups(&pc);
		else if (strcmp(argv[1], "snapshots") == 0)
			rc = ls_snapshots(&pc);
		else
			px_errx(PX_EXIT_USAGE, "ls: datastores, namespaces, "
			    "groups or snapshots, not '%s'", argv[1]);
	} else if (strcmp(verb, "files") == 0 && argc == 3) {
		reads_only(&pc, verb);
		rc = do_files(&pc, argv[1], argv[2]);
	} else if (strcmp(verb, "browse") == 0 && (argc == 4 || argc == 5)) {
		reads_only(&pc, verb);
		rc = do_browse(&pc, argv[1], argv[2], argv[3],
		    argc == 5 ? argv[4] : "");
	} else if (strcmp(verb, "get") == 0 && argc == 5) {
		reads_only(&pc, verb);
		rc = do_get(&pc, argv[1], argv[2], argv[3], argv[4]);
	} else if (strcmp(verb, "tasks") == 0 && argc == 1) {
		reads_only(&pc, verb);
		rc = do_tasks(&pc);
	} else if (strcmp(verb, "restore") == 0 && argc == 5) {
		reads_only(&pc, verb);
		rc = pbs_restore(&pc, argv[1], argv[2], argv[3], argv[4]);
	} else if (strcmp(verb, "jobs") == 0 && argc == 1) {
		reads_only(&pc, verb);
		rc = do_jobs(&pc);
	} else if (strcmp(verb, "remotes") == 0 && argc == 1) {
		reads_only(&pc, verb);
		rc = do_remotes(&pc);
	} else if ((rc = pbs_write(&pc, argc, argv)) < 0) {
		px_usage(&px_cmd_pbs);
	}
	mutcli_free(&pc.m);
	return rc;
}
