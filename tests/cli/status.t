#!/bin/sh
# px status: a guest's status in every output format, the HA state, a
# container; unknown VMIDs exit 5; a guest on an offline node is shown
# with status unknown, not hidden behind an error.
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

# --- status
run px status "$vm"
is "$rc" 0 "status: exit 0"
like "$out" 'status +running' "status: running"
like "$out" 'qmpstatus +running' "status: qmpstatus"
like "$out" 'pid +[0-9]+' "status: pid"
like "$out" 'agent +(yes|no)' "status: agent"
run px status -j "$vm"
ok $(json_ok "$out" && echo 0 || echo 1) "status -j is valid JSON"
is "$(jkey "$out" vmid)" "$vm" "status -j: one object"
like "$out" '"ha":null' "status -j: ha null when not HA-managed"
like "$out" '"mem":[0-9]+,"maxmem":[0-9]+' "status -j: bytes as integers"
run px status -f tsv -c status,type "$ct"
is "$out" "$(printf 'running\tlxc')" "status -f tsv -c of a container"
run px status -H -c qmpstatus "$ct"
is "$out" "qmpstatus  -" "no qmpstatus for a container"
set -- $(px cluster resources --type vm -f tsv -c vmid,hastate | awk -F'\t' '$2 != "" { print $1, $2; exit }')
if [ -n "$1" ]; then
	run px status -f tsv -c ha "$1"
	is "$out" "$2" "status: the HA state of an HA-managed guest"
else
	ok 0 "# SKIP no HA-managed guest in pxsim"
fi
run px status 99999
is "$rc" 5 "status of an unknown VMID: exit 5"
like "$err" 'no guest with VMID 99999' "with a clear message"

# --- offline node
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px status "$ct"
is "$rc" 0 "status of a guest on an offline node: exit 0"
like "$out" 'status +unknown' "status unknown"
like "$err" 'pve2 does not answer' "a warning says why"
run px status -j "$ct"
like "$out" '"uptime":null' "live figures are null, not 0"
simctl POST offline 'node=pve2&offline=0' >/dev/null

done_testing
