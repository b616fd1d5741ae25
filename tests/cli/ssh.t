#!/bin/sh
# px's SSH side (lib/ssh.c) against a real OpenSSH sshd on loopback, seen
# through px logs: host keys (tofu, a changed key, strict), the agent, a
# key file and its passphrase, a wrong key, quoting, timeouts; then px
# logs itself: three nodes merged in time order, -f jsonl, -F.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
sim_start
sshd_start
base=$(cat "$PX_CONFIG")
sshd_conf
conf=$(cat "$PX_CONFIG")
KH="$XDG_DATA_HOME/px/known_hosts"
has() {	# has TEXT STRING NAME (grep -F)
	if printf '%s' "$1" | grep -Fq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; echo "#   no '$2'"; fi
}
with_ssh() {	# with_ssh 'key = value': $conf with a line more in [ssh]
	printf '%s\n' "$conf" | sed "s|^\[ssh\]\$|[ssh]\n$1|" >"$PX_CONFIG"
}

fake journalctl <<'EOS'
#!/bin/sh
for a in "$@"; do printf '[%s]\n' "$a"; done >"$FAKE_DIR/journalctl.$FAKE_NODE"
if [ -n "${FAKE_HANG-}" ]; then echo $$ >"$FAKE_DIR/hung"; exec sleep 60; fi
[ -f "$FAKE_DIR/journal.$FAKE_NODE" ] && cat "$FAKE_DIR/journal.$FAKE_NODE"
case " $* " in *" --follow "*) sleep 1; echo '{"__REALTIME_TIMESTAMP":"1765000009000000","_HOSTNAME":"x","PRIORITY":"6","SYSLOG_IDENTIFIER":"followed","MESSAGE":"later on '"$FAKE_NODE"'"}' ;; esac
exit 0
EOS
# journal entries: each node's own, interleaved in time
j() {	# j NODE USEC UNIT IDENT PID PRIO MESSAGE
	printf '{"__REALTIME_TIMESTAMP":"%s","_HOSTNAME":"%s","_SYSTEMD_UNIT":"%s","SYSLOG_IDENTIFIER":"%s","_PID":"%s","PRIORITY":"%s","MESSAGE":"%s"}\n' \
		"$2" "$1" "$3" "$4" "$5" "$6" "$7" >>"$FAKE_DIR/journal.$1"
}
j pve1 1765000001000000 pveproxy.service pveproxy 101 6 "one"
j pve2 1765000002000000 pvedaemon.service pvedaemon 202 4 "two"
j pve3 1765000003000000 corosync.service corosync 303 3 "three"
j pve1 1765000004000000 pveproxy.service pveproxy 101 6 "four"
j pve3 1765000005000000 pve-ha-lrm.service pve-ha-lrm 305 6 "five"
j pve2 1765000006000000 pvedaemon.service pvedaemon 202 6 "six"
printf '%s\n' '{"__REALTIME_TIMESTAMP":"1765000007000000","PRIORITY":"6","SYSLOG_IDENTIFIER":"kernel","MESSAGE":[27,91,51,49,109,104,105]}' >>"$FAKE_DIR/journal.pve1"

# ---- host keys ----
run px logs --node pve1
is "$rc" 0 "tofu, first contact: exit 0"
like "$err" "trusted the host key of node pve1 \(\[127.0.0.1\]:$SSHD_PORT\) on first contact: ssh-ed25519 SHA256:" "tofu: says it recorded the key"
like "$(cat "$KH")" "^\[127.0.0.1\]:$SSHD_PORT ssh-ed25519 AAAA" "tofu: [host]:port keytype key in px's known_hosts"
is "$(stat -c %a "$KH")" 600 "known_hosts is 0600"
run px logs --node pve1
is "$rc" 0 "second contact: exit 0"
unlike "$err" "trusted" "second contact: nothing recorded"

fpold=$(ssh-keygen -lf "$SSHD_DIR/host_ed25519.pub" | awk '{print $2}')
sshd_stop
rm -f "$SSHD_DIR/host_ed25519" "$SSHD_DIR/host_ed25519.pub"
sshd_start_port=$SSHD_PORT
ssh-keygen -q -t ed25519 -N '' -C host -f "$SSHD_DIR/host_ed25519"
/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" >"$SSHD_DIR/log" 2>&1 &
SSHD_PID=$!
i=0; while ! /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $SSHD_PORT), 1)" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
fpnew=$(ssh-keygen -lf "$SSHD_DIR/host_ed25519.pub" | awk '{print $2}')
rm -f "$FAKE_DIR/journalctl.pve1"
run px logs --node pve1
is "$rc" 10 "a changed host key: exit 10"
has "$err" "host key of node pve1 has changed: recorded ssh-ed25519 $fpold, offered ssh-ed25519 $fpnew" "names both SHA256 fingerprints"
like "$err" "delete line 1 of $KH" "says which line to delete"
ok $([ ! -e "$FAKE_DIR/journalctl.pve1" ] && echo 0 || echo 1) "a changed key: nothing was run"
sed -i 1d "$KH"

