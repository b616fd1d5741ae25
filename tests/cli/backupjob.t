#!/bin/sh
# px backupjob: the life cycle of a job in every format, schedules
# checked before sending, run now on the nodes with covered guests, the
# only-job risk, read-only and freeze, a 403.
. "$(dirname "$0")/lib.sh"
sim_start
base=$(cat "$PX_CONFIG")
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
formats() {	# formats NAME ARGS...
	name=$1; shift
	run px "$@"
	is "$rc" 0 "$name: exit 0"
	run px "$@" -j
	ok $(json_ok "$out" && echo 0 || echo 1) "$name -j is valid JSON"
	run px "$@" -f jsonl
	ok $(jsonl_ok "$out" && echo 0 || echo 1) "$name -f jsonl: JSON lines"
	run px "$@" -f tsv
	ok $([ "$rc" -eq 0 ] && [ -n "$out" ] && echo 0 || echo 1) "$name -f tsv prints rows"
}
writes() { sim_log | grep -Ecv '^GET '; }

# --- create -> list/show -> set -> delete
run px backupjob create --id web --schedule 'mon..fri 02:30' --vmid 100,101 \
	--storage local --mode snapshot --comment 'web tier' -y
is "$rc" 0 "create: exit 0"
like "$(sim_log)" 'POST /api2/json/cluster/backup .* 200' "create: POST /cluster/backup"
formats "backupjob list" backupjob list
run px backupjob list -f tsv -H -c id,enabled,schedule,guests,comment
like "$out" "web	1	mon..fri 02:30	100,101	web tier" "list: the new job"
formats "backupjob show" backupjob show web
run px backupjob show web -j
like "$out" '"vmid":"100,101"' "show -j: its guests"
run px backupjob set web --schedule 'sat *-1..7 15:00' --comment 'monthly'
is "$rc" 0 "set: exit 0"
run px backupjob show web -f tsv -H
like "$out" "schedule	sat \*-1..7 15:00" "set: the new schedule"
like "$out" "comment	monthly" "set: the new comment"
formats "backupjob included" backupjob included web
run px backupjob included web -f tsv -H -c vmid
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "100 101 " "included: the job's guests"
formats "backupjob not-backed-up" backupjob not-backed-up
run px backupjob show nosuchjob
is "$rc" 5 "show of an unknown job: exit 5"

# --- a malformed schedule: exit 2, nothing sent
simctl DELETE log >/dev/null
run px backupjob create --schedule 'mon..fry 02:30' --all -y
is "$rc" 2 "a bad weekday: exit 2"
like "$err" "unknown weekday 'fry'" "names what is wrong"
run px backupjob set web --schedule '25:00'
is "$rc" 2 "a bad hour: exit 2"
like "$err" "hour 25 is out of range" "names what is wrong"
is "$(sim_log | grep -c .)" 0 "nothing was sent"
# pxsim refuses one too, as PVE does
run px backupjob set web --raw schedule=mon..fry
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "pxsim refuses a bad calendar event"
like "$err" "invalid calendar event 'mon..fry'" "with PVE's message"
run px backupjob create --vmid 1x -y
is "$rc" 2 "a bad VMID: exit 2"

# --- -n sends nothing
simctl DELETE log >/dev/null
run px backupjob set web --comment x -n
is "$rc" 0 "set -n: exit 0"
run px backupjob delete web -n
is "$rc" 0 "delete -n: exit 0"
is "$(writes)" 0 "-n: nothing was written"

# --- enable / disable
run px backupjob disable web -y
is "$rc" 0 "disable: exit 0"
like "$err" "BackupJobDisable" "disable: warned"
run px backupjob show web -f tsv -H
like "$out" "enabled	0" "disabled"
run px backupjob enable web
is "$rc" 0 "enable: exit 0"
run px backupjob show web -f tsv -H
like "$out" "enabled	1" "enabled again"

# --- run now: vzdump on the nodes of the covered guests
simctl DELETE log >/dev/null
run px backupjob run web
is "$rc" 0 "run: exit 0"
like "$(sim_log)" 'POST /api2/json/nodes/pve[0-9]+/vzdump .* 200' "run: POST /nodes/{node}/vzdump"
is "$(sim_log | grep -c 'POST /cluster')" 0 "run: the job itself unchanged"
like "$out" "run +ok" "run: rows ok"

# --- the only job covering some guests: severe, exit 6
nightly=$(px backupjob list -f tsv -H -c id,comment | awk -F'\t' '$2 == "nightly" { print $1 }')
simctl DELETE log >/dev/null
run px backupjob delete "$nightly" -y
is "$rc" 6 "deleting the only job of some guests: exit 6"
like "$err" "OnlyBackupJob" "names the risk"
like "$err" "only job that backs up [0-9]+ guests: (VM|CT) [0-9]+" "and the guests"
is "$(writes)" 0 "nothing was deleted"
run px backupjob disable "$nightly" -y
is "$rc" 6 "disabling it: exit 6 as well"
# web's guests 100 and 101 are covered by nightly too: only a warning
run px backupjob delete web -y
is "$rc" 0 "a job whose guests others cover: deleted"
like "$err" "BackupJobDelete" "with a warning"
unlike "$err" "OnlyBackupJob" "and no severe finding"
run px backupjob show web
is "$rc" 5 "deleted: show exits 5"

# --- read-only profile and freeze: exit 8
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px backupjob create --schedule daily --all -y
is "$rc" 8 "read-only profile: create exits 8"
run px backupjob delete "$nightly" -y --allow-risk
is "$rc" 8 "read-only profile: delete exits 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "storage migration" --ttl 1h >/dev/null 2>&1
simctl DELETE log >/dev/null
run px backupjob run "$nightly"
is "$rc" 8 "frozen: run exits 8"
run px backupjob set "$nightly" --comment x
is "$rc" 8 "frozen: set exits 8"
is "$(writes)" 0 "no write reached pxsim"
px incident thaw --reason done >/dev/null 2>&1

# --- 403 from PVE: exit 4 with its message
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px backupjob create --schedule daily --all -y
is "$rc" 4 "the auditor may not create: exit 4"
like "$err" "Permission check failed" "with PVE's message"
PX_CONFIG="$T/aud.conf" run px backupjob list
is "$rc" 0 "the auditor may list"

# --- and with --allow-risk the only job goes
run px backupjob delete "$nightly" -y --allow-risk
is "$rc" 0 "--allow-risk: deleted"
run px backupjob not-backed-up -f tsv -H -c vmid
ok $([ "$(printf '%s\n' "$out" | grep -c .)" -gt 5 ] && echo 0 || echo 1) "its guests are no longer backed up"

done_testing
