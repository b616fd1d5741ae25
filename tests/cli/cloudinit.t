#!/bin/sh
# px cloudinit: show, dump in its formats, set through the gate (the
# password from a 0600 file, never in -n's output nor the audit log; SSH
# keys checked and URL-encoded), regen; hostile input refused with
# nothing sent; -n; read-only and freeze.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
vm=$(px ls guests -H -f tsv -c vmid,type,status | awk '$2 == "qemu" && $3 == "running" { print $1 }' | head -1)
ct=$(px ls guests -H -f tsv -c vmid,type | awk '$2 == "lxc" { print $1 }' | head -1)
node=$(px ls guests -H -f tsv -c vmid,node | awk -v v="$vm" '$1 == v { print $2 }')
base=$(cat "$PX_CONFIG")
printf 's3cret-Pw!\n' >"$T/pw"; chmod 600 "$T/pw"
cat >"$T/keys" <<'K'
# the team
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxkZXlvdXJrZXloZXJl alice@laptop

ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob@desk
K
sim_api PUT "nodes/$node/qemu/$vm/config" "ide2=local-lvm:vm-$vm-cloudinit,media=cdrom" >/dev/null

# --- show before: nothing set
run px cloudinit "$vm" show -j
is "$rc" 0 "show: exit 0"
printf '%s' "$out" | py 'assert d == [], d'
ok $? "show: no cloud-init key yet"

# --- set -n sends nothing and shows no secret
simctl DELETE log >/dev/null
run px cloudinit "$vm" set --ciuser admin --cipassword-file "$T/pw" --sshkeys "$T/keys" --ipconfig0 ip=10.0.0.5/24,gw=10.0.0.1 --nameserver "1.1.1.1 2606:4700::1111" --searchdomain example.org -n
is "$rc" 0 "set -n: exit 0"
like "$out" "would send: PUT /nodes/$node/qemu/$vm/config .*cipassword=REDACTED" "-n: the password is redacted"
unlike "$out$err" 's3cret' "-n: the password appears nowhere"
is "$(writes)" 0 "-n: nothing sent"

# --- set
run px cloudinit "$vm" set --ciuser admin --cipassword-file "$T/pw" --sshkeys "$T/keys" --ipconfig0 ip=10.0.0.5/24,gw=10.0.0.1 --nameserver "1.1.1.1 2606:4700::1111" --searchdomain example.org -j
is "$rc" 0 "set: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['vmid'] == $vm and r['action'] == 'set' and r['result'] == 'ok', r"
ok $? "set: the row"
like "$err" "regen" "set: says how the drive changes"
run sim_api GET "nodes/$node/qemu/$vm/config"
printf '%s' "$out" | py '
c = d["data"]
assert c["ciuser"] == "admin" and c["ipconfig0"] == "ip=10.0.0.5/24,gw=10.0.0.1", c
assert c["sshkeys"] == "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIGxkZXlvdXJrZXloZXJl%20alice%40laptop%0Assh-rsa%20AAAAB3NzaC1yc2EAAAADAQABAAABAQC7%20bob%40desk", c["sshkeys"]
assert c["nameserver"] == "1.1.1.1 2606:4700::1111" and c["searchdomain"] == "example.org"
assert c["cipassword"] == "s3cret-Pw!"'
ok $? "PVE has the keys, sshkeys URL-encoded as encodeURIComponent does"
got=$(sqlite3 "$XDG_DATA_HOME/px/audit.db" 'select params from audit' 2>/dev/null || strings "$XDG_DATA_HOME/px/audit.db")
unlike "$got" 's3cret' "the password is not in the audit log"
like "$got" 'cipassword=REDACTED' "its place says REDACTED"

# --- show: pending values
run px cloudinit "$vm" show -f tsv -H -c key,value,pending,delete
is "$rc" 0 "show: exit 0"
like "$out" '^ciuser		admin	0$' "show: ciuser pending, not on the drive yet"
like "$out" '^cipassword		\*{10}	0$' "show: the password masked by PVE"
run px cloudinit "$vm" show -f jsonl
first=$(printf '%s\n' "$out" | head -1)
printf '%s' "$first" | py 'assert set(d) == {"key","value","pending","delete"}, d'
ok $? "show -f jsonl: key, value, pending, delete"

# --- dump
run px cloudinit "$vm" dump user
is "$rc" 0 "dump user: exit 0"
like "$out" '^#cloud-config$' "dump user: YAML as PVE generates it"
like "$out" '^  - ssh-ed25519 AAAA.* alice@laptop$' "dump user: the keys decoded"
run px cloudinit "$vm" dump network -j
printf '%s' "$out" | py "assert d['vmid'] == $vm and d['type'] == 'network' and \"address: '10.0.0.5/24'\" in d['content'], d"
ok $? "dump network -j: vmid, type, content"
run px cloudinit "$vm" dump meta -f tsv -H
like "$out" "^$vm	meta	instance-id" "dump meta -f tsv"
run px cloudinit "$vm" dump vendor
is "$rc" 2 "dump vendor: usage"

