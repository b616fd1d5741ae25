#!/bin/sh
# px sdn: zones, vnets and subnets in every output format; create, set,
# delete pending until apply (pending=1 states, apply clears them);
# dry run sends nothing; SdnApplyDeletes, VnetInUse, ZoneHasVnets; a
# stale digest; read-only and freeze; 403; hostile input refused.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
formats() {	# formats NAME ARGS...
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
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
base=$(cat "$PX_CONFIG")

# --- the seeded SDN: a simple zone, a vnet, a subnet, all applied
formats "sdn status" sdn status
formats "sdn zone list" sdn zone list
formats "sdn zone show" sdn zone show lab
formats "sdn vnet list" sdn vnet list
formats "sdn vnet show" sdn vnet show labnet
formats "sdn subnet list" sdn subnet list labnet
formats "sdn subnet show" sdn subnet show labnet lab-10.20.0.0-24
run px sdn zone list
like "$out" '^ZONE +TYPE +BRIDGE +TAG +PEERS +MTU +IPAM +NODES' "zone list: header"
run px sdn zone list -f tsv -H -c zone,type
is "$out" "$(printf 'lab\tsimple')" "zone list: the seeded simple zone"
run px sdn vnet list -f tsv -H -c vnet,zone,alias
is "$out" "$(printf 'labnet\tlab\tlab network')" "vnet list: the seeded vnet"
run px sdn subnet list labnet -f tsv -H -c subnet,cidr,gateway,snat
is "$out" "$(printf 'lab-10.20.0.0-24\t10.20.0.0/24\t10.20.0.1\t1')" "subnet list: the seeded subnet"
run px sdn subnet show labnet 10.20.0.0/24 -j
printf '%s' "$out" | py "assert d['subnet'] == 'lab-10.20.0.0-24' and d['gateway'] == '10.20.0.1', d"
ok $? "subnet show by CIDR: PVE's id ZONE-NETWORK-MASK"
run px sdn pending -f tsv -H
is "$out" "" "nothing pending at first"
run px sdn zone show nosuch
is "$rc" 5 "zone show of an unknown zone: exit 5"
like "$err" "sdn 'nosuch' does not exist" "with PVE's message"

# --- create: pending until apply; -n sends nothing
simctl DELETE log >/dev/null
run px sdn zone create dc1 --type vlan --bridge vmbr0 -n
is "$rc" 0 "zone create -n: exit 0"
like "$out" 'would send: POST /cluster/sdn/zones (type=vlan&bridge=vmbr0&zone=dc1|bridge=vmbr0&type=vlan&zone=dc1)' "zone create -n: what it would send"
is "$(writes)" 0 "zone create -n: nothing sent"
run px sdn zone create dc1 --type vlan --bridge vmbr0 -j
is "$rc" 0 "zone create: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['name'] == 'dc1' and r['action'] == 'create' and r['result'] == 'ok', r"
ok $? "zone create: the row names the zone, action and result"
like "$err" "the change of zone dc1 is pending: px sdn pending shows it, px sdn apply applies it" "zone create: says it is pending"
run px sdn zone create dc1 --type vlan --bridge vmbr0
is "$rc" 1 "create of an existing zone fails"
like "$err" "sdn zone object ID 'dc1' already defined" "with PVE's message"
run px sdn zone create dc2 --type vlan
is "$rc" 1 "a vlan zone without a bridge: PVE refuses"
like "$err" "bridge: property is missing and it is not optional" "with PVE's parameter error"
run px sdn zone create dc2 --type qinq --bridge vmbr0
is "$rc" 1 "a qinq zone without a service tag: PVE refuses"
like "$err" "tag: property is missing" "names the tag"
run px sdn zone create vx1 --type vxlan --peers 10.0.0.11,10.0.0.12
is "$rc" 0 "a vxlan zone with peers"
run px sdn vnet create app20 --zone dc1 --tag 20 --alias "app tier"
is "$rc" 0 "vnet create in the vlan zone"
run px sdn subnet create app20 10.30.0.0/24 --gateway 10.30.0.1 --snat -n
like "$out" 'would send: POST /cluster/sdn/vnets/app20/subnets .*subnet=10.30.0.0%2F24&type=subnet' "subnet create -n: by its CIDR"
run px sdn subnet create app20 10.30.0.0/24 --gateway 10.30.0.1 --snat -f tsv -H -c name,action,result
is "$out" "$(printf 'dc1-10.30.0.0-24\tcreate\tok')" "subnet create: the row names PVE's id"
run px sdn subnet create nosuch 10.31.0.0/24
is "$rc" 5 "subnet create on an unknown vnet: exit 5"
run px sdn subnet list app20 -f tsv -H -c subnet,cidr,gateway,zone
is "$out" "$(printf 'dc1-10.30.0.0-24\t10.30.0.0/24\t10.30.0.1\tdc1')" "subnet list: the new subnet, PVE's id"
run px sdn vnet create app21 --zone dc1
is "$rc" 1 "a vnet in a vlan zone without a tag: PVE refuses"
like "$err" "missing vlan tag" "with PVE's message"
run px sdn pending -f tsv -H -c kind,id,state
like "$out" "$(printf 'zone\tdc1\tnew')" "pending: the new zone"
like "$out" "$(printf 'zone\tvx1\tnew')" "pending: the new vxlan zone"
like "$out" "$(printf 'vnet\tapp20\tnew')" "pending: the new vnet"
like "$out" "$(printf 'subnet\tdc1-10.30.0.0-24\tnew')" "pending: the new subnet"
unlike "$out" "lab" "pending: not the applied ones"
formats "sdn pending" sdn pending
run px sdn pending -j
printf '%s' "$out" | py "r = [x for x in d if x['id'] == 'app20'][0]; assert r['kind'] == 'vnet' and r['state'] == 'new' and r['zone'] == 'dc1' and r['keys'] == 'alias,tag,zone', r"
ok $? "pending -j: kind, state, zone and the pending keys"
run px sdn zone list -f tsv -H -c zone
like "$out" "dc1" "zone list shows the configuration (with the pending zone)"
is "$(sim_api GET 'cluster/sdn/zones?running=1' | py "print(','.join(z['zone'] for z in d['data']))")" "lab" "running=1: only the applied zone"

# --- set with the digest; stale digest refused
run px sdn zone set lab --mtu 1400
is "$rc" 0 "zone set: exit 0"
like "$(sim_log | grep '^PUT /api2/json/cluster/sdn/zones/lab')" 'PUT' "set is a PUT of the zone"
run px sdn pending -f tsv -H -c kind,id,state,keys
like "$out" "$(printf 'zone\tlab\tchanged\tmtu')" "pending: the changed zone and its changed key"
is "$(sim_api GET 'cluster/sdn/zones/lab?pending=1' | py "print(d['data']['pending']['mtu'], d['data']['state'])")" "1400 changed" "pending=1: the pending value and the state"
old=$(px sdn zone show lab -f tsv -H -c field,value | awk '$1 == "digest" { print $2 }')
run px sdn vnet set app20 --alias "app tier 20"
is "$rc" 0 "vnet set"
run px sdn zone set lab --mtu 1450 --raw digest="$old"
is "$rc" 0 "the zone's digest is still current (vnets are another file)"
old=$(px sdn zone show lab -f tsv -H -c field,value | awk '$1 == "digest" { print $2 }')
px sdn zone set dc1 --mtu 1500 >/dev/null 2>&1
run px sdn zone set lab --mtu 1300 --raw digest="$old"
is "$rc" 1 "a stale digest: refused"
like "$err" "detected modified configuration" "with PVE's message"
run px sdn zone set lab
is "$rc" 2 "set without a change: usage error"
run px sdn zone set lab --type vlan
is "$rc" 2 "a zone's type cannot be set"

# --- delete: pending, and the risks
run px sdn subnet delete labnet 10.20.0.0/24 -y
is "$rc" 0 "subnet delete by CIDR"
run px sdn pending -f tsv -H -c kind,id,state
like "$out" "$(printf 'subnet\tlab-10.20.0.0-24\tdeleted')" "pending: the deleted subnet"
run px sdn subnet list labnet -f tsv -H
is "$out" "" "subnet list: the configuration has it no more"

# ZoneHasVnets
simctl DELETE log >/dev/null
run px sdn zone delete dc1 -y
is "$rc" 6 "zone delete of a zone with vnets: refused (exit 6)"
like "$err" "ZoneHasVnets" "names the risk"
like "$err" "app20" "lists the vnet"
is "$(writes)" 0 "nothing sent"
run px sdn zone delete dc1 -n
is "$rc" 6 "-n shows the risk too (exit 6)"
like "$err" "ZoneHasVnets" "the risk in -n output"
run px sdn zone delete dc1 -y --allow-risk
is "$rc" 1 "with --allow-risk it is sent, and PVE refuses a zone in use"
like "$err" "vnet app20 uses it" "with PVE's message"

# VnetInUse: a guest with a device on the vnet
g=$(px ls guests -f tsv -H -c vmid,node,type | awk '$3 == "qemu" { print; exit }')
set -- $g
sim_api PUT "nodes/$2/qemu/$1/config" "net5=virtio=BC:24:11:00:00:05,bridge=app21x" >/dev/null
run px sdn vnet create guestnet1 --zone vx1 --tag 5000
is "$rc" 2 "a vnet id longer than 8: usage error"
run px sdn vnet create gnet --zone vx1 --tag 5000
is "$rc" 0 "a vxlan vnet with a VNI"
sim_api PUT "nodes/$2/qemu/$1/config" "net5=virtio=BC:24:11:00:00:05,bridge=gnet,tag=3" >/dev/null
simctl DELETE log >/dev/null
run px sdn vnet delete gnet -y
is "$rc" 6 "vnet delete of a vnet a guest uses: refused (exit 6)"
like "$err" "VnetInUse" "names the risk"
like "$err" "VM $1 \\(net5\\)" "lists the guest and its device"
is "$(writes)" 0 "nothing sent"
run px sdn vnet delete gnet -n
like "$err" "VnetInUse" "the risk in -n output"
run px sdn vnet delete gnet -y --allow-risk
is "$rc" 0 "with --allow-risk: deleted"

# SdnApplyDeletes
simctl DELETE log >/dev/null
run px sdn apply -n
is "$rc" 6 "apply -n with pending deletions: the risk refuses"
like "$err" "SdnApplyDeletes" "names the risk"
like "$err" "subnet lab-10.20.0.0-24" "lists the deleted subnet"
is "$(writes)" 0 "apply -n: nothing sent"
run px sdn apply -y
is "$rc" 6 "apply with pending deletions: exit 6"
is "$(writes)" 0 "nothing sent"
run px sdn apply -n --allow-risk
is "$rc" 0 "apply -n --allow-risk: exit 0"
like "$out" "would send: PUT /cluster/sdn" "apply -n: what it would send"
is "$(writes)" 0 "apply -n: nothing sent"
run px sdn apply -y --allow-risk -j
is "$rc" 0 "apply: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['action'] == 'apply' and r['result'] == 'ok', r"
ok $? "apply: one row, ok"
like "$(sim_log | grep '^PUT /api2/json/cluster/sdn ')" 'PUT' "apply is PUT /cluster/sdn"
run px sdn pending -f tsv -H
is "$out" "" "apply clears what was pending"
is "$(sim_api GET 'cluster/sdn/zones?running=1' | py "print(','.join(sorted(z['zone'] for z in d['data'])))")" "dc1,lab,vx1" "running=1: the applied zones"
run px sdn apply -y
is "$rc" 0 "apply with nothing to delete: no risk"

# --- hostile and malformed input: refused, nothing sent
simctl DELETE log >/dev/null
for a in "zone create 1ab --type simple" "zone create $(printf 'a\033[2Jb') --type simple" \
	"zone create toolongzone --type simple" "zone create ok1 --type bogus" \
	"zone create ok1" "vnet create v-1 --zone lab" "vnet create vv1 --zone 'la b'" \
	"vnet create vv1 --zone dc1 --tag 0" "vnet create vv1 --zone dc1 --tag 4095" \
	"vnet create vv1 --zone dc1 --tag 12x" "vnet create vv1 --zone lab --tag 5" \
	"vnet create vv1 --zone dc1 --tag 10 --alias '$(printf 'x\033]0;y')'" \
	"zone create qq1 --type qinq --bridge vmbr0 --tag 5000" \
	"subnet create app20 10.30.0.1/24" "subnet create app20 10.30.0.0/33" \
	"subnet create app20 300.1.0.0/16" "subnet create app20 10.40.0.0" \
	"subnet create app20 10.40.0.0/24 --gateway 10.40.0.999" \
	"subnet delete app20 ../../zones/lab" "zone delete ../lab" \
	"zone set lab --gateway 10.0.0.1" "vnet create vv1 --zone dc1 --tag 10 --mtu 9000" \
	"subnet set app20 10.30.0.0/24 --zone dc1" "--raw 'a b=1' zone set lab"; do
	eval "run px sdn $a -y"
	is "$rc" 2 "refused: $a"
	unlike "$err" "$(printf '\033')" "no escape echoed: $a"
done
is "$(writes)" 0 "no malformed change was sent"

# --- read-only profile and freeze refuse every verb
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
for v in "zone create ro1 --type simple" "zone set lab --mtu 1" "zone delete vx1" \
	"vnet create ro1 --zone lab" "vnet set app20 --alias x" "vnet delete app20" \
	"subnet create app20 10.50.0.0/24" "subnet set app20 10.30.0.0/24 --snat" \
	"subnet delete app20 10.30.0.0/24" "apply"; do
	simctl DELETE log >/dev/null
	run px sdn $v -y
	is "$rc" 8 "read-only: sdn $v: exit 8"
	is "$(writes)" 0 "read-only: sdn $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "network change window closed" --ttl 1h >/dev/null 2>&1
for v in "zone create fz1 --type simple" "zone set lab --mtu 1" "zone delete vx1" \
	"vnet create fz1 --zone lab" "vnet set app20 --alias x" "vnet delete app20" \
	"subnet create app20 10.50.0.0/24" "subnet set app20 10.30.0.0/24 --snat" \
	"subnet delete app20 10.30.0.0/24" "apply"; do
	simctl DELETE log >/dev/null
	run px sdn $v -y
	is "$rc" 8 "frozen: sdn $v: exit 8"
	like "$err" "network change window closed" "frozen: sdn $v: the reason"
	is "$(writes)" 0 "frozen: sdn $v: nothing sent"
done
px incident thaw --reason done >/dev/null 2>&1

# --- the audit log
run px audit log -f json
printf '%s' "$out" | py "
rows = [r for r in d if r['target'].startswith('sdn')]
acts = {r['action'] for r in rows if r['decision'] == 'allowed'}
assert {'create', 'set', 'delete', 'apply'} <= acts, acts
refused = {r['decision'] for r in rows if r['decision'].startswith('refused')}
assert {'refused-risk', 'refused-read-only', 'refused-frozen'} <= refused, refused"
ok $? "audit log: each change, and each refusal"

# --- a token without SDN.Allocate: reads work, writes get 403, exit 4
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px sdn vnet list -f tsv -H -c vnet
like "$out" "labnet" "an auditor lists the vnets"
for v in "zone create denied --type simple" "zone set lab --mtu 1" "vnet create denied --zone lab" \
	"subnet create labnet 10.60.0.0/24" "apply"; do
	PX_CONFIG="$T/aud.conf" run px sdn $v -y --allow-risk
	is "$rc" 4 "403: sdn $v: exit 4"
	like "$err" "Permission check failed" "403: sdn $v: PVE's message"
done

# --- the other SDN lists pxsim serves
is "$(sim_api GET cluster/sdn | py "print(','.join(x['id'] for x in d['data']))")" "vnets,zones,controllers,ipams,dns" "GET /cluster/sdn: the index"
is "$(sim_api GET cluster/sdn/ipams | py "print(d['data'][0]['ipam'])")" "pve" "GET /cluster/sdn/ipams: PVE's own"
is "$(sim_api_status POST cluster/sdn/zones 'zone=x9&type=simple&bogus=1')" 400 "an unknown parameter: 400"
like "$(sim_api POST cluster/sdn/zones 'zone=x9&type=simple&bogus=1')" '"errors":\{"bogus":"property is not defined in schema' "with PVE's errors object"
is "$(sim_api_status GET 'cluster/sdn/zones?pending=maybe')" 400 "a malformed boolean: 400"

# --- usage
run px sdn
is "$rc" 2 "no subcommand: usage"
run px sdn frob
is "$rc" 2 "an unknown subcommand: usage"
run px sdn zone list extra
is "$rc" 2 "zone list takes no operand"
run px sdn subnet list
is "$rc" 2 "subnet list needs the vnet"
run px sdn zone list --mtu 5
is "$rc" 2 "list takes no parameters"

done_testing
