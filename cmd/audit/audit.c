/*
 * audit -- read, verify and export the audit log of every change px
 * decided on (lib/audit.h).
 *
 *   log     the entries, through lib/out (table, tsv, json, jsonl)
 *   verify  walk the HMAC chain and the signed head: exit 0 when intact,
 *           1 at the first broken row
 *   export  every entry as one JSON array or as CSV (RFC 4180)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cli.h"
#include "json.h"

enum { O_LIMIT = PX_O_LONG, O_SINCE };

/* All but -f are for log; export takes -f json | csv; verify takes none. */
static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_SORT,
	{ O_LIMIT, "limit", "n", "with log: only the newest n entries" },
	{ O_SINCE, "since", "time", "with log: only entries at or after time" },
	PX_OPT_END
};

PX_COMMAND(audit, "show, verify and export the audit log of changes", opts,
    "log | verify | export", NULL);

/* The columns, in the order of log -j, export and the man page. */
static const struct out_col cols[] = {
	{ "id", OT_INT, 0 },
	{ "time", OT_TIME, 0 },
	{ "profile", OT_STR, 0 },
	{ "user", OT_STR, 0 },
	{ "action", OT_STR, 0 },
	{ "target", OT_STR, 0 },
	{ "params", OT_STR, OC_EXTRA },
	{ "decision", OT_STR, 0 },
	{ "upid", OT_STR, OC_EXTRA },
	{ "result", OT_STR, 0 },
	{ "ref", OT_INT, OC_EXTRA },
};
enum { C_ID, C_TIME, C_PROFILE, C_USER, C_ACTION, C_TARGET, C_PARAMS,
	C_DECISION, C_UPID, C_RESULT, C_REF, C_N };

static struct audit *
open_or_die(void)
{
	struct px_err e = { 0 };
	struct audit *a;

	if ((a = audit_open(&e)) == NULL)
		px_die(&e);
	return a;
}

/* The text fields of an entry in column order (NULL for C_ID etc.). */
static const char *
field(const struct audit_entry *ent, int col)
{
	switch (col) {
	case C_PROFILE: return ent->profile;
	case C_USER: return ent->user;
	case C_ACTION: return ent->action;
	case C_TARGET: return ent->target;
	case C_PARAMS: return ent->params;
	case C_DECISION: return ent->decision;
	case C_UPID: return ent->upid;
	case C_RESULT: return ent->result;
	}
	return NULL;
}

