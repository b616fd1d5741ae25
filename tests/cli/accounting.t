#!/bin/sh
# px accounting: resource use grouped by pool, node or tag; every guest
# counted once; --timeframe.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

# --- accounting
for g in pool node tag; do
	run px accounting --group-by $g -j
	is "$rc" 0 "accounting --group-by $g exits 0"
	jsonok "$out"; ok $? "accounting --group-by $g is valid JSON"
done
run px accounting --group-by node -j
is "$(pyq "$out" 'print(sum(r["guests"] for r in d))')" "$(px ls guests -H -f tsv -c template | grep -c 0)" "every guest that is not a template counts once by node"
is "$(pyq "$out" 'print(all(r["cpu_hours"] >= 0 and r["mem_gib_hours"] >= 0 for r in d))')" True "non-negative figures"
run px accounting --timeframe hour
is "$rc" 2 "hour is not an accounting timeframe"

done_testing
