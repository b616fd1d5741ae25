/*
 * doctor -- check everything px needs, one line per check: the config
 * file and its permissions, the profile, its secret, the data directory,
 * TLS trust, connectivity, authentication and the identity's effective
 * permissions.  PASS, WARN or FAIL with a hint; exit 0 when every
 * critical check passes, else the exit status of the first failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "audit.h"
#include "cli.h"
#include "clock.h"
#include "freeze.h"
#include "pve.h"
#include "pve_cluster.h"
#include "ssh.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_PROFILE,
	PX_OPT_VERBOSE,
	PX_OPT_END
};

PX_COMMAND(doctor, "check config, secrets, TLS trust, connectivity and rights",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "check", OT_STR, 0 },
	{ "status", OT_STR, 0 },
	{ "detail", OT_STR, 0 },
	{ "hint", OT_STR, 0 },
};
enum { C_CHECK, C_STATUS, C_DETAIL, C_HINT };

struct doctor {
	struct out *o;
	int exit;	/* of the first critical failure */
};

static void
report(struct doctor *d, const char *check, const char *status,
    const char *detail, const char *hint)
{
	out_row(d->o);
	out_str(d->o, C_CHECK, check);
	out_str(d->o, C_STATUS, status);
	out_str(d->o, C_DETAIL, detail);
	out_str(d->o, C_HINT, hint && *hint ? hint : NULL);
	if (strcmp(status, "FAIL") == 0)
		out_row_error(d->o);
}

static void
fail(struct doctor *d, const char *check, const struct px_err *e)
{
	report(d, check, "FAIL", e->msg, e->hint);
	if (d->exit == 0)
		d->exit = px_exit_code(e);
}

/* Does the identity hold priv on path, or on / (which propagates)? */
static int
has_priv(const struct pve_perm *v, int n, const char *path, const char *priv)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].priv, priv) == 0 &&
		    (strcmp(v[i].path, path) == 0 || strcmp(v[i].path, "/") == 0))
			return 1;
	return 0;
}

/* Which of the privileges px uses does the identity hold? */
static void
check_privs(struct doctor *d, const struct pve_perm *v, int n)
{
	static const struct { const char *path, *priv, *why; } want[] = {
		{ "/", "Sys.Audit", "read nodes, tasks and cluster state" },
		{ "/vms", "VM.Audit", "read guests" },
		{ "/vms", "VM.PowerMgmt", "start, stop and reboot guests" },
		{ "/storage", "Datastore.Audit", "read storage" },
	};
	struct buf have = { 0 }, miss = { 0 };

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (has_priv(v, n, want[i].path, want[i].priv))
			buf_printf(&have, "%s%s on %s", have.len ? ", " : "",
			    want[i].priv, want[i].path);
		else
			buf_printf(&miss, "%s%s on %s (%s)", miss.len ? "; " :
			    "", want[i].priv, want[i].path, want[i].why);
	}
	if (miss.len == 0)
		report(d, "permissions", "PASS", buf_str(&have), NULL);
	else
		report(d, "permissions", "WARN", have.len ? buf_str(&have) :
		    "no privileges px uses", buf_str(&miss));
	buf_free(&have);
	buf_free(&miss);
}

/* The gate's own state: freeze, audit log, approval setup.  Warnings:
 * px reads without them. */
