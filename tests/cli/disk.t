#!/bin/sh
# px disk move|resize: through the gate, tasks followed, the config
# changed afterwards; shrinks refused client-side; dry run, read-only
# profile, PVE's errors, unknown VMID and disk, --delete-source needs -y.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
cfg() { px config "$1" -f tsv | awk -v k="$2" '$1 == k { print $2 }'; }
# a plain guest of a type and status, with its disk key
pick() {
	px ls guests -j | py "
for g in d:
    if g['type'] == '$1' and g['status'] == '$2' and not g['lock'] and not g['ha']:
        print(g['vmid']); break"
}
vm=$(pick qemu stopped)
ct=$(pick lxc stopped)
[ -n "$vm" ] && [ -n "$ct" ] || { echo "Bail out! no plain guests in pxsim"; exit 1; }
vmdisk=$(px config "$vm" -f tsv | awk '$1 ~ /^(scsi|virtio|sata)[0-9]+$/ && $2 !~ /media=cdrom/ { print $1; exit }')
vmstore=$(cfg "$vm" "$vmdisk" | cut -d: -f1)
other=ceph; [ "$vmstore" = ceph ] && other=local-lvm
size_of() { cfg "$1" "$2" | tr ',' '\n' | sed -n 's/^size=//p'; }

# --- resize: +N grows, the config shows the new size
old=$(size_of "$vm" "$vmdisk")
run px disk resize "$vm" --disk "$vmdisk" --size +2G
is "$rc" 0 "resize +2G: exit 0"
like "$out" "$vm .* resize +ok" "the row says ok"
oldg=${old%G}
is "$(size_of "$vm" "$vmdisk")" "$((oldg + 2))G" "the config has the bigger size"
simctl DELETE log >/dev/null
run px disk resize -j "$vm" --disk "$vmdisk" --size "$((oldg + 4))G"
is "$rc" 0 "resize to an absolute, bigger size: exit 0"
printf '%s' "$out" | py 'assert d[0]["result"] == "ok" and d[0]["upid"].startswith("UPID:") and ":resize:" in d[0]["upid"]'
ok $? "PVE's resize task was followed (UPID in the JSON row)"
is "$(sim_log | grep -c "^PUT /api2/json/nodes/[^/]*/qemu/$vm/resize ")" 1 "one PUT .../resize was sent"
is "$(size_of "$vm" "$vmdisk")" "$((oldg + 4))G" "the config has the absolute size"

# --- shrinks are refused before anything is sent
simctl DELETE log >/dev/null
run px disk resize "$vm" --disk "$vmdisk" --size 1G
is "$rc" 2 "an absolute size below the current one: exit 2"
like "$err" "cannot shrink" "says PVE cannot shrink"
run px disk resize "$vm" --disk "$vmdisk" --size -1G
is "$rc" 2 "a negative size: exit 2"
like "$err" "cannot shrink" "says why"
run px disk resize "$vm" --disk "$vmdisk" --size 10X
is "$rc" 2 "a malformed size: exit 2"
is "$(writes)" 0 "none of them sent a write"

# --- move (qemu: move_disk), the old volume stays as unused
simctl DELETE log >/dev/null
run px disk move "$vm" --disk "$vmdisk" --storage "$other"
is "$rc" 0 "move to $other: exit 0"
is "$(sim_log | grep -c "^POST /api2/json/nodes/[^/]*/qemu/$vm/move_disk ")" 1 "POST .../move_disk was sent"
like "$(cfg "$vm" "$vmdisk")" "^$other:" "the disk is on $other afterwards"
like "$(px config "$vm" -f tsv | awk '$1 ~ /^unused/ { print $2 }')" "^$vmstore:" "the old volume stays as unused"

