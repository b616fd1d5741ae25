#!/bin/sh
# px mcp: the MCP server over stdio (and Streamable HTTP), driven by the
# official TypeScript SDK client (tests/tools/mcp-client.mjs) against
# pxsim, plus raw JSON-RPC over stdio for the protocol's error codes.
. "$(dirname "$0")/lib.sh"
sim_start --telegram

py() {	# py EXPR: evaluate EXPR with d = the JSON on stdin
	/usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}
pyl() {	# pyl N EXPR: EXPR on line N (1-based) of stdin as d
	/usr/bin/python3 -c "import json, sys; d = json.loads(sys.stdin.read().splitlines()[$1 - 1]); print($2)"
}
guest_status() {	# the status of guest $1 in pxsim
	sim_api GET cluster/resources | py "[g['status'] for g in d['data'] if g.get('vmid') == $1][0]"
}

# --- the registry
run px mcp tools -j
is "$rc" 0 "px mcp tools -j"
names=$(printf '%s' "$out" | py '" ".join(t["name"] for t in d)')
for t in list_nodes list_guests get_guest find_guest search list_storage \
    list_tasks get_task_log cluster_status describe_cluster list_snapshots \
    list_backups backup_coverage get_metrics upgrade_check anomalies start_guest stop_guest shutdown_guest \
    reboot_guest migrate_guest create_snapshot rollback_snapshot \
    delete_snapshot backup_guest set_guest_config; do
	case " $names " in
	*" $t "*) ok 0 "the registry has $t" ;;
	*) ok 1 "the registry has $t" ;;
	esac
done
is "$(printf '%s' "$out" | py 'all(t["annotations"]["readOnlyHint"] for t in d if t["name"].startswith(("list_", "get_")))')" True \
    "read tools carry readOnlyHint"
is "$(printf '%s' "$out" | py '[t["annotations"].get("destructiveHint") for t in d if t["name"] == "stop_guest"][0]')" True \
    "stop_guest carries destructiveHint"
is "$(printf '%s' "$out" | py 'all(t["inputSchema"]["type"] == "object" and t["outputSchema"]["type"] == "object" for t in d)')" True \
    "every tool has an input and an output schema"
sum=$(px mcp tools --checksum)
like "$sum" '^[0-9a-f]{64}$' "px mcp tools --checksum is a SHA-256"
is "$(printf '%s' "$out" | tr -d '\n' | sha256sum | cut -d' ' -f1)" "$sum" \
    "the checksum is the SHA-256 of the canonical registry (-j)"
run px mcp tools
like "$out" 'stop_guest +destructive' "px mcp tools: one line per tool"
run px mcp serve --checksum
is "$rc" 2 "serve with a tools option: usage"

# --- raw JSON-RPC over stdio
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}'
rpc() {	# rpc LINE...: initialize, then the lines; out = the answers
	out=$(printf '%s\n' "$INIT" '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$@" |
	    px mcp serve 2>"$T/stderr"); rc=$?
	err=$(cat "$T/stderr")
}
rpc '{"jsonrpc":"2.0","id":2,"method":"ping"}'
is "$rc" 0 "serve ends at the end of its input"
is "$(printf '%s\n' "$out" | pyl 1 'd["result"]["protocolVersion"]')" 2025-06-18 \
    "initialize answers with the client's revision"
is "$(printf '%s\n' "$out" | pyl 2 'd')" "{'jsonrpc': '2.0', 'id': 2, 'result': {}}" "ping"
out=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"old"}}}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' | px mcp serve)
is "$(printf '%s\n' "$out" | pyl 1 'd["result"]["protocolVersion"]')" 2025-03-26 \
    "2025-03-26 is spoken"
is "$(printf '%s\n' "$out" | pyl 2 '"outputSchema" in d["result"]["tools"][0]')" False \
    "and gets no outputSchema, which came later"
out=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"x"}}}' | px mcp serve)
is "$(printf '%s\n' "$out" | pyl 1 'd["result"]["protocolVersion"]')" 2025-11-25 \
    "an unknown revision is answered with the newest"
out=$(printf '%s\n' '{"jsonrpc":"2.0","id":7,"method":"tools/list"}' | px mcp serve)
is "$(printf '%s\n' "$out" | pyl 1 'd["error"]["code"]')" -32600 "tools/list before initialize: invalid request"
rpc '{"jsonrpc":"2.0","id":2,"method":"tools/list"' 'not json at all'
is "$(printf '%s\n' "$out" | pyl 2 'd["error"]["code"], d["id"]')" "-32700 None" "truncated JSON: parse error, id null"
is "$(printf '%s\n' "$out" | pyl 3 'd["error"]["code"]')" -32700 "garbage: parse error"
rpc '{"jsonrpc":"1.0","id":3,"method":"ping"}' '{"id":4,"method":"ping"}' \
    '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}' '{"jsonrpc":"2.0","id":1.5,"method":"ping"}' \
    '[{"jsonrpc":"2.0","id":5,"method":"ping"}]' '{"jsonrpc":"2.0","id":6,"method":"ping","extra":1}' \
    '{"jsonrpc":"2.0","id":7,"method":42}'
