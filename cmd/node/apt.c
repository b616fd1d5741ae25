/*
 * apt.c -- px node apt: packages and repositories of a node.
 *
 *   apt update NODE                 POST .../apt/update (a task,
 *                                   followed; its log on stderr)
 *   apt upgradable NODE             GET .../apt/update
 *   apt changelog NODE PACKAGE      GET .../apt/changelog
 *   apt repos NODE                  GET .../apt/repositories
 *   apt repos enable|disable NODE HANDLE | NODE PATH INDEX
 *                                   POST .../apt/repositories (path,
 *                                   index, enabled, digest), or PUT
 *                                   (handle, digest) to add a standard
 *                                   repository the node does not have
 *
 * A repository's handle is PVE's name of a standard repository
 * (enterprise, no-subscription, test, ceph-squid-enterprise ...); px
 * recognizes it by its URI and component.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "node.h"
#include "pve_check.h"
#include "pve_nodesys.h"
#include "pve_objrisk_node.h"

static void
on_line(void *arg, int row, const struct pve_log_line *l)
{
	char *t;

	(void)arg;
	(void)row;
	if (l->t == NULL)
		return;
	t = px_xstrdup(l->t);
	fprintf(stderr, "%s\n", text_sanitize(t));
	free(t);
}

static int
apt_update(struct mutcli *m, const char *node)
{
	struct buf base = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	int rc;

	ns_base(&base, node);
	buf_adds(&base, "/apt/update");
	buf_printf(&sum, "refresh the package index of node %s", node);
	c.action = "apt-update";
	c.node = node;
	c.method = "POST";
	c.path = base.p;
	c.summary = sum.p;
	m->o.follow_log = 1;
	m->line = on_line;
	rc = ns_change(m, &c);
	buf_free(&base);
	buf_free(&sum);
	return rc;
}

static int
upgradable(struct mutcli *m, const char *node)
{
	static const struct out_col cols[] = {
		{ "package", OT_STR, 0 }, { "old", OT_STR, 0 },
		{ "new", OT_STR, 0 }, { "origin", OT_STR, 0 },
		{ "section", OT_STR, 0 }, { "priority", OT_STR, OC_EXTRA },
		{ "arch", OT_STR, OC_EXTRA }, { "title", OT_STR, OC_EXTRA },
	};
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf base = { 0 };
	struct pve_apt_pkg *v;
	struct out *o;
	int n;

	ns_base(&base, node);
	ns_get(m, &r, "%s/apt/update", base.p);
	buf_free(&base);
	if (pve_apt_pkgs_parse(&r.j, r.data, &v, &n, &e) != 0) {
		px_reply_free(&r);
		px_die(&e);
	}
	px_reply_free(&r);
	o = out_new(&m->x.out, cols, 8);
	for (int i = 0; i < n; i++) {
		out_row(o);
		ns_str(o, 0, v[i].package);
		ns_str(o, 1, v[i].oldversion);
		ns_str(o, 2, v[i].version);
		ns_str(o, 3, v[i].origin);
		ns_str(o, 4, v[i].section);
		ns_str(o, 5, v[i].priority);
		ns_str(o, 6, v[i].arch);
		ns_str(o, 7, v[i].title);
	}
	free(v);
	return ns_print(m, o);
}

/* Debian's package name: [a-z0-9][a-z0-9+.-]+ (PVE also takes ':'). */
static int
package_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 128 && ((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= '0' && s[0] <= '9')) && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789+.-:") == n;
}

