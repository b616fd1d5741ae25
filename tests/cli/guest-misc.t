#!/bin/sh
# px sendkey, px unlink (the severe --force risk), px feature (the exit
# status answers), px interfaces (a CT from PVE, a VM from its agent),
# px metrics --png: their formats, -n, read-only and freeze, hostile key
# and disk names refused with nothing sent.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
vm=$(px ls guests -H -f tsv -c vmid,type,status | awk '$2 == "qemu" && $3 == "running" { print $1 }' | head -1)
off=$(px ls guests -H -f tsv -c vmid,type,status | awk '$2 == "qemu" && $3 == "stopped" { print $1 }' | head -1)
ct=$(px ls guests -H -f tsv -c vmid,type,status | awk '$2 == "lxc" && $3 == "running" { print $1 }' | head -1)
node=$(px ls guests -H -f tsv -c vmid,node | awk -v v="$vm" '$1 == v { print $2 }')
base=$(cat "$PX_CONFIG")
cfg() { sim_api GET "nodes/$node/qemu/$vm/config" | py "print(d['data'].get('$1', ''))"; }

# ---------------- sendkey
simctl DELETE log >/dev/null
run px sendkey "$vm" ctrl-alt-delete -n
is "$rc" 0 "sendkey -n: exit 0"
like "$out" "would send: PUT /nodes/$node/qemu/$vm/sendkey" "-n: the request"
is "$(writes)" 0 "-n: nothing sent"
run px sendkey "$vm" ctrl-alt-delete </dev/null
is "$rc" 2 "ctrl-alt-delete without -y on a pipe: exit 2"
is "$(writes)" 0 "not confirmed: nothing sent"
run px sendkey "$vm" ctrl-alt-delete -y -j
is "$rc" 0 "ctrl-alt-delete -y: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['action'] == 'sendkey' and r['result'] == 'ok' and r['vmid'] == $vm, r"
ok $? "sendkey -j: the row"
is "$(sim_log | grep -c "^PUT /api2/json/nodes/$node/qemu/$vm/sendkey ")" 1 "one PUT .../sendkey"
run px sendkey "$vm" alt-f2 -f tsv -H -c action,result
is "$out" "sendkey	ok" "alt-f2: no question asked"
for k in ret kp_5 shift-a f24 ctrl-alt-f12; do
	run px sendkey "$vm" "$k"
	is "$rc" 0 "key $k: sent"
done
simctl DELETE log >/dev/null
for k in 'ctrl-$(reboot)' 'ctrl;id' 'alt-f25' 'CTRL-alt' '' 'ctrl--alt' "$(printf 'ret\033[2J')"; do
	run px sendkey "$vm" "$k"
	is "$rc" 2 "key '$(printf '%s' "$k" | tr -d '\033')': refused"
done
unlike "$err" "$(printf '\033')" "the escape is not echoed to the terminal"
run px sendkey "$off" ret
is "$rc" 1 "a stopped VM: exit 1"
like "$err" 'running VM' "says it must run"
run px sendkey "$ct" ret
is "$rc" 2 "a container: usage"
is "$(writes)" 0 "refused keys: nothing sent"
is "$(sim_api_status PUT "nodes/$node/qemu/$vm/sendkey" 'key=ctrl-bogus')" 500 "pxsim: an unknown key is QEMU's error"

