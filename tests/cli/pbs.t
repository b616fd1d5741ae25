#!/bin/sh
# px pbs: status, ls datastores|namespaces|groups|snapshots (filters,
# namespaces), files, browse (the catalog), get (streamed, byte-identical,
# memory not growing with the file; a directory as zip or, --tar,
# .tar.zst), tasks -- every output format; then
# the changes through the gate: verify, gc, prune (PBS's dry run first,
# and it matches what is removed; protected snapshots survive), protect,
# unprotect, forget (LastSnapshot, OnlyVerified, Protected: exit 6), notes;
# -n sends nothing, read-only and freeze exit 8, 403 exit 4; hostile
# answers (escape sequences, huge sizes, wrong types) give clear errors.
. "$(dirname "$0")/lib.sh"
sim_start --pbs 127.0.0.1:0
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
formats() {	# formats NAME ARGS...
	name=$1; shift
	run px "$@"
	is "$rc" 0 "$name: exit 0"
	run px "$@" -j
	ok $(json_ok "$out" && echo 0 || echo 1) "$name -j is valid JSON"
	run px "$@" -f jsonl
	ok $(jsonl_ok "$out" && echo 0 || echo 1) "$name -f jsonl: JSON lines"
	run px "$@" -f tsv
	ok $([ "$rc" -eq 0 ] && [ -n "$out" ] && echo 0 || echo 1) "$name -f tsv prints rows"
}
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
PBSURL=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "url" {print $2; exit}' "$PX_CONFIG")
PSEC=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "token_secret" {print $2; exit}' "$PX_CONFIG")
pbs_api() {	# pbs_api METHOD PATH [form]: PBS itself, as another client
	curl -sk -X "$1" -H "Authorization: PBSAPIToken=root@pam!px:$PSEC" \
	    ${3:+--data-urlencode "$3"} "$PBSURL/api2/json$2"
}
base=$(cat "$PX_CONFIG")

# --- status and the lists
formats "status" pbs status
run px pbs status
like "$out" '^STORE +USED +TOTAL +AVAIL +USAGE +FULL +GC +GC_LAST +RUNNING' "status: header"
like "$out" 'backup .*TiB .*%' "status: each datastore's usage"
run px pbs status -j
printf '%s' "$out" | py "
r = [x for x in d if x['store'] == 'backup'][0]
assert r['total'] > r['used'] > 0 and r['full'] > 0 and r['gc'] == 'ok', r
assert r['version'] == '4.0-18' and r['running'] == 0, r"
ok $? "status -j: usage, estimated full date, GC state, version, running tasks"
run px pbs status -v
like "$err" 'GET https://.*/api2/json/status/datastore-usage: 200' "status -v: each request"
unlike "$err" "$PSEC" "status -v: the secret is never shown"
formats "ls datastores" pbs ls datastores
run px pbs ls datastores -f tsv -c store,comment
like "$out" "$(printf 'backup\tnightly PVE backups')" "ls datastores: store and comment"
formats "ls namespaces" pbs ls namespaces
run px pbs ls namespaces --store backup -f tsv -c ns
is "$(printf '%s\n' "$out" | tr '\n' ,)" ",staging," "ls namespaces: the root and staging"
formats "ls groups" pbs ls groups
run px pbs ls groups --store backup -j
printf '%s' "$out" | py "
assert d and all(g['count'] >= 1 and g['last'] > 0 and g['owner'] == 'root@pam' for g in d), d
assert all(g['group'] == g['type'] + '/' + g['id'] for g in d), d"
ok $? "ls groups: last backup, count, owner"
run px pbs ls groups --store backup --type ct -f tsv -c type
unlike "$out" 'vm' "ls groups --type ct: only containers"
formats "ls snapshots" pbs ls snapshots --store backup
run px pbs ls snapshots --store backup --type ct -j
printf '%s' "$out" | py "
assert d and all(s['type'] == 'ct' for s in d), d
assert all(s['verify'] in ('ok', 'failed', 'none') for s in d), d
assert all(isinstance(s['protected'], bool) and s['size'] > 0 and s['time'] > 0 for s in d), d
assert all(s['snapshot'].startswith('ct/' + s['id'] + '/') and s['snapshot'].endswith('Z') for s in d), d"
ok $? "ls snapshots: time, size, verification state, protection"
ct=$(px pbs ls groups --store backup --type ct -f tsv -c id -s -count | head -1)
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot
nct=$(printf '%s\n' "$out" | wc -l)
ok $([ "$nct" -ge 3 ] && echo 0 || echo 1) "ls snapshots --id: the group's snapshots ($nct)"
first=$(printf '%s\n' "$out" | head -1)
last=$(printf '%s\n' "$out" | tail -1)
run px pbs ls snapshots --store backup --ns staging -j
printf '%s' "$out" | py "assert d and all(s['ns'] == 'staging' and int(s['id']) % 2 == 0 for s in d), d"
ok $? "ls snapshots --ns staging: that namespace's snapshots"
run px pbs ls snapshots --store backup --ns nope
is "$rc" 5 "an unknown namespace: exit 5"
like "$err" "namespace 'nope' does not exist" "with PBS's message"
run px pbs ls snapshots --store nosuch
is "$rc" 5 "an unknown datastore: exit 5"
like "$err" "datastore 'nosuch' does not exist" "with PBS's message"
run px pbs ls snapshots --type disk
is "$rc" 2 "--type disk: usage error"
run px pbs ls snapshots --ns '../x'
is "$rc" 2 "a malformed namespace: usage error"
run px pbs ls nothing
is "$rc" 2 "ls of an unknown list: usage error"

