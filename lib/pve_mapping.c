/* pve_mapping.c -- PVE's resource mappings (pve_mapping.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "pve.h"
#include "pve_mapping.h"

/* Bounds: PVE's maxLength of a description is 4096; a map entry with
 * its keys fits in twice that. */
enum { ENTRY_MAX = 8192, DESC_MAX = 4096, MAP_MAX = 4096 };

int
pve_mapping_type_ok(const char *type)
{
	return type && (strcmp(type, "pci") == 0 || strcmp(type, "usb") == 0 ||
	    strcmp(type, "dir") == 0);
}

int
pve_mapping_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	return n >= 2 && n < 128 && isalpha((unsigned char)id[0]) &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

static void
copy_clean(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
	text_sanitize(dst);
}

/* A PVE boolean at key: -1 when absent. */
static int
get_bool(const struct json *j, int obj, const char *key)
{
	int k = json_get(j, obj, key), b;
	long long ll;
	char s[8];

	if (k < 0 || json_is_null(j, k))
		return -1;
	if (json_bool(j, k, &b) == 0)
		return b;
	if (json_int(j, k, &ll) == 0)
		return ll != 0;
	if (json_strcpy(j, k, s, sizeof(s)) >= 0)
		return strcmp(s, "1") == 0 || strcmp(s, "true") == 0;
	return -1;
}

static void
fill(const struct json *j, int obj, const char *type, struct pve_mapping *m)
{
	int k, a, i;
	char *s;

	memset(m, 0, sizeof(*m));
	snprintf(m->type, sizeof(m->type), "%s", type);
	if ((s = json_get_str(j, obj, "id")) != NULL)
		copy_clean(m->id, sizeof(m->id), s);
	free(s);
	if ((s = json_get_str(j, obj, "description")) != NULL)
		copy_clean(m->description, sizeof(m->description), s);
	free(s);
	if ((s = json_get_str(j, obj, "digest")) != NULL)
		copy_clean(m->digest, sizeof(m->digest), s);
	free(s);
	m->mdev = get_bool(j, obj, "mdev");
	m->live_migration = get_bool(j, obj, "live-migration-capable");
	if ((a = json_get(j, obj, "map")) < 0)
		return;
	if (json_type(j, a) == JSON_STRING) {
		/* one entry may come as a plain string */
		if ((s = json_strdup(j, a)) != NULL) {
			m->map = px_xrealloc(NULL, sizeof(*m->map));
			m->map[m->nmap++] = text_sanitize(s);
		}
		return;
	}
	if (json_type(j, a) != JSON_ARRAY)
		return;
	JSON_FOREACH(j, a, k, i) {
		if (m->nmap >= MAP_MAX || json_type(j, k) != JSON_STRING)
			continue;
		if ((s = json_strdup(j, k)) == NULL)
			continue;
		if (strlen(s) > ENTRY_MAX)
			s[ENTRY_MAX] = '\0';
		m->map = px_xrealloc(m->map, ((size_t)m->nmap + 1) *
		    sizeof(*m->map));
		m->map[m->nmap++] = text_sanitize(s);
	}
}

int
pve_mappings_parse(const struct json *j, int t, const char *type,
    struct pve_mapping **out, int *n, int *dropped, struct px_err *e)
{
	struct pve_mapping *v = NULL;
	int row, i, nv = 0;

	*out = NULL;
	*n = 0;
	if (dropped)
		*dropped = 0;
	if (json_type(j, t) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "the %s mappings are not a list",
		    type);
	JSON_FOREACH(j, t, row, i) {
		struct pve_mapping m;

		if (json_type(j, row) != JSON_OBJECT) {
			if (dropped)
				(*dropped)++;
			continue;
		}
		fill(j, row, type, &m);
		if (m.id[0] == '\0') {
			pve_mapping_free(&m);
			if (dropped)
				(*dropped)++;
			continue;
		}
		v = px_xrealloc(v, ((size_t)nv + 1) * sizeof(*v));
		v[nv++] = m;
	}
	*out = v;
	*n = nv;
	return 0;
}

int
pve_mapping_parse(const struct json *j, int t, const char *type,
    const char *id, struct pve_mapping *m, struct px_err *e)
{
	if (json_type(j, t) != JSON_OBJECT) {
		memset(m, 0, sizeof(*m));
		return px_fail(e, PXE_PARSE, "%s mapping %s: the answer is not "
		    "an object", type, id);
	}
	fill(j, t, type, m);
	/* PVE's item has no id of its own */
	copy_clean(m->id, sizeof(m->id), id);
	return 0;
}

void
pve_mapping_free(struct pve_mapping *m)
{
	for (int i = 0; i < m->nmap; i++)
		free(m->map[i]);
	free(m->map);
	m->map = NULL;
	m->nmap = 0;
}

