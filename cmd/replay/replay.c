/*
 * replay -- what pxtop saw at a past moment, from the time-travel cache
 * (lib/tcache.h): the nodes, guests, storage or tasks of the nearest
 * recorded refresh at or before TIME, in the columns of px ls; and with
 * --diff, what changed between two moments.
 *
 * Which refresh is read goes to standard error, so that standard output
 * stays the data.  TIME may be "-2h": an operand that looks like a
 * negative number is taken as a time before now, not as an option.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "lsrows.h"
#include "tcache.h"

enum { O_DIFF = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_PROFILE,
	PX_OPT_SORT,
	{ O_DIFF, "diff", NULL, "what changed between two moments" },
	PX_OPT_END
};

PX_COMMAND(replay, "what pxtop saw at a past moment, and what changed",
    opts, NULL, "TIME [ls nodes | guests | storage | tasks] | T1 T2");

/* The columns of --diff. */
static const struct out_col diff_cols[] = {
	{ "change", OT_STR, 0 }, { "object", OT_STR, 0 },
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "from", OT_STR, 0 }, { "to", OT_STR, 0 },
};
enum { D_CHANGE, D_OBJECT, D_VMID, D_NAME, D_NODE, D_FROM, D_TO };

static struct px_cli X;

/* "2026-12-05 14:02:33 (3m ago)" */
static void
when(char *buf, size_t n, long long t, long long now)
{
	char age[32], d[32];
	time_t u = (time_t)t;
	struct tm tm;

	if (localtime_r(&u, &tm) == NULL ||
	    strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(d, sizeof(d), "%lld", t);
	out_fmt_duration(age, sizeof(age), now > t ? now - t : 0);
	snprintf(buf, n, "%s (%s ago)", d, age);
}

/* The refresh nearest at or before the operand s into f; dies with a
 * clear message when there is none. */
static void
read_at(struct tcache *tc, const char *s, long long now,
    struct tcache_frame *f)
{
	struct px_err e = { 0 };
	long long at, o, n, c;
	char w[96], ow[96];
	int rc;

	if (tcache_parse_time(s, now, &at) != 0) {
		px_fail(&e, PXE_USAGE, "%s: not a time (ISO 8601 such as "
		    "2026-12-05T14:30:00Z, an epoch, or relative: -2h, 1d)", s);
		px_die(&e);
	}
	if ((rc = tcache_read(tc, at, f, &e)) < 0)
		px_die(&e);
	if (rc == 1) {
		when(w, sizeof(w), at, now);
		if (tcache_span(tc, &o, &n, &c, &e) != 0)
			px_die(&e);
		if (c == 0)
			px_fail(&e, PXE_NOT_FOUND, "no refresh recorded yet "
			    "(pxtop records every refresh)");
		else {
			when(ow, sizeof(ow), o, now);
			px_fail(&e, PXE_NOT_FOUND, "no refresh recorded at or "
			    "before %s: the oldest is %s", w, ow);
		}
		px_die(&e);
	}
}

static struct tcache *
open_cache(void)
{
	struct px_err e = { 0 };
	struct tcache_limits lim;
	const struct px_profile *p;
	struct tcache *tc;
	char path[4096];

	if (cli_load(&X, &e) != 0 ||
	    (p = conf_profile(&X.conf, X.profile, PX_KIND_PVE, &e)) == NULL ||
	    tcache_limits(&X.conf, &lim, &e) != 0 ||
	    tcache_path(p->name, path, sizeof(path), &e) != 0 ||
	    (tc = tcache_open(path, &lim, 0, &e)) == NULL)
		px_die(&e);
	return tc;
}

static void
print(struct out *o)
{
	struct px_err e = { 0 };

	if (cli_print(&X, o, &e) != 0)
		px_die(&e);
}

static void
list(struct tcache *tc, const char *t, const char *kind, long long now)
{
	static const struct {
		const char *name;
		unsigned bit;
		int slot;
		const struct out_col *cols;
		int ncols;
	} kinds[] = {
		{ "nodes", TC_NODES, 0, lsrows_node_cols, LSROWS_NNODE },
		{ "guests", TC_GUESTS, 1, lsrows_guest_cols, LSROWS_NGUEST },
		{ "storage", TC_STORAGE, 2, lsrows_storage_cols,
		    LSROWS_NSTORAGE },
		{ "tasks", TC_TASKS, 3, lsrows_task_cols, LSROWS_NTASK },
	};
	struct tcache_frame f;
	struct px_err e = { 0 };
	struct out *o;
	char w[96], w2[96];
	int k;

	for (k = 0; k < 4 && strcmp(kinds[k].name, kind) != 0; k++)
		;
	if (k == 4)
		px_usage(&px_cmd_replay);
	read_at(tc, t, now, &f);
	when(w, sizeof(w), f.time, now);
	if (!(f.have & kinds[k].bit)) {
		px_fail(&e, PXE_NOT_FOUND, "the refresh of %s holds no %s, nor "
		    "does one before it", w, kind);
		px_die(&e);
	}
	if (f.at[kinds[k].slot] != f.time) {
		when(w2, sizeof(w2), f.at[kinds[k].slot], now);
		px_warn("the refresh of %s (its %s as of %s)", w, kind, w2);
	} else
		px_warn("the refresh of %s", w);
	o = out_new(&X.out, kinds[k].cols, kinds[k].ncols);
	for (int i = 0; k == 0 && i < f.nnodes; i++) {
		out_row(o);
		lsrows_node(o, 0, &f.nodes[i]);
	}
	for (int i = 0; k == 1 && i < f.nguests; i++) {
		out_row(o);
		lsrows_guest(o, 0, &f.guests[i]);
	}
	for (int i = 0; k == 2 && i < f.nstorages; i++) {
		out_row(o);
		lsrows_storage(o, 0, &f.storages[i]);
	}
	for (int i = 0; k == 3 && i < f.ntasks; i++) {
		out_row(o);
		lsrows_task(o, 0, &f.tasks[i]);
	}
	print(o);
	out_free(o);
	tcache_frame_free(&f);
}

static int
by_vmid(const void *a, const void *b)
{
	const struct pve_guest *x = a, *y = b;

	return (x->vmid > y->vmid) - (x->vmid < y->vmid);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct pve_node *)a)->name,
	    ((const struct pve_node *)b)->name);
}

