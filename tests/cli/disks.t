#!/bin/sh
# px disks list|smart: every node's disks in one parallel round, a
# failing node as an error row, --node validated before sending, SMART
# attributes of one disk.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

for c in "disks list" "disks smart"; do
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

# a node whose answer fails: error row, exit 2, others print
simctl POST fault 'rate=1&mode=500&prefix=/nodes/pve2/disks' >/dev/null
run px disks list -j
is "$rc" 2 "a failing node makes the exit 2"
like "$err" "^px disks: pve2: GET /nodes/pve2/disks[^ ]*: 500 " "its reason on stderr"
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

done_testing
