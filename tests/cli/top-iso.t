#!/bin/sh
# pxtop's ISO library (I) end to end in tmux against pxsim: the images
# of every storage that holds them, a download brought in by px storage
# download-url shown after R, and its delete queued in pxtop, previewed,
# confirmed and sent through the gate (gone in pxsim, in the audit log).
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 10
isos() { px storage content pve1 local --content iso -f tsv -H -c volid; }
# a fixture on pxsim's simulated internet, downloaded to local on pve1
mkdir -p "$SIM_DIR/internet/example.org"
printf 'pxtop iso fixture\n' >"$SIM_DIR/internet/example.org/pxtop-test.iso"
run px storage download-url pve1 local https://example.org/pxtop-test.iso -y
is "$rc" 0 "a test image downloaded to local on pve1"
like "$(isos)" "local:iso/pxtop-test.iso" "pxsim lists it"
n_iso=$(px storage content pve1 local -f tsv -H -c content | grep -c -x -e iso -e vztmpl)

sock="px-topiso-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -t t -p; }
wait_for() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# until the pattern is off the screen (a slow build, e.g. ASan, draws
# the first storages' answers before the last ones arrive)
wait_gone() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { tm send-keys -t t "$@"; }
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 170 -y 40 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
keys "clear; pxtop; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"

keys I; wait_for '^ISO library: [0-9]+ ISO images?, [0-9]+ templates?' 100
ok $? "I shows the ISO library"
wait_for '^CONTENT +NAME +STORAGE +NODE +SIZE +DATE'; ok $? "with its columns"
wait_for '^iso +pxtop-test.iso +local +pve1 ' 100; ok $? "the downloaded image, on local of pve1"
# the rows may come a refresh after the first one (a loaded machine)
i=0; while [ "$(screen | grep -c -E '^(iso|vztmpl) +[^ ]+ +local +pve1 ')" -lt "$n_iso" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(screen | grep -c -E '^(iso|vztmpl) +[^ ]+ +local +pve1 ')" "$n_iso" "every image and template of local on pve1, once"
wait_gone 'loading' 300; ok $? "every storage answered" || screen | sed 's/^/#   | /'
like "$(screen | tail -1)" "d delete" "the footer lists d"

# d: the delete, queued with its pre-flight preview, then confirmed
# the cursor to the test image: g to the first row, then j down to it
pos=$(screen | grep -E '^(iso|vztmpl) ' | grep -n -E '^iso +pxtop-test.iso ' | cut -d: -f1)
keys g
k=1; while [ "$k" -lt "${pos:-1}" ]; do keys j; k=$((k + 1)); done
sleep 0.3
keys d; wait_for '^Operation queue: 1' 50; ok $? "d queues the delete"
wait_for 'rmvolume local +ready +ok' 100; ok $? "previewed: nothing uses the image" || screen | sed 's/^/#   | /'
keys y; wait_for 'Run 1 operation through the gate on profile sim\?'; ok $? "y asks for confirmation"
keys y; wait_for 'rmvolume local +ok ' 100; ok $? "the delete ends OK in the queue"
unlike "$(isos)" "pxtop-test.iso" "and the image is gone from pxsim"
like "$(px audit log -j)" "\"target\": *\"volume/local:iso/pxtop-test.iso\"" "the audit log has the delete"
keys I; sleep 0.5; wait_for '^ISO library' 50
wait_gone 'pxtop-test.iso' 100; ok $? "the library no longer lists it"

# C: px ssh to a guest, pxtop paused and back
keys 3; wait_for '^Guests: 10 of 10'
keys C; wait_for 'px ssh: |ssh to [0-9]+ ended' 100; ok $? "C runs px ssh for the selected guest"
wait_for '^Guests: 10 of 10' 100; ok $? "and pxtop is back after it"
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
done_testing
