/*
 * storage_files.c -- files PVE brings onto a storage: the upload of an
 * ISO image, container template or import image (POST .../upload, a
 * multipart/form-data body that the server layer spooled to a file as
 * pveproxy spools it to /var/tmp), PVE fetching one from a URL (POST
 * .../download-url), and the container template catalogue (GET and
 * POST /nodes/{node}/aplinfo), and what PVE reads of an uploaded OVA
 * (GET .../import-metadata).
 *
 * The files are real: an upload lands in the state directory under
 * storage/STORAGE/NODE/CONTENT/NAME, checksummed on the way.  pxsim
 * cannot reach the internet, so download-url fetches https://HOST/PATH
 * from the state directory's internet/HOST/PATH (a test puts its
 * fixture there); a URL with no file there fails its task as a 404
 * would.
 */
#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core.h"
#include "ova.h"

#define H(name) static void name(struct sim *s, struct sim_req *rq, \
    struct sim_resp *rs, const struct sim_match *m)

#define FIELD_CAP	(64 * 1024)	/* a multipart field's value */

/* ---- checksums ---- */

static const br_hash_class *
hash_class(const char *alg)
{
	static const struct {
		const char *name;
		const br_hash_class *vt;
	} algs[] = {
		{ "md5", &br_md5_vtable }, { "sha1", &br_sha1_vtable },
		{ "sha224", &br_sha224_vtable }, { "sha256", &br_sha256_vtable },
		{ "sha384", &br_sha384_vtable }, { "sha512", &br_sha512_vtable },
	};

	for (size_t i = 0; alg && i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(alg, algs[i].name) == 0)
			return algs[i].vt;
	return NULL;
}

static void
hash_hex(br_hash_compat_context *h, char *out)
{
	unsigned char d[64];
	size_t n = (h->vtable->desc >> BR_HASHDESC_OUT_OFF) &
	    BR_HASHDESC_OUT_MASK;

	h->vtable->out(&h->vtable, d);
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	out[2 * n] = '\0';
}

/* Is word one of the comma-separated list? */
static int
sim_word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* ---- the checks PVE makes of an upload or download ---- */

