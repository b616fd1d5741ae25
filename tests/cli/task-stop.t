#!/bin/sh
# px task stop: a change, through the gate.
. "$(dirname "$0")/lib.sh"
sim_start --task-seconds 30
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
vmid=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and not g['lock'] and not g['ha'] and not g['tags']:
        print(g['vmid']); break")
upid=$(px start --no-wait -f tsv -c upid "$vmid")
like "$upid" '^UPID:' "a long task is running"

simctl DELETE log >/dev/null
run px task stop "$upid" </dev/null
is "$rc" 2 "stop without -y on a pipe: exit 2"
run px task stop -n "$upid"
is "$rc" 0 "dry run"
like "$out" "would send: DELETE /nodes/[^/]+/tasks/UPID" "shows the DELETE"
is "$(sim_log | grep -c '^DELETE')" 0 "nothing was deleted"
printf '%s\nread_only = yes\n' "$(cat "$PX_CONFIG")" >"$T/ro.conf"; chmod 600 "$T/ro.conf"
PX_CONFIG="$T/ro.conf" run px task stop -y "$upid"
is "$rc" 8 "a read-only profile refuses: exit 8"
is "$(sim_log | grep -c '^DELETE')" 0 "nothing was deleted"

run px task stop -y "$upid"
is "$rc" 0 "task stop -y stops it"
like "$out" "interrupted|stopped" "and prints how it ended"
run px task status -j "$upid"
printf '%s' "$out" | py 'assert d["status"] != "running", d'
ok $? "the task is no longer running"
run px task stop -y "$upid"
is "$rc" 1 "stopping a stopped task: exit 1"
run px task stop -y UPID:bogus
is "$rc" 2 "a malformed UPID: exit 2"
run px audit log -j
printf '%s' "$out" | py 'assert any(r["action"] == "task-stop" and r["decision"] == "allowed" for r in d)'
ok $? "the stop is in the audit log"
done_testing
