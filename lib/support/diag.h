/*
 * diag.h -- diagnostics of the command-support tier: what cmd/ and
 * lib/support print on standard error, and the exits.  lib/ (the domain tier) never
 * includes this: it returns a struct px_err instead.
 */
#ifndef PX_DIAG_H
#define PX_DIAG_H

#include "err.h"

/*
 * Printing, for cmd/ only.  px_progname is "px NAME" (set by the
 * dispatcher); every diagnostic is "px NAME: message" on stderr.
 */
extern const char *px_progname;
/* Show the library's notices (px_notice) on stderr; the dispatcher calls
 * it before a command runs. */
void px_diag_init(void);
/* The exit status of a command that returned status: 1 (a malformed
 * answer) instead of 0 when rows of an answer were dropped (px_drop),
 * since the output is then incomplete. */
int px_diag_status(int status);
void px_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "px NAME: message" and exit with status. */
_Noreturn void px_errx(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print e (message, then "hint: ..." when set) and exit px_exit_code(e). */
_Noreturn void px_die(const struct px_err *e);
/* Print e without exiting; returns px_exit_code(e). */
int px_report(const struct px_err *e);

#endif
