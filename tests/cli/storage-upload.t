#!/bin/sh
# px storage upload, download-url and delete VOLID against pxsim: the
# upload streamed as multipart/form-data (memory does not grow with the
# file), PVE's checksum check right and wrong, hostile file names, the
# storage's content list checked first, download-url from pxsim's
# simulated internet, a volume's delete with and without the
# VolumeInUse risk; -n, read-only and freeze send nothing.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
node=$(px ls nodes -H -f tsv -c node | head -1)
base=$(cat "$PX_CONFIG")

head -c 3145728 /dev/urandom >"$T/small.iso"
sum=$(sha256sum "$T/small.iso" | cut -d' ' -f1)
bad=$(printf '%s' "$sum" | tr '0-9a-f' '1-9a-f0')

# --- upload
simctl DELETE log >/dev/null
run px storage upload "$node" local "$T/small.iso" -n
is "$rc" 0 "upload -n: exit 0"
like "$out" "would send: POST /nodes/$node/storage/local/upload content=iso \(multipart: filename=small.iso, 3145728 bytes\)" "upload -n: the request and the file"
is "$(writes)" 0 "upload -n: nothing sent"
run px storage upload "$node" local "$T/small.iso" --checksum "sha256:$sum"
is "$rc" 0 "upload with the right checksum: exit 0"
like "$out" "local:iso/small.iso +$node +upload +ok" "upload: its row"
is "$err" "" "upload on a pipe: no progress bar"
cmp -s "$T/small.iso" "$SIM_DIR/storage/local/$node/iso/small.iso"
ok $? "the file arrived whole"
like "$(px storage content "$node" local --content iso -H -f tsv -c volid,size)" "local:iso/small.iso	3145728" "the storage lists it with its size"
like "$(sim_log)" "POST /api2/json/nodes/$node/storage/local/upload .* 200" "one POST to upload"
cp "$T/small.iso" "$T/other.iso"
run px storage upload "$node" local "$T/other.iso" --checksum "sha256:$bad"
is "$rc" 1 "upload with a wrong checksum: the task fails (exit 1)"
like "$err" "checksum mismatch" "PVE's message"
unlike "$(px storage content "$node" local --content iso -H -f tsv -c volid)" "other.iso" "the file was not kept"
run px storage upload "$node" local "$T/small.iso" --checksum "sha256:abc"
is "$rc" 2 "a checksum of the wrong length: usage"
run px storage upload "$node" local "$T/small.iso" --checksum "crc32:00000000"
is "$rc" 2 "an algorithm PVE does not know: usage"
run px storage upload "$node" local "$T/small.iso" --filename "renamed.img" --checksum "SHA256:$(echo "$sum" | tr a-f A-F)"
is "$rc" 0 "upload --filename, the checksum in upper case: exit 0"
test -f "$SIM_DIR/storage/local/$node/iso/renamed.img"
ok $? "stored under the name given"
sim_log >"$T/log"
like "$(grep -c upload "$T/log")" '^3$' "three uploads sent"

# --- hostile and wrong names, content refused before sending
simctl DELETE log >/dev/null
cp "$T/small.iso" "$T/bad name.iso"
run px storage upload "$node" local "$T/bad name.iso"
is "$rc" 2 "a space in the name: usage"
like "$err" "0x20" "the character named by its code"
for n in '../x.iso' '.hidden.iso' 'a..b.iso' "$(printf 'esc\033[31m.iso')" "$(printf 'nl\n.iso')" 'x/y.iso' 'x\y.iso'; do
	run px storage upload "$node" local "$T/small.iso" --filename "$n"
	is "$rc" 2 "hostile --filename refused: $(printf '%s' "$n" | od -An -c | tr -s ' ' | head -c 40)"
	unlike "$err" "$(printf '\033')" "no escape sequence echoed"
done
run px storage upload "$node" local "$T/small.iso" --filename "$(head -c 300 /dev/zero | tr '\0' a).iso"
is "$rc" 2 "a name over 255 characters: usage"
run px storage upload "$node" local "$T/small.iso" --content vztmpl
is "$rc" 2 "an .iso as vztmpl: usage"
head -c 1000 /dev/urandom >"$T/noext"
run px storage upload "$node" local "$T/noext"
is "$rc" 2 "no extension, no --content: usage"
run px storage upload "$node" local-lvm "$T/small.iso"
is "$rc" 2 "a storage without iso content: refused"
like "$err" "holds no iso content" "says so"
run px storage upload "$node" nosuch "$T/small.iso"
is "$rc" 5 "an unknown storage: not found"
run px storage upload "$node" local "$T/nosuchfile.iso"
is "$rc" 1 "a missing file: exit 1"
run px storage upload "$node" local "$T"
is "$rc" 2 "a directory: usage"
is "$(writes)" 0 "nothing sent for any of them"

