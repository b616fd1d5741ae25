/*
 * approvals.c -- the daemon's approvals part: the changes queued with
 * --approve-async (or a [policy] with mode = async, lib/approvals.h) are
 * asked about on Telegram, the answers read, the approved ones carried
 * out once through the gate (read-only, freeze and risk checked again
 * on fresh state; no second approval), the unanswered ones expired.
 * A row left "running" by a daemon that died is judged from the audit
 * log: never sent again blindly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "approvals.h"
#include "audit.h"
#include "clock.h"
#include "daemon.h"
#include "gate.h"
#include "hitl.h"
#include "mutation.h"
#include "pve.h"
#include "pve_task.h"

/* A followed row whose task status cannot be read (its node is gone,
 * the API unreachable) since: after UNREADABLE_LIMIT seconds of that,
 * its outcome is unknown and the row says so, rather than running for
 * ever.  Kept in memory for the process (a reload keeps it, a restart
 * starts the count again). */
#define UNREADABLE_LIMIT	3600

static struct unreadable {
	long long id, since;
} *unread_rows;
static int nunread_rows;

struct appr_cfg {
	long long offset;	/* Telegram updates seen */
	int bot_warned;
};

static int
appr_load(struct daemon *d, const struct px_conf *c, void **cfg,
    struct px_err *e)
{
	(void)d;
	(void)c;
	(void)e;
	*cfg = px_xcalloc(1, sizeof(struct appr_cfg));
	return 0;
}

static void
appr_free(void *cfg)
{
	free(cfg);
}

/* Since when approval id's task status has been unreadable: set to now
 * when first seen (set), forgotten when readable (!set). */
static long long
unreadable_since(long long id, int set, long long now)
{
	int i;

	for (i = 0; i < nunread_rows && unread_rows[i].id != id; i++)
		;
	if (!set) {
		if (i < nunread_rows)
			unread_rows[i] = unread_rows[--nunread_rows];
		return 0;
	}
	if (i == nunread_rows) {
		unread_rows = px_xrealloc(unread_rows, (size_t)(i + 1) *
		    sizeof(*unread_rows));
		unread_rows[i].id = id;
		unread_rows[i].since = now;
		nunread_rows++;
	}
	return unread_rows[i].since;
}

static const struct px_profile *
profile_of(struct daemon *d, const char *name, struct px_err *e)
{
	const struct px_profile *p;

	if ((p = conf_profile(&d->conf, name, PX_KIND_PVE, e)) != NULL)
		return p;
	return conf_profile(&d->conf, name, PX_KIND_PBS, e);
}

/* Audit a refusal of a (denied, expired, cancelled, tampered) through
 * the gate, as every refusal is. */
static void
audit_refusal(struct daemon *d, struct approval *a, const char *decision,
    const struct px_err *why)
{
	const struct px_profile *p;
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };
	char via[64];
	int risk;

	if ((p = profile_of(d, a->profile, &e)) == NULL) {
		dlog(d, DL_WARNING, "approvals", "approval %lld: not audited: "
		    "%s", a->id, e.msg);
		return;
	}
	if (approval_request(a, &r, &risk, &e) != 0) {
		/* nothing trustworthy to name: one row for the request */
		gate_req_init(&r, "approval", "approval", 0);
		snprintf(r.id, sizeof(r.id), "approval/%lld", a->id);
		snprintf(r.summary, sizeof(r.summary), "approval %lld", a->id);
		r.call.method = "-";
	}
	gate_init(&g, &d->conf, p, NULL);
	snprintf(via, sizeof(via), "approval %lld", a->id);
	g.via = via;
	gate_refuse_all(&g, &r, decision, why);
	gate_free(&g);
	gate_req_free(&r);
}

static void
runner_id(char *out, size_t n)
{
	char host[128];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "%ld@%s", (long)getpid(), host);
}

/*
 * Is the runner "pid@host" still carrying the row out?  This daemon
 * holds the data directory's daemon.lock (daemon.c), where approvals.db
 * lives, so on this host no other daemon runs: a runner that is not this
 * process is gone, whatever process now has its pid (after a reboot, or
 * pids wrapping, kill(pid, 0) would see a stranger and keep the row
 * running for ever).
 */
