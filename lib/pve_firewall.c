/* pve_firewall.c -- the firewall's objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_field.h"
#include "pve_firewall.h"

static const struct pve_field fw_rule_f[] = {
	PF_INT(struct pve_fw_rule, pos, "pos", -1),
	PF_STR(struct pve_fw_rule, type, "type"),
	PF_STR(struct pve_fw_rule, action, "action"),
	PF_STR(struct pve_fw_rule, macro, "macro"),
	PF_STR(struct pve_fw_rule, proto, "proto"),
	PF_STR(struct pve_fw_rule, source, "source"),
	PF_STR(struct pve_fw_rule, dest, "dest"),
	PF_STR(struct pve_fw_rule, sport, "sport"),
	PF_STR(struct pve_fw_rule, dport, "dport"),
	PF_STR(struct pve_fw_rule, iface, "iface"),
	PF_STR(struct pve_fw_rule, log, "log"),
	PF_STR(struct pve_fw_rule, icmp_type, "icmp-type"),
	PF_BOOL(struct pve_fw_rule, enable, "enable", 0),
	PF_STR(struct pve_fw_rule, comment, "comment"),
};

int
pve_fw_rules_parse(const struct json *j, int arr, struct pve_fw_rule **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("firewall rules", struct pve_fw_rule, fw_rule_f,
	    NULL);
}

static const struct pve_field fw_addr_f[] = {
	PF_STR(struct pve_fw_addr, cidr, "cidr"),	/* entries have no name */
	PF_STR(struct pve_fw_addr, name, "name"),
	PF_BOOL(struct pve_fw_addr, nomatch, "nomatch", 0),
	PF_STR(struct pve_fw_addr, comment, "comment"),
};

int
pve_fw_addrs_parse(const struct json *j, int arr, struct pve_fw_addr **out,
    int *n, struct px_err *e)
{
	int c, i, k = 0;
	struct pve_fw_addr *v;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "firewall addresses: not an "
		    "array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT ||
		    (json_is_null(j, json_get(j, c, "name")) &&
		    json_is_null(j, json_get(j, c, "cidr"))))
			continue;
		pve_fill(j, c, &v[k++], fw_addr_f, PF_N(fw_addr_f));
	}
	*out = v;
	*n = k;
	return 0;
}

static const struct pve_field fw_group_f[] = {
	PF_STR(struct pve_fw_addr, name, "group"),
	PF_STR(struct pve_fw_addr, comment, "comment"),
};

int
pve_fw_groups_parse(const struct json *j, int arr, struct pve_fw_addr **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("security groups", struct pve_fw_addr, fw_group_f,
	    NULL);
}

int
pve_fw_refs_parse(const struct json *j, int arr, struct pve_fw_ref **out,
    int *n, struct px_err *e)
{
#define R struct pve_fw_ref
	static const struct pve_field f[] = {
		PF_STR(R, name, "name"), PF_STR(R, type, "type"),
		PF_STR(R, ref, "ref"), PF_STR(R, scope, "scope"),
		PF_STR(R, comment, "comment"),
	};
#undef R

	return PVE_PARSE("firewall refs", struct pve_fw_ref, f, NULL);
}

int
pve_fw_cidr_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "0123456789abcdefABCDEF.:/") ==
	    n && (strchr(s, '.') != NULL || strchr(s, ':') != NULL);
}

int
pve_fw_alias_cidr(const struct json *j, int obj, char *cidr, size_t n,
    struct px_err *e)
{
	int t = json_type(j, obj) == JSON_OBJECT ? json_get(j, obj, "cidr") :
	    -1;
	long len;

	cidr[0] = '\0';
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "the alias: not an object");
	if (t < 0 || json_type(j, t) != JSON_STRING)
		return px_fail(e, PXE_PARSE, "the alias: %s", t < 0 ||
		    json_is_null(j, t) ? "no cidr" : "cidr is not a string");
	len = json_strcpy(j, t, cidr, n);
	if (len < 0 || (size_t)len >= n || !pve_fw_cidr_ok(cidr)) {
		text_sanitize(cidr);
		px_fail(e, PXE_PARSE, "the alias: cidr '%s%s' is not an IP "
		    "address or network", cidr, len >= 0 && (size_t)len >= n ?
		    "..." : "");
		cidr[0] = '\0';
		return -1;
	}
	return 0;
}

int
pve_opts_parse(const struct json *j, int obj, struct pve_opt **out, int *n,
    struct px_err *e)
{
	struct pve_opt *v;
	int kt, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "options: not an object");
	v = px_xcalloc((size_t)json_len(j, obj) + 1, sizeof(*v));
	JSON_FOREACH_KV(j, obj, kt, i) {
		enum json_type t = json_type(j, kt + 1);

		if (t == JSON_OBJECT || t == JSON_ARRAY || t == JSON_NULL)
			continue;
		json_strcpy(j, kt, v[k].key, sizeof(v[k].key));
		if (t == JSON_TRUE || t == JSON_FALSE)
			snprintf(v[k].value, sizeof(v[k].value), "%d",
			    t == JSON_TRUE);
		else
			json_strcpy(j, kt + 1, v[k].value, sizeof(v[k].value));
		text_sanitize(v[k].value);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}
