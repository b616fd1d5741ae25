#!/bin/sh
# px ha's changes: resource add|set|remove, rule create|set|delete (PVE 9),
# group create|set|delete (PVE 8), migrate and relocate -- every output
# format, -n sends nothing, the pre-flight checks, a stale digest,
# read-only and freeze, a 403, bad input, the wrong form for the server's
# version; and pxsim's answers as PVE's.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
formats() {	# formats NAME ARGS...: every format prints, JSON parses
	name=$1; shift
	run px "$@"
	is "$rc" 0 "$name: exit 0"
	run px "$@" -j
	ok $(json_ok "$out" && echo 0 || echo 1) "$name -j is valid JSON"
	run px "$@" -f jsonl
	ok $(jsonl_ok "$out" && echo 0 || echo 1) "$name -f jsonl: JSON lines"
	run px "$@" -f tsv
	ok $([ "$rc" -eq 0 ] && [ -n "$out" ] && echo 0 || echo 1) "$name -f tsv prints rows"
}
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
field() { px ha "$1" show "$2" -f tsv -H -c field,value | awk -F'\t' -v k="$3" '$1 == k { print $2 }'; }

# guests not under HA: a running VM, a stopped VM, a container
guests=$(px ls guests -f tsv -H -c vmid,type,status,ha,template)
vm=$(printf '%s\n' "$guests" | awk -F'\t' '$2 == "qemu" && $3 == "running" && $4 != "yes" && $5 != "yes" { print $1; exit }')
vm2=$(printf '%s\n' "$guests" | awk -F'\t' -v a="$vm" '$2 == "qemu" && $3 == "running" && $4 != "yes" && $5 != "yes" && $1 != a { print $1; exit }')
ct=$(printf '%s\n' "$guests" | awk -F'\t' '$2 == "lxc" && $4 != "yes" && $5 != "yes" { print $1; exit }')
ok $([ -n "$vm" ] && [ -n "$vm2" ] && [ -n "$ct" ] && echo 0 || echo 1) "guests to work with: VM $vm, VM $vm2, CT $ct"

# --- resource add: -n sends nothing; a bare VMID takes its guest's type
simctl DELETE log >/dev/null
run px ha resource add "$vm" --state started --max_restart 2 -n
is "$rc" 0 "resource add -n: exit 0"
like "$out" "would send: POST /cluster/ha/resources state=started&max_restart=2&sid=vm%3A$vm" "resource add -n: the request, vm:$vm"
is "$(writes)" 0 "resource add -n: nothing sent"
run px ha resource add "$vm" --state started --max_restart 2 -j
is "$rc" 0 "resource add: exit 0"
like "$out" "\"name\":\"vm:$vm\".*\"action\":\"create\".*\"result\":\"ok\"" "resource add: the row"
run px ha resource add "$ct" --comment "the dns"
is "$rc" 0 "resource add of a container"
run px ha resources -f tsv -H -c sid,type,state,max_restart
like "$out" "vm:$vm	vm	started	2" "resources: the new VM resource"
like "$out" "ct:$ct	ct	started	1" "resources: the container as ct:"
formats "resource list" ha resource list
formats "resource show" ha resource show "vm:$vm"
run px ha resource show "$vm" -j
like "$out" "\"sid\":\"vm:$vm\".*\"max_restart\":2" "resource show by VMID"
run px ha resource add "vm:$vm"
is "$rc" 1 "adding it twice: PVE refuses"
like "$err" "create resource failed: resource ID 'vm:$vm' already defined" "with PVE's message"

# --- resource set, with the digest
simctl DELETE log >/dev/null
run px ha resource set "vm:$vm" --comment "web front" --max_relocate 3 -n
like "$out" "would send: PUT /cluster/ha/resources/vm%3A$vm comment=web%20front&max_relocate=3&digest=[0-9a-f]{40}" "resource set -n: the change and the digest"
is "$(writes)" 0 "resource set -n: nothing sent"
run px ha resource set "vm:$vm" --comment "web front" --max_relocate 3
is "$rc" 0 "resource set: exit 0"
is "$(field resource "vm:$vm" comment)/$(field resource "vm:$vm" max_relocate)" "web front/3" "resource show sees the change"
old=$(field resource "vm:$vm" digest)
sim_api PUT "cluster/ha/resources/ct:$ct" 'comment=changed%20meanwhile' >/dev/null
run px ha resource set "vm:$vm" --comment "late" --raw digest="$old"
is "$rc" 1 "a stale digest: refused"
like "$err" "detected modified configuration" "with PVE's message"
is "$(field resource "vm:$vm" comment)" "web front" "and nothing changed"
run px ha resource set "vm:$vm"
is "$rc" 2 "resource set without a change: usage error"