is "$(printf '%s\n' "$out" | sed 1d | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["error"]["code"]) for l in sys.stdin))')" \
    "-32600 -32600 -32600 -32600 -32600 -32600 -32600" \
    "wrong version, no version, object id, fractional id, batch, extra member, method not a string: invalid request"
is "$(printf '%s\n' "$out" | pyl 2 'd["id"]')" 3 "the id is kept when it is valid"
rpc '{"jsonrpc":"2.0","id":"a","method":"no/such"}' '{"jsonrpc":"2.0","method":"no/such"}' \
    '{"jsonrpc":"2.0","id":"b","method":"ping"}'
is "$(printf '%s\n' "$out" | pyl 2 'd["error"]["code"], d["id"]')" "-32601 a" "unknown method: method not found"
is "$(printf '%s\n' "$out" | pyl 3 'd["id"]')" b "an unknown notification gets no answer"
rpc '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"nope","arguments":{}}}' \
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_guest","arguments":{"vmid":"x"}}}' \
    '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_guest","arguments":{"vmid":100,"evil":1}}}' \
    '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_guest","arguments":{"vmid":99}}}' \
    '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"get_guest"}}' \
    '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":[1]}' \
    '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"get_guest","arguments":{"vmid":4242}}}' \
    '{"jsonrpc":"2.0","id":9,"method":"logging/setLevel","params":{"level":"loud"}}' \
    '{"jsonrpc":"2.0","id":10,"method":"resources/read","params":{"uri":"px://other/guests"}}'
is "$(printf '%s\n' "$out" | pyl 2 'd["error"]["code"]')" -32602 "unknown tool: invalid params"
is "$(printf '%s\n' "$out" | pyl 3 'd["error"]["code"]')" -32602 "a wrong argument type (2025-06-18): invalid params"
like "$(printf '%s\n' "$out" | pyl 4 'd["error"]["message"]')" "unknown argument 'evil'" "an unknown argument is refused"
like "$(printf '%s\n' "$out" | pyl 5 'd["error"]["message"]')" "vmid: out of range" "a VMID below 100 is refused"
like "$(printf '%s\n' "$out" | pyl 6 'd["error"]["message"]')" "missing argument 'vmid'" "a missing argument is refused"
is "$(printf '%s\n' "$out" | pyl 7 'd["error"]["code"]')" -32602 "params not an object: invalid params"
is "$(printf '%s\n' "$out" | pyl 8 'd["result"]["isError"]')" True "a failing tool: isError, not a protocol error"
like "$(printf '%s\n' "$out" | pyl 8 'd["result"]["content"][0]["text"]')" "4242" "with the message"
is "$(printf '%s\n' "$out" | pyl 9 'd["error"]["code"]')" -32602 "logging/setLevel with an unknown level"
is "$(printf '%s\n' "$out" | pyl 10 'd["error"]["code"]')" -32002 "another profile's resource: not found"
rpc '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ipset_add","arguments":{"ipset":"office","cidr":"10.0.0.1\u0000x"}}}' \
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"pool_add_members","arguments":{"pool":"dev","vmids":["100"]}}}' \
    '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"pool_add_members","arguments":{"pool":"dev","vmids":[100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100,100]}}}' \
    '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"enable_firewall_rule","arguments":{"vmid":100,"pos":10000,"enable":true}}}'
like "$(printf '%s\n' "$out" | pyl 2 'd["error"]["message"]')" "cidr: not of the form" "a NUL inside a CIDR (read as U+FFFD) is refused"
like "$(printf '%s\n' "$out" | pyl 3 'd["error"]["message"]')" "vmids: wrong type" "an array's items are checked against the schema"
like "$(printf '%s\n' "$out" | pyl 4 'd["error"]["message"]')" "vmids: number of items out of range" "and its maxItems"
like "$(printf '%s\n' "$out" | pyl 5 'd["error"]["message"]')" "pos: out of range" "a rule position beyond 9999 is refused"
big=$(head -c 1100000 /dev/zero | tr '\0' 'a')
out=$(printf '%s\n%s\n%s\n' "$INIT" "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"x\":\"$big\"}}" \
    '{"jsonrpc":"2.0","id":3,"method":"ping"}' | px mcp serve)
is "$(printf '%s\n' "$out" | pyl 2 'd["error"]["code"]')" -32600 "a message over 1 MiB is refused"
is "$(printf '%s\n' "$out" | pyl 3 'd["id"]')" 3 "and the next one is read"

# --- the SDK client
MCP_SDK="$build/mcp-client"
export MCP_SDK
client="$top/tests/tools/mcp-client.mjs"
if [ ! -d "$MCP_SDK/node_modules/@modelcontextprotocol/sdk" ]; then
	if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
		echo "Bail out! node and npm are needed (scripts/deps)"
		exit 1
	fi
	if ! npm install --prefix "$MCP_SDK" --no-audit --no-fund \
	    @modelcontextprotocol/sdk >"$T/npm.log" 2>&1; then
		if grep -Eq 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network' "$T/npm.log"; then
			echo "# npm's registry is unreachable: the SDK tests are skipped"
			done_testing
			sim_stop
			exit 0
		fi
		echo "Bail out! npm install @modelcontextprotocol/sdk failed"
		sed 's/^/# /' "$T/npm.log"
		exit 1
	fi