static int
changelog(struct mutcli *m, const char *node, const char *pkg)
{
	static const struct out_col cols[] = {
		{ "package", OT_STR, 0 }, { "changelog", OT_STR, 0 },
	};
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf base = { 0 }, q = { 0 };
	char *text;
	int rc;

	if (!package_ok(pkg))
		px_errx(PX_EXIT_USAGE, "'%s' is not a package name", pkg);
	ns_base(&base, node);
	form_add(&q, "name", pkg);
	ns_get(m, &r, "%s/apt/changelog?%s", base.p, q.p);
	if (pve_text_parse(&r.j, r.data, NS_TEXT_MAX, &text, &e) != 0) {
		px_reply_free(&r);
		px_errx(PX_EXIT_FAIL, "the changelog of %s: %s", pkg, e.msg);
	}
	px_reply_free(&r);
	if (!ns_json(m))
		rc = ns_text(text);
	else {
		struct out *o = out_new(&m->x.out, cols, 2);

		out_record(o);
		out_row(o);
		out_str(o, 0, pkg);
		out_str(o, 1, text);
		rc = ns_print(m, o);
	}
	free(text);
	buf_free(&base);
	buf_free(&q);
	return rc;
}

/* ---- repositories ---- */

/* The node's repositories (*v, free()), their digest, and the handles
 * PVE knows (" a b c "). */
static int
repos_read(struct mutcli *m, const char *node, struct pve_node_repo **v,
    char *digest, size_t dn, char *known, size_t kn)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf base = { 0 };
	int n;

	ns_base(&base, node);
	ns_get(m, &r, "%s/apt/repositories", base.p);
	buf_free(&base);
	if (pve_node_repos_parse(&r.j, r.data, v, &n, digest, dn, known, kn,
	    &e) != 0) {
		px_reply_free(&r);
		px_die(&e);
	}
	px_reply_free(&r);
	return n;
}

static int
repos_list(struct mutcli *m, const char *node)
{
	static const struct out_col cols[] = {
		{ "path", OT_STR, 0 }, { "index", OT_INT, 0 },
		{ "enabled", OT_BOOL, 0 }, { "handle", OT_STR, 0 },
		{ "types", OT_STR, OC_EXTRA }, { "uris", OT_STR, 0 },
		{ "suites", OT_STR, 0 }, { "components", OT_STR, 0 },
		{ "filetype", OT_STR, OC_EXTRA },
	};
	struct pve_node_repo *v;
	char digest[96], known[1024];
	struct out *o;
	int n = repos_read(m, node, &v, digest, sizeof(digest), known,
	    sizeof(known));

	o = out_new(&m->x.out, cols, 9);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].path);
		out_int(o, 1, v[i].index);
		out_bool(o, 2, v[i].enabled);
		out_str(o, 3, v[i].handle[0] ? v[i].handle : NULL);
		out_str(o, 4, v[i].types);
		out_str(o, 5, v[i].uris);
		out_str(o, 6, v[i].suites);
		out_str(o, 7, v[i].components);
		out_str(o, 8, v[i].filetype);
	}
	free(v);
	return ns_print(m, o);
}

