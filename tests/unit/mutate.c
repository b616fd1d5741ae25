/*
 * mutate.c -- the pure checks px's mutating commands and pxtop share:
 * progress in task log lines (mutate_progress_parse), as PVE writes them
 * for vzdump and migrations and as pxsim imitates them; snapshot names;
 * a precondition's Severe finding in a risk report.
 */
#include <string.h>
#include <math.h>

#include "pve_check.h"
#include "pve_progress.h"
#include "pve_snaptree.h"
#include "risk.h"
#include "tap.h"

/* The percent of one line, -1 when it tells no progress. */
static double
pct(const char *line)
{
	struct pve_progress p;

	return pve_progress_parse(line, &p) ? p.percent : -1;
}

static int
near(double a, double b)
{
	return fabs(a - b) < 0.01;
}

static void
test_vzdump(void)
{
	ok(near(pct("INFO:  45% (14.4 GiB of 32.0 GiB) in 1m 2s, read: 512.0 "
	    "MiB/s, write: 498.2 MiB/s"), 45), "vzdump: INFO:  45%% (...)");
	ok(near(pct("INFO: 100% (32.0 GiB of 32.0 GiB) in 4s, read: 8.0 GiB/s, "
	    "write: 0 B/s"), 100), "vzdump: 100%%");
	ok(near(pct("INFO: status: 45% (1.2 GiB of 2.7 GiB), duration 3, "
	    "read/write 412 MB/s"), 45), "vzdump (PBS): INFO: status: 45%%");
	ok(near(pct("INFO:   0% (0.0 B of 32.0 GiB) in 0s, read: 0 B/s, write: "
	    "0 B/s"), 0), "vzdump: 0%% is progress too");
	is_int((int)pct("INFO: Starting Backup of VM 100 (qemu)"), -1,
	    "a vzdump line without a percent");
	is_int((int)pct("INFO: Total bytes written: 8970240 (8.6MiB, "
	    "94MiB/s)"), -1, "nor tar's total (no percent)");
}

static void
test_migrate(void)
{
	struct pve_progress p;

	ok(near(pct("2024-05-01 10:00:01 migration active, transferred 1.0 "
	    "GiB of 4.0 GiB VM-state, 215.9 MiB/s"), 25), "online: "
	    "transferred A of B VM-state");
	ok(pve_progress_parse("migration active, transferred 1.0 GiB of "
	    "4.0 GiB VM-state, 215.9 MiB/s", &p) == 1 &&
	    p.transferred == 1073741824ULL && p.total == 4294967296ULL &&
	    near(p.speed, 215.9 * 1048576), "with bytes and speed");
	ok(near(pct("drive-scsi0: transferred 1.0 GiB of 32.0 GiB (3.12%) in "
	    "9s"), 3.12), "local disk mirror: the percent PVE wrote");
	ok(near(pct("2024-05-01 10:00:01 transferred 3.2 GiB of 32.0 GiB "
	    "(10.00%)"), 10), "offline disk copy: transferred A of B (10%%)");
	ok(near(pct("migration status: active (transferred 300, remaining "
	    "700), total 1000)"), 30), "older qemu-server in bytes: the share "
	    "no longer remaining");
	ok(near(pct("migration status: active (transferred 1500, remaining "
	    "100), total 1000)"), 90), "pages sent again do not push it past "
	    "what remains");
	ok(near(pct("2024-05-01 10:00:09 migration status: completed"), 100),
	    "migration status: completed is 100%%");
	ok(near(pct("migration progress: 100%"), 100), "restart mode: "
	    "migration progress: 100%%");
	is_int((int)pct("migration status: active"), -1, "a status without "
	    "numbers");
	is_int((int)pct("starting migration of VM 100 to node 'pve2' "
	    "(10.0.0.2)"), -1, "nor the first line");
}

static void
test_bounds(void)
{
	is_int((int)pct("copy 250%"), -1, "a percentage over 100 is not "
	    "progress");
	is_int((int)pct(""), -1, "an empty line");
	is_int((int)pct("%%%"), -1, "percent signs alone");
	is_int((int)pct("migration status: active (transferred 1, remaining "
	    "1), total 0)"), -1, "a total of 0 says nothing");
}

static void
test_snapname(void)
{
	ok(pve_valid_snapname("before-upgrade_2"), "a letter, then "
	    "letters, digits, - and _");
	ok(!pve_valid_snapname("") && !pve_valid_snapname("2024") &&
	    !pve_valid_snapname("a.b") && !pve_valid_snapname("a b"),
	    "not empty, a digit first, dots or spaces");
	ok(pve_valid_snapname("a234567890123456789012345678901234567890")
	    && !pve_valid_snapname("a2345678901234567890123456789012345678"
	    "901"), "at most 40 characters");
	ok(!pve_valid_snapname("current"), "not 'current'");
}

static void
test_add_severe(void)
{
	struct risk_report r;

	memset(&r, 0, sizeof(r));
	r.n = 1;
	r.worst = RISK_WARNING;
	r.f[0].level = RISK_WARNING;
	risk_add_severe(&r, "Precondition", "VM 100 is already on pve1");
	ok(r.n == 2 && r.worst == RISK_SEVERE && r.f[0].level == RISK_SEVERE &&
	    strcmp(r.f[0].check, "Precondition") == 0 &&
	    r.f[1].level == RISK_WARNING, "a precondition's Severe finding "
	    "goes first, the others stay");
	r.n = (int)(sizeof(r.f) / sizeof(r.f[0]));
	risk_add_severe(&r, "Storage", "no storage x");
	ok(r.n == (int)(sizeof(r.f) / sizeof(r.f[0])) &&
	    strcmp(r.f[0].check, "Storage") == 0, "a full report makes room "
	    "for it");
}

int
main(void)
{
	test_snapname();
	test_add_severe();
	test_vzdump();
	test_migrate();
	test_bounds();
	return done_testing();
}
