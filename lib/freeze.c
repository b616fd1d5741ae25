/*
 * freeze.c -- incident freezes (see freeze.h).
 *
 * freeze.json in the data dir holds the freezes as
 *
 *   {"freezes":[{"scope":"sim","reason":"...","by":"alice@ws",
 *                "since":1764350000,"until":1764364400}, ...]}
 *
 * ("until" 0: until thawed).  It is rewritten whole, atomically and 0600,
 * under an exclusive flock(2) on freeze.lock, so that two px freezing at
 * once do not lose each other's freeze.  Expired freezes are ignored when
 * read and dropped at the next write.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "conf.h"
#include "enc.h"
#include "freeze.h"
#include "fsafe.h"
#include "json.h"

#define FREEZE_MAX_FILE	(1u << 20)
#define FREEZE_MAX	1024

struct freezes {
	struct freeze *f;
	int n;
};

static char *
freeze_path(const char *name, struct px_err *e)
{
	const char *dir = px_data_dir(e);

	return dir ? px_xasprintf("%s/%s", dir, name) : NULL;
}

static int
in_force(const struct freeze *f, long long now)
{
	return f->until == 0 || now < f->until;
}

/* Read every freeze (expired ones too) from path; a missing file is no
 * freeze. */
static int
freezes_read(const char *path, struct freezes *fz, struct px_err *e)
{
	struct json j = { 0 };
	struct buf b = { 0 };
	int arr, c, i, rc = -1;

	fz->f = NULL;
	fz->n = 0;
	/* Freezes bind: a file another user could write or swap is no
	 * freeze of ours (nor a thaw). */
	if ((rc = fsafe_read(path, FSAFE_STATE, "freeze file",
	    FREEZE_MAX_FILE, &b, e)) != 0) {
		buf_free(&b);
		return rc > 0 ? 0 : -1;
	}
	rc = -1;
	if (json_parse(&j, buf_str(&b), b.len, e) != 0) {
		px_wrap(e, "%s", path);
		goto out;
	}
	arr = json_get(&j, 0, "freezes");
	if (json_type(&j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "%s: no \"freezes\" array", path);
		goto out;
	}
	fz->f = px_xcalloc((size_t)json_len(&j, arr) + 1, sizeof(*fz->f));
	JSON_FOREACH(&j, arr, c, i) {
		struct freeze *f = &fz->f[fz->n];

		if (json_strcpy(&j, json_get(&j, c, "scope"), f->scope,
		    sizeof(f->scope)) <= 0)
			continue;
		json_strcpy(&j, json_get(&j, c, "reason"), f->reason,
		    sizeof(f->reason));
		json_strcpy(&j, json_get(&j, c, "by"), f->by, sizeof(f->by));
		/* Shown in refusals and tables: the file may have been
		 * edited, and the reason is whatever was typed. */
		text_sanitize(f->scope);
		text_sanitize(f->reason);
		text_sanitize(f->by);
		f->since = json_get_int(&j, c, "since", 0);
		f->until = json_get_int(&j, c, "until", 0);
		fz->n++;
	}
	rc = 0;
out:
	if (rc != 0) {
		px_hint(e, "fix or remove %s (it only holds the freezes)",
		    path);
		free(fz->f);
		fz->f = NULL;
		fz->n = 0;
	}
	json_free(&j);
	buf_free(&b);
	return rc;
}

/* Write the freezes in force to path. */
static int
freezes_write(const char *path, const struct freezes *fz, struct px_err *e)
{
	long long now = (long long)time(NULL);
	struct buf b = { 0 };
	struct jw w;
	int rc;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "freezes");
	jw_arr(&w);
	for (int i = 0; i < fz->n; i++) {
		const struct freeze *f = &fz->f[i];

		if (!in_force(f, now))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "scope", f->scope);
		jw_kstr(&w, "reason", f->reason);
		jw_kstr(&w, "by", f->by);
		jw_kint(&w, "since", f->since);
		jw_kint(&w, "until", f->until);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	buf_addc(&b, '\n');
	rc = px_write_file(path, b.p, b.len, 0600, e);
	buf_free(&b);
	return rc;
}

/* Take the exclusive lock; returns the fd to close, -1 with e set. */
static int
freeze_lock(struct px_err *e)
{
	char *path = freeze_path("freeze.lock", e);
	int fd;

	if (path == NULL)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0) {
		px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (fsafe_fd_check(fd, path, FSAFE_STATE, "freeze lock", e) != 0) {
		close(fd);
		free(path);
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			px_fail(e, PXE_IO, "%s: lock: %s", path,
			    strerror(errno));
			close(fd);
			fd = -1;
			break;
		}
	free(path);
	return fd;
}

/* Load every freeze (under no lock: a reader sees one whole file or the
 * other, thanks to the atomic rename). */
static int
freezes_load(struct freezes *fz, struct px_err *e)
{
	char *path = freeze_path("freeze.json", e);
	int rc;

	if (path == NULL)
		return -1;
	rc = freezes_read(path, fz, e);
	free(path);
	return rc;
}

