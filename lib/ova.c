/* ova.c -- an OVA's tar members and its OVF descriptor (ova.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ova.h"

/* ---- tar ---- */

#define BLK 512

/* pread all of n bytes at off: 0, or -1 (short read: errno 0). */
static int
pread_all(int fd, void *p, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, (char *)p + got, n - got,
		    (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = 0;
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

/* An octal (or GNU base-256) number field: 0, or -1 when malformed. */
static int
tar_num(const unsigned char *f, size_t n, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (f[0] & 0x80) {
		/* base-256: big-endian, the first byte's high bit set */
		if (f[0] != 0x80)
			return -1;
		for (i = 1; i < n; i++) {
			if (*v >> 55)
				return -1;
			*v = *v << 8 | f[i];
		}
		return 0;
	}
	while (i < n && f[i] == ' ')
		i++;
	if (i == n || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 60)
			return -1;
		*v = *v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return 0;
}

static int
tar_checksum_ok(const unsigned char *h)
{
	uint64_t want, sum = 0;

	if (tar_num(h + 148, 8, &want) != 0)
		return 0;
	for (int i = 0; i < BLK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum == want;
}

/* A member name px takes: a plain file name, no control character. */
static int
member_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' ||
		    s[i] == '\\')
			return 0;
	return 1;
}

/* The path= record of a pax extended header (n bytes at p) into name. */
static int
pax_path(const char *p, size_t n, char *name, size_t size)
{
	size_t off = 0;

	while (off < n) {
		size_t len = 0, i = off;
		const char *kv, *eq;

		while (i < n && isdigit((unsigned char)p[i]) && len < 100000)
			len = len * 10 + (size_t)(p[i++] - '0');
		if (i >= n || p[i] != ' ' || len == 0 || len > n - off)
			return -1;
		kv = p + i + 1;
		if (p[off + len - 1] != '\n')
			return -1;
		eq = memchr(kv, '=', (size_t)(p + off + len - 1 - kv));
		if (eq && (size_t)(eq - kv) == 4 && memcmp(kv, "path", 4) == 0) {
			size_t vl = (size_t)(p + off + len - 1 - (eq + 1));

			if (vl >= size || memchr(eq + 1, '\0', vl))
				return -1;
			memcpy(name, eq + 1, vl);
			name[vl] = '\0';
		}
		off += len;
	}
	return 0;
}

int
ova_read(int fd, uint64_t size, struct ova *o, struct px_err *e)
{
	unsigned char h[BLK];
	char longname[256] = "";
	uint64_t off = 0;
	int zeros = 0;

	memset(o, 0, sizeof(*o));
	while (off + BLK <= size) {
		uint64_t len, data;
		char name[300];
		int empty = 1;

		if (pread_all(fd, h, BLK, off) != 0)
			goto ioerr;
		for (int i = 0; i < BLK && empty; i++)
			empty = h[i] == 0;
		if (empty) {
			if (++zeros == 2)
				break;
			off += BLK;
			continue;
		}
		zeros = 0;
		if (!tar_checksum_ok(h) || tar_num(h + 124, 12, &len) != 0) {
			px_fail(e, PXE_PARSE, "not a tar archive (a bad header "
			    "at byte %llu)", (unsigned long long)off);
			goto fail;
		}
		data = off + BLK;
		if (len > size || data > size - len) {
			px_fail(e, PXE_PARSE, "a member runs past the end of "
			    "the archive (truncated?)");
			goto fail;
		}
		switch (h[156]) {
		case 'x':
		case 'L': {
			char *buf;

			if (len > 65536) {
				px_fail(e, PXE_PARSE, "an extended header of "
				    "%llu bytes", (unsigned long long)len);
				goto fail;
			}
			buf = px_xcalloc(1, (size_t)len + 1);
			if (pread_all(fd, buf, (size_t)len, data) != 0) {
				free(buf);
				goto ioerr;
			}
			if (h[156] == 'L') {
				size_t l = strnlen(buf, (size_t)len);

				if (l >= sizeof(longname) || l == 0) {
					free(buf);
					px_fail(e, PXE_PARSE, "a member name "
					    "longer than 255 characters");
					goto fail;
				}
				memcpy(longname, buf, l);
				longname[l] = '\0';
			} else if (pax_path(buf, (size_t)len, longname,
			    sizeof(longname)) != 0) {
				free(buf);
				px_fail(e, PXE_PARSE, "a malformed pax header");
				goto fail;
			}
			free(buf);
			break;
		}
		case 'g':
			break;		/* global pax header: nothing px needs */
		case '0':
		case '\0':
		case '7':
			if (longname[0]) {
				snprintf(name, sizeof(name), "%s", longname);
			} else if (memcmp(h + 257, "ustar", 5) == 0 && h[345]) {
				snprintf(name, sizeof(name), "%.155s/%.100s",
				    (const char *)h + 345, (const char *)h);
			} else {
				snprintf(name, sizeof(name), "%.100s",
				    (const char *)h);
			}
			longname[0] = '\0';
			if (strncmp(name, "./", 2) == 0)
				memmove(name, name + 2, strlen(name + 2) + 1);
			if (!member_name_ok(name)) {
				px_fail(e, PXE_PARSE, "a member's name is a "
				    "path or holds a control character: an "
				    "OVA holds plain files");
				goto fail;
			}
			if (ova_find(o, name)) {
				px_fail(e, PXE_PARSE, "two members called %s",
				    name);
				goto fail;
			}
			if (o->n == OVA_MEMBERS_MAX) {
				px_fail(e, PXE_PARSE, "more than %d members",
				    OVA_MEMBERS_MAX);
				goto fail;
			}
			o->m = px_xrealloc(o->m, (size_t)(o->n + 1) *
			    sizeof(*o->m));
			snprintf(o->m[o->n].name, sizeof(o->m[o->n].name),
			    "%.255s", name);
			o->m[o->n].offset = data;
			o->m[o->n].size = len;
			o->n++;
			break;
		case '5':
			if (!longname[0] && (strcmp((const char *)h, "./") == 0
			    || strcmp((const char *)h, ".") == 0))
				break;	/* the archive's own top */
			/* FALLTHROUGH */
		default:
			px_fail(e, PXE_PARSE, "a member that is no regular "
			    "file (type '%c'): an OVA holds plain files",
			    isprint(h[156]) ? h[156] : '?');
			goto fail;
		}
		off = data + (len + BLK - 1) / BLK * BLK;
	}
	if (o->n == 0) {
		px_fail(e, PXE_PARSE, "not a tar archive, or an empty one");
		goto fail;
	}
	return 0;
ioerr:
	px_fail(e, PXE_IO, "reading the archive: %s", errno ? strerror(errno) :
	    "it ends early");
fail:
	ova_free(o);
	return -1;
}

void
ova_free(struct ova *o)
{
	free(o->m);
	memset(o, 0, sizeof(*o));
}

const struct ova_member *
ova_find(const struct ova *o, const char *name)
{
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->m[i].name, name) == 0)
			return &o->m[i];
	return NULL;
}

