#!/bin/sh
# px vnc: the VNC ticket and the wss:// URL (websocket=1, --password, dry
# run, a stopped VM, read-only); px novnc: the GUI's noVNC URL without a
# ticket, opened with xdg-open (a stand-in here), or --print.
. "$(dirname "$0")/lib.sh"
sim_start
base=$(cat "$PX_CONFIG")
vm=$(px ls guests -f tsv -H -c vmid,type,status | awk '$2 == "qemu" && $3 == "running" { print $1; exit }')
off=$(px ls guests -f tsv -H -c vmid,type,status | awk '$2 == "qemu" && $3 == "stopped" { print $1; exit }')
ct=$(px ls guests -f tsv -H -c vmid,type,status | awk '$2 == "lxc" && $3 == "running" { print $1; exit }')
node=$(px ls guests -f tsv -H -c vmid,node | awk -v v=$vm '$1 == v { print $2 }')

run px vnc $vm -j
is "$rc" 0 "vnc: exit 0"
run /usr/bin/python3 -c 'import json, sys
r = json.loads(sys.argv[1])
assert r["vmid"] == int(sys.argv[2]) and 5900 <= r["port"] <= 5999
assert r["ticket"].startswith("PVEVNC:")
assert r["url"].startswith("wss://") and "/vncwebsocket?port=%d&vncticket=PVEVNC%%3A" % r["port"] in r["url"]
print("ok")' "$out" $vm
is "$out" ok "vnc -j: vmid, port, ticket and the wss:// URL"
like "$(sim_log | grep vncproxy)" "POST /api2/json/nodes/$node/qemu/$vm/vncproxy token 200" "POST .../vncproxy"
run px vnc $vm --password -f tsv -H -c password
like "$out" '^[A-Za-z0-9]+$' "--password: PVE's generated password"
run px vnc $ct -f tsv -H -c url
like "$out" "/lxc/$ct/vncwebsocket" "a container's VNC URL"
run px vnc $vm -n
is "$out" "would send: POST /nodes/$node/qemu/$vm/vncproxy websocket=1" "vnc -n: what would be sent"
run px vnc $off
is "$rc" 1 "a stopped VM: exit 1"
like "$err" "not running" "PVE's message"
run px vnc abc
is "$rc" 2 "a bad VMID: exit 2"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px vnc $vm
is "$rc" 8 "read-only profile: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"

run px novnc $vm --print
is "$rc" 0 "novnc --print: exit 0"
like "$out" "^$SIM_URL/\?console=kvm&novnc=1&vmid=$vm&vmname=[^&]*&node=$node&resize=off&cmd=$" "the GUI's console URL"
unlike "$out" "PVEVNC|ticket" "no ticket in the URL"
run px novnc $ct --print
like "$out" "console=lxc" "a container's console URL"
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$1" >"%s/opened"\n' "$T" >"$T/bin/xdg-open"
chmod +x "$T/bin/xdg-open"
run env PATH="$T/bin:$PATH" px novnc $vm
is "$rc" 0 "novnc: exit 0"
like "$(cat "$T/opened")" "console=kvm&novnc=1&vmid=$vm" "xdg-open got the URL"
run env PATH="$build/bin:/usr/bin:/bin" px novnc $vm
is "$rc" 1 "no xdg-open: exit 1"
like "$err" "xdg-open could not open the browser.*the URL: https://" "says so, with the URL"
run px novnc 99999 --print
is "$rc" 5 "an unknown VMID: exit 5"
done_testing
