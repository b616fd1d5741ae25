/*
 * oncalendar.c -- systemd's OnCalendar= subset for px schedule --at
 * (oncalendar.h): parsed into bit sets, and the next elapse found field
 * by field from the year down, then mapped to an epoch second in local
 * time (both DST readings tried, the one that reads back kept) or UTC.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "oncalendar.h"

static const struct {
	const char *name, *expansion;
} shorthands[] = {
	{ "minutely", "*-*-* *:*:00" },
	{ "hourly", "*-*-* *:00:00" },
	{ "daily", "*-*-* 00:00:00" },
	{ "weekly", "Mon *-*-* 00:00:00" },
	{ "monthly", "*-*-01 00:00:00" },
	{ "yearly", "*-01-01 00:00:00" },
	{ "annually", "*-01-01 00:00:00" },
	{ "quarterly", "*-01,04,07,10-01 00:00:00" },
	{ "semiannually", "*-01,07-01 00:00:00" },
};

static const char *const days[7][2] = {
	{ "mon", "monday" }, { "tue", "tuesday" }, { "wed", "wednesday" },
	{ "thu", "thursday" }, { "fri", "friday" }, { "sat", "saturday" },
	{ "sun", "sunday" },
};

/* A field: its name and bounds. */
struct field {
	const char *name;
	long lo, hi;
};

static const struct field f_year = { "year", ONCAL_YEAR_MIN, ONCAL_YEAR_MAX };
static const struct field f_mon = { "month", 1, 12 };
static const struct field f_day = { "day", 1, 31 };
static const struct field f_hour = { "hour", 0, 23 };
static const struct field f_min = { "minute", 0, 59 };
static const struct field f_sec = { "second", 0, 59 };

static int
fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Where values of a field go: a bit set, or the year bytes. */
struct sink {
	uint64_t *bits;
	unsigned char *bytes;	/* years, index v - lo */
};

static void
put(const struct sink *k, const struct field *f, long v)
{
	if (k->bytes)
		k->bytes[v - f->lo] = 1;
	else
		*k->bits |= (uint64_t)1 << v;
}

static int
weekday(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++)
		for (int k = 0; k < 2; k++)
			if (strlen(days[i][k]) == len &&
			    strncasecmp(days[i][k], s, len) == 0)
				return i;
	return -1;
}

static const char *
dots_in(const char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (p[i] == '.' && p[i + 1] == '.')
			return p + i;
	return NULL;
}