static int
ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

int
ova_read_ovf(int fd, const struct ova *o, char **xml, size_t *n,
    struct px_err *e)
{
	const struct ova_member *m = NULL;

	*xml = NULL;
	*n = 0;
	for (int i = 0; i < o->n; i++) {
		if (!ends(o->m[i].name, ".ovf"))
			continue;
		if (m != NULL)
			return px_fail(e, PXE_PARSE, "the archive holds more "
			    "than one .ovf descriptor");
		m = &o->m[i];
	}
	if (m == NULL)
		return px_fail(e, PXE_PARSE, "the archive holds no .ovf "
		    "descriptor: not an OVA");
	if (m->size > OVF_SIZE_MAX)
		return px_fail(e, PXE_PARSE, "the .ovf descriptor is %llu "
		    "bytes, more than px reads (%d)",
		    (unsigned long long)m->size, OVF_SIZE_MAX);
	*xml = px_xmalloc((size_t)m->size + 1);
	if (pread_all(fd, *xml, (size_t)m->size, m->offset) != 0) {
		free(*xml);
		*xml = NULL;
		return px_fail(e, PXE_IO, "reading the .ovf descriptor: %s",
		    errno ? strerror(errno) : "it ends early");
	}
	(*xml)[m->size] = '\0';
	*n = (size_t)m->size;
	return 0;
}

