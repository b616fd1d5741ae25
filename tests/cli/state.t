#!/bin/sh
# px state export|diff|apply: a round trip for every family, dependency
# order, --prune, a refusal in the middle, StateChanges, -n, malformed
# files naming their line, read-only and freeze, --family, odd values.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# ed FILE OP... : edit a state file and write it back canonically
# (sections by kind then identity, keys sorted), as px writes it.
#   set 'SECTION' KEY RAW   (replaces KEY; RAW as it stands in the file)
#   add 'SECTION' KEY RAW   (one more list element)
#   del 'SECTION' KEY       drop 'SECTION'       new 'SECTION'
cat >"$T/ed.py" <<'PY'
import sys
order = ["role", "group", "user", "pool", "storage", "mapping pci",
         "mapping usb", "mapping dir", "acl", "backup-job",
         "replication", "ha group", "ha resource", "ha rule",
         "firewall alias", "firewall ipset",
         "firewall group", "firewall rules", "firewall options",
         "notification sendmail", "notification smtp", "notification gotify",
         "notification webhook", "notification matcher", "cluster options",
         "sdn zone", "sdn vnet", "sdn subnet"]
def kind(name):
    best = None
    for k in order:
        if name == k or name.startswith(k + " "):
            if best is None or len(k) > len(best):
                best = k
    return best
path = sys.argv[1]
meta, secs, cur = [], {}, None
for line in open(path, encoding="utf-8", errors="surrogateescape"):
    line = line.rstrip("\n")
    if line.startswith("["):
        cur = line[1:-1]
        if cur != "meta":
            secs[cur] = []
    elif line == "":
        continue
    elif cur == "meta":
        meta.append(line)
    else:
        k, v = line.split(" = ", 1)
        if k.endswith("+"):
            secs[cur][-1][2].append(line)
        else:
            secs[cur].append([k, v, []])
a = sys.argv[2:]
while a:
    op = a.pop(0)
    if op == "new":
        secs.setdefault(a.pop(0), [])
    elif op == "drop":
        del secs[a.pop(0)]
    elif op == "del":
        s, k = a.pop(0), a.pop(0)
        secs[s] = [x for x in secs[s] if x[0] != k]
    else:
        s, k, v = a.pop(0), a.pop(0), a.pop(0)
        if op == "set":
            secs[s] = [x for x in secs[s] if x[0] != k]
        secs[s].append([k, v, []])
out = ["[meta]"] + meta
# a kind this list does not know yet sorts last, by name
key = lambda n: (order.index(kind(n)) if kind(n) else len(order),
                 n.encode("utf-8", "surrogateescape"))
for n in sorted(secs, key=key):
    out += ["", "[%s]" % n]
    for k, v, cont in sorted(secs[n], key=lambda x: (x[0], x[1].strip('"'))):
        out.append("%s = %s" % (k, v))
        out += cont
open(path, "w", encoding="utf-8", errors="surrogateescape").write("\n".join(out) + "\n")
PY
ed() { /usr/bin/python3 "$T/ed.py" "$@"; }

free=$(px ls guests -f tsv -c vmid,pool | awk -F'\t' '$2 == "" { print $1 }' | head -2)
free1=$(echo "$free" | sed -n 1p)
free2=$(echo "$free" | sed -n 2p)

# --- export
run px state export
is "$rc" 0 "export: exit 0"
like "$out" '^\[meta\]' "export: [meta] first"
px state export -o "$T/a.ini"; px state export -o "$T/b.ini"
cmp -s "$T/a.ini" "$T/b.ini"; ok $? "two exports of an unchanged cluster are byte-identical"
run px state export --stamp
like "$out" 'stamp = [0-9]{4}-' "--stamp notes the time"
run grep -c 'stamp' "$T/a.ini"
is "$out" 0 "without --stamp no time"
run px state diff "$T/a.ini"
is "$rc" 0 "diff of a fresh export: exit 0"
is "$out" "" "and nothing shown"
run grep -ci 'password' "$T/a.ini"
is "$out" 0 "no secrets in the export"

