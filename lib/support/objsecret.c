/* objsecret.c -- records without secrets, secrets from files (objsecret.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "objsecret.h"

enum { SECRET_MAX = 64 * 1024 };

static int
hidden(const char *key, const char *const *hide)
{
	for (; hide && *hide; hide++)
		if (strcmp(key, *hide) == 0)
			return 1;
	return 0;
}

/* The name=X of each property string of array a, as a JSON array. */
static void
names_only(struct buf *b, const struct json *j, int a)
{
	struct jw w;
	int t, i;

	jw_init(&w, b);
	jw_arr(&w);
	JSON_FOREACH(j, a, t, i) {
		char *s = json_strdup(j, t), *p, *q;

		if (s == NULL)
			continue;
		p = strstr(s, "name=");
		if (p != NULL) {
			q = p + strcspn(p, ",");
			jw_strn(&w, p, (size_t)(q - p));
		}
		explicit_bzero(s, strlen(s));
		free(s);
	}
	jw_end(&w);
}

int
objsecret_show(struct objcli *oc, const char *path, const char *what,
    const char *const *hide)
{
	static const struct out_col kv[] = {
		{ "field", OT_STR, 0 }, { "value", OT_STR, 0 },
	};
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf js = { 0 };
	struct out *o;
	int rc = 0, k, i, json;

	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "%s", path) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    e.http == 500 && strstr(e.msg, "does not exist")))
			px_fail(&e, PXE_NOT_FOUND, "no %s (%s)", what, e.msg);
		px_die(&e);
	}
	if (json_type(&r.j, r.data) != JSON_OBJECT) {
		px_fail(&e, PXE_PARSE, "GET %s: the answer's data is not an "
		    "object", path);
		px_die(&e);
	}
	json = oc->m.x.out.fmt == OUT_JSON || oc->m.x.out.fmt == OUT_JSONL;
	o = out_new(&oc->m.x.out, kv, 2);
	buf_addc(&js, '{');
	JSON_FOREACH_KV(&r.j, r.data, k, i) {
		char *key = json_strdup(&r.j, k);
		struct buf v = { 0 };
		int t = k + 1;
		enum json_type jt = json_type(&r.j, t);
		size_t n;
		const char *raw;

		if (key == NULL)
			continue;
		if (hidden(key, hide)) {
			if (jt != JSON_ARRAY) {
				free(key);
				continue;
			}
			names_only(&v, &r.j, t);
		} else if (jt == JSON_STRING) {
			char *sv = json_strdup(&r.j, t);

			json_escape(&v, sv ? sv : "", sv ? strlen(sv) : 0);
			free(sv);
		} else {
			raw = json_raw(&r.j, t, &n);
			buf_add(&v, raw, n);
		}
		if (json) {
			if (js.len > 1)
				buf_addc(&js, ',');
			json_escape(&js, key, strlen(key));
			buf_addc(&js, ':');
			buf_add(&js, v.p, v.len);
		} else {
			out_row(o);
			out_str(o, 0, key);
			if (jt == JSON_STRING && !hidden(key, hide)) {
				char *s = json_strdup(&r.j, t);

				out_str(o, 1, s);
				free(s);
			} else if (!json_is_null(&r.j, t))
				out_str(o, 1, buf_str(&v));
		}
		buf_free(&v);
		free(key);
	}
	buf_adds(&js, "}\n");
	if (json) {
		if (fwrite(js.p, 1, js.len, stdout) != js.len || fflush(stdout))
			rc = PX_EXIT_FAIL;
	} else if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	buf_wipe(&js);
	px_reply_free(&r);
	return rc;
}

/* Read fd to its end into b, bounded. */
static void
slurp(struct buf *b, const char *f)
{
	char chunk[4096];
	ssize_t got;
	int fd;

	if ((fd = open(f, O_RDONLY | O_CLOEXEC)) < 0)
		px_errx(PX_EXIT_USAGE, "%s: %s", f, strerror(errno));
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_add(b, chunk, (size_t)got);
		if (b->len > SECRET_MAX) {
			close(fd);
			buf_wipe(b);
			px_errx(PX_EXIT_USAGE, "%s: more than %d bytes: not a "
			    "secret", f, SECRET_MAX);
		}
	}
	close(fd);
	explicit_bzero(chunk, sizeof(chunk));
	if (got < 0) {
		buf_wipe(b);
		px_errx(PX_EXIT_USAGE, "%s: %s", f, strerror(errno));
	}
	if (b->len == 0 || memchr(b->p, '\0', b->len) != NULL) {
		size_t n = b->len;

		buf_wipe(b);
		px_errx(PX_EXIT_USAGE, "%s: %s", f, n ? "holds a NUL byte" :
		    "is empty");
	}
}

void
objsecret_read_file(struct buf *b, const char *f)
{
	slurp(b, f);
}

void
objsecret_read(struct buf *b, const char *f, int from_env)
{
	char *nl;

	if (from_env) {
		const char *v = getenv(f);

		if (v == NULL || v[0] == '\0')
			px_errx(PX_EXIT_USAGE, "environment variable %s is "
			    "not set", f);
		if (strlen(v) > SECRET_MAX || strpbrk(v, "\r\n") != NULL)
			px_errx(PX_EXIT_USAGE, "environment variable %s: not "
			    "one line of at most %d bytes", f, SECRET_MAX);
		buf_adds(b, v);
		return;
	}
	slurp(b, f);
	if ((nl = strchr(b->p, '\n')) != NULL)
		*nl = '\0';
	if ((nl = strchr(b->p, '\r')) != NULL)
		*nl = '\0';
	b->len = strlen(b->p);
	if (b->len == 0) {
		buf_wipe(b);
		px_errx(PX_EXIT_USAGE, "%s: the first line is empty", f);
	}
}
