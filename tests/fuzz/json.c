/* libFuzzer harness: json_parse and every getter on what it accepts; the
 * writer's escaping on the raw bytes.  make fuzz runs it. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct json j;
	struct px_err e;
	struct buf b = { 0 };

	if (json_parse(&j, (const char *)data, n, &e) == 0) {
		for (int t = 0; t < j.ntok; t++) {
			long long i;
			uint64_t u;
			double d;
			int v;
			char *s = json_strdup(&j, t);

			free(s);
			json_int(&j, t, &i);
			json_uint(&j, t, &u);
			json_num(&j, t, &d);
			json_bool(&j, t, &v);
			json_get(&j, t, "data");
			json_skip(&j, t);
		}
		json_free(&j);
	}
	json_escape(&b, (const char *)data, n);
	buf_free(&b);
	return 0;
}
