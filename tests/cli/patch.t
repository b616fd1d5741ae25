#!/bin/sh
# px patch plan and apply against a real sshd with fake apt-get and
# reboot (the fake reboot takes the node offline in pxsim and brings it
# back two seconds later): the plan's parse, -n running nothing that
# changes anything, one node at a time, the wait for the reboot, the
# first failure stopping the run, the gate (read-only, the pre-flight
# check of a reboot with running guests, the audit log).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
sim_start
sshd_start
sshd_conf
base=$(cat "$PX_CONFIG")
printf 'SIM_URL=%s; SIM_AUTH=%s; export SIM_URL SIM_AUTH\n' "$SIM_URL" "'$SIM_AUTH'" >"$FAKE_DIR/env"

fake apt-get <<'EOS'
#!/bin/sh
{ for a in "$@"; do printf '[%s] ' "$a"; done; echo; } >>"$FAKE_DIR/apt.$FAKE_NODE"
case " $* " in
*" -s "*)
	[ -f "$FAKE_DIR/sim.$FAKE_NODE" ] && cat "$FAKE_DIR/sim.$FAKE_NODE"
	exit 0 ;;
*" update "*)
	echo "Hit:1 http://download.proxmox.com/debian/pve bookworm InRelease"
	echo "Reading package lists..."
	exit 0 ;;
*" dist-upgrade "*)
	echo "Setting up pve-manager (8.2.7) ..."
	if [ -f "$FAKE_DIR/fail.$FAKE_NODE" ]; then echo "E: Sub-process /usr/bin/dpkg returned an error code (1)" >&2; exit 100; fi
	exit 0 ;;
esac
exit 0
EOS
fake reboot <<'EOS'
#!/bin/sh
echo "$FAKE_NODE" >>"$FAKE_DIR/reboots"
# how many guests the node held when it rebooted
curl -sk -H "Authorization: $SIM_AUTH" "$SIM_URL/api2/json/cluster/resources?type=vm" |
	/usr/bin/python3 -c "import json,sys; print(sum(1 for g in json.load(sys.stdin)['data'] if g['node'] == '$FAKE_NODE'))" >>"$FAKE_DIR/held.$FAKE_NODE"
# a guest that does not come back from the reboot
if [ -f "$FAKE_DIR/stop.$FAKE_NODE" ]; then
	v=$(cat "$FAKE_DIR/stop.$FAKE_NODE")
	curl -sk -X POST -H "Authorization: $SIM_AUTH" "$SIM_URL/api2/json/nodes/$FAKE_NODE/qemu/$v/status/stop" >/dev/null
	sleep 1
fi
curl -sk -X POST --data "node=$FAKE_NODE" --data offline=1 "$SIM_URL/_sim/offline" >/dev/null
( sleep 2; curl -sk -X POST --data "node=$FAKE_NODE" --data offline=0 "$SIM_URL/_sim/offline" >/dev/null ) >/dev/null 2>&1 </dev/null &
exit 0
EOS
cat >"$FAKE_DIR/sim.pve1" <<'EOS'
Reading package lists...
Building dependency tree...
Calculating upgrade...
The following NEW packages will be installed:
  proxmox-kernel-6.8.12-5-pve-signed
The following packages will be upgraded:
  pve-manager proxmox-kernel-6.8
2 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.
Inst proxmox-kernel-6.8.12-5-pve-signed (6.8.12-5 Proxmox:8.3/pve-no-subscription [amd64])
Inst proxmox-kernel-6.8 [6.8.12-4] (6.8.12-5 Proxmox:8.3/pve-no-subscription [all])
Inst pve-manager [8.2.4] (8.2.7 Proxmox:8.3/pve-no-subscription [amd64])
Conf proxmox-kernel-6.8.12-5-pve-signed (6.8.12-5 Proxmox:8.3/pve-no-subscription [amd64])
Conf pve-manager (8.2.7 Proxmox:8.3/pve-no-subscription [amd64])
EOS
cat >"$FAKE_DIR/sim.pve2" <<'EOS'
Inst libpve-common-perl [8.2.2] (8.2.5 Proxmox:8.3/pve-no-subscription [all])
Remv old-thing [1.0]
EOS

# ---- plan ----
run px patch plan -f tsv
is "$rc" 0 "plan: exit 0"
is "$out" "$(printf 'pve1\t2\t1\t0\t1\tproxmox-kernel-6.8.12-5-pve-signed\npve2\t1\t0\t1\t0\t\npve3\t0\t0\t0\t0\t')" "plan: per node the counts, the reboot, the kernel"
run px patch plan --node pve2 -j
like "$out" '"packages":"libpve-common-perl 8.2.2->8.2.5, old-thing 1.0->removed"' "plan -j: the packages"
like "$(cat "$FAKE_DIR/apt.pve1")" '^\[-s\] \[-q\] \[-o\] \[Debug::NoLocking=1\] \[dist-upgrade\] $' "plan: apt-get -s dist-upgrade"

