/*
 * api -- read any API path, like `pvesh get`: the "data" of the answer as
 * JSON, or, for a list of objects, as a table (columns are the union of
 * the objects' keys, in order of first appearance).
 *
 * Writes are not offered here: every mutation goes through the gate
 * (lib/gate.c) in the commands that make them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ 'q', "query", "key=value ...", "add a query parameter; repeatable" },
	PX_OPT_END
};

PX_COMMAND(api, "read any API path (like pvesh get), as JSON or a table",
    opts, NULL, "path");

#define MAXCOLS 128

/* The union of keys of the objects in array arr. */
static int
collect_keys(const struct json *j, int arr, char **keys)
{
	int n = 0, c, i, k, m;

	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT)
			return -1;
		JSON_FOREACH_KV(j, c, k, m) {
			char *key = json_strdup(j, k);
			int seen = 0;

			for (int q = 0; q < n && !seen; q++)
				seen = strcmp(keys[q], key) == 0;
			if (seen || n == MAXCOLS)
				free(key);
			else
				keys[n++] = key;
		}
	}
	return n;
}

static void
cell(struct out *o, int col, const struct json *j, int t)
{
	enum json_type ty = json_type(j, t);
	long long iv;
	double dv;
	size_t n;
	const char *raw;
	char *s;

	switch (ty) {
	case JSON_NONE:
	case JSON_NULL:
		out_null(o, col);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		out_bool(o, col, ty == JSON_TRUE);
		break;
	case JSON_NUMBER:
		raw = json_raw(j, t, &n);
		if (memchr(raw, '.', n) == NULL && memchr(raw, 'e', n) == NULL &&
		    memchr(raw, 'E', n) == NULL && json_int(j, t, &iv) == 0)
			out_int(o, col, iv);
		else if (json_num(j, t, &dv) == 0)
			out_num(o, col, dv);
		break;
	case JSON_STRING:
		s = json_strdup(j, t);
		out_str(o, col, s);
		free(s);
		break;
	default:
		raw = json_raw(j, t, &n);
		s = px_xstrndup(raw, n);
		out_str(o, col, s);
		free(s);
		break;
	}
}

int
api_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_reply r;
	struct buf path = { 0 }, query = { 0 };
	int ch, fmt_given = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_api, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg)) {
			fmt_given |= ch == 'f' || ch == 'j';
			continue;
		}
		switch (ch) {
		case 'q': {
			const char *eq = strchr(g.arg, '=');

			if (eq == NULL || eq == g.arg)
				px_errx(PX_EXIT_USAGE, "-q wants key=value, not "
				    "'%s'", g.arg);
			char *key = px_xstrndup(g.arg, (size_t)(eq - g.arg));

			form_add(&query, key, eq + 1);
			free(key);
			break;
		}
		default:
			px_usage(&px_cmd_api);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1)
		px_usage(&px_cmd_api);
	/* Accept "nodes/pve1", "/nodes/pve1" and "/api2/json/nodes/pve1". */
	const char *p = argv[0];

	if (strncmp(p, "/api2/json", 10) == 0)
		p += 10;
	if (*p != '/')
		buf_addc(&path, '/');
	for (; *p; p++) {
		/* Keep '/' as separators; encode what a segment may not hold. */
		if (*p == '/' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~:@!$&'()*+,;=", *p))
			buf_addc(&path, *p);
		else
			buf_printf(&path, "%%%02X", (unsigned char)*p);
	}
	if (query.len)
		buf_printf(&path, "?%s", query.p);

	if (cli_connect(&x, &e) != 0 ||
	    pve_get(x.client, &r, &e, "%s", path.p) != 0)
		px_die(&e);
	if (json_type(&r.j, r.data) == JSON_ARRAY &&
	    (fmt_given || x.out.cols || x.out.sort)) {
		char *keys[MAXCOLS];
		struct out_col *cols;
		struct out *o;
		int n = collect_keys(&r.j, r.data, keys), c, i;

		if (n < 0)
			px_errx(PX_EXIT_FAIL, "the list holds non-objects; "
			    "use -j");
		cols = px_xcalloc((size_t)n + 1, sizeof(*cols));
		for (int q = 0; q < n; q++)
			cols[q] = (struct out_col){ keys[q], OT_STR, 0 };
		o = out_new(&x.out, cols, n);
		JSON_FOREACH(&r.j, r.data, c, i) {
			out_row(o);
			for (int q = 0; q < n; q++)
				cell(o, q, &r.j, json_get(&r.j, c, keys[q]));
		}
		if (cli_print(&x, o, &e) != 0)
			px_die(&e);
		out_free(o);
		for (int q = 0; q < n; q++)
			free(keys[q]);
		free(cols);
	} else {
		size_t n;
		const char *raw = r.data >= 0 ? json_raw(&r.j, r.data, &n) :
		    "null";

		if (r.data < 0)
			n = 4;
		/* The server's own text of the value: it parsed, so it is
		 * valid JSON. */
		fwrite(raw, 1, n, stdout);
		putchar('\n');
	}
	px_reply_free(&r);
	buf_free(&path);
	buf_free(&query);
	cli_free(&x);
	return 0;
}
