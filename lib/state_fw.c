/*
 * state_fw.c -- the firewall-cluster family of a state file (pxstate(5)):
 * the cluster firewall's options, aliases, IP sets with their members,
 * security groups with their rules, and the cluster's rules; and the
 * cluster's options (datacenter.cfg), whose values are property strings.
 *
 * A rule is one line in PVE's own firewall-file syntax:
 *
 *     rule = IN ACCEPT -source +admins -p tcp -dport 22 -log nolog # ssh
 *     rule = |IN SSH(ACCEPT) -i net0        (disabled, a macro)
 *     rule = GROUP webserver
 *
 * and an IP set's member "[!]CIDR[ # comment]" ("!": nomatch).  Rules
 * keep their order; a changed ruleset is rewritten position by position
 * (PUT the positions that differ, POST the new ones at their position,
 * DELETE the surplus from the end), so that no rule is missing between
 * two requests more than it must be.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "pve.h"
#include "state_impl.h"

/* The options of a rule, in the order the file writes them: its flag in
 * the file and PVE's parameter. */
static const struct {
	const char *flag, *param;
} rule_opts[] = {
	{ "-i", "iface" }, { "-source", "source" }, { "-dest", "dest" },
	{ "-p", "proto" }, { "-dport", "dport" }, { "-sport", "sport" },
	{ "-icmp-type", "icmp-type" }, { "-log", "log" },
};
#define NOPTS ((int)(sizeof(rule_opts) / sizeof(rule_opts[0])))

/* A value a rule line can carry: no blanks, no '#', no controls. */
static int
word_ok(const char *v)
{
	if (*v == '\0' || strlen(v) > 512)
		return 0;
	for (; *v; v++)
		if ((unsigned char)*v <= 0x20 || *v == '#' || *v == 0x7f ||
		    *v == '(' || *v == ')')
			return 0;
	return 1;
}

static void
upper(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addc(b, (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s));
}

/* PVE's rule object at row as a line; -1 when a value cannot be one
 * word of it. */