/* ---- a small XML reader for OVF ---- */

#define XML_NODES_MAX	20000
#define XML_DEPTH_MAX	64

struct xnode {
	const char *name;	/* local name (after any prefix) */
	size_t nlen;
	const char *attrs;	/* the raw attributes */
	size_t alen;
	const char *text;	/* the first text inside, raw */
	size_t tlen;
	int parent;		/* -1 for the root */
};

struct xdoc {
	struct xnode *v;
	int n;
};

/* Decode the entities of raw (n bytes) into out (size): 0, or -1 (an
 * entity px does not take, a NUL, or too long).  out NULL: only check. */
static int
xml_decode(const char *raw, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned long cp;
		const char *semi;

		if (raw[i] != '&') {
			unsigned char c = (unsigned char)raw[i];

			/* XML has no control characters but these */
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    c == 0x7f)
				return -1;
			if (out == NULL)
				continue;
			if (o + 1 >= size)
				return -1;
			out[o++] = raw[i];
			continue;
		}
		semi = memchr(raw + i, ';', n - i);
		if (semi == NULL || semi - (raw + i) > 10)
			return -1;
#define ENT(s, c) else if ((size_t)(semi - raw - i) == sizeof(s) - 1 && \
	memcmp(raw + i, s, sizeof(s) - 1) == 0) cp = c
		if (0)
			cp = 0;
		ENT("&lt", '<'); ENT("&gt", '>'); ENT("&amp", '&');
		ENT("&quot", '"'); ENT("&apos", '\'');
#undef ENT
		else if (raw[i + 1] == '#') {
			char *end;
			int hex = raw[i + 2] == 'x';

			cp = strtoul(raw + i + 2 + hex, &end, hex ? 16 : 10);
			if (end != semi || end == raw + i + 2 + hex)
				return -1;
		} else
			return -1;
		if (cp == 0 || cp > 0x10ffff || (cp < 0x20 && cp != '\t' &&
		    cp != '\n' && cp != '\r'))
			return -1;
		i = (size_t)(semi - raw);
		if (out == NULL)
			continue;
		if (o + 5 >= size)
			return -1;
		if (cp < 0x80)
			out[o++] = (char)cp;
		else if (cp < 0x800) {
			out[o++] = (char)(0xc0 | cp >> 6);
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xe0 | cp >> 12);
			out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | cp >> 18);
			out[o++] = (char)(0x80 | (cp >> 12 & 0x3f));
			out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	if (out != NULL)
		out[o] = '\0';
	return 0;
}

static int
name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' ||
	    c >= 0x80;
}

/* The attributes of a start tag (p .. end): checked, each value's
 * entities valid.  0, or -1. */
static int
attrs_check(const char *p, const char *end)
{
	for (;;) {
		const char *v;
		char q;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end)
			return 0;
		if (!name_char((unsigned char)*p))
			return -1;
		while (p < end && name_char((unsigned char)*p))
			p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end || *p++ != '=')
			return -1;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end || (*p != '"' && *p != '\''))
			return -1;
		q = *p++;
		v = p;
		while (p < end && *p != q)
			if (*p++ == '<')
				return -1;
		if (p == end || xml_decode(v, (size_t)(p - v), NULL, 0) != 0)
			return -1;
		p++;
	}
}

