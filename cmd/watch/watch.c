/*
 * watch -- wait until conditions on a guest or a node hold: poll
 * /cluster/resources (a guest) or /nodes (a node) every --interval
 * seconds; exit 0 and print the target's state when every --until holds,
 * 7 after --timeout, 5 when the target does not exist (or vanishes).
 * Conditions are parsed and evaluated in lib/pve_cond.c (pve_cond_*).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "pve_cond.h"
#include "pve_guest.h"

enum { O_INTERVAL = PX_O_LONG, O_TIMEOUT, O_UNTIL };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_INTERVAL, "interval", "seconds", "how often to look" },
	{ O_TIMEOUT, "timeout", "seconds", "give up after this long" },
	{ O_UNTIL, "until", "condition ...",
	    "a condition that must hold; repeatable" },
	PX_OPT_END
};

PX_COMMAND(watch, "wait until a condition on a guest or node holds",
    opts, NULL, "vmid | node/name");

static const struct out_col cols[] = {
	{ "target", OT_STR, 0 }, { "status", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "cpu", OT_PCT, 0 }, { "mem", OT_BYTES, 0 },
	{ "maxmem", OT_BYTES, 0 }, { "disk", OT_BYTES, 0 },
	{ "maxdisk", OT_BYTES, 0 }, { "uptime", OT_DURATION, 0 },
	{ "waited", OT_NUM, 0 },
};

#define MAXCOND 16

struct target {
	int vmid;		/* or 0 for a node */
	const char *node;
	struct pve_guest g;
	struct pve_node nd;
	struct pve_sample s;
};

/* Read the target's state into t->s: 0, -1 with e set (PXE_NOT_FOUND
 * when it does not exist). */
static int
sample(struct px_client *c, struct target *t, struct px_err *e)
{
	struct pve_node *v;
	int n, found = 0;

	memset(&t->s, 0, sizeof(t->s));
	if (t->vmid) {
		if (pve_guest_find(c, t->vmid, &t->g, e) != 0)
			return -1;
		t->s = (struct pve_sample){ t->g.status, t->g.name, t->g.lock,
		    t->g.hastate, t->g.node, t->g.tags, t->g.cpu, t->g.maxcpu,
		    t->g.mem, t->g.maxmem, t->g.disk, t->g.maxdisk,
		    t->g.uptime };
		return 0;
	}
	if (pve_nodes(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && !found; i++)
		if (strcmp(v[i].name, t->node) == 0) {
			t->nd = v[i];
			found = 1;
		}
	free(v);
	if (!found)
		return px_fail(e, PXE_NOT_FOUND, "no node '%s'", t->node);
	t->s = (struct pve_sample){ t->nd.status, t->nd.name, "", "",
	    t->nd.name, "", t->nd.cpu, t->nd.maxcpu, t->nd.mem, t->nd.maxmem,
	    t->nd.disk, t->nd.maxdisk, t->nd.uptime };
	return 0;
}

static void
progress(const char *target, const struct pve_sample *s, double waited)
{
	char pct[32], d[32];

	out_fmt_pct(pct, sizeof(pct), s->cpu);
	out_fmt_duration(d, sizeof(d), (long long)waited);
	fprintf(stderr, "\r\033[K%s: %s: %s, cpu %s, waited %s", px_progname,
	    target, s->status, pct, d);
	fflush(stderr);
}

int
watch_main(int argc, char **argv)
{
	struct px_cli x;
	struct pve_cond cond[MAXCOND];
	struct target t = { 0 };
	struct px_err e;
	struct out *o;
	const char *target;
	double interval = 2, timeout = 0, t0, waited;
	int ch, nc = 0, holds, tty = isatty(2), rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_watch, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_INTERVAL:
			if ((interval = pve_parse_seconds(g.arg)) < 0.1)
				px_errx(PX_EXIT_USAGE, "--interval: '%s' is not "
				    "a duration of at least 0.1 s", g.arg);
			break;
		case O_TIMEOUT:
			if ((timeout = pve_parse_seconds(g.arg)) <= 0)
				px_errx(PX_EXIT_USAGE, "--timeout: '%s' is not "
				    "a duration (30, 30s, 5m, 2h)", g.arg);
			break;
		case O_UNTIL:
			if (nc == MAXCOND)
				px_errx(PX_EXIT_USAGE, "at most %d conditions",
				    MAXCOND);
			if (pve_cond_parse(g.arg, &cond[nc++], &e) != 0)
				px_die(&e);
			break;
		default:
			px_usage(&px_cmd_watch);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1 || nc == 0)
		px_usage(&px_cmd_watch);
	target = argv[0];
	if (strncmp(target, "node/", 5) == 0) {
		t.node = target + 5;
		if (!pve_valid_node(t.node))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    t.node);
	} else if ((t.vmid = pve_parse_vmid(target)) < 0) {
		px_errx(PX_EXIT_USAGE, "'%s' is neither a VMID nor node/NAME",
		    target);
	}
	if (cli_connect(&x, &e) != 0)
		px_die(&e);

	t0 = px_mono();
	for (;;) {
		if (sample(x.client, &t, &e) != 0) {
			if (tty)
				fputs("\r\033[K", stderr);
			px_die(&e);
		}
		waited = px_mono() - t0;
		holds = 1;
		for (int i = 0; i < nc && holds; i++)
			holds = pve_cond_eval(&cond[i], &t.s);
		if (holds)
			break;
		if (tty)
			progress(target, &t.s, waited);
		if (timeout > 0 && waited >= timeout) {
			if (tty)
				fputs("\r\033[K", stderr);
			px_errx(PX_EXIT_UNAVAIL, "%s: timed out after %.0f s "
			    "(status %s)", target, waited, t.s.status);
		}
		px_sleep(timeout > 0 && waited + interval > timeout ?
		    timeout - waited : interval);
	}
	if (tty)
		fputs("\r\033[K", stderr);
	o = out_new(&x.out, cols, sizeof(cols) / sizeof(cols[0]));
	out_record(o);
	out_row(o);
	out_str(o, 0, target);
	out_str(o, 1, t.s.status);
	out_str(o, 2, t.s.node);
	out_num(o, 3, t.s.cpu);
	out_uint(o, 4, t.s.mem);
	out_uint(o, 5, t.s.maxmem);
	out_uint(o, 6, t.s.disk);
	out_uint(o, 7, t.s.maxdisk);
	out_int(o, 8, t.s.uptime);
	out_num(o, 9, waited);
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	cli_free(&x);
	return rc;
}
