/*
 * hitl.h -- human approval through Telegram.
 *
 * [policy NAME] sections of px.conf say which mutations need approval:
 *     action = stop,delete      (or *)
 *     vmid = 100,101            (optional)
 *     tag = prod                (optional)
 *     pool = critical           (optional)
 *     timeout = 120             (seconds to wait, default 120)
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

#endif
