/* pve_feature.c -- a guest's feature answer (GET .../feature) read once
 * in lib (pve_feature_parse, pve_guest.h): PVE's shape and hostile
 * ones. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "pve_guest.h"
#include "tap.h"

static int
feature(const char *body, int *has, char *nodes, size_t n, struct px_err *e)
{
	struct json j;
	int rc;

	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %.80s", body), -9;
	rc = pve_feature_parse(&j, 0, has, nodes, n, e);
	json_free(&j);
	return rc;
}

int
main(void)
{
	struct px_err e = { 0 };
	struct buf b = { 0 };
	char nodes[128];
	int has;

	ok(feature("{\"hasFeature\":1,\"nodes\":[\"pve1\",\"pve2\"]}", &has,
	    nodes, sizeof(nodes), &e) == 0 && has == 1, "PVE's answer: yes");
	is_str(nodes, "pve1,pve2", "the nodes it can go to");
	ok(feature("{\"hasFeature\":false}", &has, nodes, sizeof(nodes), &e) ==
	    0 && has == 0 && nodes[0] == '\0', "no, and no nodes");
	ok(feature("{\"hasFeature\":\"1\",\"nodes\":\"pve1\"}", &has, nodes,
	    sizeof(nodes), &e) == 0 && has == 1 && nodes[0] == '\0',
	    "\"1\" is yes; nodes a string, not a list: none");
	ok(feature("{\"nodes\":[\"pve1\"]}", &has, nodes, sizeof(nodes), &e) !=
	    0 && e.id == PXE_PARSE && strstr(e.msg, "no hasFeature") != NULL &&
	    has == 0, "no hasFeature: an error, never \"yes\"");
	ok(feature("{\"hasFeature\":[1]}", &has, nodes, sizeof(nodes), &e) !=
	    0 && has == 0, "hasFeature an array: an error");
	ok(feature("{\"hasFeature\":\"maybe\"}", &has, nodes, sizeof(nodes),
	    &e) != 0, "hasFeature \"maybe\": an error");
	ok(feature("[true]", &has, nodes, sizeof(nodes), &e) != 0 && e.id ==
	    PXE_PARSE, "a list is no answer");
	ok(feature("{\"hasFeature\":1,\"nodes\":[\"pve1\\u001b[2J\",\"a,b\","
	    "\"-x\",7,null,{\"n\":1},\"pve3\"]}", &has, nodes, sizeof(nodes),
	    &e) == 0, "hostile nodes parse");
	is_str(nodes, "pve3", "an escape, a comma, a leading '-', a number, "
	    "null, an object: none of them a node, left out");
	buf_adds(&b, "{\"hasFeature\":1,\"nodes\":[");
	for (int i = 0; i < 50; i++)
		buf_printf(&b, "%s\"node%02d\"", i ? "," : "", i);
	buf_adds(&b, "]}");
	ok(feature(b.p, &has, nodes, sizeof(nodes), &e) == 0, "50 nodes");
	ok(strlen(nodes) < sizeof(nodes) && strcmp(nodes + strlen(nodes) - 4,
	    ",...") == 0 && strncmp(nodes, "node00,node01,", 14) == 0,
	    "too many to show: the first, then \",...\"");
	buf_free(&b);
	return done_testing();
}
