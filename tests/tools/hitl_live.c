/*
 * hitl_live.c -- drive hitl_approve against a Telegram Bot API (pxsim
 * --telegram) for tests/cli/hitl.t:
 *
 *     hitl_live ACTION [VMID [SUMMARY]]
 *
 * reads px.conf ($PX_CONFIG), finds the [policy] that asks for approval
 * of ACTION on VMID, asks, and prints "approved by WHO, policy NAME"
 * (exit 0), or the error as px would (exit 9 denied or timed out, 3 for
 * an unsafe secret file...).  "no policy" and exit 0 when none asks.
 *
 * make builds it as build/tools/hitl_live; it is a tool for the .t, not a
 * test of its own.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "hitl.h"

int
main(int argc, char **argv)
{
	struct px_conf c;
	struct px_err e;
	struct hitl_request r = { 0 };
	const char *policy;
	char who[256];

	if (argc < 2) {
		fprintf(stderr, "usage: hitl_live action [vmid [summary]]\n");
		return 2;
	}
	px_progname = "hitl_live";
	if (conf_load(&c, &e) != 0)
		return px_report(&e);
	r.profile = "sim";
	r.action = argv[1];
	r.vmid = argc > 2 ? atoi(argv[2]) : 0;
	r.summary = argc > 3 ? argv[3] : "a test request";
	if ((policy = hitl_policy(&c, &r)) == NULL) {
		printf("no policy\n");
		conf_free(&c);
		return 0;
	}
	if (hitl_approve(&c, policy, &r, who, sizeof(who), &e) != 0) {
		conf_free(&c);
		return px_report(&e);
	}
	printf("approved by %s, policy %s\n", who, policy);
	conf_free(&c);
	return 0;
}