# --- files, browse, get
formats "files" pbs files backup "$last"
run px pbs files backup "$last" -f tsv -c archive
like "$out" 'root.pxar.didx' "files: the pxar archive"
like "$out" 'index.json.blob' "files: the manifest"
run px pbs files backup "ct/$ct/1"
is "$rc" 5 "files of no such snapshot: exit 5"
like "$err" "no such snapshot ct/$ct/1" "with PBS's message"
run px pbs files backup "vm:100:x"
is "$rc" 2 "a malformed snapshot: usage error"
like "$err" "is not a snapshot \(TYPE/ID/TIME" "says what a snapshot looks like"
formats "browse" pbs browse backup "$last" root.pxar.didx
run px pbs browse backup "$last" root.pxar.didx -f tsv -c name,type
like "$out" "$(printf 'etc\tdir')" "browse: the archive's root"
run px pbs browse backup "$last" root.pxar.didx /etc -j
printf '%s' "$out" | py "
e = {x['name']: x for x in d}
assert e['hostname']['type'] == 'file' and e['hostname']['size'] == len('ct$ct\n'), e
assert e['ssh']['type'] == 'dir' and e['localtime']['type'] == 'symlink', e
assert e['hosts']['path'] == '/root.pxar.didx/etc/hosts', e"
ok $? "browse /etc: names, types, sizes, paths"
run px pbs browse backup "$last" root.pxar.didx /tmp
is "$rc" 0 "browse a directory with a hostile file name"
unlike "$out" "$(printf '\033')" "the escape sequence of a file name never reaches the terminal"
like "$out" 'evil\?\]0;pwned\?\.txt' "it is shown with ? for each control"
run px pbs browse backup "$last" root.pxar.didx /nope
is "$rc" 5 "browse a missing directory: exit 5"
vmsnap=$(px pbs ls snapshots --store backup --type vm -f tsv -c snapshot | head -1)
run px pbs browse backup "$vmsnap" drive-scsi0.img.fidx
is "$rc" 1 "browse a VM image: no catalog, exit 1"
like "$err" "catalog" "says there is no catalog"
run px pbs get backup "$last" root.pxar.didx /etc/hostname
is "$out" "ct$ct" "get to standard output: the file"
run px pbs get backup "$last" root.pxar.didx /etc/passwd -o "$T/passwd"
is "$rc" 0 "get -o: exit 0"
pbs_api GET "/admin/datastore/backup/pxar-file-download?backup-type=ct&backup-id=$ct&backup-time=$(px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c time | tail -1)&filepath=$(printf /root.pxar.didx/etc/passwd | base64)" >"$T/passwd.ref"
cmp -s "$T/passwd" "$T/passwd.ref"
ok $? "get -o: byte-identical to what PBS serves"
# (under ASan, freed memory waits in its quarantine: keep that small)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
/usr/bin/time -f %M -o "$T/rss" px pbs get backup "$last" root.pxar.didx /var/log/syslog -o "$T/syslog" 2>"$T/stderr"
rc=$?
is "$rc" 0 "get of a 40 MiB file (above the 32 MiB answer cap): exit 0"
is "$(wc -c <"$T/syslog" | tr -d ' ')" 41943040 "all of it"
pbs_api GET "/admin/datastore/backup/pxar-file-download?backup-type=ct&backup-id=$ct&backup-time=$(px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c time | tail -1)&filepath=$(printf /root.pxar.didx/var/log/syslog | base64)" >"$T/syslog.ref"
cmp -s "$T/syslog" "$T/syslog.ref"
ok $? "byte-identical to pxsim's content"
/usr/bin/time -f %M -o "$T/rss0" px pbs get backup "$last" root.pxar.didx /etc/passwd -o "$T/small" 2>/dev/null
big=$(cat "$T/rss"); small=$(cat "$T/rss0")
ok $([ $((big - small)) -lt 16384 ] && echo 0 || echo 1) "memory does not grow with the file (${big} KiB for 40 MiB, ${small} KiB for 1 KiB)"
run px pbs get backup "$last" root.pxar.didx /etc -o "$T/etc.zip"
is "$rc" 0 "get of a directory: exit 0"
/usr/bin/python3 -c "
import zipfile, sys
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
n = sorted(z.namelist())
assert n == ['hostname', 'hosts', 'os-release', 'passwd', 'ssh/sshd_config'], n
assert z.read('hostname') == b'ct$ct\\n', z.read('hostname')
" "$T/etc.zip"
ok $? "get of a directory: PBS's zip of its files"
run px pbs get backup "$last" root.pxar.didx /etc --tar -o "$T/etc.tar.zst"
is "$rc" 0 "get --tar of a directory: exit 0"
zstd -qdc "$T/etc.tar.zst" >"$T/etc.tar"; ok $? "a zstd stream zstd reads"
is "$(tar -tf "$T/etc.tar" | sort | tr '\n' ' ')" "etc/ etc/hostname etc/hosts etc/localtime etc/os-release etc/passwd etc/ssh/ etc/ssh/sshd_config " "a tar of the directory and everything under it"
mkdir "$T/x" && tar -xf "$T/etc.tar" -C "$T/x"
is "$(cat "$T/x/etc/hostname")" "ct$ct" "its files hold pxsim's content"
cmp -s "$T/x/etc/passwd" "$T/passwd.ref"; ok $? "byte-identical to the file downloaded alone"
is "$(readlink "$T/x/etc/localtime")" "/usr/share/zoneinfo/Etc/UTC" "a symlink stays a symlink"
run sh -c "px pbs get backup '$last' root.pxar.didx / -o '$T/all.tzst' && zstd -qdc '$T/all.tzst' | tar -tf - | grep -c '/'"
ok $([ "$rc" -eq 0 ] && [ "$out" -gt 10 ] && echo 0 || echo 1) "get of / with -o NAME.tzst: the whole archive as .tar.zst ($out entries)"
run px pbs get backup "$last" root.pxar.didx /etc/hosts --tar -o "$T/hosts2"
is "$(cat "$T/hosts2" 2>/dev/null | wc -c | tr -d ' ')" 180 "--tar of a file: the file as it is"
run px pbs ls datastores --tar
is "$rc" 2 "--tar is for get"
run px pbs get backup "$last" root.pxar.didx /etc/localtime -o "$T/lt"
ok $([ "$rc" -ne 0 ] && [ ! -e "$T/lt" ] && echo 0 || echo 1) "get of a symlink pxsim cannot serve: an error, no file left"
like "$err" "symlink" "says why"
ls "$T" | grep -q 'px-' && ok 1 "no temporary file left" || ok 0 "no temporary file left"
run px pbs get backup "$last" ../x /etc/hostname
is "$rc" 2 "a malformed archive name: usage error"