static int
runner_alive(const char *runner)
{
	char me[160], *at;
	long pid;

	runner_id(me, sizeof(me));
	at = strchr(runner, '@');
	if (at == NULL || strcmp(at, strchr(me, '@')) != 0)
		return 1;	/* another host: not ours to judge */
	pid = strtol(runner, NULL, 10);
	return pid == (long)getpid();
}

/*
 * A row whose tasks this host's daemon follows: its runner is "pid@host
 * tasks".  carry_out sends the requests without waiting for the tasks
 * (a migration can take an hour, and the daemon's loop serves the
 * exporter, the alerts and the other approvals meanwhile); each step
 * then judges the row from the audit log and asks the cluster for the
 * tasks' ends, as after a restart.
 */
#define FOLLOWING	" tasks"

static int
following(const char *runner)
{
	char me[160];
	size_t n = strlen(runner), f = strlen(FOLLOWING), h;
	const char *at = strchr(runner, '@');

	if (at == NULL || n < f || strcmp(runner + n - f, FOLLOWING) != 0)
		return 0;
	runner_id(me, sizeof(me));
	h = strlen(strchr(me, '@'));
	return (size_t)(runner + n - f - at) == h &&
	    strncmp(at, strchr(me, '@'), h) == 0;
}

#define SEEN_UPIDS	64

/* What the audit log says a stopped daemon sent for one approval. */
struct seen {
	char via[80];
	int intents, results, bad;
	int lost;		/* results "unknown": sent, the answer lost */
	int tasks;		/* started, their end not recorded */
	char upid[SEEN_UPIDS][256];
};

static int
on_audit(const struct audit_entry *ent, void *arg)
{
	struct seen *s = arg;
	size_t n = strlen(s->via), u = ent->user ? strlen(ent->user) : 0;

	if (u < n || strcmp(ent->user + u - n, s->via) != 0)
		return 0;
	if (ent->decision && strcmp(ent->decision, "result") == 0) {
		s->results++;
		if (ent->result && strcmp(ent->result, "unknown") == 0)
			s->lost++;
		else if (ent->result && strcmp(ent->result, "OK") != 0 &&
		    strcmp(ent->result, "submitted") != 0)
			s->bad++;
		else if (ent->result && ent->upid && *ent->upid &&
		    strcmp(ent->result, "submitted") == 0) {
			if (s->tasks < SEEN_UPIDS)
				snprintf(s->upid[s->tasks], sizeof(s->upid[0]),
				    "%s", ent->upid);
			s->tasks++;
		}
	} else if (ent->decision && strcmp(ent->decision, "task") == 0 &&
	    ent->upid) {
		/* a task whose end the stopped daemon did see */
		for (int i = 0; i < s->tasks && i < SEEN_UPIDS; i++)
			if (strcmp(s->upid[i], ent->upid) == 0) {
				memmove(s->upid[i], s->upid[i + 1],
				    (size_t)(SEEN_UPIDS - i - 1) *
				    sizeof(s->upid[0]));
				s->tasks--;
				if (ent->result && strcmp(ent->result, "OK"))
					s->bad++;
				break;
			}
	} else if (ent->result && strcmp(ent->result, "pending") == 0) {
		s->intents++;
	}
	return 0;
}

/*
 * The end of a task that a stopped daemon started, as the restarted one
 * learnt it from the cluster: one "task" row, like the one the gate
 * writes when it follows a task itself (so a later restart sees it too),
 * naming the UPID and its exit status.
 */
static void
audit_task_end(struct daemon *d, const struct approval *a, const char *upid,
    const char *exitstatus, int followed, const char *unread)
{
	struct audit_entry ent = { 0 };
	struct audit *au;
	struct px_err e = { 0 };
	char who[160], target[48], params[640];

	snprintf(who, sizeof(who), "px daemon via approval %lld", a->id);
	snprintf(target, sizeof(target), "approval/%lld", a->id);
	if (unread != NULL)
		snprintf(params, sizeof(params), "approval %lld: %s: the "
		    "task's status could not be read for %d s (%s); its "
		    "outcome is unknown", a->id, a->summary, UNREADABLE_LIMIT,
		    unread);
	else
		snprintf(params, sizeof(params), "approval %lld: %s: the "
		    "task's end asked of the cluster%s", a->id, a->summary,
		    followed ? "" : " after a daemon restart");
	ent.profile = a->profile;
	ent.user = who;
	ent.action = a->action;
	ent.target = target;
	ent.params = params;
	ent.decision = "task";
	ent.upid = upid;
	ent.result = exitstatus;
	if ((au = audit_open(&e)) == NULL || audit_append(au, &ent, &e) != 0)
		dlog(d, DL_ERR, "approvals", "approval %lld: task %s ended "
		    "%s, not audited: %s", a->id, upid, exitstatus, e.msg);
	audit_close(au);
}

