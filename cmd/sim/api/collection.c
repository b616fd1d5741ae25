/*
 * collection.c -- the engine behind pxsim's section-config collections:
 * PVE parameter checking with PVE's messages (field specs), and the list,
 * read, create, update (with digest) and delete handlers of a collection
 * of documents, plus index endpoints.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* ------------------------------------------------------------------ */
/* Parameters                                                         */

struct field {
	char name[64];
	char type;
	char enums[512];	/* "a|b|c" for 'e' */
	char flags[8];
};

/* The next field of spec at *p; 0 at the end. */
static int
next_field(const char **p, struct field *f)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == ' ')
		s++;
	if (*s == 0)
		return 0;
	memset(f, 0, sizeof(*f));
	e = strchr(s, ':');
	n = (size_t)(e - s);
	if (n >= sizeof(f->name))
		n = sizeof(f->name) - 1;
	memcpy(f->name, s, n);
	s = e + 1;
	f->type = *s++;
	if (f->type == 'e' && *s == '(') {
		const char *close = strchr(s, ')');

		n = (size_t)(close - s - 1);
		if (n >= sizeof(f->enums))
			n = sizeof(f->enums) - 1;
		memcpy(f->enums, s + 1, n);
		s = close + 1;
	}
	if (*s == ':') {
		s++;
		for (n = 0; *s && *s != ' ' && n < sizeof(f->flags) - 1; s++)
			f->flags[n++] = *s;
	}
	while (*s && *s != ' ')
		s++;
	*p = s;
	return 1;
}

static int
field_matches(const struct field *f, const char *key)
{
	size_t n = strlen(f->name);

	if (n > 3 && strcmp(f->name + n - 3, "[n]") == 0) {
		n -= 3;
		if (strncmp(key, f->name, n) != 0 || key[n] == 0)
			return 0;
		for (key += n; *key; key++)
			if (!isdigit((unsigned char)*key))
				return 0;
		return 1;
	}
	return strcmp(f->name, key) == 0;
}

static int
find_field(const char *spec, const char *key, struct field *f)
{
	const char *p = spec;

	while (next_field(&p, f))
		if (field_matches(f, key))
			return 1;
	return 0;
}

int
ext_type_ok(char type, const char *val)
{
	char *end;

	switch (type) {
	case 'i':
	case 'V':
		if (*val == 0)
			return 0;
		errno = 0;
		(void)strtoll(val, &end, 10);
		return *end == 0 && errno == 0;
	case 'n':
		if (*val == 0)
			return 0;
		(void)strtod(val, &end);
		return *end == 0;
	case 'b':
		return !strcmp(val, "0") || !strcmp(val, "1") ||
		    !strcasecmp(val, "true") || !strcasecmp(val, "false") ||
		    !strcasecmp(val, "yes") || !strcasecmp(val, "no") ||
		    !strcasecmp(val, "on") || !strcasecmp(val, "off");
	default:
		return 1;
	}
}

static int
bool_val(const char *v)
{
	return !strcmp(v, "1") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "yes") || !strcasecmp(v, "on");
}

