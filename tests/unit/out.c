/*
 * out.c -- unit tests for lib/out: the four formats, -c and -s, human
 * units, record mode, colour, and a large table.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "json.h"
#include "out.h"
#include "out_impl.h"	/* test_expect: the held buffer's size */
#include "tap.h"
#include "workq.h"

enum { C_NAME, C_VMID, C_MEM, C_CPU, C_UPTIME, C_RUNNING, C_NOTES };

static const struct out_col cols[] = {
	{ "name", OT_STR, 0 },
	{ "vmid", OT_INT, 0 },
	{ "mem", OT_BYTES, 0 },
	{ "cpu", OT_PCT, 0 },
	{ "uptime", OT_DURATION, 0 },
	{ "running", OT_BOOL, 0 },
	{ "notes", OT_STR, OC_EXTRA },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))

/* Three guests: one full row, one mostly null, one with UTF-8 and a tab;
 * rows [from, to) of them. */
static void
fill_rows(struct out *o, int from, int to)
{
	if (from > 0 || to < 1)
		goto row1;
	out_row(o);
	out_str(o, C_NAME, "web");
	out_int(o, C_VMID, 100);
	out_uint(o, C_MEM, 2147483648ULL);
	out_num(o, C_CPU, 0.123);
	out_int(o, C_UPTIME, 312);
	out_bool(o, C_RUNNING, 1);
	out_str(o, C_NOTES, "front");
row1:
	if (from > 1 || to < 2)
		goto row2;
	out_row(o);
	out_str(o, C_NAME, "db");
	out_int(o, C_VMID, 20);
	out_null(o, C_MEM);
	out_bool(o, C_RUNNING, 0);
	out_row_error(o);
row2:
	if (from > 2 || to < 3)
		return;
	out_row(o);
	out_str(o, C_NAME, "caf\xc3\xa9");
	out_int(o, C_VMID, 3);
	out_uint(o, C_MEM, 512);
	out_num(o, C_CPU, 1.0);
	out_int(o, C_UPTIME, 273600);
	out_int(o, C_RUNNING, 1);	/* an int in a bool column */
	out_str(o, C_NOTES, "tab\there");
}

static void
fill(struct out *o)
{
	fill_rows(o, 0, 3);
}

/* Print o to a string; *rc gets out_print's result.  Caller frees. */
static char *
print_to_string(struct out *o, int *rc, struct px_err *e)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	*rc = out_print(o, f, e);
	fclose(f);
	return p;
}

static char *
render(enum out_fmt fmt, const char *c, const char *s, int no_header,
    int record, int *rc, struct px_err *e)
{
	struct out_opts opts = { fmt, no_header, c, s, 0 };
	struct out *o = out_new(&opts, cols, NCOLS);
	char *p;

	if (record)
		out_record(o);
	fill(o);
	p = print_to_string(o, rc, e);
	out_free(o);
	return p;
}

static char *
simple(enum out_fmt fmt, const char *c, const char *s)
{
	struct px_err e = { 0 };
	int rc;
	char *p = render(fmt, c, s, 0, 0, &rc, &e);

	if (rc != 0)
		printf("#   out_print: %s\n", e.msg);
	return p;
}

static int
under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && (strstr(p, "valgrind") || strstr(p, "vgpreload"));
}

/* Whether s parses as JSON; the array length or object size in *n. */
static int
valid_json(const char *s, int *n)
{
	struct json j;
	struct px_err e = { 0 };
	int rc;

	rc = json_parse(&j, s, strlen(s), &e);
	if (rc == 0 && n != NULL)
		*n = json_len(&j, 0);
	if (rc != 0)
		printf("#   %s\n", e.msg);
	json_free(&j);
	return rc == 0;
}

static void
test_parse_fmt(void)
{
	is_int(out_parse_fmt("table"), OUT_TABLE, "-f table");
	is_int(out_parse_fmt("tsv"), OUT_TSV, "-f tsv");
	is_int(out_parse_fmt("json"), OUT_JSON, "-f json");
	is_int(out_parse_fmt("jsonl"), OUT_JSONL, "-f jsonl");
	is_int(out_parse_fmt("csv"), -1, "-f csv is unknown");
	is_int(out_parse_fmt(NULL), -1, "NULL is unknown");
}

static void
test_table(void)
{
	char *p;
	int rc;
	struct px_err e = { 0 };

	p = simple(OUT_TABLE, NULL, NULL);
	is_str(p,
	    "NAME  VMID      MEM     CPU  UPTIME  RUNNING\n"
	    "web    100  2.0 GiB   12.3%   5m12s  yes\n"
	    "db      20        -       -       -  no\n"
	    "caf\xc3\xa9     3    512 B  100.0%    3d4h  yes\n",
	    "table: upper-case header, numbers right, nulls '-', "
	    "extra column left out, UTF-8 width");
	free(p);

	p = render(OUT_TABLE, NULL, NULL, 1, 0, &rc, &e);
	is_str(p,
	    "web   100  2.0 GiB   12.3%  5m12s  yes\n"
	    "db     20        -       -      -  no\n"
	    "caf\xc3\xa9    3    512 B  100.0%   3d4h  yes\n",
	    "table -H: no header, widths from the cells alone");
	free(p);

	p = simple(OUT_TABLE, "notes,name", NULL);
	is_str(p,
	    "NOTES      NAME\n"
	    "front      web\n"
	    "-          db\n"
	    "tab\\there  caf\xc3\xa9\n",
	    "table -c: an extra column by name, in the order given; "
	    "a tab shown as \\t");
	free(p);

	p = simple(OUT_TABLE, "vmid", NULL);
	is_str(p, "VMID\n 100\n  20\n   3\n",
	    "table: a right-aligned last column is padded on the left only");
	free(p);
}

