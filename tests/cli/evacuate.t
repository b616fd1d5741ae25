#!/bin/sh
# px node evacuate: the plan (targets, HA, blockers) with nothing sent,
# all or nothing, -n, read-only and freeze, a real run against pxsim
# (every guest ends up on other nodes, the HA-managed ones moved through
# HA), --target, a failure stopping the rest; px node suspendall.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
on() { px ls guests -H -f tsv -c vmid,node | awk -v n="$1" '$2 == n { print $1 }'; }
base=$(cat "$PX_CONFIG")
src=pve3
ha=$(px ls guests -H -f tsv -c vmid,node,ha | awk -v n="$src" '$2 == n && $3 != "" { print $1 }')
n=$(on "$src" | wc -l)
ok $([ "$n" -gt 3 ] && [ -n "$ha" ] && echo 0 || echo 1) "$src has $n guests, HA-managed: $(echo $ha)"
# a backup lock would keep a guest there: clear it
for v in $(px ls guests -H -f tsv -c vmid,node,lock | awk -v n="$src" '$2 == n && $3 != "" { print $1 }'); do
	sim_api PUT "nodes/$src/qemu/$v/config" 'delete=lock&skiplock=1' >/dev/null
done

# --- the plan: blockers refuse the whole evacuation, nothing sent
simctl DELETE log >/dev/null
run px node evacuate "$src" -j
is "$rc" 1 "running guests without --online: exit 1"
like "$err" "evacuate $src: $n guests" "the plan is shown first"
like "$err" 'cannot move: .* is running: refused without --online' "with each blocker"
like "$err" "nothing was sent" "says nothing was sent"
printf '%s' "$out" | py "
assert len(d) == $n, len(d)
assert all(r['node'] == '$src' and r['target'] and r['target'] != '$src' for r in d), d
assert {r['result'] for r in d} == {'refused', 'skipped'}, d
assert any('refused without --online' in r['message'] for r in d if r['result'] == 'refused')
ha = [r for r in d if r['action'] == 'ha-migrate']
assert sorted(r['vmid'] for r in ha) == sorted(int(v) for v in '$(echo $ha)'.split()), ha"
ok $? "a row per guest: target, ha-migrate for the HA ones, refused or skipped"
is "$(writes)" 0 "nothing was sent"
blocked=$(printf '%s' "$out" | py "print(' '.join(str(r['vmid']) for r in d if r['result'] == 'refused'))")
run px audit log -f tsv -H
like "$out" "evacuate	" "the refusal is audited"
# a guest refused by its precondition, before its move was built: its
# own row, like every other refusal
nb=0
for v in $blocked; do
	printf '%s\n' "$out" | grep "evacuate	[cv][mt]/$v	refused-precondition	" >/dev/null && nb=$((nb + 1))
done
ok $([ -n "$blocked" ] && [ "$nb" -eq $(echo $blocked | wc -w) ] && echo 0 || echo 1) "each blocked guest's refusal is audited ($nb of $(echo $blocked | wc -w))"

# --- local disks block too
run px node evacuate "$src" --online -n
is "$rc" 1 "local disks without --with-local-disks: exit 1"
like "$err" 'local disk.*refused without --with-local-disks' "says which"

# --- -n: the whole plan, would send, nothing sent
simctl DELETE log >/dev/null
run px node evacuate "$src" --online --with-local-disks -n -j
is "$rc" 0 "-n: exit 0"
for v in $ha; do
	like "$out" "would send: POST /cluster/ha/resources/vm%3A$v/migrate node=pve[0-9]" "-n: HA-managed $v through HA"
done
like "$out" "would send: POST /nodes/$src/(qemu|lxc)/[0-9]+/migrate target=pve[0-9].*online=1" "-n: the others with their own migrate"
printf '%s' "$out" | grep '^\[' | py "assert len(d) == $n and all(r['result'] == 'dry-run' for r in d), d"
ok $? "-n: a dry-run row per guest"
is "$(writes)" 0 "-n: nothing sent"

# --- --target
run px node evacuate "$src" --online --with-local-disks --target pve1 -n -f tsv -H -c vmid,target
is "$rc" 0 "--target -n: exit 0"
is "$(printf '%s\n' "$out" | grep -v '^would' | awk '$2 != "pve1"' | wc -l)" 0 "--target: every guest to pve1"
run px node evacuate "$src" --target "$src" -n
is "$rc" 2 "--target the node itself: usage"
run px node evacuate "$src" --target pve9 -n
is "$rc" 5 "--target no node: exit 5"
run px node evacuate "$src" --target 'pve1;id' -n
is "$rc" 2 "--target malformed: usage"
run px node evacuate pve9 -n
is "$rc" 5 "an unknown node: exit 5"
run px node evacuate 'pve3$(id)' -n
is "$rc" 2 "a malformed node: usage"
run px node evacuate "$src" --vms 101 -n
is "$rc" 2 "--vms is not for evacuate"
run px node evacuate "$src" --no-wait --online -y
is "$rc" 2 "--no-wait: usage"
run px node startall "$src" --online
is "$rc" 2 "--online is evacuate's"

