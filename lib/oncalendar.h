/*
 * oncalendar.h -- the calendar expressions of px schedule --at, the
 * subset of systemd.time(7)'s OnCalendar= that an operator writes:
 *
 *   [WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [UTC]
 *
 * or one of minutely, hourly, daily, weekly, monthly, yearly,
 * annually, quarterly, semiannually (then UTC may follow).  WEEKDAYS is
 * a comma list of days (Mon or Monday, any case) and ranges (Mon..Fri;
 * systemd refuses a range that wraps, and so does px).  Every other
 * part is * or a comma list of values, ranges (8..17) and repetitions
 * (0/15, 8..17/2, and a star before the slash).  A date left out is
 * *-*-*, a time left out is 00:00:00, seconds left out are :00.
 * Weekdays and the date must both match.  Without UTC the expression
 * is in local time (TZ).
 *
 * Not taken (each named when met): ~ (days from the end of the month),
 * fractional seconds, two-digit years, time zones other than UTC,
 * @EPOCH.
 *
 * The next elapse is computed as systemd does it: a local time that a
 * DST change skips (02:30 on the day clocks go forward) does not
 * elapse that day; a local time that a DST change repeats elapses once,
 * at its first occurrence.
 */
#ifndef PX_ONCALENDAR_H
#define PX_ONCALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define ONCAL_MAX	256
#define ONCAL_YEAR_MIN	1970
#define ONCAL_YEAR_MAX	2199

struct oncal {
	uint64_t sec, min;		/* bits 0..59 */
	uint32_t hour;			/* bits 0..23 */
	uint32_t mday;			/* bits 1..31 */
	uint32_t mon;			/* bits 1..12 */
	uint32_t wday;			/* bit 0 Monday .. bit 6 Sunday */
	unsigned char year[ONCAL_YEAR_MAX - ONCAL_YEAR_MIN + 1];
	int utc;
};

/*
 * Parse ev into c: 0, or -1 with why (of size n) naming the bad part
 * and what is wrong ("unknown weekday 'Fry'", "hour 25 is out of range
 * 0..23", "time zone 'CET': only UTC or local time").
 */
int oncal_parse(const char *ev, struct oncal *c, char *why, size_t n);

/*
 * The first elapse of c strictly after the epoch second after, in *next:
 * 0, or -1 when it never elapses again (before the year 2200: a date
 * like *-02-30, or a past year).
 */
int oncal_next(const struct oncal *c, long long after, long long *next);

#endif
