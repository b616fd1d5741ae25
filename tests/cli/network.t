#!/bin/sh
# px network: every node's interfaces in one parallel round, offline
# nodes shown as such, --node validated before sending, --type.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
nodes=$(px ls nodes -H -f tsv -c node | sort | tr '\n' ' ')

for c in "network"; do
	run px $c
	is "$rc" 0 "$c exits 0"
	run px $c -j
	jsonok "$out"; ok $? "$c -j is valid JSON"
	run px $c -f tsv
	is "$rc" 0 "$c -f tsv exits 0"
	simctl DELETE log >/dev/null
	run px $c --node 'pve1/x'
	is "$rc" 2 "$c --node with / exits 2"
	is "$(sim_log | grep -c .)" 0 "$c: nothing sent for a bad node name"
done

run px network -j
is "$(pyq "$out" 'print(" ".join(sorted(set(r["node"] for r in d))) + " ")')" "$nodes" "network covers every node"
run px network --node pve2 -j
is "$(pyq "$out" 'print(set(r["node"] for r in d) == {"pve2"})')" True "--node pve2: only pve2"
like "$(pyq "$out" 'print([r["ports"] for r in d if r["type"]=="bridge"])')" "bond0" "a bridge lists its ports"
run px network --type bridge -j
is "$(pyq "$out" 'print(all(r["type"]=="bridge" for r in d))')" True "--type bridge filters"
run px network --node nosuch
is "$rc" 5 "an unknown node exits 5"

# one round trip: GET /nodes, then one GET per node
simctl DELETE log >/dev/null
px network >/dev/null
is "$(sim_log | grep -c 'GET /api2/json/nodes/[^/]*/network')" "$(echo $nodes | wc -w)" "one network GET per node"

# an offline node shows as such, the others still print
simctl POST offline 'node=pve3&offline=1' >/dev/null
simctl DELETE log >/dev/null
run px network -j
is "$rc" 0 "an offline node is not an error (exit 0)"
jsonok "$out"; ok $? "still valid JSON"
like "$(pyq "$out" 'print([r["error"] for r in d if r["node"]=="pve3"])')" "offline" "pve3 has a row saying offline"
is "$(pyq "$out" 'print(any(r["node"]=="pve1" and r["iface"] for r in d))')" True "pve1 still prints"
is "$(sim_log | grep -c 'nodes/pve3/network')" 0 "the offline node is not asked"
simctl POST offline 'node=pve3&offline=0' >/dev/null

done_testing
