#!/bin/sh
# px state: the firewall-cluster, notifications and cluster-options
# families -- a round trip for each (export, edit, diff shows exactly the
# edit, apply, export equals the edit, a second apply changes nothing),
# rules kept in order and rewritten by position, IP set members, one
# digest per configuration file, booleans in one spelling, endpoint
# secrets kept out, malformed rules naming their line, -n, --prune.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
fam=firewall-cluster,notifications,cluster-options

# ed FILE OP... : edit a state file and write it back as px writes it
# (sections by kind order then identity; keys sorted; rule lines keep
# their order).  set/add/del/drop/new as in state.t; ins SECTION N RAW
# puts a rule at position N.
cat >"$T/ed.py" <<'PY'
import sys
order = ["firewall alias", "firewall ipset", "firewall group",
         "firewall rules", "firewall options", "notification sendmail",
         "notification smtp", "notification gotify", "notification webhook",
         "notification matcher", "cluster options"]
def kind(name):
    best = None
    for k in order:
        if name == k or name.startswith(k + " "):
            if best is None or len(k) > len(best):
                best = k
    return best
path = sys.argv[1]
meta, secs, cur = [], {}, None
for line in open(path, encoding="utf-8"):
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
        secs[cur].append([k, v])
a = [x[1:-1] if x.startswith("[") and x.endswith("]") else x
     for x in sys.argv[2:]]
while a:
    op = a.pop(0)
    if op == "new":
        secs.setdefault(a.pop(0), [])
    elif op == "drop":
        del secs[a.pop(0)]
    elif op == "del":
        s, k = a.pop(0), a.pop(0)
        secs[s] = [x for x in secs[s] if x[0] != k]
    elif op == "ins":
        s, n, v = a.pop(0), int(a.pop(0)), a.pop(0)
        rules = [x for x in secs[s] if x[0] == "rule"]
        rest = [x for x in secs[s] if x[0] != "rule"]
        rules.insert(n, ["rule", v])
        secs[s] = rest + rules
    else:
        s, k, v = a.pop(0), a.pop(0), a.pop(0)
        if op == "set":
            secs[s] = [x for x in secs[s] if x[0] != k]
        secs[s].append([k, v])
out = ["[meta]"] + meta
for n in sorted(secs, key=lambda n: (order.index(kind(n)), n)):
    out += ["", "[%s]" % n]
    keys = sorted(set(k for k, v in secs[n]))
    for k in keys:
        vals = [v for kk, v in secs[n] if kk == k]
        if k != "rule":
            vals.sort(key=lambda v: v.strip('"'))
        out += ["%s = %s" % (k, v) for v in vals]
open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
ed() { /usr/bin/python3 "$T/ed.py" "$@"; }

# --- export
px state export --family $fam -o "$T/a.ini"
is "$?" 0 "export of the three families: exit 0"
px state export --family $fam -o "$T/b.ini"
cmp -s "$T/a.ini" "$T/b.ini"; ok $? "two exports are byte-identical"
a=$(cat "$T/a.ini")
like "$a" '^families = firewall-cluster,notifications,cluster-options$' "[meta] names the families"
like "$a" '^\[firewall options\]$' "the firewall options: one section, no identity"
like "$a" '^\[firewall rules\]$' "the cluster rules: one section"
like "$a" '^\[cluster options\]$' "the cluster options: one section"
like "$a" '^\[firewall alias mgmt\]$' "an alias"
like "$a" '^\[firewall ipset admins\]$' "an IP set"
like "$a" '^cidr = !192\.168\.100\.66$' "a nomatch member: !CIDR"
like "$a" '^cidr = "10\.0\.0\.20/30 # desk"$' "a member's comment, quoted"
like "$a" '^\[firewall group webserver\]$' "a security group"
like "$a" '^rule = IN HTTP\(ACCEPT\)$' "a macro rule"
like "$a" '^rule = "IN ACCEPT -source \+admins -p tcp -dport 22 -log nolog # ssh from admins"$' "a rule in PVE's syntax, with its comment"
like "$a" '^rule = \|GROUP webserver$' "a disabled rule: |, a group rule"
like "$a" '^migration = network=10\.10\.10\.0/24,type=secure$' "a property string, keys sorted"
like "$a" '^registered-tags = "prod;staging"$' "a value with ';' quoted"
like "$a" '^\[notification gotify gotify-ops\]$' "a gotify endpoint"
like "$a" '^\[notification matcher errors-to-gotify\]$' "a matcher"
like "$a" '^target = smtp-relay$' "a matcher's targets, a line each"
like "$a" '^header = name=Content-Type,value=' "a webhook's header, a line each"
unlike "$a" 'token|password|^secret' "endpoint secrets are not in the file"
first=$(sed -n '/^\[firewall rules\]/,/^$/p' "$T/a.ini" | grep '^rule' | head -1)
like "$first" 'ssh from admins' "rules keep PVE's order (not sorted)"
run px state diff "$T/a.ini"
is "$rc" 0 "diff of a fresh export: exit 0"

