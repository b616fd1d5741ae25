#!/bin/sh
# px acl: list/set/unset; AdminAclRemoved and LastRootAcl; -n, read-only,
# freeze, 403.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

run px acl list
like "$out" '^PATH +TYPE +UGID +ROLEID +PROPAGATE' "acl list: header"
run px acl list -j
ok $(json_ok "$out" && echo 0 || echo 1) "acl list -j is JSON"
run px acl list -f jsonl
like "$out" '^\{"path":' "acl list -f jsonl"
run px acl set /vms/100 --role PVEVMUser --user bob@pve --group ops --no-propagate
is "$rc" 0 "acl set for a user and a group"
run px acl list -f tsv -H
like "$out" '/vms/100	user	bob@pve	PVEVMUser	0' "the user's entry, not propagated"
like "$out" '/vms/100	group	ops	PVEVMUser	0' "the group's entry"
run px acl set /vms/100 --role NoSuchRole --user bob@pve
is "$rc" 5 "an unknown role: PVE refuses (not found)"
like "$err" "role 'NoSuchRole' does not exist" "with PVE's message"
run px acl set /vms/100 --user bob@pve
is "$rc" 2 "set without --role: usage error"
run px acl set vms --role PVEVMUser --user bob@pve
is "$rc" 2 "a path must start with /"
simctl DELETE log >/dev/null
run px acl unset /vms/100 --role PVEVMUser --user bob@pve -n
is "$rc" 0 "unset -n"
like "$out" 'would send: PUT /access/acl' "says what it would send"
is "$(writes)" 0 "nothing was sent"
run px acl unset /vms/100 --role PVEVMUser --user bob@pve --group ops -y
is "$rc" 0 "acl unset"
run px acl list -f tsv -H
unlike "$out" '^/vms/100	' "the entries are gone"

# --- AdminAclRemoved
simctl DELETE log >/dev/null
run px acl unset / --role Administrator --group admins -y
is "$rc" 6 "unsetting an Administrator entry: exit 6"
like "$err" 'Severe +AdminAclRemoved .*Administrator of admins' "AdminAclRemoved names it"
is "$(writes)" 0 "nothing was sent"
run px acl unset / --role Administrator --group admins -y -n --allow-risk
is "$rc" 0 "--allow-risk passes (dry run)"

# --- LastRootAcl: take back every entry on /
run px acl list -f tsv -H
roles=$(printf '%s\n' "$out" | awk -F'\t' '$1 == "/" { print $4 }' | sort -u | sed 's/^/--role /' | tr '\n' ' ')
who=$(printf '%s\n' "$out" | awk -F'\t' '$1 == "/" { print "--" $2 " " $3 }' | sort -u | tr '\n' ' ')
run px acl unset / $roles $who -y
is "$rc" 6 "unsetting every entry on /: exit 6"
like "$err" 'Severe +LastRootAcl' "LastRootAcl"
run px acl set /vms --role PVEAuditor --user bob@pve
run px acl unset /vms --role PVEAuditor --user bob@pve -y
is "$rc" 0 "an ordinary entry: no risk"

# --- read-only, freeze, 403
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px acl set /vms --role PVEAuditor --user bob@pve
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason test --ttl 1h >/dev/null
run px acl set /vms --role PVEAuditor --user bob@pve
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px acl set /vms --role PVEAdmin --token 'auditor@pve!ro'
is "$rc" 4 "the auditor may not grant itself more: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
