/* pve_files.c -- checks of files for a storage (pve_files.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enc.h"
#include "json.h"
#include "out.h"
#include "pve.h"
#include "pve_files.h"

int
pve_file_name_check(const char *name, struct px_err *e)
{
	size_t n = strlen(name);

	if (n == 0)
		return px_fail(e, PXE_USAGE, "the file name is empty");
	if (n > 255)
		return px_fail(e, PXE_USAGE, "the file name is longer than "
		    "255 characters");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x20 || ch == 0x7f)
			return px_fail(e, PXE_USAGE, "the file name holds a "
			    "control character (0x%02x)", ch);
		if (ch == '/' || ch == '\\')
			return px_fail(e, PXE_USAGE, "the file name holds "
			    "'%c': a name, not a path", ch);
		if (!isalnum(ch) && strchr("-.+=_", ch) == NULL)
			return px_fail(e, PXE_USAGE, "the file name holds a "
			    "character PVE does not keep (0x%02x): use "
			    "letters, digits and - . + = _", ch);
	}
	if (name[0] == '.')
		return px_fail(e, PXE_USAGE, "the file name starts with '.'");
	if (strstr(name, "..") != NULL)
		return px_fail(e, PXE_USAGE, "the file name holds \"..\"");
	return 0;
}

static int
ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

const char *
pve_file_content_of(const char *name)
{
	if (ends(name, ".iso") || ends(name, ".img"))
		return "iso";
	if (ends(name, ".tar.gz") || ends(name, ".tar.xz") ||
	    ends(name, ".tar.zst") || ends(name, ".tar.bz2"))
		return "vztmpl";
	if (ends(name, ".qcow2") || ends(name, ".raw") ||
	    ends(name, ".vmdk") || ends(name, ".ova"))
		return "import";
	return NULL;
}

int
pve_file_content_ok(const char *content, const char *name)
{
	const char *c = pve_file_content_of(name);

	if (c == NULL)
		return 0;
	return strcmp(c, content) == 0;
}

int
pve_checksum_parse(const char *spec, char alg[8], char hex[129],
    struct px_err *e)
{
	static const struct {
		const char *name;
		size_t len;
	} algs[] = { { "md5", 32 }, { "sha1", 40 }, { "sha224", 56 },
		{ "sha256", 64 }, { "sha384", 96 }, { "sha512", 128 } };
	const char *colon = strchr(spec, ':');
	size_t an, hn;

	if (colon == NULL)
		return px_fail(e, PXE_USAGE, "--checksum: ALG:HEX (sha256:"
		    "...), not '%.40s'", spec);
	an = (size_t)(colon - spec);
	hn = strlen(colon + 1);
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strlen(algs[i].name) != an ||
		    strncasecmp(spec, algs[i].name, an) != 0)
			continue;
		if (hn != algs[i].len || strspn(colon + 1,
		    "0123456789abcdefABCDEF") != hn)
			return px_fail(e, PXE_USAGE, "--checksum: a %s sum is "
			    "%zu hex digits", algs[i].name, algs[i].len);
		snprintf(alg, 8, "%s", algs[i].name);
		for (size_t k = 0; k <= hn; k++)
			hex[k] = (char)tolower((unsigned char)colon[1 + k]);
		return 0;
	}
	return px_fail(e, PXE_USAGE, "--checksum: the algorithm is one of "
	    "md5, sha1, sha224, sha256, sha384, sha512");
}

int
pve_content_has(const char *content, const char *type)
{
	size_t n = strlen(type);

	for (const char *p = content; p && *p;) {
		size_t k = strcspn(p, ", ");

		if (k == n && strncmp(p, type, n) == 0)
			return 1;
		p += k;
		p += strspn(p, ", ");
	}
	return 0;
}

static long long
num(const struct px_reply *r, const char *key)
{
	long long v = 0;
	int k = json_get(&r->j, r->data, key);

	if (k < 0 || json_int(&r->j, k, &v) != 0)
		return -1;
	return v;
}

int
pve_storage_status_get(struct px_client *c, const char *node,
    const char *storage, struct pve_storage_status *st, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	long long v;
	int k, rc;

	memset(st, 0, sizeof(*st));
	buf_adds(&p, "/nodes/");
	url_seg(&p, node);
	buf_adds(&p, "/storage/");
	url_seg(&p, storage);
	buf_adds(&p, "/status");
	rc = pve_get(c, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0) {
		if (e->id == PXE_API && e->http == 500 && strstr(e->msg,
		    "does not exist"))
			px_fail(e, PXE_NOT_FOUND, "node %s has no storage "
			    "'%s'", node, storage);
		return -1;
	}
	if ((k = json_get(&r.j, r.data, "type")) >= 0)
		json_strcpy(&r.j, k, st->type, sizeof(st->type));
	if ((k = json_get(&r.j, r.data, "content")) >= 0)
		json_strcpy(&r.j, k, st->content, sizeof(st->content));
	st->enabled = num(&r, "enabled") != 0;
	st->active = num(&r, "active") > 0;
	st->shared = num(&r, "shared") > 0;
	if ((v = num(&r, "total")) >= 0)
		st->total = (uint64_t)v;
	if ((v = num(&r, "avail")) >= 0) {
		st->avail = (uint64_t)v;
		st->has_avail = 1;
	}
	px_reply_free(&r);
	return 0;
}

/* ---- the requests ---- */