# --- hostile answers
simctl POST pbs-hostile mode=size >/dev/null
run px pbs ls snapshots --store backup -f tsv -c snapshot
is "$rc" 1 "a size no integer holds: exit 1"
like "$err" 'size .*out of range' "names the field"
ok $([ -n "$out" ] && echo 0 || echo 1) "the other snapshots are still listed"
simctl POST pbs-hostile mode=type >/dev/null
run px pbs ls snapshots --store backup -f tsv -c snapshot
is "$rc" 1 "a time that is no number: exit 1"
like "$err" 'backup-time is "yesterday", not an integer' "names the field and the value"
simctl POST pbs-hostile mode=off >/dev/null
pbs_api PUT "/admin/datastore/backup/notes?backup-type=ct&backup-id=$ct&backup-time=$(px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c time | head -1)" "notes=$(printf 'owned\033]0;title\007 by\033[31m red\nsecond line')" >/dev/null
run px pbs ls snapshots --store backup --type ct --id "$ct"
unlike "$out" "$(printf '\033')" "ls: an escape sequence in a comment never reaches the terminal"
like "$out" 'owned\?\]0;title\? by\?\[31m red' "ls: the comment's first line, controls as ?"
run px pbs notes backup "$first"
is "$rc" 0 "notes: exit 0"
unlike "$out" "$(printf '\033')" "notes: no escape sequence"
like "$out" 'second line' "notes: every line"

