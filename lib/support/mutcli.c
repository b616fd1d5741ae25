/* mutcli.c -- the command line's side of the mutation layer (mutcli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mutcli.h"
#include "pve_cond.h"
#include "pve_guest.h"

enum { R_VMID, R_NAME, R_NODE, R_ACTION, R_RESULT, R_UPID, R_MESSAGE, R_N };

/* The columns of every change's rows: a contract (px(1)). */
static const struct out_col row_cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "action", OT_STR, 0 }, { "result", OT_STR, 0 },
	{ "upid", OT_STR, OC_EXTRA }, { "message", OT_STR, 0 },
};

/* ---- the user interface of a run ---- */

static int
ui_confirm(void *arg, const struct gate_req *r, struct px_err *e)
{
	char line[16];

	(void)arg;
	if (!isatty(STDIN_FILENO)) {
		px_fail(e, PXE_USAGE, "%s needs -y when standard input is not "
		    "a terminal", r->summary);
		return -1;
	}
	fprintf(stderr, "%s: %s? [y/N] ", px_progname, r->summary);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static void
ui_checked(void *arg, const struct gate_req *r)
{
	struct mutcli *m = arg;

	if (m->quiet)
		return;
	risk_print(&r->risk, px_progname, stderr);
	for (int i = 0; i < r->n; i++)
		risk_print(&r->t[i].risk, px_progname, stderr);
}

static void
ui_would_send(void *arg, const char *text)
{
	(void)arg;
	printf("would send: %s\n", text);
}

static void
ui_progress(void *arg, int row, const char *what, const struct pve_task *t,
    double waited)
{
	struct mutcli *m = arg;

	(void)row;
	if (m->tty && !(m->o.follow_log && m->line))
		fprintf(stderr, "\r%s: %s %.0fs ", what, t->running ?
		    "running" : t->status, waited);
}

static void
ui_line(void *arg, int row, const struct pve_log_line *l)
{
	struct mutcli *m = arg;

	if (m->line)
		m->line(m->line_arg, row, l);
}

static void
ui_followed(void *arg, int row)
{
	struct mutcli *m = arg;

	(void)row;
	if (m->tty && !(m->o.follow_log && m->line))
		fprintf(stderr, "\r\033[K");
}

static void
gate_warn(void *arg, const char *msg)
{
	(void)arg;
	px_warn("warning: %s", msg);
}

void
mutcli_init(struct mutcli *m, const struct px_command *cmd)
{
	memset(m, 0, sizeof(*m));
	m->cmd = cmd;
	cli_init(&m->x);
	m->tty = isatty(STDERR_FILENO);
	m->ui.confirm = ui_confirm;
	m->ui.checked = ui_checked;
	m->ui.would_send = ui_would_send;
	m->ui.progress = ui_progress;
	m->ui.line = ui_line;
	m->ui.followed = ui_followed;
	m->ui.arg = m;
}

int
mutcli_opt(struct mutcli *m, int ch, const char *arg)
{
	double t;

	switch (ch) {
	case 'n':
		m->g.dry_run = 1;
		return 1;
	case 'y':
		m->g.yes = 1;
		return 1;
	case PX_O_ALLOW_RISK:
		m->g.allow_risk = 1;
		return 1;
	case PX_O_APPROVE_ASYNC:
		m->g.approve_async = 1;
		return 1;
	case PX_O_NO_WAIT:
		m->o.no_wait = 1;
		return 1;
	case PX_O_TIMEOUT:
		if ((t = pve_parse_seconds(arg)) < 0)
			px_errx(PX_EXIT_USAGE, "--timeout: not a duration: "
			    "'%s'", arg);
		m->o.timeout = t;
		return 1;
	case PX_O_POLICY:
		if (mutation_parse_policy(arg, &m->o) != 0)
			px_errx(PX_EXIT_USAGE, "--policy: all, canary[=N] or "
			    "rolling[=K], not '%s'", arg);
		m->has_policy = 1;
		return 1;
	}
	return cli_opt(&m->x, ch, arg);
}

void
mutcli_connect(struct mutcli *m)
{
	struct px_err e = { 0 };
	int yes = m->g.yes, dry = m->g.dry_run, risk = m->g.allow_risk;
	int async = m->g.approve_async;

	if (m->o.no_wait && m->o.policy != MUTATION_ALL)
		px_errx(PX_EXIT_USAGE, "--policy %s needs to wait for each "
		    "task: not with --no-wait", m->o.policy ==
		    MUTATION_CANARY ? "canary" : "rolling");
	if (cli_connect(&m->x, &e) != 0)
		px_die(&e);
	gate_init(&m->g, &m->x.conf, m->x.p, m->x.client);
	m->g.yes = yes;
	m->g.dry_run = dry;
	m->g.allow_risk = risk;
	m->g.approve_async = async;
	m->g.warn = gate_warn;
	/* a change px daemon makes through a child px (its reconcile part)
	 * is audited "... via px daemon reconcile": only that form, a
	 * label, never a permission */
	{
		const char *via = getenv("PX_DAEMON_VIA");

		if (via && strncmp(via, "px daemon ", 10) == 0 &&
		    strlen(via) < 64 && !conf_has_ctl(via))
			m->g.via = via;
	}
}

void
mutcli_free(struct mutcli *m)
{
	gate_free(&m->g);
	cli_free(&m->x);
}

int *
mutcli_vmids(struct mutcli *m, int argc, char **argv, int *n)
{
	int *v = px_xcalloc((size_t)argc + 1, sizeof(*v));

	(void)m;
	for (int i = 0; i < argc; i++) {
		if ((v[i] = pve_parse_vmid(argv[i])) < 0)
			px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[i]);
		for (int k = 0; k < i; k++)
			if (v[k] == v[i])
				px_errx(PX_EXIT_USAGE, "VMID %d given twice",
				    v[i]);
	}
	*n = argc;
	return v;
}

