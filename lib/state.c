/* state.c -- the state file: model, canonical writing, reading, diff
 * (state.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <minIni.h>

#include "state.h"
#include "state_kinds.h"

/* A value this long goes on continuation lines (minini reads lines of
 * INI_BUFFERSIZE). */
enum { CHUNK = 400 };
/* A state file px reads is bounded: 16 MiB is a very large cluster. */
#define STATE_MAX_SIZE (16L << 20)

struct st_sec *
st_add(struct st_state *st, const struct st_kind *k, const char *id)
{
	struct st_sec *s;

	st->s = px_xrealloc(st->s, (size_t)(st->n + 1) * sizeof(*st->s));
	s = &st->s[st->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->id = px_xstrdup(id);
	return s;
}

void
st_set(struct st_sec *sec, const char *key, const char *value)
{
	struct st_kv *kv;

	sec->kv = px_xrealloc(sec->kv, (size_t)(sec->nkv + 1) *
	    sizeof(*sec->kv));
	kv = &sec->kv[sec->nkv++];
	kv->key = px_xstrdup(key);
	kv->value = px_xstrdup(value);
	kv->seq = sec->nseq++;
}

const char *
st_get(const struct st_sec *sec, const char *key)
{
	for (int i = 0; i < sec->nkv; i++)
		if (strcmp(sec->kv[i].key, key) == 0)
			return sec->kv[i].value;
	return NULL;
}

const char *
st_name(const struct st_sec *sec, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", sec->kind->name, sec->id[0] ? " " : "",
	    sec->id);
	return buf;
}

struct st_sec *
st_find(const struct st_state *st, const struct st_kind *k, const char *id)
{
	for (int i = 0; i < st->n; i++)
		if (st->s[i].kind == k && strcmp(st->s[i].id, id) == 0)
			return &st->s[i];
	return NULL;
}

void
st_free(struct st_state *st)
{
	for (int i = 0; i < st->n; i++) {
		for (int k = 0; k < st->s[i].nkv; k++) {
			free(st->s[i].kv[k].key);
			free(st->s[i].kv[k].value);
		}
		free(st->s[i].kv);
		free(st->s[i].id);
	}
	free(st->s);
	memset(st, 0, sizeof(*st));
}

/* The kind of the section being sorted (qsort has no argument). */
static const struct st_kind *sort_kind;

static int
kv_cmp(const void *a, const void *b)
{
	const struct st_kv *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	/* an ordered list (rules) keeps its order; others sort */
	if (sort_kind && st_kind_is_ordered(sort_kind, x->key))
		return (x->seq > y->seq) - (x->seq < y->seq);
	return strcmp(x->value, y->value);
}

static int
sec_cmp(const void *a, const void *b)
{
	const struct st_sec *x = a, *y = b;

	if (x->kind->order != y->kind->order)
		return x->kind->order < y->kind->order ? -1 : 1;
	if (x->kind != y->kind)
		return strcmp(x->kind->name, y->kind->name);
	return strcmp(x->id, y->id);
}

void
st_sort(struct st_state *st)
{
	if (st->n > 1)
		qsort(st->s, (size_t)st->n, sizeof(*st->s), sec_cmp);
	for (int i = 0; i < st->n; i++)
		if (st->s[i].nkv > 1) {
			sort_kind = st->s[i].kind;
			qsort(st->s[i].kv, (size_t)st->s[i].nkv,
			    sizeof(*st->s[i].kv), kv_cmp);
			sort_kind = NULL;
		}
}

/* Does v need quotes to come back as it is? */
static int
needs_quotes(const char *v)
{
	size_t n = strlen(v);

	if (n > 0 && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' ||
	    v[n - 1] == '\t'))
		return 1;
	for (; *v; v++)
		if (strchr(";#\"\\", *v) || (unsigned char)*v < 0x20 ||
		    *v == 0x7f)
			return 1;
	return 0;
}

