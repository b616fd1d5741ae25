#!/bin/sh
# px ssh VMID: the address from the guest agent, a container's
# interfaces or [ssh guest VMID]; the system's ssh run with a fixed argv
# (here for real, against the test's sshd playing the guest).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
sim_start
sshd_start
base=$(cat "$PX_CONFIG")
vm=$(px ls guests -f tsv -c vmid,type,status | awk '$2 == "qemu" && $3 == "running" { print $1; exit }')
ct=$(px ls guests -f tsv -c vmid,type,status | awk '$2 == "lxc" && $3 == "running" { print $1; exit }')
off=$(px ls guests -f tsv -c vmid,status | awk '$2 == "stopped" { print $1; exit }')
vmip=$(px agent "$vm" net -f tsv -c iface,address 2>/dev/null | awk '$1 == "eth0" && $2 !~ /:/ { print $2; exit }')

run px ssh -n "$ct"
is "$rc" 0 "a container: exit 0"
like "$err" "^px ssh: CT $ct \(.*\) at 10\.[0-9.]+ \(from the container's interfaces, eth0\)$" "shows the address and where it came from"
like "$out" '^ssh -- 10\.[0-9.]+$' "the first routable address, not lo's"
if [ -n "$vmip" ]; then
	run px ssh -n "$vm" -l admin -- uptime -p
	is "$rc" 0 "a VM with its agent: exit 0"
	is "$out" "ssh -l admin -- $vmip uptime -p" "the agent's eth0 address, -l, the command"
	like "$err" "at admin@$vmip \(from the guest agent, eth0\)" "says it came from the agent"
else
	ok 0 "# skip no VM with an agent"; ok 0 "# skip"; ok 0 "# skip"
fi
run px ssh "$off"
is "$rc" 1 "a stopped guest: exit 1"
like "$err" "is stopped: no address to reach" "says why"
run px ssh 99999
is "$rc" 5 "an unknown guest: exit 5"
run px ssh -n "$ct" -l '-oProxyCommand=x'
is "$rc" 2 "a user that looks like an option: exit 2"

mkdir -p "$HOME/.ssh"
cat >"$HOME/.ssh/config" <<EOS
IdentityFile $SSHD_DIR/client
StrictHostKeyChecking accept-new
UserKnownHostsFile $T/ssh_known_hosts
BatchMode yes
LogLevel ERROR
EOS
# ssh reads ~/.ssh/config from the passwd entry's home, not $HOME
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec /usr/bin/ssh -F "$HOME/.ssh/config" "$@"\n' >"$T/bin/ssh"
chmod 755 "$T/bin/ssh"
PATH="$T/bin:$PATH"
printf '%s\n[ssh guest %s]\nhost = 127.0.0.2\nport = %s\nuser = %s\n' "$base" "$off" "$SSHD_PORT" "$(id -un)" >"$PX_CONFIG"
run px ssh "$off" -- echo guest ok
is "$rc" 0 "[ssh guest VMID]: the real ssh: exit 0"
is "$out" "guest ok" "the command ran on the guest"
like "$err" "at $(id -un)@127.0.0.2 \(from \[ssh guest $off\] in $PX_CONFIG\)" "shows the configured address"
like "$(tail -1 "$FAKE_DIR/commands")" "^pve2 echo guest ok$" "ssh got host, port and user"
printf '%s\n[ssh guest abc]\nhost = x\n' "$base" >"$PX_CONFIG"
run px ssh "$ct"
is "$rc" 3 "[ssh guest abc]: exit 3"
sim_stop
done_testing
