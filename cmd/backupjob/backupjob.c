/*
 * backupjob -- the cluster's backup jobs (/cluster/backup): their list
 * and records, the guests each covers (included_volumes) and those no
 * job covers (backup-info/not-backed-up), and their life cycle: create,
 * set, enable, disable, delete -- each through the gate (objcli.h) --
 * and run one now.
 *
 * A schedule is checked against PVE's calendar-event grammar before
 * anything is sent (lib/calendar.h).  PVE has no endpoint that runs a
 * job: "Run now" in its web interface sends the job's parameters to
 * POST /nodes/{node}/vzdump; px does the same on each node that has
 * guests the job covers, and follows the tasks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_objrisk_jobs.h"

enum { O_SCHEDULE = PX_O_LONG, O_VMID, O_EXCLUDE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("id", "id", "create: the job's id (PVE makes one up "
	    "otherwise)"),
	{ O_SCHEDULE, "schedule", "event", "when it runs: a calendar event "
	    "(\"mon..fri 02:30\", \"sat *-1..7 15:00\", \"daily\")" },
	PX_PARAM("storage", "storage", "the storage the backups go to"),
	{ O_VMID, "vmid", "vmids", "the guests it backs up (comma list)" },
	PX_FLAG("all", "it backs up every guest"),
	{ O_EXCLUDE, "exclude", "vmids", "with --all: guests it leaves out "
	    "(comma list)" },
	PX_PARAM("pool", "pool", "it backs up the guests of this pool"),
	PX_PARAM("node", "node", "it runs only on this node"),
	PX_PARAM("mode", "mode", "snapshot, suspend or stop"),
	PX_PARAM("compress", "method", "0, gzip, lzo or zstd"),
	PX_PARAM("mailto", "addresses", "who gets its mail (comma list)"),
	PX_PARAM("notes-template", "template", "the backups' notes "
	    "({{guestname}} ...)"),
	PX_PARAM("prune-backups", "retention", "keep-daily=7,keep-weekly=4 "
	    "..."),
	PX_PARAM("enabled", "0|1", "whether it runs"),
	PX_PARAM("comment", "text", "the job's comment"),
	PX_OPT_END
};

PX_COMMAND(backupjob, "list, show, create, change, run and delete backup "
    "jobs", opts, NULL, "list | show id | create | set id | enable id | "
    "disable id | delete id | run id | included id | not-backed-up");

static const struct out_col list_cols[] = {
	{ "id", OT_STR, 0 }, { "enabled", OT_BOOL, 0 },
	{ "schedule", OT_STR, 0 }, { "next-run", OT_TIME, 0 },
	{ "guests", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "storage", OT_STR, 0 }, { "mode", OT_STR, 0 },
	{ "comment", OT_STR, 0 }, { "compress", OT_STR, OC_EXTRA },
	{ "prune-backups", OT_STR, OC_EXTRA },
	{ "notes-template", OT_STR, OC_EXTRA },
};
static const struct out_col unprotected_cols[] = {
	{ "vmid", OT_INT, 0 }, { "type", OT_STR, 0 }, { "name", OT_STR, 0 },
};
static const struct out_col included_cols[] = {
	{ "vmid", OT_INT, 0 }, { "type", OT_STR, 0 }, { "name", OT_STR, 0 },
	{ "included", OT_STR, 0 }, { "excluded", OT_STR, 0 },
};
#define NCOLS(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* A job id as PVE takes it (pve-configid). */
static void
check_id(const char *id)
{
	size_t n = strlen(id);

	if (n < 2 || n > 64 || !((id[0] >= 'a' && id[0] <= 'z') ||
	    (id[0] >= 'A' && id[0] <= 'Z')) || strspn(id,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "-_") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a backup job id (a letter, "
		    "then letters, digits, - and _)", id);
}

/* A comma list of VMIDs, normalised. */
static void
vmid_list(struct objcli *oc, const char *key, const char *list)
{
	struct buf b = { 0 };
	char *copy = strdup(list), *p, *save = NULL;

	if (copy == NULL)
		px_errx(PX_EXIT_FAIL, "out of memory");
	for (p = strtok_r(copy, ",; ", &save); p; p = strtok_r(NULL, ",; ",
	    &save)) {
		if (pve_parse_vmid(p) < 0)
			px_errx(PX_EXIT_USAGE, "--%s: '%s' is not a VMID", key,
			    p);
		buf_printf(&b, "%s%d", b.len ? "," : "", pve_parse_vmid(p));
	}
	free(copy);
	if (b.len == 0)
		px_errx(PX_EXIT_USAGE, "--%s: no VMID given", key);
	objcli_param(oc, key, b.p);
	buf_free(&b);
}

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

/* What job b selects: "all except 100", "pool prod", "100,101". */
static void
guests(struct buf *out, const struct pve_backup_job *b)
{
	if (b->all)
		buf_printf(out, "all%s%s", b->exclude[0] ? " except " : "",
		    b->exclude);
	else if (b->pool[0])
		buf_printf(out, "pool %s", b->pool);
	else
		buf_adds(out, b->vmid);
}

/* list: GET /cluster/backup, read by pve_backup_jobs_parse. */
static int
job_list(struct objcli *oc)
{
	struct pve_backup_job *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/cluster/backup");
	if (pve_backup_jobs_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, list_cols, NCOLS(list_cols));
	for (int i = 0; i < n; i++) {
		struct buf g = { 0 };

		guests(&g, &v[i]);
		out_row(o);
		out_str(o, 0, v[i].id);
		out_bool(o, 1, v[i].enabled);
		out_str(o, 2, nz(v[i].schedule));
		if (v[i].next_run)
			out_int(o, 3, v[i].next_run);
		out_str(o, 4, g.len ? g.p : NULL);
		out_str(o, 5, nz(v[i].node));
		out_str(o, 6, nz(v[i].storage));
		out_str(o, 7, nz(v[i].mode));
		out_str(o, 8, nz(v[i].comment));
		out_str(o, 9, nz(v[i].compress));
		out_str(o, 10, nz(v[i].prune_backups));
		out_str(o, 11, nz(v[i].notes_template));
		buf_free(&g);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

/* not-backed-up: the guests no job covers. */
static int
job_unprotected(struct objcli *oc)
{
	struct pve_unprotected *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "/cluster/backup-info/not-backed-up");
	if (pve_unprotected_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, unprotected_cols, NCOLS(unprotected_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_int(o, 0, v[i].vmid);
		out_str(o, 1, nz(v[i].type));
		out_str(o, 2, nz(v[i].name));
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

static void
job_path(struct buf *p, const char *id, const char *tail)
{
	buf_adds(p, "/cluster/backup/");
	url_seg(p, id);
	if (tail)
		buf_adds(p, tail);
}

/* create: the --id given (PVE makes one up otherwise). */
static const char *
form_id(const struct objcli *oc, char *id, size_t n)
{
	const char *p = oc->form.len ? oc->form.p : "";

	for (;;) {
		if (strncmp(p, "id=", 3) == 0) {
			snprintf(id, n, "%.*s", (int)strcspn(p + 3, "&"),
			    p + 3);
			check_id(id);
			return id;
		}
		if ((p = strchr(p, '&')) == NULL)
			return "(new)";
		p++;
	}
}

static int
job_write(struct objcli *oc, const char *verb, const char *id)
{
	struct objcli_change c = { .kind = "backupjob", .action = verb };
	struct objrisk_backupjob a = { id, 0 };
	struct buf path = { 0 };
	char summary[512], given[80];
	int rc;

	c.summary = summary;
	if (strcmp(verb, "create") == 0) {
		c.id = form_id(oc, given, sizeof(given));
		buf_adds(&path, "/cluster/backup");
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create backup job %s",
		    c.id);
	} else {
		check_id(id);
		c.id = id;
		job_path(&path, id, NULL);
		if (objcli_has(oc, "id"))
			px_errx(PX_EXIT_USAGE, "--id is for create");
		if (strcmp(verb, "set") == 0) {
			if (oc->nparams == 0)
				px_errx(PX_EXIT_USAGE, "set: nothing to change");
			c.method = "PUT";
			if (strncmp(oc->form.p, "enabled=0", 9) == 0 ||
			    strstr(oc->form.p, "&enabled=0") != NULL) {
				/* disabling through set is judged too */
				a.disable = 1;
				c.assess = objrisk_backupjob_remove;
				c.assess_arg = &a;
			}
			snprintf(summary, sizeof(summary), "set backup job %s",
			    id);
		} else if (strcmp(verb, "enable") == 0 ||
		    strcmp(verb, "disable") == 0) {
			objcli_no_params(oc, verb);
			c.method = "PUT";
			c.extra = verb[0] == 'e' ? "enabled=1" : "enabled=0";
			snprintf(summary, sizeof(summary), "%s backup job %s",
			    verb, id);
			if (verb[0] == 'd') {
				a.disable = 1;
				c.assess = objrisk_backupjob_remove;
				c.assess_arg = &a;
			}
		} else if (strcmp(verb, "delete") == 0) {
			objcli_no_params(oc, verb);
			c.method = "DELETE";
			c.destructive = 1;
			c.assess = objrisk_backupjob_remove;
			c.assess_arg = &a;
			snprintf(summary, sizeof(summary), "delete backup job "
			    "%s", id);
		} else {
			buf_free(&path);
			return -1;
		}
	}
	c.path = path.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	return rc;
}

/* The job's parameters that a vzdump run takes (what PVE's "Run now"
 * keeps): all but its scheduling and bookkeeping. */
static void
run_form(const struct json *j, int obj, struct buf *form)
{
	static const char *const skip[] = {
		"id", "schedule", "type", "node", "comment", "enabled",
		"next-run", "repeat-missed", "starttime", "dow", "digest",
	};
	int k, i;

	JSON_FOREACH_KV(j, obj, k, i) {
		char key[80];
		int v = k + 1, drop = 0;

		json_strcpy(j, k, key, sizeof(key));
		for (size_t s = 0; s < sizeof(skip) / sizeof(skip[0]); s++)
			drop |= strcmp(key, skip[s]) == 0;
		if (drop || json_is_null(j, v))
			continue;
		if (json_type(j, v) == JSON_OBJECT) {
			/* a property string: k=v,k=v */
			struct buf ps = { 0 };
			int k2, i2;

			JSON_FOREACH_KV(j, v, k2, i2) {
				char *pk = json_strdup(j, k2);
				char *pv = json_strdup(j, k2 + 1);

				buf_printf(&ps, "%s%s=%s", ps.len ? "," : "",
				    pk ? pk : "", pv ? pv : "");
				free(pk);
				free(pv);
			}
			if (ps.len)
				form_add(form, key, ps.p);
			buf_free(&ps);
		} else if (json_type(j, v) == JSON_ARRAY) {
			int c2, i2;

			JSON_FOREACH(j, v, c2, i2) {
				char *s = json_strdup(j, c2);

				if (s)
					form_add(form, key, s);
				free(s);
			}
		} else {
			char *s = json_strdup(j, v);

			if (s)
				form_add(form, key, s);
			free(s);
		}
	}
}

/* Run job id now: vzdump on each node with guests it covers. */
static int
job_run(struct objcli *oc, const char *id)
{
	struct pve_backup_job *jobs = NULL, *job = NULL;
	struct pve_resource *res = NULL;
	struct px_reply rj, rl, rr;
	struct buf path = { 0 }, form = { 0 };
	struct gate_req r;
	struct mut_row *rows;
	char (*nodes)[64];
	int *count;
	int nj = 0, nr = 0, nn = 0, rc;
	struct px_err e = { 0 };

	check_id(id);
	objcli_no_params(oc, "run");
	job_path(&path, id, NULL);
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &rj, &e, "%s", path.p) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    strstr(e.msg, "does not exist")))
			px_errx(PX_EXIT_NOTFOUND, "no backup job '%s' (%s)",
			    id, e.msg);
		px_die(&e);
	}
	run_form(&rj.j, rj.data, &form);
	objcli_get(oc, &rl, "/cluster/backup");
	if (pve_backup_jobs_parse(&rl.j, rl.data, &jobs, &nj, &e) != 0)
		px_die(&e);
	for (int i = 0; i < nj; i++)
		if (strcmp(jobs[i].id, id) == 0)
			job = &jobs[i];
	if (job == NULL)
		px_errx(PX_EXIT_NOTFOUND, "no backup job '%s'", id);
	/* run now runs a disabled job too, as PVE's button does */
	job->enabled = 1;
	objcli_get(oc, &rr, "/cluster/resources?type=vm");
	if (pve_resources_parse(&rr.j, rr.data, &res, &nr, &e) != 0)
		px_die(&e);
	nodes = calloc((size_t)nr + 1, sizeof(*nodes));
	count = calloc((size_t)nr + 1, sizeof(*count));
	if (nodes == NULL || count == NULL)
		px_errx(PX_EXIT_FAIL, "out of memory");
	for (int g = 0; g < nr; g++) {
		int k;

		if (!pve_backup_job_covers(job, &res[g]))
			continue;
		for (k = 0; k < nn && strcmp(nodes[k], res[g].node); k++)
			;
		if (k == nn)
			snprintf(nodes[nn++], sizeof(nodes[0]), "%s",
			    res[g].node);
		count[k]++;
	}
	if (nn == 0)
		px_errx(PX_EXIT_FAIL, "backup job %s covers no guest: nothing "
		    "to run", id);
	gate_req_init(&r, "run", "backupjob", nn);
	snprintf(r.summary, sizeof(r.summary), "run backup job %s now on "
	    "%d node%s", id, nn, nn == 1 ? "" : "s");
	snprintf(r.id, sizeof(r.id), "backupjob/%.80s", id);
	rows = calloc((size_t)nn, sizeof(*rows));
	if (rows == NULL)
		px_errx(PX_EXIT_FAIL, "out of memory");
	for (int k = 0; k < nn; k++) {
		struct gate_target *t = &r.t[k];
		struct buf np = { 0 };

		snprintf(t->id, sizeof(t->id), "node/%.80s", nodes[k]);
		snprintf(t->summary, sizeof(t->summary), "back up the %d "
		    "guest%s of job %s on %s", count[k], count[k] == 1 ? "" :
		    "s", id, nodes[k]);
		t->call.method = "POST";
		buf_adds(&np, "/nodes/");
		url_seg(&np, nodes[k]);
		buf_printf(&t->call.path, "%s/vzdump", np.p);
		buf_adds(&t->call.form, form.p ? form.p : "");
		buf_free(&np);
		snprintf(rows[k].name, sizeof(rows[k].name), "%s", id);
		snprintf(rows[k].node, sizeof(rows[k].node), "%s", nodes[k]);
	}
	rc = mutcli_run_rows(&oc->m, &r, rows);
	gate_req_free(&r);
	free(rows);
	free(nodes);
	free(count);
	free(jobs);
	free(res);
	px_reply_free(&rj);
	px_reply_free(&rl);
	px_reply_free(&rr);
	buf_free(&path);
	buf_free(&form);
	return rc;
}

