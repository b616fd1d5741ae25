#!/bin/sh
# px console, px node shell and px cast against pxsim's termproxy and
# vncwebsocket: as a pipe and on a pseudo-terminal (log in, run a
# command, resize, leave with Ctrl-] q, SIGTERM, SIGHUP, a dropped
# connection: the terminal restored every time), the gate (dry run,
# read-only, freeze, audit), a wrong fingerprint, a refused ticket, casts
# read back by Debian's asciinema, px cast play and list.
. "$(dirname "$0")/lib.sh"
sim_start
base=$(cat "$PX_CONFIG")
pty="$(dirname "$0")/console-pty.py"
vm=$(px ls guests -f tsv -H -c vmid,type,status,node | awk '$2 == "qemu" && $3 == "running" && $4 == "pve1" { print $1; exit }')
ct=$(px ls guests -f tsv -H -c vmid,type,status | awk '$2 == "lxc" && $3 == "running" { print $1; exit }')
posts() { sim_log | grep -c "^POST .*/termproxy"; }
# the text of a cast as the real asciinema player shows it (it wants a tty)
acat() {
	/usr/bin/python3 -c 'import pty, sys
sys.exit(pty.spawn(["asciinema", "cat", sys.argv[1]]) >> 8)' "$1" </dev/null
}

# --- as a pipe
run sh -c "printf 'root\nsecret\nhostname\nstty size\nnosuch\nexit\n' | px console $vm"
is "$rc" 0 "console as a pipe: exit 0 when the console closes"
like "$out" "login: root" "the login prompt, the name echoed"
like "$out" "root@[a-z0-9-]+:~# hostname" "a shell prompt and the command echoed"
like "$out" "24 80" "stty size: the size px sent (80x24 without a terminal)"
like "$out" "nosuch: command not found" "the shell answers"
like "$out" "logout" "exit logs out"
run sh -c "printf 'root\nx\nexit\n' | px console $ct"
is "$rc" 0 "a container's console"
like "$(sim_log | grep termproxy)" "POST /api2/json/nodes/[^/]+/lxc/$ct/termproxy" "through lxc/termproxy"
run sh -c "printf 'hostname\n' | px node shell pve1"
is "$rc" 0 "node shell as a pipe: exit 0 after the input ends"
like "$out" "root@pve1:~# hostname" "the node's shell prompt"
like "$out" "pve1" "hostname answers"
like "$(sim_log | grep termproxy | tail -1)" "POST /api2/json/nodes/pve1/termproxy token 200" "POST /nodes/pve1/termproxy"
like "$(sim_log | grep vncwebsocket | tail -1)" "GET /api2/json/nodes/pve1/vncwebsocket token 101" "the WebSocket upgrade: 101"

# --- usage errors send nothing
simctl DELETE log >/dev/null
run px console
is "$rc" 2 "console without a VMID: usage"
run px console abc
is "$rc" 2 "a VMID that is not one: exit 2"
like "$err" "'abc' is not a VMID" "says so"
run px console $vm --serial serial9
is "$rc" 2 "--serial serial9: exit 2"
like "$err" "serial0, serial1, serial2 or serial3" "says which are valid"
run px console $ct --serial serial0
is "$rc" 2 "--serial on a container: exit 2"
run px console $vm --record-input
is "$rc" 2 "--record-input alone: exit 2"
run px node shell 'bad node!'
is "$rc" 2 "node shell of a bad node name: exit 2"
run px node shell pve1 --vms 100
is "$rc" 2 "node shell --vms: exit 2"
run px node startall pve1 --record
is "$rc" 2 "startall --record: exit 2"
is "$(posts)" 0 "usage errors: no termproxy asked"
run px console 99999
is "$rc" 5 "an unknown VMID: exit 5"
off=$(px ls guests -f tsv -H -c vmid,status | awk '$2 == "stopped" { print $1; exit }')
run px console $off
is "$rc" 1 "a stopped guest: exit 1"
like "$err" "is stopped: its console has nothing to show" "says so"
run px node shell nosuchnode
is "$rc" 5 "an unknown node: exit 5"
is "$(posts)" 0 "unknown objects: no termproxy asked"

