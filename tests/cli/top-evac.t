#!/bin/sh
# pxtop's E end to end in tmux against pxsim: the evacuation plan of a
# node (targets, HA, blockers), l for local disks, a read-only profile
# refusing, the dialog, the run through the gate with each guest in the
# queue, every guest off the node in pxsim and the change in the audit
# log.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start
src=pve3
on() { px ls guests -H -f tsv -c vmid,node | awk -v n="$1" '$2 == n { print $1 }'; }
for v in $(px ls guests -H -f tsv -c vmid,node,lock | awk -v n="$src" '$2 == n && $3 != "" { print $1 }'); do
	sim_api PUT "nodes/$src/qemu/$v/config" 'delete=lock&skiplock=1' >/dev/null
done
n=$(on $src | wc -l)
awk '/^\[/ { p = $0 == "[profile sim]" } p' "$PX_CONFIG" | sed 's/^\[profile sim\]/[profile ro]/' >"$T/ro"
{ cat "$T/ro"; echo "read_only = yes"; } >>"$PX_CONFIG"

sock="px-top-evac-$$"
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
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 160 -y 45 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2

# --- read-only: the plan, no run
keys "clear; pxtop -p ro; echo EXIT=\$?" Enter
wait_for 'Cluster ro' 100
keys 2; wait_for '^NAME +STATUS +CPU'
keys j j E
wait_for "^Evacuate $src: $n guests" 200; ok $? "E on $src shows its plan: $n guests"
keys y; wait_for 'refused: profile ro is read-only'; ok $? "read-only: y is refused"
keys q; wait_for '^EXIT=0'

# --- the plan, blockers, l
simctl DELETE log >/dev/null
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim' 100
keys 2; wait_for '^NAME +STATUS +CPU'
keys j j E
wait_for "^Evacuate $src: $n guests, [0-9]+ HA-managed, [1-9][0-9]* blocked" 200; ok $? "the plan: guests, HA, blocked"
like "$(screen)" "VMID +NAME +STATUS +HA +TARGET +STATE +BLOCKER" "a row per guest: target, HA, state, blocker"
like "$(screen)" "blocked +.*local disk" "a guest with a local disk is blocked"
like "$(screen)" " HA +pve[12]( |$)" "an HA-managed guest with its target"
keys y; wait_for 'refused: [0-9]+ guests? cannot move'; ok $? "blocked: y is refused"
keys l; wait_for "^Evacuate $src: $n guests, [0-9]+ HA-managed, 0 blocked.*local disks copied along" 200; ok $? "l: local disks along, nothing blocked"
is "$(sim_log | grep -cE '^(POST|PUT|DELETE) /api2')" 0 "nothing sent yet"

# --- the dialog, the run
keys y; wait_for "Evacuate $src on profile sim: move $n guests"; ok $? "y opens the dialog"
keys n; wait_for 'not confirmed: nothing was sent'; ok $? "n cancels"
keys y; wait_for "through the gate\\?"
keys y
wait_for "evacuated $src: $n guests? moved" 600; ok $? "the run ends: every guest moved"
is "$(on $src | wc -l)" 0 "no guest left on $src in pxsim"
ok $([ "$(sim_log | grep -c '^POST /api2/json/cluster/ha/resources/vm%3A[0-9]*/migrate ')" -gt 0 ] && echo 0 || echo 1) "HA-managed guests moved through HA"
keys Q; wait_for '^Operation queue'
like "$(screen)" "ha-migrate" "the queue lists each guest's move"
run px audit log -f tsv -H
like "$out" "evacuate	vm/[0-9]+	" "the evacuation is audited per guest"
keys q; wait_for '^EXIT=0'; ok $? "pxtop quits"
done_testing
