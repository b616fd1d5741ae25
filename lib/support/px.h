/*
 * px.h -- what every command includes: the command declaration and its
 * option table (lib/support/opt.h), diagnostics (lib/support/diag.h).
 *
 * A command file starts with its option table and
 *
 *     PX_COMMAND(ls, "list nodes, guests, storage, pools, tasks, backups",
 *         opts, NULL, "nodes | guests | ...");
 *
 * which declares ls_main and the table entry px_cmd_ls; scripts/mkapplets
 * collects the entries from the folders under cmd/.  The usage text is
 * generated from the table and is the man page's SYNOPSIS (a lint test
 * compares them).
 */
#ifndef PX_H
#define PX_H

#include <getopt.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "diag.h"

/* One option of a command's table (lib/support/opt.h). */
struct px_opt {
	int id;			/* the short option's char, or an id >= 200 */
	const char *name;	/* the long name, or NULL */
	const char *arg;	/* the argument's name in the usage, or NULL */
	const char *help;	/* one line; an option that the operands
				   name ("--storage storage vmid ...") is
				   required and not shown in brackets */
};

struct px_command {
	const char *name;
	const char *summary;
	const struct px_opt *opts;	/* the option table, PX_OPT_END last */
	const char *pre;	/* words before the options, or NULL */
	const char *operands;	/* words after the options, or NULL */
	int (*main)(int argc, char **argv);
	const struct px_command *alias_of;	/* an alias: the command */
	int listed;		/* shown by px --list and px help */
};

/*
 * PX_COMMAND(NAME, SUMMARY, OPTS, PRE, OPERANDS): the command NAME, run
 * by NAME_main, with the option table OPTS; its usage is generated:
 * "usage: px NAME PRE [options] OPERANDS".
 */
#define PX_COMMAND(NAME, SUMMARY, OPTS, PRE, OPERANDS) \
	int NAME##_main(int argc, char **argv); \
	const struct px_command px_cmd_##NAME = \
	    { #NAME, SUMMARY, OPTS, PRE, OPERANDS, NAME##_main, NULL, 1 }

/*
 * PX_ALIAS(ID, "name", NAME, LISTED, SUMMARY): another name for NAME
 * (px get is px ls; px pve-version is px pveversion).  A listed alias
 * is a command of its own in px --list, with a link and a man page; an
 * unlisted one is only another spelling.
 */
#define PX_ALIAS(ID, STR, NAME, LISTED, SUMMARY) \
	const struct px_command px_cmd_##ID = \
	    { STR, SUMMARY, NULL, NULL, NULL, NAME##_main, &px_cmd_##NAME, \
	    LISTED }

/* The command table (generated), for help, --list and lint. */
const struct px_command *px_command_find(const char *name);
const struct px_command *const *px_command_list(size_t *n);

#include "opt.h"

#endif
