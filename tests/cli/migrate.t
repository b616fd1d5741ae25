#!/bin/sh
# px migrate: preconditions from GET .../migrate refused before anything
# is sent (local disks, running without --online, target not allowed,
# unknown node), success with the guest on the target afterwards, the
# gate, --stream progress as jsonl, a task that fails.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
node_of() { px ls guests -f tsv -c vmid,node | awk -v v="$1" '$1 == v { print $2 }'; }
# a plain qemu guest with the given status whose GET .../migrate shows
# local disks (yes) or none (no)
pick() {	# pick STATUS yes|no
	for v in $(px ls guests -j | py "
for g in d:
    if g['status'] == '$1' and not g['lock'] and not g['ha'] and g['type'] == 'qemu': print(g['vmid'])"); do
		n=$(node_of "$v")
		l=$(px api -j "/nodes/$n/qemu/$v/migrate" | py 'print("yes" if d["local_disks"] else "no")')
		[ "$l" = "$2" ] && { echo "$v"; return; }
	done
}
other_node() { px ls nodes -f tsv -c node | grep -vx "$1" | head -1; }
local_stopped=$(pick stopped yes)
plain_stopped=$(pick stopped no)
local_running=$(pick running yes)
plain_running=$(pick running no)
[ -n "$local_stopped" ] && [ -n "$plain_stopped" ] && [ -n "$local_running" ] && [ -n "$plain_running" ] ||
	{ echo "Bail out! pxsim lacks guests with and without local disks"; exit 1; }

# --- local disks need --with-local-disks
n=$(node_of "$local_stopped"); t=$(other_node "$n")
simctl DELETE log >/dev/null
run px migrate "$local_stopped" "$t"
is "$rc" 1 "local disks without --with-local-disks: refused, exit 1"
like "$err" "local disk.*refused without --with-local-disks" "names the reason"
like "$err" "hint: --with-local-disks" "and the way past it"
like "$out" "$local_stopped .* refused" "the row says refused"
is "$(writes)" 0 "nothing was sent"
like "$(sim_log)" "GET /api2/json/nodes/$n/qemu/$local_stopped/migrate" "the preconditions were read"
run px migrate --with-local-disks "$local_stopped" "$t"
is "$rc" 0 "with --with-local-disks: exit 0"
is "$(node_of "$local_stopped")" "$t" "the guest is on the target afterwards"

# --- a running guest needs --online
n=$(node_of "$plain_running"); t=$(other_node "$n")
simctl DELETE log >/dev/null
run px migrate "$plain_running" "$t"
is "$rc" 1 "running without --online: refused, exit 1"
like "$err" "is running: refused without --online" "says so"
is "$(writes)" 0 "nothing was sent"
run px migrate -n --online "$plain_running" "$t"
is "$rc" 0 "dry run with --online: exit 0"
like "$out" "would send: POST /nodes/$n/qemu/$plain_running/migrate target=$t&online=1" "shows the request"
is "$(writes)" 0 "dry run: nothing was sent"
run px migrate --online -j "$plain_running" "$t"
is "$rc" 0 "live migration: exit 0"
printf '%s' "$out" | py "assert d[0]['result'] == 'ok' and d[0]['target'] == '$t' and d[0]['node'] == '$n'"
ok $? "the JSON row: ok, from $n to $t"
is "$(node_of "$plain_running")" "$t" "the guest is on the target afterwards"

# --- target: the same node, an unknown node, a node not allowed, a bad name
n=$(node_of "$plain_stopped"); t=$(other_node "$n")
run px migrate "$plain_stopped" "$n"
is "$rc" 1 "to the node it is on: exit 1"
like "$err" "already on $n" "says so"
run px migrate "$plain_stopped" nosuchnode
is "$rc" 5 "an unknown node: exit 5"
like "$err" "no node nosuchnode" "says so"
simctl POST offline "node=$t&offline=1" >/dev/null
simctl DELETE log >/dev/null
run px migrate "$plain_stopped" "$t"
is "$rc" 1 "an offline target is not allowed: exit 1"
like "$err" "cannot move to $t" "says so"
is "$(writes)" 0 "nothing was sent"
simctl POST offline "node=$t&offline=0" >/dev/null
run px migrate "$plain_stopped" 'pve/1'
is "$rc" 2 "a node name with '/': exit 2"
run px migrate 99999 "$t"
is "$rc" 5 "an unknown VMID: exit 5"
run px migrate "$plain_stopped"
is "$rc" 2 "no target: usage, exit 2"

# --- the gate: read-only, freeze
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px migrate "$plain_stopped" "$t"
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "nothing was sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "network work" --ttl 1h >/dev/null 2>&1
simctl DELETE log >/dev/null
run px migrate "$plain_stopped" "$t"
is "$rc" 8 "frozen: exit 8"
is "$(writes)" 0 "nothing was sent"
px incident thaw --reason "done" >/dev/null 2>&1

# --- --stream: progress from the task log as jsonl
simctl POST tasks seconds=2 >/dev/null
n=$(node_of "$local_running"); t=$(other_node "$n")
run px migrate --online --with-local-disks --stream -j "$local_running" "$t"
is "$rc" 0 "--stream -j: exit 0"
printf '%s\n' "$out" | /usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
prog = [r for r in rows if r.get("event") == "progress"]
assert len(prog) >= 3, rows
assert all(0 <= p["percent"] <= 100 for p in prog), prog
assert prog[-1]["percent"] == 100, prog
withbytes = [p for p in prog if p["total"]]
assert withbytes and all(p["transferred"] <= p["total"] and p["speed"] > 0 for p in withbytes), prog
assert rows[-1]["result"] == "ok" and "event" not in rows[-1], rows[-1]'
ok $? "jsonl: progress objects (percent, transferred, total, speed), then the result row"
is "$(node_of "$local_running")" "$t" "the guest is on the target afterwards"
run px migrate --stream "$plain_stopped" "$t"
is "$rc" 0 "--stream without a terminal: exit 0"
like "$err" "migration finished successfully" "the task log goes to stderr"

# --- a task that fails: the target goes offline during the migration
simctl POST tasks seconds=3 >/dev/null
n=$(node_of "$plain_stopped"); t=$(other_node "$n")
px migrate "$plain_stopped" "$t" >"$T/mout" 2>"$T/merr" &
mpid=$!
sleep 1.5
simctl POST offline "node=$t&offline=1" >/dev/null
wait $mpid; rc=$?
simctl POST offline "node=$t&offline=0" >/dev/null
simctl POST tasks seconds=0 >/dev/null
is "$rc" 1 "the task failed: exit 1"
like "$(cat "$T/merr")" "target node is offline" "with PVE's error"
is "$(node_of "$plain_stopped")" "$n" "the guest stayed where it was"

# --- PVE before qemu-server 8.3.9: a running VM's answer has no
# allowed_nodes; px must not read that as "no node allowed"
sim_restart --guests 40 --legacy-migrate
lr=$(pick running no)
n=$(node_of "$lr")
t=$(other_node "$n")
run px api -j "/nodes/$n/qemu/$lr/migrate"
printf '%s' "$out" | py 'import sys; sys.exit(0 if "allowed_nodes" not in d else 1)'
ok $? "--legacy-migrate: the running VM's answer has no allowed_nodes"
simctl DELETE log >/dev/null
run px migrate -n --online "$lr" "$t"
is "$rc" 0 "an online migration is not refused for the missing field (exit 0)"
like "$out" "would send: POST /nodes/$n/qemu/$lr/migrate target=$t&online=1" "the dry run shows it"
run px migrate -n --online "$lr" nosuchnode
is "$rc" 5 "a target that is no node is still refused (exit 5)"
run px migrate -n "$lr" "$t"
is "$rc" 1 "and a running VM still needs --online (exit 1)"
is "$(writes)" 0 "nothing was sent"

done_testing