/*
 * The tasks a stopped daemon started but did not follow to their end,
 * asked of the cluster: 0 when every one has ended (s->bad counts the
 * failed ones; each end is audited), 1 when one still runs, 2 when the
 * status of one could not be read (the first such error in why; its
 * UPID keeps unread[i] set), -1 when there are too many to follow.  The
 * row stays running on 1 and 2 and is judged again at the next step.
 */
static int
tasks_ended(struct daemon *d, const struct approval *a, struct seen *s,
    char *unread, char *why, size_t nwhy)
{
	const struct px_profile *p;
	struct px_client_opts co = { 0 };
	struct px_client *cl;
	struct px_err e = { 0 };
	int running = 0, bad = 0;

	if (s->tasks > SEEN_UPIDS) {
		dlog(d, DL_WARNING, "approvals", "approval %lld: %d tasks "
		    "started; px follows at most %d after a restart", a->id,
		    s->tasks, SEEN_UPIDS);
		return -1;
	}
	if ((p = profile_of(d, a->profile, &e)) == NULL ||
	    (cl = px_client_new(&d->conf, p, &co, &e)) == NULL) {
		dlog(d, DL_WARNING, "approvals", "approval %lld: cannot ask "
		    "for its tasks: %s", a->id, e.msg);
		snprintf(why, nwhy, "%.200s", e.msg);
		for (int i = 0; i < s->tasks; i++)
			unread[i] = 1;
		return 2;
	}
	/* one status request a task, no waiting: a task that runs on is
	 * asked again at the next step */
	for (int i = 0; i < s->tasks; i++) {
		struct pve_task t = { 0 };

		if (pve_task_status(cl, s->upid[i], &t, &e) != 0) {
			if (bad++ == 0)
				snprintf(why, nwhy, "%.200s", e.msg);
			unread[i] = 1;
			dlog(d, DL_INFO, "approvals", "approval %lld: task "
			    "%s: %s", a->id, s->upid[i], e.msg);
		} else if (t.running) {
			running = 1;
		} else if (t.ok) {
			audit_task_end(d, a, s->upid[i], "OK",
			    following(a->runner), NULL);
		} else {
			audit_task_end(d, a, s->upid[i], t.exitstatus[0] ?
			    t.exitstatus : "unknown error",
			    following(a->runner), NULL);
			s->bad++;
		}
	}
	px_client_free(cl);
	return bad ? 2 : running;
}

/* A row left running by a daemon that is gone, or whose tasks this
 * daemon follows: decide from the audit log what happened. */
