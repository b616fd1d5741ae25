/*
 * hitl_policy.c -- the [policy NAME] sections of px.conf: which changes
 * need a human's approval (action, vmid, tag, pool), how long to wait,
 * sync or async, and who may answer from pxtop (local_approver).  Read
 * and checked here; asking and waiting are in hitl.c.  Nothing prints.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hitl.h"
#include "hitl_impl.h"

static const char *const policy_keys[] = {
	"action", "vmid", "tag", "pool", "timeout", "mode", "local_approver",
	NULL
};

/* ---- policies ---- */

/* The next item of a comma list: its trimmed text in *item, *n; *s moves
 * past it.  Empty items are skipped.  0 at the end of the list. */
static int
list_next(const char **s, const char **item, size_t *n)
{
	const char *p = *s, *end;

	while (*p == ',' || isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return 0;
	end = p + strcspn(p, ",");
	*s = end;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*item = p;
	*n = (size_t)(end - p);
	return 1;
}

/* Whether word is in the comma list (or the list holds "*"). */
static int
word_in(const char *list, const char *word, int nocase)
{
	const char *item;
	size_t n;

	if (word == NULL)
		word = "";
	while (list_next(&list, &item, &n)) {
		if (n == 1 && item[0] == '*')
			return 1;
		if (n == strlen(word) && (nocase ? strncasecmp(item, word, n) :
		    strncmp(item, word, n)) == 0)
			return 1;
	}
	return 0;
}

/* Parse a VMID list item, "100" or "100-199"; -1 if malformed. */
static int
vmid_range(const char *item, size_t n, long *lo, long *hi)
{
	char buf[32], *end, *dash;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, item, n);
	buf[n] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return -1;
	*lo = strtol(buf, &end, 10);
	if (*end == '\0') {
		*hi = *lo;
		return 0;
	}
	dash = end;
	if (*dash != '-' || !isdigit((unsigned char)dash[1]))
		return -1;
	*hi = strtol(dash + 1, &end, 10);
	return *end == '\0' && *lo <= *hi ? 0 : -1;
}

/* 1 when vmid is in the list, 0 when not, -1 when the list is malformed
 * (hitl_policy then treats the policy as matching: see there). */
static int
vmid_in(const char *list, int vmid)
{
	const char *item;
	size_t n;
	long lo, hi;
	int found = 0;

	while (list_next(&list, &item, &n)) {
		if (n == 1 && item[0] == '*')
			found = 1;
		else if (vmid_range(item, n, &lo, &hi) != 0)
			return -1;
		else if (vmid > 0 && vmid >= lo && vmid <= hi)
			found = 1;
	}
	return found;
}

/* Whether one of the guest's tags (PVE separates them by ';', older
 * versions and users also by ',' or spaces) is in the list. */
static int
tags_in(const char *list, const char *tags)
{
	const char *p = tags;
	char tag[256];
	size_t n;

	if (p == NULL)
		return 0;
	while (*p) {
		p += strspn(p, ";, \t");
		n = strcspn(p, ";, \t");
		if (n > 0 && n < sizeof(tag)) {
			memcpy(tag, p, n);
			tag[n] = '\0';
			if (word_in(list, tag, 1))
				return 1;
		}
		p += n;
	}
	return 0;
}

/* Whether section sec (a [policy NAME]) has a key px does not know. */
static const char *
policy_unknown_key(const struct px_conf *c, const char *sec)
{
	for (size_t i = 0; i < c->nkv; i++) {
		size_t k;

		if (strcmp(c->kv[i].section, sec) != 0)
			continue;
		for (k = 0; policy_keys[k]; k++)
			if (strcmp(c->kv[i].key, policy_keys[k]) == 0)
				break;
		if (policy_keys[k] == NULL)
			return c->kv[i].key;
	}
	return NULL;
}

/*
 * Whether the policy in section sec asks for approval of r.  A key that is
 * absent does not restrict.  A policy that cannot be read (an unknown
 * key, a malformed VMID list) matches: approval is then asked for, and
 * hitl_approve refuses with the configuration error, rather than letting
 * a typo wave a mutation through.
 */
static int
policy_matches(const struct px_conf *c, const char *sec,
    const struct hitl_request *r)
{
	const char *v;

	if (policy_unknown_key(c, sec) != NULL)
		return 1;
	if ((v = conf_get(c, sec, "vmid")) != NULL) {
		switch (vmid_in(v, r->vmid)) {
		case -1:
			return 1;	/* unreadable: ask */
		case 0:
			return 0;
		}
	}
	if ((v = conf_get(c, sec, "action")) != NULL &&
	    !word_in(v, r->action, 1))
		return 0;
	if ((v = conf_get(c, sec, "tag")) != NULL && !tags_in(v, r->tags))
		return 0;
	if ((v = conf_get(c, sec, "pool")) != NULL &&
	    (r->pool == NULL || !word_in(v, r->pool, 0)))
		return 0;
	return 1;
}

