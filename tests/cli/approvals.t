#!/bin/sh
# Async approvals end to end: -y --approve-async (or a [policy] with
# mode = async) queues the change; a real px daemon asks on pxsim's
# Telegram fake and carries out what was approved exactly once, through
# the gate again; px approvals list | show | cancel.
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
write_conf() {	# write_conf [EXTRA]
	{
		printf '%s\n\n' "$profile"
		printf '[telegram]\nbot_token_file = %s\nchat_id = %s\n' \
		    "$T/bot.token" "$chat"
		printf 'approver = %s\napi_url = %s\nfingerprint = %s\n\n' \
		    "$approver" "$SIM_URL" "$fp"
		printf '[daemon]\napprovals_interval = 1\n\n'
		printf '[policy quick]\naction = reboot\ntimeout = 2\nmode = async\n'
		[ -n "${1-}" ] && printf '\n%s\n' "$1"
	} >"$PX_CONFIG"
	chmod 600 "$PX_CONFIG"
}
write_conf

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
dstop() {
	[ -n "$DPID" ] || return 0
	kill -"${1:-TERM}" $DPID 2>/dev/null
	wait $DPID
	DPID=
}
trap 'if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT

msgs() { simctl GET telegram/messages | py "$1"; }
nmsgs() { msgs 'len(d)'; }
state() { px approvals show "$1" -j 2>/dev/null | jq1 'd[0]["state"]'; }
field() { px approvals show "$1" -j 2>/dev/null | jq1 "d[0]['$2']"; }
# wait_state ID STATE...: until approval ID is in one of the states
wait_state() {
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
# wait_followed ID: until approval ID's task is followed.  The claim moves
# the row to running before its request is sent; the result comes after.
wait_followed() {
	i=0
	while ! field "$1" result | grep -q 'task.* followed' && [ $i -lt 150 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(state "$1")" = running ]
}
wait_msgs() {	# wait_msgs N: until the bot posted N messages
	i=0
	while [ "$(nmsgs)" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(nmsgs)" -ge "$1" ]
}
msgid_of() { msgs "[m['message_id'] for m in d if 'approval $1;' in m['text']][0]"; }
# msg_text ID PATTERN: approval ID's message, once it matches PATTERN (or
# after 3 s)
msg_text() {
	_m=$(msgid_of "$1")
	i=0
	while ! msgs "[x['text'] for x in d if x['message_id'] == $_m][0]" | grep -q "$2" && [ $i -lt 30 ]; do
		sleep 0.1; i=$((i + 1))
	done
	msgs "[x['text'] for x in d if x['message_id'] == $_m][0]"
}
press() { simctl POST telegram/press "$1" >/dev/null; }
writes() { sim_log | grep -cE "^(POST|PUT|DELETE) $1"; }
vmstatus() { sim_api GET "nodes/$1/qemu/$2/status/current" | py 'd["status"]'; }

# a running VM to stop
set -- $(sim_api GET cluster/resources?type=vm | py "' '.join(next((r['node'], str(r['vmid'])) for r in d if r['type'] == 'qemu' and r['status'] == 'running' and not r.get('template')))")
node=$1 vm=$2

# --- queue: exit 0, nothing sent
run px stop -y --approve-async "$vm"
is "$rc" 0 "-y --approve-async: exit 0"
like "$out" "queued +queued as approval request 1" "the row says queued, with the id"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status")" 0 "nothing sent to the cluster"
is "$(vmstatus "$node" "$vm")" running "the VM still runs"
is "$(state 1)" pending "px approvals show: pending"
run px approvals list -j
is "$rc" 0 "px approvals list -j"
is "$(printf '%s' "$out" | jq1 'sorted(d[0].keys())')" \
    "['action', 'approver', 'created', 'expires', 'id', 'intact', 'policy', 'profile', 'requester', 'result', 'state', 'summary', 'targets', 'updated']" \
    "the documented fields"
is "$(printf '%s' "$out" | jq1 'd[0]["policy"]')" "-" "policy - when only --approve-async asked"
is "$(stat -c %a "$XDG_DATA_HOME/px/approvals.db")" 600 "approvals.db is 0600"

# --- the daemon asks; approve twice: runs once
dstart
wait_msgs 1; ok $? "the daemon asks on Telegram"
wait_state 1 asked; ok $? "state asked"
m=$(msgid_of 1)
like "$(msgs "[x['text'] for x in d if x['message_id'] == $m][0]")" \
    "summary: stop VM $vm" "the message names the change"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status")" 0 "still nothing sent while asking"
a=$(msgs "[x for x in d if x['message_id'] == $m][0]['reply_markup']['inline_keyboard'][0][0]['callback_data']")
press "message_id=$m&data=$a"
press "message_id=$m&data=$a"
wait_state 1 done failed; ok $? "approved: carried out"
is "$(state 1)" done "state done"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/stop")" 1 "the stop was sent exactly once"
is "$(vmstatus "$node" "$vm")" stopped "the VM is stopped"
like "$(field 1 approver)" "@approver \($approver\)" "the approver is recorded"
press "message_id=$m&data=$a"
sleep 2
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/stop")" 1 "a third press later: still once"
run px audit log -j
like "$out" "via approval 1" "audited via approval 1"
like "$out" "approved by @approver \($approver\)" "the audit names the approver"

# --- a non-power change: px set
run px set -y --approve-async "$vm" "description=queued-by-test"
is "$rc" 0 "px set -y --approve-async: queued"
wait_state 2 asked; ok $? "asked"
m=$(msgid_of 2)
press "message_id=$m&button=0"
wait_state 2 done failed; ok $? "approved px set carried out"
is "$(state 2)" done "state done"
is "$(sim_api GET "nodes/$node/qemu/$vm/config" | py 'd.get("description")')" \
    queued-by-test "the config changed"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/config")" 1 "one config write"

# --- deny
run px start -y --approve-async "$vm"
wait_state 3 asked; ok $? "start asked"
press "message_id=$(msgid_of 3)&button=1"
wait_state 3 denied; ok $? "Deny: state denied"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent"
run px audit log -j
like "$out" "denied by @approver" "audited as denied"

# --- timeout, through a policy with mode = async (no --approve-async)
run px reboot -y "$vm"
is "$rc" 0 "a policy with mode = async queues: exit 0"
like "$out" "queued" "says queued"
wait_state 4 expired; ok $? "no answer: expired"
is "$(field 4 policy)" quick "the policy is recorded"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/reboot")" 0 "nothing sent"
run px audit log -j
like "$out" "no answer on Telegram within 2 s \(approval 4" "audited as timed out"

# --- freeze after queueing: refused at run time
run px start -y --approve-async "$vm"
wait_state 5 asked; ok $? "start asked"
run px incident freeze -p sim --reason "test freeze" --ttl 10m
is "$rc" 0 "frozen after queueing"
press "message_id=$(msgid_of 5)&button=0"
wait_state 5 done failed; ok $? "approved"
is "$(state 5)" failed "refused at run time: failed"
like "$(field 5 result)" "frozen" "the result says frozen"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent while frozen"
run px audit log -j
like "$out" "refused-frozen" "the refusal is audited"
px incident thaw -p sim --reason "test over" >/dev/null 2>&1

dstop

# --- cancel (daemon stopped: stays pending)
run px start -y --approve-async "$vm"
run px approvals cancel 6
is "$rc" 0 "cancel a pending request"
is "$(state 6)" cancelled "state cancelled"
run px approvals cancel 6
is "$rc" 2 "a second cancel: exit 2"
run px approvals cancel 1
is "$rc" 2 "cancel a done request: exit 2"
run px approvals cancel 999
is "$rc" 5 "unknown id: exit 5"
run px approvals show abc
is "$rc" 2 "a malformed id: exit 2"

# --- a tampered row: refused, audited, never sent
run px start -y --approve-async "$vm"
sqlite3 "$XDG_DATA_HOME/px/approvals.db" \
    "UPDATE approvals SET request = replace(request, 'status/start', 'status/stop') WHERE id = 7"
run px approvals show 7
is "$rc" 3 "show of a tampered row: exit 3"
like "$err" "seal" "says the seal does not match"
n0=$(nmsgs)
dstart
wait_state 7 failed; ok $? "the daemon refuses the tampered row"
like "$(field 7 result)" "does not match its seal" "the result says why"
is "$(nmsgs)" "$n0" "never asked about on Telegram"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status")" 1 "nothing more sent"
run px audit log -j
like "$out" "refused-tampered" "audited as tampered"
dstop

# --- a daemon that died while running: never twice
sqlite3 "$XDG_DATA_HOME/px/approvals.db" \
    "UPDATE approvals SET state = 'running', runner = '999999@$(hostname)' WHERE id = 2"
dstart
wait_state 2 done failed unknown; ok $? "a running row of a dead daemon is judged"
is "$(state 2)" done "from the audit log: done"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/config")" 1 "not sent again"
dstop KILL 2>/dev/null

# --- hostile input: the summary does not reach the terminal raw
run px set -y --approve-async "$vm" "description=$(printf 'a\033]0;x\007\r\nb')"
run px approvals list
unlike "$out" "$(printf '\033')" "no raw ESC in list"
run px approvals show 8
is "$rc" 0 "show the hostile one"
like "$out" "description" "shows it"
unlike "$out" "$(printf '\033')" "no raw ESC in show"

# --- cancelled with px approvals cancel while asked on Telegram: the
# daemon edits its message once, saying so and by whom, buttons gone
dstart
run px start -y --approve-async "$vm"
wait_state 9 asked; ok $? "asked on Telegram"
m=$(msgid_of 9)
run env USER=carol px approvals cancel 9
is "$rc" 0 "cancelled while asked"
text9() { msgs "[x['text'] for x in d if x['message_id'] == $m][0]"; }
i=0
while ! text9 | grep -q CANCELLED && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
like "$(text9)" "CANCELLED by carol@" "the message says it was cancelled, and by whom"
is "$(msgs "'reply_markup' in [x for x in d if x['message_id'] == $m][0]")" \
    False "its buttons are gone"
sleep 2
is "$(msgs "[x['edits'] for x in d if x['message_id'] == $m][0]")" 1 "edited once"
is "$(state 9)" cancelled "still cancelled"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent"
dstop

# --- a read-only profile at run time: refused
run px start -y --approve-async "$vm"
is "$(state 10)" pending "queued while writable"
profile="$profile
read_only = yes"
write_conf
dstart
wait_state 10 asked; ok $? "asked"
press "message_id=$(msgid_of 10)&button=0"
wait_state 10 done failed; ok $? "approved"
is "$(state 10)" failed "refused at run time: failed"
like "$(field 10 result)" "read-only" "the result says read-only"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent"
run px audit log -j
like "$out" "refused-read-only" "the refusal is audited"
dstop

# --- px daemon and a px waiting for its own approval, at once: one of
# them reads getUpdates (Telegram ends a long poll when another reader
# asks), and each gets its own presses
profile=$(printf '%s\n' "$profile" | grep -v '^read_only = yes$')
write_conf "[policy sync]
action = start
timeout = 30"
dstart
run px set -y --approve-async "$vm" "description=relayed"
wait_state 11 asked; ok $? "the daemon asks for approval 11"
m=$(msgid_of 11)
n0=$(nmsgs)
px start -y "$vm" >"$T/sync.out" 2>"$T/sync.err" &
sync=$!
wait_msgs $((n0 + 1)); ok $? "a px waiting for its own approval asks too"
ms=$(msgs 'd[-1]["message_id"]')
sleep 3	# the daemon polls every second meanwhile
press "message_id=$m&button=0"
wait_state 11 done failed; ok $? "the daemon gets its Approve"
is "$(state 11)" done "and carries the change out"
ok "$(kill -0 $sync 2>/dev/null && echo 0 || echo 1)" \
    "the waiting px still waits: the daemon's polls did not end its own"
press "message_id=$ms&button=0"
wait $sync; rc=$?
is "$rc" 0 "its Approve reaches the waiting px: exit 0"
unlike "$(cat "$T/sync.err")" "not accepted|refused" "nothing refused"
is "$(vmstatus "$node" "$vm")" running "the VM was started"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 1 "started once"
like "$(msgs "[x['text'] for x in d if x['message_id'] == $ms][0]")" \
    "APPROVED by @approver" "the waiting px's message says approved"
dstop

# --- a row set to approved behind px's back (its request untouched):
# the decision carries a seal of its own, so the daemon refuses it
stops=$(writes "/api2/json/nodes/$node/qemu/$vm/status/stop")
run px stop -y --approve-async "$vm"
is "$(state 12)" pending "queued"
sqlite3 "$XDG_DATA_HOME/px/approvals.db" \
    "UPDATE approvals SET state = 'approved', approver = 'mallory' WHERE id = 12"
run px approvals show 12
is "$rc" 3 "show of a row approved behind px's back: exit 3"
run px stop -y --approve-async "$vm"
sqlite3 "$XDG_DATA_HOME/px/approvals.db" \
    "UPDATE approvals SET state = 'approved', approver = (SELECT approver FROM approvals WHERE id = 11), dseal = (SELECT dseal FROM approvals WHERE id = 11) WHERE id = 13"
run px approvals show 13
is "$rc" 3 "another row's decision seal copied: exit 3"
run px approvals show 11
is "$rc" 0 "(the row approved on Telegram is intact)"
dstart
wait_state 12 failed; ok $? "the daemon refuses the row approved behind its back"
like "$(field 12 result)" "does not match its seal" "the result says why"
wait_state 13 failed; ok $? "and the one with a copied decision seal"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/stop")" "$stops" "nothing sent"
is "$(vmstatus "$node" "$vm")" running "the VM still runs"
run px audit log -j
is "$(printf '%s' "$out" | jq1 "sum(1 for r in d if r['decision'] == 'refused-tampered' and r['user'].endswith(('via approval 12', 'via approval 13')))")" 2 \
    "both refusals audited as tampered"
dstop

# --- a long task does not hold px daemon: its row stays running while
# other approvals are carried out, and ends when the task has
simctl POST tasks seconds=6 >/dev/null
dstart
run px stop -y --approve-async "$vm"
wait_state 14 asked; ok $? "a stop asked"
press "message_id=$(msgid_of 14)&button=0"
wait_followed 14; ok $? "approved: running"
like "$(field 14 result)" "running: 1 of 1 requests sent, 1 task followed" \
    "the result says its task is followed"
run px set -y --approve-async "$vm" "description=meanwhile"
wait_state 15 asked; ok $? "another change asked while the task runs"
press "message_id=$(msgid_of 15)&button=0"
wait_state 15 done failed; ok $? "and carried out"
is "$(state 15)" done "done"
is "$(state 14)" running "while the first one's task still runs"
wait_state 14 done failed; ok $? "the task ended: judged"
is "$(state 14)" done "done"
like "$(field 14 result)" "done \(1 requests sent, their tasks' ends asked of the cluster\)" \
    "the result says how"
is "$(vmstatus "$node" "$vm")" stopped "the VM is stopped"
run px audit log -j
is "$(printf '%s' "$out" | jq1 "sum(1 for r in d if r['decision'] == 'task' and r['user'].endswith('via approval 14') and r['result'] == 'OK' and r.get('upid', '').startswith('UPID:') and 'restart' not in r.get('params', ''))")" 1 \
    "the task's end is audited once, with its UPID"
t14=$(msg_text 14 'done (')
like "$t14" "APPROVED by @approver" "its message says approved"
like "$t14" "done \(1 requests sent" "and, once the task ended, done"
simctl POST tasks seconds=0 >/dev/null
dstop

# --- a followed task whose status cannot be read (its node gone) stays
# running for an hour of that, then its outcome is unknown; a status read
# again in between starts the hour again
now=$(date +%s)
echo "$now" >"$T/now"
simctl POST tasks seconds=600 >/dev/null
PX_TEST_NOW="$T/now" dstart
run px start -y --approve-async "$vm"
wait_state 16 asked; ok $? "a start asked"
press "message_id=$(msgid_of 16)&button=0"
wait_followed 16; ok $? "approved: running, its task followed"
simctl POST fault "mode=500&rate=1&prefix=/nodes/$node/tasks/" >/dev/null
sleep 2.5
is "$(state 16)" running "its status unreadable: still running"
simctl DELETE fault >/dev/null
sleep 2.5
simctl POST fault "mode=500&rate=1&prefix=/nodes/$node/tasks/" >/dev/null
echo $((now + 3700)) >"$T/now"
sleep 2.5
is "$(state 16)" running "read again in between: the hour starts again"
echo $((now + 3700 + 1800)) >"$T/now"
kill -HUP $DPID
i=0
while ! grep -q 'configuration reloaded' "$T/d.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1.5
echo $((now + 3700 + 3601)) >"$T/now"
wait_state 16 unknown; ok $? "an hour unreadable (a reload in between): outcome unknown"
like "$(field 16 result)" "outcome unknown: the status of 1 of 1 task could not be read for 36[0-9][0-9] s \\(.*500.*\\); check the cluster" \
    "the result says why and what to do"
run px audit log -j
is "$(printf '%s' "$out" | jq1 "sum(1 for r in d if r['decision'] == 'task' and r['user'].endswith('via approval 16') and r['result'] == 'unknown' and r.get('upid', '').startswith('UPID:') and 'could not be read' in r.get('params', ''))")" 1 \
    "the unknown end is audited once, with its UPID"
like "$(msg_text 16 'outcome unknown')" "outcome unknown: the status" \
    "its message says so"
simctl DELETE fault >/dev/null
simctl POST tasks seconds=0 >/dev/null
dstop

done_testing