static void
recover(struct daemon *d, struct approvals *q, struct approval *a)
{
	struct seen s = { 0 };
	struct audit *au;
	struct px_err e = { 0 };
	struct appr_update u = { 0 };
	char res[512], why[256] = "", unread[SEEN_UPIDS] = { 0 };
	long long now = px_now(), since = now;
	int rc, nun = 0, mine = following(a->runner);

	if (!mine && runner_alive(a->runner))
		return;
	snprintf(s.via, sizeof(s.via), " via approval %lld", a->id);
	if ((au = audit_open(&e)) == NULL ||
	    audit_each(au, a->created > 60 ? a->created - 60 : 0, 0, on_audit,
	    &s, &e) != 0) {
		audit_close(au);
		dlog(d, DL_ERR, "approvals", "approval %lld: cannot read the "
		    "audit log: %s", a->id, e.msg);
		return;
	}
	audit_close(au);
	if (s.intents == 0) {
		/* nothing left px: carry it out now, as approved */
		u.result = "a daemon stopped before sending anything; run again";
		if (approvals_move(q, a->id, APPR_BIT(APPR_RUNNING),
		    APPR_APPROVED, &u, &e) < 0)
			dlog(d, DL_ERR, "approvals", "%s", e.msg);
		else
			dlog(d, DL_NOTICE, "approvals", "approval %lld: its "
			    "daemon stopped before sending anything; it runs "
			    "again", a->id);
		return;
	}
	if (s.results >= s.intents && s.lost == 0 && s.tasks > 0 &&
	    (rc = tasks_ended(d, a, &s, unread, why, sizeof(why))) != 0) {
		if (rc == 1 || (rc == 2 && (since = unreadable_since(a->id,
		    1, now)) > now - UNREADABLE_LIMIT)) {
			if (rc == 1)
				unreadable_since(a->id, 0, now);
			return;	/* judged again later */
		}
		if (rc == 2) {
			/* unreadable for an hour: its outcome is unknown */
			for (int i = 0; i < s.tasks; i++)
				if (unread[i]) {
					audit_task_end(d, a, s.upid[i],
					    "unknown", mine, why);
					nun++;
				}
			snprintf(res, sizeof(res), "outcome unknown: the status "
			    "of %d of %d task%s could not be read for %lld s "
			    "(%.200s); check the cluster (px tasks, px audit) "
			    "- it is not sent again", nun, s.tasks, s.tasks ==
			    1 ? "" : "s", now - since, why);
			unreadable_since(a->id, 0, now);
			u.result = res;
			approvals_move(q, a->id, APPR_BIT(APPR_RUNNING),
			    APPR_UNKNOWN, &u, &e);
			dlog(d, DL_WARNING, "approvals", "approval %lld: %s",
			    a->id, res);
			return;
		}
		s.lost = s.tasks;	/* too many to follow: a human looks */
	}
	unreadable_since(a->id, 0, now);
	if (s.results >= s.intents && s.lost == 0) {
		snprintf(res, sizeof(res), "%s (%d requests sent%s%s)", s.bad ?
		    "failed" : "done", s.intents, s.tasks ? ", their tasks' "
		    "ends asked of the cluster" : "", mine ? "" : ", from the "
		    "audit log after a daemon restart");
		u.result = res;
		approvals_move(q, a->id, APPR_BIT(APPR_RUNNING), s.bad ?
		    APPR_FAILED : APPR_DONE, &u, &e);
		dlog(d, DL_NOTICE, "approvals", "approval %lld: %s", a->id,
		    res);
		return;
	}
	snprintf(res, sizeof(res), "outcome unknown: %d of %d requests were "
	    "sent without a recorded answer before the daemon stopped; check "
	    "the cluster (px audit, px tasks) - it is not sent again",
	    s.intents - s.results + s.lost, s.intents);
	u.result = res;
	approvals_move(q, a->id, APPR_BIT(APPR_RUNNING), APPR_UNKNOWN, &u, &e);
	dlog(d, DL_WARNING, "approvals", "approval %lld: %s", a->id, res);
}

/* The message text of a, as it was asked. */
static char *
text_of(const struct approval *a)
{
	struct hitl_request hr = { 0 };
	char note[96];

	hr.profile = a->profile;
	hr.action = a->action;
	hr.summary = a->summary;
	snprintf(note, sizeof(note), "queued as approval %lld; px daemon "
	    "carries it out", a->id);
	return hitl_request_text(&hr, a->policy, a->timeout, a->requester,
	    note);
}

static void
edit(struct hitl_bot *b, const struct approval *a, const char *tail)
{
	char *text;

	if (b == NULL || a->msgid <= 0)
		return;
	text = text_of(a);
	hitl_bot_edit(b, a->msgid, text, tail);
	free(text);
}

/* A row whose seal does not match: never asked about, never run. */
static void
tampered(struct daemon *d, struct approvals *q, struct approval *a,
    unsigned from)
{
	struct appr_update u = { .result = "refused: the queued row does not "
	    "match its seal (changed outside px); nothing was sent" };
	struct px_err e = { 0 }, why;

	if (approvals_move(q, a->id, from, APPR_FAILED, &u, &e) != 0)
		return;
	px_fail(&why, PXE_UNSAFE_FILE, "approval %lld: %s", a->id, u.result);
	dlog(d, DL_ERR, "approvals", "%s", why.msg);
	audit_refusal(d, a, "refused-tampered", &why);
}

