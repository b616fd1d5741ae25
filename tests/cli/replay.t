#!/bin/sh
# px replay: refreshes recorded through the time-travel cache (the
# tcrecord hook: pxtop's four GETs and parsers, tcache_record at a chosen
# time), pxsim changed between them (a migration, a stop, a delete, a
# node offline), then the lists of a past moment in px ls's columns and
# --diff of what changed; times as ISO 8601 and relative; a missing,
# foreign, damaged or open cache and a bad [cache] refused clearly.
. "$(dirname "$0")/lib.sh"
sim_start --guests 20
rec="$build/tools/tcrecord"
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
now=$(date +%s)
t0=$((now - 7200)); t1=$((now - 60))
# a stopped guest to migrate, a running one to stop, a stopped one to
# delete: none locked, none HA-managed
set -- $(px ls guests -j | py "
st = [g for g in d if not g['lock'] and not g['ha'] and not g['template']]
s = [g for g in st if g['status'] == 'stopped']
r = [g for g in st if g['status'] == 'running']
print(s[0]['vmid'], s[0]['node'], r[0]['vmid'], s[1]['vmid'])")
mig=${1-}; from=${2-}; stp=${3-}; del=${4-}
[ -n "$del" ] || { echo "Bail out! pxsim has no suitable guests"; exit 1; }
to=pve1; [ "$from" = pve1 ] && to=pve2

"$rec" sim "$t0"; ok $? "a refresh recorded two hours ago"
run px migrate -y --allow-risk "$mig" "$to"; ok $rc "guest $mig migrated to $to"
run px stop -y --allow-risk "$stp"; ok $rc "guest $stp stopped"
run px delete -y --allow-risk "$del"; ok $rc "guest $del deleted"
simctl POST offline node=pve3 >/dev/null
"$rec" sim "$t1"; ok $? "a refresh recorded a minute ago"
mode=$(stat -c %a "$XDG_DATA_HOME/px/cache/sim.db")
is "$mode" 600 "the cache of profile sim is 0600"

# --- a past moment, in px ls's columns
run px replay -f tsv -c vmid,node,status -- -90m ls guests
ok $rc "px replay -- -90m ls guests"
like "$err" "^px replay: the refresh of .*\\(2h[0-9]*m? ago\\)" "says which refresh it read (two hours ago)"
like "$out" "^$mig	$from	stopped" "guest $mig on $from, as it was"
like "$out" "^$del	" "guest $del still there"
run px replay -90m ls guests -f tsv -c vmid,status
like "$out" "^$stp	running" "a relative TIME needs no -- (guest $stp running then)"
run px replay now ls guests -f tsv -c vmid,node,status
like "$out" "^$mig	$to	stopped" "now: guest $mig on $to"
like "$out" "^$stp	[^	]*	stopped" "now: guest $stp stopped"
unlike "$out" "^$del	" "now: guest $del gone"
iso=$(date -u -d "@$((t0 + 30))" +%Y-%m-%dT%H:%M:%SZ)
run px replay "$iso" guests -f tsv -c vmid,node
like "$out" "^$mig	$from" "ISO 8601 in UTC finds the refresh at or before it"
run px replay "$iso" -j
keys=$(printf '%s' "$out" | py "print(','.join(d[0].keys()))")
lskeys=$(px ls guests -j | py "print(','.join(d[0].keys()))")
is "$keys" "$lskeys" "the JSON fields are px ls guests's"
run px replay -2h ls nodes -f jsonl
is "$(printf '%s\n' "$out" | wc -l)" 3 "nodes, one JSON line each"
run px replay -2h ls storage -H
ok $rc "storage as a table without a header"
unlike "$out" "^STORAGE" "-H drops the header"
run px replay -2h ls tasks -f tsv
ok $rc "tasks"
run px replay now ls nodes -f tsv -c node,status
like "$out" "pve3	offline" "the node offline now"

# --- what changed
run px replay --diff -f tsv -- -90m now
ok $rc "px replay --diff -90m now"
like "$err" "from the refresh of .* to the refresh of" "says which two refreshes"
like "$out" "^moved	guest	$mig	[^	]*	$to	$from	$to" "the migration: moved, from $from to $to"
like "$out" "^state	guest	$stp	[^	]*	[^	]*	running	stopped" "the stop: state running to stopped"
like "$out" "^disappeared	guest	$del	" "the delete: disappeared"
like "$out" "^offline	node		pve3	pve3	online	offline" "the node: offline"
run px replay --diff now -90m -j
printf '%s' "$out" | py "assert set(d[0]) == {'change','object','vmid','name','node','from','to'}"
ok $? "--diff -j: change, object, vmid, name, node, from, to"
like "$out" '"change":"appeared"' "backwards, the deleted guest appears"
run px replay --diff now now -f tsv
is "$out" "" "nothing changed between a refresh and itself"

# --- refusals
run px replay -- -3h
is "$rc" 5 "before the first refresh: not found (5)"
like "$err" "no refresh recorded at or before .*: the oldest is" "says the oldest"
run px replay yesterday
is "$rc" 2 "a TIME that is none: usage (2)"
like "$err" "yesterday: not a time" "says so"
run px replay now ls pools
is "$rc" 2 "a list it does not record: usage"
run px replay --diff now
is "$rc" 2 "--diff wants two times"
cat >>"$PX_CONFIG" <<EOC
[profile other]
url = $SIM_URL
user = root@pam
token_id = px
token_secret = x
insecure = yes
EOC
run px replay -p other now
is "$rc" 5 "a profile with nothing recorded: not found"
like "$err" "other.db: nothing recorded yet \\(pxtop records every refresh\\)" "says pxtop records"
cache="$XDG_DATA_HOME/px/cache"
/usr/bin/python3 -c "
import sqlite3; c = sqlite3.connect('$cache/other.db'); c.execute('create table t(x)'); c.commit()"
chmod 600 "$cache/other.db"
run px replay -p other now
is "$rc" 1 "another program's database: fails"
like "$err" "other.db: not a px cache" "says it is not a px cache"
printf 'garbage, not sqlite at all...............................................................................................' >"$cache/other.db"
run px replay -p other now
like "$err" "other.db: .*not a database" "a file that is no database: says so"
like "$err" "hint: .*remove .*other.db" "and to remove it"
cp "$cache/sim.db" "$T/keep.db"
/usr/bin/python3 -c "
import sqlite3; c = sqlite3.connect('$cache/sim.db'); c.execute(\"update blob set data = x'50585401027f00' where kind = 2\"); c.commit()"
run px replay now
ok $((rc == 0)) "a damaged list fails"
like "$err" "recorded guests list" "and says what is damaged"
like "$err" "hint: the cache .*sim.db is damaged: remove it" "and what to do"
cp "$T/keep.db" "$cache/sim.db"
chmod 644 "$cache/sim.db"
run px replay now
is "$rc" 3 "a cache others can read: refused (3)"
like "$err" "sim.db is accessible by others" "says why"
chmod 600 "$cache/sim.db"
echo "[cache]
max_size = lots" >>"$PX_CONFIG"
run px replay now
is "$rc" 3 "a bad [cache] max_size: config error"
like "$err" "\\[cache\\] max_size: not a size" "names the key"
done_testing