static void
diff_row(struct out *o, const char *change, const char *object, int vmid,
    const char *name, const char *node, const char *from, const char *to)
{
	out_row(o);
	out_str(o, D_CHANGE, change);
	out_str(o, D_OBJECT, object);
	if (vmid > 0)
		out_int(o, D_VMID, vmid);
	out_str(o, D_NAME, name);
	out_str(o, D_NODE, node);
	out_str(o, D_FROM, from);
	out_str(o, D_TO, to);
}

/* Nodes that came or went online, then guests by VMID: appeared,
 * disappeared, moved (node), state (status). */
static void
diff(struct tcache *tc, const char *t1, const char *t2, long long now)
{
	struct tcache_frame a, b;
	struct out *o;
	char w1[96], w2[96];
	int i, j;

	read_at(tc, t1, now, &a);
	read_at(tc, t2, now, &b);
	when(w1, sizeof(w1), a.time, now);
	when(w2, sizeof(w2), b.time, now);
	px_warn("from the refresh of %s to the refresh of %s", w1, w2);
	qsort(a.nodes, (size_t)a.nnodes, sizeof(*a.nodes), by_name);
	qsort(b.nodes, (size_t)b.nnodes, sizeof(*b.nodes), by_name);
	qsort(a.guests, (size_t)a.nguests, sizeof(*a.guests), by_vmid);
	qsort(b.guests, (size_t)b.nguests, sizeof(*b.guests), by_vmid);
	o = out_new(&X.out, diff_cols, (int)(sizeof(diff_cols) /
	    sizeof(diff_cols[0])));
	for (i = j = 0; i < a.nnodes || j < b.nnodes; ) {
		int c = i >= a.nnodes ? 1 : j >= b.nnodes ? -1 :
		    strcmp(a.nodes[i].name, b.nodes[j].name);

		if (c < 0) {
			diff_row(o, "disappeared", "node", 0, a.nodes[i].name,
			    a.nodes[i].name, a.nodes[i].status, NULL);
			i++;
		} else if (c > 0) {
			diff_row(o, "appeared", "node", 0, b.nodes[j].name,
			    b.nodes[j].name, NULL, b.nodes[j].status);
			j++;
		} else {
			if (a.nodes[i].online != b.nodes[j].online)
				diff_row(o, b.nodes[j].online ? "online" :
				    "offline", "node", 0, b.nodes[j].name,
				    b.nodes[j].name, a.nodes[i].status,
				    b.nodes[j].status);
			i++;
			j++;
		}
	}
	for (i = j = 0; i < a.nguests || j < b.nguests; ) {
		const struct pve_guest *x = i < a.nguests ? &a.guests[i] : NULL;
		const struct pve_guest *y = j < b.nguests ? &b.guests[j] : NULL;

		if (y == NULL || (x != NULL && x->vmid < y->vmid)) {
			diff_row(o, "disappeared", "guest", x->vmid, x->name,
			    x->node, x->status, NULL);
			i++;
		} else if (x == NULL || y->vmid < x->vmid) {
			diff_row(o, "appeared", "guest", y->vmid, y->name,
			    y->node, NULL, y->status);
			j++;
		} else {
			if (strcmp(x->node, y->node) != 0)
				diff_row(o, "moved", "guest", y->vmid, y->name,
				    y->node, x->node, y->node);
			if (strcmp(x->status, y->status) != 0)
				diff_row(o, "state", "guest", y->vmid, y->name,
				    y->node, x->status, y->status);
			i++;
			j++;
		}
	}
	print(o);
	out_free(o);
	tcache_frame_free(&a);
	tcache_frame_free(&b);
}

int
replay_main(int argc, char **argv)
{
	struct px_getopt g;
	struct tcache *tc;
	long long now = (long long)time(NULL);
	int ch, do_diff = 0;

	/* "-2h" is a time, not options -2 and -h */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (argv[i][0] == '-' && isdigit((unsigned char)argv[i][1]))
			argv[i]++;
	cli_init(&X);
	px_getopt_init(&g, &px_cmd_replay, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&X, ch, g.arg))
			continue;
		switch (ch) {
		case O_DIFF:
			do_diff = 1;
			break;
		default:
			px_usage(&px_cmd_replay);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (do_diff ? argc != 2 : argc < 1 || argc > 3)
		px_usage(&px_cmd_replay);
	if (!do_diff && argc == 3 && strcmp(argv[1], "ls") != 0)
		px_usage(&px_cmd_replay);
	tc = open_cache();
	if (do_diff)
		diff(tc, argv[0], argv[1], now);
	else
		list(tc, argv[0], argc == 1 ? "guests" : argv[argc - 1], now);
	tcache_close(tc);
	cli_free(&X);
	return 0;
}
