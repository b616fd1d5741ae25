/*
 * calendar.c -- PVE's calendar events (calendar.h), checked the way
 * proxmox-time parses them, so that a wrong schedule is named before
 * anything is sent.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

static const char *const specials[] = {
	"minutely", "hourly", "daily", "weekly", "monthly", "yearly",
	"annually", "quarterly", "semiannually",
};

static const char *const days[7][2] = {
	{ "mon", "monday" }, { "tue", "tuesday" }, { "wed", "wednesday" },
	{ "thu", "thursday" }, { "fri", "friday" }, { "sat", "saturday" },
	{ "sun", "sunday" },
};

/* One part of a date or time: its name and bounds. */
struct part {
	const char *name;
	long lo, hi;
};

static const struct part hour = { "hour", 0, 23 };
static const struct part minute = { "minute", 0, 59 };
static const struct part second = { "second", 0, 59 };
static const struct part year = { "year", 1970, 9999 };
static const struct part month = { "month", 1, 12 };
static const struct part day = { "day", 1, 31 };

static int
fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
weekday(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++)
		for (int k = 0; k < 2; k++)
			if (strlen(days[i][k]) == len &&
			    strncmp(days[i][k], s, len) == 0)
				return i;
	return -1;
}

/* WEEKDAYS: mon,wed..fri (a range may wrap around sunday). */
static int
weekdays(const char *tok, char *why, size_t n)
{
	const char *p = tok;

	for (;;) {
		size_t len = strcspn(p, ",");
		const char *dots = NULL;

		for (size_t i = 0; i + 1 < len; i++)
			if (p[i] == '.' && p[i + 1] == '.') {
				dots = p + i;
				break;
			}
		if (len == 0)
			return fail(why, n, "'%s': an empty weekday in the "
			    "list", tok);
		if (dots) {
			size_t a = (size_t)(dots - p), b = len - a - 2;

			if (weekday(p, a) < 0)
				return fail(why, n, "unknown weekday '%.*s' "
				    "(mon, tue ... sun)", (int)a, p);
			if (weekday(dots + 2, b) < 0)
				return fail(why, n, "unknown weekday '%.*s' "
				    "(mon, tue ... sun)", (int)b, dots + 2);
		} else if (weekday(p, len) < 0) {
			return fail(why, n, "unknown weekday '%.*s' (mon, "
			    "tue ... sun)", (int)len, p);
		}
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

/* A number of part pt at p (len chars, digits only); -1 if not one. */
static int
number(const char *p, size_t len, const struct part *pt, long *v, char *why,
    size_t n)
{
	long x = 0;

	if (len == 0 || len > 9)
		return fail(why, n, "%s '%.*s' is not a number", pt->name,
		    (int)len, p);
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return fail(why, n, "%s '%.*s' is not a number",
			    pt->name, (int)len, p);
		x = x * 10 + (p[i] - '0');
	}
	if (x < pt->lo || x > pt->hi)
		return fail(why, n, "%s %ld is out of range %ld..%ld",
		    pt->name, x, pt->lo, pt->hi);
	*v = x;
	return 0;
}

/*
 * One element of a part's list: *, V, A..B, and any of them followed by
 * /R (a repetition every R from the start).
 */
static int
element(const char *p, size_t len, const struct part *pt, char *why,
    size_t n)
{
	const char *slash = memchr(p, '/', len);
	size_t body = slash ? (size_t)(slash - p) : len;
	const char *dots = NULL;
	long a, b;

	if (body == 0)
		return fail(why, n, "%s '%.*s': a value is missing before "
		    "'/'", pt->name, (int)len, p);
	if (slash) {
		const char *r = slash + 1;
		size_t rl = len - body - 1;
		long rep = 0;

		if (rl == 0 || rl > 9 || strspn(r, "0123456789") < rl)
			return fail(why, n, "%s '%.*s': the repetition after "
			    "'/' is not a number", pt->name, (int)len, p);
		for (size_t i = 0; i < rl; i++)
			rep = rep * 10 + (r[i] - '0');
		if (rep == 0)
			return fail(why, n, "%s '%.*s': a repetition of 0",
			    pt->name, (int)len, p);
	}
	if (body == 1 && p[0] == '*')
		return 0;
	for (size_t i = 0; i + 1 < body; i++)
		if (p[i] == '.' && p[i + 1] == '.') {
			dots = p + i;
			break;
		}
	if (dots == NULL)
		return number(p, body, pt, &a, why, n);
	if (number(p, (size_t)(dots - p), pt, &a, why, n) != 0 ||
	    number(dots + 2, body - (size_t)(dots - p) - 2, pt, &b, why,
	    n) != 0)
		return -1;
	if (a > b)
		return fail(why, n, "%s range %ld..%ld is empty (the start "
		    "is after the end)", pt->name, a, b);
	return 0;
}

/* A part: a comma list of elements, p..p+len. */
static int
part(const char *p, size_t len, const struct part *pt, char *why, size_t n)
{
	const char *end = p + len;

	if (len == 0)
		return fail(why, n, "the %s is empty", pt->name);
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t el = c ? (size_t)(c - p) : (size_t)(end - p);

		if (el == 0)
			return fail(why, n, "%s: an empty value in the list",
			    pt->name);
		if (element(p, el, pt, why, n) != 0)
			return -1;
		if (c == NULL)
			return 0;
		p = c + 1;
	}
}

