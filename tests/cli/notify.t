#!/bin/sh
# px notify: endpoints (sendmail, smtp, gotify, webhook) and matchers
# through their life cycle and every output format; the pre-flight
# checks; digests; the gate's refusals; secrets that never show.
. "$(dirname "$0")/lib.sh"
sim_start
py() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
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
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
PW=pw-Zq81xK TOK=tok-Hh27pW WSEC=ws-Mm55yV
printf '%s\n' "$PW" >"$T/pw"
printf '%s\n' "$TOK" >"$T/tok"
export HOOK_SECRET=$WSEC

# --- reading
formats "endpoint list" notify endpoint list
run px notify endpoint list
like "$out" '^NAME +TYPE +DISABLE +ORIGIN +TO +COMMENT' "endpoint list: header"
like "$out" 'mail-to-root +sendmail' "the builtin sendmail endpoint"
run px notify endpoint list gotify -f tsv -H -c name,type
is "$out" "$(printf 'gotify-ops\tgotify')" "endpoint list TYPE: that type only"
formats "matcher list" notify matcher list
formats "targets" notify targets
formats "matcher show" notify matcher show default-matcher
run px notify endpoint list pager
is "$rc" 2 "an unknown endpoint type: usage error"
run px notify endpoint show smtp nosuch
is "$rc" 5 "show of an unknown endpoint: exit 5"

# --- no secret on the command line
run px notify endpoint create smtp x --server h --from-address a@b.c --password "$PW"
is "$rc" 2 "there is no --password option"
run px notify endpoint create gotify x --server h --token "$TOK"
is "$rc" 2 "there is no --token option"

# --- smtp: create, show, set, delete
simctl DELETE log >/dev/null
run px notify endpoint create smtp relay --server mail.example.com --port 587 \
	--mode starttls --username pve --password-file "$T/pw" \
	--from-address pve@example.com --mailto ops@example.com \
	--mailto a@example.com --mailto-user root@pam --comment relay
is "$rc" 0 "create smtp endpoint"
like "$(sim_log)" "^POST /api2/json/cluster/notifications/endpoints/smtp " "POSTed to the type's collection"
formats "endpoint show" notify endpoint show smtp relay
run px notify endpoint show smtp relay -j
is "$(py "$out" 'print(d["server"], d["port"], d["mode"], d["mailto"], d["mailto-user"])')" \
	"mail.example.com 587 starttls ['ops@example.com', 'a@example.com'] ['root@pam']" \
	"show: the settings, repeated options as arrays"
is "$(py "$out" 'print("password" in d)')" False "show -j: no password"
run px notify endpoint show smtp relay
unlike "$out" "password|$PW" "show: no password"
run px notify endpoint list smtp -j
like "$out" '"to":"ops@example.com,a@example.com,root@pam"' "list: where it sends to"
run px notify endpoint create smtp relay --server x --from-address a@b.c
is "$rc" 1 "a duplicate is refused by PVE"
like "$out$err" "already exists" "with PVE's message"
run px notify endpoint create smtp bad --url https://x
is "$rc" 2 "an option of another type: usage error"
run px notify endpoint set smtp relay --port 2525 --comment changed
is "$rc" 0 "set smtp endpoint"
like "$(sim_log | grep '^PUT')" "PUT /api2/json/cluster/notifications/endpoints/smtp/relay " "PUT to the endpoint"
is "$(px notify endpoint show smtp relay -j | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["port"], d["comment"])')" \
	"2525 changed" "set: show has the change"