# --- regen
simctl DELETE log >/dev/null
run px cloudinit "$vm" regen -n
is "$(writes)" 0 "regen -n: nothing sent"
run px cloudinit "$vm" regen
is "$rc" 0 "regen: exit 0"
is "$(sim_log | grep -c "^PUT /api2/json/nodes/$node/qemu/$vm/cloudinit ")" 1 "regen: one PUT .../cloudinit"
run px cloudinit "$vm" show -f tsv -H -c key,value,pending
like "$out" '^ciuser	admin	$' "after regen: the drive has it, nothing pending"

# --- delete a key with an empty value
run px cloudinit "$vm" set --searchdomain ""
is "$rc" 0 "set --searchdomain '': exit 0"
run px cloudinit "$vm" show -f tsv -H -c key,delete
like "$out" '^searchdomain	1$' "show: searchdomain deleted since the drive was made"

# --- hostile and malformed input: refused, nothing sent
simctl DELETE log >/dev/null
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx \033[31mevil\n' >"$T/ctl"
run px cloudinit "$vm" set --sshkeys "$T/ctl"
is "$rc" 2 "sshkeys with a control character: usage"
like "$err" 'control character' "says so"
printf 'command="rm -rf /" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx x\n' >"$T/opt"
run px cloudinit "$vm" set --sshkeys "$T/opt"
is "$rc" 2 "a key with options: usage"
printf 'hello\n' >"$T/junk"
run px cloudinit "$vm" set --sshkeys "$T/junk"
is "$rc" 2 "not a key: usage"
run px cloudinit "$vm" set --ciuser 'bob;reboot'
is "$rc" 2 "ciuser with ';': usage"
run px cloudinit "$vm" set --ipconfig0 'ip=10.0.0.5'
is "$rc" 2 "ip without a prefix length: usage"
run px cloudinit "$vm" set --ipconfig1 'ip=dhcp,gw=10.0.0.1'
is "$rc" 2 "a gateway with dhcp: usage"
run px cloudinit "$vm" set --ipconfig0 'ip=10.0.0.5/24,foo=1'
is "$rc" 2 "an unknown ipconfig key: usage"
run px cloudinit "$vm" set --nameserver '1.1.1.1 $(id)'
is "$rc" 2 "a nameserver that is no address: usage"
run px cloudinit "$vm" set --citype cloudy
is "$rc" 2 "an unknown citype: usage"
chmod 644 "$T/pw"
run px cloudinit "$vm" set --cipassword-file "$T/pw"
is "$rc" 3 "a password file others can read: exit 3"
chmod 600 "$T/pw"
run px cloudinit "$vm" set
is "$rc" 2 "set with nothing to set: usage"
run px cloudinit "$vm" show --ciuser x
is "$rc" 2 "show with a set option: usage"
is "$(writes)" 0 "nothing was sent for any of them"

# --- pxsim refuses what PVE refuses
is "$(sim_api_status PUT "nodes/$node/qemu/$vm/config" 'sshkeys=ssh-rsa AAA x')" 400 "pxsim: sshkeys not URL-encoded: 400"
is "$(sim_api_status PUT "nodes/$node/qemu/$vm/config" 'ipconfig0=ip=10.0.0.1/24,bogus=1')" 400 "pxsim: a bad ipconfig: 400"

# --- a container, an unknown VMID
run px cloudinit "$ct" show
is "$rc" 2 "a container: usage"
run px cloudinit 99999 show
is "$rc" 5 "an unknown VMID: exit 5"

# --- read-only and freeze refuse every write, nothing changed
simctl DELETE log >/dev/null
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px cloudinit "$vm" set --ciuser eve -y
is "$rc" 8 "read-only: set exit 8"
run px cloudinit "$vm" regen -y
is "$rc" 8 "read-only: regen exit 8"
run px cloudinit "$vm" show
is "$rc" 0 "read-only: show goes on"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "ci freeze" --ttl 1h >/dev/null 2>&1
run px cloudinit "$vm" set --ciuser eve -y
is "$rc" 8 "frozen: set exit 8"
run px cloudinit "$vm" regen -y
is "$rc" 8 "frozen: regen exit 8"
px incident thaw --reason done >/dev/null 2>&1
is "$(writes)" 0 "read-only and freeze: nothing sent"
run sim_api GET "nodes/$node/qemu/$vm/config"
printf '%s' "$out" | py 'assert d["data"]["ciuser"] == "admin"'
ok $? "ciuser unchanged"

done_testing
