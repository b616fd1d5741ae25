#!/bin/sh
# pxtop's agent broadcast (X) under a [policy] that asks a human for
# exec: one approval for the whole batch (one Telegram message, through
# pxsim's Bot API fake), after which every guest's command runs; a
# denial runs none and says so.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 40 --telegram
pyd() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin)['data']; print($1)"; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
cfg() { px config "$1" -f tsv | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
token=$(simctl GET telegram | pyd 'd["token"]')
chat=$(simctl GET telegram | pyd 'd["chat_id"]')
approver=$(simctl GET telegram | pyd 'd["approver"]')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
printf '%s\n' "$token" >"$T/bot.token"
chmod 600 "$T/bot.token"
{
	printf '\n[telegram]\nbot_token_file = %s\nchat_id = %s\n' "$T/bot.token" "$chat"
	printf 'approver = %s\napi_url = %s\nfingerprint = %s\n' "$approver" "$SIM_URL" "$fp"
	printf '\n[policy guest-commands]\naction = exec\ntimeout = 60\n'
} >>"$PX_CONFIG"
msgs() { simctl GET telegram/messages | pyd "$1"; }
vms=
for v in $(px ls guests -j | py "
for g in sorted(d, key=lambda g: g['vmid']):
    if g['type'] == 'qemu' and g['status'] == 'running' and not g['lock'] and not g['ha']:
        print(g['vmid'])"); do
	case $(cfg "$v" agent) in
	1*|*enabled=1*) vms="$vms $v" ;;
	esac
done
set -- $vms
g1=${1-}; g2=${2-}
[ -n "$g1" ] && [ -n "$g2" ] || { echo "Bail out! no two VMs with an agent"; exit 1; }

sock="px-topxa-$$"
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
esc() { sleep 0.2; keys Escape; sleep 0.3; }
wait_msgs() {	# wait_msgs N: until the bot posted N messages
	i=0
	while [ "$(msgs 'len(d)')" != "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(msgs 'len(d)')" = "$1" ]
}
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 160 -y 45 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"

broadcast() {	# broadcast COMMAND: X on g1 and g2, previewed, confirmed
	keys 3; wait_for '^Guests: 40 of 40'
	for g in "$g1" "$g2"; do keys / "$g" Enter Space; esc; done
	keys X; wait_for '^exec on the guest agents: _'
	keys -l "$1"; keys Enter
	wait_for "exec $1 +ready +ok" 100
	keys y; wait_for 'Run 2 operations'; keys y
}

simctl DELETE log >/dev/null
broadcast hostname
wait_msgs 1; ok $? "one approval asked for the batch"
t=$(msgs 'd[-1]["text"]')
like "$t" "policy: guest-commands" "under the policy"
like "$t" "exec" "for exec"
like "$t" "$g1" "naming the first VM"
like "$t" "$g2" "and the second"
is "$(sim_log | grep -c '/agent/exec ')" 0 "nothing runs while it waits"
keys A
wait_for '2 of pxtop.s own on Telegram' 50; ok $? "A lists both waiting commands" || screen | sed 's/^/#   | /'
keys x
simctl POST telegram/press "message_id=$(msgs 'd[-1]["message_id"]')&button=0" >/dev/null
wait_for '^Agent broadcast: hostname +\(2 guests: 2 done' 100; ok $? "approved: both commands ran" || screen | sed 's/^/#   | /'
is "$(msgs 'len(d)')" 1 "still one message: one approval for both"
like "$(px audit log -j)" "approved" "the audit log records the approval"

# --- denied: none runs
simctl DELETE log >/dev/null
esc
broadcast uptime
wait_msgs 2; ok $? "the next broadcast asks again"
simctl POST telegram/press "message_id=$(msgs 'd[-1]["message_id"]')&button=1" >/dev/null
wait_for '^Agent broadcast: uptime +\(2 guests: 0 done, 0 failed, 2 refused' 100; ok $? "denied: both refused" || screen | sed 's/^/#   | /'
like "$(screen)" "refused .*denied" "with the denial"
is "$(sim_log | grep -c '/agent/exec ')" 0 "and nothing was run"
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
done_testing