static void
test_table_edge(void)
{
	static const struct out_col c2[] = {
		{ "k", OT_STR, 0 },
		{ "v", OT_STR, 0 },
	};
	struct out_opts opts = { OUT_TABLE, 0, NULL, NULL, 0 };
	struct px_err e = { 0 };
	struct out *o;
	char *p;
	int rc;

	o = out_new(&opts, c2, 2);
	p = print_to_string(o, &rc, &e);
	is_str(p, "K  V\n", "empty table: the header alone");
	free(p);
	out_row(o);
	out_str(o, 0, "a\nb\x1b[31m");
	out_str(o, 1, "\xc2\x9b" "2J x\x7f");
	out_row(o);
	out_str(o, 0, "");
	p = print_to_string(o, &rc, &e);
	is_str(p, "K          V\na\\nb?[31m  ?2J x?\n           -\n",
	    "table: controls (ESC, C1 CSI, DEL) cannot reach the terminal");
	out_free(o);
	free(p);

	o = out_new(&opts, c2, 2);
	out_row(o);
	out_str(o, 0, "\x9b" "2J\x85");
	out_str(o, 1, "\xe2\x80\x9b" "ok");
	out_row(o);
	out_str(o, 0, "gr\xc3\xbc\xc3\x9f" "e");
	p = print_to_string(o, &rc, &e);
	is_str(p, "K      V\n?2J?   \xe2\x80\x9bok\ngr\xc3\xbc\xc3\x9f" "e  -\n",
	    "table: raw C1 bytes (0x9b CSI, 0x85) are controls; UTF-8 "
	    "with such continuation bytes is text, one column each");
	out_free(o);
	free(p);

	o = out_new(&opts, c2, 2);
	out_str(o, 0, "no out_row first");
	out_str(o, 9, "out of range: ignored");
	out_int(o, -1, 5);
	is_int(out_nrows(o), 1, "a cell before out_row starts a row");
	p = print_to_string(o, &rc, &e);
	is_str(p, "K                 V\nno out_row first  -\n",
	    "and prints");
	out_free(o);
	free(p);

	opts.no_header = 1;
	o = out_new(&opts, c2, 2);
	p = print_to_string(o, &rc, &e);
	is_str(p, "", "empty table with -H: nothing");
	out_free(o);
	free(p);
}

static void
test_color(void)
{
	struct out_opts opts = { OUT_TABLE, 0, "name", NULL, 1 };
	struct px_err e = { 0 };
	struct out *o;
	char *p;
	int rc;

	o = out_new(&opts, cols, NCOLS);
	fill(o);
	p = print_to_string(o, &rc, &e);
	is_str(p, "\033[1mNAME\033[0m\nweb\n\033[31mdb\033[0m\ncaf\xc3\xa9\n",
	    "colour 1: bold header, red error row");
	out_free(o);
	free(p);

	opts.color = -1;
	o = out_new(&opts, cols, NCOLS);
	fill(o);
	p = print_to_string(o, &rc, &e);
	ok(strchr(p, '\033') == NULL, "colour auto: not a terminal, no colour");
	out_free(o);
	free(p);

	opts.color = 0;
	o = out_new(&opts, cols, NCOLS);
	fill(o);
	p = print_to_string(o, &rc, &e);
	ok(strchr(p, '\033') == NULL, "colour 0: never");
	out_free(o);
	free(p);
}

static void
test_tsv(void)
{
	char *p;

	p = simple(OUT_TSV, NULL, NULL);
	is_str(p,
	    "web\t100\t2147483648\t0.123\t312\t1\n"
	    "db\t20\t\t\t\t0\n"
	    "caf\xc3\xa9\t3\t512\t1\t273600\t1\n",
	    "tsv: no header, raw values, nulls empty, bool 0/1");
	free(p);

	p = simple(OUT_TSV, "notes,vmid", NULL);
	is_str(p, "front\t100\n\t20\ntab\\there\t3\n",
	    "tsv -c: a tab inside a string is \\t");
	free(p);
}

static void
test_tsv_escape(void)
{
	static const struct out_col c1[] = { { "s", OT_STR, 0 } };
	struct out_opts opts = { OUT_TSV, 0, NULL, NULL, 0 };
	struct px_err e = { 0 };
	struct out *o;
	char *p;
	int rc;

	o = out_new(&opts, c1, 1);
	out_row(o);
	out_str(o, 0, "a\tb\nc\rd\\e");
	out_row(o);
	out_str(o, 0, "\\\\");
	p = print_to_string(o, &rc, &e);
	is_str(p, "a\\tb\\nc\\rd\\\\e\n\\\\\\\\\n",
	    "tsv escapes tab, newline, CR and backslash");
	out_free(o);
	free(p);
}

static void
test_json(void)
{
	char *p, *line, *save;
	int n = -1, lines = 0, good = 0;

	p = simple(OUT_JSON, NULL, NULL);
	is_str(p,
	    "[{\"name\":\"web\",\"vmid\":100,\"mem\":2147483648,\"cpu\":0.123,"
	    "\"uptime\":312,\"running\":true,\"notes\":\"front\"},"
	    "{\"name\":\"db\",\"vmid\":20,\"mem\":null,\"cpu\":null,"
	    "\"uptime\":null,\"running\":false,\"notes\":null},"
	    "{\"name\":\"caf\xc3\xa9\",\"vmid\":3,\"mem\":512,\"cpu\":1,"
	    "\"uptime\":273600,\"running\":true,\"notes\":\"tab\\there\"}]\n",
	    "json: all columns in order, raw numbers, null, true/false");
	ok(valid_json(p, &n) && n == 3, "json output parses: 3 objects");
	free(p);

	p = simple(OUT_JSON, "vmid,name", "-vmid");
	is_str(p, "[{\"vmid\":100,\"name\":\"web\"},"
	    "{\"vmid\":20,\"name\":\"db\"},"
	    "{\"vmid\":3,\"name\":\"caf\xc3\xa9\"}]\n",
	    "json -c picks and orders keys");
	free(p);

	p = simple(OUT_JSONL, "name,running", NULL);
	is_str(p, "{\"name\":\"web\",\"running\":true}\n"
	    "{\"name\":\"db\",\"running\":false}\n"
	    "{\"name\":\"caf\xc3\xa9\",\"running\":true}\n",
	    "jsonl: one object per line");
	for (line = strtok_r(p, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), lines++)
		good += valid_json(line, NULL);
	ok(lines == 3 && good == 3, "every jsonl line parses");
	free(p);
}

