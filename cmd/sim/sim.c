/*
 * pxsim -- a stateful Proxmox VE and Backup Server simulator.
 *
 * Options, the state directory, --print-config, then the event loop
 * (server.c).  See sim.h for the architecture.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "px.h"
#include "core.h"

enum {
	O_NODES = PX_O_LONG, O_GUESTS, O_SEED, O_PBS, O_TASKSEC, O_LATENCY,
	O_FAIL, O_OFFLINE, O_TELEGRAM, O_TGAUTO, O_PRINT, O_PIDFILE, O_PUBLIC,
	O_RESET, O_AS, O_AUTH, O_HISTORY, O_LEGACY_MIGRATE, O_PVE_VERSION,
};

static const struct px_opt opts[] = {
	{ 'd', NULL, "statedir", "the state directory (default "
	    "$XDG_STATE_HOME/pxsim)" },
	{ 'l', NULL, "addr:port", "listen here (default 127.0.0.1:8006)" },
	{ O_AS, "as", "root | auditor | operator", "--print-config: the "
	    "identity of the printed profile" },
	{ O_AUTH, "auth", "token | password", "--print-config: how the "
	    "printed profile logs in" },
	{ O_FAIL, "fail", "RATE:MODE[:PATHPREFIX]", "inject faults" },
	{ O_GUESTS, "guests", "M", "guests in a new state" },
	{ O_HISTORY, "history", "DAYS", "task history of a new state" },
	{ O_LATENCY, "latency", "MS[:JITTER]", "answer this much later" },
	{ O_LEGACY_MIGRATE, "legacy-migrate", NULL, "answer migrate "
	    "preconditions as qemu-server before 8.3.9 did" },
	{ O_NODES, "nodes", "N", "nodes in a new state" },
	{ O_OFFLINE, "offline", "NODE", "a node that does not answer" },
	{ O_PBS, "pbs", "addr:port", "serve a Proxmox Backup Server too" },
	{ O_PVE_VERSION, "pve-version", "8.0 | 8.4 | 9.1", "answer as this "
	    "release of PVE (default 9.1)" },
	{ O_PIDFILE, "pidfile", "file", "write the process id here" },
	{ O_PRINT, "print-config", NULL, "print a px.conf for this simulator "
	    "and exit" },
	{ O_PUBLIC, "public", NULL, "listen on other than loopback" },
	{ O_RESET, "reset", NULL, "start from a new state" },
	{ O_SEED, "seed", "S", "the seed of a new state" },
	{ O_TASKSEC, "task-seconds", "S", "how long a task runs" },
	{ O_TELEGRAM, "telegram", NULL, "serve a Telegram Bot API too" },
	{ O_TGAUTO, "telegram-auto", "approve | deny | ignore", "answer "
	    "approval requests by itself" },
	PX_OPT_END
};

PX_COMMAND(sim, "a stateful Proxmox VE and Backup Server simulator", opts,
    NULL, NULL);

static long
num_arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi)
		px_errx(PX_EXIT_USAGE, "invalid %s '%s'", what, s);
	return v;
}

static int
mkdir_p(const char *path)
{
	char tmp[1024];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] == '/' || tmp[i] == '\0') {
			char c = tmp[i];

			tmp[i] = '\0';
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
				return -1;
			tmp[i] = c;
		}
	}
	return 0;
}

static void
default_statedir(char *out, size_t n)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (x && *x == '/')
		snprintf(out, n, "%s/pxsim", x);
	else
		snprintf(out, n, "%s/.local/state/pxsim", home ? home : ".");
}

static int
write_small(const char *path, const char *text)
{
	char tmp[1100];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

static char *
read_small(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return px_xstrdup(buf);
}

/* The address a client should use: 0.0.0.0/:: become loopback. */
static void
client_address(const char *bound, char *out, size_t n)
{
	struct listen_spec ls;

	if (server_parse_addr(bound, &ls) != 0) {
		snprintf(out, n, "%s", bound);
		return;
	}
	if (strcmp(ls.host, "0.0.0.0") == 0)
		snprintf(out, n, "127.0.0.1:%d", ls.port);
	else if (strcmp(ls.host, "::") == 0)
		snprintf(out, n, "[::1]:%d", ls.port);
	else if (strchr(ls.host, ':'))
		snprintf(out, n, "[%s]:%d", ls.host, ls.port);
	else
		snprintf(out, n, "%s:%d", ls.host, ls.port);
}

