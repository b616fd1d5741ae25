#!/bin/sh
# The files px trusts: the TLS pin cache and TOFU records (signed, so an
# edit is not trust), the audit key, secret files, freeze files and the
# data dir must be the user's own: no symbolic link, no other owner, no
# other writer.  Each refusal says what and how to fix it, and sends
# nothing.
. "$(dirname "$0")/lib.sh"
sim_start
D="$XDG_DATA_HOME/px"
fpA=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
secret=$(sed -n 's/^token_secret = //p' "$PX_CONFIG")
cp "$PX_CONFIG" "$T/a.conf"

# A second pxsim, with a certificate (and key) of its own.
sim_spawn "$T/simb" --task-seconds 0
SIMB_PID=$(cat "$T/simb.pid")
B_URL="https://$(cat "$T/simb/address")"
trap 'kill $SIMB_PID 2>/dev/null; cleanup' EXIT
pin_of() {	# the pin of a certificate's key, as libcurl writes it
	echo "sha256//$(openssl x509 -in "$1" -noout -pubkey |
		openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
		base64)"
}
pinA=$(pin_of "$SIM_DIR/pxsim.crt")
pinB=$(pin_of "$T/simb/pxsim.crt")
b_requests() {
	curl -sk "$B_URL/_sim/log" | /usr/bin/python3 -c '
import json, sys; print(len(json.load(sys.stdin)["data"]))'
}
# A profile for pxsim B that expects pxsim A's fingerprint: a stand-in
# for another server on A's address.
sed "s|^url = .*|url = $B_URL|" "$PX_CONFIG" >"$T/b-as-a.conf"
chmod 600 "$T/b-as-a.conf"
# refused STATUS TEXT NAME: px api /version refused with STATUS, saying
# TEXT, and no request reached pxsim A.
refused() {
	simctl DELETE log >/dev/null
	run px api /version
	is "$rc" "$1" "$3: exit $1"
	like "$err" "$2" "$3: says so"
	is "$(sim_log | grep -c .)" 0 "$3: nothing was sent"
}

# --- the pin cache is signed, and a configured fingerprint wins
run px api /version
is "$rc" 0 "a fingerprint profile connects"
pins_line_is() {	# the only line of tls-pins is "$fpA $pinA MAC"
	is "$(grep -c . "$D/tls-pins") $(cut -d' ' -f1-2 "$D/tls-pins")" \
		"1 $fpA $pinA" "$1"
	like "$(cut -d' ' -f3- "$D/tls-pins")" '^[0-9a-f]{64}$' "$1: with a MAC"
}
pins_line_is "the pin cache holds the fingerprint and its key's pin"
is "$(stat -c %a "$D/tls-pins") $(stat -c %a "$D/trust.key") $(stat -c %s "$D/trust.key")" \
	"600 600 32" "the pin cache and its 32-byte key are 0600"

# An edited line: the fingerprint of A, the pin of B's key.
sed -i "s|$pinA|$pinB|" "$D/tls-pins"
PX_CONFIG="$T/b-as-a.conf" run px api /version
is "$rc" 10 "an edited pin does not make px trust another certificate"
like "$err" "expected fingerprint $fpA, the server presented" \
	"the certificate is checked against the configured fingerprint"
is "$(b_requests)" 0 "the other server received no request"
run px api /version
is "$rc" 0 "the right server still works"
pins_line_is "and the line is rewritten"

# A line px wrote: the pinned key must be the server's
PX_CONFIG="$T/b-as-a.conf" run px api /version
is "$rc" 10 "a cached pin refuses another server's key"
is "$(b_requests)" 0 "before any request"

# The MAC binds the line to trust.key: a new key, every line probed again
rm -f "$D/trust.key"
run px api /version
is "$rc" 0 "a lost trust.key only costs a probe"

