#!/bin/sh
# Options declared once: each command's table makes its getopt string,
# long options and usage, so what the usage shows is exactly what is
# accepted; getopt's messages say "px NAME:"; the options most commands
# share work before the command's name; aliases are rows of a table.
. "$(dirname "$0")/lib.sh"

run px start -H 101
is "$rc" 2 "px start -H: refused, -H is not in px start's usage (exit 2)"
like "$err" "^px start: invalid option -- 'H'" "getopt's message says px start"
like "$err" '^usage: px start \[-jnvy\]' "then the usage"
is "$out" "" "nothing on stdout"

run px ls --bogus
is "$rc" 2 "px ls --bogus: exit 2"
is "$(printf '%s\n' "$err" | head -1)" "px ls: unrecognized option '--bogus'" \
    "px ls: unrecognized option '--bogus'"
run px get --bogus
like "$err" "^px get: unrecognized option '--bogus'" "px get says px get"
like "$err" '^usage: px get ' "and shows its own usage"
run px ls --format
like "$err" "^px ls: option '--format' requires an argument" "a long option without its argument"
run px ls nodes -c
like "$err" "^px ls: option requires an argument -- 'c'" "a short one"
run px ls --json=yes nodes
like "$err" "^px ls: option '--json=yes' doesn't allow an argument" "an argument to a flag"
run px ls --no nodes
like "$err" "^px ls: option '--no' is ambiguous" "an ambiguous abbreviation"
run px delete --help
is "$rc" 0 "--help: exit 0"
like "$out" '^usage: px delete ' "--help prints the usage on stdout"

# Every option a usage shows is one the command takes, and no other: for
# each command, each option of its usage is accepted (whatever the
# command then says about the missing config), and one it does not show
# is refused.  Commands that would start something are left out.
bad=""
for c in $(px --list); do
	case $c in sim|top|fleet|init|help) continue ;; esac
	usage=$(px help "$c" </dev/null | head -1)
	for o in $(printf '%s\n' "$usage" | grep -oE '\[--?[A-Za-z][-_a-z0-9]*' | sed 's/^\[//'); do
		case $o in
		--*) words=$(printf '%s\n' "$usage" | grep -oE "\[$o [^]]*\]|\[$o\]" | head -1) ;;
		-*) words=$(printf '%s\n' "$usage" | grep -oE "\[$o [^]]*\]" | head -1) ;;
		esac
		if [ "${#o}" -gt 2 ] || [ -n "$words" ]; then
			set -- "$o"
			[ "$words" != "[$o]" ] && [ -n "$words" ] && set -- "$o" x
		else	# a bundle of flags [-Hjv]
			set -- $(printf '%s\n' "${o#-}" | sed 's/./-& /g')
		fi
		e=$(PX_CONFIG=/nonexistent timeout 10 px "$c" "$@" </dev/null 2>&1 >/dev/null)
		case $e in *"unrecognized option"*|*"invalid option"*|*"requires an argument"*)
			bad="$bad $c:$*" ;; esac
	done
done
is "$bad" "" "every option in every usage is accepted by its command"

# the options most commands share, before the command's name
sim_start --nodes 2 --guests 4
run px -p sim ls nodes
is "$rc" 0 "px -p sim ls nodes works"
like "$out" '^pve1 ' "and lists the nodes"
run px --profile=sim -j ls nodes
is "$rc" 0 "px --profile=sim -j ls nodes works"
like "$out" '^\[' "and is JSON"
run px -p nosuch ls nodes
is "$rc" 3 "px -p nosuch: the unknown profile is refused (exit 3)"
run px -y ls nodes
is "$rc" 2 "a global option the command does not take is refused (exit 2)"
like "$err" "^px ls: invalid option -- 'y'" "as px ls would refuse it"
run px -p
is "$rc" 2 "-p without a profile: exit 2"

# aliases are rows
# (columns that do not move: cpu and memory change between two reads)
run px get nodes -H -c name,status,maxcpu,maxmem
is "$(px ls nodes -H -c name,status,maxcpu,maxmem)" "$out" "px get is px ls"
run px help pve-version
like "$out" '^usage: px pveversion' "pve-version is another spelling of pveversion"
run px upgrade-check -h
like "$out" '^usage: px upgradecheck' "upgrade-check too"
like "$(px --list | tr '\n' ' ')" ' get ' "px --list has get (it has a page and a link)"
unlike "$(px --list)" 'pve-version' "but not the spellings"
done_testing
