/*
 * mcp -- px as a Model Context Protocol server: the cluster's read model
 * and the gated changes as tools for AI agents, over stdio or Streamable
 * HTTP; px mcp tools lists the fixed registry and its checksum.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp.h"

enum { O_CHECKSUM = PX_O_LONG, O_HTTP, O_LISTEN };

static const struct px_opt opts[] = {
	{ 'j', "json", NULL, "tools: the registry as JSON" },
	PX_OPT_PROFILE,
	PX_OPT_VERBOSE,
	{ O_CHECKSUM, "checksum", NULL, "tools: the SHA-256 of the registry" },
	{ O_HTTP, "http", NULL, "serve: Streamable HTTP instead of stdio" },
	{ O_LISTEN, "listen", "address:port",
	    "serve --http: where to listen (127.0.0.1:8765)" },
	PX_OPT_END
};

PX_COMMAND(mcp, "serve the cluster to AI agents over the Model Context "
    "Protocol", opts, "serve | tools", NULL);

/* ---- stdio ---- */

struct stdio_in {
	struct buf b;
	size_t off;		/* the next line starts here */
	size_t scanned;		/* lines before this were seen by poll */
	int eof;
	struct mcp *m;
};

static void
stdio_send(void *arg, const char *msg, size_t n)
{
	(void)arg;
	if (fwrite(msg, 1, n, stdout) != n || putchar('\n') == EOF ||
	    fflush(stdout) != 0)
		px_errx(PX_EXIT_FAIL, "write error on standard output");
}

/* Read what is there (at most 64 KiB): 1, 0 at the end, -1 on error. */
static int
stdio_fill(struct stdio_in *in)
{
	ssize_t r;

	buf_grow(&in->b, 65536);
	do
		r = read(STDIN_FILENO, in->b.p + in->b.len, 65536);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return (int)r;
	in->b.len += (size_t)r;
	in->b.p[in->b.len] = '\0';
	return 1;
}

/* While a tool runs: read what the client sent meanwhile and look for a
 * cancellation of the current request; the rest waits its turn. */
static void
stdio_poll(void *arg)
{
	struct stdio_in *in = arg;
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	char *nl;

	if (!in->eof && poll(&p, 1, 0) == 1 && in->b.len - in->off <
	    4 * MCP_MAX_MESSAGE && stdio_fill(in) <= 0)
		in->eof = 1;
	if (in->scanned < in->off)
		in->scanned = in->off;
	while ((nl = memchr(in->b.p + in->scanned, '\n', in->b.len -
	    in->scanned)) != NULL) {
		size_t n = (size_t)(nl - (in->b.p + in->scanned));

		mcp_notice(in->m, in->b.p + in->scanned, n);
		in->scanned += n + 1;
	}
}

static int
serve_stdio(struct mcp_server *srv)
{
	struct stdio_in in = { 0 };
	struct mcp m;
	int skipping = 0;

	mcp_init(&m, srv);
	m.send = stdio_send;
	m.poll = stdio_poll;
	m.arg = &in;
	in.m = &m;
	for (;;) {
		char *nl = in.b.len > in.off ? memchr(in.b.p + in.off, '\n',
		    in.b.len - in.off) : NULL;

		if (nl != NULL) {
			size_t n = (size_t)(nl - (in.b.p + in.off));

			if (skipping)
				skipping = 0;
			else if (n > 0 && !(n == 1 && in.b.p[in.off] == '\r'))
				mcp_handle(&m, in.b.p + in.off, n);
			in.off += n + 1;
			continue;
		}
		/* keep the partial line, drop what was handled */
		if (in.off > 0) {
			memmove(in.b.p, in.b.p + in.off, in.b.len - in.off);
			in.b.len -= in.off;
			in.scanned = in.scanned > in.off ? in.scanned - in.off :
			    0;
			in.off = 0;
		}
		if (in.b.len > MCP_MAX_MESSAGE) {
			if (!skipping)
				mcp_send_error(&m, "null", RPC_INVALID_REQUEST,
				    "message larger than 1 MiB");
			skipping = 1;
			in.b.len = 0;
			in.scanned = 0;
		}
		if (in.eof)
			break;
		switch (stdio_fill(&in)) {
		case -1:
			px_errx(PX_EXIT_FAIL, "reading standard input: %s",
			    strerror(errno));
		case 0:
			in.eof = 1;
			break;
		}
	}
	/* a last line without a newline */
	if (!skipping && in.b.len > 0)
		mcp_handle(&m, in.b.p, in.b.len);
	buf_free(&in.b);
	return 0;
}

