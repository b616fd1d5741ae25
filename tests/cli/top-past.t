#!/bin/sh
# pxtop's time travel end to end in tmux against pxsim: pxtop records
# every refresh; a guest stopped in pxsim meanwhile; [ steps back to a
# refresh where it still ran, the header says PAST with time and age, an
# action is refused; ] comes back live; px replay --diff reads what
# pxtop recorded; a foreign cache stops only the recording, with a
# message.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 12
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
g=$(px ls guests -j | py "
for x in d:
    if x['status'] == 'running' and not x['lock'] and not x['ha']:
        print(x['vmid']); break")
[ -n "$g" ] || { echo "Bail out! pxsim has no running guest"; exit 1; }

sock="px-top-past-$$"
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
keys() { tm send-keys -t t "$@"; }
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 180 -y 40 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2
cache="$XDG_DATA_HOME/px/cache/sim.db"
refreshes() { /usr/bin/python3 -c "
import sqlite3; print(sqlite3.connect('file:$cache?mode=ro', uri=True).execute('select count(*) from refresh').fetchone()[0])" 2>/dev/null || echo 0; }

keys "clear; pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop starts"
keys 3 / "$g" Enter
wait_for "^Guests: 1 of 12"; ok $? "the guest view shows guest $g"
like "$(screen)" "$g .*running" "running now"
i=0; while [ "$(refreshes)" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok $(( $(refreshes) < 3 )) "pxtop records its refreshes ($(refreshes))"
is "$(stat -c %a "$cache")" 600 "in a 0600 file"
sleep 1.1	# the refreshes while it ran are a second apart from the stop
before=$(($(date +%s) - 1))
run px stop -y --allow-risk "$g"; ok $rc "guest $g stopped behind pxtop's back"
wait_for "$g .*stopped" 100; ok $? "pxtop shows it stopped"
sleep 2.2	# refreshes recorded with it stopped

# back until the guest runs again (each [ one refresh)
n=0
while [ $n -lt 15 ]; do
	keys '['; sleep 0.3; n=$((n + 1))
	screen | grep -Eq "$g .*running" && break
done
like "$(screen)" "$g .*running" "[ steps back to a refresh where it ran ($n steps)"
like "$(screen | head -1)" "^ PAST  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \\([0-9ms]+ ago\\)" "the header says PAST, with the time and its age"
like "$(screen | head -1)" "not the cluster now; actions disabled" "and that actions are disabled"
like "$(screen | tail -1)" "^ PAST: \\[ \\] previous/next refresh" "the footer lists the time-travel keys"
keys S
wait_for "refused: the screen shows the past .*shutdown is disabled" 30
ok $? "S (shutdown) is refused with a message"
keys y
sleep 0.3
unlike "$(screen)" "Operation queue: [1-9]" "nothing was queued"
keys ':' "start $g" Enter
wait_for "refused: the screen shows the past .*start is disabled" 30
ok $? "the palette's :start is refused too"
is "$(px ls guests -f tsv -c vmid,status | awk -v v="$g" '$1 == v { print $2 }')" stopped "the guest stayed stopped"

# by the hour: { to the oldest (less than an hour recorded), } live
keys '{'
sleep 0.5
like "$(screen | head -1)" "^ PAST " "{ with less than an hour recorded goes to the oldest refresh"
like "$(screen)" "$g .*running" "where the guest ran"
keys '}'
wait_for "live again: the screen shows the cluster now" 30; ok $? "} with less than an hour recorded ahead comes back live"
like "$(screen)" "$g .*stopped" "the guest stopped, as it is"

# one back, then forward to live
keys '['
wait_for "^ PAST " 30; ok $? "[ again"
i=0
while [ $i -lt 40 ]; do
	keys ']'; sleep 0.2; i=$((i + 1))
	screen | grep -q "live again" && break
done
wait_for "live again: the screen shows the cluster now" 30; ok $? "] at the newest refresh comes back live"
unlike "$(screen | head -1)" "PAST" "the header no longer says PAST"
like "$(screen)" "$g .*stopped" "and the guest is stopped, as it is"
keys ']'
wait_for "already live" 30; ok $? "] while live says so"
keys q; wait_for 'EXIT=0' 50; ok $? "pxtop quits"

# what pxtop recorded, through px replay
run px replay --diff -f tsv "$before" now
like "$out" "^state	guest	$g	[^	]*	[^	]*	running	stopped" "px replay --diff sees the stop pxtop recorded"

# a cache that is not px's: pxtop runs, says it does not record
mv "$cache" "$T/sim.db.keep"; rm -f "$cache-wal" "$cache-shm"
/usr/bin/python3 -c "
import sqlite3; c = sqlite3.connect('$cache'); c.execute('create table t(x)'); c.commit()"
chmod 600 "$cache"
keys "clear; pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'time travel: not recording: .*sim.db: not a px cache' 100
ok $? "a foreign cache: pxtop says it does not record, and why"
keys '['
wait_for 'time travel: .*not a px cache' 30; ok $? "[ says the same"
keys q; wait_for 'EXIT=0' 50; ok $? "pxtop quits"
/usr/bin/python3 -c "
import sqlite3; print(sqlite3.connect('$cache').execute('select count(*) from t').fetchone()[0])" >"$T/n"
is "$(cat "$T/n")" 0 "the foreign database was left alone"
done_testing
