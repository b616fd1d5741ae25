/* cli.c -- common options, config, profile and connection for commands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_init(struct px_cli *x)
{
	memset(x, 0, sizeof(*x));
	x->out.fmt = OUT_TABLE;
	x->out.color = -1;
}

int
cli_opt(struct px_cli *x, int ch, const char *arg)
{
	int f;

	switch (ch) {
	case 'c':
		x->out.cols = arg;
		return 1;
	case 'f':
		if ((f = out_parse_fmt(arg)) < 0)
			px_errx(PX_EXIT_USAGE, "unknown format '%s' (table, tsv, "
			    "json, jsonl)", arg);
		x->out.fmt = f;
		return 1;
	case 'H':
		x->out.no_header = 1;
		return 1;
	case 'j':
		x->out.fmt = OUT_JSON;
		return 1;
	case 'p':
		x->profile = arg;
		return 1;
	case 's':
		x->out.sort = arg;
		return 1;
	case 'v':
		x->verbose++;
		return 1;
	}
	return 0;
}

int
cli_load(struct px_cli *x, struct px_err *e)
{
	if (x->conf_loaded)
		return 0;
	if (conf_load(&x->conf, e) != 0)
		return -1;
	x->conf_loaded = 1;
	return 0;
}

int
cli_connect(struct px_cli *x, struct px_err *e)
{
	struct px_client_opts o = { .verbose = x->verbose };

	if (x->client)
		return 0;
	if (cli_load(x, e) != 0)
		return -1;
	if ((x->p = conf_profile(&x->conf, x->profile, PX_KIND_PVE, e)) == NULL)
		return -1;
	if ((x->client = px_client_new(&x->conf, x->p, &o, e)) == NULL)
		return -1;
	return 0;
}

int
cli_print(struct px_cli *x, struct out *o, struct px_err *e)
{
	(void)x;
	if (out_print(o, stdout, e) != 0)
		return -1;
	if (fflush(stdout) != 0 || ferror(stdout))
		return px_fail(e, PXE_IO, "write error on standard output");
	return 0;
}

void
cli_free(struct px_cli *x)
{
	px_client_free(x->client);
	if (x->conf_loaded)
		conf_free(&x->conf);
	memset(x, 0, sizeof(*x));
}

int
cli_targets(struct px_cli *x, int all, struct px_target **out, int *n,
    struct px_err *e)
{
	/* several profiles read at once: reports name theirs */
	struct px_client_opts o = { .verbose = x->verbose,
	    .name_profile = 1 };
	struct px_target *t;
	int k = 0;

	*out = NULL;
	*n = 0;
	if (!all) {
		if (cli_connect(x, e) != 0)
			return -1;
		t = px_xcalloc(1, sizeof(*t));
		t->p = x->p;
		t->c = x->client;
		x->client = NULL;	/* the target owns it now */
		*out = t;
		*n = 1;
		return 0;
	}
	if (cli_load(x, e) != 0)
		return -1;
	t = px_xcalloc((size_t)x->conf.nprofiles + 1, sizeof(*t));
	for (int i = 0; i < x->conf.nprofiles; i++) {
		const struct px_profile *p = &x->conf.profiles[i];

		if (p->kind != PX_KIND_PVE)
			continue;
		t[k].p = p;
		t[k].c = px_client_new(&x->conf, p, &o, &t[k].err);
		k++;
	}
	if (k == 0) {
		free(t);
		px_fail(e, PXE_NO_PROFILE, "%s: no [profile NAME] section",
		    x->conf.path);
		return -1;
	}
	*out = t;
	*n = k;
	return 0;
}

void
cli_targets_free(struct px_target *t, int n)
{
	for (int i = 0; i < n; i++)
		px_client_free(t[i].c);
	free(t);
}