# ---- -n ----
: >"$FAKE_DIR/commands"
run px patch apply -n --allow-risk
is "$rc" 0 "apply -n: exit 0"
like "$out" "would run on pve1: apt-get -q update && env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold dist-upgrade" "apply -n: the upgrade it would run"
like "$out" "would run on pve1: reboot" "apply -n: the reboot it would run (a new kernel)"
unlike "$out" "would run on pve2: reboot" "apply -n: no reboot without a new kernel"
ok $(grep -v 'apt-get -s -q -o Debug::NoLocking=1 dist-upgrade$' "$FAKE_DIR/commands" | grep -q . && echo 1 || echo 0) "apply -n: only the simulation ran on the nodes"
ok $([ ! -e "$FAKE_DIR/reboots" ] && echo 0 || echo 1) "apply -n: nothing rebooted"

# ---- the gate ----
printf '%s\n' "$base" | sed 's/^\[profile sim\]$/[profile sim]\nread_only = yes/' >"$PX_CONFIG"
: >"$FAKE_DIR/commands"
run px patch apply -y --node pve2
is "$rc" 8 "a read-only profile: exit 8"
unlike "$(cat "$FAKE_DIR/commands")" "update|-y" "read-only: nothing was upgraded"
printf '%s\n' "$base" >"$PX_CONFIG"

: >"$FAKE_DIR/commands"
rm -f "$FAKE_DIR/apt.pve1"
run px patch apply -y --node pve1
is "$rc" 6 "a reboot with running guests: exit 6"
like "$err" "RunningGuests" "names the finding"
ok $([ ! -e "$FAKE_DIR/reboots" ] && echo 0 || echo 1) "nothing rebooted"
unlike "$(cat "$FAKE_DIR/apt.pve1")" "\[update\]|\[-y\]" "the reboot is checked before the upgrade: nothing upgraded"
run px patch apply --node pve2 </dev/null
is "$rc" 2 "no -y and no terminal: refused, exit 2"

# ---- apply, stopping at the first failure ----
touch "$FAKE_DIR/fail.pve2"
: >"$FAKE_DIR/commands"
rm -f "$FAKE_DIR/apt.pve1" "$FAKE_DIR/apt.pve2" "$FAKE_DIR/apt.pve3"
start=$(date +%s)
run px patch apply -y --allow-risk -f tsv -c node,action,result
took=$(( $(date +%s) - start ))
is "$rc" 1 "a node that fails: exit 1"
is "$out" "$(printf 'pve1\tpatch\tok\npve2\tpatch\tfailed\npve3\tpatch\tskipped')" "pve1 done, pve2 failed, pve3 not attempted"
like "$(cat "$FAKE_DIR/apt.pve1")" "\[update\]" "pve1: apt-get update"
like "$(cat "$FAKE_DIR/apt.pve1")" "\[-y\] .*\[dist-upgrade\]" "pve1: apt-get -y dist-upgrade"
is "$(cat "$FAKE_DIR/reboots")" "pve1" "only pve1 rebooted (a new kernel)"
ok $([ "$took" -ge 2 ] && echo 0 || echo 1) "waited for pve1 to come back ($took s)"
like "$err" "pve1: waiting for the node to come back online" "a progress line"
like "$err" "pve1: back online" "pve1 came back"
like "$err" "pve1: Setting up pve-manager" "the upgrade's output is streamed"
like "$err" "pve2: apt-get exited with status 100" "says why pve2 failed"
ok $([ ! -e "$FAKE_DIR/apt.pve3" ] && echo 0 || echo 1) "nothing ran on pve3"
is "$(px ls nodes -f tsv -H -c node,status | tr '\n\t' ' :')" "pve1:online pve2:online pve3:online " "the cluster is whole"

run px audit log -f json
printf '%s' "$out" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
acts = [(x['action'], x.get('target')) for x in d if x['action'] in ('patch', 'reboot')]
assert ('patch', 'node/pve1') in acts and ('reboot', 'node/pve1') in acts and ('patch', 'node/pve2') in acts, acts
assert not [a for a in acts if a[1] == 'node/pve3'], acts" 2>&1
ok $? "the audit log has the upgrade and the reboot"
run px patch apply -y --reboot sometimes
is "$rc" 2 "--reboot sometimes: exit 2"
run px patch apply -n --return
is "$rc" 2 "--return without --evacuate: exit 2"
run px patch plan --evacuate
is "$rc" 2 "--evacuate is for apply: exit 2"