# roundtrip NAME FAMILY WANT-DIFF ED-ARGS...: export the family, edit,
# the diff is exactly WANT-DIFF, apply, export equals the edit, again
# nothing to do.
roundtrip() {
	name=$1 fam=$2 want=$3; shift 3
	f="$T/$fam.ini"
	px state export --family "$fam" -o "$f"
	ed "$f" "$@"
	run px state diff "$f"
	is "$rc" 2 "$name: diff exit 2 (drift)"
	is "$out" "$want" "$name: diff shows exactly the edit"
	run px state diff -j "$f"
	printf '%s' "$out" | py 'assert len(d) >= 1 and all(c["op"] in ("create", "update") for c in d), d'
	ok $? "$name: diff -j lists the changes"
	simctl DELETE log >/dev/null
	if [ -n "${RT_RISK-}" ]; then
		# the object's own check refuses first, sending nothing
		run px state apply -y "$f"
		is "$rc" 6 "$name: apply without --allow-risk: exit 6"
		like "$err" "$RT_RISK" "$name: names $RT_RISK"
		is "$(writes)" 0 "$name: nothing sent"
		run px state apply -y --allow-risk "$f"
	else
		run px state apply -y "$f"
	fi
	is "$rc" 0 "$name: apply exit 0"
	px state export --family "$fam" -o "$T/re.ini"
	cmp -s "$f" "$T/re.ini"; ok $? "$name: the new export equals the edited file"
	[ $? -eq 0 ] || diff "$f" "$T/re.ini" | sed 's/^/#   /'
	run px state diff "$f"
	is "$rc" 0 "$name: diff exit 0 after apply"
	simctl DELETE log >/dev/null
	run px state apply -y "$f"
	is "$rc" 0 "$name: second apply: exit 0"
	like "$err" "nothing to do" "$name: second apply: nothing to do"
	is "$(writes)" 0 "$name: second apply: nothing sent"
}

roundtrip roles roles "$(printf '+ [role Watcher]\n    + privs = Sys.Audit\n    + privs = VM.Audit')" \
	new 'role Watcher' add 'role Watcher' privs Sys.Audit add 'role Watcher' privs VM.Audit
roundtrip "roles (update)" roles "$(printf '~ [role Watcher]\n    - privs = Sys.Audit\n    + privs = VM.Console')" \
	del 'role Watcher' privs add 'role Watcher' privs VM.Audit add 'role Watcher' privs VM.Console
roundtrip groups groups "$(printf '~ [group auditors]\n    - comment = Read-only access\n~ [group ops]\n    - comment = Operations\n    + comment = Operations team\n+ [group web]\n    + comment = the web tier')" \
	new 'group web' set 'group web' comment 'the web tier' set 'group ops' comment 'Operations team' del 'group auditors' comment
roundtrip users users "$(printf '~ [user bob@pve]\n    - email = bob@example.com\n    - groups = ops\n    + enable = 0\n    + groups = admins\n    + lastname = Builder\n+ [user dave@pve]\n    + firstname = Dave\n    + groups = ops')" \
	new 'user dave@pve' set 'user dave@pve' firstname Dave set 'user dave@pve' groups ops \
	del 'user bob@pve' email set 'user bob@pve' enable 0 set 'user bob@pve' groups admins set 'user bob@pve' lastname Builder
roundtrip pools pools "$(printf '~ [pool lab]\n    - comment = Test lab\n    - vm = 123\n    + comment = the lab\n    + vm = %s\n+ [pool web]\n    + comment = web tier\n    + storage = local\n    + vm = 123' "$free1")" \
	set 'pool lab' comment 'the lab' del 'pool lab' vm add 'pool lab' vm "$free1" \
	new 'pool web' set 'pool web' comment 'web tier' add 'pool web' storage local add 'pool web' vm 123
roundtrip "pools (a guest moves back)" pools "$(printf '~ [pool lab]\n    + vm = 123\n~ [pool web]\n    - vm = 123')" \
	add 'pool lab' vm 123 del 'pool web' vm