# --- rules (PVE 9)
simctl DELETE log >/dev/null
run px ha rule create pin-web --type node-affinity --resources "vm:$vm" --nodes pve1:2,pve2 --strict -n
like "$out" "would send: POST /cluster/ha/rules resources=vm%3A$vm&nodes=pve1%3A2%2Cpve2&strict=1&rule=pin-web&type=node-affinity" "rule create -n: the request"
is "$(writes)" 0 "rule create -n: nothing sent"
run px ha rule create pin-web --type node-affinity --resources "vm:$vm" --nodes pve1:2,pve2 --strict --comment "web on pve1"
is "$rc" 0 "rule create node-affinity"
run px ha rule create apart --type resource-affinity --resources "vm:$vm,ct:$ct" --affinity negative
is "$rc" 0 "rule create resource-affinity"
formats "rule list" ha rule list
formats "rule show" ha rule show pin-web
run px ha rules -f tsv -H -c rule,type,resources,nodes,affinity,strict
like "$out" "pin-web	node-affinity	vm:$vm	pve1:2,pve2		1" "rules: the node-affinity rule"
like "$out" "apart	resource-affinity	vm:$vm,ct:$ct		negative	0" "rules: the resource-affinity rule"
simctl DELETE log >/dev/null
run px ha rule set pin-web --nodes pve1:2,pve2,pve3 -n
like "$out" "would send: PUT /cluster/ha/rules/pin-web nodes=pve1%3A2%2Cpve2%2Cpve3&type=node-affinity&digest=[0-9a-f]{40}" "rule set -n: the type PVE's PUT requires, and the digest"
is "$(writes)" 0 "rule set -n: nothing sent"
run px ha rule set pin-web --nodes pve1:2,pve2,pve3
is "$rc" 0 "rule set"
is "$(field rule pin-web nodes)" "pve1:2,pve2,pve3" "rule show sees the change"
run px ha rule set pin-web --type resource-affinity --comment x
is "$rc" 2 "rule set to another type: usage error"
like "$err" "cannot change" "says a type cannot change"
run px ha rule set apart --nodes pve1
is "$rc" 2 "a resource-affinity rule takes no --nodes"
run px ha rule create one --type resource-affinity --resources "vm:$vm" --affinity positive
is "$rc" 1 "a resource-affinity rule of one resource: PVE refuses"
like "$err" "less than two resources" "with PVE's reason"
run px ha rule create ghost --type node-affinity --resources vm:99999 --nodes pve1
is "$rc" 1 "a rule of an unmanaged resource: PVE refuses"
like "$err" "cannot use unmanaged resource\(s\) vm:99999" "with PVE's message"
run px ha rule create far --type node-affinity --resources "vm:$vm" --nodes nosuchnode
like "$err" "cannot use non-existant node\(s\) nosuchnode" "an unknown node: PVE's message"
run px ha rule create pin-web --type node-affinity --resources "vm:$vm" --nodes pve1
like "$err" "HA rule 'pin-web' already defined" "a duplicate rule: PVE's message"
run px ha rule show nosuch
is "$rc" 5 "rule show of an unknown rule: exit 5"
run px ha rule delete nosuch -y
is "$rc" 5 "rule delete of an unknown rule: exit 5 (PVE would say nothing)"