const char *
hitl_policy(const struct px_conf *c, const struct hitl_request *r)
{
	/* Sections in the order they first appear in the file. */
	for (size_t i = 0; i < c->nkv; i++) {
		const char *sec = c->kv[i].section;
		size_t k;

		if (strncmp(sec, "policy ", 7) != 0 || sec[7] == '\0')
			continue;
		for (k = 0; k < i; k++)
			if (strcmp(c->kv[k].section, sec) == 0)
				break;
		if (k < i)
			continue;	/* seen already */
		if (policy_matches(c, sec, r))
			return sec + 7;
	}
	return NULL;
}

long
hitl_timeout(const struct px_conf *c, const char *policy, struct px_err *e)
{
	char sec[256], *end;
	const char *v;
	long t;

	snprintf(sec, sizeof(sec), "policy %s", policy);
	if ((v = conf_get(c, sec, "timeout")) == NULL)
		return TIMEOUT_DEFAULT;
	errno = 0;
	t = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || t < 1 || t > TIMEOUT_MAX) {
		px_fail(e, PXE_CONFIG, "%s: [%s] timeout: \"%s\" is not a "
		    "number of seconds from 1 to %d", c->path, sec, v,
		    TIMEOUT_MAX);
		px_hint(e, "see px.conf(5) for the keys and their values");
		return -1;
	}
	return t;
}

int
hitl_policy_async(const struct px_conf *c, const char *policy,
    struct px_err *e)
{
	char sec[256];
	const char *v;

	snprintf(sec, sizeof(sec), "policy %s", policy);
	if ((v = conf_get(c, sec, "mode")) == NULL || strcmp(v, "sync") == 0)
		return 0;
	if (strcmp(v, "async") == 0)
		return 1;
	px_fail(e, PXE_CONFIG, "%s: [%s] mode: \"%s\" is not sync or async",
	    c->path, sec, v);
	px_hint(e, "see px.conf(5) for the keys and their values");
	return -1;
}

/* A Unix user name as useradd(8) takes it: [a-z_][a-z0-9_-]*, at most
 * 32 bytes. */
static int
user_name_ok(const char *p, size_t n)
{
	if (n == 0 || n > 32 || !(islower((unsigned char)p[0]) ||
	    p[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!islower((unsigned char)p[i]) &&
		    !isdigit((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-')
			return 0;
	return 1;
}

int
hitl_local_approver(const struct px_conf *c, const char *policy,
    const char *user, struct px_err *e)
{
	char sec[256];
	const char *v, *item;
	size_t n;
	int found = 0, any = 0;

	snprintf(sec, sizeof(sec), "policy %s", policy);
	if ((v = conf_get(c, sec, "local_approver")) == NULL)
		return 0;
	while (list_next(&v, &item, &n)) {
		/* items may be separated by blanks too */
		while (n > 0) {
			size_t w = strcspn(item, " \t");

			if (w > n)
				w = n;
			if (!user_name_ok(item, w)) {
				px_fail(e, PXE_CONFIG, "%s: [%s] local_approver: "
				    "\"%.*s\" is not a Unix user name", c->path,
				    sec, (int)(w > 64 ? 64 : w), item);
				px_hint(e, "a comma list of user names "
				    "(alice, bob); see px.conf(5)");
				return -1;
			}
			any = 1;
			found |= user != NULL && strlen(user) == w &&
			    strncmp(item, user, w) == 0;
			item += w;
			n -= w;
			while (n > 0 && (*item == ' ' || *item == '\t')) {
				item++;
				n--;
			}
		}
	}
	if (!any) {
		px_fail(e, PXE_CONFIG, "%s: [%s] local_approver: empty; name "
		    "the users or leave the key out", c->path, sec);
		px_hint(e, "see px.conf(5)");
		return -1;
	}
	return found;
}

/* Check that a policy can be read: known keys, a valid VMID list. */
int
hitl_policy_check(const struct px_conf *c, const char *policy,
    struct px_err *e)
{
	char sec[256];
	const char *v;

	snprintf(sec, sizeof(sec), "policy %s", policy);
	if ((v = policy_unknown_key(c, sec)) != NULL) {
		px_fail(e, PXE_CONFIG, "%s: [%s] %s: unknown key; refusing the "
		    "mutation rather than guessing what the policy means",
		    c->path, sec, v);
		px_hint(e, "a policy has action, vmid, tag, pool, timeout and "
		    "mode; see px.conf(5)");
		return -1;
	}
	if (hitl_policy_async(c, policy, e) < 0)
		return -1;
	if (hitl_local_approver(c, policy, "", e) < 0)
		return -1;
	if ((v = conf_get(c, sec, "vmid")) != NULL && vmid_in(v, 0) == -1) {
		px_fail(e, PXE_CONFIG, "%s: [%s] vmid: \"%s\" is not a list of "
		    "VMIDs and ranges (100,200-299)", c->path, sec, v);
		px_hint(e, "see px.conf(5) for the keys and their values");
		return -1;
	}
	return hitl_timeout(c, policy, e) < 0 ? -1 : 0;
}
