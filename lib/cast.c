/*
 * cast.c -- asciinema cast v2 files (see cast.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cast.h"
#include "conf.h"
#include "enc.h"
#include "fsafe.h"
#include "json.h"

struct cast {
	int fd;
	char *path;
	int failed;
	double last_t;		/* of the last event */
	unsigned char held[2][4];	/* a cut UTF-8 sequence: o, i */
	size_t nheld[2];
	struct buf line;
};

char *
cast_dir(struct px_err *e)
{
	const char *d = px_data_dir(e);

	return d ? px_xasprintf("%s/casts", d) : NULL;
}

char *
cast_default_path(const char *name, time_t when, struct px_err *e)
{
	char *dir = cast_dir(e), *p, stamp[32];
	struct tm tm;

	if (dir == NULL || px_mkdirs(dir, 0700, e) != 0) {
		free(dir);
		return NULL;
	}
	localtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	p = px_xasprintf("%s/%s-%s.cast", dir, name, stamp);
	free(dir);
	return p;
}

static int
write_all(struct cast *c, const char *p, size_t n, struct px_err *e)
{
	while (n > 0) {
		ssize_t w = write(c->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->failed = 1;
			return px_fail(e, PXE_IO, "%s: %s", c->path,
			    strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct cast *
cast_open(const char *path, const struct cast_head *h, struct px_err *e)
{
	struct cast *c;
	struct buf b = {0};
	struct jw w;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
		if (errno == EEXIST)
			px_hint(e, "px never writes over a cast; name "
			    "another file");
		return NULL;
	}
	fchmod(fd, 0600);	/* whatever the umask */
	c = px_xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->path = px_xstrdup(path);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "version", 2);
	jw_kint(&w, "width", h->width > 0 ? h->width : 80);
	jw_kint(&w, "height", h->height > 0 ? h->height : 24);
	jw_kint(&w, "timestamp", (long long)h->timestamp);
	if (h->title)
		jw_kstr(&w, "title", h->title);
	jw_key(&w, "env");
	jw_obj(&w);
	jw_kstr(&w, "SHELL", h->shell ? h->shell : "/bin/sh");
	jw_kstr(&w, "TERM", h->term ? h->term : "xterm-256color");
	jw_end(&w);
	jw_end(&w);
	buf_addc(&b, '\n');
	if (write_all(c, b.p, b.len, e) != 0) {
		buf_free(&b);
		cast_close(c, NULL);
		return NULL;
	}
	buf_free(&b);
	return c;
}

/* How many bytes at the end of p[0..n) begin a UTF-8 sequence that the
 * data does not finish (0..3). */
static size_t
cut_tail(const unsigned char *p, size_t n)
{
	size_t k;

	for (k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = p[n - k];
		size_t need;

		if ((c & 0xc0) == 0x80)
			continue;	/* a continuation byte: look further */
		if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else if (c >= 0xe0 && c <= 0xef)
			need = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 4;
		else
			return 0;
		return need > k ? k : 0;
	}
	return 0;
}

int
cast_event(struct cast *c, double t, char type, const void *data, size_t n,
    struct px_err *e)
{
	struct buf text = {0};
	char num[64];
	int slot = type == 'i' ? 1 : 0, rc;
	size_t cut = 0;

	if (c == NULL || c->failed)
		return 0;
	if (type != 'r') {
		buf_add(&text, c->held[slot], c->nheld[slot]);
		c->nheld[slot] = 0;
		buf_add(&text, data, n);
		cut = cut_tail((unsigned char *)text.p, text.len);
		memcpy(c->held[slot], text.p + text.len - cut, cut);
		c->nheld[slot] = cut;
		text.len -= cut;
		if (text.len == 0) {
			buf_free(&text);
			return 0;
		}
	} else {
		buf_add(&text, data, n);
	}
	if (t < c->last_t)
		t = c->last_t;	/* never backwards */
	c->last_t = t;
	buf_reset(&c->line);
	snprintf(num, sizeof(num), "[%.6f, \"%c\", ", t, type);
	buf_adds(&c->line, num);
	json_escape(&c->line, text.p, text.len);
	buf_adds(&c->line, "]\n");
	buf_free(&text);
	rc = write_all(c, c->line.p, c->line.len, e);
	return rc;
}

int
cast_close(struct cast *c, struct px_err *e)
{
	struct px_err ignore;
	int rc = 0, i;

	if (c == NULL)
		return 0;
	if (e == NULL)
		e = &ignore;
	for (i = 0; i < 2 && !c->failed; i++)
		if (c->nheld[i] > 0) {
			/* a sequence never finished: U+FFFD */
			buf_reset(&c->line);
			buf_printf(&c->line, "[%.6f, \"%c\", \"\\ufffd\"]\n",
			    c->last_t, i ? 'i' : 'o');
			c->nheld[i] = 0;
			if (write_all(c, c->line.p, c->line.len, e) != 0)
				break;
		}
	if (!c->failed && fsync(c->fd) != 0 && errno != EINVAL)
		rc = px_fail(e, PXE_IO, "%s: %s", c->path, strerror(errno));
	if (close(c->fd) != 0 && rc == 0)
		rc = px_fail(e, PXE_IO, "%s: %s", c->path, strerror(errno));
	if (c->failed)
		rc = -1;
	buf_free(&c->line);
	free(c->path);
	free(c);
	return rc;
}

int
cast_read(const char *path, struct buf *b, struct px_err *e)
{
	FILE *f = fopen(path, "re");
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return px_fail(e, errno == ENOENT ? PXE_NOT_FOUND : PXE_IO,
		    "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > CAST_READ_CAP) {
			fclose(f);
			return px_fail(e, PXE_TOO_LARGE, "%s: larger than %u "
			    "MiB; not read", path, CAST_READ_CAP >> 20);
		}
		buf_add(b, chunk, n);
	}
	if (ferror(f)) {
		fclose(f);
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	}
	fclose(f);
	return 0;
}

static int
parse_header(const char *s, size_t n, struct cast_info *info,
    struct px_err *e)
{
	struct json j;
	char *title;

	if (json_parse(&j, s, n, e) != 0)
		return px_fail(e, PXE_PARSE, "line 1: not a cast header");
	if (json_type(&j, 0) != JSON_OBJECT) {
		json_free(&j);
		return px_fail(e, PXE_PARSE, "line 1: not a cast header");
	}
	info->version = (int)json_get_int(&j, 0, "version", 0);
	info->width = (int)json_get_int(&j, 0, "width", 0);
	info->height = (int)json_get_int(&j, 0, "height", 0);
	info->timestamp = json_get_int(&j, 0, "timestamp", 0);
	if ((title = json_get_str(&j, 0, "title")) != NULL) {
		snprintf(info->title, sizeof(info->title), "%s", title);
		text_sanitize(info->title);
		free(title);
	}
	json_free(&j);
	if (info->version != 2)
		return px_fail(e, PXE_PARSE, "line 1: cast version %d; px "
		    "reads version 2", info->version);
	if (info->width <= 0 || info->width > 10000 || info->height <= 0 ||
	    info->height > 10000)
		return px_fail(e, PXE_PARSE, "line 1: the cast's width and "
		    "height must be from 1 to 10000");
	return 0;
}

int
cast_parse(const char *text, size_t n, struct cast_info *info,
    cast_event_fn fn, void *arg, struct px_err *e)
{
	const char *p = text, *end = text + n;
	long line = 0;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct json j;
		char *type, *data;
		double t;

		line++;
		if (line == 1) {
			if (parse_header(p, ln, info, e) != 0)
				return -1;
		} else if (ln > 0) {
			if (json_parse(&j, p, ln, e) != 0) {
				px_wrap(e, "line %ld", line);
				return -1;
			}
			if (json_type(&j, 0) != JSON_ARRAY ||
			    json_len(&j, 0) < 3 || json_type(&j, json_at(&j, 0,
			    0)) != JSON_NUMBER || json_num(&j, json_at(&j, 0,
			    0), &t) != 0 || json_type(&j, json_at(&j, 0, 1)) !=
			    JSON_STRING || json_type(&j, json_at(&j, 0, 2)) !=
			    JSON_STRING || t < 0 || t > 1e9) {
				json_free(&j);
				return px_fail(e, PXE_PARSE, "line %ld: not a "
				    "cast event [time, type, data]", line);
			}
			if (t + 1e-9 < info->duration) {
				json_free(&j);
				return px_fail(e, PXE_PARSE, "line %ld: the "
				    "time goes backwards", line);
			}
			info->duration = t;
			info->events++;
			type = json_strdup(&j, json_at(&j, 0, 1));
			data = json_strdup(&j, json_at(&j, 0, 2));
			json_free(&j);
			if (type == NULL || data == NULL) {
				free(type);
				free(data);
				return px_fail(e, PXE_PARSE, "line %ld: a "
				    "string with a NUL", line);
			}
			if (fn)
				rc = fn(arg, t, type, data, strlen(data));
			free(type);
			free(data);
		}
		p = nl ? nl + 1 : end;
	}
	if (line == 0)
		return px_fail(e, PXE_PARSE, "an empty file is no cast");
	return rc;
}