/* The guests job id covers and which of their volumes it backs up. */
static int
job_included(struct objcli *oc, const char *id)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf path = { 0 };
	struct pve_backup_guest *v;
	struct out *o;
	int n, rc = 0;

	check_id(id);
	objcli_no_params(oc, "included");
	job_path(&path, id, "/included_volumes");
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "%s", path.p) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    strstr(e.msg, "does not exist")))
			px_errx(PX_EXIT_NOTFOUND, "no backup job '%s' (%s)",
			    id, e.msg);
		px_die(&e);
	}
	if (pve_backup_included_parse(&r.j, r.data, &v, &n, &e) != 0) {
		struct px_err why = e;

		px_fail(&e, why.id, "GET %s: %s", path.p, why.msg);
		px_die(&e);
	}
	o = out_new(&oc->m.x.out, included_cols, NCOLS(included_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_int(o, 0, v[i].vmid);
		out_str(o, 1, nz(v[i].type));
		out_str(o, 2, nz(v[i].name));
		out_str(o, 3, nz(v[i].included));
		out_str(o, 4, nz(v[i].excluded));
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	buf_free(&path);
	return rc;
}

int
backupjob_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	int ch, rc;
	struct px_getopt g;
	const char *verb;
	char why[256];

	objcli_init(&oc, &px_cmd_backupjob);
	px_getopt_init(&g, &px_cmd_backupjob, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_SCHEDULE:
			if (calendar_check(g.arg, why, sizeof(why)) != 0)
				px_errx(PX_EXIT_USAGE, "--schedule '%s': not a "
				    "calendar event: %s", g.arg, why);
			objcli_param(&oc, "schedule", g.arg);
			break;
		case O_VMID:
			vmid_list(&oc, "vmid", g.arg);
			break;
		case O_EXCLUDE:
			vmid_list(&oc, "exclude", g.arg);
			break;
		default:
			px_usage(&px_cmd_backupjob);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_backupjob);
	verb = argv[0];
	if (strcmp(verb, "list") == 0 || strcmp(verb, "not-backed-up") == 0 ||
	    strcmp(verb, "create") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_backupjob);
		if (verb[0] == 'c') {
			rc = job_write(&oc, verb, NULL);
		} else {
			objcli_no_params(&oc, verb);
			rc = verb[0] == 'l' ? job_list(&oc) :
			    job_unprotected(&oc);
		}
	} else if (argc != 2) {
		px_usage(&px_cmd_backupjob);
	} else if (strcmp(verb, "show") == 0) {
		char what[128];

		check_id(argv[1]);
		objcli_no_params(&oc, verb);
		job_path(&path, argv[1], NULL);
		snprintf(what, sizeof(what), "backup job '%s'", argv[1]);
		rc = objcli_show(&oc, path.p, what);
	} else if (strcmp(verb, "run") == 0) {
		rc = job_run(&oc, argv[1]);
	} else if (strcmp(verb, "included") == 0) {
		rc = job_included(&oc, argv[1]);
	} else if ((rc = job_write(&oc, verb, argv[1])) < 0) {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, enable, disable, delete, run, included, "
		    "not-backed-up)", verb);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
