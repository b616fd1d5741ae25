/*
 * pve_access_list.c -- users, roles, realms and metric servers read once
 * (pve_access_list.h).
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_access_list.h"

/* The text of key in obj: NULL when absent or null. */
static char *
str(const struct json *j, int obj, const char *key, int *oom)
{
	int t = json_get(j, obj, key);
	enum json_type jt;
	char *s;
	size_t max = PVE_LIST_STR_MAX;

	if (t < 0 || json_is_null(j, t))
		return NULL;
	jt = json_type(j, t);
	if (jt == JSON_ARRAY || jt == JSON_OBJECT)
		s = json_text(j, t, max);
	else if ((s = json_strdup(j, t)) != NULL && strlen(s) > max) {
		while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
			max--;
		s[max] = '\0';
	}
	if (s == NULL)
		*oom = 1;
	return s ? text_sanitize(s) : NULL;
}

/* key as a boolean: -1 when absent or unreadable. */
static int
boolean(const struct json *j, int obj, const char *key)
{
	int b;

	return json_bool(j, json_get(j, obj, key), &b) == 0 ? b : -1;
}

/*
 * The frame of every parser: *v of n rows of size sz, each object handed
 * to fill (which returns -1 when out of memory), others bad.
 */
static int
rows(const struct json *j, int arr, void **v, int *n, size_t sz,
    int (*fill)(const struct json *, int, void *), void (*release)(void *,
    int), const char *what, struct px_err *e)
{
	int len;
	char *p;

	*v = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "%s: the answer is not a list", what);
		return -1;
	}
	len = json_len(j, arr);
	if (len == 0)
		return 0;
	if ((p = calloc((size_t)len, sz)) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	for (int i = 0; i < len; i++) {
		int obj = json_at(j, arr, i);

		*n = i + 1;
		if (json_type(j, obj) != JSON_OBJECT) {
			*(int *)(void *)(p + (size_t)i * sz) = 1;	/* bad */
			continue;
		}
		if (fill(j, obj, p + (size_t)i * sz) != 0) {
			release(p, *n);
			*n = 0;
			px_fail(e, PXE_FAILURE, "out of memory");
			return -1;
		}
	}
	*v = p;
	return 0;
}

static int
user_fill(const struct json *j, int obj, void *dst)
{
	struct pve_user_row *u = dst;
	int oom = 0, t;
	long long ll;

	u->userid = str(j, obj, "userid", &oom);
	u->firstname = str(j, obj, "firstname", &oom);
	u->lastname = str(j, obj, "lastname", &oom);
	u->email = str(j, obj, "email", &oom);
	u->groups = str(j, obj, "groups", &oom);
	u->realm_type = str(j, obj, "realm-type", &oom);
	u->comment = str(j, obj, "comment", &oom);
	u->enable = boolean(j, obj, "enable");
	t = json_get(j, obj, "expire");
	u->expire = json_int(j, t, &ll) == 0 ? ll : 0;
	t = json_get(j, obj, "tokens");
	u->tokens = t >= 0 && json_type(j, t) == JSON_ARRAY ?
	    json_len(j, t) : -1;
	return oom ? -1 : 0;
}

static void
user_release(void *p, int n)
{
	pve_user_rows_free(p, n);
}

int
pve_user_rows_parse(const struct json *j, int arr, struct pve_user_row **v,
    int *n, struct px_err *e)
{
	return rows(j, arr, (void **)v, n, sizeof(**v), user_fill,
	    user_release, "the users", e);
}

void
pve_user_rows_free(struct pve_user_row *v, int n)
{
	for (int i = 0; v != NULL && i < n; i++) {
		free(v[i].userid);
		free(v[i].firstname);
		free(v[i].lastname);
		free(v[i].email);
		free(v[i].groups);
		free(v[i].realm_type);
		free(v[i].comment);
	}
	free(v);
}

static int
role_fill(const struct json *j, int obj, void *dst)
{
	struct pve_role_row *r = dst;
	int oom = 0;

	r->roleid = str(j, obj, "roleid", &oom);
	r->privs = str(j, obj, "privs", &oom);
	r->special = boolean(j, obj, "special");
	return oom ? -1 : 0;
}

static void
role_release(void *p, int n)
{
	pve_role_rows_free(p, n);
}

int
pve_role_rows_parse(const struct json *j, int arr, struct pve_role_row **v,
    int *n, struct px_err *e)
{
	return rows(j, arr, (void **)v, n, sizeof(**v), role_fill,
	    role_release, "the roles", e);
}

void
pve_role_rows_free(struct pve_role_row *v, int n)
{
	for (int i = 0; v != NULL && i < n; i++) {
		free(v[i].roleid);
		free(v[i].privs);
	}
	free(v);
}

static int
realm_fill(const struct json *j, int obj, void *dst)
{
	struct pve_realm_row *r = dst;
	int oom = 0;

	r->realm = str(j, obj, "realm", &oom);
	r->type = str(j, obj, "type", &oom);
	r->tfa = str(j, obj, "tfa", &oom);
	r->comment = str(j, obj, "comment", &oom);
	r->is_default = boolean(j, obj, "default");
	return oom ? -1 : 0;
}

static void
realm_release(void *p, int n)
{
	pve_realm_rows_free(p, n);
}

int
pve_realm_rows_parse(const struct json *j, int arr,
    struct pve_realm_row **v, int *n, struct px_err *e)
{
	return rows(j, arr, (void **)v, n, sizeof(**v), realm_fill,
	    realm_release, "the realms", e);
}

void
pve_realm_rows_free(struct pve_realm_row *v, int n)
{
	for (int i = 0; v != NULL && i < n; i++) {
		free(v[i].realm);
		free(v[i].type);
		free(v[i].tfa);
		free(v[i].comment);
	}
	free(v);
}

static int
metricserver_fill(const struct json *j, int obj, void *dst)
{
	struct pve_metricserver_row *m = dst;
	int oom = 0;

	m->id = str(j, obj, "id", &oom);
	m->type = str(j, obj, "type", &oom);
	m->server = str(j, obj, "server", &oom);
	m->has_port = json_int(j, json_get(j, obj, "port"), &m->port) == 0;
	m->disable = boolean(j, obj, "disable");
	return oom ? -1 : 0;
}

static void
metricserver_release(void *p, int n)
{
	pve_metricserver_rows_free(p, n);
}

int
pve_metricserver_rows_parse(const struct json *j, int arr,
    struct pve_metricserver_row **v, int *n, struct px_err *e)
{
	return rows(j, arr, (void **)v, n, sizeof(**v), metricserver_fill,
	    metricserver_release, "the metric servers", e);
}

void
pve_metricserver_rows_free(struct pve_metricserver_row *v, int n)
{
	for (int i = 0; v != NULL && i < n; i++) {
		free(v[i].id);
		free(v[i].type);
		free(v[i].server);
	}
	free(v);
}
