#!/bin/sh
# HTTP, TLS trust and error mapping against a real pxsim over TLS.
. "$(dirname "$0")/lib.sh"
sim_start

conf=$(cat "$PX_CONFIG")
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
secret=$(sed -n 's/^token_secret = //p' "$PX_CONFIG")

run px api /version
is "$rc" 0 "px api /version against pxsim"
like "$out" '"version"' "returns the version object"
run px doctor
is "$rc" 0 "px doctor passes against pxsim"
like "$out" 'tls +PASS +fingerprint' "doctor: TLS trust by fingerprint"
like "$out" 'authentication +PASS' "doctor: authenticated"
unlike "$out$err" "$secret" "doctor never prints the secret"
run px api -v /nodes
unlike "$err" "$secret" "-v never prints the secret"
like "$err" 'GET https://127.0.0.1:[0-9]+/api2/json/nodes: 200' "-v logs the request"

# --- fingerprint mismatch: refused before any credential leaves
bad=$(echo "$fp" | sed 's/^../00/')
[ "$bad" = "$fp" ] && bad=$(echo "$fp" | sed 's/^../11/')
sed "s/^fingerprint = .*/fingerprint = $bad/" "$PX_CONFIG" >"$T/bad.conf"
chmod 600 "$T/bad.conf"
rm -rf "$XDG_DATA_HOME"
simctl DELETE log >/dev/null
PX_CONFIG="$T/bad.conf" run px api /version
is "$rc" 10 "a fingerprint mismatch exits 10"
like "$err" "expected fingerprint $bad" "shows the expected fingerprint"
like "$err" "presented $fp" "and the one the server presented"
is "$(sim_log | grep -c .)" 0 "pxsim saw no request at all"
PX_CONFIG="$T/bad.conf" run px doctor
is "$rc" 10 "doctor reports the mismatch with exit 10"

# a pin cache line px did not write is not trusted: probed again
mkdir -p "$XDG_DATA_HOME/px"; chmod 700 "$XDG_DATA_HOME/px"
echo "$fp sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" >"$XDG_DATA_HOME/px/tls-pins"
run px api /version
is "$rc" 0 "an edited pin line is ignored: the certificate is checked again"
unlike "$(cat "$XDG_DATA_HOME/px/tls-pins")" "AAAAAAAA" "and the line is rewritten"
rm -f "$XDG_DATA_HOME/px/tls-pins"

# --- trust on first use
sed '/^fingerprint = /d' "$PX_CONFIG" >"$T/tofu.conf"; echo "tofu = yes" >>"$T/tofu.conf"
chmod 600 "$T/tofu.conf"
PX_CONFIG="$T/tofu.conf" run px api /version
is "$rc" 0 "tofu: first contact works"
like "$err" "trusting 127.0.0.1:[0-9]+ on first use: certificate fingerprint $fp" "and says what it trusts"
like "$(cat "$XDG_DATA_HOME/px/tofu")" "$fp" "the fingerprint is recorded"
is "$(stat -c %a "$XDG_DATA_HOME/px/tofu")" 600 "the record is 0600"
PX_CONFIG="$T/tofu.conf" run px api /version
is "$rc" 0 "tofu: second contact works"
is "$err" "" "silently"
like "$(cat "$XDG_DATA_HOME/px/tofu")" "^127.0.0.1:[0-9]+ $fp [0-9a-f]{64}\$" "the record carries its MAC"
sed -i "s/ $fp/ $bad/" "$XDG_DATA_HOME/px/tofu"
rm -f "$XDG_DATA_HOME/px/tls-pins"
simctl DELETE log >/dev/null
PX_CONFIG="$T/tofu.conf" run px api /version
is "$rc" 10 "tofu: a record edited to another fingerprint exits 10"
like "$err" "TOFU record of 127.0.0.1:[0-9]+ in .*/tofu was not written by px" "and says it was not written by px"
is "$(sim_log | grep -c .)" 0 "no request was made"