# --- the gate: dry run, read-only, freeze, audit
run px console $vm -n
is "$rc" 0 "console -n: exit 0"
is "$out" "would send: POST /nodes/pve1/qemu/$vm/termproxy serial=serial0" "console -n: what would be sent"
run px console $vm -n --serial serial1
like "$out" "serial=serial1" "--serial picks the port"
run px node shell pve1 -n
is "$out" "would send: POST /nodes/pve1/termproxy" "node shell -n"
is "$(posts)" 0 "-n: nothing sent"
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
run px console $vm
is "$rc" 8 "read-only profile: console refused, exit 8"
run px node shell pve1
is "$rc" 8 "read-only profile: node shell refused, exit 8"
is "$(posts)" 0 "read-only: nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "console freeze test" --ttl 1h >/dev/null 2>&1
run px console $vm
is "$rc" 8 "frozen: console refused, exit 8"
like "$err" "console freeze test" "frozen: the reason"
px incident thaw --reason done >/dev/null 2>&1
is "$(posts)" 0 "frozen: nothing sent"
run px audit log -f tsv -H -c action,target,decision,result
like "$out" "console	vm/$vm	allowed	pending" "audit: the console's opening"
like "$out" "console	vm/$vm	task	closed" "audit: its end"
like "$out" "shell	node/pve1	task	closed" "audit: the node shell"
like "$out" "console	vm/$vm	refused-read-only" "audit: the read-only refusal"
like "$out" "console	vm/$vm	refused-frozen" "audit: the freeze refusal"

# --- on a terminal: raw mode, resize, every way out restores the terminal
for m in quit term hup drop; do
	run /usr/bin/python3 "$pty" $m "$T/pty.$m" -- px console $vm
	like "$out" "raw yes" "pty $m: the terminal in raw mode"
	like "$out" "size-before 24 80" "pty $m: the window's size sent"
	like "$out" "size-after 30 100" "pty $m: a resize forwarded (SIGWINCH)"
	like "$out" "restored yes" "pty $m: the terminal restored"
done
like "$(/usr/bin/python3 "$pty" quit "$T/o" -- px console $vm)" "rc 0" "Ctrl-] q: exit 0"
like "$(/usr/bin/python3 "$pty" term "$T/o" -- px console $vm)" "rc 143" "SIGTERM: exit 143"
like "$(/usr/bin/python3 "$pty" hup "$T/o" -- px console $vm)" "rc 129" "SIGHUP: exit 129"
like "$(/usr/bin/python3 "$pty" drop "$T/o" -- px console $vm)" "rc 7" "the connection dropped: exit 7"
like "$(cat "$T/o")" "the connection to the console dropped" "the drop is said"
run env PTY_NOLOGIN=1 /usr/bin/python3 "$pty" quit "$T/o" -- px node shell pve1
like "$out" "size-after 30 100" "node shell on a pty: a resize forwarded"
like "$out" "rc 0" "node shell on a pty: Ctrl-] q, exit 0"
like "$out" "restored yes" "node shell on a pty: the terminal restored"
run sh -c "printf 'root\nx\ndrop\n' | px console $vm"
is "$rc" 7 "a drop as a pipe: exit 7"
run px audit log -f tsv -H -c action,target,decision,result
like "$out" "console	vm/$vm	task	the connection to the console dropped" "audit: the drop"
like "$out" "console	vm/$vm	task	ended by signal 15" "audit: the SIGTERM"
like "$out" "console	vm/$vm	task	left" "audit: Ctrl-] q"

# --- the vncwebsocket's ticket
run curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: $SIM_AUTH" \
	"$SIM_URL/api2/json/nodes/pve1/qemu/$vm/vncwebsocket?port=5900&vncticket=PVEVNC:forged"
