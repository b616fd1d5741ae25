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
#include "mutate2.h"
#include "pve_task.h"

PX_COMMAND_USAGE(backup, "back up guests with vzdump and follow the tasks",
    "usage: px backup [-Hjnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--compress zstd | gzip | lzo | 0] "
    "[--mode snapshot | suspend | stop] [--no-wait] [--notes text] "
    "[--timeout seconds] --storage storage vmid ...\n");

/* The guests of one node: one vzdump request, one task. */
struct group {
	char node[64];
	struct pve_guest *g;	/* the group's guests */
	int n;
	struct gate_req r;
	struct gate_result res;
	struct mut_row row;	/* the request's own outcome */
	struct px_err err;
	struct buf path, form;
	char summary[256];
	char target[256];
};

struct opts {
	const char *storage, *mode, *compress, *notes;
};

static int
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static void
build(struct group *gr, const struct opts *o, const struct pve_guest *judge)
{
	struct buf ids = { 0 }, who = { 0 };

	for (int i = 0; i < gr->n; i++) {
		const struct pve_guest *g = &gr->g[i];

		buf_printf(&ids, "%s%d", i ? "," : "", g->vmid);
		if (i < 4)
			buf_printf(&who, "%s%s %d (%s)", i ? ", " : "",
			    strcmp(g->type, "lxc") == 0 ? "CT" : "VM", g->vmid,
			    g->name[0] ? g->name : "no name");
		else if (i == 4)
			buf_printf(&who, " and %d more", gr->n - 4);
	}
	buf_adds(&gr->path, "/nodes/");
	url_seg(&gr->path, gr->node);
	buf_adds(&gr->path, "/vzdump");
	form_add(&gr->form, "vmid", ids.p);
	form_add(&gr->form, "storage", o->storage);
	if (o->mode)
		form_add(&gr->form, "mode", o->mode);
	if (o->compress)
		form_add(&gr->form, "compress", o->compress);
	if (o->notes)
		form_add(&gr->form, "notes-template", o->notes);
	snprintf(gr->summary, sizeof(gr->summary), "back up %s on %s to %s",
	    who.p, gr->node, o->storage);
	if (gr->n == 1)
		snprintf(gr->target, sizeof(gr->target), "%s/%d",
		    strcmp(gr->g[0].type, "lxc") == 0 ? "ct" : "vm",
		    gr->g[0].vmid);
	else
		snprintf(gr->target, sizeof(gr->target), "guests/%s", ids.p);
	gr->r.action = "backup";
	gr->r.guest = judge;
	gr->r.target = gr->target;
	gr->r.method = "POST";
	gr->r.path = gr->path.p;
	gr->r.form = gr->form.p;
	gr->r.summary = gr->summary;
	gr->r.destructive = 0;
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
	enum { O_COMPRESS = 256, O_MODE, O_NOTES, O_STORAGE };
	static const struct option longopts[] = {
		MUT_LONG_GATE,
		MUT_LONG_WAIT,
		{ "compress", required_argument, NULL, O_COMPRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "mode", required_argument, NULL, O_MODE },
		{ "notes", required_argument, NULL, O_NOTES },
		{ "storage", required_argument, NULL, O_STORAGE },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const modes[] = { "snapshot", "suspend", "stop",
	    NULL };
	static const char *const compressors[] = { "zstd", "gzip", "lzo",
	    "0", NULL };
	struct mut m;
	struct opts o = { 0 };
	struct px_err e = { 0 };
	struct pve_guest *all = NULL;
	struct group *gr;
	struct mut_row *rows;
	int ch, n, nall = 0, ng = 0, nok = 0, nfail = 0, first = -1, rc, *vmids;

	mut_init(&m);
	while ((ch = getopt_long(argc, argv, MUT_SHORT "h", longopts,
	    NULL)) != -1) {
		if (mut_opt(&m, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_backup);
		case O_COMPRESS:
			if (!one_of(optarg, compressors))
				px_errx(PX_EXIT_USAGE, "--compress: zstd, gzip, "
				    "lzo or 0, not '%s'", optarg);
			o.compress = optarg;
			break;
		case O_MODE:
			if (!one_of(optarg, modes))
				px_errx(PX_EXIT_USAGE, "--mode: snapshot, "
				    "suspend or stop, not '%s'", optarg);
			o.mode = optarg;
			break;
		case O_NOTES:
			o.notes = optarg;
			break;
		case O_STORAGE:
			o.storage = optarg;
			break;
		default:
			px_usage(&px_cmd_backup);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || o.storage == NULL)
		px_usage(&px_cmd_backup);
	vmids = batch_vmids(argc, argv, &n);
	if (cli_connect(&m.x, &e) != 0 || pve_guests(m.x.client, &all, &nall,
	    &e) != 0)
		px_die(&e);

	/* Every VMID known, grouped by node, each node's storage checked:
	 * all before the first request. */
	gr = px_xcalloc((size_t)n, sizeof(*gr));
	for (int i = 0; i < n; i++) {
		const struct pve_guest *g = NULL;
		int k;

		for (k = 0; k < nall && g == NULL; k++)
			if (all[k].vmid == vmids[i])
				g = &all[k];
		if (g == NULL) {
			px_fail(&e, PXE_NOT_FOUND, "no guest with VMID %d",
			    vmids[i]);
			px_hint(&e, "px ls guests lists them (check the "
			    "profile: -p)");
			px_die(&e);
		}
		for (k = 0; k < ng && strcmp(gr[k].node, g->node) != 0; k++)
			;
		if (k == ng) {
			snprintf(gr[ng].node, sizeof(gr[ng].node), "%s",
			    g->node);
			gr[ng].g = px_xcalloc((size_t)n, sizeof(*gr[ng].g));
			ng++;
		}
		gr[k].g[gr[k].n++] = *g;
	}
	for (int k = 0; k < ng; k++)
		if (mut_storage_check(m.x.client, o.storage, gr[k].node,
		    "backup", &e) != 0)
			px_die(&e);

	m.g.batch = n;
	for (int k = 0; k < ng; k++) {
		mut_row_init(&gr[k].row, "backup", NULL);
		build(&gr[k], &o, mut_gate_guest(&m, "backup", gr[k].g,
		    gr[k].n));
		mut_submit(&m, &gr[k].r, &gr[k].row, &gr[k].res, &gr[k].err);
	}
	for (int k = 0; k < ng; k++)
		mut_finish(&m, &gr[k].r, &gr[k].row, &gr[k].res, &gr[k].err);

	/* One row per guest, in the order given. */
	rows = px_xcalloc((size_t)n, sizeof(*rows));
	for (int k = 0, r = 0; k < ng; k++) {
		struct pve_log_line *log = NULL;
		int nl = 0, ended = strcmp(gr[k].row.result, "ok") == 0 ||
		    (gr[k].err.id == PXE_TASK_FAILED);

		if (ended && pve_task_log(m.x.client, gr[k].row.upid, 0, 0,
		    &log, &nl, &e) != 0)
			nl = 0;
		for (int i = 0; i < gr[k].n; i++, r++) {
			struct mut_row *w = &rows[r];
			int out;

			mut_row_init(w, "backup", &gr[k].g[i]);
			snprintf(w->result, sizeof(w->result), "%s",
			    gr[k].row.result);
			snprintf(w->upid, sizeof(w->upid), "%s",
			    gr[k].row.upid);
			w->failed = gr[k].row.failed;
			if (gr[k].row.failed)
				snprintf(w->message, sizeof(w->message), "%s",
				    gr[k].err.msg);
			if (!ended || nl == 0)
				continue;
			out = guest_outcome(log, nl, w->vmid, w->message,
			    sizeof(w->message));
			if (out > 0) {
				snprintf(w->result, sizeof(w->result), "ok");
				w->message[0] = '\0';
				w->failed = 0;
			} else if (out < 0) {
				snprintf(w->result, sizeof(w->result),
				    "failed");
				w->failed = 1;
			}
		}
		pve_log_free(log, nl);
	}
	for (int i = 0; i < n; i++) {
		if (rows[i].failed)
			nfail++;
		else
			nok++;
	}
	for (int k = 0; k < ng; k++)
		if (gr[k].row.failed) {
			px_report(&gr[k].err);
			if (first < 0)
				first = k;
		}
	for (int i = 0; i < n; i++)
		if (rows[i].failed && strstr(rows[i].message, "Backup of VM"))
			px_warn("%s", rows[i].message);
	rc = mut_print(&m, rows, n);
	if (nfail == 0)
		;
	else if (nok > 0)
		rc = PX_EXIT_USAGE;	/* partial */
	else if (first >= 0)
		rc = px_exit_code(&gr[first].err);
	else
		rc = PX_EXIT_FAIL;

	for (int k = 0; k < ng; k++) {
		free(gr[k].g);
		buf_free(&gr[k].path);
		buf_free(&gr[k].form);
	}
	free(gr);
	free(rows);
	free(all);
	free(vmids);
	mut_free(&m);
	return rc;
}
