/*
 * metrics -- RRD statistics of a node, a guest or a storage as a table:
 * one row per time step, one column per field.  On a terminal, in table
 * format, a compact Unicode sparkline per field follows the table; never
 * when the output is piped or in another format.  --png FILE saves the
 * graph PVE renders of the fields instead (GET /api2/png/.../rrd).
 */
#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <math.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "enc.h"
#include "pve_cluster.h"
#include "pve_rrd.h"

enum { O_CF = PX_O_LONG, O_FIELD, O_TIMEFRAME, O_PNG, O_FORCE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_CF, "cf", "average | max", "the consolidation function" },
	{ O_FIELD, "field", "field", "only these fields, comma-separated" },
	{ O_TIMEFRAME, "timeframe", "hour | day | week | month | year",
	    "the time frame" },
	{ O_PNG, "png", "file", "save PVE's graph of the fields (default "
	    "cpu) as a PNG file" },
	{ O_FORCE, "force", NULL, "--png: replace the file if it exists" },
	PX_OPT_END
};

PX_COMMAND(metrics, "RRD statistics of a node, guest or storage",
    opts, NULL, "node node | guest vmid | storage node storage");

/* How a field is shown: bytes, a 0..1 fraction, or a number. */
static enum out_type
field_type(const char *f)
{
	static const char *const bytes[] = {
		"mem", "maxmem", "memused", "memtotal", "memavailable",
		"swapused", "swaptotal", "rootused", "roottotal", "disk",
		"maxdisk", "used", "total", "arcsize", NULL
	};

	if (strcmp(f, "cpu") == 0 || strcmp(f, "iowait") == 0)
		return OT_PCT;
	for (int i = 0; bytes[i]; i++)
		if (strcmp(f, bytes[i]) == 0)
			return OT_BYTES;
	return OT_NUM;
}

/* Print one sparkline a field, scaled between its minimum and maximum. */
static void
sparklines(FILE *f, const struct pve_rrd *r, const int *sel, int nsel)
{
	static const char *const bars[] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
		"\u2587", "\u2588"
	};
	int step = r->npoints > 60 ? (r->npoints + 59) / 60 : 1;

	fputc('\n', f);
	for (int s = 0; s < nsel; s++) {
		double *c = pve_rrd_column(r, sel[s]);
		double lo = stat_min(c, r->npoints), hi = stat_max(c,
		    r->npoints), last = NAN;
		char a[32], b[32], z[32];

		fprintf(f, "%-12s ", r->field[sel[s]]);
		for (int i = 0; i < r->npoints; i += step) {
			double v = stat_mean(c + i, i + step > r->npoints ?
			    r->npoints - i : step);
			int k;

			if (isnan(v)) {
				fputc(' ', f);
				continue;
			}
			last = v;
			k = hi > lo ? (int)((v - lo) / (hi - lo) * 7.0 + 0.5) :
			    0;
			fputs(bars[k < 0 ? 0 : k > 7 ? 7 : k], f);
		}
		if (isnan(lo)) {
			fputs(" (no data)\n", f);
			free(c);
			continue;
		}
		switch (field_type(r->field[sel[s]])) {
		case OT_BYTES:
			out_fmt_bytes(a, sizeof(a), (uint64_t)lo);
			out_fmt_bytes(b, sizeof(b), (uint64_t)hi);
			out_fmt_bytes(z, sizeof(z), (uint64_t)last);
			break;
		case OT_PCT:
			out_fmt_pct(a, sizeof(a), lo);
			out_fmt_pct(b, sizeof(b), hi);
			out_fmt_pct(z, sizeof(z), last);
			break;
		default:
			snprintf(a, sizeof(a), "%.4g", lo);
			snprintf(b, sizeof(b), "%.4g", hi);
			snprintf(z, sizeof(z), "%.4g", last);
		}
		fprintf(f, "  min %s max %s last %s\n", a, b, z);
		free(c);
	}
}

#define PNG_SIG	"\x89PNG\r\n\x1a\n"

