#!/bin/sh
# px state and the SDN: the kinds sdn zone, sdn vnet, sdn subnet (family
# sdn, exported when named); a round trip; changes stay pending until px
# sdn apply, and px state says so; --prune deletes; a zone's type is
# fixed; a subnet needs its vnet; -n, read-only and freeze send nothing.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
base=$(cat "$PX_CONFIG")

# --- export
run px state export --family sdn
is "$rc" 0 "export --family sdn: exit 0"
like "$out" 'families = sdn' "[meta] names the family"
like "$out" '\[sdn zone lab\]' "the seeded zone"
like "$out" '\[sdn vnet labnet\]' "the seeded vnet"
like "$out" '\[sdn subnet lab-10.20.0.0-24\]' "the seeded subnet, by PVE's id"
want=$(printf '[sdn subnet lab-10.20.0.0-24]\ngateway = 10.20.0.1\nsnat = 1\nvnet = labnet')
like "$out" "$(printf 'gateway = 10.20.0.1\nsnat = 1\nvnet = labnet')" "the subnet's keys, sorted"
like "$out" "$(printf '\\[sdn zone lab\\]\ndhcp = dnsmasq\nipam = pve\ntype = simple')" "the zone's keys"
run px state export
like "$out" '\[sdn zone lab\]' "the default export has the SDN (every family)"
like "$out" 'families = .*sdn' "and says so in [meta]"
run px state export --family all
like "$out" '\[sdn zone lab\]' "--family all has it"

# --- a round trip: create a zone, a vnet and a subnet from the file
# (written in px's canonical order: by kind, then identity)
cat >"$T/s.ini" <<'EOT'
[meta]
pve = 9.1
profile = sim
families = sdn

[sdn zone dc1]
bridge = vmbr0
type = vlan

[sdn zone lab]
dhcp = dnsmasq
ipam = pve
type = simple

[sdn vnet app20]
alias = app tier
tag = 20
zone = dc1

[sdn vnet labnet]
alias = lab network
zone = lab

[sdn subnet dc1-10.30.0.0-24]
gateway = 10.30.0.1
snat = 1
vnet = app20

[sdn subnet lab-10.20.0.0-24]
gateway = 10.20.0.1
snat = 1
vnet = labnet
EOT
run px state diff "$T/s.ini"
is "$rc" 2 "diff: drift"
like "$out" '\+ \[sdn zone dc1\]' "diff: the new zone"
like "$out" '\+ \[sdn subnet dc1-10.30.0.0-24\]' "diff: the new subnet"
simctl DELETE log >/dev/null
run px state apply -n "$T/s.ini"
is "$rc" 0 "apply -n: exit 0"
order=$(printf '%s\n' "$out" | sed -n 's/^would send: \([A-Z]*\) \([^ ]*\).*/\1 \2/p' | tr '\n' ',')
is "$order" "POST /cluster/sdn/zones,POST /cluster/sdn/vnets,POST /cluster/sdn/vnets/app20/subnets," "zone, vnet, then subnet"
like "$out" 'subnet=10.30.0.0%2F24&type=subnet' "the subnet is created by its CIDR"
like "$err" "would stay pending until px sdn apply" "-n: says the changes would be pending"
is "$(writes)" 0 "apply -n: nothing sent"
run px state apply -y "$T/s.ini"
is "$rc" 0 "apply: exit 0"
like "$err" "3 SDN requests are pending: px sdn pending shows, px sdn apply applies" "apply: says they are pending"
run px sdn pending -f tsv -H -c kind,id,state
like "$out" "$(printf 'zone\tdc1\tnew')" "px sdn pending: the zone"
like "$out" "$(printf 'vnet\tapp20\tnew')" "px sdn pending: the vnet"
like "$out" "$(printf 'subnet\tdc1-10.30.0.0-24\tnew')" "px sdn pending: the subnet"
px state export --family sdn -o "$T/re.ini"
cmp -s "$T/s.ini" "$T/re.ini"; ok $? "the new export equals the file"
cmp -s "$T/s.ini" "$T/re.ini" || diff "$T/s.ini" "$T/re.ini" | sed 's/^/#   /'
run px state diff "$T/s.ini"
is "$rc" 0 "diff: nothing left (the configuration, pending or not)"
simctl DELETE log >/dev/null
run px state apply -y "$T/s.ini"
like "$err" "nothing to do" "a second apply: nothing to do"
is "$(writes)" 0 "and nothing sent"
run px sdn apply -y
is "$rc" 0 "px sdn apply"
run px sdn pending -f tsv -H
is "$out" "" "nothing pending after px sdn apply"