/* ---- the command ---- */

static const char *
mcp_conf(const struct px_cli *x, const char *key)
{
	char sec[160];
	const char *v;

	snprintf(sec, sizeof(sec), "mcp %s", x->p->name);
	if ((v = conf_get(&x->conf, sec, key)) != NULL)
		return v;
	return conf_get(&x->conf, "mcp", key);
}

static int
tools_main(int json, int checksum)
{
	struct buf b = { 0 };
	struct jw w;
	struct px_err e = { 0 };
	char sum[65];

	if (checksum) {
		mcp_tools_checksum(sum);
		printf("%s\n", sum);
	} else if (json) {
		jw_init(&w, &b);
		mcp_tools_json(&w, NULL);
		printf("%s\n", buf_str(&b));
	} else {
		/* name, then whether it changes anything */
		struct json j;

		jw_init(&w, &b);
		mcp_tools_json(&w, NULL);
		if (json_parse(&j, b.p, b.len, &e) != 0)
			px_die(&e);
		for (int i = 0; i < json_len(&j, 0); i++) {
			int t = json_at(&j, 0, i);
			int a = json_get(&j, t, "annotations");
			char *name = json_get_str(&j, t, "name");
			char *desc = json_get_str(&j, t, "description");

			printf("%-20s %-11s %s\n", name, json_get_bool(&j, a,
			    "readOnlyHint", 0) ? "read" : json_get_bool(&j, a,
			    "destructiveHint", 0) ? "destructive" : "change",
			    desc);
			free(name);
			free(desc);
		}
		json_free(&j);
	}
	buf_free(&b);
	if (fflush(stdout) != 0 || ferror(stdout))
		px_errx(PX_EXIT_FAIL, "write error on standard output");
	return 0;
}

int
mcp_main(int argc, char **argv)
{
	struct px_getopt g;
	struct px_cli x;
	struct mcp_server srv = { 0 };
	struct px_err e = { 0 };
	const char *listen = NULL, *v;
	int ch, json = 0, checksum = 0, http = 0, rc;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_mcp, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'p':
			x.profile = g.arg;
			break;
		case 'v':
			x.verbose = 1;
			break;
		case O_CHECKSUM:
			checksum = 1;
			break;
		case O_HTTP:
			http = 1;
			break;
		case O_LISTEN:
			listen = g.arg;
			break;
		default:
			px_usage(&px_cmd_mcp);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1)
		px_usage(&px_cmd_mcp);
	if (strcmp(argv[0], "tools") == 0) {
		if (http || listen || x.profile)
			px_usage(&px_cmd_mcp);
		return tools_main(json, checksum);
	}
	if (strcmp(argv[0], "serve") != 0 || json || checksum ||
	    (listen && !http))
		px_usage(&px_cmd_mcp);

	signal(SIGPIPE, SIG_IGN);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	srv.x = &x;
	if ((v = mcp_conf(&x, "allow_risk")) != NULL) {
		if ((srv.allow_risk = conf_parse_bool(v)) < 0)
			px_errx(PX_EXIT_CONFIG, "%s: [mcp] allow_risk: yes or "
			    "no, not '%s'", x.conf.path, v);
	}
	if (http) {
		struct mcp_http_opts o = { 0 };

		srv.transport = "http";
		o.listen = listen ? listen : mcp_conf(&x, "listen");
		if (o.listen == NULL)
			o.listen = "127.0.0.1:8765";
		o.token_file = mcp_conf(&x, "token_file");
		o.max_sessions = 16;
		if ((v = mcp_conf(&x, "max_sessions")) != NULL) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end || n < 1 || n > 1024)
				px_errx(PX_EXIT_CONFIG, "%s: [mcp] max_sessions: "
				    "1 to 1024, not '%s'", x.conf.path, v);
			o.max_sessions = (int)n;
		}
		rc = mcp_http_serve(&srv, &o, &e);
		if (rc != 0)
			px_die(&e);
	} else {
		srv.transport = "stdio";
		rc = serve_stdio(&srv);
	}
	cli_free(&x);
	return rc;
}
