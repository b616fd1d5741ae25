#!/bin/sh
# px snapshot: the tree (parents, "current"), create / delete / rollback
# through the gate with the state visible afterwards, confirmation for
# the destructive ones, dry run, unknown names and VMIDs.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
vm=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and not g['lock'] and not g['ha'] and g['type'] == 'qemu': print(g['vmid']); break")
ct=$(px ls guests -j | py "
for g in d:
    if not g['lock'] and not g['ha'] and g['type'] == 'lxc': print(g['vmid']); break")
[ -n "$vm" ] && [ -n "$ct" ] || { echo "Bail out! no plain guests in pxsim"; exit 1; }
names() { px snapshot list -f tsv -c name "$1" | tr '\n' ' '; }

# --- create, and the tree
run px snapshot create "$vm" base --description "first one"
is "$rc" 0 "create: exit 0"
like "$out" "$vm .* snapshot +ok" "the row says ok"
run px snapshot create -j "$vm" second
printf '%s' "$out" | py 'assert d[0]["result"] == "ok" and d[0]["action"] == "snapshot"'
ok $? "create -j: a JSON row"
run px snapshot rollback -y "$vm" base
is "$rc" 0 "rollback -y: exit 0"
run px snapshot create "$vm" branch
run px snapshot list -j "$vm"
printf '%s' "$out" | py '
by = {r["name"]: r for r in d}
assert [r["name"] for r in d] == ["base", "second", "branch", "current"], [r["name"] for r in d]
assert by["base"]["parent"] is None and by["base"]["depth"] == 0
assert by["second"]["parent"] == "base" and by["branch"]["parent"] == "base"
assert by["current"]["parent"] == "branch" and by["current"]["current"] is True
assert by["current"]["depth"] == 2 and by["base"]["current"] is False
assert by["base"]["description"] == "first one" and isinstance(by["base"]["snaptime"], int)'
ok $? "JSON is flat with parent, depth and current; after the rollback, branch hangs off base"
run px snapshot list "$vm"
like "$out" "
  second " "the table indents children"
like "$out" "
    current +branch" "current sits under the snapshot the guest is on"
run px snapshot list "$ct"
is "$rc" 0 "list of a container: exit 0"

# --- delete: destructive, needs -y on a pipe; the snapshot is gone after
simctl DELETE log >/dev/null
run px snapshot delete "$vm" second </dev/null
is "$rc" 2 "delete without -y on a pipe: exit 2"
is "$(writes)" 0 "nothing was sent"
run px snapshot rollback "$vm" base </dev/null
is "$rc" 2 "rollback without -y on a pipe: exit 2"
is "$(writes)" 0 "nothing was sent"
run px snapshot delete -n -y "$vm" second
like "$out" "would send: DELETE /nodes/[^ ]+/qemu/$vm/snapshot/second" "dry run shows the request"
is "$(writes)" 0 "dry run: nothing was sent"
run px snapshot delete -y "$vm" second
is "$rc" 0 "delete -y: exit 0"
is "$(names "$vm")" "base branch current " "second is gone from the list"

# --- unknown snapshot, bad names, unknown VMID, wrong options
simctl DELETE log >/dev/null
run px snapshot delete -y "$vm" nosuch
is "$rc" 5 "an unknown snapshot: exit 5"
like "$err" "no snapshot 'nosuch'" "says so"
is "$(writes)" 0 "nothing was sent"
run px snapshot create "$vm" "bad name"
is "$rc" 2 "an invalid snapshot name: exit 2"
run px snapshot create "$vm" current
is "$rc" 2 "'current' is reserved: exit 2"
run px snapshot create --vmstate "$ct" withram
is "$rc" 2 "--vmstate on a container: exit 2"
run px snapshot list 99999
is "$rc" 5 "an unknown VMID: exit 5"
run px snapshot create 99999 x
is "$rc" 5 "an unknown VMID on create: exit 5"
run px snapshot list -y "$vm"
is "$rc" 2 "list takes no mutation options: exit 2"
run px snapshot frobnicate "$vm"
is "$rc" 2 "an unknown subcommand: exit 2"

# --- the gate
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px snapshot create "$vm" ro
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "nothing was sent"
run px snapshot list "$vm"
is "$rc" 0 "list works on a read-only profile"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- vmstate and description reach PVE
run px snapshot create -n --vmstate --description "with RAM" "$vm" ram
like "$out" "snapname=ram&description=with%20RAM&vmstate=1" "the parameters as sent"

done_testing