static void
ask(struct daemon *d, struct approvals *q, struct hitl_bot *b,
    struct approval *a)
{
	struct appr_update u = { 0 };
	struct hitl_request hr = { 0 };
	struct px_err e = { 0 };
	char nonce[2 * HITL_NONCE_LEN + 1], *text;
	long long now = (long long)time(NULL), msgid = 0;

	if (!a->intact) {
		tampered(d, q, a, APPR_BIT(APPR_PENDING));
		return;
	}
	if (hitl_nonce_new(nonce, &e) != 0) {
		dlog(d, DL_ERR, "approvals", "%s", e.msg);
		return;
	}
	/* the nonce first: an answer is accepted even if the daemon stops
	 * between posting and recording the message */
	u.nonce = nonce;
	u.asked = now;
	u.expires = now + a->timeout;
	if (approvals_move(q, a->id, APPR_BIT(APPR_PENDING), APPR_ASKED, &u,
	    &e) != 0)
		return;
	hr.profile = a->profile;
	hr.action = a->action;
	hr.summary = a->summary;
	text = text_of(a);
	if (hitl_bot_ask(b, &hr, text, nonce, &msgid, &e) != 0)
		dlog(d, DL_WARNING, "approvals", "approval %lld: not asked on "
		    "Telegram: %s", a->id, e.msg);
	else {
		approvals_set_msgid(q, a->id, msgid, &e);
		dlog(d, DL_NOTICE, "approvals", "approval %lld asked on "
		    "Telegram: %s", a->id, a->summary);
	}
	free(text);
}

struct poll_ctx {
	struct daemon *d;
	struct approvals *q;
	struct hitl_bot *b;
	struct approval *v;
	int n;
};

/* One press: "pxa:NONCE:C:TAG". */
static const char *
on_press(void *arg, const char *data, const char *who)
{
	struct poll_ctx *c = arg;
	struct px_err e = { 0 }, why;
	struct approval a;
	char nonce[2 * HITL_NONCE_LEN + 1], tail[320];
	int choice, k;

	if (strncmp(data, "pxa:", 4) != 0 || strlen(data) < 4 + 2 *
	    HITL_NONCE_LEN + 1)
		return "not accepted";
	memcpy(nonce, data + 4, 2 * HITL_NONCE_LEN);
	nonce[2 * HITL_NONCE_LEN] = '\0';
	for (k = 0; k < c->n; k++)
		if (c->v[k].nonce[0] && strcmp(c->v[k].nonce, nonce) == 0)
			break;
	if (k == c->n)
		return "not accepted";
	if (approvals_get(c->q, c->v[k].id, &a, &e) != 0)
		return "not accepted";
	if (!a.intact || strcmp(a.nonce, nonce) != 0 ||
	    (choice = hitl_bot_check(c->b, nonce, a.summary, data)) == 0) {
		approval_free(&a);
		return "not accepted";
	}
	if (approvals_decide(c->q, a.id, choice == 'a', who, &e) != 0) {
		/* the second press, or an answer after expiry */
		dlog(c->d, DL_INFO, "approvals", "approval %lld: answer by %s "
		    "ignored: %s", a.id, who, e.msg);
		approval_free(&a);
		return "already decided";
	}
	dlog(c->d, DL_NOTICE, "approvals", "approval %lld %s by %s", a.id,
	    choice == 'a' ? "approved" : "denied", who);
	snprintf(tail, sizeof(tail), "%s by %s", choice == 'a' ? "APPROVED" :
	    "DENIED", who);
	/* a denial is the row's end: told here, not again by tell_end */
	if (choice == 'a' || approvals_claim_told(c->q, a.id, &e) == 0)
		edit(c->b, &a, tail);
	if (choice != 'a') {
		px_fail(&why, PXE_HITL_DENIED, "denied by %s on Telegram "
		    "(approval %lld, policy %s)", who, a.id, a.policy);
		audit_refusal(c->d, &a, "refused-hitl", &why);
	}
	approval_free(&a);
	return choice == 'a' ? "approved" : "denied";
}