# --- no trust configured: the system CAs do not know pxsim
sed '/^fingerprint = /d' "$PX_CONFIG" >"$T/sys.conf"; chmod 600 "$T/sys.conf"
simctl DELETE log >/dev/null
PX_CONFIG="$T/sys.conf" run px api /version
is "$rc" 10 "an unknown certificate exits 10"
like "$err" "not trusted" "says it is not trusted"
like "$err" "set fingerprint = $fp" "and offers the fingerprint to check"
is "$(sim_log | grep -c .)" 0 "no request was made"

# --- insecure: allowed, with a warning on every run
sed 's/^fingerprint = .*/insecure = yes/' "$PX_CONFIG" >"$T/ins.conf"; chmod 600 "$T/ins.conf"
PX_CONFIG="$T/ins.conf" run px api /version
is "$rc" 0 "insecure = yes connects"
like "$err" "warning: TLS verification is off" "with a warning"
PX_CONFIG="$T/ins.conf" run px api /version
like "$err" "warning: TLS verification is off" "on every run"

# --- authentication
sed "s/^token_secret = .*/token_secret = 00000000-0000-0000-0000-000000000000/" "$PX_CONFIG" >"$T/401.conf"
chmod 600 "$T/401.conf"
PX_CONFIG="$T/401.conf" run px api /nodes
is "$rc" 4 "a wrong token secret exits 4"
like "$err" "401" "the 401 is named"
unlike "$err" "00000000-0000" "the secret is not echoed"
pxsim -d "$SIM_DIR" --print-config --as operator >"$T/op.conf" 2>/dev/null
chmod 600 "$T/op.conf"
PX_CONFIG="$T/op.conf" run px api /nodes/pve1/status
is "$rc" 4 "a permission the token lacks exits 4 (403)"
like "$err" "Permission check failed" "with PVE's message"

# --- not found
run px api /nodes/pve1/qemu/99999/status/current
is "$rc" 5 "an unknown VMID exits 5"
like "$err" "99999" "names it"
run px api /nodes/nosuchnode/status
is "$rc" 5 "an unknown node exits 5"

# --- "." and ".." path segments: refused, nothing sent (curl or the
# server would collapse them and the request would go elsewhere)
simctl DELETE log >/dev/null
run px api '/nodes/pve1/x/../../status'
is "$rc" 2 "a '..' segment is refused with exit 2"
like "$err" 'segment is "\." or "\.\."; refusing it, nothing was sent' "and says why"
run px api '/../../x'
is "$rc" 2 "px api /../../x does not leave /api2/json (exit 2)"
run px api '/nodes/pve1/./status'
is "$rc" 2 "a '.' segment is refused"
run px task status 'UPID:..:00000001:00000001:00000001:qmstart:100:root@pam:'
is "$rc" 2 "a UPID whose node is '..' is refused (exit 2)"
is "$(sim_log | grep -c .)" 0 "none of them sent a request"
run px api '/nodes/pve1/..status'
unlike "$err" 'refusing it' "a segment that only contains dots is not refused"

