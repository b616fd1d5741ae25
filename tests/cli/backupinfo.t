#!/bin/sh
# px backupinfo: guests without a backup job or a recent backup; the
# exit says whether any were found; --max-age.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

# --- backupinfo
run px backupinfo -j
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "backupinfo exits 0 or 1 (exit $rc)"
jsonok "$out"; ok $? "backupinfo -j is valid JSON"
nb=$(px api /cluster/backup-info/not-backed-up | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(g["vmid"]) for g in json.load(sys.stdin)))')
for v in $nb; do
	is "$(pyq "$out" "print([r['problem'] for r in d if r['vmid']==$v])")" "['no-job']" "guest $v without a job is listed as no-job"
done
is "$(pyq "$out" 'print(len(d) > 0)')" True "guests are listed"
is "$rc" 1 "and then the exit is 1"
run px backupinfo --max-age 3x
is "$rc" 2 "a bad --max-age exits 2"

done_testing
