#!/bin/sh
# px search: guests by name, description, address or tag; one request
# for names and tags; an offline node still finds names.
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

# a description to find
sim_api PUT "nodes/$vmnode/qemu/$vm/config" 'description=line one%0Aline two with needle-42&cores=3' >/dev/null

# --- search
run px search "$vmname"
is "$rc" 0 "search a name: exit 0"
like "$out" "^ *$vm +$vmname +qemu +$vmnode +running +name +$vmname" "search: name match"
run px search needle-42
like "$out" "$vm .*description +line one" "search finds the description"
run px search -j --in ip "$ct"
is "$rc" 1 "search --in ip for a VMID: nothing, exit 1"
ip=$(px api -j "/nodes/pve2/lxc/$ct/interfaces" | /usr/bin/python3 -c '
import json,sys
for i in json.load(sys.stdin):
    if i["name"] != "lo": print(i["inet"].split("/")[0]); break')
run px search -j --in ip "$ip"
ok $(json_ok "$out" && echo 0 || echo 1) "search -j is valid JSON"
like "$out" "\"vmid\":$ct,.*\"field\":\"ip\",\"value\":\"$ip\"" "search finds the container's address"
is "$(printf '%s' "$out" | grep -o '"field":"ip"' | grep -c .)" 1 "an address in config and interface is one row"
run px search --in tags,name -f tsv -c field prod
is "$(printf '%s\n' "$out" | sort -u)" "tags" "search --in tags: the prod tag"
simctl DELETE log >/dev/null
px search --in name,tags x >/dev/null 2>&1
is "$(sim_log | grep -c .)" 1 "search on names and tags costs one request"
run px search --in nothing x
is "$rc" 2 "search --in with an unknown field: exit 2"

# --- offline node
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px search --in name,description "$ctname"
is "$rc" 0 "search with an offline node still finds names"
like "$err" 'offline nodes: matched on name and tags only' "and warns"
simctl POST offline 'node=pve2&offline=0' >/dev/null

done_testing