with_ssh 'host_keys = strict'
run px logs --node pve2
is "$rc" 10 "strict, an unknown host: exit 10"
has "$err" "node pve2 is not in $KH ([ssh] host_keys = strict): it offers ssh-ed25519 $fpnew" "strict: says so with the fingerprint"
like "$err" "ssh-keyscan -p $SSHD_PORT -t ssh-ed25519 127.0.0.2" "strict: how to add it"
ok $([ ! -e "$FAKE_DIR/journalctl.pve2" ] && echo 0 || echo 1) "strict: nothing was run"
printf '%s\n' "$conf" >"$PX_CONFIG"
run px logs
is "$rc" 0 "tofu again: three nodes recorded"
is "$(wc -l <"$KH")" 3 "three entries, one per [host]:port"

# ---- authentication ----
ssh-keygen -q -t ed25519 -N '' -C wrong -f "$T/wrongkey"
printf '%s\n' "$conf" | sed "s|^key = .*|key = $T/wrongkey|" >"$PX_CONFIG"
rm -f "$FAKE_DIR/journalctl.pve1"
run px logs --node pve1
is "$rc" 4 "a wrong key: exit 4"
like "$err" "no key was accepted \(tried: $T/wrongkey\)" "a wrong key: says which keys were tried"
ok $([ ! -e "$FAKE_DIR/journalctl.pve1" ] && echo 0 || echo 1) "a wrong key: nothing was run"

chmod 644 "$T/wrongkey"
run px logs --node pve1
is "$rc" 3 "a key file others can read: exit 3"
chmod 600 "$T/wrongkey"

eval "$(ssh-agent -s)" >/dev/null
AGENT_PID=$SSH_AGENT_PID
ssh-add -q "$SSHD_DIR/client" 2>/dev/null
printf '%s\n' "$conf" | sed "s|^key = .*|key = $T/wrongkey|; s|^agent = no|agent = yes|" >"$PX_CONFIG"
run px logs --node pve1
is "$rc" 0 "the agent's key: exit 0"
like "$out" " pve1 pveproxy\[101\]: one" "the agent's key: the journal"
ssh-add -D -q 2>/dev/null
run px logs --node pve1
is "$rc" 4 "an agent without the key and a wrong key file: exit 4"
like "$err" "tried: the agent's 0 keys, $T/wrongkey" "both were tried"
kill "$AGENT_PID"; AGENT_PID=; unset SSH_AUTH_SOCK SSH_AGENT_PID

ssh-keygen -q -t ed25519 -N 'sekrit pass' -C enc -f "$T/enckey"
cat "$T/enckey.pub" >>"$SSHD_DIR/authorized_keys"
printf '%s\n' "$conf" | sed "s|^key = .*|key = $T/enckey|" >"$PX_CONFIG"
run px logs --node pve1
is "$rc" 4 "a key with a passphrase and none given: exit 4"
like "$err" "needs a passphrase" "says it needs one"
PX_SSH_PASSPHRASE='sekrit pass' run px logs --node pve1
is "$rc" 0 "the passphrase from PX_SSH_PASSPHRASE: exit 0"
printf 'sekrit pass\n' >"$T/pass"; chmod 600 "$T/pass"
printf '%s\n' "$conf" | sed "s|^key = .*|key = $T/enckey\npassphrase_file = $T/pass|" >"$PX_CONFIG"
run px logs --node pve1
is "$rc" 0 "the passphrase from a 0600 file: exit 0"
chmod 640 "$T/pass"
run px logs --node pve1
is "$rc" 3 "a passphrase file others can read: exit 3"
like "$err" "chmod 600 $T/pass|chmod go-rwx $T/pass" "says how to fix it"
printf '%s\n' "$conf" >"$PX_CONFIG"

# ---- quoting ----
run px logs --node pve1 --service 'x; touch '"$FAKE_DIR"'/pwned1 #' --grep '$(touch '"$FAKE_DIR"'/pwned2)'"'"'`id`'
is "$rc" 0 "values with shell metacharacters: exit 0"
like "$(cat "$FAKE_DIR/journalctl.pve1")" "^\[--unit=x; touch $FAKE_DIR/pwned1 #\]$" "--service reaches journalctl as one literal argument"
like "$(cat "$FAKE_DIR/journalctl.pve1")" "^\[--grep=\\\$\(touch $FAKE_DIR/pwned2\)'\`id\`\]$" "--grep reaches journalctl as one literal argument"
ok $([ ! -e "$FAKE_DIR/pwned1" ] && [ ! -e "$FAKE_DIR/pwned2" ] && echo 0 || echo 1) "nothing was injected"
run px logs --node 'pve1;id'
is "$rc" 5 "a node that is not in the cluster: exit 5"