fi
sdk() {	# sdk STEPS: run the SDK client over stdio; out = its lines
	out=$(node "$client" stdio "$1" px mcp serve 2>"$T/stderr"); rc=$?
	err=$(cat "$T/stderr")
}
sdk '[{"op":"info"},{"op":"tools"},{"op":"call","name":"list_guests","args":{}},{"op":"call","name":"get_guest","args":{"vmid":101}},{"op":"call","name":"no_such_tool","args":{}},{"op":"resources"},{"op":"read","uri":"px://sim/cluster/digest"},{"op":"prompts"}]'
is "$rc" 0 "the SDK client connects over stdio"
is "$(printf '%s\n' "$out" | pyl 1 'd["server"]["name"]')" px "initialize: serverInfo"
is "$(printf '%s\n' "$out" | pyl 1 'sorted(d["capabilities"])')" "['logging', 'prompts', 'resources', 'tools']" \
    "capabilities: tools, resources, prompts, logging"
is "$(printf '%s\n' "$out" | pyl 2 'json.dumps(d["tools"], separators=(",", ":"))' | tr -d '\n' | sha256sum | cut -d' ' -f1)" \
    "$(px mcp tools -j | /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(",", ":")), end="")' | sha256sum | cut -d' ' -f1)" \
    "the tools the SDK lists are the registry px mcp tools checksums"
n=$(sim_api GET cluster/resources?type=vm | py 'len(d["data"])')
is "$(printf '%s\n' "$out" | pyl 3 'len(d["structuredContent"]["guests"])')" "$n" "list_guests: every guest of pxsim"
is "$(printf '%s\n' "$out" | pyl 3 'd["isError"]')" False "not an error"
is "$(printf '%s\n' "$out" | pyl 4 'd["structuredContent"]["guest"]["name"]')" web-01 "get_guest: the guest"
like "$(printf '%s\n' "$out" | pyl 4 'd["structuredContent"]["config"]["memory"]')" '^[0-9]+$' "get_guest: its config"
is "$(printf '%s\n' "$out" | pyl 5 'd["error"]["code"]')" -32602 "an unknown tool: a protocol error"
is "$(printf '%s\n' "$out" | pyl 6 'd["resources"][0]["uri"]')" px://sim/cluster/digest "resources are px://PROFILE/..."
like "$(printf '%s\n' "$out" | pyl 7 'd["contents"][0]["text"]')" "cluster: pxsim" "the digest resource is the llm-context digest"
is "$(printf '%s\n' "$out" | pyl 8 'd["prompts"][1]["arguments"][0]["name"]')" vmid "prompts with arguments"

# --- a change through the gate
vm=$(sim_api GET cluster/resources?type=vm | py '[g["vmid"] for g in d["data"] if g["status"] == "stopped" and g["type"] == "qemu" and not g.get("template")][0]')
sdk "[{\"op\":\"call\",\"name\":\"start_guest\",\"args\":{\"vmid\":$vm,\"dry_run\":true}}]"
is "$(printf '%s\n' "$out" | pyl 1 'd["structuredContent"]["rows"][0]["result"]')" dry-run "start_guest dry_run: nothing sent"
is "$(guest_status "$vm")" stopped "and the guest is still stopped"
sdk "[{\"op\":\"call\",\"name\":\"start_guest\",\"args\":{\"vmid\":$vm}}]"
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"], d["structuredContent"]["rows"][0]["result"]')" "False ok" \
    "start_guest on a stopped guest: ok"
like "$(printf '%s\n' "$out" | pyl 1 'd["structuredContent"]["rows"][0]["upid"]')" "^UPID:.*:qmstart:$vm:" "with the task's UPID"
is "$(guest_status "$vm")" running "the guest runs in pxsim"
like "$(printf '%s\n' "$out" | pyl 1 '" | ".join(d["progress"])')" "submitted UPID" "progress notifications were sent"

