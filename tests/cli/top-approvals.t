#!/bin/sh
# pxtop's approvals view (A) end to end: a change queued with -y
# --approve-async by alice, approved in pxtop by bob (a local_approver
# of the policy) and carried out by a real px daemon against pxsim, the
# audit log naming bob; a denial sends nothing; bob's own request cannot
# be approved by bob (four eyes); a request no policy names, and a
# tampered row, are shown as such and cannot be approved; pxtop's own
# operation waiting for a Telegram answer is listed while it waits.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --telegram
pyd() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin)['data']; print($1)"; }
jq1() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
token=$(simctl GET telegram | pyd 'd["token"]')
chat=$(simctl GET telegram | pyd 'd["chat_id"]')
approver=$(simctl GET telegram | pyd 'd["approver"]')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
printf '%s\n' "$token" >"$T/bot.token"
chmod 600 "$T/bot.token"
{
	printf '\n[telegram]\nbot_token_file = %s\nchat_id = %s\n' "$T/bot.token" "$chat"
	printf 'approver = %s\napi_url = %s\nfingerprint = %s\n' "$approver" "$SIM_URL" "$fp"
	printf '\n[daemon]\napprovals_interval = 1\n'
	printf '\n[policy ops]\naction = stop,start\ntimeout = 600\nlocal_approver = bob, carol\n'
} >>"$PX_CONFIG"

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
	kill $DPID 2>/dev/null
	wait $DPID
	DPID=
}
state() { px approvals list -j 2>/dev/null | jq1 "[r['state'] for r in d if r['id'] == $1][0]"; }
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
writes() { sim_log | grep -cE "^(POST|PUT|DELETE) $1"; }
vmstatus() { sim_api GET "nodes/$1/qemu/$2/status/current" | pyd 'd["status"]'; }
set -- $(sim_api GET cluster/resources?type=vm | pyd "' '.join(next((r['node'], str(r['vmid'])) for r in d if r['type'] == 'qemu' and r['status'] == 'running' and not r.get('template')))")
node=$1 vm=$2

sock="px-topap-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -t t -p; }
wait_for() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { tm send-keys -t t "$@"; }
esc() { sleep 0.2; keys Escape; sleep 0.3; }	# alone, not as Alt
row() { screen | grep -E "^ +$1 "; }	# row ID: the view's row of approval ID
# cursor ID: move the cursor to approval ID (Enter shows whose row)
cursor() {
	keys g
	i=0
	while [ $i -lt 10 ]; do
		keys Enter
		if wait_for "^Approval request $1:" 5; then
			esc
			return 0
		fi
		esc
		keys j
		i=$((i + 1))
	done
	return 1
}
cleanup_top() {
	tm kill-server 2>/dev/null
	if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi
	cleanup
}
trap cleanup_top EXIT

# --- queued by alice, asked on Telegram by the daemon
USER=alice px stop -y --approve-async "$vm" >/dev/null 2>&1
is "$(state 1)" pending "alice's stop is queued"
is "$(field 1 policy)" ops "under [policy ops]"
dstart
wait_state 1 asked; ok $? "the daemon asks on Telegram"

PS1='$ ' tm new-session -d -s t -x 160 -y 40 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; USER=bob pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"
keys A
wait_for '^Approvals: 1 waiting' 50; ok $? "A: the approvals view, one waiting" || screen | sed 's/^/#   | /'
r=$(row 1)
like "$r" "asked +[0-9]+[smh] +alice@" "its state, age and requester"
like "$r" "stop guest +stop VM $vm" "what it does"
like "$r" " ops +a/d$" "its policy; bob may answer it"
keys Enter
wait_for "^Approval request 1: stop VM $vm" 30; ok $? "Enter shows the request"
like "$(screen)" "POST /nodes/$node/qemu/$vm/status/stop" "method and path"
like "$(screen)" "may approve \(a\) or deny \(d\)" "and that bob may answer it"
esc
keys a
wait_for "Approve request 1 .* as bob@" 30; ok $? "a asks for a confirmation" || screen | sed "s/^/#   | /"
is "$(state 1)" asked "nothing changed before y"
keys y
wait_state 1 done failed; ok $? "approved in pxtop: the daemon carries it out"
is "$(state 1)" done "done"
like "$(field 1 approver)" "^bob@.* via pxtop$" "the approver is bob via pxtop"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/stop")" 1 "the stop sent once"
is "$(vmstatus "$node" "$vm")" stopped "the VM is stopped"
audit=$(px audit log -j)
like "$audit" "approved by bob@[^\"]* via pxtop" "the audit log names bob as the approver"
like "$audit" "\"user\": *\"bob@[^\"]* via pxtop\"" "the answer itself is audited as bob's"
wait_for 'request 1 approved by bob@' 30; ok $? "the status line says so"

