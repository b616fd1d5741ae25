#!/bin/sh
# px agent: every read of a VM's guest agent in its formats, file-read
# and file-write (through the gate, the content kept out of the audit
# log), a container, a stopped VM, bad paths, -n, read-only, freeze.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
vm=$(px ls guests -H -f tsv -c vmid,type,status | awk '$2 == "qemu" && $3 == "running" { print $1 }' | head -1)
ct=$(px ls guests -H -f tsv -c vmid,type | awk '$2 == "lxc" { print $1 }' | head -1)
off=$(px ls guests -H -f tsv -c vmid,type,status | awk '$2 == "qemu" && $3 == "stopped" { print $1 }' | head -1)
base=$(cat "$PX_CONFIG")

for v in info ping osinfo hostname time users fsinfo net fsfreeze-status; do
	run px agent "$vm" "$v"
	is "$rc" 0 "$v: exit 0"
	run px agent "$vm" "$v" -j
	ok $(json_ok "$out" && echo 0 || echo 1) "$v -j: JSON"
done
run px agent "$vm" info -f tsv -H -c command,enabled
like "$out" '^guest-ping	1$' "info: the agent's commands"
run px agent "$vm" ping -f tsv -H -c vmid,result
is "$out" "$vm	ok" "ping: ok"
run px agent "$vm" osinfo -f tsv -H
like "$out" '^pretty-name	Debian GNU/Linux 12' "osinfo: field and value"
run px agent "$vm" hostname -f tsv -H
like "$out" '^hostname	[a-z]' "hostname"
run px agent "$vm" time -f tsv -H
like "$out" '^time	[0-9]{10}$' "time: epoch seconds"
like "$out" '^timezone	UTC$' "time: the zone"
run px agent "$vm" users -j
printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["user"] == "root" and isinstance(d[0]["login"], int), d'
ok $? "users: user and a login time"
run px agent "$vm" fsinfo -j
printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys
d = json.load(sys.stdin)
r = [x for x in d if x["mountpoint"] == "/"][0]
assert r["total"] > r["used"] > 0 and 0 < r["used_fraction"] < 1 and r["disks"] == "/dev/sda1", r'
ok $? "fsinfo: bytes, fraction, disks"
run px agent "$vm" net -f tsv -H
like "$out" '^eth0	[0-9a-f:]{17}	10\.' "net: an address a row"
run px agent "$vm" fsfreeze-status -f tsv -H
is "$out" "fsfreeze	thawed" "fsfreeze-status"

# --- file-read
run px agent "$vm" file-read /etc/os-release
is "$rc" 0 "file-read: exit 0"
like "$out" '^ID=debian$' "file-read: the content as it is"
run px agent "$vm" file-read /etc/os-release -j
printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["path"] == "/etc/os-release" and "ID=debian" in d["content"] and d["truncated"] is False, d'
ok $? "file-read -j: path, content, truncated"
run px agent "$vm" file-read /nonexistent
is "$rc" 1 "file-read of a missing file: exit 1"
like "$err" 'No such file' "with the agent's message"
run px agent "$vm" file-read etc/passwd
is "$rc" 2 "a relative path: usage"

# --- file-write: any bytes, through the gate
simctl DELETE log >/dev/null
printf 'line one\n\001\033[31mred\n' >"$T/in.txt"
run px agent "$vm" file-write /tmp/px-test --file "$T/in.txt" -n
is "$rc" 0 "file-write -n: exit 0"
like "$out" 'would send: POST /nodes/.*/agent/file-write file=%2Ftmp%2Fpx-test&content=REDACTED&encode=0' "-n: the content is not shown"
is "$(writes)" 0 "-n: nothing sent"
run px agent "$vm" file-write /tmp/px-test --file "$T/in.txt"
is "$rc" 2 "file-write without -y and no terminal: exit 2"
run px agent "$vm" file-write /tmp/px-test --file "$T/in.txt" -y
is "$rc" 0 "file-write: exit 0"
px agent "$vm" file-read /tmp/px-test >"$T/back.txt"
cmp -s "$T/in.txt" "$T/back.txt"; ok $? "read back: the same bytes (controls too, on a pipe)"
run px audit log -f tsv -H
like "$out" 'file-write	vm/'"$vm"'	' "audited"
got=$(sqlite3 "$XDG_DATA_HOME/px/audit.db" 'select params from audit' 2>/dev/null || true)
[ -n "$got" ] || got=$(strings "$XDG_DATA_HOME/px/audit.db")
unlike "$got" 'bGluZSBvbmU|line one' "the content is not in the audit log"
like "$got" 'content=REDACTED' "its place says REDACTED"
printf 'from stdin\n' | px agent "$vm" file-write /tmp/px-in -y >/dev/null 2>&1
is "$(px agent "$vm" file-read /tmp/px-in)" "from stdin" "file-write from standard input"
head -c 50000 /dev/zero >"$T/big"
run px agent "$vm" file-write /tmp/big --file "$T/big" -y
is "$rc" 2 "content larger than PVE takes: usage"
like "$err" 'more than 46080 bytes' "says the limit"
run px agent "$vm" file-write /tmp/x --file "$T/nosuch" -y
is "$rc" 2 "a missing --file: usage"
run px agent "$vm" file-write tmp/x -y
is "$rc" 2 "a relative path: usage"
run px agent "$vm" osinfo --file x
is "$rc" 2 "--file is for file-write"
run px agent "$vm" osinfo -n
is "$rc" 2 "-n is for file-write"

# --- read-only and freeze refuse the write, not the reads
printf '%s\nread_only = true\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px agent "$vm" file-write /tmp/ro --file "$T/in.txt" -y
is "$rc" 8 "read-only: file-write exit 8"
is "$(writes)" 0 "read-only: nothing sent"
run px agent "$vm" osinfo
is "$rc" 0 "read-only: reads go on"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "agent freeze" --ttl 1h >/dev/null 2>&1
run px agent "$vm" file-write /tmp/fr --file "$T/in.txt" -y
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null 2>&1

# --- not an agent's guest
run px agent "$ct" osinfo
is "$rc" 2 "a container: usage"
like "$err" 'no guest agent' "says so"
if [ -n "$off" ]; then
	run px agent "$off" ping
	is "$rc" 1 "a stopped VM: exit 1"
	like "$err" 'not running' "PVE's message"
else
	ok 0 "# skip no stopped VM"
	ok 0 "# skip no stopped VM"
fi
run px agent 999999 ping
is "$rc" 5 "an unknown VMID: exit 5"
run px agent "$vm" nosuch
is "$rc" 2 "an unknown verb: usage"
run px agent "$vm"
is "$rc" 2 "no verb: usage"

done_testing
