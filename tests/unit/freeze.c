/* freeze.c -- incident freezes: set, get, list, clear, expiry, scope "*". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf.h"
#include "freeze.h"
#include "tap.h"

static char dir[] = "/tmp/px-freeze-XXXXXX";
static char path[300];

/* Write freeze.json by hand (to have one that expired long ago). */
static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void
test_none(void)
{
	struct px_err e = { 0 };
	struct freeze f, *list;
	int n;

	is_int(freeze_get("sim", &f, &e), 0, "no file: not frozen");
	is_int(freeze_list(&list, &n, &e), 0, "no file: list works");
	is_int(n, 0, "and is empty");
	is_int(freeze_clear("sim", &e), 1, "thawing what is not frozen: 1");
}

static void
test_set_get_clear(void)
{
	struct px_err e = { 0 };
	struct freeze f;
	struct stat st;
	long long now = (long long)time(NULL);
	char who[200];

	is_int(freeze_set("sim", "db migration", 3600, &e), 0, "freeze sim");
	is_int(freeze_get("sim", &f, &e), 1, "sim is frozen");
	is_str(f.scope, "sim", "the scope");
	is_str(f.reason, "db migration", "the reason");
	ok(f.since >= now && f.since <= now + 5, "since is now");
	is_int(f.until - f.since, 3600, "until is since + ttl");
	snprintf(who, sizeof(who), "%s", px_whoami());
	is_str(f.by, who, "by is px_whoami");
	ok(strchr(who, '@') != NULL, "px_whoami is user@host: %s", who);
	is_int(freeze_get("other", &f, &e), 0, "another profile is not frozen");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "freeze.json is 0600");

	is_int(freeze_set("sim", "longer", 7200, &e), 0, "freeze sim again");
	freeze_get("sim", &f, &e);
	is_str(f.reason, "longer", "the new freeze replaces the old one");
	{
		struct freeze *list;
		int n;

		freeze_list(&list, &n, &e);
		is_int(n, 1, "one freeze per scope");
		free(list);
	}
	is_int(freeze_clear("sim", &e), 0, "thaw sim: 0");
	is_int(freeze_get("sim", &f, &e), 0, "sim is no longer frozen");
	is_int(freeze_clear("sim", &e), 1, "thaw again: 1");
}

static void
test_all_profiles(void)
{
	struct px_err e = { 0 };
	struct freeze f, *list;
	int n;

	is_int(freeze_set("*", "outage", 600, &e), 0, "freeze all");
	is_int(freeze_get("sim", &f, &e), 1, "sim is frozen by *");
	is_str(f.scope, "*", "through the * scope");
	is_int(freeze_get("anything", &f, &e), 1, "any profile is");
	is_int(freeze_get(NULL, &f, &e), 1, "even with no profile");

	freeze_set("sim", "own", 0, &e);
	freeze_get("sim", &f, &e);
	is_str(f.scope, "sim", "a profile's own freeze is reported first");
	is_int(f.until, 0, "ttl 0: no expiry");
	freeze_list(&list, &n, &e);
	is_int(n, 2, "list shows both");
	free(list);

	is_int(freeze_clear("*", &e), 0, "thaw all");
	is_int(freeze_get("other", &f, &e), 0, "other is thawed");
	is_int(freeze_get("sim", &f, &e), 1, "sim keeps its own freeze");
	freeze_clear("sim", &e);
}

static void
test_expiry(void)
{
	struct px_err e = { 0 };
	struct freeze f, *list;
	int n;
	char text[512];
	long long now = (long long)time(NULL);

	snprintf(text, sizeof(text), "{\"freezes\":["
	    "{\"scope\":\"old\",\"reason\":\"r\",\"by\":\"b\",\"since\":%lld,"
	    "\"until\":%lld},"
	    "{\"scope\":\"new\",\"reason\":\"r\",\"by\":\"b\",\"since\":%lld,"
	    "\"until\":%lld}]}", now - 100, now - 1, now, now + 100);
	write_file(text);
	is_int(freeze_get("old", &f, &e), 0, "an expired freeze does not hold");
	is_int(freeze_get("new", &f, &e), 1, "a current one does");
	freeze_list(&list, &n, &e);
	is_int(n, 1, "list leaves out the expired one");
	is_str(n ? list[0].scope : NULL, "new", "and keeps the current one");
	free(list);
	is_int(freeze_clear("old", &e), 1, "thawing an expired freeze: 1");

	freeze_set("short", "r", 1, &e);
	is_int(freeze_get("short", &f, &e), 1, "a 1 s freeze holds");
	sleep(2);
	is_int(freeze_get("short", &f, &e), 0, "and is gone 2 s later");
	freeze_clear("new", &e);
}

static void
test_errors(void)
{
	struct px_err e = { 0 };
	struct freeze f;
	char longer[400];

	is_int(freeze_set("sim", "", 60, &e), -1, "an empty reason is refused");
	is_int(freeze_set("sim", NULL, 60, &e), -1, "no reason is refused");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	is_int(freeze_set("sim", longer, 60, &e), -1, "an over-long reason "
	    "is refused");
	write_file("{not json");
	is_int(freeze_get("sim", &f, &e), -1, "a corrupt freeze.json is an error");
	ok(strstr(e.hint, "freeze.json") != NULL, "the hint names the file");
	is_int(freeze_set("sim", "r", 60, &e), -1, "and freezing does not "
	    "overwrite it");
	unlink(path);
}

int
main(void)
{
	struct px_err e = { 0 };
	const char *data;

	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("XDG_DATA_HOME", dir, 1);
	data = px_data_dir(&e);
	snprintf(path, sizeof(path), "%s/freeze.json", data ? data : dir);
	test_none();
	test_set_get_clear();
	test_all_profiles();
	test_expiry();
	test_errors();
	tap_rmtree(dir);
	return done_testing();
}
