#!/bin/sh
# px cloudimg (alias cloud-img): the catalogue, download to a storage
# with the checksum from a checksums file or --checksum, and provision
# end to end against pxsim (image imported, cloud-init drive, user,
# keys, ipconfig, size, start) as one audited change; a failure in the
# middle leaves no VM and no volume behind; -n, read-only and freeze
# send nothing; hostile input refused.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
node=$(px ls nodes -H -f tsv -c node | head -1)
base=$(cat "$PX_CONFIG")
img=debian-12-genericcloud-amd64.qcow2
web="$SIM_DIR/internet/cloud.debian.org/images/cloud/bookworm/latest"
mkdir -p "$web"
head -c 2097152 /dev/urandom >"$web/$img"
sum=$(sha512sum "$web/$img" | cut -d' ' -f1)
printf '%s  debian-12-genericcloud-amd64.json\n%s  %s\n' "$(printf '%0128d' 0)" "$sum" "$img" >"$T/SHA512SUMS"
ssh-keygen -q -t ed25519 -N '' -C 'ops@example' -f "$T/key" >/dev/null 2>&1 || printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGNvbXBsZXRlbHlmYWtla2V5Zm9ydGVzdHNvbmx5MTIz ops@example\n' >"$T/key.pub"

# --- the catalogue
run px cloudimg list
is "$rc" 0 "list: exit 0"
like "$out" "^NAME +ALG +TITLE" "list: the columns"
like "$out" "debian-12 +sha512" "list: debian-12"
like "$out" "ubuntu-24.04 +sha256" "list: ubuntu-24.04"
run px cloudimg list -f json
like "$out" '"name":"debian-13","alg":"sha512".*"url":"https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2","sums_url":"https://cloud.debian.org/images/cloud/trixie/latest/SHA512SUMS"' "json: the image's and its sums' URLs"
run px cloud-img list -H -f tsv -c name
like "$out" "^debian-12" "cloud-img is the same command"
run px cloudimg download nosuch --node "$node" --storage local
is "$rc" 5 "an image not in the catalogue: not found"

# --- download
run px cloudimg download debian-12 --node "$node" --storage local --sums-file "$T/SHA512SUMS"
is "$rc" 2 "a storage without import content: usage"
like "$err" "holds no import content" "says so"
px storage set local --content iso,vztmpl,backup,import -y >/dev/null 2>&1
simctl DELETE log >/dev/null
run px cloudimg download debian-12 --node "$node" --storage local --sums-file "$T/SHA512SUMS" -n
is "$rc" 0 "download -n: exit 0"
like "$out" "would send: POST /nodes/$node/storage/local/download-url url=https%3A%2F%2Fcloud.debian.org%2F.*&filename=$img&content=import&checksum=$sum&checksum-algorithm=sha512" "download -n: the URL, the file and the sum from SHA512SUMS"
is "$(writes)" 0 "download -n: nothing sent"
run px cloudimg download debian-12 --node "$node" --storage local --checksum "sha512:$(printf '%0128d' 1)"
is "$rc" 1 "download with a wrong --checksum: PVE's task fails"
like "$err" "checksum mismatch" "PVE's message"
run px cloudimg download debian-12 --node "$node" --storage local --sums-file "$T/SHA512SUMS"
is "$rc" 0 "download with the published sum: exit 0"
cmp -s "$web/$img" "$SIM_DIR/storage/local/$node/import/$img"
ok $? "the image is on the storage"
printf 'garbage\n\033[2Jnot a sums file\n' >"$T/bad.sums"
run px cloudimg download debian-12 --node "$node" --storage local --sums-file "$T/bad.sums"
is "$rc" 5 "a sums file without the image: not found"
unlike "$err" "$(printf '\033')" "nothing of it echoed raw"
printf 'SHA512 (%s) = %s\n' "$img" "$sum" >"$T/bsd.sums"
run px cloudimg download debian-12 --node "$node" --storage local --sums-file "$T/bsd.sums" -n
like "$out" "checksum=$sum" "a BSD-style sums file works too"