static int
print_config(struct sim *s, const char *as, const char *auth)
{
	char addrfile[1100], fp[100], err[512], key[128], addr[160];
	char *address = NULL, *secret, *pw;
	struct listen_spec ls;
	const char *user, *tok;
	struct tls_identity tls;

	if (strcmp(as, "root") == 0) {
		user = "root@pam";
		tok = "px";
	} else if (strcmp(as, "auditor") == 0) {
		user = "auditor@pve";
		tok = "ro";
	} else if (strcmp(as, "operator") == 0) {
		user = "operator@pve";
		tok = "ops";
	} else {
		px_errx(PX_EXIT_USAGE, "--as wants root, auditor or operator");
	}
	if (strcmp(auth, "token") != 0 && strcmp(auth, "password") != 0)
		px_errx(PX_EXIT_USAGE, "--auth wants token or password");
	if (server_parse_addr(s->opt.listen, &ls) == 0 && ls.port != 0 &&
	    strcmp(s->opt.listen, "127.0.0.1:8006") != 0) {
		address = px_xstrdup(s->opt.listen);
	} else {
		snprintf(addrfile, sizeof(addrfile), "%s/address",
		    s->opt.statedir);
		if ((address = read_small(addrfile)) == NULL)
			address = px_xstrdup(s->opt.listen);
	}
	client_address(address, addr, sizeof(addr));
	if (tls_setup(&tls, s->opt.statedir, err, sizeof(err)) != 0)
		px_errx(PX_EXIT_FAIL, "%s", err);
	snprintf(fp, sizeof(fp), "%s", tls.fingerprint);
	tls_free(&tls);
	if (model_open(s, 0, err, sizeof(err)) != 0)
		px_errx(PX_EXIT_FAIL, "%s", err);
	printf("# px.conf for the pxsim instance in %s\n", s->opt.statedir);
	printf("[px]\nprofile = sim\n\n[profile sim]\n");
	printf("url = https://%s\n", addr);
	printf("user = %s\n", user);
	if (strcmp(auth, "password") == 0) {
		pw = model_password(s, user);
		printf("auth = password\npassword = %s\n", pw ? pw : "");
		free(pw);
	} else {
		secret = model_token_secret(s, user, tok);
		printf("auth = token\ntoken_id = %s\ntoken_secret = %s\n", tok,
		    secret ? secret : "");
		free(secret);
	}
	printf("fingerprint = %s\n", fp);
	snprintf(addrfile, sizeof(addrfile), "%s/pbs_address",
	    s->opt.statedir);
	free(address);
	address = s->opt.pbs_listen[0] ? px_xstrdup(s->opt.pbs_listen) :
	    read_small(addrfile);
	if (address && (strcmp(as, "root") == 0 ||
	    strcmp(as, "auditor") == 0)) {
		client_address(address, addr, sizeof(addr));
		snprintf(key, sizeof(key), "secret.pbs.%s!%s", user, tok);
		secret = model_setting(s, key);
		printf("\n[pbs sim]\nurl = https://%s\nuser = %s\n"
		    "auth = token\ntoken_id = %s\ntoken_secret = %s\n"
		    "fingerprint = %s\n", addr, user, tok,
		    secret ? secret : "", fp);
		free(secret);
	}
	free(address);
	model_close(s);
	return 0;
}

/* Make sure the PBS token secrets exist: root's, and the auditor's (who
 * may read but not change). */