# ---------------- feature
run px feature "$vm" snapshot
is "$rc" 0 "feature snapshot: yes, exit 0"
like "$out" 'snapshot +yes' "the table says yes"
run px feature "$vm" copy -j
printf '%s' "$out" | py "r = d[0]; assert r['vmid'] == $vm and r['feature'] == 'copy' and r['available'] is True and '$node' in r['nodes'].split(','), r"
ok $? "feature -j: vmid, feature, available, nodes"
run px feature "$vm" clone -f tsv -H -c available
is "$rc" 1 "a linked clone of a VM that is no template: no, exit 1"
is "$out" "0" "available: 0"
offnode=$(px ls guests -H -f tsv -c vmid,node | awk -v v="$off" '$1 == v { print $2 }')
sim_api PUT "nodes/$offnode/qemu/$off/config" "scsi5=local:$off/vm-$off-disk-9.raw,size=1G" >/dev/null
run px feature "$off" snapshot -f tsv -H -c available
is "$rc" 1 "a raw disk on directory storage: no snapshot, exit 1"
is "$out" "0" "available: 0"
run px feature "$off" copy -f tsv -H -c available
is "$out" "1" "but a full copy"
run px feature "$vm" snapshot --snapname nosuchsnap
is "$rc" 5 "--snapname of no snapshot: PVE says it does not exist, exit 5"
run px feature "$vm" backup
is "$rc" 2 "feature backup: usage"
run px feature "$vm" snapshot --snapname 'a b'
is "$rc" 2 "a bad --snapname: usage"

# ---------------- interfaces
run px interfaces "$ct"
is "$rc" 0 "interfaces of a CT: exit 0"
like "$out" "^ *$ct +eth0 +[0-9a-f:]{17} +inet +10\." "a CT's eth0 IPv4 from PVE"
run px interfaces "$ct" -j
printf '%s' "$out" | py "assert {'vmid','iface','hwaddr','family','address'} == set(d[0]) and any(r['family'] == 'inet6' for r in d), d"
ok $? "interfaces -j: the keys, IPv4 and IPv6 rows"
run px interfaces "$vm" -f tsv -H -c iface,family
like "$out" '^eth0	inet$' "a VM's interfaces from its agent"
is "$(sim_log | grep -c "agent/network-get-interfaces")" 1 "through the agent"
run px interfaces "$off"
is "$rc" 1 "a stopped VM: exit 1"
like "$err" 'agent' "with the agent hint"
run px interfaces 'x1'
is "$rc" 2 "not a VMID: usage"

# ---------------- unlink
sim_api PUT "nodes/$node/qemu/$vm/config" "scsi3=local-lvm:vm-$vm-disk-3,size=4G&scsi4=local-lvm:vm-$vm-disk-4,size=4G" >/dev/null
simctl DELETE log >/dev/null
run px unlink "$vm" scsi3 -n
is "$rc" 0 "unlink -n: exit 0"
like "$out" "would send: PUT /nodes/$node/qemu/$vm/unlink idlist=scsi3" "-n: the request"
is "$(writes)" 0 "-n: nothing sent"
run px unlink "$vm" scsi3 </dev/null
is "$rc" 2 "unlink without -y on a pipe: exit 2"
run px unlink "$vm" scsi3 --force -y
is "$rc" 6 "unlink --force: refused by the pre-flight check (exit 6)"
like "$err" 'Severe +DestroysVolume' "the severe DestroysVolume finding"
is "$(writes)" 0 "refused: nothing sent"
is "$(cfg scsi3)" "local-lvm:vm-$vm-disk-3,size=4G" "scsi3 still attached"
run px unlink "$vm" scsi3 -y -j
is "$rc" 0 "unlink: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['action'] == 'unlink' and r['result'] == 'ok', r"
ok $? "unlink -j: the row"
is "$(cfg scsi3)" "" "scsi3 detached"
unused=$(sim_api GET "nodes/$node/qemu/$vm/config" | py "print([k for k, v in d['data'].items() if k.startswith('unused') and v == 'local-lvm:vm-$vm-disk-3'][0])")
like "$unused" '^unused[0-9]+$' "its volume kept as $unused"
run px unlink "$vm" "$unused" -y
is "$rc" 6 "unlink of an unusedN destroys: refused without --allow-risk"
run px unlink "$vm" "$unused" --allow-risk -y -f tsv -H -c action,result
is "$rc" 0 "unlink unusedN --allow-risk: exit 0"
is "$out" "unlink-destroy	ok" "action unlink-destroy"
is "$(cfg "$unused")" "" "the unused entry is gone"
run sim_api GET "nodes/$node/storage/local-lvm/content"
unlike "$out" "vm-$vm-disk-3\"" "the volume is destroyed"
run px unlink "$vm" scsi4 --force --allow-risk -y
is "$rc" 0 "unlink --force --allow-risk: exit 0"
is "$(cfg scsi4)" "" "scsi4 gone"
run sim_api GET "nodes/$node/storage/local-lvm/content"
unlike "$out" "vm-$vm-disk-4\"" "its volume destroyed, not kept as unused"
run px audit log -f tsv -H
like "$out" 'unlink-destroy	vm/'"$vm" "audited as unlink-destroy"
simctl DELETE log >/dev/null
for d in 'scsi0;rm -rf /' 'scsi0,scsi1' '../scsi0' 'net0' 'scsi' 'scsi999' "$(printf 'scsi0\033[2J')"; do
	run px unlink "$vm" "$d" -y
	is "$rc" 2 "disk '$(printf '%s' "$d" | tr -d '\033')': refused"
