/*
 * completion -- shell completion for bash, zsh and fish.
 *
 * `px completion bash|zsh|fish` prints a small script for the shell;
 * on TAB the script runs `px completion complete -- WORD...` with the
 * words of the command line up to the cursor, and px answers from its
 * own tables: the command table (names and summaries), each command's
 * option table (lib/support/opt.h: options, their help, the choices of
 * an argument written "a | b | c"), the verbs and operands of its usage
 * line, and values that need no server: profile names from px.conf,
 * node names and VMIDs from the cache px ls leaves (lib/compcache.h).
 * Completing never makes a network call.  The answer is one candidate a
 * line, "WORD<TAB>DESCRIPTION"; none means the shell completes file
 * names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "compcache.h"
#include "conf.h"

static const struct px_opt opts[] = {
	PX_OPT_END
};

PX_COMMAND(completion, "shell completion for bash, zsh and fish", opts,
    NULL, "bash | zsh | fish | complete word ...");

/* ---- candidates ---- */

#define MAXSEEN	4096

struct comp {
	const char *cur;	/* the word being completed */
	size_t ncur;
	char *seen[MAXSEEN];	/* printed already */
	int nseen;
	struct px_conf conf;
	int conf_loaded;	/* 1 loaded, -1 failed */
	const char *profile;	/* -p on the line, or NULL */
	char prefix[80];	/* printed before each word ("--name=") */
};

/* Print word (with description desc, may be NULL) when it starts with
 * what is typed and was not printed yet.  Control characters and tabs
 * never reach the shell. */
static void
cand(struct comp *c, const char *word, const char *desc)
{
	if (word[0] == '\0' || strncmp(word, c->cur, c->ncur) != 0)
		return;
	for (const char *p = word; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return;
	for (int i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i], word) == 0)
			return;
	if (c->nseen < MAXSEEN)
		c->seen[c->nseen++] = px_xstrdup(word);
	fputs(c->prefix, stdout);
	fputs(word, stdout);
	if (desc && *desc) {
		putchar('\t');
		for (const char *p = desc; *p; p++)
			putchar((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' :
			    *p);
	}
	putchar('\n');
}

static void
load_conf(struct comp *c)
{
	struct px_err e = { 0 };

	if (c->conf_loaded == 0)
		c->conf_loaded = conf_load(&c->conf, &e) == 0 ? 1 : -1;
}

/* The profiles of px.conf of kind (PBS for px pbs, PVE otherwise). */
static void
profiles(struct comp *c, enum px_kind kind)
{
	load_conf(c);
	if (c->conf_loaded != 1)
		return;
	for (int i = 0; i < c->conf.nprofiles; i++)
		if (c->conf.profiles[i].kind == kind)
			cand(c, c->conf.profiles[i].name, kind == PX_KIND_PBS ?
			    "PBS profile" : "profile");
}