/* Parse xml into d: 0, or -1 with e. */
static int
xml_parse(const char *x, size_t n, struct xdoc *d, struct px_err *e)
{
	int stack[XML_DEPTH_MAX], depth = 0;
	const char *p = x, *end = x + n;

	memset(d, 0, sizeof(*d));
	if (memchr(x, '\0', n))
		return px_fail(e, PXE_PARSE, "the descriptor holds a NUL byte: "
		    "not XML");
	if (n >= 3 && memcmp(x, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p)), *gt, *s;

		if (lt == NULL)
			lt = end;
		if (lt > p && depth > 0) {
			struct xnode *cur = &d->v[stack[depth - 1]];

			if (xml_decode(p, (size_t)(lt - p), NULL, 0) != 0)
				return px_fail(e, PXE_PARSE, "text with a "
				    "control character or an entity px does "
				    "not take (only &lt; &gt; &amp; &quot; "
				    "&apos; and &#N;)");

			if (cur->text == NULL) {
				cur->text = p;
				cur->tlen = (size_t)(lt - p);
			}
		} else if (lt > p) {
			for (s = p; s < lt; s++)
				if (!isspace((unsigned char)*s))
					goto bad;
		}
		if (lt == end)
			break;
		p = lt;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			s = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
			if (s == NULL)
				goto bad;
			p = s + 3;
			continue;
		}
		if (end - p >= 2 && p[1] == '?') {
			s = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
			if (s == NULL)
				goto bad;
			p = s + 2;
			continue;
		}
		if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			s = memmem(p + 9, (size_t)(end - p - 9), "]]>", 3);
			if (s == NULL || depth == 0)
				goto bad;
			p = s + 3;
			continue;
		}
		if (end - p >= 2 && p[1] == '!')
			return px_fail(e, PXE_PARSE, "the descriptor holds a "
			    "DOCTYPE or entity declaration: px reads no DTD "
			    "and refuses it");
		if ((gt = memchr(p, '>', (size_t)(end - p))) == NULL)
			goto bad;
		if (p[1] == '/') {
			/* an end tag: it must close the open element */
			struct xnode *cur;
			const char *nm = p + 2, *ne = nm, *colon;

			while (ne < gt && name_char((unsigned char)*ne))
				ne++;
			for (s = ne; s < gt; s++)
				if (!isspace((unsigned char)*s))
					goto bad;
			if (depth == 0)
				goto bad;
			cur = &d->v[stack[depth - 1]];
			colon = memrchr(nm, ':', (size_t)(ne - nm));
			if (colon)
				nm = colon + 1;
			if ((size_t)(ne - nm) != cur->nlen ||
			    memcmp(nm, cur->name, cur->nlen) != 0)
				goto bad;
			depth--;
			p = gt + 1;
			continue;
		} else {
			struct xnode *nd;
			const char *nm = p + 1, *ne = nm, *colon, *ae = gt;
			int selfclose = gt[-1] == '/' && gt - 1 > p;

			if (selfclose)
				ae = gt - 1;
			while (ne < ae && name_char((unsigned char)*ne))
				ne++;
			if (ne == nm || (ne < ae && !isspace((unsigned char)
			    *ne)))
				goto bad;
			if (attrs_check(ne, ae) != 0)
				return px_fail(e, PXE_PARSE, "a malformed "
				    "attribute, a control character or an "
				    "entity px does not take (only &lt; &gt; "
				    "&amp; &quot; &apos; and &#N;)");
			if (d->n == XML_NODES_MAX)
				return px_fail(e, PXE_PARSE, "more than %d "
				    "elements", XML_NODES_MAX);
			if (depth == 0 && d->n > 0)
				goto bad;	/* a second root */
			if (depth == XML_DEPTH_MAX)
				return px_fail(e, PXE_PARSE, "elements nested "
				    "deeper than %d", XML_DEPTH_MAX);
			if (d->n % 256 == 0)
				d->v = px_xrealloc(d->v, ((size_t)d->n + 256) *
				    sizeof(*d->v));
			nd = &d->v[d->n];
			memset(nd, 0, sizeof(*nd));
			colon = memrchr(nm, ':', (size_t)(ne - nm));
			if (colon)
				nm = colon + 1;
			nd->name = nm;
			nd->nlen = (size_t)(ne - nm);
			nd->attrs = ne;
			nd->alen = (size_t)(ae - ne);
			nd->parent = depth ? stack[depth - 1] : -1;
			if (!selfclose)
				stack[depth++] = d->n;
			d->n++;
			p = gt + 1;
		}
	}
	if (depth != 0 || d->n == 0)
		goto bad;
	return 0;
