/*
 * explain -- what each error px can report means, its exit status, common
 * causes and what to do.  `px explain` lists them; `px explain ID` shows
 * one (ID is an error id such as not-found, or an exit status such as 5).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_END
};

PX_COMMAND(explain, "explain an error id or exit status, or list them all",
    opts, NULL, "[id | status]");

static const struct out_col cols[] = {
	{ "id", OT_STR, 0 },
	{ "exit", OT_INT, 0 },
	{ "title", OT_STR, 0 },
	{ "causes", OT_STR, OC_EXTRA },
	{ "action", OT_STR, OC_EXTRA },
};
enum { C_ID, C_EXIT, C_TITLE, C_CAUSES, C_ACTION };

static void
add(struct out *o, const struct px_errinfo *ei)
{
	out_row(o);
	out_str(o, C_ID, ei->name);
	out_int(o, C_EXIT, ei->exit);
	out_str(o, C_TITLE, ei->title);
	out_str(o, C_CAUSES, ei->causes);
	out_str(o, C_ACTION, ei->action);
}

int
explain_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct out *o;
	int ch, rc;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_explain, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_explain);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc > 1)
		px_usage(&px_cmd_explain);

	o = out_new(&x.out, cols, 5);
	if (argc == 0) {
		for (size_t i = 1; i < px_nerrtab; i++)
			add(o, &px_errtab[i]);
	} else {
		const struct px_errinfo *ei = px_errinfo_byname(argv[0]);
		char *end;
		long st = strtol(argv[0], &end, 10);

		if (ei != NULL) {
			/* One entry: show every field, also the extras. */
			if (x.out.cols == NULL) {
				out_free(o);
				x.out.cols = "id,exit,title,causes,action";
				o = out_new(&x.out, cols, 5);
			}
			out_record(o);
			add(o, ei);
		} else if (*end == '\0' && end != argv[0]) {
			for (size_t i = 0; i < px_nerrtab; i++)
				if (px_errtab[i].exit == st)
					add(o, &px_errtab[i]);
			if (out_nrows(o) == 0)
				px_errx(PX_EXIT_NOTFOUND, "px uses no exit "
				    "status %ld (px explain lists them)", st);
		} else {
			px_errx(PX_EXIT_NOTFOUND, "no error id '%s' (px explain "
			    "lists them)", argv[0]);
		}
	}
	rc = cli_print(&x, o, &e);
	out_free(o);
	if (rc != 0)
		px_die(&e);
	return 0;
}