/* Split tok at sep into at most max parts; returns their number or -1. */
static int
split(const char *tok, char sep, const char **at, size_t *len, int max)
{
	int k = 0;
	const char *p = tok;

	for (;;) {
		const char *c = strchr(p, sep);

		if (k == max)
			return -1;
		at[k] = p;
		len[k] = c ? (size_t)(c - p) : strlen(p);
		k++;
		if (c == NULL)
			return k;
		p = c + 1;
	}
}

/* [YEARS-]MONTHS-DAYS */
static int
date(const char *tok, char *why, size_t n)
{
	const struct part *two[] = { &month, &day };
	const struct part *three[] = { &year, &month, &day };
	const char *at[3];
	size_t len[3];
	int k = split(tok, '-', at, len, 3);

	if (k < 2)
		return fail(why, n, "date '%s': not [YEAR-]MONTH-DAY", tok);
	for (int i = 0; i < k; i++)
		if (part(at[i], len[i], k == 2 ? two[i] : three[i], why,
		    n) != 0)
			return -1;
	return 0;
}

/* [HOURS:]MINUTES[:SECONDS] */
static int
time_of_day(const char *tok, char *why, size_t n)
{
	const struct part *hms[] = { &hour, &minute, &second };
	const char *at[3];
	size_t len[3];
	int k = split(tok, ':', at, len, 3);

	if (k < 0)
		return fail(why, n, "time '%s': not HOUR:MINUTE[:SECOND]",
		    tok);
	if (k == 1)
		return part(at[0], len[0], &minute, why, n);
	for (int i = 0; i < k; i++)
		if (part(at[i], len[i], hms[i], why, n) != 0)
			return -1;
	return 0;
}

int
calendar_check(const char *ev, char *why, size_t n)
{
	char buf[CALENDAR_MAX + 1], *tok, *save;
	int stage = 0;	/* 0 weekdays, 1 date, 2 time, 3 done */
	size_t len = strlen(ev);

	if (len == 0 || strspn(ev, " \t") == len)
		return fail(why, n, "the schedule is empty");
	if (len > CALENDAR_MAX)
		return fail(why, n, "longer than %d characters", CALENDAR_MAX);
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (strcmp(ev, specials[i]) == 0)
			return 0;
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)ev[i]) && ev[i] != '\t')
			return fail(why, n, "a control character at %zu",
			    i + 1);
	memcpy(buf, ev, len + 1);
	for (tok = strtok_r(buf, " \t", &save); tok;
	    tok = strtok_r(NULL, " \t", &save)) {
		int isdate = strchr(tok, '-') != NULL;

		if (islower((unsigned char)tok[0]) && !isdate) {
			if (stage > 0)
				return fail(why, n, "weekdays '%s' must come "
				    "first", tok);
			if (weekdays(tok, why, n) != 0)
				return -1;
			stage = 1;
		} else if (isdate) {
			if (stage > 1)
				return fail(why, n, "date '%s' must come "
				    "before the time", tok);
			if (date(tok, why, n) != 0)
				return -1;
			stage = 2;
		} else if (stage > 2) {
			return fail(why, n, "'%s' after the time (one time "
			    "only)", tok);
		} else if (isalpha((unsigned char)tok[0])) {
			return fail(why, n, "unknown weekday '%s' (mon, tue "
			    "... sun)", tok);
		} else {
			if (time_of_day(tok, why, n) != 0)
				return -1;
			stage = 3;
		}
	}
	return 0;
}
