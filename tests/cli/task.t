#!/bin/sh
# px task status|log|wait|stop: a task's status and log, waiting for a
# task that succeeds, fails or outlasts the timeout; stopping one is a
# change, through the gate.
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
run px task wait "UPID:$(printf '\033]0;PWNED\007\033[31;1m\233'):1:1:1:qmstart:1:root@pam:"
is "$rc" 2 "task wait with control characters in the UPID: exit 2"
like "$err" 'UPID:\?\]0;PWNED\?\?\[31;1m\?:1:' "echoes it with '?' for each"
unlike "$err" "$(printf '[\033\007\233]')" "and no control character"
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

# --- task stop: a change, through the gate (a fresh pxsim whose tasks
# last 30 s)
sim_restart --task-seconds 30
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
vmid=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and not g['lock'] and not g['ha'] and not g['tags']:
        print(g['vmid']); break")
upid=$(px start --no-wait -f tsv -c upid "$vmid")
like "$upid" '^UPID:' "a long task is running"

simctl DELETE log >/dev/null
run px task stop "$upid" </dev/null
is "$rc" 2 "stop without -y on a pipe: exit 2"
run px task stop -n "$upid"
is "$rc" 0 "dry run"
like "$out" "would send: DELETE /nodes/[^/]+/tasks/UPID" "shows the DELETE"
is "$(sim_log | grep -c '^DELETE')" 0 "nothing was deleted"
printf '%s\nread_only = yes\n' "$(cat "$PX_CONFIG")" >"$T/ro.conf"; chmod 600 "$T/ro.conf"
PX_CONFIG="$T/ro.conf" run px task stop -y "$upid"
is "$rc" 8 "a read-only profile refuses: exit 8"
is "$(sim_log | grep -c '^DELETE')" 0 "nothing was deleted"

run px task stop -y "$upid"
is "$rc" 0 "task stop -y stops it"
like "$out" "interrupted|stopped" "and prints how it ended"
run px task status -j "$upid"
printf '%s' "$out" | py 'assert d["status"] != "running", d'
ok $? "the task is no longer running"
run px task stop -y "$upid"
is "$rc" 1 "stopping a stopped task: exit 1"
run px task stop -y UPID:bogus
is "$rc" 2 "a malformed UPID: exit 2"
run px audit log -j
printf '%s' "$out" | py 'assert any(r["action"] == "task-stop" and r["decision"] == "allowed" for r in d)'
ok $? "the stop is in the audit log"
# --- a hostile log: bounded, and it says so
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/k.pem" -out "$T/c.pem" -days 1 -subj /CN=fake >/dev/null 2>&1
ffp=$(openssl x509 -in "$T/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
fake() {
	rm -f "$T/port" "$T/port.log"
	/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port" "$1" &
	fpid=$!
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
	printf '[profile f]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = 0\n' \
		"$(cat "$T/port")" "$ffp" >"$T/f.conf"
	chmod 600 "$T/f.conf"
}
fake_stop() { kill $fpid 2>/dev/null; wait $fpid 2>/dev/null; }
upid='UPID:pve1:00001234:00005678:65000000:qmstart:100:root@pam:'
# --- task stop accepted, but the task's status can no longer be read:
# its outcome is unknown (exit 11), not a timeout a script may retry (7)
fake stoplost
PX_CONFIG="$T/f.conf" run px task stop -y "$upid"
is "$rc" 11 "task stop, its status then unreadable: exit 11"
like "$err" "outcome unknown: the stop of task $upid was accepted, but the task's status could not be read" \
    "it says the stop was accepted"
like "$err" "hint: px task status $upid" "and how to look"
is "$(grep -c '^DELETE' "$T/port.log")" 1 "the stop was sent once"
fake_stop
# --- a status request that times out is asked again: one slow answer
# is not the task's end, nor an unknown outcome
fake statusslow
sed -i 's/^retries = 0$/retries = 0\ntimeout = 1/' "$T/f.conf"
PX_CONFIG="$T/f.conf" run px task wait "$upid"
is "$rc" 0 "task wait: a status request that timed out is asked again (exit 0)"
is "$(grep -c '/status' "$T/port.log")" 2 "two status requests"
fake_stop
fake statushang
sed -i 's/^retries = 0$/retries = 0\ntimeout = 1/' "$T/f.conf"
PX_CONFIG="$T/f.conf" run px task wait "$upid"
is "$rc" 7 "task wait, a status that never comes: exit 7 (timed out)"
is "$(grep -c '/status' "$T/port.log")" 2 "after one more request, not three"
fake_stop
fake logendless
PX_CONFIG="$T/f.conf" run px task log "$upid"
is "$rc" 0 "a one-line page with total 2^63-1 ends the log (short page)"
is "$out" "line 1" "the one line"
is "$(grep -c . "$T/port.log")" 1 "one request, not hundreds a second"
fake_stop
fake logrepeat
PX_CONFIG="$T/f.conf" run px task log "$upid"
is "$rc" 1 "a log that repeats its first page: exit 1"
like "$err" "the server sent line 1 again after line 5000; stopped after 5000 lines" "says so"
is "$(printf '%s\n' "$out" | grep -c .)" 5000 "the lines read are shown"
is "$(grep -c . "$T/port.log")" 2 "after two requests"
PX_CONFIG="$T/f.conf" run px task log --follow "$upid"
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "--follow of such a log stops with an error (exit $rc)"
ok $([ "$(grep -c . "$T/port.log")" -lt 10 ] && echo 0 || echo 1) "after a few requests"
fake_stop

done_testing
