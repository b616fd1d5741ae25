/*
 * pve_notify.h -- what PVE takes in the notification system's and its
 * neighbours' (metric servers, ACME) parameters: pure checks, so that a
 * malformed value is refused before anything is sent.
 */
#ifndef PX_PVE_NOTIFY_H
#define PX_PVE_NOTIFY_H

/* A pve-configid: a letter, then letters, digits, '-' and '_' (at least
 * two characters in all, at most 64). */
int pve_notify_valid_name(const char *s);
/* A comma-separated list of info, notice, warning, error, unknown. */
int pve_notify_valid_severity(const char *s);
/* A match-field: [exact:|regex:]field=value, field not empty. */
int pve_notify_valid_field(const char *s);

#endif