static void
test_json_types(void)
{
	static const struct out_col c[] = {
		{ "u", OT_INT, 0 },
		{ "i", OT_INT, 0 },
		{ "d", OT_NUM, 0 },
		{ "s", OT_STR, 0 },
		{ "b", OT_BOOL, 0 },
	};
	struct out_opts opts = { OUT_JSON, 0, NULL, NULL, 0 };
	struct px_err e = { 0 };
	struct json j;
	struct out *o;
	uint64_t u;
	char *p;
	int rc;

	o = out_new(&opts, c, 5);
	p = print_to_string(o, &rc, &e);
	is_str(p, "[]\n", "json: an empty list is []");
	free(p);
	out_row(o);
	out_uint(o, 0, UINT64_MAX);
	out_int(o, 1, INT64_MIN);
	out_num(o, 2, 0.1 + 0.2);
	out_str(o, 3, "q\"\\\x01\xff");
	out_num(o, 4, 0);
	p = print_to_string(o, &rc, &e);
	is_str(p, "[{\"u\":18446744073709551615,\"i\":-9223372036854775808,"
	    "\"d\":0.30000000000000004,\"s\":\"q\\\"\\\\\\u0001\xef\xbf\xbd\","
	    "\"b\":false}]\n",
	    "json: exact integers, shortest reals, escaped strings");
	ok(json_parse(&j, p, strlen(p), &e) == 0 &&
	    json_uint(&j, json_get(&j, json_at(&j, 0, 0), "u"), &u) == 0 &&
	    u == UINT64_MAX, "json: UINT64_MAX reads back exactly");
	json_free(&j);
	out_free(o);
	free(p);

	opts.fmt = OUT_JSONL;
	o = out_new(&opts, c, 5);
	p = print_to_string(o, &rc, &e);
	is_str(p, "", "jsonl: an empty list prints nothing");
	out_free(o);
	free(p);
}

static void
test_select_errors(void)
{
	struct px_err e = { 0 };
	char *p;
	int rc;

	p = render(OUT_TABLE, "name,bogus", NULL, 0, 0, &rc, &e);
	ok(rc == -1 && e.id == PXE_USAGE, "-c with an unknown column fails");
	is_str(e.msg, "unknown column 'bogus' (columns: name, vmid, mem, cpu, "
	    "uptime, running, notes)", "and names the columns");
	is_str(p, "", "and prints nothing");
	free(p);

	p = render(OUT_JSON, NULL, "-nope", 0, 0, &rc, &e);
	ok(rc == -1 && e.id == PXE_USAGE, "-s with an unknown column fails");
	ok(strncmp(e.msg, "unknown column 'nope'", 21) == 0,
	    "without its '-': %s", e.msg);
	free(p);

	p = simple(OUT_TSV, " VMID , name,vmid,, ", NULL);
	is_str(p, "100\tweb\n20\tdb\n3\tcaf\xc3\xa9\n",
	    "-c: blanks, case, duplicates and empty names tolerated");
	free(p);
}

static void
test_sort(void)
{
	static const struct out_col c[] = {
		{ "n", OT_INT, 0 },
		{ "s", OT_STR, 0 },
		{ "id", OT_INT, 0 },
	};
	/* n, s, id: id records the insertion order */
	static const struct {
		int null_n;
		long long n;
		const char *s;
	} rows[] = {
		{ 0, 100, "b" }, { 0, 20, "a" }, { 1, 0, "c" }, { 0, 3, NULL },
		{ 0, 20, "b" }, { 0, -5, "a" },
	};
	static const struct {
		const char *sort;
		const char *want;	/* ids in order */
		const char *name;
	} t[] = {
		{ "n", "5 3 1 4 0 2", "numeric ascending, stable, null last" },
		{ "-n", "0 1 4 3 5 2", "numeric descending, null last" },
		{ "s", "1 5 0 4 2 3", "string ascending, null last" },
		{ "-s", "2 0 4 1 5 3", "string descending, null last" },
		{ "s,-n", "1 5 0 4 2 3", "two keys" },
		{ "-s,n", "2 4 0 5 1 3", "two keys, second ascending" },
		{ "+n", "5 3 1 4 0 2", "'+' is ascending" },
	};
	struct out_opts opts = { OUT_TSV, 0, "id", NULL, 0 };
	struct px_err e = { 0 };
	struct out *o;
	char *p, *q;
	size_t i, k;
	int rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		opts.sort = t[i].sort;
		o = out_new(&opts, c, 3);
		for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
			out_row(o);
			if (!rows[k].null_n)
				out_int(o, 0, rows[k].n);
			out_str(o, 1, rows[k].s);
			out_int(o, 2, (long long)k);
		}
		p = print_to_string(o, &rc, &e);
		for (q = p; *q != '\0'; q++)
			if (*q == '\n')
				*q = q[1] ? ' ' : '\0';
		is_str(p, t[i].want, "-s %s: %s", t[i].sort, t[i].name);
		free(p);
		out_free(o);
	}

	p = simple(OUT_TSV, "vmid", "vmid");
	is_str(p, "3\n20\n100\n", "-s on an int column: 3 < 20 < 100");
	free(p);
	p = simple(OUT_TSV, "name", "-name");
	is_str(p, "web\ndb\ncaf\xc3\xa9\n", "-s -name: string descending");
	free(p);
	p = simple(OUT_TSV, "name", "mem");
	is_str(p, "caf\xc3\xa9\nweb\ndb\n", "-s mem: bytes numeric, null last");
	free(p);
}

