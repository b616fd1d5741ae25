/* pve_cluster_join.c -- corosync's nodes (GET /cluster/config/nodes)
 * and the join information (GET /cluster/config/join) read once in lib
 * (pve_cluster.h): PVE's shapes, and hostile answers (wrong types,
 * escapes, a fingerprint that is none, missing fields). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_cluster.h"
#include "tap.h"

#define FP1 "11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20:21:22:23:24:" \
	"25:26:27:28:29:2A:2B:2C:2D:2E:2F:30"

static long dropped;

static void
on_drop(const char *origin, int row, const char *why)
{
	(void)origin;
	(void)row;
	(void)why;
	dropped++;
}

static int
join(const char *body, struct pve_join_node **v, int *n, struct px_err *e)
{
	struct json j;
	int rc;

	*v = NULL;
	dropped = 0;
	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %s", body), -9;
	rc = pve_cluster_join_parse(&j, 0, v, n, e);
	json_free(&j);
	return rc;
}

static int
cfg_nodes(const char *body, struct pve_cfg_node **v, int *n,
    struct px_err *e)
{
	struct json j;
	int rc;

	*v = NULL;
	dropped = 0;
	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %s", body), -9;
	rc = pve_cfg_nodes_parse(&j, 0, v, n, e);
	json_free(&j);
	return rc;
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_join_node *v;
	struct pve_cfg_node *c;
	int n;

	px_drop_set(on_drop);

	ok(join("{\"config_digest\":\"ab\",\"preferred_node\":\"pve1\","
	    "\"totem\":{},\"nodelist\":[{\"name\":\"pve1\",\"nodeid\":\"1\","
	    "\"pve_addr\":\"10.0.0.11\",\"ring0_addr\":\"10.0.0.11\","
	    "\"quorum_votes\":1,\"pve_fp\":\"" FP1 "\"},{\"name\":\"pve2\","
	    "\"pve_addr\":\"fd00::12\",\"ring0_addr\":\"10.1.0.12,priority="
	    "10\",\"quorum_votes\":\"0\",\"pve_fp\":\"" FP1 "\"}]}", &v, &n,
	    &e) == 0 && n == 2, "join information as PVE sends it");
	is_str(v[0].name, "pve1", "the first node");
	is_int(v[0].nodeid, 1, "its node id, sent as a string");
	is_str(v[0].pve_addr, "10.0.0.11", "its address");
	is_int(v[0].quorum_votes, 1, "its votes");
	is_str(v[0].pve_fp, FP1, "its fingerprint");
	is_int(v[1].nodeid, 0, "a node id left out: 0");
	is_int(v[1].quorum_votes, 0, "zero votes is not absent");
	is_str(v[1].ring0_addr, "10.1.0.12,priority=10", "a link with its "
	    "priority");
	free(v);

	ok(join("{\"nodelist\":[{\"name\":\"p\\u001b[2Jx\",\"pve_fp\":"
	    "\"AA:\\u001b]0;x\"},{\"name\":\"q\",\"pve_fp\":\"" FP1 "\\n\"},"
	    "{\"name\":\"r\",\"pve_fp\":\"" FP1 ":00\"},{\"name\":\"s\","
	    "\"pve_fp\":\"gg:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20:21:"
	    "22:23:24:25:26:27:28:29:2A:2B:2C:2D:2E:2F:30\"},{\"name\":\"t\","
	    "\"pve_fp\":[\"" FP1 "\"]}]}", &v, &n, &e) == 0 && n == 5,
	    "hostile names and fingerprints parse");
	is_str(v[0].name, "p?[2Jx", "ESC in a name: '?'");
	is_str(v[0].pve_fp, "", "a fingerprint with an escape: none");
	is_str(v[1].pve_fp, "", "one with a newline after it: none");
	is_str(v[2].pve_fp, "", "one a pair too long: none");
	is_str(v[3].pve_fp, "", "one that is not hex: none");
	is_str(v[4].pve_fp, "", "one in an array: none");
	free(v);

	ok(join("{\"nodelist\":[{\"nodeid\":1},7,{\"name\":\"a\",\"nodeid\":"
	    "1e400},{\"name\":\"b\",\"nodeid\":99999999999,\"quorum_votes\":"
	    "\"many\"},{\"name\":\"c\",\"nodeid\":[1]}]}", &v, &n, &e) == 0,
	    "wrong types parse");
	is_int(n, 1, "one node kept");
	is_int(dropped, 4, "no name, a number, a node id 1e400 or beyond int: "
	    "dropped and reported, never shown wrong");
	is_str(v[0].name, "c", "an array as node id ...");
	is_int(v[0].nodeid, 0, "... not shown");
	is_int(v[0].quorum_votes, -1, "votes \"many\": not shown");
	free(v);

	ok(join("{\"config_digest\":\"ab\"}", &v, &n, &e) != 0 && e.id ==
	    PXE_PARSE && v == NULL, "no nodelist: an error");
	ok(strstr(e.msg, "no nodelist") != NULL, "it says so: %s", e.msg);
	ok(join("{\"nodelist\":{\"name\":\"pve1\"}}", &v, &n, &e) != 0 &&
	    strstr(e.msg, "nodelist is not an array") != NULL, "a nodelist "
	    "object: an error that says so");
	ok(join("[{\"name\":\"pve1\"}]", &v, &n, &e) != 0 && e.id ==
	    PXE_PARSE, "a list is no join information");

	ok(cfg_nodes("[{\"node\":\"pve1\"},{\"node\":\"pve2\\u009b31m\"},"
	    "{\"name\":\"pve3\"},\"pve4\"]", &c, &n, &e) == 0 && n == 2,
	    "corosync's nodes");
	is_str(c[0].node, "pve1", "the first");
	is_str(c[1].node, "pve2?31m", "C1 CSI in a name: '?'");
	is_int(dropped, 2, "no node, a bare string: dropped and reported");
	free(c);
	ok(cfg_nodes("{\"node\":\"pve1\"}", &c, &n, &e) != 0 && e.id ==
	    PXE_PARSE && strstr(e.msg, "corosync nodes") != NULL,
	    "an object is no list: %s", e.msg);

	px_drop_set(NULL);
	return done_testing();
}
