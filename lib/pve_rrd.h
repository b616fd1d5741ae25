/*
 * pve_rrd.h -- RRD series (.../rrddata of nodes and guests) and
 * the statistics over them.
 *
 * Parsers take an already parsed body and the token of its "data" (so
 * unit tests can feed them recorded answers), fill structs with typed
 * fields once, and accept PVE's quirks: numbers as strings, 0/1/""/true
 * booleans, missing or null fields.  Rows without their key field are
 * dropped.  Arrays are calloc'd with one zeroed element more and freed
 * by the caller with free() unless a _free function is named.  Strings
 * are sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_RRD_H
#define PX_PVE_RRD_H

#include "pve.h"

/* ---- RRD ---- */

/* A series from .../rrddata: npoints rows of nfields values, NaN where
 * PVE left a field out (unknown periods). */
struct pve_rrd {
	int nfields, npoints;
	char (*field)[32];	/* names, sorted */
	long long *time;	/* epoch seconds, ascending */
	double *v;		/* v[point * nfields + field] */
};

int pve_rrd_parse(const struct json *j, int arr, struct pve_rrd *r,
    struct px_err *e);
void pve_rrd_free(struct pve_rrd *r);
/* The index of field name, -1 if the series has none. */
int pve_rrd_field(const struct pve_rrd *r, const char *name);
/* Copy field f into a malloc'd array of npoints values. */
double *pve_rrd_column(const struct pve_rrd *r, int f);

/* ---- statistics (NaN values are ignored; an empty set gives NaN) ---- */

double stat_mean(const double *v, int n);
/* Population standard deviation. */
double stat_stddev(const double *v, int n);
double stat_median(const double *v, int n);
double stat_min(const double *v, int n);
double stat_max(const double *v, int n);
/* (x - mean) / sd, 0 when sd is 0 or not a number. */
double stat_zscore(double x, double mean, double sd);
/*
 * The integral of a step series over time: each value is the average
 * over the interval that ends at its timestamp (as RRD stores it), so
 * the sum of v[i] * (t[i] - t[i-1]); the first point counts the second
 * interval's width.  NaN values contribute nothing.  Unit: value x s.
 */
double stat_integrate(const long long *t, const double *v, int n);

#endif
