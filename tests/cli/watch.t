#!/bin/sh
# px watch: wait for a guest or node to meet conditions (--until), the
# timeout, unknown targets and keys.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jkey() {	# jkey JSON KEY: a key of a JSON object
	printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

guests=$(px cluster resources --type vm -f tsv -c vmid,name,type,node,status)
set -- $(printf '%s\n' "$guests" | awk '$3 == "qemu" && $5 == "running" && $4 != "pve2" { print $1, $2, $4; exit }')
vm=$1 vmname=$2 vmnode=$3
set -- $(printf '%s\n' "$guests" | awk '$3 == "lxc" && $5 == "running" && $4 == "pve2" { print $1, $2; exit }')
ct=$1 ctname=$2
ok $([ -n "$vm" ] && [ -n "$ct" ] && echo 0 || echo 1) "pxsim has a running VM ($vm) and a running container on pve2 ($ct)"

# --- watch
run px watch "$vm" --until status=running --timeout 5
is "$rc" 0 "watch: a condition that holds: exit 0"
like "$out" "target +$vm" "watch prints the target's record"
run px watch -j "$vm" --until 'cpu<=100%' --until 'mem>1K' --until 'uptime>=0s'
ok $(json_ok "$out" && echo 0 || echo 1) "watch -j is valid JSON"
is "$(jkey "$out" status)" running "watch -j: the status"
run px watch "$vm" --until status=stopped --timeout 1 --interval 0.2
is "$rc" 7 "watch: timeout: exit 7"
like "$err" 'timed out' "says it timed out"
run px watch node/pve1 --until status=online --until 'uptime>60'
is "$rc" 0 "watch node/NAME"
run px watch node/nosuch --until status=online
is "$rc" 5 "watch an unknown node: exit 5"
run px watch 99999 --until status=running
is "$rc" 5 "watch an unknown VMID: exit 5"
run px watch "$vm" --until 'colour=blue'
is "$rc" 2 "watch an unknown key: exit 2"
run px watch "$vm" --until 'status>running'
is "$rc" 2 "watch: text compared with > is a usage error"
run px watch "$vm"
is "$rc" 2 "watch without --until: usage error"
simctl DELETE log >/dev/null
run px watch 'node/a/b' --until status=online
is "$rc" 2 "watch node/a/b: usage error"
is "$(sim_log | grep -c .)" 0 "and nothing was sent"

done_testing