static void
put_value(struct buf *b, const char *key, const char *v)
{
	struct buf q = { 0 };
	const char *p;
	size_t n;

	if (!needs_quotes(v)) {
		buf_adds(&q, v);
	} else {
		buf_addc(&q, '"');
		for (p = v; *p; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '"')
				buf_adds(&q, "\\\"");
			else if (c == '\\')
				buf_adds(&q, "\\\\");
			else if (c == '\n')
				buf_adds(&q, "\\n");
			else if (c == '\t')
				buf_adds(&q, "\\t");
			else if (c < 0x20 || c == 0x7f)
				buf_printf(&q, "\\x%02x", c);
			else
				buf_addc(&q, (char)c);
		}
		buf_addc(&q, '"');
	}
	/* a long value continues on "key+ =" lines, each quoted whole
	 * when the value is, split between characters (not escapes) */
	p = buf_str(&q);
	n = q.len;
	if (n <= CHUNK) {
		buf_printf(b, "%s = %s\n", key, p);
	} else {
		int quoted = p[0] == '"';
		size_t i = quoted, end = n - (size_t)quoted, first = 1;

		while (i < end) {
			size_t k = i + CHUNK < end ? i + CHUNK : end;

			/* not inside an escape or a UTF-8 sequence */
			while (k < end && k > i + 1 && (p[k - 1] == '\\' ||
			    ((unsigned char)p[k] & 0xc0) == 0x80))
				k--;
			if (k < end && p[k - 1] == '\\')
				k--;
			buf_printf(b, "%s%s = %s%.*s%s\n", key, first ? "" :
			    "+", quoted ? "\"" : "", (int)(k - i), p + i,
			    quoted ? "\"" : "");
			first = 0;
			i = k;
		}
	}
	buf_free(&q);
}

void
st_format(struct st_state *st, struct buf *b)
{
	st_sort(st);
	buf_adds(b, "[meta]\n");
	if (st->pve[0])
		buf_printf(b, "pve = %s\n", st->pve);
	if (st->profile[0])
		buf_printf(b, "profile = %s\n", st->profile);
	if (st->families[0])
		buf_printf(b, "families = %s\n", st->families);
	if (st->stamp[0])
		buf_printf(b, "stamp = %s\n", st->stamp);
	for (int i = 0; i < st->n; i++) {
		const struct st_sec *s = &st->s[i];

		char name[600];

		buf_printf(b, "\n[%s]\n", st_name(s, name, sizeof(name)));
		for (int k = 0; k < s->nkv; k++)
			put_value(b, s->kv[k].key, s->kv[k].value);
	}
}

/* ---- reading ---- */

struct rd {
	struct st_state *st;
	const char *path;
	struct px_err *e;
	int failed;
	/* the scan's map: section i starts on line lines[i] */
	char **names;
	int *lines;
	int nnames;
	/* the line of each key = value, in the order minini browses them */
	int *keylines;
	int nkeys, nseen;
	struct st_sec *cur;
	char cursec[512];
	char lastkey[80];
};

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Undo put_value's escapes (minini has turned \" into " already). */
static char *
unescape(const char *v)
{
	char *out = px_xmalloc(strlen(v) + 1), *o = out;

	for (; *v; v++) {
		if (*v != '\\' || v[1] == '\0') {
			*o++ = *v;
			continue;
		}
		v++;
		switch (*v) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case '"':
			*o++ = '"';
			break;
		case 'x':
			/* exactly two hex digits, as put_value writes them */
			if (isxdigit((unsigned char)v[1]) &&
			    isxdigit((unsigned char)v[2]) &&
			    (v[1] != '0' || v[2] != '0')) {
				*o++ = (char)(hexval(v[1]) << 4 | hexval(v[2]));
				v += 2;
				break;
			}
			/* FALLTHROUGH */
		default:
			*o++ = '\\';
			*o++ = *v;
		}
	}
	*o = '\0';
	return out;
}

static int
section_line(const struct rd *r, const char *name)
{
	for (int i = 0; i < r->nnames; i++)
		if (strcmp(r->names[i], name) == 0)
			return r->lines[i];
	return 0;
}

