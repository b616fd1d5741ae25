/* pve_files.c -- checks of files for a storage (pve_files.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "enc.h"
#include "json.h"
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
