#!/bin/sh
# px ha: resources, rules, groups, status, preview of a node failure.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

run px ha resources
is "$rc" 0 "ha resources exits 0"
like "$out" '^SID +VMID +TYPE +NAME +NODE +STATE' "table header"
like "$out" 'vm:[0-9]+ +[0-9]+ +vm' "a resource row"
run px ha resources -j
jsonok "$out"; ok $? "ha resources -j is valid JSON"
is "$(pyq "$out" 'print(sorted(d[0].keys()) == sorted(["sid","vmid","type","name","node","state","group","max_restart","max_relocate","failback","comment"]))')" True "resources JSON keys"
run px ha resources -f tsv -c sid,vmid
like "$out" '^vm:[0-9]+	[0-9]+$' "tsv with -c"

run px ha rules -j
is "$rc" 0 "ha rules exits 0"
jsonok "$out"; ok $? "ha rules -j is valid JSON"
is "$(pyq "$out" 'print(all(isinstance(r["strict"], bool) for r in d))')" True "strict is a boolean"
run px ha rules -f jsonl
is "$rc" 0 "ha rules -f jsonl exits 0"
printf '%s\n' "$out" | while read -r l; do jsonok "$l" || echo bad; done | grep -q bad
ok $([ $? -ne 0 ] && echo 0 || echo 1) "ha rules jsonl: every line is JSON"
run px ha groups -f jsonl
is "$rc" 0 "ha groups exits 0 on PVE 9 (its groups migrated to rules)"
is "$out" "" "and lists none"
like "$err" "PVE 9 migrated them to rules" "with a note on stderr"
run px ha status
is "$rc" 0 "ha status exits 0"
like "$out" 'quorum +quorum' "the quorum row"
run px ha status -j
jsonok "$out"; ok $? "ha status -j is valid JSON"

# --- preview
run px ha preview
is "$rc" 2 "preview without --node is a usage error"
simctl DELETE log >/dev/null
run px ha preview --node 'pve1/../x'
is "$rc" 2 "a node name with / exits 2"
is "$(sim_log | grep -c .)" 0 "and nothing is sent"
run px ha preview --node nosuch
is "$rc" 5 "an unknown node exits 5"
run px ha preview --node pve1 -j
is "$rc" 0 "preview exits 0"
jsonok "$out"; ok $? "preview -j is valid JSON"
is "$(pyq "$out" 'print(all(r["target"] != "pve1" for r in d))')" True "nothing moves to the failed node"
is "$(pyq "$out" 'print(all(r["target"] == "no target" for r in d if r["sid"] is None))')" True "guests not HA-managed have no target"
is "$(pyq "$out" 'print(all(r["reason"] for r in d))')" True "every row says why"
# the negative resource-affinity rule keeps vm:106 and vm:133 apart
run px ha preview --node pve3 -j
t106=$(pyq "$out" 'print([r["target"] for r in d if r["sid"]=="vm:106"][0])' 2>/dev/null)
n133=$(px ha resources -f tsv -c sid,node | awk '$1 == "vm:133" {print $2}')
ok $([ -n "$t106" ] && [ "$t106" != "$n133" ] && echo 0 || echo 1) "vm:106 does not go where vm:133 runs ($t106 vs $n133)"
simctl DELETE log >/dev/null
px ha preview --node pve1 >/dev/null
is "$(sim_log | grep -c 'GET')" 5 "preview reads its inputs in one round of 5 GETs"
run px ha bogus
is "$rc" 2 "an unknown view exits 2"
run px ha -h
is "$rc" 0 "-h exits 0"
like "$out" 'usage: px ha' "and prints the usage"
done_testing
