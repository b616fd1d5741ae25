/* diag.c -- "px NAME: message" on standard error, and exits (diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "enc.h"

const char *px_progname = "px";

/* The library's notices (px_notice), as "px NAME: message". */
static void
notice(const char *msg)
{
	px_warn("%s", msg);
}

/* A row the library dropped from a list (px_drop): say which and why;
 * px_diag_status makes the command exit 1. */
static void
dropped(const char *origin, int row, const char *why)
{
	px_warn("ignored row %d of %s: %s", row, origin, why);
}

void
px_diag_init(void)
{
	px_notice_set(notice);
	px_drop_set(dropped);
}

int
px_diag_status(int status)
{
	if (status == PX_EXIT_OK && px_drops() > 0)
		return PX_EXIT_FAIL;
	return status;
}

/*
 * "px NAME: " and the message, sanitized, on stderr: a message holds
 * names, keys, reasons and answers from a server, a file or the command
 * line, and none of them may drive the terminal (enc.h's text_char).
 */
static void
say(const char *prefix, const char *fmt, va_list ap)
{
	struct buf b = { 0 };
	char none[] = "";

	buf_vprintf(&b, fmt, ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s%s\n", px_progname, prefix,
	    text_sanitize(b.p ? b.p : none));
	buf_free(&b);
}

/* say() without the va_list. */
static void
sayf(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(prefix, fmt, ap);
	va_end(ap);
}

void
px_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void
px_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
	exit(status);
}

int
px_report(const struct px_err *e)
{
	sayf("", "%s", e->msg[0] ? e->msg : px_errinfo(e->id)->title);
	if (e->hint[0])
		sayf("hint: ", "%s", e->hint);
	return px_exit_code(e);
}

void
px_die(const struct px_err *e)
{
	exit(px_report(e));
}

