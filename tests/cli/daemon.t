#!/bin/sh
# px daemon: the loop, its log, the pidfile, one daemon per data dir,
# SIGTERM/SIGINT exit 0, SIGHUP keeps the last good px.conf.
. "$(dirname "$0")/lib.sh"
sim_start
base=$(cat "$PX_CONFIG")
DPID=

# dstart [options]: start px daemon in the background, log in $T/d.log,
# wait for its "started" line.
dstart() {
	: >"$T/d.log"
	px daemon --pidfile "$T/d.pid" "$@" 2>"$T/d.log" &
	DPID=$!
	i=0
	while ! grep -q 'daemon: started' "$T/d.log" && [ $i -lt 100 ]; do
		kill -0 $DPID 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
}
# dwait REGEX: wait until the log has a line matching REGEX; 0 if it did
dwait() {
	i=0
	while ! grep -Eq -- "$1" "$T/d.log" && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	grep -Eq -- "$1" "$T/d.log"
}
dstop() {	# dstop [SIG]: signal the daemon, wait, rc is its exit status
	kill -"${1:-TERM}" $DPID 2>/dev/null
	wait $DPID; rc=$?
	DPID=
}
trap 'if [ -n "$DPID" ]; then kill $DPID 2>/dev/null; fi; cleanup' EXIT

dstart
log=$(cat "$T/d.log")
like "$log" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z info daemon: started, pid [0-9]+' \
    "a log line has a UTC time, a level and the part"
is "$(cat "$T/d.pid")" "$DPID" "--pidfile holds the daemon's pid"

run px daemon
is "$rc" 1 "a second daemon on the same data dir is refused"
like "$err" 'another px daemon uses the data directory' "... and says why"

run env XDG_DATA_HOME="$T/data2" px daemon --pidfile "$T/d.pid"
is "$rc" 1 "a second daemon with the same pidfile is refused"
like "$err" 'held by a running process' "... and says why"

# SIGHUP with a broken px.conf: the old configuration stays in force
printf '%s\n\n[daemon]\nalerts_interval = soon\n' "$base" >"$PX_CONFIG"
kill -HUP $DPID
dwait 'error daemon: new configuration refused' ; ok $? "SIGHUP with a bad value is refused"
like "$(cat "$T/d.log")" "keeping the one in force: .*alerts_interval = 'soon'" \
    "... saying which key is wrong"
kill -0 $DPID; ok $? "... and the daemon runs on"

printf '%s\n\n[bogus]\nx = 1\n' "$base" >"$PX_CONFIG"
kill -HUP $DPID
dwait 'unknown section \[bogus\]'; ok $? "SIGHUP with an unknown section is refused, saying why"

printf '%s\n\n[daemon]\nalerts_interval = 30s\n' "$base" >"$PX_CONFIG"
kill -HUP $DPID
dwait 'notice daemon: configuration reloaded'; ok $? "SIGHUP with a good px.conf reloads it"

dstop TERM
is "$rc" 0 "SIGTERM: exit 0"
like "$(cat "$T/d.log")" 'notice daemon: SIGTERM: stopping' "... logged"
[ ! -e "$T/d.pid" ]; ok $? "... and the pidfile is removed"

dstart --no-alerts --no-approvals --no-schedule --no-reconcile --no-exporter
dstop INT
is "$rc" 0 "SIGINT: exit 0, every part off"

printf '%s\n\n[daemon]\nfrequency = 1\n' "$base" >"$PX_CONFIG"
run px daemon
is "$rc" 3 "an unknown [daemon] key at start: exit 3"
like "$err" "\[daemon\] has no key 'frequency'" "... naming it"
printf '%s\n' "$base" >"$PX_CONFIG"

run px daemon extra
is "$rc" 2 "an operand is a usage error"

# the exporter part: /metrics from the daemon's loop
printf '%s\n\n[exporter]\nlisten = 127.0.0.1:0\n' "$base" >"$PX_CONFIG"
dstart --no-alerts --no-schedule
dwait 'info exporter: listening on http://127\.0\.0\.1:[0-9]+/metrics'
ok $? "the daemon's exporter listens"
addr=$(sed -n 's|.*listening on http://\([^/]*\)/metrics.*|\1|p' "$T/d.log" | head -1)
m=$(curl -s --max-time 20 "http://$addr/metrics")
like "$m" '# TYPE pve_up gauge' "GET /metrics answers the exposition"
like "$m" 'pve_up\{id="node/pve1"\} 1' "... with the cluster's nodes"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "http://$addr/other")
is "$code" 404 "... and 404 for another path"
printf '%s\n\n[exporter]\nlisten = 127.0.0.1:0\n\n[daemon]\nalerts_interval = 30s\n' \
    "$base" >"$PX_CONFIG"
kill -HUP $DPID
dwait 'notice daemon: configuration reloaded'; ok $? "SIGHUP reloads"
n=0
while [ "$(grep -c 'exporter: listening' "$T/d.log")" -lt 2 ] && [ $n -lt 100 ]; do
	sleep 0.05; n=$((n + 1))
done
is "$(grep -c 'exporter: listening' "$T/d.log")" 2 "... and the exporter listens again"
dstop TERM
is "$rc" 0 "SIGTERM with the exporter: exit 0"
printf '%s\n' "$base" >"$PX_CONFIG"

done_testing
