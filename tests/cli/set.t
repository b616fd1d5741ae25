#!/bin/sh
# px set: GET config for the digest, PUT config with it, through the
# gate; the change visible afterwards and shown as old -> new on stderr;
# a stale digest refused by PVE (exit 1); dry run, read-only profile,
# key validation, unknown VMID.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
cfg() { px config "$1" -f tsv | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
pick() {
	px ls guests -j | py "
for g in d:
    if g['type'] == '$1' and g['status'] == '$2' and not g['lock'] and not g['ha']:
        print(g['vmid']); break"
}
vm=$(pick qemu stopped)
ct=$(pick lxc stopped)
live=$(pick qemu running)
[ -n "$vm" ] && [ -n "$ct" ] && [ -n "$live" ] || { echo "Bail out! no plain guests in pxsim"; exit 1; }

# --- success: set and delete, visible afterwards, the diff on stderr
oldmem=$(cfg "$vm" memory)
simctl DELETE log >/dev/null
run px set "$vm" memory=3072 description="set by px" --delete onboot
is "$rc" 0 "set two keys and delete one: exit 0"
log=$(sim_log)
like "$out" "$vm .* set +ok" "the row says ok"
is "$(cfg "$vm" memory)" 3072 "memory changed"
is "$(cfg "$vm" description)" "set by px" "description set"
is "$(cfg "$vm" onboot)" "" "onboot deleted"
like "$err" "memory: $oldmem -> 3072" "stderr shows memory old -> new"
like "$err" "description: \(unset\) -> set by px" "and the new key"
like "$err" "onboot: [^ ]+ -> \(deleted\)" "and the deleted key"
printf '%s\n' "$log" | grep -nE "^(GET|PUT) /api2/json/nodes/[^/]*/qemu/$vm/config " >"$T/seq"
is "$(cut -d' ' -f1 "$T/seq" | cut -d: -f2 | tr '\n' ' ')" "GET PUT " "the config was read first, then one PUT .../config"
run px set "$ct" memory=768 cores=2
is "$rc" 0 "a container: exit 0"
is "$(cfg "$ct" cores)" 2 "its config changed"

# --- the digest is sent: the one just read
d=$(cfg "$vm" digest)
run px set -n "$vm" memory=4096
is "$rc" 0 "dry run: exit 0"
like "$out" "would send: PUT /nodes/[^ ]+/qemu/$vm/config memory=4096&digest=$d" "the request carries the config's current digest"
like "$err" "would set memory: 3072 -> 4096" "dry run shows what would change"
run px set "$vm" memory=4096
run px audit log -j
printf '%s' "$out" | py "
rows = [r for r in d if r['action'] == 'set' and r['decision'] == 'allowed']
assert rows and 'digest=$d' in rows[-1]['params'], rows[-1]"
ok $? "the audit log records the PUT with the digest"

# --- a stale digest: PVE refuses, exit 1, nothing changes
stale=$(cfg "$vm" digest)
run px set "$vm" cores=3	# someone else's change in between
run px set --digest "$stale" "$vm" memory=8192
is "$rc" 1 "a digest of an older config: exit 1"
like "$err" "detected modified configuration" "with PVE's message"
like "$err" "hint: .*changed since it was read" "and a hint"
is "$(cfg "$vm" memory)" 4096 "the config kept the other change only"
run px set --digest 0000 "$vm" memory=8192
is "$rc" 1 "a made-up digest: exit 1"
run px set --digest xyz "$vm" memory=8192
is "$rc" 2 "a malformed digest: exit 2"

# --- a running VM: cold keys become pending, marked in the diff
newmem=$(( $(cfg "$live" memory) + 512 ))
run px set "$live" memory=$newmem description=live
is "$rc" 0 "a running VM: exit 0"
like "$err" "memory: .* -> $newmem \(pending" "memory is marked pending"
unlike "$err" "description: .*pending" "description applies at once"
pendmem() { sim_api GET "nodes/$(px ls guests -H -f tsv -c vmid,node | awk -v v="$live" '$1==v {print $2}')/qemu/$live/pending" | /usr/bin/python3 -c '
import json,sys
d = json.load(sys.stdin)["data"]
print([r.get("pending", "") for r in d if r["key"] == "memory"][0])'; }
is "$(pendmem)" "$newmem" "the new memory is pending"
run px set -n "$live" --revert memory
is "$rc" 0 "--revert -n: exit 0"
like "$out" 'revert=memory' "--revert: PVE's revert parameter"
like "$err" 'would revert the pending change of memory' "says what it would do"
run px set "$live" --revert memory
is "$rc" 0 "--revert: exit 0"
like "$err" 'memory: pending change reverted' "says it"
is "$(pendmem)" "" "the pending memory is gone"
run px set "$live" --revert 'mem ory'
is "$rc" 2 "--revert of a key that is none: usage"
run px set "$live" --raw 'tags=web;prod' --raw description=raw
is "$rc" 0 "--raw key=value: exit 0"
is "$(cfg "$live" description)" "raw" "--raw set the key"
run px set "$live" --raw nokey
is "$rc" 2 "--raw without =: usage"
run px set "$live" --raw description=a description=b
is "$rc" 2 "--raw and a key=value for the same key: usage"

# --- dry run sends nothing
simctl DELETE log >/dev/null
run px set -n "$vm" memory=1024 --delete description
is "$rc" 0 "dry run with --delete: exit 0"
like "$out" "delete=description" "shows the delete"
is "$(writes)" 0 "dry run: no write reached pxsim"
is "$(cfg "$vm" memory)" 4096 "and nothing changed"

# --- read-only profile
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px set "$vm" memory=1024
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- keys
simctl DELETE log >/dev/null
run px set "$vm" 'bad.key=1'
is "$rc" 2 "a key with '.': exit 2"
run px set "$vm" '=1'
is "$rc" 2 "an empty key: exit 2"
run px set "$vm" memory
is "$rc" 2 "no '=': exit 2"
run px set "$vm" memory=1 memory=2
is "$rc" 2 "a key given twice: exit 2"
run px set "$vm" digest=abc
is "$rc" 2 "digest= as a key: exit 2"
run px set "$vm"
is "$rc" 2 "nothing to set: exit 2"
run px set 99999 memory=1024
is "$rc" 5 "unknown VMID: exit 5"
is "$(writes)" 0 "none of these sent a write"
run px set "$vm" no-such-key=1
is "$rc" 1 "a key PVE does not know: exit 1"
like "$err" "no-such-key: property is not defined" "with PVE's parameter error"
run px set "$vm" description='a=b c'
is "$(cfg "$vm" description)" "a=b c" "a value may hold '=' and spaces"
run px set "$vm" "$(printf 'k\033]0;PWNED\007\233')=1"
is "$rc" 2 "a key with control characters: exit 2"
like "$err" "'k\?\]0;PWNED\?\?' is not a config key" "echoed with '?' for each"
unlike "$err" "$(printf '[\033\007\233]')" "and no control character"

# --- secrets: a value PVE keeps secret is not echoed, with -n or not
for n in -n ""; do
	run px set $n "$vm" cipassword=Hunter2 sshkeys=ssh-ed25519%20AAAAsecret
	is "$rc" 0 "set${n:+ $n} cipassword and sshkeys: exit 0"
	like "$err" "cipassword: \(changed\)" "${n:-set}: cipassword shows (changed)"
	like "$err" "sshkeys: \(changed\)" "${n:-set}: sshkeys shows (changed)"
	unlike "$out$err" "Hunter2|AAAAsecret" "${n:-set}: the values appear nowhere"
done
run px set "$vm" --delete cipassword
like "$err" "cipassword: \(deleted\)" "a deleted secret: (deleted)"

done_testing
