#!/bin/sh
# px describe: the cluster in one read, as text, Markdown, llm-context
# and JSON; one round of GETs.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

# --- describe
for o in text md llm-context; do
	run px describe --output $o
	is "$rc" 0 "describe --output $o exits 0"
done
like "$out" '^cluster: ' "llm-context is key: value"
like "$out" 'node\.pve1: online' "with one line per node"
run px describe --output md
like "$out" '^# Cluster' "md has a title"
run px describe -j
jsonok "$out"; ok $? "describe -j is valid JSON"
is "$(pyq "$out" 'print(sorted(d.keys()))')" "['backups', 'cluster', 'failed_tasks', 'guests', 'ha', 'nodes', 'quorate', 'storage', 'version']" "describe JSON keys"
is "$(pyq "$out" 'print(d["guests"]["total"] == d["guests"]["running"] + d["guests"]["stopped"] + d["guests"]["other"])')" True "guest counts add up"
simctl DELETE log >/dev/null
px describe >/dev/null
is "$(sim_log | grep -c GET)" 9 "describe: one round of 9 GETs"
run px describe --output yaml
is "$rc" 2 "an unknown output exits 2"

done_testing
