#!/bin/sh
# px acme: accounts (tasks), plugins (digest, data never shown),
# directories, terms, schema; the in-use check; the gate's refusals.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
jget() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
SECRET=cf-Tt62mN
printf 'CF_Token=%s\nCF_Account_ID=42\n' "$SECRET" >"$T/cf"

run px acme directories -f tsv -H
like "$out" "letsencrypt.org/directory" "directories"
run px acme tos
like "$out" '^https://letsencrypt.org/' "tos"
run px acme tos --directory ftp://x
is "$rc" 2 "tos of a non-http directory: usage error"
run px acme challenge-schema -j
is "$(printf '%s' "$out" | jget '"cf" in [x["id"] for x in d]')" True "challenge-schema"

tos=$(px acme tos)
simctl DELETE log >/dev/null
run px acme account create prod --contact ops@example.com --tos-url "$tos"
is "$rc" 0 "account create (a task, followed)"
like "$(sim_log)" "^POST /api2/json/cluster/acme/account " "POSTed"
run px acme account list -f tsv -H
is "$out" prod "account list"
run px acme account show prod -j
like "$out" '"mailto:ops@example.com"' "account show: the CA's account"
run px acme account create prod --contact ops@example.com --tos-url "$tos"
is "$rc" 1 "a duplicate account: PVE refuses"
run px acme account update prod --contact new@example.com
is "$rc" 0 "account update"
like "$(px acme account show prod -j)" "new@example.com" "show has it"

run px acme plugin create cf --api cf --data-file "$T/cf" --validation-delay 30
is "$rc" 0 "plugin create"
run px acme plugin list
like "$out" 'cf +dns +cf +30' "plugin list"
run px acme plugin show cf -j
is "$(printf '%s' "$out" | jget '("data" in d, d["api"])')" "(False, 'cf')" "plugin show: no data"
run px acme plugin set cf --validation-delay 60
is "$rc" 0 "plugin set"
old=$(px acme plugin show cf -j | jget 'd["digest"]')
sim_api PUT cluster/acme/plugins/cf "validation-delay=90" >/dev/null
run px acme plugin set cf --validation-delay 10 --raw digest="$old"
is "$rc" 1 "a stale digest is refused"

# the account in use by a node's certificate config
node=$(px ls nodes -f tsv -H -c node | head -1)
sim_api PUT "nodes/$node/config" "acme=account=prod,domains=$node.example.com" >/dev/null
run px acme account delete -y prod
is "$rc" 0 "delete an account in use: a warning"
like "$err" "risk: Warning +AcmeAccountInUse" "names AcmeAccountInUse"
like "$err" "$node" "and the node"
run px acme account list -f tsv -H
is "$out" "" "deleted"
simctl DELETE log >/dev/null
run px acme plugin delete -n cf
is "$(writes)" 0 "plugin delete -n: nothing sent"
run px acme plugin delete -y cf
is "$rc" 0 "plugin delete"

base=$(cat "$PX_CONFIG")
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px acme plugin create p2 --api cf --data-file "$T/cf"
is "$rc" 8 "read-only profile: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason x >/dev/null 2>&1
run px acme account create a2 --contact a@b.c --tos-url "$tos"
is "$rc" 8 "frozen: exit 8"
is "$(writes)" 0 "nothing sent"
px incident thaw --reason ok >/dev/null 2>&1
pxsim -d "$SIM_DIR" --print-config --as operator >"$T/op.conf" 2>/dev/null
chmod 600 "$T/op.conf"
PX_CONFIG="$T/op.conf" run px acme account create a2 --contact a@b.c --tos-url "$tos"
is "$rc" 4 "accounts are root@pam's: exit 4"
like "$out$err" "Permission check failed" "with PVE's message"

run px audit log -j
like "$out" "data=REDACTED" "the audit log redacts the plugin data"
enc=$(base64 -w0 "$T/cf")
unlike "$out" "$SECRET|$enc" "and never holds it"
is "$(grep -rl -e "$SECRET" -e "$enc" "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" 2>/dev/null)" "" "no file px writes holds it"
done_testing
