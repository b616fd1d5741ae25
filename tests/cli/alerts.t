#!/bin/sh
# px alerts and the daemon's alerts part: each kind fires after "for",
# is deduplicated, repeats, resolves, and keeps its state across runs
# (each px alerts eval is a new process on the same daemon.db); each
# route delivers to a receiver on loopback.  The clock is PX_TEST_NOW.
. "$(dirname "$0")/lib.sh"
sim_start
base=$(cat "$PX_CONFIG")
t0=$(date +%s)
export PX_TEST_NOW=$t0
RECV=
trap 'if [ -n "$RECV" ]; then kill $RECV 2>/dev/null; fi; if [ -n "${DPID-}" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT

mkdir -p "$T/recv"
/usr/bin/python3 "$top/tests/tools/recv.py" "$T/recv" 2>"$T/recv.log" &
RECV=$!
i=0
while [ ! -s "$T/recv/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$T/recv/port")
hook="http://127.0.0.1:$port"
printf 'tk_secretntfytoken42\n' >"$T/ntfy.token"
chmod 600 "$T/ntfy.token"
cat >"$T/exec.sh" <<EOS
#!/bin/sh
{ echo "argv: \$#"; echo "event=\$PX_ALERT_EVENT name=\$PX_ALERT_NAME key=\$PX_ALERT_KEY"; cat; echo; } >>"$T/exec.out"
EOS
chmod 755 "$T/exec.sh"

# conf ALERT-SECTIONS...: the sim profile, [daemon] and the sections
conf() {
	{
		printf '%s\n\n[daemon]\nntfy_server = %s\nntfy_token_file = %s\n\n' \
		    "$base" "$hook/ntfy" "$T/ntfy.token"
		printf '%s\n' "$@"
	} >"$PX_CONFIG"
	chmod 600 "$PX_CONFIG"
}
reqs() {	# reqs PYEXPR: evaluated over the list of recorded requests r
	/usr/bin/python3 -c "
import json, sys
try:
    r = [json.loads(l) for l in open('$T/recv/requests')]
except FileNotFoundError:
    r = []
print($1)"
}
at() {	# at SECONDS CMD...: run CMD at t0 + SECONDS
	_s=$1; shift
	PX_TEST_NOW=$((t0 + _s)) "$@"
}

conf "[alert off]
when = node_offline
for = 60s
repeat = 1h
severity = critical
route = webhook:$hook/hook, exec:$T/exec.sh, ntfy:ops"

run px alerts eval
is "$rc" 0 "nothing offline: exit 0"
is "$(reqs 'len(r)')" 0 "... nothing delivered"

simctl POST offline node=pve2 >/dev/null
run at 0 px alerts eval
is "$rc" 0 "node offline, before 'for': exit 0"
like "$out" 'off +node_offline +critical +pending +node/pve2' "... pending"
run at 30 px alerts eval
is "$rc" 0 "still pending after 30 s of 60"
is "$(reqs 'len(r)')" 0 "... nothing delivered yet"

run at 60 px alerts eval
is "$rc" 1 "held for 'for': fires, exit 1"
like "$out" 'firing +node/pve2 .*node pve2 is offline' "... firing"
is "$(reqs "len([x for x in r if x['path'] == '/hook'])")" 1 "webhook: one POST"
is "$(reqs "r[0]['content_type']")" "application/json" "webhook: JSON"
is "$(reqs "sorted(json.loads(r[0]['body']).keys())")" \
    "['alert', 'event', 'host', 'key', 'severity', 'since', 'summary', 'time', 'version', 'when']" \
    "webhook: the documented fields"
is "$(reqs "[json.loads(x['body']) for x in r if x['path'] == '/hook'][0]['event'], json.loads(r[0]['body'])['key'], json.loads(r[0]['body'])['since'] == $t0")" \
    "firing node/pve2 True" "webhook: event, key, since"
is "$(reqs "[(x['path'], x['authorization'], json.loads(x['body'])['topic'], json.loads(x['body'])['priority']) for x in r if x['path'].startswith('/ntfy')][0]")" \
    "('/ntfy/', 'Bearer tk_secretntfytoken42', 'ops', 5)" "ntfy: JSON publish with the token from its file, priority of critical"
like "$(cat "$T/exec.out")" 'argv: 0' "exec: no arguments"
like "$(cat "$T/exec.out")" 'event=firing name=off key=node/pve2' "exec: the alert in the environment"
like "$(cat "$T/exec.out")" '"event":"firing"' "exec: the JSON on stdin"
unlike "$err" 'tk_secretntfytoken42' "the ntfy token is not printed"

run at 120 px alerts eval
is "$rc" 1 "still firing: exit 1"
is "$(reqs 'len(r)')" 2 "deduplicated: nothing sent again"

