#!/bin/sh
# px state export|diff|apply of HA rules (PVE 9, family ha-rules) and HA
# groups (PVE 8, family ha-groups): export, a round trip, dependency
# order with resources, the fixed type, --prune, -n, and each family on
# the release that does not have it.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# roundtrip NAME FAMILY FILE WANT-DIFF: the edited FILE differs by exactly
# WANT-DIFF, apply makes the cluster match it, a second apply does nothing
roundtrip() {
	name=$1 fam=$2 f=$3 want=$4
	run px state diff "$f"
	is "$rc" 2 "$name: diff exit 2 (drift)"
	is "$out" "$want" "$name: diff shows exactly the edit"
	simctl DELETE log >/dev/null
	run px state apply -n "$f"
	is "$rc" 0 "$name: apply -n exit 0"
	is "$(writes)" 0 "$name: apply -n sends nothing"
	run px state apply -y "$f"
	is "$rc" 0 "$name: apply exit 0"
	px state export --family "$fam" -o "$T/re.ini"
	cmp -s "$f" "$T/re.ini"; ok $? "$name: the new export equals the edited file"
	[ $? -eq 0 ] || diff "$f" "$T/re.ini" | sed 's/^/#   /'
	run px state diff "$f"
	is "$rc" 0 "$name: diff exit 0 after apply"
	simctl DELETE log >/dev/null
	run px state apply -y "$f"
	like "$err" "nothing to do" "$name: second apply: nothing to do"
	is "$(writes)" 0 "$name: second apply: nothing sent"
}

free=$(px ls guests -f tsv -H -c vmid,type,ha,template | awk -F'\t' '$2 == "qemu" && $3 != "yes" && $4 != "yes" { print $1 }' | head -2)
free1=$(echo "$free" | sed -n 1p)
free2=$(echo "$free" | sed -n 2p)

# --- PVE 9: rules
run px state export --family ha-rules
is "$rc" 0 "export ha-rules: exit 0"
like "$out" "$(printf '\\[ha rule keep-apart\\]\naffinity = negative\nresources = vm:106\nresources = vm:133\ntype = resource-affinity')" "a resource-affinity rule, resources one per line"
like "$out" "$(printf '\\[ha rule prefer-pve1\\]\ncomment = run the database on the first node\nnodes = pve1:2\nnodes = pve2:1\nresources = vm:106\ntype = node-affinity')" "a node-affinity rule, nodes with priorities"
unlike "$out" 'digest|order|disable = 0' "no digest, no order, no default"
run px state export --family ha-groups
is "$rc" 0 "export ha-groups on PVE 9: exit 0"
unlike "$out" '\[ha group' "PVE 9 has no groups (migrated to rules)"
run sh -c 'px state export | grep -c "^\[ha rule "'
is "$out" 2 "the whole export holds the rules"

px state export --family ha-rules -o "$T/r.ini"
cat >"$T/r.ini" <<EOT
[meta]
pve = 9.1
profile = sim
families = ha-rules

[ha rule keep-apart]
affinity = negative
resources = vm:106
resources = vm:133
type = resource-affinity

[ha rule pin]
comment = pinned
nodes = pve2
nodes = pve3:5
resources = vm:133
strict = 1
type = node-affinity

[ha rule prefer-pve1]
comment = run the database on the first node
nodes = pve1:3
nodes = pve2:1
resources = vm:106
type = node-affinity
EOT
roundtrip "rules" ha-rules "$T/r.ini" "$(printf '+ [ha rule pin]\n    + comment = pinned\n    + nodes = pve2\n    + nodes = pve3:5\n    + resources = vm:133\n    + strict = 1\n    + type = node-affinity\n~ [ha rule prefer-pve1]\n    - nodes = pve1:2\n    + nodes = pve1:3')"
run px ha rules -f tsv -H -c rule,nodes,strict
like "$out" "pin	pve2,pve3:5	1" "px ha rules sees the new rule"
like "$out" "prefer-pve1	pve1:3,pve2:1	0" "and the changed one"

# an update sends the type (PVE's PUT requires it); two updates of one
# file both go through (PVE's digest is the whole rules.cfg's)
sed -i 's/^comment = pinned$/comment = pinned here/; s/^nodes = pve1:3$/nodes = pve1:4/' "$T/r.ini"
run px state apply -n "$T/r.ini"
like "$out" "would send: PUT /cluster/ha/rules/pin comment=pinned%20here&type=node-affinity" "update: the change and the type"
run px state apply -y "$T/r.ini"
is "$rc" 0 "two updates applied"
run px state diff "$T/r.ini"
is "$rc" 0 "and the cluster matches the file"

# the type cannot change
sed 's/^type = resource-affinity$/type = node-affinity/' "$T/r.ini" >"$T/bad.ini"
simctl DELETE log >/dev/null
run px state apply -y "$T/bad.ini"
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "a new type for a rule: refused"
like "$err" "ha rule keep-apart: 'type' cannot change" "says the type cannot change"
is "$(writes)" 0 "and sends nothing"

