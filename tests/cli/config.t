#!/bin/sh
# px config: a guest's configuration in every output format, --pending,
# --current, a container; unknown and malformed VMIDs.
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

# --- config
run px config "$vm"
is "$rc" 0 "config: exit 0"
like "$out" '^KEY +VALUE' "config: header"
like "$out" "name +$vmname" "config: the name"
like "$out" 'memory +[0-9]+' "config: memory"
run px config -j "$vm"
ok $(json_ok "$out" && echo 0 || echo 1) "config -j is valid JSON"
like "$out" '^\[\{"key":"' "config -j: key/value objects"
run px config -f tsv -c key "$vm"
is "$(printf '%s\n' "$out" | grep -n '^net' | head -1 | cut -d: -f2)" "net0" "config: keys in natural order"
sim_api PUT "nodes/$vmnode/qemu/$vm/config" 'description=line one%0Aline two with needle-42&cores=3' >/dev/null
run px config -j -c key,value "$vm"
like "$out" '"key":"description","value":"line one\\nline two with needle-42"' "a description keeps its newline in JSON"
run px config -f tsv "$vm"
like "$out" 'description	line one\\nline two' "and is escaped in TSV"
run px config --pending -j "$vm"
ok $(json_ok "$out" && echo 0 || echo 1) "config --pending -j is valid JSON"
like "$out" '"key":"cores","value":"[0-9]+","pending":(null|"3"),"delete":0' "pending: value, pending, delete"
run px config --current -f tsv -c key "$vm"
like "$out" 'cores' "config --current"
run px config --current --pending "$vm"
is "$rc" 2 "--current with --pending: usage error"
run px config "$ct"
like "$out" 'hostname|rootfs' "config of a container"
run px config 99999
is "$rc" 5 "config of an unknown VMID: exit 5"
like "$err" 'no guest with VMID 99999' "with a clear message"
run px config abc
is "$rc" 2 "config abc: usage error"

done_testing