static int
rule_text(const struct json *j, int row, struct buf *b, char *bad, size_t nb)
{
	char *type = json_get_str(j, row, "type");
	char *action = json_get_str(j, row, "action");
	char *macro = json_get_str(j, row, "macro");
	char *comment = json_get_str(j, row, "comment");
	int rc = 0;

	if (!type || !action || !word_ok(type) || !word_ok(action) ||
	    (macro && *macro && !word_ok(macro))) {
		snprintf(bad, nb, "type, action or macro");
		rc = -1;
		goto out;
	}
	if (!json_get_bool(j, row, "enable", 0))
		buf_addc(b, '|');
	upper(b, type);
	buf_addc(b, ' ');
	if (macro && *macro)
		buf_printf(b, "%s(%s)", macro, action);
	else
		buf_adds(b, action);
	for (int i = 0; i < NOPTS; i++) {
		int t = json_get(j, row, rule_opts[i].param);
		char *v;

		if (t < 0 || (v = st_scalar(j, t)) == NULL)
			continue;
		if (*v && !word_ok(v)) {
			snprintf(bad, nb, "%s", rule_opts[i].param);
			free(v);
			rc = -1;
			goto out;
		}
		if (*v)
			buf_printf(b, " %s %s", rule_opts[i].flag, v);
		free(v);
	}
	if (comment && *comment) {
		for (char *p = comment; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		buf_printf(b, " # %s", comment);
	}
out:
	free(type);
	free(action);
	free(macro);
	free(comment);
	return rc;
}

void
st_fw_rule_text(const struct json *j, int row, struct buf *b)
{
	char bad[64];

	if (rule_text(j, row, b, bad, sizeof(bad)) != 0)
		buf_adds(b, "?");
}

/* A rule, parsed from its line. */
struct rule {
	int enable;
	char type[16];		/* in, out, forward, group */
	char macro[64];
	char action[128];	/* ACCEPT DROP REJECT, or the group */
	const char *opt[NOPTS];	/* into the copy, or NULL */
	const char *comment;	/* into the copy, or NULL */
	char *copy;
};

/* Parse a rule line into r (free r->copy); -1 with e saying what is
 * wrong. */
static int
rule_parse(const char *line, struct rule *r, struct px_err *e)
{
	char *p, *hash, *tok, *save = NULL, *lp;
	int isgroup;

	memset(r, 0, sizeof(*r));
	r->copy = p = px_xstrdup(line);
	r->enable = 1;
	/* the comment: after the first '#' */
	if ((hash = strchr(p, '#')) != NULL) {
		*hash++ = '\0';
		while (*hash == ' ')
			hash++;
		for (char *q = hash + strlen(hash); q > hash && q[-1] == ' ';)
			*--q = '\0';
		if (*hash)
			r->comment = hash;
	}
	while (*p == ' ')
		p++;
	if (*p == '|') {
		r->enable = 0;
		p++;
	}
	if ((tok = strtok_r(p, " \t", &save)) == NULL)
		return px_fail(e, PXE_CONFIG, "an empty rule");
	for (char *q = tok; *q; q++)
		*q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
	if (strcmp(tok, "in") && strcmp(tok, "out") && strcmp(tok, "forward")
	    && strcmp(tok, "group"))
		return px_fail(e, PXE_CONFIG, "a rule starts with IN, OUT, "
		    "FORWARD or GROUP, not '%.40s'", tok);
	isgroup = strcmp(tok, "group") == 0;
	snprintf(r->type, sizeof(r->type), "%s", tok);
	if ((tok = strtok_r(NULL, " \t", &save)) == NULL)
		return px_fail(e, PXE_CONFIG, "the rule has no action (ACCEPT, "
		    "DROP, REJECT, a MACRO(ACTION) or a group's name)");
	if (!isgroup && (lp = strchr(tok, '(')) != NULL) {
		size_t n = strlen(lp);

		if (n < 3 || lp[n - 1] != ')' || lp == tok ||
		    (size_t)(lp - tok) >= sizeof(r->macro))
			return px_fail(e, PXE_CONFIG, "'%.60s' is not "
			    "MACRO(ACTION)", tok);
		lp[n - 1] = '\0';
		*lp++ = '\0';
		if (!word_ok(tok))
			return px_fail(e, PXE_CONFIG, "'%.60s' is not a macro",
			    tok);
		snprintf(r->macro, sizeof(r->macro), "%s", tok);
		tok = lp;
	}
	if (!word_ok(tok) || strlen(tok) >= sizeof(r->action) || (!isgroup &&
	    strcmp(tok, "ACCEPT") && strcmp(tok, "DROP") &&
	    strcmp(tok, "REJECT")))
		return px_fail(e, PXE_CONFIG, "'%.60s' is not an action "
		    "(ACCEPT, DROP, REJECT)", tok);
	snprintf(r->action, sizeof(r->action), "%s", tok);
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		char *v;
		int i;

		for (i = 0; i < NOPTS; i++)
			if (strcmp(tok, rule_opts[i].flag) == 0)
				break;
		if (i == NOPTS)
			return px_fail(e, PXE_CONFIG, "'%.40s' is no option of "
			    "a rule (-i -source -dest -p -dport -sport "
			    "-icmp-type -log)", tok);
		if ((v = strtok_r(NULL, " \t", &save)) == NULL || !word_ok(v))
			return px_fail(e, PXE_CONFIG, "%s needs a value", tok);
		if (r->opt[i] != NULL)
			return px_fail(e, PXE_CONFIG, "%s given twice", tok);
		r->opt[i] = v;
	}
	return 0;
}

/* The rule's canonical line. */
static void
rule_line(const struct rule *r, struct buf *b)
{
	if (!r->enable)
		buf_addc(b, '|');
	upper(b, r->type);
	buf_addc(b, ' ');
	if (r->macro[0])
		buf_printf(b, "%s(%s)", r->macro, r->action);
	else
		buf_adds(b, r->action);
	for (int i = 0; i < NOPTS; i++)
		if (r->opt[i])
			buf_printf(b, " %s %s", rule_opts[i].flag, r->opt[i]);
	if (r->comment)
		buf_printf(b, " # %s", r->comment);
}

/* A rule line into PVE's parameters (form); -1 with e saying what is
 * wrong. */
static int
rule_form(const char *line, struct buf *form, struct px_err *e)
{
	struct rule r;
	int rc = -1;

	if (rule_parse(line, &r, e) == 0) {
		form_add(form, "type", r.type);
		if (r.macro[0])
			form_add(form, "macro", r.macro);
		form_add(form, "action", r.action);
		for (int i = 0; i < NOPTS; i++)
			if (r.opt[i])
				form_add(form, rule_opts[i].param, r.opt[i]);
		form_add(form, "enable", r.enable ? "1" : "0");
		if (r.comment)
			form_add(form, "comment", r.comment);
		rc = 0;
	}
	free(r.copy);
	return rc;
}