/* Write the PNG PVE renders of fields (GET /api2/png/PATH/rrd) to file,
 * atomically (a temporary file in its directory, renamed), mode 0644;
 * an existing file only with force.  The exit status. */
static int
save_png(struct px_cli *x, const char *path, const char *fields,
    const char *tf, const char *cf, const char *file, int force)
{
	struct px_client_opts po = { .verbose = x->verbose,
	    .api_prefix = "/api2/png" };
	struct px_client *pc;
	struct px_call k;
	struct px_err e = { 0 };
	struct buf ds = { 0 }, tmp = { 0 };
	const char *slash = strrchr(file, '/');
	int fd, rc = 0;

	if (!force && access(file, F_OK) == 0)
		px_errx(PX_EXIT_USAGE, "%s exists: --force replaces it", file);
	for (const char *p = fields ? fields : "cpu"; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != ',')
			px_errx(PX_EXIT_USAGE, "--field: '%s' is not a list of "
			    "field names", fields);
	buf_adds(&ds, fields ? fields : "cpu");
	if ((pc = px_client_new(&x->conf, x->p, &po, &e)) == NULL)
		px_die(&e);
	px_call_init(&k, pc, "GET", NULL, "%s/rrd?ds=%s&timeframe=%s&cf=%s",
	    path, ds.p, tf, cf);
	px_call_run(&k, 1);
	if (k.rc != 0) {
		if (k.status == 404 || k.status == 501)
			px_hint(&k.err, "this server renders no RRD graphs; "
			    "px metrics without --png shows the numbers");
		px_die(&k.err);
	}
	if (k.body.len < 8 || memcmp(k.body.p, PNG_SIG, 8) != 0)
		px_errx(PX_EXIT_FAIL, "GET %s/rrd: the answer is not a PNG "
		    "image", path);
	if (slash)
		buf_printf(&tmp, "%.*s/.px-png.XXXXXX", (int)(slash - file),
		    file);
	else
		buf_adds(&tmp, ".px-png.XXXXXX");
	if ((fd = mkstemp(tmp.p)) < 0)
		px_errx(PX_EXIT_FAIL, "%s: %s", tmp.p, strerror(errno));
	if (fchmod(fd, 0644) != 0 || write(fd, k.body.p, k.body.len) !=
	    (ssize_t)k.body.len || fsync(fd) != 0 || close(fd) != 0) {
		int err = errno;

		unlink(tmp.p);
		px_errx(PX_EXIT_FAIL, "%s: %s", file, strerror(err));
	}
	if (!force && access(file, F_OK) == 0) {
		unlink(tmp.p);
		px_errx(PX_EXIT_USAGE, "%s exists: --force replaces it", file);
	}
	if (rename(tmp.p, file) != 0) {
		int err = errno;

		unlink(tmp.p);
		px_errx(PX_EXIT_FAIL, "%s: %s", file, strerror(err));
	}
	px_call_free(&k);
	px_client_free(pc);
	buf_free(&ds);
	buf_free(&tmp);
	return rc;
}