sdk "[{\"op\":\"call\",\"name\":\"create_snapshot\",\"args\":{\"vmid\":$vm,\"name\":\"mcp1\",\"description\":\"by mcp\"}},
{\"op\":\"call\",\"name\":\"list_snapshots\",\"args\":{\"vmid\":$vm}},
{\"op\":\"call\",\"name\":\"delete_snapshot\",\"args\":{\"vmid\":$vm,\"name\":\"nosuch\"}},
{\"op\":\"call\",\"name\":\"create_snapshot\",\"args\":{\"vmid\":$vm,\"name\":\"1bad\"}}]"
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"]')" False "create_snapshot"
like "$(printf '%s\n' "$out" | pyl 2 '" ".join(s["name"] for s in d["structuredContent"]["snapshots"])')" "mcp1" \
    "the snapshot exists in pxsim"
like "$(printf '%s\n' "$out" | pyl 3 'd["content"][0]["text"]')" "has no snapshot 'nosuch'" "delete_snapshot of an unknown snapshot: refused"
like "$(printf '%s\n' "$out" | pyl 4 'd["content"][0]["text"]')" "not a snapshot name" "a bad snapshot name: refused"
# every read tool through the SDK, which checks structuredContent
# against the tool's outputSchema
upid=$(sim_api GET cluster/tasks | py 'd["data"][0]["upid"]')
sdk "[{\"op\":\"call\",\"name\":\"list_nodes\"},{\"op\":\"call\",\"name\":\"find_guest\",\"args\":{\"query\":\"web\"}},
{\"op\":\"call\",\"name\":\"search\",\"args\":{\"query\":\"pve1\"}},{\"op\":\"call\",\"name\":\"list_storage\"},
{\"op\":\"call\",\"name\":\"list_tasks\",\"args\":{\"limit\":1}},{\"op\":\"call\",\"name\":\"get_task_log\",\"args\":{\"upid\":\"$upid\"}},
{\"op\":\"call\",\"name\":\"cluster_status\"},{\"op\":\"call\",\"name\":\"describe_cluster\"},
{\"op\":\"call\",\"name\":\"get_metrics\",\"args\":{\"vmid\":101,\"fields\":\"cpu,mem\"}},
{\"op\":\"call\",\"name\":\"list_snapshots\",\"args\":{\"vmid\":101}},{\"op\":\"call\",\"name\":\"list_backups\"},
{\"op\":\"call\",\"name\":\"backup_coverage\"},{\"op\":\"call\",\"name\":\"anomalies\",\"args\":{\"threshold\":1}},
{\"op\":\"call\",\"name\":\"upgrade_check\"}]"
i=0
for t in list_nodes find_guest search list_storage list_tasks get_task_log \
    cluster_status describe_cluster get_metrics list_snapshots list_backups \
    backup_coverage anomalies upgrade_check; do
	i=$((i + 1))
	is "$(printf '%s\n' "$out" | pyl $i 'd.get("isError", d.get("error"))')" False \
	    "$t answers, and its structuredContent matches its outputSchema"
done
is "$(printf '%s\n' "$out" | pyl 1 'len(d["structuredContent"]["nodes"])')" 3 "list_nodes: pxsim's 3 nodes"
like "$(printf '%s\n' "$out" | pyl 2 '" ".join(g["name"] for g in d["structuredContent"]["guests"])')" "web-01" "find_guest by name"
is "$(printf '%s\n' "$out" | pyl 5 'len(d["structuredContent"]["tasks"])')" 1 "list_tasks: limit"
is "$(printf '%s\n' "$out" | pyl 6 'd["structuredContent"]["task"]["upid"]')" "$upid" "get_task_log: the task"
is "$(printf '%s\n' "$out" | pyl 7 'd["structuredContent"]["quorate"]')" True "cluster_status: quorate"
is "$(printf '%s\n' "$out" | pyl 9 'd["structuredContent"]["fields"]')" "['cpu', 'mem']" "get_metrics: the fields asked for"
sdk "[{\"op\":\"call\",\"name\":\"set_guest_config\",\"args\":{\"vmid\":$vm,\"set\":{\"cores\":\"3\"}}},
{\"op\":\"call\",\"name\":\"set_guest_config\",\"args\":{\"vmid\":$vm,\"set\":{\"cores\":\"4\"},\"digest\":\"0123abcd\"}},
{\"op\":\"call\",\"name\":\"set_guest_config\",\"args\":{\"vmid\":$vm,\"set\":{\"digest\":\"x\"}}}]"
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"]')" False "set_guest_config"
is "$(sim_api GET "nodes/$(sim_api GET cluster/resources?type=vm | py "[g['node'] for g in d['data'] if g['vmid'] == $vm][0]")/qemu/$vm/config" | py 'd["data"]["cores"]')" 3 \
    "the config changed in pxsim"
like "$(printf '%s\n' "$out" | pyl 2 'd["content"][0]["text"]')" "changed since it was read" "a stale digest refuses a lost update"
like "$(printf '%s\n' "$out" | pyl 3 'd["content"][0]["text"]')" "not a config key" "digest is not set as a key"
run px audit log -j
like "$out" "via mcp client px-test-client/1.0.0" "audited with via mcp and the client's name"

# --- administration tools
for t in pool_add_members pool_remove_members ha_add_resource ha_set_state \
    ha_remove_resource ha_migrate ha_relocate add_firewall_rule \
    delete_firewall_rule enable_firewall_rule ipset_add ipset_remove \
    set_guest_tags; do
	is "$(px mcp tools -j | py "[t['name'] for t in d].count('$t')")" 1 "the registry has $t"
done
is "$(px mcp tools -j | py '" ".join(t["name"] for t in d if t["annotations"].get("destructiveHint"))' | tr ' ' '\n' | grep -cE '^(pool_remove_members|ha_remove_resource|ha_relocate|delete_firewall_rule|ipset_remove|set_guest_tags|ha_set_state)$')" 7 \
    "the tools that take something away carry destructiveHint"
is "$(px mcp tools -j | py '[t["annotations"]["destructiveHint"] for t in d if t["name"] in ("pool_add_members", "ha_migrate", "add_firewall_rule", "ipset_add")]')" \
    "[False, False, False, False]" "the ones that add do not"
guests=$(px ls guests -f tsv -H -c vmid,type,status,ha,template,node)
hv=$(printf '%s\n' "$guests" | awk -F'\t' -v a="$vm" '$2 == "qemu" && $3 == "running" && $4 != "yes" && $5 != "yes" && $1 != a { print $1; exit }')
hnode=$(printf '%s\n' "$guests" | awk -F'\t' -v a="$hv" '$1 == a { print $6 }')
other=$(sim_api GET nodes | py "[n['node'] for n in d['data'] if n['node'] != '$hnode'][0]")
pool=$(px pool list -f tsv -H -c poolid | head -1)
px firewall guest "$vm" ipset create mcpset -y >/dev/null 2>&1
px firewall cluster ipset create mcpc -y >/dev/null 2>&1
simctl DELETE log >/dev/null
sdk "[{\"op\":\"call\",\"name\":\"pool_add_members\",\"args\":{\"pool\":\"$pool\",\"vmids\":[$vm]}},
{\"op\":\"call\",\"name\":\"pool_remove_members\",\"args\":{\"pool\":\"$pool\",\"vmids\":[$vm]}},
{\"op\":\"call\",\"name\":\"ha_add_resource\",\"args\":{\"vmid\":$hv,\"state\":\"started\",\"max_restart\":2}},
{\"op\":\"call\",\"name\":\"ha_set_state\",\"args\":{\"vmid\":$hv,\"state\":\"ignored\"}},
{\"op\":\"call\",\"name\":\"ha_set_state\",\"args\":{\"vmid\":$hv,\"state\":\"started\"}},
{\"op\":\"call\",\"name\":\"ha_migrate\",\"args\":{\"vmid\":$hv,\"node\":\"$other\"}},
{\"op\":\"call\",\"name\":\"ha_remove_resource\",\"args\":{\"vmid\":$hv}},
{\"op\":\"call\",\"name\":\"add_firewall_rule\",\"args\":{\"vmid\":$vm,\"type\":\"in\",\"action\":\"ACCEPT\",\"proto\":\"tcp\",\"dport\":\"8443\",\"comment\":\"by mcp\"}},
{\"op\":\"call\",\"name\":\"enable_firewall_rule\",\"args\":{\"vmid\":$vm,\"pos\":0,\"enable\":false}},
{\"op\":\"call\",\"name\":\"ipset_add\",\"args\":{\"vmid\":$vm,\"ipset\":\"mcpset\",\"cidr\":\"192.0.2.0/24\",\"comment\":\"lab\"}},
{\"op\":\"call\",\"name\":\"ipset_add\",\"args\":{\"ipset\":\"mcpc\",\"cidr\":\"198.51.100.9\"}},
{\"op\":\"call\",\"name\":\"set_guest_tags\",\"args\":{\"vmid\":$vm,\"tags\":[\"mcp\",\"web\"]}},
{\"op\":\"call\",\"name\":\"set_guest_tags\",\"args\":{\"vmid\":$vm,\"tags\":[\"extra\"],\"mode\":\"add\"}},
{\"op\":\"call\",\"name\":\"set_guest_tags\",\"args\":{\"vmid\":$vm,\"tags\":[\"web\"],\"mode\":\"remove\"}}]"
i=0
for t in pool_add_members pool_remove_members ha_add_resource ha_set_state \
    ha_set_state ha_migrate ha_remove_resource add_firewall_rule \
    enable_firewall_rule ipset_add ipset_add set_guest_tags set_guest_tags \
    set_guest_tags; do
	i=$((i + 1))
	is "$(printf '%s\n' "$out" | pyl $i 'd.get("isError", d.get("error"))')" False "$t: ok"
done
log=$(sim_log)
like "$log" "PUT /api2/json/pools" "pool_add_members: PUT /pools, as px pool add"
like "$log" "POST /api2/json/cluster/ha/resources" "ha_add_resource: POST /cluster/ha/resources"
like "$log" "PUT /api2/json/cluster/ha/resources/vm%3A$hv" "ha_set_state: PUT of the resource"
like "$log" "POST /api2/json/cluster/ha/resources/vm%3A$hv/migrate" "ha_migrate: POST .../migrate"
like "$log" "DELETE /api2/json/cluster/ha/resources/vm%3A$hv" "ha_remove_resource: DELETE"
is "$(sim_api GET cluster/ha/resources | py "[r['sid'] for r in d['data']].count('vm:$hv')")" 0 "the resource is gone in pxsim"
vnode=$(printf '%s\n' "$guests" | awk -F'\t' -v a="$vm" '$1 == a { print $6 }')
rules=$(sim_api GET "nodes/$vnode/qemu/$vm/firewall/rules")
is "$(printf '%s' "$rules" | py '[(r["dport"], r["enable"], r.get("comment")) for r in d["data"] if r["pos"] == 0][0]')" \
    "('8443', 0, 'by mcp')" "add_firewall_rule, then enable_firewall_rule false: the rule, disabled"
like "$(sim_api GET "nodes/$vnode/qemu/$vm/firewall/ipset/mcpset")" '"cidr":"192.0.2.0/24"' "ipset_add: the member in the guest's IP set"
like "$(sim_api GET cluster/firewall/ipset/mcpc)" '"cidr":"198.51.100.9"' "ipset_add without vmid: the cluster's IP set"
is "$(sim_api GET "nodes/$vnode/qemu/$vm/config" | py 'd["data"].get("tags")')" "mcp;extra" \
    "set_guest_tags: set, add, remove"
sdk "[{\"op\":\"call\",\"name\":\"ipset_remove\",\"args\":{\"vmid\":$vm,\"ipset\":\"mcpset\",\"cidr\":\"192.0.2.0/24\"}},
{\"op\":\"call\",\"name\":\"delete_firewall_rule\",\"args\":{\"vmid\":$vm,\"pos\":0}},
{\"op\":\"call\",\"name\":\"ipset_add\",\"args\":{\"ipset\":\"mcpc\",\"cidr\":\"1.2.3.4;rm -rf /\"}},
{\"op\":\"call\",\"name\":\"set_guest_tags\",\"args\":{\"vmid\":$vm,\"tags\":[\"bad tag\"]}},
{\"op\":\"call\",\"name\":\"ha_set_state\",\"args\":{\"vmid\":$vm,\"state\":\"gone\"}},
{\"op\":\"call\",\"name\":\"pool_add_members\",\"args\":{\"pool\":\"../x\",\"vmids\":[$vm]}},
{\"op\":\"call\",\"name\":\"pool_add_members\",\"args\":{\"pool\":\"$pool\"}},
{\"op\":\"call\",\"name\":\"ha_set_state\",\"args\":{\"vmid\":$vm,\"state\":\"stopped\"}},
{\"op\":\"call\",\"name\":\"add_firewall_rule\",\"args\":{\"vmid\":$vm,\"type\":\"in\",\"action\":\"ACCEPT\",\"dry_run\":true}}]"
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"]')" False "ipset_remove"
is "$(sim_api GET "nodes/$vnode/qemu/$vm/firewall/ipset/mcpset" | py 'len(d["data"])')" 0 "the member is gone"
is "$(printf '%s\n' "$out" | pyl 2 'd["isError"]')" False "delete_firewall_rule"
is "$(sim_api GET "nodes/$vnode/qemu/$vm/firewall/rules" | py '[r.get("comment") for r in d["data"]].count("by mcp")')" 0 "the rule is gone"
like "$(printf '%s\n' "$out" | pyl 3 'd["content"][0]["text"]')" "cidr: not of the form" "a CIDR with a shell in it: refused by its pattern"
like "$(printf '%s\n' "$out" | pyl 4 'd["content"][0]["text"]')" "tags: not of the form" "a tag with a space: refused"
like "$(printf '%s\n' "$out" | pyl 5 'd["content"][0]["text"]')" "state: not one of the allowed values" "an HA state not in the enum: refused"
like "$(printf '%s\n' "$out" | pyl 6 'd["content"][0]["text"]')" "pool: not of the form" "a pool with ..: refused"
like "$(printf '%s\n' "$out" | pyl 7 'd["content"][0]["text"]')" "give vmids or storages" "pool_add_members without members: refused"
like "$(printf '%s\n' "$out" | pyl 8 'd["content"][0]["text"]')" "not an HA resource" "ha_set_state of a guest not in HA: not found"
is "$(printf '%s\n' "$out" | pyl 9 'd["structuredContent"]["rows"][0]["result"]')" dry-run "add_firewall_rule dry_run"
run px audit log -j
like "$out" '"action":"add".*"target":"pool/' "the pool change is audited"
like "$out" "via mcp client" "via mcp"

# --- a frozen profile refuses
run px incident freeze --reason "mcp test" --ttl 1h
sdk "[{\"op\":\"call\",\"name\":\"stop_guest\",\"args\":{\"vmid\":$vm}}]"
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"]')" True "a frozen profile: the call fails"
like "$(printf '%s\n' "$out" | pyl 1 'd["content"][0]["text"]')" "refused-frozen" "refused by the freeze"
is "$(guest_status "$vm")" running "and the guest still runs"
run px incident thaw --reason "done"

# --- an approval policy, answered through pxsim's Telegram fake
token=$(simctl GET telegram | py 'd["data"]["token"]')
chat=$(simctl GET telegram | py 'd["data"]["chat_id"]')
approver=$(simctl GET telegram | py 'd["data"]["approver"]')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
profile=$(cat "$PX_CONFIG")
printf '%s\n' "$token" >"$T/bot.token"
chmod 600 "$T/bot.token"
tgconf() {	# the profile, [telegram] of pxsim's fake, a policy for stops
	printf '%s\n\n' "$profile"
	printf '[telegram]\nbot_token_file = %s\nchat_id = %s\n' "$T/bot.token" "$chat"
	printf 'approver = %s\napi_url = %s\nfingerprint = %s\n\n' "$approver" "$SIM_URL" "$fp"
	printf '[policy stops]\naction = stop\ntimeout = 30\n'
}
tgconf >"$PX_CONFIG"
msgs() { simctl GET telegram/messages | py "$1"; }
approve_run() {	# approve_run BUTTON [SECONDS]: stop $vm, answer the approval
		# with BUTTON (after SECONDS)
	n0=$(msgs 'len(d["data"])')
	node "$client" stdio "[{\"op\":\"call\",\"name\":\"stop_guest\",\"args\":{\"vmid\":$vm}}]" \
	    px mcp serve >"$T/out" 2>"$T/err" &
	asker=$!
	i=0
	while [ "$(msgs 'len(d["data"])')" = "$n0" ] && [ $i -lt 150 ]; do
		sleep 0.1; i=$((i + 1))
	done
	msg=$(msgs 'd["data"][-1]["message_id"]')
	sleep "${2:-0}"
	simctl POST telegram/press "message_id=$msg&button=$1" >/dev/null
	wait "$asker"
	out=$(cat "$T/out")
}
approve_run 1
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"]')" True "a denied approval: the call fails"
like "$(printf '%s\n' "$out" | pyl 1 'd["content"][0]["text"]')" "refused-hitl" "with the denial"
is "$(guest_status "$vm")" running "and nothing was sent"
approve_run 0 11
is "$(printf '%s\n' "$out" | pyl 1 'd["isError"], d["structuredContent"]["rows"][0]["result"]')" "False ok" \
    "an approved stop runs"
ok $([ "$(printf '%s\n' "$out" | pyl 1 'sum(1 for p in d["progress"] if p.startswith("waiting for a human to approve: "))')" -ge 2 ] && echo 0 || echo 1) \
    "while the approval waits (11 s), progress is repeated every 5 s"
like "$(printf '%s\n' "$out" | pyl 1 'd["structuredContent"]["approved_by"]')" . "and says who approved"
like "$(printf '%s\n' "$out" | pyl 1 '" | ".join(d["progress"])')" "waiting for a human to approve \\(policy stops\\)" \
    "the wait for approval is reported as progress"
is "$(guest_status "$vm")" stopped "the guest is stopped in pxsim"
printf '%s\n\n[mcp]\nallow_risk = maybe\n' "$profile" >"$PX_CONFIG"
run px mcp serve </dev/null
is "$rc" 3 "[mcp] allow_risk must be yes or no"
printf '%s\n' "$profile" >"$PX_CONFIG"

# --- Streamable HTTP
printf '%s\n' "$profile" >"$PX_CONFIG"
tok=0123456789abcdef0123456789abcdef
printf '%s\n' "$tok" >"$T/mcp.token"
chmod 600 "$T/mcp.token"
printf '\n[mcp]\ntoken_file = %s\n' "$T/mcp.token" >>"$PX_CONFIG"
http_start() {	# http_start [ARGS]: px mcp serve --http; url, http_pid
	rm -f "$T/http.err"
	px mcp serve --http --listen 127.0.0.1:0 "$@" 2>"$T/http.err" &
	http_pid=$!
	i=0
	while ! grep -q 'listening on' "$T/http.err" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	url=$(sed -n 's/.*listening on //p' "$T/http.err")
}
http_start
like "$url" '^http://127\.0\.0\.1:[0-9]+/mcp$' "serve --http says where it listens"
status() {	# status CURL-ARGS: the HTTP status of a request to $url
	curl -s -o "$T/body" -w '%{http_code}' "$@" "$url"
}
hinit='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl"}}}'
is "$(status -X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data "$hinit")" 401 \
    "no bearer token: 401"
is "$(status -X POST -H "Authorization: Bearer wrong$tok" -H 'Content-Type: application/json' --data "$hinit")" 401 \
    "a wrong bearer token: 401"
is "$(status -X POST -H "Authorization: Bearer $tok" -H 'Origin: http://evil.example' -H 'Content-Type: application/json' --data "$hinit")" 403 \
    "a wrong Origin: 403"
is "$(status -X POST -H "Authorization: Bearer $tok" -H 'Origin: http://localhost:3000' -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data "$hinit")" 200 \
    "a loopback Origin and the token: 200"
is "$(status -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":2,"method":"ping"}')" 400 \
    "a request without Mcp-Session-Id: 400"
is "$(status -X POST -H "Authorization: Bearer $tok" -H 'Mcp-Session-Id: 00000000000000000000000000000000' -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":2,"method":"ping"}')" 404 \
    "an unknown session: 404"
is "$(status -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data 'not json')" 400 \
    "a malformed body: 400"
is "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"]["code"])' "$T/body")" -32700 \
    "with a parse error"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$T/big"
is "$(status -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary @"$T/big")" 413 \
    "a body over 1 MiB: 413"
is "$(status -X PUT -H "Authorization: Bearer $tok")" 405 "PUT: 405"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "${url%/mcp}/other")" 404 "another path: 404"
out=$(node "$client" http '[{"op":"info"}]' "$url" "wrong$tok" 2>&1); rc=$?
is "$rc" 3 "the SDK client with a wrong token cannot connect"
out=$(node "$client" http '[{"op":"info"}]' "$url" "$tok" http://evil.example 2>&1); rc=$?
is "$rc" 3 "nor with a wrong Origin"
vm2=$(sim_api GET cluster/resources?type=vm | py '[g["vmid"] for g in d["data"] if g["status"] == "stopped" and g["type"] == "lxc" and not g.get("template")][0]')
out=$(node "$client" http "[{\"op\":\"info\"},{\"op\":\"call\",\"name\":\"list_guests\",\"args\":{}},{\"op\":\"call\",\"name\":\"start_guest\",\"args\":{\"vmid\":$vm2}},{\"op\":\"call\",\"name\":\"nope\"}]" "$url" "$tok" 2>"$T/stderr"); rc=$?
err=$(cat "$T/stderr")
is "$rc" 0 "the SDK client over HTTP with the token"
like "$(printf '%s\n' "$out" | pyl 1 'd["session"]')" '^[0-9a-f]{32}$' "a session id"
is "$(printf '%s\n' "$out" | pyl 2 'len(d["structuredContent"]["guests"])')" "$n" "list_guests over HTTP"
is "$(printf '%s\n' "$out" | pyl 3 'd["isError"], d["structuredContent"]["rows"][0]["result"]')" "False ok" \
    "start_guest over HTTP"
like "$(printf '%s\n' "$out" | pyl 3 '" | ".join(d["progress"])')" "submitted UPID" "with progress on the event stream"
is "$(guest_status "$vm2")" running "the container runs in pxsim"
is "$(printf '%s\n' "$out" | pyl 4 'd["error"]["code"]')" -32602 "an unknown tool over HTTP"
# a session by hand: initialize, the stream, DELETE
curl -s -D "$T/h" -o /dev/null -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data "$hinit" "$url"
sid=$(sed -n 's/^Mcp-Session-Id: *\([0-9a-f]*\).*/\1/ip' "$T/h")
like "$sid" '^[0-9a-f]{32}$' "initialize answers with Mcp-Session-Id"
is "$(status -X POST -H "Authorization: Bearer $tok" -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 1999-01-01' -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":2,"method":"ping"}')" 400 \
    "an unsupported MCP-Protocol-Version: 400"
is "$(status -X POST -H "Authorization: Bearer $tok" -H "Mcp-Session-Id: $sid" -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","method":"notifications/initialized"}')" 202 \
    "a notification: 202"
curl -s -N --max-time 1 -H "Authorization: Bearer $tok" -H "Mcp-Session-Id: $sid" -H 'Accept: text/event-stream' -D "$T/sh" "$url" >"$T/stream"
like "$(head -1 "$T/sh")" "200" "GET opens the session's event stream"
like "$(cat "$T/sh")" "text/event-stream" "as text/event-stream"
is "$(status -X DELETE -H "Authorization: Bearer $tok" -H "Mcp-Session-Id: $sid")" 200 "DELETE ends the session"
is "$(status -X POST -H "Authorization: Bearer $tok" -H "Mcp-Session-Id: $sid" -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":2,"method":"ping"}')" 404 \
    "an ended session: 404"
kill "$http_pid"; wait "$http_pid" 2>/dev/null
# a cancellation over HTTP, seen while the call waits for approval
{ tgconf; printf '\n[mcp]\ntoken_file = %s\n' "$T/mcp.token"; } >"$PX_CONFIG"
http_start
n0=$(msgs 'len(d["data"])')
out=$(node "$client" http "[{\"op\":\"cancel\",\"name\":\"stop_guest\",\"args\":{\"vmid\":$vm2},\"on\":\"waiting for a human\"},{\"op\":\"ping\"}]" \
    "$url" "$tok" 2>"$T/stderr"); rc=$?
is "$rc" 0 "the SDK client cancels a call over HTTP"
is "$(printf '%s\n' "$out" | pyl 1 'd["cancelled"]')" True "the call was cancelled at the approval wait"
is "$(printf '%s\n' "$out" | pyl 2 'd')" "{}" "and the server answers the next request"
i=0
while ! px audit log -j 2>/dev/null | grep -q '"cancelled"' && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
run px audit log -j
like "$out" "\"decision\":\"cancelled\"" "the audit says cancelled"
like "$(msgs 'd["data"][-1]["text"]')" "ABANDONED" "the approval request on Telegram says it was withdrawn"
is "$(guest_status "$vm2")" running "and nothing was sent: the container still runs"
kill "$http_pid"; wait "$http_pid" 2>/dev/null
printf '%s\n' "$profile" >"$PX_CONFIG"
run px mcp serve --http --listen 0.0.0.0:0
is "$rc" 3 "no token: refuses to listen beyond loopback"
like "$err" "without a token" "and says why"
chmod 644 "$T/mcp.token"
printf '\n[mcp]\ntoken_file = %s\n' "$T/mcp.token" >>"$PX_CONFIG"
run px mcp serve --http --listen 127.0.0.1:0
is "$rc" 3 "a token file others can read is refused"
printf '%s\n' "$profile" >"$PX_CONFIG"

sim_stop
done_testing