static void
check_gate(struct doctor *d, struct px_cli *x, const char *dd)
{
	struct freeze fr;
	struct px_err e;
	char path[1024], detail[1600], why[256];
	long long rows = 0, bad = 0;
	int npol = 0;

	if (freeze_get(x->p->name, &fr, &e) == 1) {
		snprintf(detail, sizeof(detail), "%s is frozen by %s: %s",
		    strcmp(fr.scope, "*") == 0 ? "every profile" : fr.scope,
		    fr.by, fr.reason);
		report(d, "freeze", "WARN", detail, "changes are refused until "
		    "px incident thaw");
	} else {
		report(d, "freeze", "PASS", "no incident freeze", NULL);
	}

	snprintf(path, sizeof(path), "%s/audit.db", dd);
	if (access(path, F_OK) != 0) {
		report(d, "audit log", "PASS", "no entries yet (created with "
		    "the first change)", NULL);
	} else {
		struct audit *a = audit_open(&e);

		if (a == NULL) {
			report(d, "audit log", "FAIL", e.msg, e.hint);
			if (d->exit == 0)
				d->exit = px_exit_code(&e);
		} else if (audit_verify(a, &rows, &bad, why, sizeof(why),
		    &e) != 0) {
			snprintf(detail, sizeof(detail), "%s: broken at entry "
			    "%lld: %s", path, bad, why);
			report(d, "audit log", "WARN", detail, "px audit verify "
			    "shows it; changes go on being logged");
		} else {
			snprintf(detail, sizeof(detail), "%s: %lld entries, "
			    "chain intact", path, rows);
			report(d, "audit log", "PASS", detail, NULL);
		}
		audit_close(a);
	}

	for (size_t i = 0; i < x->conf.nkv; i++)
		if (strncmp(x->conf.kv[i].section, "policy ", 7) == 0 &&
		    (i == 0 || strcmp(x->conf.kv[i - 1].section,
		    x->conf.kv[i].section) != 0))
			npol++;
	if (npol == 0) {
		report(d, "approval", "PASS", "no [policy] asks for approval",
		    NULL);
	} else if (conf_get(&x->conf, "telegram", "chat_id") == NULL ||
	    conf_get(&x->conf, "telegram", "approver") == NULL ||
	    (conf_get(&x->conf, "telegram", "bot_token") == NULL &&
	    conf_get(&x->conf, "telegram", "bot_token_file") == NULL)) {
		snprintf(detail, sizeof(detail), "%d [policy] sections but no "
		    "complete [telegram]", npol);
		report(d, "approval", "WARN", detail, "the changes they cover "
		    "are refused: set bot_token_file, chat_id and approver");
	} else {
		const char *f = conf_get(&x->conf, "telegram", "bot_token_file");

		if (f && secret_file_check(f, &e) != 0) {
			report(d, "approval", "WARN", e.msg, e.hint);
		} else {
			snprintf(detail, sizeof(detail), "%d [policy] sections, "
			    "Telegram chat %s", npol,
			    conf_get(&x->conf, "telegram", "chat_id"));
			report(d, "approval", "PASS", detail, NULL);
		}
	}
}

/* Every [pbs NAME] profile: trust, credentials, /version. */
static void
check_pbs(struct doctor *d, struct px_cli *x)
{
	struct px_client_opts co = { .verbose = x->verbose };

	for (int i = 0; i < x->conf.nprofiles; i++) {
		const struct px_profile *p = &x->conf.profiles[i];
		struct px_client *c;
		struct px_reply r;
		struct px_err e;
		char check[96], detail[512];
		struct pve_version v;

		if (p->kind != PX_KIND_PBS)
			continue;
		snprintf(check, sizeof(check), "pbs %s", p->name);
		if ((c = px_client_new(&x->conf, p, &co, &e)) == NULL ||
		    pve_get(c, &r, &e, "/version") != 0) {
			report(d, check, "WARN", e.msg, e.hint);
			px_client_free(c);
			continue;
		}
		if (pve_version_parse(&r.j, r.data, &v, &e) != 0)
			snprintf(v.version, sizeof(v.version), "?");
		snprintf(detail, sizeof(detail), "Proxmox Backup Server %s at "
		    "%s", v.version, p->url);
		report(d, check, "PASS", detail, NULL);
		px_reply_free(&r);
		px_client_free(c);
	}
}

/* [ssh]: the key px would offer, px's known_hosts, and each node
 * reached (host key, authentication, a command run). */