# a resource and the rule naming it, in one file: the resource first
cat >"$T/dep.ini" <<EOT
[meta]
families = ha-resources,ha-rules

[ha resource vm:$free1]
type = vm

[ha resource vm:$free2]
state = stopped
type = vm

[ha rule together]
affinity = positive
resources = vm:$free1
resources = vm:$free2
type = resource-affinity
EOT
run px state apply -n "$T/dep.ini" --family ha-resources,ha-rules
order=$(printf '%s\n' "$out" | sed -n 's/^would send: \([A-Z]*\) \([^ ?]*\).*/\1 \2/p' | tr '\n' ',')
like "$order" "^POST /cluster/ha/resources,POST /cluster/ha/resources,POST /cluster/ha/rules,$" "the resources before the rule"
run px state apply -y --allow-risk "$T/dep.ini" --family ha-rules,ha-resources
is "$rc" 0 "dependency order: apply exit 0"
run px ha rule show together -j
like "$out" "\"resources\":\"vm:$free1,vm:$free2\"" "the rule names both"

# --prune deletes a rule the file drops
px state export --family ha-rules -o "$T/p.ini"
/usr/bin/python3 - "$T/p.ini" <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read()
s = re.sub(r'\n\[ha rule pin\]\n(?:[^\[\n][^\n]*\n)*', '\n', s)
open(p, 'w').write(s)
PY
run px state diff "$T/p.ini"
like "$out" '^- \[ha rule pin\]' "diff: the dropped rule is a delete"
simctl DELETE log >/dev/null
run px state apply -y "$T/p.ini"
is "$(sim_log | grep -c '^DELETE')" 0 "without --prune: no delete"
run px state apply -y --prune --allow-risk "$T/p.ini"
is "$rc" 0 "--prune: exit 0"
is "$(sim_log | grep -c '^DELETE /api2/json/cluster/ha/rules/pin')" 1 "--prune: the rule deleted"
run px ha rule show pin
is "$rc" 5 "and it is gone"

# read-only refuses
base=$(cat "$PX_CONFIG")
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px state apply -y "$T/r.ini"
is "$rc" 8 "read-only: apply exit 8"
is "$(writes)" 0 "read-only: nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- PVE 8: groups, and no rules
sim_restart --pve-version 8.4
run px state export --family ha-rules
is "$rc" 0 "export ha-rules on PVE 8: exit 0"
unlike "$out" '\[ha rule' "PVE 8 has no rules"
run px state export --family ha-groups
like "$out" "$(printf '\\[ha group legacy\\]\ncomment = becomes a rule with PVE 9\nnodes = pve2\nnodes = pve3')" "a group, nodes one per line"
unlike "$out" 'restricted = 0|nofailback = 0|digest' "no defaults, no digest"
run sh -c 'px state export | grep -c "^\[ha group "'
is "$out" 1 "the whole export holds the group"

cat >"$T/g.ini" <<EOT
[meta]
pve = 8.4
profile = sim
families = ha-groups

[ha group db]
comment = databases
nodes = pve1:2
nodes = pve2
restricted = 1

[ha group legacy]
comment = becomes a rule with PVE 9
nodes = pve2
nodes = pve3
nofailback = 1
EOT
roundtrip "groups" ha-groups "$T/g.ini" "$(printf '+ [ha group db]\n    + comment = databases\n    + nodes = pve1:2\n    + nodes = pve2\n    + restricted = 1\n~ [ha group legacy]\n    + nofailback = 1')"
run px ha groups -f tsv -H -c group,nodes,restricted,nofailback
like "$out" "db	pve1:2,pve2	1	0" "px ha groups sees the new group"
like "$out" "legacy	pve2,pve3	0	1" "and the changed one"

# a group and the resource in it, in one file: the group first
cat >"$T/dep8.ini" <<EOT
[meta]
families = ha-groups,ha-resources

[ha group web]
nodes = pve3

[ha resource vm:$free1]
group = web
state = stopped
type = vm
EOT
run px state apply -n "$T/dep8.ini"
order=$(printf '%s\n' "$out" | sed -n 's/^would send: \([A-Z]*\) \([^ ?]*\).*/\1 \2/p' | tr '\n' ',')
like "$order" "^POST /cluster/ha/groups,POST /cluster/ha/resources," "the group before the resource"
run px state apply -y "$T/dep8.ini"
is "$rc" 0 "apply exit 0"
run px ha resource show "vm:$free1" -j
like "$out" '"group":"web"' "the resource is in the group"
# a rule on PVE 8: PVE has no such API
cat >"$T/r8.ini" <<EOT
[meta]
families = ha-rules

[ha rule x1]
nodes = pve1
resources = vm:$free1
type = node-affinity
EOT
run px state apply -y "$T/r8.ini"
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "a rule on PVE 8: refused"
like "$err" "501|not implemented" "PVE 8 has no rules API"
done_testing