# --- not confirmed, read-only, freeze: nothing sent, nothing moved
simctl DELETE log >/dev/null
run px node evacuate "$src" --online --with-local-disks </dev/null
is "$rc" 2 "without -y on a pipe: exit 2"
like "$err" 'needs -y' "says -y is needed"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px node evacuate "$src" --online --with-local-disks -y
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "evac freeze" --ttl 1h >/dev/null 2>&1
run px node evacuate "$src" --online --with-local-disks -y
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null 2>&1
is "$(writes)" 0 "refused: nothing sent"
is "$(on "$src" | wc -l)" "$n" "every guest still on $src"

# --- the run
simctl DELETE log >/dev/null
run px node evacuate "$src" --online --with-local-disks -y -j
is "$rc" 0 "evacuate: exit 0"
printf '%s' "$out" | py "assert len(d) == $n and all(r['result'] == 'ok' for r in d), [r for r in d if r['result'] != 'ok']"
ok $? "a row per guest, each ok"
like "$err" "\[1/$n\] .* -> pve[0-9]: ok" "a progress line per guest"
like "$err" "\[[0-9]+/$n\] .* -> pve[0-9] \(HA\): ok" "HA ones say so"
is "$(on "$src" | wc -l)" 0 "no guest left on $src"
for v in $ha; do
	is "$(sim_log | grep -c "^POST /api2/json/cluster/ha/resources/vm%3A$v/migrate ")$(sim_log | grep -c "^POST /api2/json/nodes/$src/qemu/$v/migrate ")" "10" "HA-managed $v moved through HA, not its own migrate"
	printf '%s' "$out" | py "r = [x for x in d if x['vmid'] == $v][0]; assert r['action'] == 'ha-migrate', r"
	ok $? "HA-managed $v: action ha-migrate"
	t=$(printf '%s' "$out" | py "print([x for x in d if x['vmid'] == $v][0]['target'])")
	is "$(px ls guests -H -f tsv -c vmid,node | awk -v v="$v" '$1 == v { print $2 }')" "$t" "HA-managed $v runs on its target $t"
done
is "$(sim_log | grep -cE "^POST /api2/json/nodes/$src/(qemu|lxc)/[0-9]+/migrate ")" "$((n - $(echo $ha | wc -w)))" "the others each with their own migrate"
run px audit log -f tsv -H
for v in $ha; do
	like "$out" "evacuate	vm/$v	" "audited: vm/$v"
done
run px node evacuate "$src" -y
is "$rc" 0 "an empty node: nothing to do, exit 0"

# --- a failure stops the rest
simctl POST tasks seconds=30 >/dev/null
src2=pve2
n2=$(on "$src2" | wc -l)
run px node evacuate "$src2" --online --with-local-disks --target pve3 -y --timeout 1 -j
is "$rc" 7 "the first migration times out: exit 7"
printf '%s' "$out" | py "
assert d[0]['result'] == 'failed', d[0]
assert all(r['result'] == 'skipped' for r in d[1:]), d"
ok $? "the first row failed, the rest skipped"
is "$(on "$src2" | wc -l)" "$n2" "the rest stay on $src2"
simctl POST tasks seconds=0 >/dev/null

# --- suspendall
node=pve1
vms=$(px ls guests -H -f tsv -c vmid,type,status,node | awk -v n="$node" '$2 == "qemu" && $3 == "running" && $4 == n' | wc -l)
simctl DELETE log >/dev/null
run px node suspendall "$node" -n
is "$rc" 0 "suspendall -n: exit 0"
like "$out" "would send: POST /nodes/$node/suspendall" "-n: the request"
is "$(writes)" 0 "-n: nothing sent"
run px node suspendall "$node" </dev/null
is "$rc" 2 "suspendall without -y on a pipe: exit 2"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px node suspendall "$node" -y
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
is "$(writes)" 0 "nothing sent"
run px node suspendall "$node" --vms '1;2' -y
is "$rc" 2 "--vms malformed: usage"
run px node suspendall "$node" -y -j
is "$rc" 0 "suspendall: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['action'] == 'suspendall' and r['result'] == 'ok' and ':suspendall:' in r['upid'], r"
ok $? "the row: suspendall, ok, its task"
is "$(px ls guests -H -f tsv -c type,status,node | awk -v n="$node" '$1 == "qemu" && $2 == "running" && $3 == n' | wc -l)" 0 "no VM of $node runs ($vms suspended)"
like "$(px ls guests -H -f tsv -c type,status,node,lock | awk -v n="$node" '$1 == "qemu" && $3 == n')" 'suspended' "hibernated: locked suspended"
ct=$(px ls guests -H -f tsv -c type,status,node | awk -v n="$node" '$1 == "lxc" && $2 == "running" && $3 == n' | wc -l)
ok $([ "$ct" -gt 0 ] && echo 0 || echo 1) "containers are left running ($ct)"

done_testing
