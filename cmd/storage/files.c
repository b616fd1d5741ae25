/*
 * files.c -- px storage upload, download-url and delete VOLID: files
 * brought onto a storage and volumes removed from it, each through the
 * gate (objcli.h, lib/gate.h) and followed to the end of PVE's task.
 *
 * An upload is a multipart/form-data POST whose file part libcurl reads
 * from the file as it sends it (lib/http.h struct px_upload): px never
 * holds the file in memory, whatever its size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "enc.h"
#include "files.h"
#include "pve_files.h"
#include "pve_objrisk_storage.h"

/* The checks every file verb makes of its node and storage operands. */
static void
check_node_storage(const char *node, const char *storage)
{
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name", node);
	if (!pve_valid_storage(storage))
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name", storage);
}

/* The content type of name: --content, else its extension's; exits 2
 * when they disagree or neither says. */
static const char *
file_content(const char *content, const char *name)
{
	struct px_err e = { 0 };

	if ((content = pve_file_content_pick(content, name, &e)) == NULL) {
		text_sanitize(e.msg);
		px_die(&e);
	}
	return content;
}

/* The storage as node sees it must exist, be enabled and hold content;
 * need bytes free when need > 0.  Exits otherwise. */
static void
check_storage_takes(struct objcli *oc, const char *node, const char *storage,
    const char *content, uint64_t need)
{
	struct pve_storage_status st;
	struct px_err e = { 0 };

	objcli_connect(oc);
	if (pve_storage_status_get(oc->m.x.client, node, storage, &st,
	    &e) != 0)
		px_die(&e);
	if (!st.enabled)
		px_errx(PX_EXIT_USAGE, "storage %s is disabled", storage);
	if (!pve_content_has(st.content, content))
		px_errx(PX_EXIT_USAGE, "storage %s holds no %s content (its "
		    "content: %s); px storage set %s --content ... adds it",
		    storage, content, st.content[0] ? st.content : "none",
		    storage);
	if (need > 0 && st.has_avail && st.avail < need) {
		char a[32], n[32];

		out_fmt_bytes(a, sizeof(a), st.avail);
		out_fmt_bytes(n, sizeof(n), need);
		px_errx(PX_EXIT_USAGE, "storage %s on %s has %s free, the file "
		    "is %s", storage, node, a, n);
	}
}

/* ---- the progress bar of an upload ---- */

struct bar {
	const char *name;
	double start, last;
	int shown;
};