void
pve_mappings_free(struct pve_mapping *v, int n)
{
	for (int i = 0; i < n; i++)
		pve_mapping_free(&v[i]);
	free(v);
}

int
pve_mapping_entry_parse(const char *s, struct pve_mapping_entry *en)
{
	char buf[ENTRY_MAX + 1], *p, *save = NULL;

	memset(en, 0, sizeof(*en));
	snprintf(buf, sizeof(buf), "%s", s);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",",
	    &save)) {
		char *eq = strchr(p, '='), *v;

		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (strcmp(p, "node") == 0)
			copy_clean(en->node, sizeof(en->node), v);
		else if (strcmp(p, "path") == 0)
			copy_clean(en->path, sizeof(en->path), v);
		else if (strcmp(p, "id") == 0)
			copy_clean(en->id, sizeof(en->id), v);
		else if (strcmp(p, "subsystem-id") == 0)
			copy_clean(en->subsystem_id, sizeof(en->subsystem_id),
			    v);
		else if (strcmp(p, "iommugroup") == 0)
			copy_clean(en->iommugroup, sizeof(en->iommugroup), v);
		else if (strcmp(p, "description") == 0)
			copy_clean(en->description, sizeof(en->description),
			    v);
	}
	return en->node[0] ? 0 : -1;
}

/* ---- checking what px sends ---- */

static int
hexn(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* vendor:device, four hex digits each. */
static int
devid_ok(const char *v)
{
	return strlen(v) == 9 && v[4] == ':' && hexn(v, 4) && hexn(v + 5, 4);
}

/* One PCI address: [domain:]bus:dev[.fn] into out (lower case, with
 * the domain); 0 or -1. */
static int
pci_one(const char *a, size_t n, struct buf *out)
{
	char tmp[64], *p = tmp;
	const char *domain = "0000";
	size_t dl;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, a, n);
	tmp[n] = '\0';
	for (char *q = tmp; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	/* a domain when there are two colons */
	if (strchr(tmp, ':') != strrchr(tmp, ':')) {
		char *c = strchr(tmp, ':');

		dl = (size_t)(c - tmp);
		if (dl < 4 || dl > 8 || !hexn(tmp, dl))
			return -1;
		*c = '\0';
		domain = tmp;
		p = c + 1;
	}
	/* bus:dev */
	if (strlen(p) < 5 || !hexn(p, 2) || p[2] != ':' || !hexn(p + 3, 2))
		return -1;
	if (p[5] != '\0' && !(p[5] == '.' && p[6] >= '0' && p[6] <= '7' &&
	    p[7] == '\0'))
		return -1;
	buf_printf(out, "%s:%s", domain, p);
	return 0;
}

/* USB port: bus-port[.port...] */
static int
usbpath_ok(const char *v)
{
	const char *p = v;

	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '-' || !isdigit((unsigned char)*p))
		return 0;
	for (;;) {
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 1;
		if (*p++ != '.' || !isdigit((unsigned char)*p))
			return 0;
	}
}

/* An absolute directory path PVE takes in a property string. */
static const char *
dirpath_problem(const char *v)
{
	if (v[0] != '/')
		return "is not an absolute path";
	if (strpbrk(v, ";,=()") != NULL)
		return "holds one of ; , = ( ) (PVE refuses them in a "
		    "mapping's path)";
	for (const char *p = v; (p = strstr(p, "..")) != NULL; p++)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return "has a '..' component";
	if (strstr(v, "//") != NULL)
		return "has an empty component (//)";
	if (strlen(v) > 4000)
		return "is too long";
	return NULL;
}

