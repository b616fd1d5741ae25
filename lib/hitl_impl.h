/*
 * hitl_impl.h -- what hitl.c and hitl_policy.c share; not for callers.
 */
#ifndef PX_HITL_IMPL_H
#define PX_HITL_IMPL_H

#include "conf.h"
#include "err.h"

#define TIMEOUT_DEFAULT	120	/* seconds to wait for an answer */
#define TIMEOUT_MAX	86400

/* Check that a policy can be read: known keys, a valid VMID list. */
int hitl_policy_check(const struct px_conf *c, const char *policy,
    struct px_err *e);

#endif