is "$out" 401 "vncwebsocket with a forged ticket: 401"
tk=$(sim_api POST "nodes/pve1/termproxy" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d["port"], d["ticket"])')
run curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: $SIM_AUTH" \
	"$SIM_URL/api2/json/nodes/pve1/qemu/$vm/vncwebsocket?port=${tk% *}&vncticket=${tk#* }"
is "$out" 401 "a node's ticket for a guest's console: 401"
run curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: $SIM_AUTH" \
	"$SIM_URL/api2/json/nodes/pve1/vncwebsocket?port=${tk% *}&vncticket=${tk#* }"
is "$out" 400 "the right ticket without an upgrade: 400"

# --- a wrong fingerprint refuses before the ticket is asked for
simctl DELETE log >/dev/null
sed 's/^fingerprint = .*/fingerprint = 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF/' "$T/px.conf" >"$T/px.bad"
chmod 600 "$T/px.bad"
run env PX_CONFIG="$T/px.bad" px console $vm
is "$rc" 10 "a wrong fingerprint: exit 10"
is "$(posts)" 0 "a wrong fingerprint: no ticket asked"

# --- recording
run sh -c "printf 'root\nsecret\nhostname\nexit\n' | px console $vm --record='$T/a.cast'"
is "$rc" 0 "--record=FILE: exit 0"
is "$(stat -c %a "$T/a.cast")" 600 "the cast is 0600"
head -1 "$T/a.cast" >"$T/head"
run /usr/bin/python3 -c 'import json,sys
h = json.load(open(sys.argv[1]))
assert h["version"] == 2 and h["width"] == 80 and h["height"] == 24
assert h["timestamp"] > 1600000000 and "TERM" in h["env"] and "SHELL" in h["env"]
assert h["title"].startswith("VM ")
print("ok")' "$T/head"
is "$out" ok "the header: version 2, width, height, timestamp, env, title"
run /usr/bin/python3 -c 'import json,sys
kinds = set()
for l in list(open(sys.argv[1]))[1:]:
    e = json.loads(l)
    assert isinstance(e[0], float) and isinstance(e[2], str)
    kinds.add(e[1])
print(" ".join(sorted(kinds)))' "$T/a.cast"
is "$out" "o r" "events: output and the size; no input without --record-input"
run acat "$T/a.cast"
is "$rc" 0 "asciinema cat reads the cast"
like "$out" "root@[a-z0-9-]+:~# hostname" "asciinema cat shows the session"
like "$out" "logout" "to its end"
unlike "$out" "secret" "the password is not in the cast"
run sh -c "printf 'root\nsecret\nexit\n' | px console $vm --record='$T/a.cast'"
is "$rc" 1 "an existing cast is not written over: exit 1"
like "$err" "px never writes over a cast" "says so"
run sh -c "printf 'root\nsecret\nexit\n' | px console $vm --record='$T/i.cast' --record-input"
grep -q '"i", "root' "$T/i.cast"
ok $? "--record-input: the keys are recorded"
run sh -c "printf 'hostname\nexit\n' | px node shell pve1 --record"
is "$rc" 0 "node shell --record: exit 0"
like "$err" "recorded $XDG_DATA_HOME/px/casts/node-pve1-[0-9T]+\.cast" "says where"
is "$(stat -c %a "$XDG_DATA_HOME/px/casts")" 700 "casts/ is 0700"
run sh -c "printf 'root\nx\nexit\n' | px console $vm --record"
is "$rc" 0 "console --record: exit 0"
ls "$XDG_DATA_HOME/px/casts/" >"$T/ls"
like "$(cat "$T/ls")" "vm-$vm-[0-9T]+\.cast" "the default name names the guest"
run acat "$(ls "$XDG_DATA_HOME"/px/casts/vm-*.cast | head -1)"
like "$out" "login: root" "the default cast reads in asciinema"

# --- px cast play and list
run px cast play "$T/a.cast" --speed 1000
is "$rc" 0 "cast play: exit 0"
like "$out" "root@[a-z0-9-]+:~# hostname" "cast play writes the output"
printf '%s\n' '{"version":2,"width":80,"height":24}' '[0.0, "o", "a"]' '[3.0, "o", "b"]' >"$T/idle.cast"
s=$(date +%s%N)
run px cast play "$T/idle.cast" --idle-limit 0.2
e=$(date +%s%N)
is "$out" "ab" "cast play: the events' output"
ok $([ $(( (e - s) / 1000000 )) -lt 2000 ] && echo 0 || echo 1) "--idle-limit 0.2 cuts a 3 s pause"
run px cast play "$T/idle.cast" --speed 0
is "$rc" 2 "--speed 0: exit 2"
run px cast play "$T/idle.cast" --speed fast
is "$rc" 2 "--speed fast: exit 2"
printf 'not json\n' >"$T/bad.cast"
run px cast play "$T/bad.cast"
is "$rc" 1 "a file that is no cast: exit 1"
like "$err" "not a cast header" "says so"
is "$out" "" "and plays nothing"
printf '%s\n' '{"version":2,"width":80,"height":24}' '[1.0, "o", "a"]' '[0.5, "o", "b"]' >"$T/back.cast"
run px cast play "$T/back.cast"
like "$err" "line 3: the time goes backwards" "a cast whose time goes backwards"
printf '%s\n' '{"version":1,"width":80,"height":24}' >"$T/v1.cast"
run px cast play "$T/v1.cast"
like "$err" "cast version 1" "a version 1 cast is refused"
run px cast play "$T/nosuch.cast"
is "$rc" 5 "a missing cast: exit 5"
cp "$T/bad.cast" "$XDG_DATA_HOME/px/casts/zz-broken.cast"
run px cast list -f tsv -c file,width,height
is "$rc" 0 "cast list: exit 0"
like "$out" "node-pve1-[0-9T]+\.cast	80	24" "cast list: the node's cast"
like "$out" "vm-$vm-[0-9T]+\.cast	80	24" "cast list: the guest's cast"
like "$err" "zz-broken.cast: line 1: not a cast header" "a broken cast is warned about"
run px cast list -j
/usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert all(k in r[0] for k in ("file","start","duration","width","height","events","size","title"))' "$out"
ok $? "cast list -j: the documented keys"
run px cast list --speed 2
is "$rc" 2 "cast list --speed: exit 2"
run px cast
is "$rc" 2 "cast without a verb: exit 2"

# --- pxtop: c on a guest opens its console full screen, and pxtop returns
if command -v tmux >/dev/null; then
	sock="px-console-$$"
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
	PS1='$ ' tm new-session -d -s t -x 150 -y 40 "sh"
	sleep 0.2
	keys "clear; pxtop; echo EXIT=\$?" Enter
	wait_for 'Cluster sim: healthy'
	ok $? "pxtop starts"
	keys 3 / "$vm" Enter; wait_for "^Guests: 1 of 60"
	keys c; wait_for "login: *$" 100
	ok $? "c on a guest: its console's login prompt"
	keys root Enter; wait_for "Password: *$"
	keys secret Enter; wait_for "# *$"
	keys hostname Enter; sleep 0.3
	keys exit Enter
	wait_for "^Guests: 1 of 60" 100
	ok $? "when the console ends, pxtop is back"
	keys q; wait_for "EXIT=0"
	ok $? "pxtop quits with exit 0"
	keys "clear; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo :STTY" Enter
	wait_for '^icanon echo :STTY' 30
	ok $? "the terminal is cooked again"

	# --- px console itself in tmux: log in, a command, a resize, Ctrl-] q
	cooked() {
		keys "clear; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo :STTY" Enter
		wait_for '^icanon echo :STTY' 30
	}
	keys "clear; px console $vm --record='$T/tmux.cast'; echo EXIT=\$?" Enter
	wait_for "login: *$" 100
	ok $? "tmux: px console shows the login prompt"
	keys root Enter; wait_for "Password: *$"
	keys secret Enter; wait_for "# *$"
	keys hostname Enter
	wait_for "^$(px ls guests -H -f tsv -c vmid,name | awk -v v="$vm" '$1 == v { print $2 }') *$" 50
	ok $? "tmux: a command's answer"
	keys "stty size" Enter; wait_for "^40 150 *$" 50
	ok $? "tmux: the guest sees the window's size"
	tm resize-window -t t -x 120 -y 30 2>/dev/null || tm resize-pane -t t -x 120 -y 30
	sleep 0.5
	keys "stty size" Enter; wait_for "^30 120 *$" 50
	ok $? "tmux: a resize reaches the guest"
	keys C-] ; sleep 0.2; keys q
	wait_for "EXIT=0" 50
	ok $? "tmux: Ctrl-] q leaves with exit 0"
	cooked
	ok $? "tmux: the terminal is restored"
	acat "$T/tmux.cast" 2>/dev/null | grep -q "login:"
	ok $? "tmux: the session was recorded, and asciinema reads it"
	# the connection dropped in the middle: exit 7, terminal restored
	keys "clear; px console $vm; echo EXIT=\$?" Enter
	wait_for "login: *$" 100
	keys root Enter; wait_for "Password: *$"
	keys secret Enter; wait_for "# *$"
	keys drop Enter
	wait_for "EXIT=7" 50
	ok $? "tmux: a dropped connection: exit 7"
	cooked
	ok $? "tmux: the terminal is restored after the drop"
	tm kill-server 2>/dev/null
else
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		ok 0 "# SKIP tmux is not installed"
	done
fi
done_testing
