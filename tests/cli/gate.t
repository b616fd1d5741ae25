#!/bin/sh
# The gate, through px start/stop/shutdown/reboot/suspend/resume: each
# stage refusing (exit code, message, no write in pxsim's request log),
# dry runs, failing tasks, partial batches, policies, the audit trail.
. "$(dirname "$0")/lib.sh"
sim_start --telegram --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) '; }
status_of() { px ls guests -f tsv -c vmid,status | awk -v v="$1" '$1 == v { print $2 }'; }
# a guest: first with the given status and no lock, HA, prod tag
pick() {
	px ls guests -j | py "
for g in d:
    if g['status'] == '$1' and not g['lock'] and not g['ha'] and not (g['tags'] or '') and g['type'] == 'qemu':
        print(g['vmid']); break"
}
stopped=$(pick stopped)
running=$(pick running)
[ -n "$stopped" ] && [ -n "$running" ] || { echo "Bail out! no plain guests in pxsim"; exit 1; }

# --- success, and the state change is visible
run px start "$stopped"
is "$rc" 0 "start: exit 0 when the task ends OK"
like "$out" "^ *$stopped .* start +ok" "a result row says ok"
is "$(status_of "$stopped")" running "the guest runs afterwards"
run px start -j "$stopped"
is "$rc" 1 "starting a running guest: the task fails, exit 1"
like "$err" "already running" "with PVE's error text"
printf '%s' "$out" | py 'assert d[0]["result"] == "failed" and "already running" in d[0]["message"]'
ok $? "the JSON row says failed, with the message"

# --- dry run sends nothing
simctl DELETE log >/dev/null
run px stop -n -y "$running"
is "$rc" 0 "dry run exits 0"
like "$out" "would send: POST /nodes/[^ ]+/qemu/$running/status/stop" "shows method and path"
is "$(writes)" 0 "dry run: no write reached pxsim"
is "$(status_of "$running")" running "and the guest still runs"

# --- pre-flight: the guest agent sees a service listening
svc=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'running' and g['type'] == 'qemu' and g['name'].split('-')[0] in ('mail', 'web', 'db', 'dns', 'proxy', 'cache') and not g['lock']:
        print(g['vmid']); break")
if [ -n "$svc" ]; then
	run px stop -n -y --allow-risk "$svc"
	like "$err" "risk: Warning ListeningOnService +VM $svc listens on port" \
	    "ListeningOnService: the agent's /proc/net/tcp shows a service (read with a GET)"
fi

# --- pre-flight: a status answer that cannot be read says why
node=$(px ls guests -f tsv -H -c vmid,node | awk -v v="$running" '$1 == v { print $2 }')
simctl POST fault "rate=1&mode=malformed&prefix=/nodes/$node/qemu/$running/status/current&count=1" >/dev/null
run px stop -n -y "$running"
like "$err" "risk: Notice +Unchecked +status of VM $running: GET [^ ]+/status/current: .+" \
    "Unchecked: a malformed status answer, with the reason"
simctl DELETE fault >/dev/null

# --- stop needs -y without a terminal
simctl DELETE log >/dev/null
run px stop "$running" </dev/null
is "$rc" 2 "stop without -y on a pipe: exit 2"
like "$err" "needs -y" "says -y is needed"
is "$(writes)" 0 "nothing was sent"

# --- read-only profile
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px stop -y "$running"
is "$rc" 8 "read-only profile: exit 8"
like "$err" "profile sim is read-only" "says why"
is "$(writes)" 0 "no write reached pxsim"
run px ls guests -f tsv -c vmid
is "$rc" 0 "reads still work on a read-only profile"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- incident freeze
run px incident freeze --reason "storage outage" --ttl 1h
is "$rc" 0 "incident freeze"
simctl DELETE log >/dev/null
run px start -y "$stopped"
is "$rc" 8 "frozen: exit 8"
like "$err" "frozen \(storage outage\) by" "with the reason and who"
is "$(writes)" 0 "no write reached pxsim"
run px incident thaw --reason "fixed"
run px reboot -n "$running"
is "$rc" 0 "after the thaw the gate opens again"

