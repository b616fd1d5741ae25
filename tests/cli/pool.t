#!/bin/sh
# px pool list|show: every output format, an unknown pool.
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

# --- pool
formats "pool list" pool list
run px pool list
like "$out" '^POOLID +MEMBERS +COMMENT' "pool list: header"
pool=$(px pool list -f tsv -c poolid | head -1)
formats "pool show" pool show "$pool"
run px pool show -j "$pool"
like "$out" '"id":"(qemu|lxc|storage)/' "pool show: member ids"
like "$out" '"node":"pve[0-9]"' "pool show: nodes"
run px pool show nosuchpool
is "$rc" 5 "pool show of an unknown pool: exit 5"
like "$err" "no pool 'nosuchpool'" "says so"
run px pool show
is "$rc" 2 "pool show without a pool: usage error"

done_testing
