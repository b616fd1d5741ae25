#!/bin/sh
# pxtop end to end in tmux against pxsim: every view, search, a
# multi-select start seen in pxsim, a pre-flight refusal in the queue, a
# read-only profile refusing, resize, every way out (q, C-c, SIGTERM,
# SIGHUP, SIGSEGV) leaving the terminal in cooked mode, a cluster that
# hangs marked stale, then fresh again, and the PBS of px.conf on the
# backup board.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || skip_all "tmux is not installed (scripts/deps)"
sim_start --guests 60 --pbs 127.0.0.1:0
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
status_of() { px ls guests -f tsv -c vmid,status | awk -v v="$1" '$1 == v { print $2 }'; }
# two stopped guests with no lock, HA or protective tag, and a locked one
set -- $(px ls guests -j | py "
n = 0
for g in d:
    if g['status'] == 'stopped' and not g['lock'] and not g['ha'] and not (g['tags'] or '') and n < 2:
        print(g['vmid']); n += 1")
g1=${1-}; g2=${2-}
locked=$(px ls guests -j | py "
for g in d:
    if g['status'] == 'stopped' and g['lock']:
        print(g['vmid']); break")
[ -n "$g1" ] && [ -n "$g2" ] && [ -n "$locked" ] || { echo "Bail out! pxsim has no suitable guests"; exit 1; }
# a read-only twin of the sim profile
awk '/^\[/ { p = $0 == "[profile sim]" } p' "$PX_CONFIG" | sed 's/^\[profile sim\]/[profile ro]/' >"$T/ro"
{ cat "$T/ro"; echo "read_only = yes"; } >>"$PX_CONFIG"

sock="px-top-$$"
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -t t -p; }
# wait_for REGEX [tenths]: until the pane shows it; 0 when it did
wait_for() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
keys() { tm send-keys -t t "$@"; }
pxtop_pid() { pgrep -P "$(tm display -p -t t '#{pane_pid}')" | head -1; }
start_top() {	# start_top [args]: pxtop in the pane, 0 once it shows data
	keys "clear; pxtop $*; echo EXIT=\$?" Enter
	wait_for 'Cluster sim: healthy|Cluster ro:' 100
}
cooked() {	# the pane's tty in canonical mode with echo
	keys "clear; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo :STTY" Enter
	wait_for '^icanon echo :STTY' 30
}
cleanup_top() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_top EXIT
PS1='$ ' tm new-session -d -s t -x 150 -y 40 "sh" || { echo "Bail out! tmux did not start"; exit 1; }
sleep 0.2

# --- views
start_top
ok $? "pxtop starts on the dashboard"
like "$(screen | head -1)" "pxtop  sim  nodes 3/3  guests [0-9]+/60 running" "the header counts nodes and guests"
like "$(screen | tail -1)" "\\? keys.*q quit" "the footer lists the keys"
keys 2; wait_for '^NAME +STATUS +CPU'; ok $? "2 shows the nodes"
keys 3; wait_for '^Guests: 60 of 60'; ok $? "3 shows the guests"
keys 4; wait_for '^STORAGE +NODE +TYPE'; ok $? "4 shows the storage"
keys 5; wait_for '^Tasks: '; ok $? "5 shows the tasks"
keys Q; wait_for '^Operation queue: 0'; ok $? "Q shows the operation queue"
keys T; wait_for '^Audit timeline'; ok $? "T shows the audit timeline"
keys '?'; wait_for 'pxtop keys'; ok $? "? shows the keymap"
keys x; sleep 0.2
unlike "$(screen)" "pxtop keys" "any key closes it"
keys 1; wait_for '^Cluster sim'; ok $? "1 goes back to the dashboard"

# --- search, sort, detail
keys 3 / "$g1"; wait_for "^Guests: 1 of 60 .*search: $g1"; ok $? "/ searches as one types"
keys Enter Enter; wait_for "^(VM|CT) $g1 .* on pve[0-9]: stopped"; ok $? "Enter opens the guest's detail"
wait_for '^Config \([1-9]'; ok $? "with its config"
wait_for '^  cpu, last hour +[^ ]'; ok $? "and its CPU of the last hour from the RRD"
keys Escape; wait_for '^Guests: 1 of 60'; ok $? "Esc goes back"
sleep 0.2; keys Escape; wait_for '^Guests: 60 of 60'; ok $? "Esc clears the search"
keys '>' '>' '>' '>' o; wait_for '^Guests: 60 of 60 +sort cpu desc'; ok $? "> and o sort by cpu, descending"
keys '<' '<' '<' '<' o; wait_for 'sort vmid asc'

# --- multi-select, start two stopped guests through the gate
# (Esc alone, then a pause: Esc and a quick key read as Alt+key)
esc() { sleep 0.2; keys Escape; sleep 0.3; }
keys / "$g1" Enter Space; esc; keys / "$g2" Enter Space; esc
wait_for 'marked 2'; ok $? "Space marks two guests"
keys s; wait_for '^Operation queue: 2'; ok $? "s queues them"
wait_for "^[0-9]+ +$g2 .* start +ready +ok"; ok $? "each with its pre-flight preview"
keys y; wait_for 'Run 2 operations through the gate on profile sim\?'; ok $? "y asks for confirmation"
keys y; wait_for "^[0-9]+ +$g1 .* ok +ok +task OK" 100 && wait_for "^[0-9]+ +$g2 .* ok +ok +task OK" 100
ok $? "both tasks end OK in the queue"
is "$(status_of "$g1") $(status_of "$g2")" "running running" "and both guests run in pxsim"

# --- a pre-flight refusal shown in the queue
keys c 3 / "$locked" Enter s
wait_for "^[0-9]+ +$locked .* start +ready +Severe Locked \\(refuse\\)"; ok $? "a locked guest's preview says it will be refused"
wait_for 'Severe +Locked +VM [0-9]+ is locked'; ok $? "with the finding's detail"
keys y y; wait_for "^[0-9]+ +$locked .* refused .*pre-flight check refused" 100; ok $? "the gate refuses it, shown in the queue"
is "$(status_of "$locked")" stopped "the locked guest was not started"

# --- snapshot, backup, migrate and delete through the gate
keys c; esc; keys 3 / "$g1" Enter; wait_for "^Guests: 1 of 60"; keys n; wait_for 'snapshot name: _'; ok $? "n asks for a snapshot name"
keys pxtopsnap Enter
wait_for "^[0-9]+ +$g1 .* snapshot pxtopsnap +ready"; ok $? "and queues the snapshot with its preview"
keys y y; wait_for "^[0-9]+ +$g1 .* snapshot pxtopsnap +ok .*task OK" 100; ok $? "the snapshot's task ends OK"
like "$(px snapshot list "$g1" -f tsv -H -c name)" "pxtopsnap" "and pxsim has the snapshot"
keys c 3 b; wait_for 'back up to storage: [a-z]'; ok $? "b offers a backup storage"
keys Enter; wait_for "^[0-9]+ +$g1 .* backup [a-z-]+ +ready"; ok $? "and queues the backup"
keys y y; wait_for "^[0-9]+ +$g1 .* backup [a-z-]+ +ok .*task OK" 100; ok $? "the backup's task ends OK"
# a slow backup: its percent from the task log, live in the queue
simctl POST tasks seconds=8 >/dev/null
keys c 3 b; wait_for 'back up to storage: [a-z]'; keys Enter
wait_for "^[0-9]+ +$g1 .* backup [a-z-]+ +ready"; keys y y
wait_for "^[0-9]+ +$g1 .* backup [a-z-]+ +running .*\\[#+ *\\] +[0-9]+%  INFO: +[0-9]+% \\(" 100
ok $? "a running backup shows its task's percent and log line in the queue" || screen | grep -E "backup" | sed 's/^/#   | /'
wait_for "^[0-9]+ +$g1 .* backup [a-z-]+ +ok .*task OK" 150; ok $? "and ends OK"
simctl POST tasks seconds=0 >/dev/null
keys c 3 d; wait_for "^[0-9]+ +$g1 .* delete +ready +Severe Running \\(refuse\\)"; ok $? "d on a running guest: the preview says it will be refused"
keys y y; wait_for "^[0-9]+ +$g1 .* delete +refused" 100; ok $? "the gate refuses it"
is "$(status_of "$g1")" running "the guest is still there"
keys c 3 m; wait_for 'migrate to node: _'; keys pve9 Enter
wait_for "no node 'pve9' in the cluster"; ok $? "m to an unknown node says so and queues nothing"
here=$(px ls guests -f tsv -H -c vmid,node | awk -v v="$g1" '$1 == v { print $2 }')
there=pve1; [ "$here" = pve1 ] && there=pve2
# the target node goes offline between the preview and the confirmation:
# job_run's precondition refuses it, audited like every refusal
keys m; wait_for 'migrate to node: _'; keys "$there" Enter
wait_for "^[0-9]+ +$g1 .* migrate > $there +ready"; ok $? "m queues a migration to a known node"
simctl POST offline "node=$there&offline=1" >/dev/null
keys y y; wait_for "^[0-9]+ +$g1 .* migrate > $there +(refused|failed) .*cannot move" 100; ok $? "its node offline at run time: not moved" || screen | grep -E "migrate" | sed "s/^/#   | /"
simctl POST offline "node=$there&offline=0" >/dev/null
like "$(px audit log -f tsv -H | grep "	migrate	[vc][mt]/$g1	")" "refused-precondition" "the refusal in job_run is audited"
is "$(sim_log | grep -c "^POST /api2/json/nodes/[^/]*/[a-z]*/$g1/migrate ")" 0 "nothing was sent"
keys c 3 m; wait_for 'migrate to node: _'; keys "$there" Enter
wait_for "^[0-9]+ +$g1 .* migrate > $there +ready"; ok $? "queued again once the node is back"
keys y y; wait_for "^[0-9]+ +$g1 .* migrate > $there +ok .*task OK" 150; ok $? "the migration's task ends OK"
is "$(px ls guests -f tsv -H -c vmid,node | awk -v v="$g1" '$1 == v { print $2 }')" "$there" "and the guest is on $there in pxsim"

# --- backup board and snapshot tree
keys c; esc; keys 3 / "$g1" Enter; wait_for "^Guests: 1 of 60"
keys Z; wait_for "^Snapshots of (VM|CT) $g1 .*: 1"; ok $? "Z shows the guest's snapshot tree"
wait_for '`- NOW \(current state\)'; ok $? "with where the guest is now"
like "$(screen)" "pxtopsnap" "and the snapshot taken from pxtop"
keys B; wait_for '^Backup board: 1 guests'; ok $? "B shows the backup board"
wait_for "^ +$g1 .* [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+ +[0-9]+[smhd]" 50; ok $? "with the backup taken from pxtop and its age"
wait_for '^PBS sim:backup +[0-9.]+ [KMGT]iB of [0-9.]+ [KMGT]iB used \([0-9]+%\).*GC ' 50; ok $? "and the PBS profile's datastore: usage and garbage collection"
like "$(screen)" "PBS LAST  VERIFY" "with a PBS column per guest"
esc
name1=$(px ls guests -f tsv -H -c vmid,name | awk -v v="$g1" '$1 == v { print $2 }')
keys 3 G "/^name: $name1\$/" Enter; wait_for "^Config grep /\^name: $name1\\\$/: 1 line in 1 guest, 60 of 60 configs read" 100
ok $? "G searches every guest config with a regex"
wait_for "^ +$g1 +$name1 .* name +$name1"; ok $? "and shows the matching line"
esc
keys 2 W; wait_for '^Hardware of pve1: [1-9][0-9]* PCI, [0-9]+ USB devices'; ok $? "W shows the PCI and USB devices of the node under the cursor"
wait_for '^pci +0000:'; ok $? "with their addresses"
esc
keys H; wait_for '^API round-trip per node'; ok $? "H shows the heatmap"
wait_for '^pve3 .* [0-9.]+ ms +[0-9.]+ ms +(fast|ok|slow|very-slow)' 100; ok $? "every node gets its median, worst and bucket"
esc

# --- command palette and quick open
keys C-k; wait_for 'quick open'; ok $? "C-k opens quick open"
keys "$name1"; wait_for "> (VM|CT) +$g1 $name1"; ok $? "and finds a guest by name"
keys Enter; wait_for "^(VM|CT) $g1 \\($name1\\)"; ok $? "Enter opens its detail"
esc; keys : "sort cpu desc" Enter; wait_for '^Guests: .* sort cpu desc'; ok $? ":sort cpu desc sorts the guests"
keys : "sort vmid" Enter; wait_for 'sort vmid asc'
keys : "start 99999" Enter; wait_for "no guest '99999'"; ok $? ":start with an unknown VMID queues nothing"

# --- resize
tm resize-window -t t -x 100 -y 30
wait_for '^ j/k move' 100
ok $? "after a resize the footer is redrawn" || screen | sed 's/^/#   | /' 
is "$(screen | wc -l | tr -d ' ')" 30 "on the new height"
is "$(screen | awk '{ if (length($0) > m) m = length($0) } END { print m <= 100 }')" 1 "within the new width"
tm resize-window -t t -x 150 -y 40

# --- the ways out
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
cooked; ok $? "q leaves the terminal in cooked mode"
start_top; keys C-c; wait_for '^EXIT=0'; ok $? "C-c quits with 0"
cooked; ok $? "C-c leaves the terminal in cooked mode"
for sig in TERM HUP; do
	start_top; kill -$sig "$(pxtop_pid)"; wait_for '^EXIT=0'; ok $? "SIG$sig quits with 0"
	cooked; ok $? "SIG$sig leaves the terminal in cooked mode"
done
# Dies of the signal (139); under ASan the sanitizer's handler, which
# pxtop hands the signal on to, reports and exits 1 instead.
start_top; kill -SEGV "$(pxtop_pid)"; wait_for '^EXIT=(139|1)$'; ok $? "SIGSEGV: the process dies of the signal"
cooked; ok $? "SIGSEGV leaves the terminal in cooked mode"
unlike "$(screen)" "Cluster sim" "and no TUI on the screen"

# --- a read-only profile refuses, hiding nothing (reached with :profile)
start_top; keys : "profile nosuch" Enter; wait_for "no profile 'nosuch'"; ok $? ":profile with an unknown profile says so"
keys : "profile ro" Enter; wait_for '^ pxtop  ro .*\[read-only\]' 100; ok $? ":profile ro restarts pxtop on ro"
like "$(screen | head -1)" "\\[read-only\\]" "a read-only profile is marked"
keys 3; wait_for '^Guests: 60 of 60'; ok $? "and shows every guest"
keys s; wait_for 'refused: profile ro is read-only'; ok $? "s is refused with the reason in the status line"
keys Q; wait_for '^Operation queue: 0'; ok $? "nothing was queued"
keys q; wait_for '^EXIT=0'

# --- a cluster that hangs (TCP accepted, no answer): stale after max(3
# refreshes, 10 s), long before the hung fetch times out (20 s here, then
# retried); fresh again once it answers.  Generous bounds, no timings.
pxsim -d "$SIM_DIR" --print-config | sed 's/^url = .*/&\ntimeout = 20/' >"$T/hang.conf"
chmod 600 "$T/hang.conf"
keys "clear; PX_CONFIG=$T/hang.conf pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "pxtop -d 1 shows the cluster"
simctl POST fault 'rate=1&mode=hang&prefix=/cluster/resources' >/dev/null
wait_for 'no answer from sim for [0-9]+s \(showing data from [0-9]{2}:[0-9]{2}:[0-9]{2}\)' 300
ok $? "/cluster/resources hangs: the status line says so, and the data's time"
like "$(screen | head -1)" 'updated [0-9:]+  stale' "the header marks the data stale"
simctl DELETE fault >/dev/null
i=0
while screen | grep -q 'no answer from' && [ $i -lt 400 ]; do sleep 0.1; i=$((i + 1)); done
unlike "$(screen)" 'no answer from|  stale' "the fault cleared, the retry answers: fresh again"
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"

# --- a password profile's ticket renewal (after 105 minutes; the test
# hook PX_TEST_TICKET_AGE makes the first ticket that old) runs next to
# the refreshes, not before them: a renewal that hangs stops nothing.
pxsim -d "$SIM_DIR" --print-config --auth password >"$T/pw.conf"
chmod 600 "$T/pw.conf"
tickets() { sim_log | grep -c '^POST /api2/json/access/ticket '; }
simctl DELETE log >/dev/null
keys "clear; PX_CONFIG=$T/pw.conf pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100; ok $? "a password profile: pxtop shows the cluster"
sleep 2
logins=$(tickets)	# one per client pxtop opens
keys q; wait_for '^EXIT=0'
ok $([ "$logins" -ge 1 ] && echo 0 || echo 1) "it logged in ($logins)"
simctl DELETE log >/dev/null
keys "clear; PX_CONFIG=$T/pw.conf PX_TEST_TICKET_AGE=6400 pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100
i=0
while [ "$(tickets)" -le "$logins" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(tickets)" $((logins + 1)) "a ticket 6400 s old is renewed"
sleep 2.5
is "$(tickets)" $((logins + 1)) "once: the new ticket is not renewed again"
is "$(sim_log | grep -c ' 401$')" 0 "no call was refused meanwhile"
keys q; wait_for '^EXIT=0'; ok $? "q quits with 0"
# 6299 s: the ticket turns 105 minutes old a second or two after the
# login, once the fault is in place.
simctl DELETE log >/dev/null
keys "clear; PX_CONFIG=$T/pw.conf PX_TEST_TICKET_AGE=6299 pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100
simctl POST fault 'rate=1&mode=hang&prefix=/access/ticket' >/dev/null
is "$(tickets)" "$logins" "no renewal yet"
i=0
while [ "$(tickets)" -le "$logins" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(tickets)" $((logins + 1)) "a renewal that hangs has been sent"
n=$(sim_log | grep -c '^GET /api2/json/cluster/resources')
sleep 3
ok $([ "$(sim_log | grep -c '^GET /api2/json/cluster/resources')" -gt "$n" ] && echo 0 || echo 1) "the refreshes go on meanwhile"
unlike "$(screen)" 'no answer from|  stale' "and the data stays fresh"
keys q; wait_for '^EXIT=0' 20; ok $? "q quits at once, the hung renewal dropped"
simctl DELETE fault >/dev/null
# A renewal answered with garbage: the old ticket is kept, nothing stops.
simctl DELETE log >/dev/null
keys "clear; PX_CONFIG=$T/pw.conf PX_TEST_TICKET_AGE=6299 pxtop -d 1; echo EXIT=\$?" Enter
wait_for 'Cluster sim: healthy' 100
simctl POST fault 'rate=1&mode=malformed&prefix=/access/ticket' >/dev/null
i=0
while [ "$(tickets)" -le "$logins" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(tickets)" $((logins + 1)) "a renewal answered with malformed JSON"
n=$(sim_log | grep -c '^GET /api2/json/cluster/resources .* 200$')
sleep 2.5
ok $([ "$(sim_log | grep -c '^GET /api2/json/cluster/resources .* 200$')" -gt "$n" ] && echo 0 || echo 1) "the refreshes go on with the old ticket"
is "$(tickets)" $((logins + 1)) "and it is not retried at once (a minute later)"
unlike "$(screen)" 'error|no answer from' "no error shown"
keys q; wait_for '^EXIT=0' 20; ok $? "q quits with 0"
simctl DELETE fault >/dev/null

# --- no terminal
run pxtop </dev/null
is "$rc" 2 "without a terminal: exit 2"
like "$err" "needs a terminal" "and says why"
# --- a terminal without cursor addressing (a pseudo-terminal via script)
for term in dumb vt52; do
	out=$(TERM=$term script -qec 'pxtop; echo RC=$?' /dev/null 2>&1 </dev/null | tr -d '\r')
	like "$out" 'RC=1$' "TERM=$term: exit 1, no abort"
	like "$out" 'cannot address the cursor' "TERM=$term: and says why"
done
done_testing
