#!/bin/sh
# px doctor: the gate's state (freeze, audit log, approval) and PBS
# profiles, as warnings that do not fail the critical checks.
. "$(dirname "$0")/lib.sh"
sim_start --pbs 127.0.0.1:0
run px doctor
is "$rc" 0 "doctor passes against pxsim with a PBS listener"
like "$out" 'pbs sim +PASS +Proxmox Backup Server' "the PBS profile is checked"
like "$out" 'freeze +PASS' "no freeze"
like "$out" 'audit log +PASS +no entries yet' "no audit log yet"
like "$out" 'approval +PASS' "no policy"
px incident freeze --reason "disk trouble" >/dev/null 2>&1
run px doctor
is "$rc" 0 "a freeze is a warning, not a failure"
like "$out" 'freeze +WARN +sim is frozen by .*: disk trouble' "and says who and why"
like "$out" 'audit log +PASS .*1 entries, chain intact' "the freeze was audited"
sqlite3 "$XDG_DATA_HOME/px/audit.db" "update audit set result='x' where id=1"
run px doctor
like "$out" 'audit log +WARN .*broken at entry 1' "a tampered audit log is reported"
printf '\n[policy careful]\naction = stop\n' >>"$PX_CONFIG"
run px doctor
like "$out" 'approval +WARN +1 \[policy\] sections but no complete \[telegram\]' "a policy without Telegram is reported"
sed -i '/^\[pbs sim\]/,/^$/s/^token_secret = .*/token_secret = wrong/' "$PX_CONFIG"
run px doctor
is "$rc" 0 "a failing PBS profile does not fail doctor"
like "$out" 'pbs sim +WARN' "but is reported"
done_testing
