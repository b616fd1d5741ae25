#!/bin/sh
# px aplinfo: the container templates PVE offers (GET
# /nodes/{node}/aplinfo) and their download to a storage through the
# gate (a task); unknown templates, storages without vztmpl, -n,
# read-only and freeze.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
node=$(px ls nodes -H -f tsv -c node | head -1)
base=$(cat "$PX_CONFIG")
tpl=debian-12-standard_12.7-1_amd64.tar.zst

run px aplinfo
is "$rc" 0 "list: exit 0"
like "$out" "^TEMPLATE +SECTION +OS +VERSION +HEADLINE" "list: the columns"
like "$out" "$tpl +system +debian-12 +12.7-1" "list: a template's row"
run px aplinfo "$node" -f json
like "$out" '"template":"debian-12-standard_12.7-1_amd64.tar.zst".*"sha512sum":"[0-9a-f]{128}"' "json: the template with its sha512sum"
run px aplinfo "$node" -H -f tsv -c template,location
like "$out" "$tpl	http://download.proxmox.com/images/system/$tpl" "tsv: the location"
run px aplinfo "$node" -j -c template,description
like "$out" '"description":"TurnKey Nextcloud\\nNextcloud is a file sharing server\\n\\twith calendars' "json: a description's newlines and tab kept, escaped"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)[4]["description"])' | grep -c .)" 3 "json: the description's three lines"
run px aplinfo "$node" -c template,description
like "$out" 'TurnKey Nextcloud Nextcloud is a file sharing server  with calendars' "table: the description on one line"
is "$(printf '%s' "$out" | tr -d '\n' | tr -d '[:print:]' | wc -c)" 0 "table: no control character"
run px aplinfo "$node" -H -f tsv -c template,description
is "$(printf '%s\n' "$out" | grep -c .)" 5 "tsv: one line per template"
unlike "$out" '\\n' "tsv: no escaped newline in a cell"
run px aplinfo 'bad node'
is "$rc" 2 "a bad node name: usage"

simctl DELETE log >/dev/null
run px aplinfo download "$node" local "$tpl" -n
is "$rc" 0 "download -n: exit 0"
like "$out" "would send: POST /nodes/$node/aplinfo storage=local&template=$tpl" "download -n: the request"
is "$(writes)" 0 "download -n: nothing sent"
run px aplinfo download "$node" local "$tpl"
is "$rc" 0 "download: exit 0"
like "$out" "local:vztmpl/$tpl +$node +download +ok" "download: its row, with the node"
like "$(px storage content "$node" local --content vztmpl -H -f tsv -c volid,format)" "local:vztmpl/$tpl	tzst" "the template is on the storage"
simctl DELETE log >/dev/null
run px aplinfo download "$node" local nosuch_1.0_amd64.tar.zst
is "$rc" 5 "a template not offered: not found"
run px aplinfo download "$node" local-lvm "$tpl"
is "$rc" 2 "a storage without vztmpl: usage"
run px aplinfo download "$node" local '../../etc/passwd'
is "$rc" 2 "a path as template: usage"
run px aplinfo download "$node" local "$(printf 'x\033[2J.tar.zst')"
is "$rc" 2 "an escape sequence in the template: usage"
unlike "$err" "$(printf '\033')" "not echoed raw"
is "$(writes)" 0 "nothing sent for any of them"

printf '%s\nread_only = true\n' "$base" >"$PX_CONFIG"
run px aplinfo download "$node" local "$tpl"
is "$rc" 8 "read-only: exit 8"
run px aplinfo
is "$rc" 0 "read-only: the list still works"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "tpl freeze" --ttl 1h >/dev/null 2>&1
run px aplinfo download "$node" local "$tpl"
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null 2>&1
is "$(writes)" 0 "refused: nothing sent"

done_testing