# --- memory does not grow with the file size (under ASan without its
# quarantine, which keeps freed blocks in proportion to the traffic)
if [ -x /usr/bin/time ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
	export ASAN_OPTIONS
	head -c 1048576 /dev/urandom >"$T/one.iso"
	head -c 67108864 /dev/zero >"$T/big.iso"
	/usr/bin/time -f %M -o "$T/rss1" px storage upload "$node" local "$T/one.iso" >/dev/null 2>&1
	/usr/bin/time -f %M -o "$T/rss64" px storage upload "$node" local "$T/big.iso" >/dev/null 2>&1
	r1=$(tail -1 "$T/rss1"); r64=$(tail -1 "$T/rss64")
	echo "# peak RSS: 1 MiB upload ${r1} KiB, 64 MiB upload ${r64} KiB"
	test "$r64" -lt $((r1 + 8192))
	ok $? "a 64 MiB upload peaks within 8 MiB of a 1 MiB one"
	test "$(stat -c %s "$SIM_DIR/storage/local/$node/iso/big.iso")" -eq 67108864
	ok $? "the 64 MiB file arrived whole"
fi

# --- the progress bar: on a terminal only
cat >"$T/onpty.py" <<'PY'
import os, subprocess, sys
m, s = os.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
out = b""
while True:
    try:
        d = os.read(m, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
p.wait()
sys.stdout.write(out.decode(errors="replace"))
PY
run /usr/bin/python3 "$T/onpty.py" px storage upload "$node" local "$T/small.iso" --filename bar.iso
like "$out" "bar.iso +3.0 MiB / 3.0 MiB +100% .*/s +ETA 0:00" "on a terminal: bytes, percent, rate and ETA on stderr"

# --- download-url
mkdir -p "$SIM_DIR/internet/images.example.org/img"
cp "$T/small.iso" "$SIM_DIR/internet/images.example.org/img/dl.iso"
simctl DELETE log >/dev/null
run px storage download-url "$node" local https://images.example.org/img/dl.iso --checksum "sha256:$sum" -n
is "$rc" 0 "download-url -n: exit 0"
like "$out" "would send: POST /nodes/$node/storage/local/download-url url=https%3A%2F%2Fimages.example.org%2Fimg%2Fdl.iso&filename=dl.iso&content=iso&checksum=$sum&checksum-algorithm=sha256" "download-url -n: PVE's parameters"
is "$(writes)" 0 "download-url -n: nothing sent"
run px storage download-url "$node" local https://images.example.org/img/dl.iso --checksum "sha256:$sum"
is "$rc" 0 "download-url with the right checksum: exit 0"
cmp -s "$T/small.iso" "$SIM_DIR/storage/local/$node/iso/dl.iso"
ok $? "PVE stored what the URL served"
run px storage download-url "$node" local https://images.example.org/img/dl.iso --filename dl2.iso --checksum "sha256:$bad"
is "$rc" 1 "download-url with a wrong checksum: the task fails"
like "$err" "checksum mismatch" "PVE's message"
test ! -e "$SIM_DIR/storage/local/$node/iso/dl2.iso"
ok $? "nothing kept"
run px storage download-url "$node" local https://images.example.org/img/missing.iso
is "$rc" 1 "a URL that is not there: the task fails"
like "$err" "404" "with the server's answer"
simctl DELETE log >/dev/null
run px storage download-url "$node" local ftp://images.example.org/x.iso
is "$rc" 2 "an ftp URL: usage"
run px storage download-url "$node" local "https://x.example.org/a b.iso"
is "$rc" 2 "a space in the URL: usage"
run px storage download-url "$node" local https://x.example.org/
is "$rc" 2 "a URL naming no file, no --filename: usage"
run px storage download-url "$node" local https://x.example.org/a.iso --verify-certificates 2
is "$rc" 2 "--verify-certificates 2: usage"
is "$(writes)" 0 "nothing sent"
run px storage download-url "$node" local http://images.example.org/img/dl.iso --filename plain.iso -n
like "$err" "UnverifiedDownload" "plain http without a checksum: a warning"

# --- delete a volume
run px storage delete local:iso/dl.iso -n
like "$out" "would send: DELETE /nodes/$node/storage/local/content/local%3Aiso%2Fdl.iso" "delete -n: the request"
run px storage delete local:iso/dl.iso -y
is "$rc" 0 "delete an unused ISO: exit 0"
unlike "$(px storage content "$node" local -H -f tsv -c volid)" "local:iso/dl.iso" "gone"
disk=$(px storage content "$node" local-lvm --content images -H -f tsv -c volid,vmid | head -1)
vol=${disk%%	*}; owner=${disk##*	}
simctl DELETE log >/dev/null
run px storage delete "$vol" -y
is "$rc" 6 "delete a disk a guest uses: refused (exit 6)"
like "$err" "VolumeInUse.*VM $owner" "VolumeInUse names the guest"
is "$(writes)" 0 "nothing sent"
run px storage delete local:iso/nosuch.iso -y
is "$rc" 5 "an unknown volume: not found"
run px storage delete "local:$(printf 'x\033y')" -y
is "$rc" 2 "a control character in the volume: usage"
run px storage delete "bad/st:iso/x.iso" -y
is "$rc" 2 "a bad storage name: usage"

# --- read-only, freeze
printf '%s\nread_only = true\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px storage upload "$node" local "$T/small.iso"
is "$rc" 8 "read-only upload: exit 8"
run px storage download-url "$node" local https://images.example.org/img/dl.iso
is "$rc" 8 "read-only download-url: exit 8"
run px storage delete local:iso/small.iso -y
is "$rc" 8 "read-only delete: exit 8"
is "$(writes)" 0 "read-only: nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "upload freeze" --ttl 1h >/dev/null 2>&1
run px storage upload "$node" local "$T/small.iso"
is "$rc" 8 "frozen upload: exit 8"
like "$err" "upload freeze" "frozen: the reason"
is "$(writes)" 0 "frozen: nothing sent"
px incident thaw --reason done >/dev/null 2>&1
like "$(px audit log -f tsv -H 2>/dev/null | grep -c "upload.*storage/local")" '^[1-9]' "uploads are in the audit log"

done_testing
