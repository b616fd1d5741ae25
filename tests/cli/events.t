#!/bin/sh
# px events: following the cluster's tasks as they start and end, as
# JSON lines or a table, --type; bad options.
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
