#!/bin/sh
# px node startall|stopall: one bulk request through the gate, its task
# followed, the guests' states changed afterwards; stopall needs -y;
# --vms; dry run, read-only profile, PVE's errors, unknown and malformed
# node, a VMID on another node.
. "$(dirname "$0")/lib.sh"
sim_start --guests 30
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
# todo COND NAME REASON: a known pxsim gap, reported, not a failure
todo() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2 # TODO $3"; else echo "not ok $_n - $2 # TODO $3"; fi
}
count() { px ls guests -f tsv -c node,status | awk -v n="$1" -v s="$2" '$1 == n && $2 == s' | wc -l; }
status_of() { px ls guests -f tsv -c vmid,status | awk -v v="$1" '$1 == v { print $2 }'; }
node=pve2
plain_on() {	# plain guests of node $1 with status $2
	px ls guests -j | py "
for g in d:
    if g['node'] == '$1' and g['status'] == '$2' and not g['lock'] and not g['ha']:
        print(g['vmid'])"
}

# --- stopall needs -y without a terminal
simctl DELETE log >/dev/null
run px node stopall "$node" </dev/null
is "$rc" 2 "stopall without -y on a pipe: exit 2"
like "$err" "needs -y" "says -y is needed"
is "$(writes)" 0 "nothing was sent"

# --- dry run sends nothing
run px node stopall -n "$node"
is "$rc" 0 "dry run: exit 0"
like "$out" "would send: POST /nodes/$node/stopall" "shows method and path"
is "$(writes)" 0 "dry run: no write reached pxsim"

# --- read-only profile
running=$(count "$node" running)
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px node stopall -y "$node"
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"
is "$(count "$node" running)" "$running" "nothing was stopped"

# --- stopall: every running guest of the node stops
ok $([ "$running" -gt 0 ] && echo 0 || echo 1) "$node has running guests ($running)"
simctl DELETE log >/dev/null
run px node stopall -y -j "$node"
is "$rc" 0 "stopall: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['node'] == '$node' and r['action'] == 'stopall' and r['result'] == 'ok' and ':stopall:' in r['upid'], r"
ok $? "the row: node, action, ok, the task's UPID"
is "$(sim_log | grep -c "^POST /api2/json/nodes/$node/stopall ")" 1 "one POST /nodes/$node/stopall"
is "$(count "$node" running)" 0 "no guest of $node runs afterwards"

# --- startall --vms: only those
set -- $(plain_on "$node" stopped)
a=$1; b=$2
[ -n "$a" ] && [ -n "$b" ] || { echo "Bail out! no stopped guests on $node"; exit 1; }
run px node startall --force --vms "$a" "$node"
is "$rc" 0 "startall --force --vms: exit 0"
is "$(status_of "$a")" running "the listed guest runs"
is "$(status_of "$b")" stopped "another one does not"
run px set "$b" onboot=0
run px node startall --vms "$b" "$node"
is "$rc" 0 "startall --vms of a guest without onboot: exit 0"
[ "$(status_of "$b")" = stopped ]
ok $? "without --force PVE skips a guest without onboot"
run px node startall -n --force --vms "$a,$b" "$node"
like "$out" "would send: POST /nodes/$node/startall vms=$a%2C$b&force=1" "--vms and --force reach PVE as vms= and force="

# --- startall: the onboot guests start
run px node startall "$node"
is "$rc" 0 "startall: exit 0"
ok $([ "$(count "$node" running)" -gt 1 ] && echo 0 || echo 1) "guests of $node run again"

# --- PVE's errors: exit non-zero with its message
simctl POST fault "rate=1&mode=500&prefix=/nodes/$node/startall&count=1" >/dev/null
run px node startall "$node"
is "$rc" 1 "PVE answers 500: exit 1"
like "$out" "startall +failed" "the row says failed"
simctl DELETE fault >/dev/null

# --- refused before anything is sent
simctl DELETE log >/dev/null
run px node startall 'pve1/../x'
is "$rc" 2 "a node name with '/': exit 2"
run px node startall pve9
is "$rc" 5 "an unknown node: exit 5"
other=$(px ls guests -f tsv -c vmid,node | awk -v n="$node" '$2 != n { print $1; exit }')
run px node startall --vms "$other" "$node"
is "$rc" 5 "a VMID on another node: exit 5"
like "$err" "is on node" "says where it is"
run px node startall --vms 99999 "$node"
is "$rc" 5 "an unknown VMID: exit 5"
run px node startall --vms abc "$node"
is "$rc" 2 "a malformed --vms: exit 2"
run px node reboot "$node"
is "$rc" 2 "an unknown subcommand: exit 2"
run px node startall
is "$rc" 2 "no node: exit 2"
is "$(writes)" 0 "none of these sent a write"

# --- no-wait
run px node stopall -y --no-wait -j "$node"
printf '%s' "$out" | py 'assert d[0]["result"] == "submitted" and d[0]["upid"].startswith("UPID:")'
ok $? "--no-wait: result submitted, with the UPID"

# --- audited
run px audit log -j
printf '%s' "$out" | py "
acts = [(r['action'], r['decision'], r['target']) for r in d]
assert ('stopall', 'refused-read-only', 'node/$node') in acts, acts
assert ('stopall', 'refused-unconfirmed', 'node/$node') in acts, acts
assert ('startall', 'task', 'node/$node') in acts, acts"
ok $? "the audit log has the refusals and the tasks, with the node as target"

done_testing
