/*
 * backup -- back up guests with vzdump: PVE runs vzdump per node, so the
 * VMIDs are grouped by the node they run on and each node gets one
 * request (POST /nodes/{node}/vzdump with vmid=a,b), through the gate
 * (lib/gate.h); every task is followed to its end and each guest gets a
 * result row, read from the task's log ("Finished Backup of VM N",
 * "Backup of VM N failed - ...").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "guest_op.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_task.h"

enum { O_COMPRESS = PX_O_LONG, O_MODE, O_NOTES, O_STORAGE };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_COMPRESS, "compress", "zstd | gzip | lzo | 0", "how the archive "
	    "is compressed" },
	{ O_MODE, "mode", "snapshot | suspend | stop", "how a running guest "
	    "is backed up" },
	{ O_NOTES, "notes", "text", "the notes of the backup (PVE's "
	    "notes-template)" },
	{ O_STORAGE, "storage", "storage", "the storage to back up to" },
	PX_OPT_END
};

PX_COMMAND(backup, "back up guests with vzdump and follow the tasks",
    opts, NULL, "--storage storage vmid ...");

static int
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}


/* The request of the guests from first on that share first's node:
 * target first carries it, the others are covered by it. */
static void
build(struct gate_req *r, int first, const struct guest_op_backup *o)
{
	struct gate_target *t = &r->t[first];
	struct buf ids = { 0 }, who = { 0 };
	int n = 0;

	for (int i = first; i < r->n; i++) {
		const struct pve_guest *g = &r->t[i].guest;

		if (strcmp(g->node, t->guest.node) != 0 ||
		    (i > first && r->t[i].covered_by))
			continue;
		if (i > first)
			r->t[i].covered_by = first + 1;
		buf_printf(&ids, "%s%d", n ? "," : "", g->vmid);
		if (n < 4)
			buf_printf(&who, "%s%s %d (%s)", n ? ", " : "",
			    strcmp(g->type, "lxc") == 0 ? "CT" : "VM", g->vmid,
			    g->name[0] ? g->name : "no name");
		else if (n == 4)
			buf_adds(&who, " and more");
		n++;
	}
	guest_op_vzdump(t, t->guest.node, ids.p, who.p, o);
	if (n > 1)
		snprintf(t->id, sizeof(t->id), "guests/%.80s", ids.p);
	buf_free(&ids);
	buf_free(&who);
}

/* Per guest outcome from the log of a finished vzdump task: 1 finished,
 * -1 failed (msg set), 0 not mentioned. */
static int
guest_outcome(const struct pve_log_line *l, int nl, int vmid, char *msg,
    size_t n)
{
	char fin[64], fail[64];
	int rc = 0;

	snprintf(fin, sizeof(fin), "Finished Backup of VM %d ", vmid);
	snprintf(fail, sizeof(fail), "Backup of VM %d failed - ", vmid);
	for (int i = 0; i < nl; i++) {
		const char *p;

		if (strstr(l[i].t, fin))
			rc = 1;
		else if ((p = strstr(l[i].t, fail)) != NULL) {
			snprintf(msg, n, "%s", p);
			rc = -1;
		}
	}
	return rc;
}

int
backup_main(int argc, char **argv)
{
	static const char *const modes[] = { "snapshot", "suspend", "stop",
	    NULL };
	static const char *const compressors[] = { "zstd", "gzip", "lzo",
	    "0", NULL };
	struct px_getopt g;
	struct mutcli m;
	struct guest_op_backup o = { 0 };
	struct px_err e = { 0 };
	struct pve_guest *guests;
	struct gate_req r;
	struct mut_row *rows;
	int ch, n, rc, *vmids;

	mutcli_init(&m, &px_cmd_backup);
	px_getopt_init(&g, &px_cmd_backup, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&m, ch, g.arg))
			continue;
		switch (ch) {
		case O_COMPRESS:
			if (!one_of(g.arg, compressors))
				px_errx(PX_EXIT_USAGE, "--compress: zstd, gzip, "
				    "lzo or 0, not '%s'", g.arg);
			o.compress = g.arg;
			break;
		case O_MODE:
			if (!one_of(g.arg, modes))
				px_errx(PX_EXIT_USAGE, "--mode: snapshot, "
				    "suspend or stop, not '%s'", g.arg);
			o.mode = g.arg;
			break;
		case O_NOTES:
			o.notes = g.arg;
			break;
		case O_STORAGE:
			o.storage = g.arg;
			break;
		default:
			px_usage(&px_cmd_backup);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1 || o.storage == NULL)
		px_usage(&px_cmd_backup);
	vmids = mutcli_vmids(&m, argc, argv, &n);
	mutcli_connect(&m);
	guests = mutcli_guests(&m, vmids, n);

	/* One vzdump request per node, each node's storage checked: all
	 * before the first request; the change judged and approved as
	 * one. */
	gate_req_init(&r, "backup", "guest", n);
	for (int i = 0; i < n; i++)
		if (mutcli_target_guest(&r, i, &guests[i]) != 0)
			px_die(&r.t[i].err);	/* all known, first */
	for (int i = 0; i < n; i++) {
		if (r.t[i].covered_by)
			continue;
		if (pve_storage_check(m.x.client, o.storage,
		    guests[i].node, "backup", &e) != 0)
			px_die(&e);
		build(&r, i, &o);
	}
	gate_req_summarize(&r, "back up");
	if (n > 1) {
		char s[sizeof(r.summary)];

		snprintf(s, sizeof(s), "%s", r.summary);
		snprintf(r.summary, sizeof(r.summary), "%.480s to %s", s,
		    o.storage);
	}
	rows = px_xcalloc((size_t)n + 1, sizeof(*rows));
	mutation_run(&m.g, &r, &m.o, &m.ui, rows, &e);

	/* Each guest's own outcome, from the log of its node's task. */
	for (int i = 0; i < n; i++) {
		struct pve_log_line *log = NULL;
		int nl = 0, c = r.t[i].covered_by ? r.t[i].covered_by - 1 : i;
		int ended = strcmp(rows[c].result, "ok") == 0 ||
		    rows[c].err.id == PXE_TASK_FAILED;

		if (!ended || r.t[i].covered_by)
			continue;
		if (pve_task_log(m.x.client, rows[c].upid, 0, 0, &log, &nl,
		    &e) != 0)
			nl = 0;
		for (int k = 0; k < n && nl > 0; k++) {
			struct mut_row *w = &rows[k];
			int out;

			if (k != c && r.t[k].covered_by != c + 1)
				continue;
			out = guest_outcome(log, nl, w->vmid, w->message,
			    sizeof(w->message));
			if (out > 0) {
				snprintf(w->result, sizeof(w->result), "ok");
				w->message[0] = '\0';
				w->failed = 0;
				w->err.id = PXE_OK;
			} else if (out < 0) {
				snprintf(w->result, sizeof(w->result),
				    "failed");
				w->failed = 1;
			}
		}
		pve_log_free(log, nl);
	}
	/* The requests' errors once each, the guests' own failures. */
	for (int i = 0; i < n; i++)
		if (!r.t[i].covered_by && rows[i].err.id != PXE_OK)
			px_report(&rows[i].err);
	for (int i = 0; i < n; i++)
		if (rows[i].failed && strstr(rows[i].message, "Backup of VM"))
			px_warn("%s", rows[i].message);
	rc = mutcli_status(rows, n);
	if (mutcli_print(&m, rows, n) != 0 && rc == 0)
		rc = PX_EXIT_FAIL;
	gate_req_free(&r);
	free(rows);
	free(guests);
	free(vmids);
	mutcli_free(&m);
	return rc;
}