# --- migrate and relocate
node=$(px ls guests -f tsv -H -c vmid,node | awk -F'\t' -v v="$vm" '$1 == v { print $2 }')
other=$(for n in pve1 pve2 pve3; do [ "$n" != "$node" ] && echo $n; done | head -1)
simctl DELETE log >/dev/null
run px ha migrate "vm:$vm" "$other" -n
is "$rc" 0 "migrate -n: exit 0"
like "$out" "would send: POST /cluster/ha/resources/vm%3A$vm/migrate node=$other" "migrate -n: the request"
is "$(writes)" 0 "migrate -n: nothing sent"
run px ha migrate "$vm" "$other" -j
is "$rc" 0 "migrate: exit 0"
like "$out" '"action":"migrate".*"result":"ok"' "migrate: the row"
is "$(px ls guests -f tsv -H -c vmid,node | awk -F'\t' -v v="$vm" '$1 == v { print $2 }')" "$other" "migrate: the HA manager moved it to $other"
run px ha migrate "vm:$vm" pve4
is "$rc" 5 "migrate to a node the cluster lacks: exit 5"
run px ha relocate "vm:$vm" "$node" -y -n
like "$err" "Warning +HaRelocateStops" "relocate of a running guest: HaRelocateStops"
run px ha migrate "ct:$ct" pve1
is "$rc" 0 "migrate of a container"

# --- pre-flight checks: a Severe one refuses, --allow-risk passes;
# warnings are shown and do not refuse
px ha rule set pin-web --nodes pve1:2,pve2 >/dev/null 2>&1
simctl DELETE log >/dev/null
run px ha migrate "vm:$vm" pve3 -n
is "$rc" 6 "HaTargetForbidden: exit 6, with -n too"
like "$err" "Severe +HaTargetForbidden.*strict node-affinity rule pin-web" "names the check and the rule"
run px ha migrate "vm:$vm" pve3
is "$rc" 6 "HaTargetForbidden: exit 6"
is "$(writes)" 0 "a refused change sends nothing"
run px ha migrate "vm:$vm" pve3 --allow-risk
is "$rc" 0 "HaTargetForbidden: --allow-risk passes"
simctl DELETE log >/dev/null
run px ha resource set "vm:$vm2" --state stopped
is "$rc" 5 "set of a guest that is not an HA resource: exit 5"
run px ha resource add "$vm2" --state stopped -y -n
is "$rc" 0 "HaStateStopsGuest is a warning: exit 0"
like "$err" "Warning +HaStateStopsGuest.*vm:$vm2.*runs on" "names the check and the guest"
is "$(writes)" 0 "-n: nothing sent"
run px ha resource add "$vm2" -y
is "$rc" 0 "add it started"
unlike "$err" "HaStateStopsGuest" "started: no finding"
run px ha resource set "vm:$vm2" --state disabled
is "$rc" 0 "set it disabled"
like "$err" "Warning +HaStateStopsGuest" "with the warning"
run px ha resource remove "vm:$vm2" -y
is "$rc" 0 "remove a disabled resource"
like "$err" "Warning +HaResourceRemoved.*HA state disabled" "a HaResourceRemoved warning names its state"
simctl DELETE log >/dev/null
run px ha resource remove "vm:$vm" -y -n
is "$rc" 0 "remove of a started resource -n: exit 0"
like "$err" "Warning +HaResourceRemoved.*vm:$vm.*HA state started" "HaResourceRemoved names it"
like "$err" "Warning +HaRulesPurged.*(apart.*pin-web|pin-web.*apart)" "HaRulesPurged names the rules PVE changes"
is "$(writes)" 0 "-n: nothing sent"

# --- read-only profile and freeze: exit 8 for every verb
base=$(cat "$PX_CONFIG")
verbs="resource add $vm2|resource set vm:$vm --comment x|resource remove vm:$vm|rule create r9 --type node-affinity --resources vm:$vm --nodes pve1|rule set pin-web --comment x|rule delete pin-web|migrate vm:$vm pve1|relocate vm:$vm pve1"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
IFS='|'; set -- $verbs; unset IFS
for v in "$@"; do
	simctl DELETE log >/dev/null
	run sh -c "px ha $v -y --allow-risk"
	is "$rc" 8 "read-only: ha $v: exit 8"
	is "$(writes)" 0 "read-only: ha $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "HA change window closed" --ttl 1h >/dev/null 2>&1
for v in "$@"; do
	simctl DELETE log >/dev/null
	run sh -c "px ha $v -y --allow-risk"
	is "$rc" 8 "frozen: ha $v: exit 8"
	is "$(writes)" 0 "frozen: ha $v: nothing sent"
done
like "$err" "HA change window closed" "frozen: the reason"
px incident thaw --reason done >/dev/null 2>&1