static void
test_mixed_numbers(void)
{
	static const struct out_col c[] = { { "v", OT_NUM, 0 } };
	struct out_opts opts = { OUT_TSV, 0, NULL, "v", 0 };
	struct px_err e = { 0 };
	struct out *o;
	char *p;
	int rc;

	o = out_new(&opts, c, 1);
	out_row(o);
	out_uint(o, 0, UINT64_MAX);
	out_row(o);
	out_int(o, 0, -1);
	out_row(o);
	out_num(o, 0, 0.5);
	out_row(o);
	out_uint(o, 0, 9007199254740993ULL);
	out_row(o);
	out_uint(o, 0, 9007199254740992ULL);
	out_row(o);
	out_str(o, 0, "text");
	p = print_to_string(o, &rc, &e);
	is_str(p, "-1\n0.5\n9007199254740992\n9007199254740993\n"
	    "18446744073709551615\ntext\n",
	    "-s: int, uint and real compare as numbers, exactly; text after");
	free(p);

	opts.fmt = OUT_TABLE;
	opts.sort = NULL;
	out_free(o);
	o = out_new(&opts, c, 1);
	out_row(o);
	out_num(o, 0, 2.0);
	out_row(o);
	out_num(o, 0, 0.126);
	out_row(o);
	out_num(o, 0, -0.001);
	out_row(o);
	out_num(o, 0, 1234.5);
	p = print_to_string(o, &rc, &e);
	is_str(p, "     V\n     2\n  0.13\n     0\n1234.5\n",
	    "OT_NUM in a table: %%.2f without trailing zeros");
	free(p);
	out_free(o);
}

static void
test_record(void)
{
	struct px_err e = { 0 };
	struct out_opts opts = { OUT_JSON, 0, NULL, NULL, 0 };
	struct out *o;
	char *p;
	int rc, n = -1;

	p = render(OUT_TABLE, NULL, NULL, 0, 1, &rc, &e);
	is_str(p, "name     web\n"
	    "vmid     100\n"
	    "mem      2.0 GiB\n"
	    "cpu      12.3%\n"
	    "uptime   5m12s\n"
	    "running  yes\n"
	    "notes    front\n",
	    "record table: key  value lines, keys padded, extras too");
	free(p);

	p = render(OUT_JSON, NULL, NULL, 0, 1, &rc, &e);
	is_str(p, "{\"name\":\"web\",\"vmid\":100,\"mem\":2147483648,"
	    "\"cpu\":0.123,\"uptime\":312,\"running\":true,"
	    "\"notes\":\"front\"}\n", "record json: one object");
	ok(valid_json(p, &n) && n == 7, "record json parses: 7 keys");
	free(p);

	p = render(OUT_JSONL, "name", NULL, 0, 1, &rc, &e);
	is_str(p, "{\"name\":\"web\"}\n", "record jsonl: one line");
	free(p);

	p = render(OUT_TSV, "name,vmid", NULL, 0, 1, &rc, &e);
	is_str(p, "web\t100\n", "record tsv: one line");
	free(p);

	p = render(OUT_TABLE, "vmid,name", "-vmid", 0, 1, &rc, &e);
	is_str(p, "vmid  100\nname  web\n",
	    "record table -c: the columns picked, the first row");
	free(p);

	o = out_new(&opts, cols, NCOLS);
	out_record(o);
	p = print_to_string(o, &rc, &e);
	is_str(p, "{}\n", "record json without a row: {}");
	free(p);
	out_free(o);
}

static void
test_units(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} bytes[] = {
		{ 0, "0 B" }, { 1, "1 B" }, { 512, "512 B" },
		{ 1023, "1023 B" }, { 1024, "1.0 KiB" }, { 1536, "1.5 KiB" },
		{ 1048575, "1.0 MiB" }, { 1048576, "1.0 MiB" },
		{ 12ULL << 30, "12.0 GiB" },
		{ 1319413953331ULL, "1.2 TiB" },
		{ 1ULL << 50, "1.0 PiB" },
		{ UINT64_MAX, "16.0 EiB" },
	};
	static const struct {
		long long v;
		const char *want;
	} dur[] = {
		{ 0, "0s" }, { 45, "45s" }, { 59, "59s" }, { 60, "1m0s" },
		{ 312, "5m12s" }, { 3599, "59m59s" }, { 3600, "1h0m" },
		{ 11040, "3h4m" }, { 86399, "23h59m" }, { 86400, "1d0h" },
		{ 273600, "3d4h" }, { -5, "-5s" },
	};
	static const struct {
		double v;
		const char *want;
	} pct[] = {
		{ 0, "0.0%" }, { 0.123, "12.3%" }, { 1, "100.0%" },
		{ 0.00538129953557645, "0.5%" }, { 2.5, "250.0%" },
		{ NAN, "-" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
		out_fmt_bytes(buf, sizeof(buf), bytes[i].v);
		is_str(buf, bytes[i].want, "out_fmt_bytes %llu",
		    (unsigned long long)bytes[i].v);
	}
	for (i = 0; i < sizeof(dur) / sizeof(dur[0]); i++) {
		out_fmt_duration(buf, sizeof(buf), dur[i].v);
		is_str(buf, dur[i].want, "out_fmt_duration %lld", dur[i].v);
	}
	out_fmt_duration(buf, sizeof(buf), INT64_MIN);
	ok(buf[0] == '-' && strchr(buf, 'd') != NULL,
	    "out_fmt_duration INT64_MIN: %s", buf);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		out_fmt_pct(buf, sizeof(buf), pct[i].v);
		is_str(buf, pct[i].want, "out_fmt_pct #%zu", i);
	}
	out_fmt_time(buf, sizeof(buf), 1795887000);
	is_str(buf, "2026-11-28 17:30", "out_fmt_time (TZ=UTC)");
	out_fmt_time(buf, sizeof(buf), 0);
	is_str(buf, "1970-01-01 00:00", "out_fmt_time 0");
}