# --- the round trip
cp "$T/a.ini" "$T/e.ini"
ed "$T/e.ini" \
    set '[firewall alias monitoring]' cidr 10.0.5.18 \
    set '[firewall alias monitoring]' comment moved \
    new '[firewall alias backup]' set '[firewall alias backup]' cidr 10.0.9.0/24 \
    del '[firewall ipset blocklist]' cidr \
    add '[firewall ipset blocklist]' cidr 198.51.100.8 \
    add '[firewall ipset blocklist]' cidr '"!203.0.113.9 # not this one"' \
    new '[firewall group db]' set '[firewall group db]' comment databases \
    add '[firewall group db]' rule 'IN ACCEPT -source mgmt -p tcp -dport 5432' \
    ins '[firewall rules]' 2 '"OUT REJECT -dest 8.8.8.8 # no public dns"' \
    set '[firewall options]' ebtables 0 \
    set '[notification smtp smtp-relay]' username pve2 \
    add '[notification matcher errors-to-gotify]' target mail-to-root \
    set '[notification matcher errors-to-gotify]' comment '"errors; everywhere"' \
    set '[cluster options]' keyboard de
simctl DELETE log >/dev/null
run px state diff "$T/e.ini"
is "$rc" 2 "diff of the edit: exit 2 (drift)"
like "$out" '^\+ \[firewall alias backup\]' "diff: the new alias"
like "$out" '^~ \[firewall alias monitoring\]' "diff: the changed alias"
like "$out" '^    \+ cidr = 10\.0\.5\.18' "diff: its new cidr"
like "$out" '^    - cidr = 198\.51\.100\.7' "diff: a member gone"
like "$out" '^    \+ cidr = !203\.0\.113\.9 # not this one' "diff: a nomatch member added"
like "$out" '^~ \[firewall rules\]' "diff: the cluster rules"
like "$out" '^    \+ rule = OUT REJECT -dest 8\.8\.8\.8 # no public dns' "diff: the inserted rule"
like "$out" '^~ \[firewall options\]' "diff: the options"
like "$out" '^~ \[cluster options\]' "diff: the cluster options"
like "$out" '^    \+ keyboard = de' "diff: keyboard"
like "$out" '^    \+ target = mail-to-root' "diff: a matcher's new target"
unlike "$out" 'gotify-ops\]' "diff: no change to an object the edit left alone"
is "$(writes)" 0 "diff sends nothing"
run px state diff -j "$T/e.ini"
is "$rc" 2 "diff -j: exit 2"
ok $(printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys
d = json.load(sys.stdin)
k = {(c["op"], c["kind"], c["id"]) for c in d}
sys.exit(0 if ("update","firewall rules","") in k and ("create","firewall group","db") in k else 1)' && echo 0 || echo 1) "diff -j: a singleton's id is empty"

run px state apply -n "$T/e.ini"
is "$rc" 0 "apply -n: exit 0"
is "$(writes)" 0 "apply -n: nothing sent"
like "$out" 'would send: POST /cluster/firewall/rules .*pos=2' "apply -n: the inserted rule at its position"
unlike "$out" 'would send: PUT /cluster/firewall/rules/' "apply -n: the rules after it are left alone"
like "$out" 'would send: POST /cluster/firewall/ipset/blocklist cidr=203\.0\.113\.9.*nomatch=1' "apply -n: a nomatch member"
like "$out" 'would send: DELETE /cluster/firewall/ipset/blocklist/198\.51\.100\.7' "apply -n: a member removed"
like "$out" 'would send: PUT /cluster/options .*keyboard=de' "apply -n: the cluster options"
like "$out" 'would send: PUT /cluster/notifications/matchers/errors-to-gotify .*target=gotify-ops&target=mail-to-root&target=smtp-relay' "apply -n: an array as repeated parameters"
ndig=$(printf '%s\n' "$out" | grep '^would send: .*/cluster/firewall' | grep -c 'digest=')
is "$ndig" 0 "apply -n: no digest after the first change of cluster.fw (a create, which takes none)"
cp "$T/a.ini" "$T/d.ini"
ed "$T/d.ini" set '[firewall alias mgmt]' comment office set '[firewall alias monitoring]' comment noc \
    set '[notification smtp smtp-relay]' port 25 set '[notification matcher errors-to-gotify]' mode any
run px state apply -n "$T/d.ini"
ndig=$(printf '%s\n' "$out" | grep '/cluster/firewall' | grep -c 'digest=')
is "$ndig" 1 "apply -n: a digest on the first change of cluster.fw only"
like "$out" 'PUT /cluster/firewall/aliases/mgmt .*digest=' "the first alias carries it"
unlike "$out" 'PUT /cluster/firewall/aliases/monitoring .*digest=' "the second does not (PVE would refuse it as stale)"

run px state apply -y "$T/e.ini"
is "$rc" 0 "apply: exit 0"
unlike "$err" 'BulkCount' "apply: the size is StateChanges, not BulkCount"
run px state diff "$T/e.ini"
is "$rc" 0 "after apply: diff exit 0"
px state export --family $fam -o "$T/c.ini"
cmp -s "$T/e.ini" "$T/c.ini"; ok $? "after apply: the export equals the edited file"
simctl DELETE log >/dev/null
run px state apply -y "$T/e.ini"
is "$rc" 0 "a second apply: exit 0"
like "$err" 'nothing to do' "a second apply: nothing to do"
is "$(writes)" 0 "a second apply sends nothing"

# --- rules: delete from the end, reorder, the group with its rules
cp "$T/c.ini" "$T/r.ini"
/usr/bin/python3 - "$T/r.ini" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
a, b = s.split("[firewall rules]\n", 1)
body, rest = b.split("\n\n", 1)
rules = body.split("\n")
rules = [rules[1], rules[0]]		# swap the first two, drop the rest
open(p, "w").write(a + "[firewall rules]\n" + "\n".join(rules) + "\n\n" + rest)
PY
ed "$T/r.ini" drop '[firewall group db]'
simctl DELETE log >/dev/null
run px state apply -y --prune "$T/r.ini"
is "$rc" 0 "rules cut and swapped, a group pruned: exit 0"
like "$err" 'StateDeletes +--prune deletes 1 object' "--prune names its deletes (objects, not requests)"
run px state diff "$T/r.ini"
is "$rc" 0 "after it: diff exit 0"
is "$(sim_log | grep -cE '^(PUT|POST|DELETE) /api2/json/cluster/firewall/rules')" 4 "two rules swapped, three cut: 4 requests"
like "$(sim_log)" 'DELETE /api2/json/cluster/firewall/groups/db/0' "the pruned group's rule first"
like "$(sim_log)" 'DELETE /api2/json/cluster/firewall/groups/db[^/]' "then the group"

# --- booleans: one spelling
cp "$T/r.ini" "$T/b.ini"
ed "$T/b.ini" set '[firewall options]' ebtables off set '[firewall options]' enable yes
run px state diff "$T/b.ini"
is "$rc" 0 "yes/off read as 1/0: no difference"
ed "$T/b.ini" set '[firewall options]' ebtables maybe
run px state diff "$T/b.ini"
is "$rc" 3 "a boolean that is none: exit 3"
like "$err" 'b\.ini:[0-9]+: \[firewall options\]: ebtables = maybe is not a boolean' "names the line"

# --- malformed rules and members are refused before anything is sent
bad() {	# bad NAME SECTION KEY RAW REGEX
	cp "$T/r.ini" "$T/x.ini"
	ed "$T/x.ini" add "$2" "$3" "$4"
	simctl DELETE log >/dev/null
	run px state apply -y "$T/x.ini"
	is "$rc" 3 "$1: exit 3"
	like "$err" "$5" "$1: says what and where"
	is "$(writes)" 0 "$1: nothing sent"
}
bad "a rule of no direction" '[firewall rules]' rule 'SIDEWAYS ACCEPT' 'x\.ini:[0-9]+: \[firewall rules\]: rule [0-9]+: a rule starts with IN, OUT'
bad "an unknown action" '[firewall rules]' rule 'IN ALLOW' "'ALLOW' is not an action"
bad "an unknown option" '[firewall rules]' rule 'IN ACCEPT -port 22' "'-port' is no option of a rule"
bad "an option without a value" '[firewall rules]' rule 'IN ACCEPT -dport' '-dport needs a value'
bad "a broken macro" '[firewall rules]' rule 'IN SSH(ACCEPT' 'is not an action|MACRO'
bad "a member that is no address" '[firewall ipset admins]' cidr 'example.com' "'example.com' is not an IP address"
bad "a matcher's unknown target" '[notification matcher errors-to-gotify]' target nosuch "no target 'nosuch'"
cp "$T/r.ini" "$T/x.ini"
ed "$T/x.ini" new '[notification gotify newgotify]' set '[notification gotify newgotify]' server https://g.example
run px state apply -y "$T/x.ini"
is "$rc" 3 "a new gotify endpoint: exit 3"
like "$err" 'needs its token, which a state file never holds' "says why"
like "$err" 'px notify endpoint create gotify newgotify' "and how"
printf '[meta]\n\n[firewall options something]\nenable = 1\n' >"$T/x.ini"
run px state diff "$T/x.ini"
is "$rc" 3 "an identity on a one-object kind: exit 3"
like "$err" 'one object: no identity' "says so"
printf '[meta]\n\n[firewall alias]\ncidr = 10.0.0.1\n' >"$T/x.ini"
run px state diff "$T/x.ini"
is "$rc" 3 "an alias without its name: exit 3"

# --- built-in notification objects are never pruned
cp "$T/r.ini" "$T/p.ini"
ed "$T/p.ini" drop '[notification sendmail mail-to-root]' drop '[notification matcher default-matcher]'
run px state apply -n --prune "$T/p.ini"
unlike "$out" 'DELETE /cluster/notifications/endpoints/sendmail/mail-to-root' "the built-in endpoint is not deleted"
unlike "$out" 'DELETE /cluster/notifications/matchers/default-matcher' "the built-in matcher is not deleted"
# and a singleton left out is not touched
cp "$T/r.ini" "$T/p.ini"
ed "$T/p.ini" drop '[cluster options]'
run px state apply -n --prune "$T/p.ini"
unlike "$out" '/cluster/options' "a one-object section left out is left alone"

# --- hostile values from the server: a rule px cannot write is refused
api_post() { sim_api POST "$@" >/dev/null; }
sim_api POST cluster/firewall/aliases "name=evil&cidr=10.9.9.9&comment=$(printf 'a%%0Ab')" >/dev/null
run px state export --family firewall-cluster
is "$rc" 0 "an alias comment with a newline: exported"
like "$out" 'comment = "a\\nb"' "escaped, quoted"

done_testing