bad:
	return px_fail(e, PXE_PARSE, "the descriptor is not well-formed XML "
	    "(near byte %zu)", (size_t)(p - x));
}

static int
is(const struct xnode *nd, const char *name)
{
	return nd->nlen == strlen(name) && memcmp(nd->name, name, nd->nlen)
	    == 0;
}

/* Attribute name (local name) of node i, decoded into out: 0, or -1. */
static int
xattr(const struct xdoc *d, int i, const char *name, char *out, size_t size)
{
	const char *p = d->v[i].attrs, *end = p + d->v[i].alen;
	size_t want = strlen(name);

	out[0] = '\0';
	while (p < end) {
		const char *an, *ae, *v, *colon;
		char q;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end)
			break;
		an = p;
		while (p < end && name_char((unsigned char)*p))
			p++;
		ae = p;
		while (p < end && *p != '"' && *p != '\'')
			p++;
		if (p == end)
			break;
		q = *p++;
		v = p;
		while (p < end && *p != q)
			p++;
		colon = memrchr(an, ':', (size_t)(ae - an));
		if (colon)
			an = colon + 1;
		if ((size_t)(ae - an) == want && memcmp(an, name, want) == 0)
			return xml_decode(v, (size_t)(p - v), out, size);
		if (p < end)
			p++;
	}
	return -1;
}

/* The text of node i, decoded and trimmed, into out: 0, or -1. */
static int
xtext(const struct xdoc *d, int i, char *out, size_t size)
{
	char *s, *t;

	out[0] = '\0';
	if (d->v[i].text == NULL)
		return -1;
	if (xml_decode(d->v[i].text, d->v[i].tlen, out, size) != 0)
		return -1;
	for (s = out; isspace((unsigned char)*s); s++)
		;
	memmove(out, s, strlen(s) + 1);
	for (t = out + strlen(out); t > out && isspace((unsigned char)t[-1]);)
		*--t = '\0';
	return out[0] ? 0 : -1;
}

/* The first child of node i called name, or -1. */
static int
xchild(const struct xdoc *d, int i, const char *name)
{
	for (int k = i + 1; k < d->n; k++)
		if (d->v[k].parent == i && is(&d->v[k], name))
			return k;
	return -1;
}

static int
xchild_text(const struct xdoc *d, int i, const char *name, char *out,
    size_t size)
{
	int k = xchild(d, i, name);

	out[0] = '\0';
	return k < 0 ? -1 : xtext(d, k, out, size);
}

/* Is node k inside node anc? */
static int
inside(const struct xdoc *d, int k, int anc)
{
	for (int p = d->v[k].parent; p >= 0; p = d->v[p].parent)
		if (p == anc)
			return 1;
	return 0;
}

/* ---- the OVF subset ---- */

/* A whole number of at most 18 digits: 0, or -1. */
static int
whole(const char *s, uint64_t *v)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 18 || s[n] != '\0')
		return -1;
	*v = strtoull(s, NULL, 10);
	return 0;
}

/* The byte multiplier of OVF allocation units ("byte", "byte * 2^30",
 * "MegaBytes", ...): 0, or -1 for units px does not know. */
static int
units(const char *u, uint64_t *mult)
{
	char s[64];
	size_t k = 0;
	unsigned long pow;

	for (const char *p = u; *p && k + 1 < sizeof(s); p++)
		if (!isspace((unsigned char)*p))
			s[k++] = (char)tolower((unsigned char)*p);
	s[k] = '\0';
	if (strcmp(s, "byte") == 0 || strcmp(s, "bytes") == 0) {
		*mult = 1;
		return 0;
	}
	if (strcmp(s, "kilobytes") == 0 || strcmp(s, "kb") == 0) {
		*mult = 1ULL << 10;
		return 0;
	}
	if (strcmp(s, "megabytes") == 0 || strcmp(s, "mb") == 0) {
		*mult = 1ULL << 20;
		return 0;
	}
	if (strcmp(s, "gigabytes") == 0 || strcmp(s, "gb") == 0) {
		*mult = 1ULL << 30;
		return 0;
	}
	if (strncmp(s, "byte*2^", 7) == 0 && strspn(s + 7, "0123456789") ==
	    strlen(s + 7) && s[7] && strlen(s + 7) <= 2) {
		pow = strtoul(s + 7, NULL, 10);
		if (pow > 50)
			return -1;
		*mult = 1ULL << pow;
		return 0;
	}
	return -1;
}

