/*
 * request.c -- what a pxsim handler reads of a request: parameters (query
 * and body), headers, the variables a route captured, and percent-decoding.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"


/* A request parameter or NULL. */
const char *
sim_param(const struct sim_req *rq, const char *name)
{
	return sim_kv_get(&rq->params, name);
}

/* An integer parameter or def. */
long long
sim_param_int(const struct sim_req *rq, const char *name, long long def)
{
	const char *v = sim_param(rq, name);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? n : def;
}

/* A boolean parameter or def. */
int
sim_param_bool(const struct sim_req *rq, const char *name, int def)
{
	const char *v = sim_param(rq, name);

	if (v == NULL)
		return def;
	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "0") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "no") || !strcasecmp(v, "off") || *v == '\0')
		return 0;
	return def;
}

/* A header (any case) or NULL. */
const char *
sim_header(const struct sim_req *rq, const char *name)
{
	char low[128];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	return sim_kv_get(&rq->headers, low);
}

/* The value of a captured route variable or NULL. */
const char *
sim_var(const struct sim_match *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (strlen(name) == m->namelen[i] &&
		    strncmp(m->name[i], name, m->namelen[i]) == 0)
			return m->value[i];
	return NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n); NULL on a bad escape or an encoded NUL. */
char *
sim_pct_decode(const char *s, size_t n, int plus)
{
	char *out = px_xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;

			if (i + 2 >= n || (h = hexval((unsigned char)s[i + 1]))
			    < 0 || (l = hexval((unsigned char)s[i + 2])) < 0 ||
			    (h == 0 && l == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(h * 16 + l);
			i += 2;
		} else if (s[i] == '+' && plus) {
			*o++ = ' ';
		} else if (s[i] == '\0') {
			free(out);
			return NULL;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}
