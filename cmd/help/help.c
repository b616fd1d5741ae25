/*
 * help -- list the commands, or show one command's usage and man page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "px.h"

static const struct px_opt opts[] = {
	PX_OPT_END
};

PX_COMMAND(help, "list the commands, or show how to use one", opts, NULL,
    "[command]");

/* The page in a source tree next to the binary (build/px and
 * build/bin/pxNAME both find ../man or ../../man), or "" when none. */
static void
tree_page(const char *name, char *out, size_t n)
{
	char exe[4096], *slash;
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	out[0] = '\0';
	if (k <= 0)
		return;
	exe[k] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	snprintf(out, n, "%s/../man/px%s.1", exe, name);
	if (access(out, R_OK) == 0)
		return;
	out[0] = '\0';
}

/* Show pxNAME(1) through man(1) when stdout is a terminal: the installed
 * page, else the one of the source tree px was built in.  Returns 0 when
 * man ran. */
static int
show_man(const char *name)
{
	char page[80], local[4200];
	pid_t pid;
	int st;

	if (!isatty(STDOUT_FILENO) || access("/usr/bin/man", X_OK) != 0)
		return -1;
	snprintf(page, sizeof(page), "px%s", name);
	tree_page(name, local, sizeof(local));
	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		/* An installed page wins; man -w tells whether there is one. */
		if (local[0]) {
			char cmd[128];

			snprintf(cmd, sizeof(cmd), "/usr/bin/man -w %s "
			    ">/dev/null 2>&1", page);
			if (system(cmd) != 0)
				execl("/usr/bin/man", "man", "-l", local,
				    (char *)NULL);
		}
		execl("/usr/bin/man", "man", page, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int
help_main(int argc, char **argv)
{
	const struct px_command *const *list, *cmd;
	size_t n, width = 0;
	struct px_getopt g;

	px_getopt_init(&g, &px_cmd_help, argc, argv);
	while (px_getopt(&g) != -1)
		px_usage(&px_cmd_help);
	argc -= g.ind;
	argv += g.ind;
	if (argc > 1)
		px_usage(&px_cmd_help);
	if (argc == 1) {
		if ((cmd = px_command_find(argv[0])) == NULL)
			px_errx(PX_EXIT_USAGE, "unknown command '%s'", argv[0]);
		fputs(px_command_usage(cmd), stdout);
		if (show_man(cmd->name) != 0)
			printf("See px%s(1) for the details.\n", cmd->name);
		return 0;
	}
	list = px_command_list(&n);
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]->name) > width)
			width = strlen(list[i]->name);
	printf("usage: px command [options] [args]   (or pxCOMMAND [options] [args])\n\n"
	    "Commands:\n");
	for (size_t i = 0; i < n; i++)
		if (list[i]->listed)
			printf("  %-*s  %s\n", (int)width, list[i]->name,
			    list[i]->summary);
	printf("\npx help COMMAND shows one command's usage; man px for the rest.\n");
	return 0;
}