# --- TOFU records are signed too
sed '/^fingerprint = /d' "$T/a.conf" >"$T/tofu.conf"; echo "tofu = yes" >>"$T/tofu.conf"
chmod 600 "$T/tofu.conf"
PX_CONFIG="$T/tofu.conf" run px api /version
is "$rc" 0 "tofu: first contact"
fpB=$(openssl x509 -in "$T/simb/pxsim.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
sed -i "s/ $fpA / $fpB /" "$D/tofu"
simctl DELETE log >/dev/null
PX_CONFIG="$T/tofu.conf" run px api /version
is "$rc" 10 "tofu: a record edited to another fingerprint is refused"
like "$err" "was not written by px" "tofu: says the record is not px's"
is "$(sim_log | grep -c .)" 0 "tofu: nothing was sent"
rm -f "$D/tofu"

# --- symbolic links are refused
mv "$D/tls-pins" "$T/pins.real"
ln -s "$T/pins.real" "$D/tls-pins"
refused 3 "TLS pin cache $D/tls-pins is a symbolic link; refusing" "a linked tls-pins"
unlike "$err" "$secret" "the refusal does not show the secret"
rm -f "$D/tls-pins"

PX_CONFIG="$T/tofu.conf" run px api /version	# records A again
mv "$D/tofu" "$T/tofu.real"
ln -s "$T/tofu.real" "$D/tofu"
simctl DELETE log >/dev/null
PX_CONFIG="$T/tofu.conf" run px api /version
is "$rc" 3 "a linked tofu file: exit 3"
like "$err" "TOFU record file $D/tofu is a symbolic link" "a linked tofu file: says so"
is "$(sim_log | grep -c .)" 0 "a linked tofu file: nothing was sent"
rm -f "$D/tofu"

run px audit verify
is "$rc" 0 "the audit log is there"
mv "$D/audit.key" "$T/audit.key"
ln -s "$T/audit.key" "$D/audit.key"
run px audit verify
is "$rc" 3 "a linked audit key: exit 3"
like "$err" "audit key $D/audit.key is a symbolic link" "a linked audit key: says so"
rm -f "$D/audit.key"; mv "$T/audit.key" "$D/audit.key"

printf '%s\n' "$secret" >"$T/secret.real"; chmod 600 "$T/secret.real"
ln -s "$T/secret.real" "$T/secret"
sed "s|^token_secret = .*|token_secret_file = $T/secret|" "$T/a.conf" >"$T/sf.conf"
chmod 600 "$T/sf.conf"
export PX_CONFIG="$T/sf.conf"
refused 3 "secret file $T/secret is a symbolic link" "a linked secret file"
rm -f "$T/secret"; mv "$T/secret.real" "$T/secret"
simctl DELETE log >/dev/null
run px api /version
is "$rc" 0 "the secret file itself works"
chmod 640 "$T/secret"
refused 3 "secret file $T/secret is accessible by others" "a group-readable secret file"
like "$err" "chmod 600 $T/secret" "a group-readable secret file: says chmod 600"
chmod 620 "$T/secret"
refused 3 "secret file $T/secret is writable by its group" "a group-writable secret file"
chmod 600 "$T/secret"
export PX_CONFIG="$T/a.conf"

run px incident freeze -p sim --reason test
is "$rc" 0 "a freeze is recorded"
mv "$D/freeze.json" "$T/freeze.json"
ln -s "$T/freeze.json" "$D/freeze.json"
run px incident status
is "$rc" 3 "a linked freeze file: exit 3"
like "$err" "freeze file $D/freeze.json is a symbolic link" "a linked freeze file: says so"
rm -f "$D/freeze.json"

# --- group- or other-writable files and data dir
run px api /version
chmod 620 "$D/tls-pins"
refused 3 "TLS pin cache $D/tls-pins is writable by its group \\(mode 0620\\)" "a group-writable tls-pins"
like "$err" "chmod 600 $D/tls-pins" "a group-writable tls-pins: says chmod 600"
chmod 602 "$D/tls-pins"
refused 3 "is writable by others" "an other-writable tls-pins"
chmod 600 "$D/tls-pins"
chmod 620 "$D/trust.key"
refused 3 "TLS trust key $D/trust.key is" "a group-writable trust.key"
chmod 600 "$D/trust.key"

chmod 770 "$D"
refused 3 "data directory $D is writable by its group" "a group-writable data dir"
like "$err" "chmod 700 $D" "a group-writable data dir: says chmod 700"
chmod 703 "$D"
refused 3 "data directory $D is writable by others" "an other-writable data dir"
chmod 755 "$D"
run px api /version
is "$rc" 0 "a data dir others can only read is closed"
is "$(stat -c %a "$D")" 700 "to 0700"
run px api /version
is "$rc" 0 "and all is well again"

# --- files owned by another user (needs root to make one)
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$D/tls-pins"
	refused 3 "TLS pin cache $D/tls-pins is owned by nobody, not by root" "tls-pins of another user"
	like "$err" "chown root $D/tls-pins" "tls-pins of another user: says chown"
	chown root "$D/tls-pins"
	chown nobody "$T/secret"
	export PX_CONFIG="$T/sf.conf"
	refused 3 "secret file $T/secret is owned by nobody" "a secret file of another user"
	export PX_CONFIG="$T/a.conf"
	chown root "$T/secret"
	chown nobody "$D"
	refused 3 "data directory $D is owned by nobody" "a data dir of another user"
	chown root "$D"
	run px api /version
	is "$rc" 0 "owned by root again, all is well"
else
	ok 0 "# SKIP files of another user: not root"
fi

done_testing