# ---- timeouts ----
with_ssh 'timeout = 2'
echo 'FAKE_HANG=1; export FAKE_HANG' >"$FAKE_DIR/env"
start=$(date +%s)
run px logs --node pve3
took=$(( $(date +%s) - start ))
rm -f "$FAKE_DIR/env"
is "$rc" 7 "a hung command: exit 7"
like "$err" "journalctl did not finish within 2s and was ended" "a hung command: says so"
ok $([ "$took" -lt 10 ] && echo 0 || echo 1) "a hung command: px returns ($took s)"
hung=$(cat "$FAKE_DIR/hung")
i=0; while kill -0 "$hung" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok $(kill -0 "$hung" 2>/dev/null && echo 1 || echo 0) "a hung command: ended on the node too"
printf '%s\n' "$conf" >"$PX_CONFIG"
sed -i '/^\[ssh node pve2\]/a port = 1' "$PX_CONFIG"
run px logs --node pve2
is "$rc" 7 "a node that refuses the connection: exit 7"
like "$err" "ssh .*@127.0.0.2:1: connect: Connection refused" "says where and why"
with_ssh 'host_keys = maybe'
run px logs
is "$rc" 3 "[ssh] host_keys = maybe: exit 3"
like "$err" "\[ssh\] host_keys: want tofu, strict or off" "names the key"
printf '%s\n' "$conf" >"$PX_CONFIG"
sed -i 's/^host = 127.0.0.1$/host = -oProxyCommand=x/' "$PX_CONFIG"
run px logs
is "$rc" 3 "a host that looks like an option: exit 3"
printf '%s\n' "$conf" >"$PX_CONFIG"

# ---- px logs ----
run px logs
is "$rc" 0 "three nodes: exit 0"
is "$(printf '%s\n' "$out" | awk '{print $3}' | tr '\n' ' ')" "pve1 pve2 pve3 pve1 pve3 pve2 pve1 " "merged in time order"
like "$out" "pve3 corosync\[303\]: three" "node, identifier, pid, message"
like "$out" " pve1 kernel: \?\[31mhi$" "a message in bytes: decoded, its escape sequence defused"
for n in 1 2 3; do
	like "$(cat "$FAKE_DIR/journalctl.pve$n")" "^\[--output=json\]$" "pve$n: journalctl -o json"
	like "$(cat "$FAKE_DIR/journalctl.pve$n")" "^\[--lines=100\]$" "pve$n: the last 100 lines by default"
done
run px logs -n 2 -f jsonl --service pveproxy.service --since '-1h' --until now
is "$rc" 0 "-n 2 -f jsonl: exit 0"
is "$(printf '%s\n' "$out" | wc -l)" 2 "-n 2: two lines in all"
like "$out" '^\{"node":"pve2","time":"2025-12-06T05:46:46.000000Z","usec":1765000006000000,"unit":"pvedaemon.service","identifier":"pvedaemon","pid":202,"priority":6,"message":"six"\}$' "-f jsonl: node, time, unit, priority, message"
like "$(cat "$FAKE_DIR/journalctl.pve2")" "\[--unit=pveproxy.service\].*" "--service"
like "$(tr '\n' ' ' <"$FAKE_DIR/journalctl.pve2")" "\[--since=-1h\] \[--until=now\] \[--lines=2\]" "--since, --until, -n"
run px logs -j --node pve2
printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [e["message"] for e in d] == ["two", "six"], d
assert d[0]["priority"] == 4 and d[0]["node"] == "pve2"' 2>&1
ok $? "-j: a JSON array"
run px logs -F -f jsonl
is "$rc" 0 "-F: exit 0 when every journal ends"
is "$(printf '%s\n' "$out" | grep -c '"message":"later on')" 3 "-F: the followed lines of every node"
like "$(cat "$FAKE_DIR/journalctl.pve3")" "^\[--follow\]$" "-F: journalctl --follow"
run px logs -F -j
is "$rc" 2 "-F -j: exit 2"

# ---- px doctor ----
run px doctor -f tsv
is "$rc" 0 "doctor with [ssh]: exit 0"
like "$out" "$(printf 'ssh key\tPASS\t%s' "$SSHD_DIR/client")" "doctor: the key file"
like "$out" "$(printf 'ssh host keys\tPASS\t%s, host_keys = tofu' "$KH")" "doctor: px's known_hosts"
for n in 1 2 3; do
	like "$out" "$(printf 'ssh pve%s\tPASS\t%s@127.0.0.%s:%s: host key trusted, key accepted' $n "$(id -un)" $n "$SSHD_PORT")" "doctor: pve$n reached"
done
printf '%s\n' "$conf" | sed "s|^key = .*|key = $T/wrongkey|" >"$PX_CONFIG"
run px doctor -f tsv
is "$rc" 4 "doctor, a key the nodes refuse: exit 4"
like "$out" "$(printf 'ssh pve2\tFAIL\tssh ')" "doctor: the node's FAIL row"
printf '%s\n' "$base" >"$PX_CONFIG"
run px doctor -f tsv
unlike "$out" "ssh" "doctor without [ssh]: no SSH rows"

sim_stop
done_testing