static void
test_time_column(void)
{
	static const struct out_col c[] = {
		{ "t", OT_TIME, 0 },
		{ "b", OT_BOOL, 0 },
	};
	struct out_opts opts = { OUT_TABLE, 0, NULL, NULL, 0 };
	struct px_err e = { 0 };
	struct out *o;
	char *p;
	int rc;

	o = out_new(&opts, c, 2);
	out_row(o);
	out_int(o, 0, 1795887000);
	out_bool(o, 1, 0);
	out_row(o);
	out_bool(o, 1, 1);
	p = print_to_string(o, &rc, &e);
	is_str(p, "T                 B\n"
	    "2026-11-28 17:30  no\n"
	    "-                 yes\n",
	    "table: time as local time, bool yes/no");
	free(p);
	out_free(o);

	opts.fmt = OUT_TSV;
	o = out_new(&opts, c, 2);
	out_row(o);
	out_int(o, 0, 1795887000);
	out_bool(o, 1, 0);
	p = print_to_string(o, &rc, &e);
	is_str(p, "1795887000\t0\n", "tsv: time as the epoch");
	free(p);
	out_free(o);
}

static void
test_write_error(void)
{
	struct out_opts opts = { OUT_TSV, 0, NULL, NULL, 0 };
	struct px_err e = { 0 };
	struct out *o;
	FILE *f;

	if ((f = fopen("/dev/full", "w")) == NULL) {
		ok(1, "# SKIP no /dev/full");
		return;
	}
	o = out_new(&opts, cols, NCOLS);
	fill(o);
	ok(out_print(o, f, &e) == -1 && e.id == PXE_IO,
	    "a failed write is PXE_IO: %s", e.msg);
	fclose(f);
	out_free(o);
}

/* 100,000 rows of 15 columns, every format. */
static void
test_big(void)
{
	static struct out_col c[15];
	static const char *const names[15] = {
		"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9",
		"c10", "c11", "c12", "c13", "c14",
	};
	static const enum out_fmt fmts[] = {
		OUT_TABLE, OUT_TSV, OUT_JSON, OUT_JSONL
	};
	struct out_opts opts = { OUT_TABLE, 0, NULL, "-c1", 0 };
	struct px_err e = { 0 };
	struct out *o;
	char name[32], *p = NULL;
	size_t n = 0;
	double t0, t1;
	int i, k, rows = under_valgrind() ? 10000 : 100000, rc, len = -1;
	size_t f;
	FILE *fp;

	for (k = 0; k < 15; k++) {
		c[k].name = names[k];
		c[k].type = k % 5 == 0 ? OT_STR : k % 5 == 1 ? OT_INT :
		    k % 5 == 2 ? OT_BYTES : k % 5 == 3 ? OT_PCT : OT_DURATION;
	}
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		opts.fmt = fmts[f];
		t0 = px_mono();
		o = out_new(&opts, c, 15);
		for (i = 0; i < rows; i++) {
			out_row(o);
			for (k = 0; k < 15; k++) {
				if (c[k].type == OT_STR) {
					snprintf(name, sizeof(name), "vm-%d-%d",
					    i, k);
					out_str(o, k, name);
				} else if (c[k].type == OT_PCT)
					out_num(o, k, (i % 1000) / 1000.0);
				else
					out_int(o, k, (long long)i * (k + 1));
			}
		}
		fp = open_memstream(&p, &n);
		rc = out_print(o, fp, &e);
		fclose(fp);
		t1 = px_mono();
		/* Timing is reported, not asserted. */
		ok(rc == 0,
		    "%d rows x 15 columns, format %d: %.3f s, %zu bytes", rows,
		    fmts[f], t1 - t0, n);
		if (fmts[f] == OUT_JSON)
			ok(valid_json(p, &len) && len == rows,
			    "the big json parses: %d objects", len);
		if (fmts[f] == OUT_TSV) {
			snprintf(name, sizeof(name), "vm-%d-0\t", rows - 1);
			ok(strncmp(p, name, strlen(name)) == 0,
			    "sorted by -c1: the largest first");
		}
		out_free(o);
		free(p);
		p = NULL;
	}
}

/* The formats, the streaming ones first, and their names. */
static const enum out_fmt fmts[] = { OUT_TSV, OUT_JSON, OUT_JSONL, OUT_TABLE };
static const char *const names[] = { "tsv", "json", "jsonl", "table" };

/* out_stream prints exactly what out_print prints, keeps one row, and
 * checks -c before anything is written. */
static void
test_stream(void)
{
	struct px_err e = { 0 };

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (int sorted = 0; sorted < 2; sorted++) {
			const char *c = i == 1 ? "name,vmid,notes" : NULL;
			const char *srt = sorted ? "vmid" : NULL;
			char *want = simple(fmts[i], c, srt), *got = NULL;
			struct out_opts opts = { fmts[i], 0, c, srt, 0 };
			struct out *o = out_new(&opts, cols, NCOLS);
			size_t n = 0;
			FILE *f = open_memstream(&got, &n);
			int rs, rp, kept;

			rs = out_stream(o, f, &e);
			fill(o);
			kept = o ? out_nrows(o) : 0;
			rp = out_print(o, f, &e);
			fclose(f);
			ok(rs == 0 && rp == 0, "stream %s%s: rc %d/%d",
			    names[i], sorted ? " -s" : "", rs, rp);
			is_str(got, want, "stream %s%s prints what out_print "
			    "prints", names[i], sorted ? " -s" : "");
			is_int(kept, 3, "stream %s%s: out_nrows counts every "
			    "row", names[i], sorted ? " -s" : "");
			free(want);
			free(got);
			out_free(o);
		}
	}

	/* no rows: json is [] */
	{
		struct out_opts opts = { OUT_JSON, 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_print(o, f, &e);
		fclose(f);
		is_str(got, "[]\n", "stream json without rows: []");
		free(got);
		out_free(o);
	}
	/* an unknown -c: refused before anything is written */
	{
		struct out_opts opts = { OUT_TSV, 0, "name,bogus", NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);

		e.id = 0;
		ok(out_stream(o, stdout, &e) == -1 && e.id == PXE_USAGE,
		    "stream: unknown -c column is a usage error up front");
		out_free(o);
	}
}

