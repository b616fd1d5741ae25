#!/bin/sh
# px replication status|jobs: every node's replication in one parallel
# round, offline nodes shown as such, --node validated before sending.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

for c in "replication status"; do
	run px $c
	is "$rc" 0 "$c exits 0"
	run px $c -j
	jsonok "$out"; ok $? "$c -j is valid JSON"
	run px $c -f tsv
	is "$rc" 0 "$c -f tsv exits 0"
	simctl DELETE log >/dev/null
	run px $c --node 'pve1/x'
	is "$rc" 2 "$c --node with / exits 2"
	is "$(sim_log | grep -c .)" 0 "$c: nothing sent for a bad node name"
done

# an offline node shows as such, the others still print
simctl POST offline 'node=pve3&offline=1' >/dev/null
run px replication status
is "$rc" 0 "replication status with a node offline exits 0"
like "$out" 'pve3 .*offline' "and shows it offline"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# replication jobs
run px replication jobs -j
is "$rc" 0 "replication jobs exits 0"
is "$(pyq "$out" 'print(all(isinstance(r["guest"], int) for r in d))')" True "guest is an integer"
run px replication bogus
is "$rc" 2 "an unknown view exits 2"

# --- the life cycle: create -> jobs/show -> set -> run -> delete
base=$(cat "$PX_CONFIG")
writes() { sim_log | grep -Ecv '^GET '; }
# a guest with no replication job, and a node it is not on
guest=$(px ls guests --type qemu -f tsv -H -c vmid | head -1)
gnode=$(px ls guests -f tsv -H -c vmid,node | awk -F'\t' -v g="$guest" '$1 == g { print $2 }')
target=$(px ls nodes -f tsv -H -c node | grep -vx "$gnode" | head -1)
id="$guest-7"
run px replication create "$id" --target "$target" --schedule '*/30' --rate 20 --comment first -y
is "$rc" 0 "create: exit 0"
run px replication jobs -f tsv -H -c id,target,schedule,rate
like "$out" "$id	$target	\*/30	20" "jobs: the new job"
for f in "" "-j" "-f jsonl" "-f tsv"; do
	run px replication show "$id" $f
	is "$rc" 0 "show $f: exit 0"
done
run px replication show "$id" -j
like "$out" '"comment":"first"' "show -j: its comment"
like "$out" '"digest":"[0-9a-f]+' "show -j: its digest"
run px replication set "$id" --schedule 'mon..fri 22:00' --comment second
is "$rc" 0 "set: exit 0"
run px replication set "$id" --comment third -n
like "$err$out" "PUT /cluster/replication/$id comment=third&digest=[0-9a-f]+" "set sends PVE's digest"
run px replication show "$id" -f tsv -H
like "$out" "schedule	mon..fri 22:00" "set: the new schedule"
like "$out" "comment	second" "set: the new comment"
run px replication show 99-0
is "$rc" 2 "a malformed job id: exit 2"
run px replication show 999-0
is "$rc" 5 "an unknown job: exit 5"

# a malformed schedule: exit 2, nothing sent
simctl DELETE log >/dev/null
run px replication set "$id" --schedule '*/0'
is "$rc" 2 "set with a zero repetition: exit 2"
like "$err" "a repetition of 0" "names what is wrong"
run px replication create "$guest-8" --target "$target" --schedule 'fri 12:61' -y
is "$rc" 2 "create with minute 61: exit 2"
like "$err" "minute 61 is out of range" "names what is wrong"
is "$(sim_log | grep -c .)" 0 "nothing was sent"
run px replication create "$guest-8" -y
is "$rc" 2 "create without --target: exit 2"

# a stale digest: the job changed behind px's back
old=$(px replication show "$id" -j | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
sim_api PUT "cluster/replication/$id" "comment=elsewhere" >/dev/null
run px replication set "$id" --comment mine --raw "digest=$old"
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "a stale digest is refused"
like "$err" "digest|modified" "PVE says the configuration changed"
run px replication show "$id" -f tsv -H
like "$out" "comment	elsewhere" "the other change stays"

# -n sends nothing
simctl DELETE log >/dev/null
run px replication set "$id" --rate 5 -n
is "$rc" 0 "set -n: exit 0"
run px replication delete "$id" -n
is "$rc" 0 "delete -n: exit 0"
run px replication run "$id" -n
is "$rc" 0 "run -n: exit 0"
is "$(writes)" 0 "-n: nothing was written"

# run now on the source node
simctl DELETE log >/dev/null
run px replication run "$id"
is "$rc" 0 "run: exit 0"
like "$(sim_log)" "POST /api2/json/nodes/$gnode/replication/$id/schedule_now .* 200" "run: schedule_now on the source node"

# read-only profile and freeze: exit 8
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px replication delete "$id" -y
is "$rc" 8 "read-only profile: delete exits 8"
run px replication run "$id"
is "$rc" 8 "read-only profile: run exits 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "network change" --ttl 1h >/dev/null 2>&1
simctl DELETE log >/dev/null
run px replication set "$id" --comment x
is "$rc" 8 "frozen: set exits 8"
is "$(writes)" 0 "no write reached pxsim"
px incident thaw --reason done >/dev/null 2>&1

# 403: exit 4 with PVE's message
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf"
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px replication delete "$id" -y
is "$rc" 4 "the auditor may not delete: exit 4"
like "$err" "Permission check failed" "with PVE's message"

# delete: a warning; PVE marks the job for removal (full; local with
# --keep), --force drops the entry
run px replication delete "$id" --keep --force -y
is "$rc" 2 "--keep with --force: exit 2"
run px replication delete "$id" -y
is "$rc" 0 "delete: exit 0"
like "$err" "ReplicationJobDelete" "with a warning"
run px replication show "$id" -f tsv -H
like "$out" "remove_job	full" "marked for full removal"
run px replication delete "$id" --keep -y
run px replication show "$id" -f tsv -H
like "$out" "remove_job	local" "--keep: local removal only"
run px replication delete "$id" --force -y
is "$rc" 0 "delete --force: exit 0"
run px replication show "$id"
is "$rc" 5 "--force: the entry is gone"

done_testing
