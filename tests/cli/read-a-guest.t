#!/bin/sh
# px find, config, status, search, watch: one guest by VMID or name, in
# every output format; unknown VMIDs exit 5; offline nodes are shown, not
# hidden behind an error.
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

# --- find: by VMID, by name, across profiles
run px find "$vm"
is "$rc" 0 "find VMID: exit 0"
like "$out" "^PROFILE +VMID +NAME +TYPE +NODE +STATUS" "find: header"
like "$out" "sim +$vm +$vmname +qemu +$vmnode +running" "find: profile and node"
run px find -j "$vmname"
ok $(json_ok "$out" && echo 0 || echo 1) "find -j is valid JSON"
like "$out" "\"profile\":\"sim\",\"vmid\":$vm," "find by name, JSON keys"
run px find -f tsv -c node "$(printf '%s' "$vmname" | tr a-z A-Z)"
is "$out" "$vmnode" "find: names match ignoring case"
run px find -f jsonl 'nosuch*'
is "$rc" 5 "find: nothing found: exit 5"
like "$err" "no guest named 'nosuch\*'" "and says so"
run px find 99999
is "$rc" 5 "find: unknown VMID: exit 5"
# a second profile on the same pxsim, and one where nothing listens
sed 's/^\[profile sim\]/[profile other]/' "$PX_CONFIG" | sed -n '/^\[profile other\]/,$p' >"$T/other"
cat "$PX_CONFIG" "$T/other" >"$T/multi.conf"
printf '\n[profile dead]\nurl = https://127.0.0.1:9\nuser = root@pam\ntoken_id = px\ntoken_secret = x\ninsecure = yes\nretries = 0\n' >>"$T/multi.conf"
chmod 600 "$T/multi.conf"
PX_CONFIG="$T/multi.conf" run px find -f tsv -c profile,vmid "$vm"
like "$out" "^sim	$vm" "find -A: found in sim"
like "$out" "other	$vm" "and in the other profile"
like "$out" "dead	" "the dead profile is an error row"
is "$rc" 0 "found: exit 0 even though a profile failed"
PX_CONFIG="$T/multi.conf" run px find -j -c profile,status,error 99999
is "$rc" 2 "not found and a profile failed: exit 2, not 5"
ok $(json_ok "$out" && echo 0 || echo 1) "find with an error row is valid JSON"
like "$out" '"status":"error","error":"' "the error row has the message"
PX_CONFIG="$T/multi.conf" run px find -p other -H "$vm"
like "$out" "^other +$vm" "find -p: that profile only"
is "$(printf '%s\n' "$out" | grep -c .)" 1 "one row"
PX_CONFIG="$T/multi.conf" run px find -A -p other -f tsv -c profile "$vm"
is "$(printf '%s\n' "$out" | grep -c .)" 3 "find -A -p: every profile anyway"

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
run px status "$ct"
is "$rc" 0 "status of a guest on an offline node: exit 0"
like "$out" 'status +unknown' "status unknown"
like "$err" 'pve2 does not answer' "a warning says why"
run px status -j "$ct"
like "$out" '"uptime":null' "live figures are null, not 0"
run px search --in name,description "$ctname"
is "$rc" 0 "search with an offline node still finds names"
like "$err" 'offline nodes: matched on name and tags only' "and warns"
run px find "$ct"
like "$out" "pve2 +unknown" "find shows the guest with status unknown"
simctl POST offline 'node=pve2&offline=0' >/dev/null

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