# --- denied: nothing sent
USER=alice px start -y --approve-async "$vm" >/dev/null 2>&1
wait_state 2 asked; ok $? "alice's start is asked"
wait_for '^ +2 asked' 50; ok $? "pxtop shows it on its refresh"
cursor 2; ok $? "the cursor on it"
keys d
wait_for "Deny request 2" 30; ok $? "d asks for a confirmation"
keys y
wait_state 2 denied; ok $? "denied"
sleep 2
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent"
is "$(vmstatus "$node" "$vm")" stopped "the VM still stopped"
like "$(px audit log -j)" "denied by bob@[^\"]* via pxtop" "the denial audited with bob's name"
# the daemon's Telegram message for it says so, once, buttons gone
tmsgs() { simctl GET telegram/messages | pyd "$1"; }
m2=$(tmsgs "[x['message_id'] for x in d if 'approval 2;' in x['text']][0]")
text2() { tmsgs "[x['text'] for x in d if x['message_id'] == $m2][0]"; }
i=0
while ! text2 | grep -q DENIED && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
like "$(text2)" "DENIED by bob@[^ ]* via pxtop" "the Telegram message says bob denied it in pxtop"
is "$(tmsgs "'reply_markup' in [x for x in d if x['message_id'] == $m2][0]")" \
    False "its buttons are gone"
sleep 2
is "$(tmsgs "[x['edits'] for x in d if x['message_id'] == $m2][0]")" 1 "edited once"
dstop

# --- pxtop's own operation waiting on Telegram ([policy ops] is sync)
msgs() { simctl GET telegram/messages | pyd "$1"; }
n0=$(msgs 'len(d)')
keys 3; wait_for '^Guests: ' 50
keys / "$vm" Enter Space; esc
keys s; wait_for "start .*ready" 100; ok $? "pxtop queues a start of the VM" || screen | sed 's/^/#   | /'
keys y; wait_for 'Run 1 operation' 30; keys y
i=0; while [ "$(msgs 'len(d)')" = "$n0" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(msgs 'len(d)')" != "$n0" ]; ok $? "the gate asks on Telegram and waits"
keys A
wait_for '^ +Q#[0-9]+ +telegram .*on Telegram$' 50; ok $? "A lists pxtop's own waiting operation" || screen | sed 's/^/#   | /'
wait_for '1 of pxtop.s own on Telegram' 20; ok $? "counted in the title"
simctl POST telegram/press "message_id=$(msgs 'd[-1]["message_id"]')&button=1" >/dev/null
i=0; while screen | grep -Eq '^ +Q#' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
screen | grep -Eq '^ +Q#'; is $? 1 "denied on Telegram: no longer listed"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent"

# --- bob's own request: four eyes
USER=bob px start -y --approve-async "$vm" >/dev/null 2>&1
is "$(state 3)" pending "bob's own start queued"
wait_for '^ +3 pending' 50; ok $? "shown"
like "$(row 3)" "yours: deny only" "marked as bob's own"
cursor 3; ok $? "the cursor on it"
keys a
wait_for 'refused: four eyes' 30; ok $? "a is refused: four eyes"
is "$(state 3)" pending "and it stays pending"

# --- no policy asked (only --approve-async): not for pxtop to answer
USER=alice px reboot -y --approve-async "$vm" >/dev/null 2>&1
wait_for '^ +4 pending' 50; ok $? "a request no policy names is shown"
like "$(row 4)" "not an approver" "marked: not an approver"
cursor 4; ok $? "the cursor on it"
keys a
wait_for 'refused: no \[policy\] asked' 30; ok $? "a is refused, saying why"
is "$(state 4)" pending "it stays pending"

# --- a tampered row
USER=alice px start -y --approve-async "$vm" >/dev/null 2>&1
sqlite3 "$XDG_DATA_HOME/px/approvals.db" \
    "UPDATE approvals SET request = replace(request, 'status/start', 'status/stop') WHERE id = 5"
wait_for '^ +5 TAMPERED' 50; ok $? "a tampered row is shown as such"
like "$(row 5)" "never approved" "never to be approved"
cursor 5; ok $? "the cursor on it"
keys a
wait_for 'refused: approval request 5 does not match its seal' 30; ok $? "a is refused"
is "$(state 5)" pending "nothing changed"
is "$(writes "/api2/json/nodes/$node/qemu/$vm/status/start")" 0 "nothing sent"
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
done_testing
