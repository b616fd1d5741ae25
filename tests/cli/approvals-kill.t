#!/bin/sh
# Async approvals against a real kill -9 of px daemon: killed inside the
# request (pxsim carried it out, the answer never came), killed after
# the claim before anything was sent, killed after the approval before
# the claim; then restarted.  Every change happens at most once, the row
# ends where lib/approvals.h says, and a button pressed twice (also
# replayed to the restarted daemon) runs nothing twice.  Also: a lost
# answer without a kill, a kill while following the task, and a dead
# runner whose pid another process has now.
. "$(dirname "$0")/lib.sh"
sim_start --telegram
py() {	# py EXPR: evaluate EXPR on the JSON on stdin, its "data" as d
	/usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin)['data']; print($1)"
}
jq1() {	# jq1 EXPR: EXPR on px's JSON array on stdin, as d
	/usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}
token=$(simctl GET telegram | py 'd["token"]')
chat=$(simctl GET telegram | py 'd["chat_id"]')
approver=$(simctl GET telegram | py 'd["approver"]')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
profile=$(cat "$PX_CONFIG")
printf '%s\n' "$token" >"$T/bot.token"
chmod 600 "$T/bot.token"
{
	printf '%s\n\n' "$profile"
	printf '[telegram]\nbot_token_file = %s\nchat_id = %s\n' \
	    "$T/bot.token" "$chat"
	printf 'approver = %s\napi_url = %s\nfingerprint = %s\n\n' \
	    "$approver" "$SIM_URL" "$fp"
	printf '[daemon]\napprovals_interval = 1\n'
} >"$PX_CONFIG"
chmod 600 "$PX_CONFIG"

DPID=
dstart() {
	: >"$T/d.log"
	px daemon --no-alerts --no-exporter --no-schedule --no-reconcile \
	    2>"$T/d.log" &
	DPID=$!
	i=0
	while ! grep -q 'daemon: started' "$T/d.log" && [ $i -lt 100 ]; do
		kill -0 $DPID 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
}
dkill() {	# kill -9, reaped: the pid is gone as after a crash
	kill -KILL $DPID 2>/dev/null
	wait $DPID 2>/dev/null
	DPID=
}
trap 'if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT

