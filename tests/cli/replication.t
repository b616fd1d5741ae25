#!/bin/sh
# px replication status|jobs: every node's replication in one parallel
# round, offline nodes shown as such, --node validated before sending.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

for c in "replication status"; do
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

# an offline node shows as such, the others still print
simctl POST offline 'node=pve3&offline=1' >/dev/null
run px replication status
is "$rc" 0 "replication status with a node offline exits 0"
like "$out" 'pve3 .*offline' "and shows it offline"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# replication jobs
run px replication jobs -j
is "$rc" 0 "replication jobs exits 0"
is "$(pyq "$out" 'print(all(isinstance(r["guest"], int) for r in d))')" True "guest is an integer"
run px replication bogus
is "$rc" 2 "an unknown view exits 2"

done_testing
