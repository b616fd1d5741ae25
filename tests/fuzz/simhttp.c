/*
 * libFuzzer harness: pxsim's request reader (cmd/sim/http/parse.c), the
 * bytes a client sends on one connection: requests parsed one after the
 * other as the server loop does, each then decoded (target, query, form
 * or JSON body).  make fuzz runs it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/sim/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct buf in = { 0 };
	struct sim_req rq;
	int keepalive, r;

	buf_add(&in, data, n);
	while ((r = sim_request_parse(&in, &rq, &keepalive)) == 1 || r == 2) {
		/* 2: an upload, whose body the server spools to a file */
		(void)sim_request_decode(&rq);
		sim_req_free(&rq);
		if (r == 2)
			break;
	}
	buf_free(&in);
	return 0;
}
