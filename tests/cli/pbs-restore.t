#!/bin/sh
# px pbs restore: a fake proxmox-backup-client first in PATH records its
# argv and environment (the secret only in the environment); the gate
# (-n, read-only, TargetNotEmpty, the audit log); its failure; killed
# with px; a clear error naming the package when it is absent.
. "$(dirname "$0")/lib.sh"
sim_start --pbs 127.0.0.1:0
PSEC=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "token_secret" {print $2; exit}' "$PX_CONFIG")
mkdir -p "$T/bin"
cat >"$T/bin/proxmox-backup-client" <<'EOS'
#!/bin/sh
{ printf 'argv:'; for a in "$@"; do printf ' [%s]' "$a"; done; echo; env | grep '^PBS_' | sort; } >"$FAKE_LOG"
echo "restoring $3"
if [ -n "${FAKE_SLEEP-}" ]; then echo $$ >"$FAKE_SLEEP"; sleep 30; fi
exit ${FAKE_RC:-0}
EOS
chmod +x "$T/bin/proxmox-backup-client"
export FAKE_LOG="$T/fake.log"
snap=$(px pbs ls snapshots --store backup --type ct -f tsv -c snapshot | tail -1)
base=$(cat "$PX_CONFIG")

run px pbs restore backup "$snap" root.pxar "$T/out"
if command -v proxmox-backup-client >/dev/null; then
	ok 0 "# skip proxmox-backup-client is installed"; ok 0 "# skip"
else
	is "$rc" 1 "without proxmox-backup-client: exit 1"
	like "$err" 'proxmox-backup-client is not installed: install the Debian package proxmox-backup-client' "names the package"
fi

PATH="$T/bin:$PATH"
rm -f "$FAKE_LOG"
run px pbs restore backup "$snap" root.pxar "$T/out" --pattern 'etc/**' -n
is "$rc" 0 "-n: exit 0"
like "$out" "would run: proxmox-backup-client restore $snap root.pxar $T/out --pattern etc/\*\*" "-n: what it would run"
ok $([ ! -e "$FAKE_LOG" ] && echo 0 || echo 1) "-n: nothing was run"

run px pbs restore backup "$snap" root.pxar "$T/out" --pattern 'etc/**' -j
is "$rc" 0 "restore: exit 0"
like "$out" '"action":"restore","result":"ok"' "restore: its row"
like "$err" "restoring root.pxar" "its output is streamed"
like "$(cat "$FAKE_LOG")" "argv: \[restore\] \[$snap\] \[root.pxar\] \[$T/out\] \[--pattern\] \[etc/\*\*\]" "argv: snapshot, archive, target, pattern"
unlike "$(sed -n 1p "$FAKE_LOG")" "$PSEC" "the secret is not in argv"
like "$(cat "$FAKE_LOG")" "PBS_PASSWORD=$PSEC" "the secret is in the environment"
like "$(cat "$FAKE_LOG")" 'PBS_REPOSITORY=root@pam!px@127.0.0.1:[0-9]+:backup' "the repository"
like "$(cat "$FAKE_LOG")" 'PBS_FINGERPRINT=([0-9A-F]{2}:){31}[0-9A-F]{2}' "the fingerprint"
run px pbs restore backup "$snap" root.pxar "$T/out" --ns staging
like "$(cat "$FAKE_LOG")" '\[--ns\] \[staging\]' "--ns is passed on"

mkdir -p "$T/full" && touch "$T/full/x"
rm -f "$FAKE_LOG"
run px pbs restore backup "$snap" root.pxar "$T/full"
is "$rc" 6 "a target that is not empty: exit 6"
like "$err" 'TargetNotEmpty' "names the finding"
ok $([ ! -e "$FAKE_LOG" ] && echo 0 || echo 1) "nothing was run"

FAKE_RC=3 run px pbs restore backup "$snap" root.pxar "$T/out3"
is "$rc" 1 "the client fails: exit 1"
like "$err" 'proxmox-backup-client exited with status 3' "says how"

FAKE_SLEEP="$T/child" px pbs restore backup "$snap" root.pxar "$T/out4" >/dev/null 2>&1 &
pxpid=$!
i=0; while [ ! -s "$T/child" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
child=$(cat "$T/child")
kill "$pxpid"
wait "$pxpid" 2>/dev/null
i=0; while kill -0 "$child" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$child" 2>/dev/null && ok 1 "the client is killed with px" || ok 0 "the client is killed with px"

printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
rm -f "$FAKE_LOG"
run px pbs restore backup "$snap" root.pxar "$T/out5"
is "$rc" 8 "read-only: exit 8"
ok $([ ! -e "$FAKE_LOG" ] && echo 0 || echo 1) "read-only: nothing was run"
printf '%s\n' "$base" >"$PX_CONFIG"

run px audit log -f json
printf '%s' "$out" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
r = [x for x in d if x['action'] == 'restore']
assert any(x['decision'] == 'done' and x['result'] == 'OK' for x in r), r
assert any(x['decision'] == 'refused-risk' for x in r), r
assert not any('$PSEC' in json.dumps(x) for x in d), 'secret in the audit log'"
ok $? "audit log: the restore, its end, the refusal; never the secret"

done_testing