static int
repos_change(struct mutcli *m, const char *node, int enable, int argc,
    char **argv)
{
	struct pve_node_repo *v, *hit = NULL;
	struct buf base = { 0 }, form = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	struct objrisk_repo a = { node, enable, 0, 0, NULL };
	char digest[96], want[80], known[1024], *end;
	int n, rc, index = -1, nhit = 0;

	n = repos_read(m, node, &v, digest, sizeof(digest), known,
	    sizeof(known));
	if (argc == 2) {
		index = (int)strtol(argv[1], &end, 10);
		if (*end || end == argv[1] || index < 0 || index > 9999)
			px_errx(PX_EXIT_USAGE, "'%s' is not an index", argv[1]);
		for (int i = 0; i < n; i++)
			if (strcmp(v[i].path, argv[0]) == 0 &&
			    v[i].index == index)
				hit = &v[i];
		if (hit == NULL)
			px_errx(PX_EXIT_NOTFOUND, "node %s has no repository %d "
			    "in %s", node, index, argv[0]);
		nhit = 1;
	} else {
		snprintf(want, sizeof(want), " %.70s ", argv[0]);
		if (strstr(known, want) == NULL)
			px_errx(PX_EXIT_USAGE, "'%s' is not a repository handle "
			    "PVE knows (%s)", argv[0], known);
		for (int i = 0; i < n; i++)
			if (strcmp(v[i].handle, argv[0]) == 0) {
				/* an enabled one wins for disable, a
				 * disabled one for enable */
				if (hit == NULL || v[i].enabled != enable)
					hit = &v[i];
				nhit++;
			}
		if (hit == NULL && !enable)
			px_errx(PX_EXIT_NOTFOUND, "node %s has no %s repository "
			    "configured", node, argv[0]);
	}
	a.what = hit ? hit->handle[0] ? hit->handle : hit->path : argv[0];
	a.enterprise = strstr(hit ? hit->handle : argv[0], "enterprise") !=
	    NULL;
	{
		const char *h = hit ? hit->handle : argv[0];
		size_t hl = strlen(h);

		a.test = hl >= 4 && strcmp(h + hl - 4, "test") == 0;
	}
	if (nhit > 1)
		px_warn("%d repositories of node %s are %s: changing %s %d",
		    nhit, node, argv[0], hit->path, hit->index);
	ns_base(&base, node);
	buf_adds(&base, "/apt/repositories");
	if (hit != NULL) {
		form_add(&form, "path", hit->path);
		form_addf(&form, "index", "%d", hit->index);
		form_add(&form, "enabled", enable ? "1" : "0");
		buf_printf(&sum, "%s the repository %s%s%s (%s %d) of node %s",
		    enable ? "enable" : "disable", hit->handle, hit->handle[0] ?
		    " " : "", hit->uris, hit->path, hit->index, node);
		c.method = "POST";
	} else {
		form_add(&form, "handle", argv[0]);
		buf_printf(&sum, "add the %s repository to node %s", argv[0],
		    node);
		c.method = "PUT";
	}
	if (digest[0])
		form_add(&form, "digest", digest);
	c.action = enable ? "apt-repo-enable" : "apt-repo-disable";
	c.node = node;
	c.path = base.p;
	c.form = form.p;
	c.summary = sum.p;
	c.name = hit ? hit->handle[0] ? hit->handle : NULL : argv[0];
	c.assess = objrisk_node_repo;
	c.assess_arg = &a;
	rc = ns_change(m, &c);
	free(v);
	buf_free(&base);
	buf_free(&form);
	buf_free(&sum);
	return rc;
}

int
ns_apt(struct mutcli *m, struct nodesys *ns, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "", *node;
	int k = 2, change = 0, enable = 0;
	struct px_err e = { 0 };

	if (strcmp(sub, "repos") == 0 && argc > 2 &&
	    (strcmp(argv[2], "enable") == 0 || strcmp(argv[2], "disable") ==
	    0)) {
		change = 1;
		enable = strcmp(argv[2], "enable") == 0;
		k = 3;
	}
	if (k >= argc)
		px_usage(px_cmd_running);
	node = argv[k++];
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", node);
	if (ns->given || ns->force)
		px_errx(PX_EXIT_USAGE, "apt takes none of these options");
	if (change ? (argc - k < 1 || argc - k > 2) :
	    strcmp(sub, "changelog") == 0 ? argc - k != 1 : argc != k)
		px_usage(px_cmd_running);
	if (strcmp(sub, "update") != 0 && strcmp(sub, "upgradable") != 0 &&
	    strcmp(sub, "changelog") != 0 && strcmp(sub, "repos") != 0)
		px_usage(px_cmd_running);
	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0)
		px_die(&e);
	if (change)
		return repos_change(m, node, enable, argc - k, argv + k);
	if (strcmp(sub, "update") == 0)
		return apt_update(m, node);
	if (strcmp(sub, "upgradable") == 0)
		return upgradable(m, node);
	if (strcmp(sub, "changelog") == 0)
		return changelog(m, node, argv[k]);
	return repos_list(m, node);
}
