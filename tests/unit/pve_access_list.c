/* pve_access_list.c -- the user, role, realm and metric server lists
 * read once in lib: PVE's shape, "absent" kept apart from ""/0/false,
 * and hostile answers. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_access_list.h"
#include "tap.h"

static struct json j;

static int
parse(const char *body)
{
	struct px_err e = { 0 };

	json_free(&j);
	memset(&j, 0, sizeof(j));
	if (json_parse(&j, body, strlen(body), &e) != 0)
		return ok(0, "the test's body parses: %.80s", body), -1;
	return 0;
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_user_row *u;
	struct pve_role_row *r;
	struct pve_realm_row *m;
	struct pve_metricserver_row *s;
	static char big[20000];
	int n;

	parse("[{\"userid\":\"root@pam\",\"enable\":1,\"expire\":0,"
	    "\"firstname\":\"\",\"groups\":\"admins\",\"realm-type\":\"pam\","
	    "\"tokens\":[{\"tokenid\":\"a\"},{\"tokenid\":\"b\"}]},"
	    "{\"userid\":\"carol@pve\",\"enable\":0,\"expire\":1767225600}]");
	ok(pve_user_rows_parse(&j, 0, &u, &n, &e) == 0 && n == 2,
	    "users: PVE's answer, two rows");
	is_str(u[0].userid, "root@pam", "the user id");
	ok(u[0].enable == 1 && u[1].enable == 0, "enable 1 and 0");
	ok(u[0].firstname != NULL && u[0].firstname[0] == '\0' &&
	    u[0].lastname == NULL, "\"\" stays \"\"; absent is NULL");
	ok(u[0].tokens == 2 && u[1].tokens == -1, "two tokens; no list: -1");
	ok(u[0].expire == 0 && u[1].expire == 1767225600, "expire");
	pve_user_rows_free(u, n);

	parse("[{\"roleid\":\"NoAccess\",\"privs\":\"\",\"special\":1},"
	    "{\"roleid\":\"Mine\",\"privs\":\"VM.Audit\"},7]");
	ok(pve_role_rows_parse(&j, 0, &r, &n, &e) == 0 && n == 3,
	    "roles: three rows");
	ok(r[0].special == 1 && r[1].special == -1, "special 1; absent: -1");
	ok(!r[0].bad && !r[1].bad && r[2].bad, "a row that is no object: bad");
	is_str(r[1].privs, "VM.Audit", "the privileges");
	pve_role_rows_free(r, n);

	parse("[{\"realm\":\"pve\",\"type\":\"pve\",\"default\":1,"
	    "\"comment\":\"a\\u001b[2J\\nb\\u009b\"},{\"realm\":\"pam\","
	    "\"default\":\"maybe\",\"tfa\":[\"x\\n\",{\"k\":1}]}]");
	ok(pve_realm_rows_parse(&j, 0, &m, &n, &e) == 0 && n == 2,
	    "realms: two rows");
	ok(m[0].is_default == 1 && m[1].is_default == -1,
	    "default 1; unreadable: -1 (absent)");
	is_str(m[0].comment, "a?[2J b?", "ESC, newline, CSI: sanitized");
	is_str(m[1].tfa, "[\"x\\n\",{\"k\":1}]",
	    "a list where text belongs: compact JSON");
	ok(m[1].type == NULL, "absent type: NULL");
	pve_realm_rows_free(m, n);

	parse("[{\"id\":\"graph\",\"type\":\"graphite\",\"server\":\"10.0.0.6\","
	    "\"port\":\"2003\",\"disable\":0},{\"id\":\"x\",\"port\":null}]");
	ok(pve_metricserver_rows_parse(&j, 0, &s, &n, &e) == 0 && n == 2,
	    "metric servers: two rows");
	ok(s[0].has_port && s[0].port == 2003 && !s[1].has_port,
	    "port \"2003\" read; null: absent");
	ok(s[0].disable == 0 && s[1].disable == -1, "disable 0; absent: -1");
	pve_metricserver_rows_free(s, n);

	strcpy(big, "[{\"userid\":\"");
	memset(big + strlen(big), 'u', 10000);
	strcat(big, "\"}]");
	parse(big);
	ok(pve_user_rows_parse(&j, 0, &u, &n, &e) == 0 && n == 1 &&
	    strlen(u[0].userid) == PVE_LIST_STR_MAX, "a long string: cut at "
	    "%d bytes", PVE_LIST_STR_MAX);
	pve_user_rows_free(u, n);

	parse("{\"userid\":\"root@pam\"}");
	ok(pve_user_rows_parse(&j, 0, &u, &n, &e) != 0 && e.id == PXE_PARSE &&
	    u == NULL && n == 0, "an object is no list");
	ok(pve_role_rows_parse(&j, 0, &r, &n, &e) != 0 &&
	    pve_realm_rows_parse(&j, 0, &m, &n, &e) != 0 &&
	    pve_metricserver_rows_parse(&j, 0, &s, &n, &e) != 0,
	    "nor for the others");
	parse("[]");
	ok(pve_role_rows_parse(&j, 0, &r, &n, &e) == 0 && n == 0 && r == NULL,
	    "an empty list");
	json_free(&j);
	done_testing();
}
