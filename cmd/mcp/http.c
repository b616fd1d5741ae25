/* http.c -- the Streamable HTTP transport of px mcp (mcp.h). */
#include "mcp.h"

int
mcp_http_serve(struct mcp_server *srv, const struct mcp_http_opts *o,
    struct px_err *e)
{
	(void)srv;
	(void)o;
	return px_fail(e, PXE_USAGE, "--http: not available yet");
}
