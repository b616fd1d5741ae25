/*
 * opt.h -- a command's options, declared once.
 *
 * A command declares a table of its options next to its PX_COMMAND
 * line; the getopt string, the long options and the usage line (which
 * is the man page's SYNOPSIS: `make lint` compares them) are generated
 * from it.  -h and --help are always there and print the usage.
 *
 *     static const struct px_opt opts[] = {
 *             PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_SORT, PX_OPT_VERBOSE,
 *             { 'A', "all-profiles", NULL, "every PVE profile" },
 *             { O_NODE, "node", "node", "only guests on node" },
 *             PX_OPT_END
 *     };
 *     PX_COMMAND(ls, "list nodes, guests ...", opts, NULL,
 *         "nodes | guests | ...");
 *
 *     struct px_getopt g;
 *     px_getopt_init(&g, &px_cmd_ls, argc, argv);
 *     while ((ch = px_getopt(&g)) != -1) {
 *             if (cli_opt(&x, ch, g.arg))
 *                     continue;
 *             switch (ch) { case O_NODE: ...; default: px_usage(&px_cmd_ls); }
 *     }
 *     argc -= g.ind; argv += g.ind;
 *
 * Usage line: "usage: px NAME [PRE] [-flags] [-x arg] ... [--long] ...
 * [--long arg] ... OPERANDS", flags sorted in ASCII order, the others by
 * name.  An option with both a short and a long name is shown by its
 * short name.
 */
#ifndef PX_OPT_H
#define PX_OPT_H

#include "px.h"

/* Ids of long-only options start here (short options are their char). */
enum { PX_O_LONG = 256 };

/* Long-only options that several commands share. */
enum {
	PX_O_ALLOW_RISK = 200,
	PX_O_NO_WAIT,
	PX_O_TIMEOUT,
	PX_O_POLICY,
	PX_O_RAW,		/* --raw key=value (objcli.h) */
	PX_O_PARAM,		/* an option that is a PVE parameter of the
				   same name (PX_PARAM, objcli.h) */
	PX_O_SECRET_FILE,	/* --NAME-file F: secret parameter NAME */
	PX_O_SECRET_ENV,	/* --NAME-env VAR: the same from VAR */
	PX_O_APPROVE_ASYNC,	/* --approve-async (lib/approvals.h) */
};

/* The common output options (lib/support/cli.c handles them). */
#define PX_OPT_COLUMNS { 'c', "columns", "columns", "the columns to show, comma-separated" }
#define PX_OPT_FORMAT { 'f', "format", "format", "table, tsv, json or jsonl" }
#define PX_OPT_NOHEADER { 'H', "no-header", NULL, "no header line" }
#define PX_OPT_JSON { 'j', "json", NULL, "the same as -f json" }
#define PX_OPT_PROFILE { 'p', "profile", "profile", "the profile (cluster) to use" }
#define PX_OPT_SORT { 's', "sort", "column", "sort the rows by column" }
#define PX_OPT_VERBOSE { 'v', "verbose", NULL, "show each request on standard error" }
/* -c -f -H -j: how rows are printed. */
#define PX_OPT_OUTPUT PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_NOHEADER, PX_OPT_JSON
/* What every data command takes: output, -p, -s, -v. */
#define PX_OPT_COMMON PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_SORT, PX_OPT_VERBOSE

/* A mutation's gate options (lib/support/mutcli.c handles them). */
#define PX_OPT_DRYRUN { 'n', "dry-run", NULL, "show what would be sent, send nothing" }
#define PX_OPT_YES { 'y', "yes", NULL, "do not ask for confirmation" }
#define PX_OPT_ALLOWRISK { PX_O_ALLOW_RISK, "allow-risk", NULL, "go ahead despite a severe pre-flight finding" }
#define PX_OPT_NOWAIT { PX_O_NO_WAIT, "no-wait", NULL, "print the task id and do not wait for the task" }
#define PX_OPT_TIMEOUT { PX_O_TIMEOUT, "timeout", "seconds", "stop waiting for a task after this long" }
#define PX_OPT_POLICY { PX_O_POLICY, "policy", "all | canary[=N] | rolling[=K]", "how a batch of guests proceeds" }
#define PX_OPT_APPROVEASYNC { PX_O_APPROVE_ASYNC, "approve-async", NULL, "queue the change for approval by px daemon, do not wait" }
/* -n -y --allow-risk --approve-async */
#define PX_OPT_GATE PX_OPT_DRYRUN, PX_OPT_YES, PX_OPT_ALLOWRISK, PX_OPT_APPROVEASYNC
/* ... and --no-wait --timeout, for commands that follow a task */
#define PX_OPT_MUTATE PX_OPT_GATE, PX_OPT_NOWAIT, PX_OPT_TIMEOUT

#define PX_OPT_END { 0, NULL, NULL, NULL }

/* The state of one parse of argv. */
struct px_getopt {
	const struct px_command *cmd;
	int argc;
	char **argv;
	const char *arg;	/* the current option's argument, or NULL */
	const char *name;	/* its long name when given as one, or NULL */
	int ind;		/* after the loop: the first operand */
	char shorts[128];
	struct option *longs;	/* generated, freed at the end */
};

/* Start parsing argv (argv[0] is the command's name) per cmd's table. */
void px_getopt_init(struct px_getopt *g, const struct px_command *cmd,
    int argc, char **argv);
/*
 * The next option's id (its char, or its table id), -1 at the end.  -h
 * and --help print the usage to stdout and exit 0; an unknown option, a
 * missing or an unwanted argument print "px NAME: ..." and the usage on
 * stderr and exit 2.  g->arg is the argument.
 */
int px_getopt(struct px_getopt *g);

/* The usage text of cmd ("usage: px NAME ...\n"); static storage, the
 * same for every call. */
const char *px_command_usage(const struct px_command *cmd);

/* The command the dispatcher runs (an alias, as it was called). */
extern const struct px_command *px_cmd_running;

/* Print the command's usage to stderr and exit 2. */
_Noreturn void px_usage(const struct px_command *cmd);
/* Print the usage to stdout and exit 0 (for -h/--help). */
_Noreturn void px_help_exit(const struct px_command *cmd);

#endif
