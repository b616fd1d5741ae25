#!/bin/sh
# px schedule and the daemon's schedule part: a schedule runs, keeps its
# output, skips an overlap, runs missed runs once after a downtime, and
# each run is audited.  The clock is PX_TEST_NOW (a file).
. "$(dirname "$0")/lib.sh"
sim_start
t0=$(date +%s)
echo "$t0" >"$T/now"
export PX_TEST_NOW="$T/now"
printf '\n[daemon]\nschedule_interval = 0.2s\n' >>"$PX_CONFIG"
DPID=
trap 'if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT
dstart() { px daemon --no-alerts 2>>"$T/d.log" & DPID=$!; }
dstop() { kill $DPID; wait $DPID; DPID=; }
runs() { px schedule -H -f tsv -c trigger,result runs "$1" | tr '\t\n' ' '; }
waitruns() {	# waitruns NAME N: until NAME has N runs that ended
	i=0
	while [ "$(px schedule -H -f tsv -c result runs "$1" | grep -vc running)" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
}

run px schedule add ver --every 15m -- px version
is "$rc" 0 "add"
run px schedule add ver --every 15m -- px version
is "$rc" 2 "add: a name taken is refused"
run px schedule add bad --every 15m -- sh -c true
is "$rc" 2 "add: only px commands"
like "$err" 'only px commands are scheduled' "... saying so"
run px schedule add bad --every 15m -- px nosuchcommand
is "$rc" 2 "add: an unknown px command is refused"
run px schedule add bad --every 10s -- px version
is "$rc" 2 "add: an interval under a minute is refused"
run px schedule -H -f tsv -c name,every,state,command list
is "$out" "$(printf 'ver\t900\tactive\tpx version')" "list"

run px schedule run ver
is "$rc" 0 "run: now, in the foreground"
like "$out" 'px [0-9]' "... with the command's output"
is "$(runs ver)" "manual exit 0 " "... recorded as a manual run"

dstart
sleep 0.6
is "$(runs ver)" "manual exit 0 " "the daemon: not due yet, nothing runs"
echo $((t0 + 900)) >"$T/now"
waitruns ver 2
is "$(runs ver)" "timer exit 0 manual exit 0 " "due: the daemon runs it"
like "$(px schedule -j runs ver)" '"output":"px [0-9]' "... its output kept"
sleep 0.5
is "$(px schedule -H runs ver | wc -l)" 2 "... once"
dstop

# a downtime of five intervals: one catch-up run
echo $((t0 + 900 + 5 * 900)) >"$T/now"
dstart
waitruns ver 3
sleep 0.5
is "$(runs ver)" "catch-up exit 0 timer exit 0 manual exit 0 " "missed runs after a downtime run once"

# overlap: a run that lasts (px watch until pve3 is offline)
px schedule add long --every 1m -- px watch --interval 0.2 --until status=offline node/pve3 >/dev/null
echo $((t0 + 10000)) >"$T/now"
i=0
while [ "$(runs long)" != "catch-up running " ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
is "$(runs long)" "catch-up running " "a long run runs (its first slot long past: a catch-up)"
echo $((t0 + 10060)) >"$T/now"
sleep 0.6
is "$(runs long)" "timer skipped: overlap catch-up running " "due again while it runs: skipped"
run px schedule run long
is "$rc" 2 "run by hand while it runs: refused"
simctl POST offline node=pve3 >/dev/null
waitruns long 2
is "$(runs long)" "timer skipped: overlap catch-up exit 0 " "the long run ends"
simctl POST offline 'node=pve3&offline=0' >/dev/null

run px schedule pause long
echo $((t0 + 20000)) >"$T/now"
sleep 0.6
is "$(px schedule -H runs long | wc -l)" 2 "paused: not run"
is "$(px schedule -H -f tsv -c name,state list | grep long)" "$(printf 'long\tpaused')" "list: paused"
dstop

like "$(cat "$T/d.log")" 'info schedule: ver: run [0-9]+ started \(catch-up\): px version' "the daemon logs each run"
audited=$(px audit log -f tsv -H 2>/dev/null | grep -c 'schedule/ver')
nruns=$(px schedule -H -f tsv -c trigger runs ver | grep -vc manual)
is "$audited" $((2 * nruns)) "each of the daemon's runs is audited (start and result)"

run px schedule remove ver
is "$rc" 0 "remove"
run px schedule runs ver
is "$(printf '%s' "$out" | grep -c .)" 1 "... its runs gone (header only)"
run px schedule remove ver
is "$rc" 5 "remove: no such schedule"
run px schedule run 'bad name'
is "$rc" 2 "a bad name is refused"

done_testing
