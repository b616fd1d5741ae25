/* opt.c -- option tables: getopt string, long options, usage (opt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "opt.h"

static const struct px_command *
real(const struct px_command *cmd)
{
	return cmd->alias_of ? cmd->alias_of : cmd;
}

static int
by_flag(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

static int
by_name(const void *a, const void *b)
{
	const struct px_opt *x = *(const struct px_opt *const *)a;
	const struct px_opt *y = *(const struct px_opt *const *)b;
	char kx[64], ky[64];

	/* short options by their letter, long ones by their name */
	snprintf(kx, sizeof(kx), "%s", x->id < 128 ? (char[2]){ (char)x->id,
	    0 } : x->name);
	snprintf(ky, sizeof(ky), "%s", y->id < 128 ? (char[2]){ (char)y->id,
	    0 } : y->name);
	return strcmp(kx, ky);
}

static size_t
count(const struct px_opt *o)
{
	size_t n = 0;

	while (o && o[n].id != 0)
		n++;
	return n;
}

/* Does the command's operands text name the option ("--storage storage
 * vmid ...")?  Then it is required, and shown there. */
static int
required(const struct px_command *c, const struct px_opt *o)
{
	char word[72];
	const char *p;
	size_t n;

	if (o->name == NULL || c->operands == NULL)
		return 0;
	n = (size_t)snprintf(word, sizeof(word), "--%s", o->name);
	for (p = c->operands; (p = strstr(p, word)) != NULL; p += n)
		if (p[n] == ' ' || p[n] == '\0')
			return 1;
	return 0;
}

/* The usage line generated from the table. */
static void
build_usage(const struct px_command *cmd, struct buf *b)
{
	const struct px_command *c = real(cmd);
	const struct px_opt *o = c->opts;
	size_t n = count(o), nf = 0, na = 0, nl = 0;
	char flags[128];
	const struct px_opt **args = calloc(n + 1, sizeof(*args));
	const struct px_opt **longs = calloc(n + 1, sizeof(*longs));

	if (args == NULL || longs == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (required(c, &o[i]))
			continue;
		if (o[i].id < 128 && o[i].arg == NULL) {
			if (nf < sizeof(flags) - 1)
				flags[nf++] = (char)o[i].id;
		} else if (o[i].id < 128) {
			args[na++] = &o[i];
		} else {
			longs[nl++] = &o[i];
		}
	}
	flags[nf] = '\0';
	qsort(flags, nf, 1, by_flag);
	qsort(args, na, sizeof(*args), by_name);
	qsort(longs, nl, sizeof(*longs), by_name);
	/* px get is documented as px get; px pve-version is pveversion */
	buf_printf(b, "usage: px %s", cmd->listed ? cmd->name : c->name);
	if (c->pre)
		buf_printf(b, " %s", c->pre);
	if (nf)
		buf_printf(b, " [-%s]", flags);
	for (size_t i = 0; i < na; i++)
		buf_printf(b, " [-%c %s]", args[i]->id, args[i]->arg);
	for (size_t i = 0; i < nl; i++)
		if (longs[i]->arg)
			buf_printf(b, " [--%s %s]", longs[i]->name,
			    longs[i]->arg);
		else
			buf_printf(b, " [--%s]", longs[i]->name);
	if (c->operands)
		buf_printf(b, " %s", c->operands);
	buf_adds(b, "\n");
	free(args);
	free(longs);
}

const char *
px_command_usage(const struct px_command *cmd)
{
	/* Each process runs one command: one usage is enough; a second
	 * command (px help NAME) asks for another one. */
	static struct buf b;
	static const struct px_command *for_cmd;

	if (for_cmd != cmd) {
		buf_reset(&b);
		build_usage(cmd, &b);
		for_cmd = cmd;
	}
	return b.p;
}

const struct px_command *px_cmd_running;

/* The command as it was called: px get's usage says px get, though
 * ls_main names px_cmd_ls. */
static const struct px_command *
as_called(const struct px_command *cmd)
{
	if (px_cmd_running && real(px_cmd_running) == real(cmd))
		return px_cmd_running;
	return cmd;
}

