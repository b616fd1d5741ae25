#!/bin/sh
# px daemon's reconcile part: [reconcile] source = a git repository (made
# here), run on its interval; drift raises the "drift" alert through the
# routes once, and resolves; converge = yes applies through the gate
# (audited via px daemon reconcile), refuses a severe plan and alerts
# instead; a source that cannot be read alerts; a bad [reconcile] is
# refused at start.
. "$(dirname "$0")/lib.sh"
command -v git >/dev/null || skip_all "git is not installed"
sim_start
base=$(cat "$PX_CONFIG")
DPID=
trap 'if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
dstart() { px daemon --no-alerts --no-schedule --no-exporter 2>>"$T/d.log" & DPID=$!; }
dstop() { kill $DPID; wait $DPID; DPID=; }
waitfor() {	# waitfor FILE REGEX: until FILE has a line matching
	i=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
}
cat >"$T/exec.sh" <<EOS
#!/bin/sh
{ echo "event=\$PX_ALERT_EVENT name=\$PX_ALERT_NAME key=\$PX_ALERT_KEY"; cat; echo; } >>"$T/exec.out"
EOS
chmod 755 "$T/exec.sh"
conf() {	# conf KEY=VALUE...: [reconcile] with these keys
	{
		printf '%s\n\n[reconcile]\n' "$base"
		for kv in "$@"; do printf '%s\n' "$kv"; done
	} >"$PX_CONFIG"
	chmod 600 "$PX_CONFIG"
}

repo="$T/repo"
mkdir -p "$repo"
px state export --family groups -o "$repo/state.ini"
printf '\n[group from-git]\ncomment = git\n' >>"$repo/state.ini"
(cd "$repo" && git init -q && git add state.ini &&
	git -c user.name=t -c user.email=t@example.com commit -qm state) ||
	echo "Bail out! git repo"
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"

# --- bad [reconcile] sections: refused at start, named
conf "interval = 0.3s"
run px daemon --no-alerts --no-schedule --no-exporter
is "$rc" 3 "no source: a configuration error"
like "$err" '\[reconcile\] source: missing' "... naming the key"
conf "source = file://$repo" "converge = maybe"
run px daemon --no-alerts --no-schedule --no-exporter
like "$err" '\[reconcile\] converge: yes or no' "converge must be yes or no"
conf "source = file://$repo" "colour = blue"
run px daemon --no-alerts --no-schedule --no-exporter
like "$err" "\[reconcile\] has no key 'colour'" "an unknown key is named"
conf "source = file://$repo" "route = ftp://x"
run px daemon --no-alerts --no-schedule --no-exporter
like "$err" '\[reconcile\] route: a route is telegram' "a bad route is named"

# --- converge = no: drift alerts, nothing sent
conf "source = file://$repo" "interval = 0.3s" "converge = no" \
    "route = exec:$T/exec.sh"
simctl DELETE log >/dev/null
dstart
waitfor "$T/exec.out" 'event=firing name=reconcile key=reconcile/drift'
like "$(cat "$T/exec.out")" 'event=firing name=reconcile key=reconcile/drift' "drift: the alert fires"
like "$(cat "$T/exec.out")" '"alert":"reconcile","when":"drift"' "... of kind (when) drift"
like "$(cat "$T/exec.out")" 'differs from its state file in 1 place: create group from-git' "... saying what differs"
sleep 1.2
is "$(grep -c 'event=firing' "$T/exec.out")" 1 "several runs later: deduplicated, once"
is "$(writes)" 0 "converge = no: nothing sent"
like "$(cat "$T/d.log")" 'notice reconcile: drift: 1 change: create group from-git' "the daemon logs the drift"
dstop
sleep 0.5
is "$(ls -A "$TMPDIR" | wc -l)" 0 "the clones are removed"

# --- converge = yes: applied through the gate, the alert resolves
conf "source = file://$repo" "interval = 0.3s" "converge = yes" \
    "route = exec:$T/exec.sh"
dstart
waitfor "$T/exec.out" 'event=resolved name=reconcile key=reconcile/drift'
like "$(cat "$T/d.log")" 'notice reconcile: converged: 1 change applied: create group from-git' "converge = yes: applied"
run px reconcile run --source "file://$repo"
is "$rc" 0 "the cluster matches the file now"
like "$(cat "$T/exec.out")" 'event=resolved name=reconcile key=reconcile/drift' "the drift alert resolves"
like "$(px audit log -j 2>/dev/null)" 'via px daemon reconcile' "the change is audited as the daemon's"
sleep 0.8
is "$(grep -c 'converged' "$T/d.log")" 1 "no drift: nothing more applied"

# --- a severe plan (60 changes): refused by the gate, alerted instead
for i in $(seq 1 60); do printf '\n[group bulk%02d]\n' "$i"; done >>"$repo/state.ini"
(cd "$repo" && git -c user.name=t -c user.email=t@example.com commit -qam bulk)
simctl DELETE log >/dev/null
waitfor "$T/exec.out" 'event=firing name=reconcile key=reconcile/severe'
like "$(cat "$T/exec.out")" 'key=reconcile/severe' "severe: the alert fires instead"
like "$(cat "$T/exec.out")" '60 changes not applied \(severe' "... saying why"
like "$(cat "$T/exec.out")" 'event=firing name=reconcile key=reconcile/drift' "... with the drift"
is "$(writes)" 0 "severe: nothing sent"
dstop

# --- a source that cannot be read
conf "source = $T/nosuch.ini" "interval = 0.3s" "route = exec:$T/exec.sh"
dstart
waitfor "$T/exec.out" 'event=firing name=reconcile key=reconcile/error'
like "$(cat "$T/exec.out")" 'key=reconcile/error' "an unreadable source alerts"
dstop
done_testing
