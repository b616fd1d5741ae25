/* err.c -- the error table and exit codes. */
#include <string.h>

#include "err.h"
#include "tap.h"

int
main(void)
{
	struct px_err e = { 0 };
	int seen[PXE_NERR] = { 0 };

	is_int(px_nerrtab, PXE_NERR, "every error id has a table entry");
	for (size_t i = 0; i < px_nerrtab; i++) {
		const struct px_errinfo *ei = &px_errtab[i];

		ok(ei->id < PXE_NERR && !seen[ei->id]++, "%s: id once", ei->name);
		ok(ei->exit >= 0 && ei->exit <= PX_EXIT_UNKNOWN, "%s: exit status in 0..11",
		    ei->name);
		ok(px_errinfo_byname(ei->name) == ei, "%s: found by name",
		    ei->name);
		ok(ei->id == PXE_OK || (strlen(ei->title) > 0 &&
		    strlen(ei->causes) > 0 && strlen(ei->action) > 0),
		    "%s: has title, causes and action", ei->name);
	}
	for (int code = 0; code <= PX_EXIT_UNKNOWN; code++) {
		int any = 0;

		for (size_t i = 0; i < px_nerrtab; i++)
			any |= px_errtab[i].exit == code;
		ok(any, "exit status %d is explained", code);
	}
	ok(px_fail(&e, PXE_NOT_FOUND, "VM %d", 999) == -1, "px_fail returns -1");
	is_str(e.msg, "VM 999", "message formatted");
	is_int(px_exit_code(&e), 5, "not-found exits 5");
	px_hint(&e, "try %s", "px ls");
	is_str(e.hint, "try px ls", "hint formatted");
	px_wrap(&e, "GET %s", "/x");
	is_str(e.msg, "GET /x: VM 999", "context prefixed");
	px_fail(&e, PXE_TLS_MISMATCH, "x");
	is_int(px_exit_code(&e), 10, "tls mismatch exits 10");
	is_str(e.hint, "", "a new failure clears the hint");
	px_err_clear(&e);
	is_int(px_exit_code(&e), 0, "cleared error exits 0");
	ok(px_errinfo_byname("nope") == NULL, "unknown names are NULL");
	return done_testing();
}
