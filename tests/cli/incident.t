#!/bin/sh
# px incident: freeze, thaw, status, expiry; every freeze and thaw is
# audited.  A freeze is local, so no pxsim is needed.
. "$(dirname "$0")/lib.sh"

data="$XDG_DATA_HOME/px"
json_len() {	# json_len TEXT: the length of a JSON array
	printf '%s' "$1" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo invalid
}
json_expr() {	# json_expr TEXT EXPR: evaluate EXPR on the JSON as d
	printf '%s' "$1" | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)" 2>/dev/null || echo invalid
}

cat >"$PX_CONFIG" <<EOC
[px]
profile = sim

[profile sim]
url = https://127.0.0.1:9
user = root@pam
token_id = px
token_secret = 00000000-0000-0000-0000-000000000000

[profile ro]
url = https://127.0.0.1:9
user = root@pam
token_id = px
token_secret = 00000000-0000-0000-0000-000000000000
read_only = yes
EOC
chmod 600 "$PX_CONFIG"

run px incident status -j
is "$rc" 0 "status with nothing frozen: exit 0"
is "$out" "[]" "and an empty JSON array"

run px incident freeze -p sim
is "$rc" 2 "freeze without --reason: exit 2"
like "$err" "needs --reason" "and says a reason is needed"
run px incident freeze -p sim --reason "   "
is "$rc" 2 "a blank reason is no reason"
run px incident freeze -p sim --reason x --ttl 4x
is "$rc" 2 "a malformed --ttl: exit 2"
like "$err" "bad --ttl '4x'" "and names it"
run px incident freeze -A -p sim --reason x
is "$rc" 2 "-A with -p: exit 2"
run px incident freeze -p nope --reason x
is "$rc" 3 "an unknown profile: exit 3"
run px incident status --reason x
is "$rc" 2 "status takes no --reason"
run px incident melt
is "$rc" 2 "an unknown subcommand: exit 2"
like "$err" "usage: px incident freeze" "with the usage"
test -e "$data/freeze.json"
is "$?" 1 "nothing refused wrote a freeze"

run px incident freeze -p sim --reason "storage outage, INC-1"
is "$rc" 0 "freeze -p sim"
like "$err" "froze sim until [0-9-]+ [0-9:]+: storage outage, INC-1" \
	"confirms on stderr with the expiry and the reason"
is "$(stat -c %a "$data/freeze.json")" 600 "freeze.json is 0600"
run px incident status -j
is "$rc" 0 "status -j: exit 0"
is "$(json_len "$out")" 1 "status -j is valid JSON with one freeze"
is "$(json_expr "$out" 'd[0]["scope"]')" sim "scope sim"
is "$(json_expr "$out" 'd[0]["reason"]')" "storage outage, INC-1" "the reason"
like "$(json_expr "$out" 'd[0]["by"]')" "^.+@.+$" "by is user@host"
is "$(json_expr "$out" 'd[0]["until"] - d[0]["since"]')" 14400 \
	"the default TTL is 4h"
is "$(json_expr "$out" 'list(d[0].keys())')" \
	"['scope', 'reason', 'by', 'since', 'until']" "the documented keys"
run px incident status
like "$out" "^SCOPE +REASON +BY +SINCE +UNTIL" "status table header"
like "$out" "sim +storage outage, INC-1" "and the freeze"

run px incident freeze --reason "default profile" --ttl 30m
is "$rc" 0 "freeze without -p freezes the default profile"
run px incident status -j
is "$(json_len "$out")" 1 "refreezing a scope replaces its freeze"
is "$(json_expr "$out" 'd[0]["reason"]')" "default profile" "with the new reason"
is "$(json_expr "$out" 'd[0]["until"] - d[0]["since"]')" 1800 "and --ttl 30m"

run px incident freeze -p ro --reason "read-only too" --ttl 0
is "$rc" 0 "a read-only profile may be frozen"
run px incident status -j
is "$(json_expr "$out" '[f["until"] for f in d if f["scope"] == "ro"][0]')" \
	None "--ttl 0: until is null (until thawed)"

run px incident freeze -A --reason "everything" --ttl 1h
is "$rc" 0 "freeze -A"
like "$err" "froze every profile" "says every profile"
run px incident status -j
is "$(json_expr "$out" 'sorted(f["scope"] for f in d)')" "['*', 'ro', 'sim']" \
	"status lists the scope * with the others"

