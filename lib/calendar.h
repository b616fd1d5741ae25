/*
 * calendar.h -- PVE's calendar events (format pve-calendar-event), the
 * subset of systemd's that backup and replication schedules take:
 *
 *   [WEEKDAYS] [[YEARS-]MONTHS-DAYS] [HOURS:]MINUTES[:SECONDS]
 *
 * or one of minutely, hourly, daily, weekly, monthly, yearly, annually,
 * quarterly, semiannually.  WEEKDAYS is a comma list of days (mon or
 * monday) and ranges (mon..fri, which may wrap: sat..mon).  Every other
 * part is * or a comma list of values, ranges (8..17) and repetitions
 * (0/15, 8..17/2, and a star before the slash).  A time of one part is
 * minutes ("0/15": every quarter hour); a date of two parts is
 * MONTHS-DAYS.  Examples: "mon..fri 02:30", "sat *-1..7 15:00",
 * "*-*-01 03:00", "hourly".
 */
#ifndef PX_CALENDAR_H
#define PX_CALENDAR_H

#include <stddef.h>

/* PVE's bound on a schedule's length. */
#define CALENDAR_MAX 128

/*
 * Check ev against PVE's grammar: 0 when PVE would take it, else -1
 * with why (of size n) saying which part is wrong and how ("unknown
 * weekday 'fry'", "minute 75 is out of range 0..59").
 */
int calendar_check(const char *ev, char *why, size_t n);

#endif
