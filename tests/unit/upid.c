/* upid.c -- UPID parsing, PVE and PBS forms. */
#include "tap.h"
#include "upid.h"

int
main(void)
{
	struct upid u;
	struct px_err e;

	ok(upid_parse("UPID:pve1:000ABCDE:0123ABCD:6549F1A2:qmstart:100:root@pam:",
	    &u, &e) == 0, "a PVE UPID parses");
	is_str(u.node, "pve1", "node");
	is_int(u.pid, 0xABCDE, "pid is hex");
	is_int(u.pstart, 0x0123ABCD, "pstart is hex");
	is_int(u.starttime, 0x6549F1A2, "starttime is hex");
	is_str(u.type, "qmstart", "type");
	is_str(u.id, "100", "id");
	is_str(u.user, "root@pam", "user");
	is_int(u.pbs, 0, "not PBS");

	ok(upid_parse("UPID:pve2:00001234:00005678:6549F1A2:aptupdate::root@pam!px:",
	    &u, &e) == 0, "an empty id and a token user parse");
	is_str(u.id, "", "empty id");
	is_str(u.user, "root@pam!px", "token user");

	ok(upid_parse("UPID:pbs:000003E8:0000AB12:00000002:6549F1A2:backup:"
	    "store1\\x3avm-100:root@pam:", &u, &e) == 0, "a PBS UPID parses");
	is_int(u.pbs, 1, "PBS form recognised");
	is_int(u.taskid, 2, "task id");
	is_str(u.id, "store1:vm-100", "systemd escapes decoded");

	static const char *bad[] = {
		"", "UPID", "UPID:", "UPID:pve1:", "upid:pve1:1:2:3:t:i:u:",
		"UPID:pve1:XYZ:2:3:qmstart:100:root@pam:",
		"UPID:pve1:1:2:3:qmstart:100:root@pam",	/* no trailing colon */
		"UPID:pve1:1:2:3:qmstart:100::",	/* no user */
		"UPID::1:2:3:qmstart:100:root@pam:",	/* no node */
		"UPID:pve1:1:2:3::100:root@pam:",	/* no type */
		"UPID:pve1:1:2:3:qmstart:100:root@pam:extra:more:x:",
		"UPID:pve1:11111111111111111:2:3:qmstart:100:root@pam:",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = upid_parse(bad[i], &u, &e);

		ok(rc == -1 && e.id == PXE_USAGE, "rejects \"%s\"", bad[i]);
	}
	ok(upid_parse(NULL, &u, &e) == -1, "rejects NULL");
	return done_testing();
}
