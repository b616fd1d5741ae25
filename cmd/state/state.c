/*
 * state -- the cluster's configuration as a file (pxstate(5)): export
 * it, diff a file against the live cluster, apply a file through the
 * gate.  The verbs are lib/support/statecli.c (px reconcile's too);
 * the kinds, their reading and their writers lib/state_kinds.c; the
 * file lib/state.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statecli.h"

enum { O_FAMILY = PX_O_LONG, O_STAMP, O_PRUNE, O_CONTINUE, O_INTERACTIVE };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ 'o', "output", "file", "export: write the file here (not stdout)" },
	{ O_FAMILY, "family", "family[,family]", "only these families "
	    "(pools, acl, users, groups, roles, storage, backup-jobs, "
	    "replication, ha-resources, sdn; all)" },
	{ O_INTERACTIVE, "interactive", NULL, "apply: ask y/N for each "
	    "delete and each change of a severe apply" },
	{ O_STAMP, "stamp", NULL, "export: note the time in [meta]" },
	{ O_PRUNE, "prune", NULL, "apply: delete what the file does not have" },
	{ O_CONTINUE, "continue-on-error", NULL, "apply: go on after a "
	    "change PVE refuses" },
	PX_OPT_END
};

PX_COMMAND(state, "export, diff and apply the cluster's configuration as "
    "a file", opts, NULL, "export | diff file | apply file");

int
state_main(int argc, char **argv)
{
	struct st_cli s = { 0 };
	struct px_getopt g;
	int ch, rc;

	mutcli_init(&s.m, &px_cmd_state);
	px_getopt_init(&g, &px_cmd_state, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&s.m, ch, g.arg))
			continue;
		switch (ch) {
		case 'o':
			s.out = g.arg;
			break;
		case O_FAMILY:
			statecli_families(&s, g.arg);
			break;
		case O_STAMP:
			s.stamp = 1;
			break;
		case O_PRUNE:
			s.prune = 1;
			break;
		case O_CONTINUE:
			s.cont = 1;
			break;
		case O_INTERACTIVE:
			s.interactive = 1;
			break;
		default:
			px_usage(&px_cmd_state);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_state);
	if (strcmp(argv[0], "export") == 0 && argc == 1) {
		if (s.prune || s.cont || s.m.g.dry_run || s.m.g.yes)
			px_errx(PX_EXIT_USAGE, "export takes -o, --family and "
			    "--stamp");
		rc = statecli_export(&s);
	} else if (strcmp(argv[0], "diff") == 0 && argc == 2) {
		if (s.out || s.stamp || s.prune || s.cont)
			px_errx(PX_EXIT_USAGE, "diff takes --family and -j");
		rc = statecli_diff(&s, argv[1]);
	} else if (strcmp(argv[0], "apply") == 0 && argc == 2) {
		if (s.out || s.stamp)
			px_errx(PX_EXIT_USAGE, "apply takes no -o or --stamp");
		if (s.interactive && (!isatty(STDIN_FILENO) ||
		    !isatty(STDERR_FILENO)))
			px_errx(PX_EXIT_USAGE, "--interactive needs a terminal");
		rc = statecli_apply(&s, argv[1]);
	} else if (strcmp(argv[0], "export") && strcmp(argv[0], "diff") &&
	    strcmp(argv[0], "apply")) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (export, diff, "
		    "apply)", argv[0]);
	} else {
		px_usage(&px_cmd_state);
	}
	for (int i = 0; i < s.nfam; i++)
		free(s.families[i]);
	mutcli_free(&s.m);
	return rc;
}
