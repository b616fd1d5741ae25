/* pve_acme.c -- the cluster's ACME lists (pve_acme.h). */
#include <string.h>

#include "pve_acme.h"
#include "pve_field.h"

int
pve_acme_accounts_parse(const struct json *j, int arr,
    struct pve_acme_account **out, int *n, struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_acme_account, name, "name"),
	};

	return PVE_PARSE("ACME accounts", struct pve_acme_account, f, NULL);
}

int
pve_acme_plugins_parse(const struct json *j, int arr,
    struct pve_acme_plugin **out, int *n, struct px_err *e)
{
#define P struct pve_acme_plugin
	static const struct pve_field f[] = {
		PF_STR(P, plugin, "plugin"), PF_STR(P, type, "type"),
		PF_STR(P, api, "api"),
		PF_INT(P, validation_delay, "validation-delay", -1),
		PF_STR(P, nodes, "nodes"), PF_BOOL(P, disable, "disable", -1),
	};
#undef P

	return PVE_PARSE("ACME plugins", struct pve_acme_plugin, f, NULL);
}

/* A URL that is not PVE's ^https?:// is none. */
static int
directory_url(const struct json *j, int obj, void *row)
{
	struct pve_acme_directory *d = row;

	(void)j;
	(void)obj;
	if (strncmp(d->url, "https://", 8) != 0 &&
	    strncmp(d->url, "http://", 7) != 0)
		d->url[0] = '\0';
	return 0;
}

int
pve_acme_directories_parse(const struct json *j, int arr,
    struct pve_acme_directory **out, int *n, struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_acme_directory, name, "name"),
		PF_STR(struct pve_acme_directory, url, "url"),
	};

	return PVE_PARSE("ACME directories", struct pve_acme_directory, f,
	    directory_url);
}

int
pve_acme_challenges_parse(const struct json *j, int arr,
    struct pve_acme_challenge **out, int *n, struct px_err *e)
{
#define C struct pve_acme_challenge
	static const struct pve_field f[] = {
		PF_STR(C, id, "id"), PF_STR(C, type, "type"),
		PF_STR(C, name, "name"),
	};
#undef C

	return PVE_PARSE("ACME challenge types", struct pve_acme_challenge, f,
	    NULL);
}
