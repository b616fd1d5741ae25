/*
 * libFuzzer harness: px.conf as px reads it (conf_load_file: minini, the
 * profiles' checks) and the state file of px state (st_read, then
 * st_format of what was read).  make fuzz runs both (FUZZ_TARGET picks
 * which: built twice, -DFUZZ_STATE for the second).  The input is
 * written to a memfd and read through /proc/self/fd, the way a file is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static int fd = -1;
	static char path[64];
	struct px_err e;

	if (fd < 0) {
		if ((fd = memfd_create("px-fuzz", 0)) < 0)
			abort();
		fchmod(fd, 0600);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, n, 0) != (ssize_t)n)
		abort();
#ifdef FUZZ_STATE
	{
		struct st_state st = { 0 };
		struct buf b = { 0 };

		if (st_read(&st, path, &e) == 0)
			st_format(&st, &b);
		buf_free(&b);
		st_free(&st);
	}
#else
	{
		struct px_conf c = { 0 };

		if (conf_load_file(&c, path, &e) == 0)
			for (int i = 0; i < c.nprofiles; i++)
				(void)conf_profile(&c, c.profiles[i].name,
				    c.profiles[i].kind, &e);
		conf_free(&c);
	}
#endif
	return 0;
}