# --- retries and faults
simctl DELETE log >/dev/null
simctl POST fault 'rate=1&mode=503&prefix=/version&count=1' >/dev/null
run px api /version
is "$rc" 0 "one 503, then success: retried"
is "$(sim_log | grep -c 'GET /api2/json/version')" 2 "two requests reached pxsim"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=503&prefix=/version' >/dev/null
simctl DELETE log >/dev/null
run px api /version
is "$rc" 7 "503 forever exits 7"
like "$err" "after 4 attempts" "after the retries"
is "$(sim_log | grep -c 'GET /api2/json/version')" 4 "one try and three retries"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=429&prefix=/version' >/dev/null
run px api /version
is "$rc" 7 "429 forever exits 7"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=500&prefix=/version' >/dev/null
simctl DELETE log >/dev/null
run px api /version
is "$rc" 1 "a 500 exits 1"
is "$(sim_log | grep -c 'GET /api2/json/version')" 1 "a 500 is not retried"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=malformed&prefix=/version' >/dev/null
run px api /version
is "$rc" 1 "a malformed body exits 1"
like "$err" "parse|JSON|malformed|invalid" "with a clear parse error"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=truncated&prefix=/version' >/dev/null
simctl DELETE log >/dev/null
run px api /version
is "$rc" 7 "a truncated GET answer after its retries exits 7 (px(1))"
like "$err" "after 4 attempts: GET /version: the answer was truncated" "says it was truncated, after the retries"
is "$(sim_log | grep -c 'GET /api2/json/version')" 4 "and it was retried"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=drop&prefix=/version' >/dev/null
run px api /version
is "$rc" 7 "a dropped GET answer after its retries exits 7"
like "$err" "after 4 attempts" "after the retries"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=drop&prefix=/nodes/pve1/qemu/100/pending' >/dev/null
run px api /nodes/pve1/qemu/100/pending
is "$rc" 7 "a connection dropped before the header ends exits 7"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=hang&prefix=/version' >/dev/null
sed 's/^url = .*/&\ntimeout = 2/' "$PX_CONFIG" >"$T/to.conf"; chmod 600 "$T/to.conf"
PX_CONFIG="$T/to.conf" run px api /version
is "$rc" 7 "a server that never answers: exit 7 after the timeout"
like "$err" "timed out" "says it timed out"
simctl DELETE fault >/dev/null

# --- bodies over the cap, and a proxy's HTML, from a scripted server
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/k.pem" -out "$T/c.pem" -days 1 -subj /CN=fake >/dev/null 2>&1
ffp=$(openssl x509 -in "$T/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
# fake MODE: start fakeapi.py in MODE, with $T/f.conf a profile for it
fake() {
	rm -f "$T/port" "$T/port.log"
	/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port" "$1" &
	fpid=$!
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
	printf '[profile f]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = %s\n' \
		"$(cat "$T/port")" "$ffp" "${2-0}" >"$T/f.conf"
	chmod 600 "$T/f.conf"
}
fake_stop() { kill $fpid 2>/dev/null; wait $fpid 2>/dev/null; }
for mode in oversize oversize-cl html502; do
	fake $mode
	PX_CONFIG="$T/f.conf" run px api /version
	case $mode in
	oversize*)
		is "$rc" 1 "$mode: a body over 32 MiB exits 1"
		like "$err" "larger than 32 MiB" "$mode: says so";;
	html502)
		is "$rc" 7 "a proxy's 502 page exits 7"
		like "$err" "502" "and names the status"
		unlike "$err" "<html>" "not the HTML page";;
	esac
	fake_stop
done

# --- a 1 MB header, and a connection closed among the header lines
fake bighdr
PX_CONFIG="$T/f.conf" run px api /version
is "$rc" 1 "a 1 MB response header exits 1"
like "$err" "header is larger than 64 KiB; refusing it" "says the header is too large"
unlike "$err" "[Oo]ut of memory" "not 'out of memory'"
fake_stop
fake midhdr 2
PX_CONFIG="$T/f.conf" run px api /version
is "$rc" 7 "a connection closed among the header lines exits 7"
like "$err" "after 3 attempts: .*closed the connection in the middle of the answer's header" \
	"says so, after the retries"
unlike "$err" "JSON" "not a JSON error"
is "$(grep -c . "$T/port.log")" 3 "a GET is retried"
fake_stop

# --- the body's message when the reason phrase is only the standard one
fake conflict
PX_CONFIG="$T/f.conf" run px api /nodes/pve1/qemu/100/status/current
is "$rc" 1 "a 409 exits 1"
like "$err" "409 cannot start VM while it is running" "the JSON body's message, not 'Conflict'"
unlike "$err" "Conflict" "the standard reason phrase is not shown instead"
fake_stop

done_testing
