/*
 * schedule -- px commands that px daemon runs every interval: add,
 * list, remove, pause, resume, run (now, in the foreground, recorded
 * like the daemon's runs) and runs (the last runs and their output).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "daemon_db.h"
#include "freeze.h"
#include "schedule.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_END
};

PX_COMMAND(schedule, "run px commands on a schedule from px daemon", opts,
    NULL, "add name --every interval | --at calendar -- px command [argument ...] | list | remove name | "
    "pause name | resume name | run name | runs name");

static const struct out_col lcols[] = {
	{ "name", OT_STR, 0 }, { "every", OT_DURATION, 0 },
	{ "at", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "next", OT_TIME, 0 }, { "last", OT_TIME, 0 },
	{ "command", OT_STR, 0 },
};
static const struct out_col rcols[] = {
	{ "id", OT_INT, 0 }, { "started", OT_TIME, 0 },
	{ "ended", OT_TIME, 0 }, { "trigger", OT_STR, 0 },
	{ "result", OT_STR, 0 }, { "output", OT_STR, 0 },
};

static void
result_text(const struct schedule_run *r, char *b, size_t n)
{
	if (r->ended == 0)
		snprintf(b, n, "running");
	else if (r->status == -2)
		snprintf(b, n, "skipped: overlap");
	else if (r->status == -1)
		snprintf(b, n, "killed");
	else if (r->status == -3)
		snprintf(b, n, "lost");
	else
		snprintf(b, n, "exit %d", r->status);
}

/* Run s now in the foreground: recorded as a "manual" run. */
static int
run_now(sqlite3 *db, const struct schedule *s, struct px_err *e)
{
	char out[4096], *text = NULL;
	const char *dir = px_data_dir(e);
	long long id;
	pid_t pid;
	int st = 0, code;
	FILE *f;

	if (dir == NULL)
		return -1;
	if (schedule_running(db, s->name, px_now()))
		return px_fail(e, PXE_USAGE, "schedule %s is running already",
		    s->name);
	snprintf(out, sizeof(out), "%s/schedule-%s.manual.out", dir, s->name);
	unlink(out);
	if ((pid = schedule_spawn("/proc/self/exe", s, out, e)) < 0)
		return -1;
	if ((id = schedule_run_begin(db, s, "manual", (int)pid, px_now(),
	    e)) < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		;
	code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if ((f = fopen(out, "r")) != NULL) {
		text = px_xcalloc(1, SCHED_OUTPUT_CAP + 1);
		if (fread(text, 1, SCHED_OUTPUT_CAP, f) == 0)
			text[0] = '\0';
		fclose(f);
	}
	unlink(out);
	if (text)
		fputs(text, stdout);
	if (schedule_run_end(db, id, code, text ? text : "", px_now(), 20,
	    e) != 0) {
		free(text);
		return -1;
	}
	free(text);
	return code;
}

int
schedule_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_getopt g;
	struct px_err e;
	sqlite3 *db;
	long long every = 0;
	const char *sub, *name = NULL, *at = NULL;
	int ch, rc = 0;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_schedule, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		default:
			px_usage(&px_cmd_schedule);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_schedule);
	sub = argv[0];
	if (strcmp(sub, "list") != 0) {
		if (argc < 2)
			px_usage(&px_cmd_schedule);
		name = argv[1];
		if (!schedule_name_ok(name))
			px_errx(PX_EXIT_USAGE, "'%s' is not a schedule name "
			    "(letters, digits, _ . -)", name);
	}
	if ((db = daemon_db_open(NULL, &e)) == NULL ||
	    schedule_init(db, &e) != 0)
		px_die(&e);
	if (strcmp(sub, "add") == 0) {
		/* add NAME px COMMAND ARGS (the -- ends px's own options) */
		const struct px_command *c;

		/* add NAME --every INTERVAL|--at CALENDAR [--] px COMMAND */
		if (argc < 4 || (strcmp(argv[2], "--every") != 0 &&
		    strcmp(argv[2], "--at") != 0))
			px_errx(PX_EXIT_USAGE, "add %s --every INTERVAL | --at "
			    "CALENDAR -- px COMMAND ...", name);
		if (strcmp(argv[2], "--at") == 0) {
			struct oncal oc;
			char why[200];

			if (oncal_parse(argv[3], &oc, why, sizeof(why)) != 0)
				px_errx(PX_EXIT_USAGE, "--at '%s': %s",
				    argv[3], why);
			at = argv[3];
		} else if (px_parse_duration(argv[3], &every) != 0 ||
		    every < 60) {
			px_errx(PX_EXIT_USAGE, "--every: '%s' is not a "
			    "duration of at least 1m", argv[3]);
		}
		argv += 2;
		argc -= 2;
		if (argc >= 3 && strcmp(argv[2], "--") == 0) {
			argv++;
			argc--;
		}
		if (argc < 4 || strcmp(argv[2], "px") != 0)
			px_errx(PX_EXIT_USAGE, "add %s -- px COMMAND ...: only px "
			    "commands are scheduled", name);
		if ((c = px_command_find(argv[3])) == NULL ||
		    strcmp(argv[3], "daemon") == 0 || strcmp(argv[3], "sim") == 0)
			px_errx(PX_EXIT_USAGE, "'%s' is not a px command that can "
			    "be scheduled", argv[3]);
		if (argc - 3 > SCHED_MAX_ARGS)
			px_errx(PX_EXIT_USAGE, "at most %d arguments",
			    SCHED_MAX_ARGS);
		for (int i = 3; i < argc; i++)
			if (strlen(argv[i]) > 4096 || conf_has_ctl(argv[i]))
				px_errx(PX_EXIT_USAGE, "argument %d: control "
				    "characters or too long", i - 2);
		if (schedule_add(db, name, every, at, argv + 3, argc - 3,
		    px_now(), &e) != 0)
			px_die(&e);
	} else if (strcmp(sub, "remove") == 0 && argc == 2) {
		if (schedule_remove(db, name, &e) != 0)
			px_die(&e);
	} else if ((strcmp(sub, "pause") == 0 || strcmp(sub, "resume") == 0) &&
	    argc == 2) {
		if (schedule_pause(db, name, sub[0] == 'p', px_now(), &e) != 0)
			px_die(&e);
	} else if (strcmp(sub, "run") == 0 && argc == 2) {
		struct schedule s;

		if (schedule_get(db, name, &s, &e) != 0)
			px_die(&e);
		rc = run_now(db, &s, &e);
		for (int k = 0; k < s.argc; k++)
			free(s.argv[k]);
		free(s.argv);
		if (rc < 0)
			px_die(&e);
	} else if (strcmp(sub, "runs") == 0 && argc == 2) {
		struct schedule_run *r;
		struct out *o = out_new(&x.out, rcols, 6);
		char res[32];
		int n;

		if (schedule_runs(db, name, 1000, &r, &n, &e) != 0)
			px_die(&e);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_int(o, 0, r[i].id);
			out_int(o, 1, r[i].started);
			if (r[i].ended)
				out_int(o, 2, r[i].ended);
			else
				out_null(o, 2);
			out_str(o, 3, r[i].trigger);
			result_text(&r[i], res, sizeof(res));
			out_str(o, 4, res);
			out_str(o, 5, r[i].output);
		}
		if (cli_print(&x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
		schedule_runs_free(r, n);
	} else if (strcmp(sub, "list") == 0 && argc == 1) {
		struct schedule *s;
		struct out *o = out_new(&x.out, lcols, 7);
		int n;

		if (schedule_list(db, &s, &n, &e) != 0)
			px_die(&e);
		for (int i = 0; i < n; i++) {
			struct buf cmd = { 0 };

			buf_adds(&cmd, "px");
			for (int k = 0; k < s[i].argc; k++)
				buf_printf(&cmd, " %s", s[i].argv[k]);
			out_row(o);
			out_str(o, 0, s[i].name);
			if (s[i].every)
				out_int(o, 1, s[i].every);
			else
				out_null(o, 1);
			if (s[i].at[0])
				out_str(o, 2, s[i].at);
			else
				out_null(o, 2);
			out_str(o, 3, s[i].paused ? "paused" : "active");
			if (s[i].next_run < SCHED_NEVER)
				out_int(o, 4, s[i].next_run);
			else
				out_null(o, 4);
			if (s[i].last_run)
				out_int(o, 5, s[i].last_run);
			else
				out_null(o, 5);
			out_str(o, 6, cmd.p);
			buf_free(&cmd);
		}
		if (cli_print(&x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
		schedule_list_free(s, n);
	} else {
		px_usage(&px_cmd_schedule);
	}
	daemon_db_close(db);
	cli_free(&x);
	return rc;
}
