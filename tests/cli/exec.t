#!/bin/sh
# px exec: the guest agent runs the command (through the gate, action
# exec); its output and exit code pass through; agent not running or not
# configured, stopped VM, container, timeout, dry run, read-only profile.
. "$(dirname "$0")/lib.sh"
sim_start --guests 40
base=$(cat "$PX_CONFIG")
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
cfg() { px config "$1" -f tsv | awk -F'\t' -v k="$2" '$1 == k { print $2 }'; }
pick() {
	px ls guests -j | py "
for g in d:
    if g['type'] == '$1' and g['status'] == '$2' and not g['lock'] and not g['ha']:
        print(g['vmid'], g['name'])"
}
vm=; name=
for v in $(pick qemu running | cut -d' ' -f1); do
	case $(cfg "$v" agent) in
	1*|*enabled=1*) vm=$v; name=$(pick qemu running | awk -v v="$v" '$1 == v { print $2 }'); break ;;
	esac
done
other=$(pick qemu running | awk -v v="$vm" '$1 != v { print $1; exit }')
stopped=$(pick qemu stopped | sed -n '1s/ .*//p')
ct=$(pick lxc running | sed -n '1s/ .*//p')
[ -n "$vm" ] && [ -n "$other" ] && [ -n "$stopped" ] && [ -n "$ct" ] || { echo "Bail out! no suitable guests in pxsim"; exit 1; }

# --- output and exit code pass through
simctl DELETE log >/dev/null
run px exec "$vm" -- hostname
is "$rc" 0 "hostname: exit 0"
is "$out" "$name" "its output on stdout"
is "$err" "" "nothing on stderr"
is "$(sim_log | grep -c "^POST /api2/json/nodes/[^/]*/qemu/$vm/agent/exec ")" 1 "one POST .../agent/exec"
ok $([ "$(sim_log | grep -c "^GET /api2/json/nodes/[^/]*/qemu/$vm/agent/exec-status")" -ge 1 ] && echo 0 || echo 1) "then GET .../exec-status until it exited"
run px exec "$vm" -- false
is "$rc" 1 "false: exit 1"
run px exec "$vm" -- no-such-command --flag
is "$rc" 127 "a missing command: exit 127, passed through"
like "$err" "no-such-command: not found" "its stderr on stderr"
is "$out" "" "nothing on stdout"
run px exec "$vm" -- echo hello world
is "$out" "hello world" "arguments reach the command"
run px exec "$vm" echo -j -n
is "$out" "-j -n" "after the VMID, options are the command's (no -- needed)"

# --- JSON record
run px exec -j "$vm" -- no-such-command
is "$rc" 127 "-j keeps the exit code"
printf '%s' "$out" | py "
assert d['vmid'] == $vm and d['exitcode'] == 127 and d['signal'] is None, d
assert 'not found' in d['err'] and d['out'] is None and d['out_truncated'] is False, d"
ok $? "-j: one record with exitcode, out, err"

# --- the agent must run
run px set "$other" agent=0
run px exec "$other" -- hostname
is "$rc" 1 "agent not configured: exit 1"
like "$err" "No QEMU guest agent configured" "with PVE's message"
run px suspend "$vm"
run px exec "$vm" -- hostname
is "$rc" 1 "agent not running (VM paused): exit 1"
like "$err" "QEMU guest agent is not running" "with PVE's message"
run px resume "$vm"
run px exec "$stopped" -- hostname
is "$rc" 1 "a stopped VM: exit 1"
like "$err" "not running" "with PVE's message"

# --- refused before anything is sent
simctl DELETE log >/dev/null
run px exec "$ct" -- hostname
is "$rc" 2 "a container: exit 2"
like "$err" "pct exec" "says how to do it instead"
run px exec 99999 -- hostname
is "$rc" 5 "unknown VMID: exit 5"
run px exec "$vm" --
is "$rc" 2 "no command: exit 2"
run px exec abc -- hostname
is "$rc" 2 "a malformed VMID: exit 2"
is "$(writes)" 0 "none of these sent a write"

# --- timeout: the command goes on, exit 7
run px exec --timeout 0.05 "$vm" -- uptime
is "$rc" 7 "--timeout passed before the command exited: exit 7"
like "$err" "still runs in the guest" "says so"

# --- dry run sends nothing
simctl DELETE log >/dev/null
run px exec -n "$vm" -- rm -rf /tmp/x
is "$rc" 0 "dry run: exit 0"
like "$out" "would send: POST /nodes/[^ ]+/qemu/$vm/agent/exec command=rm&command=-rf&command=%2Ftmp%2Fx" "shows the repeated command= parameters"
is "$(writes)" 0 "dry run: no write reached pxsim"

# --- read-only profile
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px exec "$vm" -- hostname
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "no write reached pxsim"
printf '%s\n' "$base" >"$PX_CONFIG"

# --- audited with the exit status
run px audit log -j
printf '%s' "$out" | py "
rows = [r for r in d if r['action'] == 'exec']
assert any(r['decision'] == 'refused-read-only' for r in rows), rows
assert any(r['decision'] == 'task' and r['result'] == 'exit 127' for r in rows), rows
assert any('command=hostname' in (r['params'] or '') for r in rows), rows"
ok $? "the audit log has each exec, its command and its exit status"

done_testing
