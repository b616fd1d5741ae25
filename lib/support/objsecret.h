/*
 * objsecret.h -- what the commands of objects with credentials share
 * (notify, metricserver, acme): a record shown without its secrets, and
 * a secret read from a file or the environment (never from argv) for a
 * parameter that objcli's PX_SECRET does not fit (a named secret, a
 * whole file).
 */
#ifndef PX_OBJSECRET_H
#define PX_OBJSECRET_H

#include "objcli.h"

/*
 * objcli_show, less the keys of hide (NULL-terminated): a hidden key
 * whose value is an array of property strings ("name=X,value=...")
 * keeps the name=X of each item, any other is left out.  PVE does not
 * return them; px does not print them if some version does.
 */
int objsecret_show(struct objcli *oc, const char *path, const char *what,
    const char *const *hide);

/* The first line of file F (from_env 0) or the value of environment
 * variable F (from_env 1), in b; exits 2 when absent, empty, too long. */
void objsecret_read(struct buf *b, const char *f, int from_env);
/* The whole of file F in b (bounded, no NUL); exits 2 on failure. */
void objsecret_read_file(struct buf *b, const char *f);

#endif
