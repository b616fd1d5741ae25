#!/bin/sh
# px pveversion: every output format, alone and over several profiles
# (-A), one of which fails.
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

# --- pveversion, alone and over several profiles
formats pveversion pveversion
run px pveversion
like "$out" '^sim +9\.[0-9]+' "pveversion: profile and version"
sed 's/^\[profile sim\]/[profile other]/' "$PX_CONFIG" | sed -n '/^\[profile other\]/,$p' >"$T/other"
cat "$PX_CONFIG" "$T/other" >"$T/multi.conf"
printf '\n[profile dead]\nurl = https://127.0.0.1:9\nuser = root@pam\ntoken_id = px\ntoken_secret = x\ninsecure = yes\nretries = 0\n' >>"$T/multi.conf"
chmod 600 "$T/multi.conf"
PX_CONFIG="$T/multi.conf" run px pveversion -A -f tsv -c profile,release
is "$rc" 2 "pveversion -A with a dead profile: exit 2"
like "$out" 'sim	9' "sim answers"
like "$out" 'other	9' "other answers"
like "$out" 'dead	' "dead is an error row"
PX_CONFIG="$T/multi.conf" run px pveversion -A -j
ok $(json_ok "$out" && echo 0 || echo 1) "pveversion -A -j is valid JSON"
like "$out" '"profile":"dead","version":null,"release":null,"repoid":null,"error":"' "the error in JSON"
PX_CONFIG="$T/multi.conf" run px pveversion -p dead
is "$rc" 7 "pveversion -p dead: exit 7"

done_testing
