/* upid.c -- parse PVE/PBS task ids. */
#include <stdlib.h>
#include <string.h>

#include "upid.h"

/* Copy field [s, end) into dst, decoding \xNN escapes when pbs is set. */
static int
field(char *dst, size_t n, const char *s, const char *end, int pbs)
{
	size_t o = 0;

	for (; s < end; s++) {
		char c = *s;

		if (pbs && c == '\\' && end - s >= 4 && s[1] == 'x') {
			char hex[3] = { s[2], s[3], 0 }, *e;
			long v = strtol(hex, &e, 16);

			if (*e == '\0' && v > 0) {
				c = (char)v;
				s += 3;
			}
		}
		if ((unsigned char)c < 0x20 || o + 1 >= n)
			return -1;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return 0;
}

static int
hexnum(const char *s, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == end || end - s > 16)
		return -1;
	for (; s < end; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

int
upid_parse(const char *s, struct upid *u, struct px_err *e)
{
	const char *f[11];
	unsigned long long v[4];
	int n = 0, pbs;

	memset(u, 0, sizeof(*u));
	if (s == NULL || strncmp(s, "UPID:", 5) != 0)
		goto bad;
	/* Split on ':' into at most 10 fields after "UPID". */
	for (const char *p = s + 5; n < 11; n++) {
		f[n] = p;
		if ((p = strchr(p, ':')) == NULL)
			break;
		p++;
	}
	/* n is the index of the last field, which the trailing colon leaves
	 * empty: PVE has 7 fields before it, PBS 8. */
	if (n == 7)
		pbs = 0;
	else if (n == 8)
		pbs = 1;
	else
		goto bad;
	u->pbs = pbs;
	if (field(u->node, sizeof(u->node), f[0], f[1] - 1, 0) != 0 ||
	    u->node[0] == '\0')
		goto bad;
	for (int i = 0; i < 3 + pbs; i++)
		if (hexnum(f[1 + i], f[2 + i] - 1, &v[i]) != 0)
			goto bad;
	u->pid = (unsigned long)v[0];
	u->pstart = (unsigned long)v[1];
	if (pbs)
		u->taskid = (unsigned long)v[2];
	u->starttime = (long long)v[2 + pbs];
	if (field(u->type, sizeof(u->type), f[4 + pbs], f[5 + pbs] - 1, 0) ||
	    u->type[0] == '\0' ||
	    field(u->id, sizeof(u->id), f[5 + pbs], f[6 + pbs] - 1, pbs) ||
	    field(u->user, sizeof(u->user), f[6 + pbs], f[7 + pbs] - 1, 0) ||
	    u->user[0] == '\0' || *f[7 + pbs] != '\0')
		goto bad;
	return 0;
bad:
	return px_fail(e, PXE_USAGE, "not a task id (UPID): %.80s%s",
	    s ? s : "(null)", s && strlen(s) > 80 ? "..." : "");
}
