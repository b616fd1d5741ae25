#!/bin/sh
# Per-node fan-out: network, hw, disks, replication status: one parallel
# round, offline nodes shown as such, --node validated before sending.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
nodes=$(px ls nodes -H -f tsv -c node | sort | tr '\n' ' ')

for c in "network" "hw pci" "hw usb" "disks list" "disks smart" "replication status"; do
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
run px hw pci
is "$rc" 0 "hw pci with a node offline exits 0"
run px replication status
is "$rc" 0 "replication status with a node offline exits 0"
like "$out" 'pve3 .*offline' "and shows it offline"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# a node whose answer fails: error row, exit 2, others print
simctl POST fault 'rate=1&mode=500&prefix=/nodes/pve2/disks' >/dev/null
run px disks list -j
is "$rc" 2 "a failing node makes the exit 2"
jsonok "$out"; ok $? "with valid JSON"
is "$(pyq "$out" 'print(any(r["node"]=="pve1" and r["devpath"] for r in d))')" True "the other nodes still print"
simctl DELETE fault >/dev/null

# disks
run px disks smart --disk /dev/sda
is "$rc" 2 "--disk needs --node"
run px disks smart --node pve1 --disk /dev/sda -j
is "$rc" 0 "SMART attributes of one disk"
is "$(pyq "$out" 'print(all(isinstance(r["id"], int) for r in d))')" True "attribute ids are integers"
run px disks smart --node pve1 --disk 'sda'
is "$rc" 2 "a disk that is not a /dev path is a usage error"
run px disks list -j
is "$(pyq "$out" 'print(all(isinstance(r["size"], int) for r in d))')" True "sizes are integers"

# hw conflicts
run px hw conflicts -j
jsonok "$out"; ok $? "hw conflicts -j is valid JSON"
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "hw conflicts exits 0 or 1 (exit $rc)"

# replication jobs
run px replication jobs -j
is "$rc" 0 "replication jobs exits 0"
is "$(pyq "$out" 'print(all(isinstance(r["guest"], int) for r in d))')" True "guest is an integer"
run px replication bogus
is "$rc" 2 "an unknown view exits 2"
done_testing
