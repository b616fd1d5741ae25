# sshd.sh -- sourced after lib.sh by the tests of px's SSH side: a real
# OpenSSH sshd (Debian's openssh-server) on a free loopback port, run as
# the test's user (root in CI: then StrictModes is off and the privilege
# separation directory is created), with its own host key and an
# authorized_keys holding a key the test generates.  It listens on
# 127.0.0.1, 127.0.0.2 and 127.0.0.3, the three "nodes" pve1, pve2 and
# pve3 of pxsim: the session wrapper (ForceCommand) puts fake journalctl,
# pveum, apt-get, reboot ... first in PATH, tells them which node they
# run on (FAKE_NODE, from the address that was dialled), and logs each
# command line as the node's shell received it.
#
#   sshd_start            start it; sets SSHD_PORT, SSHD_DIR, FAKE_DIR
#   sshd_conf [extra]     append [ssh] and [ssh node pveN] to $PX_CONFIG
#   sshd_stop

[ -x /usr/sbin/sshd ] || skip_all "no /usr/sbin/sshd (scripts/deps installs openssh-server)"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"

SSHD_DIR="$T/sshd"
FAKE_DIR="$T/fake"
SSHD_PID=

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

sshd_start() {
	mkdir -p "$SSHD_DIR" "$FAKE_DIR/bin"
	chmod 700 "$SSHD_DIR"
	[ -f "$SSHD_DIR/host_ed25519" ] ||
		ssh-keygen -q -t ed25519 -N '' -C host -f "$SSHD_DIR/host_ed25519"
	[ -f "$SSHD_DIR/client" ] ||
		ssh-keygen -q -t ed25519 -N '' -C px-test -f "$SSHD_DIR/client"
	cp "$SSHD_DIR/client.pub" "$SSHD_DIR/authorized_keys"
	cat >"$SSHD_DIR/session" <<EOS
#!/bin/sh
# The session: fake commands first in PATH, the node from the address.
set -- \$SSH_CONNECTION
case "\$3" in
127.0.0.1) FAKE_NODE=pve1 ;;
127.0.0.2) FAKE_NODE=pve2 ;;
127.0.0.3) FAKE_NODE=pve3 ;;
*) FAKE_NODE=unknown ;;
esac
FAKE_DIR='$FAKE_DIR'
PATH="\$FAKE_DIR/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
export FAKE_NODE FAKE_DIR PATH
[ -f "\$FAKE_DIR/env" ] && . "\$FAKE_DIR/env"
printf '%s %s\n' "\$FAKE_NODE" "\$SSH_ORIGINAL_COMMAND" >>"\$FAKE_DIR/commands"
exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND"
EOS
	chmod 755 "$SSHD_DIR/session"
	SSHD_PORT=$(free_port)
	cat >"$SSHD_DIR/sshd_config" <<EOS
Port $SSHD_PORT
ListenAddress 127.0.0.1
ListenAddress 127.0.0.2
ListenAddress 127.0.0.3
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
AllowUsers $(id -un)
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
ForceCommand $SSHD_DIR/session
MaxStartups 50
MaxSessions 50
LogLevel ERROR
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
GSSAPIAuthentication no
EOS
	if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; chmod 755 /run/sshd; fi
	/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" >"$SSHD_DIR/log" 2>&1 &
	SSHD_PID=$!
	i=0
	while ! /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.3', $SSHD_PORT), 1)" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $SSHD_PID 2>/dev/null; then
			echo "# sshd did not start:"; sed 's/^/#   /' "$SSHD_DIR/log"
			echo "Bail out! sshd did not start"
			exit 1
		fi
		sleep 0.05
	done
}

sshd_stop() {
	if [ -n "$SSHD_PID" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	fi
}

# The [ssh] section for the test's sshd, then the nodes' addresses.
sshd_conf() {
	{
		echo
		echo "[ssh]"
		echo "user = $(id -un)"
		echo "port = $SSHD_PORT"
		echo "agent = no"
		echo "key = $SSHD_DIR/client"
		[ -n "${1-}" ] && printf '%s\n' "$1"
		for n in 1 2 3; do
			echo "[ssh node pve$n]"
			echo "host = 127.0.0.$n"
		done
	} >>"$PX_CONFIG"
}

# fake NAME <<'EOS' ... EOS: a fake command first in the session's PATH.
fake() {
	cat >"$FAKE_DIR/bin/$1"
	chmod 755 "$FAKE_DIR/bin/$1"
}

_sshd_cleanup() {
	sshd_stop
	[ -n "${AGENT_PID-}" ] && kill "$AGENT_PID" 2>/dev/null
	cleanup
}
trap _sshd_cleanup EXIT
