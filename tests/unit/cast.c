/* cast.c -- asciinema casts (lib/cast.c): the header, UTF-8 cut between
 * events, bytes that are not UTF-8, reading back, malformed casts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cast.h"
#include "tap.h"

struct got {
	char text[512];
	int events;
};

static int
collect(void *arg, double t, const char *type, const char *data, size_t n)
{
	struct got *g = arg;

	(void)t;
	g->events++;
	if (strcmp(type, "o") == 0 &&
	    strlen(g->text) + n < sizeof(g->text))
		strncat(g->text, data, n);
	return 0;
}

static void
test_write_read(const char *dir)
{
	char path[512];
	struct cast_head h = { 100, 30, 1796455682, "xterm", "/bin/sh",
	    "VM 100 (web) on pve1" };
	struct px_err e;
	struct cast *c;
	struct buf b = {0};
	struct cast_info info;
	struct got g = { "", 0 };
	struct stat st;

	snprintf(path, sizeof(path), "%s/a.cast", dir);
	c = cast_open(path, &h, &e);
	ok(c != NULL, "cast_open makes a new cast");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the cast is 0600");
	is_int(cast_event(c, 0.5, 'o', "caf\xc3", 4, &e), 0,
	    "an event cut inside a UTF-8 sequence");
	is_int(cast_event(c, 0.6, 'o', "\xa9 ok\r\n", 6, &e), 0,
	    "the rest of it in the next event");
	is_int(cast_event(c, 0.7, 'o', "bad \xff byte", 10, &e), 0,
	    "a byte that is not UTF-8");
	is_int(cast_event(c, 0.4, 'r', "90x20", 5, &e), 0,
	    "a resize with an earlier time");
	is_int(cast_close(c, &e), 0, "cast_close");
	ok(cast_open(path, &h, &e) == NULL && strstr(e.msg, "exists"),
	    "an existing cast is not written over");
	is_int(cast_read(path, &b, &e), 0, "cast_read");
	is_int(cast_parse(b.p, b.len, &info, collect, &g, &e), 0,
	    "the cast parses");
	is_int(info.version, 2, "version 2");
	is_int(info.width, 100, "width");
	is_int(info.height, 30, "height");
	is_int(info.timestamp, 1796455682, "timestamp");
	is_str(info.title, "VM 100 (web) on pve1", "title");
	is_int(info.events, 4, "four events");
	ok(info.duration >= 0.7 && info.duration < 0.71, "duration: the last "
	    "event's time (times never go backwards)");
	is_str(g.text, "caf\xc3\xa9 ok\r\nbad \xef\xbf\xbd byte",
	    "the cut sequence joined, the bad byte as U+FFFD");
	ok(strstr(b.p, "\"env\":{\"SHELL\":\"/bin/sh\",\"TERM\":\"xterm\"}")
	    != NULL, "env holds SHELL and TERM");
	buf_free(&b);
}

static void
test_malformed(void)
{
	static const struct { const char *name, *text, *msg; } cases[] = {
		{ "empty", "", "empty" },
		{ "not JSON", "hello\n", "line 1" },
		{ "version 1", "{\"version\":1,\"width\":80,\"height\":24}\n",
		    "version 1" },
		{ "no width", "{\"version\":2,\"height\":24}\n", "width" },
		{ "event not an array", "{\"version\":2,\"width\":80,"
		    "\"height\":24}\n{\"a\":1}\n", "line 2" },
		{ "event time a string", "{\"version\":2,\"width\":80,"
		    "\"height\":24}\n[\"1\", \"o\", \"x\"]\n", "line 2" },
		{ "time backwards", "{\"version\":2,\"width\":80,"
		    "\"height\":24}\n[2.0, \"o\", \"x\"]\n"
		    "[1.0, \"o\", \"y\"]\n",
		    "backwards" },
		{ "negative time", "{\"version\":2,\"width\":80,"
		    "\"height\":24}\n[-1, \"o\", \"x\"]\n", "line 2" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cast_info info;
		struct px_err e = { 0 };
		int rc = cast_parse(cases[i].text, strlen(cases[i].text), &info,
		    NULL, NULL, &e);

		ok(rc == -1 && strstr(e.msg, cases[i].msg) != NULL,
		    "%s: refused (%s)", cases[i].name, cases[i].msg);
		if (rc != -1 || strstr(e.msg, cases[i].msg) == NULL)
			printf("#   rc %d: %s\n", rc, e.msg);
	}
}

int
main(void)
{
	char dir[] = "/tmp/px-cast-XXXXXX", path[600];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_write_read(dir);
	test_malformed();
	snprintf(path, sizeof(path), "%s/a.cast", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