# --- update and delete
sed -e 's/^alias = app tier$/alias = app tier 20/' -e 's/^gateway = 10.30.0.1$/gateway = 10.30.0.254/' \
	"$T/s.ini" >"$T/u.ini"
run px state diff "$T/u.ini"
like "$out" "$(printf '~ \\[sdn vnet app20\\]\n    - alias = app tier\n    \\+ alias = app tier 20')" "diff: the vnet's alias"
simctl DELETE log >/dev/null
run px state apply -y "$T/u.ini"
is "$rc" 0 "apply the update: exit 0"
like "$(sim_log | grep '^PUT')" 'PUT /api2/json/cluster/sdn/vnets/app20 ' "the vnet is a PUT"
like "$(sim_log | grep '^PUT')" 'PUT /api2/json/cluster/sdn/vnets/app20/subnets/dc1-10.30.0.0-24 ' "the subnet under its vnet"
run px sdn pending -f tsv -H -c kind,id,state,keys
like "$out" "$(printf 'vnet\tapp20\tchanged\talias')" "pending: the vnet changed, its alias"
like "$out" "$(printf 'subnet\tdc1-10.30.0.0-24\tchanged\tgateway')" "pending: the subnet's gateway"
# drop the subnet: --prune deletes it (pending too)
/usr/bin/python3 - "$T/u.ini" "$T/p.ini" <<'PY'
import sys
out, skip = [], False
for l in open(sys.argv[1]):
    if l.startswith("["):
        skip = l.startswith("[sdn subnet dc1-")
    if not skip:
        out.append(l)
open(sys.argv[2], "w").write("".join(out))
PY
run px state apply -y "$T/p.ini"
like "$err" "nothing to do" "without --prune the subnet stays"
run px state apply -y --prune "$T/p.ini"
is "$rc" 0 "apply --prune: exit 0"
run px sdn pending -f tsv -H -c kind,id,state
like "$out" "$(printf 'subnet\tdc1-10.30.0.0-24\tdeleted')" "pending: the subnet deleted"
run px sdn apply -y
is "$rc" 6 "px sdn apply with the deletion: the risk refuses"
like "$err" "SdnApplyDeletes" "names the risk"
run px sdn apply -y --allow-risk
is "$rc" 0 "and applies with --allow-risk"

# --- refusals
sed 's/^type = vlan$/type = vxlan/' "$T/p.ini" >"$T/t.ini"
simctl DELETE log >/dev/null
run px state apply -y "$T/t.ini"
is "$rc" 2 "a zone's type cannot change"
like "$err" "'type' cannot change" "says which key"
is "$(writes)" 0 "nothing sent"
cat >"$T/nv.ini" <<'EOT'
[sdn subnet lab-10.99.0.0-24]
gateway = 10.99.0.1
EOT
run px state apply -y "$T/nv.ini"
is "$rc" 2 "a subnet without its vnet: refused"
like "$err" "give its vnet" "says so"
is "$(writes)" 0 "nothing sent"
cat >"$T/bad.ini" <<'EOT'
[sdn subnet lab-10.99.0.0-24]
vnet = ../../x
EOT
run px state apply -y "$T/bad.ini"
is "$rc" 2 "a vnet that is no vnet id: refused"
is "$(writes)" 0 "nothing sent"

# --- read-only and freeze
sed 's/^alias = app tier 20$/alias = ro/' "$T/p.ini" >"$T/ro.ini"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px state apply -y "$T/ro.ini"
is "$rc" 8 "read-only: exit 8"
is "$(writes)" 0 "read-only: nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "sdn freeze" --ttl 1h >/dev/null 2>&1
run px state apply -y "$T/ro.ini"
is "$rc" 8 "frozen: exit 8"
like "$err" "sdn freeze" "frozen: the reason"
is "$(writes)" 0 "frozen: nothing sent"
px incident thaw --reason done >/dev/null 2>&1

done_testing
