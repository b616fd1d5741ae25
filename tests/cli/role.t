#!/bin/sh
# px role: list/show/create/set/delete, built-in roles refused,
# RoleInUse; -n, read-only, freeze, 403.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

# --- role
run px role list -f tsv -c roleid,special
like "$out" 'PVEAdmin	1' "role list: built-in roles"
run px role list -j
ok $(json_ok "$out" && echo 0 || echo 1) "role list -j is JSON"
run px role create PowerOnly --privs VM.Audit,VM.PowerMgmt
is "$rc" 0 "role create"
run px role create Bad --privs No.Such
is "$rc" 1 "an unknown privilege: PVE refuses"
like "$err" "invalid privilege" "with PVE's message"
run px role set PowerOnly --privs VM.Console --append
is "$rc" 0 "role set --append"
run px role show PowerOnly -j
like "$out" '"VM.Console":1' "show: the added privilege"
like "$out" '"VM.PowerMgmt":1' "and the earlier ones"
simctl DELETE log >/dev/null
for v in set delete; do
	run px role $v PVEVMAdmin --privs VM.Audit -y
	[ $v = delete ] && run px role delete PVEVMAdmin -y
	is "$rc" 2 "role $v of a built-in role: refused"
	like "$err" "built-in role" "says why"
done
is "$(writes)" 0 "nothing was sent"
px acl set /vms/100 --role PowerOnly --user bob@pve >/dev/null
run px role delete PowerOnly -n
like "$err" 'Warning +RoleInUse +role PowerOnly is granted by 1 ACL entry.*/vms/100 \(bob@pve\)' "RoleInUse names the paths"
run px role delete PowerOnly -y
is "$rc" 0 "role delete (a warning does not refuse)"

# --- read-only, freeze, 403
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px role create R1 --privs VM.Audit
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason test --ttl 1h >/dev/null
run px role set Mine --privs VM.Audit
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px role create R2 --privs VM.Audit
is "$rc" 4 "the auditor may not create roles: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
