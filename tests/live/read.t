#!/bin/sh
# Read-only probes against a real cluster (PX_LIVE=1; see README).
[ "${PX_LIVE:-}" = 1 ] || { echo "1..0 # SKIP set PX_LIVE=1 and a profile to probe a real cluster"; exit 0; }
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH="${PX_BUILD:-$top/build}/bin:$PATH"
n=0; failed=0
check() {	# check NAME CMD...: the command exits 0 and, for -j, prints JSON
	name=$1; shift
	n=$((n + 1))
	if out=$("$@" 2>&1) && { case " $* " in *" -j "*) printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)';; esac; }; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"; failed=$((failed + 1))
		printf '%s\n' "$out" | head -5 | sed 's/^/#   /'
	fi
}
check "doctor passes" px doctor
check "nodes" px ls nodes -j
check "guests" px ls guests -j
check "storage" px ls storage -j
check "tasks" px ls tasks -j
check "backups" px ls backups -j
check "cluster status" px cluster status -j
check "server version" px pveversion -j
vmid=$(px ls guests -f tsv -c vmid | head -1)
if [ -n "$vmid" ]; then
	check "find $vmid" px find "$vmid" -j
	check "status $vmid" px status "$vmid" -j
	check "config $vmid" px config "$vmid" -j
	check "snapshots $vmid" px ls snapshots "$vmid" -j
fi
echo "1..$n"
[ "$failed" -eq 0 ]
