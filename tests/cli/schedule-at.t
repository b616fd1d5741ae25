#!/bin/sh
# px schedule add --at CALENDAR: systemd OnCalendar expressions, the next
# run shown by list, a bad expression named, the daemon running it when
# due and a missed run once after a downtime, across a DST change.  The
# clock is PX_TEST_NOW (a file), the zone TZ=Europe/Berlin.
. "$(dirname "$0")/lib.sh"
sim_start
export TZ=Europe/Berlin
t0=1796486400	# Sat 2026-12-05 16:00:00 UTC, 17:00 CET
echo "$t0" >"$T/now"
export PX_TEST_NOW="$T/now"
printf '\n[daemon]\nschedule_interval = 0.2s\n' >>"$PX_CONFIG"
DPID=
trap 'if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT
dstart() { px daemon --no-alerts 2>>"$T/d.log" & DPID=$!; }
dstop() { kill $DPID; wait $DPID; DPID=; }
runs() { px schedule -H -f tsv -c trigger,result runs "$1" | tr '\t\n' ' '; }
nextrun() { px schedule -j list | python3 -c "import json,sys; print([s['next'] for s in json.load(sys.stdin) if s['name']=='$1'][0])"; }
waitruns() {	# waitruns NAME N: until NAME has N runs that ended
	i=0
	while [ "$(px schedule -H -f tsv -c result runs "$1" | grep -vc running)" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
}

run px schedule add night --at 'Mon..Fri 02:30' -- px version
is "$rc" 0 "add --at 'Mon..Fri 02:30'"
is "$(nextrun night)" 1796607000 "list: the next run is Mon 2026-12-07 02:30 CET"
run px schedule -H -f tsv -c name,every,at,state,command list
is "$out" "$(printf 'night\t\tMon..Fri 02:30\tactive\tpx version')" "list: no interval, the calendar"
like "$(px schedule -j list)" '"every":null,"at":"Mon..Fri 02:30"' "json: every null, at the expression"
run px schedule list
like "$out" 'Mon\.\.Fri 02:30' "the table shows the calendar"

run px schedule add q --at '*:0/15' -- px version
is "$(nextrun q)" $((t0 + 900)) "'*:0/15': a quarter past"
run px schedule add u --at 'daily UTC' -- px version
is "$(nextrun u)" 1796515200 "'daily UTC': midnight UTC"
run px schedule add m --at 'monthly' -- px version
is "$(nextrun m)" "$(date -ud '2026-12-31 23:00' +%s)" "monthly: 2027-01-01 00:00 CET"

run px schedule add bad --at 'Mon..Fry 02:30' -- px version
is "$rc" 2 "a bad weekday is refused"
like "$err" "--at 'Mon..Fry 02:30': unknown weekday 'Fry'" "... naming it"
run px schedule add bad --at '*-*-* 25:00' -- px version
like "$err" 'hour 25 is out of range 0..23' "a bad hour is named"
run px schedule add bad --at '12:00 Europe/Berlin' -- px version
like "$err" "time zone 'Europe/Berlin': only UTC or local time" "an unsupported zone is named"
run px schedule add bad --at '*-02-30' -- px version
is "$rc" 2 "a date that never comes is refused"
like "$err" 'never elapses' "... saying so"
run px schedule add bad --at '' -- px version
is "$rc" 2 "an empty expression is refused"
run px schedule add bad --at 'daily' -- sh -c true
is "$rc" 2 "--at: only px commands either"
is "$(px schedule -H list | grep -c '^bad')" 0 "nothing added by a refused add"
px schedule remove q >/dev/null
px schedule remove u >/dev/null
px schedule remove m >/dev/null

dstart
sleep 0.6
is "$(runs night)" "" "the daemon: not due yet, nothing runs"
echo 1796607000 >"$T/now"
waitruns night 1
is "$(runs night)" "timer exit 0 " "due Monday 02:30: the daemon runs it"
sleep 0.5
is "$(px schedule -H runs night | wc -l)" 1 "... once"
is "$(nextrun night)" 1796693400 "the next run: Tue 02:30 CET"
dstop

# down from Monday to the next Monday noon: five runs missed, one runs
echo 1797249600 >"$T/now"
dstart
waitruns night 2
sleep 0.5
is "$(runs night)" "catch-up exit 0 timer exit 0 " "missed runs after a downtime run once"
is "$(nextrun night)" 1797298200 "the next run: Tue 2026-12-15 02:30 CET"
dstop

# DST: 02:30 does not exist on 2026-03-29 (Europe/Berlin)
echo 1774699200 >"$T/now"	# Sat 2026-03-28 13:00 CET
run px schedule add dst --at '*-*-* 02:30' -- px version
is "$(nextrun dst)" 1774830600 "02:30 daily over the spring change: Mon 03-30 02:30 CEST (as systemd)"
run px schedule pause dst
run px schedule resume dst
is "$(nextrun dst)" 1774830600 "pause and resume keep a future run"

run px schedule remove night
is "$rc" 0 "remove"
done_testing