/* value * mult, refused above max: 0, or -1. */
static int
scaled(uint64_t value, uint64_t mult, uint64_t max, uint64_t *out)
{
	if (mult == 0 || value > max / mult)
		return -1;
	*out = value * mult;
	return 0;
}

/* A file reference PVE imports from inside an OVA. */
static int
file_ref_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 200 || s[0] == '.' || strstr(s, ".."))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-.+=_", s[i]))
			return 0;
	return ends(s, ".vmdk") || ends(s, ".qcow2") || ends(s, ".raw") ||
	    ends(s, ".img");
}

/* A name as PVE takes a VM's: letters, digits, '-', '.'; others
 * become '-'. */
static void
dns_name(const char *in, char *out, size_t size)
{
	size_t k = 0;

	for (const char *p = in; *p && k + 1 < size && k < 63; p++) {
		unsigned char c = (unsigned char)*p;

		out[k++] = isalnum(c) && c < 0x80 ? (char)c : (c == '.' ?
		    '.' : '-');
	}
	out[k] = '\0';
	while (k > 0 && (out[k - 1] == '-' || out[k - 1] == '.'))
		out[--k] = '\0';
	k = strspn(out, "-.");
	memmove(out, out + k, strlen(out + k) + 1);
}

/* The PVE model of an OVF network card's ResourceSubType. */
static const char *
nic_model(const char *sub)
{
	if (strcasecmp(sub, "e1000e") == 0)
		return "e1000e";
	if (strcasecmp(sub, "vmxnet3") == 0)
		return "vmxnet3";
	if (strcasecmp(sub, "virtio") == 0 || strcasecmp(sub, "virtio-net") ==
	    0)
		return "virtio";
	return "e1000";
}