static void
expire(struct daemon *d, struct approvals *q, struct hitl_bot *b,
    struct approval *a)
{
	struct appr_update u = { .result = "no answer in time" };
	struct px_err e = { 0 }, why;
	struct approval full;
	char tail[128];

	if (approvals_move(q, a->id, APPR_BIT(APPR_ASKED), APPR_EXPIRED, &u,
	    &e) != 0)
		return;
	dlog(d, DL_NOTICE, "approvals", "approval %lld expired: no answer "
	    "within %ld s", a->id, a->timeout);
	snprintf(tail, sizeof(tail), "EXPIRED: no answer within %ld s; "
	    "refused", a->timeout);
	if (approvals_claim_told(q, a->id, &e) == 0)
		edit(b, a, tail);
	if (approvals_get(q, a->id, &full, &e) != 0)
		return;
	px_fail(&why, PXE_HITL_TIMEOUT, "no answer on Telegram within %ld s "
	    "(approval %lld, policy %s); refused", a->timeout, a->id,
	    a->policy);
	audit_refusal(d, &full, "refused-hitl", &why);
	approval_free(&full);
}

/*
 * A row asked on Telegram and ended elsewhere (denied in pxtop,
 * cancelled with px approvals cancel): its message says so, by whom,
 * and loses its buttons, once.  An approval elsewhere is told when it
 * has been carried out (carry_out).
 */
static void
tell_end(struct daemon *d, struct approvals *q, struct hitl_bot *b,
    const struct approval *a)
{
	struct px_err e = { 0 };
	char tail[320];

	if (b == NULL || a->msgid <= 0 || a->told)
		return;
	switch (a->state) {
	case APPR_DENIED:
		snprintf(tail, sizeof(tail), "DENIED by %.200s; refused",
		    a->approver[0] ? a->approver : "someone");
		break;
	case APPR_CANCELLED:
		snprintf(tail, sizeof(tail), "CANCELLED by %.200s; nothing "
		    "is sent", a->approver[0] ? a->approver : "someone");
		break;
	case APPR_EXPIRED:
		snprintf(tail, sizeof(tail), "EXPIRED: no answer within "
		    "%ld s; refused", a->timeout);
		break;
	case APPR_DONE:
	case APPR_FAILED:
	case APPR_UNKNOWN:
		/* the end of tasks followed over several steps (carry_out
		 * tells the others itself) */
		if (!following(a->runner))
			return;
		snprintf(tail, sizeof(tail), "APPROVED by %.180s\n%.120s",
		    a->approver, a->result);
		break;
	default:
		return;
	}
	if (approvals_claim_told(q, a->id, &e) != 0)
		return;
	edit(b, a, tail);
	dlog(d, DL_INFO, "approvals", "approval %lld: its Telegram message "
	    "now says %s", a->id, tail);
}

/* Fresh guest state for each target: the risk check judges now, not the
 * state at queueing; a guest that is gone or moved is refused. */
static void
refresh_guests(struct px_client *cl, struct gate *g, struct gate_req *r)
{
	struct pve_guest *all = NULL;
	struct px_err e = { 0 };
	int n = 0;

	if (pve_guests(cl, &all, &n, &e) != 0) {
		for (int i = 0; i < r->n; i++)
			if (r->t[i].has_guest)
				gate_refuse_target(g, r, i,
				    "refused-precondition", &e);
		return;
	}
	for (int i = 0; i < r->n; i++) {
		struct gate_target *t = &r->t[i];
		int k;

		if (!t->has_guest || t->refused)
			continue;
		for (k = 0; k < n && all[k].vmid != t->guest.vmid; k++)
			;
		if (k == n || strcmp(all[k].node, t->guest.node) != 0) {
			if (k == n)
				px_fail(&e, PXE_NOT_FOUND, "%s: guest %d is "
				    "gone since it was queued", t->summary,
				    t->guest.vmid);
			else
				px_fail(&e, PXE_REFUSED_RISK, "%s: guest %d "
				    "moved to %s since it was queued",
				    t->summary, t->guest.vmid, all[k].node);
			gate_refuse_target(g, r, i, "refused-precondition",
			    &e);
			continue;
		}
		t->guest = all[k];
	}
	free(all);
}