# --- tasks
run px pbs verify backup "$last" -j
is "$rc" 0 "verify a snapshot: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['action'] == 'verify' and r['result'] == 'ok' and r['upid'].startswith('UPID:pbs:'), r"
ok $? "verify: followed to its end, PBS's UPID"
formats "tasks" pbs tasks
run px pbs tasks -f tsv -c type,status
like "$out" "$(printf 'verify\tOK')" "tasks: the verify task"
run px pbs tasks --running -j
is "$out" "[]" "tasks --running: none"

formats "jobs" pbs jobs
run px pbs jobs -j
printf '%s' "$out" | py "
k = {j['kind']: j for j in d}
assert set(k) == {'sync', 'verify', 'prune'}, k
assert k['sync']['remote'] == 'offsite:backup' and k['prune']['state'] == 'ok', k
assert k['verify']['state'].startswith('verification failed') and k['verify']['next'] > 0, k"
ok $? "jobs: sync, verify and prune jobs with their last state"
run px pbs jobs --store archive -f tsv -c id
is "$out" "s-offsite" "jobs --store: that datastore's jobs"
formats "remotes" pbs remotes
run px pbs remotes -f tsv -c name,host,port,auth_id
is "$out" "$(printf 'offsite\tpbs2.example.com\t8007\tsync@pbs')" "remotes: name, host, port, auth id"

# --- verify sets the verification state; a corrupt snapshot fails
run px pbs ls snapshots --store backup -f tsv -c snapshot,verify
none=$(printf '%s\n' "$out" | awk '$2 == "none" {print $1; exit}')
failed=$(printf '%s\n' "$out" | awk '$2 == "failed" {print $1; exit}')
run px pbs verify backup "$none"
is "$rc" 0 "verify of an unverified snapshot: exit 0"
run px pbs ls snapshots --store backup -f tsv -c snapshot,verify
like "$out" "$(printf '%s\tok' "$none")" "it is now verified ok"
if [ -n "$failed" ]; then
	run px pbs verify backup "$failed" --timeout 30
	is "$rc" 1 "verify of a corrupt snapshot: exit 1"
	like "$err" 'verification failed' "with PBS's task status"
	run px pbs tasks --errors -f tsv -c type
	like "$out" verify "tasks --errors: the failed verify"
else
	ok 0 "# skip no failed snapshot"; ok 0 "# skip"; ok 0 "# skip"
fi
run px pbs gc backup -j
printf '%s' "$out" | py "r = d[0]; assert r['action'] == 'gc' and r['result'] == 'ok', r"
ok $? "gc: started and followed"
run px pbs status -j
printf '%s' "$out" | py "
import time
r = [x for x in d if x['store'] == 'backup'][0]
assert time.time() - r['gc_last'] < 600, r"
ok $? "status: the GC that just ran"

# --- -n sends nothing
simctl DELETE log >/dev/null
for v in "verify backup $last" "gc backup" "protect backup $last" "unprotect backup $last" "notes backup $last --set x" "forget backup $first"; do
	run px pbs $v -n
	is "$rc" 0 "-n: pbs $v: exit 0"
	like "$out" "would send: (POST|PUT|DELETE) /admin/datastore/backup/" "-n: pbs $v: what it would send"
