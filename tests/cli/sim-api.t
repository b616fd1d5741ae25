#!/bin/sh
# sim-api.t -- pxsim's breadth endpoints: CRUD round trips for backup
# jobs, firewall, HA, mappings, notifications, replication, users,
# tokens, groups, roles, ACLs, node network and DNS; PVE's error shapes;
# 403 for the auditor; the PBS API with colon-form tokens; the Telegram
# Bot API fake.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || skip_all "curl missing"
sim_start --pbs 127.0.0.1:0 --telegram

conf() {	# conf FILE KEY: first value of KEY
	awk -F' = ' -v k="$2" '$1 == k { print $2; exit }' "$1"
}
SEC=$(conf "$PX_CONFIG" token_secret)
ROOT="PVEAPIToken=root@pam!px=$SEC"
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
AUD="PVEAPIToken=$(conf "$T/aud.conf" user)!$(conf "$T/aud.conf" token_id)=$(conf "$T/aud.conf" token_secret)"
API="$SIM_URL/api2/json"

# req AUTH METHOD PATH [curl args...]: sets code, body
req() {
	_a=$1 _m=$2 _p=$3
	shift 3
	code=$(curl -sk -o "$T/body" -w '%{http_code}' -X "$_m" \
	    -H "Authorization: $_a" "$@" "$API$_p")
	body=$(cat "$T/body")
}
# js EXPR: evaluate a Python expression on the JSON body as d
js() {
	printf '%s' "$body" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
r = ($1)
print(r)" 2>/dev/null
}