RT_RISK=BackupTarget
roundtrip storage storage "$(printf '~ [storage nas]\n    - options = vers=4.2\n    + disable = 1\n+ [storage scratch]\n    + content = iso\n    + content = vztmpl\n    + path = /srv/scratch\n    + type = dir')" \
	del 'storage nas' options set 'storage nas' disable 1 \
	new 'storage scratch' add 'storage scratch' content iso add 'storage scratch' content vztmpl set 'storage scratch' path /srv/scratch set 'storage scratch' type dir
unset RT_RISK
roundtrip acl acl "$(printf '+ [acl /pool/web group:web Watcher]\n~ [acl /vms group:ops PVEVMUser]\n    + propagate = 0')" \
	new 'acl /pool/web group:web Watcher' set 'acl /vms group:ops PVEVMUser' propagate 0
roundtrip backup-jobs backup-jobs "$(printf '~ [backup-job backup-05879a86-e550]\n    - comment = weekly offline copy\n    - enabled = 0\n    - schedule = sat 02:00\n    + schedule = sun 03:00\n+ [backup-job nightly-web]\n    + mode = snapshot\n    + pool = web\n    + schedule = 02:30\n    + storage = nas')" \
	del 'backup-job backup-05879a86-e550' comment del 'backup-job backup-05879a86-e550' enabled set 'backup-job backup-05879a86-e550' schedule 'sun 03:00' \
	new 'backup-job nightly-web' set 'backup-job nightly-web' mode snapshot set 'backup-job nightly-web' pool web set 'backup-job nightly-web' schedule 02:30 set 'backup-job nightly-web' storage nas
roundtrip replication replication "$(printf '~ [replication 104-0]\n    + rate = 20\n+ [replication 153-0]\n    + schedule = */30\n    + target = pve3\n    + type = local')" \
	set 'replication 104-0' rate 20 \
	new 'replication 153-0' set 'replication 153-0' schedule '*/30' set 'replication 153-0' target pve3 set 'replication 153-0' type local
roundtrip ha-resources ha-resources "$(printf '~ [ha resource vm:106]\n    - comment = core database\n    + max_restart = 3\n    + state = stopped\n+ [ha resource vm:153]\n    + comment = batch\n    + type = vm')" \
	del 'ha resource vm:106' comment set 'ha resource vm:106' max_restart 3 set 'ha resource vm:106' state stopped \
	new 'ha resource vm:153' set 'ha resource vm:153' comment batch set 'ha resource vm:153' type vm

# --- every family at once: byte-identical after all the changes
px state export -o "$T/all.ini"
run px state diff "$T/all.ini"
is "$rc" 0 "the whole export matches the cluster"
px state export -o "$T/all2.ini"
cmp -s "$T/all.ini" "$T/all2.ini"; ok $? "and exports byte-identically again"

# --- dependency order: an ACL on a new pool, group and role in one file
cat >"$T/dep.ini" <<EOT
[acl /pool/blue group:blue-team BlueRole]

[pool blue]
comment = blue

[group blue-team]

[role BlueRole]
privs = VM.Audit
EOT
run px state apply -n "$T/dep.ini"
is "$rc" 0 "dependency order: -n exit 0"
order=$(printf '%s\n' "$out" | sed -n 's/^would send: \([A-Z]*\) \([^ ?]*\).*/\1 \2/p' | tr '\n' ',')
is "$order" "POST /access/roles,POST /access/groups,POST /pools,PUT /access/acl," "role, group and pool before the ACL"
run px state apply -y "$T/dep.ini"
is "$rc" 0 "dependency order: apply exit 0"
run px state diff "$T/dep.ini" --family acl
is "$rc" 2 "(the file leaves the other ACLs out: drift)"
run sh -c "px state export --family acl | grep -c 'acl /pool/blue group:blue-team BlueRole'"
is "$out" 1 "the ACL exists"

