#!/bin/sh
# The multi-call binary: names, symlinks, help, version, unknown commands.
. "$(dirname "$0")/lib.sh"

run px --version
is "$rc" 0 "px --version exits 0"
like "$out" '^px [0-9]+\.[0-9]+\.[0-9]+$' "px --version prints the version"

run px --list
is "$rc" 0 "px --list exits 0"
like "$out" '^api$' "px --list names api"
is "$(printf '%s\n' "$out" | LC_ALL=C sort | tr '\n' ' ')" \
   "$(printf '%s\n' "$out" | tr '\n' ' ')" "px --list is sorted"

run px
is "$rc" 0 "px alone lists the commands"
like "$out" 'doctor +check' "the list has one-line summaries"
run px help
like "$out" 'explain +explain' "px help lists the commands too"

for c in $(px --list); do
	[ -L "$build/bin/px$c" ]; ok $? "symlink px$c exists"
done

run pxversion
is "$rc" 0 "pxversion runs through its symlink"
like "$out" '^px [0-9.]+ \([0-9]+ commands\)' "pxversion is px version"
run px version -j
/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["name"]=="px" and d["commands"]>5 and "libcurl" in d["libraries"]' "$out"
ok $? "px version -j is JSON with name, commands and libraries"

run px lss
is "$rc" 2 "an unknown command exits 2"
is "$err" "px: unknown command 'lss' (did you mean 'ls'?)" "and suggests the nearest command"
run px help pve-version
like "$out" "^usage: px pveversion" "hyphenated spellings name the same command (pve-version)"
run px help upgrade-check
like "$out" "^usage: px upgradecheck" "and upgrade-check"
run px versoin
like "$err" "did you mean 'version'" "a transposition is recognised"
run px zzzzzzzz
like "$err" "unknown command 'zzzzzzzz'" "an unlike name is reported"
ln -s "$build/px" "$T/pxnope"
run "$T/pxnope"
is "$rc" 2 "an unknown pxNAME exits 2"

run px help doctor
is "$rc" 0 "px help NAME exits 0"
like "$out" '^usage: px doctor' "px help NAME prints the usage"
run px help nope
is "$rc" 2 "px help of an unknown command exits 2"
run px version --bogus
is "$rc" 2 "an unknown option exits 2"
like "$err" 'usage: px version' "and prints the usage"

run px explain
is "$rc" 0 "px explain lists the errors"
like "$out" 'tls-mismatch +10' "with their exit codes"
run px explain -j not-found
like "$out" '"id":"not-found"' "px explain -j ID is JSON"
like "$out" '"exit":5' "with the exit code"
run px explain 10
like "$out" 'tls-mismatch' "px explain STATUS lists the ids of that status"
run px explain no-such-id
is "$rc" 5 "an unknown id exits 5"

# -h prints the usage; every command takes -p
for c in cluster pveversion access pool storage find config status search \
    tasks task events watch; do
	run px $c -h
	like "$out" "^usage: px $c " "px $c -h prints the usage"
	run px $c -p nosuchprofile -h
	is "$rc" 0 "px $c accepts -p"
done

done_testing