/* A refusal, or a call or task that ended in an error (shown in red). */
static int
entry_failed(const struct audit_entry *ent)
{
	static const char *const fine[] = { "OK", "pending", "submitted",
	    "not frozen" };

	if (ent->decision != NULL && strncmp(ent->decision, "refused", 7) == 0)
		return 1;
	if (ent->result == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		if (strcmp(ent->result, fine[i]) == 0)
			return 0;
	return 1;
}

static int
log_row(const struct audit_entry *ent, void *arg)
{
	struct out *o = arg;

	out_row(o);
	out_int(o, C_ID, ent->id);
	out_int(o, C_TIME, ent->time);
	for (int c = C_PROFILE; c <= C_RESULT; c++)
		out_str(o, c, field(ent, c));
	if (ent->ref != 0)
		out_int(o, C_REF, ent->ref);
	if (entry_failed(ent))
		out_row_error(o);
	return 0;
}

static int
audit_log(struct px_cli *x, long long since, long long limit)
{
	struct px_err e = { 0 };
	struct audit *a = open_or_die();
	struct out *o = out_new(&x->out, cols, C_N);
	int rc;

	rc = audit_each(a, since, limit, log_row, o, &e);
	audit_close(a);
	if (rc == 0)
		rc = cli_print(x, o, &e);
	out_free(o);
	if (rc != 0)
		px_die(&e);
	return 0;
}

static int
audit_verify_cmd(void)
{
	struct px_err e = { 0 };
	struct audit *a = open_or_die();
	long long rows, bad;
	char why[512];
	int rc;

	rc = audit_verify(a, &rows, &bad, why, sizeof(why), &e);
	audit_close(a);
	if (rc < 0)
		px_die(&e);
	if (rc == 0) {
		printf("audit log intact: %lld entr%s\n", rows,
		    rows == 1 ? "y" : "ies");
		return PX_EXIT_OK;
	}
	if (bad > 0)
		printf("audit log broken at row %lld: %s\n", bad, why);
	else
		printf("audit log broken: %s\n", why);
	return PX_EXIT_FAIL;
}

/* One CSV field, quoted when it must be (RFC 4180). */
static void
csv_field(struct buf *b, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

struct export {
	int csv;
	long long n;
	struct buf b;
};

/* Write one entry; flushed per row so that a long log streams. */
static int
export_row(const struct audit_entry *ent, void *arg)
{
	struct export *x = arg;
	struct jw w;

	buf_reset(&x->b);
	if (x->csv) {
		buf_printf(&x->b, "%lld,%lld", ent->id, ent->time);
		for (int c = C_PROFILE; c <= C_RESULT; c++) {
			buf_addc(&x->b, ',');
			csv_field(&x->b, field(ent, c));
		}
		buf_addc(&x->b, ',');
		if (ent->ref != 0)
			buf_printf(&x->b, "%lld", ent->ref);
		buf_adds(&x->b, "\r\n");
	} else {
		buf_adds(&x->b, x->n == 0 ? "\n" : ",\n");
		jw_init(&w, &x->b);
		jw_obj(&w);
		for (int c = 0; c < C_N; c++) {
			jw_key(&w, cols[c].name);
			if (c == C_ID)
				jw_int(&w, ent->id);
			else if (c == C_TIME)
				jw_int(&w, ent->time);
			else if (c == C_REF && ent->ref != 0)
				jw_int(&w, ent->ref);
			else if (c == C_REF)
				jw_null(&w);
			else
				jw_str(&w, field(ent, c));
		}
		jw_end(&w);
	}
	fwrite(x->b.p, 1, x->b.len, stdout);
	x->n++;
	return 0;
}

static int
audit_export(int csv)
{
	struct px_err e = { 0 };
	struct audit *a = open_or_die();
	struct export x = { .csv = csv };
	int rc;

	if (csv) {
		for (int c = 0; c < C_N; c++)
			printf("%s%s", c ? "," : "", cols[c].name);
		printf("\r\n");
	} else
		putchar('[');
	rc = audit_each(a, 0, 0, export_row, &x, &e);
	audit_close(a);
	buf_free(&x.b);
	if (!csv)
		printf("%s]\n", x.n ? "\n" : "");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		px_fail(&e, PXE_IO, "writing the export failed");
		rc = -1;
	}
	if (rc != 0)
		px_die(&e);
	return 0;
}

int
audit_main(int argc, char **argv)
{
	static const char *const subs[] = { "log", "verify", "export" };
	enum { LOG, VERIFY, EXPORT } sub;
	struct px_cli x;
	struct px_getopt g;
	long long since = 0, limit = 0;
	char *end;
	int ch, csv = 0, rc;

	if (argc < 2)
		px_usage(&px_cmd_audit);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		px_help_exit(&px_cmd_audit);
	for (sub = LOG; sub <= EXPORT; sub++)
		if (strcmp(argv[1], subs[sub]) == 0)
			break;
	if (sub > EXPORT)
		px_usage(&px_cmd_audit);
	/* Drop the subcommand; getopt's messages keep the command's name. */
	argv[1] = argv[0];
	argc--;
	argv++;
	cli_init(&x);
	px_getopt_init(&g, &px_cmd_audit, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (sub == EXPORT && ch == 'f') {
			if (strcmp(g.arg, "csv") == 0)
				csv = 1;
			else if (strcmp(g.arg, "json") == 0)
				csv = 0;
			else
				px_errx(PX_EXIT_USAGE, "unknown export format "
				    "'%s' (json, csv)", g.arg);
			continue;
		}
		if (sub != LOG)
			px_usage(&px_cmd_audit);
		switch (ch) {
		case O_LIMIT:
			limit = strtoll(g.arg, &end, 10);
			if (*g.arg == '\0' || *end != '\0' || limit < 1)
				px_errx(PX_EXIT_USAGE, "bad --limit '%s' (a "
				    "positive number)", g.arg);
			continue;
		case O_SINCE:
			if (audit_parse_since(g.arg, (long long)time(NULL),
			    &since) != 0)
				px_errx(PX_EXIT_USAGE, "bad --since '%s' (an "
				    "epoch, YYYY-MM-DD, or a duration such as "
				    "2h)", g.arg);
			continue;
		}
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_audit);
	}
	if (g.ind != argc)
		px_usage(&px_cmd_audit);
	if (sub == LOG)
		rc = audit_log(&x, since, limit);
	else if (sub == VERIFY)
		rc = audit_verify_cmd();
	else
		rc = audit_export(csv);
	cli_free(&x);
	return rc;
}