int
metrics_main(int argc, char **argv)
{
	static const char *const frames[] = {
		"hour", "day", "week", "month", "year", NULL
	};
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_reply r;
	struct pve_rrd rrd;
	struct buf path = { 0 };
	struct out_col *cols;
	struct out *o;
	const char *cf = "AVERAGE", *tf = "hour", *fields = NULL, *png = NULL;
	int ch, rc = 0, *sel, nsel = 0, ok, force = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_metrics, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_CF:
			if (strcmp(g.arg, "average") == 0)
				cf = "AVERAGE";
			else if (strcmp(g.arg, "max") == 0)
				cf = "MAX";
			else
				px_errx(PX_EXIT_USAGE, "--cf: average or max");
			break;
		case O_FIELD:
			fields = g.arg;
			break;
		case O_PNG:
			if (g.arg[0] == '\0')
				px_errx(PX_EXIT_USAGE, "--png: an empty name");
			png = g.arg;
			break;
		case O_FORCE:
			force = 1;
			break;
		case O_TIMEFRAME:
			ok = 0;
			for (int i = 0; frames[i]; i++)
				ok |= strcmp(g.arg, frames[i]) == 0;
			if (!ok)
				px_errx(PX_EXIT_USAGE, "--timeframe: hour, day, "
				    "week, month or year");
			tf = g.arg;
			break;
		default:
			px_usage(&px_cmd_metrics);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 2)
		px_usage(&px_cmd_metrics);
	if (force && png == NULL)
		px_errx(PX_EXIT_USAGE, "--force is for --png");
	if (strcmp(argv[0], "node") == 0 && argc == 2) {
		if (!pve_valid_node(argv[1]))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    argv[1]);
		buf_adds(&path, "/nodes/");
		url_seg(&path, argv[1]);
	} else if (strcmp(argv[0], "storage") == 0 && argc == 3) {
		if (!pve_valid_node(argv[1]))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    argv[1]);
		buf_adds(&path, "/nodes/");
		url_seg(&path, argv[1]);
		buf_adds(&path, "/storage/");
		url_seg(&path, argv[2]);
	} else if (strcmp(argv[0], "guest") != 0 || argc != 2) {
		px_usage(&px_cmd_metrics);
	}
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (strcmp(argv[0], "guest") == 0) {
		struct pve_guest g;
		char *end;
		long vmid = strtol(argv[1], &end, 10);

		if (*end != '\0' || vmid < 1 || vmid > 999999999)
			px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[1]);
		if (pve_guest_find(x.client, (int)vmid, &g, &e) != 0)
			px_die(&e);
		buf_adds(&path, "/nodes/");
		url_seg(&path, g.node);
		buf_printf(&path, "/%s/%d", g.type, g.vmid);
	}
	if (png) {
		rc = save_png(&x, buf_str(&path), fields, tf, cf, png, force);
		buf_free(&path);
		cli_free(&x);
		return rc;
	}
	if (pve_get(x.client, &r, &e, "%s/rrddata?timeframe=%s&cf=%s",
	    buf_str(&path), tf, cf) != 0 ||
	    pve_rrd_parse(&r.j, r.data, &rrd, &e) != 0)
		px_die(&e);
	px_reply_free(&r);

	/* the fields shown: --field picks (comma-separated), else all */
	sel = px_xcalloc((size_t)rrd.nfields + 1, sizeof(*sel));
	for (int f = 0; f < rrd.nfields; f++)
		if (fields == NULL || pve_list_has(fields, rrd.field[f]))
			sel[nsel++] = f;
	for (const char *p = fields; p && *p; ) {
		size_t len = strcspn(p, ",");
		char one[32];

		snprintf(one, sizeof(one), "%.*s", (int)len, p);
		if (pve_rrd_field(&rrd, one) < 0)
			px_errx(PX_EXIT_USAGE, "--field: no field '%s' in this "
			    "series", one);
		p += len;
		p += *p == ',';
	}
	cols = px_xcalloc((size_t)nsel + 2, sizeof(*cols));
	cols[0] = (struct out_col){ "time", OT_TIME, 0 };
	for (int s = 0; s < nsel; s++)
		cols[s + 1] = (struct out_col){ rrd.field[sel[s]],
		    field_type(rrd.field[sel[s]]), 0 };
	o = out_new(&x.out, cols, nsel + 1);
	for (int i = 0; i < rrd.npoints; i++) {
		out_row(o);
		out_int(o, 0, rrd.time[i]);
		for (int s = 0; s < nsel; s++) {
			double v = rrd.v[i * rrd.nfields + sel[s]];

			if (isnan(v))
				continue;
			if (cols[s + 1].type == OT_BYTES)
				out_uint(o, s + 1, v > 0 ? (uint64_t)llround(v) :
				    0);
			else
				out_num(o, s + 1, v);
		}
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (x.out.fmt == OUT_TABLE && isatty(STDOUT_FILENO))
		sparklines(stdout, &rrd, sel, nsel);
	out_free(o);
	free(cols);
	free(sel);
	pve_rrd_free(&rrd);
	buf_free(&path);
	cli_free(&x);
	return rc;
}
