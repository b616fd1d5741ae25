/*
 * hitl.h -- human approval through Telegram.
 *
 * [policy NAME] sections of px.conf say which mutations need approval:
 *     action = stop,delete      (or *)
 *     vmid = 100,101            (optional)
 *     tag = prod                (optional)
 *     pool = critical           (optional)
 *     timeout = 120             (seconds to wait, default 120)
 *     local_approver = alice,bob (who may answer a queued request in
 *                               pxtop's Approvals view)
 * A mutation matches a policy when its action matches and every other
 * given key matches.  [telegram] has bot_token or bot_token_file (0600),
 * chat_id, approver (the Telegram user id allowed to answer), api_url
 * (default https://api.telegram.org) and, for a test server, fingerprint
 * or insecure.
 *
 * hitl_approve sends a message with Approve/Deny buttons whose callback
 * data carry a random nonce and an HMAC-SHA256 tag (key hitl.key in the
 * data dir, 0600), long-polls getUpdates, and accepts one answer: from
 * the configured chat and user, with the right nonce and tag, once.
 * Anything else is ignored (and answered as refused).  Deny, timeout, or
 * no [telegram] configured: refused.
 */
#ifndef PX_HITL_H
#define PX_HITL_H

#include "conf.h"
#include "err.h"

struct hitl_request {
	const char *profile;
	const char *action;
	int vmid;		/* 0 if none */
	const char *tags;	/* the guest's tags or NULL */
	const char *pool;	/* the guest's pool or NULL */
	const char *summary;	/* one line: what will be done */
};

/* The policy that asks for approval of r, or NULL when none does. */
const char *hitl_policy(const struct px_conf *c, const struct hitl_request *r);
/* Ask for approval.  0 approved (*who set to the approver), -1 with e:
 * PXE_HITL_DENIED (denied, or Telegram not configured) or
 * PXE_HITL_TIMEOUT. */
int hitl_approve(const struct px_conf *c, const char *policy,
    const struct hitl_request *r, char *who, size_t whon, struct px_err *e);
/*
 * While an approval is awaited: fn(arg, waited, timeout) about every
 * every seconds (the long polls are that short then).  A nonzero return
 * stops the wait: refused (PXE_HITL_DENIED, "the wait was abandoned"),
 * the message on Telegram says so.
 */
struct hitl_tick {
	int (*fn)(void *arg, double waited, long timeout);
	void *arg;
	double every;
};
/* hitl_approve with a tick (NULL: none). */
int hitl_approve_ticking(const struct px_conf *c, const char *policy,
    const struct hitl_request *r, char *who, size_t whon,
    const struct hitl_tick *tick, struct px_err *e);
/* Send text to [telegram]'s chat_id, without buttons and without
 * waiting (an alert).  0, or -1 with e (PXE_CONFIG when [telegram] is
 * incomplete; the bot token is never in e). */
int hitl_notify(const struct px_conf *c, const char *text, struct px_err *e);
/* Besides: PXE_SECRET_PERMS for a bot_token_file, an inline bot_token
 * (in a config file) or a hitl.key that others can read, PXE_CONFIG for
 * a malformed [telegram] or [policy] value.  Telegram unreachable or
 * refusing the bot: PXE_HITL_DENIED saying why. */

/*
 * The callback data of a button, "pxa:NONCE:C:TAG" (at most 64 bytes,
 * Telegram's limit): NONCE is HITL_NONCE_LEN random bytes in hex, C is
 * 'a' (approve) or 'd' (deny), TAG the first HITL_TAG_LEN bytes, in hex,
 * of HMAC-SHA256(key, NONCE ':' C ':' summary).
 */
#define HITL_NONCE_LEN	12
#define HITL_TAG_LEN	12
#define HITL_DATA_MAX	64
#define HITL_KEY_LEN	32

