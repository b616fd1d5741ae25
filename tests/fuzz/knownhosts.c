/* libFuzzer harness: px's known_hosts reader (ssh_kh_scan), on the text
 * as given, looking up a name taken from the input's first line, then a
 * fixed one; a found key's fingerprint is computed as px would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void
look(const uint8_t *data, size_t n, const char *name)
{
	FILE *f = fmemopen((void *)data, n, "r");
	struct ssh_kh_entry k = { 0 };
	struct px_err e = { 0 };
	char fp[64];

	if (f == NULL)
		return;
	if (ssh_kh_scan(f, "fuzz", name, &k, &e) == 1)
		ssh_fingerprint(fp, k.blob.p, k.blob.len);
	fclose(f);
	buf_free(&k.blob);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const uint8_t *nl;
	char name[300];
	size_t len;

	if (n == 0)
		return 0;
	nl = memchr(data, '\n', n);
	len = nl ? (size_t)(nl - data) : n;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, data, len);
	name[len] = '\0';
	look(data, n, name);
	look(data, n, "[10.0.0.1]:2222");
	return 0;
}
