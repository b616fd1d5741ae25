#!/bin/sh
# px storage list|content: every output format, --content, unknown
# storage and node, a malformed node name, an offline node.
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

# --- storage
formats "storage list" storage list
run px storage list -f tsv -c storage,type
like "$out" 'local	dir' "storage list: local is a dir"
formats "storage content" storage content pve1 local
run px storage content pve1 local --content iso -f tsv -c content
is "$(printf '%s\n' "$out" | sort -u)" iso "storage content --content iso"
run px storage content -j pve1 local --content backup
like "$out" '"content":"backup".*"vmid":[0-9]+' "backups carry their VMID"
run px storage content pve1 nosuch
is "$rc" 5 "storage content of an unknown storage: exit 5"
run px storage content nosuchnode local
is "$rc" 5 "storage content of an unknown node: exit 5"
simctl DELETE log >/dev/null
run px storage content 'pve1/..' local
is "$rc" 2 "storage content with a '/' in the node: usage error"
is "$(sim_log | grep -c .)" 0 "and nothing was sent"
run px storage content pve1 local --content floppy
is "$rc" 2 "--content floppy: usage error"
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px storage content pve2 local
is "$rc" 7 "storage content on an offline node: exit 7"
like "$err" '595|offline|route' "names the cause"
simctl POST offline 'node=pve2&offline=0' >/dev/null

done_testing
