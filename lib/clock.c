/* clock.c -- the monotonic clock and sleeping, in seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"

double
px_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
px_sleep(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* An epoch from s ("1764950000", optional newline); -1 if malformed. */
static long long
parse_epoch(const char *s)
{
	char *end;
	long long v;

	v = strtoll(s, &end, 10);
	if (end == s || v < 0 || (*end != '\0' && *end != '\n'))
		return -1;
	return v;
}

long long
px_now(void)
{
	const char *t = getenv("PX_TEST_NOW");
	long long v = -1;

	if (t != NULL && t[0] == '/') {
		char line[64];
		FILE *f = fopen(t, "r");

		if (f != NULL) {
			if (fgets(line, sizeof(line), f) != NULL)
				v = parse_epoch(line);
			fclose(f);
		}
	} else if (t != NULL && *t) {
		v = parse_epoch(t);
	}
	return v >= 0 ? v : (long long)time(NULL);
}
