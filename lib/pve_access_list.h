/*
 * pve_access_list.h -- the lists of users (GET /access/users?full=1),
 * roles (/access/roles), realms (/access/domains) and metric servers
 * (/cluster/metrics/server), parsed once.  A listing prints exactly
 * what PVE sent, so every field keeps "absent" apart from ""/0/false: a
 * string is NULL, a number has its has_ flag, a boolean is -1.  Strings
 * are sanitized (every control '?', a newline or tab ' ') and at most
 * PVE_LIST_STR_MAX bytes; a list or an object where a string belongs is
 * its compact JSON (json_text).  A row that is no object is kept with
 * bad set, for the caller to report.
 */
#ifndef PX_PVE_ACCESS_LIST_H
#define PX_PVE_ACCESS_LIST_H

#include "err.h"
#include "json.h"

#define PVE_LIST_STR_MAX 8192

struct pve_user_row {
	int bad;
	char *userid, *firstname, *lastname, *email, *groups, *realm_type;
	char *comment;
	int enable;		/* -1 absent */
	long long expire;	/* 0 when absent or 0: never */
	int tokens;		/* the tokens listed; -1 when no list */
};

struct pve_role_row {
	int bad;
	char *roleid, *privs;
	int special;		/* -1 absent */
};

struct pve_realm_row {
	int bad;
	char *realm, *type, *tfa, *comment;
	int is_default;		/* "default"; -1 absent */
};

struct pve_metricserver_row {
	int bad;
	char *id, *type, *server;
	long long port;
	int has_port;
	int disable;		/* -1 absent */
};

/*
 * The array at arr into *v, *n rows (free with the matching _free).
 * PXE_PARSE when arr is no array; PXE_FAILURE when out of memory.
 */
int pve_user_rows_parse(const struct json *j, int arr,
    struct pve_user_row **v, int *n, struct px_err *e);
void pve_user_rows_free(struct pve_user_row *v, int n);
int pve_role_rows_parse(const struct json *j, int arr,
    struct pve_role_row **v, int *n, struct px_err *e);
void pve_role_rows_free(struct pve_role_row *v, int n);
int pve_realm_rows_parse(const struct json *j, int arr,
    struct pve_realm_row **v, int *n, struct px_err *e);
void pve_realm_rows_free(struct pve_realm_row *v, int n);
int pve_metricserver_rows_parse(const struct json *j, int arr,
    struct pve_metricserver_row **v, int *n, struct px_err *e);
void pve_metricserver_rows_free(struct pve_metricserver_row *v, int n);

#endif
