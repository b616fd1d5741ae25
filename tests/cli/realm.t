#!/bin/sh
# px realm: list/show/sync (an LDAP realm; PVE's preview with --raw
# dry-run=1); -n, read-only, freeze, 403.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

run px realm list
like "$out" '^REALM +TYPE +TFA +DEFAULT +COMMENT' "realm list: header"
run px realm list -j
ok $(json_ok "$out" && echo 0 || echo 1) "realm list -j is JSON"
run px realm list -f tsv -H -c realm
like "$out" 'pam' "realm list -f tsv"
run px realm show pam -j
like "$out" '"type":"pam"' "realm show"
run px realm show nosuch
is "$rc" 5 "an unknown realm: exit 5"

sim_api POST access/domains 'realm=corp&type=ldap&server1=ldap.example.com&base_dn=dc%3Dexample&user_attr=uid' >/dev/null
run px realm sync corp --scope users -y
is "$rc" 0 "realm sync: exit 0"
like "$out" 'sync +ok' "the task ended OK"
run px realm sync corp --scope both --raw dry-run=1 -y
is "$rc" 0 "PVE's own preview with --raw dry-run=1"
sim_log | grep -q 'POST .*access/domains/corp/sync'
ok $? "the sync was sent"
run px realm sync pam --scope users -y
is "$rc" 1 "a PAM realm cannot be synced"
like "$err" 'Only LDAP and AD realms can be synced' "PVE's message"
simctl DELETE log >/dev/null
run px realm sync corp --scope users -n
is "$rc" 0 "sync -n"
is "$(writes)" 0 "nothing was sent"

printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px realm sync corp --scope users
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason test --ttl 1h >/dev/null
run px realm sync corp --scope users
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px realm sync corp --scope users
is "$rc" 4 "the auditor may not sync: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