# --- 403: exit 4 with PVE's message
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px ha resource add "$vm2"
is "$rc" 4 "without Sys.Console: exit 4"
like "$err" "Permission check failed \(/, Sys.Console\)" "with PVE's message"
PX_CONFIG="$T/aud.conf" run px ha rule delete pin-web -y
is "$rc" 4 "rule delete without Sys.Console: exit 4"

# --- bad input: a clear error, nothing sent, nothing changed
before=$(px ha resources -f tsv -H; px ha rules -f tsv -H)
simctl DELETE log >/dev/null
for bad in "resource add vm:abc" "resource add qemu:$vm" "resource add 'vm:$vm;rm'" "resource add ../$vm" \
	"resource show '$(printf 'vm:1\033[2J')'" "resource add 'vm:$vm \$(id)'" "rule create 9bad --type node-affinity --resources vm:$vm --nodes pve1" \
	"rule create a/b --type node-affinity --resources vm:$vm --nodes pve1" \
	"rule create ok1 --type bogus --resources vm:$vm" "rule create ok1 --type node-affinity --resources vm:$vm" \
	"rule create ok1 --type node-affinity --resources $vm --nodes pve1" \
	"rule create ok1 --type node-affinity --resources vm:$vm --nodes pve1:x" \
	"rule create ok1 --type node-affinity --resources vm:$vm --nodes pve1 --affinity negative" \
	"rule create ok1 --type resource-affinity --resources vm:$vm,ct:$ct" \
	"resource set vm:$vm --state running" "resource set vm:$vm --max_restart -1" \
	"resource set vm:$vm --failback 2" "resource set vm:$vm --nodes pve1" "resource add $vm2 --type node-affinity" \
	"resource bogus vm:$vm" "rule bogus x1" "rule list extra" "resource" "migrate vm:$vm" "migrate vm:$vm pve1/../x" "resource remove vm:$vm --comment x"; do
	run sh -c "px ha $bad -y"
	is "$rc" 2 "ha $bad: usage error"
done
unlike "$err" "$(printf '\033')" "an escape sequence is never echoed raw"
run px ha resource add "$(printf 'vm:1\033[2J')"
like "$err" "is not an HA resource" "a hostile SID: says what a SID is"
unlike "$err" "$(printf '\033')" "and does not echo the escape"
run px ha resource add "ct:$vm"
is "$rc" 2 "ct: for a VM: usage error"
like "$err" "guest $vm is a VM: its HA resource is vm:$vm" "says which SID it is"
run px ha resource add 99999
is "$rc" 5 "an unknown guest: exit 5"
is "$(writes)" 0 "bad input sent nothing"
is "$(px ha resources -f tsv -H; px ha rules -f tsv -H)" "$before" "and changed nothing"

# --- rule and resource delete, and PVE 9's purge of the rules
run px ha rule delete apart -y -j
is "$rc" 0 "rule delete"
like "$out" '"action":"delete".*"result":"ok"' "rule delete: the row"
run px ha rule show apart
is "$rc" 5 "the rule is gone"
run px ha resource remove "vm:$vm" -y
is "$rc" 0 "resource remove"
run px ha rule show pin-web
is "$rc" 5 "PVE deleted the rule that named only it"
run px ha resource show "vm:$vm"
is "$rc" 5 "the resource is gone"

# --- groups on PVE 9: migrated to rules
simctl DELETE log >/dev/null
run px ha group create g1 --nodes pve1
is "$rc" 2 "PVE 9: group create is a usage error"
like "$err" "migrated the HA groups to rules: use px ha rule create" "says to use a node-affinity rule"
run px ha resource set "ct:$ct" --group g1
is "$rc" 2 "PVE 9: --group is a usage error"
is "$(writes)" 0 "nothing sent"
run px ha groups
is "$rc" 0 "PVE 9: ha groups: exit 0, an empty list"
like "$err" "migrated them to rules" "with a note where to look"

