/*
 * top_loop.h -- libcurl's multi socket interface (lib/http_async) driven
 * from a tickit event loop, for pxtop and px fleet: curl's sockets become
 * tickit io watches and its timer a tickit timer, so no request ever
 * blocks the screen.
 *
 * Two rules learnt from crashes: a watch is never cancelled from inside
 * tickit's own dispatch (cancellations wait for a "later" callback), and
 * curl's timer is never cancelled at all (a stale firing only makes curl
 * check its timeouts once more).
 */
#ifndef PX_TOP_LOOP_H
#define PX_TOP_LOOP_H

#include <tickit.h>

#include "http_async.h"

/* The asynchronous client bound to tk; after (may be NULL) is called
 * after curl has handled each socket event or timeout, e.g. to run the
 * actions the finished requests produced.  One per process. */
struct px_async *top_loop_attach(Tickit *tk, void (*after)(void *arg),
    void *arg);

#endif