# ---- the wait for the guests after the reboot ----
v=$(px ls guests -H -f tsv -c vmid,type,status,node,ha | awk '$2 == "qemu" && $3 == "running" && $4 == "pve2" && $5 == "" { print $1; exit }')
sim_api PUT "nodes/pve2/qemu/$v/config" 'onboot=1' >/dev/null
echo "$v" >"$FAKE_DIR/stop.pve2"
rm -f "$FAKE_DIR/fail.pve2"
run px patch apply -y --allow-risk --node pve2 --reboot always --timeout 8 -j
is "$rc" 7 "a guest that does not run again after the reboot: exit 7"
like "$err" "pve2: waiting for its guests" "waits for the guests"
like "$err" "guest.* of pve2 not running again after 8 s: .*$v \(stopped\)" "names the guest that did not come back"
rm -f "$FAKE_DIR/stop.pve2"
sim_api POST "nodes/pve2/qemu/$v/status/start" >/dev/null
sleep 1

# ---- --evacuate ----
src=pve3
on() { px ls guests -H -f tsv -c vmid,node | awk -v n="$1" '$2 == n { print $1 }' | sort; }
for g in $(px ls guests -H -f tsv -c vmid,node,lock | awk -v n="$src" '$2 == n && $3 != "" { print $1 }'); do
	sim_api PUT "nodes/$src/qemu/$g/config" 'delete=lock&skiplock=1' >/dev/null
done
before=$(on $src)
n=$(echo "$before" | wc -l)
ha=$(px ls guests -H -f tsv -c vmid,node,ha | awk -v n="$src" '$2 == n && $3 != "" { print $1 }')
simctl DELETE log >/dev/null
: >"$FAKE_DIR/commands"
run px patch apply --node $src --evacuate --with-local-disks --return --reboot always -n
is "$rc" 0 "--evacuate -n: exit 0"
like "$err" "evacuate $src: $n guests" "-n: the evacuation's plan is shown"
like "$out" "would send: POST /nodes/$src/(qemu|lxc)/[0-9]+/migrate target=pve[12]" "-n: the migrations it would send"
like "$out" "would run on $src: reboot" "-n: then the reboot"
like "$err" "would move the evacuated guests back" "-n: and the way back"
is "$(sim_log | grep -cE '^(POST|PUT|DELETE) /api2')" 0 "-n: nothing sent to the API"
ok $(grep -v 'apt-get -s -q -o Debug::NoLocking=1 dist-upgrade$' "$FAKE_DIR/commands" | grep -q . && echo 1 || echo 0) "-n: only the simulation ran on $src"

rm -f "$FAKE_DIR/apt.$src"
run px patch apply -y --node $src --evacuate --reboot always
is "$rc" 1 "--evacuate with guests on local disks: exit 1"
like "$err" "cannot move off $src: nothing was sent" "the blocked evacuation is refused"
ok $([ ! -e "$FAKE_DIR/apt.$src" ] || ! grep -q '\[update\]' "$FAKE_DIR/apt.$src"; echo $?) "refused before the upgrade: nothing upgraded"

simctl DELETE log >/dev/null
rm -f "$FAKE_DIR/held.$src"
run px patch apply -y --node $src --evacuate --with-local-disks --return --reboot always -j
is "$rc" 0 "--evacuate --return: exit 0"
printf '%s' "$out" | /usr/bin/python3 -c "
import json, sys
r = json.load(sys.stdin)[0]
assert r['result'] == 'ok', r
assert 'evacuated $n guests' in r['message'] and '$n returned' in r['message'], r"
ok $? "the row: ok, $n evacuated, $n returned"
is "$(cat "$FAKE_DIR/held.$src")" 0 "no guest was on $src when it rebooted"
like "$err" "\[1/$n\] .* -> pve[12].*: ok" "a progress line per guest moved away"
like "$err" "return to $src: $n guests" "the way back's plan"
is "$(on $src | tr '\n' ' ')" "$(echo "$before" | tr '\n' ' ')" "every guest is back on $src"
for g in $ha; do
	is "$(sim_log | grep -c "^POST /api2/json/cluster/ha/resources/vm%3A$g/migrate ")" 2 "HA-managed $g moved away and back through HA"
done
run px audit log -f json
printf '%s' "$out" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
acts = [x['action'] for x in d if x.get('target', '').startswith('vm/') or x.get('target') == 'node/$src']
assert 'evacuate' in acts and 'patch' in acts and 'reboot' in acts, acts" 2>&1
ok $? "the audit log has the evacuation, the upgrade and the reboot"
sim_stop
done_testing
