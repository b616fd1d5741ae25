#!/bin/sh
# px clone: the clone appears (next free VMID or --newid, name, target
# node), parameters as sent, refusals before anything is sent, the gate,
# a task that fails.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
field() { px ls guests -f tsv -c "vmid,$2" | awk -F '\t' -v v="$1" '$1 == v { print $2 }'; }
pick() {	# pick qemu|lxc [SKIP]
	px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and not g['lock'] and not g['ha'] and g['type'] == '$1' and not g.get('template') and str(g['vmid']) != '${2-}':
        print(g['vmid']); break"
}
vm=$(pick qemu)
vm2=$(pick qemu "$vm")
ct=$(pick lxc)
[ -n "$vm" ] && [ -n "$vm2" ] && [ -n "$ct" ] || { echo "Bail out! no plain guests in pxsim"; exit 1; }
node=$(field "$vm" node)

# --- the next free VMID
next=$(px api -j /cluster/nextid | tr -d '"')
run px clone -j "$vm" --name web-clone
is "$rc" 0 "clone: exit 0"
printf '%s' "$out" | py "assert d[0]['newid'] == $next and d[0]['result'] == 'ok' and d[0]['newname'] == 'web-clone'"
ok $? "the row: newid from /cluster/nextid ($next), ok"
is "$(field "$next" name)" "web-clone" "the clone appears in px ls with its name"
is "$(field "$next" node)" "$node" "on the source's node"

# --- --newid, --target, --full, --storage, --snapname as sent
t=$(px ls nodes -f tsv -c node | grep -vx "$node" | head -1)
run px clone -n "$vm" --newid 4242 --name x1 --target "$t" --full --storage local-lvm --snapname s1
is "$rc" 0 "dry run: exit 0"
like "$out" "would send: POST /nodes/$node/qemu/$vm/clone newid=4242&name=x1&target=$t&storage=local-lvm&snapname=s1&full=1" \
	"shows every parameter"
run px clone "$ct" --newid 4243 --name ct-clone --target "$t"
is "$rc" 0 "clone of a container to another node: exit 0"
is "$(field 4243 node)" "$t" "it is on the target node"
is "$(field 4243 name)" "ct-clone" "with its hostname"

# --- refusals before anything is sent
simctl DELETE log >/dev/null
run px clone "$vm" --newid "$vm2"
is "$rc" 2 "--newid taken: exit 2"
like "$err" "VMID is taken" "says so"
run px clone "$vm" --newid 42
is "$rc" 2 "--newid below 100: exit 2"
run px clone "$vm" --target 'pve/1'
is "$rc" 2 "a node name with '/': exit 2"
run px clone 99999
is "$rc" 5 "an unknown VMID: exit 5"
is "$(writes)" 0 "none of them sent anything"

# --- the gate
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px clone "$vm" --newid 4300
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "nothing was sent"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- a task that fails: two clones race for one VMID
simctl POST tasks seconds=2 >/dev/null
px clone "$vm" --newid 4500 --no-wait >/dev/null 2>&1
run px clone "$vm2" --newid 4500
simctl POST tasks seconds=0 >/dev/null
is "$rc" 1 "the second clone's task fails: exit 1"
like "$err" "clone failed" "with PVE's error"
like "$out" "$vm2 .* failed" "the row says failed"

done_testing