done
is "$(writes)" 0 "-n: nothing was sent"
run px pbs notes backup "$last" --set "a note" -n
like "$out" 'would send: PUT /admin/datastore/backup/notes backup-type=ct&backup-id=[0-9]+&backup-time=[0-9]+&notes=a%20note' "notes -n: PBS's parameters"

# --- prune: the dry run matches what is removed; protected survive
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot
before=$(printf '%s\n' "$out" | wc -l)
run px pbs protect backup "$first"
is "$rc" 0 "protect: exit 0"
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot,protected
like "$out" "$(printf '%s\t1' "$first")" "the snapshot is protected"
simctl DELETE log >/dev/null
run px pbs prune backup --group "ct/$ct" --keep-last 1 -n
is "$rc" 0 "prune -n: exit 0"
printf '%s\n' "$out" | sed -n 's,^would remove: backup/,,p' | sort >"$T/would"
like "$out" "would send: POST /admin/datastore/backup/prune keep-last=1&backup-type=ct&backup-id=$ct" "prune -n: what it would send"
ok $(grep -qF "$first" "$T/would" && echo 1 || echo 0) "prune -n: the protected snapshot is not removed"
ok $(grep -qF "$last" "$T/would" && echo 1 || echo 0) "prune -n: the newest is kept"
is "$(wc -l <"$T/would" | tr -d ' ')" "$((before - 2))" "prune -n: removes all but the newest and the protected"
is "$(sim_log | grep -cE '^(PUT|DELETE)|prune-datastore')" 0 "prune -n: only PBS's own dry run was asked"
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot
is "$(printf '%s\n' "$out" | wc -l)" "$before" "prune -n: nothing removed"
run px pbs prune backup --group "ct/$ct" --keep-last 1
is "$rc" 2 "prune without -y and no terminal: usage error"
run px pbs prune backup --group "ct/$ct" --keep-last 1 -y --allow-risk
is "$rc" 0 "prune: exit 0"
like "$err" 'PruneRemoves' "prune: the finding"
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot
printf '%s\n' "$out" | sort >"$T/left"
sort "$T/would" | comm -12 - "$T/left" >"$T/both"
is "$(wc -l <"$T/both" | tr -d ' ')" 0 "prune removed every snapshot its dry run named"
is "$(printf '%s\n' "$out" | wc -l)" 2 "and kept the newest and the protected one"
like "$out" "$first" "the protected snapshot survives"
# the whole datastore: PBS's dry run per group, then prune-datastore
run px pbs ls snapshots --store archive -f tsv -c snapshot
abefore=$(printf '%s\n' "$out" | grep -c .)
simctl DELETE log >/dev/null
run px pbs prune archive --keep-last 1 -n --allow-risk
is "$rc" 0 "prune a datastore -n: exit 0"
like "$out" 'would send: POST /admin/datastore/archive/prune-datastore keep-last=1' "prune a datastore -n: prune-datastore"
is "$(sim_log | grep -c 'prune-datastore')" 0 "prune a datastore -n: nothing sent"
run px pbs prune archive --keep-last 1 -y --allow-risk --no-wait -j
printf '%s' "$out" | py "r = d[0]; assert r['result'] == 'submitted' and r['upid'].startswith('UPID:pbs:') and ':prune:archive:' in r['upid'], r"
ok $? "prune a datastore --no-wait: the task's UPID"
run px pbs tasks -f tsv -c type,id,status
like "$out" "$(printf 'prune\tarchive\tOK')" "the prune task ran"
run px pbs ls groups --store archive -j
printf '%s' "$out" | py "assert d and all(g['count'] == 1 for g in d), d"
ok $? "every group of the datastore keeps one snapshot"
run px pbs prune backup --keep-last 0 -y
is "$rc" 2 "--keep-last 0: usage error"
run px pbs prune backup -y
is "$rc" 2 "prune without a --keep-* option: usage error"

