#!/bin/sh
# px token: list/show/create/set/revoke; the secret only on stdout (or in
# --secret-file, 0600), never in the audit log, on stderr or in another
# file; a new token's rights follow the ACL; SelfLockout; -n, read-only,
# freeze, 403.
. "$(dirname "$0")/lib.sh"
sim_start
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

# --- list, show: every format
run px token list root@pam
is "$rc" 0 "token list: exit 0"
like "$out" '^TOKENID +PRIVSEP +EXPIRE +COMMENT' "token list: header"
run px token list root@pam -j
ok $(json_ok "$out" && echo 0 || echo 1) "token list -j is JSON"
like "$out" '"tokenid":"px","privsep":false' "the px token, no privsep"
run px token list root@pam -f jsonl
like "$out" '^\{"tokenid":' "token list -f jsonl"
run px token list root@pam -f tsv -H -c tokenid
is "$out" px "token list -f tsv"
run px token show root@pam px -j
like "$out" '"privsep":0' "token show -j"
run px token show root@pam nosuch
is "$rc" 5 "token show of an unknown token: exit 5"
run px token list root
is "$rc" 2 "not a user id: usage error"
run px token create root@pam 9bad
is "$rc" 2 "a token id must start with a letter"

# --- create: the secret once, on stdout only
simctl DELETE log >/dev/null
run px token create root@pam ci --comment "CI job" --privsep 1 -j -v
is "$rc" 0 "token create: exit 0"
secret=$(printf '%s' "$out" | py "print(d[0]['value'])")
like "$secret" '^[0-9a-f-]{36}$' "the secret is printed (value)"
like "$out" '"full-tokenid":"root@pam!ci"' "with the full token id"
unlike "$err" "$secret" "the secret is not on stderr (even with -v)"
run px audit log -j
unlike "$out" "$secret" "the secret is not in the audit log"
like "$out" 'token/root@pam!ci' "the creation is"
if command -v sqlite3 >/dev/null; then
	n=$(sqlite3 "$XDG_DATA_HOME/px/audit.db" .dump | grep -c "$secret")
	is "$n" 0 "the audit database holds no trace of the secret"
fi
n=$(grep -rl -- "$secret" "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$PX_CONFIG" 2>/dev/null | wc -l)
is "$n" 0 "no file px writes holds the secret"
run px token show root@pam ci -j
like "$out" '"comment":"CI job"' "show: the comment"
run px token create root@pam ci
is "$rc" 1 "a token that exists: PVE refuses"
like "$err" 'Token already exists' "with PVE's message"

# --- --secret-file: a new file of mode 0600
run px token create root@pam ci2 --secret-file "$T/ci2.secret" -j
is "$rc" 0 "create --secret-file: exit 0"
like "$out" '"value":null' "the secret is not printed"
is "$(stat -c %a "$T/ci2.secret")" 600 "the file has mode 0600"
like "$(cat "$T/ci2.secret")" '^[0-9a-f-]{36}$' "and holds the secret"
unlike "$err" "$(cat "$T/ci2.secret")" "not on stderr"
simctl DELETE log >/dev/null
run px token create root@pam ci3 --secret-file "$T/ci2.secret"
is "$rc" 2 "an existing --secret-file: refused"
like "$err" 'exists already' "says so"
ln -s "$T/nowhere" "$T/link"
run px token create root@pam ci3 --secret-file "$T/link"
is "$rc" 2 "a symbolic link as --secret-file: refused"
ok $([ ! -e "$T/nowhere" ] && echo 0 || echo 1) "nothing written through the link"
is "$(writes)" 0 "nothing was sent"
run px token list root@pam --secret-file "$T/x"
is "$rc" 2 "--secret-file is for create"

# --- the new token's rights follow the ACL (privsep: none of its own)
stopped=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and not g.get('lock') and g['type'] == 'qemu': print(g['vmid']); break")
printf '%s\n' "$base" | sed "s/^token_id = .*/token_id = ci/; s/^token_secret = .*/token_secret = $secret/" >"$T/ci.conf"
chmod 600 "$T/ci.conf"
run px acl set /vms --role PVEAuditor --token 'root@pam!ci'
is "$rc" 0 "acl set: the token may see the guests"
run env PX_CONFIG="$T/ci.conf" px start -y "$stopped"
is "$rc" 4 "the new token may not start a guest yet: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"
run px acl set /vms --role PVEVMAdmin --token 'root@pam!ci'
is "$rc" 0 "acl set: PVEVMAdmin on /vms for the token"
run env PX_CONFIG="$T/ci.conf" px start -y "$stopped"
is "$rc" 0 "now the token starts the guest"
run px acl unset /vms --role PVEVMAdmin --token 'root@pam!ci' -y
is "$rc" 0 "acl unset"
run env PX_CONFIG="$T/ci.conf" px stop -y "$stopped"
is "$rc" 4 "and the token may not stop it any more"

# --- set
run px token set root@pam ci --comment "CI v2"
is "$rc" 0 "token set: exit 0"
run px token show root@pam ci -j
like "$out" '"comment":"CI v2"' "the comment changed"
run px token set root@pam ci
is "$rc" 2 "set without a change: usage error"

# --- -n sends nothing
simctl DELETE log >/dev/null
run px token create root@pam dry -n
is "$rc" 0 "create -n: exit 0"
like "$out" 'would send: POST /access/users/root%40pam/token/dry' "says what it would send"
is "$(writes)" 0 "nothing was sent"

# --- revoke: SelfLockout
simctl DELETE log >/dev/null
run px token revoke root@pam px -y
is "$rc" 6 "revoking px's own token: exit 6"
like "$err" 'Severe +SelfLockout' "SelfLockout named"
is "$(writes)" 0 "nothing was sent"
run px token revoke root@pam px -y -n --allow-risk
is "$rc" 0 "with --allow-risk it passes (dry run)"
run px token revoke root@pam ci -y
is "$rc" 0 "token revoke: exit 0"
run px token list root@pam -f tsv -H -c tokenid
unlike "$out" '^ci$' "the token is gone"
run env PX_CONFIG="$T/ci.conf" px ls guests
is "$rc" 4 "and it no longer logs in"

# --- read-only and freeze
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px token create root@pam ro1
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "nothing was sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "test" --ttl 1h >/dev/null
run px token revoke root@pam ci2 -y
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null

# --- 403 with PVE's message
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px token create root@pam aud
is "$rc" 4 "the auditor may not create root's tokens: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
