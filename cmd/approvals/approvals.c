/*
 * approvals -- the queue of changes waiting for approval by px daemon
 * (lib/approvals.h): list them, show one, cancel one that is not
 * decided yet (audited).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approvals.h"
#include "cli.h"
#include "freeze.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT,
	PX_OPT_SORT,
	PX_OPT_END
};

PX_COMMAND(approvals, "list, show and cancel changes queued for approval",
    opts, NULL, "list | show id | cancel id");

static const struct out_col cols[] = {
	{ "id", OT_INT, 0 },
	{ "state", OT_STR, 0 },
	{ "profile", OT_STR, 0 },
	{ "action", OT_STR, 0 },
	{ "summary", OT_STR, 0 },
	{ "policy", OT_STR, OC_EXTRA },
	{ "requester", OT_STR, OC_EXTRA },
	{ "approver", OT_STR, 0 },
	{ "created", OT_TIME, 0 },
	{ "updated", OT_TIME, OC_EXTRA },
	{ "expires", OT_TIME, OC_EXTRA },
	{ "targets", OT_INT, OC_EXTRA },
	{ "intact", OT_BOOL, OC_EXTRA },
	{ "result", OT_STR, 0 },
};
enum { C_ID, C_STATE, C_PROFILE, C_ACTION, C_SUMMARY, C_POLICY, C_REQUESTER,
	C_APPROVER, C_CREATED, C_UPDATED, C_EXPIRES, C_TARGETS, C_INTACT,
	C_RESULT, C_N };

static void
row(struct out *o, const struct approval *a, int with_seal)
{
	out_row(o);
	out_int(o, C_ID, a->id);
	out_str(o, C_STATE, approval_state_name(a->state));
	out_str(o, C_PROFILE, a->profile);
	out_str(o, C_ACTION, a->action);
	out_str(o, C_SUMMARY, a->summary);
	out_str(o, C_POLICY, a->policy);
	out_str(o, C_REQUESTER, a->requester);
	out_str(o, C_APPROVER, a->approver[0] ? a->approver : NULL);
	out_int(o, C_CREATED, a->created);
	out_int(o, C_UPDATED, a->updated);
	if (a->expires)
		out_int(o, C_EXPIRES, a->expires);
	out_int(o, C_TARGETS, a->ntargets);
	if (with_seal)
		out_int(o, C_INTACT, a->intact);
	out_str(o, C_RESULT, a->result[0] ? a->result : NULL);
	if (a->state == APPR_FAILED || a->state == APPR_UNKNOWN ||
	    (with_seal && !a->intact))
		out_row_error(o);
}

static long long
id_arg(const char *s)
{
	long long id = approval_parse_id(s);

	if (id < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not an approval id (a number "
		    "from px approvals list)", s);
	return id;
}

/* Audit the cancellation as the refusal of every request it held. */
static void
audit_cancel(struct px_cli *x, struct approval *a)
{
	const struct px_profile *p;
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 }, why;
	char via[64];
	int risk;

	if ((p = conf_profile(&x->conf, a->profile, PX_KIND_PVE, &e)) == NULL &&
	    (p = conf_profile(&x->conf, a->profile, PX_KIND_PBS, &e)) == NULL) {
		px_warn("warning: approval %lld: cancellation not audited: %s",
		    a->id, e.msg);
		return;
	}
	if (approval_request(a, &r, &risk, &e) != 0) {
		gate_req_init(&r, "approval", "approval", 0);
		snprintf(r.id, sizeof(r.id), "approval/%lld", a->id);
		snprintf(r.summary, sizeof(r.summary), "approval %lld", a->id);
		r.call.method = "-";
	}
	gate_init(&g, &x->conf, p, NULL);
	snprintf(via, sizeof(via), "approval %lld", a->id);
	g.via = via;
	px_fail(&why, PXE_HITL_DENIED, "cancelled by %s (approval %lld)",
	    px_whoami(), a->id);
	gate_refuse_all(&g, &r, "refused-cancelled", &why);
	gate_free(&g);
	gate_req_free(&r);
}

int
approvals_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_getopt g;
	struct px_err e = { 0 };
	struct approvals *q;
	struct approval *v = NULL, a;
	struct out *o;
	const char *sub;
	int ch, n = 0, rc = 0;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_approvals, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_approvals);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_approvals);
	sub = argv[0];
	if (strcmp(sub, "list") == 0 ? argc != 1 :
	    (strcmp(sub, "show") == 0 || strcmp(sub, "cancel") == 0) ?
	    argc != 2 : 1)
		px_usage(&px_cmd_approvals);
	if (cli_load(&x, &e) != 0 || (q = approvals_open(NULL, &e)) == NULL)
		px_die(&e);
	if (strcmp(sub, "list") == 0) {
		if (approvals_list(q, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&x.out, cols, C_N);
		for (int i = 0; i < n; i++)
			row(o, &v[i], 0);
		rc = cli_print(&x, o, &e) != 0 ? px_report(&e) : 0;
		out_free(o);
		approvals_list_free(v, n);
	} else if (strcmp(sub, "show") == 0) {
		if (approvals_get(q, id_arg(argv[1]), &a, &e) != 0)
			px_die(&e);
		o = out_new(&x.out, cols, C_N);
		row(o, &a, 1);
		rc = cli_print(&x, o, &e) != 0 ? px_report(&e) : 0;
		out_free(o);
		if (!a.intact && rc == 0) {
			px_warn("approval %lld does not match its seal: it was "
			    "changed outside px and will not run", a.id);
			rc = PX_EXIT_CONFIG;
		}
		approval_free(&a);
	} else {
		long long id = id_arg(argv[1]);

		if (approvals_get(q, id, &a, &e) != 0 ||
		    approvals_cancel(q, id, px_whoami(), &e) != 0)
			px_die(&e);
		audit_cancel(&x, &a);
		printf("approval %lld cancelled: %s\n", id, a.summary);
		approval_free(&a);
	}
	approvals_close(q);
	cli_free(&x);
	return rc;
}
