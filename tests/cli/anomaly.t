#!/bin/sh
# px anomaly: outliers among the guests; the exit says whether any
# were found; --threshold.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

# --- anomaly
run px anomaly -j
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "anomaly exits 0 or 1 (exit $rc)"
jsonok "$out"; ok $? "anomaly -j is valid JSON"
n=$(pyq "$out" 'print(len(d))')
ok $({ [ "$n" -gt 0 ] && [ "$rc" -eq 1 ]; } || { [ "$n" -eq 0 ] && [ "$rc" -eq 0 ]; } && echo 0 || echo 1) "exit 1 exactly when outliers are listed"
run px anomaly --threshold 100 -j
is "$rc" 0 "a huge threshold finds nothing: exit 0"
is "$out" "[]" "and prints []"
run px anomaly --threshold -1
is "$rc" 2 "a negative threshold is a usage error"

done_testing