struct pve_guest *
mutcli_guests(struct mutcli *m, const int *vmids, int n)
{
	struct pve_guest *all = NULL, *out;
	struct px_err e = { 0 };
	int nall = 0;

	if (pve_guests(m->x.client, &all, &nall, &e) != 0)
		px_die(&e);
	out = px_xcalloc((size_t)n + 1, sizeof(*out));
	for (int i = 0; i < n; i++) {
		int k;

		for (k = 0; k < nall && all[k].vmid != vmids[i]; k++)
			;
		if (k == nall)
			out[i].vmid = vmids[i];
		else
			out[i] = all[k];
	}
	free(all);
	return out;
}

int
mutcli_target_guest(struct gate_req *r, int i, const struct pve_guest *g)
{
	struct gate_target *t = &r->t[i];

	gate_target_guest(t, g);
	if (g->node[0] != '\0')
		return 0;
	t->refused = 1;
	px_fail(&t->err, PXE_NOT_FOUND, "no guest with VMID %d", g->vmid);
	px_hint(&t->err, "px ls guests lists them (check the profile: -p)");
	return -1;
}

struct pve_guest *
mutcli_guest_req(struct mutcli *m, struct gate_req *r, const char *action,
    int argc, char **argv)
{
	struct pve_guest *guests;
	int n, *vmids;

	vmids = mutcli_vmids(m, argc, argv, &n);
	mutcli_connect(m);
	guests = mutcli_guests(m, vmids, n);
	free(vmids);
	gate_req_init(r, action, "guest", n);
	for (int i = 0; i < n; i++)
		mutcli_target_guest(r, i, &guests[i]);
	return guests;
}

int
mutcli_status(const struct mut_row *rows, int n)
{
	int nok = 0, nfail = 0, first = -1;

	for (int i = 0; i < n; i++) {
		if (rows[i].failed) {
			nfail++;
			if (first < 0 && rows[i].err.id != PXE_OK)
				first = i;
		} else {
			nok++;
		}
	}
	if (nfail == 0)
		return 0;
	if (nok > 0)
		return PX_EXIT_USAGE;	/* partial */
	return first >= 0 ? px_exit_code(&rows[first].err) : PX_EXIT_FAIL;
}

