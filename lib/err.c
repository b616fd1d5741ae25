/*
 * err.c -- the error type, the table behind `px explain`, and the printing
 * family used by cmd/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"


const struct px_errinfo px_errtab[] = {
	{ PXE_OK, "ok", PX_EXIT_OK, "success", "", "" },
	{ PXE_FAILURE, "failure", PX_EXIT_FAIL,
	  "the operation failed",
	  "an unexpected answer, a local problem, or a failed step",
	  "read the message; run with -v for the request that failed" },
	{ PXE_API, "api", PX_EXIT_FAIL,
	  "the server refused or failed the request",
	  "PVE answered with an error status (400 parameter verification, "
	  "500 with a reason such as 'VM 100 is running - destroy failed')",
	  "the message is PVE's own text: fix the parameter or the guest's "
	  "state and try again" },
	{ PXE_TASK_FAILED, "task-failed", PX_EXIT_FAIL,
	  "a PVE task ended in error",
	  "the task's exitstatus was not OK (e.g. 'VM 100 already running', "
	  "a storage error during backup, an interrupted migration)",
	  "read the task log: px task log UPID" },
	{ PXE_PARSE, "parse", PX_EXIT_FAIL,
	  "the server's answer could not be parsed",
	  "malformed or truncated JSON, a proxy that answers HTML, a "
	  "connection cut mid-response; rows of a list px could not read "
	  "(each named on stderr as 'ignored row N of GET /path: why', "
	  "the others shown)",
	  "check that the URL points at the API (https://HOST:8006); "
	  "retry; run px doctor" },
	{ PXE_TOO_LARGE, "too-large", PX_EXIT_FAIL,
	  "the answer was larger than px accepts (32 MiB)",
	  "an endpoint that returns a huge list, or a misbehaving server",
	  "narrow the request (filters, --limit)" },
	{ PXE_IO, "io", PX_EXIT_FAIL,
	  "a local file could not be read or written",
	  "permissions, a full disk, a missing directory",
	  "check the path named in the message" },
	{ PXE_USAGE, "usage", PX_EXIT_USAGE,
	  "the command line is wrong",
	  "an unknown option, a missing argument, a malformed value",
	  "see px help NAME or the man page pxNAME(1)" },
	{ PXE_PARTIAL, "partial", PX_EXIT_USAGE,
	  "some items of a batch failed, the others succeeded",
	  "one guest of several could not be started, one profile of "
	  "several did not answer",
	  "the per-item rows say which failed and why" },
	{ PXE_DRIFT, "drift", PX_EXIT_USAGE,
	  "the cluster differs from what was expected",
	  "a configuration changed outside px",
	  "review the reported differences" },
	{ PXE_CONFIG, "config", PX_EXIT_CONFIG,
	  "the configuration is missing, unreadable or invalid",
	  "no px.conf yet, a typo in a key, a profile without url",
	  "run px init (or px init --interactive), see px.conf(5)" },
	{ PXE_NO_PROFILE, "unknown-profile", PX_EXIT_CONFIG,
	  "the profile named does not exist",
	  "a typo in -p, PX_PROFILE or [px] profile; several profiles and "
	  "no default",
	  "px profiles lists them; set [px] profile = NAME" },
	{ PXE_SECRET_PERMS, "unsafe-secret", PX_EXIT_CONFIG,
	  "a secret is readable by other users",
	  "a token or password file, or a config file with an inline "
	  "secret, with group or other read permission",
	  "chmod 600 the file named in the message" },
	{ PXE_UNSAFE_FILE, "unsafe-file", PX_EXIT_CONFIG,
	  "a file px trusts is not safely the user's own",
	  "a secret file, key, TLS pin cache, TOFU record or freeze file "
	  "that is a symbolic link, is owned by another user or is "
	  "writable by its group or others; a data directory owned by "
	  "another user or writable by its group or others",
	  "replace the link by the file, chown it, or chmod 600 it (700 "
	  "for the data directory), as the message says; then check that "
	  "its content is yours" },
	{ PXE_UNAUTHORIZED, "unauthorized", PX_EXIT_AUTH,
	  "the server refused the credentials (401)",
	  "a wrong or revoked token secret, a wrong token id or user, an "
	  "expired ticket, a wrong password",
	  "check user and token_id in px.conf and the secret; px doctor "
	  "tests them" },
	{ PXE_FORBIDDEN, "forbidden", PX_EXIT_AUTH,
	  "the credentials lack a permission (403)",
	  "a privilege-separated token without ACLs, a role without the "
	  "privilege named in the message",
	  "grant the privilege on the path named (pveum acl modify), or "
	  "use another profile; px access permissions shows what you have" },
	{ PXE_NOT_FOUND, "not-found", PX_EXIT_NOTFOUND,
	  "the object does not exist",
	  "an unknown VMID, node, storage, pool or task; a typo",
	  "px ls guests / px ls nodes / px find show what exists" },
	{ PXE_REFUSED_RISK, "refused-risk", PX_EXIT_RISK,
	  "the pre-flight risk check refused the operation",
	  "a Severe finding: the guest is locked, HA-managed, running, or "
	  "the batch is very large",
	  "read the report; resolve the finding, or pass --allow-risk" },
	{ PXE_RATE_LIMITED, "rate-limited", PX_EXIT_UNAVAIL,
	  "the server asked px to slow down (429) and retries ran out",
	  "too many requests, a proxy's limit",
	  "wait and retry; lower rate_limit in the profile" },
	{ PXE_UNAVAILABLE, "unavailable", PX_EXIT_UNAVAIL,
	  "the server is unavailable (502/503/504/595/596) after retries",
	  "pveproxy restarting, a node offline, a proxy without backend",
	  "wait and retry; check the node; px doctor" },
	{ PXE_TIMEOUT, "timeout", PX_EXIT_UNAVAIL,
	  "the request timed out",
	  "a slow or hung server, a firewall dropping packets",
	  "check connectivity; raise timeout in the profile" },
	{ PXE_TRANSPORT, "transport", PX_EXIT_UNAVAIL,
	  "the connection failed",
	  "connection refused, an unknown host name, a reset",
	  "check the url in the profile and that pveproxy runs" },
	{ PXE_READ_ONLY, "refused-read-only", PX_EXIT_REFUSED,
	  "the profile is read-only",
	  "read_only = yes in the profile",
	  "use a profile that may write, or change read_only" },
	{ PXE_FROZEN, "refused-frozen", PX_EXIT_REFUSED,
	  "an incident freeze is in force",
	  "someone ran px incident freeze",
	  "px incident status shows who and why; px incident thaw ends it" },
	{ PXE_HITL_DENIED, "refused-hitl", PX_EXIT_HITL,
	  "human approval was denied",
	  "an approver pressed Deny, or Telegram is not configured for a "
	  "policy that asks for approval",
	  "ask the approver; check [telegram] and [policy] in px.conf" },
	{ PXE_HITL_TIMEOUT, "hitl-timeout", PX_EXIT_HITL,
	  "human approval timed out",
	  "nobody answered the approval request in time",
	  "ask the approver to watch the chat; raise the policy's timeout" },
	{ PXE_TLS, "tls", PX_EXIT_TLS,
	  "the TLS connection could not be trusted or established",
	  "a handshake failure, an expired or invalid certificate",
	  "check ca_file or fingerprint in the profile; px doctor" },
	{ PXE_TLS_MISMATCH, "tls-mismatch", PX_EXIT_TLS,
	  "the server's certificate fingerprint differs from the trusted one",
	  "the node's certificate was renewed, or someone is in the middle",
	  "compare with `pvenode cert info` on the node; if it is right, "
	  "update fingerprint (or remove the tofu record)" },
	{ PXE_TLS_UNKNOWN, "tls-unknown", PX_EXIT_TLS,
	  "the server's certificate is not trusted",
	  "a self-signed PVE certificate and no fingerprint or ca_file",
	  "set fingerprint (px init --interactive shows it), ca_file, or "
	  "tofu = yes in the profile" },
	{ PXE_OUTCOME_UNKNOWN, "outcome-unknown", PX_EXIT_UNKNOWN,
	  "a change was sent but its answer was lost: PVE may have done it",
	  "the connection dropped, or the answer was truncated or malformed, "
	  "after the request left; or PVE accepted it and started a task, "
	  "but the task's status could not be read",
	  "check before trying again: px status VMID, px tasks, px task "
	  "wait UPID; the audit log records the outcome as unknown, or the "
	  "task's start without its end" },
	{ PXE_QUEUED, "queued", PX_EXIT_OK,
	  "the change was queued for approval; px daemon carries it out once "
	  "it is approved",
	  "-y --approve-async, or a [policy] with mode = async, asked for "
	  "the change",
	  "px approvals show ID follows it; px approvals cancel ID withdraws "
	  "it; nothing was sent yet" },
};
const size_t px_nerrtab = sizeof(px_errtab) / sizeof(px_errtab[0]);

const struct px_errinfo *
px_errinfo(enum px_errid id)
{
	for (size_t i = 0; i < px_nerrtab; i++)
		if (px_errtab[i].id == id)
			return &px_errtab[i];
	return &px_errtab[1];
}

const struct px_errinfo *
px_errinfo_byname(const char *name)
{
	for (size_t i = 0; i < px_nerrtab; i++)
		if (strcmp(px_errtab[i].name, name) == 0)
			return &px_errtab[i];
	return NULL;
}

int
px_exit_code(const struct px_err *e)
{
	if (e == NULL || e->id == PXE_OK)
		return PX_EXIT_OK;
	return px_errinfo(e->id)->exit;
}

int
px_fail(struct px_err *e, enum px_errid id, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->id = id;
	e->http = 0;
	e->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
px_hint(struct px_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
}

void
px_wrap(struct px_err *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	va_list ap;
	int n;

	if (e == NULL)
		return;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg) - 2)
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %.*s",
		    (int)(sizeof(e->msg) - (size_t)n - 3), old);
}

void
px_err_clear(struct px_err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}


static void (*notice_fn)(const char *msg);

void
px_notice_set(void (*fn)(const char *msg))
{
	notice_fn = fn;
}

void
px_notice(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (notice_fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	notice_fn(msg);
}


static void (*drop_fn)(const char *origin, int row, const char *why);
static long drop_count;

void
px_drop_set(void (*fn)(const char *origin, int row, const char *why))
{
	drop_fn = fn;
}

void
px_drop(const char *origin, int row, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	__atomic_add_fetch(&drop_count, 1, __ATOMIC_RELAXED);
	if (drop_fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	drop_fn(origin ? origin : "the answer", row, why);
}

long
px_drops(void)
{
	return __atomic_load_n(&drop_count, __ATOMIC_RELAXED);
}
