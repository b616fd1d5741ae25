#!/bin/sh
# px gpuinspect (gpu-inspect): the IOMMU groups of a node read over SSH
# (its fixed script runs against a fake /sys tree: a fake sh first in
# the session's PATH points it there), the device names from the API,
# the guests whose hostpci entries name a device.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
sim_start
sshd_start
sshd_conf
fake sh <<'EOS'
#!/bin/sh
if [ "$1" = "-c" ]; then
	case "$2" in *iommu_groups*)
		exec /bin/sh -c "$(printf '%s' "$2" | sed "s|/sys/|$FAKE_DIR/sys/|g")" ;;
	esac
fi
exec /bin/sh "$@"
EOS
dev() {	# dev GROUP ADDR VENDOR DEVICE CLASS DRIVER
	d="$FAKE_DIR/sys/kernel/iommu_groups/$1/devices/$2"
	mkdir -p "$d" "$FAKE_DIR/sys/bus/pci/drivers/$6"
	echo "$3" >"$d/vendor"; echo "$4" >"$d/device"; echo "$5" >"$d/class"
	[ "$6" = none ] || ln -s "../../../../../bus/pci/drivers/$6" "$d/driver"
}
dev 2 0000:01:00.0 0x144d 0xa808 0x010802 nvme
dev 3 0000:02:00.0 0x8086 0x1521 0x020000 vfio-pci
dev 3 0000:02:00.1 0x8086 0x1521 0x020000 igb
dev 12 0000:0a:00.0 0x10de 0x2204 0x030000 none
vm=$(px ls guests -f tsv -c vmid,type,node | awk '$2 == "qemu" && $3 == "pve1" { print $1; exit }')
sim_api PUT "nodes/pve1/qemu/$vm/config" "hostpci0=0000:02:00.0" >/dev/null

run px gpuinspect --node pve1 -f tsv -c group,address,ids,driver,vfio,group_size,guests
is "$rc" 0 "exit 0"
is "$out" "$(printf '2\t0000:01:00.0\t144d:a808\tnvme\t0\t1\t\n3\t0000:02:00.0\t8086:1521\tvfio-pci\t1\t2\t%s (hostpci0)\n3\t0000:02:00.1\t8086:1521\tigb\t0\t2\t\n12\t0000:0a:00.0\t10de:2204\t\t0\t1\t' "$vm")" "groups, devices, drivers, vfio-pci, the guest that uses a device"
run px gpuinspect --node pve1 -j
like "$out" '"address":"0000:01:00.0","ids":"144d:a808","class":"010802","name":"Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981/PM983"' "-j: the API's name of the device"
like "$(tail -1 "$FAKE_DIR/commands")" "^pve1 timeout -k 5 300 sh -c 'for d in /sys/kernel/iommu_groups/\*/devices/\*; do" "one fixed script, quoted"
run px gpu-inspect --node pve1 -H -f tsv -c address
is "$rc" 0 "px gpu-inspect: the same command"
# mapped devices: hostpciN: mapping=NAME through /cluster/mapping/pci
vm2=$(px ls guests -f tsv -c vmid,type,node | awk -v v="$vm" '$2 == "qemu" && $3 == "pve1" && $1 != v { print $1; exit }')
vm3=$(px ls guests -f tsv -c vmid,type,node | awk -v v="$vm" -v w="$vm2" '$2 == "qemu" && $3 == "pve1" && $1 != v && $1 != w { print $1; exit }')
vm4=$(px ls guests -f tsv -c vmid,type,node | awk -v v="$vm" -v w="$vm2" -v x="$vm3" '$2 == "qemu" && $3 == "pve1" && $1 != v && $1 != w && $1 != x { print $1; exit }')
enc() { /usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
sim_api POST cluster/mapping/pci "id=rtx0a&map=$(enc node=pve1,path=0000:0a:00.0,id=10de:2204)&map=$(enc node=pve2,path=0000:03:00.0,id=10de:2204)" >/dev/null
sim_api POST cluster/mapping/pci "id=nics&map=$(enc node=pve1,path=0000:02:00.1,id=8086:1521)&map=$(enc node=pve1,path=0000:01:00.0,id=144d:a808)" >/dev/null
sim_api POST cluster/mapping/pci "id=elsewhere&map=$(enc node=pve2,path=0000:04:00.0,id=10de:2204)" >/dev/null
is "$(px mapping list pci -H -f tsv -c id 2>/dev/null | grep -E "^(elsewhere|rtx0a|nics)$" | sort | tr '\n' ' ')" "elsewhere nics rtx0a " "the mappings exist"
sim_api PUT "nodes/pve1/qemu/$vm2/config" "hostpci1=$(enc mapping=rtx0a,pcie=1)" >/dev/null
sim_api PUT "nodes/pve1/qemu/$vm3/config" "hostpci0=$(enc mapping=nics)" >/dev/null
sim_api PUT "nodes/pve1/qemu/$vm4/config" "hostpci0=$(enc mapping=elsewhere)" >/dev/null
run px gpuinspect --node pve1 -f tsv -H -c address,guests
is "$rc" 0 "mapped devices: exit 0"
is "$out" "$(printf '0000:01:00.0\t%s (hostpci0, mapping nics, one of 2)\n0000:02:00.0\t%s (hostpci0)\n0000:02:00.1\t%s (hostpci0, mapping nics, one of 2)\n0000:0a:00.0\t%s (hostpci1, mapping rtx0a)' "$vm3" "$vm" "$vm3" "$vm2")" "a mapping resolved to this node's device (pve2's entry not used), several candidates said so"
like "$err" "guest $vm4: hostpci0: mapping elsewhere has no device on pve1" "a mapping without a device on the node: a warning"
run px gpuinspect --node pve1 -j
like "$out" "\"guests\":\"$vm2 \(hostpci1, mapping rtx0a\)\"" "-j: the mapped guest in guests"
sim_api PUT "nodes/pve1/qemu/$vm2/config" "delete=hostpci1" >/dev/null
sim_api PUT "nodes/pve1/qemu/$vm3/config" "delete=hostpci0" >/dev/null
sim_api PUT "nodes/pve1/qemu/$vm4/config" "delete=hostpci0" >/dev/null

echo '0x10de; rm -rf /' >"$FAKE_DIR/sys/kernel/iommu_groups/12/devices/0000:0a:00.0/vendor"
run px gpuinspect --node pve1 -f tsv -c address
is "$rc" 1 "a line that cannot be read: exit 1"
like "$err" "1 line of the IOMMU listing could not be read" "says so"
rm -rf "$FAKE_DIR/sys"
mkdir -p "$FAKE_DIR/sys/kernel/iommu_groups"
run px gpuinspect --node pve1
is "$rc" 0 "no IOMMU groups: exit 0"
like "$err" "pve1 has no IOMMU groups: the IOMMU is off" "says the IOMMU is off"
run px gpuinspect
is "$rc" 2 "without --node: exit 2"
sim_stop
done_testing
