#!/bin/sh
# px create qemu|lxc: through the gate, the creation task followed, the
# guest there afterwards with what was asked; next free VMID; dry run,
# read-only profile, PVE's errors, unknown and malformed node.
. "$(dirname "$0")/lib.sh"
sim_start --guests 20
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
cfg() { px config "$1" -f tsv | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
row() { px ls guests -f tsv -c vmid,type,node,name,status | awk -v v="$1" '$1 == v'; }
iso=local:iso/debian-12.7.0-amd64-netinst.iso
tpl=local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst

# --- a VM, with the next free VMID
next=$(px api /cluster/nextid -j | tr -d '"[]')
simctl DELETE log >/dev/null
run px create qemu --node pve1 --name web-new --memory 2048 --cores 2 \
	--storage local-lvm --disk 20 --iso "$iso" --net bridge=vmbr0,tag=20
is "$rc" 0 "create qemu: exit 0"
like "$out" "^ *$next +web-new +pve1 +create +ok" "the row has the new VMID and says ok"
is "$(sim_log | grep -c '^GET /api2/json/cluster/nextid ')" 1 "the VMID came from /cluster/nextid"
is "$(sim_log | grep -c '^POST /api2/json/nodes/pve1/qemu ')" 1 "one POST /nodes/pve1/qemu"
is "$(row "$next")" "$next	qemu	pve1	web-new	stopped" "the VM exists afterwards"
is "$(cfg "$next" memory)" 2048 "with its memory"
is "$(cfg "$next" cores)" 2 "its cores"
like "$(cfg "$next" scsi0)" "^local-lvm:vm-$next-disk-0,.*size=20G" "a 20 GiB disk on local-lvm"
is "$(cfg "$next" ide2)" "$iso,media=cdrom" "the ISO as a CD-ROM"
is "$(cfg "$next" net0)" "virtio,bridge=vmbr0,tag=20" "net0 with a model added"
is "$(cfg "$next" boot)" "order=scsi0;ide2" "the boot order"

# --- a container with a given VMID, started
run px create lxc -j --node pve2 --vmid 4321 --name ct-new --memory 512 \
	--storage local-lvm --ostemplate "$tpl" --net bridge=vmbr0 --start
is "$rc" 0 "create lxc: exit 0"
printf '%s' "$out" | py 'r = d[0]; assert r["vmid"] == 4321 and r["result"] == "ok" and ":vzcreate:4321:" in r["upid"], r'
ok $? "JSON row: vmid, result and the task's UPID"
is "$(row 4321)" "4321	lxc	pve2	ct-new	running" "the container exists and runs (--start)"
is "$(cfg 4321 hostname)" ct-new "--name is the container's hostname"
like "$(cfg 4321 rootfs)" "^local-lvm:vm-4321-disk-0,size=8G" "rootfs on local-lvm, 8 GiB by default"
is "$(cfg 4321 net0)" "name=eth0,bridge=vmbr0,ip=dhcp" "net0 with a name and DHCP added"

# --- PVE's errors: exit 1 with its message
run px create qemu --node pve1 --vmid 4321
is "$rc" 1 "a VMID that exists: exit 1"
like "$err" "already exists" "with PVE's message"
run px create lxc --node pve1 --ostemplate local:vztmpl/none.tar.zst
is "$rc" 5 "a template that does not exist: exit 5 (PVE says it does not exist)"
like "$err" "does not exist" "with PVE's message"

# --- dry run sends nothing
simctl DELETE log >/dev/null
run px create qemu -n --node pve1 --vmid 5555 --name dry
is "$rc" 0 "dry run: exit 0"
like "$out" "would send: POST /nodes/pve1/qemu vmid=5555&name=dry" "shows method, path and parameters"
is "$(writes)" 0 "dry run: no write reached pxsim"
is "$(row 5555)" "" "and no guest was created"

# --- read-only profile
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px create qemu --node pve1 --vmid 5556
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- refused before anything is sent
simctl DELETE log >/dev/null
run px create qemu --node pve1/../x --vmid 5557
is "$rc" 2 "a node name with '/': exit 2"
run px create qemu --node pve9 --vmid 5557
is "$rc" 5 "an unknown node: exit 5"
run px create qemu --node pve1 --storage nowhere
is "$rc" 5 "an unknown storage: exit 5"
run px create qemu --node pve1 --storage local
is "$rc" 2 "a storage without disk images: exit 2"
run px create lxc --node pve1
is "$rc" 2 "a container without --ostemplate: exit 2"
run px create lxc --node pve1 --ostemplate "$tpl" --iso "$iso"
is "$rc" 2 "--iso for a container: exit 2"
run px create qemu --node pve1 --disk 10
is "$rc" 2 "--disk without --storage: exit 2"
run px create qemu --node pve1 --memory lots
is "$rc" 2 "a malformed --memory: exit 2"
run px create vmware --node pve1
is "$rc" 2 "an unknown type: exit 2"
run px create qemu
is "$rc" 2 "no --node: exit 2"
is "$(writes)" 0 "none of these sent a write"

# --- no-wait
run px create qemu --no-wait -j --node pve3 --vmid 5558
printf '%s' "$out" | py 'assert d[0]["result"] == "submitted" and d[0]["upid"].startswith("UPID:")'
ok $? "--no-wait: result submitted, with the UPID"

done_testing
