/* libFuzzer harness: the UPID parser.  make fuzz runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	struct upid u;
	struct px_err e;

	memcpy(s, data, n);
	s[n] = '\0';
	upid_parse(s, &u, &e);
	free(s);
	return 0;
}
