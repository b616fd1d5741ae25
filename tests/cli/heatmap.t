#!/bin/sh
# px heatmap: API latency probes per node; no colour when piped.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

# --- heatmap
run px heatmap --probes 3 -j
is "$rc" 0 "heatmap exits 0"
jsonok "$out"; ok $? "heatmap -j is valid JSON"
is "$(pyq "$out" 'print(all(r["probes"]==3 and r["ok"]==3 and r["median_ms"] <= r["worst_ms"] for r in d))')" True "three probes each, median <= worst"
simctl DELETE log >/dev/null
px heatmap --probes 4 >/dev/null
is "$(sim_log | grep -c 'nodes/pve1/status')" 4 "four probes of pve1"
run px heatmap
unlike "$out" "$(printf '\033')" "no colour when piped"
run px heatmap --probes 0
is "$rc" 2 "--probes 0 is a usage error"

done_testing
