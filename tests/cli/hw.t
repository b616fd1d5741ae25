#!/bin/sh
# px hw pci|usb|conflicts: every node's devices in one parallel round,
# offline nodes shown as such, --node validated before sending.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

for c in "hw pci" "hw usb"; do
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
run px hw pci
is "$rc" 0 "hw pci with a node offline exits 0"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# hw conflicts
run px hw conflicts -j
jsonok "$out"; ok $? "hw conflicts -j is valid JSON"
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "hw conflicts exits 0 or 1 (exit $rc)"

done_testing