# --- --prune off and on
px state export --family groups -o "$T/g.ini"
ed "$T/g.ini" drop 'group blue-team'
simctl DELETE log >/dev/null
run px state apply -y "$T/g.ini"
is "$rc" 0 "without --prune: exit 0"
like "$err" "nothing to do" "without --prune: nothing to do"
is "$(sim_log | grep -c '^DELETE')" 0 "without --prune: no delete sent"
run px state diff "$T/g.ini"
is "$rc" 2 "diff still shows the group"
like "$out" '^- \[group blue-team\]' "as a delete"
run px state apply -y --prune "$T/g.ini"
is "$rc" 0 "--prune: exit 0"
like "$err" "StateDeletes" "--prune: StateDeletes named"
is "$(sim_log | grep -c '^DELETE /api2/json/access/groups/blue-team')" 1 "--prune: the delete sent"
run px state diff "$T/g.ini"
is "$rc" 0 "after --prune: no drift"

# --- PVE refuses a change in the middle
cat >"$T/mid.ini" <<EOT
[group mid-a]

[user mid@pve]
expire = soon

[pool mid-c]
EOT
simctl DELETE log >/dev/null
run px state apply -y -j "$T/mid.ini"
is "$rc" 2 "refused in the middle: exit 2"
printf '%s' "$out" | py 'assert [r["result"] for r in d] == ["ok", "failed", "skipped"], d'
ok $? "rows: ok, failed, skipped"
is "$(sim_log | grep -c '^POST /api2/json/pools')" 0 "the rest is not sent"
cat >"$T/mid2.ini" <<EOT
[user mid2@pve]
expire = soon

[pool mid-d]
EOT
run px state apply -y -j --continue-on-error "$T/mid2.ini"
is "$rc" 2 "--continue-on-error: exit 2 (partial)"
printf '%s' "$out" | py 'assert [r["result"] for r in d] == ["failed", "ok"], d'
ok $? "--continue-on-error: the rest is sent"

# --- StateChanges
i=0; : >"$T/many.ini"
while [ $i -lt 50 ]; do printf '[group many%02d]\n\n' $i >>"$T/many.ini"; i=$((i + 1)); done
simctl DELETE log >/dev/null
run px state apply -y "$T/many.ini"
is "$rc" 6 "50 changes: refused (exit 6)"
like "$err" "StateChanges" "names StateChanges"
is "$(writes)" 0 "50 changes: nothing sent"
run px state apply -y --allow-risk "$T/many.ini"
is "$rc" 0 "--allow-risk: exit 0"
i=0; : >"$T/some.ini"
while [ $i -lt 12 ]; do printf '[group some%02d]\n\n' $i >>"$T/some.ini"; i=$((i + 1)); done
run px state apply -y "$T/some.ini"
is "$rc" 0 "12 changes: a warning only"
like "$err" "StateChanges" "the warning names StateChanges"

# --- -n sends nothing
printf '[group dry]\ncomment = dry\n' >"$T/dry.ini"
simctl DELETE log >/dev/null
run px state apply -n "$T/dry.ini"
is "$rc" 0 "-n: exit 0"
like "$out" "would send: POST /access/groups" "-n: what would be sent"
is "$(writes)" 0 "-n: nothing sent"

# --- malformed files name their line
bad() {	# bad NAME LINE-REGEX CONTENT
	printf '%s' "$3" >"$T/bad.ini"
	simctl DELETE log >/dev/null
	run px state apply -y "$T/bad.ini"
	is "$rc" 3 "$1: exit 3"
	like "$err" "bad.ini:$2" "$1: names the line"
	is "$(writes)" 0 "$1: nothing sent"
}
bad "a bad section" "2: a section line" "$(printf '[meta]\n[pool x\n')"
bad "an unknown kind" "3: \\[flavour x\\] is no kind" "$(printf '[meta]\n\n[flavour x]\n')"
bad "an unknown key" "3: \\[pool x\\]: a pool has no key 'colour'" "$(printf '[pool x]\ncomment = a\ncolour = red\n')"
bad "a duplicate section" "4: \\[pool x\\] appears a second time \\(line 1\\)" "$(printf '[pool x]\ncomment = a\n\n[pool x]\n')"
bad "an unquoted ;" "2: an unquoted value" "$(printf '[pool x]\ncomment = a; b\n')"
bad "an ACL with an unknown role" "1: .*no role 'NoSuchRole'" "$(printf '[acl / user:bob@pve NoSuchRole]\n')"
bad "a guest in two pools" "4: .*vm 101 is in \\[pool a\\] too" "$(printf '[pool a]\nvm = 101\n\n[pool b]\nvm = 101\n')"
bad "[meta] unknown key" "2: \\[meta\\] has no key 'colour'" "$(printf '[meta]\ncolour = red\n')"
bad "an empty section name" "2: an empty section name" "$(printf '[meta]\n[ ]\ncomment = a\n')"
bad "a padded section name" "1: .*spaces inside its brackets" "$(printf '[ pool x]\ncomment = a\n')"
bad "a section name padded at the end" "1: .*spaces inside its brackets" "$(printf '[pool x ]\n')"
bad "a scalar key twice" "3: .*'comment' given twice" "$(printf '[pool x]\ncomment = a\ncomment = b\n')"

