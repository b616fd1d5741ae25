/*
 * oncalendar.c -- px schedule --at: systemd's OnCalendar= subset.  The
 * expected next elapses are what `systemd-analyze calendar --base=...`
 * prints as "Next elapse" (worked out by hand from systemd.time(7) and
 * systemd's calendarspec.c: a local time a DST change skips does not
 * elapse, fields only move forward in wall-clock time), written in its
 * format: "%a %Y-%m-%d %H:%M:%S %Z" in the zone TZ.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oncalendar.h"
#include "tap.h"

static void
zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* "YYYY-MM-DD HH:MM:SS" in UTC to an epoch second. */
static long long
utc(const char *s)
{
	struct tm tm = { 0 };

	if (strptime(s, "%Y-%m-%d %H:%M:%S", &tm) == NULL)
		abort();
	return (long long)timegm(&tm);
}

static void
show(long long t, char *b, size_t n)
{
	time_t x = (time_t)t;
	struct tm tm;

	localtime_r(&x, &tm);
	strftime(b, n, "%a %Y-%m-%d %H:%M:%S %Z", &tm);
}

/* The next elapse of ev after from (UTC) is want (local); returns it. */
static long long
next(const char *ev, long long from, const char *want)
{
	struct oncal c;
	char why[200] = "", got[64] = "never";
	long long t = 0;

	if (oncal_parse(ev, &c, why, sizeof(why)) != 0) {
		ok(0, "'%s' parses", ev);
		printf("#   %s\n", why);
		return 0;
	}
	if (oncal_next(&c, from, &t) == 0)
		show(t, got, sizeof(got));
	is_str(got, want, "'%s' after %lld: %s", ev, from, want);
	return t;
}

static void
bad(const char *ev, const char *want)
{
	struct oncal c;
	char why[200] = "";

	ok(oncal_parse(ev, &c, why, sizeof(why)) == -1, "'%s' is refused",
	    ev);
	ok(strstr(why, want) != NULL, "  naming the bad part: %s", why);
}

