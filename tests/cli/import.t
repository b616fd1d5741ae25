#!/bin/sh
# px import: a qcow2 and a raw image made here with qemu-img, a vdi
# converted to qcow2 on the way, and an OVA built here (tar of an .ovf
# and a streamOptimized vmdk) imported into new VMs against pxsim; a
# disk added to an existing VM (a running one only when confirmed); -n
# sends nothing; the temporary converted file is gone after success,
# after an error and after SIGTERM; hostile images and OVFs refused
# with nothing sent.
. "$(dirname "$0")/lib.sh"
command -v qemu-img >/dev/null 2>&1 || skip_all "qemu-img is not installed (scripts/deps)"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
node=$(px ls nodes -H -f tsv -c node | head -1)
px storage set local --content iso,vztmpl,backup,import -y >/dev/null 2>&1
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
tmpfiles() { ls "$TMPDIR" | grep -c px-import; }
stored() { printf '%s/storage/%s/%s/import/%s' "$SIM_DIR" "$1" "$2" "$3"; }

# --- a qcow2: -n shows the plan and sends nothing
qemu-img create -q -f qcow2 "$T/web.qcow2" 64M
simctl DELETE log >/dev/null
run px import "$T/web.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 9100 -n
is "$rc" 0 "qcow2 -n: exit 0"
like "$out" "would send: POST /nodes/$node/storage/local/upload content=import \(multipart: filename=web.qcow2, [0-9]+ bytes\)" "-n: the upload"
like "$out" "would send: POST /nodes/$node/qemu vmid=9100&name=web&cores=2&memory=2048&scsihw=virtio-scsi-single&scsi0=local-lvm%3A0%2Cimport-from%3Dlocal%3Aimport%2Fweb.qcow2&boot=order%3Dscsi0&net0=virtio%2Cbridge%3Dvmbr0" "-n: the create with import-from"
like "$out" "9100 +web +$node +import +dry-run" "-n: its row"
is "$(writes)" 0 "-n: nothing sent"

# --- the qcow2, imported into a new VM
run px import "$T/web.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 9100
is "$rc" 0 "qcow2: exit 0"
like "$out" "9100 +web +$node +import +ok +scsi0 from local:import/web.qcow2 on local-lvm" "qcow2: its row"
unlike "$err" "$(printf '\r')" "no progress on a pipe"
cmp -s "$T/web.qcow2" "$(stored local "$node" web.qcow2)"
ok $? "the image is on the import storage as it was"
cfg=$(px config 9100 -H -f tsv 2>/dev/null)
like "$cfg" "scsi0	local-lvm:vm-9100-disk-0,size=1G" "the VM's disk, imported"
like "$cfg" "boot	order=scsi0" "it boots from it"
like "$(sim_log | grep -E '^(POST|PUT|DELETE)' | awk '{print $1, $2}' | tr '\n' ' ')" "POST /api2/json/nodes/$node/storage/local/upload POST /api2/json/nodes/$node/qemu " "upload, then create"
aud=$(px audit log -f tsv -H 2>/dev/null | grep 'vm/9100')
like "$aud" "import	vm/9100	allowed" "audited under one action"
is "$(printf '%s\n' "$aud" | grep -c 'task	OK')" 2 "both tasks' ends audited"
run px import "$T/web.qcow2" --node "$node" --storage local --target-storage local-lvm
is "$rc" 2 "the same file again: usage"
like "$err" "local:import/web.qcow2 exists already" "says the upload is there"

# --- a raw image, named and numbered
head -c 3145728 /dev/zero >"$T/My Disk.img"
run px import "$T/My Disk.img" --node "$node" --storage local --target-storage local-lvm --vmid 9101 --name db-raw
is "$rc" 0 "raw: exit 0"
like "$out" "9101 +db-raw +$node +import +ok +scsi0 from local:import/My_Disk.raw" "raw: uploaded as .raw, a name PVE keeps"
cmp -s "$T/My Disk.img" "$(stored local "$node" My_Disk.raw)"
ok $? "the raw image is on the storage as it was"
like "$(px config 9101 -H -f tsv 2>/dev/null)" "name	db-raw" "the name given"

# --- JSON rows, and --format overriding what qemu-img finds
cp "$T/web.qcow2" "$T/asraw.qcow2"
run px import "$T/asraw.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 9105 --format raw -j
is "$rc" 0 "--format raw -j: exit 0"
like "$out" '"vmid":9105,"name":"asraw","node":"'"$node"'","action":"import","result":"ok"' "-j: the row as JSON"
like "$out" '"message":"scsi0 from local:import/asraw.raw on local-lvm"' "--format raw: uploaded as raw"

