#!/bin/sh
# Configuration: every bad case exits 3 with a message that says what to
# do, and nothing is sent anywhere.
. "$(dirname "$0")/lib.sh"

# A URL where nothing listens: if px tried to connect, it would say so.
dead=https://127.0.0.1:9

run px doctor
is "$rc" 3 "no config: doctor exits 3"
like "$out$err" "no configuration file $PX_CONFIG" "and names the file"
like "$out$err" "px init" "and says to run px init"
run px api /version
is "$rc" 3 "no config: a network command exits 3"
like "$err" "hint: run px init" "with the hint"

run px init
is "$rc" 0 "px init writes a starter config"
is "$(stat -c %a "$PX_CONFIG")" 600 "the starter config is mode 0600"
like "$(cat "$PX_CONFIG")" '^\[px\]' "it has a [px] section"
run px init
is "$rc" 2 "px init refuses to overwrite"
like "$err" "exists; use -f" "and says how"
run px init -f
is "$rc" 0 "px init -f overwrites"
run px api /version
is "$rc" 3 "the starter config has no profile: exit 3"
like "$err" "no \[profile NAME\] section" "and says so"

cat >"$PX_CONFIG" <<EOC
[px]
profile = a

[profile a]
url = $dead
user = root@pam
token_id = px
token_secret_file = $T/secret

[profile b]
url = $dead
user = root@pam
token_id = px
token_secret = inline-secret-value
EOC
chmod 600 "$PX_CONFIG"
echo "file-secret-value" >"$T/secret"
chmod 644 "$T/secret"
run px api /version
is "$rc" 3 "a 0644 secret file: exit 3"
like "$err" "secret file $T/secret is accessible by others" "names the file"
like "$err" "hint: chmod 600 $T/secret" "and gives the chmod that fixes it"
unlike "$err" "file-secret-value" "the secret is not printed"
chmod 600 "$T/secret"
run px api /version
is "$rc" 7 "with the file fixed px goes on to connect (nothing listens: 7)"

run px api -p nope /version
is "$rc" 3 "an unknown profile: exit 3"
like "$err" "unknown profile 'nope' \(profiles: a, b\)" "lists the profiles"
PX_PROFILE=nope px api /version >/dev/null 2>&1
is "$?" 3 "an unknown PX_PROFILE: exit 3"

chmod 644 "$PX_CONFIG"
run px api -p b /version
is "$rc" 3 "an inline secret in a world-readable config: exit 3"
like "$err" "chmod 600 $PX_CONFIG" "with the chmod"
unlike "$err" "inline-secret-value" "the secret is not printed"

run px profiles
is "$rc" 0 "px profiles lists profiles (even when the file is 0644)"
like "$out" "^a +pve +$dead" "with name, kind and url"
unlike "$out" "secret-value" "never a secret"
run px profiles -j -c name,secret_source
like "$out" '"secret_source":"file"' "says where a secret comes from"
unlike "$out" "secret-value" "and never the secret, also in JSON"
chmod 600 "$PX_CONFIG"

printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = px\ntokn = x\n' "$dead" >"$PX_CONFIG"
run px api /version
is "$rc" 3 "an unknown key: exit 3"
like "$err" "\[profile a\] tokn: unknown key" "names section and key"
printf '[profile a]\nurl = http://x\nuser = root@pam\ntoken_id = px\n' >"$PX_CONFIG"
run px api /version
is "$rc" 3 "plain http: exit 3"
like "$err" "must be https" "says it must be https"
printf '[cluster a]\nurl = https://x\n' >"$PX_CONFIG"
run px doctor
is "$rc" 3 "an unknown section: exit 3"
printf '[profile a]\nurl = https://x\nuser = root@pam\ntoken_id = px\n' >"$PX_CONFIG"
run px api /version
is "$rc" 3 "no secret at all: exit 3"
like "$err" "has no token secret" "says which"
PX_TOKEN_SECRET=x px api /version >/dev/null 2>"$T/e"
like "$(cat "$T/e")" "x:8006|resolve|Could not" "PX_TOKEN_SECRET supplies it (then px connects)"
chmod 000 "$PX_CONFIG"
if [ "$(id -u)" -ne 0 ]; then
	run px api /version
	is "$rc" 3 "an unreadable config: exit 3"
fi
chmod 600 "$PX_CONFIG"

done_testing