msgs() { simctl GET telegram/messages | py "$1"; }
state() { px approvals show "$1" -j 2>/dev/null | jq1 'd[0]["state"]'; }
field() { px approvals show "$1" -j 2>/dev/null | jq1 "d[0]['$2']"; }
wait_state() {	# wait_state ID STATE...
	_id=$1; shift
	i=0
	while [ $i -lt 150 ]; do
		_s=$(state "$_id")
		for _w in "$@"; do [ "$_s" = "$_w" ] && return 0; done
		sleep 0.1; i=$((i + 1))
	done
	echo "# approval $_id is $_s, not $*"
	return 1
}
msgid_of() {
	i=0
	while [ $i -lt 100 ]; do
		_m=$(msgs "([m['message_id'] for m in d if 'approval $1;' in m['text']] + [''])[0]")
		[ -n "$_m" ] && { echo "$_m"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
press() { simctl POST telegram/press "$1" >/dev/null; }
writes() { sim_log | grep -cE "^(POST|PUT|DELETE) $1"; }
vmstatus() { sim_api GET "nodes/$1/qemu/$2/status/current" | py 'd["status"]'; }
# wait_spent: until every fault rule has fired (the daemon is inside
# the request it holds)
wait_spent() {
	i=0
	while [ $i -lt 150 ]; do
		[ "$(simctl GET fault | py 'sum(f["count"] for f in d)')" = 0 ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# the audit rows of approval ID: "decision result" per line
arows() {
	px audit log -j | jq1 "'\\n'.join('%s %s' % (r['decision'], r.get('result')) for r in d if r['user'].endswith(' via approval $1'))"
}
aintents() { arows "$1" | grep -c ' pending$'; }

set -- $(sim_api GET cluster/resources?type=vm | py "' '.join(next((r['node'], str(r['vmid'])) for r in d if r['type'] == 'qemu' and r['status'] == 'running' and not r.get('template') and not r.get('lock')))")
node=$1 vm=$2
stop="/api2/json/nodes/$node/qemu/$vm/status/stop"
start="/api2/json/nodes/$node/qemu/$vm/status/start"

# --- 1. killed inside the request: pxsim carried it out, no answer came
run px stop -y --approve-async "$vm"
is "$rc" 0 "queued as approval 1"
dstart
m=$(msgid_of 1); ok $? "the daemon asks on Telegram"
wait_state 1 asked; ok $? "state asked"
simctl POST fault "mode=lost&prefix=/nodes/$node/qemu/$vm/status/stop&count=1" >/dev/null
a=$(msgs "[x for x in d if x['message_id'] == $m][0]['reply_markup']['inline_keyboard'][0][0]['callback_data']")
press "message_id=$m&data=$a"
wait_spent; ok $? "pxsim took the stop and holds its answer"
sleep 0.3
ok $(kill -0 $DPID 2>/dev/null && echo 0 || echo 1) "the daemon is alive, waiting in the request"
is "$(state 1)" running "the row is running"
is "$(aintents 1)" 1 "the audit log has the request's intent"
unlike "$(arows 1)" "^result " "and no result"
dkill
is "$(writes "$stop")" 1 "killed: the stop reached pxsim once"
is "$(vmstatus "$node" "$vm")" stopped "and pxsim carried it out"
is "$(state 1)" running "the row still says running"
dstart
wait_state 1 unknown done failed; ok $? "the restarted daemon judges the row"
is "$(state 1)" unknown "state unknown: sent, no answer recorded"
like "$(field 1 result)" "1 of 1 requests were sent without a recorded answer" "the result says what is not known"
run px approvals show 1
is "$rc" 0 "px approvals show 1"
like "$out" "check the cluster" "show tells a human what to check"
like "$out" "not sent again" "and that px will not send it again"
# the old daemon's press was never confirmed to Telegram: the restarted
# one reads it again; and the button is pressed twice more
press "message_id=$m&data=$a"
press "message_id=$m&data=$a"
sleep 3
is "$(writes "$stop")" 1 "restart, replayed press, two more presses: still once"
is "$(state 1)" unknown "still unknown"
like "$(cat "$T/d.log")" "approval 1: answer by .* ignored" "the presses are ignored, logged"

# --- 2. killed after the claim, before anything was sent
run px start -y --approve-async "$vm"
is "$rc" 0 "queued as approval 2"
m=$(msgid_of 2); ok $? "asked"
wait_state 2 asked
# the daemon reads fresh guest state before it sends: hold that read
simctl DELETE fault >/dev/null
simctl POST fault "mode=hang&prefix=/cluster/resources&count=1" >/dev/null
press "message_id=$m&button=0"
wait_spent; ok $? "the daemon is inside its read before the send"
is "$(state 2)" running "the row is claimed: running"
dkill
is "$(aintents 2)" 0 "killed: no intent in the audit log"
is "$(writes "$start")" 0 "nothing was sent"
dstart
wait_state 2 done failed unknown; ok $? "the restarted daemon carries it out"
is "$(state 2)" done "state done"
is "$(writes "$start")" 1 "the start was sent exactly once"
is "$(vmstatus "$node" "$vm")" running "the VM runs"
like "$(cat "$T/d.log")" "approval 2: its daemon stopped before sending anything" "the log says why it ran after the restart"
press "message_id=$m&button=0"
press "message_id=$m&button=0"
sleep 2
is "$(writes "$start")" 1 "two more presses: still once"
is "$(aintents 2)" 1 "one intent in the audit log"
like "$(arows 2)" "^result submitted" "and its result"
like "$(arows 2)" "^task OK" "and its task's end"

# --- 3. killed after the approval, before the claim (row approved)
run px stop -y --approve-async "$vm"
is "$rc" 0 "queued as approval 3"
m=$(msgid_of 3); ok $? "asked"
wait_state 3 asked
# between the answer and the run the daemon edits the message: hold it
simctl DELETE fault >/dev/null
simctl POST fault "mode=hang&prefix=/bot$token/editMessageText&count=1" >/dev/null
a=$(msgs "[x for x in d if x['message_id'] == $m][0]['reply_markup']['inline_keyboard'][0][0]['callback_data']")
press "message_id=$m&data=$a"
wait_spent; ok $? "the daemon is inside its Telegram edit"
is "$(state 3)" approved "the row is approved"
dkill
is "$(writes "$stop")" 1 "killed: nothing new sent"
dstart
wait_state 3 done failed unknown; ok $? "the restarted daemon carries it out"
is "$(state 3)" done "state done"
is "$(writes "$stop")" 2 "the stop was sent exactly once more"
is "$(vmstatus "$node" "$vm")" stopped "the VM is stopped"
like "$(field 3 approver)" "@approver \($approver\)" "the approver is kept"
like "$(px audit log -j)" "approved by @approver \($approver\) \(approval 3" "audited with the approver's identity"

# --- 4. two presses in one batch of updates: one run
kill $DPID 2>/dev/null; wait $DPID; DPID=
simctl DELETE fault >/dev/null
run px start -y --approve-async "$vm"
is "$rc" 0 "queued as approval 4"
dstart
m=$(msgid_of 4); ok $? "asked"
wait_state 4 asked
kill $DPID 2>/dev/null; wait $DPID; DPID=
press "message_id=$m&button=0"
press "message_id=$m&button=0"
dstart
wait_state 4 done failed unknown; ok $? "carried out"
sleep 2
is "$(state 4)" done "state done"
is "$(writes "$start")" 2 "two presses in one poll: the start sent once more"
is "$(aintents 4)" 1 "one intent in the audit log"
like "$(cat "$T/d.log")" "approval 4: answer by .* ignored" "the second press is read and ignored"

# --- 5. no kill: the answer is lost on the way (the connection drops
# after pxsim carried it out): unknown, not failed, not sent again
run px stop -y --approve-async "$vm"
is "$rc" 0 "queued as approval 5"
m=$(msgid_of 5); ok $? "asked"
wait_state 5 asked
simctl POST fault "mode=drop&prefix=/nodes/$node/qemu/$vm/status/stop&count=1" >/dev/null
press "message_id=$m&button=0"
wait_state 5 done failed unknown; ok $? "carried out"
is "$(state 5)" unknown "the answer lost: state unknown"
like "$(field 5 result)" "outcome unknown: .* was sent, but its answer was lost" "the result says so"
like "$(field 5 result)" "it is not sent again" "and that it is not sent again"
is "$(writes "$stop")" 3 "sent once"
is "$(vmstatus "$node" "$vm")" stopped "pxsim carried it out"
sleep 2
is "$(writes "$stop")" 3 "and not again"

# --- 6. killed while following the task: the restarted daemon asks the
# cluster how the task ended, and sends nothing
simctl DELETE fault >/dev/null
simctl POST tasks seconds=6 >/dev/null
run px start -y --approve-async "$vm"
is "$rc" 0 "queued as approval 6"
m=$(msgid_of 6); ok $? "asked"
wait_state 6 asked
press "message_id=$m&button=0"
i=0
while ! arows 6 | grep -q '^result submitted' && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
like "$(arows 6)" "^result submitted" "the task was started"
dkill
is "$(state 6)" running "killed while following it: running"
dstart
sleep 2
is "$(state 6)" running "restarted while the task runs: still running"
wait_state 6 done failed unknown; ok $? "judged once the task ended"
is "$(state 6)" done "the task ended OK: done"
like "$(field 6 result)" "tasks' ends asked of the cluster" "the result says how it was decided"
is "$(writes "$start")" 3 "the start was sent once"
is "$(aintents 6)" 1 "one intent in the audit log"
# the decision is audited: the task's UPID and its exit status
upids() {	# upids ID DECISION: the UPIDs of those audit rows
	px audit log -j | jq1 "' '.join(r.get('upid') or '-' for r in d if r['user'].endswith(' via approval $1') and r['decision'] == '$2')"
}
sent=$(upids 6 result)
like "$sent" "^UPID:" "the started task's UPID was audited"
is "$(arows 6 | grep -c '^task ')" 1 "one audit row for the task's end"
like "$(arows 6)" "task OK" "with its exit status"
is "$(upids 6 task)" "$sent" "naming the task's UPID"
simctl POST tasks seconds=0 >/dev/null
kill $DPID 2>/dev/null; wait $DPID; DPID=

# --- 7. the dead runner's pid now belongs to another process (after a
# reboot, or pids wrapping): the row is still judged, not left running
run px stop -y --approve-async "$vm"
is "$rc" 0 "queued as approval 7"
sleep 300 &
stranger=$!
sqlite3 "$XDG_DATA_HOME/px/approvals.db" \
    "UPDATE approvals SET state = 'running', approver = '@approver ($approver)', runner = '$stranger@$(hostname)' WHERE id = 7"
# as if approved on Telegram: the decision's seal (lib/approvals.c
# dseal_of), made with hitl.key
/usr/bin/python3 - "$XDG_DATA_HOME/px" 7 <<'PY'
import hashlib, hmac, sqlite3, sys
d, i = sys.argv[1], int(sys.argv[2])
key = bytes.fromhex(open(d + "/hitl.key").read().strip())
sub = hmac.new(key, b"px approvals decision v1", hashlib.sha256).digest()
db = sqlite3.connect(d + "/approvals.db")
seal, who = db.execute("SELECT seal, approver FROM approvals WHERE id = ?", (i,)).fetchone()
f = lambda s: b"%d:%s\n" % (len(s.encode()), s.encode())
msg = b"%d\napproved\n" % i + f(seal) + f(who)
db.execute("UPDATE approvals SET dseal = ? WHERE id = ?",
           (hmac.new(sub, msg, hashlib.sha256).hexdigest(), i))
db.commit()
PY
dstart
wait_state 7 done failed unknown; ok $? "a runner pid held by a stranger: judged"
is "$(state 7)" done "nothing was sent: run once, done"
is "$(writes "$stop")" 4 "the stop was sent once"
kill $stranger 2>/dev/null; wait $stranger 2>/dev/null
kill $DPID 2>/dev/null; wait $DPID; DPID=

done_testing