/* The checksum parameters: 0, or -1 with PVE's 400 in rs. */
static int
check_checksum(const struct sim_req *rq, struct sim_resp *rs)
{
	const char *sum = sim_param(rq, "checksum");
	const char *alg = sim_param(rq, "checksum-algorithm");

	if (sum && !alg) {
		sim_param_error(rs, "checksum-algorithm", "parameter is "
		    "missing and it is not optional");
		return -1;
	}
	if (alg && !sum) {
		sim_param_error(rs, "checksum", "parameter is missing and it "
		    "is not optional");
		return -1;
	}
	if (alg && hash_class(alg) == NULL) {
		sim_param_errorf(rs, "checksum-algorithm", "value '%s' does "
		    "not have a value in the enumeration 'md5, sha1, sha224, "
		    "sha256, sha384, sha512'", alg);
		return -1;
	}
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/*
 * The storage, content and file name of an upload or download as PVE
 * checks them: the name normalized (PVE: its base name, every character
 * outside [a-zA-Z0-9-.+=_] made '_'), the extension the content needs,
 * a storage with a path that holds this content.  name gets the
 * normalized name; 0, or -1 with PVE's error in rs.
 */
static int
check_target(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m, struct sim_storage **stp, char *name,
    size_t size)
{
	const char *id = sim_var(m, "storage"), *node = sim_var(m, "node");
	const char *content = sim_param(rq, "content");
	const char *fn = sim_param(rq, "filename"), *base;
	struct sim_storage *st;
	int ok;

	if (sim_param_require(rq, rs, "content", "filename", NULL) != 0)
		return -1;
	if (strcmp(content, "iso") != 0 && strcmp(content, "vztmpl") != 0 &&
	    strcmp(content, "import") != 0) {
		sim_param_errorf(rs, "content", "value '%s' does not have a "
		    "value in the enumeration 'iso, vztmpl, import'", content);
		return -1;
	}
	if (strlen(fn) > 255) {
		sim_param_error(rs, "filename", "value may only be 255 "
		    "characters long");
		return -1;
	}
	if (check_checksum(rq, rs) != 0)
		return -1;
	st = sim_storage_find(s, id);
	if (st == NULL || !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", id);
		return -1;
	}
	if (st->disabled) {
		sim_error(rs, 500, "storage '%s' is disabled", id);
		return -1;
	}
	if (strcmp(st->type, "dir") != 0 && strcmp(st->type, "nfs") != 0 &&
	    strcmp(st->type, "cifs") != 0 && strcmp(st->type, "cephfs") != 0 &&
	    strcmp(st->type, "btrfs") != 0) {
		sim_error(rs, 500, "can't upload to storage type '%s'",
		    st->type);
		return -1;
	}
	base = strrchr(fn, '/');
	base = base ? base + 1 : fn;
	if (strrchr(base, '\\'))
		base = strrchr(base, '\\') + 1;
	snprintf(name, size, "%s", base);
	for (char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-.+=_", *p)))
			*p = '_';
	if (strcmp(content, "iso") == 0)
		ok = ends_with(name, ".iso") || ends_with(name, ".img");
	else if (strcmp(content, "vztmpl") == 0)
		ok = ends_with(name, ".tar.gz") || ends_with(name, ".tar.xz") ||
		    ends_with(name, ".tar.zst") || ends_with(name, ".tar.bz2");
	else
		ok = ends_with(name, ".qcow2") || ends_with(name, ".raw") ||
		    ends_with(name, ".vmdk") || ends_with(name, ".ova");
	if (!ok || name[0] == '.' || name[0] == '\0') {
		sim_param_error(rs, "filename", "wrong file extension");
		return -1;
	}
	if (!sim_word_in(st->content, content)) {
		sim_error(rs, 500, "storage '%s' does not support '%s' content",
		    id, content);
		return -1;
	}
	*stp = st;
	return 0;
}

/* mkdir -p of path's directories (path itself is a file). */
static int
mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* The file of a storage's volume in the state directory. */
static void
volume_file(const struct sim *s, const struct sim_storage *st,
    const char *node, const char *content, const char *name, char *out,
    size_t size)
{
	snprintf(out, size, "%s/storage/%s/%s/%s/%s", s->opt.statedir,
	    st->id, st->shared ? "shared" : node, content, name);
}

static const char *
format_of(const char *content, const char *name)
{
	if (strcmp(content, "iso") == 0)
		return "iso";
	if (strcmp(content, "vztmpl") == 0)
		return ends_with(name, ".tar.zst") ? "tzst" :
		    ends_with(name, ".tar.xz") ? "txz" :
		    ends_with(name, ".tar.bz2") ? "tbz2" : "tgz";
	if (ends_with(name, ".qcow2"))
		return "qcow2";
	if (ends_with(name, ".vmdk"))
		return "vmdk";
	if (ends_with(name, ".ova"))
		return "ova";
	return "raw";
}

/* The volume of a file that arrived (replacing one of the same name). */
static void
volume_arrived(struct sim *s, const struct sim_storage *st, const char *node,
    const char *content, const char *name, uint64_t size)
{
	struct sim_volume *v;
	char volid[512];

	snprintf(volid, sizeof(volid), "%s:%s/%s", st->id, content, name);
	if (sim_volume_find(s, volid, node) != NULL)
		sim_volume_remove(s, volid, node);
	v = px_xcalloc(1, sizeof(*v));
	v->storage = px_xstrdup(st->id);
	v->node = st->shared ? NULL : px_xstrdup(node);
	v->volid = px_xstrdup(volid);
	v->content = px_xstrdup(content);
	v->format = px_xstrdup(format_of(content, name));
	v->size = size;
	v->ctime = sim_now(s);
	sim_volume_add(s, v);
}

/* ---- multipart/form-data, read from the spooled body ---- */

struct mp {
	int fd;
	char buf[64 * 1024 + 256];
	size_t len, off;
	int eof;
	char delim[200];	/* "\r\n--BOUNDARY" */
	size_t dlen;
};

/* At least want bytes after off in the buffer, unless the body ends. */
static int
mp_fill(struct mp *p, size_t want)
{
	if (p->off > 0) {
		memmove(p->buf, p->buf + p->off, p->len - p->off);
		p->len -= p->off;
		p->off = 0;
	}
	while (p->len < want && !p->eof) {
		ssize_t n = read(p->fd, p->buf + p->len, sizeof(p->buf) -
		    p->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			p->eof = 1;
		p->len += (size_t)n;
	}
	return 0;
}

/*
 * The body of the current part, up to the next delimiter: passed to
 * sink (returns 0, or -1 to give up).  1 when the delimiter ended it and
 * another part follows, 0 after the last part, -1 on a malformed body.
 */
static int
mp_body(struct mp *p, int (*sink)(void *, const char *, size_t), void *arg)
{
	for (;;) {
		char *hit;
		size_t avail, keep;

		if (mp_fill(p, sizeof(p->buf) / 2) != 0)
			return -1;
		avail = p->len - p->off;
		hit = memmem(p->buf + p->off, avail, p->delim, p->dlen);
		if (hit != NULL) {
			size_t n = (size_t)(hit - (p->buf + p->off));

			if (sink(arg, p->buf + p->off, n) != 0)
				return -1;
			p->off += n + p->dlen;
			if (mp_fill(p, 2) != 0 || p->len - p->off < 2)
				return -1;
			if (memcmp(p->buf + p->off, "--", 2) == 0)
				return 0;
			if (memcmp(p->buf + p->off, "\r\n", 2) != 0)
				return -1;
			p->off += 2;
			return 1;
		}
		if (p->eof)
			return -1;	/* no closing delimiter */
		keep = p->dlen - 1;
		if (avail > keep) {
			if (sink(arg, p->buf + p->off, avail - keep) != 0)
				return -1;
			p->off += avail - keep;
		}
	}
}

/* A part's header block: the name and filename of its
 * Content-Disposition.  0, or -1 when malformed. */
static int
mp_headers(struct mp *p, char *name, size_t nsize, char *fname,
    size_t fsize, int *has_file)
{
	char *end, *cd;

	if (mp_fill(p, 8192) != 0)
		return -1;
	end = memmem(p->buf + p->off, p->len - p->off, "\r\n\r\n", 4);
	if (end == NULL)
		return -1;
	*end = '\0';
	name[0] = fname[0] = '\0';
	*has_file = 0;
	cd = strcasestr(p->buf + p->off, "content-disposition:");
	if (cd != NULL) {
		const char *q;

		if ((q = strstr(cd, " name=\"")) != NULL ||
		    (q = strstr(cd, ";name=\"")) != NULL)
			snprintf(name, nsize, "%.*s", (int)strcspn(q + 7,
			    "\"\r\n"), q + 7);
		if ((q = strstr(cd, "filename=\"")) != NULL) {
			snprintf(fname, fsize, "%.*s", (int)strcspn(q + 10,
			    "\"\r\n"), q + 10);
			*has_file = 1;
		}
	}
	p->off = (size_t)(end - p->buf) + 4;
	return name[0] ? 0 : -1;
}

struct field_sink {
	struct buf b;
	int too_big;
};

static int
field_sink(void *arg, const char *d, size_t n)
{
	struct field_sink *f = arg;

	if (f->b.len + n > FIELD_CAP) {
		f->too_big = 1;
		return -1;
	}
	buf_add(&f->b, d, n);
	return 0;
}

struct file_sink {
	int fd;
	uint64_t size;
	br_hash_compat_context h;
	int hashing;
	int werr;
};

static int
file_sink(void *arg, const char *d, size_t n)
{
	struct file_sink *f = arg;

	if (f->hashing)
		f->h.vtable->update(&f->h.vtable, d, n);
	f->size += n;
	while (n > 0) {
		ssize_t w = write(f->fd, d, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->werr = errno ? errno : EIO;
			return -1;
		}
		d += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The upload's work, done before the task that reports it starts. */
struct upload_job {
	char *file;		/* where it went */
	char *error;		/* the task's failure, or NULL */
};

H(h_upload)
{
	const char *ct = sim_header(rq, "content-type"), *bd, *node;
	char name[300], fname[300], part[64], path[2048], tmp[2100];
	char got[129], fnparam[300] = "", sumline[300] = "";
	struct file_sink fs = { .fd = -1 };
	struct sim_storage *st;
	struct sim_task *t;
	struct mp *p = NULL;
	int more, has_file, got_file = 0;

	node = sim_var(m, "node");
	if (rq->upload_len <= 0 || ct == NULL ||
	    (bd = strcasestr(ct, "boundary=")) == NULL) {
		/* pveproxy answers a non-multipart upload so */
		sim_param_error(rs, "tmpfilename", "parameter is missing "
		    "and it is not optional");
		return;
	}
	p = px_xcalloc(1, sizeof(*p));
	p->fd = rq->upload_fd;
	bd += 9;
	if (*bd == '"')
		bd++;
	p->dlen = (size_t)snprintf(p->delim, sizeof(p->delim), "\r\n--%.*s",
	    (int)strcspn(bd, "\";"), bd);
	if (p->dlen >= sizeof(p->delim) || p->dlen <= 4)
		goto bad;
	/* the preamble: the body starts with the first "--BOUNDARY" */
	if (mp_fill(p, p->dlen) != 0 || p->len < p->dlen - 2 ||
	    memcmp(p->buf, p->delim + 2, p->dlen - 2) != 0)
		goto bad;
	p->off = p->dlen - 2;
	if (mp_fill(p, 2) != 0 || p->len - p->off < 2 ||
	    memcmp(p->buf + p->off, "\r\n", 2) != 0)
		goto bad;
	p->off += 2;
	snprintf(tmp, sizeof(tmp), "%s/pveupload-data-XXXXXX",
	    s->opt.statedir);
	if ((fs.fd = mkstemp(tmp)) < 0) {
		sim_error(rs, 500, "unable to create temporary file: %s",
		    strerror(errno));
		goto out;
	}
	unlink(tmp);
	do {
		struct field_sink f = { { 0 }, 0 };

		if (mp_headers(p, part, sizeof(part), fname, sizeof(fname),
		    &has_file) != 0)
			goto bad;
		if (has_file) {
			if (got_file)
				goto bad;
			got_file = 1;
			snprintf(fnparam, sizeof(fnparam), "%s", fname);
			more = mp_body(p, file_sink, &fs);
			if (fs.werr) {
				sim_error(rs, 500, "error writing upload: %s",
				    strerror(fs.werr));
				goto out;
			}
		} else {
			more = mp_body(p, field_sink, &f);
			if (f.too_big) {
				buf_free(&f.b);
				sim_error(rs, 413, "Request Entity Too Large");
				goto out;
			}
			buf_addc(&f.b, '\0');
			if (more >= 0)
				sim_kv_set(&rq->params, part, f.b.p);
			buf_free(&f.b);
		}
		if (more < 0)
			goto bad;
	} while (more == 1);
	if (!got_file) {
		sim_param_error(rs, "tmpfilename", "parameter is missing and "
		    "it is not optional");
		goto out;
	}
	/* pveproxy passes the file part's name as the filename */
	sim_kv_set(&rq->params, "filename", fnparam);
	if (check_target(s, rq, rs, m, &st, name, sizeof(name)) != 0)
		goto out;
	if (sim_param(rq, "checksum")) {
		const br_hash_class *vt = hash_class(sim_param(rq,
		    "checksum-algorithm"));
		char buf[65536];
		ssize_t n;

		vt->init(&fs.h.vtable);
		if (lseek(fs.fd, 0, SEEK_SET) != 0)
			goto bad;
		while ((n = read(fs.fd, buf, sizeof(buf))) > 0)
			vt->update(&fs.h.vtable, buf, (size_t)n);
		hash_hex(&fs.h, got);
		if (strcasecmp(got, sim_param(rq, "checksum")) != 0) {
			t = sim_task_start(s, node, "imgcopy", "", rq->authid,
			    0, NULL, NULL);
			sim_task_log(t, "starting file import from: %s", tmp);
			sim_task_log(t, "calculating checksum...");
			sim_task_fail(t, "checksum mismatch: got '%s' != expect "
			    "'%s'", got, sim_param(rq, "checksum"));
			sim_upid_response(rs, t->upid);
			goto out;
		}
		snprintf(sumline, sizeof(sumline), "%s", got);
	}
	volume_file(s, st, node, sim_param(rq, "content"), name, path,
	    sizeof(path));
	{
		/* copy the spooled file into place */
		char buf[65536];
		ssize_t n;
		int out;

		if (mkdirs(path) != 0 || lseek(fs.fd, 0, SEEK_SET) != 0 ||
		    (out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) < 0) {
			sim_error(rs, 500, "unable to create '%s': %s", name,
			    strerror(errno));
			goto out;
		}
		while ((n = read(fs.fd, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		close(out);
	}
	volume_arrived(s, st, node, sim_param(rq, "content"), name, fs.size);
	t = sim_task_start(s, node, "imgcopy", "", rq->authid, 0, NULL, NULL);
	sim_task_log(t, "starting file import from: %s", tmp);
	if (sumline[0]) {
		sim_task_log(t, "calculating checksum...OK, checksum verified");
	}
	sim_task_log(t, "target node: %s", node);
	sim_task_log(t, "target file: %s", path);
	sim_task_log(t, "file size is: %llu", (unsigned long long)fs.size);
	sim_task_log(t, "command: cp -- %s %s", tmp, path);
	sim_task_log(t, "finished file import successfully");
	sim_upid_response(rs, t->upid);
	goto out;
bad:
	sim_error(rs, 400, "malformed multipart body");
out:
	if (fs.fd >= 0)
		close(fs.fd);
	free(p);
}

/* ---- download-url ---- */

H(h_download_url)
{
	const char *url = sim_param(rq, "url"), *node = sim_var(m, "node");
	const char *content, *alg, *want, *host;
	char name[300], src[2048], path[2048], got[129] = "";
	struct sim_storage *st;
	struct sim_task *t;
	struct stat sb;
	uint64_t size = 0;
	int in = -1, out = -1;

	if (sim_param_require(rq, rs, "url", NULL) != 0)
		return;
	if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) !=
	    0) {
		sim_param_error(rs, "url", "value does not match the regex "
		    "pattern");
		return;
	}
	if (check_target(s, rq, rs, m, &st, name, sizeof(name)) != 0)
		return;
	content = sim_param(rq, "content");
	alg = sim_param(rq, "checksum-algorithm");
	want = sim_param(rq, "checksum");
	host = strstr(url, "://") + 3;
	volume_file(s, st, node, content, name, path, sizeof(path));
	t = sim_task_start(s, node, "download", name, rq->authid, 0, NULL,
	    NULL);
	sim_task_log(t, "downloading %s to %s", url, path);
	/* the simulated internet: internet/HOST/PATH, no query, no ".." */
	snprintf(src, sizeof(src), "%s/internet/%.*s", s->opt.statedir,
	    (int)strcspn(host, "?#"), host);
	if (strstr(host, "..") || (in = open(src, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		sim_task_fail(t, "download failed: 404 Not Found");
		goto done;
	}
	if (mkdirs(path) != 0 || (out = open(path, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		sim_task_fail(t, "unable to create '%s': %s", path,
		    strerror(errno));
		goto done;
	}
	{
		br_hash_compat_context h;
		char buf[65536];
		ssize_t n;
		int werr = 0;

		if (alg)
			hash_class(alg)->init(&h.vtable);
		while ((n = read(in, buf, sizeof(buf))) > 0) {
			if (alg)
				h.vtable->update(&h.vtable, buf, (size_t)n);
			if (write(out, buf, (size_t)n) != n)
				werr = 1;
			size += (uint64_t)n;
		}
		close(out);
		out = -1;
		if (werr || n < 0) {
			unlink(path);
			sim_task_fail(t, "download failed: write error");
			goto done;
		}
		sim_task_log(t, "download finished: %llu bytes",
		    (unsigned long long)size);
		if (alg) {
			hash_hex(&h, got);
			sim_task_log(t, "calculating checksum...");
			if (strcasecmp(got, want) != 0) {
				unlink(path);
				sim_task_fail(t, "checksum mismatch: got '%s' "
				    "!= expect '%s'", got, want);
				goto done;
			}
			sim_task_log(t, "OK, checksum verified");
		}
	}
	volume_arrived(s, st, node, content, name, size);
	sim_task_log(t, "download of '%s' to '%s' finished", url, path);
done:
	if (in >= 0)
		close(in);
	sim_upid_response(rs, t->upid);
}

/* ---- aplinfo: the container template catalogue ---- */

static const struct apl {
	const char *os, *package, *version, *section, *headline, *ext;
	unsigned long long size;
	const char *sha512;
} apls[] = {
	{ "debian-12", "debian-12-standard", "12.7-1", "system",
	    "Debian 12 Bookworm (standard)", "tar.zst", 126322136ULL,
	    "39f6d06e082d6a418438483da4f76092ebd0370a91bad30b82ab6d0f442234d6"
	    "3fe27a15569895e34d6d1e5ca50319f62637f7fb96b98dbde4f6103cf05bff6"
	    "d" },
	{ "debian-13", "debian-13-standard", "13.1-2", "system",
	    "Debian 13 Trixie (standard)", "tar.zst", 130170286ULL,
	    "5aec4ab2ac5c16c7c8ecb87bfeeb10213abe96db6b85e2463585cea492fc861d"
	    "7c390b3f9c95629bf690b95e9dfe1037207fc69c0912429605f208d5cb2621f"
	    "8" },
	{ "ubuntu-24.04", "ubuntu-24.04-standard", "24.04-2", "system",
	    "Ubuntu 24.04 Noble (standard)", "tar.zst", 141295360ULL,
	    "4030982618eeae70854e8f9711c6d3a7a8b2ad2f8e2f4e7ba43a8c5e04cb34b6"
	    "1c5a8ab5d9a3e8dc6c5ed39f2e7e8c2f5b0a4f7c3e4b9b9c0a0f2f1c3d3e4f5"
	    "a" },
	{ "alpine-3.22", "alpine-3.22-default", "20250617", "system",
	    "Alpine Linux 3.22 (default)", "tar.xz", 3158080ULL,
	    "a8e7cfb2a0b8a1e6c1b5f7fda0e7b5d0b7a6b1e4e0f6a4f1d7e0a2b8c6f4d1e2"
	    "b7c9a0e5d3f1a6c8b4e2d0f9a7c5e3b1d9f7a5c3e1b9d7f5a3c1e9b7d5f3a1c"
	    "9" },
	{ "debian-12", "debian-12-turnkey-nextcloud", "18.2-1", "turnkeylinux",
	    "TurnKey Nextcloud", "tar.gz", 437391360ULL,
	    "c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f"
	    "90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
	    "f" },
};
#define NAPLS (sizeof(apls) / sizeof(apls[0]))

static void
apl_template(const struct apl *a, char *out, size_t size)
{
	snprintf(out, size, "%s_%s_amd64.%s", a->package, a->version, a->ext);
}

H(h_aplinfo)
{
	struct jw w;
	char tpl[256], loc[512];

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (size_t i = 0; i < NAPLS; i++) {
		const struct apl *a = &apls[i];
		int tk = strcmp(a->section, "turnkeylinux") == 0;

		apl_template(a, tpl, sizeof(tpl));
		snprintf(loc, sizeof(loc), "%s/%s",
		    tk ? "http://mirror.turnkeylinux.org/turnkeylinux/images/"
		    "proxmox" : "http://download.proxmox.com/images/system",
		    tpl);
		jw_obj(&w);
		jw_kstr(&w, "template", tpl);
		jw_kstr(&w, "type", "lxc");
		jw_kstr(&w, "package", a->package);
		jw_kstr(&w, "version", a->version);
		jw_kstr(&w, "os", a->os);
		jw_kstr(&w, "section", a->section);
		jw_kstr(&w, "headline", a->headline);
		/* PVE's descriptions are aplinfo.dat's indented lines */
		jw_kstr(&w, "description", tk ? "TurnKey Nextcloud\n"
		    "Nextcloud is a file sharing server\n"
		    "\twith calendars and contacts." : a->headline);
		jw_kstr(&w, "architecture", "amd64");
		jw_kstr(&w, "source", tk ? "https://releases.turnkeylinux.org/"
		    "pve/aplinfo.dat" : "http://download.proxmox.com/images/"
		    "aplinfo-pve-8.dat");
		jw_kstr(&w, "location", loc);
		jw_kstr(&w, "sha512sum", a->sha512);
		jw_kstr(&w, "maintainer", tk ? "Jeremy Davis "
		    "<jeremy@turnkeylinux.org>" : "Proxmox Support Team "
		    "<support@proxmox.com>");
		jw_kstr(&w, "infopage", tk ? "https://www.turnkeylinux.org/" :
		    "https://pve.proxmox.com/wiki/Linux_Container");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_aplinfo_download)
{
	const char *node = sim_var(m, "node"), *tname, *id;
	struct sim_storage *st;
	struct sim_task *t;
	const struct apl *a = NULL;
	char tpl[256];

	if (sim_param_require(rq, rs, "storage", "template", NULL) != 0)
		return;
	tname = sim_param(rq, "template");
	id = sim_param(rq, "storage");
	if (strlen(tname) > 255) {
		sim_param_error(rs, "template", "value may only be 255 "
		    "characters long");
		return;
	}
	for (size_t i = 0; i < NAPLS && a == NULL; i++) {
		apl_template(&apls[i], tpl, sizeof(tpl));
		if (strcmp(tpl, tname) == 0)
			a = &apls[i];
	}
	if (a == NULL) {
		sim_error(rs, 400, "no such template");
		return;
	}
	st = sim_storage_find(s, id);
	if (st == NULL || !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", id);
		return;
	}
	if (!sim_word_in(st->content, "vztmpl")) {
		sim_error(rs, 500, "storage '%s' does not support templates",
		    id);
		return;
	}
	snprintf(tpl, sizeof(tpl), "/storage/%s", id);
	if (sim_check_perm(s, rq, tpl, "Datastore.AllocateTemplate", rs) != 0)
		return;
	t = sim_task_start(s, node, "download", tname, rq->authid, 0, NULL,
	    NULL);
	sim_task_log(t, "starting template download from: "
	    "http://download.proxmox.com/images/system/%s", tname);
	sim_task_log(t, "target file: /var/lib/vz/template/cache/%s", tname);
	sim_task_log(t, "calculating checksum of '%s'...OK, checksum "
	    "verified", tname);
	sim_task_log(t, "download of '%s' finished", tname);
	volume_arrived(s, st, node, "vztmpl", tname, a->size);
	sim_upid_response(rs, t->upid);
}

/* ---- import-metadata: what PVE reads of an uploaded OVA ---- */

H(h_import_metadata)
{
	const char *node = sim_var(m, "node"), *id = sim_var(m, "storage");
	const char *vol = sim_param(rq, "volume");
	char volid[600], path[2048];
	struct sim_storage *st;
	struct sim_volume *sv;
	struct ova o = { 0 };
	struct ovf f;
	struct px_err e = { 0 };
	struct stat sb;
	struct jw w;
	char *xml = NULL;
	size_t n = 0;
	int fd, nbus[3] = { 0, 0, 0 };

	if (sim_param_require(rq, rs, "volume", NULL) != 0)
		return;
	st = sim_storage_find(s, id);
	if (st == NULL || !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", id);
		return;
	}
	if (strchr(vol, ':'))
		snprintf(volid, sizeof(volid), "%s", vol);
	else
		snprintf(volid, sizeof(volid), "%s:%s", id, vol);
	if ((sv = sim_volume_find(s, volid, node)) == NULL ||
	    strncmp(volid, id, strlen(id)) != 0 || volid[strlen(id)] != ':') {
		sim_error(rs, 500, "volume '%s' does not exist", volid);
		return;
	}
	if (strcmp(sv->content, "import") != 0) {
		sim_error(rs, 500, "invalid content type '%s'", sv->content);
		return;
	}
	if (strcmp(sv->format, "ova") != 0) {
		sim_error(rs, 500, "invalid format");
		return;
	}
	volume_file(s, st, node, "import", volid + strlen(id) + 8, path,
	    sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		sim_error(rs, 500, "volume '%s' does not exist", volid);
		return;
	}
	if (fstat(fd, &sb) != 0 || ova_read(fd, (uint64_t)sb.st_size, &o,
	    &e) != 0 || ova_read_ovf(fd, &o, &xml, &n, &e) != 0 ||
	    ovf_parse(xml, n, &f, &e) != 0) {
		sim_error(rs, 500, "could not parse OVF - %s", e.msg);
		goto out;
	}
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "type", "vm");
	jw_kstr(&w, "source", volid + strlen(id) + 1);
	jw_key(&w, "create-args");
	jw_obj(&w);
	jw_kstr(&w, "name", f.name);
	jw_kint(&w, "cores", f.cpus);
	jw_kuint(&w, "memory", f.memory_mib);
	if (f.scsihw[0])
		jw_kstr(&w, "scsihw", f.scsihw);
	jw_end(&w);
	jw_key(&w, "disks");
	jw_obj(&w);
	for (int i = 0; i < f.ndisks; i++) {
		int b = strcmp(f.disk[i].bus, "ide") == 0 ? 0 :
		    strcmp(f.disk[i].bus, "sata") == 0 ? 1 : 2;
		char key[16], dv[900];

		snprintf(key, sizeof(key), "%s%d", f.disk[i].bus, nbus[b]++);
		snprintf(dv, sizeof(dv), "%s/%s", volid, f.disk[i].file);
		jw_key(&w, key);
		jw_obj(&w);
		jw_kstr(&w, "volid", dv);
		jw_kuint(&w, "size", f.disk[i].capacity);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "net");
	jw_obj(&w);
	for (int i = 0; i < f.nnets; i++) {
		char key[16];

		snprintf(key, sizeof(key), "net%d", i);
		jw_key(&w, key);
		jw_obj(&w);
		jw_kstr(&w, "model", f.net[i].model);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "warnings");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "type", "ova-needs-extracting");
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
out:
	free(xml);
	ova_free(&o);
	close(fd);
}

const struct sim_route sim_routes_storage_files[] = {
	{ "POST", "/nodes/{node}/storage/{storage}/upload", h_upload,
	    "/storage/{storage}", "Datastore.AllocateTemplate", 0 },
	{ "POST", "/nodes/{node}/storage/{storage}/download-url",
	    h_download_url, "/storage/{storage}",
	    "Datastore.AllocateTemplate", 0 },
	{ "GET", "/nodes/{node}/storage/{storage}/import-metadata",
	    h_import_metadata, "/storage/{storage}", "Datastore.Audit", 0 },
	{ "GET", "/nodes/{node}/aplinfo", h_aplinfo, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/aplinfo", h_aplinfo_download, NULL, NULL,
	    0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