# --- read-only profile and freeze refuse
base=$(cat "$PX_CONFIG")
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px state apply -y "$T/dry.ini"
is "$rc" 8 "read-only: exit 8"
is "$(writes)" 0 "read-only: nothing sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "state freeze" --ttl 1h >/dev/null 2>&1
run px state apply -y "$T/dry.ini"
is "$rc" 8 "frozen: exit 8"
like "$err" "state freeze" "frozen: the reason"
is "$(writes)" 0 "frozen: nothing sent"
px incident thaw --reason done >/dev/null 2>&1

# --- --family narrows
px state export -o "$T/fam.ini"
ed "$T/fam.ini" set 'group ops' comment 'narrowed' set 'pool lab' comment 'not this'
run px state diff --family groups "$T/fam.ini"
is "$rc" 2 "--family groups: drift"
like "$out" 'group ops' "--family groups: the group"
unlike "$out" 'pool lab' "--family groups: not the pool"
run px state export --family pools
unlike "$out" '\[group ' "export --family pools: no groups"
like "$out" 'families = pools' "export --family pools: [meta] says so"
run px state export --family nosuch
is "$rc" 2 "--family nosuch: usage error"

# --- odd values survive a round trip
long=$(/usr/bin/python3 -c 'print("x" * 450 + "; end")')
px state export --family groups -o "$T/odd.ini"
ed "$T/odd.ini" new 'group odd1' set 'group odd1' comment '"say \"hi\" \\ back; #1"' \
	new 'group odd2' set 'group odd2' comment '"two\nlines"'
printf '\n[group odd3]\ncomment = "%s"\n' "$long" >>"$T/odd.ini"
ed "$T/odd.ini"
run px state apply -y "$T/odd.ini"
is "$rc" 0 "odd values: apply exit 0"
run sh -c "px state export --family groups | grep -c '^comment+ = '"
is "$out" 1 "a long value continues on a second line"
px state export --family groups -o "$T/odd2.ini"
run px state diff "$T/odd2.ini"
is "$rc" 0 "odd values: the export matches the cluster"
got=$(sim_api GET access/groups | py 'print([g.get("comment") for g in d["data"] if g["groupid"] == "odd1"][0])')
is "$got" 'say "hi" \ back; #1' "quotes, backslash, ; and # reach PVE as written"
got=$(sim_api GET access/groups | py 'print(len([g.get("comment") for g in d["data"] if g["groupid"] == "odd3"][0]))')
is "$got" 455 "the long value reaches PVE whole"
got=$(sim_api GET access/groups | py 'print(repr([g.get("comment") for g in d["data"] if g["groupid"] == "odd2"][0]))')
is "$got" "'two\\nlines'" "a newline survives"