# --- forget: protected, the only verified one, the last one
run px pbs forget backup "$first" -y
is "$rc" 6 "forget of a protected snapshot: exit 6"
like "$err" 'Protected' "names the finding"
run px pbs unprotect backup "$first"
is "$rc" 0 "unprotect: exit 0"
pbs_api POST /admin/datastore/backup/verify "backup-type=ct" >/dev/null
run px pbs forget backup "$first" -y
is "$rc" 0 "forget of one of two snapshots: exit 0"
run px pbs forget backup "$last" -y
is "$rc" 6 "forget of the group's last snapshot: exit 6"
like "$err" "LastSnapshot .*last snapshot of group ct/$ct" "names the finding"
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot
is "$out" "$last" "and it is still there"
run px pbs forget backup "$last" -y --allow-risk
is "$rc" 0 "forget --allow-risk: exit 0"
run px pbs ls snapshots --store backup --type ct --id "$ct" -f tsv -c snapshot
is "$out" "" "the group is empty"
run px pbs forget backup "$last" -y
is "$rc" 5 "forget of a missing snapshot: exit 5"

# --- OnlyVerified: forget or prune of a group's only verified snapshots
pick() {	# pick forget|prune: a group and a snapshot that fit, from ls -j
	px pbs ls snapshots --store backup -j | /usr/bin/python3 -c '
import json, sys
mode = sys.argv[1]
g = {}
for s in json.load(sys.stdin):
    g.setdefault(s["type"] + "/" + s["id"], []).append(s)
for k, v in sorted(g.items()):
    v.sort(key=lambda s: s["time"])
    ok = [s for s in v if s["verify"] == "ok"]
    if any(s["protected"] for s in v) or len(v) < 2:
        continue
    if mode == "forget" and len(ok) == 1:
        print(k, ok[0]["snapshot"]); break
    if mode == "prune" and ok and v[-1]["verify"] != "ok":
        print(k, v[-1]["snapshot"]); break' "$1"
}
set -- $(pick forget)
if [ $# -eq 2 ]; then
	run px pbs forget backup "$2" -y
	is "$rc" 6 "forget of a group's only verified snapshot: exit 6"
	like "$err" "OnlyVerified .*only verified snapshot of group $1" "names the finding"
else
	ok 0 "# skip no group with one verified snapshot"; ok 0 "# skip"
fi
set -- $(pick prune)
if [ $# -eq 2 ]; then
	run px pbs prune backup --group "$1" --keep-last 1 -y
	is "$rc" 6 "prune that removes every verified snapshot of a group: exit 6"
	like "$err" "OnlyVerified .*every verified snapshot of group $1" "names the finding"
	run px pbs ls snapshots --store backup --type "${1%/*}" --id "${1#*/}" -f tsv -c verify
	like "$out" 'ok' "nothing was removed"
else
	ok 0 "# skip no group whose newest is unverified"; ok 0 "# skip"; ok 0 "# skip"
fi

# --- read-only, freeze, 403
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
for v in "verify backup $last" "gc backup" "prune backup --keep-last 1" "protect backup $last" "forget backup $last" "notes backup $last --set x"; do
	simctl DELETE log >/dev/null
	run px pbs $v -y
	is "$rc" 8 "read-only: pbs $v: exit 8"
	is "$(writes)" 0 "read-only: pbs $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "restore drill" --ttl 1h >/dev/null 2>&1
simctl DELETE log >/dev/null
run px pbs gc backup -y
is "$rc" 8 "frozen: pbs gc: exit 8"
like "$err" "restore drill" "frozen: the reason"
is "$(writes)" 0 "frozen: nothing sent"
run px pbs ls datastores
is "$rc" 0 "frozen: reads still work"
px incident thaw --reason done >/dev/null 2>&1
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px pbs ls datastores
is "$rc" 0 "auditor: reads work"
PX_CONFIG="$T/aud.conf" run px pbs gc backup -y
is "$rc" 4 "auditor: gc is forbidden: exit 4"
like "$err" '403' "with the server's status"

# --- the audit log has each change
run px audit log -f json
printf '%s' "$out" | py "
acts = {r['action'] for r in d if r['target'].startswith('pbs/backup')}
assert {'verify', 'gc', 'prune', 'protect', 'unprotect', 'forget'} <= acts, acts"
ok $? "audit log: every kind of change"

# --- no PBS profile
printf '[profile only]\nurl = https://127.0.0.1:1\nuser = root@pam\ntoken_id = x\ntoken_secret = y\n' >"$T/nopbs.conf"
chmod 600 "$T/nopbs.conf"
PX_CONFIG="$T/nopbs.conf" run px pbs status
is "$rc" 3 "no [pbs NAME] profile: exit 3"

done_testing
