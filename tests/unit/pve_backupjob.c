/* pve_backupjob.c -- backup jobs (GET /cluster/backup) and the guests
 * a job covers (GET /cluster/backup/{id}/included_volumes) read once
 * in lib (pve_cluster.h): PVE's shapes, and hostile answers (wrong
 * types, escapes, huge values, missing fields) refused or made safe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "pve_cluster.h"
#include "tap.h"

static long dropped;
static char drop_why[256];

static void
on_drop(const char *origin, int row, const char *why)
{
	(void)origin;
	(void)row;
	snprintf(drop_why, sizeof(drop_why), "%s", why);
	dropped++;
}

static int
jobs(const char *body, struct pve_backup_job **v, int *n, struct px_err *e)
{
	struct json j;
	int rc;

	*v = NULL;
	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %s", body), -9;
	dropped = 0;
	rc = pve_backup_jobs_parse(&j, 0, v, n, e);
	json_free(&j);
	return rc;
}

static int
included(const char *body, struct pve_backup_guest **v, int *n,
    struct px_err *e)
{
	struct json j;
	int rc;

	*v = NULL;
	if (json_parse(&j, body, strlen(body), e) != 0)
		return ok(0, "the test's body parses: %s", body), -9;
	dropped = 0;
	rc = pve_backup_included_parse(&j, 0, v, n, e);
	json_free(&j);
	return rc;
}

static void
job_list(void)
{
	struct px_err e = { 0 };
	struct pve_backup_job *v;
	struct buf body = { 0 };
	int n;

	ok(jobs("[{\"id\":\"backup-1\",\"type\":\"vzdump\",\"enabled\":1,"
	    "\"schedule\":\"21:00\",\"next-run\":1733868000,\"all\":1,"
	    "\"exclude\":\"100,101\",\"storage\":\"nas\",\"mode\":\"snapshot\","
	    "\"compress\":\"zstd\",\"comment\":\"nightly\",\"notes-template\":"
	    "\"{{guestname}}\",\"prune-backups\":{\"keep-daily\":7,"
	    "\"keep-weekly\":4}}]", &v, &n, &e) == 0 && n == 1,
	    "a job as PVE 9 sends it");
	is_str(v[0].id, "backup-1", "its id");
	ok(v[0].enabled == 1 && v[0].all == 1, "enabled, all guests");
	is_str(v[0].exclude, "100,101", "the guests it leaves out");
	ok(v[0].next_run == 1733868000, "next-run as an epoch");
	is_str(v[0].mode, "snapshot", "the mode");
	is_str(v[0].compress, "zstd", "the compression");
	is_str(v[0].comment, "nightly", "the comment");
	is_str(v[0].notes_template, "{{guestname}}", "the notes template");
	is_str(v[0].prune_backups, "{\"keep-daily\":7,\"keep-weekly\":4}",
	    "the retention object as its JSON text");
	free(v);

	ok(jobs("[{\"id\":\"j\",\"prune-backups\":\"keep-last=3\","
	    "\"enabled\":\"0\",\"pool\":\"prod\"}]", &v, &n, &e) == 0 &&
	    n == 1, "older PVE: the retention as a property string");
	is_str(v[0].prune_backups, "keep-last=3", "kept as it is");
	ok(v[0].enabled == 0, "enabled \"0\" is off");
	is_str(v[0].pool, "prod", "a pool job");
	free(v);

	ok(jobs("[{\"id\":\"j\"}]", &v, &n, &e) == 0 && n == 1,
	    "a job with only its id");
	ok(v[0].enabled == 1 && v[0].next_run == 0 && v[0].mode[0] == '\0' &&
	    v[0].prune_backups[0] == '\0', "PVE's defaults: enabled, the "
	    "rest empty");
	free(v);

	ok(jobs("[{\"id\":\"j\",\"comment\":\"a\\u001b]2;owned\\u0007\\r\\n"
	    "b\",\"mode\":\"stop\\u009b1m\",\"prune-backups\":{\"keep-last\":"
	    "\"\\u001b[2J\"}}]", &v, &n, &e) == 0 && n == 1,
	    "escapes in strings");
	ok(strchr(v[0].comment, 0x1b) == NULL && strchr(v[0].comment, '\r') ==
	    NULL && strchr(v[0].comment, '\n') == NULL &&
	    strchr(v[0].comment, 0x07) == NULL, "the comment has no control "
	    "left");
	is_str(v[0].comment, "a?]2;owned?? b", "the comment: each control a "
	    "'?', LF a space");
	is_str(v[0].mode, "stop?1m", "C1 CSI in the mode: '?'");
	ok(strstr(v[0].prune_backups, "\\u001b") != NULL &&
	    strchr(v[0].prune_backups, 0x1b) == NULL, "the retention's "
	    "escape stays JSON text, never a raw ESC");
	free(v);

	buf_adds(&body, "[{\"id\":\"j\",\"comment\":\"");
	for (int i = 0; i < 3000; i++)
		buf_adds(&body, "c");
	buf_adds(&body, "\",\"prune-backups\":{\"keep-last\":\"");
	for (int i = 0; i < 900; i++)
		buf_adds(&body, "9");
	buf_adds(&body, "\"}}]");
	ok(jobs(body.p, &v, &n, &e) == 0 && n == 1, "a huge comment and "
	    "retention");
	ok(strlen(v[0].comment) == sizeof(v[0].comment) - 1, "the comment "
	    "cut to its buffer");
	is_str(v[0].prune_backups, "", "a retention too long to show whole: "
	    "none, never half an object");
	free(v);
	buf_free(&body);

	ok(jobs("[{\"id\":\"a\",\"next-run\":\"soon\"},{\"schedule\":\"x\"},"
	    "7,{\"id\":\"b\",\"next-run\":1e400},{\"id\":\"c\",\"enabled\":"
	    "[1],\"mode\":{\"x\":1},\"comment\":12}]", &v, &n, &e) == 0,
	    "wrong types");
	is_int(n, 2, "two rows kept");
	is_int(dropped, 3, "no id, not an object, a next-run out of range: "
	    "dropped and reported");
	is_str(v[0].id, "a", "next-run \"soon\" is no time ...");
	ok(v[0].next_run == 0, "... none");
	is_str(v[1].id, "c", "the row with wrong types kept");
	ok(v[1].enabled == 1 && v[1].mode[0] == '\0', "an array as enabled: "
	    "the default; an object as mode: empty");
	is_str(v[1].comment, "12", "a number as the comment: its text");
	free(v);

	ok(jobs("{\"id\":\"j\"}", &v, &n, &e) != 0 && e.id == PXE_PARSE &&
	    v == NULL, "an object is no list of jobs");
	ok(strstr(e.msg, "backup jobs") != NULL, "the error names the list: "
	    "%s", e.msg);
}

static void
guest_volumes(void)
{
	struct px_err e = { 0 };
	struct pve_backup_guest *v;
	struct buf b = { 0 };
	int n;

	ok(included("{\"children\":[{\"id\":100,\"type\":\"qemu\",\"name\":"
	    "\"web\",\"leaf\":0,\"children\":[{\"id\":\"scsi0\",\"name\":"
	    "\"local:vm-100-disk-0\",\"included\":1,\"reason\":\"default\"},"
	    "{\"id\":\"scsi1\",\"included\":0,\"reason\":\"backup=0\"},"
	    "{\"id\":\"efidisk0\",\"included\":true}]},{\"id\":\"101\","
	    "\"type\":\"lxc\",\"children\":[]}]}", &v, &n, &e) == 0 && n == 2,
	    "two guests as PVE sends them");
	ok(v[0].vmid == 100, "the first guest's VMID");
	is_str(v[0].type, "qemu", "its type");
	is_str(v[0].name, "web", "its name");
	is_str(v[0].included, "scsi0,efidisk0", "the volumes backed up");
	is_str(v[0].excluded, "scsi1", "the volume left out");
	ok(v[1].vmid == 101, "a VMID sent as a string");
	ok(v[1].name[0] == '\0' && v[1].included[0] == '\0' &&
	    v[1].excluded[0] == '\0', "a guest with no volumes");
	free(v);

	ok(included("{\"children\":[{\"id\":102,\"name\":\"a\\u001b[31mb\\n\","
	    "\"type\":\"qemu\",\"children\":[{\"id\":\"scsi0\\u001b[2J\","
	    "\"included\":1},{\"id\":\"ide,1\",\"included\":0},{\"id\":7,"
	    "\"included\":1},\"scsi2\",{\"included\":1}]}]}", &v, &n, &e) ==
	    0 && n == 1, "hostile volumes");
	is_str(v[0].name, "a?[31mb ", "the name sanitized");
	is_str(v[0].included, "?,?,?", "an escape, a number, no id: \"?\"");
	is_str(v[0].excluded, "?,?", "a comma in a key and a bare string: "
	    "\"?\", never a second volume");
	free(v);

	buf_adds(&b, "{\"children\":[{\"id\":103,\"children\":[");
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "%s{\"id\":\"unused%d\",\"included\":0}",
		    i ? "," : "", i);
	buf_adds(&b, "]}]}");
	ok(included(b.p, &v, &n, &e) == 0 && n == 1, "300 volumes");
	ok(strlen(v[0].excluded) < sizeof(v[0].excluded) &&
	    strcmp(v[0].excluded + strlen(v[0].excluded) - 4, ",...") == 0,
	    "too many to show: the list ends in \",...\"");
	ok(strncmp(v[0].excluded, "unused0,unused1,", 16) == 0, "the first "
	    "ones kept");
	free(v);
	buf_free(&b);

	ok(included("{\"children\":[{\"type\":\"qemu\"},{\"id\":\"x\"},"
	    "{\"id\":1e400},[],{\"id\":104}]}", &v, &n, &e) == 0 && n == 1 &&
	    v[0].vmid == 104, "guests with no id, a text id, a huge id, an "
	    "array: dropped");
	is_int(dropped, 4, "each one reported");
	free(v);

	ok(included("{\"children\":{\"id\":100}}", &v, &n, &e) != 0 &&
	    e.id == PXE_PARSE && v == NULL, "children an object: an error");
	ok(strstr(e.msg, "children is not an array") != NULL, "it says so: "
	    "%s", e.msg);
	ok(included("{\"leaf\":0}", &v, &n, &e) != 0 && strstr(e.msg,
	    "no children") != NULL, "no children: an error that says so");
	ok(included("[{\"id\":100}]", &v, &n, &e) != 0 && e.id == PXE_PARSE,
	    "a list is no answer object");
}

int
main(void)
{
	px_drop_set(on_drop);
	job_list();
	guest_volumes();
	px_drop_set(NULL);
	return done_testing();
}
