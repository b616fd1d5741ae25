#!/bin/sh
# px tasks: task lists fanned out over the nodes in every output format,
# filters on the server and in px, an offline node and a failing node as
# rows while the others still print.
. "$(dirname "$0")/lib.sh"
sim_start
# post PATH [form]: a write straight to pxsim (px itself has no writes
# here); prints the "data" of the answer (a UPID).
post() {
	sim_api POST "$1" "${2-}" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["data"])'
}
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }

# A running guest (to fail a start) and a stopped one (to start).
guests=$(px cluster resources --type vm -f tsv -c vmid,node,type,status)
set -- $(printf '%s\n' "$guests" | awk '$3 == "qemu" && $4 == "running" { print $1, $2; exit }')
run_id=$1 run_node=$2
set -- $(printf '%s\n' "$guests" | awk '$3 == "qemu" && $4 == "stopped" && $2 != "pve2" { print $1, $2; exit }')
stop_id=$1 stop_node=$2
ok $([ -n "$run_id" ] && [ -n "$stop_id" ] && echo 0 || echo 1) "pxsim has a running and a stopped VM ($run_id, $stop_id)"

good=$(post "nodes/$stop_node/qemu/$stop_id/status/start")
bad=$(post "nodes/$run_node/qemu/$run_id/status/start")
like "$good" "^UPID:$stop_node:" "a start returns a UPID"

# --- tasks
run px tasks
is "$rc" 0 "tasks: exit 0"
like "$out" '^STARTTIME +NODE +TYPE +ID +USER +STATUS' "tasks: table header"
like "$out" "qmstart +$stop_id .* OK" "tasks: the good start is OK"
like "$out" "qmstart +$run_id .*already running" "tasks: the bad start shows its error"
run px tasks -j
ok $(json_ok "$out" && echo 0 || echo 1) "tasks -j is valid JSON"
like "$out" '"upid":"UPID:' "tasks -j has the upid key"
like "$out" '"duration":[0-9]' "tasks -j has the duration"
run px tasks -f jsonl
ok $(jsonl_ok "$out" && echo 0 || echo 1) "tasks -f jsonl: one JSON object a line"
run px tasks -f tsv -c upid
is "$(printf '%s\n' "$out" | grep -c '^UPID:')" "$(printf '%s\n' "$out" | grep -c .)" "tasks -f tsv -c upid: only UPIDs, no header"
run px tasks -H -c node,type
unlike "$out" 'NODE' "tasks -H: no header"
run px tasks -s starttime -f tsv -c starttime
is "$out" "$(printf '%s\n' "$out" | sort -n)" "tasks -s starttime sorts ascending"
run px tasks --errors -f tsv -c id
is "$out" "$run_id" "tasks --errors: only the failed task"
run px tasks --type qmstart --vmid "$stop_id" -f tsv -c id,status
is "$out" "$(printf '%s\tOK' "$stop_id")" "tasks --type --vmid filter on the server"
run px tasks --node "$stop_node" -f tsv -c node
is "$(printf '%s\n' "$out" | sort -u)" "$stop_node" "tasks --node: that node only"
run px tasks --limit 1 -f tsv -c id
is "$(printf '%s\n' "$out" | grep -c .)" 1 "tasks --limit 1: one task"
run px tasks --since 1h -f tsv -c id
like "$out" "$run_id" "tasks --since 1h keeps recent tasks"
run px tasks --since 2000-01-01 -f tsv -c id
like "$out" "$stop_id" "tasks --since DATE"
run px tasks --since yesterday-ish
is "$rc" 2 "tasks --since with a bad time: exit 2"
simctl DELETE log >/dev/null
run px tasks --node 'pve1/../x'
is "$rc" 2 "tasks --node with a '/': usage error"
is "$(sim_log | grep -c .)" 0 "and nothing was sent"
run px tasks --vmid abc
is "$rc" 2 "tasks --vmid abc: usage error"
simctl DELETE log >/dev/null
px tasks >/dev/null 2>&1
is "$(sim_log | grep -c 'GET /api2/json/nodes/[^/]*/tasks')" 3 "tasks asks each of the 3 nodes"

# --- an offline node is a row, the others still print
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px tasks
is "$rc" 0 "tasks with pve2 offline: exit 0"
like "$out" 'pve2 .* offline' "pve2 is an offline row"
is "$err" "" "an offline node is no failure: nothing on stderr"
like "$out" "qmstart +$stop_id" "the other nodes' tasks still print"
run px tasks -j
ok $(json_ok "$out" && echo 0 || echo 1) "tasks -j with an offline node is valid JSON"
like "$out" '"node":"pve2"[^}]*"status":"offline"' "the offline row in JSON"
simctl POST offline 'node=pve2&offline=0' >/dev/null
simctl POST fault 'rate=1&mode=500&prefix=/nodes/pve3/tasks' >/dev/null
run px tasks
is "$rc" 2 "a node that fails to answer: exit 2"
like "$out" 'pve3 .* error' "with an error row"
like "$err" "^px tasks: pve3: GET /nodes/pve3/tasks[^ ]*: 500 " "and its reason on stderr"
like "$out" "qmstart +$stop_id|qmstart +$run_id" "and the others still print"
simctl DELETE fault >/dev/null

done_testing