# --- stale digest
old=$(px notify endpoint show smtp relay -j | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
sim_api PUT cluster/notifications/endpoints/smtp/relay "comment=behind" >/dev/null
run px notify endpoint set smtp relay --comment mine --raw digest="$old"
is "$rc" 1 "a stale digest: PVE refuses the set"
like "$out$err" "modified" "with PVE's message"
is "$(px notify endpoint show smtp relay -j | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["comment"])')" \
	behind "the other change stays"

# --- gotify and webhook with their secrets
run px notify endpoint create gotify phone --server https://gotify.example.com \
	--token-file "$T/tok"
is "$rc" 0 "create gotify endpoint (token from a file)"
run px notify endpoint show gotify phone -j
is "$(py "$out" 'print("token" in d, d["server"])')" "False https://gotify.example.com" "show: no token"
run px notify endpoint create webhook chat --url https://chat.example.com/h \
	--method post --header Content-Type=application/json \
	--body '{"text":"{{ title }}"}' --secret-env token=HOOK_SECRET
is "$rc" 0 "create webhook (secret from the environment)"
run px notify endpoint show webhook chat -j
is "$(py "$out" 'print(d["secret"], d["header"])')" \
	"['name=token'] ['name=Content-Type,value=YXBwbGljYXRpb24vanNvbg==']" \
	"show: secrets by name, headers base64 as PVE keeps them"
is "$(py "$out" 'import base64; print(base64.b64decode(d["body"]).decode())')" \
	'{"text":"{{ title }}"}' "the body is sent base64-encoded"
run px notify endpoint create webhook w2 --url https://x --method post --secret-env token=NO_SUCH_VAR
is "$rc" 2 "an unset variable: usage error"
run px notify endpoint create webhook w2 --url https://x --method post --secret-file token
is "$rc" 2 "--secret-file without name=file: usage error"

# --- matchers
run px notify matcher create ops --target relay --target phone \
	--match-severity error,warning --match-field exact:type=vzdump \
	--match-calendar 'mon..fri 8-17' --mode any --comment ops
is "$rc" 0 "create matcher"
run px notify matcher show ops -j
is "$(py "$out" 'print(d["target"], d["match-severity"], d["match-field"], d["mode"])')" \
	"['relay', 'phone'] ['error,warning'] ['exact:type=vzdump'] any" "show: the matcher"
run px notify matcher create bad --match-severity critical
is "$rc" 2 "an unknown severity: usage error"
run px notify matcher create bad --server x
is "$rc" 2 "an endpoint option for a matcher: usage error"
run px notify matcher create bad --target nosuch
is "$rc" 5 "a target that does not exist: PVE refuses (404, exit 5)"
like "$out$err" "endpoint 'nosuch' does not exist" "with PVE's message"
run px notify matcher set ops --invert-match
is "$rc" 0 "set matcher"
run px notify matcher list -j
is "$(py "$out" 'print([m.get("invert-match") for m in d if m["name"] == "ops"])')" "[True]" "list has the change"

# --- test message: a change through the gate
simctl DELETE log >/dev/null
run px notify test relay -n
is "$rc" 0 "test -n"
like "$out" "would send: POST /cluster/notifications/targets/relay/test" "would send the test"
is "$(writes)" 0 "dry run: nothing sent"
run px notify test relay
is "$rc" 0 "test message"
like "$(sim_log)" "^POST /api2/json/cluster/notifications/targets/relay/test " "sent"

# --- dry run of a change with a secret
simctl DELETE log >/dev/null
run px notify endpoint create smtp dry --server h --from-address a@b.c --password-file "$T/pw" -n
is "$rc" 0 "create -n"
like "$out" "password=REDACTED" "the dry run redacts the password"
is "$(writes)" 0 "dry run: nothing sent"

# --- pre-flight checks
simctl DELETE log >/dev/null
run px notify endpoint delete -y smtp relay
is "$rc" 6 "deleting a target matchers use: exit 6"
like "$err" "risk: Severe +NotifyTargetInUse" "names the finding"
like "$err" "ops" "and the matcher"
is "$(writes)" 0 "nothing sent"
run px notify endpoint delete -y --allow-risk smtp relay
is "$rc" 1 "with --allow-risk it is sent, and PVE refuses it too"
like "$out$err" "referenced by: ops" "PVE's message"
run px notify matcher set ops --raw delete=target
is "$rc" 0 "the matcher drops its targets"
run px notify endpoint delete -y smtp relay
is "$rc" 0 "then the endpoint goes"
run px notify endpoint show smtp relay
is "$rc" 5 "deleted"

# last matcher: delete every other one first
for m in $(px notify matcher list -f tsv -H -c name); do
	[ "$m" = ops ] || px notify matcher delete -y --allow-risk "$m" >/dev/null 2>&1
done
run px notify matcher delete -y ops
is "$rc" 0 "deleting the last matcher passes (a warning)"
like "$err" "risk: Warning +NotifyLastMatcher" "with NotifyLastMatcher"

# last target
for e in $(px notify targets -f tsv -H -c type,name | tr '\t' ':'); do
	[ "$e" = gotify:phone ] || px notify endpoint delete -y --allow-risk ${e%%:*} ${e#*:} >/dev/null 2>&1
done
run px notify endpoint delete -y gotify phone
is "$rc" 0 "deleting the last endpoint passes (a warning)"
like "$err" "risk: Warning +NotifyLastTarget" "with NotifyLastTarget"

# --- read-only profile and freeze
base=$(cat "$PX_CONFIG")
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px notify endpoint create sendmail m1 --mailto a@b.c
is "$rc" 8 "read-only profile: create exits 8"
run px notify test chat
is "$rc" 8 "read-only profile: test exits 8"
is "$(writes)" 0 "nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "mail outage" >/dev/null 2>&1
run px notify matcher create m1 --target chat
is "$rc" 8 "frozen: exit 8"
run px notify endpoint delete -y webhook chat
is "$rc" 8 "frozen: delete exits 8"
is "$(writes)" 0 "nothing sent"
px incident thaw --reason ok >/dev/null 2>&1

# --- 403
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px notify endpoint create sendmail m1 --mailto a@b.c
is "$rc" 4 "a token without Mapping.Modify: exit 4"
like "$out$err" "Permission check failed" "with PVE's message"

# --- secrets never written or printed by px
run px audit log -j
like "$out" "REDACTED" "the audit log has the changes, redacted"
for s in "$PW" "$TOK" "$WSEC"; do
	unlike "$out" "$s" "the audit log holds no secret ($s)"
	hits=$(grep -rl -- "$s" "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$PX_CONFIG" 2>/dev/null)
	is "$hits" "" "no file px writes holds it ($s)"
done
enc=$(printf '%s' "$WSEC" | base64)
unlike "$out" "$enc" "nor the webhook secret's base64"
hits=$(grep -rl -- "$enc" "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" 2>/dev/null)
is "$hits" "" "no file px writes holds the base64 either"

done_testing