int
main(void)
{
	long long sat, t;

	zone("Europe/Berlin");
	/* Sat 2026-12-05 17:00:00 CET */
	sat = utc("2026-12-05 16:00:00");
	next("Mon..Fri 09:00", sat, "Mon 2026-12-07 09:00:00 CET");
	next("mon..fri 09:00", sat, "Mon 2026-12-07 09:00:00 CET");
	next("MON..fri 9:0", sat, "Mon 2026-12-07 09:00:00 CET");
	next("Sat,Sun 10:00", sat, "Sun 2026-12-06 10:00:00 CET");
	next("Sat,Sun 18:00", sat, "Sat 2026-12-05 18:00:00 CET");
	next("Monday 06:00", sat, "Mon 2026-12-07 06:00:00 CET");
	next("Tue,Thu..Fri 12:00", sat, "Tue 2026-12-08 12:00:00 CET");
	next("Sat", sat, "Sat 2026-12-12 00:00:00 CET");
	next("*-*-* 18:30", sat, "Sat 2026-12-05 18:30:00 CET");
	next("*-*-* 17:00", sat, "Sun 2026-12-06 17:00:00 CET");
	next("*-*-* 17:00:01", sat, "Sat 2026-12-05 17:00:01 CET");
	next("*-*-* 8,12:30:15", sat, "Sun 2026-12-06 08:30:15 CET");
	next("18:45", sat, "Sat 2026-12-05 18:45:00 CET");
	next("2027-01-01", sat, "Fri 2027-01-01 00:00:00 CET");
	next("2026-12-24 18:00", sat, "Thu 2026-12-24 18:00:00 CET");
	next("12-24 18:00", sat, "Thu 2026-12-24 18:00:00 CET");
	next("*-*-01", sat, "Fri 2027-01-01 00:00:00 CET");
	next("*-*-01 03:00", sat, "Fri 2027-01-01 03:00:00 CET");
	next("*-*-06", sat, "Sun 2026-12-06 00:00:00 CET");
	next("*:0/15", sat, "Sat 2026-12-05 17:15:00 CET");
	next("*:5/15", sat, "Sat 2026-12-05 17:05:00 CET");
	next("*:*/10", sat, "Sat 2026-12-05 17:10:00 CET");
	next("*:*:0/20", sat, "Sat 2026-12-05 17:00:20 CET");
	next("Mon..Fri 8..17/2:00", sat, "Mon 2026-12-07 08:00:00 CET");
	next("Mon..Fri 8..17/2:00", utc("2026-12-07 07:00:00"),
	    "Mon 2026-12-07 10:00:00 CET");
	next("Mon..Fri 8..17/2:00", utc("2026-12-07 15:00:00"),
	    "Tue 2026-12-08 08:00:00 CET");
	next("Mon *-*-1..7 03:00", sat, "Mon 2026-12-07 03:00:00 CET");
	next("Mon *-*-1..7 03:00", utc("2026-12-07 03:00:00"),
	    "Mon 2027-01-04 03:00:00 CET");
	next("Fri *-*-13 13:00", sat, "Fri 2027-08-13 13:00:00 CEST");
	next("*-02-29", sat, "Tue 2028-02-29 00:00:00 CET");
	next("*-*-31", utc("2027-01-31 12:00:00"),
	    "Wed 2027-03-31 00:00:00 CEST");
	next("*-1/3-1", sat, "Fri 2027-01-01 00:00:00 CET");
	next("2026..2028-06-01", sat, "Tue 2027-06-01 00:00:00 CEST");
	next("2025-*-*", sat, "never");
	next("*-02-30", sat, "never");
	next("2199-12-31 23:59:59", sat, "Tue 2199-12-31 23:59:59 CET");

	/* the shorthands */
	next("minutely", sat, "Sat 2026-12-05 17:01:00 CET");
	next("hourly", sat, "Sat 2026-12-05 18:00:00 CET");
	next("daily", sat, "Sun 2026-12-06 00:00:00 CET");
	next("weekly", sat, "Mon 2026-12-07 00:00:00 CET");
	next("monthly", sat, "Fri 2027-01-01 00:00:00 CET");
	next("yearly", sat, "Fri 2027-01-01 00:00:00 CET");
	next("annually", sat, "Fri 2027-01-01 00:00:00 CET");
	next("quarterly", utc("2027-01-02 00:00:00"),
	    "Thu 2027-04-01 00:00:00 CEST");
	next("semiannually", utc("2027-01-02 00:00:00"),
	    "Thu 2027-07-01 00:00:00 CEST");
	next("Daily", sat, "Sun 2026-12-06 00:00:00 CET");

	/* UTC: the fields are UTC, the answer shown in local time */
	next("daily UTC", sat, "Sun 2026-12-06 01:00:00 CET");
	next("*-*-* 12:00 UTC", sat, "Sun 2026-12-06 13:00:00 CET");
	next("*-*-* 12:00 utc", sat, "Sun 2026-12-06 13:00:00 CET");
	next("*-*-* 02:30 UTC", utc("2026-03-28 12:00:00"),
	    "Sun 2026-03-29 04:30:00 CEST");

	/* DST, Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST */
	next("*-*-* 02:30", utc("2026-03-28 12:00:00"),
	    "Mon 2026-03-30 02:30:00 CEST");
	next("*-*-* 03:30", utc("2026-03-28 12:00:00"),
	    "Sun 2026-03-29 03:30:00 CEST");
	next("*-*-* 01:30", utc("2026-03-28 12:00:00"),
	    "Sun 2026-03-29 01:30:00 CET");
	next("hourly", utc("2026-03-29 00:30:00"),
	    "Sun 2026-03-29 03:00:00 CEST");
	next("*:0/20", utc("2026-03-29 00:50:00"),
	    "Sun 2026-03-29 03:00:00 CEST");
	next("Sun 02:00", utc("2026-03-28 00:00:00"),
	    "Sun 2026-04-05 02:00:00 CEST");
	/* 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 once, the first */
	t = next("*-*-* 02:30", utc("2026-10-24 12:00:00"),
	    "Sun 2026-10-25 02:30:00 CEST");
	is_int(t, utc("2026-10-25 00:30:00"), "... at 00:30 UTC");
	next("*-*-* 02:30", t, "Mon 2026-10-26 02:30:00 CET");
	t = next("*:0/30", utc("2026-10-25 00:15:00"),
	    "Sun 2026-10-25 02:30:00 CEST");
	t = next("*:0/30", t, "Sun 2026-10-25 03:00:00 CET");
	is_int(t, utc("2026-10-25 02:00:00"), "... the repeated hour "
	    "passed once, as systemd does");
	/* from inside the repeated hour: its second reading */
	next("*:0/30", utc("2026-10-25 01:10:00"),
	    "Sun 2026-10-25 02:30:00 CET");
	next("daily", utc("2026-10-24 12:00:00"),
	    "Sun 2026-10-25 00:00:00 CEST");
	next("daily", utc("2026-10-24 22:00:00"),
	    "Mon 2026-10-26 00:00:00 CET");
	/* a daily job: 24 runs in 24 days across both changes, no twice */
	{
		struct oncal c;
		char why[100];
		long long at = utc("2026-03-20 03:15:00");
		int n = 0, okday = 1;

		oncal_parse("*-*-* 04:15", &c, why, sizeof(why));
		for (int i = 0; i < 24; i++) {
			long long nx;
			time_t x;
			struct tm tm;

			if (oncal_next(&c, at, &nx) != 0)
				break;
			x = (time_t)nx;
			localtime_r(&x, &tm);
			okday &= tm.tm_hour == 4 && tm.tm_min == 15;
			okday &= nx - at <= 25 * 3600 && nx - at >= 23 * 3600;
			at = nx;
			n++;
		}
		ok(n == 24 && okday, "04:15 daily across the spring change: "
		    "every day at 04:15, 23 to 25 hours apart");
	}

	/* DST, America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT */
	zone("America/New_York");
	next("*-*-* 02:30", utc("2026-03-07 12:00:00"),
	    "Mon 2026-03-09 02:30:00 EDT");
	next("*-*-* 01:30", utc("2026-11-01 04:00:00"),
	    "Sun 2026-11-01 01:30:00 EDT");
	next("Mon..Fri 09:00", utc("2026-12-05 16:00:00"),
	    "Mon 2026-12-07 09:00:00 EST");
	zone("UTC");
	next("Mon..Fri 09:00", sat, "Mon 2026-12-07 09:00:00 UTC");
	next("*:0/15", utc("2026-12-05 16:59:59"),
	    "Sat 2026-12-05 17:00:00 UTC");
	next("*-*-* 23:59:59", utc("2026-12-31 23:59:59"),
	    "Fri 2027-01-01 23:59:59 UTC");

	bad("", "empty");
	bad("   ", "empty");
	bad("Mon..Fry 09:00", "unknown weekday 'Fry'");
	bad("Fri..Mon 09:00", "weekday range 'Fri..Mon' wraps");
	bad("Mon,,Tue", "an empty day");
	bad("Mon 25:00", "hour 25 is out of range 0..23");
	bad("*-*-* 12:61", "minute 61 is out of range 0..59");
	bad("*-*-* 12:00:60", "second 60 is out of range 0..59");
	bad("*-13-01", "month 13 is out of range 1..12");
	bad("*-*-32", "day 32 is out of range 1..31");
	bad("*-*-0", "day 0 is out of range 1..31");
	bad("2200-01-01", "year 2200 is out of range 1970..2199");
	bad("24-01-01", "year '24': write the year with four digits");
	bad("*:0/0", "minute '0/0': a repetition of 0");
	bad("*:0/x", "the repetition after '/' is not a number");
	bad("*:/5", "a value is missing before '/'");
	bad("*-*-* 17..8:00", "hour range 17..8 is empty");
	bad("12:00 Europe/Berlin", "time zone 'Europe/Berlin'");
	bad("daily CET", "time zone 'CET'");
	bad("*-02~03", "'~'");
	bad("12:00:00.5", "fractions of a second");
	bad("15", "time '15': not HOUR:MINUTE[:SECOND]");
	bad("1:2:3:4", "not HOUR:MINUTE[:SECOND]");
	bad("09:00 Mon", "weekdays must come first");
	bad("12:00 *-*-01", "date '*-*-01' must come before the time");
	bad("12:00 13:00", "after the time");
	bad("@1700000000", "@EPOCH");
	bad("*-*-* 1x:00", "hour '1x' is not a number");
	bad("daily\n", "control character");
	bad("2026-01-01-01", "not [YEAR-]MONTH-DAY");
	return done_testing();
}