int
freeze_get(const char *profile, struct freeze *f, struct px_err *e)
{
	struct freezes fz;
	long long now = (long long)time(NULL);
	int found = 0;

	if (freezes_load(&fz, e) != 0)
		return -1;
	/* The profile's own freeze first, then the one for all. */
	for (int pass = 0; pass < 2 && !found; pass++)
		for (int i = 0; i < fz.n && !found; i++) {
			const char *want = pass == 0 ? profile : "*";

			if (want != NULL && strcmp(fz.f[i].scope, want) == 0 &&
			    in_force(&fz.f[i], now)) {
				*f = fz.f[i];
				found = 1;
			}
		}
	free(fz.f);
	return found;
}

int
freeze_list(struct freeze **out, int *n, struct px_err *e)
{
	struct freezes fz;
	long long now = (long long)time(NULL);
	int k = 0;

	*out = NULL;
	*n = 0;
	if (freezes_load(&fz, e) != 0)
		return -1;
	for (int i = 0; i < fz.n; i++)
		if (in_force(&fz.f[i], now))
			fz.f[k++] = fz.f[i];
	if (k == 0) {
		free(fz.f);
		return 0;
	}
	*out = fz.f;
	*n = k;
	return 0;
}

/* Read-modify-write under the lock: drop scope's freeze, then add f. */
static int
freezes_update(const char *scope, const struct freeze *add, int *had,
    struct px_err *e)
{
	struct freezes fz;
	char *path = NULL;
	long long now = (long long)time(NULL);
	int lock, k = 0, rc = -1;

	*had = 0;
	if ((lock = freeze_lock(e)) < 0)
		return -1;
	if ((path = freeze_path("freeze.json", e)) == NULL ||
	    freezes_read(path, &fz, e) != 0)
		goto out;
	for (int i = 0; i < fz.n; i++) {
		if (strcmp(fz.f[i].scope, scope) == 0) {
			if (in_force(&fz.f[i], now))
				*had = 1;
			continue;
		}
		fz.f[k++] = fz.f[i];
	}
	if (add != NULL) {
		if (k >= FREEZE_MAX) {
			px_fail(e, PXE_USAGE, "too many freezes (%d)", k);
			free(fz.f);
			goto out;
		}
		fz.f = px_xrealloc(fz.f, ((size_t)k + 1) * sizeof(*fz.f));
		fz.f[k++] = *add;
	}
	fz.n = k;
	rc = freezes_write(path, &fz, e);
	free(fz.f);
out:
	free(path);
	close(lock);
	return rc;
}

int
freeze_set(const char *scope, const char *reason, long long ttl,
    struct px_err *e)
{
	struct freeze f;
	int had;

	memset(&f, 0, sizeof(f));
	if (scope == NULL || *scope == '\0' ||
	    strlen(scope) >= sizeof(f.scope))
		return px_fail(e, PXE_USAGE, "freeze: bad scope");
	if (reason == NULL || *reason == '\0')
		return px_fail(e, PXE_USAGE, "a freeze needs a reason");
	if (strlen(reason) >= sizeof(f.reason))
		return px_fail(e, PXE_USAGE, "the reason is longer than %zu "
		    "bytes", sizeof(f.reason) - 1);
	if (ttl < 0)
		return px_fail(e, PXE_USAGE, "freeze: negative TTL");
	snprintf(f.scope, sizeof(f.scope), "%s", scope);
	snprintf(f.reason, sizeof(f.reason), "%s", reason);
	text_sanitize(f.reason);
	snprintf(f.by, sizeof(f.by), "%s", px_whoami());
	f.since = (long long)time(NULL);
	f.until = ttl > 0 ? f.since + ttl : 0;
	return freezes_update(scope, &f, &had, e);
}

int
freeze_clear(const char *scope, struct px_err *e)
{
	int had;

	if (freezes_update(scope, NULL, &had, e) != 0)
		return -1;
	return had ? 0 : 1;
}

const char *
px_whoami(void)
{
	static char who[128];
	char host[HOST_NAME_MAX + 1] = "";
	const char *user = getenv("USER");
	struct passwd *pw;

	if (who[0] != '\0')
		return who;
	if (user == NULL || *user == '\0')
		user = (pw = getpwuid(getuid())) != NULL ? pw->pw_name : NULL;
	if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	if (user != NULL)
		snprintf(who, sizeof(who), "%s@%s", user, host);
	else
		snprintf(who, sizeof(who), "uid%ld@%s", (long)getuid(), host);
	return who;
}

int
px_parse_duration(const char *s, long long *secs)
{
	static const long long max = 10LL * 366 * 86400;
	long long total = 0, v, unit;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return -1;
	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			return -1;
		for (v = 0; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (*p - '0');
			if (v > max)
				return -1;
		}
		switch (*p) {
		case '\0':
			/* A bare number is seconds, only on its own. */
			if (p != s + strspn(s, "0123456789"))
				return -1;
			unit = 1;
			break;
		case 's': unit = 1; p++; break;
		case 'm': unit = 60; p++; break;
		case 'h': unit = 3600; p++; break;
		case 'd': unit = 86400; p++; break;
		case 'w': unit = 7 * 86400; p++; break;
		default:
			return -1;
		}
		total += v * unit;
		if (total > max)
			return -1;
	}
	*secs = total;
	return 0;
}