static void
pbs_secret(struct sim *s)
{
	static const char *const keys[] = { "secret.pbs.root@pam!px",
	    "secret.pbs.auditor@pve!ro" };

	unsigned char r[16];
	char buf[40];

	for (int k = 0; k < 2; k++) {
		char *v = model_setting(s, keys[k]);

		if (v != NULL) {
			free(v);
			continue;
		}
		tls_random(r, sizeof(r));
		r[6] = (r[6] & 0x0f) | 0x40;
		r[8] = (r[8] & 0x3f) | 0x80;
		snprintf(buf, sizeof(buf), "%02x%02x%02x%02x-%02x%02x-"
		    "%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
		    r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
		    r[11], r[12], r[13], r[14], r[15]);
		model_set_setting(s, keys[k], buf);
	}
}

int
sim_main(int argc, char **argv)
{
	static struct sim s;
	struct tls_identity tls;
	char err[512], path[1100], addr[160];
	const char *as = "root", *auth = "token";
	const char *offline[64];
	struct px_getopt g;
	int ch, print = 0, reset = 0, noff = 0, i;

	memset(&s, 0, sizeof(s));
	snprintf(s.opt.listen, sizeof(s.opt.listen), "127.0.0.1:8006");
	default_statedir(s.opt.statedir, sizeof(s.opt.statedir));
	s.opt.nodes = 0;
	s.opt.guests = -1;
	s.opt.seed = UINT64_MAX;
	s.opt.task_seconds = 2;
	px_getopt_init(&g, &px_cmd_sim, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'd':
			snprintf(s.opt.statedir, sizeof(s.opt.statedir), "%s",
			    optarg);
			break;
		case 'l':
			snprintf(s.opt.listen, sizeof(s.opt.listen), "%s",
			    optarg);
			break;
		case O_AS:
			as = optarg;
			break;
		case O_AUTH:
			auth = optarg;
			break;
		case O_FAIL:
			if (api_add_fault(&s, optarg) != 0)
				px_errx(PX_EXIT_USAGE, "invalid --fail '%s' "
				    "(RATE:MODE[:PATHPREFIX], MODE one of 500 "
				    "503 429 drop malformed badtail truncated hang "
				    "lost gzip)",
				    optarg);
			break;
		case O_GUESTS:
			s.opt.guests = (int)num_arg(optarg, 0, 100000,
			    "guest count");
			break;
		case O_LATENCY: {
			char *colon = strchr(optarg, ':');

			if (colon)
				*colon = '\0';
			s.opt.latency_ms = (int)num_arg(optarg, 0, 600000,
			    "latency");
			if (colon)
				s.opt.latency_jitter = (int)num_arg(colon + 1, 0,
				    600000, "jitter");
			break;
		}
		case O_NODES:
			s.opt.nodes = (int)num_arg(optarg, 1, 64, "node count");
			break;
		case O_OFFLINE:
			if (noff < 64)
				offline[noff++] = optarg;
			break;
		case O_PBS:
			snprintf(s.opt.pbs_listen, sizeof(s.opt.pbs_listen),
			    "%s", optarg);
			break;
		case O_PIDFILE:
			snprintf(s.opt.pidfile, sizeof(s.opt.pidfile), "%s",
			    optarg);
			break;
		case O_PRINT:
			print = 1;
			break;
		case O_LEGACY_MIGRATE:
			s.opt.legacy_migrate = 1;
			break;
		case O_PVE_VERSION:
			if (strcmp(optarg, "8.0") && strcmp(optarg, "8.4") &&
			    strcmp(optarg, "9.1"))
				px_errx(PX_EXIT_USAGE, "--pve-version: 8.0, 8.4 "
				    "or 9.1");
			snprintf(s.opt.release, sizeof(s.opt.release), "%s",
			    optarg);
			break;
		case O_PUBLIC:
			s.opt.public_ = 1;
			break;
		case O_RESET:
			reset = 1;
			break;
		case O_SEED:
			s.opt.seed = (uint64_t)num_arg(optarg, 0, 0x7fffffffL,
			    "seed");
			break;
		case O_TASKSEC: {
			char *end;

			s.opt.task_seconds = strtod(optarg, &end);
			if (*end != '\0' || s.opt.task_seconds < 0 ||
			    s.opt.task_seconds > 86400)
				px_errx(PX_EXIT_USAGE, "invalid --task-seconds "
				    "'%s'", optarg);
			break;
		}
		case O_HISTORY:
			s.opt.history = (int)num_arg(optarg, 0, 365, "--history");
			break;
		case O_TELEGRAM:
			s.opt.telegram = 1;
			break;
		case O_TGAUTO:
			if (strcmp(optarg, "approve") && strcmp(optarg, "deny") &&
			    strcmp(optarg, "ignore"))
				px_errx(PX_EXIT_USAGE, "--telegram-auto wants "
				    "approve, deny or ignore");
			snprintf(s.opt.telegram_auto,
			    sizeof(s.opt.telegram_auto), "%s", optarg);
			break;
		default:
			px_usage(&px_cmd_sim);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 0)
		px_usage(&px_cmd_sim);
	if (mkdir_p(s.opt.statedir) != 0)
		px_errx(PX_EXIT_FAIL, "cannot create %s: %s", s.opt.statedir,
		    strerror(errno));
	chmod(s.opt.statedir, 0700);
	if (print)
		return print_config(&s, as, auth);

	if (tls_setup(&tls, s.opt.statedir, err, sizeof(err)) != 0)
		px_errx(PX_EXIT_FAIL, "%s", err);
	if (model_open(&s, reset, err, sizeof(err)) != 0)
		px_errx(PX_EXIT_FAIL, "%s", err);
	auth_init(&s);
	pbs_secret(&s);
	sim_tasks_history(&s, s.opt.history);
	for (i = 0; i < noff; i++) {
		struct sim_node *n = sim_node_find(&s, offline[i]);

		if (n == NULL)
			px_errx(PX_EXIT_USAGE, "--offline: no node '%s'",
			    offline[i]);
		n->offline = 1;
		sim_node_save(&s, n);
	}
	if (server_listen(&s, err, sizeof(err)) != 0)
		px_errx(PX_EXIT_FAIL, "%s", err);
	client_address(server_address(&s, SIM_LISTEN_PVE), addr, sizeof(addr));
	snprintf(path, sizeof(path), "%s/address", s.opt.statedir);
	{
		char line[200];

		snprintf(line, sizeof(line), "%s\n", addr);
		write_small(path, line);
		snprintf(path, sizeof(path), "%s/pbs_address", s.opt.statedir);
		if (s.opt.pbs_listen[0]) {
			char pa[160];

			client_address(server_address(&s, SIM_LISTEN_PBS), pa,
			    sizeof(pa));
			snprintf(line, sizeof(line), "%s\n", pa);
			write_small(path, line);
		} else {
			unlink(path);
		}
	}
	fprintf(stderr, "pxsim: listening on https://%s (fingerprint %s)\n",
	    addr, tls.fingerprint);
	if (s.opt.pbs_listen[0]) {
		char pa[160];

		client_address(server_address(&s, SIM_LISTEN_PBS), pa,
		    sizeof(pa));
		fprintf(stderr, "pxsim: PBS on https://%s\n", pa);
	}
	if (s.opt.pidfile[0]) {
		char line[32];

		snprintf(line, sizeof(line), "%ld\n", (long)getpid());
		if (write_small(s.opt.pidfile, line) != 0)
			px_errx(PX_EXIT_FAIL, "cannot write %s: %s",
			    s.opt.pidfile, strerror(errno));
	}
	server_run(&s, &tls);
	if (s.opt.pidfile[0])
		unlink(s.opt.pidfile);
	model_close(&s);
	tls_free(&tls);
	fprintf(stderr, "pxsim: stopped\n");
	return 0;
}