node1=$(curl -sk -H "Authorization: $ROOT" "$API/nodes" | /usr/bin/python3 -c '
import json, sys; print(sorted(n["node"] for n in json.load(sys.stdin)["data"])[0])')
node2=$(curl -sk -H "Authorization: $ROOT" "$API/nodes" | /usr/bin/python3 -c '
import json, sys; print(sorted(n["node"] for n in json.load(sys.stdin)["data"])[1])')
vm=$(curl -sk -H "Authorization: $ROOT" "$API/cluster/resources?type=vm" | /usr/bin/python3 -c "
import json, sys
r = [g for g in json.load(sys.stdin)['data'] if g['type'] == 'qemu' and g['node'] == '$node1' and not g.get('template')]
print(r[0]['vmid'])")

# --- backup jobs ---------------------------------------------------
req "$ROOT" POST /cluster/backup -d schedule=03:30 -d vmid="$vm" \
    -d storage=local -d comment=sim-api-test -d mode=snapshot
is "$code" 200 "backup job: create answers 200"
req "$ROOT" GET /cluster/backup
id=$(js "[j['id'] for j in d['data'] if j.get('comment') == 'sim-api-test'][0]")
like "$id" '^backup-[0-9a-f]{8}-[0-9a-f]{4}$' "backup job: generated id looks like PVE's"
req "$ROOT" GET "/cluster/backup/$id"
is "$(js "d['data']['schedule'], d['data']['vmid'], d['data']['enabled']")" "('03:30', '$vm', 1)" \
    "backup job: read back with defaults"
req "$ROOT" PUT "/cluster/backup/$id" -d comment=changed -d delete=mode
req "$ROOT" GET "/cluster/backup/$id"
is "$(js "d['data']['comment'], 'mode' in d['data']")" "('changed', False)" \
    "backup job: update sets and deletes keys"
req "$ROOT" POST /cluster/backup -d schedule=03:30 -d all=1 -d enabled=maybe
is "$code" 400 "backup job: a bad boolean is a 400"
is "$(js "d['data'], d['errors']['enabled']")" \
    "(None, \"type check ('boolean') failed - got 'maybe'\")" \
    "backup job: PVE's parameter error shape and text"
req "$ROOT" POST /cluster/backup -d schedule=03:30 -d all=1 -d bogus=1
is "$(js "d['errors']['bogus']")" \
    "property is not defined in schema and the schema does not allow additional properties" \
    "backup job: an unknown parameter is refused"
req "$AUD" POST /cluster/backup -d schedule=03:30 -d all=1
is "$code" 403 "backup job: the auditor token gets 403 on create"
req "$AUD" GET /cluster/backup
is "$code" 200 "backup job: the auditor token may list"
req "$ROOT" DELETE "/cluster/backup/$id"
is "$code" 200 "backup job: delete"
req "$ROOT" GET "/cluster/backup/$id"
is "$code" 500 "backup job: gone after delete"
like "$(js "d['message']")" "Job '$id' does not exist" "backup job: PVE's message for a missing job"
req "$ROOT" GET /cluster/backup-info/not-backed-up
is "$(js "all('vmid' in g and g['type'] in ('qemu', 'lxc') for g in d['data'])")" True \
    "not-backed-up lists guests with vmid and type"

# --- firewall ---------------------------------------------------------
req "$ROOT" POST /cluster/firewall/rules -d type=in -d action=ACCEPT \
    -d proto=tcp -d dport=443 -d pos=0 -d enable=1 -d comment=first
is "$code" 200 "firewall: add a rule at position 0"
req "$ROOT" GET /cluster/firewall/rules
is "$(js "d['data'][0]['comment'], d['data'][0]['pos'], d['data'][1]['pos']")" "('first', 0, 1)" \
    "firewall: the new rule is first and positions are renumbered"
n=$(js "len(d['data'])")
req "$ROOT" PUT /cluster/firewall/rules/0 -d moveto="$n"
req "$ROOT" GET /cluster/firewall/rules
is "$(js "d['data'][-1]['comment']")" first "firewall: moveto moves the rule to the end"
req "$ROOT" DELETE "/cluster/firewall/rules/$((n - 1))"
req "$ROOT" GET /cluster/firewall/rules
is "$(js "len(d['data'])")" "$((n - 1))" "firewall: delete by position"
req "$ROOT" GET /cluster/firewall/rules/99
is "$code" 500 "firewall: a rule past the end is an error"
req "$ROOT" POST /cluster/firewall/aliases -d name=web -d cidr=10.9.8.0/24
req "$ROOT" PUT /cluster/firewall/aliases/web -d cidr=10.9.9.0/24 -d rename=www
req "$ROOT" GET /cluster/firewall/aliases/www
is "$(js "d['data']['cidr']")" 10.9.9.0/24 "firewall: alias create, update and rename"
req "$ROOT" POST /cluster/firewall/ipset -d name=testset -d comment=t
req "$ROOT" POST /cluster/firewall/ipset/testset -d cidr=192.0.2.0/28
req "$ROOT" POST /cluster/firewall/ipset/testset -d cidr=192.0.2.9 -d nomatch=1
req "$ROOT" GET /cluster/firewall/ipset/testset
is "$(js "[(e['cidr'], e.get('nomatch', 0)) for e in d['data']]")" \
    "[('192.0.2.0/28', 0), ('192.0.2.9', 1)]" "firewall: ipset entries"
req "$ROOT" DELETE /cluster/firewall/ipset/testset
is "$code" 500 "firewall: a non-empty ipset is not deleted without force"
req "$ROOT" DELETE "/cluster/firewall/ipset/testset?force=1"
is "$code" 200 "firewall: force deletes it"
req "$ROOT" POST "/nodes/$node1/qemu/$vm/firewall/rules" -d type=out \
    -d action=DROP -d dest=203.0.113.5
req "$ROOT" GET "/nodes/$node1/qemu/$vm/firewall/rules"
is "$(js "d['data'][0]['dest']")" 203.0.113.5 "firewall: per-guest rules"
req "$ROOT" PUT "/nodes/$node1/qemu/$vm/firewall/options" -d enable=1 -d policy_in=DROP
req "$ROOT" GET "/nodes/$node1/qemu/$vm/firewall/options"
is "$(js "d['data']['policy_in'], d['data']['enable']")" "('DROP', 1)" "firewall: per-guest options"
req "$ROOT" GET "/nodes/$node2/qemu/$vm/firewall/rules"
is "$code" 500 "firewall: the guest on the wrong node is not found"
req "$AUD" POST /cluster/firewall/aliases -d name=x -d cidr=10.0.0.1
is "$code" 403 "firewall: the auditor may not write"

# --- HA -----------------------------------------------------------------
req "$ROOT" POST /cluster/ha/resources -d sid="$vm" -d state=started -d max_restart=2
is "$code" 200 "HA: add a resource by vmid"
req "$ROOT" GET "/cluster/ha/resources/vm:$vm"
is "$(js "d['data']['sid'], d['data']['type'], d['data']['max_restart']")" "('vm:$vm', 'vm', 2)" \
    "HA: read back as vm:VMID"
req "$ROOT" POST /cluster/ha/resources -d sid="$vm"
is "$code" 500 "HA: adding it twice fails"
req "$ROOT" POST /cluster/ha/rules -d rule=pin -d type=node-affinity \
    -d resources="vm:$vm" -d nodes="$node1"
req "$ROOT" GET /cluster/ha/rules/pin
is "$(js "d['data']['type'], d['data']['nodes']")" "('node-affinity', '$node1')" "HA: node-affinity rule"
req "$ROOT" POST /cluster/ha/rules -d rule=bad -d type=resource-affinity -d resources="vm:$vm"
is "$code" 400 "HA: resource-affinity needs affinity"
req "$ROOT" GET /cluster/ha/status/current
like "$(js "[r['id'] for r in d['data']]")" "service:vm:$vm" "HA: status/current shows the service"
req "$ROOT" GET /cluster/ha/groups
is "$code" 500 "HA: PVE 9 with its groups migrated refuses the groups API"
like "$(js "d['message']")" "cannot index groups: ha groups have been migrated to rules" "HA: with PVE's message"
req "$ROOT" DELETE "/cluster/ha/resources/vm:$vm"
is "$code" 200 "HA: remove the resource"

# --- mappings, notifications, replication ------------------------------
req "$ROOT" POST /cluster/mapping/pci -d id=nic -d map="node=$node1,path=0000:02:00.0,id=8086:1521,iommugroup=3" -d description=x
req "$ROOT" GET /cluster/mapping/pci/nic
is "$(js "d['data']['map'][0].startswith('node=$node1')")" True "mapping: PCI map stored as an array"
req "$ROOT" DELETE /cluster/mapping/pci/nic
is "$code" 200 "mapping: delete"
req "$ROOT" POST /cluster/notifications/endpoints/sendmail -d name=ops \
    -d mailto=a@example.com -d mailto=b@example.com
req "$ROOT" GET /cluster/notifications/endpoints/sendmail/ops
is "$(js "d['data']['mailto']")" "['a@example.com', 'b@example.com']" \
    "notifications: repeated parameters become an array"
req "$ROOT" POST /cluster/notifications/endpoints/gotify -d name=ops -d server=https://g -d token=t
is "$code" 500 "notifications: endpoint names are unique across types"
req "$ROOT" GET /cluster/notifications/endpoints/gotify
is "$(js "all('token' not in e for e in d['data'])")" True "notifications: secrets are never served"
req "$ROOT" GET /cluster/notifications/targets
like "$(js "[t['name'] + ':' + t['type'] for t in d['data']]")" "ops:sendmail" "notifications: targets list every endpoint"
req "$ROOT" DELETE /cluster/notifications/endpoints/sendmail/ops
is "$code" 200 "notifications: delete"
req "$ROOT" POST /cluster/replication -d id="$vm-7" -d type=local -d target="$node2"
req "$ROOT" GET "/cluster/replication/$vm-7"
is "$(js "d['data']['guest'], d['data']['jobnum'], d['data']['target']")" "($vm, 7, '$node2')" \
    "replication: guest and jobnum from the id"
req "$ROOT" POST /cluster/replication -d id="$vm-8" -d type=local -d target="$node1"
is "$code" 500 "replication: the target may not be the source node"
req "$ROOT" GET "/nodes/$node1/replication/$vm-7/status"
is "$(js "d['data']['id']")" "$vm-7" "replication: node view of the job"

# --- access -------------------------------------------------------------
req "$ROOT" POST /access/users -d userid=dave@pve -d password=longenough \
    -d firstname=Dave -d groups=admins
is "$code" 200 "users: create"
req "$ROOT" GET /access/users/dave@pve
is "$(js "d['data']['firstname'], d['data']['groups']")" "('Dave', ['admins'])" "users: read back, groups as array"
req "$ROOT" GET /access/groups/admins
like "$(js "d['data']['members']")" "dave@pve" "groups: membership follows the user"
req "$ROOT" POST /access/users -d userid=dave@pve
like "$(js "d['message']")" "already exists" "users: duplicate create fails"
req "$ROOT" POST /access/users/dave@pve/token/ci -d comment=ci
is "$(js "d['data']['full-tokenid'], sorted(d['data']['info']), len(d['data']['value'])")" \
    "('dave@pve!ci', ['comment', 'expire', 'privsep'], 36)" "tokens: create returns full-tokenid, info and value"
tokval=$(js "d['data']['value']")
req "PVEAPIToken=dave@pve!ci=$tokval" GET /cluster/backup
is "$code" 403 "tokens: a privilege-separated token starts with no rights"
req "$ROOT" PUT /access/acl -d path=/ -d roles=PVEAuditor -d tokens='dave@pve!ci'
req "PVEAPIToken=dave@pve!ci=$tokval" GET /cluster/backup
is "$code" 200 "acl: granting PVEAuditor to the token lets it read"
req "$ROOT" GET /access/acl
like "$(js "[a['ugid'] + ':' + a['roleid'] for a in d['data']]")" "dave@pve!ci:PVEAuditor" "acl: listed"
req "$ROOT" GET /access/users/dave@pve/token
is "$(js "[t['tokenid'] for t in d['data']]")" "['ci']" "tokens: list"
req "$ROOT" DELETE /access/users/dave@pve/token/ci
req "PVEAPIToken=dave@pve!ci=$tokval" GET /cluster/backup
is "$code" 401 "tokens: a deleted token is refused"
req "$ROOT" DELETE /access/users/dave@pve
is "$code" 200 "users: delete"
req "$ROOT" POST /access/roles -d roleid=Backup -d privs="VM.Backup,Datastore.AllocateSpace"
req "$ROOT" GET /access/roles/Backup
is "$(js "sorted(d['data'])")" "['Datastore.AllocateSpace', 'VM.Backup']" "roles: create and read privileges"
req "$ROOT" POST /access/roles -d roleid=Bad -d privs=VM.Fly
is "$code" 400 "roles: an unknown privilege is refused"
req "$ROOT" PUT /access/roles/PVEAuditor -d privs=VM.Audit
is "$code" 500 "roles: built-in roles cannot be changed"
req "$ROOT" GET /access/roles
is "$(js "all(r in [x['roleid'] for x in d['data']] for r in ['Administrator','PVEAdmin','PVEAuditor','PVEVMAdmin','PVEVMUser','PVEPoolAdmin','NoAccess'])")" \
    True "roles: the built-in roles exist"
req "$ROOT" GET /access/domains
is "$(js "sorted(r['realm'] for r in d['data'])[:2]")" "['pam', 'pve']" "domains: pam and pve"
req "$AUD" POST /access/groups -d groupid=nope
is "$code" 403 "groups: the auditor may not create"

# --- node ---------------------------------------------------------------
req "$ROOT" POST "/nodes/$node1/network" -d iface=vmbr9 -d type=bridge -d cidr=192.0.2.1/24
req "$ROOT" GET "/nodes/$node1/network/vmbr9"
is "$(js "d['data']['address'], d['data']['method']")" "('192.0.2.1', 'static')" "network: create a bridge"
req "$ROOT" GET "/nodes/$node1/network"
is "$(js "'changes' in d")" True "network: pending changes are reported"
req "$ROOT" PUT "/nodes/$node1/network"
like "$(js "d['data']")" "^UPID:$node1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:srvreload:networking:" "network: apply is a task"
req "$ROOT" DELETE "/nodes/$node1/network/vmbr9"
is "$code" 200 "network: delete an interface"
req "$ROOT" PUT "/nodes/$node1/dns" -d search=example.org -d dns1=192.0.2.53
req "$ROOT" GET "/nodes/$node1/dns"
is "$(js "d['data']['search'], d['data']['dns1']")" "('example.org', '192.0.2.53')" "dns: update"
req "$ROOT" GET "/nodes/$node1/syslog?start=10&limit=5"
is "$(js "[l['n'] for l in d['data']], d['total'] > 15")" "([11, 12, 13, 14, 15], True)" "syslog: start and limit"
req "$ROOT" GET "/nodes/$node1/disks/smart?disk=/dev/sda"
is "$(js "d['data']['health'], len(d['data']['attributes']) > 3")" "('PASSED', True)" "disks: SMART attributes"
req "$ROOT" GET "/nodes/$node1/hardware/pci"
is "$(js "len({p['iommugroup'] for p in d['data'] if p['id'].startswith('0000:41:00')})")" 1 \
    "hardware: the GPU's functions share an IOMMU group"

# --- PBS ------------------------------------------------------------------
PBSURL="https://$(cat "$SIM_DIR/pbs_address" 2>/dev/null)"
[ "$PBSURL" = "https://" ] && PBSURL=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "url" {print $2; exit}' "$PX_CONFIG")
PSEC=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "token_secret" {print $2; exit}' "$PX_CONFIG")
pbs() {	# pbs AUTH PATH
	code=$(curl -sk -o "$T/body" -w '%{http_code}' -H "Authorization: $1" "$PBSURL/api2/json$2")
	body=$(cat "$T/body")
}
pbs "PBSAPIToken=root@pam!px:$PSEC" /version
is "$code" 200 "PBS: colon-form token accepted"
pbs "PBSAPIToken=root@pam!px:wrong" /version
is "$code" 401 "PBS: a wrong secret is 401"
pbs "PBSAPIToken=root@pam!px:$PSEC" /admin/datastore
store=$(js "d['data'][0]['store']")
is "$store" backup "PBS: datastores listed"
pbs "PBSAPIToken=root@pam!px:$PSEC" "/admin/datastore/$store/snapshots"
is "$(js "all(s['backup-type'] in ('vm','ct') and isinstance(s['backup-time'], int) for s in d['data']) and len(d['data']) > 0")" True \
    "PBS: snapshots with type, id and time"
snapid=$(js "d['data'][0]['backup-id']")
req "$ROOT" GET /cluster/resources?type=vm
like "$(js "[str(g['vmid']) for g in d['data']]")" "'$snapid'" "PBS: snapshot ids are PVE guests"
pbs "PBSAPIToken=root@pam!px:$PSEC" "/admin/datastore/nope/snapshots"
is "$code" 400 "PBS: an unknown datastore is an error"
like "$body" "^datastore 'nope' does not exist" "PBS: errors are plain text"
pbs "PBSAPIToken=root@pam!px:$PSEC" /status/datastore-usage
is "$(js "all(u['total'] > u['used'] > 0 for u in d['data'])")" True "PBS: datastore usage"
# Numbers as each server writes them: PVE's Perl with %.15g, PBS's Rust
# (serde_json) the shortest text that reads back.
reals() {	# the non-integer numbers of $body: "count maxdigits shortest"
	printf '%s' "$body" | /usr/bin/python3 -c '
import re, sys
n = re.findall(r"(?<=[:,\[])-?[0-9]+\.[0-9]+(?:[eE][-+]?[0-9]+)?", sys.stdin.read())
digits = lambda x: len(re.sub(r"[eE].*", "", x.lstrip("-")).replace(".", "").lstrip("0"))
print(len(n), max(map(digits, n), default=0), all(repr(float(x)) == x for x in n))'
}
set -- $(reals)
ok $([ "$1" -gt 0 ] && [ "$2" -gt 15 ] && [ "$3" = True ] && echo 0 || echo 1) "PBS: doubles are the shortest text that reads back ($1, up to $2 digits)"
req "$ROOT" GET /cluster/resources
set -- $(reals)
ok $([ "$1" -gt 0 ] && [ "$2" -le 15 ] && echo 0 || echo 1) "PVE: doubles with at most 15 significant digits ($1, up to $2)"

# --- Telegram -------------------------------------------------------------
TOK=$(curl -sk "$SIM_URL/_sim/telegram" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
BOT="$SIM_URL/bot$TOK"
out=$(curl -sk "$SIM_URL/bot123:wrong/getMe")
is "$out" '{"ok":false,"error_code":401,"description":"Unauthorized"}' "telegram: a wrong bot token is 401"
out=$(curl -sk "$BOT/getMe")
like "$out" '^\{"ok":true,"result":\{"id":[0-9]+,"is_bot":true' "telegram: getMe"
out=$(curl -sk "$BOT/sendMessage" -H 'Content-Type: application/json' \
    -d '{"chat_id":-1001234567890,"text":"approve stop of VM 100?","reply_markup":{"inline_keyboard":[[{"text":"Approve","callback_data":"approve:abc"},{"text":"Deny","callback_data":"deny:abc"}]]}}')
mid=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["message_id"])')
like "$mid" '^[0-9]+$' "telegram: sendMessage returns the message"
( sleep 0.5; curl -sk -X POST "$SIM_URL/_sim/telegram/press" -d message_id="$mid" -d button=1 >/dev/null ) &
start=$(date +%s)
out=$(curl -sk "$BOT/getUpdates?timeout=5")
took=$(( $(date +%s) - start ))
is "$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; u=json.load(sys.stdin)["result"][0]["callback_query"]; print(u["data"], u["message"]["message_id"])')" \
    "deny:abc $mid" "telegram: getUpdates long-poll returns the pressed button"
ok $([ "$took" -lt 4 ] && echo 0 || echo 1) "telegram: the long-poll returns when the press arrives"
uid=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0]["update_id"])')
cb=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0]["callback_query"]["id"])')
out=$(curl -sk "$BOT/answerCallbackQuery" -d callback_query_id="$cb")
is "$out" '{"ok":true,"result":true}' "telegram: answerCallbackQuery"
out=$(curl -sk "$BOT/getUpdates?offset=$((uid + 1))")
is "$out" '{"ok":true,"result":[]}' "telegram: an offset confirms updates"
curl -sk -X POST "$SIM_URL/_sim/telegram/press" -d message_id="$mid" -d data=approve:abc -d from=666 -d chat_id=42 >/dev/null
out=$(curl -sk "$BOT/getUpdates")
is "$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; u=json.load(sys.stdin)["result"][0]["callback_query"]; print(u["from"]["id"], u["message"]["chat"]["id"])')" \
    "666 42" "telegram: a press can come from another user and chat"
out=$(curl -sk "$BOT/editMessageText" -d chat_id=-1001234567890 -d message_id="$mid" -d text=approved)
like "$out" '"text":"approved"' "telegram: editMessageText"
out=$(curl -sk "$SIM_URL/_sim/telegram/messages")
like "$out" '"text":"approved"' "telegram: /_sim/telegram/messages lists sent messages"

done_testing