static void
hms(char *out, size_t n, double s)
{
	long long t = (long long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(out, n, "%lld:%02lld", t / 60, t % 60);
}

/* "NAME  12.0 MiB / 64.0 MiB  18%  5.2 MiB/s  ETA 0:10" on stderr, at
 * most five times a second and once at the end. */
static void
bar_show(void *arg, long long sent, long long size)
{
	struct bar *b = arg;
	double now = px_mono(), el = now - b->start, rate;
	char s1[32], s2[32], r[32], eta[32] = "--:--";

	if (now - b->last < 0.2 && sent < size)
		return;
	b->last = now;
	b->shown = 1;
	rate = el > 0 ? (double)sent / el : 0;
	if (rate > 0 && sent < size)
		hms(eta, sizeof(eta), (double)(size - sent) / rate);
	else if (sent >= size)
		hms(eta, sizeof(eta), 0);
	out_fmt_bytes(s1, sizeof(s1), (uint64_t)sent);
	out_fmt_bytes(s2, sizeof(s2), (uint64_t)size);
	out_fmt_bytes(r, sizeof(r), (uint64_t)rate);
	fprintf(stderr, "\r\033[K%.40s  %s / %s  %3d%%  %s/s  ETA %s", b->name,
	    s1, s2, size > 0 ? (int)(100 * sent / size) : 100, r, eta);
}

/* ---- upload ---- */

int
storage_upload(struct objcli *oc, const char *node, const char *storage,
    const char *file, const struct storage_file_opts *fo)
{
	struct gate_req r;
	struct gate_target *t;
	struct px_upload u = { 0 };
	struct mut_row row;
	struct bar bar = { 0 };
	struct stat sb;
	const char *name, *content;
	char alg[8], hex[129];
	int fd, rc;

	check_node_storage(node, storage);
	objcli_no_params(oc, "upload");
	if (fo->verify)
		px_errx(PX_EXIT_USAGE, "--verify-certificates is for "
		    "download-url");
	name = fo->filename;
	if (name == NULL) {
		name = strrchr(file, '/');
		name = name ? name + 1 : file;
	}
	content = file_content(fo->content, name);
	if (fo->checksum) {
		struct px_err e = { 0 };

		if (pve_checksum_parse(fo->checksum, alg, hex, &e) != 0)
			px_die(&e);
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		px_errx(PX_EXIT_FAIL, "%s: %s", file, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		px_errx(PX_EXIT_USAGE, "%s: not a regular file", file);
	check_storage_takes(oc, node, storage, content, (uint64_t)sb.st_size);

	u.fields = NULL;	/* the gate puts the call's form here */
	u.file_field = "filename";
	u.file_name = name;
	u.fd = fd;
	u.size = (long long)sb.st_size;
	if (oc->m.tty && !oc->m.quiet && !oc->m.g.dry_run) {
		bar.name = name;
		bar.start = bar.last = px_mono();
		u.progress = bar_show;
		u.progress_arg = &bar;
	}

	gate_req_init(&r, "upload", "storage", 1);
	t = &r.t[0];
	pve_file_upload_target(t, node, storage, name, content,
	    (long long)sb.st_size, fo->checksum ? alg : NULL, hex, &u);
	snprintf(r.summary, sizeof(r.summary), "%s", t->summary);
	snprintf(r.id, sizeof(r.id), "%s", t->id);

	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%s:%s/%s", storage, content,
	    name);
	snprintf(row.node, sizeof(row.node), "%s", node);
	rc = mutcli_run_rows(&oc->m, &r, &row);
	if (bar.shown)
		fprintf(stderr, "\r\033[K");
	gate_req_free(&r);
	close(fd);
	return rc;
}

/* ---- download-url ---- */

int
storage_download_url(struct objcli *oc, const char *node, const char *storage,
    const char *url, struct storage_file_opts *fo)
{
	struct objcli_change c = { .kind = "storage", .id = storage,
		.action = "download-url", .method = "POST", .no_params = 0 };
	struct pve_download_risk risk = { 0 };
	struct gate_target t;
	struct px_err e = { 0 };
	char alg[8], hex[129], volid[400], base[300];
	const char *name = fo->filename, *content;
	int rc;

	check_node_storage(node, storage);
	objcli_no_params(oc, "download-url");
	if (pve_download_url_check(url, name ? NULL : base, sizeof(base),
	    &e) != 0)
		px_die(&e);
	fo->url_http = strncmp(url, "http://", 7) == 0;
	if (fo->verify && strcmp(fo->verify, "0") != 0 &&
	    strcmp(fo->verify, "1") != 0)
		px_errx(PX_EXIT_USAGE, "--verify-certificates: 0 or 1");
	if (name == NULL)
		name = base;
	content = file_content(fo->content, name);
	if (fo->checksum && pve_checksum_parse(fo->checksum, alg, hex,
	    &e) != 0)
		px_die(&e);
	check_storage_takes(oc, node, storage, content, 0);

	memset(&t, 0, sizeof(t));
	pve_file_download_target(&t, node, storage, url, name, content,
	    fo->checksum ? alg : NULL, hex, fo->verify);
	snprintf(volid, sizeof(volid), "%s:%s/%s", storage, content, name);
	risk.checksum = fo->checksum != NULL;
	risk.url_http = fo->url_http;
	risk.verify = fo->verify;
	c.summary = t.summary;
	c.id = volid;
	c.path = t.call.path.p;
	c.extra = t.call.form.p;
	c.node = node;
	c.assess = pve_download_assess;
	c.assess_arg = &risk;
	rc = objcli_change(oc, &c);
	buf_free(&t.call.path);
	buf_free(&t.call.form);
	return rc;
}

/* ---- delete a volume ---- */

/* The node that holds volid on storage: node when given, else the one
 * that lists it (any, for a shared storage); exits when none or several
 * (then --node picks). */
static void
volume_node(struct objcli *oc, const char *storage, const char *volid,
    char *node, size_t size)
{
	struct pve_node *nodes = NULL;
	struct px_err e = { 0 };
	struct buf hits = { 0 };
	int n = 0, found = 0;

	objcli_connect(oc);
	if (pve_nodes(oc->m.x.client, &nodes, &n, &e) != 0)
		px_die(&e);
	for (int i = 0; i < n; i++) {
		struct pve_storage_status st;
		struct px_reply r;
		struct buf p = { 0 };
		int ok;

		if (strcmp(nodes[i].status, "online") != 0)
			continue;
		if (pve_storage_status_get(oc->m.x.client, nodes[i].name,
		    storage, &st, &e) != 0)
			continue;
		buf_adds(&p, "/nodes/");
		url_seg(&p, nodes[i].name);
		buf_adds(&p, "/storage/");
		url_seg(&p, storage);
		buf_adds(&p, "/content/");
		url_seg(&p, volid);
		ok = pve_get(oc->m.x.client, &r, &e, "%s", p.p) == 0;
		buf_free(&p);
		if (!ok)
			continue;
		px_reply_free(&r);
		if (found++ == 0)
			snprintf(node, size, "%s", nodes[i].name);
		buf_printf(&hits, "%s%s", hits.len ? ", " : "", nodes[i].name);
		if (st.shared)
			break;
	}
	free(nodes);
	if (found == 0)
		px_errx(PX_EXIT_NOTFOUND, "no node holds volume %s", volid);
	if (found > 1)
		px_errx(PX_EXIT_USAGE, "volume %s is on several nodes (%s): "
		    "--node picks one", volid, hits.p);
	buf_free(&hits);
}

int
storage_volume_delete(struct objcli *oc, const char *volid,
    const struct storage_file_opts *fo)
{
	struct objcli_change c = { .kind = "volume", .id = volid,
		.action = "delete", .method = "DELETE", .destructive = 1 };
	struct objrisk_volume a = { .volid = volid };
	struct gate_target t;
	struct buf path = { 0 };
	char storage[128], node[128], summary[512];
	const char *colon = strchr(volid, ':');
	int rc;

	objcli_no_params(oc, "delete");
	if (fo->content || fo->checksum || fo->filename || fo->verify)
		px_errx(PX_EXIT_USAGE, "delete takes --node only");
	if (colon == NULL || colon == volid || colon[1] == '\0' ||
	    (size_t)(colon - volid) >= sizeof(storage) || strlen(volid) > 400)
		px_errx(PX_EXIT_USAGE, "'%s' is not a volume (storage:name)",
		    volid);
	snprintf(storage, sizeof(storage), "%.*s", (int)(colon - volid),
	    volid);
	if (!pve_valid_storage(storage))
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name", storage);
	for (const char *p = volid; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			px_errx(PX_EXIT_USAGE, "the volume holds a control "
			    "character (0x%02x)", (unsigned char)*p);
	if (fo->node) {
		if (!pve_valid_node(fo->node))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    fo->node);
		snprintf(node, sizeof(node), "%s", fo->node);
	} else {
		volume_node(oc, storage, volid, node, sizeof(node));
	}
	a.owner = pve_volume_owner(colon + 1);
	memset(&t, 0, sizeof(t));
	pve_volume_delete_target(&t, node, storage, volid);
	snprintf(summary, sizeof(summary), "%s", t.summary);
	buf_adds(&path, t.call.path.p);
	buf_free(&t.call.path);
	c.summary = summary;
	c.path = path.p;
	c.node = node;
	c.assess = objrisk_volume;
	c.assess_arg = &a;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	return rc;
}
