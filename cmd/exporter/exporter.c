/*
 * exporter -- the cluster as Prometheus metrics: serve GET /metrics on
 * 127.0.0.1:9221 (lib/exporter.h does the work), or print one scrape
 * with --once.  Listening beyond loopback needs [exporter] listen and
 * token_file in px.conf.  SIGTERM and SIGINT end it with status 0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exporter.h"

enum { O_LISTEN = PX_O_LONG, O_ONCE };

static const struct px_opt opts[] = {
	PX_OPT_PROFILE, PX_OPT_VERBOSE,
	{ O_LISTEN, "listen", "address:port",
	    "where to listen (default 127.0.0.1:9221)" },
	{ O_ONCE, "once", NULL, "print one scrape on standard output" },
	PX_OPT_END
};

PX_COMMAND(exporter, "serve the cluster's metrics to Prometheus",
    opts, NULL, NULL);

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
log_line(void *arg, int level, const char *msg)
{
	(void)arg;
	(void)level;
	px_warn("%s", msg);
}

int
exporter_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_getopt g;
	struct exporter_conf ec;
	struct exporter *srv;
	struct sigaction sa;
	const char *listen = NULL;
	int ch, once = 0, rc = 0;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_exporter, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_LISTEN:
			listen = g.arg;
			break;
		case O_ONCE:
			once = 1;
			break;
		default:
			px_usage(&px_cmd_exporter);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_exporter);
	if (once && listen != NULL)
		px_errx(PX_EXIT_USAGE, "--once prints to standard output: "
		    "it takes no --listen");
	if (cli_load(&x, &e) != 0)
		px_die(&e);
	if (!once && exporter_conf_load(&x.conf, listen, &ec, &e) != 0)
		px_die(&e);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);

	if (once) {
		struct buf b = { 0 };
		int failed = exporter_scrape(x.client, &b, &e);

		fwrite(b.p ? b.p : "", 1, b.len, stdout);
		buf_free(&b);
		if (fflush(stdout) != 0)
			px_errx(PX_EXIT_FAIL, "standard output: %s",
			    strerror(errno));
		if (failed < 0)
			rc = px_report(&e);
		else if (failed > 0) {
			px_warn("%d request%s of the scrape failed; the first: "
			    "%s", failed, failed == 1 ? "" : "s", e.msg);
			rc = PX_EXIT_USAGE;
		}
		cli_free(&x);
		return rc;
	}

	ec.client = x.client;
	ec.log = log_line;
	if (exporter_open(&ec, &srv, &e) != 0) {
		exporter_conf_free(&ec);
		px_die(&e);
	}
	exporter_conf_free(&ec);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	px_warn("listening on http://%s/metrics", exporter_address(srv));
	while (!stop) {
		struct pollfd fds[EXPORTER_POLLFDS];
		int n = exporter_pollfds(srv, fds, EXPORTER_POLLFDS);

		if (poll(fds, (nfds_t)n, exporter_timeout(srv)) < 0) {
			if (errno == EINTR)
				continue;
			px_warn("poll: %s", strerror(errno));
			rc = PX_EXIT_FAIL;
			break;
		}
		exporter_handle_ready(srv, fds, n);
	}
	exporter_close(srv);
	cli_free(&x);
	return rc;
}
