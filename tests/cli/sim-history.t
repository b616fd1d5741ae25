#!/bin/sh
# pxsim --history DAYS: a fresh simulator with the nightly backups of the
# last days (what make demo shows), read back through px.
. "$(dirname "$0")/lib.sh"

run "$PX_BUILD/bin/pxsim" --history 400 --print-config
is "$rc" 2 "--history over 365 is a usage error"
like "$err" "invalid --history" "and says so"

sim_start --nodes 3 --guests 12 --history 2
run px tasks -f tsv -c node,type,status
is "$rc" 0 "px tasks"
is "$(printf '%s\n' "$out" | grep -c '	vzdump	')" 6 "two nights of three nodes: six vzdump tasks"
is "$(printf '%s\n' "$out" | grep -c 'job errors')" 1 "one ended with job errors"
is "$(printf '%s\n' "$out" | head -1)" "pve3	vzdump	job errors" "the newest: last night, on the last node"
run px tasks --errors -f tsv -c upid
is "$(printf '%s\n' "$out" | grep -c '^UPID:pve3:')" 1 "tasks --errors finds it"
upid=$out
run px task log "$upid"
like "$out" "ERROR: Backup of VM [0-9]+ failed" "its log names the guest that failed"
like "$out" "Backup job finished with errors" "and how the job ended"
run px task status -j "$upid"
like "$out" '"exitstatus": *"job errors"' "its status"
run px task wait --timeout 5 "$upid"
is "$rc" 1 "task wait on it: exit 1"

# Only into an empty task list: a restart keeps the tasks as they are
# and adds no second history.
run px start -y --no-wait "$(px ls guests -f tsv -c vmid,status | awk '$2 == "stopped" {print $1; exit}')"
is "$rc" 0 "a guest starts (a seventh task)"
sleep 1
is "$(px tasks -f tsv | wc -l)" 7 "seven tasks"
sim_stop
sim_start --nodes 3 --guests 12 --history 2
is "$(px tasks -f tsv | wc -l)" 7 "after a restart with --history: still seven"
done_testing
