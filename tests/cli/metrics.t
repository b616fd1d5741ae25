#!/bin/sh
# px metrics node|guest|storage: RRD data as JSON and TSV, --field,
# --timeframe, --cf; unknown VMIDs, fields and timeframes; no sparkline
# when piped.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
vmid=$(px ls guests -H -f tsv -c vmid --status running | head -1)

# --- metrics
run px metrics node pve1 -j
is "$rc" 0 "metrics node exits 0"
jsonok "$out"; ok $? "metrics node -j is valid JSON"
is "$(pyq "$out" 'print("time" in d[0] and "cpu" in d[0])')" True "time and cpu columns"
run px metrics node pve1 --field cpu,memused -f tsv
is "$rc" 0 "--field picks fields"
is "$(printf '%s\n' "$out" | awk -F'\t' '{print NF}' | sort -u)" 3 "time and two fields"
run px metrics node pve1 --field nosuch
is "$rc" 2 "an unknown field is a usage error"
run px metrics guest "$vmid" --timeframe day --cf max -j
is "$rc" 0 "metrics guest --timeframe day --cf max"
jsonok "$out"; ok $? "valid JSON"
run px metrics guest 99999
is "$rc" 5 "an unknown VMID exits 5"
run px metrics node pve1 --timeframe decade
is "$rc" 2 "an unknown timeframe exits 2"
run px metrics node pve1
unlike "$out" '▁|▂|▃|▄|▅|▆|▇|█' "no sparkline when piped"
st=$(px ls storage -H -f tsv -c node,storage | head -1)
run px metrics storage $st -j
is "$rc" 0 "metrics storage exits 0"
jsonok "$out"; ok $? "valid JSON"

done_testing