# --- pre-flight: a locked guest is Severe
locked=$(px ls guests -j | py "
for g in d:
    if g['lock']: print(g['vmid']); break")
if [ -n "$locked" ]; then
	simctl DELETE log >/dev/null
	run px stop -y "$locked"
	is "$rc" 6 "a locked guest: refused with exit 6"
	like "$err" "risk: Severe +Locked" "the report names the finding"
	like "$err" "--allow-risk" "and the way past it"
	is "$(writes)" 0 "no write reached pxsim"
	run px stop -n -y --allow-risk "$locked"
	is "$rc" 0 "--allow-risk lets it through (dry run)"
else
	ok 1 "pxsim has a locked guest"
fi

# --- human approval: deny
tg=$(simctl GET telegram)
tok=$(printf '%s' "$tg" | py 'print(d["data"]["token"])')
chat=$(printf '%s' "$tg" | py 'print(d["data"]["chat_id"])')
appr=$(printf '%s' "$tg" | py 'print(d["data"]["approver"])')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
printf '%s\n' "$tok" >"$T/bot"; chmod 600 "$T/bot"
{ printf '%s\n\n[telegram]\nbot_token_file = %s\nchat_id = %s\napprover = %s\napi_url = %s\nfingerprint = %s\n\n' \
	"$base" "$T/bot" "$chat" "$appr" "$SIM_URL" "$fp"
  printf '[policy careful]\naction = shutdown\ntimeout = 2\n'; } >"$PX_CONFIG"
chmod 600 "$PX_CONFIG"
simctl DELETE log >/dev/null
run px shutdown "$running"
is "$rc" 9 "no approval within the policy's timeout: exit 9"
is "$(sim_log | grep -E '^(POST|PUT|DELETE) /api2' | grep -c .)" 0 "no write reached the PVE API"
is "$(status_of "$running")" running "the guest still runs"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- batches: partial failure, canary
run px start "$running" "$stopped"
ok $([ "$rc" -eq 1 ] && echo 0 || echo 1) "two running guests: both fail, exit 1 (exit $rc)"
other=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and not g['lock'] and not g['ha'] and not g['tags'] and g['vmid'] != $stopped:
        print(g['vmid']); break")
run px start -f tsv -c vmid,result "$running" "$other"
is "$rc" 2 "one fails, one succeeds: exit 2"
like "$out" "$other	ok" "the one that could start did"
run px stop -y -f tsv -c vmid,result --policy canary 99999 "$other"
like "$out" "$other	skipped" "canary: after the first fails, the rest is skipped"
is "$(status_of "$other")" running "and was not touched"
run px start 99999
is "$rc" 5 "an unknown VMID: exit 5"
run px start abc
is "$rc" 2 "a malformed VMID: exit 2"
run px start --policy sideways 100
is "$rc" 2 "a malformed policy: exit 2"

# --- no-wait returns the UPID
run px stop -y --no-wait -j "$other"
printf '%s' "$out" | py 'assert d[0]["upid"].startswith("UPID:") and d[0]["result"] == "submitted"'
ok $? "--no-wait returns the UPID"

# --- one 500 while following the task of a change that was sent: asked
# again, not taken for the task's failure
again=$(pick stopped)
anode=$(px ls guests -f tsv -H -c vmid,node | awk -v v="$again" '$1 == v { print $2 }')
simctl DELETE fault >/dev/null
simctl POST fault "rate=1&mode=500&prefix=/nodes/$anode/tasks&count=1" >/dev/null
run px start -f tsv -c vmid,result "$again"
is "$rc" 0 "a 500 on one task poll: the start still ends ok (exit 0)"
like "$out" "$again	ok" "and its row says ok"
simctl DELETE fault >/dev/null

# --- every poll of the task fails: the stop was accepted, so its end is
# unknown (exit 11, not the 7 of a timeout a retry could follow), and the
# audit log records no end for the task
lost=$(pick running)
lnode=$(px ls guests -f tsv -H -c vmid,node | awk -v v="$lost" '$1 == v { print $2 }')
simctl POST fault "rate=1&mode=500&prefix=/nodes/$lnode/tasks" >/dev/null
run px stop -y -f tsv -c vmid,result "$lost"
simctl DELETE fault >/dev/null
is "$rc" 11 "every task poll fails: exit 11"
like "$err" "outcome unknown: stop VM $lost .* was accepted as task UPID:[^ ]*, but the task's status could not be read" \
    "it says the stop was accepted and its end is unknown"
like "$err" "hint: PVE may still be doing it: px task wait UPID:" "and how to follow it"
like "$out" "$lost	unknown" "the row says unknown"
upid=$(printf '%s' "$err" | grep -o 'UPID:[^ ,]*' | head -1)
run px audit log -j
printf '%s' "$out" | UPID="$upid" py '
import os
u = os.environ["UPID"]
assert u and not [x for x in d if x["decision"] == "task" and u in json.dumps(x)], u'
ok $? "no task end is audited for it"
run px task wait "$upid"
is "$rc" 0 "px task wait then sees the task end"

# --- a change whose answer is lost: the outcome is unknown, not "failed"
victim=$(pick stopped)
node=$(px ls guests -f tsv -H -c vmid,node | awk -v v="$victim" '$1 == v { print $2 }')
for mode in drop malformed; do
	simctl DELETE fault >/dev/null
	simctl POST fault "rate=1&mode=$mode&prefix=/nodes/$node/qemu/$victim/status" >/dev/null
	run px stop -y -f tsv -c vmid,result "$victim"
	is "$rc" 11 "$mode: the answer of a sent change is lost: exit 11"
	like "$err" "outcome unknown: stop VM $victim .* was sent, but its answer was lost" \
	    "$mode: says the outcome is unknown"
	like "$err" "hint: PVE may have done it: check with px status" "$mode: and what to do"
	like "$out" "$victim	unknown" "$mode: the row says unknown"
done
simctl DELETE fault >/dev/null
run px audit log -j
printf '%s' "$out" | py '
r = [x for x in d if x["decision"] == "result" and x["action"] == "stop"][-1]
assert r["result"] == "unknown", r'
ok $? "the audit log records the outcome as unknown"
px explain 11 | grep -q outcome-unknown
ok $? "px explain 11 explains it"

# --- every decision was audited, and the chain holds
run px audit log -j
printf '%s' "$out" | py '
ds = [r["decision"] for r in d]
for want in ("refused-read-only", "refused-frozen", "refused-hitl", "refused-unconfirmed", "allowed", "result", "task"):
    assert want in ds, (want, ds)'
ok $? "refusals and performed calls are in the audit log"
run px audit verify
is "$rc" 0 "the audit chain verifies"

done_testing