# --- provision, end to end
simctl DELETE log >/dev/null
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9000 --name web-ci --ciuser ops --sshkeys "$T/key.pub" --ipconfig0 ip=10.0.0.50/24,gw=10.0.0.1 --size 20G --cores 4 --memory 4096 --start -n
is "$rc" 0 "provision -n: exit 0"
like "$out" "would send: POST /nodes/$node/qemu vmid=9000&name=web-ci&memory=4096&cores=4&ostype=l26&.*scsi0=local-lvm%3A0%2Cimport-from%3Dlocal%3Aimport%2F$img.*&ide2=local-lvm%3Acloudinit.*&ciuser=ops&sshkeys=REDACTED&ipconfig0=ip%3D10.0.0.50%2F24%2Cgw%3D10.0.0.1" "provision -n: the create with import-from and cloud-init (keys redacted)"
like "$out" "would send: PUT /nodes/$node/qemu/9000/resize disk=scsi0&size=20G" "provision -n: the resize"
like "$out" "would send: POST /nodes/$node/qemu/9000/status/start" "provision -n: the start"
unlike "$out" "download-url" "the image is there: no download"
is "$(writes)" 0 "provision -n: nothing sent"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9000 --name web-ci --ciuser ops --sshkeys "$T/key.pub" --ipconfig0 ip=10.0.0.50/24,gw=10.0.0.1 --size 20G --cores 4 --memory 4096 --start
is "$rc" 0 "provision: exit 0"
like "$out" "9000 +web-ci +$node +provision +ok" "provision: its row"
cfg=$(px config 9000 -H -f tsv 2>/dev/null)
like "$cfg" "scsi0	local-lvm:vm-9000-disk-0,discard=on,size=20G" "the imported disk, grown to 20G"
like "$cfg" "ide2	local-lvm:vm-9000-cloudinit,media=cdrom" "a cloud-init drive"
like "$cfg" "ciuser	ops" "the user"
like "$cfg" "sshkeys	ssh-ed25519%20" "the key, URL-encoded as PVE keeps it"
like "$cfg" "ipconfig0	ip=10.0.0.50/24,gw=10.0.0.1" "the network"
like "$cfg" "cores	4" "the cores"
like "$(px status 9000 -H -f tsv -c status 2>/dev/null)" "running" "started"
like "$(sim_log | grep -E '^(POST|PUT|DELETE)' | awk '{print $1, $2}' | tr '\n' ' ')" "POST /api2/json/nodes/$node/qemu PUT /api2/json/nodes/$node/qemu/9000/resize POST /api2/json/nodes/$node/qemu/9000/status/start" "create, resize, start, in order"
aud=$(px audit log -f tsv -H 2>/dev/null | grep 'vm/9000')
like "$aud" "provision	vm/9000	allowed" "the steps are audited under one action"
is "$(printf '%s\n' "$aud" | grep -c 'task	OK')" 3 "each step's task end is audited"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9000
is "$rc" 2 "a VMID that is taken: usage"

# --- provision downloads a missing image first
px storage delete "local:import/$img" -y >/dev/null 2>&1
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9002 --sums-file "$T/SHA512SUMS"
is "$rc" 0 "provision without the image: exit 0"
like "$(sim_log | grep -E '^POST' | awk '{print $2}' | tail -2 | tr '\n' ' ')" "download-url .*qemu" "downloaded, then created"

# --- a failure in the middle leaves nothing behind
simctl POST fault "rate=1&mode=500&prefix=/nodes/$node/qemu/9001/resize" >/dev/null
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9001 --size 20G --start
simctl DELETE fault >/dev/null
is "$rc" 1 "the resize failed: exit 1"
like "$err" "500.*half-made VM 9001 was destroyed" "says it cleaned up"
run px status 9001
is "$rc" 5 "no VM 9001 left"
unlike "$(px storage content "$node" local-lvm -H -f tsv -c volid)" "vm-9001" "no volume of it left"
like "$(px audit log -f tsv -H 2>/dev/null | grep 'vm/9001')" "provision-cleanup	vm/9001" "the cleanup is audited"
simctl POST fault "rate=1&mode=500&prefix=/nodes/$node/qemu/9003/status/start" >/dev/null
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9003 --start
simctl DELETE fault >/dev/null
is "$rc" 1 "the start failed: exit 1"
run px status 9003
is "$rc" 5 "no VM 9003 left"

# --- hostile input, refused before anything is sent
simctl DELETE log >/dev/null
printf 'not a key\n' >"$T/notkey"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9010 --sshkeys "$T/notkey"
is "$rc" 2 "a file that holds no SSH key: usage"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9010 --ipconfig0 'ip=dhcp&delete=scsi0'
is "$rc" 2 "an ipconfig0 with '&': usage"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9010 --ciuser 'root;rm'
is "$rc" 2 "a bad user: usage"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9010 --size 20Q
is "$rc" 2 "a bad size: usage"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9010 --name "$(printf 'a\033b')"
is "$rc" 2 "an escape in the name: usage"
run px cloudimg provision debian-12 --node "$node" --storage local --vmid 9010
is "$rc" 2 "a disk storage without images: usage"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm
is "$rc" 2 "no --vmid: usage"
run px cloudimg download debian-12 --node "$node" --storage local --checksum "sha512:xyz"
is "$rc" 2 "a malformed --checksum: usage"
is "$(writes)" 0 "nothing sent for any of them"

# --- read-only, freeze
printf '%s\nread_only = true\n' "$base" >"$PX_CONFIG"
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9020
is "$rc" 8 "read-only provision: exit 8"
run px cloudimg download debian-12 --node "$node" --storage local --sums-file "$T/SHA512SUMS"
is "$rc" 8 "read-only download: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "img freeze" --ttl 1h >/dev/null 2>&1
run px cloudimg provision debian-12 --node "$node" --storage local-lvm --vmid 9020
is "$rc" 8 "frozen provision: exit 8"
like "$err" "img freeze" "frozen: the reason"
px incident thaw --reason done >/dev/null 2>&1
is "$(writes)" 0 "refused: nothing sent"
run px status 9020
is "$rc" 5 "no VM 9020"

done_testing
