/*
 * px.h -- what every command includes: the command declaration, the common
 * options, and the library headers.
 *
 * A command file starts with
 *
 *     PX_COMMAND(ls, "list nodes, guests, storage, pools, tasks, backups",
 *         "usage: px ls [-Hj] [-p profile] ... what\n");
 *
 * which declares ls_main and the table entry px_cmd_ls; scripts/mkapplets
 * collects the entries from the folders under cmd/.  The usage text is the
 * man page's SYNOPSIS (a lint test compares them).
 */
#ifndef PX_H
#define PX_H

#include <getopt.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

struct px_command {
	const char *name;
	const char *summary;
	const char *usage;
	int (*main)(int argc, char **argv);
};

#define PX_COMMAND(NAME, SUMMARY, USAGE) \
	int NAME##_main(int argc, char **argv); \
	const struct px_command px_cmd_##NAME = \
	    { #NAME, SUMMARY, USAGE, NAME##_main }

/* Print the command's usage to stderr and exit 2. */
_Noreturn void px_usage(const struct px_command *cmd);
/* Print the usage to stdout and exit 0 (for -h/--help). */
_Noreturn void px_help_exit(const struct px_command *cmd);

/* The command table (generated), for help, --list and lint. */
const struct px_command *px_command_find(const char *name);
const struct px_command *const *px_command_list(size_t *n);

#endif
