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

# --- a mirror over HTTPS: the checksums fetched from it with a private CA
mkdir -p "$T/www/images/cloud/bookworm/latest" "$T/www/big"
cp "$T/SHA512SUMS" "$T/www/images/cloud/bookworm/latest/SHA512SUMS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T/mk.pem" -out "$T/mc.pem" >/dev/null 2>&1
cat >"$T/https.py" <<'PY'
import http.server, ssl, sys, os, functools
os.chdir(sys.argv[1])
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain(sys.argv[2], sys.argv[3])
s.socket = c.wrap_socket(s.socket, server_side=True)
open(sys.argv[4] + ".tmp", "w").write(str(s.server_address[1]))
os.rename(sys.argv[4] + ".tmp", sys.argv[4])
s.serve_forever()
PY
/usr/bin/python3 "$T/https.py" "$T/www" "$T/mc.pem" "$T/mk.pem" "$T/port" &
mpid=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mport=$(cat "$T/port")
mirror="https://127.0.0.1:$mport"
mweb="$SIM_DIR/internet/127.0.0.1:$mport/images/cloud/bookworm/latest"
mkdir -p "$mweb" && cp "$web/$img" "$mweb/$img"
printf '%s\n[cloudimg]\nmirror = %s/\nca_file = %s\n' "$base" "$mirror" "$T/mc.pem" >"$PX_CONFIG"
run px cloudimg list -f json
like "$out" "\"url\":\"$mirror/images/cloud/bookworm/latest/$img\",\"sums_url\":\"$mirror/images/cloud/bookworm/latest/SHA512SUMS\"" "mirror: list shows the URLs on the mirror"
simctl DELETE log >/dev/null
run px cloudimg download debian-12 --node "$node" --storage local -n
is "$rc" 0 "mirror: download -n fetches the sums over HTTPS"
like "$out" "download-url url=https%3A%2F%2F127.0.0.1%3A$mport%2Fimages%2Fcloud%2Fbookworm%2Flatest%2F$img&.*checksum=$sum&checksum-algorithm=sha512" "mirror: PVE is sent the mirror's URL and the published sum"
is "$(writes)" 0 "mirror: -n sent nothing"
rm -f "$SIM_DIR/storage/local/$node/import/$img"
run px cloudimg download debian-12 --node "$node" --storage local
is "$rc" 0 "mirror: download: exit 0"
cmp -s "$web/$img" "$SIM_DIR/storage/local/$node/import/$img"
ok $? "mirror: the image is on the storage"
simctl DELETE log >/dev/null
printf '%s\n[cloudimg]\nmirror = %s/\n' "$base" "$mirror" >"$PX_CONFIG"
run px cloudimg download debian-12 --node "$node" --storage local
is "$rc" 10 "mirror without its CA: a TLS failure (exit 10)"
like "$err" "127.0.0.1:$mport" "names the mirror's URL"
printf '%s\n[cloudimg]\nmirror = %s/nothere\nca_file = %s\n' "$base" "$mirror" "$T/mc.pem" >"$PX_CONFIG"
run px cloudimg download debian-12 --node "$node" --storage local -n
is "$rc" 5 "mirror without the sums file: not found"
like "$err" "404" "says 404"
like "$err" "--sums-file" "and how to go without fetching"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$T/www/big/SHA512SUMS"
mkdir -p "$T/www/big/images/cloud/bookworm/latest"
mv "$T/www/big/SHA512SUMS" "$T/www/big/images/cloud/bookworm/latest/"
printf '%s\n[cloudimg]\nmirror = %s/big\nca_file = %s\n' "$base" "$mirror" "$T/mc.pem" >"$PX_CONFIG"
run px cloudimg download debian-12 --node "$node" --storage local -n
is "$rc" 1 "a sums file over 1 MiB: refused"
like "$err" "larger than" "says so"
printf '%s\n[cloudimg]\nmirror = %s/\nca_file = %s\n' "$base" "$mirror" "$T/nosuch.pem" >"$PX_CONFIG"
run px cloudimg download debian-12 --node "$node" --storage local -n
is "$rc" 3 "a CA file that cannot be read: config"
for bad in "http://127.0.0.1:$mport/" "https://u@127.0.0.1/" "https://127.0.0.1/a b" "https://127.0.0.1/../x" "https://"; do
	printf '%s\n[cloudimg]\nmirror = %s\n' "$base" "$bad" >"$PX_CONFIG"
	run px cloudimg download debian-12 --node "$node" --storage local -n
	is "$rc" 3 "mirror '$bad': config error"
done
printf '%s\n[cloudimg]\nmirror = %s\nca_file = %s\n' "$base" "$(printf 'https://127.0.0.1/\033[2J')" "$T/mc.pem" >"$PX_CONFIG"
run px cloudimg list
is "$rc" 3 "a mirror with an escape sequence: config error"
unlike "$err" "$(printf '\033')" "not echoed raw"
printf '%s\n[cloudimg]\nmirorr = x\n' "$base" >"$PX_CONFIG"
run px cloudimg list
is "$rc" 3 "an unknown key in [cloudimg]: config error"
like "$err" "mirorr" "names it"
is "$(writes)" 0 "nothing sent for any of them"
kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
printf '%s\n' "$base" >"$PX_CONFIG"

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