# --- PVE 8: groups, and no rules
sim_restart --pve-version 8.4
guests=$(px ls guests -f tsv -H -c vmid,type,status,ha,template)
vm=$(printf '%s\n' "$guests" | awk -F'\t' '$2 == "qemu" && $4 != "yes" && $5 != "yes" { print $1; exit }')
simctl DELETE log >/dev/null
run px ha rule create r1 --type node-affinity --resources "vm:$vm" --nodes pve1
is "$rc" 2 "PVE 8: rule create is a usage error"
like "$err" "HA rules came with PVE 9; this server runs PVE 8.4" "says why and what to use"
run px ha resource add "$vm" --failback 0
is "$rc" 2 "PVE 8: --failback is a usage error"
is "$(writes)" 0 "nothing sent"
run px ha rules
is "$rc" 0 "PVE 8: ha rules: exit 0, an empty list"
like "$err" "no HA rules" "with a note"
run px ha group create db --nodes pve1:2,pve2 --restricted -n
like "$out" "would send: POST /cluster/ha/groups nodes=pve1%3A2%2Cpve2&restricted=1&group=db" "group create -n: the request"
is "$(writes)" 0 "group create -n: nothing sent"
run px ha group create db --nodes pve1:2,pve2 --restricted --comment "the databases"
is "$rc" 0 "group create"
formats "group list" ha group list
formats "group show" ha group show db
run px ha groups -f tsv -H -c group,nodes,restricted,comment
like "$out" "db	pve1:2,pve2	1	the databases" "groups: the new group"
run px ha group create db --nodes pve1
like "$err" "ha group ID 'db' already defined" "a duplicate group: PVE's message"
run px ha group set db --nofailback -n
like "$out" "would send: PUT /cluster/ha/groups/db nofailback=1&digest=[0-9a-f]{40}" "group set -n: with the digest"
run px ha group set db --nofailback --nodes pve1:2,pve2,pve3
is "$rc" 0 "group set"
is "$(field group db nofailback)" 1 "group show sees the change"
old=$(field group db digest)
sim_api POST cluster/ha/groups 'group=other&nodes=pve3' >/dev/null
run px ha group set db --comment late --raw digest="$old"
is "$rc" 1 "group set with a stale digest: refused"
like "$err" "detected modified configuration" "with PVE's message"
run px ha resource add "$vm" --group db --state stopped
is "$rc" 0 "PVE 8: a resource in a group"
run px ha migrate "vm:$vm" pve3 -n
is "$rc" 0 "migrate to a node of the (restricted) group"
run px ha group set db --nodes pve1 -y
run px ha migrate "vm:$vm" pve3 -n
is "$rc" 6 "migrate out of a restricted group: HaTargetForbidden"
like "$err" "restricted group db" "names the group"
run px ha group delete db -y
is "$rc" 1 "delete of a group in use: PVE refuses"
like "$err" "ha group is used by service 'vm:$vm'" "with PVE's message"
run px ha resource remove "vm:$vm" -y
is "$rc" 0 "remove the stopped resource: no Severe finding"
run px ha group delete db -y
is "$rc" 0 "group delete"
run px ha group show db
is "$rc" 5 "the group is gone"
printf '%s\nread_only = yes\n' "$(cat "$PX_CONFIG")" >"$T/ro.conf"; chmod 600 "$T/ro.conf"
for v in "group create g2 --nodes pve1" "group set other --comment x" "group delete other"; do
	simctl DELETE log >/dev/null
	PX_CONFIG="$T/ro.conf" run sh -c "px ha $v -y"
	is "$rc" 8 "read-only: ha $v: exit 8"
	is "$(writes)" 0 "read-only: ha $v: nothing sent"
done

# --- pxsim answers as PVE
is "$(sim_api_status POST cluster/ha/resources 'sid=bogus')" 400 "pxsim: a malformed sid: 400"
like "$(sim_api POST cluster/ha/resources 'sid=bogus')" '"errors":\{"sid":"value does not look like a valid ha resource id"' "pxsim: with the errors object"
like "$(sim_api POST cluster/ha/resources 'sid=vm:99999')" "resource 'vm:99999' does not exist in cluster" "pxsim: an unknown guest"
like "$(sim_api POST cluster/ha/resources 'sid=99999')" "unable to detect SID from VMID - VM/CT 99999 does not exist" "pxsim: an unknown VMID"
like "$(sim_api DELETE cluster/ha/resources/vm:99999)" "cannot delete service 'vm:99999', not HA managed" "pxsim: remove of what is not managed"
is "$(sim_api_status POST cluster/ha/resources "sid=vm:$vm&failback=1")" 400 "pxsim PVE 8: failback is not in the schema"
is "$(sim_api_status GET cluster/ha/rules)" 501 "pxsim PVE 8: no rules API"
done_testing
