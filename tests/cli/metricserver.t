#!/bin/sh
# px metricserver: create, list, show, set (digest), delete (pre-flight
# check), the gate's refusals, a token that never shows.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
jget() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
TOK=influx-Qq93zA
printf '%s\n' "$TOK" >"$T/tok"

run px metricserver create influxdb influx --server 10.0.0.5 --port 8086 \
	--influxdbproto https --bucket pve --organization ops --token-file "$T/tok"
is "$rc" 0 "create influxdb"
run px metricserver create graphite graph --server 10.0.0.6 --port 2003 --proto tcp --path pve
is "$rc" 0 "create graphite"
run px metricserver list
like "$out" '^ID +TYPE +SERVER +PORT +DISABLE' "list: header"
like "$out" 'influx +influxdb +10\.0\.0\.5 +8086' "list: the server"
run px metricserver list -j
is "$(printf '%s' "$out" | jget 'len(d)')" 2 "list -j: two servers"
run px metricserver list -f tsv -H -c id -s id
is "$out" "$(printf 'graph\ninflux')" "list -f tsv" 
run px metricserver show influx -j
is "$(printf '%s' "$out" | jget '(d["bucket"], "token" in d)')" "('pve', False)" "show: settings, no token"
run px metricserver show influx
unlike "$out" "$TOK" "show: no token"
run px metricserver create influxdb influx --server x --port 1
is "$rc" 1 "a duplicate is refused by PVE"
run px metricserver create influxdb x2 --server h --port 70000
is "$rc" 1 "a port out of range is refused by PVE"
like "$out$err" "maximum value" "with PVE's message"
run px metricserver create influxdb x --server h --token "$TOK"
is "$rc" 2 "there is no --token option"
run px metricserver create statsd x --server h --port 1
is "$rc" 2 "an unknown type: usage error"
run px metricserver set influx --mtu 1400
is "$rc" 0 "set"
is "$(px metricserver show influx -j | jget 'd["mtu"]')" 1400 "show has it"
old=$(px metricserver show influx -j | jget 'd["digest"]')
sim_api PUT cluster/metrics/server/influx "mtu=1300" >/dev/null
run px metricserver set influx --mtu 1200 --raw digest="$old"
is "$rc" 1 "a stale digest is refused"
is "$(px metricserver show influx -j | jget 'd["mtu"]')" 1300 "the other change stays"

simctl DELETE log >/dev/null
run px metricserver delete -n influx
is "$rc" 0 "delete -n"
is "$(writes)" 0 "dry run: nothing sent"
run px metricserver delete -y influx
is "$rc" 0 "delete"
like "$err" "risk: Warning +MetricServerDelete" "names MetricServerDelete"
run px metricserver set graph --disable
run px metricserver delete -y graph
like "$err" "risk: Notice +MetricServerDelete" "a disabled server: Notice"
run px metricserver show influx
is "$rc" 5 "deleted: exit 5"

base=$(cat "$PX_CONFIG")
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px metricserver create graphite g1 --server h --port 2003
is "$rc" 8 "read-only profile: exit 8"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason x >/dev/null 2>&1
run px metricserver create graphite g1 --server h --port 2003
is "$rc" 8 "frozen: exit 8"
is "$(writes)" 0 "nothing sent"
px incident thaw --reason ok >/dev/null 2>&1
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px metricserver create graphite g1 --server h --port 2003
is "$rc" 4 "without Sys.Modify: exit 4"
like "$out$err" "Permission check failed" "with PVE's message"

run px audit log -j
like "$out" "token=REDACTED" "the audit log redacts the token"
unlike "$out" "$TOK" "and never holds it"
is "$(grep -rl -- "$TOK" "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" 2>/dev/null)" "" "no file px writes holds it"
done_testing
