#!/bin/sh
# px find: a guest by VMID or name, in every output format, across
# profiles (-A, -p), one of which fails; unknown VMIDs exit 5; a guest on
# an offline node is shown, not hidden behind an error.
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
is "$out" "" "find: nothing on stdout, no empty table"
like "$err" "no guest with VMID '99999'" "the message alone, on stderr"
run px find -j 99999
is "$rc$out" "5" "find -j: exit 5 and nothing on stdout either"
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

# --- offline node
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px find "$ct"
like "$out" "pve2 +unknown" "find shows the guest with status unknown"
simctl POST offline 'node=pve2&offline=0' >/dev/null

done_testing
