/* pve_notify.c -- notification parameters PVE takes (pve_notify.h). */
#include <string.h>

#include "pve_notify.h"

static int
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int
pve_notify_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 64 || !alpha(s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
pve_notify_valid_severity(const char *s)
{
	static const char *const levels[] = { "info", "notice", "warning",
	    "error", "unknown" };
	const char *p = s;

	if (*s == '\0')
		return 0;
	for (;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (strlen(levels[i]) == len &&
			    strncmp(p, levels[i], len) == 0)
				break;
		if (i == sizeof(levels) / sizeof(levels[0]))
			return 0;
		if (p[len] == '\0')
			return 1;
		p += len + 1;
	}
}

int
pve_notify_valid_field(const char *s)
{
	const char *eq;

	if (strncmp(s, "exact:", 6) == 0)
		s += 6;
	else if (strncmp(s, "regex:", 6) == 0)
		s += 6;
	eq = strchr(s, '=');
	return eq != NULL && eq > s;
}
