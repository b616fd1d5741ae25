#!/bin/sh
# px user: list/show/permissions/create/set/enable/disable/password/delete;
# passwords only from file/env and never in the audit log; SelfLockout,
# UserOwnsTokens; -n, read-only, freeze, 403.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
base=$(cat "$PX_CONFIG")

run px user list
like "$out" '^USERID +ENABLE +EXPIRE +EMAIL +GROUPS +TOKENS +COMMENT' "user list: header"
run px user list -j
ok $(json_ok "$out" && echo 0 || echo 1) "user list -j is JSON"
like "$out" '"userid":"root@pam","enable":true' "root@pam enabled"
run px user list -f jsonl -c userid
like "$out" '^\{"userid":"root@pam"\}' "user list -f jsonl"
run px user list -f tsv -H -c userid,tokens
like "$out" 'root@pam	1' "user list: token count"

printf 'Initial-pw-1\n' >"$T/pw"
run px user create jo@pve --email jo@example.com --comment "new" --password-file "$T/pw"
is "$rc" 0 "user create: exit 0"
run px user show jo@pve -j
like "$out" '"email":"jo@example.com"' "show: the e-mail"
run px user show nosuch@pve
is "$rc" 5 "show of an unknown user: exit 5"
run px user create jo@pve
is "$rc" 1 "a user that exists: PVE refuses"
like "$err" "already exists" "with PVE's message"
run px user create jo@pve --password secret
is "$rc" 2 "no password from argv"
run px user set jo@pve --groups ops --comment "ops"
is "$rc" 0 "user set"
run px user set jo@pve --groups auditors --append
run px user show jo@pve -j
like "$out" '"groups":\["ops","auditors"\]' "set --groups --append adds"
run px user set jo@pve --password-file "$T/pw"
is "$rc" 2 "set takes no password (px user password)"
run px user disable jo@pve -y
is "$rc" 0 "disable"
run px user show jo@pve -j
like "$out" '"enable":0' "disabled"
run px user enable jo@pve
run px user show jo@pve -j
like "$out" '"enable":1' "enabled again"
run px user permissions auditor@pve --path / -f tsv -c privilege
like "$out" 'Sys.Audit' "permissions of a user"
run px user permissions 'auditor@pve!ro' --path / -f tsv -c privilege
like "$out" 'VM.Audit' "permissions of a token"
run px user show jo@pve --path /
is "$rc" 2 "--path is for permissions"

# password: root@pam's password profile may; a token needs its user's password
pxsim -d "$SIM_DIR" --print-config --auth password >"$T/pw.conf"
chmod 600 "$T/pw.conf"
NEWPW='Changed-pw-2'
export NEWPW
run env PX_CONFIG="$T/pw.conf" px user password jo@pve --password-env NEWPW
is "$rc" 0 "user password as root@pam: exit 0"
run px user password jo@pve --password-env NEWPW
is "$rc" 1 "with a token: PVE wants the confirmation password"
like "$err" 'password is required to modify user' "PVE's message"
run px user password jo@pve
is "$rc" 2 "password without --password-file/-env: usage error"
run px audit log -j
unlike "$out" 'Changed-pw-2|Initial-pw-1' "no password in the audit log"
like "$out" 'password=REDACTED' "redacted"
n=$(grep -rl -e Changed-pw-2 -e Initial-pw-1 "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" 2>/dev/null | wc -l)
is "$n" 0 "no file px writes holds a password"

# risks
simctl DELETE log >/dev/null
run px user disable root@pam -y
is "$rc" 6 "disabling px's own user: exit 6"
like "$err" 'Severe +SelfLockout' "SelfLockout"
run px user delete root@pam -y
is "$rc" 6 "deleting it: exit 6"
is "$(writes)" 0 "nothing was sent"
run px user disable root@pam -y -n --allow-risk
is "$rc" 0 "--allow-risk passes (dry run)"
px token create jo@pve t1 >/dev/null
simctl DELETE log >/dev/null
run px user delete jo@pve -n
is "$rc" 0 "delete -n"
like "$err" 'Warning +UserOwnsTokens +user jo@pve owns 1 API token.*jo@pve!t1' "UserOwnsTokens lists them"
is "$(writes)" 0 "-n sent nothing"
run px user delete jo@pve -y
is "$rc" 0 "delete"
run px user show jo@pve
is "$rc" 5 "gone"

# read-only, freeze, 403
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px user create ro@pve
is "$rc" 8 "read-only: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason test --ttl 1h >/dev/null
run px user set alice@pve --comment x
is "$rc" 8 "frozen: exit 8"
px incident thaw --reason done >/dev/null
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
run env PX_CONFIG="$T/aud.conf" px user create x@pve
is "$rc" 4 "the auditor may not create users: exit 4"
like "$out$err" 'Permission check failed' "PVE's message"

done_testing
