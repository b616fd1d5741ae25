/*
 * describe -- one digest of the cluster: versions, nodes and their load,
 * guests by state, storage use, HA, backups, recent failed tasks; as
 * text, Markdown, JSON, or llm-context (compact key: value lines meant to
 * be pasted into a chat).  Everything is read in one parallel round; a
 * part that cannot be read is reported as unavailable, the rest still
 * shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "json.h"
#include "pve_digest.h"

enum { O_OUTPUT = PX_O_LONG };

static const struct px_opt opts[] = {
	{ 'j', "json", NULL, "the same as --output json" },
	PX_OPT_PROFILE,
	PX_OPT_VERBOSE,
	{ O_OUTPUT, "output", "text | md | json | llm-context",
	    "the form of the digest" },
	PX_OPT_END
};

PX_COMMAND(describe, "one digest of the cluster, for people and for LLMs",
    opts, NULL, NULL);

int
describe_main(int argc, char **argv)
{
	struct px_cli x;
	struct pve_digest d;
	struct px_err e = { 0 };
	struct buf b = { 0 };
	const char *output = "text";
	int ch;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_describe, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (ch == 'j') {
			output = "json";
			continue;
		}
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_OUTPUT:
			if (strcmp(g.arg, "text") && strcmp(g.arg, "md") &&
			    strcmp(g.arg, "json") &&
			    strcmp(g.arg, "llm-context"))
				px_errx(PX_EXIT_USAGE, "--output: text, md, json "
				    "or llm-context");
			output = g.arg;
			break;
		default:
			px_usage(&px_cmd_describe);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_describe);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (pve_digest_gather(x.client, &d, &e) != 0)
		px_die(&e);
	if (strcmp(output, "json") == 0) {
		struct jw w;

		jw_init(&w, &b);
		pve_digest_json(&d, &w);
		buf_addc(&b, '\n');
	} else {
		pve_digest_prose(&d, strcmp(output, "md") == 0 ?
		    PVE_DIGEST_MD : strcmp(output, "text") == 0 ?
		    PVE_DIGEST_TEXT : PVE_DIGEST_LLM, &b);
	}
	fwrite(b.p ? b.p : "", 1, b.len, stdout);
	buf_free(&b);
	pve_digest_free(&d);
	cli_free(&x);
	if (fflush(stdout) != 0 || ferror(stdout))
		px_errx(PX_EXIT_FAIL, "write error on standard output");
	return 0;
}
