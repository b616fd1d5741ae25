#!/bin/sh
# px node's system verbs against pxsim: dns, hosts, time, subscription,
# cert, journal, syslog, report, wol, apt, services -- each read in its
# output formats, each change through the gate (-n sends nothing,
# read-only and freeze refuse everything and change nothing), a stale
# hosts digest refused, the certificate fields, a severe service stop
# refused without --allow-risk, hostile strings from the server sanitized
# and hostile arguments refused; and pxsim's answers against PVE's
# schema.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
formats() {	# formats NAME ARGS...: every format prints, JSON parses
	name=$1; shift
	run px "$@"
	is "$rc" 0 "$name: exit 0"
	ok $([ -n "$out" ] && echo 0 || echo 1) "$name: prints"
	run px "$@" -j
	ok $(json_ok "$out" && echo 0 || echo 1) "$name -j is valid JSON"
	run px "$@" -f jsonl
	ok $(jsonl_ok "$out" && echo 0 || echo 1) "$name -f jsonl: JSON lines"
	run px "$@" -f tsv
	ok $([ "$rc" -eq 0 ] && [ -n "$out" ] && echo 0 || echo 1) "$name -f tsv prints rows"
}
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]] if isinstance(d, dict) else d[int(sys.argv[2])][sys.argv[1]])' "$@"; }

# --- reads, every format
formats "dns" node dns pve1
formats "time" node time pve1
formats "hosts" node hosts pve1
formats "subscription" node subscription pve1
formats "cert info" node cert info pve1
formats "report" node report pve1
formats "services" node services pve1
formats "journal" node journal pve1 --lines 5
formats "syslog" node syslog pve1 --lines 5
formats "apt upgradable" node apt upgradable pve2
formats "apt repos" node apt repos pve1
formats "apt changelog" node apt changelog pve1 pve-manager

run px node dns pve1 -j
like "$out" '"search":"pxsim.lan","dns1":"10.0.0.1"' "dns: search and servers by PVE's names"
run px node time pve1 -j
like "$out" '"timezone":"[^"]+","time":[0-9]+,"localtime":"[0-9-]+ [0-9:]+","offset":-?[0-9]+' "time: zone, epoch, the node's wall clock, offset"
run px node hosts pve1
like "$out" '^127\.0\.0\.1 localhost' "hosts: the file as text"
like "$out" 'pve1\.pxsim\.lan pve1' "hosts: the node's own line"
run px node hosts pve1 -j
like "$out" '"digest":"[0-9a-f]{40}","data":"127' "hosts -j: digest and data"
run px node hosts pve1 -j
like "$out" 'localhost\\n10\.0\.0\.11 pve1' "hosts -j: the file's newlines kept, JSON-escaped"
is "$(printf '%s' "$out" | jget data | grep -c .)" "$(px node hosts pve1 | grep -c .)" "hosts -j: as many lines as the file"
run px node services pve1 -j
like "$out" '"name":"pveproxy","service":"pveproxy","state":"running","active_state":"active","unit_state":"enabled"' "services: the JSON keys"
run px node apt upgradable pve2 -f tsv -H -c package,old,new
like "$out" 'pve-manager	9\.1\.1	9\.1\.2' "apt upgradable: old and new version"
run px node apt repos pve1 -f tsv -H -c path,index,enabled,handle
like "$out" '/etc/apt/sources.list.d/pve-enterprise.sources	0	0	enterprise' "apt repos: the enterprise repository, disabled, by its handle"
like "$out" 'proxmox.sources	0	1	no-subscription' "apt repos: no-subscription enabled"
run px node apt changelog pve1 pve-manager
like "$out" 'pve-manager \(9\.1\.2\)' "apt changelog: the new version's entry"
run px node apt changelog pve1 'pve;manager'
is "$rc" 2 "apt changelog: a malformed package name is refused"
run px node apt changelog pve1 no-such-package
is "$rc" 1 "apt changelog: an unknown package: PVE's error"
run px node report pve1
like "$out" '==== general system info ====' "report: pvereport's text"
run px node dns nosuchnode
is "$rc" 5 "an unknown node: exit 5"

