#!/bin/sh
# px delete: a destructive batch through the gate.  Success and the guest
# gone afterwards; each gate stage refusing with no write in pxsim's
# request log; a running guest refused even with --allow-risk; dry run;
# PVE's own refusal; unknown and malformed VMIDs.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
exists() { px ls guests -f tsv -c vmid | grep -qx "$1"; }
# plain guests: no lock, no HA, no tags
pick() {	# pick STATUS [SKIP]
	px ls guests -j | py "
for g in d:
    if g['status'] == '$1' and not g['lock'] and not g['ha'] and not (g['tags'] or '') and g['type'] == 'qemu' and str(g['vmid']) != '${2-}':
        print(g['vmid']); break"
}
stopped=$(pick stopped)
other=$(pick stopped "$stopped")
running=$(pick running)
[ -n "$stopped" ] && [ -n "$other" ] && [ -n "$running" ] ||
	{ echo "Bail out! no plain guests in pxsim"; exit 1; }

# --- success, and the guest is gone
run px delete -y "$stopped"
is "$rc" 0 "delete -y of a stopped guest: exit 0"
like "$out" "^ *$stopped .* delete +ok" "the row says ok"
exists "$stopped"; is $? 1 "the guest is gone from px ls guests"
run px delete -y "$stopped"
is "$rc" 5 "deleting it again: unknown VMID, exit 5"

# --- dry run sends nothing, and shows the parameters
simctl DELETE log >/dev/null
run px delete -n -y --purge --destroy-unreferenced-disks "$other"
is "$rc" 0 "dry run exits 0"
like "$out" "would send: DELETE /nodes/[^ ]+/qemu/$other purge=1&destroy-unreferenced-disks=1" \
	"shows method, path and both parameters"
is "$(writes)" 0 "dry run: no write reached pxsim"
exists "$other"; is $? 0 "the guest still exists"

# --- confirmation: a pipe needs -y
simctl DELETE log >/dev/null
run px delete "$other" </dev/null
is "$rc" 2 "delete without -y on a pipe: exit 2"
like "$err" "needs -y" "says -y is needed"
is "$(writes)" 0 "nothing was sent"

# --- read-only profile
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px delete -y "$other"
is "$rc" 8 "read-only profile: exit 8"
like "$err" "read-only" "says why"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- incident freeze
px incident freeze --reason "disk array rebuild" --ttl 1h >/dev/null 2>&1
simctl DELETE log >/dev/null
run px delete -y "$other"
is "$rc" 8 "frozen: exit 8"
like "$err" "frozen \(disk array rebuild\)" "with the reason"
is "$(writes)" 0 "no write reached pxsim"
px incident thaw --reason "done" >/dev/null 2>&1

# --- a running guest: Severe, and never deleted
simctl DELETE log >/dev/null
run px delete -y "$running"
is "$rc" 6 "a running guest: pre-flight refusal, exit 6"
like "$err" "risk: Severe +Running" "the report names Running"
like "$err" "hint: stop it first: px stop $running" "the hint is to stop it first"
unlike "$err" "allow-risk" "not --allow-risk, which would not help"
is "$(writes)" 0 "no write reached pxsim"
simctl DELETE log >/dev/null
run px delete -y --allow-risk "$running"
is "$rc" 6 "--allow-risk does not delete a running guest: exit 6"
like "$err" "is running on .*even with --allow-risk" "says it runs"
like "$err" "px stop $running" "and how to stop it"
is "$(writes)" 0 "no write reached pxsim"
like "$(sim_log | grep -c "^GET .*/qemu/$running/status/current")" "^[1-9]" \
	"its status was read again before the request"
exists "$running"; is $? 0 "the guest still exists"

# --- PVE's own refusal: a locked guest past --allow-risk
locked=$(px ls guests -j | py "
for g in d:
    if g['lock'] and g['status'] == 'stopped': print(g['vmid']); break")
if [ -n "$locked" ]; then
	run px delete -y "$locked"
	is "$rc" 6 "a locked guest: exit 6"
	run px delete -y --allow-risk "$locked"
	is "$rc" 1 "past --allow-risk PVE refuses: exit 1"
	like "$err" "is locked" "with PVE's message"
	exists "$locked"; is $? 0 "the guest still exists"
else
	ok 1 "pxsim has a stopped locked guest"
fi

# --- batch: one deleted, one refused (running): partial, exit 2
run px delete -y -f tsv -c vmid,result "$other" "$running"
is "$rc" 2 "one deleted, one refused: exit 2"
like "$out" "$other	ok" "the stopped one was deleted"
like "$out" "$running	refused" "the running one refused"
exists "$other"; is $? 1 "and is gone"

# --- --no-wait returns the UPID; the guest is gone when the task ends
third=$(pick stopped)
run px delete -y --no-wait -j "$third"
printf '%s' "$out" | py 'assert d[0]["upid"].startswith("UPID:") and d[0]["result"] == "submitted"'
ok $? "--no-wait returns the UPID"

# --- malformed arguments
run px delete -y 99999
is "$rc" 5 "an unknown VMID: exit 5"
run px delete -y abc
is "$rc" 2 "a malformed VMID: exit 2"
run px delete
is "$rc" 2 "no VMID: usage, exit 2"

# --- the audit log has the refusals and the deletes
run px audit log -j
printf '%s' "$out" | py '
ds = set((r["action"], r["decision"]) for r in d)
for want in ("refused-read-only", "refused-frozen", "refused-risk", "refused-unconfirmed", "allowed", "task"):
    assert ("delete", want) in ds, (want, ds)'
ok $? "refusals and deletes are in the audit log"

done_testing