int
pve_mapping_entry_check(const char *type, const char *s, char *out,
    size_t outsz, struct px_err *e)
{
	static const char *const pci_keys[] = { "node", "path", "id",
		"subsystem-id", "iommugroup", "description", NULL };
	static const char *const usb_keys[] = { "node", "id", "path",
		"description", NULL };
	static const char *const dir_keys[] = { "node", "path", NULL };
	const char *const *keys;
	char buf[ENTRY_MAX + 1], *p, *save = NULL;
	char seen[8] = { 0 };
	struct buf res = { 0 };
	int rc = -1;

	if (!pve_mapping_type_ok(type))
		return px_fail(e, PXE_USAGE, "'%s' is not a mapping type "
		    "(pci, usb, dir)", type);
	keys = type[0] == 'p' ? pci_keys : type[0] == 'u' ? usb_keys :
	    dir_keys;
	if (strlen(s) > ENTRY_MAX)
		return px_fail(e, PXE_USAGE, "--map: more than %d characters",
		    ENTRY_MAX);
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return px_fail(e, PXE_USAGE, "--map '%s': a control "
			    "character is not allowed", s);
	if (s[0] == '\0')
		return px_fail(e, PXE_USAGE, "--map: empty");
	snprintf(buf, sizeof(buf), "%s", s);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",",
	    &save)) {
		char *eq = strchr(p, '='), *v;
		int k;

		if (eq == NULL || eq == p || eq[1] == '\0') {
			px_fail(e, PXE_USAGE, "--map '%s': '%s' is not "
			    "key=value", s, p);
			goto out;
		}
		*eq = '\0';
		v = eq + 1;
		for (k = 0; keys[k] && strcmp(keys[k], p) != 0; k++)
			;
		if (keys[k] == NULL) {
			px_fail(e, PXE_USAGE, "--map '%s': a %s mapping has no "
			    "key '%s'", s, type, p);
			goto out;
		}
		if (seen[k]++) {
			px_fail(e, PXE_USAGE, "--map '%s': '%s' given twice",
			    s, p);
			goto out;
		}
		if (res.len)
			buf_addc(&res, ',');
		buf_printf(&res, "%s=", p);
		if (strcmp(p, "node") == 0) {
			if (!pve_valid_node(v)) {
				px_fail(e, PXE_USAGE, "--map '%s': '%s' is not "
				    "a node name", s, v);
				goto out;
			}
			buf_adds(&res, v);
		} else if (strcmp(p, "id") == 0 ||
		    strcmp(p, "subsystem-id") == 0) {
			if (!devid_ok(v)) {
				px_fail(e, PXE_USAGE, "--map '%s': %s '%s' is "
				    "not vendor:device (four hex digits each, "
				    "e.g. 10de:1b80)", s, p, v);
				goto out;
			}
			buf_adds(&res, v);
		} else if (strcmp(p, "iommugroup") == 0) {
			if (strspn(v, "0123456789") != strlen(v) ||
			    strlen(v) > 9) {
				px_fail(e, PXE_USAGE, "--map '%s': iommugroup "
				    "'%s' is not a number", s, v);
				goto out;
			}
			buf_adds(&res, v);
		} else if (strcmp(p, "description") == 0) {
			if (strlen(v) > DESC_MAX) {
				px_fail(e, PXE_USAGE, "--map '%s': the "
				    "description is longer than %d", s,
				    DESC_MAX);
				goto out;
			}
			buf_adds(&res, v);
		} else if (type[0] == 'p') {	/* path: PCI addresses */
			const char *a = v;

			for (;;) {
				const char *semi = strchr(a, ';');
				size_t n = semi ? (size_t)(semi - a) :
				    strlen(a);

				if (pci_one(a, n, &res) != 0) {
					px_fail(e, PXE_USAGE, "--map '%s': path "
					    "'%s' is not a PCI address (like "
					    "0000:01:00.0 or 01:00; several "
					    "with ';')", s, v);
					goto out;
				}
				if (semi == NULL)
					break;
				buf_addc(&res, ';');
				a = semi + 1;
			}
		} else if (type[0] == 'u') {
			if (!usbpath_ok(v)) {
				px_fail(e, PXE_USAGE, "--map '%s': path '%s' is "
				    "not a USB port (bus-port, like 1-2.3)",
				    s, v);
				goto out;
			}
			buf_adds(&res, v);
		} else {
			const char *why = dirpath_problem(v);

			if (why != NULL) {
				px_fail(e, PXE_USAGE, "--map '%s': path '%s' "
				    "%s", s, v, why);
				goto out;
			}
			buf_adds(&res, v);
		}
	}
	if (!seen[0]) {
		px_fail(e, PXE_USAGE, "--map '%s': no node=", s);
		goto out;
	}
	/* the keys each type needs: pci path and id, usb id, dir path */
	if (type[0] == 'p' && (!seen[1] || !seen[2])) {
		px_fail(e, PXE_USAGE, "--map '%s': a pci entry needs path= and "
		    "id=", s);
		goto out;
	}
	if (type[0] == 'u' && !seen[1]) {
		px_fail(e, PXE_USAGE, "--map '%s': a usb entry needs id= "
		    "(vendor:device)", s);
		goto out;
	}
	if (type[0] == 'd' && !seen[1]) {
		px_fail(e, PXE_USAGE, "--map '%s': a dir entry needs path=", s);
		goto out;
	}
	if (res.len >= outsz) {
		px_fail(e, PXE_USAGE, "--map: too long");
		goto out;
	}
	memcpy(out, res.p, res.len + 1);
	rc = 0;
out:
	buf_free(&res);
	return rc;
}

void
pve_mapping_entry_node(const char *s, char *node, size_t n)
{
	struct pve_mapping_entry en;

	pve_mapping_entry_parse(s, &en);
	snprintf(node, n, "%s", en.node);
}
