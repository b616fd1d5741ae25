/*
 * pve_progress.c -- progress told by PVE task log lines (migration, disk
 * moves, vzdump).
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "out.h"
#include "pve_progress.h"
#include "pve_check.h"
#include "pve_guest.h"
#include "pve_task.h"

/* ---- progress in task logs ---- */

double
pve_parse_size_text(const char *s, const char **end)
{
	static const struct { const char *u; double m; } units[] = {
		{ "TiB", 1099511627776.0 }, { "GiB", 1073741824.0 },
		{ "MiB", 1048576.0 }, { "KiB", 1024.0 },
		{ "TB", 1e12 }, { "GB", 1e9 }, { "MB", 1e6 }, { "KB", 1e3 },
		{ "kB", 1e3 }, { "T", 1099511627776.0 },
		{ "G", 1073741824.0 }, { "M", 1048576.0 }, { "K", 1024.0 },
		{ "B", 1 },
	};
	const char *p;
	char *e;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &e);
	if (e == s || !isfinite(v) || v < 0)
		return -1;
	p = e;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].u);

		if (strncmp(p, units[i].u, n) == 0 &&
		    !isalpha((unsigned char)p[n])) {
			if (end)
				*end = p + n;
			return v * units[i].m;
		}
	}
	return -1;
}
int
pve_progress_parse(const char *line, struct pve_progress *p)
{
	const char *s, *end;
	double a, b;
	int found = 0;

	p->percent = -1;
	p->transferred = p->total = 0;
	p->speed = -1;
	if (strstr(line, "migration status: completed") != NULL) {
		p->percent = 100;
		return 1;
	}
	/* "transferred A of B" */
	if ((s = strstr(line, "transferred ")) != NULL &&
	    (a = pve_parse_size_text(s + 12, &end)) >= 0 &&
	    strncmp(end, " of ", 4) == 0 &&
	    (b = pve_parse_size_text(end + 4, &end)) >= 0) {
		p->transferred = (uint64_t)a;
		p->total = (uint64_t)b;
		if (b > 0)
			p->percent = a * 100 / b;
		found = 1;
	}
	/* older qemu-server, in bytes: "migration status: active
	 * (transferred 123, remaining 456), total 789)": the share of the
	 * memory no longer left to send */
	if (!found && (s = strstr(line, "(transferred ")) != NULL) {
		double rem, total;

		if (sscanf(s, "(transferred %lf, remaining %lf), total %lf",
		    &a, &rem, &total) == 3 && a >= 0 && rem >= 0 &&
		    total > 0 && isfinite(a) && isfinite(rem) &&
		    isfinite(total)) {
			p->transferred = (uint64_t)a;
			p->total = (uint64_t)total;
			p->percent = rem < total ? (total - rem) * 100 / total :
			    0;
			found = 1;
		}
	}
	/* a percentage: "(3.12%)", "45%", "(45.00/100%)" */
	for (s = line; (s = strchr(s, '%')) != NULL; s++) {
		const char *q = s;

		if (q - line >= 4 && strncmp(q - 4, "/100", 4) == 0)
			q -= 4;
		while (q > line && (isdigit((unsigned char)q[-1]) ||
		    q[-1] == '.'))
			q--;
		if (q < s && isdigit((unsigned char)*q)) {
			double v = strtod(q, NULL);

			if (v >= 0 && v <= 100) {
				p->percent = v;
				found = 1;
				break;
			}
		}
	}
	/* a speed: "120.5 MiB/s" */
	for (s = line; (s = strstr(s, "/s")) != NULL; s++) {
		const char *q = s;

		while (q > line && isalpha((unsigned char)q[-1]))
			q--;
		while (q > line && q[-1] == ' ')
			q--;
		while (q > line && (isdigit((unsigned char)q[-1]) ||
		    q[-1] == '.'))
			q--;
		if (q < s && (a = pve_parse_size_text(q, &end)) >= 0 &&
		    end == s) {
			p->speed = a;
			break;
		}
	}
	if (p->percent > 100)
		p->percent = 100;
	return found;
}
