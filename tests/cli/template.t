#!/bin/sh
# px template: irreversible, asks or needs -y; dry run; already a
# template, an unknown VMID; the clone of a template.
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

# --- template: irreversible, asks or needs -y
simctl DELETE log >/dev/null
run px template "$vm2" </dev/null
is "$rc" 2 "template without -y on a pipe: exit 2"
like "$err" "cannot be undone.*needs -y" "says why"
is "$(writes)" 0 "nothing was sent"
run px template -n -y "$vm2"
like "$out" "would send: POST /nodes/[^ ]+/qemu/$vm2/template" "dry run shows the request"
is "$(writes)" 0 "dry run: nothing was sent"
run px template -y "$vm2"
is "$rc" 0 "template -y: exit 0"
px ls guests -j | py "assert [g for g in d if g['vmid'] == $vm2][0]['template']"
ok $? "px ls shows it as a template"
run px template -y "$vm2"
is "$rc" 1 "already a template: exit 1"
like "$err" "already a template" "says so"
run px template -y 99999
is "$rc" 5 "an unknown VMID: exit 5"
run px clone "$vm2" --newid 4600 --name from-template
is "$rc" 0 "a clone of the template: exit 0"
is "$(field 4600 name)" "from-template" "appears"

done_testing
