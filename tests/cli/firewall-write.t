#!/bin/sh
# px firewall writes at the three levels: rules (add, set, move,
# delete), aliases, IP sets and members, security groups and their
# rules, options, refs; each through the gate with PVE's digest and the
# firewall's pre-flight check (FirewallLockout, FirewallDisabled,
# PolicyLoosened, GroupInUse); -n, read-only, freeze, 403, bad input.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
rules() { sim_api GET "$1" | py 'print("\n".join("%s %s %s %s %s" % (r["pos"], r["type"], r["action"], r.get("dport") or "-", r.get("enable")) for r in d["data"]))'; }
vmid=$(px ls guests -H -f tsv -c vmid --status running | head -1)
node=$(px ls nodes -H -f tsv -c node | head -1)
base=$(cat "$PX_CONFIG")

# --- rule add / set / move / delete (cluster)
simctl DELETE log >/dev/null
run px firewall cluster rule add --type in --action ACCEPT --proto tcp --dport 443 --comment web -n
is "$rc" 0 "rule add -n: exit 0"
like "$out" 'would send: POST /cluster/firewall/rules .*type=in.*action=ACCEPT.*dport=443.*enable=1' "rule add -n: the request, enabled"
is "$(writes)" 0 "rule add -n: nothing sent"
run px firewall cluster rule add --type in --action ACCEPT --proto tcp --dport 443 --comment web --pos 2
is "$rc" 0 "rule add: exit 0"
like "$(rules cluster/firewall/rules)" '^2 in ACCEPT 443 1$' "the rule is at position 2, enabled"
run px firewall cluster rule add --type in --action ACCEPT --dport 80 --enable 0
is "$rc" 0 "rule add --enable 0: exit 0"
like "$(rules cluster/firewall/rules)" '^0 in ACCEPT 80 0$' "added first, disabled"
run px firewall cluster rule set 0 --dport 8080 --comment alt
is "$rc" 0 "rule set: exit 0"
like "$(rules cluster/firewall/rules)" '^0 in ACCEPT 8080 0$' "rule set changed the port"
like "$(sim_log)" 'PUT /api2/json/cluster/firewall/rules/0' "rule set: PUT the position"
run px firewall cluster rule move 0 --to 3
is "$rc" 0 "rule move: exit 0"
like "$(rules cluster/firewall/rules)" '^2 in ACCEPT 8080 0$' "moved before the rule at 3 (PVE's moveto): now at 2"
run px firewall cluster rule delete 2 -y
is "$rc" 0 "rule delete: exit 0"
unlike "$(rules cluster/firewall/rules)" '8080' "deleted"
run px firewall cluster rule add --type in
is "$rc" 2 "rule add without --action: usage"
run px firewall cluster rule set 0
is "$rc" 2 "rule set with nothing to change: usage"
run px firewall cluster rule move 0
is "$rc" 2 "rule move without --to: usage"
run px firewall cluster rule delete x
is "$rc" 2 "a position that is none: usage"
run px firewall cluster rule delete 99 -y
is "$rc" 1 "a position PVE does not have: exit 1"
like "$err" 'no rule at position 99' "with PVE's message"

# --- FirewallLockout: the rule that admits 8006 or 22
ssh=$(rules cluster/firewall/rules | awk '$4 == 22 { print $1 }' | head -1)
gui=$(rules cluster/firewall/rules | awk '$4 == 8006 { print $1 }' | head -1)
simctl DELETE log >/dev/null
run px firewall cluster rule delete "$gui" -y
is "$rc" 6 "deleting the rule that admits 8006: exit 6"
like "$err" 'FirewallLockout .*GUI and API \(tcp 8006\)' "names FirewallLockout and the port"
is "$(writes)" 0 "nothing sent"
run px firewall cluster rule delete "$gui" -n
is "$rc" 6 "-n shows the refusal too"
run px firewall cluster rule set "$ssh" --enable 0
is "$rc" 6 "disabling the SSH rule: exit 6"
like "$err" 'SSH \(tcp 22\)' "names SSH"
run px firewall cluster rule set "$ssh" --action DROP
is "$rc" 6 "turning the SSH rule into DROP: exit 6"
run px firewall cluster rule set "$ssh" --comment 'still ssh'
is "$rc" 0 "a comment on the SSH rule: no finding"
# a second rule that admits 8006 makes the first one deletable
px firewall cluster rule add --type in --action ACCEPT --proto tcp --dport 8000:8010 >/dev/null 2>&1
gui=$(rules cluster/firewall/rules | awk '$4 == 8006 { print $1 }' | head -1)
run px firewall cluster rule delete "$gui" -y
is "$rc" 0 "another rule admits 8006 (a range): the delete goes through"
gui=$(rules cluster/firewall/rules | awk '$4 == "8000:8010" { print $1 }')
run px firewall cluster rule delete "$gui" -y --allow-risk
is "$rc" 0 "--allow-risk: the last one goes too"
run px firewall cluster options set --enable 1
is "$rc" 6 "enabling a DROP firewall that admits no 8006: exit 6"
like "$err" 'FirewallLockout' "names it"
run px firewall cluster rule add --type in --action ACCEPT --proto tcp --dport 8006 --source mgmt
is "$rc" 0 "admit 8006 again"
run px firewall cluster options set --enable 1
is "$rc" 0 "then enabling is fine"