done
run px unlink "$vm" scsi9 -y
is "$rc" 5 "a disk the VM does not have: exit 5"
run px unlink "$vm" scsi0 scsi0 -y
is "$rc" 2 "a disk twice: usage"
run px unlink "$ct" rootfs -y
is "$rc" 2 "a container: usage"
is "$(writes)" 0 "bad disks: nothing sent"

# ---------------- metrics --png
run px metrics node "$node" --png "$T/node.png"
is "$rc" 0 "metrics --png: exit 0"
is "$(head -c 8 "$T/node.png" | od -An -c | tr -d ' ')" '211PNG\r\n032\n' "a PNG image"
is "$(stat -c %a "$T/node.png")" "644" "mode 0644"
is "$(sim_log | grep -c "^GET /api2/png/nodes/$node/rrd")" 1 "from /api2/png/nodes/$node/rrd"
cp "$T/node.png" "$T/before.png"
run px metrics guest "$vm" --png "$T/node.png"
is "$rc" 2 "an existing file without --force: usage"
cmp -s "$T/node.png" "$T/before.png"; ok $? "the file is untouched"
run px metrics guest "$vm" --png "$T/node.png" --force --field cpu,mem --timeframe day
is "$rc" 0 "--force replaces it"
like "$(sim_log | grep '/api2/png/' | tail -1)" "qemu/$vm/rrd" "a guest's graph"
run px metrics storage "$node" local --png "$T/st.png"
is "$rc" 0 "a storage's graph"
is "$(ls -a "$T" | grep -c '^\.px-png')" 0 "no temporary file left"
run px metrics node "$node" --png "$T/x.png" --field 'cpu;id'
is "$rc" 2 "a hostile --field: usage"
run px metrics node "$node" --force
is "$rc" 2 "--force without --png: usage"
run px metrics node "$node" --png "$T/no/such/dir/x.png"
is "$rc" 1 "an unwritable place: exit 1"
run sim_api GET "nodes/$node/rrd?timeframe=hour&ds=cpu"
printf '%s' "$out" | py 'assert d["data"]["filename"].endswith(".png"), d'
ok $? "JSON /rrd: a filename, as PVE answers"

# ---------------- read-only and freeze
simctl DELETE log >/dev/null
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px sendkey "$vm" ret -y
is "$rc" 8 "read-only: sendkey exit 8"
run px unlink "$vm" scsi0 -y
is "$rc" 8 "read-only: unlink exit 8"
run px feature "$vm" snapshot
is "$rc" 0 "read-only: feature reads"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "misc freeze" --ttl 1h >/dev/null 2>&1
run px sendkey "$vm" ret -y
is "$rc" 8 "frozen: sendkey exit 8"
run px unlink "$vm" scsi0 -y
is "$rc" 8 "frozen: unlink exit 8"
px incident thaw --reason done >/dev/null 2>&1
is "$(writes)" 0 "read-only and freeze: nothing sent"
like "$(cfg scsi0)" 'local-lvm' "scsi0 still there"

done_testing