/* Write the callback data for nonce (hex) and choice into out. */
void hitl_callback_data(const unsigned char key[HITL_KEY_LEN],
    const char *nonce, char choice, const char *summary,
    char out[HITL_DATA_MAX + 1]);
/* Check callback data: 'a' or 'd' when it carries nonce and a valid tag
 * for summary, 0 for anything else (another nonce, a forged tag,
 * garbage).  The tag is compared in constant time. */
int hitl_callback_check(const unsigned char key[HITL_KEY_LEN],
    const char *nonce, const char *summary, const char *data);
/* The approval timeout of policy in seconds (its timeout key, default
 * 120); -1 with e set (PXE_CONFIG) when the value is not 1..86400. */
long hitl_timeout(const struct px_conf *c, const char *policy,
    struct px_err *e);

/* Whether policy says mode = async (its approval is queued for px
 * daemon rather than waited for): 1, 0 (sync, the default), -1 with e
 * (PXE_CONFIG) for another value. */
int hitl_policy_async(const struct px_conf *c, const char *policy,
    struct px_err *e);
/*
 * Whether the local Unix user user may approve or deny, from pxtop, the
 * queued requests of policy: its local_approver key, a comma (or blank)
 * list of user names.  1 yes, 0 no (the key absent, or user not in it),
 * -1 with e (PXE_CONFIG) when the value is not a list of user names:
 * never a silent allow.
 */
int hitl_local_approver(const struct px_conf *c, const char *policy,
    const char *user, struct px_err *e);
/* The HMAC key (hitl.key in the data dir, created 0600 on first use). */
int hitl_key_load(unsigned char key[HITL_KEY_LEN], struct px_err *e);
/* A new random nonce, in hex. */
int hitl_nonce_new(char nonce[2 * HITL_NONCE_LEN + 1], struct px_err *e);
/* The text of an approval message (malloc'd): asked by requester (NULL:
 * who runs px), with one more line note (or NULL). */
char *hitl_request_text(const struct hitl_request *r, const char *policy,
    long timeout, const char *requester, const char *note);

/*
 * The conversation of hitl_approve in steps, for px daemon's queue of
 * approvals (lib/approvals.h): hitl_bot_ask posts a request with the
 * buttons of nonce and returns at once; hitl_bot_poll reads the answers
 * that arrived (one getUpdates without waiting).  Same [telegram], same
 * key, same callback data as hitl_approve.
 */
struct hitl_bot;
/* Read [telegram] and the key: 0 with *b (hitl_bot_close), or -1 with e
 * (PXE_HITL_DENIED when Telegram is not configured). */
int hitl_bot_open(const struct px_conf *c, struct hitl_bot **b,
    struct px_err *e);
void hitl_bot_close(struct hitl_bot *b);
/* Post r's message (hitl_request_text's text) with Approve/Deny buttons
 * for nonce: 0 with *msgid, or -1 with e. */
int hitl_bot_ask(struct hitl_bot *b, const struct hitl_request *r,
    const char *text, const char *nonce, long long *msgid,
    struct px_err *e);
/* hitl_callback_check with the bot's key. */
int hitl_bot_check(const struct hitl_bot *b, const char *nonce,
    const char *summary, const char *data);
/* Replace message msgid's text with text and tail, dropping its buttons
 * (best effort). */
void hitl_bot_edit(struct hitl_bot *b, long long msgid, const char *text,
    const char *tail);
/*
 * One getUpdates from *offset, without waiting.  Each button pressed in
 * the configured chat by the approver is handed to fn (its callback data
 * and "@name (id)"), whose answer is shown to the presser (NULL: none);
 * any other press is answered "not accepted".  The updates seen are
 * confirmed and *offset moves past them.  Returns how many presses were
 * read, or -1 with e.
 */
int hitl_bot_poll(struct hitl_bot *b, long long *offset,
    const char *(*fn)(void *arg, const char *data, const char *who),
    void *arg, struct px_err *e);

#endif