# --- options: FirewallDisabled, PolicyLoosened, digest
simctl DELETE log >/dev/null
run px firewall cluster options set --enable 0 -n
like "$out" 'would send: PUT /cluster/firewall/options enable=0&digest=[0-9a-f]{40}' "options: PVE's digest"
like "$err" 'Warning +FirewallDisabled' "FirewallDisabled (warning)"
run px firewall cluster options set --policy_in ACCEPT -n
like "$err" 'Warning +PolicyLoosened' "PolicyLoosened (warning)"
run px firewall guest "$vmid" options set --dhcp 1 --macfilter 0
is "$rc" 0 "guest options: exit 0"
like "$(sim_api GET "nodes/$(px ls guests -H -f tsv -c vmid,node | awk -v v=$vmid '$1==v {print $2}')/$(px ls guests -H -f tsv -c vmid,type | awk -v v=$vmid '$1==v {print $2}')/$vmid/firewall/options")" '"dhcp":1' "the guest's option is set"
run px firewall node "$node" options set --enable 0 -n
is "$rc" 0 "node options -n: exit 0"
like "$out" "PUT /nodes/$node/firewall/options enable=0" "a node's options"

# --- stale digest
d=$(sim_api GET cluster/firewall/options | py 'print(d["data"]["digest"])')
sim_api PUT cluster/firewall/options 'policy_out=REJECT' >/dev/null
is "$(sim_api_status PUT cluster/firewall/options "policy_out=DROP&digest=$d")" 500 "a stale digest is refused (as PVE does)"
run px firewall node "$node" options set --log_level_in info -n
like "$out" "PUT /nodes/$node/firewall/options log_level_in=info&digest=" "a node's options carry its digest"

# --- aliases
run px firewall cluster alias add dns1 192.0.2.53 --comment resolver
is "$rc" 0 "alias add: exit 0"
like "$(px firewall cluster -f tsv -H -c section,name,value,comment)" '^alias	dns1	192\.0\.2\.53	resolver$' "the alias is there"
run px firewall cluster alias set dns1 --comment 'primary resolver'
is "$rc" 0 "alias set of the comment only: exit 0"
like "$(sim_log | grep 'PUT /api2/json/cluster/firewall/aliases/dns1')" . "PUT the alias"
like "$(px firewall cluster -f tsv -H -c section,name,value,comment)" '^alias	dns1	192\.0\.2\.53	primary resolver$' "the cidr kept, the comment changed"
run px firewall cluster alias add dns1 192.0.2.54
is "$rc" 1 "a second alias of that name: PVE refuses (exit 1)"
like "$err" "alias 'dns1' already exists" "with PVE's message"
run px firewall cluster alias add 1bad 192.0.2.1
is "$rc" 2 "an alias name that starts with a digit: usage"
run px firewall cluster alias add good example.com
is "$rc" 2 "a cidr that is no address: usage"
like "$err" "'example.com' is not an IP address" "says so"
run px firewall guest "$vmid" alias add gw 10.0.0.1
is "$rc" 0 "a guest's alias: exit 0"
run px firewall node "$node" alias add x 10.0.0.1
is "$rc" 2 "a node has no aliases: usage"
run px firewall cluster alias delete dns1 -y
is "$rc" 0 "alias delete: exit 0"
unlike "$(px firewall cluster -f tsv -H -c section,name)" '^alias	dns1$' "gone"

