/* objcli.c -- the command line of the cluster's objects (objcli.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "json.h"
#include "objcli.h"

/* A secret's bound: PVE's longest secrets (keys, certificates) fit. */
enum { SECRET_MAX = 64 * 1024 };

void
objcli_init(struct objcli *oc, const struct px_command *cmd)
{
	memset(oc, 0, sizeof(*oc));
	mutcli_init(&oc->m, cmd);
}

void
objcli_free(struct objcli *oc)
{
	buf_wipe(&oc->form);
	mutcli_free(&oc->m);
}

/* A PVE parameter name: what the schema uses. */
static int
param_name_ok(const char *k, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    (c == '[' && i > 0) || c == ']'))
			return 0;
	}
	return 1;
}

int
objcli_has(const struct objcli *oc, const char *key)
{
	const char *p = oc->form.len ? oc->form.p : "";
	size_t kl = strlen(key);

	while (*p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=')
			return 1;
		if ((p = strchr(p, '&')) == NULL)
			break;
		p++;
	}
	return 0;
}

void
objcli_param(struct objcli *oc, const char *key, const char *value)
{
	if (objcli_has(oc, key))
		px_errx(PX_EXIT_USAGE, "parameter %s given twice", key);
	form_add(&oc->form, key, value);
	oc->nparams++;
}

/* The secret of --NAME-file F: its first line, bounded, no NUL. */
static void
secret_file(struct objcli *oc, const char *key, const char *file)
{
	struct buf b = { 0 };
	char chunk[4096];
	ssize_t got;
	int fd;
	char *nl;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		px_errx(PX_EXIT_USAGE, "%s: %s", file, strerror(errno));
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_add(&b, chunk, (size_t)got);
		if (b.len > SECRET_MAX) {
			close(fd);
			buf_wipe(&b);
			px_errx(PX_EXIT_USAGE, "%s: more than %d bytes: not a "
			    "secret", file, SECRET_MAX);
		}
	}
	close(fd);
	explicit_bzero(chunk, sizeof(chunk));
	if (got < 0) {
		buf_wipe(&b);
		px_errx(PX_EXIT_USAGE, "%s: %s", file, strerror(errno));
	}
	if (b.len == 0 || memchr(b.p, '\0', b.len) != NULL) {
		buf_wipe(&b);
		px_errx(PX_EXIT_USAGE, "%s: %s", file, b.len ? "holds a NUL "
		    "byte" : "is empty");
	}
	if ((nl = strchr(b.p, '\n')) != NULL)
		*nl = '\0';
	if ((nl = strchr(b.p, '\r')) != NULL)
		*nl = '\0';
	if (b.p[0] == '\0') {
		buf_wipe(&b);
		px_errx(PX_EXIT_USAGE, "%s: the first line is empty", file);
	}
	objcli_param(oc, key, b.p);
	buf_wipe(&b);
}

static void
secret_env(struct objcli *oc, const char *key, const char *var)
{
	const char *v = getenv(var);

	if (v == NULL || v[0] == '\0')
		px_errx(PX_EXIT_USAGE, "environment variable %s is not set",
		    var);
	if (strlen(v) > SECRET_MAX || strpbrk(v, "\r\n") != NULL)
		px_errx(PX_EXIT_USAGE, "environment variable %s: not one "
		    "line of at most %d bytes", var, SECRET_MAX);
	objcli_param(oc, key, v);
}

int
objcli_opt(struct objcli *oc, int ch, const struct px_getopt *g)
{
	char key[80];
	const char *eq;
	size_t n;

	if (mutcli_opt(&oc->m, ch, g->arg))
		return 1;
	switch (ch) {
	case PX_O_RAW:
		eq = strchr(g->arg, '=');
		if (eq == NULL || !param_name_ok(g->arg, (size_t)(eq -
		    g->arg)))
			px_errx(PX_EXIT_USAGE, "--raw %s: not key=value with a "
			    "PVE parameter name", g->arg);
		n = (size_t)(eq - g->arg);
		memcpy(key, g->arg, n);
		key[n] = '\0';
		objcli_param(oc, key, eq + 1);
		return 1;
	case PX_O_PARAM:
		objcli_param(oc, g->name, g->arg ? g->arg : "1");
		return 1;
	case PX_O_SECRET_FILE:
	case PX_O_SECRET_ENV:
		n = strlen(g->name) - (ch == PX_O_SECRET_FILE ? 5 : 4);
		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, g->name, n);
		key[n] = '\0';
		if (ch == PX_O_SECRET_FILE)
			secret_file(oc, key, g->arg);
		else
			secret_env(oc, key, g->arg);
		return 1;
	}
	return 0;
}

