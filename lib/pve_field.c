/* pve_field.c -- the table-driven object reader of lib/pve_*.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pve_field.h"

/*
 * What text_sanitize does (C0 controls and DEL become '?', a newline or
 * tab ' '), and the C1 controls too (U+0080..U+009F: CSI is U+009B),
 * which a terminal obeys as it does ESC [: each becomes one '?', in
 * UTF-8 (C2 80..C2 9F) and as a lone byte 0x80..0x9F that is not part
 * of a UTF-8 sequence.  Other bytes are left as they are.
 */
static void
field_sanitize(char *s)
{
	unsigned char *r = (unsigned char *)s, *w;

	while (*r >= 0x20 && *r < 0x7f)	/* the common case: plain ASCII */
		r++;
	for (w = r; *r; ) {
		size_t n = *r >= 0xf0 && *r <= 0xf4 ? 4 : *r >= 0xe0 &&
		    *r <= 0xef ? 3 : *r >= 0xc2 && *r <= 0xdf ? 2 : 1, k;

		for (k = 1; k < n && r[k] >= 0x80 && r[k] <= 0xbf; k++)
			;
		if (k < n)	/* a broken sequence: its first byte alone */
			n = 1;
		if (*r < 0x20 || *r == 0x7f) {
			*w++ = *r == '\n' || *r == '\t' ? ' ' : '?';
			r++;
		} else if ((n == 2 && r[0] == 0xc2 && r[1] <= 0x9f) ||
		    (n == 1 && r[0] >= 0x80 && r[0] <= 0x9f)) {
			*w++ = '?';
			r += n;
		} else
			while (n-- > 0)
				*w++ = *r++;
	}
	*w = '\0';
}

/* The most keys json_fields looks up in one call (its FIELDS_MAX). */
#define FILL_CHUNK	64

void
pve_fill(const struct json *j, int obj, void *dst, const struct pve_field *f,
    int nf)
{
	const char *names[FILL_CHUNK];
	int tok[FILL_CHUNK];

	/* One pass over the object's members per chunk of keys, not one
	 * per key: json_each hands over 10,000 guests one at a time. */
	for (int i = 0; i < nf; i++) {
		char *p = (char *)dst + f[i].off;
		int t;
		long long ll;

		if (i % FILL_CHUNK == 0) {
			int m = nf - i < FILL_CHUNK ? nf - i : FILL_CHUNK;

			for (int q = 0; q < m; q++)
				names[q] = f[i + q].key;
			json_fields(j, obj, names, m, tok);
		}
		t = tok[i % FILL_CHUNK];
		switch (f[i].t) {
		case PF_STR:
			if (json_is_null(j, t))
				break;
			if (json_strcpy(j, t, p, f[i].size) < 0)
				p[0] = '\0';
			field_sanitize(p);
			break;
		case PF_INT:
			if (json_int(j, t, &ll) != 0 || ll < -2147483647LL ||
			    ll > 2147483647LL)
				ll = f[i].def;
			*(int *)(void *)p = (int)ll;
			break;
		case PF_LL:
			if (json_int(j, t, &ll) != 0)
				ll = f[i].def;
			*(long long *)(void *)p = ll;
			break;
		case PF_U64:
			if (json_uint(j, t, (uint64_t *)(void *)p) != 0)
				*(uint64_t *)(void *)p = 0;
			break;
		case PF_NUM:
			if (json_num(j, t, (double *)(void *)p) != 0)
				*(double *)(void *)p = 0;
			break;
		case PF_BOOL:
			if (json_bool(j, t, (int *)(void *)p) != 0)
				*(int *)(void *)p = (int)f[i].def;
			break;
		}
	}
}

int
pve_rows_parse(const struct json *j, int arr, const struct pve_rows *d,
    void **out, int *n, struct px_err *e)
{
	const struct pve_field *key = &d->f[0];
	char *v;
	int c, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "%s: not an array", d->what);
	v = px_xcalloc((size_t)json_len(j, arr) + 1, d->size);
	JSON_FOREACH(j, arr, c, i) {
		char *x = v + (size_t)k * d->size;

		if (json_type(j, c) != JSON_OBJECT ||
		    json_is_null(j, json_get(j, c, key->key)))
			continue;
		pve_fill(j, c, x, d->f, d->nf);
		if (key->t == PF_STR && x[key->off] == '\0') {
			memset(x, 0, d->size);
			continue;
		}
		if (d->more && d->more(j, c, x) != 0) {
			memset(x, 0, d->size);
			continue;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}