static int
enum_ok(const char *enums, const char *val)
{
	size_t n = strlen(val);
	const char *p = enums;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, val, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

/* Check one value of field f; fill the 400 and return -1 on error. */
static int
check_value(struct sim *s, const struct field *f, const char *key,
    const char *val, struct sim_resp *rs)
{
	static const char *tnames[] = { ['i'] = "integer", ['V'] = "integer",
	    ['n'] = "number", ['b'] = "boolean" };

	if (!ext_type_ok(f->type, val)) {
		sim_param_errorf(rs, key, "type check ('%s') failed - got '%s'",
		    tnames[(unsigned char)f->type], val);
		return -1;
	}
	if (f->type == 'V') {
		long long v = atoll(val);

		if (v < 100 || v > 999999999) {
			sim_param_errorf(rs, key, "value must have a minimum "
			    "value of 100");
			return -1;
		}
	}
	if (f->type == 'e' && !enum_ok(f->enums, val)) {
		char list[600];
		size_t i, j = 0;

		for (i = 0; f->enums[i] && j < sizeof(list) - 3; i++) {
			if (f->enums[i] == '|') {
				list[j++] = ',';
				list[j++] = ' ';
			} else
				list[j++] = f->enums[i];
		}
		list[j] = 0;
		sim_param_errorf(rs, key, "value '%s' does not have a value in "
		    "the enumeration '%s'", val, list);
		return -1;
	}
	if (f->type == 'N' && s != NULL && sim_node_find(s, val) == NULL) {
		sim_param_errorf(rs, key, "no such cluster node '%s'", val);
		return -1;
	}
	return 0;
}

static int
apply_or_check(const char *spec, const struct sim_req *rq,
    struct sim_resp *rs, struct ext_obj *o, int create, const char *ignore)
{
	struct field f;
	const char *p;
	size_t i;

	/* Unknown parameters and bad values first, in request order. */
	for (i = 0; i < rq->params.n; i++) {
		const char *key = rq->params.v[i].key;
		const char *val = rq->params.v[i].val;

		if (ext_in_list(ignore, key))
			continue;
		if (!create && strcmp(key, "delete") == 0) {
			char tmp[1024], *tok, *save;

			snprintf(tmp, sizeof(tmp), "%s", val);
			for (tok = strtok_r(tmp, ", ;", &save); tok;
			    tok = strtok_r(NULL, ", ;", &save)) {
				if (!find_field(spec, tok, &f) ||
				    strchr(f.flags, 'k')) {
					sim_param_errorf(rs, "delete",
					    "invalid format - invalid "
					    "configuration ID '%s'", tok);
					return -1;
				}
				if (strchr(f.flags, 'r') && create) {
					sim_param_errorf(rs, tok, "property "
					    "is not optional");
					return -1;
				}
			}
			continue;
		}
		if (!find_field(spec, key, &f) || strchr(f.flags, 'k')) {
			sim_param_error(rs, key, "property is not defined in "
			    "schema and the schema does not allow additional "
			    "properties");
			return -1;
		}
		if (!create && strchr(f.flags, 'c')) {
			sim_param_error(rs, key, "can't change fixed property");
			return -1;
		}
		if (check_value(NULL, &f, key, val, rs) == -1)
			return -1;
	}
	if (create) {
		p = spec;
		while (next_field(&p, &f))
			if (strchr(f.flags, 'r') && !strchr(f.flags, 'k') &&
			    sim_param(rq, f.name) == NULL) {
				sim_param_error(rs, f.name, "property is "
				    "missing and it is not optional");
				return -1;
			}
	}
	if (o == NULL)
		return 0;

	/* Deletions, then the values. */
	if (!create) {
		for (i = 0; i < rq->params.n; i++) {
			char tmp[1024], *tok, *save;

			if (strcmp(rq->params.v[i].key, "delete") != 0 ||
			    ext_in_list(ignore, "delete"))
				continue;
			snprintf(tmp, sizeof(tmp), "%s", rq->params.v[i].val);
			for (tok = strtok_r(tmp, ", ;", &save); tok;
			    tok = strtok_r(NULL, ", ;", &save))
				ext_obj_del(o, tok);
		}
	}
	p = spec;
	while (next_field(&p, &f)) {
		if (strchr(f.flags, 'w') || strchr(f.flags, 'k'))
			continue;
		for (i = 0; i < rq->params.n; i++) {
			const char *key = rq->params.v[i].key;
			const char *val = rq->params.v[i].val;

			if (!field_matches(&f, key) || ext_in_list(ignore, key))
				continue;
			switch (f.type) {
			case 'i':
			case 'V':
				ext_obj_set_int(o, key, atoll(val));
				break;
			case 'n':
				ext_obj_set_raw(o, key, val);
				break;
			case 'b':
				ext_obj_set_int(o, key, bool_val(val));
				break;
			case 'o': {
				struct ext_obj sub = { 0 };
				char *json;

				ext_propstr_obj(val, NULL, &sub);
				json = ext_obj_json(&sub);
				ext_obj_set_raw(o, key, json);
				free(json);
				ext_obj_free(&sub);
				break;
			}
			case 'a': {
				struct jw w;
				struct buf b = { 0 };
				size_t k;

				jw_init(&w, &b);
				jw_arr(&w);
				for (k = 0; k < rq->params.n; k++)
					if (!strcmp(rq->params.v[k].key, key))
						jw_str(&w, rq->params.v[k].val);
				jw_end(&w);
				ext_obj_set_raw(o, key, buf_str(&b));
				buf_free(&b);
				i = rq->params.n;	/* all values done */
				break;
			}
			default:
				ext_obj_set_str(o, key, val);
			}
		}
	}
	return 0;
}

int
ext_apply(const char *spec, const struct sim_req *rq, struct sim_resp *rs,
    struct ext_obj *o, int create, const char *ignore)
{
	return apply_or_check(spec, rq, rs, o, create, ignore);
}

int
ext_check(const char *spec, const struct sim_req *rq, struct sim_resp *rs,
    int create, const char *ignore)
{
	return apply_or_check(spec, rq, rs, NULL, create, ignore);
}

int
ext_digest_check(const struct sim_req *rq, struct sim_resp *rs,
    const char *cur)
{
	const char *d = sim_param(rq, "digest");

	if (d == NULL || *d == 0 || strcmp(d, cur) == 0)
		return 0;
	sim_error(rs, 500, "detected modified configuration - file changed "
	    "by other user? Try again.");
	return -1;
}

void
ext_propstr_obj(const char *str, const char *dkey, struct ext_obj *o)
{
	char tmp[2048], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", str);
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const char *k = dkey, *v = tok;
		char *end;

		if (eq != NULL) {
			*eq = 0;
			k = tok;
			v = eq + 1;
		}
		if (k == NULL)
			continue;
		if (*v && (strtod(v, &end), *end == 0) &&
		    strspn(v, "0123456789.-") == strlen(v))
			ext_obj_set_raw(o, k, v);
		else
			ext_obj_set_str(o, k, v);
	}
}