void
px_usage(const struct px_command *cmd)
{
	cmd = as_called(cmd);
	fflush(stdout);
	fputs(px_command_usage(cmd), stderr);
	exit(PX_EXIT_USAGE);
}

void
px_help_exit(const struct px_command *cmd)
{
	cmd = as_called(cmd);
	fputs(px_command_usage(cmd), stdout);
	exit(PX_EXIT_OK);
}

/* Whether an option's argument is written "[name]": optional. */
static int
optional(const char *arg)
{
	size_t n = strlen(arg);

	return n > 2 && arg[0] == '[' && arg[n - 1] == ']' &&
	    strchr(arg + 1, ']') == arg + n - 1;
}

void
px_getopt_init(struct px_getopt *g, const struct px_command *cmd, int argc,
    char **argv)
{
	const struct px_opt *o = real(cmd)->opts;
	size_t n = count(o), k = 0, s = 0;

	memset(g, 0, sizeof(*g));
	g->cmd = as_called(cmd);
	g->argc = argc;
	g->argv = argv;
	g->longs = px_xcalloc(n + 2, sizeof(*g->longs));
	/* '+' when the operands end with a command of their own ("vmid
	 * -- command [argument ...]"): options stop at the first operand,
	 * the command's own are not px's; otherwise options may follow
	 * operands.  ':' next: a missing argument is told apart from an
	 * unknown option. */
	if (real(cmd)->operands && strstr(real(cmd)->operands, " -- "))
		g->shorts[s++] = '+';
	g->shorts[s++] = ':';
	g->shorts[s++] = 'h';
	for (size_t i = 0; i < n; i++) {
		if (o[i].id < 128 && s + 3 < sizeof(g->shorts)) {
			g->shorts[s++] = (char)o[i].id;
			if (o[i].arg)
				g->shorts[s++] = ':';
		}
		if (o[i].name) {
			g->longs[k].name = o[i].name;
			/* an argument written all in brackets, "[file]",
			 * is optional, given as --name=file ("[+]size" is
			 * a required one) */
			g->longs[k].has_arg = o[i].arg == NULL ? no_argument :
			    optional(o[i].arg) ? optional_argument :
			    required_argument;
			g->longs[k].val = o[i].id;
			k++;
		}
	}
	g->shorts[s] = '\0';
	g->longs[k].name = "help";
	g->longs[k].val = 'h';
	optind = 1;
	opterr = 0;
}

/* How many long options start with the text of "--text[=...]"? */
static int
prefixes(const struct px_getopt *g, const char *word)
{
	size_t n = strcspn(word, "=");
	int k = 0;

	for (const struct option *l = g->longs; l->name; l++)
		if (strncmp(l->name, word, n) == 0)
			k++;
	return k;
}

static _Noreturn void
bad(const struct px_getopt *g, const char *fmt, const char *what)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", px_progname);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	px_usage(g->cmd);
}

int
px_getopt(struct px_getopt *g)
{
	const char *word;
	int ch, li = -1;

	ch = getopt_long(g->argc, g->argv, g->shorts, g->longs, &li);
	g->arg = optarg;
	g->name = li >= 0 ? g->longs[li].name : NULL;
	g->ind = optind;
	if (ch == -1) {
		free(g->longs);
		g->longs = NULL;
		return -1;
	}
	if (ch == 'h')
		px_help_exit(g->cmd);
	if (ch != '?' && ch != ':')
		return ch;
	word = optind > 0 && optind <= g->argc ? g->argv[optind - 1] : "";
	if (ch == ':') {
		if (strncmp(word, "--", 2) == 0 && prefixes(g, word + 2) > 0)
			bad(g, "option '%s' requires an argument", word);
		bad(g, "option requires an argument -- '%s'",
		    (char[2]){ (char)optopt, 0 });
	}
	if (strncmp(word, "--", 2) == 0 && (optopt == 0 ||
	    strchr(word, '=') != NULL)) {
		if (optopt != 0)
			bad(g, "option '%s' doesn't allow an argument", word);
		if (prefixes(g, word + 2) > 1)
			bad(g, "option '%s' is ambiguous", word);
		bad(g, "unrecognized option '%s'", word);
	}
	bad(g, "invalid option -- '%s'", (char[2]){ (char)optopt, 0 });
}