# --- a vdi: converted to qcow2 in a temporary file, gone after
qemu-img create -q -f vdi "$T/legacy.vdi" 32M
run px import "$T/legacy.vdi" --node "$node" --storage local --target-storage local-lvm --vmid 9102 -n
like "$out" "would run: qemu-img convert -f vdi -O qcow2 $T/legacy.vdi TMPFILE" "-n: says it would convert"
is "$(tmpfiles)" 0 "-n: no temporary file made"
run px import "$T/legacy.vdi" --node "$node" --storage local --target-storage local-lvm --vmid 9102
is "$rc" 0 "vdi: exit 0"
like "$out" "9102 +legacy +$node +import +ok +scsi0 from local:import/legacy.qcow2" "vdi: uploaded as qcow2"
like "$(qemu-img info --output=json "$(stored local "$node" legacy.qcow2)")" '"format": "qcow2"' "what was uploaded is a qcow2"
is "$(tmpfiles)" 0 "the temporary file is gone after success"

# --- progress on a terminal: the conversion's and the upload's
qemu-img create -q -f vdi "$T/tty.vdi" 32M
tty=$(script -qec "px import '$T/tty.vdi' --node $node --storage local --target-storage local-lvm --vmid 9104 -y; echo RC=\$?" /dev/null 2>&1 </dev/null)
like "$tty" "RC=0" "on a terminal: exit 0"
like "$tty" "convert .*tty.vdi to qcow2" "on a terminal: the conversion is announced"
like "$tty" "upload tty.qcow2 .*100%" "on a terminal: the upload's progress"
is "$(tmpfiles)" 0 "the temporary file is gone"

# --- the temporary file is gone after an error ...
qemu-img create -q -f vhdx "$T/err.vhdx" 32M
simctl POST fault "rate=1&mode=500&prefix=/nodes/$node/storage/local/upload" >/dev/null
run px import "$T/err.vhdx" --node "$node" --storage local --target-storage local-lvm --vmid 9103
simctl DELETE fault >/dev/null
is "$rc" 1 "the upload failed: exit 1"
is "$(tmpfiles)" 0 "the temporary file is gone after an error"
run px status 9103
is "$rc" 5 "no VM made"

