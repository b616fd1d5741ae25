/*
 * cast -- the recorded console sessions (asciinema cast v2 files that
 * px console --record and px node shell --record write): play one in the
 * terminal at its pace (--speed, --idle-limit), or list those under the
 * data dir's casts/.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cast.h"
#include "clock.h"
#include "cli.h"
#include "enc.h"

enum { O_SPEED = PX_O_LONG, O_IDLE };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_SORT,
	{ O_IDLE, "idle-limit", "seconds", "play: wait at most this long "
	    "between two events" },
	{ O_SPEED, "speed", "factor", "play: this many times faster (0.1 to "
	    "1000; default 1)" },
	PX_OPT_END
};

PX_COMMAND(cast, "play or list recorded console sessions (asciinema casts)",
    opts, "play | list", "[file]");

enum { C_FILE, C_START, C_DURATION, C_WIDTH, C_HEIGHT, C_EVENTS, C_SIZE,
	C_TITLE, C_N };
static const struct out_col cols[] = {
	{ "file", OT_STR, 0 }, { "start", OT_TIME, 0 },
	{ "duration", OT_NUM, 0 }, { "width", OT_INT, 0 },
	{ "height", OT_INT, 0 }, { "events", OT_INT, 0 },
	{ "size", OT_BYTES, 0 }, { "title", OT_STR, 0 },
};

struct player {
	double speed, idle;	/* idle <= 0: no limit */
	double prev;
};

static int
play_event(void *arg, double t, const char *type, const char *data,
    size_t n)
{
	struct player *p = arg;
	double wait = t - p->prev;

	p->prev = t;
	if (strcmp(type, "o") != 0)
		return 0;
	if (p->idle > 0 && wait > p->idle)
		wait = p->idle;
	wait /= p->speed;
	if (wait > 0.0005) {
		fflush(stdout);
		px_sleep(wait);
	}
	if (fwrite(data, 1, n, stdout) != n)
		return -1;
	return 0;
}

static double
parse_positive(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi)
		px_errx(PX_EXIT_USAGE, "--%s: '%s' is not a number from %g to "
		    "%g", opt, s, lo, hi);
	return v;
}

static int
cast_play(const char *path, double speed, double idle)
{
	struct px_err e = { 0 };
	struct buf b = { 0 };
	struct cast_info info;
	struct player p = { speed, idle, 0 };
	int rc;

	if (cast_read(path, &b, &e) != 0)
		px_die(&e);
	/* the whole file is checked before anything is played */
	if (cast_parse(b.p ? b.p : "", b.len, &info, NULL, NULL, &e) != 0) {
		px_wrap(&e, "%s", path);
		px_die(&e);
	}
	rc = cast_parse(b.p, b.len, &info, play_event, &p, &e);
	fflush(stdout);
	buf_free(&b);
	if (rc != 0)
		px_errx(PX_EXIT_FAIL, "standard output: %s", strerror(errno));
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cast_list(struct px_cli *x)
{
	struct px_err e = { 0 };
	struct out *o = out_new(&x->out, cols, C_N);
	char *dir = cast_dir(&e), **names = NULL;
	size_t n = 0, i;
	struct dirent *d;
	DIR *dp;
	int rc;

	if (dir == NULL)
		px_die(&e);
	if ((dp = opendir(dir)) == NULL && errno != ENOENT)
		px_errx(PX_EXIT_FAIL, "%s: %s", dir, strerror(errno));
	while (dp && (d = readdir(dp)) != NULL) {
		size_t l = strlen(d->d_name);

		if (d->d_name[0] == '.' || l < 6 ||
		    strcmp(d->d_name + l - 5, ".cast") != 0)
			continue;
		names = px_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = px_xstrdup(d->d_name);
	}
	if (dp)
		closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		char *path = px_xasprintf("%s/%s", dir, names[i]), shown[256];
		struct buf b = { 0 };
		struct cast_info info;
		struct px_err fe = { 0 };
		struct stat st;

		snprintf(shown, sizeof(shown), "%s", names[i]);
		text_sanitize(shown);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    cast_read(path, &b, &fe) != 0 ||
		    cast_parse(b.p ? b.p : "", b.len, &info, NULL, NULL,
		    &fe) != 0) {
			px_warn("%s: %s", shown, fe.id ? fe.msg :
			    "not a regular file");
			free(path);
			buf_free(&b);
			continue;
		}
		out_row(o);
		out_str(o, C_FILE, shown);
		if (info.timestamp > 0)
			out_int(o, C_START, info.timestamp);
		out_num(o, C_DURATION, info.duration);
		out_int(o, C_WIDTH, info.width);
		out_int(o, C_HEIGHT, info.height);
		out_int(o, C_EVENTS, info.events);
		out_uint(o, C_SIZE, (uint64_t)st.st_size);
		out_str(o, C_TITLE, info.title);
		free(path);
		buf_free(&b);
	}
	rc = cli_print(x, o, &e) != 0 ? px_report(&e) : 0;
	out_free(o);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return rc;
}

int
cast_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	double speed = 1, idle = 0;
	int ch, rc, play_opts = 0;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_cast, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_SPEED:
			speed = parse_positive("speed", go.arg, 0.1, 1000);
			play_opts = 1;
			break;
		case O_IDLE:
			idle = parse_positive("idle-limit", go.arg, 0.001,
			    1e6);
			play_opts = 1;
			break;
		default:
			px_usage(&px_cmd_cast);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc == 2 && strcmp(argv[0], "play") == 0) {
		rc = cast_play(argv[1], speed, idle);
	} else if (argc == 1 && strcmp(argv[0], "list") == 0) {
		if (play_opts)
			px_errx(PX_EXIT_USAGE, "--speed and --idle-limit are "
			    "for play");
		rc = cast_list(&x);
	} else {
		px_usage(&px_cmd_cast);
	}
	cli_free(&x);
	return rc;
}