int
mutcli_print_extra(struct mutcli *m, const struct mut_row *rows, int n,
    const struct out_col *extra, int nextra,
    void (*fill)(struct out *o, int row, int base, void *arg), void *arg)
{
	struct out_col *cols = px_xcalloc((size_t)(R_N + nextra),
	    sizeof(*cols));
	int tail = R_RESULT + nextra;	/* result, upid, message */
	struct out *o;
	struct px_err e;
	int rc = 0;

	memcpy(cols, row_cols, R_RESULT * sizeof(*cols));
	if (nextra > 0)
		memcpy(cols + R_RESULT, extra, (size_t)nextra * sizeof(*cols));
	memcpy(cols + tail, row_cols + R_RESULT, (R_N - R_RESULT) *
	    sizeof(*cols));
	o = out_new(&m->x.out, cols, R_N + nextra);
	for (int i = 0; i < n; i++) {
		out_row(o);
		if (rows[i].vmid > 0)
			out_int(o, R_VMID, rows[i].vmid);
		out_str(o, R_NAME, rows[i].name[0] ? rows[i].name : NULL);
		out_str(o, R_NODE, rows[i].node[0] ? rows[i].node : NULL);
		out_str(o, R_ACTION, rows[i].action);
		if (fill)
			fill(o, i, R_RESULT, arg);
		out_str(o, tail, rows[i].result);
		out_str(o, tail + 1, rows[i].upid[0] ? rows[i].upid : NULL);
		out_str(o, tail + 2, rows[i].message[0] ? rows[i].message :
		    NULL);
		if (rows[i].failed)
			out_row_error(o);
	}
	if (cli_print(&m->x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(cols);
	return rc;
}

int
mutcli_print(struct mutcli *m, const struct mut_row *rows, int n)
{
	return mutcli_print_extra(m, rows, n, NULL, 0, NULL, NULL);
}

int
mutcli_run_rows(struct mutcli *m, struct gate_req *r, struct mut_row *rows)
{
	struct px_err e = { 0 };
	int n = mutation_nrows(r), rc, prc;

	mutation_run(&m->g, r, &m->o, &m->ui, rows, &e);
	/* The failures' messages (with hints) on stderr too, for humans
	 * and logs; the rows stay on stdout. */
	for (int i = 0; i < n; i++) {
		int seen = 0;

		if (rows[i].err.id == PXE_OK)
			continue;
		/* a refusal of the whole change is the same on every row:
		 * say it once */
		for (int k = 0; k < i && !seen; k++)
			seen = rows[k].err.id == rows[i].err.id &&
			    strcmp(rows[k].err.msg, rows[i].err.msg) == 0;
		if (!seen)
			px_report(&rows[i].err);
	}
	rc = mutcli_status(rows, n);
	prc = mutcli_print(m, rows, n);
	return rc ? rc : prc;
}

int
mutcli_run(struct mutcli *m, struct gate_req *r)
{
	int n = mutation_nrows(r), rc;
	struct mut_row *rows = px_xcalloc((size_t)n + 1, sizeof(*rows));

	rc = mutcli_run_rows(m, r, rows);
	free(rows);
	return rc;
}

/* The gate request of change c, with one target of its own. */
static void
change_build(const struct mutcli_change *c, struct gate_req *r)
{
	struct gate_target *t;

	gate_req_init(r, c->action, c->kind, 1);
	t = &r->t[0];
	snprintf(t->id, sizeof(t->id), "%s/%.80s", c->kind, c->id);
	snprintf(t->summary, sizeof(t->summary), "%s", c->summary);
	snprintf(r->summary, sizeof(r->summary), "%s", c->summary);
	snprintf(r->id, sizeof(r->id), "%s", t->id);
	t->call.method = c->method;
	t->call.redact = c->redact;
	buf_adds(&t->call.path, c->path);
	if (c->form && c->form[0])
		buf_adds(&t->call.form, c->form);
	r->destructive = c->destructive;
	r->assess = c->assess;
	r->assess_arg = c->assess_arg;
}

int
mutcli_change(struct mutcli *m, const struct mutcli_change *c)
{
	struct gate_req r;
	struct mut_row row;
	int rc;

	change_build(c, &r);
	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%s", c->name ? c->name : c->id);
	if (c->node)
		snprintf(row.node, sizeof(row.node), "%s", c->node);
	rc = mutcli_run_rows(m, &r, &row);
	gate_req_free(&r);
	return rc;
}

int
mutcli_change_answer(struct mutcli *m, const struct mutcli_change *c,
    struct gate_result *res)
{
	struct gate_req r;
	struct px_err e = { 0 };

	change_build(c, &r);
	memset(res, 0, sizeof(*res));
	if (mutation_admit(&m->g, &r, &m->ui, &e) != 0 ||
	    gate_send(&m->g, &r, 0, res, &e) != 0) {
		gate_req_free(&r);
		return px_report(&e);
	}
	if (res->dry_run && m->ui.would_send)
		m->ui.would_send(m->ui.arg, res->would_send);
	gate_req_free(&r);
	return 0;
}
