/* pve_cond.c -- times, durations and watch conditions. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pve.h"
#include "pve_cond.h"

/* ---- times and durations ---- */

/* A number with an optional unit suffix; *unit gets the suffix. */
static int
num_unit(const char *s, double *v, const char **unit)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	*v = strtod(s, &end);
	if (end == s || !isfinite(*v) || *v < 0)
		return -1;
	*unit = end;
	return 0;
}

static double
time_unit(const char *u)
{
	static const struct { const char *u; double s; } t[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "min", 60 },
		{ "h", 3600 }, { "d", 86400 }, { "w", 604800 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(u, t[i].u) == 0)
			return t[i].s;
	return -1;
}

double
pve_parse_seconds(const char *s)
{
	const char *u;
	double v, m;

	if (num_unit(s, &v, &u) != 0 || (m = time_unit(u)) < 0)
		return -1;
	return v * m;
}

int
pve_parse_since(const char *s, long long now, long long *out,
    struct px_err *e)
{
	struct tm tm;
	const char *u, *end;
	double v, m;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL) {
		if (*end == ' ' || *end == 'T') {
			const char *f = strptime(end + 1, "%H:%M:%S", &tm);

			end = f ? f : strptime(end + 1, "%H:%M", &tm);
		}
		if (end && *end == '\0') {
			tm.tm_isdst = -1;
			*out = (long long)mktime(&tm);
			return 0;
		}
	} else if (num_unit(s, &v, &u) == 0) {
		if (*u == '\0' && v >= 1e9) {	/* an epoch */
			*out = (long long)v;
			return 0;
		}
		if (*u != '\0' && (m = time_unit(u)) > 0) {
			*out = now - (long long)(v * m);
			return 0;
		}
	}
	px_fail(e, PXE_USAGE, "'%s' is not a time (epoch, 30m, 2h, 7d, "
	    "YYYY-MM-DD [HH:MM])", s);
	return -1;
}

/* ---- conditions ---- */

static const char *const text_keys[] = { "status", "name", "lock", "ha",
	"node", "tags", NULL };
static const char *const num_keys[] = { "cpu", "mem", "disk", "uptime",
	"maxmem", "maxdisk", "maxcpu", NULL };

static int
in_list(const char *const *l, const char *k)
{
	for (; *l; l++)
		if (strcmp(*l, k) == 0)
			return 1;
	return 0;
}

int
pve_cond_parse(const char *s, struct pve_cond *c, struct px_err *e)
{
	static const struct { const char *op; enum pve_cond_op v; } ops[] = {
		{ "==", PVE_EQ }, { "!=", PVE_NE }, { "<=", PVE_LE },
		{ ">=", PVE_GE }, { "=", PVE_EQ }, { "<", PVE_LT },
		{ ">", PVE_GT },
	};
	size_t kl = strcspn(s, "=!<>");
	const char *rest = s + kl, *u;
	double mult = -1;

	memset(c, 0, sizeof(*c));
	if (kl == 0 || kl >= sizeof(c->key) || *rest == '\0')
		goto bad;
	snprintf(c->key, sizeof(c->key), "%.*s", (int)kl, s);
	if (strcmp(c->key, "hastate") == 0)
		snprintf(c->key, sizeof(c->key), "ha");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(rest, ops[i].op, strlen(ops[i].op)) == 0) {
			c->op = ops[i].v;
			rest += strlen(ops[i].op);
			break;
		}
	if (in_list(text_keys, c->key)) {
		if (c->op != PVE_EQ && c->op != PVE_NE)
			return px_fail(e, PXE_USAGE, "%s: '%s' compares text: "
			    "use = or !=", s, c->key);
		snprintf(c->text, sizeof(c->text), "%s", rest);
		return 0;
	}
	if (!in_list(num_keys, c->key))
		return px_fail(e, PXE_USAGE, "%s: unknown key '%s' (status, "
		    "name, lock, ha, node, tags, cpu, mem, disk, uptime, "
		    "maxmem, maxdisk, maxcpu)", s, c->key);
	if (num_unit(rest, &c->num, &u) != 0)
		goto bad;
	if (strcmp(u, "%") == 0 && strcmp(c->key, "uptime") != 0 &&
	    strncmp(c->key, "max", 3) != 0) {
		c->pct = 1;
		c->num /= 100;
		return 0;
	}
	if (strcmp(c->key, "uptime") == 0)
		mult = time_unit(u);
	else if (strcmp(c->key, "cpu") == 0 || strcmp(c->key, "maxcpu") == 0)
		mult = *u == '\0' ? 1 : -1;
	else {
		static const char units[] = "KMGTP";
		const char *p = *u ? strchr(units, toupper((unsigned char)*u)) :
		    NULL;

		if (*u == '\0' || strcasecmp(u, "B") == 0)
			mult = 1;
		else if (p && (u[1] == '\0' || strcasecmp(u + 1, "iB") == 0 ||
		    strcasecmp(u + 1, "B") == 0))
			mult = pow(1024, (double)(p - units + 1));
	}
	if (mult < 0)
		goto bad;
	c->num *= mult;
	return 0;
bad:
	return px_fail(e, PXE_USAGE, "'%s' is not a condition (like "
	    "status=running, cpu<50%%, mem>2G, uptime>60)", s);
}

int
pve_cond_eval(const struct pve_cond *c, const struct pve_sample *s)
{
	double v = 0, max = 0;

	if (in_list(text_keys, c->key)) {
		const char *t = !strcmp(c->key, "status") ? s->status :
		    !strcmp(c->key, "name") ? s->name :
		    !strcmp(c->key, "lock") ? s->lock :
		    !strcmp(c->key, "ha") ? s->ha :
		    !strcmp(c->key, "node") ? s->node : s->tags;
		int eq = !strcmp(c->key, "tags") ?
		    pve_has_tag(t ? t : "", c->text) :
		    strcmp(t ? t : "", c->text) == 0;

		return c->op == PVE_EQ ? eq : !eq;
	}
	if (!strcmp(c->key, "cpu"))
		v = s->cpu, max = 1;
	else if (!strcmp(c->key, "mem"))
		v = (double)s->mem, max = (double)s->maxmem;
	else if (!strcmp(c->key, "disk"))
		v = (double)s->disk, max = (double)s->maxdisk;
	else if (!strcmp(c->key, "uptime"))
		v = (double)s->uptime;
	else if (!strcmp(c->key, "maxmem"))
		v = (double)s->maxmem;
	else if (!strcmp(c->key, "maxdisk"))
		v = (double)s->maxdisk;
	else if (!strcmp(c->key, "maxcpu"))
		v = s->maxcpu;
	if (c->pct) {
		if (max <= 0)
			return 0;
		v /= max;
	}
	switch (c->op) {
	case PVE_EQ: return v == c->num;
	case PVE_NE: return v != c->num;
	case PVE_LT: return v < c->num;
	case PVE_LE: return v <= c->num;
	case PVE_GT: return v > c->num;
	case PVE_GE: return v >= c->num;
	}
	return 0;
}