static int
browse(const char *section, const char *key, const char *value, void *arg)
{
	struct rd *r = arg;
	const struct st_kind *k;
	const char *id;
	int line = section_line(r, section);
	int kline = r->nseen < r->nkeys ? r->keylines[r->nseen] : line;
	char *v;

	r->nseen++;
	if (strcmp(section, "meta") == 0) {
		if (strcmp(key, "profile") == 0)
			snprintf(r->st->profile, sizeof(r->st->profile), "%s",
			    value);
		else if (strcmp(key, "pve") == 0)
			snprintf(r->st->pve, sizeof(r->st->pve), "%s", value);
		else if (strcmp(key, "families") == 0)
			snprintf(r->st->families, sizeof(r->st->families),
			    "%s", value);
		else if (strcmp(key, "stamp") == 0)
			snprintf(r->st->stamp, sizeof(r->st->stamp), "%s",
			    value);
		else {
			px_fail(r->e, PXE_CONFIG, "%s:%d: [meta] has no key "
			    "'%s' (families, profile, pve, stamp)", r->path,
			    kline, key);
			r->failed = 1;
			return 0;
		}
		return 1;
	}
	if (strcmp(section, r->cursec) != 0) {
		if ((k = st_kind_of(section, &id)) == NULL ||
		    (*id == '\0') != (k->singleton != 0)) {
			px_fail(r->e, PXE_CONFIG, "%s:%d: [%s] is no kind of "
			    "object px knows%s", r->path, line, section,
			    k == NULL ? "" : k->singleton ? " (it is one "
			    "object: no identity after its name)" : " (its "
			    "identity is missing)");
			px_hint(r->e, "pxstate(5) lists the kinds: [pool NAME], "
			    "[acl PATH user:U ROLE], [storage ID] ...");
			r->failed = 1;
			return 0;
		}
		snprintf(r->cursec, sizeof(r->cursec), "%s", section);
		r->cur = st_add(r->st, k, id);
		r->cur->line = line;
		r->lastkey[0] = '\0';
	}
	if (r->cur == NULL) {
		px_fail(r->e, PXE_CONFIG, "%s:%d: a key outside any section",
		    r->path, kline);
		r->failed = 1;
		return 0;
	}
	k = r->cur->kind;
	if (key[0] && key[strlen(key) - 1] == '+') {
		size_t n = strlen(key) - 1;
		struct st_kv *last = r->cur->nkv ? &r->cur->kv[r->cur->nkv -
		    1] : NULL;

		if (last == NULL || strncmp(last->key, key, n) != 0 ||
		    last->key[n] != '\0') {
			px_fail(r->e, PXE_CONFIG, "%s:%d: [%s]: '%s' does not "
			    "follow a '%.*s =' line", r->path, kline, section,
			    key, (int)n, key);
			r->failed = 1;
			return 0;
		}
		v = unescape(value);
		last->value = px_xrealloc(last->value, strlen(last->value) +
		    strlen(v) + 1);
		strcat(last->value, v);
		free(v);
		return 1;
	}
	if (!st_kind_has_key(k, key)) {
		px_fail(r->e, PXE_CONFIG, "%s:%d: [%s]: a %s has no key '%s'",
		    r->path, kline, section, k->name, key);
		r->failed = 1;
		return 0;
	}
	if (!st_kind_is_list(k, key) && st_get(r->cur, key) != NULL) {
		px_fail(r->e, PXE_CONFIG, "%s:%d: [%s]: '%s' given twice (it "
		    "is not a list)", r->path, kline, section, key);
		r->failed = 1;
		return 0;
	}
	v = unescape(value);
	if (st_kind_is_bool(k, key)) {
		/* one spelling of a boolean: 1 or 0 */
		static const char *const yes[] = { "1", "yes", "true", "on",
		    NULL }, *const no[] = { "0", "no", "false", "off", NULL };
		const char *c = NULL;

		for (int i = 0; yes[i] && !c; i++)
			if (strcasecmp(v, yes[i]) == 0)
				c = "1";
		for (int i = 0; no[i] && !c; i++)
			if (strcasecmp(v, no[i]) == 0)
				c = "0";
		if (c == NULL) {
			px_fail(r->e, PXE_CONFIG, "%s:%d: [%s]: %s = %s is not "
			    "a boolean (1 or 0, yes or no)", r->path, kline,
			    section, key, v);
			free(v);
			r->failed = 1;
			return 0;
		}
		free(v);
		v = px_xstrdup(c);
	}
	st_set(r->cur, key, v);
	free(v);
	return 1;
}