/* The canonical spelling of a rule line (in place in *v), when it
 * parses; one that does not is left for st_check to name. */
static void
rule_canon(char **v)
{
	struct px_err e = { 0 };
	struct rule r;

	if (rule_parse(*v, &r, &e) == 0) {
		struct buf b = { 0 };

		rule_line(&r, &b);
		free(*v);
		*v = px_xstrdup(buf_str(&b));
		buf_free(&b);
	}
	free(r.copy);
}

/* The parameters a rule may have that the form leaves out: PUT deletes
 * them. */
static void
rule_deletes(const struct buf *form, struct buf *del)
{
	static const char *const opt[] = { "macro", "iface", "source", "dest",
	    "proto", "dport", "sport", "icmp-type", "log", "comment", NULL };

	for (int i = 0; opt[i]; i++) {
		char key[32];
		int found = 0;

		snprintf(key, sizeof(key), "%s=", opt[i]);
		for (const char *p = buf_str(form); p && *p && !found;) {
			found = strncmp(p, key, strlen(key)) == 0;
			p = strchr(p, '&');
			p = p ? p + 1 : NULL;
		}
		if (!found) {
			if (del->len)
				buf_addc(del, ',');
			buf_adds(del, opt[i]);
		}
	}
}

/* Put prefix before e's message (which it must not overlap). */
static int
prefix(struct px_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int
prefix(struct px_err *e, const char *fmt, ...)
{
	char pre[300], msg[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s", e->msg);
	return px_fail(e, e->id, "%s: %s", pre, msg);
}

/* ---- reading ---- */

static int
read_rules_into(struct px_client *c, const char *path, struct st_sec *sec,
    struct px_err *e)
{
	struct px_reply r;
	int row, i;

	if (st_get_rows(c, path, &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		struct buf b = { 0 };
		char bad[64];
		int d;

		if (json_type(&r.j, row) != JSON_OBJECT)
			continue;
		if (rule_text(&r.j, row, &b, bad, sizeof(bad)) != 0) {
			buf_free(&b);
			px_reply_free(&r);
			return px_fail(e, PXE_PARSE, "GET %s: rule %d: its %s "
			    "cannot be written as a rule line (a blank, '#' "
			    "or a control character)", path, i, bad);
		}
		if (!sec->digest[0] && (d = json_get(&r.j, row, "digest")) >= 0)
			json_strcpy(&r.j, d, sec->digest, sizeof(sec->digest));
		st_set(sec, "rule", buf_str(&b));
		buf_free(&b);
	}
	px_reply_free(&r);
	return 0;
}

int
st_fw_read_rules(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	return read_rules_into(c, "/cluster/firewall/rules", st_add(st, k, ""),
	    e);
}

/* A singleton whose GET is an object of scalars (the firewall's
 * options). */
int
st_fw_read_options(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	struct st_sec *sec;
	struct px_reply r;
	int kk, m;

	if (pve_get(c, &r, e, "%s", k->list_path) != 0)
		return -1;
	if (json_type(&r.j, r.data) != JSON_OBJECT) {
		px_reply_free(&r);
		return px_fail(e, PXE_PARSE, "GET %s: the answer's data is not "
		    "an object", k->list_path);
	}
	sec = st_add(st, k, "");
	JSON_FOREACH_KV(&r.j, r.data, kk, m) {
		char *key = json_strdup(&r.j, kk), *v;

		if (key && strcmp(key, "digest") == 0)
			json_strcpy(&r.j, kk + 1, sec->digest,
			    sizeof(sec->digest));
		else if (key && st_kind_has_key(k, key) &&
		    (v = st_scalar(&r.j, kk + 1)) != NULL) {
			if (*v)
				st_set(sec, key, v);
			free(v);
		}
		free(key);
	}
	px_reply_free(&r);
	return 0;
}

/* PVE's property string of an object (GET /cluster/options parses them):
 * keys sorted, a list value joined with ';'. */
static void
prop_string(const struct json *j, int obj, struct buf *b)
{
	int idx[64], kk, m, n = 0;

	JSON_FOREACH_KV(j, obj, kk, m)
		if (n < 64)
			idx[n++] = kk;
	/* the keys sorted by name (a few: insertion sort) */
	for (int a = 1; a < n; a++)
		for (int q = a; q > 0; q--) {
			char *x = json_strdup(j, idx[q - 1]);
			char *y = json_strdup(j, idx[q]);
			int sw = x && y && strcmp(x, y) > 0, t;

			free(x);
			free(y);
			if (!sw)
				break;
			t = idx[q];
			idx[q] = idx[q - 1];
			idx[q - 1] = t;
		}
	for (int a = 0; a < n; a++) {
		char *key = json_strdup(j, idx[a]), *v = NULL;
		int t = idx[a] + 1;

		if (json_type(j, t) == JSON_ARRAY) {
			struct buf l = { 0 };
			int el, q;

			JSON_FOREACH(j, t, el, q) {
				char *s = st_scalar(j, el);

				if (s) {
					if (l.len)
						buf_addc(&l, ';');
					buf_adds(&l, s);
					free(s);
				}
			}
			v = px_xstrdup(buf_str(&l));
			buf_free(&l);
		} else {
			v = st_scalar(j, t);
		}
		if (key && v) {
			if (b->len)
				buf_addc(b, ',');
			buf_printf(b, "%s=%s", key, v);
		}
		free(key);
		free(v);
	}
}

int
st_read_cluster_options(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	struct st_sec *sec;
	struct px_reply r;
	int kk, m;

	if (pve_get(c, &r, e, "/cluster/options") != 0)
		return -1;
	if (json_type(&r.j, r.data) != JSON_OBJECT) {
		px_reply_free(&r);
		return px_fail(e, PXE_PARSE, "GET /cluster/options: the "
		    "answer's data is not an object");
	}
	sec = st_add(st, k, "");
	JSON_FOREACH_KV(&r.j, r.data, kk, m) {
		char *key = json_strdup(&r.j, kk), *v = NULL;

		if (key && st_kind_has_key(k, key)) {
			if (json_type(&r.j, kk + 1) == JSON_OBJECT) {
				struct buf b = { 0 };

				prop_string(&r.j, kk + 1, &b);
				v = px_xstrdup(buf_str(&b));
				buf_free(&b);
			} else {
				v = st_scalar(&r.j, kk + 1);
			}
			if (v && *v)
				st_set(sec, key, v);
		}
		free(v);
		free(key);
	}
	px_reply_free(&r);
	return 0;
}

int
st_fw_read_alias(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	return st_read_generic(c, k, st, e);
}

/* "[!]CIDR[ # comment]" of an IP set's entry. */
static int
entry_text(const struct json *j, int row, struct buf *b)
{
	char *cidr = json_get_str(j, row, "cidr");
	char *comment = json_get_str(j, row, "comment");
	int rc = -1;

	if (cidr && word_ok(cidr)) {
		buf_printf(b, "%s%s", json_get_bool(j, row, "nomatch", 0) ?
		    "!" : "", cidr);
		if (comment && *comment) {
			for (char *p = comment; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = ' ';
			buf_printf(b, " # %s", comment);
		}
		rc = 0;
	}
	free(cidr);
	free(comment);
	return rc;
}

int
st_fw_read_ipset(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	struct px_reply r, m;
	int row, i;

	if (st_get_rows(c, "/cluster/firewall/ipset", &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *name = json_get_str(&r.j, row, "name");
		char *comment = json_get_str(&r.j, row, "comment");
		struct buf p = { 0 };
		struct st_sec *sec;
		int er, q;

		if (!st_id_ok(name)) {
			free(name);
			free(comment);
			continue;
		}
		sec = st_add(st, k, name);
		if (comment && *comment)
			st_set(sec, "comment", comment);
		if ((q = json_get(&r.j, row, "digest")) >= 0)
			json_strcpy(&r.j, q, sec->digest, sizeof(sec->digest));
		buf_adds(&p, "/cluster/firewall/ipset/");
		url_seg(&p, name);
		free(name);
		free(comment);
		if (st_get_rows(c, p.p, &m, e) != 0) {
			buf_free(&p);
			px_reply_free(&r);
			return -1;
		}
		JSON_FOREACH(&m.j, m.data, er, q) {
			struct buf b = { 0 };

			if (json_type(&m.j, er) == JSON_OBJECT &&
			    entry_text(&m.j, er, &b) == 0)
				st_set(sec, "cidr", buf_str(&b));
			buf_free(&b);
		}
		px_reply_free(&m);
		buf_free(&p);
	}
	px_reply_free(&r);
	return 0;
}

int
st_fw_read_group(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	struct px_reply r;
	int row, i;

	if (st_get_rows(c, "/cluster/firewall/groups", &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *name = json_get_str(&r.j, row, "group");
		char *comment = json_get_str(&r.j, row, "comment");
		struct buf p = { 0 };
		struct st_sec *sec;

		if (!st_id_ok(name)) {
			free(name);
			free(comment);
			continue;
		}
		sec = st_add(st, k, name);
		if (comment && *comment)
			st_set(sec, "comment", comment);
		buf_adds(&p, "/cluster/firewall/groups/");
		url_seg(&p, name);
		free(name);
		free(comment);
		if (read_rules_into(c, p.p, sec, e) != 0) {
			buf_free(&p);
			px_reply_free(&r);
			return -1;
		}
		buf_free(&p);
	}
	px_reply_free(&r);
	return 0;
}

/* ---- writing ---- */

static int
nth_values(const struct st_sec *s, const char *key, const char **out,
    int max)
{
	int n = 0;

	for (int i = 0; s && i < s->nkv && n < max; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			out[n++] = s->kv[i].value;
	return n;
}

/* One request on a ruleset: PUT pos (a rule replaced in place), POST at
 * pos (one inserted), DELETE pos; line the rule it writes. */
static int
rule_request(const struct st_kind *k, const char *id, const char *base,
    const char *method, int pos, const char *line, const char *digest,
    struct gate_target *t, struct px_err *e)
{
	struct buf form = { 0 }, del = { 0 };
	const char *what = *id ? id : "cluster";
	char sum[700];

	if (line && rule_form(line, &form, e) != 0) {
		buf_free(&form);
		return prefix(e, "[%s%s%s] rule %d", k->name, *id ? " " : "",
		    id, pos);
	}
	if (strcmp(method, "PUT") == 0) {
		snprintf(sum, sizeof(sum), "firewall %s: rule %d becomes %.500s",
		    what, pos, line);
		rule_deletes(&form, &del);
		if (del.len)
			form_add(&form, "delete", del.p);
	} else if (strcmp(method, "POST") == 0) {
		snprintf(sum, sizeof(sum), "firewall %s: insert rule %d: %.500s",
		    what, pos, line);
		form_addf(&form, "pos", "%d", pos);
	} else {
		snprintf(sum, sizeof(sum), "firewall %s: delete rule %d", what,
		    pos);
	}
	if (digest && *digest)
		form_add(&form, "digest", digest);
	st_target(t, k, id, method, sum);
	if (strcmp(method, "POST") == 0)
		buf_adds(&t->call.path, base);
	else
		buf_printf(&t->call.path, "%s/%d", base, pos);
	buf_adds(&t->call.form, buf_str(&form));
	buf_free(&form);
	buf_free(&del);
	return 0;
}

/*
 * The requests that turn ruleset have into want at base (an API path),
 * from t[*n]; -1 with e.  The rules both share (their longest common
 * subsequence) stay; between two of them, the rules that differ are
 * replaced in place (PUT), and what is left over inserted (POST at its
 * position) or deleted -- so that adding one rule is one request, and
 * no rule the file keeps is missing in between.
 */
static int
rules_requests(const struct st_kind *k, const char *id, const char *base,
    const struct st_sec *want, const struct st_sec *have,
    struct gate_target *t, int *n, int max, struct px_err *e)
{
	const char **w = px_xcalloc(ST_MAX_REQUESTS, sizeof(*w));
	const char **h = px_xcalloc(ST_MAX_REQUESTS, sizeof(*h));
	int nw = nth_values(want, "rule", w, ST_MAX_REQUESTS);
	int nh = nth_values(have, "rule", h, ST_MAX_REQUESTS);
	const char *digest = have && have->digest[0] ? have->digest : NULL;
	int *L = NULL, rc = 0, i = 0, j = 0, pos = 0;

	/* L[i][j]: the common subsequence of h[i..] and w[j..] (a large
	 * pair of rulesets is rewritten by position instead) */
	if ((long)(nh + 1) * (nw + 1) <= 4L << 20) {
		L = px_xcalloc((size_t)(nh + 1) * (size_t)(nw + 1),
		    sizeof(*L));
		for (int a = nh - 1; a >= 0; a--)
			for (int b = nw - 1; b >= 0; b--)
				L[a * (nw + 1) + b] = strcmp(h[a], w[b]) == 0 ?
				    L[(a + 1) * (nw + 1) + b + 1] + 1 :
				    L[(a + 1) * (nw + 1) + b] >
				    L[a * (nw + 1) + b + 1] ?
				    L[(a + 1) * (nw + 1) + b] :
				    L[a * (nw + 1) + b + 1];
	}
	while (rc == 0 && (i < nh || j < nw)) {
		int gi = i, gj = j, dh, dw, c;

		/* the gap up to the next rule both keep */
		if (L)
			while (gi < nh && gj < nw && strcmp(h[gi], w[gj]) != 0) {
				if (L[(gi + 1) * (nw + 1) + gj] >=
				    L[gi * (nw + 1) + gj + 1])
					gi++;
				else
					gj++;
			}
		else if (gi < nh && gj < nw && strcmp(h[gi], w[gj]) != 0) {
			gi++;
			gj++;
		}
		if (gi >= nh || gj >= nw) {
			gi = nh;
			gj = nw;
		}
		dh = gi - i;
		dw = gj - j;
		c = dh < dw ? dh : dw;
		if (*n + (dh > dw ? dh : dw) > max) {
			rc = px_fail(e, PXE_USAGE, "[%s%s%s]: more than %d "
			    "requests", k->name, *id ? " " : "", id, max);
			break;
		}
		for (int q = 0; q < c && rc == 0; q++) {
			rc = rule_request(k, id, base, "PUT", pos, w[j + q],
			    digest, &t[(*n)++], e);
			digest = NULL;
			pos++;
		}
		for (int q = c; q < dw && rc == 0; q++) {
			rc = rule_request(k, id, base, "POST", pos, w[j + q],
			    digest, &t[(*n)++], e);
			digest = NULL;
			pos++;
		}
		for (int q = c; q < dh && rc == 0; q++) {
			rc = rule_request(k, id, base, "DELETE", pos, NULL,
			    digest, &t[(*n)++], e);
			digest = NULL;
		}
		i = gi;
		j = gj;
		if (i < nh && j < nw && strcmp(h[i], w[j]) == 0) {
			/* the rule both keep */
			i++;
			j++;
			pos++;
		}
	}
	free(L);
	free(w);
	free(h);
	return rc;
}

int
st_fw_write_rules(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	int n = 0;

	if (rules_requests(k, "", "/cluster/firewall/rules", ch->want,
	    ch->have, t, &n, max, e) != 0)
		return -1;
	return n;
}

int
st_fw_write_alias(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *w = ch->want;
	const char *comment;
	char sum[300];

	if (ch->op != ST_UPDATE)
		return st_write_generic(k, ch, t, max, e);
	/* PUT takes cidr always, and no delete= */
	if (st_get(w, "cidr") == NULL)
		return px_fail(e, PXE_CONFIG, "[firewall alias %s]: an alias "
		    "needs its cidr", w->id);
	snprintf(sum, sizeof(sum), "update firewall alias %s", w->id);
	st_target(t, k, w->id, "PUT", sum);
	st_item_path(&t->call.path, k, w->id);
	form_add(&t->call.form, "cidr", st_get(w, "cidr"));
	comment = st_get(w, "comment");
	form_add(&t->call.form, "comment", comment ? comment : "");
	if (ch->have->digest[0])
		form_add(&t->call.form, "digest", ch->have->digest);
	return 1;
}

/* An IP set member line into cidr, comment and nomatch (form). */
static int
entry_form(const char *v, struct buf *form, char *cidr, size_t n,
    struct px_err *e)
{
	const char *hash = strchr(v, '#');
	size_t len;
	int nomatch = 0;

	while (*v == ' ')
		v++;
	if (*v == '!') {
		nomatch = 1;
		v++;
	}
	len = hash ? (size_t)(hash - v) : strlen(v);
	while (len > 0 && v[len - 1] == ' ')
		len--;
	if (len == 0 || len >= n)
		return px_fail(e, PXE_CONFIG, "'%s' is not [!]CIDR [# comment]",
		    v);
	memcpy(cidr, v, len);
	cidr[len] = '\0';
	if (!word_ok(cidr) || strspn(cidr, "0123456789abcdefABCDEF.:/") !=
	    len)
		return px_fail(e, PXE_CONFIG, "'%s' is not an IP address or "
		    "network", cidr);
	if (form) {
		form_add(form, "cidr", cidr);
		if (hash) {
			hash++;
			while (*hash == ' ')
				hash++;
			form_add(form, "comment", hash);
		}
		form_add(form, "nomatch", nomatch ? "1" : "0");
	}
	return 0;
}

/* Whether list (the values of key) holds an entry for cidr; its whole
 * line in *line. */
static int
entry_find(const struct st_sec *s, const char *cidr, const char **line)
{
	for (int i = 0; s && i < s->nkv; i++) {
		char c[128];
		struct px_err e = { 0 };

		if (strcmp(s->kv[i].key, "cidr") != 0 ||
		    entry_form(s->kv[i].value, NULL, c, sizeof(c), &e) != 0)
			continue;
		if (strcmp(c, cidr) == 0) {
			*line = s->kv[i].value;
			return 1;
		}
	}
	return 0;
}

int
st_fw_write_ipset(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *w = ch->want, *h = ch->have;
	const char *id = w ? w->id : h->id, *line;
	struct buf base = { 0 };
	char sum[600], cidr[128];
	int n = 0;

	buf_adds(&base, "/cluster/firewall/ipset/");
	url_seg(&base, id);
	if (ch->op == ST_DELETE) {
		snprintf(sum, sizeof(sum), "delete IP set %s with its members",
		    id);
		st_target(&t[0], k, id, "DELETE", sum);
		buf_adds(&t[0].call.path, base.p);
		form_add(&t[0].call.form, "force", "1");
		buf_free(&base);
		return 1;
	}
	if (ch->op == ST_CREATE || st_key_differs(w, h, "comment")) {
		const char *comment = st_get(w, "comment");

		snprintf(sum, sizeof(sum), "%s IP set %s", ch->op == ST_CREATE ?
		    "create" : "update the comment of", id);
		st_target(&t[n], k, id, "POST", sum);
		buf_adds(&t[n].call.path, "/cluster/firewall/ipset");
		form_add(&t[n].call.form, "name", id);
		if (ch->op == ST_UPDATE)
			form_add(&t[n].call.form, "rename", id);
		if (comment || ch->op == ST_UPDATE)
			form_add(&t[n].call.form, "comment", comment ? comment :
			    "");
		n++;
	}
	/* members the file drops, changed ones, new ones */
	for (int i = 0; h && i < h->nkv; i++) {
		if (strcmp(h->kv[i].key, "cidr") != 0 ||
		    entry_form(h->kv[i].value, NULL, cidr, sizeof(cidr),
		    e) != 0)
			continue;
		if (entry_find(w, cidr, &line))
			continue;
		if (n >= max)
			goto full;
		snprintf(sum, sizeof(sum), "IP set %s: remove %s", id, cidr);
		st_target(&t[n], k, id, "DELETE", sum);
		buf_printf(&t[n].call.path, "%s/", base.p);
		url_seg(&t[n].call.path, cidr);
		n++;
	}
	for (int i = 0; i < w->nkv; i++) {
		const char *old = NULL;
		int exists;

		if (strcmp(w->kv[i].key, "cidr") != 0)
			continue;
		if (n >= max)
			goto full;
		if (entry_form(w->kv[i].value, NULL, cidr, sizeof(cidr),
		    e) != 0) {
			buf_free(&base);
			return prefix(e, "[firewall ipset %s]", id);
		}
		exists = h && entry_find(h, cidr, &old);
		if (exists && strcmp(old, w->kv[i].value) == 0)
			continue;
		if (exists) {
			struct buf f = { 0 };

			snprintf(sum, sizeof(sum), "IP set %s: %s becomes "
			    "%.400s", id, cidr, w->kv[i].value);
			st_target(&t[n], k, id, "PUT", sum);
			buf_printf(&t[n].call.path, "%s/", base.p);
			url_seg(&t[n].call.path, cidr);
			entry_form(w->kv[i].value, &f, cidr, sizeof(cidr), e);
			/* PUT has no cidr parameter: the path names it */
			{
				const char *p = strchr(buf_str(&f), '&');

				buf_adds(&t[n].call.form, p ? p + 1 : "");
			}
			if (strchr(w->kv[i].value, '#') == NULL)
				form_add(&t[n].call.form, "comment", "");
			buf_free(&f);
		} else {
			snprintf(sum, sizeof(sum), "IP set %s: add %.400s", id,
			    w->kv[i].value);
			st_target(&t[n], k, id, "POST", sum);
			buf_adds(&t[n].call.path, base.p);
			entry_form(w->kv[i].value, &t[n].call.form, cidr,
			    sizeof(cidr), e);
		}
		n++;
	}
	buf_free(&base);
	return n;
full:
	buf_free(&base);
	return px_fail(e, PXE_USAGE, "[firewall ipset %s]: more than %d "
	    "requests", id, max);
}

int
st_fw_write_group(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *w = ch->want, *h = ch->have;
	const char *id = w ? w->id : h->id;
	struct buf base = { 0 };
	char sum[300];
	int n = 0, rc;

	buf_adds(&base, "/cluster/firewall/groups/");
	url_seg(&base, id);
	if (ch->op == ST_DELETE) {
		/* PVE refuses a group that has rules: its rules first */
		rc = rules_requests(k, id, base.p, NULL, h, t, &n, max, e);
		if (rc == 0 && n < max) {
			snprintf(sum, sizeof(sum), "delete security group %s",
			    id);
			st_target(&t[n], k, id, "DELETE", sum);
			buf_adds(&t[n].call.path, base.p);
			n++;
		}
		buf_free(&base);
		return rc == 0 ? n : -1;
	}
	if (ch->op == ST_CREATE || st_key_differs(w, h, "comment")) {
		const char *comment = st_get(w, "comment");

		snprintf(sum, sizeof(sum), "%s security group %s",
		    ch->op == ST_CREATE ? "create" : "update the comment of",
		    id);
		st_target(&t[n], k, id, "POST", sum);
		buf_adds(&t[n].call.path, "/cluster/firewall/groups");
		form_add(&t[n].call.form, "group", id);
		if (ch->op == ST_UPDATE)
			form_add(&t[n].call.form, "rename", id);
		if (comment || ch->op == ST_UPDATE)
			form_add(&t[n].call.form, "comment", comment ? comment :
			    "");
		n++;
	}
	rc = rules_requests(k, id, base.p, w, h, t, &n, max, e);
	buf_free(&base);
	return rc == 0 ? n : -1;
}

/* Whether each rule and member of a firewall section parses: -1 with e
 * naming it. */
int
st_fw_check(const struct st_sec *s, struct px_err *e)
{
	for (int i = 0, nr = 0; i < s->nkv; i++) {
		struct buf f = { 0 };
		char cidr[128];
		int rc = 0;

		if (strcmp(s->kv[i].key, "rule") == 0) {
			rc = rule_form(s->kv[i].value, &f, e);
			if (rc != 0)
				prefix(e, "rule %d", nr);
			nr++;
		} else if (strcmp(s->kv[i].key, "cidr") == 0 &&
		    strcmp(s->kind->name, "firewall ipset") == 0) {
			rc = entry_form(s->kv[i].value, NULL, cidr,
			    sizeof(cidr), e);
		}
		buf_free(&f);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* One spelling of each rule and IP set member in sec (st_normalize). */
void
st_fw_normalize(struct st_sec *sec)
{
	for (int i = 0; i < sec->nkv; i++) {
		char cidr[128];
		struct px_err e = { 0 };

		if (strcmp(sec->kv[i].key, "rule") == 0) {
			rule_canon(&sec->kv[i].value);
		} else if (strcmp(sec->kv[i].key, "cidr") == 0 &&
		    strcmp(sec->kind->name, "firewall ipset") == 0 &&
		    entry_form(sec->kv[i].value, NULL, cidr, sizeof(cidr),
		    &e) == 0) {
			const char *v = sec->kv[i].value, *hash = strchr(v, '#');
			struct buf b = { 0 };

			while (*v == ' ')
				v++;
			buf_printf(&b, "%s%s", *v == '!' ? "!" : "", cidr);
			if (hash) {
				hash++;
				while (*hash == ' ')
					hash++;
				if (*hash)
					buf_printf(&b, " # %s", hash);
			}
			free(sec->kv[i].value);
			sec->kv[i].value = px_xstrdup(buf_str(&b));
			buf_free(&b);
		}
	}
}
