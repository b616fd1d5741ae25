#!/bin/sh
# px realm: list/show/sync (an LDAP realm; PVE's preview with --raw
# dry-run=1); create, set (digest), delete (built-ins, RealmHasUsers);
# the bind password never in argv or the audit log; -n, read-only,
# freeze, 403; pxsim's /access/domains as PVE's.
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

# --- create, set, delete
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
printf 'bind-s3cr3t\n' >"$T/pw"
chmod 600 "$T/pw"
simctl DELETE log >/dev/null
run px realm create dir1 --type ldap --server1 ldap.example.com --base_dn dc=example,dc=com --user_attr uid --bind_dn cn=px,dc=example,dc=com --password-file "$T/pw" --comment "the directory" -n
is "$rc" 0 "create -n: exit 0"
like "$out" 'would send: POST /access/domains type=ldap&server1=ldap.example.com&base_dn=dc%3Dexample%2Cdc%3Dcom&user_attr=uid&bind_dn=.*&password=REDACTED&comment=the%20directory&realm=dir1' "create -n: what it would send, the password redacted"
is "$(writes)" 0 "create -n: nothing sent"
run px realm create dir1 --type ldap --server1 ldap.example.com --base_dn dc=example,dc=com --user_attr uid --bind_dn cn=px,dc=example,dc=com --password-file "$T/pw" --comment "the directory" -j
is "$rc" 0 "create an LDAP realm: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['name'] == 'dir1' and r['action'] == 'create' and r['result'] == 'ok', r"
ok $? "create: the row names the realm"
unlike "$out$err" 'bind-s3cr3t' "create: the password is not printed"
run px realm list -f tsv -c realm,type,comment
like "$out" "$(printf 'dir1\tldap\tthe directory')" "list: the new realm"
run px realm list -f jsonl
ok $(jsonl_ok "$out" && echo 0 || echo 1) "list -f jsonl: JSON lines"
run px realm show dir1 -f tsv
like "$out" "$(printf 'server1\tldap.example.com')" "show: its server"
unlike "$out" 'bind-s3cr3t' "show: PVE does not serve the password"
BIND=env-s3cr3t run px realm create ad1 --type ad --server1 dc1.example.com --domain example.com --password-env BIND
is "$rc" 0 "create an AD realm, the password from the environment"
run px realm create oid1 --type openid --issuer-url https://id.example.com --client-id px --client-key-file "$T/pw" --username-claim email
is "$rc" 0 "create an OpenID realm with a client key"
run px realm create dir1 --type ldap --server1 x --base_dn dc=x --user_attr uid
is "$rc" 1 "create of an existing realm fails"
like "$err" "domain 'dir1' already exists" "with PVE's message"
run px audit log -f json
unlike "$out" 'bind-s3cr3t|env-s3cr3t' "the audit log has no password or client key"
like "$out" 'REDACTED' "it says they were redacted"

# refused before sending
simctl DELETE log >/dev/null
run px realm create x2 --type ldap --server1 ldap.example.com
is "$rc" 2 "an LDAP realm without base_dn: usage error"
like "$err" "needs --base_dn" "says what is missing"
run px realm create x2 --type openid --issuer-url https://id --client-id c --server1 ldap
is "$rc" 2 "a parameter the type does not take: usage error"
like "$err" "openid takes no --server1" "says so"
run px realm create x2 --type pam
is "$rc" 2 "--type pam: usage error"
like "$err" "built in" "says PVE has it built in"
run px realm create x2 --server1 ldap
is "$rc" 2 "create without --type: usage error"
run px realm create pve --type ldap --server1 x --base_dn dc=x --user_attr uid
is "$rc" 2 "create of a built-in name: usage error"
run px realm create x2 --type ldap --server1 x --base_dn dc=x --user_attr uid --scope users
is "$rc" 2 "a sync parameter on create: usage error"
run px realm create x2 --type ldap --server1 x --base_dn dc=x --user_attr uid --raw password=inline-s3cr3t
is "$rc" 2 "--raw password=...: usage error, a secret is not taken from argv"
like "$err" "password-file or --password-env" "says where a secret comes from"
unlike "$err" "inline-s3cr3t" "and does not echo it"
run px realm create x2 --type ldap --server1 x --base_dn dc=x --user_attr uid --raw group_filter=x -n
is "$rc" 0 "(--raw passes any other parameter)"
run px realm create "$(printf 'x\033[2J')" --type ldap --server1 x --base_dn dc=x --user_attr uid
is "$rc" 2 "a realm name with an escape sequence: usage error"
unlike "$err" "$(printf '\033')" "and the escape is not echoed raw"
run px realm create x3 --type ldap --server1 x --base_dn dc=x --user_attr uid --password s3cret
is "$rc" 2 "--password on the command line: no such option"
run px realm sync dir1 --server1 x
is "$rc" 2 "a realm parameter on sync: usage error"
is "$(writes)" 0 "none of them was sent"

