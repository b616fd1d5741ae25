/*
 * tools.h -- what the tools of px mcp share (tools.c, admin.c): the
 * registry's entry, the pieces of the schemas, the arguments read after
 * the schema check, and the one way a change runs (through the gate, as
 * from the command line).  Internal to cmd/mcp.
 */
#ifndef PX_MCP_TOOLS_H
#define PX_MCP_TOOLS_H

#include "mcp.h"
#include "pve_guest.h"

enum { RO = 1, DESTRUCTIVE = 2, IDEMPOTENT = 4 };

/* Fill the request of a change on guest g (one target, r->t[0]). */
typedef int (*mt_guest_op)(struct mcp_call *k, struct gate_req *r,
    const struct pve_guest *g, struct px_err *e);

/*
 * One tool.  Either run answers it, or (run NULL) it is a change on the
 * guest named by its vmid argument: op fills the request, action is the
 * gate's (and op reads it: k->tool->action).
 */
struct tool {
	const char *name;
	const char *title;
	const char *description;
	const char *input;	/* JSON Schema of the arguments */
	const char *output;	/* JSON Schema of structuredContent */
	int flags;
	int (*run)(struct mcp_call *k, struct px_err *e);
	mt_guest_op op;
	const char *action;
};

/* The administration tools (admin.c), after tools.c's. */
extern const struct tool mcp_admin_tools[];
extern const size_t mcp_admin_ntools;


#define S_VMID "\"vmid\":{\"type\":\"integer\",\"minimum\":100," \
	"\"maximum\":999999999,\"description\":\"the guest's VMID\"}"
#define S_NODE(what) "\"node\":{\"type\":\"string\",\"maxLength\":63," \
	"\"description\":\"" what "\"}"
#define S_SNAP "\"name\":{\"type\":\"string\",\"minLength\":2," \
	"\"maxLength\":40,\"description\":\"the snapshot's name: a letter, " \
	"then letters, digits, - or _\"}"
#define S_GATE ",\"dry_run\":{\"type\":\"boolean\",\"description\":\"say " \
	"what would be sent and send nothing\"},\"allow_risk\":{\"type\":" \
	"\"boolean\",\"description\":\"go ahead despite a severe pre-flight " \
	"finding; only honoured when the profile's [mcp] allow_risk is " \
	"yes\"},\"wait\":{\"type\":\"boolean\",\"description\":\"follow the " \
	"task to its end (default true); false returns its UPID at " \
	"once\"},\"timeout\":{\"type\":\"integer\",\"minimum\":1,\"maximum\"" \
	":86400,\"description\":\"seconds to follow the task (default " \
	"600)\"}"
#define IN(props, req) "{\"type\":\"object\",\"properties\":{" props "}," \
	"\"required\":[" req "],\"additionalProperties\":false}"
#define OUT_LIST(key, item) "{\"type\":\"object\",\"properties\":{\"" key \
	"\":{\"type\":\"array\",\"items\":" item "}},\"required\":[\"" key \
	"\"]}"
#define OBJ(props, req) "{\"type\":\"object\",\"properties\":{" props "}," \
	"\"required\":[" req "]}"
#define T_STR "{\"type\":\"string\"}"
#define T_INT "{\"type\":\"integer\"}"
#define T_NUM "{\"type\":\"number\"}"
#define T_BOOL "{\"type\":\"boolean\"}"

#define GUEST_ITEM OBJ("\"vmid\":" T_INT ",\"name\":" T_STR ",\"node\":" \
	T_STR ",\"type\":{\"enum\":[\"qemu\",\"lxc\"]},\"status\":" T_STR \
	",\"cpu\":" T_NUM ",\"maxcpu\":" T_NUM ",\"mem\":" T_INT ",\"maxmem\":" \
	T_INT ",\"disk\":" T_INT ",\"maxdisk\":" T_INT ",\"uptime\":" T_INT \
	",\"tags\":{\"type\":\"array\",\"items\":" T_STR "},\"pool\":" T_STR \
	",\"lock\":" T_STR ",\"hastate\":" T_STR ",\"template\":" T_BOOL, \
	"\"vmid\",\"name\",\"node\",\"type\",\"status\"")
#define ROW_ITEM OBJ("\"vmid\":" T_INT ",\"name\":" T_STR ",\"node\":" T_STR \
	",\"action\":" T_STR ",\"result\":{\"enum\":[\"ok\",\"failed\"," \
	"\"refused\",\"skipped\",\"submitted\",\"dry-run\",\"unknown\"]}," \
	"\"upid\":" T_STR ",\"message\":" T_STR, "\"action\",\"result\"")
#define OUT_CHANGE OBJ("\"ok\":" T_BOOL ",\"summary\":" T_STR \
	",\"approved_by\":" T_STR ",\"rows\":{\"type\":\"array\",\"items\":" \
	ROW_ITEM "}", "\"ok\",\"summary\",\"rows\"")

/* patterns (POSIX extended, which JSON Schema's ECMA-262 reads alike) */
#define P_NODE "^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
#define P_POOL "^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+){0,2}$"
#define P_FWNAME "^[A-Za-z][A-Za-z0-9_-]{1,63}$"
#define P_CIDR "^[0-9a-fA-F.:]+(/[0-9]{1,3})?$"
#define P_TAG "^[a-zA-Z0-9_][a-zA-Z0-9_+.-]{0,63}$"
#define P_STORAGE "^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$"

/* ---- arguments (after the schema check) ---- */

long long mt_int(const struct mcp_call *k, const char *key, long long def);
int mt_bool(const struct mcp_call *k, const char *key, int def);
/* The string argument key into out ("" when absent). */
void mt_str(const struct mcp_call *k, const char *key, char *out, size_t n);

/* What a name argument must be. */
enum mt_kind {
	MT_NODE, MT_STORAGE, MT_POOL, MT_FWNAME, MT_CIDR, MT_TAG,
	MT_OPTIONAL = 0x100,	/* or absent ("") */
};
/* The string argument key into out, checked as kind: 0, or -1 with e
 * (PXE_USAGE, "key: not a node name") -- the check the command line
 * makes of the same operand, after the schema's. */
int mt_name(const struct mcp_call *k, const char *key, int kind, char *out,
    size_t n, struct px_err *e);
/* Whether s is a name of kind. */
int mt_valid(int kind, const char *s);

/* ---- the cluster ---- */

/* The profile's client, connected on first use. */
struct px_client *mt_client(struct mcp_call *k, struct px_err *e);
/* The guest named by the vmid argument. */
int mt_guest(struct mcp_call *k, struct pve_guest *g, struct px_err *e);

/*
 * Run r through the gate as the command line does with -y (the call is
 * the agent's confirmation; a [policy] is the human's) and write the
 * result (OUT_CHANGE) to k->w.  Refusals and failures return -1 with e:
 * the caller reports them with isError, and the rows are in
 * structuredContent all the same.
 */
int mt_change(struct mcp_call *k, struct gate_req *r, struct px_err *e);

#endif