run px incident thaw -p sim
is "$rc" 2 "thaw without --reason: exit 2"
run px incident thaw -p sim --reason "storage back"
is "$rc" 0 "thaw -p sim"
like "$err" "thawed sim" "confirms it"
run px incident thaw -p sim --reason "again"
is "$rc" 0 "thawing what is not frozen: exit 0"
like "$err" "sim was not frozen" "and says so"
run px incident thaw -A --reason "all clear"
is "$rc" 0 "thaw -A"
run px incident status -j
is "$(json_expr "$out" '[f["scope"] for f in d]')" "['ro']" \
	"thaw -A ends the * freeze, not a profile's own"
px incident thaw -p ro --reason done 2>/dev/null

run px audit log -j
is "$(json_expr "$out" '[e["action"] for e in d]')" \
	"['freeze', 'freeze', 'freeze', 'freeze', 'thaw', 'thaw', 'thaw', 'thaw']" \
	"every freeze and thaw is in the audit log"
is "$(json_expr "$out" '[e["target"] for e in d][:4]')" \
	"['profile/sim', 'profile/sim', 'profile/ro', 'profile/*']" \
	"with the target profile/NAME or profile/*"
is "$(json_expr "$out" 'set(e["decision"] for e in d)')" "{'allowed'}" \
	"decision allowed"
is "$(json_expr "$out" '[e["result"] for e in d][4:6]')" "['OK', 'not frozen']" \
	"a thaw of nothing is recorded as not frozen"
like "$(json_expr "$out" 'd[0]["params"]')" "reason=storage%20outage%2C%20INC-1&ttl=14400" \
	"the reason and TTL are the parameters"
run px audit verify
is "$rc" 0 "and the log verifies"

# Expiry: a 3 s freeze is gone 4 s later.  (3 s, not 1: a freeze that
# has expired before px writes it -- a second can pass on a loaded machine
# while the audit entry is written -- is rightly not written at all.)
run px incident freeze -p sim --reason "short" --ttl 3s
is "$rc" 0 "freeze --ttl 3s"
# (read the file rather than status: on a loaded machine a second may
# pass before status runs)
is "$(json_expr "$(cat "$data/freeze.json")" \
	'[f["until"] - f["since"] for f in d["freezes"] if f["scope"] == "sim"]')" \
	"[3]" "it is recorded with a 3 s TTL"
sleep 4
run px incident status -j
is "$out" "[]" "and has expired 4 s later"

# Audit failures: a freeze still holds, a thaw is refused.
chmod 644 "$data/audit.db"
run px incident freeze -p sim --reason "audit broken"
is "$rc" 3 "freeze with an unsafe audit.db: exit 3"
like "$err" "the freeze holds, but it is not in the audit log" "says the freeze holds"
like "$err" "chmod 600 $data/audit.db" "and how to fix the log"
run px incident status -j
is "$(json_len "$out")" 1 "the freeze is in force"
run px incident thaw -p sim --reason "try"
is "$rc" 3 "a thaw that cannot be audited is refused: exit 3"
run px incident status -j
is "$(json_len "$out")" 1 "and the freeze stays"
chmod 600 "$data/audit.db"
run px incident thaw -p sim --reason "audit fixed"
is "$rc" 0 "with the log fixed, thaw works"

# A reason is echoed in messages, tables and refusals: none of its
# control characters (ESC, BEL, a C1 CSI as UTF-8 or as a raw byte)
# reaches the terminal, from the command line or from an edited file.
ctl=$(printf '[\033\007\233]|\302\233')
run px incident freeze -p sim --reason "$(printf 'x\033]0;PWNED\007\302\233y\233z')"
is "$rc" 0 "a freeze with control characters in its reason"
like "$err" 'froze sim until .*: x\?\]0;PWNED\?\?y\?z$' "is confirmed with them as '?'"
unlike "$err" "$ctl" "no control character on stderr"
run px incident status
like "$out" 'x\?\]0;PWNED\?\?y\?z' "status shows the reason sanitized"
unlike "$out" "$ctl" "no control character in the table"
run px incident status -j
is "$(json_expr "$out" 'd[0]["reason"]')" 'x?]0;PWNED??y?z' "nor in JSON"
px incident thaw -p sim --reason done 2>/dev/null
printf '{"freezes":[{"scope":"sim","reason":"r\\u001b[2J\\u009b","by":"a\\u0007b","since":1,"until":0}]}\n' \
	>"$data/freeze.json"
run px incident status -j
is "$(json_expr "$out" '[d[0]["reason"], d[0]["by"]]')" "['r?[2J?', 'a?b']" \
	"an edited freeze.json: reason and by are sanitized when read"
run px incident status
unlike "$out" "$ctl" "and the table has no control character"

done_testing
