/* libFuzzer harness: the WebSocket frame reader and message assembler, as
 * a client reading a server (first byte odd) or a server reading a client.
 * make fuzz runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct ws_reader r;
	struct ws_event *ev;
	struct px_err e;
	size_t used;
	int code, guard = 0;

	if (n == 0)
		return 0;
	ws_reader_init(&r, data[0] & 1);
	data++;
	n--;
	while (n > 0 && guard++ < 10000) {
		if (ws_read_event(&r, data, n, &used, &ev, &code, &e) != 1)
			break;
		if (used == 0 || used > n)
			abort();
		data += used;
		n -= used;
	}
	ws_reader_free(&r);
	return 0;
}