run at 3660 px alerts eval
is "$(reqs "[json.loads(x['body'])['event'] for x in r if x['path'] == '/hook']")" \
    "['firing', 'repeat']" "after repeat = 1h: sent again as a repeat"

simctl POST offline 'node=pve2&offline=0' >/dev/null
run at 3700 px alerts eval
is "$rc" 0 "back online: exit 0"
is "$(reqs "[json.loads(x['body'])['event'] for x in r if x['path'] == '/hook']")" \
    "['firing', 'repeat', 'resolved']" "... a resolved message"
run px alerts list
like "$out" 'off +node_offline +critical +resolved +node/pve2' "list: the resolved episode"
run px alerts list -j
like "$out" '"state":"resolved"' "list -j: state"

# pending that clears before 'for' is forgotten, nothing sent
simctl POST offline node=pve3 >/dev/null
at 4000 px alerts eval >/dev/null
simctl POST offline 'node=pve3&offline=0' >/dev/null
run at 4030 px alerts eval
is "$(reqs 'len(r)')" 6 "a condition that clears before 'for' sends nothing"

# ---- every kind ----
: >"$T/recv/requests"
vm=$(sim_api GET cluster/resources?type=vm | /usr/bin/python3 -c '
import json, sys
print([g["vmid"] for g in json.load(sys.stdin)["data"] if g["status"] == "running" and g["type"] == "qemu" and g["node"] == "pve1"][0])')
kinds="[alert full]
when = storage_above
threshold = 80
match = storage=local-lvm
route = webhook:$hook/k

[alert down]
when = guest_down
match = vmid=$vm
route = webhook:$hook/k

[alert quorum]
when = quorum_lost
route = webhook:$hook/k

[alert cert]
when = cert_expiring
threshold = 30d
match = node=pve1
route = webhook:$hook/k

[alert nobackup]
when = backup_missing
threshold = 1d
match = vmid=100
route = webhook:$hook/k

[alert repl]
when = replication_failing
route = webhook:$hook/k

[alert ha]
when = ha_error
route = webhook:$hook/k"
conf "$kinds"
run at 5000 px alerts eval
keys() { reqs "sorted(set(json.loads(x['body'])['alert'] + ' ' + json.loads(x['body'])['key'] for x in r if json.loads(x['body'])['event'] == '$1'))"; }
is "$(keys firing)" "['nobackup backup/100']" "a healthy cluster: only the old backup of 100 fires"

simctl POST storage 'storage=local-lvm&fill=95' >/dev/null
sim_api POST nodes/pve1/qemu/$vm/status/stop >/dev/null
simctl POST cert days=10 >/dev/null
simctl POST offline node=pve2 >/dev/null
simctl POST offline node=pve3 >/dev/null
i=0
while [ "$(sim_api GET cluster/resources?type=vm | grep -o "\"vmid\":$vm,[^}]*" | grep -c stopped)" = 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run at 5100 px alerts eval
is "$rc" 1 "storage full, guest down, quorum lost, certificate expiring: exit 1"
is "$(keys firing)" \
    "['cert cert/pve1/pve-ssl.pem', 'down vm/$vm', 'full storage/pve1/local-lvm', 'nobackup backup/100', 'quorum cluster']" \
    "each kind fires for its object (pve2, pve3 offline: their storages unknown)"
like "$(reqs "[json.loads(x['body'])['summary'] for x in r]")" 'storage local-lvm on pve1 is 9[0-9]% full \(threshold 80%\)' \
    "storage_above says how full"
like "$(reqs "[json.loads(x['body'])['summary'] for x in r]")" 'certificate pve-ssl.pem of pve1 expires in (9|10) days' \
    "cert_expiring says when"

simctl POST storage 'storage=local-lvm&fill=0' >/dev/null
simctl POST cert days=700 >/dev/null
simctl POST offline 'node=pve2&offline=0' >/dev/null
simctl POST offline 'node=pve3&offline=0' >/dev/null
sim_api POST nodes/pve1/qemu/$vm/status/start >/dev/null
i=0
while [ "$(sim_api GET cluster/resources?type=vm | grep -o "\"vmid\":$vm,[^}]*" | grep -c running)" = 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run at 5200 px alerts eval
is "$(keys resolved)" "['cert cert/pve1/pve-ssl.pem', 'down vm/$vm', 'full storage/pve1/local-lvm', 'quorum cluster']" \
    "each resolves when it clears"

# task_failed and backup_failed: a pxsim with a task history (last
# night's backup of one node failed)
sim_restart --history 2
base=$(cat "$PX_CONFIG")
: >"$T/recv/requests"
conf "[alert tasks]
when = task_failed
threshold = 2d
route = webhook:$hook/k

[alert backups]
when = backup_failed
threshold = 2d
route = webhook:$hook/k"
run px alerts eval
is "$rc" 1 "a failed backup task: exit 1"
like "$(keys firing)" "'backups task/UPID:[^']*vzdump[^']*'" "backup_failed fires for the failed vzdump task"
like "$(keys firing)" "'tasks task/UPID:[^']*vzdump" "task_failed too"
like "$(reqs "[json.loads(x['body'])['summary'] for x in r]")" 'backup vzdump on pve[0-9] failed .* ago: job errors' \
    "... saying what failed"
run env PX_TEST_NOW=$(($(date +%s) + 3 * 86400)) px alerts eval
is "$(keys resolved | grep -c task/)" 1 "a failure older than the window resolves"

# ---- a route that fails is tried again ----
: >"$T/recv/requests"
conf "[alert off]
when = node_offline
route = webhook:$hook/fail/x, webhook:$hook/ok"
simctl POST offline node=pve2 >/dev/null
run at 10000 px alerts eval
is "$rc" 1 "fires"
like "$err" 'off firing node/pve2: not delivered: POST http://127.0.0.1:[0-9]+/fail/x: HTTP 500' \
    "a failed delivery is reported"
run at 10010 px alerts eval
is "$(reqs "[x['path'] for x in r]")" "['/fail/x', '/ok']" "not tried again before its backoff"
run at 10100 px alerts eval
is "$(reqs "[x['path'] for x in r]")" "['/fail/x', '/ok', '/fail/x']" "tried again after it, the other route not"
simctl POST offline 'node=pve2&offline=0' >/dev/null

# ---- px alerts test ----
: >"$T/recv/requests"
run px alerts test "webhook:$hook/t"
is "$rc" 0 "test: delivered"
is "$(reqs "json.loads(r[0]['body'])['event']")" test "test: a test event"
run px alerts test "exec:relative.sh"
is "$rc" 2 "test: a bad route is a usage error"
like "$err" 'absolute path' "... saying why"
run px alerts test "webhook:http://127.0.0.1:1/x?token=s3cret"
ok $((rc == 0)) "test: an unreachable webhook fails"
unlike "$err" 's3cret' "... and its URL's query is not shown"

# ---- bad sections ----
conf "[alert x]
when = node_down
route = telegram"
run px alerts eval
is "$rc" 3 "an unknown when: exit 3"
like "$err" "\[alert x\] when = 'node_down': one of node_offline" "... listing the kinds"
conf "[alert x]
when = storage_above
threshold = 150
route = telegram"
run px alerts eval
like "$err" "threshold = '150': a percentage 0..100" "a threshold out of range"
conf "[alert x]
when = node_offline
route = ftp://x"
run px alerts eval
like "$err" "route = 'ftp://x': a route is telegram" "an unknown route"
conf "[alert x]
when = node_offline
match = colour=red
route = telegram"
run px alerts eval
like "$err" "the keys are node, storage, tag, pool and vmid" "an unknown match key"
conf "[alert x]
when = node_offline
route = telegram
frequency = 1"
run px alerts eval
like "$err" "\[alert x\] has no key 'frequency'" "an unknown key"

# ---- the daemon: evaluates on its timer, state survives a restart ----
: >"$T/recv/requests"
echo $((t0 + 20000)) >"$T/now"
export PX_TEST_NOW="$T/now"
conf "[alert doff]
when = node_offline
for = 60s
route = webhook:$hook/d"
sed -i 's/^\[daemon\]$/[daemon]\nalerts_interval = 0.2s/' "$PX_CONFIG"
simctl POST offline node=pve2 >/dev/null
dstart() {
	px daemon --no-schedule --no-approvals --no-reconcile 2>>"$T/d.log" &
	DPID=$!
}
dstop() { kill $DPID; wait $DPID; DPID=; }
waitfor() {	# waitfor PYEXPR: until reqs prints True (5 s)
	i=0
	while [ "$(reqs "$1")" != True ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(reqs "$1")" = True ]
}
dstart
sleep 0.5
dn="len([x for x in r if x['path'] == '/d'])"
is "$(reqs "$dn")" 0 "daemon: pending, nothing sent"
dstop
dstart
echo $((t0 + 20060)) >"$T/now"
waitfor "$dn == 1"; ok $? "daemon restarted: 'for' counted from before the restart, fires"
sleep 0.5
dstop
dstart
sleep 0.6
is "$(reqs "$dn")" 1 "daemon restarted again: not sent twice"
like "$(cat "$T/d.log")" 'notice alerts: doff firing warning node/pve2: node pve2 is offline -> webhook:http://127.0.0.1:[0-9]+/d' \
    "daemon: the delivery logged"
simctl POST offline 'node=pve2&offline=0' >/dev/null
waitfor "$dn == 2"; ok $? "daemon: resolved"
dstop
unlike "$(cat "$T/d.log")" 'tk_secretntfytoken42' "no secret in the log"

done_testing
