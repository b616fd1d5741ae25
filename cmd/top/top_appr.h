/*
 * top_appr.h -- pxtop's approvals view (A), its I/O side (top_appr.c):
 * the queue read (lib/approvals.h) and an answer carried out, each a
 * local SQLite transaction, done in the loop; what they find comes back
 * as actions through post.
 */
#ifndef PX_CMD_TOP_APPR_H
#define PX_CMD_TOP_APPR_H

#include "conf.h"
#include "top_state.h"

/* The operator as the queue and the audit log name them: "user@host". */
const char *top_appr_me(void);
/* TE_APPR_LIST: read the queue into TA_APPR_LIST (conf: px.conf, for
 * the [policy]'s local_approver). */
void top_appr_list(const struct px_conf *conf,
    void (*post)(const struct top_action *));
/* TE_APPR_DECIDE: approve or deny, every check made again (the seal,
 * local_approver, four eyes), through lib/approvals's state machine
 * and audited with the operator's name; answered by TA_APPR_DONE. */
void top_appr_decide(const struct px_conf *conf, long long id, int approve,
    void (*post)(const struct top_action *));

#endif
