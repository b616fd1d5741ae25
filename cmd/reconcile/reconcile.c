/*
 * reconcile -- a state file (pxstate(5)) from a file, a directory or a
 * git repository: run shows the drift (px state diff), converge applies
 * it (px state apply).  A git URL is cloned with the system's git, once,
 * shallow, into a private temporary directory removed afterwards.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "statecli.h"

enum { O_SOURCE = PX_O_LONG, O_PATH, O_PRUNE, O_CONTINUE, O_INTERACTIVE };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ O_CONTINUE, "continue-on-error", NULL, "converge: go on after a "
	    "change PVE refuses" },
	{ O_INTERACTIVE, "interactive", NULL, "converge: ask y/N for each "
	    "delete (each change when severe), on a terminal" },
	{ O_PATH, "path", "path", "the state file in a directory or "
	    "repository (state.ini)" },
	{ O_PRUNE, "prune", NULL, "converge: delete what the file does not "
	    "have" },
	{ O_SOURCE, "source", "source", "a state file, a directory or a git "
	    "URL" },
	PX_OPT_END
};

PX_COMMAND(reconcile, "diff or apply a state file from a file, a "
    "directory or git", opts, NULL, "run | converge");

/* Whether src is a URL git clones (not a local path). */
static int
is_git_url(const char *src)
{
	return strstr(src, "://") != NULL || strncmp(src, "git@", 4) == 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static char clone_dir[PATH_MAX];

static void
remove_clone(void)
{
	if (clone_dir[0])
		nftw(clone_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	clone_dir[0] = '\0';
}

/* git clone --depth 1 -- url dir, no shell, no prompt; 0 or -1. */
static int
git_clone(const char *url, const char *dir)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = { "git", "clone", "--quiet", "--depth", "1", "--",
		    (char *)url, (char *)dir, NULL };

		setenv("GIT_TERMINAL_PROMPT", "0", 1);
		/* git's own output (not px's) goes to stderr */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp("git", argv);
		px_warn("git: %s", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The state file path must stay inside its directory: no .. and not
 * absolute. */
static int
path_ok(const char *p)
{
	if (p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	    strstr(p, "/../") != NULL || (strlen(p) >= 3 &&
	    strcmp(p + strlen(p) - 3, "/..") == 0))
		return 0;
	return 1;
}

int
reconcile_main(int argc, char **argv)
{
	struct st_cli s = { 0 };
	struct px_getopt g;
	const char *source = NULL, *path = NULL;
	char tmp[PATH_MAX] = "", file[PATH_MAX];
	struct stat sb;
	int ch, rc, converge;

	mutcli_init(&s.m, &px_cmd_reconcile);
	px_getopt_init(&g, &px_cmd_reconcile, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&s.m, ch, g.arg))
			continue;
		switch (ch) {
		case O_CONTINUE:
			s.cont = 1;
			break;
		case O_INTERACTIVE:
			s.interactive = 1;
			break;
		case O_PATH:
			path = g.arg;
			break;
		case O_PRUNE:
			s.prune = 1;
			break;
		case O_SOURCE:
			source = g.arg;
			break;
		default:
			px_usage(&px_cmd_reconcile);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1 || source == NULL)
		px_usage(&px_cmd_reconcile);
	if (strcmp(argv[0], "run") == 0)
		converge = 0;
	else if (strcmp(argv[0], "converge") == 0)
		converge = 1;
	else
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (run, converge)",
		    argv[0]);
	if (!converge && (s.prune || s.cont || s.m.g.dry_run || s.m.g.yes ||
	    s.m.g.allow_risk || s.interactive))
		px_errx(PX_EXIT_USAGE, "run only shows the drift: -n -y --prune "
		    "--continue-on-error --allow-risk --interactive are "
		    "converge's");
	if (s.interactive && (!isatty(STDIN_FILENO) ||
	    !isatty(STDERR_FILENO)))
		px_errx(PX_EXIT_USAGE, "--interactive needs a terminal");
	if (strlen(source) > 2000 || (path && strlen(path) > 2000))
		px_errx(PX_EXIT_USAGE, "--source or --path: longer than 2000 "
		    "characters");
	if (path && !path_ok(path))
		px_errx(PX_EXIT_USAGE, "--path %s: a path inside the source", path);
	if (is_git_url(source)) {
		const char *td = getenv("TMPDIR");

		if (td && strlen(td) > 1024)
			td = NULL;	/* not a usable directory name */
		snprintf(tmp, sizeof(tmp), "%s/px-reconcile.XXXXXX", td && *td ?
		    td : "/tmp");
		if (mkdtemp(tmp) == NULL)	/* 0700 */
			px_errx(PX_EXIT_FAIL, "mkdtemp %s: %s", tmp,
			    strerror(errno));
		/* removed however px ends (an error exits from deep) */
		snprintf(clone_dir, sizeof(clone_dir), "%s", tmp);
		atexit(remove_clone);
		snprintf(file, sizeof(file), "%.1100s/repo", tmp);
		if (git_clone(source, file) != 0) {
			/* the URL as given: git's credentials are not in it
			 * unless the user put them there */
			px_errx(PX_EXIT_FAIL, "git clone of the source failed");
		}
		snprintf(file, sizeof(file), "%.1100s/repo/%.2048s", tmp, path ? path :
		    "state.ini");
	} else if (stat(source, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(file, sizeof(file), "%.2000s/%.2000s", source, path ? path :
		    "state.ini");
	} else {
		if (path)
			px_errx(PX_EXIT_USAGE, "--path is for a directory or a "
			    "repository, and %s is neither", source);
		snprintf(file, sizeof(file), "%s", source);
	}
	rc = converge ? statecli_apply(&s, file) : statecli_diff(&s, file);
	mutcli_free(&s.m);
	return rc;
}