# set, with PVE's digest
simctl DELETE log >/dev/null
run px realm set dir1 --comment "the company directory" --port 636 --mode ldaps -n
like "$out" 'would send: PUT /access/domains/dir1 comment=the%20company%20directory&port=636&mode=ldaps&digest=[0-9a-f]+' "set -n: the changes and the digest"
is "$(writes)" 0 "set -n: nothing sent"
run px realm set dir1 --comment "the company directory" --port 636 --mode ldaps
is "$rc" 0 "set: exit 0"
run px realm show dir1 -j
printf '%s' "$out" | py "assert d['comment'] == 'the company directory' and d['port'] == 636 and d['mode'] == 'ldaps', d"
ok $? "set: the changes show"
run px realm set dir1 --comment x --raw digest=0123456789abcdef0123456789abcdef01234567
is "$rc" 1 "set with a stale digest: refused"
like "$err" "detected modified configuration" "with PVE's message"
run px realm show dir1 -f tsv
unlike "$out" "$(printf 'comment\tx$')" "and nothing changed"
run px realm set dir1 --default 1
is "$rc" 0 "set --default 1"
run px realm list -f tsv -c realm,default
like "$out" "$(printf 'dir1\t1')" "dir1 is the default"
unlike "$out" "$(printf 'pam\t1')" "and no other realm"
run px realm set dir1 --delete comment
is "$rc" 0 "set --delete comment"
run px realm set dir1 --type ad
is "$rc" 2 "set --type: usage error"
run px realm set oid1 --username-claim sub
is "$rc" 2 "set of a fixed parameter: usage error"
run px realm set dir1 --issuer-url https://x
is "$rc" 2 "set of a parameter the type does not take: usage error"
run px realm set dir1
is "$rc" 2 "set without a change: usage error"
run px realm set nosuch --comment x
is "$rc" 5 "set of an unknown realm: exit 5"

# delete: built-ins, RealmHasUsers
sim_api POST access/users 'userid=alice@dir1' >/dev/null
sim_api POST access/users 'userid=bob@dir1' >/dev/null
simctl DELETE log >/dev/null
run px realm delete pam -y
is "$rc" 2 "delete pam: refused"
like "$err" "PVE's own realm" "says why"
run px realm delete pve -y --allow-risk
is "$rc" 2 "delete pve: refused even with --allow-risk"
run px realm delete dir1 -y
is "$rc" 6 "delete a realm with users: exit 6"
like "$err" "RealmHasUsers.*2 users.*alice@dir1" "names the check, how many and who"
run px realm delete ad1
is "$rc" 2 "delete without -y and no terminal: usage error"
run px realm delete dir1 -n --allow-risk
like "$out" 'would send: DELETE /access/domains/dir1' "delete -n: what it would send"
is "$(writes)" 0 "none of them sent anything"
run px realm delete ad1 -y
is "$rc" 0 "delete a realm without users"
run px realm show ad1
is "$rc" 5 "it is gone"
run px realm delete ad1 -y
is "$rc" 5 "delete of an unknown realm: exit 5"

# read-only, freeze, 403 for every verb
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
for v in "create ro1 --type ldap --server1 x --base_dn dc=x --user_attr uid" "set dir1 --comment x" "delete oid1"; do
	simctl DELETE log >/dev/null
	run px realm $v -y
	is "$rc" 8 "read-only: realm $v: exit 8"
	is "$(writes)" 0 "read-only: realm $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "realm freeze" --ttl 1h >/dev/null
for v in "create fz1 --type ldap --server1 x --base_dn dc=x --user_attr uid" "set dir1 --comment x" "delete oid1"; do
	simctl DELETE log >/dev/null
	run px realm $v -y
	is "$rc" 8 "frozen: realm $v: exit 8"
	like "$err" "realm freeze" "frozen: realm $v: the reason"
	is "$(writes)" 0 "frozen: realm $v: nothing sent"
done
px incident thaw --reason done >/dev/null
for v in "create den1 --type ldap --server1 x --base_dn dc=x --user_attr uid" "set dir1 --comment x" "delete oid1"; do
	PX_CONFIG="$T/aud.conf" run px realm $v -y
	is "$rc" 4 "the auditor: realm $v: exit 4"
	like "$err" "Permission check failed" "the auditor: realm $v: PVE's message"
done
run px realm delete dir1 -y --allow-risk
is "$rc" 0 "delete with --allow-risk: exit 0"

# pxsim answers as PVE does
st() { sim_api_status "$@"; }
body() { sim_api "$@"; }
like "$(body POST access/domains 'realm=q1&type=pam')" "unable to create builtin type 'pam'" "pxsim: a built-in type"
like "$(body POST access/domains 'realm=q1&type=ldap&server1=x')" "missing value for required option" "pxsim: a required option"
like "$(body POST access/domains 'realm=q1&type=openid&issuer-url=x&client-id=y&server1=z')" "unexpected property 'server1'" "pxsim: an option of another type"
like "$(body POST access/domains 'realm=q1&type=openid&issuer-url=x&client-id=y&check-connection=1')" "'check-connection' parameter can only be set" "pxsim: check-connection only for ldap and ad"
is "$(st POST access/domains 'realm=q1&type=ldap&server1=x&base_dn=y&user_attr=uid&bogus=1')" 400 "pxsim: an unknown parameter: 400"
is "$(st PUT access/domains/oid1 'username-claim=sub')" 500 "pxsim: a fixed parameter"
is "$(st PUT access/domains/oid1 '')" 500 "pxsim: no options"
is "$(st DELETE access/domains/nosuch)" 500 "pxsim: delete of an unknown realm"

done_testing
