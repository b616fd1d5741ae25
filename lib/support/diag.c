/* diag.c -- "px NAME: message" on standard error, and exits (diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

const char *px_progname = "px";

/* The library's notices (px_notice), as "px NAME: message". */
static void
notice(const char *msg)
{
	px_warn("%s", msg);
}

void
px_diag_init(void)
{
	px_notice_set(notice);
}

void
px_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", px_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
px_errx(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", px_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

int
px_report(const struct px_err *e)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", px_progname,
	    e->msg[0] ? e->msg : px_errinfo(e->id)->title);
	if (e->hint[0])
		fprintf(stderr, "%s: hint: %s\n", px_progname, e->hint);
	return px_exit_code(e);
}

void
px_die(const struct px_err *e)
{
	exit(px_report(e));
}

