#!/bin/sh
# px tasks, px task status|log|wait, px events: task lists fanned out over
# the nodes, a task's status and log, waiting for a task that succeeds,
# fails or outlasts the timeout, and following the cluster's tasks.
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
like "$out" "qmstart +$stop_id" "the other nodes' tasks still print"
run px tasks -j
ok $(json_ok "$out" && echo 0 || echo 1) "tasks -j with an offline node is valid JSON"
like "$out" '"node":"pve2"[^}]*"status":"offline"' "the offline row in JSON"
simctl POST offline 'node=pve2&offline=0' >/dev/null
simctl POST fault 'rate=1&mode=500&prefix=/nodes/pve3/tasks' >/dev/null
run px tasks
is "$rc" 2 "a node that fails to answer: exit 2"
like "$out" 'pve3 .* error' "with an error row"
like "$out" "qmstart +$stop_id|qmstart +$run_id" "and the others still print"
simctl DELETE fault >/dev/null

# --- task status
run px task status "$good"
is "$rc" 0 "task status: exit 0"
like "$out" 'status +stopped' "task status: stopped"
like "$out" 'exitstatus +OK' "task status: exitstatus OK"
run px task status -j "$bad"
ok $(json_ok "$out" && echo 0 || echo 1) "task status -j is valid JSON"
like "$out" '^\{.*"ok":false' "task status -j: one object, ok false"
like "$out" '"exitstatus":"VM [0-9]+ already running"' "with the error text"
run px task status -f tsv -c type,id "$good"
is "$out" "$(printf 'qmstart\t%s' "$stop_id")" "task status -f tsv -c"
run px task status not-a-upid
is "$rc" 2 "task status with a malformed UPID: exit 2"
run px task status "UPID:nosuch:00000001:00000001:00000001:qmstart:100:root@pam:"
is "$rc" 5 "task status of an unknown node: exit 5"

# --- task log
run px task log "$good"
is "$rc" 0 "task log: exit 0"
like "$out" 'TASK OK' "task log: the last line"
unlike "$out" '^TEXT' "task log: no header in a table"
run px task log -j "$bad"
ok $(json_ok "$out" && echo 0 || echo 1) "task log -j is valid JSON"
like "$out" '"n":1,"text":' "task log -j keys n and text"
like "$out" 'TASK ERROR: VM [0-9]+ already running' "task log of the failed task"
run px task log -f tsv -c n "$good"
like "$out" '^1$' "task log -c n: line numbers"
run px task log --follow "$good"
is "$rc" 0 "task log --follow on a finished task: exit 0"
like "$out" 'TASK OK' "and prints the log"
run px task log --follow "$bad"
is "$rc" 1 "task log --follow on a failed task: exit 1"

# --- task wait
run px task wait "$good"
is "$rc" 0 "task wait on an OK task: exit 0"
like "$out" 'exitstatus +OK' "prints the final status"
is "$err" "" "no progress on stderr when it is not a terminal"
run px task wait "$bad"
is "$rc" 1 "task wait on a failed task: exit 1"
like "$err" "failed: VM $run_id already running" "with the task's error text"
run px task wait -j "$bad"
ok $(json_ok "$out" && echo 0 || echo 1) "task wait -j is valid JSON"
simctl POST tasks 'seconds=30' >/dev/null
slow=$(post "nodes/$stop_node/qemu/$stop_id/status/shutdown")
simctl POST tasks 'seconds=0' >/dev/null
run px task wait --timeout 1 "$slow"
is "$rc" 7 "task wait --timeout on a running task: exit 7"
like "$err" 'still running after' "says the task is still running"
run px task status -f tsv -c status "$slow"
is "$out" running "the task is still running"
run px task wait --timeout soon "$slow"
is "$rc" 2 "task wait --timeout soon: usage error"
run px task log --timeout 1 "$slow"
is "$rc" 2 "--timeout is for wait only"
run px task stop "$slow"
is "$rc" 2 "task stop is not here (a mutation)"

# --- events
# wait_polled: until px events has read the task list once (its first
# read only records what is there)
wait_polled() {
	i=0
	while ! sim_log | grep -q 'GET /api2/json/cluster/tasks' && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
simctl POST tasks 'seconds=0' >/dev/null
simctl DELETE log >/dev/null
px events --interval 0.2 --count 4 -j >"$T/events" 2>"$T/events.err" &
evpid=$!
wait_polled
e1=$(post "nodes/$run_node/qemu/$run_id/status/start")
e2=$(post "nodes/$stop_node/qemu/$stop_id/status/stop")
i=0; while kill -0 $evpid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill $evpid 2>/dev/null; wait $evpid; evrc=$?
out=$(cat "$T/events")
is "$evrc" 0 "events --count 4 exits 0 after 4 events"
ok $(jsonl_ok "$out" && echo 0 || echo 1) "events -j writes JSON lines"
is "$(printf '%s\n' "$out" | grep -c '"event":"START"')" 2 "two START events"
like "$out" "\"event\":\"FAIL\".*\"upid\":\"$e1\"" "the failed start is a FAIL"
like "$out" "\"event\":\"OK\".*\"upid\":\"$e2\"" "the stop is OK"
unlike "$out" "$good" "tasks from before are history, not printed"
simctl DELETE log >/dev/null
px events --interval 0.2 --count 2 --type qmstop >"$T/events" 2>&1 &
evpid=$!
wait_polled
post "nodes/$run_node/qemu/$run_id/status/start" >/dev/null
post "nodes/$run_node/qemu/$run_id/status/stop" >/dev/null
i=0; while kill -0 $evpid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill $evpid 2>/dev/null
out=$(cat "$T/events")
like "$out" "START +$run_node +qmstop +$run_id" "events --type: a table line START"
like "$out" "OK +$run_node +qmstop +$run_id" "then OK"
unlike "$out" 'qmstart' "other types are left out"
unlike "$out" 'EVENT' "no header in the stream"
run px events --interval 0
is "$rc" 2 "events --interval 0: usage error"
run px events --node 'a/b'
is "$rc" 2 "events --node a/b: usage error"

done_testing