/* Node names or VMIDs that px ls left for the profile in use. */
static void
cached(struct comp *c, const char *kind)
{
	const struct px_profile *p;
	struct px_err e = { 0 };
	struct buf b = { 0 };
	char *line, *save = NULL;

	load_conf(c);
	if (c->conf_loaded != 1 ||
	    (p = conf_profile(&c->conf, c->profile, PX_KIND_PVE, &e)) == NULL)
		return;
	if (compcache_get(p->name, kind, (long long)time(NULL), &b, &e) != 1 ||
	    b.p == NULL) {
		buf_free(&b);
		return;
	}
	for (line = strtok_r(b.p, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (tab)
			*tab++ = '\0';
		/* a value is a node name or a number: nothing a shell
		 * could read as syntax */
		if (strspn(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR"
		    "STUVWXYZ0123456789.-_") != strlen(line))
			continue;
		cand(c, line, tab);
	}
	buf_free(&b);
}

static void
commands(struct comp *c)
{
	size_t n;
	const struct px_command *const *v = px_command_list(&n);

	for (size_t i = 0; i < n; i++)
		if (v[i]->listed)
			cand(c, v[i]->name, v[i]->summary);
}

/* The values of an option's argument or an operand named name. */
static void
values(struct comp *c, const struct px_command *cmd, const char *name)
{
	if (strstr(name, " | ")) {	/* "vm | ct | host": the choices */
		char buf[256], *w, *save = NULL;

		snprintf(buf, sizeof(buf), "%s", name);
		for (w = strtok_r(buf, " |", &save); w;
		    w = strtok_r(NULL, " |", &save))
			if (strchr(w, '[') == NULL && strchr(w, '=') == NULL)
				cand(c, w, NULL);
		return;
	}
	if (strcmp(name, "profile") == 0)
		profiles(c, strcmp(cmd->name, "pbs") == 0 ? PX_KIND_PBS :
		    PX_KIND_PVE);
	else if (strcmp(name, "format") == 0) {
		cand(c, "table", NULL);
		cand(c, "tsv", NULL);
		cand(c, "json", NULL);
		cand(c, "jsonl", NULL);
	} else if (strcmp(name, "vmid") == 0)
		cached(c, "vmid");
	else if (strcmp(name, "node") == 0 || strcmp(name, "target") == 0)
		cached(c, "node");
	else if (strcmp(name, "command") == 0 && strcmp(cmd->name, "help") == 0)
		commands(c);
}

/* ---- the command's options ---- */

/* The option of cmd that word names ("-p", "--profile", "--profile=x"),
 * or NULL; *attached set when its argument is in the word. */
static const struct px_opt *
option_of(const struct px_command *cmd, const char *word, int *attached)
{
	const struct px_opt *o = cmd->opts;

	*attached = 0;
	for (; o && o->id != 0; o++) {
		if (word[0] == '-' && word[1] == '-' && o->name) {
			size_t n = strlen(o->name);

			if (strncmp(word + 2, o->name, n) == 0 &&
			    (word[2 + n] == '\0' || word[2 + n] == '=')) {
				*attached = word[2 + n] == '=';
				return o;
			}
		} else if (word[0] == '-' && word[1] != '-' && o->id < 128 &&
		    word[1] == o->id) {
			*attached = word[2] != '\0';
			return o;
		}
	}
	return NULL;
}

static void
options(struct comp *c, const struct px_command *cmd)
{
	char w[128];

	for (const struct px_opt *o = cmd->opts; o && o->id != 0; o++) {
		if (o->name) {
			snprintf(w, sizeof(w), "--%s", o->name);
			cand(c, w, o->help);
		}
		if (o->id < 128) {
			snprintf(w, sizeof(w), "-%c", o->id);
			cand(c, w, o->help);
		}
	}
	cand(c, "--help", "show the usage");
}

/* ---- the operands: the alternatives of the usage line ---- */

/* Words that name an operand (shown as values), not a verb to type;
 * the first word of an alternative is a verb unless in first[]. */
static int
placeholder(const char *w, int pos)
{
	static const char *const first[] = { "vmid", "name", "scope", "path",
	    "text", "upid", "file", "id", "node", "userid", "node/name",
	    "target", "command", NULL };
	static const char *const later[] = { "storage", "status", "store",
	    "snapshot", "archive", "pool", "role", "realm", "group", "type",
	    "cidr", "pos", "argument", "disk", "zone", "vnet", "subnet",
	    "tokenid", "key=value", "tag", NULL };

	for (int i = 0; first[i]; i++)
		if (strcmp(w, first[i]) == 0)
			return 1;
	if (pos == 0)
		return 0;
	for (int i = 0; later[i]; i++)
		if (strcmp(w, later[i]) == 0)
			return 1;
	return strchr(w, '=') != NULL || strchr(w, '/') != NULL;
}

/* Up to 16 tokens of one alternative ("show|create name [path] ..."),
 * options and their arguments left out; a token ending in "..." (or
 * followed by "...") repeats. */
struct alt {
	char tok[16][64];
	int n;
	int repeat;		/* the last token repeats */
};

static void
alt_parse(const char *s, size_t len, struct alt *a)
{
	char buf[512], *w, *save = NULL;
	int skip = 0;

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%.*s", (int)len, s);
	for (w = strtok_r(buf, " ", &save); w && a->n < 16;
	    w = strtok_r(NULL, " ", &save)) {
		size_t n;

		if (skip) {		/* the argument of an option */
			skip = 0;
			continue;
		}
		if (strcmp(w, "--") == 0)
			continue;
		if (w[0] == '-') {	/* --storage storage */
			skip = 1;
			continue;
		}
		if (strcmp(w, "...") == 0 || strcmp(w, "...]") == 0) {
			a->repeat = 1;
			continue;
		}
		while (*w == '[')
			w++;
		n = strlen(w);
		while (n > 0 && w[n - 1] == ']')
			w[--n] = '\0';
		if (n > 3 && strcmp(w + n - 3, "...") == 0) {
			w[n - 3] = '\0';
			a->repeat = 1;
		}
		if (*w)
			snprintf(a->tok[a->n++], sizeof(a->tok[0]), "%s", w);
	}
}

/* Does typed word match token tok at position pos ("a|b" is any)? */
static int
tok_match(const char *tok, const char *word, int pos)
{
	char buf[64], *w, *save = NULL;

	if (placeholder(tok, pos))
		return 1;
	snprintf(buf, sizeof(buf), "%s", tok);
	for (w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
		if (strcmp(w, word) == 0)
			return 1;
	return 0;
}

static void
tok_offer(struct comp *c, const struct px_command *cmd, const char *tok,
    int pos)
{
	char buf[64], *w, *save = NULL;

	if (placeholder(tok, pos)) {
		values(c, cmd, tok);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", tok);
	for (w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
		cand(c, w, NULL);
}

/* The usage's alternatives that the operands typed so far fit, and
 * what each offers at the next position. */
static void
operands(struct comp *c, const struct px_command *cmd, char **typed,
    int ntyped)
{
	struct buf g = { 0 };
	const char *p, *end;

	if (cmd->pre && cmd->operands) {	/* "list | create" x "vmid" */
		char pre[256], *w, *save = NULL;

		snprintf(pre, sizeof(pre), "%s", cmd->pre);
		for (w = strtok_r(pre, "|", &save); w;
		    w = strtok_r(NULL, "|", &save))
			buf_printf(&g, "%s%s %s", g.len ? " | " : "",
			    w + strspn(w, " "), cmd->operands);
	} else if (cmd->pre || cmd->operands) {
		buf_adds(&g, cmd->pre ? cmd->pre : cmd->operands);
	}
	if (g.len == 0)
		goto out;
	/* "[id | status]": one optional operand, either */
	if (g.p[0] == '[' && g.p[g.len - 1] == ']' && !strstr(g.p, "] ")) {
		memmove(g.p, g.p + 1, g.len - 2);
		g.p[g.len - 2] = '\0';
		g.len -= 2;
	}
	for (p = g.p; p && *p; p = end ? end + 3 : NULL) {
		struct alt a;
		int k, fits = 1;

		end = strstr(p, " | ");
		alt_parse(p, end ? (size_t)(end - p) : strlen(p), &a);
		for (k = 0; k < ntyped && fits; k++) {
			int t = k < a.n ? k : a.repeat && a.n ? a.n - 1 : -1;

			fits = t >= 0 && tok_match(a.tok[t], typed[k], t);
		}
		if (!fits)
			continue;
		if (ntyped < a.n)
			tok_offer(c, cmd, a.tok[ntyped], ntyped);
		else if (a.repeat && a.n)
			tok_offer(c, cmd, a.tok[a.n - 1], a.n - 1);
	}
out:
	buf_free(&g);
}

/* The global options the dispatcher moves behind the command. */
static const char *const global_flags[] = { "-v", "--verbose", "-j",
    "--json", "-H", "--no-header", "-y", "--yes", "-n", "--dry-run", NULL };
static const char *const global_args[] = { "-p", "--profile", "-f",
    "--format", "-c", "--columns", NULL };

static int
in(const char *const *list, const char *w)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* Complete the last of words[0..n-1] (words[0] is px or pxNAME). */
static void
complete(char **words, int n)
{
	struct comp c = { 0 };
	const struct px_command *cmd = NULL;
	const char *base;
	char **typed;
	int i = 1, ntyped = 0, dashdash = 0;

	if (n < 1)
		return;
	c.cur = words[n - 1];
	c.ncur = strlen(c.cur);
	base = strrchr(words[0], '/');
	base = base ? base + 1 : words[0];
	if (strncmp(base, "px", 2) == 0 && base[2] != '\0')
		cmd = px_command_find(base + 2);
	if (cmd == NULL) {
		/* px [global options] NAME */
		const char *argof = NULL;	/* the cursor is its argument */

		for (; i < n - 1; i++) {
			if (in(global_flags, words[i]))
				continue;
			if (in(global_args, words[i])) {
				if (strcmp(words[i], "-p") == 0 ||
				    strcmp(words[i], "--profile") == 0)
					c.profile = words[i + 1];
				if (++i == n - 1) {
					argof = words[i - 1];
					break;
				}
				continue;
			}
			if (words[i][0] == '-')
				continue;	/* -plab, --format=json */
			break;
		}
		if (i >= n - 1) {
			if (argof && (strcmp(argof, "-p") == 0 ||
			    strcmp(argof, "--profile") == 0))
				profiles(&c, PX_KIND_PVE);
			else if (argof && (strcmp(argof, "-f") == 0 ||
			    strcmp(argof, "--format") == 0))
				values(&c, px_command_find("ls"), "format");
			else if (argof)
				;	/* -c columns: nothing to offer */
			else if (c.cur[0] == '-') {
				for (int k = 0; global_flags[k]; k++)
					cand(&c, global_flags[k], NULL);
				for (int k = 0; global_args[k]; k++)
					cand(&c, global_args[k], NULL);
				cand(&c, "--list", "the commands' names");
				cand(&c, "--version", "px's version");
			} else {
				commands(&c);
			}
			goto out;
		}
		if ((cmd = px_command_find(words[i])) == NULL)
			goto out;
		i++;
	}
	if (cmd->alias_of)
		cmd = cmd->alias_of;
	typed = px_xcalloc((size_t)n + 1, sizeof(*typed));
	for (; i < n - 1; i++) {
		const struct px_opt *o;
		int att;

		if (!dashdash && strcmp(words[i], "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && words[i][0] == '-' && words[i][1] &&
		    (o = option_of(cmd, words[i], &att)) != NULL) {
			if (o->arg && !att) {
				if (o->id == 'p')
					c.profile = words[i + 1];
				if (++i == n - 1) {	/* its argument */
					values(&c, cmd, o->arg);
					free(typed);
					goto out;
				}
			} else if (o->id == 'p' && att) {
				c.profile = strchr(words[i], '=') ?
				    strchr(words[i], '=') + 1 : words[i] + 2;
			}
			continue;
		}
		typed[ntyped++] = words[i];
	}
	if (!dashdash && strncmp(c.cur, "--", 2) == 0 && strchr(c.cur, '=')) {
		/* --name=VALUE: the values, with the option before them */
		const struct px_opt *o;
		int att;

		if ((o = option_of(cmd, c.cur, &att)) != NULL && o->arg) {
			const char *eq = strchr(c.cur, '=');

			/* printed whole, "--name=value": the words zsh and
			 * fish match; bash's script strips what it split */
			snprintf(c.prefix, sizeof(c.prefix), "%.*s",
			    (int)(eq + 1 - c.cur), c.cur);
			c.cur = eq + 1;
			c.ncur = strlen(c.cur);
			values(&c, cmd, o->arg);
		}
	} else if (!dashdash && c.cur[0] == '-') {
		options(&c, cmd);
	} else {
		operands(&c, cmd, typed, ntyped);
	}
	free(typed);
out:
	if (c.conf_loaded == 1)
		conf_free(&c.conf);
	for (int k = 0; k < c.nseen; k++)
		free(c.seen[k]);
}

/* ---- the scripts ---- */

/* "px pxls pxstart ...": the names px answers to. */
static void
names(const char *sep)
{
	size_t n;
	const struct px_command *const *v = px_command_list(&n);

	fputs("px", stdout);
	for (size_t i = 0; i < n; i++)
		if (v[i]->listed)
			printf("%spx%s", sep, v[i]->name);
}

static const char bash_script[] =
"# bash completion for px and its pxNAME links (px completion bash).\n"
"# The candidates come from px itself: px completion complete -- WORDS.\n"
"_px()\n"
"{\n"
"\tlocal cur=${COMP_WORDS[COMP_CWORD]} line full\n"
"\tlocal -a words\n"
"\tif [[ -n ${COMP_LINE-} ]]; then\n"
"\t\t# the line up to the cursor, split at blanks only (bash splits\n"
"\t\t# --name=value and a:b at = and : too)\n"
"\t\tline=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}\n"
"\t\tread -ra words <<<\"$line\"\n"
"\t\t[[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=(\"\")\n"
"\telse\n"
"\t\twords=(\"${COMP_WORDS[@]:0:COMP_CWORD+1}\")\n"
"\tfi\n"
"\tfull=${words[${#words[@]}-1]}\n"
"\tCOMPREPLY=()\n"
"\twhile IFS= read -r line; do\n"
"\t\tline=${line%%$'\\t'*}\n"
"\t\t# what bash split off the word before cur is not replaced\n"
"\t\t[[ $full != \"$cur\" && $line == \"${full%\"$cur\"}\"* ]] &&\n"
"\t\t    line=${line#\"${full%\"$cur\"}\"}\n"
"\t\tCOMPREPLY+=(\"$line\")\n"
"\tdone < <(command px completion complete -- \"${words[@]}\" 2>/dev/null)\n"
"}\n";

static const char zsh_script[] =
"# zsh completion for px and its pxNAME links (px completion zsh).\n"
"# The candidates come from px itself: px completion complete -- WORDS.\n"
"_px() {\n"
"\tlocal line\n"
"\tlocal -a cands\n"
"\tfor line in \"${(@f)$(command px completion complete -- \\\n"
"\t    \"${(@Q)words[1,CURRENT]}\" 2>/dev/null)}\"; do\n"
"\t\t[[ -n $line ]] || continue\n"
"\t\tif [[ $line == *$'\\t'* ]]; then\n"
"\t\t\tcands+=(\"${${line%%$'\\t'*}//:/\\\\:}:${line#*$'\\t'}\")\n"
"\t\telse\n"
"\t\t\tcands+=(\"${line//:/\\\\:}\")\n"
"\t\tfi\n"
"\tdone\n"
"\tif (( ${#cands} )); then\n"
"\t\t_describe -t values px cands\n"
"\telse\n"
"\t\t_files\n"
"\tfi\n"
"}\n";

static const char fish_script[] =
"# fish completion for px and its pxNAME links (px completion fish).\n"
"# The candidates come from px itself: px completion complete -- WORDS.\n"
"function __px_complete\n"
"\tset -l out (command px completion complete -- (commandline -opc) \\\n"
"\t    (commandline -ct) 2>/dev/null)\n"
"\tif test (count $out) -eq 0\n"
"\t\t__fish_complete_path (commandline -ct)\n"
"\telse\n"
"\t\tprintf '%s\\n' $out\n"
"\tend\n"
"end\n";

static int
script(const char *shell)
{
	size_t n;
	const struct px_command *const *v = px_command_list(&n);

	if (strcmp(shell, "bash") == 0) {
		fputs(bash_script, stdout);
		fputs("complete -o bashdefault -o default -F _px ", stdout);
		names(" ");
		putchar('\n');
	} else if (strcmp(shell, "zsh") == 0) {
		fputs("#compdef ", stdout);
		names(" ");
		putchar('\n');
		fputs(zsh_script, stdout);
		/* autoloaded from fpath: complete now; sourced: register */
		fputs("if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n"
		    "\t_px \"$@\"\nelse\n\tcompdef _px ", stdout);
		names(" ");
		fputs("\nfi\n", stdout);
	} else if (strcmp(shell, "fish") == 0) {
		fputs(fish_script, stdout);
		puts("complete -c px -f -a '(__px_complete)'");
		for (size_t i = 0; i < n; i++)
			if (v[i]->listed)
				printf("complete -c px%s -f -a "
				    "'(__px_complete)'\n", v[i]->name);
	} else {
		px_errx(PX_EXIT_USAGE, "bash, zsh or fish, not '%s'", shell);
	}
	return 0;
}

int
completion_main(int argc, char **argv)
{
	struct px_getopt g;
	int ch;

	px_getopt_init(&g, &px_cmd_completion, argc, argv);
	while ((ch = px_getopt(&g)) != -1)
		px_usage(&px_cmd_completion);
	argc -= g.ind;
	argv += g.ind;
	if (argc >= 1 && strcmp(argv[0], "complete") == 0) {
		if (argc < 2)
			px_usage(&px_cmd_completion);
		complete(argv + 1, argc - 1);
		return 0;
	}
	if (argc != 1)
		px_usage(&px_cmd_completion);
	return script(argv[0]);
}
