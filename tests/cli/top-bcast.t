#!/bin/sh
# pxtop's agent broadcast (X) end to end in tmux against pxsim: one
# command on two marked running VMs and a stopped one (refused, nothing
# sent to it), previewed, confirmed once, run through the gate (audited),
# both outputs in the result view; a VM whose agent prints terminal
# controls shown sanitized; Esc back, x back to the results.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 40
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
cfg() { px config "$1" -f tsv | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
pick() {
	px ls guests -j | py "
for g in sorted(d, key=lambda g: g['vmid']):
    if g['type'] == '$1' and g['status'] == '$2' and not g['lock'] and not g['ha']:
        print(g['vmid'], g['name'])"
}
vms=
for v in $(pick qemu running | cut -d' ' -f1); do
	case $(cfg "$v" agent) in
	1*|*enabled=1*) vms="$vms $v" ;;
	esac
done
noagent=
for v in $(pick qemu running | cut -d' ' -f1); do
	case $(cfg "$v" agent) in
	1*|*enabled=1*) ;;
	*) noagent=$v; break ;;
	esac
done
set -- $vms
g1=${1-}; g2=${2-}
n1=$(pick qemu running | awk -v v="$g1" '$1 == v { print $2 }')
n2=$(pick qemu running | awk -v v="$g2" '$1 == v { print $2 }')
stopped=$(pick qemu stopped | sed -n '1s/ .*//p')
[ -n "$g1" ] && [ -n "$g2" ] && [ -n "$stopped" ] && [ -n "$noagent" ] || { echo "Bail out! no suitable guests in pxsim"; exit 1; }

sock="px-topx-$$"
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
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 160 -y 45 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"

keys 3; wait_for '^Guests: 40 of 40'
keys x; wait_for 'no broadcast yet'; ok $? "x before any broadcast says how to make one"
simctl DELETE log >/dev/null
for g in "$g1" "$g2" "$stopped"; do keys / "$g" Enter Space; esc; done
wait_for 'marked 3'; ok $? "two running VMs and a stopped one marked"
keys X; wait_for '^exec on the guest agents: _'; ok $? "X asks for the command"
like "$(screen | tail -1)" "no shell" "the footer says the words are split without a shell"
keys -l "hostname"; keys Enter
wait_for '^Operation queue: 2' 50; ok $? "two exec operations queued"
like "$(screen)" "exec on 2 guests queued, 1 refused" "the stopped VM is refused at once"
wait_for "exec hostname +ready +ok" 100; ok $? "previewed: the agents answer" || screen | sed 's/^/#   | /'
unlike "$(screen)" " $stopped .*exec" "the stopped VM is not in the queue"
keys y; wait_for 'Run 2 operations through the gate'; ok $? "y asks once for the batch"
keys y; wait_for '^Agent broadcast: hostname +\(3 guests: 2 done, 0 failed, 1 refused' 100
ok $? "the result view: two done, one refused" || screen | sed 's/^/#   | /'
like "$(screen)" "^[+-] +$g1 .* done +0( |\$)" "the first VM: exit 0"
like "$(screen)" "^[+-] +$g2 .* done +0( |\$)" "the second VM: exit 0"
like "$(screen)" "\\| $n1\$" "the first VM's output, its hostname"
like "$(screen)" "\\| $n2\$" "the second VM's output, its hostname"
like "$(screen)" "^[+-] +$stopped .* refused .*not running" "the stopped VM: refused, not running"
is "$(sim_log | grep -c "^POST /api2/json/nodes/[^/]*/qemu/\\($g1\\|$g2\\)/agent/exec ")" 2 "one POST .../agent/exec per running VM"
is "$(sim_log | grep -c "/qemu/$stopped/agent/exec")" 0 "nothing sent to the stopped VM"
audit=$(px audit log -j)
like "$audit" "\"target\": *\"vm/$g1\"" "the audit log has the first VM's exec"
like "$audit" "\"target\": *\"vm/$g2\"" "and the second's"
like "$audit" "exit 0" "with the command's end"

# Enter closes one guest's output, e opens and closes all
keys g Enter; sleep 0.3
is "$(screen | grep -c -x -F "    | $n1")" 0 "Enter hides the first guest's output"
keys Enter; wait_for "\\| $n1\$" 30; ok $? "Enter shows it again"
keys Escape; wait_for '^Guests: 40 of 40' 30; ok $? "Esc goes back to the guests"
keys x; wait_for '^Agent broadcast: hostname' 30; ok $? "x shows the results again"
keys Escape; wait_for '^Guests: 40 of 40' 30

# hostile: the agent prints an escape sequence and CR/LF
keys / "$g1" Enter; esc
keys X; wait_for '^exec on the guest agents: _'
keys -l "printf '\\033[2Jevil\\r\\nline2\\007\\n'"; keys Enter
wait_for 'exec printf .* ready ' 100; ok $? "one exec queued for the VM under the cursor"
keys y; wait_for 'Run 1 operation'; keys y
wait_for '^Agent broadcast: printf' 100
wait_for '\| \?\[2Jevil$' 50; ok $? "the escape sequence is shown as ?[2J, not obeyed" || screen | sed 's/^/#   | /'
like "$(screen)" "\\| line2\\?\$" "CR/LF ends the line, the bell shows as ?"
like "$(screen | head -1)" "pxtop +sim" "the header is still on screen"

# a command that fails, and a VM without a guest agent
keys 3; wait_for '^Guests: 40 of 40'
for g in "$g1" "$noagent"; do keys / "$g" Enter Space; esc; done
keys X; wait_for '^exec on the guest agents: _'
keys -l "no-such-command --flag"; keys Enter
wait_for "exec no-such-comma +ready +Severe NoAgent" 100; ok $? "the VM without an agent: a Severe finding in the preview" || screen | sed 's/^/#   | /'
keys y; wait_for 'Run 2 operations'; keys y
wait_for '^Agent broadcast: no-such-command .*1 failed, 1 refused' 100; ok $? "one failed, one refused" || screen | sed 's/^/#   | /'
like "$(screen)" "^[+-] +$g1 .* failed +127( |\$)" "the missing command: failed, exit 127"
like "$(screen)" "! sh: 1: no-such-command: not found" "its stderr shown"
like "$(screen)" "^[+-] +$noagent .* refused .*guest agent of VM $noagent does not answer" "the VM without an agent refused by the gate"
is "$(sim_log | grep -c "/qemu/$noagent/agent/exec")" 0 "nothing run on it"
like "$(px audit log -j)" "\"target\": *\"vm/$noagent\",[^}]*\"decision\": *\"refused-precondition\",[^}]*does not answer" "the refusal is audited"

# read-only: X is refused
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
sed -i 's/^\[profile sim\]$/[profile sim]\nread_only = yes/' "$PX_CONFIG"
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100
keys 3; wait_for '^Guests: 40'; keys X
wait_for 'refused: profile sim is read-only .*exec' 30; ok $? "X on a read-only profile is refused"
keys q; wait_for '^EXIT=0'
done_testing
