#!/bin/sh
# pxsim's house: no circle of files calling each other (by the symbols
# each object needs and defines), and the map at the top of
# cmd/sim/sim.h names every source file there is, and no other.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1
out=$(PX_TOP="$top" python3 tests/tools/simcircles "$PX_BUILD" 2>&1); rc=$?
ok $rc "no circle of files in cmd/sim"
like "$out" "no cycles" "simcircles says so"
router=$(printf '%s\n' "$out" | grep '^router/router.c ')
like "$router" "->" "and it sees who calls whom (router: ${router#*-> })"
map=$(sed -n '1,/\*\//p' cmd/sim/sim.h)
missing=""
for f in $(cd cmd/sim && find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	printf '%s\n' "$map" | grep -q "$(basename "$f")" || missing="$missing $f"
done
is "$missing" "" "sim.h's map names every file of cmd/sim"
stale=""
for f in $(printf '%s\n' "$map" | grep -oE '[a-z_0-9]+\.[ch]\b' | sort -u); do
	[ -n "$(find cmd/sim -name "$f")" ] || stale="$stale $f"
done
is "$stale" "" "and no file that is not there"
done_testing