# --- IP sets
run px firewall cluster ipset create office --comment 'the office'
is "$rc" 0 "ipset create: exit 0"
run px firewall cluster ipset add office 198.51.100.0/24
is "$rc" 0 "ipset add: exit 0"
run px firewall cluster ipset add office 198.51.100.7 --nomatch --comment printer
is "$rc" 0 "ipset add --nomatch: exit 0"
out=$(px firewall cluster -f tsv -H -c section,name,value,nomatch,comment)
like "$out" '^ipset	office	198\.51\.100\.0/24	0	' "a member"
like "$out" '^ipset	office	198\.51\.100\.7	1	printer$' "a nomatch member with its comment"
run px firewall cluster ipset set office 198.51.100.0/24 --comment lan
is "$rc" 0 "ipset set (a member with a slash): exit 0"
like "$(px firewall cluster -f tsv -H -c section,name,value,comment)" '^ipset	office	198\.51\.100\.0/24	lan$' "its comment"
run px firewall cluster ipset delete office -y
is "$rc" 1 "deleting a set with members: PVE refuses (exit 1)"
like "$err" "IPSet 'office' is not empty" "with PVE's message"
run px firewall cluster ipset remove office 198.51.100.7 -y
is "$rc" 0 "ipset remove: exit 0"
run px firewall cluster ipset delete office --force -y
is "$rc" 0 "ipset delete --force: exit 0"
unlike "$(px firewall cluster -f tsv -H -c section,name)" 'office' "gone with its members"

# --- security groups
run px firewall cluster group create dbs --comment databases
is "$rc" 0 "group create: exit 0"
run px firewall cluster group dbs rule add --type in --action ACCEPT --proto tcp --dport 5432
is "$rc" 0 "a group's rule add: exit 0"
like "$(rules cluster/firewall/groups/dbs)" '^0 in ACCEPT 5432 1$' "the group's rule"
run px firewall guest "$vmid" rule add --type group --action dbs
is "$rc" 0 "a guest's rule uses the group"
run px firewall cluster group delete dbs -y
is "$rc" 6 "deleting a group in use: exit 6"
like "$err" "GroupInUse .*dbs is used by 1 rule: /nodes/.*/$vmid/firewall rule 0" "names the rule that uses it"
run px firewall node "$node" group create x
is "$rc" 2 "a node has no groups: usage"
run px firewall cluster group create this-name-is-far-too-long
is "$rc" 2 "a group name longer than 18: usage"
# a group a cluster rule uses: its rules count for the lockout check
run px firewall cluster group create mgmt-in
px firewall cluster group mgmt-in rule add --type in --action ACCEPT --proto tcp --dport 8006 >/dev/null 2>&1
px firewall cluster rule add --type group --action mgmt-in >/dev/null 2>&1
gui=$(rules cluster/firewall/rules | awk '$4 == 8006 { print $1 }' | head -1)
run px firewall cluster rule delete "$gui" -y
is "$rc" 0 "the group rule admits 8006: deleting the plain rule is fine"
run px firewall cluster group mgmt-in rule delete 0 -y
is "$rc" 6 "deleting the group's rule that admits 8006: exit 6 (FirewallLockout)"

# --- refs
run px firewall cluster refs -f tsv -H
is "$rc" 0 "refs: exit 0"
like "$out" '^alias	mgmt	' "refs: an alias"
run px firewall cluster refs --type ipset -f tsv -H
unlike "$out" '^alias' "refs --type ipset: no aliases"
run px firewall cluster refs --type nosuch
is "$rc" 2 "refs --type of neither: usage"

# --- read-only, freeze, 403
printf '%s\nread_only = true\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px firewall cluster alias add ro 10.1.1.1
is "$rc" 8 "read-only: exit 8"
run px firewall cluster options set --enable 0 -y
is "$rc" 8 "read-only options: exit 8"
is "$(writes)" 0 "read-only: nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "fw freeze" --ttl 1h >/dev/null 2>&1
run px firewall cluster rule add --type in --action DROP --source 203.0.113.1
is "$rc" 8 "frozen: exit 8"
like "$err" 'fw freeze' "frozen: the reason"
px incident thaw --reason done >/dev/null 2>&1
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px firewall cluster alias add denied 10.2.2.2
is "$rc" 4 "a token without Sys.Modify: exit 4"
like "$err" "Permission check failed" "with PVE's message"

# --- showing takes no change options
run px firewall cluster --comment x
is "$rc" 2 "showing with a change option: usage"

done_testing
