/*
 * clock.h -- the monotonic clock and sleeping, in seconds.
 */
#ifndef PX_CLOCK_H
#define PX_CLOCK_H

/* CLOCK_MONOTONIC in seconds: for intervals, never for dates. */
double px_mono(void);
/* Sleep s seconds (nothing for s <= 0); a signal may end it early. */
void px_sleep(double s);

#endif