# --- certificates: PVE's and a custom one, with its fields
run px node cert pve1 -j
like "$out" '"filename":"pve-ssl.pem","fingerprint":"([0-9A-F]{2}:){31}[0-9A-F]{2}"' "cert info: the node's certificate with its SHA-256 fingerprint"
like "$out" '"notafter":[0-9]+,"days":[0-9]+' "cert info: notafter and days to expiry"
fp_sim=$(px ls nodes -j 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print([n for n in json.load(sys.stdin) if n.get("node", n.get("name")) == "pve1"][0].get("ssl_fingerprint", ""))' 2>/dev/null)
[ -n "$fp_sim" ] && like "$out" "\"fingerprint\":\"$fp_sim\"" "cert info: pve-ssl.pem is the certificate the node presents"
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/k.pem" -out "$T/c.pem" -days 20 \
	    -subj "/CN=pve1.example.com/O=Example Org" \
	    -addext "subjectAltName=DNS:pve1.example.com,DNS:pve1,IP:10.0.0.11" >/dev/null 2>&1
	chmod 600 "$T/k.pem"
	fp=$(openssl x509 -in "$T/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
	simctl DELETE log >/dev/null
	run px node cert upload pve1 "$T/c.pem" "$T/k.pem" -n
	is "$rc" 0 "cert upload -n: exit 0"
	like "$out" 'would send: POST /nodes/pve1/certificates/custom certificates=REDACTED&key=REDACTED' "cert upload -n: the key is not shown"
	is "$(writes)" 0 "cert upload -n: nothing sent"
	chmod 644 "$T/k.pem"
	run px node cert upload pve1 "$T/c.pem" "$T/k.pem"
	is "$rc" 3 "cert upload: a key readable by others is refused"
	chmod 600 "$T/k.pem"
	run px node cert upload pve1 "$T/c.pem" "$T/k.pem" --restart
	is "$rc" 0 "cert upload: exit 0"
	like "$err" 'ProxyRestart' "cert upload --restart: pveproxy restarts (Notice)"
	run px node cert pve1 -j -c filename,fingerprint,subject,issuer,notbefore,notafter,days,san,keytype,keybits
	like "$out" "\"filename\":\"pveproxy-ssl.pem\",\"fingerprint\":\"$fp\"" "cert info: the uploaded certificate, its fingerprint as openssl's"
	like "$out" '"subject":"/CN=pve1.example.com/O=Example Org","issuer":"/CN=pve1.example.com/O=Example Org"' "cert info: subject and issuer"
	like "$out" '"days":(19|20),"san":"pve1.example.com,pve1,10.0.0.11","keytype":"rsaEncryption","keybits":2048' "cert info: days, SANs, key"
	run px node journal pve1 --lines 20
	like "$out" 'pveproxy\[[0-9]+\]: restarting server' "the journal shows pveproxy's restart"
	run px node cert upload pve1 "$T/c.pem" "$T/k.pem"
	is "$rc" 1 "cert upload over a custom one without --force: PVE refuses"
	like "$err" 'Custom certificate file exists but force flag is not set' "with PVE's message"
	run px node cert upload pve1 "$T/c.pem" "$T/k.pem" --force -y
	is "$rc" 0 "cert upload --force replaces it"
	like "$err" 'Warning +ReplacesCertificate' "with a warning naming the one replaced"
	run px audit log -j
	unlike "$out" 'PRIVATE KEY' "the audit log holds no key"
	printf 'not a certificate\n' >"$T/bad.pem"
	run px node cert upload pve1 "$T/bad.pem" "$T/k.pem"
	is "$rc" 2 "cert upload of a file that is no PEM certificate: refused"
	run px node cert delete pve1 </dev/null
	is "$rc" 2 "cert delete needs -y without a terminal"
	run px node cert delete pve1 -y
	is "$rc" 0 "cert delete: exit 0"
	like "$err" 'Warning +CertificateRemoved' "cert delete: the clients that trusted it are warned of"
	run px node cert pve1 -f tsv -H -c filename
	unlike "$out" 'pveproxy-ssl' "cert delete: the custom certificate is gone"
fi
# ACME: order and renew are tasks; the node needs its domains
run px node cert acme order pve2
is "$rc" 1 "acme order without domains: PVE refuses"
like "$err" 'ACME domain list in node configuration is missing' "with PVE's message"
sim_api PUT nodes/pve2/config 'acmedomain0=pve2.example.com' >/dev/null
run px node cert acme order pve2 -j
is "$rc" 0 "acme order: the task ends OK"
like "$out" '"action":"cert-acme-order","result":"ok","upid":"UPID:pve2:[^"]*:acmenewcert:' "acme order: its acmenewcert task"
run px node cert pve2 -f tsv -H -c filename,issuer,days,san
like "$out" "pveproxy-ssl.pem	/C=US/O=Let's Encrypt/CN=R11	(89|90)	pve2.example.com" "acme order: the new certificate"
run px node cert acme renew pve2
is "$rc" 1 "acme renew of a fresh certificate: PVE refuses"
like "$err" "does not expire within the next 30 days" "with PVE's message"
run px node cert acme renew pve2 --force -y
is "$rc" 0 "acme renew --force"
run px node cert acme order pve2
is "$rc" 1 "acme order over an ACME certificate without --force: PVE refuses"
like "$err" "Custom certificate exists but 'force' is not set" "with PVE's parameter error"
run px node cert acme renew pve3
is "$rc" 1 "acme renew without a certificate: PVE refuses"
like "$err" 'No current \(custom\) certificate found, please order a new certificate!' "with PVE's message"
# pxsim's texts for bad uploads, as pve-manager and pve-common say them
b=$(sim_api POST nodes/pve3/certificates/custom 'certificates=junk')
like "$b" '"certificates":"invalid format - not a valid PEM-formatted string\.\\n"' "upload of no PEM: PVE's format error"
b=$(sim_api POST nodes/pve3/certificates/custom 'certificates=-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----%0A')
like "$b" '"key":"Attempted to upload custom certificate without \(existing\) key\."' "upload without a key where none is: PVE's parameter error on key"
b=$(sim_api PUT nodes/pve3/time 'timezone=Mars/Olympus_Mons')
like "$b" '"errors":\{"timezone":"No such timezone"\}' "time zone PVE does not know: its parameter error"

# --- dns and time
simctl DELETE log >/dev/null
run px node dns set pve1 --dns3 9.9.9.9 -n
like "$out" 'would send: PUT /nodes/pve1/dns search=pxsim.lan&dns1=10.0.0.1&dns2=1.1.1.1&dns3=9.9.9.9' "dns set -n: the whole setting, the rest as it is"
is "$(writes)" 0 "dns set -n: nothing sent"
run px node dns set pve1 --dns3 9.9.9.9 --search example.org
is "$rc" 0 "dns set: exit 0"
run px node dns pve1 -f tsv -H
is "$out" "example.org	10.0.0.1	1.1.1.1	9.9.9.9" "dns set: changed"
run px node dns set pve1 --dns1 '1.2.3.4;reboot'
is "$rc" 2 "dns set: an address with metacharacters is refused"
run px node dns set pve1
is "$rc" 2 "dns set without a change: usage error"
run px node time set pve1 --timezone Asia/Tokyo
is "$rc" 0 "time set: exit 0"
run px node time pve1 -f tsv -H -c timezone
is "$out" "Asia/Tokyo" "time set: changed"
simctl DELETE log >/dev/null
for tz in 'Europe/Berlin;rm -rf /' '../../etc/passwd' 'Europe/$(id)' 'Asia/Tokyo%2F..' ''; do
	run px node time set pve1 --timezone "$tz"
	is "$rc" 2 "time set: zone '$tz' refused"
done
is "$(writes)" 0 "hostile zones: nothing sent"
run px node time set pve1 --timezone Mars/Olympus_Mons
is "$rc" 1 "time set: a zone the node does not know: PVE refuses"
like "$err" 'No such timezone' "with PVE's message (a parameter error)"

# --- hosts: digest, stale digest refused, the node's own line
d=$(px node hosts pve1 -f tsv -H -c digest)
px node hosts pve1 >"$T/hosts"
printf '10.0.0.99 backup.lan backup\n' >>"$T/hosts"
simctl DELETE log >/dev/null
run px node hosts set pve1 "$T/hosts" --digest "$d" -n
like "$out" "would send: POST /nodes/pve1/hosts data=REDACTED&digest=$d" "hosts set -n: the digest, the content redacted"
is "$(writes)" 0 "hosts set -n: nothing sent"
run px node hosts set pve1 "$T/hosts" --digest "$d" -y
is "$rc" 0 "hosts set with the digest: exit 0"
run px node hosts pve1
like "$out" 'backup.lan' "hosts set: the new line is there"
printf '10.0.0.98 other.lan other\n' >>"$T/hosts"
run px node hosts set pve1 "$T/hosts" --digest "$d" -y
is "$rc" 1 "hosts set with a stale digest: refused"
like "$err" 'detected modified configuration' "with PVE's message"
run px node hosts pve1
unlike "$out" 'other.lan' "and nothing changed"
grep -v pve1 "$T/hosts" >"$T/hosts2"
run px node hosts set pve1 "$T/hosts2" -y
is "$rc" 6 "hosts without the node's own name: severe, refused"
like "$err" 'Severe +HostsDropsNode' "HostsDropsNode"
printf 'a\000b\n' >"$T/nul"
run px node hosts set pve1 "$T/nul" -y
is "$rc" 2 "hosts set: a file with a NUL byte is refused"
# hostile content from the server: shown sanitized
sim_api POST nodes/pve2/hosts "data=$(printf '10.0.0.12 pve2\n\033]0;owned\007\033[2J')" >/dev/null
run px node hosts pve2
unlike "$(printf '%s' "$out" | od -c)" '033' "hosts: escape sequences from the server are not passed on"
like "$out" '\?\]0;owned\?' "hosts: shown as '?'"

# --- subscription
simctl DELETE log >/dev/null
run px node subscription set pve1 pve2c-0123456789 -n
like "$out" 'would send: PUT /nodes/pve1/subscription key=REDACTED' "subscription set -n: the key redacted"
is "$(writes)" 0 "subscription set -n: nothing sent"
printf 'pve2c-0123456789\n' >"$T/key"
run px node subscription set pve1 "$T/key"
is "$rc" 0 "subscription set from a file"
run px node subscription pve1 -j
like "$out" '"status":"active","level":"c","productname":"Proxmox VE Community Subscription 2 CPUs/year","key":"pve2c-0123456789"' "subscription: active, with level and product"
run px audit log -j
unlike "$out" 'pve2c-0123456789' "the audit log does not hold the key"
run px node subscription set pve1 'pve2c-01234$(id)'
is "$rc" 2 "subscription set: a malformed key is refused"
run px node subscription check pve1
is "$rc" 0 "subscription check"
run px node subscription delete pve1 -y
is "$rc" 0 "subscription delete"
like "$err" 'Warning +SubscriptionRemoved' "subscription delete warns of the enterprise repositories"
run px node subscription pve1 -f tsv -H -c status
is "$out" "notfound" "subscription delete: gone"

# --- wake-on-LAN
run px node wol pve3
is "$rc" 1 "wol without a MAC address: PVE refuses"
sim_api PUT nodes/pve3/config 'wakeonlan=aa:bb:cc:dd:ee:03' >/dev/null
simctl POST offline 'node=pve3&offline=1' >/dev/null
run px node wol pve3 -j
is "$rc" 0 "wol of an offline node: exit 0"
like "$out" '"node":"pve3","action":"wol","result":"ok","mac":"aa:bb:cc:dd:ee:03"' "wol: the MAC address PVE used"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# --- apt
run px node apt update pve1
is "$rc" 0 "apt update: the task ends OK"
like "$err" 'Reading package lists' "apt update: the task's log on stderr"
simctl DELETE log >/dev/null
run px node apt repos enable pve1 enterprise -n
like "$out" 'would send: POST /nodes/pve1/apt/repositories path=%2Fetc%2Fapt%2Fsources.list.d%2Fpve-enterprise.sources&index=0&enabled=1&digest=[0-9a-f]+' "apt repos enable -n: path, index, the digest"
like "$err" 'Warning +NoSubscription' "enterprise without a subscription: a warning"
is "$(writes)" 0 "apt repos enable -n: nothing sent"
run px node apt repos enable pve1 enterprise
is "$rc" 0 "apt repos enable by handle"
run px node apt repos disable pve1 /etc/apt/sources.list.d/pve-enterprise.sources 0
is "$rc" 0 "apt repos disable by path and index"
run px node apt repos pve1 -f tsv -H -c handle,enabled
like "$out" 'enterprise	0' "apt repos: disabled again"
run px node apt repos enable pve1 test
is "$rc" 0 "apt repos enable of a repository the node lacks: PVE adds it"
like "$err" 'Warning +TestRepository' "the test repository: a warning"
run px node apt repos pve1 -f tsv -H -c handle,enabled
like "$out" 'test	1' "apt repos: test added and enabled"
run px node apt repos enable pve1 'bogus;x'
is "$rc" 2 "apt repos: an unknown handle is refused"
run px node apt repos disable pve1 /etc/apt/sources.list.d/nothing.sources 0
is "$rc" 5 "apt repos: an unknown file: exit 5"

# --- services
simctl DELETE log >/dev/null
run px node services stop pve1 pveproxy -y
is "$rc" 6 "stopping pveproxy: severe, refused"
like "$err" 'Severe +ServiceCutsManagement' "ServiceCutsManagement"
is "$(writes)" 0 "and nothing sent"
for s in pvedaemon sshd corosync pve-cluster; do
	run px node services stop pve1 $s -y
	is "$rc" 6 "stopping $s: refused without --allow-risk"
done
run px node services stop pve1 sshd -y --allow-risk -j
is "$rc" 0 "stopping sshd with --allow-risk"
like "$out" '"name":"sshd","node":"pve1","action":"service-stop","result":"ok"' "the row"
run px node services pve1 -f tsv -H -c name,state
like "$out" 'sshd	dead' "sshd is stopped"
run px node services start pve1 sshd
is "$rc" 0 "start sshd"
run px node services restart pve1 pveproxy
is "$rc" 0 "restart pveproxy: allowed"
like "$err" 'Warning +ServiceRestart' "with a warning"
run px node services reload pve1 chrony
is "$rc" 0 "reload chrony"
run px node services stop pve1 chrony </dev/null
is "$rc" 2 "stop needs -y without a terminal"
simctl DELETE log >/dev/null
for s in 'pveproxy;reboot' '../../access/ticket' 'pve proxy' 'pveproxy%2F..' 'PVEPROXY'; do
	run px node services restart pve1 "$s"
	is "$rc" 2 "services: '$s' refused"
done
run px node services restart pve1 no-such-service
is "$rc" 5 "services: an unknown service: exit 5"
is "$(writes)" 0 "bad service names: nothing sent"

# --- journal and syslog: filters, follow, hostile lines
run px node journal pve1 --lines 3
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3 "journal --lines 3: three lines"
run px node journal pve1 --service pvedaemon --lines 3
is "$(printf '%s\n' "$out" | grep -c ' pvedaemon\[')" 3 "journal --service: its last 3 lines"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3 "journal --service: only its lines"
run px node syslog pve1 --service pvedaemon --lines 4 -f tsv
ok $(printf '%s\n' "$out" | awk -F'\t' '$2 !~ /pvedaemon/ { bad = 1 } END { exit bad }' && echo 0 || echo 1) "syslog --service: only its lines"
run px node syslog pve1 --since '2001-02-30x'
is "$rc" 2 "syslog --since: a malformed time is refused"
run px node journal pve1 -F --until 2030-01-01
is "$rc" 2 "-F and --until: usage error"
# a failed login with an escape sequence in the user name reaches the
# journal, as on PVE
evil=$(printf 'evil\033]0;pwned\007\033[31m')
curl -sk -o /dev/null --data-urlencode "username=$evil@pam" --data 'password=x' "$SIM_URL/api2/json/access/ticket"
run px node journal pve1 --lines 5
like "$out" 'authentication failure; rhost=.* user=evil\?\]0;pwned\?\?\[31m@pam' "journal: the hostile name, sanitized"
unlike "$(printf '%s' "$out" | od -c)" '033' "journal: no escape byte passes"
run px node syslog pve1 --lines 5 -j
ok $(json_ok "$out" && echo 0 || echo 1) "syslog -j with the hostile line: valid JSON"
unlike "$out" '\\u001b' "syslog -j: sanitized too"
# -F: new lines arrive
px node journal pve1 -F --lines 1 -f jsonl >"$T/follow" 2>"$T/follow.err" &
fpid=$!
px node syslog pve1 -F --lines 1 >"$T/sfollow" 2>&1 &
spid=$!
sleep 1.5
px node services restart pve1 cron >/dev/null 2>&1
i=0
while ! grep -q 'Started cron.service' "$T/follow" "$T/sfollow" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2.5
kill $fpid $spid 2>/dev/null
wait $fpid 2>/dev/null
wait $spid 2>/dev/null
like "$(cat "$T/follow")" '"line":".*Started cron.service' "journal -F: a line written later arrives"
ok $(jsonl_ok "$(cat "$T/follow")" && echo 0 || echo 1) "journal -F -f jsonl: JSON lines"
like "$(cat "$T/sfollow")" 'Started cron.service' "syslog -F: a line written later arrives"
is "$(grep -c 'Started cron.service' "$T/follow")" 1 "journal -F: the line once"
# -F rides out a server that does not answer for a while
px node journal pve1 -F --lines 1 >"$T/follow2" 2>"$T/follow2.err" &
fpid=$!
sleep 1.5
simctl POST fault 'rate=1&mode=503&prefix=/nodes/pve1/journal' >/dev/null
sleep 4
simctl DELETE fault >/dev/null
px node services restart pve1 postfix >/dev/null 2>&1
i=0
while ! grep -q 'Started postfix.service' "$T/follow2" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
kill $fpid 2>/dev/null
wait $fpid 2>/dev/null
like "$(cat "$T/follow2.err")" 'trying again' "journal -F: a 503 is warned of, not fatal"
like "$(cat "$T/follow2")" 'Started postfix.service' "journal -F: lines arrive after the server is back"

# --- read-only profile and freeze: every change refused, nothing changed
before_dns=$(px node dns pve1 -f tsv -H)
before_hosts=$(px node hosts pve1 -f tsv -H -c digest)
base=$(cat "$PX_CONFIG")
verbs="dns set pve1 --dns1 8.8.8.8|time set pve1 --timezone UTC|hosts set pve1 $T/hosts|subscription set pve1 pve2c-0123456789|subscription check pve1|subscription delete pve1|cert delete pve1|cert acme order pve2|cert acme renew pve2 --force|wol pve3|apt update pve1|apt repos disable pve1 no-subscription|services stop pve1 chrony|services restart pve1 cron"
command -v openssl >/dev/null && verbs="$verbs|cert upload pve1 $T/c.pem $T/k.pem --force"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
IFS='|'; set -- $verbs; unset IFS
for v in "$@"; do
	simctl DELETE log >/dev/null
	run sh -c "px node $v -y --allow-risk"
	is "$rc" 8 "read-only: node $v: exit 8"
	is "$(writes)" 0 "read-only: node $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "node maintenance freeze" --ttl 1h >/dev/null 2>&1
for v in "$@"; do
	simctl DELETE log >/dev/null
	run sh -c "px node $v -y --allow-risk"
	is "$rc" 8 "frozen: node $v: exit 8"
	is "$(writes)" 0 "frozen: node $v: nothing sent"
done
like "$err" "node maintenance freeze" "frozen: the reason"
px incident thaw --reason done >/dev/null 2>&1
is "$(px node dns pve1 -f tsv -H)" "$before_dns" "nothing changed: dns"
is "$(px node hosts pve1 -f tsv -H -c digest)" "$before_hosts" "nothing changed: hosts"

# --- -n sends nothing, for every change
for v in "$@"; do
	simctl DELETE log >/dev/null
	run sh -c "px node $v -n --allow-risk"
	is "$(writes)" 0 "-n: node $v: nothing sent"
done

# --- pxsim's answers against PVE's schema, and its 400s
if [ -f "$REF/apidoc.js" ]; then
	SEC=$(awk -F' = ' '$1 == "token_secret" { print $2; exit }' "$PX_CONFIG")
	PX_REFERENCE="$REF" /usr/bin/python3 "$top/tests/tools/schemacheck.py" \
	    --only '/nodes/\{node\}/(hosts|subscription|certificates|report|services|apt|journal|syslog)' \
	    "$SIM_URL" "PVEAPIToken=root@pam!px=$SEC" >"$T/schema" 2>&1
	ok $(grep -q '^not ok' "$T/schema" && echo 1 || echo 0) "pxsim's node system answers match PVE's schema"
	grep '^not ok' "$T/schema" | head -5 | sed 's/^/# /'
fi
is "$(sim_api_status PUT nodes/pve1/subscription 'key=pve3c-0123456789')" 400 "pxsim: a key outside PVE's pattern: 400"
is "$(sim_api_status POST nodes/pve1/services/nosuch/stop)" 400 "pxsim: a service outside PVE's enumeration: 400"
is "$(sim_api_status GET 'nodes/pve1/syslog?since=yesterday')" 400 "pxsim: syslog since outside PVE's pattern: 400"
is "$(sim_api_status GET 'nodes/pve1/journal?since=1&startcursor=x')" 400 "pxsim: journal since with startcursor: 400"
is "$(sim_api_status POST nodes/pve1/hosts 'digest=0000')" 400 "pxsim: hosts without data: 400"

# --- a hostile /etc/hosts: controls sanitized, lines kept in JSON only
d=$(px node hosts pve3 -f tsv -H -c digest)
curl -sk -o /dev/null -X POST -H "Authorization: $SIM_AUTH" \
	--data-urlencode "data=$(printf '127.0.0.1\tlocalhost\n10.0.0.5 evil\033]0;x\007 host\r\n# end')" \
	--data-urlencode "digest=$d" "$SIM_URL/api2/json/nodes/pve3/hosts"
run px node hosts pve3 -j
like "$out" '"data":"127\.0\.0\.1\\tlocalhost\\n10\.0\.0\.5 evil\?\]0;x\? host\?\\n# end"' "hosts -j: tab and newlines escaped, ESC BEL CR as '?'"
run px node hosts pve3
is "$(printf '%s' "$out" | tr -d '\n' | tr -d '[:print:]' | wc -c)" 0 "hosts: the table holds no control character"
like "$out" 'evil\?\]0;x\? host' "hosts: the escape shown as '?'"
run px node hosts pve3 -f tsv -H
is "$(printf '%s\n' "$out" | grep -c .)" 1 "hosts -f tsv: one row, one line"

done_testing