const char *
pve_file_content_pick(const char *content, const char *name,
    struct px_err *e)
{
	if (pve_file_name_check(name, e) != 0)
		return NULL;
	if (content == NULL && (content = pve_file_content_of(name)) ==
	    NULL) {
		px_fail(e, PXE_USAGE, "%s: the extension says no content "
		    "type: give --content iso, vztmpl or import", name);
		return NULL;
	}
	if (strcmp(content, "iso") == 0)
		content = "iso";
	else if (strcmp(content, "vztmpl") == 0)
		content = "vztmpl";
	else if (strcmp(content, "import") == 0)
		content = "import";
	else {
		px_fail(e, PXE_USAGE, "--content: PVE takes iso, vztmpl or "
		    "import here, not '%.40s'", content);
		return NULL;
	}
	if (!pve_file_content_ok(content, name)) {
		px_fail(e, PXE_USAGE, "%s: not a file name PVE takes as %s "
		    "(iso: .iso .img; vztmpl: .tar.gz .tar.xz .tar.zst "
		    ".tar.bz2; import: .qcow2 .raw .vmdk .ova)", name,
		    content);
		return NULL;
	}
	return content;
}

int
pve_download_url_check(const char *url, char *name, size_t n,
    struct px_err *e)
{
	const char *p, *q;
	size_t len;

	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) !=
	    0)
		return px_fail(e, PXE_USAGE, "download-url: the URL is "
		    "https:// or http://");
	if (strlen(url) > 4096)
		return px_fail(e, PXE_USAGE, "download-url: the URL is too "
		    "long");
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return px_fail(e, PXE_USAGE, "download-url: the URL "
			    "holds a space or control character (0x%02x): "
			    "encode it", (unsigned char)*p);
	if (name == NULL)
		return 0;
	p = strstr(url, "://") + 3;
	len = strcspn(p, "?#");
	for (q = p + len; q > p && q[-1] != '/'; q--)
		;
	if (q == p || q == p + len)
		return px_fail(e, PXE_USAGE, "download-url: the URL names no "
		    "file: give --filename");
	if ((size_t)(p + len - q) >= n)
		return px_fail(e, PXE_USAGE, "download-url: the URL's file "
		    "name is too long");
	snprintf(name, n, "%.*s", (int)(p + len - q), q);
	return 0;
}

static void
storage_path(struct buf *b, const char *node, const char *storage,
    const char *what)
{
	buf_adds(b, "/nodes/");
	url_seg(b, node);
	buf_adds(b, "/storage/");
	url_seg(b, storage);
	buf_adds(b, what);
}

void
pve_file_upload_target(struct gate_target *t, const char *node,
    const char *storage, const char *name, const char *content,
    long long size, const char *alg, const char *hex,
    const struct px_upload *u)
{
	char sz[32];

	out_fmt_bytes(sz, sizeof(sz), (uint64_t)(size > 0 ? size : 0));
	snprintf(t->id, sizeof(t->id), "storage/%.80s", storage);
	snprintf(t->summary, sizeof(t->summary), "upload %.255s (%s, %s) to "
	    "storage %.64s on %.64s", name, content, sz, storage, node);
	t->call.method = "POST";
	storage_path(&t->call.path, node, storage, "/upload");
	form_add(&t->call.form, "content", content);
	if (alg) {
		form_add(&t->call.form, "checksum", hex);
		form_add(&t->call.form, "checksum-algorithm", alg);
	}
	t->call.upload = u;
}

void
pve_file_download_target(struct gate_target *t, const char *node,
    const char *storage, const char *url, const char *name,
    const char *content, const char *alg, const char *hex,
    const char *verify)
{
	char v[400];

	snprintf(v, sizeof(v), "%.64s:%s/%.255s", storage, content, name);
	snprintf(t->id, sizeof(t->id), "storage/%.80s", v);
	snprintf(t->summary, sizeof(t->summary), "download %.200s to "
	    "%.64s:%s/%.120s on %.60s%s", url, storage, content, name, node,
	    alg ? "" : " (no checksum)");
	t->call.method = "POST";
	storage_path(&t->call.path, node, storage, "/download-url");
	form_add(&t->call.form, "url", url);
	form_add(&t->call.form, "filename", name);
	form_add(&t->call.form, "content", content);
	if (alg) {
		form_add(&t->call.form, "checksum", hex);
		form_add(&t->call.form, "checksum-algorithm", alg);
	}
	if (verify)
		form_add(&t->call.form, "verify-certificates", verify);
}

void
pve_volume_delete_target(struct gate_target *t, const char *node,
    const char *storage, const char *volid)
{
	snprintf(t->id, sizeof(t->id), "volume/%.80s", volid);
	snprintf(t->summary, sizeof(t->summary), "delete volume %.400s on "
	    "%.64s", volid, node);
	t->call.method = "DELETE";
	storage_path(&t->call.path, node, storage, "/content/");
	url_seg(&t->call.path, volid);
}

int
pve_volume_owner(const char *vol)
{
	static const char *const pre[] = { "vm-", "base-", "subvol-",
		"basevol-", NULL };
	const char *p = strrchr(vol, '/');

	p = p ? p + 1 : vol;
	if (strchr(p, ':'))
		p = strchr(p, ':') + 1;
	for (int i = 0; pre[i]; i++) {
		size_t n = strlen(pre[i]);

		if (strncmp(p, pre[i], n) == 0) {
			long v = strtol(p + n, NULL, 10);

			return v > 0 && v < 1000000000 ? (int)v : 0;
		}
	}
	return 0;
}

int
pve_download_assess(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const struct pve_download_risk *d = arg;

	(void)c;
	(void)r;
	(void)e;
	if (!d->checksum && d->url_http)
		risk_add(rep, "UnverifiedDownload", RISK_WARNING, "plain "
		    "http:// and no --checksum: nothing checks what PVE "
		    "stores");
	if (d->verify && strcmp(d->verify, "0") == 0 && !d->checksum)
		risk_add(rep, "UnverifiedDownload", RISK_WARNING, "TLS "
		    "certificates not verified and no --checksum");
	return 0;
}
