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
# --- strict lines: minini would skip them and read on (issue 12, item 9)
printf '[profile lab]\nurl = %s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\n\n[profile prod\nurl = https://prod.example\nread_only = no\n' "$dead" >"$PX_CONFIG"
run px start -y -p lab 100
is "$rc" 3 "an unclosed section line: exit 3 (before, prod's keys landed in lab)"
like "$err" "$PX_CONFIG:7: the section line has no closing '\]'" "names file and line"
unlike "$err" "127.0.0.1:9|Could not|connect" "nothing was sent"
printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nread_only yes\n' "$dead" >"$PX_CONFIG"
run px api /version
is "$rc" 3 "a line that is not key = value: exit 3"
like "$err" "$PX_CONFIG:6: not a key = value line" "names file and line"
printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\n[profile a]\nread_only = no\n' "$dead" >"$PX_CONFIG"
run px api /version
is "$rc" 3 "a section given twice: exit 3"
like "$err" "$PX_CONFIG:6: \[profile a\] appears a second time" "names file and line"

# --- url and rate_limit (item 10)
printf '[profile a]\nurl = https://root:Hunter2@127.0.0.1:9\nuser = root@pam\ntoken_id = px\ntoken_secret = x\n' >"$PX_CONFIG"
run px api -v /version
is "$rc" 3 "a url with user:password@: exit 3"
like "$err" "url: must not hold a user or password" "says why"
unlike "$err" "Hunter2" "and never prints the password, also with -v"
printf '[profile a]\nurl = https://127.0.0.1:9?x=1\nuser = root@pam\ntoken_id = px\ntoken_secret = x\n' >"$PX_CONFIG"
run px api /version
is "$rc" 3 "a url with ?query: exit 3"
like "$err" "without a \?query" "says why"
for v in nan inf -1; do
	printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nrate_limit = %s\n' "$dead" "$v" >"$PX_CONFIG"
	run px api /version
	is "$rc" 3 "rate_limit = $v: exit 3"
	like "$err" "rate_limit: must be requests per second" "rate_limit = $v: says why"
done

# --- control characters in secrets (item 12): refused before connecting
printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = px\n' "$dead" >"$PX_CONFIG"
PX_TOKEN_SECRET=$(printf 'a\r\nX-Evil: 1') run px api /version
is "$rc" 3 "CR LF in PX_TOKEN_SECRET: exit 3, nothing sent"
like "$err" "token secret from PX_TOKEN_SECRET holds a control character" "says where"
unlike "$err" "Evil" "without echoing it"
printf 'ab\033cd\n' >"$T/secret"; chmod 600 "$T/secret"
printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = px\ntoken_secret_file = %s\n' "$dead" "$T/secret" >"$PX_CONFIG"
run px api /version
is "$rc" 3 "an ESC in a secret file: exit 3, nothing sent"
like "$err" "from $T/secret holds a control character" "names the file"
printf '[profile a]\nurl = %s\nuser = root@pam\nauth = password\npassword = pw\tx\n' "$dead" >"$PX_CONFIG"
run px api /version
is "$rc" 3 "a tab in an inline password: exit 3, nothing sent"
like "$err" "password from $PX_CONFIG holds a control character" "names the file"

# --- token_id as PVE's GUI shows it (item 26)
printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = root@pam!px\ntoken_secret = x\n' "$dead" >"$PX_CONFIG"
run px profiles -j -c token_id
is "$rc" 0 "token_id = root@pam!px is accepted"
is "$out" '[{"token_id":"px"}]' "and means the id px"
run px api /version
is "$rc" 7 "and px goes on to connect (nothing listens: 7)"
printf '[profile a]\nurl = %s\nuser = root@pam\ntoken_id = admin@pve!px\ntoken_secret = x\n' "$dead" >"$PX_CONFIG"
run px api /version
is "$rc" 3 "token_id for another user: exit 3"
like "$err" "token_id: the user part 'admin@pve' \(before '!'\) is not user = root@pam" "says which part is wrong"

printf '[profile a]\nurl = https://x\nuser = root@pam\ntoken_id = px\n' >"$PX_CONFIG"
chmod 000 "$PX_CONFIG"
if [ "$(id -u)" -ne 0 ]; then
	run px api /version
	is "$rc" 3 "an unreadable config: exit 3"
fi
chmod 600 "$PX_CONFIG"

done_testing