# --- ... and after SIGTERM
simctl POST fault "rate=1&mode=hang&prefix=/nodes/$node/storage/local/upload" >/dev/null
px import "$T/err.vhdx" --node "$node" --storage local --target-storage local-lvm --vmid 9103 >"$T/term.out" 2>&1 &
pid=$!
i=0
while [ "$(tmpfiles)" -eq 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(tmpfiles)" 1 "the temporary file is there while px runs"
sleep 0.5
kill -TERM $pid
{ wait $pid; } 2>/dev/null
st=$?
simctl DELETE fault >/dev/null
is "$st" 143 "px ended by SIGTERM"
is "$(tmpfiles)" 0 "the temporary file is gone after SIGTERM"

# --- a disk added to an existing VM
simctl DELETE log >/dev/null
qemu-img create -q -f qcow2 "$T/data.qcow2" 16M
run px import "$T/data.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 100 -n
like "$out" "would send: POST /nodes/$node/qemu/100/config scsi1=local-lvm%3A0%2Cimport-from%3Dlocal%3Aimport%2Fdata.qcow2&digest=[0-9a-f]+" "-n: the next free SCSI slot, with the config's digest"
run px import "$T/data.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 100
is "$rc" 0 "existing VM: exit 0"
like "$out" "100 +proxy-01 +$node +import +ok +scsi1 from local:import/data.qcow2" "existing VM: its row"
like "$(px config 100 -H -f tsv 2>/dev/null)" "scsi1	local-lvm:vm-100-disk-0,size=1G" "the disk is attached as scsi1"
run px import "$T/data.qcow2" --node pve2 --storage local --target-storage local-lvm --vmid 100
is "$rc" 2 "the VM on another node: usage"
like "$err" "VM 100 is on $node" "says where it is"
qemu-img create -q -f qcow2 "$T/hot.qcow2" 16M
simctl DELETE log >/dev/null
run px import "$T/hot.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 108 </dev/null
[ "$rc" -ne 0 ]
ok $? "a running VM, not confirmed: refused"
like "$err" "confirm|-y" "says it needs confirmation"
is "$(writes)" 0 "nothing sent"
run px import "$T/hot.qcow2" --node "$node" --storage local --target-storage local-lvm --vmid 108 -y
is "$rc" 0 "a running VM with -y: the disk is hot-plugged"
like "$(px config 108 -H -f tsv 2>/dev/null)" "scsi[0-9]+	local-lvm:vm-108-disk-[0-9],size=1G" "attached"

# --- an OVA built here
mkovf() {	# mkovf NAME CPUS MEMMIB DISKFILE CAPGIB
	cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- made by the test -->
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References>
    <File ovf:id="file1" ovf:href="$4"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="$5" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network"/>
  </NetworkSection>
  <VirtualSystem ovf:id="$1">
    <Info>A virtual machine</Info>
    <Name>$1</Name>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:ElementName>$2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>$2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:ElementName>$3MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>$3</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
EOF
}
mkdir -p "$T/ova"
qemu-img convert -q -f qcow2 -O vmdk -o subformat=streamOptimized "$T/web.qcow2" "$T/ova/appliance-disk1.vmdk"
mkovf appliance 4 3072 appliance-disk1.vmdk 2 >"$T/ova/appliance.ovf"
(cd "$T/ova" && tar -cf "$T/appliance.ova" appliance.ovf appliance-disk1.vmdk)
px storage set nas --content backup,iso,vztmpl,images,import -y >/dev/null 2>&1
simctl DELETE log >/dev/null
run px import "$T/appliance.ova" --node "$node" --storage nas --vmid 9110 -n
is "$rc" 0 "OVA -n: exit 0"
like "$out" "would send: POST /nodes/$node/storage/nas/upload content=import \(multipart: filename=appliance.ova" "-n: the OVA is uploaded as it is"
like "$out" "would send: POST /nodes/$node/qemu vmid=9110&name=appliance&cores=4&memory=3072&scsihw=lsi&scsi0=nas%3A0%2Cimport-from%3Dnas%3Aimport%2Fappliance.ova%2Fappliance-disk1.vmdk&boot=order%3Dscsi0&net0=vmxnet3%2Cbridge%3Dvmbr0" "-n: the VM from the OVF: name, CPUs, memory, controller, the disk inside the OVA, the network card"
is "$(writes)" 0 "OVA -n: nothing sent"
run px import "$T/appliance.ova" --node "$node" --storage nas --vmid 9110
is "$rc" 0 "OVA: exit 0"
like "$out" "9110 +appliance +$node +import +ok" "OVA: its row"
cfg=$(px config 9110 -H -f tsv 2>/dev/null)
like "$cfg" "cores	4" "the OVF's CPUs"
like "$cfg" "memory	3072" "the OVF's memory"
like "$cfg" "scsi0	nas:vm-9110-disk-0,size=2G" "the disk, its capacity from the OVF"
like "$cfg" "net0	vmxnet3,bridge=vmbr0" "the network card"
cmp -s "$T/appliance.ova" "$(stored nas shared appliance.ova)"
ok $? "the OVA is on the import storage as it was"
like "$(sim_log | grep -E '^(GET|POST)' | awk '{print $1, $2}' | tr '\n' ' ')" "POST [^ ]*/storage/nas/upload .*GET [^ ]*/storage/nas/import-metadata POST [^ ]*/nodes/$node/qemu " "upload, PVE's reading of the OVA checked, then create"
meta=$(sim_api GET "nodes/$node/storage/nas/import-metadata?volume=nas:import/appliance.ova")
like "$meta" '"disks":\{"scsi0":\{"volid":"nas:import/appliance.ova/appliance-disk1.vmdk","size":2147483648\}\}' "import-metadata: the disk as PVE names it"
like "$meta" '"create-args":\{"name":"appliance","cores":4,"memory":3072' "import-metadata: the VM's settings"
like "$(sim_api GET "nodes/$node/storage/nas/import-metadata?volume=nas:import/nosuch.ova")" '"data":null' "import-metadata of no volume: an error"
run px import "$T/appliance.ova" --node "$node" --storage local --target-storage local-lvm -n
is "$rc" 2 "OVA to a storage PVE cannot extract on: usage"
like "$err" "file-based storage with content images" "says why"

# --- hostile OVAs: refused, nothing sent
hostile() {	# hostile NAME OVF-TEXT REGEX
	mkdir -p "$T/h/$1"
	printf '%s\n' "$2" >"$T/h/$1/$1.ovf"
	cp "$T/ova/appliance-disk1.vmdk" "$T/h/$1/"
	(cd "$T/h/$1" && tar -cf "$T/h/$1.ova" "$1.ovf" appliance-disk1.vmdk)
	simctl DELETE log >/dev/null
	run px import "$T/h/$1.ova" --node "$node" --storage nas --vmid 9120
	is "$rc" 2 "$1: refused"
	like "$err" "$3" "$1: says why"
	is "$(writes)" 0 "$1: nothing sent"
}
good=$(mkovf bad 2 1024 appliance-disk1.vmdk 2)
hostile entities "$(printf '%s\n' "$good" | sed 's|^<Envelope|<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "\&a;\&a;\&a;\&a;">]>\n<Envelope|')" "DOCTYPE or entity declaration"
hostile undeclared "$(printf '%s\n' "$good" | sed 's|<Name>bad</Name>|<Name>\&xxe;</Name>|')" "entity px does not take"
hostile hugemem "$(printf '%s\n' "$good" | sed 's|<rasd:VirtualQuantity>1024</rasd:VirtualQuantity>|<rasd:VirtualQuantity>99999999999999</rasd:VirtualQuantity>|')" "memory size is not"
hostile hugedisk "$(printf '%s\n' "$good" | sed 's|ovf:capacity="2"|ovf:capacity="99999999"|')" "capacity is more than"
hostile nocpu "$(printf '%s\n' "$good" | sed 's|<rasd:ResourceType>3</rasd:ResourceType>|<rasd:ResourceType>99</rasd:ResourceType>|')" "no CPU count"
hostile traversal "$(printf '%s\n' "$good" | sed 's|ovf:href="appliance-disk1.vmdk"|ovf:href="../../etc/passwd.vmdk"|')" "not a plain file name"
hostile absolute "$(printf '%s\n' "$good" | sed 's|ovf:href="appliance-disk1.vmdk"|ovf:href="/etc/shadow"|')" "not a plain file name"
hostile missing "$(printf '%s\n' "$good" | sed 's|ovf:href="appliance-disk1.vmdk"|ovf:href="other.vmdk"|')" "not in the archive"
hostile nohost "$(printf '%s\n' "$good" | grep -v 'ovf:/disk/vmdisk1')" "without a HostResource"
hostile notxml "$(printf '%s\n' "$good" | sed 's|</Envelope>||')" "not well-formed"
hostile escapes "$(printf '%s\n' "$good" | sed "s|<Name>bad</Name>|<Name>$(printf '\033')[2J</Name>|")" "control character"
unlike "$err" "$(printf '\033')" "no escape sequence echoed"
mkdir -p "$T/h/path/sub"
cp "$T/ova/appliance.ovf" "$T/h/path/sub/"
(cd "$T/h/path" && tar -cf "$T/h/path.ova" sub/appliance.ovf)
run px import "$T/h/path.ova" --node "$node" --storage nas
is "$rc" 2 "a member with a path: refused"
like "$err" "a member's name is a path" "says why"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$T/h/big.ovf"
(cd "$T/h" && tar -cf "$T/h/big.ova" big.ovf)
run px import "$T/h/big.ova" --node "$node" --storage nas
is "$rc" 2 "an .ovf over 1 MiB: refused"
like "$err" "more than px reads" "says why"
printf 'not a tar at all\n' >"$T/h/junk.ova"
run px import "$T/h/junk.ova" --node "$node" --storage nas
is "$rc" 2 "not a tar: refused"

# --- hostile images
qemu-img create -q -f qcow2 -b "$T/web.qcow2" -F qcow2 "$T/child.qcow2"
simctl DELETE log >/dev/null
run px import "$T/child.qcow2" --node "$node" --storage local --target-storage local-lvm
is "$rc" 2 "a qcow2 with a backing file: refused"
like "$err" "backing file" "says why"
run px import "$T/web.qcow2" --node "$node" --storage local --target-storage local-lvm --format vdi
is "$rc" 1 "--format that is not the file's: qemu-img's error"
like "$err" "qemu-img info" "says so"
run px import "$T/web.qcow2" --node "$node" --storage local --target-storage local-lvm --format iso
is "$rc" 2 "--format outside the list: usage"
run px import "$T/web.qcow2" --node "$node" --storage local
is "$rc" 2 "an import storage without images and no --target-storage: usage"
like "$err" "target-storage" "says what to give"
run px import "$T/web.qcow2" --node "$node" --storage local-lvm
is "$rc" 2 "a storage without import content: usage"
like "$err" "holds no import content" "says so"
run px import "$T/web.qcow2" --node "$node" --storage local --target-storage local-lvm --name 'a;b'
is "$rc" 2 "a bad --name: usage"
is "$(writes)" 0 "hostile images: nothing sent"
is "$(tmpfiles)" 0 "no temporary file left behind"
done_testing
