/*
 * out_fmt.c -- human units for table cells and messages: bytes, durations,
 * percentages, local times (see out.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "out.h"

void
out_fmt_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
		return;
	}
	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	/* 1023.96 KiB would print as "1024.0 KiB": say "1.0 MiB". */
	if (v >= 1023.95 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f %s", v, unit[u]);
}

void
out_fmt_duration(char *buf, size_t n, long long secs)
{
	const char *sign = "";
	unsigned long long s = (unsigned long long)secs;

	if (secs < 0) {
		sign = "-";
		s = 0 - s;	/* also right for LLONG_MIN */
	}
	if (s < 60)
		snprintf(buf, n, "%s%llus", sign, s);
	else if (s < 3600)
		snprintf(buf, n, "%s%llum%llus", sign, s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, n, "%s%lluh%llum", sign, s / 3600, s % 3600 / 60);
	else
		snprintf(buf, n, "%s%llud%lluh", sign, s / 86400,
		    s % 86400 / 3600);
}

void
out_fmt_pct(char *buf, size_t n, double frac)
{
	if (!isfinite(frac))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1f%%", frac * 100);
}

void
out_fmt_time(char *buf, size_t n, long long epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;

	if (n == 0)
		return;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, n, "-");
}