/* The strict first pass (as conf.c's): every line a section, a
 * key = value, a comment or blank; no section twice; lines bounded. */
static int
scan(struct rd *r, FILE *f)
{
	char line[INI_BUFFERSIZE + 2];
	int lineno = 0;

	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *end, *rb;
		size_t n = strlen(line);

		lineno++;
		if ((n > 0 && line[n - 1] != '\n' && !feof(f)) ||
		    n >= INI_BUFFERSIZE - 1)
			return px_fail(r->e, PXE_CONFIG, "%s:%d: line longer "
			    "than %d characters", r->path, lineno,
			    INI_BUFFERSIZE - 3);
		if (memchr(line, '\0', n) != NULL)
			return px_fail(r->e, PXE_CONFIG, "%s:%d: a NUL byte",
			    r->path, lineno);
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*s == '\0' || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			if ((rb = strchr(s, ']')) == NULL || rb[1] != '\0')
				return px_fail(r->e, PXE_CONFIG, "%s:%d: a "
				    "section line is [KIND IDENTITY], closed by "
				    "']' at the end", r->path, lineno);
			*rb = '\0';
			/* minini trims a section's name: "[ ]" or "[ pool x]"
			 * would reach browse() as another name than the one
			 * kept here */
			if (s[1] == '\0' || s[1] == ' ' || s[1] == '\t' ||
			    rb[-1] == ' ' || rb[-1] == '\t')
				return px_fail(r->e, PXE_CONFIG, "%s:%d: an "
				    "empty section name, or one with spaces "
				    "inside its brackets", r->path, lineno);
			for (int i = 0; i < r->nnames; i++)
				if (strcmp(r->names[i], s + 1) == 0)
					return px_fail(r->e, PXE_CONFIG, "%s:%d: "
					    "[%s] appears a second time (line "
					    "%d)", r->path, lineno, s + 1,
					    r->lines[i]);
			r->names = px_xrealloc(r->names, (size_t)(r->nnames +
			    1) * sizeof(*r->names));
			r->lines = px_xrealloc(r->lines, (size_t)(r->nnames +
			    1) * sizeof(*r->lines));
			r->names[r->nnames] = px_xstrdup(s + 1);
			r->lines[r->nnames++] = lineno;
			continue;
		}
		if (r->nnames == 0)
			return px_fail(r->e, PXE_CONFIG, "%s:%d: a key before "
			    "the first section", r->path, lineno);
		n = strcspn(s, "=");
		if (s[n] == '\0' || n == 0 || s[0] == '=')
			return px_fail(r->e, PXE_CONFIG, "%s:%d: not a key = "
			    "value line", r->path, lineno);
		/* minini ends an unquoted value at ; or #: say so rather
		 * than lose the rest */
		{
			char *v = s + n + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			if (*v != '"' && strpbrk(v, ";#") != NULL) {
				px_fail(r->e, PXE_CONFIG, "%s:%d: an unquoted "
				    "value with ';' or '#' (they would start a "
				    "comment)", r->path, lineno);
				px_hint(r->e, "put the value in double quotes: "
				    "key = \"a; b\"");
				return -1;
			}
		}
		r->keylines = px_xrealloc(r->keylines, (size_t)(r->nkeys + 1) *
		    sizeof(*r->keylines));
		r->keylines[r->nkeys++] = lineno;
	}
	if (ferror(f))
		return px_fail(r->e, PXE_CONFIG, "%s: %s", r->path,
		    strerror(errno));
	return 0;
}

