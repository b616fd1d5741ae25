/*
 * hitl_relay.h -- one reader of the bot's getUpdates per data dir.
 *
 * Telegram gives a bot's updates to one reader at a time: a getUpdates
 * ends any other that is still waiting (409 Conflict), and the offset
 * one reader confirms drops the updates for every other.  Yet several
 * px may wait for button presses at once: px daemon for its queue, and
 * each px that waits for an approval.  So one of them reads -- the
 * leader, which holds telegram.lock in the data dir (flock: it passes
 * on when the leader ends or dies) -- and hands each press on another's
 * message to that one through two tables of daemon.db:
 *
 *   tg_waits(msgid, pid, since)     who waits for presses on which
 *                                   message; msgid 0 is px daemon, for
 *                                   every message no one else waits
 *                                   for, while it polled in the last
 *                                   HITL_RELAY_IDLE seconds
 *   tg_presses(update_id, msgid, cq, at)   presses read for another:
 *                                   the callback_query object as
 *                                   Telegram sent it (at most
 *                                   HITL_RELAY_CQ_MAX bytes)
 *
 * The one a press is for takes it, judges it exactly as it judges the
 * presses it reads itself, and answers it.  A press that no live px
 * waits for is the leader's to refuse, as before.  The tables hold what
 * came from Telegram, so whoever takes a press parses it again; nothing
 * in them is trusted.
 */
#ifndef PX_HITL_RELAY_H
#define PX_HITL_RELAY_H

#include <stddef.h>

#include "err.h"

#define HITL_RELAY_CQ_MAX	16384	/* bytes of one spooled press */
#define HITL_RELAY_MAX		1000	/* presses spooled at most */
#define HITL_RELAY_KEEP		3600	/* seconds a press is kept */
#define HITL_RELAY_IDLE		600	/* px daemon's registration lasts */

struct hitl_relay;

/* Open the relay of the data dir (telegram.lock and daemon.db, both
 * 0600): 0 with *r, or -1 with e. */
int hitl_relay_open(struct hitl_relay **r, struct px_err *e);
/* Stop waiting for every message registered by this relay, drop the
 * lead, and free r (NULL is fine). */
void hitl_relay_close(struct hitl_relay *r);
/* 1 when this process reads getUpdates now (it holds the lock, or has
 * just taken it), 0 when another does. */
int hitl_relay_lead(struct hitl_relay *r);
/* Wait for the presses on message msgid (0: every message nobody else
 * waits for, px daemon's); kept until hitl_relay_unwait or, for msgid
 * 0, until this process ends.  0, or -1 with e. */
int hitl_relay_wait(struct hitl_relay *r, long long msgid,
    struct px_err *e);
/* No more presses for msgid: its registration and its presses not yet
 * taken are dropped. */
void hitl_relay_unwait(struct hitl_relay *r, long long msgid);
/*
 * The leader read press update_id on message msgid, callback_query
 * cq[0..n), not for itself: 1 when it was kept for the live px that
 * waits for it (the leader must not answer it), 0 when no one waits for
 * it (or it is too big, or the spool is full), -1 with e.
 */
int hitl_relay_spool(struct hitl_relay *r, long long update_id,
    long long msgid, const char *cq, size_t n, struct px_err *e);
/* Take the oldest press kept for msgid (0: for px daemon, any press on
 * a message that no one else waits for): 1 with *cq (malloc'd, NUL-
 * terminated) and *n, 0 when there is none, -1 with e. */
int hitl_relay_take(struct hitl_relay *r, long long msgid, char **cq,
    size_t *n, struct px_err *e);

#endif