int
ovf_parse(const char *xml, size_t n, struct ovf *o, struct px_err *e)
{
	struct xdoc d;
	int vs = -1, nvs = 0, rc = -1, have_mem = 0;
	char t[512], u[128], id[128];
	struct {
		char id[64];
		char bus[8];
	} ctl[32];
	int nctl = 0;
	uint64_t v, mult;

	memset(o, 0, sizeof(*o));
	if (n > OVF_SIZE_MAX)
		return px_fail(e, PXE_PARSE, "the descriptor is larger than "
		    "%d bytes", OVF_SIZE_MAX);
	if (xml_parse(xml, n, &d, e) != 0)
		goto out;
	if (!is(&d.v[0], "Envelope")) {
		px_fail(e, PXE_PARSE, "not an OVF descriptor (no Envelope)");
		goto out;
	}
	for (int i = 0; i < d.n; i++)
		if (is(&d.v[i], "VirtualSystem")) {
			if (vs < 0)
				vs = i;
			nvs++;
		}
	if (nvs != 1) {
		px_fail(e, PXE_PARSE, nvs ? "the descriptor holds %d virtual "
		    "systems: px imports one at a time" : "the descriptor holds "
		    "no VirtualSystem", nvs);
		goto out;
	}
	if (xchild_text(&d, vs, "Name", t, sizeof(t)) != 0 &&
	    xattr(&d, vs, "id", t, sizeof(t)) != 0)
		t[0] = '\0';
	dns_name(t, o->name, sizeof(o->name));

	/* the controllers first: a disk names its controller */
	for (int i = vs + 1; i < d.n; i++) {
		uint64_t rt;

		if (!is(&d.v[i], "Item") || !inside(&d, i, vs))
			continue;
		if (xchild_text(&d, i, "ResourceType", t, sizeof(t)) != 0 ||
		    whole(t, &rt) != 0)
			continue;
		if ((rt == 5 || rt == 6 || rt == 20) && nctl < 32 &&
		    xchild_text(&d, i, "InstanceID", id, sizeof(id)) == 0 &&
		    strlen(id) < sizeof(ctl[0].id)) {
			snprintf(ctl[nctl].id, sizeof(ctl[nctl].id), "%.63s",
			    id);
			snprintf(ctl[nctl].bus, sizeof(ctl[nctl].bus), "%s",
			    rt == 5 ? "ide" : rt == 6 ? "scsi" : "sata");
			nctl++;
			if (rt == 6 && xchild_text(&d, i, "ResourceSubType", u,
			    sizeof(u)) == 0) {
				if (strncasecmp(u, "lsilogic", 8) == 0)
					snprintf(o->scsihw, sizeof(o->scsihw),
					    "lsi");
				else if (strcasecmp(u, "VirtualSCSI") == 0)
					snprintf(o->scsihw, sizeof(o->scsihw),
					    "pvscsi");
			}
		}
	}

	for (int i = vs + 1; i < d.n; i++) {
		uint64_t rt;

		if (!is(&d.v[i], "Item") || !inside(&d, i, vs))
			continue;
		if (xchild_text(&d, i, "ResourceType", t, sizeof(t)) != 0 ||
		    whole(t, &rt) != 0) {
			px_fail(e, PXE_PARSE, "a hardware Item without a "
			    "numeric ResourceType");
			goto out;
		}
		if (rt == 3) {
			if (xchild_text(&d, i, "VirtualQuantity", t, sizeof(t))
			    != 0 || whole(t, &v) != 0 || v < 1 ||
			    v > OVF_CPUS_MAX) {
				px_fail(e, PXE_PARSE, "the CPU count is missing "
				    "or not from 1 to %d", OVF_CPUS_MAX);
				goto out;
			}
			o->cpus = (int)v;
		} else if (rt == 4) {
			if (xchild_text(&d, i, "VirtualQuantity", t, sizeof(t))
			    != 0 || whole(t, &v) != 0) {
				px_fail(e, PXE_PARSE, "the memory size is "
				    "missing or not a number");
				goto out;
			}
			if (xchild_text(&d, i, "AllocationUnits", u, sizeof(u))
			    != 0)
				snprintf(u, sizeof(u), "byte * 2^20");
			if (units(u, &mult) != 0) {
				px_fail(e, PXE_PARSE, "memory in units px does "
				    "not know");
				goto out;
			}
			if (scaled(v, mult, OVF_MEMORY_MAX << 20, &v) != 0 ||
			    v < (16ULL << 20)) {
				px_fail(e, PXE_PARSE, "the memory size is not "
				    "from 16 MiB to %llu MiB",
				    (unsigned long long)OVF_MEMORY_MAX);
				goto out;
			}
			o->memory_mib = (v + (1 << 20) - 1) >> 20;
			have_mem = 1;
		} else if (rt == 10) {
			struct ovf_net *nt;

			if (o->nnets == OVF_NETS_MAX) {
				px_fail(e, PXE_PARSE, "more than %d network "
				    "cards", OVF_NETS_MAX);
				goto out;
			}
			nt = &o->net[o->nnets++];
			if (xchild_text(&d, i, "Connection", t, sizeof(t)) == 0)
				dns_name(t, nt->network, sizeof(nt->network));
			if (xchild_text(&d, i, "ResourceSubType", u, sizeof(u))
			    != 0)
				u[0] = '\0';
			snprintf(nt->model, sizeof(nt->model), "%s",
			    nic_model(u));
		} else if (rt == 17) {
			struct ovf_disk *dk;
			const char *ref;
			int dn = -1, fn = -1;

			if (o->ndisks == OVF_DISKS_MAX) {
				px_fail(e, PXE_PARSE, "more than %d disks",
				    OVF_DISKS_MAX);
				goto out;
			}
			dk = &o->disk[o->ndisks];
			if (xchild_text(&d, i, "HostResource", t, sizeof(t)) !=
			    0) {
				px_fail(e, PXE_PARSE, "a disk Item without a "
				    "HostResource");
				goto out;
			}
			ref = strncmp(t, "ovf:/disk/", 10) == 0 ? t + 10 :
			    strncmp(t, "/disk/", 6) == 0 ? t + 6 : NULL;
			if (ref == NULL) {
				px_fail(e, PXE_PARSE, "a disk's HostResource is "
				    "not ovf:/disk/ID");
				goto out;
			}
			for (int k = 0; k < d.n && dn < 0; k++)
				if (is(&d.v[k], "Disk") && xattr(&d, k,
				    "diskId", id, sizeof(id)) == 0 &&
				    strcmp(id, ref) == 0)
					dn = k;
			if (dn < 0) {
				px_fail(e, PXE_PARSE, "a disk Item names a disk "
				    "the DiskSection does not have");
				goto out;
			}
			if (xattr(&d, dn, "capacity", t, sizeof(t)) != 0 ||
			    whole(t, &v) != 0 || v == 0) {
				px_fail(e, PXE_PARSE, "a disk without a "
				    "capacity");
				goto out;
			}
			if (xattr(&d, dn, "capacityAllocationUnits", u,
			    sizeof(u)) != 0)
				snprintf(u, sizeof(u), "byte");
			if (units(u, &mult) != 0 || scaled(v, mult,
			    OVF_CAPACITY_MAX, &dk->capacity) != 0) {
				px_fail(e, PXE_PARSE, "a disk's capacity is "
				    "more than %llu TiB or in units px does not "
				    "know", OVF_CAPACITY_MAX >> 40);
				goto out;
			}
			if (xattr(&d, dn, "fileRef", id, sizeof(id)) != 0) {
				px_fail(e, PXE_PARSE, "a disk without a file "
				    "(an empty disk): px imports disks with "
				    "data");
				goto out;
			}
			for (int k = 0; k < d.n && fn < 0; k++)
				if (is(&d.v[k], "File") && xattr(&d, k, "id", t,
				    sizeof(t)) == 0 && strcmp(t, id) == 0)
					fn = k;
			if (fn < 0 || xattr(&d, fn, "href", t, sizeof(t)) != 0) {
				px_fail(e, PXE_PARSE, "a disk's file reference "
				    "names no File of the References");
				goto out;
			}
			if (!file_ref_ok(t)) {
				px_fail(e, PXE_PARSE, "a disk's file is not a "
				    "plain file name of the archive (.vmdk, "
				    ".qcow2, .raw or .img; letters, digits and "
				    "- . + = _; no path)");
				goto out;
			}
			snprintf(dk->file, sizeof(dk->file), "%.255s", t);
			snprintf(dk->bus, sizeof(dk->bus), "scsi");
			if (xchild_text(&d, i, "Parent", id, sizeof(id)) == 0)
				for (int k = 0; k < nctl; k++)
					if (strcmp(ctl[k].id, id) == 0)
						snprintf(dk->bus,
						    sizeof(dk->bus), "%s",
						    ctl[k].bus);
			for (int k = 0; k < o->ndisks; k++)
				if (strcmp(o->disk[k].file, dk->file) == 0) {
					px_fail(e, PXE_PARSE, "two disks from "
					    "one file");
					goto out;
				}
			o->ndisks++;
		}
	}
	if (o->cpus == 0) {
		px_fail(e, PXE_PARSE, "the descriptor names no CPU count (an "
		    "Item of ResourceType 3)");
		goto out;
	}
	if (!have_mem) {
		px_fail(e, PXE_PARSE, "the descriptor names no memory size (an "
		    "Item of ResourceType 4)");
		goto out;
	}
	if (o->ndisks == 0) {
		px_fail(e, PXE_PARSE, "the descriptor names no disk");
		goto out;
	}
	if (o->name[0] == '\0')
		snprintf(o->name, sizeof(o->name), "imported");
	rc = 0;
out:
	free(d.v);
	return rc;
}