void
objcli_no_params(const struct objcli *oc, const char *verb)
{
	if (oc->nparams > 0)
		px_errx(PX_EXIT_USAGE, "%s takes no parameters", verb);
}

void
objcli_connect(struct objcli *oc)
{
	if (oc->m.x.client == NULL)
		mutcli_connect(&oc->m);
}

void
objcli_get(struct objcli *oc, struct px_reply *r, const char *fmt, ...)
{
	struct px_err e = { 0 };
	struct buf p = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&p, fmt, ap);
	va_end(ap);
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, r, &e, "%s", p.p) != 0)
		px_die(&e);
	buf_free(&p);
}

char *
objcli_json_text(const struct json *j, int t, size_t max)
{
	return json_text(j, t, max);
}

/* A cell from the value at t, per the column's type. */
static void
cell(struct out *o, int col, enum out_type type, const struct json *j, int t)
{
	enum json_type jt;
	long long ll;
	double d;
	int b;

	if (t < 0 || json_is_null(j, t))
		return;
	jt = json_type(j, t);
	if (jt == JSON_ARRAY || jt == JSON_OBJECT) {
		char *s = objcli_json_text(j, t, OBJCLI_CELL_MAX);

		out_str(o, col, s);
		free(s);
		return;
	}
	switch (type) {
	case OT_INT:
	case OT_TIME:
	case OT_DURATION:
		if (json_int(j, t, &ll) == 0)
			out_int(o, col, ll);
		return;
	case OT_BYTES:
		if (json_int(j, t, &ll) == 0 && ll >= 0)
			out_uint(o, col, (uint64_t)ll);
		return;
	case OT_NUM:
	case OT_PCT:
		if (json_num(j, t, &d) == 0)
			out_num(o, col, d);
		return;
	case OT_BOOL:
		if (json_bool(j, t, &b) == 0)
			out_bool(o, col, b);
		return;
	default: {
		char *s = json_strdup(j, t);

		out_str(o, col, s);
		free(s);
	}
	}
}

int
objcli_list(struct objcli *oc, const char *path, const struct out_col *cols,
    int ncols, objcli_fill_fn fill, void *arg)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int rc = 0, n;

	objcli_get(oc, &r, "%s", path);
	if (json_type(&r.j, r.data) != JSON_ARRAY) {
		px_fail(&e, PXE_PARSE, "GET %s: the answer's data is not a "
		    "list", path);
		px_die(&e);
	}
	o = out_new(&oc->m.x.out, cols, ncols);
	n = json_len(&r.j, r.data);
	for (int i = 0; i < n; i++) {
		int row = json_at(&r.j, r.data, i);

		if (json_type(&r.j, row) != JSON_OBJECT) {
			objcli_drop(path, i);
			continue;
		}
		out_row(o);
		for (int c = 0; c < ncols; c++)
			if (fill == NULL || !fill(o, c, &r.j, row, arg))
				cell(o, c, cols[c].type, &r.j,
				    json_get(&r.j, row, cols[c].name));
	}
	rc = objcli_print(oc, o);
	px_reply_free(&r);
	return rc;
}

void
objcli_drop(const char *path, int row)
{
	char origin[600];

	/* reported; the command exits 1 (px_diag_status) */
	snprintf(origin, sizeof(origin), "GET %.590s", path);
	px_drop(origin, row, "not an object");
}

