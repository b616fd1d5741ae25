/* cloudimg.c -- the catalogue's URLs on a mirror (cloudimg_mirror). */
#include <string.h>

#include "cloudimg.h"
#include "tap.h"

static const char *
mir(const char *url, const char *mirror)
{
	static char out[256];
	struct px_err e = { 0 };

	if (cloudimg_mirror(url, mirror, out, sizeof(out), &e) != 0)
		return NULL;
	return out;
}

int
main(void)
{
	const char *u = "https://cloud.debian.org/images/cloud/x.qcow2";
	char small[16];
	struct px_err e = { 0 };
	size_t n;

	is_str(mir(u, "https://m.lan"), "https://m.lan/images/cloud/x.qcow2",
	    "host only");
	is_str(mir(u, "https://m.lan///"), "https://m.lan/images/cloud/x.qcow2",
	    "trailing slashes dropped");
	is_str(mir(u, "https://m.lan:8443/pub/"),
	    "https://m.lan:8443/pub/images/cloud/x.qcow2", "port and prefix");
	ok(mir(u, "http://m.lan") == NULL, "http:// refused");
	ok(mir(u, "https://") == NULL, "no host refused");
	ok(mir(u, "https:///x") == NULL, "empty host refused");
	ok(mir(u, "https://u:p@m.lan") == NULL, "a user refused");
	ok(mir(u, "https://m.lan/a b") == NULL, "a space refused");
	ok(mir(u, "https://m.lan/\x1b[2J") == NULL, "an escape refused");
	ok(mir(u, "https://m.lan/\xc3\xa9") == NULL, "non-ASCII refused");
	ok(mir(u, "https://m.lan/?q") == NULL, "a query refused");
	ok(mir(u, "https://m.lan/#f") == NULL, "a fragment refused");
	ok(mir(u, "https://m.lan/../x") == NULL, "a .. segment refused");
	ok(mir("https://host-only", "https://m.lan") == NULL,
	    "a URL without a path refused");
	ok(cloudimg_mirror(u, "https://m.lan", small, sizeof(small), &e) != 0,
	    "too long for the buffer refused");
	for (const struct cloudimg *c = cloudimg_list(&n); n > 0; c++, n--) {
		ok(mir(c->url, "https://m.lan") != NULL &&
		    mir(c->sums_url, "https://m.lan") != NULL,
		    "%s: both URLs map", c->name);
	}
	return done_testing();
}
