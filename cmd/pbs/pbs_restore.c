/*
 * pbs_restore.c -- px pbs restore: runs proxmox-backup-client restore
 * when it is installed, through the gate (read-only, freeze, the
 * pre-flight check, approval, the audit log), supervised: its output
 * streamed to standard error, killed when px is.  The repository, the
 * fingerprint and the secret go through its environment (PBS_REPOSITORY,
 * PBS_FINGERPRINT, PBS_PASSWORD), never through argv.
 *
 *   TargetNotEmpty   Severe: the target directory exists and is not
 *                    empty (the restore would mix with what is there)
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pbs_cmd.h"

#define CLIENT "proxmox-backup-client"

static volatile sig_atomic_t child_pid;

static void
forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* The client's path in $PATH (malloc'd), or NULL. */
static char *
find_client(void)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (path == NULL || *path == '\0')
		path = "/usr/bin:/bin";
	copy = px_xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	    dir = strtok_r(NULL, ":", &save)) {
		char *f = px_xasprintf("%s/%s", *dir ? dir : ".", CLIENT);

		if (access(f, X_OK) == 0)
			found = f;
		else
			free(f);
	}
	free(copy);
	return found;
}

static int
assess_target(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const char *target = arg;
	DIR *d;
	struct dirent *de;
	int n = 0;

	(void)c;
	(void)r;
	(void)e;
	if ((d = opendir(target)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	if (n > 0)
		risk_add(rep, "TargetNotEmpty", RISK_SEVERE, "%s is not empty "
		    "(%d entries): the restore would mix with them", target,
		    n);
	return 0;
}

/* "user!token@host:port:store" from the profile's URL. */
static char *
repository(const struct px_profile *p, const char *store)
{
	const char *hp = strstr(p->url, "://");

	hp = hp ? hp + 3 : p->url;
	return px_xasprintf("%s!%s@%.*s:%s", p->user, p->token_id,
	    (int)strcspn(hp, "/"), hp, store);
}

int
pbs_restore(struct pbs_cmd *pc, const char *store, const char *snap,
    const char *archive, const char *target)
{
	struct pbs_snapref ref;
	struct gate_req r;
	struct gate_result res;
	struct px_err e = { 0 };
	struct mut_row row;
	const struct px_profile *p;
	const char *fp, *source;
	char name[200], *client, *secret = NULL, *repo;
	char *argv[10];
	int n = 0, status, rc;
	pid_t pid;

	if (!pbs_valid_store(store))
		px_errx(PX_EXIT_USAGE, "'%s' is not a datastore name", store);
	pbs_snap_arg(snap, &ref);
	pbs_snapref_format(&ref, name, sizeof(name));
	if (strchr(archive, '/') || !pbs_valid_id(archive))
		px_errx(PX_EXIT_USAGE, "'%s' is not an archive name (px pbs "
		    "files lists them)", archive);
	if (*target == '\0' || *target == '-')
		px_errx(PX_EXIT_USAGE, "'%s' is not a target directory",
		    target);
	if ((client = find_client()) == NULL)
		px_errx(PX_EXIT_FAIL, "%s is not installed: install the "
		    "Debian package %s (from Proxmox's repository)", CLIENT,
		    CLIENT);
	pbs_connect(pc);
	mutcli_connect(&pc->m);
	p = pc->m.x.p;
	if (p->auth != PX_AUTH_TOKEN)
		px_errx(PX_EXIT_CONFIG, "[pbs %s]: restore needs a token "
		    "profile", p->name);
	argv[n++] = CLIENT;
	argv[n++] = "restore";
	argv[n++] = name;
	argv[n++] = (char *)archive;
	argv[n++] = (char *)target;
	if (pc->pattern) {
		argv[n++] = "--pattern";
		argv[n++] = (char *)pc->pattern;
	}
	if (pc->ns && *pc->ns) {
		argv[n++] = "--ns";
		argv[n++] = (char *)pc->ns;
	}
	argv[n] = NULL;

	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%.127s", name);
	snprintf(row.action, sizeof(row.action), "restore");
	gate_req_init(&r, "restore", "pbs", 1);
	snprintf(r.id, sizeof(r.id), "pbs/%s/%.60s", store, name);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "%s", r.id);
	snprintf(r.summary, sizeof(r.summary), "restore %s of %s from "
	    "datastore %s to %s", archive, name, store, target);
	snprintf(r.t[0].summary, sizeof(r.t[0].summary), "%s", r.summary);
	r.t[0].call.method = "RUN";
	for (int i = 0; i < n; i++)
		buf_printf(&r.t[0].call.path, "%s%s", i ? " " : "", argv[i]);
	r.assess = assess_target;
	r.assess_arg = (void *)target;
	if (mutation_admit(&pc->m.g, &r, &pc->m.ui, &e) != 0 ||
	    gate_local(&pc->m.g, &r, 0, &res, &e) != 0) {
		rc = px_report(&e);
		goto out;
	}
	if (res.dry_run) {
		printf("would run: %s (PBS_REPOSITORY, PBS_FINGERPRINT and "
		    "PBS_PASSWORD in its environment)\n", res.would_send);
		snprintf(row.result, sizeof(row.result), "dry-run");
		rc = mutcli_print(&pc->m, &row, 1);
		goto out;
	}
	if (conf_secret(&pc->m.x.conf, p, NULL, &secret, &source, &e) != 0) {
		gate_local_done(&pc->m.g, &r, 0, &res, e.msg);
		rc = px_report(&e);
		goto out;
	}
	repo = repository(p, store);
	fp = p->fingerprint ? p->fingerprint :
	    px_client_fingerprint(pc->m.x.client);
	fflush(NULL);
	if ((pid = fork()) < 0)
		px_errx(PX_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* The child: killed with px; its output on px's stderr. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(127);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		setenv("PBS_REPOSITORY", repo, 1);
		setenv("PBS_PASSWORD", secret, 1);
		if (fp)
			setenv("PBS_FINGERPRINT", fp, 1);
		else
			unsetenv("PBS_FINGERPRINT");
		execv(client, argv);
		fprintf(stderr, "%s: %s: %s\n", px_progname, client,
		    strerror(errno));
		_exit(127);
	}
	secret_free(secret);
	secret = NULL;
	free(repo);
	child_pid = pid;
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	child_pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(row.result, sizeof(row.result), "ok");
		gate_local_done(&pc->m.g, &r, 0, &res, "OK");
	} else {
		row.failed = 1;
		snprintf(row.result, sizeof(row.result), "failed");
		if (WIFEXITED(status))
			snprintf(row.message, sizeof(row.message), "%s exited "
			    "with status %d", CLIENT, WEXITSTATUS(status));
		else
			snprintf(row.message, sizeof(row.message), "%s was "
			    "killed by signal %d", CLIENT, WTERMSIG(status));
		px_fail(&row.err, PXE_FAILURE, "%s", row.message);
		gate_local_done(&pc->m.g, &r, 0, &res, row.message);
		px_warn("%s", row.message);
	}
	rc = mutcli_print(&pc->m, &row, 1);
	if (rc == 0)
		rc = mutcli_status(&row, 1);
out:
	secret_free(secret);
	gate_req_free(&r);
	free(client);
	return rc;
}