/* WEEKDAYS: Mon,Wed..Fri */
static int
weekdays(const char *tok, uint32_t *bits, char *why, size_t n)
{
	const char *p = tok;

	for (;;) {
		size_t len = strcspn(p, ",");
		const char *dots = dots_in(p, len);
		int a, b;

		if (len == 0)
			return fail(why, n, "weekdays '%s': an empty day in "
			    "the list", tok);
		if (dots) {
			size_t al = (size_t)(dots - p), bl = len - al - 2;

			if ((a = weekday(p, al)) < 0)
				return fail(why, n, "unknown weekday '%.*s' "
				    "(Mon, Tue ... Sun)", (int)al, p);
			if ((b = weekday(dots + 2, bl)) < 0)
				return fail(why, n, "unknown weekday '%.*s' "
				    "(Mon, Tue ... Sun)", (int)bl, dots + 2);
			if (a > b)
				return fail(why, n, "weekday range '%.*s' "
				    "wraps past Sunday (write it as a list: "
				    "Sat,Sun,Mon)", (int)len, p);
		} else {
			if ((a = weekday(p, len)) < 0)
				return fail(why, n, "unknown weekday '%.*s' "
				    "(Mon, Tue ... Sun)", (int)len, p);
			b = a;
		}
		for (int d = a; d <= b; d++)
			*bits |= (uint32_t)1 << d;
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

/* A value of field f at p (len digits); -1 if not one. */
static int
number(const char *p, size_t len, const struct field *f, long *v, char *why,
    size_t n)
{
	long x = 0;

	if (len == 0)
		return fail(why, n, "%s: a value is missing", f->name);
	if (memchr(p, '~', len))
		return fail(why, n, "%s '%.*s': '~' (counting from the end "
		    "of the month) is not supported", f->name, (int)len, p);
	if (f == &f_sec && memchr(p, '.', len))
		return fail(why, n, "second '%.*s': fractions of a second "
		    "are not supported", (int)len, p);
	if (len > 9 || strspn(p, "0123456789") < len)
		return fail(why, n, "%s '%.*s' is not a number", f->name,
		    (int)len, p);
	for (size_t i = 0; i < len; i++)
		x = x * 10 + (p[i] - '0');
	if (f == &f_year && len <= 2)
		return fail(why, n, "year '%.*s': write the year with four "
		    "digits", (int)len, p);
	if (x < f->lo || x > f->hi)
		return fail(why, n, "%s %ld is out of range %ld..%ld",
		    f->name, x, f->lo, f->hi);
	*v = x;
	return 0;
}

/* One element: *, V, A..B, any of them followed by /R. */
static int
element(const char *p, size_t len, const struct field *f,
    const struct sink *k, char *why, size_t n)
{
	const char *slash = memchr(p, '/', len);
	size_t body = slash ? (size_t)(slash - p) : len;
	const char *dots;
	long a, b, rep = 0;

	if (slash) {
		const char *r = slash + 1;
		size_t rl = len - body - 1;

		if (body == 0)
			return fail(why, n, "%s '%.*s': a value is missing "
			    "before '/'", f->name, (int)len, p);
		if (rl == 0 || rl > 9 || strspn(r, "0123456789") < rl)
			return fail(why, n, "%s '%.*s': the repetition after "
			    "'/' is not a number", f->name, (int)len, p);
		for (size_t i = 0; i < rl; i++)
			rep = rep * 10 + (r[i] - '0');
		if (rep == 0)
			return fail(why, n, "%s '%.*s': a repetition of 0",
			    f->name, (int)len, p);
	}
	if (body == 1 && p[0] == '*') {
		a = f->lo;
		b = f->hi;
		if (!rep)
			rep = 1;
	} else if ((dots = dots_in(p, body)) != NULL) {
		if (number(p, (size_t)(dots - p), f, &a, why, n) != 0 ||
		    number(dots + 2, body - (size_t)(dots - p) - 2, f, &b,
		    why, n) != 0)
			return -1;
		if (a > b)
			return fail(why, n, "%s range %ld..%ld is empty (the "
			    "start is after the end)", f->name, a, b);
		if (!rep)
			rep = 1;
	} else {
		if (number(p, body, f, &a, why, n) != 0)
			return -1;
		b = rep ? f->hi : a;
		if (!rep)
			rep = 1;
	}
	for (long v = a; v <= b; v += rep)
		put(k, f, v);
	return 0;
}

/* A field: a comma list of elements, p..p+len. */
static int
field(const char *p, size_t len, const struct field *f,
    const struct sink *k, char *why, size_t n)
{
	const char *end = p + len;

	if (len == 0)
		return fail(why, n, "the %s is empty", f->name);
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t el = c ? (size_t)(c - p) : (size_t)(end - p);

		if (el == 0)
			return fail(why, n, "%s: an empty value in the list",
			    f->name);
		if (element(p, el, f, k, why, n) != 0)
			return -1;
		if (c == NULL)
			return 0;
		p = c + 1;
	}
}

/* Split tok at sep into at most max parts; their number or -1. */
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

/* [YEAR-]MONTH-DAY */
static int
date(const char *tok, struct oncal *c, char *why, size_t n)
{
	const char *at[3];
	size_t len[3];
	int k = split(tok, '-', at, len, 3), i = 0;
	uint64_t mon = 0, day = 0;
	struct sink ys = { NULL, c->year }, ms = { &mon, NULL },
	    ds = { &day, NULL };

	if (k < 2)
		return fail(why, n, "date '%s': not [YEAR-]MONTH-DAY", tok);
	memset(c->year, 0, sizeof(c->year));
	if (k == 3) {
		if (field(at[0], len[0], &f_year, &ys, why, n) != 0)
			return -1;
		i = 1;
	} else {
		memset(c->year, 1, sizeof(c->year));
	}
	if (field(at[i], len[i], &f_mon, &ms, why, n) != 0 ||
	    field(at[i + 1], len[i + 1], &f_day, &ds, why, n) != 0)
		return -1;
	c->mon = (uint32_t)mon;
	c->mday = (uint32_t)day;
	return 0;
}

/* HOUR:MINUTE[:SECOND] */
static int
time_of_day(const char *tok, struct oncal *c, char *why, size_t n)
{
	const char *at[3];
	size_t len[3];
	int k = split(tok, ':', at, len, 3);
	uint64_t h = 0;
	struct sink hs = { &h, NULL }, ms = { &c->min, NULL },
	    ss = { &c->sec, NULL };

	if (k < 2)
		return fail(why, n, "time '%s': not HOUR:MINUTE[:SECOND]",
		    tok);
	c->min = c->sec = 0;
	if (field(at[0], len[0], &f_hour, &hs, why, n) != 0 ||
	    field(at[1], len[1], &f_min, &ms, why, n) != 0)
		return -1;
	if (k == 3) {
		if (field(at[2], len[2], &f_sec, &ss, why, n) != 0)
			return -1;
	} else {
		c->sec = 1;
	}
	c->hour = (uint32_t)h;
	return 0;
}

static int
parse_tokens(char *buf, struct oncal *c, char *why, size_t n)
{
	char *tok, *save;
	int stage = 0;	/* 0 weekdays, 1 date, 2 time, 3 done */

	for (tok = strtok_r(buf, " \t", &save); tok;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (tok[0] == '@')
			return fail(why, n, "'%s': @EPOCH is not supported",
			    tok);
		if (isalpha((unsigned char)tok[0])) {
			if (stage > 0) {
				if (strchr(tok, '-') || strchr(tok, ':'))
					return fail(why, n, "'%s' is not a "
					    "date or a time", tok);
				return fail(why, n, "'%s': weekdays must "
				    "come first, and the time zone (UTC) "
				    "last", tok);
			}
			c->wday = 0;
			if (weekdays(tok, &c->wday, why, n) != 0)
				return -1;
			stage = 1;
		} else if (strchr(tok, '-') && !strchr(tok, ':')) {
			if (stage > 1)
				return fail(why, n, "date '%s' must come "
				    "before the time", tok);
			if (date(tok, c, why, n) != 0)
				return -1;
			stage = 2;
		} else if (stage > 2) {
			return fail(why, n, "'%s' after the time (one time "
			    "only)", tok);
		} else {
			if (time_of_day(tok, c, why, n) != 0)
				return -1;
			stage = 3;
		}
	}
	if (stage == 0)
		return fail(why, n, "the expression is empty");
	return 0;
}

int
oncal_parse(const char *ev, struct oncal *c, char *why, size_t n)
{
	char buf[ONCAL_MAX + 32], *end, *last;
	size_t len = strlen(ev);

	memset(c, 0, sizeof(*c));
	if (len > ONCAL_MAX)
		return fail(why, n, "longer than %d characters", ONCAL_MAX);
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)ev[i]) && ev[i] != '\t')
			return fail(why, n, "a control character at %zu",
			    i + 1);
	memcpy(buf, ev, len + 1);
	/* trim, then take a trailing time zone off */
	end = buf + len;
	while (end > buf && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (end == buf)
		return fail(why, n, "the expression is empty");
	last = end;
	while (last > buf && last[-1] != ' ' && last[-1] != '\t')
		last--;
	if (last > buf) {
		if (strcasecmp(last, "UTC") == 0) {
			c->utc = 1;
			*last = '\0';
		} else if (isalpha((unsigned char)last[0]) &&
		    !strchr(last, ',') && !strchr(last, '.') &&
		    weekday(last, strlen(last)) < 0) {
			return fail(why, n, "time zone '%s': only UTC or "
			    "local time", last);
		}
	}
	/* defaults: every day at 00:00:00 */
	memset(c->year, 1, sizeof(c->year));
	c->mon = 0x1ffe;
	c->mday = 0xfffffffe;
	c->wday = 0x7f;
	c->hour = 1;
	c->min = 1;
	c->sec = 1;
	{
		char *t = buf;

		while (*t == ' ' || *t == '\t')
			t++;
		for (size_t i = 0; i < sizeof(shorthands) /
		    sizeof(shorthands[0]); i++) {
			size_t sl = strlen(shorthands[i].name);

			if (strncasecmp(t, shorthands[i].name, sl) == 0 &&
			    strspn(t + sl, " \t") == strlen(t + sl)) {
				snprintf(buf, sizeof(buf), "%s",
				    shorthands[i].expansion);
				break;
			}
		}
	}
	return parse_tokens(buf, c, why, n);
}

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
dim(long y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* 0 Monday .. 6 Sunday */
static int
dow(long y, int m, int d)
{
	/* days from 1970-01-01 (a Thursday), Howard Hinnant's algorithm */
	long yy = m <= 2 ? y - 1 : y;
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days = era * 146097 + doe - 719468;

	return (int)(((days % 7) + 7 + 3) % 7);
}

/* The fields read back from t equal tm's? */
static int
same(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour &&
	    a->tm_min == b->tm_min && a->tm_sec == b->tm_sec;
}

/*
 * The epoch second of these fields after after: the earliest reading
 * that reads back the same (local time: standard and daylight time
 * tried; none in a DST gap), in *t; 0 when there is none.
 */
static int
resolve(const struct oncal *c, long y, int mo, int d, int h, int mi, int s,
    long long after, long long *t)
{
	struct tm want = { 0 }, tm, back;
	int found = 0;

	want.tm_year = (int)(y - 1900);
	want.tm_mon = mo - 1;
	want.tm_mday = d;
	want.tm_hour = h;
	want.tm_min = mi;
	want.tm_sec = s;
	if (c->utc) {
		tm = want;
		*t = (long long)timegm(&tm);
		return *t > after;
	}
	for (int dst = 0; dst <= 1; dst++) {
		time_t x;

		tm = want;
		tm.tm_isdst = dst;
		x = mktime(&tm);
		if (x == (time_t)-1 || localtime_r(&x, &back) == NULL ||
		    !same(&back, &want) || (long long)x <= after)
			continue;
		if (!found || (long long)x < *t)
			*t = (long long)x;
		found = 1;
	}
	return found;
}

#define HAS(set, v)	(((set) >> (v)) & 1)

int
oncal_next(const struct oncal *c, long long after, long long *next)
{
	time_t start = (time_t)(after + 1);
	struct tm tm;
	long y;
	int mo, d, h, mi, s;

	if (after < 0)
		start = 0;
	if ((c->utc ? gmtime_r(&start, &tm) : localtime_r(&start, &tm)) ==
	    NULL)
		return -1;
	y = tm.tm_year + 1900L;
	mo = tm.tm_mon + 1;
	d = tm.tm_mday;
	h = tm.tm_hour;
	mi = tm.tm_min;
	s = tm.tm_sec;
	if (s > 59)	/* a leap second */
		s = 59;
	for (long iter = 0; iter < 5000000; iter++) {
		if (y > ONCAL_YEAR_MAX)
			return -1;
		if (mo > 12 || y < ONCAL_YEAR_MIN ||
		    !c->year[y - ONCAL_YEAR_MIN]) {
			y++, mo = 1, d = 1, h = mi = s = 0;
			continue;
		}
		if (!HAS(c->mon, mo)) {
			mo++, d = 1, h = mi = s = 0;
			continue;
		}
		if (d > dim(y, mo)) {
			mo++, d = 1, h = mi = s = 0;
			continue;
		}
		if (!HAS(c->mday, d) || !HAS(c->wday, dow(y, mo, d)) ||
		    h > 23) {
			d++, h = mi = s = 0;
			continue;
		}
		if (!HAS(c->hour, h) || mi > 59) {
			h++, mi = s = 0;
			continue;
		}
		if (!HAS(c->min, mi) || s > 59) {
			mi++, s = 0;
			continue;
		}
		if (!HAS(c->sec, s)) {
			s++;
			continue;
		}
		if (resolve(c, y, mo, d, h, mi, s, after, next))
			return 0;
		s++;
	}
	return -1;
}
