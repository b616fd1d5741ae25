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
# the first byte changed: 00, or 11 where the certificate's is 00
case $fp in 00:*) badfp="11:${fp#00:}" ;; *) badfp="00:${fp#??:}" ;; esac
PX_TOKEN_SECRET=$secret run px init -p other --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$badfp"
is "$rc" 10 "a wrong fingerprint: exit 10"
is "$(cat "$PX_CONFIG")" "$before" "and nothing was written"
PX_TOKEN_SECRET=$secret run px init -p lab --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$fp"
is "$rc" 2 "an existing profile is not replaced without -f"
run px init -p third --url "$SIM_URL" --user root@pam --token-id px
is "$rc" 2 "no secret in the environment: exit 2"
like "$err" "PX_TOKEN_SECRET" "says where the secret goes"
run px init -p 'bad/name' --url x --user y --token-id z
is "$rc" 2 "a profile name with / is refused"

# --- profile options without -p or -i (issue 12, item 23): refused
rm -f "$T/nofile.conf"
PX_CONFIG="$T/nofile.conf" PX_TOKEN_SECRET=$secret run px init --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$fp"
is "$rc" 2 "--url/--user/--token-id without -p: exit 2"
like "$err" "name it with -p NAME" "says to add -p NAME"
[ -e "$T/nofile.conf" ]; is "$?" 1 "and writes no file (not the starter either)"
PX_CONFIG="$T/nofile.conf" run px init --tofu
is "$rc" 2 "--tofu alone without -p: exit 2"
before=$(cat "$PX_CONFIG")
run px init --insecure
is "$rc" 2 "with an existing file too: exit 2"
is "$(cat "$PX_CONFIG")" "$before" "and nothing was changed"

# --- --token-id USER@REALM!ID (item 26) and --url checks (item 10)
PX_TOKEN_SECRET=$secret run px init -p gui --url "$SIM_URL" --user root@pam --token-id 'root@pam!px' --fingerprint "$fp"
is "$rc" 0 "--token-id root@pam!px, as the GUI shows it, is taken"
is "$(sed -n '/^\[profile gui\]/,/^$/s/^token_id = //p' "$PX_CONFIG")" px "and written as the id alone"
before=$(cat "$PX_CONFIG")
PX_TOKEN_SECRET=$secret run px init -p gui2 --url "$SIM_URL" --user root@pam --token-id 'admin@pve!px' --fingerprint "$fp"
is "$rc" 2 "--token-id for another user: exit 2"
like "$err" "the user part 'admin@pve' \(before '!'\) is not user = root@pam" "says which part is wrong"
PX_TOKEN_SECRET=$secret run px init -p gui2 --url "https://root:Hunter2@127.0.0.1:9" --user root@pam --token-id px
is "$rc" 2 "--url with user:password@: exit 2"
unlike "$err" "Hunter2" "without echoing the password"
PX_TOKEN_SECRET=$(printf 'a\r\nX-Evil: 1') run px init -p gui2 --url "$SIM_URL" --user root@pam --token-id px --fingerprint "$fp"
is "$rc" 3 "CR LF in the secret: exit 3"
like "$err" "holds a control character" "says so"
is "$(cat "$PX_CONFIG")" "$before" "nothing was written by any of them"

# --- a ticket or CSRF token from the server that would inject headers
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/k.pem" -out "$T/c.pem" -days 1 -subj /CN=fake >/dev/null 2>&1
ffp=$(openssl x509 -in "$T/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
for which in ticket csrf; do
	rm -f "$T/port" "$T/reqs"
	/usr/bin/python3 - "$T/c.pem" "$T/k.pem" "$T/port" "$T/reqs" "$which" <<'EOP' &
import http.server, json, os, ssl, sys
cert, key, portfile, reqlog, which = sys.argv[1:6]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def answer(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        with open(reqlog, "a") as f:
            f.write("POST %s\n" % self.path)
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        t, c = "PVE:root@pam:1::sig", "1:abc"
        if which == "ticket": t += "\r\nX-Evil: 1"
        else: c += "\r\nX-Evil: 1"
        self.answer({"data": {"ticket": t, "CSRFPreventionToken": c,
                              "username": "root@pam"}})
    def do_GET(self):
        with open(reqlog, "a") as f:
            f.write("GET %s %s\n" % (self.path, self.headers.get("Cookie")))
        self.answer({"data": []})
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(portfile + ".tmp", "w").write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
EOP
	hpid=$!
	i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
	printf '[profile h]\nurl = https://127.0.0.1:%s\nuser = root@pam\nauth = password\npassword = pw\nfingerprint = %s\nretries = 0\n' \
		"$(cat "$T/port")" "$ffp" >"$T/h.conf"
	chmod 600 "$T/h.conf"
	PX_CONFIG="$T/h.conf" run px ls nodes
	isnt_zero=$([ "$rc" -ne 0 ] && echo 1 || echo 0)
	is "$isnt_zero" 1 "a $which with CR LF from the server: the login fails (exit $rc)"
	like "$err" "login as root@pam: the server's $(echo $which | sed 's/csrf/CSRF token/') holds control characters" "$which: says so"
	is "$(cat "$T/reqs")" "POST /api2/json/access/ticket" "$which: nothing was sent after the login"
	kill $hpid 2>/dev/null; wait $hpid 2>/dev/null
done

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