static void
carry_out(struct daemon *d, struct approvals *q, struct hitl_bot *b,
    struct approval *a0)
{
	struct approval a;
	struct appr_update u = { 0 };
	const struct px_profile *p;
	struct px_client_opts co = { 0 };
	struct px_client *cl = NULL;
	struct mutation_opts o = { 0 };
	struct mut_row *rows = NULL;
	struct gate g;
	struct gate_req r;
	struct px_err e = { 0 };
	char runner[160], via[64], approved[320], res[512], tail[600];
	const struct px_err *lost = NULL;
	int risk = 0, nrows, rc, nok = 0, ntasks = 0;

	if (approvals_get(q, a0->id, &a, &e) != 0)
		return;
	if (!a.intact) {
		tampered(d, q, &a, APPR_BIT(APPR_APPROVED));
		approval_free(&a);
		return;
	}
	runner_id(runner, sizeof(runner));
	u.runner = runner;
	/* the claim: only one process moves it to running */
	if (approvals_move(q, a.id, APPR_BIT(APPR_APPROVED), APPR_RUNNING, &u,
	    &e) != 0) {
		approval_free(&a);
		return;
	}
	memset(&u, 0, sizeof(u));
	if (approval_request(&a, &r, &risk, &e) != 0 ||
	    (p = profile_of(d, a.profile, &e)) == NULL ||
	    (cl = px_client_new(&d->conf, p, &co, &e)) == NULL) {
		snprintf(res, sizeof(res), "not run: %.400s", e.msg);
		u.result = res;
		approvals_move(q, a.id, APPR_BIT(APPR_RUNNING), APPR_FAILED, &u,
		    &e);
		dlog(d, DL_ERR, "approvals", "approval %lld: %s", a.id, res);
		if (r.t)
			gate_req_free(&r);
		edit(b, &a, res);
		approval_free(&a);
		return;
	}
	gate_init(&g, &d->conf, p, cl);
	snprintf(via, sizeof(via), "approval %lld", a.id);
	snprintf(approved, sizeof(approved), "%s (approval %lld, policy %s)",
	    a.approver, a.id, a.policy);
	g.via = via;
	g.approved = approved;
	g.yes = 1;
	g.allow_risk = risk;
	refresh_guests(cl, &g, &r);
	/* The tasks are not waited for here: later steps follow them
	 * (FOLLOWING), so the loop goes on meanwhile.  More tasks than a
	 * step follows (SEEN_UPIDS) are waited for here, as before. */
	nrows = mutation_nrows(&r);
	o.no_wait = nrows <= SEEN_UPIDS;
	o.timeout = o.no_wait ? 0 : 600;
	rows = px_xcalloc((size_t)nrows + 1, sizeof(*rows));
	dlog(d, DL_NOTICE, "approvals", "approval %lld: carrying out %s",
	    a.id, a.summary);
	rc = mutation_run(&g, &r, &o, NULL, rows, &e);
	for (int i = 0; i < nrows; i++) {
		nok += !rows[i].failed;
		if (rows[i].failed && rows[i].err.id == PXE_OUTCOME_UNKNOWN)
			lost = &rows[i].err;
		ntasks += !rows[i].failed && rows[i].upid[0] &&
		    strcmp(rows[i].result, "submitted") == 0;
	}
	if (rc != 0 && e.id == PXE_OUTCOME_UNKNOWN)
		lost = &e;
	if (ntasks > 0 && lost == NULL) {
		/* judged from the audit log at the next steps, once the
		 * tasks have ended (recover) */
		snprintf(runner + strlen(runner), sizeof(runner) -
		    strlen(runner), "%s", FOLLOWING);
		snprintf(res, sizeof(res), "running: %d of %d requests sent, "
		    "%d task%s followed", nok, nrows, ntasks, ntasks == 1 ?
		    "" : "s");
		u.runner = runner;
		u.result = res;
		approvals_move(q, a.id, APPR_BIT(APPR_RUNNING), APPR_RUNNING,
		    &u, &e);
		dlog(d, DL_INFO, "approvals", "approval %lld: %s", a.id, res);
		snprintf(tail, sizeof(tail), "APPROVED by %.180s\n%.400s",
		    a.approver, res);
		edit(b, &a, tail);
		goto out;
	}
	if (rc == 0)
		snprintf(res, sizeof(res), "done: %d of %d requests ok", nok,
		    nrows);
	else if (lost)	/* sent, its answer lost: PVE may have done it */
		snprintf(res, sizeof(res), "%.300s; %.150s - it is not sent "
		    "again", lost->msg, lost->hint[0] ? lost->hint :
		    "check the cluster");
	else
		snprintf(res, sizeof(res), "%s: %.400s", nok ? "partly failed" :
		    "failed", e.msg);
	u.result = res;
	approvals_move(q, a.id, APPR_BIT(APPR_RUNNING), rc == 0 ? APPR_DONE :
	    lost ? APPR_UNKNOWN : APPR_FAILED, &u, &e);
	dlog(d, rc == 0 ? DL_NOTICE : DL_WARNING, "approvals",
	    "approval %lld: %s", a.id, res);
	snprintf(tail, sizeof(tail), "APPROVED by %.180s\n%.400s", a.approver, res);
	edit(b, &a, tail);
out:
	free(rows);
	gate_free(&g);
	gate_req_free(&r);
	px_client_free(cl);
	approval_free(&a);
}

