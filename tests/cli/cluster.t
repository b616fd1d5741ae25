#!/bin/sh
# px cluster status|log|resources|options|nextid: every output format,
# --type, an offline node.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
# every format of one command prints and JSON parses
formats() {	# formats NAME ARGS...
	name=$1; shift
	run px "$@"
	is "$rc" 0 "$name: exit 0"
	run px "$@" -j
	ok $(json_ok "$out" && echo 0 || echo 1) "$name -j is valid JSON"
	run px "$@" -f jsonl
	ok $(jsonl_ok "$out" && echo 0 || echo 1) "$name -f jsonl: JSON lines"
	run px "$@" -f tsv
	ok $([ "$rc" -eq 0 ] && [ -n "$out" ] && echo 0 || echo 1) "$name -f tsv prints rows"
}

# --- cluster
formats "cluster status" cluster status
run px cluster status
like "$out" '^TYPE +NAME +ID +NODEID' "cluster status: header"
like "$out" 'cluster +pxsim .* yes +3' "the cluster row: quorate, 3 nodes"
run px cluster status -f tsv -c name,online
like "$out" 'pve1	1' "node rows: online"
formats "cluster log" cluster log
run px cluster log --max 2 -f tsv -c msg
is "$(printf '%s\n' "$out" | grep -c .)" 2 "cluster log --max 2"
formats "cluster resources" cluster resources
run px cluster resources --type node -f tsv -c type
is "$(printf '%s\n' "$out" | sort -u)" node "cluster resources --type node"
run px cluster resources --type storage -j -c id,shared
like "$out" '"id":"storage/pve1/[^"]*","shared":(true|false)' "storage rows in JSON"
run px cluster resources --type vm -j -c vmid,type
like "$out" '"vmid":[0-9]+,"type":"(qemu|lxc)"' "guest rows: vmid is an integer"
run px cluster resources --type pools
is "$rc" 2 "cluster resources --type pools: usage error"
run px cluster status --type node
is "$rc" 2 "--type is for resources only"
formats "cluster options" cluster options
run px cluster options -j
like "$out" '"key":"keyboard","value":"' "options: key/value"
run px cluster nextid -f tsv
like "$out" '^[0-9]+$' "cluster nextid -f tsv: one number"
run px cluster nextid -j
like "$out" '^\[\{"nextid":[0-9]+\}\]$' "cluster nextid -j: an integer"
run px cluster nosuch
is "$rc" 2 "cluster nosuch: usage error"
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px cluster status -f tsv -c name,online
like "$out" 'pve2	0' "an offline node is a row with online 0"
is "$rc" 0 "not an error"
simctl POST offline 'node=pve2&offline=0' >/dev/null

# --- options set (PUT /cluster/options, through the gate)
base=$(cat "$PX_CONFIG")
run px cluster options set -y --keyboard de --max_workers 3
is "$rc" 0 "options set: exit 0"
run px cluster options -f tsv
like "$out" "keyboard	de" "options show the new keyboard"
like "$out" "max_workers	3" "and max_workers"
run px cluster options set -y --keyboard xx
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "a value off PVE's schema is refused"
like "$err" "keyboard" "PVE names the parameter"
run px cluster options set -y --delete max_workers
is "$rc" 0 "options set --delete: exit 0"
run px cluster options -f tsv
unlike "$out" "max_workers" "the option is gone"
run px cluster options set
is "$rc" 2 "options set without parameters: usage error"
run px cluster options --keyboard de
is "$rc" 2 "parameters without set: usage error"
simctl DELETE log >/dev/null
run px cluster options set -n --keyboard fr
is "$rc" 0 "dry run: exit 0"
like "$out" "would send: PUT /cluster/options keyboard=" "shows the request"
is "$(sim_log | grep -c '^PUT')" 0 "dry run: nothing sent"
# migration network: a Warning, shown, not refused
run px cluster options set -y --migration type=secure,network=10.9.0.0/24
is "$rc" 0 "migration change: exit 0 (a Warning)"
like "$err$out" "MigrationNetworkChange" "the Warning is named"
run px cluster options -j
like "$out" "10.9.0.0/24" "the migration network is set"
run px cluster options set -y --migration type=secure,network=10.9.0.0/24
unlike "$err$out" "MigrationNetworkChange" "the same network again: no finding"
# read-only profile, freeze
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px cluster options set -y --keyboard fr
is "$rc" 8 "read-only profile: exit 8"
is "$(sim_log | grep -c '^PUT')" 0 "nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze -p sim --reason t >/dev/null 2>&1
run px cluster options set -y --keyboard fr
is "$rc" 8 "frozen: exit 8"
px incident thaw -p sim --reason t >/dev/null 2>&1
# 403: a token without Sys.Modify on /
pxsim -d "$SIM_DIR" --print-config --as operator >"$T/op.conf" 2>/dev/null
chmod 600 "$T/op.conf"
PX_CONFIG="$T/op.conf" run px cluster options set -y --keyboard fr
is "$rc" 4 "no Sys.Modify: exit 4"
like "$err" "Permission check failed" "with PVE's message"

# --- config (corosync's view)
formats "cluster config nodes" cluster config nodes
run px cluster config nodes -f tsv
like "$out" "pve1" "config nodes: the nodes"
formats "cluster config join" cluster config join
run px cluster config join -f tsv -c name,pve_fp
like "$out" "pve1	([0-9A-F]{2}:){31}[0-9A-F]{2}" "config join: fingerprints"
formats "cluster config totem" cluster config totem
run px cluster config totem -f tsv
like "$out" "cluster_name	pxsim" "config totem: key/value"
run px cluster config qdevice
is "$rc" 0 "config qdevice: exit 0"
run px cluster config nosuch
is "$rc" 2 "config nosuch: usage error"

done_testing
