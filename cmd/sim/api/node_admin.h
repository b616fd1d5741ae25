/*
 * node_admin.h -- what node_admin.c shares with the other endpoint
 * files: the lines a node's journal and syslog gain after the seed
 * (service actions, certificate changes, failed logins).
 */
#ifndef PX_SIM_NODE_ADMIN_H
#define PX_SIM_NODE_ADMIN_H

#include <time.h>

#include "api.h"

/* Append "PROG[PID]: MESSAGE" (printf style) to node's log, stamped
 * now; at most NODE_LOG_MAX lines are kept, later ones are dropped. */
#define NODE_LOG_MAX 2000
void node_log_add(struct sim *s, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* How many lines were appended to node's log. */
int node_log_count(struct sim *s, const char *node);
/* Appended line i (0-based) in msg, its time in *t; 0, or -1. */
int node_log_get(struct sim *s, const char *node, int i, char *msg,
    size_t n, time_t *t);

#endif
