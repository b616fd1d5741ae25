#!/bin/sh
# px cluster, pveversion, access, pool, storage: datacenter-wide reads in
# every output format, their filters, 404s, an offline node and a profile
# that fails among several.
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

# --- -h prints the usage; every command takes -p
for c in cluster pveversion access pool storage find config status search \
    tasks task events watch; do
	run px $c -h
	like "$out" "^usage: px $c " "px $c -h prints the usage"
	run px $c -p nosuchprofile -h
	is "$rc" 0 "px $c accepts -p"
done

done_testing
