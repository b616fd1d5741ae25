#!/bin/sh
# px group: list/show/create/set/delete, members via the users' groups;
# -n, read-only, freeze, 403.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

# --- group
run px group list
like "$out" '^GROUPID +USERS +COMMENT' "group list: header"
run px group list -j
ok $(json_ok "$out" && echo 0 || echo 1) "group list -j is JSON"
run px group list -f tsv -H -c groupid
like "$out" 'auditors' "group list -f tsv"
run px group create devs --comment "developers"
is "$rc" 0 "group create"
run px group create devs
is "$rc" 1 "a group that exists: PVE refuses"
like "$err" "already exists" "with PVE's message"
run px group set devs --comment "dev team"
is "$rc" 0 "group set"
run px group add devs bob@pve carol@pve
is "$rc" 0 "group add two users"
run px group show devs -j
like "$out" '"comment":"dev team","members":\["bob@pve","carol@pve"\]' "show: comment and members"
run px user show bob@pve -j
like "$out" '"groups":\["ops","devs"\]' "membership is the user's: other groups kept"
simctl DELETE log >/dev/null
run px group remove devs bob@pve -n
is "$(writes)" 0 "remove -n sends nothing"
run px group remove devs bob@pve -y
is "$rc" 0 "group remove"
run px user show bob@pve -j
like "$out" '"groups":\["ops"\]' "bob left devs only"
run px group show nosuch
is "$rc" 5 "show of an unknown group: exit 5"
run px group delete devs -y
is "$rc" 0 "group delete"
run px group list -f tsv -H -c groupid
unlike "$out" '^devs$' "gone"

# --- read-only, freeze, 403
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px group create g1
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason test --ttl 1h >/dev/null
run px group delete ops -y
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px group create g2
is "$rc" 4 "the auditor may not create groups: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