static void
check_ssh(struct doctor *d, struct px_cli *x)
{
	static const char *const true_argv[] = { "true", NULL };
	struct ssh_conf sc;
	struct px_err e = { 0 };
	struct px_reply r = { .data = -1 };
	struct pve_cluster_member *m = NULL;
	struct ssh_pool *pool;
	struct ssh_job *jobs;
	const char *sock = getenv("SSH_AUTH_SOCK");
	char detail[512], host[256], user[64];
	int nm = 0, nj = 0, port;

	if (ssh_conf_load(&x->conf, &sc, &e) != 0) {
		fail(d, "ssh", &e);
		return;
	}
	if (!sc.configured) {
		ssh_conf_free(&sc);
		return;
	}
	if (sc.key) {
		if (secret_file_check(sc.key, &e) != 0)
			fail(d, "ssh key", &e);
		else
			report(d, "ssh key", "PASS", sc.key, NULL);
	} else if (!(sc.agent && sock)) {
		report(d, "ssh key", "WARN", "no [ssh] key and no agent: px "
		    "tries ~/.ssh/id_ed25519, id_ecdsa, id_rsa", "set [ssh] "
		    "key, or start ssh-agent");
	}
	if (sc.agent && sock) {
		snprintf(detail, sizeof(detail), "ssh-agent at %s, asked first",
		    sock);
		report(d, "ssh agent", "PASS", detail, NULL);
	}
	snprintf(detail, sizeof(detail), "%s, host_keys = %s", sc.known_hosts,
	    sc.host_keys == SSH_HK_STRICT ? "strict" : sc.host_keys ==
	    SSH_HK_OFF ? "off" : "tofu");
	if (sc.host_keys == SSH_HK_OFF)
		report(d, "ssh host keys", "WARN", detail, "host_keys = off "
		    "trusts any server: use tofu or strict");
	else
		report(d, "ssh host keys", "PASS", detail, NULL);
	if (pve_get(x->client, &r, &e, "/cluster/status") != 0 ||
	    pve_cluster_status_parse(&r.j, r.data, &m, &nm, &e) != 0) {
		report(d, "ssh nodes", "WARN", e.msg, e.hint);
		if (r.body.p)
			px_reply_free(&r);
		ssh_conf_free(&sc);
		return;
	}
	px_reply_free(&r);
	pool = ssh_pool_new(&x->conf, &sc);
	jobs = px_xcalloc(nm + 1, sizeof(*jobs));
	for (int i = 0; i < nm; i++) {
		if (strcmp(m[i].type, "node") != 0)
			continue;
		ssh_pool_hint(pool, m[i].name, m[i].ip);
		jobs[nj].node = m[i].name;
		jobs[nj].argv = true_argv;
		jobs[nj].timeout = 30;
		nj++;
	}
	ssh_run_all(pool, jobs, nj);
	for (int i = 0; i < nj; i++) {
		char check[96];

		snprintf(check, sizeof(check), "ssh %s", jobs[i].node);
		if (jobs[i].rc != 0) {
			fail(d, check, &jobs[i].err);
		} else {
			const char *ip = NULL;

			for (int k = 0; k < nm; k++)
				if (strcmp(m[k].name, jobs[i].node) == 0)
					ip = m[k].ip;
			ssh_node_addr(&x->conf, &sc, jobs[i].node, ip, host,
			    sizeof(host), &port, user, sizeof(user));
			snprintf(detail, sizeof(detail), "%s@%s:%d: host key "
			    "trusted, key accepted, a command ran (status %d)",
			    user, host, port, jobs[i].res.status);
			report(d, check, jobs[i].res.status == 0 ? "PASS" :
			    "WARN", detail, NULL);
		}
		ssh_result_free(&jobs[i].res);
	}
	free(jobs);
	free(m);
	ssh_pool_free(pool);
	ssh_conf_free(&sc);
}

