#!/bin/sh
# px fleet in tmux: a profile that answers and one that does not (shown
# down, the other unaffected), Tab, sort, Enter opening pxtop, q; a
# profile that was up and then hangs shows as stale, and recovers.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 30
cat >>"$PX_CONFIG" <<CONF

[profile dead]
url = https://127.0.0.1:1
user = root@pam
auth = token
token_id = px
token_secret = x
insecure = yes
CONF
sock="px-fleet-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -t f -p; }
wait_for() {
	_wait_for "$@" && return 0
	echo "# screen:"; screen | sed "s/^/#   /"; return 1
}
_wait_for() {
	i=0
	while [ $i -lt "${2:-50}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { tm send-keys -t f "$@"; }
cleanup_fleet() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_fleet EXIT
PS1='$ ' tm new-session -d -s f -x 150 -y 30 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; px fleet 2>/dev/null; echo EXIT=\$?" Enter
wait_for '^sim +up +3/3 +[0-9]+/30' 100; ok $? "the answering profile is up with its summary"
wait_for '^dead +down .*(connect|Connection)' 100; ok $? "the other shows as down with its error"
wait_for '^Guests of the whole fleet: 30'; ok $? "the guest table aggregates the fleet"
keys j Tab; wait_for '^Guests of dead: 0'; ok $? "Tab shows the selected cluster's guests"
keys k Tab s; wait_for 'sort name'; ok $? "s cycles the sort"
keys / web Enter; wait_for 'filter: web'; ok $? "/ filters"
keys Enter; wait_for '^ pxtop  sim' 100; ok $? "Enter opens pxtop on the selected cluster"
keys q; wait_for '^Guests of the whole fleet: ' 100; ok $? "q in pxtop comes back to fleet"
keys q; wait_for '^EXIT=0'; ok $? "q leaves fleet, exit 0"
keys "clear; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo :STTY" Enter
wait_for '^icanon echo :STTY' 30; ok $? "the terminal is in cooked mode"
run px fleet </dev/null
is "$rc" 2 "without a terminal: exit 2"
unset out err rc

# First contact in parallel.  Before the answering profile, in config
# order: "hung", where TLS never starts (a listener that never accepts,
# with a fingerprint, so first contact is a probe that waits for its
# timeout), and "slow", a second pxsim with 5 s of latency on a password
# profile (first contact is a login, then each fetch waits 5 s).  Asked
# one after the other, the answering profile would wait for both; asked
# in parallel, it is up while they are still connecting.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$T/hung.port" &
hung_pid=$!
sim_spawn "$T/sim2" --guests 5 --latency 5000
sim2_pid=$(cat "$T/sim2.pid")
i=0
while [ ! -s "$T/hung.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
cleanup_fleet() {
	tm kill-server 2>/dev/null
	kill "$hung_pid" "$sim2_pid" 2>/dev/null
	cleanup
}
{
	cat <<CONF
[profile hung]
url = https://127.0.0.1:$(cat "$T/hung.port")
user = root@pam
auth = token
token_id = px
token_secret = x
fingerprint = 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF
connect_timeout = 10

CONF
	pxsim -d "$T/sim2" --print-config --auth password |
	    sed -n '/^\[profile/,$p' | sed 's/^\[profile sim\]/[profile slow]/'
	echo
	pxsim -d "$SIM_DIR" --print-config | sed -n '/^\[profile/,$p'
} >"$T/px2.conf"
chmod 600 "$T/px2.conf"
keys "clear; PX_CONFIG=$T/px2.conf px fleet 2>/dev/null; echo EXIT=\$?" Enter
wait_for '^sim +up +3/3' 100
ok $? "the answering profile is up"
s=$(screen)
like "$s" '^hung +\.\.\. .*connecting' "at that moment the hung profile is still connecting"
like "$s" '^slow +\.\.\. ' "and the slow one is not up yet"
like "$s" '^ px fleet  3 profiles: 1 up, 0 down, 2 waiting' "the bar counts them"
wait_for '^hung +down .*([Tt]ime|timed out)' 300
ok $? "the hung profile shows as down once its timeout passes"
wait_for '^slow +up +3/3 +[0-9]+/5 ' 300
ok $? "the slow profile comes up when it answers"
wait_for '^sim +up +3/3 +[0-9]+/30'
ok $? "the answering profile stayed up"
keys q; wait_for '^EXIT=0' 50; ok $? "q quits, exit 0"

# q does not wait for a first contact still on its way.
keys "clear; PX_CONFIG=$T/px2.conf px fleet 2>/dev/null; echo EXIT=\$?" Enter
wait_for '^sim +up +3/3' 100 && wait_for '^hung +\.\.\. .*connecting' 10
ok $? "again, the hung profile is connecting"
keys q; wait_for '^EXIT=0' 60
ok $? "q quits before its timeout, exit 0"

# A profile that was up, then hangs (TCP accepted, no answer): stale, its
# last data kept, after max(3 refreshes, 10 s) -- long before the hung
# fetch times out (20 s here, then retried: 60 s by default, 4 times).
# Answering again, it is up again.  Bounds are generous, not timings.
pxsim -d "$SIM_DIR" --print-config | sed 's/^url = .*/&\ntimeout = 20/' >"$T/px3.conf"
chmod 600 "$T/px3.conf"
keys "clear; PX_CONFIG=$T/px3.conf px fleet -d 1 2>/dev/null; echo EXIT=\$?" Enter
wait_for '^sim +up +3/3 +[0-9]+/30' 100
ok $? "up"
simctl POST fault 'rate=1&mode=hang&prefix=/cluster/resources' >/dev/null
wait_for '^sim +stale +3/3 +[0-9]+/30 .*no answer for [0-9]+s' 300
ok $? "/cluster/resources hangs: stale, no answer for N s, its figures kept"
like "$(screen)" '^ px fleet  1 profiles: 0 up, 1 down \(1 not answering\)' "counted as down"
like "$(screen)" '^sim +1[0-9][0-9] +[a-z]' "its guests stay in the table"
simctl DELETE fault >/dev/null
wait_for '^sim +up +3/3 +[0-9]+/30' 400
ok $? "the fault cleared, the retry answers: up again"
unlike "$(screen)" 'no answer' "no longer marked"
keys q; wait_for '^EXIT=0' 50; ok $? "q quits, exit 0"
# --- a terminal without cursor addressing (a pseudo-terminal via script)
for term in dumb vt52; do
	out=$(TERM=$term script -qec 'px fleet; echo RC=$?' /dev/null 2>&1 </dev/null | tr -d '\r')
	like "$out" 'RC=1$' "TERM=$term: exit 1, no abort"
	like "$out" 'cannot address the cursor' "TERM=$term: and says why"
done
done_testing
