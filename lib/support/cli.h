/*
 * cli.h -- what commands share between argv and the library: the common
 * options, loading the config, picking the profile, connecting.
 *
 *     struct px_cli x;
 *     cli_init(&x);
 *     px_getopt_init(&g, &px_cmd_NAME, argc, argv);
 *     while ((ch = px_getopt(&g)) != -1) {
 *             if (cli_opt(&x, ch, g.arg))
 *                     continue;
 *             switch (ch) { ... default: px_usage(&px_cmd_NAME); }
 *     }
 */
#ifndef PX_CLI_H
#define PX_CLI_H

#include <getopt.h>

#include "conf.h"
#include "http.h"
#include "out.h"
#include "px.h"

struct px_cli {
	const char *profile;	/* -p */
	int verbose;		/* -v */
	struct out_opts out;	/* -f -j -H -c -s */
	struct px_conf conf;
	int conf_loaded;
	const struct px_profile *p;
	struct px_client *client;
};

void cli_init(struct px_cli *x);
/* Handle a common option: 1 if it was one (a bad -f value exits 2), 0 if
 * the command must handle ch itself. */
int cli_opt(struct px_cli *x, int ch, const char *arg);
/* Load the config (once). */
int cli_load(struct px_cli *x, struct px_err *e);
/* Load the config, pick the PVE profile, connect: x->client. */
int cli_connect(struct px_cli *x, struct px_err *e);
/* Print o per x->out to stdout, exit-worthy error on failure. */
int cli_print(struct px_cli *x, struct out *o, struct px_err *e);
void cli_free(struct px_cli *x);

/* One profile of a fan-out and its connection (c NULL when it failed:
 * err says why). */
struct px_target {
	const struct px_profile *p;
	struct px_client *c;
	struct px_err err;
};

/*
 * The profiles a command works on: with all, every PVE profile, each
 * connected (a profile that fails keeps its error, the others go on);
 * otherwise the one profile picked by -p etc., and a failure is returned.
 * Free with cli_targets_free.
 */
int cli_targets(struct px_cli *x, int all, struct px_target **out, int *n,
    struct px_err *e);
void cli_targets_free(struct px_target *t, int n);

#endif
