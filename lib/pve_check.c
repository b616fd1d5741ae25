/*
 * pve_check.c -- look-ups and validators a change needs before its
 * request is built: is the guest running, is the node or storage there,
 * sizes and keys as PVE takes them.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "out.h"
#include "pve_check.h"
#include "pve_check.h"
#include "pve_guest.h"
#include "pve_task.h"

void
pve_guest_label(const struct pve_guest *g, char *buf, size_t n)
{
	snprintf(buf, n, "%s %d (%s)", strcmp(g->type, "lxc") == 0 ? "CT" :
	    "VM", g->vmid, g->name[0] ? g->name : "no name");
}
int
pve_guest_running(struct px_client *c, const struct pve_guest *g,
    struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	struct pve_guest_status st;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	rc = pve_get(c, &r, e, "%s/status/current", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	memset(&st, 0, sizeof(st));
	rc = pve_guest_status_parse(&r.j, r.data, &st, e);
	px_reply_free(&r);
	if (rc != 0)
		return -1;
	/* paused and suspended guests are not stopped either */
	return strcmp(st.status, "stopped") != 0;
}
int
pve_node_check(struct px_client *c, const char *node, struct px_err *e)
{
	struct pve_node *v;
	int n, found = 0;

	if (!pve_valid_node(node))
		return px_fail(e, PXE_USAGE, "'%s' is not a node name", node);
	if (pve_nodes(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && !found; i++)
		found = strcmp(v[i].name, node) == 0;
	free(v);
	if (!found) {
		px_fail(e, PXE_NOT_FOUND, "no node %s in the cluster", node);
		px_hint(e, "px ls nodes lists them");
		return -1;
	}
	return 0;
}
/* Does the comma-separated list contain word? */
static int
list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p; ) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}
int
pve_storage_check(struct px_client *c, const char *storage, const char *node,
    const char *content, struct px_err *e)
{
	struct pve_storage *v;
	const struct pve_storage *hit = NULL;
	int n, named = 0;

	if (pve_storages(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && hit == NULL; i++) {
		if (strcmp(v[i].storage, storage) != 0)
			continue;
		named = 1;
		if (strcmp(v[i].node, node) == 0)
			hit = &v[i];
	}
	if (hit == NULL) {
		if (named)
			px_fail(e, PXE_NOT_FOUND, "storage %s is not available "
			    "on node %s", storage, node);
		else
			px_fail(e, PXE_NOT_FOUND, "no storage %s", storage);
		px_hint(e, "px ls storage lists them");
		free(v);
		return -1;
	}
	if (content && hit->content[0] && !list_has(hit->content, content)) {
		px_fail(e, PXE_USAGE, "storage %s does not hold %s content "
		    "(it holds %s)", storage, content, hit->content);
		free(v);
		return -1;
	}
	free(v);
	return 0;
}
int
pve_parse_disk_size(const char *s, int plus, int *relative, uint64_t *bytes)
{
	const char *p = s;
	double v = 0, frac = 0, scale = 0.1;
	int digits = 0;

	*relative = 0;
	if (plus && *p == '+') {
		*relative = 1;
		p++;
	}
	for (; isdigit((unsigned char)*p); p++, digits++) {
		v = v * 10 + (*p - '0');
		if (v > 1e18)
			return -1;
	}
	if (digits == 0)
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	v += frac;
	switch (*p) {
	case 'T':
		v *= 1024;
		/* FALLTHROUGH */
	case 'G':
		v *= 1024;
		/* FALLTHROUGH */
	case 'M':
		v *= 1024;
		/* FALLTHROUGH */
	case 'K':
		v *= 1024;
		p++;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (*p != '\0' || v > 1.8e19)
		return -1;
	*bytes = (uint64_t)v;
	return 0;
}
int
pve_disk_size(const char *value, uint64_t *bytes)
{
	char sz[32];
	const char *p;
	size_t n;
	int rel;

	for (p = value; (p = strstr(p, "size=")) != NULL; p += 5)
		if (p == value || p[-1] == ',')
			break;
	if (p == NULL)
		return -1;
	p += 5;
	n = strcspn(p, ",");
	if (n == 0 || n >= sizeof(sz))
		return -1;
	memcpy(sz, p, n);
	sz[n] = '\0';
	return pve_parse_disk_size(sz, 0, &rel, bytes);
}
int
pve_valid_key(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_')
			return 0;
	return n <= 63;
}
int
pve_valid_snapname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 40 || !((*name >= 'a' && *name <= 'z') ||
	    (*name >= 'A' && *name <= 'Z')) || strcmp(name, "current") == 0)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

int
pve_guest_config(struct px_client *c, const struct pve_guest *g,
    struct pve_kv **kv, int *n, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	*kv = NULL;
	*n = 0;
	pve_guest_path(&p, g->node, g->type, g->vmid);
	rc = pve_get(c, &r, e, "%s/config", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = pve_kv_parse(&r.j, r.data, kv, n, e);
	px_reply_free(&r);
	return rc;
}
