/*
 * clock.h -- the monotonic clock and sleeping, in seconds.
 */
#ifndef PX_CLOCK_H
#define PX_CLOCK_H

/* CLOCK_MONOTONIC in seconds: for intervals, never for dates. */
double px_mono(void);
/* Sleep s seconds (nothing for s <= 0); a signal may end it early. */
void px_sleep(double s);
/*
 * The wall clock in epoch seconds, for dates and for what must survive a
 * restart (an alert's "for" and "repeat", a schedule's next run).  For
 * tests only, PX_TEST_NOW overrides it: an epoch ("1764950000"), or the
 * absolute path of a file holding one, read on every call, so that a
 * test moves a running daemon's clock by rewriting the file.  A value
 * that does not parse is ignored.
 */
long long px_now(void);

#endif
