#!/bin/sh
# make demo (scripts/demo) on a terminal: pxtop on pxsim, then, after q,
# a shell where px talks to the same cluster; exit stops pxsim.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${PX_BUILD:-$root/build}
sock="px-demo-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -t d -p; }
wait_for() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	echo "# screen:"; screen | sed "s/^/#   /"; return 1
}
keys() { tm send-keys -t d "$@"; }
# lib.sh's cleanup too: replacing its trap left its $T behind
cleanup_demo() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_demo EXIT
D=$(mktemp -d "$T/demo.XXXXXX")	# the demo's TMPDIR
PS1='$ ' tm new-session -d -s d -x 150 -y 30 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; TMPDIR=$D SHELL=/bin/sh sh $root/scripts/demo $(realpath --relative-to="$root" "$build"); echo DEMO=\$?" Enter
wait_for '^ pxtop  demo' 200; ok $? "make demo opens pxtop"
keys q; wait_for '^px-demo\$' 100; ok $? "q leaves pxtop for the demo shell"
keys "px ls nodes -H -f tsv -c node | sort | head -1" Enter
wait_for '^pve1$' 100; ok $? "px in the demo shell talks to pxsim"
keys exit Enter; wait_for '^DEMO=0' 100; ok $? "exit ends the demo"
sleep 0.3
is "$(ls "$D")" "" "and leaves nothing behind"
done_testing