/* Two rows that a rollback must leave no trace of. */
static void
junk(struct out *o)
{
	for (int r = 0; r < 2; r++) {
		out_row(o);
		out_str(o, C_NAME, "junk");
		out_int(o, C_VMID, 999);
		out_str(o, C_NOTES, "x\ty");
	}
}

/* out_hold: held rows go out on commit, vanish on rollback; in every
 * format, streamed or not, and a stream writes nothing while it holds. */
static void
test_hold(void)
{
	struct px_err e = { 0 };

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (int sorted = 0; sorted < 2; sorted++) {
			const char *srt = sorted ? "vmid" : NULL;
			char *want = simple(fmts[i], NULL, srt), *got = NULL;
			struct out_opts opts = { fmts[i], 0, NULL, srt, 0 };
			struct out *o = out_new(&opts, cols, NCOLS);
			size_t n = 0;
			FILE *f = open_memstream(&got, &n);

			out_stream(o, f, &e);
			out_hold(o);		/* a profile that fails */
			junk(o);
			out_rollback(o);
			out_hold(o);		/* one that answers */
			fill(o);
			out_commit(o);
			out_hold(o);		/* and one more that fails */
			junk(o);
			out_rollback(o);
			ok(out_print(o, f, &e) == 0, "hold %s%s: printed",
			    names[i], sorted ? " -s" : "");
			fclose(f);
			is_str(got, want, "hold %s%s: the committed rows, "
			    "nothing of the rolled back", names[i],
			    sorted ? " -s" : "");
			free(want);
			free(got);
			out_free(o);
		}
	}
	/* 5,000 held rows (more than a stream writes at once): none written
	 * while held, none after the rollback. */
	for (size_t i = 0; i < 3; i++) {
		struct out_opts opts = { fmts[i], 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_hold(o);
		for (int r = 0; r < 2500; r++)
			junk(o);
		fflush(f);
		is_int((int)n, 0, "hold %s: 5,000 rows held, nothing written",
		    names[i]);
		out_rollback(o);
		out_print(o, f, &e);
		fclose(f);
		is_str(got, fmts[i] == OUT_JSON ? "[]\n" : "",
		    "hold %s: rolled back, nothing printed", names[i]);
		free(got);
		out_free(o);
	}
}

struct part_job {
	struct out *part;
	int rows;
};

static void
part_fill(void *arg)
{
	struct part_job *j = arg;

	for (int r = 0; r < j->rows; r++)
		fill(j->part);
}

/* out_expect: a big expectation gives a held stream, and each part made
 * after it, one block of 2 MiB at once; a small one, a stream that does
 * not hold, or a listing that does not stream are left as they are; and
 * what is printed is the same as without it, in every format, committed
 * or rolled back. */