int
doctor_main(int argc, char **argv)
{
	static const char *const tls_names[] = { "system CAs", "ca_file",
	    "fingerprint", "trust on first use", "insecure" };
	struct doctor d = { 0 };
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_client_opts co = { 0 };
	struct pve_version v;
	struct px_reply r = { .data = -1 };
	struct pve_perm *perms = NULL;
	int nperms = 0;
	const char *source, *dd;
	char *secret = NULL, detail[512];
	double t0;
	int ch, rc;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_doctor, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_doctor);
	}
	if (g.ind != argc)
		px_usage(&px_cmd_doctor);
	d.o = out_new(&x.out, cols, 4);

	/* config */
	if (cli_load(&x, &e) != 0) {
		fail(&d, "config", &e);
		goto done;
	}
	snprintf(detail, sizeof(detail), "%s (%d profiles)", x.conf.path,
	    x.conf.nprofiles);
	report(&d, "config", "PASS", detail, NULL);
	if (x.conf.mode & 077) {
		snprintf(detail, sizeof(detail), "%s is mode %04o",
		    x.conf.path, (unsigned)x.conf.mode);
		char hint[300];

		snprintf(hint, sizeof(hint), "chmod 600 %s", x.conf.path);
		report(&d, "config permissions", "WARN", detail, hint);
	} else {
		report(&d, "config permissions", "PASS", "0600 or stricter",
		    NULL);
	}

	/* profile and secret */
	if ((x.p = conf_profile(&x.conf, x.profile, PX_KIND_PVE, &e)) == NULL) {
		fail(&d, "profile", &e);
		goto done;
	}
	snprintf(detail, sizeof(detail), "%s: %s as %s%s%s%s", x.p->name,
	    x.p->url, x.p->user, x.p->auth == PX_AUTH_TOKEN ? "!" : "",
	    x.p->auth == PX_AUTH_TOKEN ? x.p->token_id : "",
	    x.p->read_only ? " (read-only)" : "");
	report(&d, "profile", "PASS", detail, NULL);
	if (conf_secret(&x.conf, x.p, NULL, &secret, &source, &e) != 0) {
		fail(&d, "secret", &e);
		goto done;
	}
	secret_free(secret);
	snprintf(detail, sizeof(detail), "%s from %s", x.p->auth ==
	    PX_AUTH_TOKEN ? "token secret" : "password", source);
	report(&d, "secret", "PASS", detail, NULL);

	/* data dir */
	if ((dd = px_data_dir(&e)) == NULL || access(dd, W_OK) != 0) {
		if (dd != NULL)
			px_fail(&e, PXE_IO, "%s is not writable", dd);
		fail(&d, "data dir", &e);
		goto done;
	}
	report(&d, "data dir", "PASS", dd, NULL);

	/* TLS trust, connectivity, authentication */
	snprintf(detail, sizeof(detail), "%s", tls_names[conf_tls_mode(x.p)]);
	if (conf_tls_mode(x.p) == PX_TLS_INSECURE)
		report(&d, "tls", "WARN", "insecure = yes: certificates are not "
		    "checked", "set fingerprint (px init -i shows it)");
	co.verbose = x.verbose;
	t0 = px_mono();
	if ((x.client = px_client_new(&x.conf, x.p, &co, &e)) == NULL ||
	    pve_version_get(x.client, &v, &e) != 0) {
		fail(&d, e.id == PXE_UNAUTHORIZED ? "authentication" :
		    e.id >= PXE_TLS ? "tls" : "connect", &e);
		goto done;
	}
	/* Only now is the trust proven: the authenticated call went
	 * through it. */
	if (conf_tls_mode(x.p) != PX_TLS_INSECURE)
		report(&d, "tls", "PASS", detail, NULL);
	snprintf(detail, sizeof(detail), "Proxmox VE %s at %s (%.0f ms)",
	    v.version, x.p->url, (px_mono() - t0) * 1e3);
	report(&d, "connect", "PASS", detail, NULL);
	report(&d, "authentication", "PASS", x.p->user, NULL);

	/* effective permissions */
	if (pve_get(x.client, &r, &e, "/access/permissions") != 0 ||
	    pve_perms_parse(&r.j, r.data, &perms, &nperms, &e) != 0) {
		report(&d, "permissions", "WARN", e.msg, e.hint);
	} else {
		check_privs(&d, perms, nperms);
		free(perms);
	}
	if (r.body.p)
		px_reply_free(&r);
	check_gate(&d, &x, dd);
	check_pbs(&d, &x);
	check_ssh(&d, &x);
done:
	rc = cli_print(&x, d.o, &e);
	out_free(d.o);
	cli_free(&x);
	if (rc != 0)
		px_die(&e);
	return d.exit;
}
