#!/bin/sh
# px spice: the .vv file handed to remote-viewer (a stand-in here) and
# removed after, --write (0600, never over a file), --proxy, no viewer, a
# stopped VM, a container, dry run, read-only profile.
. "$(dirname "$0")/lib.sh"
sim_start
base=$(cat "$PX_CONFIG")
vm=$(px ls guests -f tsv -H -c vmid,type,status | awk '$2 == "qemu" && $3 == "running" { print $1; exit }')
off=$(px ls guests -f tsv -H -c vmid,type,status | awk '$2 == "qemu" && $3 == "stopped" { print $1; exit }')
ct=$(px ls guests -f tsv -H -c vmid,type | awk '$2 == "lxc" { print $1; exit }')
posts() { sim_log | grep -c "^POST .*/spiceproxy"; }
mkdir -p "$T/bin"
cat >"$T/bin/remote-viewer" <<EOS
#!/bin/sh
cp "\$1" "$T/seen.vv"; stat -c %a "\$1" >"$T/seen.mode"; echo "\$1" >"$T/seen.path"
exit \${VIEWER_RC:-0}
EOS
chmod +x "$T/bin/remote-viewer"

run env PATH="$T/bin:$PATH" px spice $vm
is "$rc" 0 "spice: exit 0 when the viewer ends well"
like "$(head -1 "$T/seen.vv")" '^\[virt-viewer\]$' "the viewer got a .vv file"
like "$(cat "$T/seen.vv")" "type=spice" "with the type"
like "$(cat "$T/seen.vv")" "password=[0-9a-f]+" "and the password"
like "$(cat "$T/seen.vv")" "delete-this-file=1" "and PVE's settings"
is "$(cat "$T/seen.mode")" 600 "the file is 0600"
ok $([ ! -e "$(cat "$T/seen.path")" ] && echo 0 || echo 1) "the file is removed after"
run env PATH="$T/bin:$PATH" VIEWER_RC=3 px spice $vm
is "$rc" 1 "a failing viewer: exit 1"
like "$err" "remote-viewer ended with status 3" "says so"
ok $([ ! -e "$(cat "$T/seen.path")" ] && echo 0 || echo 1) "the file is removed then too"

run px spice $vm --write "$T/a.vv"
is "$rc" 0 "--write: exit 0"
is "$(stat -c %a "$T/a.vv")" 600 "--write: 0600"
like "$(cat "$T/a.vv")" "tls-port=61000" "--write: the answer's numbers"
run px spice $vm --write "$T/a.vv"
is "$rc" 1 "--write over an existing file: exit 1"
like "$err" "File exists" "says so"
run px spice $vm --write "$T/p.vv" --proxy spice.example.org
like "$(cat "$T/p.vv")" "proxy=http://spice.example.org:3128" "--proxy is passed to PVE"

simctl DELETE log >/dev/null
run env PATH="$build/bin:/usr/bin:/bin" px spice $vm
is "$rc" 1 "no remote-viewer: exit 1"
like "$err" "remote-viewer is not installed" "says so"
run px spice $off --write "$T/off.vv"
is "$rc" 1 "a stopped VM: exit 1"
like "$err" "not running" "PVE's message"
ok $([ ! -e "$T/off.vv" ] && echo 0 || echo 1) "no file for a stopped VM"
run px spice $ct --write "$T/ct.vv"
is "$rc" 2 "a container: exit 2"
run px spice abc
is "$rc" 2 "a bad VMID: exit 2"
run px spice $vm --proxy 'a b'
is "$rc" 2 "a bad --proxy: exit 2"
run px spice $vm -n --write "$T/n.vv"
is "$out" "would send: POST /nodes/pve1/qemu/$vm/spiceproxy" "-n: what would be sent"
ok $([ ! -e "$T/n.vv" ] && echo 0 || echo 1) "-n: no file"
is "$(posts)" 1 "only the stopped VM's request was sent"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px spice $vm --write "$T/ro.vv"
is "$rc" 8 "read-only profile: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
run px audit log -f tsv -H -c action,target,decision
like "$out" "spice	vm/$vm	allowed" "audit: the spice ticket"
done_testing