int
st_read(struct st_state *st, const char *path, struct px_err *e)
{
	struct rd r = { .st = st, .path = path, .e = e };
	struct stat sb;
	FILE *f;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if ((f = fopen(path, "r")) == NULL)
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return px_fail(e, PXE_CONFIG, "%s: not a regular file", path);
	}
	if (sb.st_size > STATE_MAX_SIZE) {
		fclose(f);
		return px_fail(e, PXE_CONFIG, "%s: larger than %ld MiB", path,
		    STATE_MAX_SIZE >> 20);
	}
	if (scan(&r, f) != 0) {
		fclose(f);
		goto out;
	}
	fclose(f);
	ini_browse(browse, &r, path);
	if (r.failed)
		goto out;
	/* a section with no keys is an object too */
	for (int i = 0; i < r.nnames; i++) {
		const struct st_kind *k;
		const char *id;

		if (strcmp(r.names[i], "meta") == 0)
			continue;
		if ((k = st_kind_of(r.names[i], &id)) == NULL ||
		    (*id == '\0') != (k->singleton != 0)) {
			px_fail(e, PXE_CONFIG, "%s:%d: [%s] is no kind of "
			    "object px knows", path, r.lines[i], r.names[i]);
			goto out;
		}
		if (st_find(st, k, id) == NULL)
			st_add(st, k, id)->line = r.lines[i];
	}
	for (int i = 0; i < st->n; i++)
		st_normalize(&st->s[i]);
	rc = 0;
out:
	for (int i = 0; i < r.nnames; i++)
		free(r.names[i]);
	free(r.names);
	free(r.lines);
	free(r.keylines);
	if (rc != 0)
		st_free(st);
	return rc;
}

/* ---- difference ---- */

int
st_same(const struct st_sec *a, const struct st_sec *b)
{
	if (a->nkv != b->nkv)
		return 0;
	for (int i = 0; i < a->nkv; i++)
		if (strcmp(a->kv[i].key, b->kv[i].key) != 0 ||
		    strcmp(a->kv[i].value, b->kv[i].value) != 0)
			return 0;
	return 1;
}

static int
in_families(const struct st_kind *k, const char *const *fam, int nfam)
{
	if (nfam == 0)
		return 1;
	for (int i = 0; i < nfam; i++)
		if (strcmp(fam[i], "all") == 0 ||
		    strcmp(fam[i], k->family) == 0)
			return 1;
	return 0;
}

int
st_diff(const struct st_state *want, const struct st_state *have,
    const char *const *families, int nfam, struct st_change **out)
{
	struct st_change *c = px_xcalloc((size_t)(want->n + have->n + 1),
	    sizeof(*c));
	int n = 0, nk;
	const struct st_kind *kinds = st_kinds(&nk);

	/* creates and updates, dependencies first (want is sorted) */
	for (int i = 0; i < want->n; i++) {
		const struct st_sec *w = &want->s[i];
		const struct st_sec *h = st_find(have, w->kind, w->id);

		if (h == NULL)
			c[n++] = (struct st_change){ ST_CREATE, w, NULL };
		else if (!st_same(w, h))
			c[n++] = (struct st_change){ ST_UPDATE, w, h };
	}
	/* deletes, dependents first: kinds from the last */
	for (int k = nk - 1; k >= 0; k--) {
		const struct st_kind *kd = &kinds[k];

		if (!in_families(kd, families, nfam))
			continue;
		for (int i = have->n - 1; i >= 0; i--) {
			const struct st_sec *h = &have->s[i];

			/* PVE's own objects and the one-object kinds
			 * (options) are never deleted */
			if (h->kind == kd && !h->keep && !kd->singleton &&
			    st_find(want, kd, h->id) == NULL)
				c[n++] = (struct st_change){ ST_DELETE, NULL,
				    h };
		}
	}
	*out = c;
	return n;
}
