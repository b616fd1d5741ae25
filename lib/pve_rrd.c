/* pve_rrd.c -- RRD series and statistics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pve_rrd.h"

/* ---- RRD ---- */

#define RRD_MAX_FIELDS	64

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
pve_rrd_parse(const struct json *j, int arr, struct pve_rrd *r,
    struct px_err *e)
{
	int c, i, kt, q, p = 0;

	memset(r, 0, sizeof(*r));
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "RRD data: not an array");
	r->field = px_xcalloc(RRD_MAX_FIELDS, sizeof(*r->field));
	JSON_FOREACH(j, arr, c, i) {
		JSON_FOREACH_KV(j, c, kt, q) {
			char name[32];
			int f;

			if (json_strcpy(j, kt, name, sizeof(name)) < 0 ||
			    strcmp(name, "time") == 0)
				continue;
			for (f = 0; f < r->nfields; f++)
				if (strcmp(r->field[f], name) == 0)
					break;
			if (f == r->nfields && f < RRD_MAX_FIELDS)
				memcpy(r->field[r->nfields++], name,
				    sizeof(name));
		}
	}
	qsort(r->field, (size_t)r->nfields, sizeof(*r->field), cmp_name);
	r->time = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*r->time));
	r->v = px_xcalloc(((size_t)json_len(j, arr) + 1) *
	    ((size_t)r->nfields + 1), sizeof(*r->v));
	JSON_FOREACH(j, arr, c, i) {
		long long t;

		if (json_int(j, json_get(j, c, "time"), &t) != 0)
			continue;
		if (p > 0 && t <= r->time[p - 1])
			continue;	/* keep the series ascending */
		r->time[p] = t;
		for (int f = 0; f < r->nfields; f++)
			r->v[p * r->nfields + f] = json_get_num(j, c,
			    r->field[f], NAN);
		p++;
	}
	r->npoints = p;
	return 0;
}

void
pve_rrd_free(struct pve_rrd *r)
{
	free(r->field);
	free(r->time);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
pve_rrd_field(const struct pve_rrd *r, const char *name)
{
	for (int f = 0; f < r->nfields; f++)
		if (strcmp(r->field[f], name) == 0)
			return f;
	return -1;
}

double *
pve_rrd_column(const struct pve_rrd *r, int f)
{
	double *v = px_xcalloc((size_t)r->npoints + 1, sizeof(*v));

	for (int i = 0; i < r->npoints; i++)
		v[i] = f < 0 ? NAN : r->v[i * r->nfields + f];
	return v;
}

/* ---- statistics ---- */

double
stat_mean(const double *v, int n)
{
	double s = 0;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			k++;
		}
	return k ? s / k : NAN;
}

double
stat_stddev(const double *v, int n)
{
	double m = stat_mean(v, n), s = 0;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += (v[i] - m) * (v[i] - m);
			k++;
		}
	return k ? sqrt(s / k) : NAN;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
stat_median(const double *v, int n)
{
	double *c = px_xcalloc((size_t)n + 1, sizeof(*c)), m;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]))
			c[k++] = v[i];
	qsort(c, (size_t)k, sizeof(*c), cmp_double);
	m = k == 0 ? NAN : k % 2 ? c[k / 2] : (c[k / 2 - 1] + c[k / 2]) / 2;
	free(c);
	return m;
}

double
stat_min(const double *v, int n)
{
	double m = NAN;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]) && (isnan(m) || v[i] < m))
			m = v[i];
	return m;
}

double
stat_max(const double *v, int n)
{
	double m = NAN;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]) && (isnan(m) || v[i] > m))
			m = v[i];
	return m;
}

double
stat_zscore(double x, double mean, double sd)
{
	if (isnan(x) || isnan(mean) || isnan(sd) || sd <= 0)
		return 0;
	return (x - mean) / sd;
}

double
stat_integrate(const long long *t, const double *v, int n)
{
	double s = 0;

	for (int i = 0; i < n; i++) {
		long long w = i > 0 ? t[i] - t[i - 1] :
		    n > 1 ? t[1] - t[0] : 0;

		if (!isnan(v[i]) && w > 0)
			s += v[i] * (double)w;
	}
	return s;
}
