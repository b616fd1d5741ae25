#!/bin/sh
# px init: adding profiles from flags and interactively, each answer
# checked against the live server before anything is written; password
# (ticket) profiles.
. "$(dirname "$0")/lib.sh"
sim_start
simconf=$(cat "$PX_CONFIG")
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
secret=$(sed -n 's/^token_secret = //p' "$PX_CONFIG")
rm -f "$PX_CONFIG"
mkdir -p "$XDG_CONFIG_HOME/px"
export PX_CONFIG="$XDG_CONFIG_HOME/px/px.conf"

# --- from flags; the secret from the environment, never argv
PX_TOKEN_SECRET=$secret run px init -p lab --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$(echo "$fp" | tr A-F a-f)"
is "$rc" 0 "init -p NAME from flags"
like "$err" "connected to Proxmox VE" "it checked the server first"
is "$(stat -c %a "$PX_CONFIG")" 600 "px.conf is 0600"
is "$(stat -c %a "$XDG_CONFIG_HOME/px/lab.secret")" 600 "the secret file is 0600"
unlike "$(cat "$PX_CONFIG")" "$secret" "px.conf does not hold the secret"
like "$(cat "$PX_CONFIG")" "fingerprint = $fp" "the fingerprint, normalised"
like "$(cat "$PX_CONFIG")" "profile = lab" "the first profile becomes the default"
run px ls nodes -f tsv -c node
is "$rc" 0 "the new profile works"

before=$(cat "$PX_CONFIG")
PX_TOKEN_SECRET=wrong-secret run px init -p other --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$fp"
is "$rc" 4 "a wrong secret: exit 4"
is "$(cat "$PX_CONFIG")" "$before" "and nothing was written"
PX_TOKEN_SECRET=$secret run px init -p other --url "$SIM_URL" --user root@pam --token-id px --fingerprint "00:$(echo "$fp" | cut -c4-)"
is "$rc" 10 "a wrong fingerprint: exit 10"
is "$(cat "$PX_CONFIG")" "$before" "and nothing was written"
PX_TOKEN_SECRET=$secret run px init -p lab --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$fp"
is "$rc" 2 "an existing profile is not replaced without -f"
run px init -p third --url "$SIM_URL" --user root@pam --token-id px
is "$rc" 2 "no secret in the environment: exit 2"
like "$err" "PX_TOKEN_SECRET" "says where the secret goes"
run px init -p 'bad/name' --url x --user y --token-id z
is "$rc" 2 "a profile name with / is refused"

# --- interactive: URL, trust, user, auth, token id, secret, name
printf '%s\nyes\nroot@pam\ntoken\npx\n%s\ninter\n' "$SIM_URL" "$secret" >"$T/answers"
run px init -i <"$T/answers"
is "$rc" 0 "init -i with answers on stdin"
like "$err" "fingerprint" "it showed the certificate's fingerprint"
like "$err" "$fp" "the right one"
like "$(cat "$PX_CONFIG")" '\[profile inter\]' "the profile was added"
like "$(cat "$PX_CONFIG")" '\[profile lab\]' "the others are untouched"
run px ls nodes -p inter -f tsv -c node
is "$rc" 0 "the interactive profile works"
before=$(cat "$PX_CONFIG")
printf '%s\nno\n' "$SIM_URL" >"$T/answers"
run px init -i -p refused <"$T/answers"
is "$rc" 10 "answering no to the certificate: exit 10"
is "$(cat "$PX_CONFIG")" "$before" "and nothing was written"

# --- password profiles: a ticket, CSRF on writes, re-login
pxsim -d "$SIM_DIR" --print-config --auth password >"$T/pw.conf"
chmod 600 "$T/pw.conf"
PX_CONFIG="$T/pw.conf" run px ls nodes -f tsv -c node
is "$rc" 0 "password auth: reads work with a ticket"
vmid=$(PX_CONFIG="$T/pw.conf" px ls guests -j | /usr/bin/python3 -c '
import json,sys
for g in json.load(sys.stdin):
    if g["status"]=="stopped" and not g["lock"] and not g["ha"] and not g["tags"]:
        print(g["vmid"]); break')
simctl DELETE log >/dev/null
PX_CONFIG="$T/pw.conf" run px start "$vmid"
is "$rc" 0 "password auth: a write works (the CSRF token is sent)"
is "$(sim_log | grep -c 'POST /api2/json/access/ticket')" 1 "one login for the whole command"
like "$(sim_log | grep "status/start")" "ticket" "the write went with the ticket"
sed 's/^password = .*/password = wrong/' "$T/pw.conf" >"$T/pw2.conf"; chmod 600 "$T/pw2.conf"
PX_CONFIG="$T/pw2.conf" run px ls nodes
is "$rc" 4 "a wrong password: exit 4"
unlike "$err" "wrong" "the password is not echoed"

done_testing
