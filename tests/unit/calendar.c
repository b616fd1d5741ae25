/* calendar.c -- PVE's calendar events: what PVE takes, what it refuses. */
#include <string.h>

#include "calendar.h"
#include "tap.h"

static void
good(const char *ev)
{
	char why[160] = "";
	int rc = calendar_check(ev, why, sizeof(why));

	ok(rc == 0, "'%s' is a calendar event", ev);
	if (rc != 0)
		printf("#   %s\n", why);
}

static void
bad(const char *ev, const char *want)
{
	char why[160] = "";

	ok(calendar_check(ev, why, sizeof(why)) == -1, "'%s' is refused", ev);
	ok(strstr(why, want) != NULL, "  naming what is wrong: %s", why);
}

int
main(void)
{
	static const char *const valid[] = {
		"hourly", "daily", "weekly", "monthly", "yearly", "minutely",
		"quarterly", "semiannually", "annually",
		"02:30", "21:00", "*/15", "*/5", "15", "0/2:00", "*:0/15",
		"mon..fri", "mon..fri 02:30", "sat,sun", "mon,wed,fri 8:00",
		"sat..mon 12:00", "monday", "fri 12..13:5/20",
		"mon..fri 8..17,22:0/15", "12,14,16,18,20,22:5",
		"*-*-01 03:00", "sat *-1..7 15:00", "2015-10-21",
		"*-12-31 23:50", "2024-*-* 00:00:30", "mon *-1,15 04:00",
		"sun 2020..2030-1/3-1 00:00", "*", "*:*",
	};
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		good(valid[i]);

	bad("", "empty");
	bad("   ", "empty");
	bad("mon..fry", "unknown weekday 'fry'");
	bad("Mon 02:00", "unknown weekday 'Mon'");
	bad("25:00", "hour 25 is out of range 0..23");
	bad("02:75", "minute 75 is out of range 0..59");
	bad("02:30:60", "second 60 is out of range 0..59");
	bad("02:30:00:00", "not HOUR:MINUTE[:SECOND]");
	bad("*/0", "a repetition of 0");
	bad("*/x", "the repetition after '/' is not a number");
	bad("/5", "a value is missing before '/'");
	bad("17..8:00", "hour range 17..8 is empty");
	bad("*-13-01", "month 13 is out of range 1..12");
	bad("*-*-32 00:00", "day 32 is out of range 1..31");
	bad("1969-01-01", "year 1969 is out of range");
	bad("02:30 mon", "weekdays 'mon' must come first");
	bad("02:30 *-*-01", "date '*-*-01' must come before the time");
	bad("02:30 03:00", "after the time");
	bad("mon,,fri", "an empty weekday");
	bad("1,,2", "an empty value");
	bad("ab:cd", "unknown weekday");
	bad("2:3x", "minute '3x' is not a number");
	bad("-01", "the month is empty");
	bad("*-*-*-*", "not [YEAR-]MONTH-DAY");
	bad("daily 02:00", "unknown weekday 'daily'");
	{
		char longer[200];

		memset(longer, '1', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		bad(longer, "longer than 128");
	}
	return done_testing();
}
