/*
 * pve_acme.h -- the cluster's ACME lists as typed structs, parsed once
 * from PVE's answers: accounts (GET /cluster/acme/account), DNS
 * plugins (/cluster/acme/plugins), the CA directories PVE knows
 * (/cluster/acme/directories) and the DNS APIs it speaks
 * (/cluster/acme/challenge-schema).
 *
 * Strings are sanitized (no control characters) and cut to their
 * buffers on a character boundary; integers and booleans are -1 when
 * PVE left them out.  A row that is no object or has no key (the first
 * member) is dropped and reported (px_drop), one with an integer beyond
 * int too.  Each parser returns a calloc'd array with one zeroed row
 * more (free()) in *out, its length in *n, and PXE_PARSE, naming the
 * list, when arr is not an array.
 */
#ifndef PX_PVE_ACME_H
#define PX_PVE_ACME_H

#include "err.h"
#include "json.h"

struct pve_acme_account {
	char name[128];
};

struct pve_acme_plugin {
	char plugin[128];	/* pve-configid */
	char type[16];		/* dns, standalone */
	char api[64];		/* cf, aws ... */
	int validation_delay;	/* seconds */
	char nodes[512];
	int disable;
};

struct pve_acme_directory {
	char name[128];
	/* "" unless http:// or https:// (PVE's pattern): px offers it
	 * for --directory */
	char url[512];
};

struct pve_acme_challenge {
	char id[64];
	char type[16];
	char name[128];
};

int pve_acme_accounts_parse(const struct json *j, int arr,
    struct pve_acme_account **out, int *n, struct px_err *e);
int pve_acme_plugins_parse(const struct json *j, int arr,
    struct pve_acme_plugin **out, int *n, struct px_err *e);
int pve_acme_directories_parse(const struct json *j, int arr,
    struct pve_acme_directory **out, int *n, struct px_err *e);
int pve_acme_challenges_parse(const struct json *j, int arr,
    struct pve_acme_challenge **out, int *n, struct px_err *e);

#endif