/* ------------------------------------------------------------------ */
/* Collections                                                        */

struct list_ctx {
	struct jw *w;
	const struct ext_coll *c;
	const char *digest;
	int hidden;		/* the spec has hidden fields */
};


static int
spec_has_hidden(const char *spec)
{
	struct field f;
	const char *p = spec;

	while (next_field(&p, &f))
		if (strchr(f.flags, 'h'))
			return 1;
	return 0;
}

static int
list_cb(void *arg, const char *id, const char *json)
{
	struct list_ctx *lc = arg;
	struct ext_obj o = { 0 };

	(void)id;
	if (lc->c->list_keys == NULL && lc->digest == NULL &&
	    !lc->hidden) {
		jw_raw(lc->w, json, strlen(json));
		return 0;
	}
	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ext_strip_hidden(lc->c->spec, &o);
	if (lc->digest != NULL)
		ext_obj_set_str(&o, "digest", lc->digest);
	ext_obj_write(lc->w, &o, lc->c->list_keys);
	ext_obj_free(&o);
	return 0;
}

void
ext_coll_list(struct sim *s, struct sim_resp *rs, const struct ext_coll *c,
    const char *parent)
{
	struct jw w;
	struct list_ctx lc = { &w, c, NULL, spec_has_hidden(c->spec) };
	char digest[41];

	if (c->digest & EXT_DIGEST_LIST) {
		ext_kind_digest(s, c->kind, parent, digest);
		lc.digest = digest;
	}
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, c->kind, parent, list_cb, &lc);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

