/* pve_notify.c -- notification parameters PVE takes (pve_notify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "pve_field.h"
#include "pve_notify.h"

static int
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int
pve_notify_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 64 || !alpha(s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
pve_notify_valid_severity(const char *s)
{
	static const char *const levels[] = { "info", "notice", "warning",
	    "error", "unknown" };
	const char *p = s;

	if (*s == '\0')
		return 0;
	for (;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (strlen(levels[i]) == len &&
			    strncmp(p, levels[i], len) == 0)
				break;
		if (i == sizeof(levels) / sizeof(levels[0]))
			return 0;
		if (p[len] == '\0')
			return 1;
		p += len + 1;
	}
}

int
pve_notify_valid_field(const char *s)
{
	const char *eq;

	if (strncmp(s, "exact:", 6) == 0)
		s += 6;
	else if (strncmp(s, "regex:", 6) == 0)
		s += 6;
	eq = strchr(s, '=');
	return eq != NULL && eq > s;
}

/* ---- the lists ---- */

#define NT struct pve_notify_target
static const struct pve_field target_f[] = {
	PF_STR(NT, name, "name"),
	PF_STR(NT, type, "type"),
	PF_BOOL(NT, disable, "disable", -1),
	PF_STR(NT, origin, "origin"),
	PF_STR(NT, comment, "comment"),
};
#undef NT

int
pve_notify_targets_parse(const struct json *j, int arr,
    struct pve_notify_target **out, int *n, struct px_err *e)
{
	return PVE_PARSE("notification targets", struct pve_notify_target,
	    target_f, NULL);
}

/* Append the strings of array a to list (size n), comma-separated; one
 * that does not fit ends the list in ",...". */
static void
join_strings(const struct json *j, int a, char *list, size_t n)
{
	int t, i;

	if (json_type(j, a) != JSON_ARRAY)
		return;
	JSON_FOREACH(j, a, t, i) {
		char item[512];
		size_t have = strlen(list), k;

		if (have >= 4 && strcmp(list + have - 4, ",...") == 0)
			return;
		if (json_type(j, t) != JSON_STRING || json_strcpy(j, t, item,
		    sizeof(item)) < 0)
			snprintf(item, sizeof(item), "?");
		text_sanitize(item);
		k = strlen(item) + (have ? 1 : 0);
		if (have + k + 4 < n)
			snprintf(list + have, n - have, "%s%s", have ? "," :
			    "", item);
		else
			snprintf(list + have, n - have, "%s...", have ? "," :
			    "");
	}
}

/* The endpoint's "to", one function per type of endpoint. */
static void
to_key(const struct json *j, int obj, const char *key,
    struct pve_notify_endpoint *p)
{
	int t = json_get(j, obj, key);

	p->to[0] = '\0';
	if (t >= 0 && !json_is_null(j, t) && json_strcpy(j, t, p->to,
	    sizeof(p->to)) >= 0)
		text_sanitize(p->to);
	else
		p->to[0] = '\0';
}

static int
to_mail(const struct json *j, int obj, void *row)
{
	struct pve_notify_endpoint *p = row;

	p->to[0] = '\0';
	join_strings(j, json_get(j, obj, "mailto"), p->to, sizeof(p->to));
	join_strings(j, json_get(j, obj, "mailto-user"), p->to,
	    sizeof(p->to));
	return 0;
}

static int
to_server(const struct json *j, int obj, void *row)
{
	to_key(j, obj, "server", row);
	return 0;
}

static int
to_url(const struct json *j, int obj, void *row)
{
	to_key(j, obj, "url", row);
	return 0;
}

#define NE struct pve_notify_endpoint
static const struct pve_field endpoint_f[] = {
	PF_STR(NE, name, "name"),
	PF_BOOL(NE, disable, "disable", -1),
	PF_STR(NE, origin, "origin"),
	PF_STR(NE, comment, "comment"),
};
#undef NE

int
pve_notify_endpoints_parse(const struct json *j, int arr, const char *type,
    struct pve_notify_endpoint **out, int *n, struct px_err *e)
{
	int (*to)(const struct json *, int, void *) = NULL;

	if (strcmp(type, "sendmail") == 0 || strcmp(type, "smtp") == 0)
		to = to_mail;
	else if (strcmp(type, "gotify") == 0)
		to = to_server;
	else if (strcmp(type, "webhook") == 0)
		to = to_url;
	return PVE_PARSE("notification endpoints", struct pve_notify_endpoint,
	    endpoint_f, to);
}

/* The value at t as a compact JSON array of strings in out (size n):
 * a string as it is, an array re-written (items that are no string
 * "?"), "" when absent, null, something else, or too long. */
static void
string_array(const struct json *j, int t, char *out, size_t n)
{
	struct buf b = { 0 };
	int c, i;

	out[0] = '\0';
	if (json_type(j, t) == JSON_STRING) {
		if (json_strcpy(j, t, out, n) < 0)
			out[0] = '\0';
		text_sanitize(out);
		return;
	}
	if (json_type(j, t) != JSON_ARRAY)
		return;
	buf_adds(&b, "[");
	JSON_FOREACH(j, t, c, i) {
		char *s = json_type(j, c) == JSON_STRING ? json_strdup(j, c) :
		    NULL;

		if (i > 0)
			buf_adds(&b, ",");
		if (s != NULL)
			text_sanitize(s);
		json_escape(&b, s ? s : "?", s ? strlen(s) : 1);
		free(s);
		if (b.len >= n)
			break;
	}
	buf_adds(&b, "]");
	if (b.len < n)
		memcpy(out, b.p, b.len + 1);
	buf_free(&b);
}

static int
matcher_lists(const struct json *j, int obj, void *row)
{
	struct pve_notify_matcher *m = row;

	string_array(j, json_get(j, obj, "target"), m->target,
	    sizeof(m->target));
	string_array(j, json_get(j, obj, "match-severity"), m->severity,
	    sizeof(m->severity));
	string_array(j, json_get(j, obj, "match-field"), m->field,
	    sizeof(m->field));
	string_array(j, json_get(j, obj, "match-calendar"), m->calendar,
	    sizeof(m->calendar));
	return 0;
}

#define NM struct pve_notify_matcher
static const struct pve_field matcher_f[] = {
	PF_STR(NM, name, "name"),
	PF_STR(NM, mode, "mode"),
	PF_BOOL(NM, invert, "invert-match", -1),
	PF_BOOL(NM, disable, "disable", -1),
	PF_STR(NM, origin, "origin"),
	PF_STR(NM, comment, "comment"),
};
#undef NM

int
pve_notify_matchers_parse(const struct json *j, int arr,
    struct pve_notify_matcher **out, int *n, struct px_err *e)
{
	return PVE_PARSE("notification matchers", struct pve_notify_matcher,
	    matcher_f, matcher_lists);
}
