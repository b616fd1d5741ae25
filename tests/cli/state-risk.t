#!/bin/sh
# px state apply runs each object's own pre-flight check, the one its
# command runs: a file cannot quietly delete a pool with members, an
# Administrator ACL, a storage guests use, the only backup job of a
# guest, an HA resource, or disable the user px logs in with.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
px state export -o "$T/all.ini"

# drop FILE SECTION...: the file without those sections
drop() {
	f=$1; shift
	/usr/bin/python3 - "$f" "$@" <<'PY'
import sys
p, drop = sys.argv[1], set(sys.argv[2:])
out, skip = [], False
for line in open(p).read().split("\n"):
    if line.startswith("["):
        skip = line[1:-1] in drop
    if not skip:
        out.append(line)
open(p, "w").write("\n".join(out))
PY
}
# refuses NAME CHECK LEVEL FILE: apply --prune is refused with CHECK
# (exit 6, nothing sent) when LEVEL is Severe, and names it either way
refuses() {
	simctl DELETE log >/dev/null
	if [ "$3" = Severe ]; then
		run px state apply -y --prune "$4"
	else
		run px state apply -n --prune "$4"
	fi
	if [ "$3" = Severe ]; then
		is "$rc" 6 "$1: exit 6"
		is "$(writes)" 0 "$1: nothing sent"
		n=$(printf '%s\n' "$err" | grep -c 'pre-flight check refused')
		is "$n" 1 "$1: the refusal said once, not once per row"
	fi
	like "$err" "risk: $3 +$2 " "$1: $2 ($3)"
}

cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" 'acl / group:admins Administrator'
refuses "an Administrator ACL on / pruned" AdminAclRemoved Severe "$T/f.ini"
like "$err" 'Administrator of admins' "names the entry"

cp "$T/all.ini" "$T/f.ini"
job=$(grep -o '^\[backup-job [^]]*' "$T/all.ini" | sed 's/^\[backup-job //' | while read -r j; do
	sed -n "/^\[backup-job $j\]/,/^\$/p" "$T/all.ini" | grep -q '^all = 1' && echo "$j"; done | head -1)
drop "$T/f.ini" "backup-job $job"
refuses "the only backup job of guests pruned" OnlyBackupJob Severe "$T/f.ini"
like "$err" 'BackupJobDelete' "and the warning of any job deleted"

cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" 'storage nas'
refuses "a backup target storage pruned" BackupTarget Severe "$T/f.ini"
like "$err" 'SharedStorage' "a shared storage: every node loses it"

cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" 'storage ceph'
refuses "a storage guests use pruned" StorageInUse Severe "$T/f.ini"

cp "$T/all.ini" "$T/f.ini"
sed -i 's/^\[user root@pam\]$/[user root@pam]\nenable = 0/' "$T/f.ini"
refuses "the user px logs in as disabled" SelfLockout Severe "$T/f.ini"

cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" 'pool prod'
refuses "a pool with members pruned" PoolNotEmpty Warning "$T/f.ini"

ha=$(grep -o '^\[ha resource [^]]*' "$T/all.ini" | head -1 | sed 's/^\[ha resource //')
cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" "ha resource $ha"
simctl DELETE log >/dev/null
run px state apply -n --prune "$T/f.ini"
like "$err" 'risk: Warning +HaResourceRemoved' "an HA resource pruned: HaResourceRemoved (warning)"
is "$(writes)" 0 "-n: nothing sent"

# without --prune the deletes are not changes: no finding
cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" 'acl / group:admins Administrator' 'storage ceph'
run px state apply -y "$T/f.ini"
is "$rc" 0 "without --prune: exit 0"
like "$err" 'nothing to do' "nothing to do"
unlike "$err" 'AdminAclRemoved|StorageInUse' "no finding"

# --allow-risk goes ahead, and the object is gone
cp "$T/all.ini" "$T/f.ini"; drop "$T/f.ini" 'acl / group:admins Administrator'
run px state apply -y --prune --allow-risk "$T/f.ini"
is "$rc" 0 "--allow-risk: exit 0"
run px state diff "$T/f.ini"
is "$rc" 0 "the ACL is gone: diff exit 0"
run px audit log -f tsv -H
like "$out" 'apply	acl/' "the apply is audited, a line per object"
like "$out" 'refused-risk	pre-flight check refused' "and so are the refusals"

done_testing