# --- --delete-source is destructive: -y
simctl DELETE log >/dev/null
run px disk move "$vm" --disk "$vmdisk" --storage "$vmstore" --delete-source </dev/null
is "$rc" 2 "--delete-source without -y on a pipe: exit 2"
like "$err" "needs -y" "says -y is needed"
is "$(writes)" 0 "nothing was sent"
nunused=$(px config "$vm" -f tsv | grep -c '^unused')
run px disk move -y "$vm" --disk "$vmdisk" --storage "$vmstore" --delete-source
is "$rc" 0 "with -y: exit 0"
like "$(cfg "$vm" "$vmdisk")" "^$vmstore:" "the disk moved back"
is "$(px config "$vm" -f tsv | grep -c '^unused')" "$nunused" "and no new unused volume was left"

# --- lxc: move_volume with volume=
simctl DELETE log >/dev/null
run px disk move "$ct" --disk rootfs --storage ceph
is "$rc" 0 "container rootfs move: exit 0"
is "$(sim_log | grep -c "^POST /api2/json/nodes/[^/]*/lxc/$ct/move_volume ")" 1 "POST .../move_volume was sent"
like "$(cfg "$ct" rootfs)" "^ceph:" "the rootfs is on ceph afterwards"
run px disk resize "$ct" --disk rootfs --size +1G
is "$rc" 0 "container rootfs resize: exit 0"

# --- dry run sends nothing
simctl DELETE log >/dev/null
before=$(cfg "$vm" "$vmdisk")
run px disk resize -n "$vm" --disk "$vmdisk" --size +1G
is "$rc" 0 "dry run resize: exit 0"
like "$out" "would send: PUT /nodes/[^ ]+/qemu/$vm/resize disk=$vmdisk&size=%2B1G&digest=" "shows method, path and parameters with the digest"
run px disk move -n "$vm" --disk "$vmdisk" --storage "$other"
like "$out" "would send: POST /nodes/[^ ]+/qemu/$vm/move_disk disk=$vmdisk&storage=$other" "dry run move shows its request"
is "$(writes)" 0 "dry run: no write reached pxsim"
is "$(cfg "$vm" "$vmdisk")" "$before" "and the disk is unchanged"

# --- read-only profile
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px disk resize "$vm" --disk "$vmdisk" --size +1G
is "$rc" 8 "read-only profile: exit 8"
run px disk move "$vm" --disk "$vmdisk" --storage "$other"
is "$rc" 8 "read-only profile, move: exit 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- PVE's errors
run px disk move "$vm" --disk "$vmdisk" --storage "$vmstore"
is "$rc" 1 "a move to the storage it is on: exit 1"
like "$err" "same storage" "with PVE's message"
running_ct=$(pick lxc running)
if [ -n "$running_ct" ]; then
	run px disk move "$running_ct" --disk rootfs --storage ceph
	is "$rc" 1 "moving a running container's volume: exit 1"
	like "$err" "running container" "with PVE's message"
else
	ok 1 "pxsim has a plain running container"
fi

# --- refused before anything is sent
simctl DELETE log >/dev/null
run px disk resize 99999 --disk scsi0 --size +1G
is "$rc" 5 "unknown VMID: exit 5"
run px disk resize "$vm" --disk scsi29 --size +1G
is "$rc" 5 "a disk the guest does not have: exit 5"
run px disk move "$vm" --disk "$vmdisk" --storage nowhere
is "$rc" 5 "unknown storage: exit 5"
run px disk move "$vm" --disk "$vmdisk" --storage local
is "$rc" 2 "a storage without disk images: exit 2"
run px disk move "$vm" --disk 'scsi0/../x' --storage ceph
is "$rc" 2 "a malformed disk name: exit 2"
run px disk resize "$vm" --disk "$vmdisk" --size +1G --storage ceph
is "$rc" 2 "--storage with resize: exit 2"
run px disk shrink "$vm"
is "$rc" 2 "an unknown subcommand: exit 2"
is "$(writes)" 0 "none of these sent a write"

# --- no-wait
run px disk resize --no-wait -j "$vm" --disk "$vmdisk" --size +1G
printf '%s' "$out" | py 'assert d[0]["result"] == "submitted" and d[0]["upid"].startswith("UPID:")'
ok $? "--no-wait: result submitted, with the UPID"

done_testing
