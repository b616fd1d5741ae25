#!/bin/sh
# px access acl|users|groups|roles|realms|tokens|permissions: every
# output format, filters, unknown users.
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

# --- access
formats "access acl" access acl
run px access acl
like "$out" '^PATH +TYPE +UGID +ROLEID +PROPAGATE' "access acl: header"
formats "access users" access users
run px access users -j -c userid,enable
like "$out" '"userid":"root@pam","enable":true' "access users: root@pam enabled"
formats "access groups" access groups
formats "access roles" access roles
run px access roles -f tsv -c roleid,special
like "$out" 'PVEAuditor	1' "access roles: built-in roles"
formats "access realms" access realms
run px access realms -f tsv -c realm
like "$out" 'pam' "access realms: pam"
formats "access tokens" access tokens root@pam
run px access tokens -j root@pam
like "$out" '"tokenid":"px","privsep":false' "access tokens: the px token"
run px access tokens nosuch@pve
is "$rc" 5 "access tokens of an unknown user: exit 5"
run px access tokens root
is "$rc" 2 "access tokens root: not a user id, usage error"
formats "access permissions" access permissions
run px access permissions --path /vms -f tsv -c path
is "$(printf '%s\n' "$out" | sort -u)" /vms "access permissions --path"
run px access permissions --userid auditor@pve --path / -f tsv -c privilege
like "$out" 'Sys.Audit' "access permissions --userid: the auditor audits"
unlike "$out" 'Sys.Modify' "and does not modify"
run px access acl --path /
is "$rc" 2 "--path is for permissions only"
run px access
is "$rc" 2 "access without a list: usage error"

done_testing
