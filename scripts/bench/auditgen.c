/*
 * auditgen DB KEY N -- append N believable entries to the audit log DB
 * (key file KEY) through libpx's audit_append, the way px writes them,
 * and print the append throughput.  bench.py builds a log of 1,000,000
 * entries with it (on tmpfs: each append is its own synchronous
 * transaction) and times px audit verify on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "audit.h"
#include "err.h"

int
main(int argc, char **argv)
{
	struct px_err e = { 0 };
	struct audit *a;
	struct timespec t0, t1;
	long long n;
	char target[32], upid[96];

	if (argc != 4 || (n = atoll(argv[3])) <= 0) {
		fprintf(stderr, "usage: auditgen DB KEY N\n");
		return 2;
	}
	if ((a = audit_open_at(argv[1], argv[2], &e)) == NULL) {
		fprintf(stderr, "auditgen: %s\n", e.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long long i = 0; i < n; i++) {
		struct audit_entry ent = { 0 };

		snprintf(target, sizeof(target), "vm/%lld", 100 + i % 5000);
		snprintf(upid, sizeof(upid), "UPID:pve%lld:%08llX:%08llX:"
		    "%08llX:qmstart:%lld:root@pam!px:", i % 8 + 1, i,
		    i * 7, 1700000000 + i, 100 + i % 5000);
		ent.time = 1700000000 + i;
		ent.profile = "prod";
		ent.user = "root@pam!px";
		ent.action = i % 3 ? "start" : "snapshot";
		ent.target = target;
		ent.params = i % 3 ? "" : "snapname=before-upgrade&vmstate=0";
		ent.decision = "sent";
		ent.upid = upid;
		ent.result = "OK";
		if (audit_append(a, &ent, &e) != 0) {
			fprintf(stderr, "auditgen: entry %lld: %s\n", i, e.msg);
			audit_close(a);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.0f\n", (double)n / ((double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9));
	audit_close(a);
	return 0;
}
