#!/bin/sh
# px tfa: list and delete second factors; PVE's re-authentication (a
# token cannot, root@pam's password login can); -n, read-only, freeze,
# 403.
. "$(dirname "$0")/lib.sh"
sim_start
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

id=$(sim_api POST access/tfa/bob@pve 'type=recovery&description=paper' | py "print(d['data']['id'])")
sim_api POST access/tfa/carol@pve 'type=totp&description=phone&totp=otpauth%3A%2F%2Ftotp%2Fx&value=123456' >/dev/null
run px tfa list
like "$out" '^USERID +ID +TYPE +DESCRIPTION +CREATED +ENABLE' "tfa list: header"
like "$out" "bob@pve +$id +recovery +paper" "bob's recovery keys"
run px tfa list -j
ok $(json_ok "$out" && echo 0 || echo 1) "tfa list -j is JSON"
like "$out" '"userid":"carol@pve","id":"[^"]+","type":"totp"' "carol's TOTP"
run px tfa list -f tsv -H -c userid
is "$(printf '%s\n' "$out" | sort -u | tr '\n' ' ')" "bob@pve carol@pve " "tfa list -f tsv"

simctl DELETE log >/dev/null
run px tfa delete bob@pve "$id" -n
is "$rc" 0 "delete -n"
is "$(writes)" 0 "nothing was sent"
run px tfa delete bob@pve "$id" -y
is "$rc" 1 "with an API token: PVE wants a password"
like "$err" 'password is required to modify user' "PVE's message"
pxsim -d "$SIM_DIR" --print-config --auth password >"$T/pw.conf"
chmod 600 "$T/pw.conf"
run env PX_CONFIG="$T/pw.conf" px tfa delete bob@pve "$id" -y
is "$rc" 0 "root@pam with its password deletes it"
run px tfa list -f tsv -H -c userid
unlike "$out" 'bob@pve' "bob has no second factor left"
run px tfa delete bob@pve
is "$rc" 2 "delete without an id: usage error"

printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px tfa delete carol@pve x -y
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason test --ttl 1h >/dev/null
run px tfa delete carol@pve x -y
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px tfa delete carol@pve x -y
is "$rc" 4 "the auditor may not delete: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