static void
test_expect(void)
{
	struct px_err e = { 0 };

	for (size_t i = 0; i < 3; i++) {
		for (int big = 0; big < 2; big++) {
			char *want = simple(fmts[i], NULL, NULL), *got = NULL;
			struct out_opts opts = { fmts[i], 0, NULL, NULL, 0 };
			struct out *o = out_new(&opts, cols, NCOLS), *p;
			size_t n = 0, want_cap = big ? 2u << 20 : 0;
			FILE *f = open_memstream(&got, &n);

			out_stream(o, f, &e);
			out_hold(o);		/* a profile that fails */
			out_expect(o, big ? 1u << 20 : 1000);
			ok(big ? o->sb.cap >= want_cap : o->sb.cap < 4096,
			    "expect %s %s: held rows given %s", names[i],
			    big ? "1 MiB" : "1,000 bytes", big ?
			    "2 MiB at once" : "nothing yet");
			junk(o);
			out_rollback(o);
			out_hold(o);		/* one that answers, in parts */
			fill_rows(o, 0, 1);
			p = out_part(o);
			ok(big ? p->sb.cap >= want_cap : p->sb.cap < 4096,
			    "expect %s %s: a part expects as much", names[i],
			    big ? "1 MiB" : "1,000 bytes");
			fill_rows(p, 1, 2);
			out_join(o, p);
			p = out_part(o);
			fill_rows(p, 2, 3);
			out_join(o, p);
			out_commit(o);
			ok(out_print(o, f, &e) == 0, "expect %s: printed",
			    names[i]);
			fclose(f);
			is_str(got, want, "expect %s %s: the same rows as "
			    "without it", names[i], big ? "1 MiB" :
			    "1,000 bytes");
			free(want);
			free(got);
			out_free(o);
		}
	}
	/* A hint is bounded: the most a server can announce is one block. */
	{
		struct out_opts opts = { OUT_TSV, 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS), *p;
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_hold(o);
		out_expect(o, SIZE_MAX);
		p = out_part(o);
		ok(o->sb.cap >= (2u << 20) && o->sb.cap < (4u << 20) &&
		    p->sb.cap < (4u << 20), "expect SIZE_MAX: one 2 MiB block "
		    "each, no more");
		out_join(o, p);
		out_rollback(o);
		out_print(o, f, &e);
		fclose(f);
		free(got);
		out_free(o);
	}
	/* A part with no hint stays in small pages however big it grows:
	 * px ls -A holds 50 of them at once. */
	{
		struct out_opts opts = { OUT_TSV, 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS), *p;
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		p = out_part(o);
		while (p->sb.len < (300u << 10))
			junk(p);
		ok(p->sb.cap < (2u << 20), "a part of %zu KB with no hint: "
		    "no 2 MiB block", p->sb.len >> 10);
		out_free(p);
		out_print(o, f, &e);
		fclose(f);
		free(got);
		out_free(o);
	}
	/* A stream that does not hold writes as it goes: no block. */
	{
		struct out_opts opts = { OUT_TSV, 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_expect(o, 8u << 20);
		ok(o->sb.cap < (2u << 20), "expect: a stream that does not "
		    "hold keeps its small buffer");
		out_print(o, f, &e);
		fclose(f);
		free(got);
		out_free(o);
	}
	/* A listing that does not stream (a table) keeps its cells. */
	{
		struct out_opts opts = { OUT_TABLE, 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);

		out_hold(o);
		out_expect(o, 8u << 20);
		ok(o->sb.cap == 0, "expect: a table takes no block");
		out_free(o);
	}
}

/* out_part and out_join: rows made in parts, joined in order, print as
 * if they had been added to the output itself; in every format, streamed
 * or not; an empty part adds nothing; a held output writes nothing of a
 * joined part until its commit; parts filled on threads at once. */
static void
test_part(void)
{
	struct px_err e = { 0 };

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (int sorted = 0; sorted < 2; sorted++) {
			const char *srt = sorted ? "vmid" : NULL;
			char *want = simple(fmts[i], NULL, srt), *got = NULL;
			struct out_opts opts = { fmts[i], 0, NULL, srt, 0 };
			struct out *o = out_new(&opts, cols, NCOLS), *p;
			size_t n = 0;
			FILE *f = open_memstream(&got, &n);

			out_stream(o, f, &e);
			out_join(o, out_part(o));	/* empty, first */
			p = out_part(o);
			fill_rows(p, 0, 1);
			out_join(o, p);
			fill_rows(o, 1, 2);		/* a row of o's own */
			out_join(o, out_part(o));	/* empty */
			p = out_part(o);
			fill_rows(p, 2, 3);
			out_join(o, p);
			ok(out_print(o, f, &e) == 0, "part %s%s: printed",
			    names[i], sorted ? " -s" : "");
			fclose(f);
			is_str(got, want, "part %s%s: as if added to the "
			    "output itself", names[i], sorted ? " -s" : "");
			free(want);
			free(got);
			out_free(o);
		}
	}
	/* Only empty parts: an empty list. */
	for (size_t i = 0; i < 3; i++) {
		struct out_opts opts = { fmts[i], 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_join(o, out_part(o));
		out_join(o, out_part(o));
		out_print(o, f, &e);
		fclose(f);
		is_str(got, fmts[i] == OUT_JSON ? "[]\n" : "",
		    "part %s: empty parts, an empty list", names[i]);
		free(got);
		out_free(o);
	}
	/* Held: a joined part is written at the commit, not before; rolled
	 * back, never. */
	for (size_t i = 0; i < 3; i++) {
		struct out_opts opts = { fmts[i], 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS), *p;
		char *want = simple(fmts[i], NULL, NULL), *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_hold(o);
		p = out_part(o);
		junk(p);
		out_join(o, p);
		fflush(f);
		is_int((int)n, 0, "part %s: joined while held, nothing "
		    "written", names[i]);
		out_rollback(o);
		out_hold(o);
		p = out_part(o);
		fill(p);
		out_join(o, p);
		out_commit(o);
		out_print(o, f, &e);
		fclose(f);
		is_str(got, want, "part %s: the committed part, nothing of "
		    "the rolled back", names[i]);
		free(want);
		free(got);
		out_free(o);
	}
	/* Eight parts of 300 rows each, filled on four threads at once and
	 * joined in order: the same text as 2,400 rows added one by one. */
	for (size_t i = 0; i < 3; i++) {
		struct out_opts opts = { fmts[i], 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		struct out *w = out_new(&opts, cols, NCOLS);
		struct part_job jobs[8];
		struct workq *q = workq_new(4);
		char *got = NULL, *want = NULL;
		size_t n = 0, wn = 0;
		FILE *f = open_memstream(&got, &n);
		FILE *wf = open_memstream(&want, &wn);

		ok(q != NULL, "part %s: four threads", names[i]);
		out_stream(o, f, &e);
		out_stream(w, wf, &e);
		for (int k = 0; k < 8; k++) {
			jobs[k].part = out_part(o);
			jobs[k].rows = 100;
			workq_add(q, part_fill, &jobs[k]);
			for (int r = 0; r < 100; r++)
				fill(w);
		}
		workq_wait(q);
		for (int k = 0; k < 8; k++)
			out_join(o, jobs[k].part);
		out_print(o, f, &e);
		out_print(w, wf, &e);
		fclose(f);
		fclose(wf);
		ok(n > 40000 && n == wn && memcmp(got, want, n) == 0,
		    "part %s: 8 parts of 300 rows filled on threads, joined "
		    "in order (%zu bytes)", names[i], n);
		free(got);
		free(want);
		out_free(o);
		out_free(w);
		workq_free(q);
	}
}

/* One random cell of a random column (or none out of range) into o. */
struct op {
	int col, kind;
	long long i;
	double d;
	const char *s;
};

static const char *const strs[] = {
	"web", "", "a\tb", "line\nbreak\r", "back\\slash", "caf\xc3\xa9",
	"\\t", "x\ty\tz\n", NULL,
};

static void
op_apply(struct out *o, const struct op *p)
{
	switch (p->kind) {
	case 0:
		out_str(o, p->col, p->s);
		break;
	case 1:
		out_int(o, p->col, p->i);
		break;
	case 2:
		out_uint(o, p->col, (uint64_t)p->i);
		break;
	case 3:
		out_num(o, p->col, p->d);
		break;
	case 4:
		out_bool(o, p->col, (int)p->i);
		break;
	case 5:
		out_null(o, p->col);
		break;
	case 6:
		out_row_error(o);
		break;
	default:
		out_row(o);
		break;
	}
}

static void
op_random(struct op *p, unsigned *seed)
{
	static const double ds[] = { 0, 0.5, -1.25, 1e-7, 123456789.0,
		0.1234567890123457, 2.0 };

	p->col = (int)(rand_r(seed) % (NCOLS + 2)) - 1;	/* -1 .. NCOLS */
	p->kind = (int)(rand_r(seed) % 9);
	p->i = (long long)(rand_r(seed) % 2000) - 1000;
	p->d = ds[rand_r(seed) % (sizeof(ds) / sizeof(ds[0]))];
	p->s = strs[rand_r(seed) % (sizeof(strs) / sizeof(strs[0]))];
}

/*
 * A stream writes each cell into its row as it is set: cells set
 * in any order, set twice, out of range, not shown; rows with no cell,
 * error rows, -c in another order; held and rolled back, in parts.  The
 * text must be what out_print of the same rows prints.
 */
static void
test_direct(void)
{
	static const char *const cs[] = { NULL, "vmid,name", "notes,cpu,name",
		"running", "name,vmid,mem,cpu,uptime,running,notes",
		"uptime,notes,vmid" };
	struct px_err e = { 0 };
	unsigned seed = 21;
	int same = 0, runs = 0;

	for (int t = 0; t < 1800; t++) {
		const char *c = cs[t / 3 % (sizeof(cs) / sizeof(cs[0]))];
		struct out_opts opts = { fmts[t % 3], 0, c, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		struct out *w = out_new(&opts, cols, NCOLS);
		struct out *p = NULL;
		struct op ops[64];
		char *got = NULL, *want = NULL;
		size_t n = 0, wn = 0;
		FILE *f = open_memstream(&got, &n);
		FILE *wf = open_memstream(&want, &wn);
		int nop = 1 + (int)(rand_r(&seed) % 64), mode = t / 3 % 3;

		for (int k = 0; k < nop; k++)
			op_random(&ops[k], &seed);
		out_stream(o, f, &e);
		if (mode == 1) {
			/* held junk rolled back first */
			out_hold(o);
			for (int k = 0; k < nop; k++)
				op_apply(o, &ops[(k * 7) % nop]);
			out_rollback(o);
		}
		if (mode == 2)
			p = out_part(o);
		for (int k = 0; k < nop; k++) {
			op_apply(p != NULL ? p : o, &ops[k]);
			op_apply(w, &ops[k]);
		}
		if (p != NULL)
			out_join(o, p);
		out_print(o, f, &e);
		out_print(w, wf, &e);
		fclose(f);
		fclose(wf);
		runs++;
		if (n == wn && memcmp(got, want, n) == 0 &&
		    (fmts[t % 3] != OUT_JSON || valid_json(got, NULL)))
			same++;
		else if (runs - same == 1)
			printf("#   run %d: got\n#   %s#   want\n#   %s", t, got,
			    want);
		free(got);
		free(want);
		out_free(o);
		out_free(w);
	}
	is_int(same, runs, "direct tsv, json, jsonl: %d random row sets "
	    "print as out_print prints them", runs);
	/* set again, in place: a longer and a shorter text */
	{
		struct out_opts opts = { OUT_TSV, 0, NULL, NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_str(o, C_NAME, "a");
		out_int(o, C_VMID, 1);
		out_int(o, C_UPTIME, 5);
		out_str(o, C_NAME, "longer\tname");
		out_int(o, C_VMID, 100000);
		out_null(o, C_UPTIME);
		out_str(o, C_NOTES, "hidden");
		out_row(o);
		out_num(o, C_CPU, 0.5);
		out_uint(o, C_MEM, 7);
		out_print(o, f, &e);
		fclose(f);
		is_str(got, "longer\\tname\t100000\t\t\t\t\n\t\t7\t0.5\t\t\n",
		    "direct tsv: a cell set again replaces its text");
		free(got);
		out_free(o);
	}
	{
		struct out_opts opts = { OUT_JSONL, 0, "uptime,name,vmid",
		    NULL, 0 };
		struct out *o = out_new(&opts, cols, NCOLS);
		char *got = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&got, &n);

		out_stream(o, f, &e);
		out_str(o, C_NAME, "a");
		out_int(o, C_UPTIME, 5);
		out_str(o, C_NAME, "long\"er");
		out_int(o, C_VMID, 100000);
		out_null(o, C_UPTIME);
		out_int(o, C_VMID, 7);
		out_row(o);
		out_print(o, f, &e);
		fclose(f);
		is_str(got, "{\"uptime\":null,\"name\":\"long\\\"er\","
		    "\"vmid\":7}\n{\"uptime\":null,\"name\":null,"
		    "\"vmid\":null}\n",
		    "direct jsonl: a cell set again replaces its text");
		free(got);
		out_free(o);
	}
}

int
main(void)
{
	/* Times in the expected output are UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	unsetenv("NO_COLOR");

	test_parse_fmt();
	test_table();
	test_table_edge();
	test_color();
	test_tsv();
	test_tsv_escape();
	test_json();
	test_json_types();
	test_select_errors();
	test_sort();
	test_mixed_numbers();
	test_record();
	test_units();
	test_time_column();
	test_write_error();
	test_big();
	test_stream();
	test_hold();
	test_part();
	test_expect();
	test_direct();
	return done_testing();
}
