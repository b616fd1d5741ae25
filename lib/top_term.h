/*
 * top_term.h -- what pxtop and px fleet share around tickit: the terminal
 * restored on every way out.  Quit signals (SIGINT, SIGTERM, SIGHUP)
 * write their number to a pipe that the event loop watches, so the loop
 * ends and tickit restores the terminal; fatal signals (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGABRT) put the termios saved at start back, leave the
 * alternate screen and show the cursor with async-signal-safe calls, then
 * die of the signal.
 */
#ifndef PX_TOP_TERM_H
#define PX_TOP_TERM_H

/* Save the terminal's modes and install the handlers; returns the read
 * end of the quit pipe (non-blocking) to watch, or exits on failure.
 * Call before tickit takes the terminal. */
int top_term_setup(void);

/* Diagnostics written while the screen is up would scribble over it:
 * top_term_hold_stderr sends stderr to an unlinked temporary file and
 * returns the real stderr (-1 when it could not); top_term_release_stderr
 * writes what was held to it and puts it back.  Call release after tickit
 * has restored the terminal. */
int top_term_hold_stderr(void);
void top_term_release_stderr(int fd);

#endif