# a \x escape reads exactly two hex digits: one digit at the end of the
# value (the fuzzer's heap overflow), a sign or a space stay as written
printf '[group hex1]\ncomment = "a\\xe"\n\n[group hex2]\ncomment = "\\x-1 \\x 5 \\x41"\n' >"$T/hex.ini"
run px state apply -y "$T/hex.ini"
is "$rc" 0 "\\x escapes: apply exit 0"
got=$(sim_api GET access/groups | py 'print([g.get("comment") for g in d["data"] if g["groupid"] == "hex1"][0])')
is "$got" 'a\xe' "\\x with one hex digit at the end stays literal"
got=$(sim_api GET access/groups | py 'print([g.get("comment") for g in d["data"] if g["groupid"] == "hex2"][0])')
is "$got" '\x-1 \x 5 A' "\\x takes two hex digits, nothing else"

# --- --interactive: a terminal asks for each delete
printf '[group ask-a]\n\n[group ask-b]\n' >"$T/ask.ini"
px state apply -y "$T/ask.ini" >/dev/null 2>&1
px state export --family groups -o "$T/ask.ini"
ed "$T/ask.ini" drop 'group ask-a' drop 'group ask-b'
run px state apply --interactive --prune "$T/ask.ini" </dev/null
is "$rc" 2 "--interactive without a terminal: usage error"
like "$err" "needs a terminal" "says so"
simctl DELETE log >/dev/null
/usr/bin/python3 - "$T/ask.ini" >"$T/pty.out" 2>&1 <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("px", ["px", "state", "apply", "--interactive", "--prune", sys.argv[1]])
buf = b""
answers = {b"ask-a": b"n\n", b"ask-b": b"y\n"}
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    buf += d
    for k in list(answers):
        if (b"[group " + k + b"]? [y/N]") in buf:
            os.write(fd, answers.pop(k))
_, st = os.waitpid(pid, 0)
sys.stdout.write(buf.decode(errors="replace"))
print("EXIT", os.WEXITSTATUS(st))
PY
like "$(cat "$T/pty.out")" 'delete \[group ask-a\]\? \[y/N\]' "asks for each delete"
like "$(cat "$T/pty.out")" 'EXIT 2' "one declined: exit 2"
is "$(sim_log | grep -c '^DELETE /api2/json/access/groups/ask-b')" 1 "the accepted delete is sent"
is "$(sim_log | grep -c '^DELETE /api2/json/access/groups/ask-a')" 0 "the declined one is not"
run px audit log -f json
printf '%s' "$out" | py 'assert any(r["decision"] == "refused-declined" for r in d), d[-3:]'
ok $? "the declined change is audited as refused"

# --- usage
run px state
is "$rc" 2 "no verb: usage"
run px state bogus
is "$rc" 2 "unknown verb: usage"
run px state diff
is "$rc" 2 "diff without a file: usage"

# --- --prune never deletes root@pam unasked
px state export --family users >"$T/noroot.ini"
/usr/bin/python3 - "$T/noroot.ini" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index('[user root@pam]'); j = s.find('\n[', i + 1)
open(p, 'w').write(s[:i] + (s[j + 1:] if j > 0 else ''))
PY
simctl DELETE log >/dev/null
run px state apply "$T/noroot.ini" --prune -y
is "$rc" 6 "--prune without root@pam: exit 6"
like "$err" "PruneRoot" "names the check"
is "$(writes)" 0 "nothing was sent"

# --- PVE 8.0: pools are /pools/{poolid}; the same writer as px pool
sim_restart --pve-version 8.0
px state export --family pools -o "$T/p80.ini"
ed "$T/p80.ini" set 'pool lab' comment 'the lab on 8.0' del 'pool lab' vm
run px state apply -n "$T/p80.ini"
is "$rc" 0 "PVE 8.0: apply -n exit 0"
like "$out" 'would send: PUT /pools/lab comment=' "PVE 8.0: the comment through /pools/lab"
like "$out" 'would send: PUT /pools/lab vms=[0-9]+.*delete=1' "PVE 8.0: members through /pools/lab"
unlike "$out" 'poolid=' "PVE 8.0: never /pools?poolid="
run px state apply -y "$T/p80.ini"
is "$rc" 0 "PVE 8.0: apply exit 0"
run px state diff "$T/p80.ini"
is "$rc" 0 "PVE 8.0: then no difference"

done_testing