int
objcli_print(struct objcli *oc, struct out *o)
{
	struct px_err e = { 0 };
	int rc = 0;

	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

int
objcli_show(struct objcli *oc, const char *path, const char *what)
{
	static const struct out_col kv[] = {
		{ "field", OT_STR, 0 }, { "value", OT_STR, 0 },
	};
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int rc = 0, k, i;

	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "%s", path) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    e.http == 500 && (strstr(e.msg, "does not exist") ||
		    strstr(e.msg, ": no such ") != NULL))) {
			char msg[sizeof(e.msg)];

			/* px_fail writes e.msg: the old one from a copy */
			snprintf(msg, sizeof(msg), "%s", e.msg);
			px_fail(&e, PXE_NOT_FOUND, "no %s (%s)", what, msg);
		}
		px_die(&e);
	}
	if (json_type(&r.j, r.data) != JSON_OBJECT) {
		px_fail(&e, PXE_PARSE, "GET %s: the answer's data is not an "
		    "object", path);
		px_die(&e);
	}
	if (oc->m.x.out.fmt == OUT_JSON || oc->m.x.out.fmt == OUT_JSONL) {
		struct buf b = { 0 };
		struct jw w;

		/* re-encoded, so that a string's escapes are px's own */
		jw_init(&w, &b);
		jw_json(&w, &r.j, r.data);
		buf_addc(&b, '\n');
		if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout))
			rc = PX_EXIT_FAIL;
		buf_free(&b);
		px_reply_free(&r);
		return rc;
	}
	o = out_new(&oc->m.x.out, kv, 2);
	JSON_FOREACH_KV(&r.j, r.data, k, i) {
		char *key = json_strdup(&r.j, k);

		out_row(o);
		out_str(o, 0, key);
		cell(o, 1, OT_STR, &r.j, k + 1);
		free(key);
	}
	rc = objcli_print(oc, o);
	px_reply_free(&r);
	return rc;
}

/* The form of change c (oc's parameters, extra, the digest) into f. */
static void
change_form(struct objcli *oc, const struct objcli_change *c, struct buf *f)
{
	struct px_err e = { 0 };

	if (!c->no_params && oc->form.len)
		buf_adds(f, oc->form.p);
	if (c->extra && c->extra[0]) {
		if (f->len)
			buf_addc(f, '&');
		buf_adds(f, c->extra);
	}
	if (c->digest_of && !objcli_has(oc, "digest")) {
		struct px_reply d;
		char digest[96] = "";
		int k;

		if (pve_get(oc->m.x.client, &d, &e, "%s", c->digest_of) != 0)
			px_die(&e);
		k = json_get(&d.j, d.data, "digest");
		if (k >= 0)
			json_strcpy(&d.j, k, digest, sizeof(digest));
		px_reply_free(&d);
		if (digest[0])	/* form_add puts the '&' itself */
			form_add(f, "digest", digest);
	}
}

/* Change c as mutcli's, its form in f (filled here). */
static void
change_of(struct objcli *oc, const struct objcli_change *c,
    struct mutcli_change *mc, struct buf *f)
{
	objcli_connect(oc);
	change_form(oc, c, f);
	memset(mc, 0, sizeof(*mc));
	mc->action = c->action;
	mc->kind = c->kind;
	mc->id = c->id;
	mc->summary = c->summary;
	mc->method = c->method;
	mc->path = c->path;
	mc->form = f->p;
	mc->redact = c->redact;
	mc->destructive = c->destructive;
	mc->assess = c->assess;
	mc->assess_arg = c->assess_arg;
	mc->name = c->name;
	mc->node = c->node;
}

int
objcli_change(struct objcli *oc, const struct objcli_change *c)
{
	struct mutcli_change mc;
	struct buf f = { 0 };
	int rc;

	change_of(oc, c, &mc, &f);
	rc = mutcli_change(&oc->m, &mc);
	buf_free(&f);
	return rc;
}

int
objcli_change_answer(struct objcli *oc, const struct objcli_change *c,
    struct gate_result *res)
{
	struct mutcli_change mc;
	struct buf f = { 0 };
	int rc;

	change_of(oc, c, &mc, &f);
	rc = mutcli_change_answer(&oc->m, &mc, res);
	buf_free(&f);
	return rc;
}