void
ext_strip_hidden(const char *spec, struct ext_obj *o)
{
	struct field f;
	const char *p = spec;

	while (next_field(&p, &f))
		if (strchr(f.flags, 'h'))
			ext_obj_del(o, f.name);
}

void
ext_coll_get(struct sim *s, struct sim_resp *rs, const struct ext_coll *c,
    const char *parent, const char *id)
{
	struct ext_obj o;
	struct jw w;
	char digest[41];

	if (id == NULL || ext_doc_obj(s, c->kind, parent, id, &o) == -1) {
		sim_error(rs, 500, c->missing, id ? id : "");
		return;
	}
	ext_strip_hidden(c->spec, &o);
	if (c->digest & EXT_DIGEST_ITEM) {
		ext_kind_digest(s, c->kind, parent, digest);
		ext_obj_set_str(&o, "digest", digest);
	}
	sim_ok_begin(rs, &w);
	ext_obj_write(&w, &o, c->get_keys);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}

void
ext_coll_create(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const struct ext_coll *c, const char *parent,
    const char *id)
{
	struct ext_obj o = { 0 };
	char ignore[128];
	char *doc;

	if (id == NULL) {
		id = sim_param(rq, c->var);
		if (id == NULL && c->hook == NULL) {
			sim_param_error(rs, c->var, "property is missing and "
			    "it is not optional");
			return;
		}
	}
	if (id != NULL && (doc = sim_doc_get(s, c->kind, parent, id))) {
		free(doc);
		sim_error(rs, 500, c->exists, id);
		return;
	}
	snprintf(ignore, sizeof(ignore), "%s digest", c->var);
	if (id != NULL)
		ext_obj_set_str(&o, c->idkey, id);
	if (ext_apply(c->spec, rq, rs, &o, 1, ignore) == -1)
		goto out;
	if (c->hook != NULL && c->hook(s, rq, rs, &o, 1) == -1)
		goto out;
	{
		char *nid = ext_obj_str(&o, c->idkey);

		if (nid == NULL) {
			sim_param_error(rs, c->var, "property is missing and "
			    "it is not optional");
			goto out;
		}
		ext_doc_put_obj(s, c->kind, parent, nid, &o);
		free(nid);
	}
	sim_ok_null(rs);
out:
	ext_obj_free(&o);
}

void
ext_coll_update(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const struct ext_coll *c, const char *parent,
    const char *id)
{
	struct ext_obj o;
	char ignore[128], digest[41];

	if (id == NULL || ext_doc_obj(s, c->kind, parent, id, &o) == -1) {
		sim_error(rs, 500, c->missing, id ? id : "");
		return;
	}
	ext_kind_digest(s, c->kind, parent, digest);
	if (ext_digest_check(rq, rs, digest) == -1)
		goto out;
	snprintf(ignore, sizeof(ignore), "%s digest", c->var);
	if (ext_apply(c->spec, rq, rs, &o, 0, ignore) == -1)
		goto out;
	if (c->hook != NULL && c->hook(s, rq, rs, &o, 0) == -1)
		goto out;
	ext_doc_put_obj(s, c->kind, parent, id, &o);
	sim_ok_null(rs);
out:
	ext_obj_free(&o);
}

void
ext_coll_delete(struct sim *s, struct sim_resp *rs, const struct ext_coll *c,
    const char *parent, const char *id)
{
	if (id == NULL || !sim_doc_delete(s, c->kind, parent, id)) {
		sim_error(rs, 500, c->missing, id ? id : "");
		return;
	}
	sim_ok_null(rs);
}

void
ext_index(struct sim_resp *rs, const char *key, const char *subdirs)
{
	struct jw w;
	char tmp[1024], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", subdirs);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (tok = strtok_r(tmp, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		jw_obj(&w);
		jw_kstr(&w, key, tok);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}
