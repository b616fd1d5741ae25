#!/bin/sh
# px pool: list|show in every output format, an unknown pool; create,
# set, add, remove, delete through the gate (dry run, read-only, freeze,
# PoolNotEmpty, --force, 403, PVE 8.0's paths).
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
# every format of one command prints and JSON parses
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

# --- pool
formats "pool list" pool list
run px pool list
like "$out" '^POOLID +MEMBERS +COMMENT' "pool list: header"
pool=$(px pool list -f tsv -c poolid | head -1)
formats "pool show" pool show "$pool"
run px pool show -j "$pool"
like "$out" '"id":"(qemu|lxc|storage)/' "pool show: member ids"
like "$out" '"node":"pve[0-9]"' "pool show: nodes"
run px pool show nosuchpool
is "$rc" 5 "pool show of an unknown pool: exit 5"
like "$err" "no pool 'nosuchpool'" "says so"
run px pool show
is "$rc" 2 "pool show without a pool: usage error"

# --- the life cycle
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
base=$(cat "$PX_CONFIG")
simctl DELETE log >/dev/null
run px pool create web -n --comment "web tier"
is "$rc" 0 "create -n: exit 0"
like "$out" 'would send: POST /pools comment=web%20tier&poolid=web' "create -n: what it would send"
is "$(writes)" 0 "create -n: nothing sent"
run px pool create web --comment "web tier" -j
is "$rc" 0 "create: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['name'] == 'web' and r['action'] == 'create' and r['result'] == 'ok', r"
ok $? "create: the row names the pool, action and result"
run px pool list -f tsv -c poolid,members,comment
like "$out" "$(printf 'web\t0\tweb tier')" "list: the new pool, no members, its comment"
run px pool create web
is "$rc" 1 "create of an existing pool fails"
like "$err" "pool 'web' already exists" "with PVE's message"
run px pool set web --comment "the web tier"
is "$rc" 0 "set: exit 0"
run px pool list -j
printf '%s' "$out" | py "assert [p for p in d if p['poolid'] == 'web'][0]['comment'] == 'the web tier'"
ok $? "set: the comment changed"
run px pool set web
is "$rc" 2 "set without a change: usage error"
run px pool create 'bad..name'
is "$rc" 2 "a malformed pool name: usage error"
run px pool create "$(printf 'x\033[2Jy')"
is "$rc" 2 "a pool name with an escape sequence: usage error"
unlike "$err" "$(printf '\033')" "and the escape is not echoed raw"

# add and remove members
inpool=$(px pool show "$pool" -f tsv -c vmid | grep -v '^$' | head -1)
free=$(px ls guests -f tsv -c vmid,pool | awk -F'\t' '$2 == "" { print $1; exit }')
run px pool add web --vm "$free" --storage local
is "$rc" 0 "add a guest and a storage: exit 0"
run px pool show web -f tsv -c id
like "$out" "/$free\$" "show: the guest is a member"
like "$out" "storage/.*local" "show: the storage is a member"
formats "pool show (new pool)" pool show web
simctl DELETE log >/dev/null
run px pool add web --vm "$inpool"
is "$rc" 1 "add a guest of another pool without --allow-move fails"
like "$err" "allow-move is not set" "with PVE's message"
run px pool show "$pool" -f tsv -c vmid
like "$out" "$inpool" "the guest stayed in its pool"
run px pool add web --vm "$free" --vm "$free"
is "$rc" 2 "a guest given twice: usage error"
run px pool add web
is "$rc" 2 "add without members: usage error"
run px pool add web --vm abc
is "$rc" 2 "add --vm abc: usage error"
simctl DELETE log >/dev/null
run px pool remove web --storage local
is "$rc" 2 "remove without -y and no terminal: usage error"
like "$err" "needs -y" "says -y is needed"
is "$(writes)" 0 "nothing was sent"
run px pool remove web --storage local -y
is "$rc" 0 "remove the storage: exit 0"
run px pool show web -f tsv -c id
unlike "$out" "storage/" "the storage is no member now"

# --- delete: PoolNotEmpty
simctl DELETE log >/dev/null
run px pool delete web -y
is "$rc" 6 "delete a pool with members: exit 6"
like "$err" "PoolNotEmpty.*1 member.*$free" "names the check and the member"
like "$err" "force" "says --force removes them"
is "$(writes)" 0 "nothing was sent"
run px pool delete web -y --allow-risk
is "$rc" 1 "--allow-risk lets it through: PVE refuses"
like "$err" "not empty" "with PVE's message"
simctl DELETE log >/dev/null
run px pool delete web --force -n
is "$rc" 0 "delete --force -n: exit 0"
like "$out" "would send: PUT /pools\?poolid=web vms=$free&delete=1" "would remove the members"
like "$out" "would send: DELETE /pools\?poolid=web" "then delete the pool"
is "$(writes)" 0 "-n: nothing sent"

# --- read-only profile and freeze refuse every verb
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
for v in "create ro" "set web --comment x" "add web --vm $inpool" "remove web --vm $free" "delete web --force"; do
	simctl DELETE log >/dev/null
	run px pool $v -y
	is "$rc" 8 "read-only: pool $v: exit 8"
	is "$(writes)" 0 "read-only: pool $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "change window closed" --ttl 1h >/dev/null 2>&1
for v in "create fz" "delete web --force"; do
	simctl DELETE log >/dev/null
	run px pool $v -y
	is "$rc" 8 "frozen: pool $v: exit 8"
	like "$err" "change window closed" "frozen: pool $v: the reason"
	is "$(writes)" 0 "frozen: pool $v: nothing sent"
done
px incident thaw --reason done >/dev/null 2>&1

run px pool delete web --force -y -j
is "$rc" 0 "delete --force: exit 0"
printf '%s' "$out" | py "assert [r['result'] for r in d] == ['ok', 'ok'], d"
ok $? "two rows: members removed, pool deleted"
run px pool show web
is "$rc" 5 "the pool is gone"
run px audit log -f json
printf '%s' "$out" | py "
rows = [r for r in d if r['target'] == 'pool/web']
acts = [r['action'] for r in rows if r['decision'] == 'allowed']
assert set(acts) == {'create', 'set', 'add', 'remove', 'delete'}, acts
assert acts[-2:] == ['delete', 'delete'], acts
refused = [r['decision'] for r in rows if r['decision'].startswith('refused')]
assert 'refused-risk' in refused and 'refused-read-only' in refused and 'refused-frozen' in refused, refused"
ok $? "audit log: each change, and each refusal"

# --- a token without Pool.Allocate: 403, exit 4
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px pool create denied
is "$rc" 4 "a token without the privilege: exit 4"
like "$err" "Permission check failed" "with PVE's message"

# --- PVE 8.0: PUT and DELETE /pools/{poolid}
sim_restart --pve-version 8.0
simctl DELETE log >/dev/null
run px pool create old --comment c
is "$rc" 0 "PVE 8.0: create"
run px pool set old --comment d
is "$rc" 0 "PVE 8.0: set"
run px pool delete old -y
is "$rc" 0 "PVE 8.0: delete"
is "$(sim_log | grep -cE '^(PUT|DELETE) /api2/json/pools/old ')" 2 "PVE 8.0: the /pools/{poolid} paths"
is "$(sim_log | grep -cE '^(PUT|DELETE) /api2/json/pools\?')" 0 "PVE 8.0: not the newer ones"

done_testing
