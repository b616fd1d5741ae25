/*
 * pve_objrisk_notify.h -- the pre-flight checks of changes to the
 * cluster's notification targets and matchers, metric servers and ACME
 * accounts (gate_assess_fn, lib/gate.h), read live from PVE:
 *
 *   NotifyTargetInUse   Severe: delete an endpoint that matchers send
 *                       to (they name it; it is listed)
 *   NotifyLastTarget    Warning: delete the last enabled endpoint
 *   NotifyLastMatcher   Warning: delete the last enabled matcher (no
 *                       notification is sent anywhere after it)
 *   MetricServerDelete  Warning (Notice when it is disabled): delete a
 *                       metric server; the cluster stops sending to it
 *   AcmeAccountInUse    Warning: delete an ACME account that nodes'
 *                       certificate config (acme: account=) names
 */
#ifndef PX_PVE_OBJRISK_NOTIFY_H
#define PX_PVE_OBJRISK_NOTIFY_H

#include "gate.h"

/* arg of each check: the object's name (a const char *). */
int objrisk_notify_endpoint_delete(struct px_client *c,
    const struct gate_req *r, void *arg, struct risk_report *rep,
    struct px_err *e);
int objrisk_notify_matcher_delete(struct px_client *c,
    const struct gate_req *r, void *arg, struct risk_report *rep,
    struct px_err *e);
int objrisk_metricserver_delete(struct px_client *c,
    const struct gate_req *r, void *arg, struct risk_report *rep,
    struct px_err *e);
int objrisk_acme_account_delete(struct px_client *c,
    const struct gate_req *r, void *arg, struct risk_report *rep,
    struct px_err *e);

/* The account an ACME node property names ("account=NAME,domains=..."):
 * NAME, or "default" when the property has none; in out. */
void objrisk_acme_account_of(const char *prop, char *out, size_t n);

#endif
