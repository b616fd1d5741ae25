#!/bin/sh
# px fleet in tmux: a profile that answers and one that does not (shown
# down, the other unaffected), Tab, sort, Enter opening pxtop, q.
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
keys q; wait_for '^EXIT=0'; ok $? "q leaves pxtop, exit 0"
keys "clear; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo :STTY" Enter
wait_for '^icanon echo :STTY' 30; ok $? "the terminal is in cooked mode"
run px fleet </dev/null
is "$rc" 2 "without a terminal: exit 2"
done_testing
