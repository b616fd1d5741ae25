#!/bin/sh
# pxtop's guest compare (D), HA console (O) and profile picker (P) end to
# end in tmux against pxsim: two guests compared side by side (a value
# with an escape sequence shown sanitized), the differences stepped
# through; an HA resource's state set and the resource migrated through
# the gate, seen in pxsim and in the failover history; and a switch to a
# second pxsim's profile and back inside the same process.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 20
# a second cluster, profile "other": two nodes, six guests
sim_spawn "$T/sim2" --task-seconds 0 --nodes 2 --guests 6 --seed 7
SIM2_PID=$(cat "$T/sim2.pid")
pxsim -d "$T/sim2" --print-config | awk '/^\[profile sim\]/ { p = 1; print "[profile other]"; next } /^\[/ { p = 0 } p' >>"$PX_CONFIG"
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
set -- $(px ls guests -j | py "
n = 0
for g in sorted(d, key=lambda g: g['vmid']):
    if g['type'] == 'qemu' and n < 2:
        print(g['vmid'], g['node']); n += 1")
g1=${1-}; n1=${2-}; g2=${3-}; n2=${4-}
[ -n "$g1" ] && [ -n "$g2" ] || { echo "Bail out! pxsim has no two VMs"; exit 1; }
# a known difference, and a value that would drive the terminal
sim_api PUT "nodes/$n1/qemu/$g1/config" "memory=3072&description=pxtop%1B%5B2Jtest%0D%0Anext" >/dev/null
sim_api PUT "nodes/$n2/qemu/$g2/config" "memory=5120" >/dev/null
like "$(px config "$g1" -f tsv -H -c key,value | grep '^memory')" "3072" "the first guest has 3 GiB"
ha=$(px ha resources -f tsv -H -c sid,node,state | head -1)
sid=${ha%%	*}; rest=${ha#*	}; hnode=${rest%%	*}
[ -n "$sid" ] || { echo "Bail out! pxsim has no HA resource"; exit 1; }
hvmid=${sid#*:}

sock="px-topv-$$"
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
pxtop_pid() { pgrep -P "$(tm display -p -t t '#{pane_pid}')" | head -1; }
cleanup_top() { tm kill-server 2>/dev/null; kill "$SIM2_PID" 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 160 -y 45 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"

# --- guest compare
keys 3 D; wait_for 'D compares the configs of marked guests'; ok $? "D with nothing marked says how to compare"
keys / "$g1" Enter Space; esc; keys / "$g2" Enter Space; esc
wait_for 'marked 2'; ok $? "two guests marked"
keys D; wait_for '^Compare 2 guests: [0-9]+ keys, [0-9]+ differ' 100; ok $? "D compares their configs"
like "$(screen)" "$g1 [^ ]+ \\($n1\\) +$g2 [^ ]+ \\($n2\\)" "one column per guest, with its node"
wait_for "^\\* memory +3072 +5120" 50; ok $? "a differing key is marked * with both values"
like "$(screen)" "^! description +pxtop\\?\\[2Jtest\\? next +\\(absent\\)" "a key on one guest only is marked !; its escape sequence and CR/LF are shown sanitized"
like "$(screen | head -1)" "pxtop  sim " "the screen was not cleared by the value"
keys = ; wait_for 'differences only'; ok $? "= shows the differences only"
unlike "$(screen | grep -E '^  cores ')" "." "a key with the same value is hidden"
keys = ; sleep 0.2
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do keys +; done
wait_for 'no further difference'; ok $? "+ steps through the differences to the last"
esc; wait_for '^Guests: '; ok $? "Esc goes back to the guests"
keys u

# --- HA console
keys O; wait_for '^HA: [1-9][0-9]* resources' 100; ok $? "O opens the HA console"
like "$(screen)" "master pve1 +quorate" "with the master and the quorum"
like "$(screen)" "nodes: pve1 online, pve2 online, pve3 online" "and the manager's nodes"
wait_for "^$sid +[^ ]+ +$hnode +started +started"; ok $? "the resource: node, requested and current state"
like "$(screen)" "Failover history: 0 transitions seen since" "an empty failover history"
keys s; wait_for "set the HA state of $sid to: _"; ok $? "s asks for the state"
keys stopped Enter
wait_for "^[0-9]+ +$hvmid .* ha-state stopped +ready +Warning HaStateStopsGuest" 100; ok $? "it goes to the queue with its pre-flight preview"
keys y; wait_for 'Run 1 operation through the gate on profile sim\?'; ok $? "y asks for confirmation"
keys y; wait_for "^[0-9]+ +$hvmid .* ha-state stopped +ok .*done" 100; ok $? "the state change is done"
is "$(px ha resources -f tsv -H -c sid,state | awk -v s="$sid" '$1 == s { print $2 }')" stopped "pxsim has the new state"
like "$(px audit log -f tsv -H 2>/dev/null | grep "ha-resource/$sid" | tail -1)" "result" "the gate audited it"
to=pve1; [ "$hnode" = pve1 ] && to=pve2
keys O; wait_for "^$sid .* stopped "; keys m; wait_for "migrate $sid to node: _"
keys "$to" Enter
wait_for "^[0-9]+ +$hvmid .* ha-migrate $to +ready" 100; ok $? "m queues an HA migration"
keys y y; wait_for "^[0-9]+ +$hvmid .* ha-migrate $to +ok" 100; ok $? "and it is done"
is "$(px ls guests -f tsv -H -c vmid,node | awk -v v="$hvmid" '$1 == v { print $2 }')" "$to" "the guest is on $to in pxsim"
keys O; wait_for "$sid moved $hnode -> $to" 100; ok $? "the failover history shows the move"
keys m; keys pve9 Enter; wait_for "no node 'pve9' in the cluster"; ok $? "an unknown node queues nothing"

# --- profile picker
pid=$(pxtop_pid)
keys c; keys P; wait_for '^Profiles: 2 PVE profiles in px.conf; pxtop shows sim'; ok $? "P lists the profiles"
like "$(screen)" "> sim .*\\(shown\\)" "the one shown is marked"
keys j Enter; wait_for '^ pxtop  other  nodes 2/2  guests [0-9]+/6 running' 100; ok $? "Enter switches to the other cluster"
wait_for 'Cluster other: healthy' 50; ok $? "its dashboard"
is "$(pxtop_pid)" "$pid" "in the same process"
keys 3; wait_for '^Guests: 6 of 6'; ok $? "its guests"
keys O; wait_for '^HA: [0-9]+ resources, .*master pve1' 100; ok $? "its HA console"
keys P; wait_for '> other .*\(shown\)'; keys k Enter
wait_for '^ pxtop  sim  nodes 3/3  guests [0-9]+/20 running' 100; ok $? "and back to sim"
keys O; wait_for "^$sid .* stopped " 100
keys s; keys started Enter; wait_for "^[0-9]+ +$hvmid .* ha-state started +ready" 100
keys y y; wait_for "^[0-9]+ +$hvmid .* ha-state started +ok .*done" 100; ok $? "after the switches, changes go through the gate on sim"
is "$(px ha resources -f tsv -H -c sid,state | awk -v s="$sid" '$1 == s { print $2 }')" started "pxsim has the state back"
keys c
keys : "profile nosuch" Enter; wait_for "cannot switch to profile nosuch: no profile 'nosuch'"; ok $? "an unknown profile is refused"
like "$(screen | head -1)" "pxtop  sim " "and pxtop stays on sim"
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
done_testing
