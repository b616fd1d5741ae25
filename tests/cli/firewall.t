#!/bin/sh
# px firewall cluster|guest|node: rules, options and sections as JSON
# and TSV; an unknown VMID, a malformed or missing node name.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
vmid=$(px ls guests -H -f tsv -c vmid --status running | head -1)

# --- firewall
run px firewall cluster -j
is "$rc" 0 "firewall cluster exits 0"
jsonok "$out"; ok $? "firewall cluster -j is valid JSON"
is "$(pyq "$out" 'print(sorted(set(r["section"] for r in d)) <= ["alias","group","group-rule","ipset","option","rule"])')" True "sections are known"
like "$(pyq "$out" 'print(set(r["section"] for r in d))')" "rule" "has rules"
run px firewall cluster -f tsv -c section,name,value
like "$out" '^option	enable	' "options as name/value"
run px firewall guest "$vmid" -j
is "$rc" 0 "firewall guest exits 0"
jsonok "$out"; ok $? "firewall guest -j is valid JSON"
run px firewall guest 99999
is "$rc" 5 "an unknown VMID exits 5"
simctl DELETE log >/dev/null
run px firewall node 'a/b'
is "$rc" 2 "a node name with / exits 2"
is "$(sim_log | grep -c .)" 0 "nothing sent"
run px firewall node
is "$rc" 2 "node without a name is a usage error"

# a node's host firewall: GET /nodes/{node}/firewall/{options,rules}
node=$(px ls nodes -H -f tsv -c node | head -1)
run px firewall node "$node" -j
is "$rc" 0 "firewall node exits 0"
jsonok "$out"; ok $? "firewall node -j is valid JSON"
is "$(sim_api_status PUT "nodes/$node/firewall/options" 'enable=1&nosmurfs=1')" 200 \
    "pxsim takes a node's firewall options"
sim_api_status POST "nodes/$node/firewall/rules" 'type=in&action=ACCEPT&macro=SSH&enable=1' >/dev/null
run px firewall node "$node" -f tsv -H -c section,name,value
like "$out" '^option	nosmurfs	1' "node options as name/value"
like "$out" '^rule	' "node rules are listed"
is "$(sim_api_status GET "nodes/$node/firewall/options" | head -1)" 200 "GET node firewall options answers"
is "$(sim_api_status PUT "nodes/$node/firewall/options" 'policy_forward=DROP')" 400 \
    "a cluster-only option is refused for a node"
run px firewall node nosuchnode
is "$rc" 5 "an unknown node exits 5"

done_testing