static void
appr_step(struct daemon *d, struct part *p)
{
	struct appr_cfg *cf = p->cfg;
	struct approvals *q;
	struct approval *v = NULL;
	struct hitl_bot *b = NULL;
	struct px_err e = { 0 };
	long long now = (long long)time(NULL);
	int n = 0, asking = 0;

	if ((q = approvals_open(NULL, &e)) == NULL) {
		dlog(d, DL_ERR, "approvals", "%s", e.msg);
		return;
	}
	if (approvals_list(q, &v, &n, &e) != 0) {
		dlog(d, DL_ERR, "approvals", "%s", e.msg);
		approvals_close(q);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (v[i].state == APPR_RUNNING)
			recover(d, q, &v[i]);
		asking |= v[i].state == APPR_PENDING ||
		    v[i].state == APPR_ASKED;
	}
	if (asking || n > 0) {
		if (hitl_bot_open(&d->conf, &b, &e) != 0) {
			b = NULL;
			if (asking && !cf->bot_warned)
				dlog(d, DL_WARNING, "approvals", "cannot ask: "
				    "%s", e.msg);
			cf->bot_warned = asking;
		} else {
			cf->bot_warned = 0;
		}
	}
	/* oldest first */
	for (int i = n - 1; i >= 0 && b; i--) {
		struct approval a;

		if (v[i].state != APPR_PENDING)
			continue;
		if (approvals_get(q, v[i].id, &a, &e) == 0) {
			ask(d, q, b, &a);
			approval_free(&a);
		}
	}
	if (b) {
		struct poll_ctx c = { d, q, b, NULL, 0 };

		approvals_list_free(v, n);
		if (approvals_list(q, &v, &n, &e) != 0) {
			v = NULL;
			n = 0;
		}
		c.v = v;
		c.n = n;
		if (hitl_bot_poll(b, &cf->offset, on_press, &c, &e) < 0)
			dlog(d, DL_WARNING, "approvals", "reading the answers: "
			    "%s", e.msg);
	}
	approvals_list_free(v, n);
	if (approvals_list(q, &v, &n, &e) != 0) {
		v = NULL;
		n = 0;
	}
	for (int i = n - 1; i >= 0 && !d->stopping; i--) {
		if (v[i].state == APPR_ASKED && v[i].expires > 0 &&
		    v[i].expires <= now)
			expire(d, q, b, &v[i]);
		else if (v[i].state == APPR_APPROVED)
			carry_out(d, q, b, &v[i]);
		else
			tell_end(d, q, b, &v[i]);
	}
	approvals_list_free(v, n);
	hitl_bot_close(b);
	approvals_close(q);
}

struct part part_approvals = {
	.name = "approvals",
	.interval_section = "daemon",
	.interval_key = "approvals_interval",
	.interval_default = 5,
	.cfg_load = appr_load,
	.cfg_free = appr_free,
	.step = appr_step,
};
