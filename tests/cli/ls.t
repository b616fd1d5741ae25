#!/bin/sh
# px ls against pxsim: every list, filters, formats, -A fan-out.
. "$(dirname "$0")/lib.sh"
sim_start --nodes 3 --guests 40
pyjson='import json,sys; json.load(sys.stdin)'

run px ls nodes
is "$rc" 0 "ls nodes"
like "$out" '^NODE +STATUS +CPU' "has a header"
is "$(printf '%s\n' "$out" | grep -c '^pve')" 3 "three nodes"
run px ls nodes -H
unlike "$out" 'NODE' "-H drops the header"

# -v: each request with its status and where its time went
run px -v ls guests -f tsv -c vmid
is "$rc" 0 "-v ls guests"
like "$err" "^px ls: GET https://127\.0\.0\.1:[0-9]+/api2/json/cluster/resources\?type=vm: 200 OK \([0-9]+ ms: connect [0-9]+\.[0-9], TLS [0-9]+\.[0-9], wait [0-9]+\.[0-9], body [0-9]+\.[0-9](, parse after [0-9]+\.[0-9])? ms\)$" \
    "-v: the request, its status and its phases"
unlike "$err" "requests in" "-v on one profile: no line adding requests up"
is "$(printf '%s\n' "$out" | wc -l)" 40 "and the rows on stdout alone"
unlike "$err" "$(sed -n 's/^token_secret = //p' "$PX_CONFIG")" "never the secret"
# a request that got no answer: its time was waiting, none of it body
cp "$PX_CONFIG" "$T/v.conf"
printf 'timeout = 1\nretries = 0\n' >>"$T/v.conf"
simctl POST fault "mode=hang&prefix=/version&count=1" >/dev/null
run env PX_CONFIG="$T/v.conf" px -v api /version
like "$err" "/version: 0 [^(]*\([0-9]+ ms: connect [0-9]+\.[0-9], TLS [0-9]+\.[0-9], wait (9[0-9][0-9]|1[0-9][0-9][0-9])\.[0-9], body 0\.0 ms\)" \
    "-v: a request without an answer: its time was waiting"
simctl DELETE fault >/dev/null

run px ls guests -f tsv -c vmid,name,status
is "$rc" 0 "ls guests -f tsv"
is "$(printf '%s\n' "$out" | grep -c .)" 40 "forty guests"
like "$out" '^[0-9]+	[^	]+	(running|stopped|paused)' "tab-separated raw values"
run px ls guests -j
printf '%s' "$out" | /usr/bin/python3 -c "$pyjson"; ok $? "ls guests -j is valid JSON"
printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin)
keys=["vmid","name","type","node","status","cpu","mem","maxmem","disk","maxdisk","uptime","tags","pool","lock","ha","maxcpu","template","netin","netout","diskread","diskwrite"]
assert len(d)==40, len(d)
for g in d:
    assert list(g.keys())==keys, list(g.keys())
    assert isinstance(g["vmid"], int) and g["type"] in ("qemu","lxc")
    assert g["cpu"] is None or 0 <= g["cpu"] <= 1
'
ok $? "JSON keys are the documented contract, numbers raw"
run px ls guests -f jsonl
is "$(printf '%s\n' "$out" | grep -c '^{')" 40 "jsonl: one object per line"

run px ls guests -f tsv -c vmid,status --status running
unlike "$out" 'stopped' "--status filters"
run px ls guests -f tsv -c vmid,type --type lxc
unlike "$out" 'qemu' "--type filters"
run px ls guests -f tsv -c vmid,node --node pve2
unlike "$out" 'pve1|pve3' "--node filters"
run px ls guests -f tsv -c name --name 'web*'
unlike "$out" '^[^w]' "--name takes a glob"
run px ls guests -f tsv -c tags --tag prod
ok $([ -n "$out" ] && ! printf '%s\n' "$out" | grep -vq prod && echo 0 || echo 1) "--tag filters on whole tags"
run px ls guests -f tsv -c vmid -s -vmid
is "$(printf '%s\n' "$out" | head -1)" "$(printf '%s\n' "$out" | sort -n | tail -1)" "-s -vmid sorts descending"
run px ls guests -c nosuch
is "$rc" 2 "an unknown column exits 2"
run px ls guests --node 'a/b'
is "$rc" 2 "a node name with / exits 2"
run px ls widgets
is "$rc" 2 "an unknown list exits 2"

run px ls storage -j
printf '%s' "$out" | /usr/bin/python3 -c "$pyjson"; ok $? "ls storage -j is valid"
like "$out" '"storage":"local"' "lists local"
run px ls pools
is "$rc" 0 "ls pools"
# GET /pools lists no members (as PVE): ls asks each pool for its count
run px ls pools -j
pool=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["poolid"])')
want=$(sim_api GET "pools?poolid=$pool" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"][0]["members"]))')
is "$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0].get("members"))')" "$want" \
    "ls pools: members is the pool's member count"
run px ls pools -H -f tsv -c poolid,members --pool "$pool"
is "$out" "$pool	$want" "ls pools --pool: one pool with its count"
run px ls tasks -f tsv
is "$rc" 0 "ls tasks"
run px ls backups -j
is "$rc" 0 "ls backups"
printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d) > 0 and all(b["volid"].split(":")[1].startswith("backup/") for b in d)'
ok $? "ls backups lists vzdump volumes"

vmid=$(px ls guests -f tsv -c vmid | head -1)
run px ls snapshots "$vmid" -j
is "$rc" 0 "ls snapshots VMID"
printf '%s' "$out" | /usr/bin/python3 -c "$pyjson"; ok $? "and it is JSON"
run px ls snapshots 99999
is "$rc" 5 "snapshots of an unknown VMID exits 5"
run px get nodes -f tsv -c node
is "$(printf '%s\n' "$out" | grep -c .)" 3 "px get is px ls"

# offline node: shown, not hiding the rest
simctl POST offline 'node=pve3&offline=1' >/dev/null
run px ls nodes -f tsv -c node,status
like "$out" 'pve3	offline' "an offline node is listed as offline"
run px ls guests -f tsv -c node,status --node pve3
ok $([ "$rc" -eq 0 ] && echo 0 || echo 1) "guests of an offline node still list"
simctl POST offline 'node=pve3&offline=0' >/dev/null

# -A over two profiles, one of them failing
cp "$PX_CONFIG" "$T/one.conf"
sed -n '/^\[profile sim\]/,$p' "$PX_CONFIG" | sed 's/^\[profile sim\]/[profile other]/' >>"$PX_CONFIG"
printf '\n[profile dead]\nurl = https://127.0.0.1:9\nuser = root@pam\ntoken_id = x\ntoken_secret = x\nfingerprint = %s\nretries = 0\n' \
	"$(sed -n 's/^fingerprint = //p' "$T/one.conf")" >>"$PX_CONFIG"
run px ls guests -A -f tsv -c profile,vmid
is "$rc" 2 "-A with a failing profile exits 2"
like "$err" "^px ls: dead: GET /cluster/resources.*Failed to connect" "the failing profile's reason on stderr"
is "$(printf '%s\n' "$err" | grep -c .)" 1 "one line, for it alone"
is "$(printf '%s\n' "$out" | grep -c '^sim	')" 40 "the working profile prints all its rows"
is "$(printf '%s\n' "$out" | grep -c '^other	')" 40 "and so does the second"
run px -v ls guests -A -f tsv -c vmid
like "$err" "^px ls: 3 requests in [0-9]+ ms, 2 answered; median connect [0-9]+\.[0-9], TLS [0-9]+\.[0-9], wait [0-9]+\.[0-9], body [0-9]+\.[0-9] ms; the last to end: GET /cluster/resources\?type=vm on profile (sim|other|dead) \([0-9]+ ms\)$" \
    "-v -A: one line adds the requests up, the dead one not among the answered"
is "$(printf '%s\n' "$err" | grep -c 'requests in')" 1 "-v -A: that line once, after each request's own"
run px ls guests -A -j
printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin)
err=[r for r in d if r["status"]=="error"]
assert len(err)==1 and err[0]["profile"]=="dead" and err[0]["error"], err
ok=[r for r in d if r["status"]!="error"]
assert all(list(r.keys())[0]=="profile" for r in ok)
'
ok $? "-A JSON: the same objects plus profile, one error row with its message"
cp "$T/one.conf" "$PX_CONFIG"
run px ls guests -j -c vmid
single=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)[0].keys()))')
is "$single" "['vmid']" "one profile: no profile key"

# A bad /cluster/resources answer (read one guest at a time): a clear
# parse error, nothing half-printed on stdout, in every streaming format.
for f in tsv json jsonl; do
	simctl POST fault 'rate=1&mode=malformed&prefix=/cluster/resources' >/dev/null
	run px ls guests -f $f
	is "$rc" 1 "ls guests -f $f: a malformed answer exits 1"
	like "$err" "(malformed|truncated) JSON" "ls guests -f $f: says the JSON is bad"
	is "$out" "" "ls guests -f $f: and prints no rows"
	simctl DELETE fault >/dev/null
	simctl POST fault 'rate=1&mode=truncated&prefix=/cluster/resources' >/dev/null
	run px ls guests -f $f
	ok $([ "$rc" -eq 1 ] || [ "$rc" -eq 7 ] && echo 0 || echo 1) "ls guests -f $f: a truncated answer is an error (exit $rc)"
	is "$out" "" "ls guests -f $f: truncated prints no rows"
	simctl DELETE fault >/dev/null
	# Valid until its last byte: every guest has been read (and its row
	# made) before the error shows.
	simctl POST fault 'rate=1&mode=badtail&prefix=/cluster/resources' >/dev/null
	run px ls guests -f $f
	is "$rc" 1 "ls guests -f $f: an answer bad at its end exits 1"
	like "$err" "malformed JSON at byte" "ls guests -f $f: ... says where"
	is "$out" "" "ls guests -f $f: ... and prints none of the rows read before"
	simctl DELETE fault >/dev/null
done

# One profile's guests are made while the answer arrives (issue 21): an
# answer cut in its middle (its first half made rows) and then retried
# prints each row once, all of them, as the whole answer does.
run px ls guests -f tsv -H -c vmid,name
whole=$out
for f in tsv json; do
	simctl POST fault 'rate=1&mode=drop&count=1&prefix=/cluster/resources' >/dev/null
	run px ls guests -f $f -H -c vmid,name
	is "$rc" 0 "ls guests -f $f: an answer cut in its middle is retried"
	simctl DELETE fault >/dev/null
	[ $f = tsv ] && is "$out" "$whole" "ls guests -f tsv: retried, every row once"
	[ $f = json ] && is "$(printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); print(len(d), len({r["vmid"] for r in d}))')" "40 40" "ls guests -j: retried, 40 rows, none twice"
done

# -A: the rows of a profile whose answer is bad at its end are dropped,
# the other profile's are printed, and the bad one has its error row.
# Its 3,000 guests make more rows than px writes at once (64 KiB).
sim_spawn "$T/sim2" --task-seconds 0 --nodes 2 --guests 3000
cp "$T/one.conf" "$PX_CONFIG"
pxsim -d "$T/sim2" --print-config | sed -n '/^\[profile sim\]/,$p' |
	sed 's/^\[profile sim\]/[profile bad]/' >>"$PX_CONFIG"
curl -sk -X POST --data 'rate=1&mode=badtail&prefix=/cluster/resources' \
	"https://$(cat "$T/sim2/address")/_sim/fault" >/dev/null
for f in tsv json; do
	run px ls guests -A -f $f -c profile,vmid,status
	is "$rc" 2 "-A -f $f, one answer bad at its end: exit 2"
	case $f in
	tsv)
		is "$(printf '%s\n' "$out" | grep -c '^sim	')" 40 "-A -f tsv: the good profile's rows"
		is "$(printf '%s\n' "$out" | grep '^bad	')" "bad		error" "-A -f tsv: the bad one's only row is its error" ;;
	json)
		printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin)
bad=[r for r in d if r["profile"]=="bad"]
assert len(bad)==1 and bad[0]["status"]=="error", bad
assert len([r for r in d if r["profile"]=="sim"])==40
'
		ok $? "-A -j: valid JSON, 40 rows and one error row" ;;
	esac
done
for f in tsv json jsonl; do
	run px ls guests -p bad -f $f
	is "$rc" 1 "-p bad -f $f: 3,000 guests read, then the error at the end"
	is "$out" "" "-p bad -f $f: none of their rows is printed"
done
# -A over 13 profiles, read on several threads at once: each good
# profile's rows stay together (one run each, never mixed with
# another's), the two bad at their end give one error row each, and
# the JSON is one valid array.
cp "$T/one.conf" "$PX_CONFIG"
for i in 1 2 3 4 5 6 7 8 9 10; do
	sed -n '/^\[profile sim\]/,$p' "$T/one.conf" |
		sed "s/^\[profile sim\]/[profile g$i]/" >>"$PX_CONFIG"
done
for b in bad bad2; do
	pxsim -d "$T/sim2" --print-config | sed -n '/^\[profile sim\]/,$p' |
		sed "s/^\[profile sim\]/[profile $b]/" >>"$PX_CONFIG"
done
for f in tsv json jsonl; do
	run px ls guests -A -f $f -c profile,vmid,status
	is "$rc" 2 "-A -f $f over 13 profiles, two bad: exit 2"
	printf '%s' "$out" | /usr/bin/python3 -c '
import itertools, json, sys
f, t = sys.argv[1], sys.stdin.read()
if f == "tsv":
    d = [dict(zip(("profile", "vmid", "status"), l.split("\t"))) for l in t.splitlines()]
elif f == "json":
    d = json.loads(t)
else:
    d = [json.loads(l) for l in t.splitlines()]
runs = [(k, len(list(g))) for k, g in itertools.groupby(r["profile"] for r in d)]
assert len(runs) == 13 and len({k for k, _ in runs}) == 13, runs
good = [n for k, n in runs if not k.startswith("bad")]
assert good == [40] * 11, runs
bad = [r for r in d if r["profile"].startswith("bad")]
assert len(bad) == 2 and all(r["status"] == "error" for r in bad), bad
' $f
	ok $? "-A -f $f: 11 profiles of 40 rows, each in one run, two error rows"
done
# The reader gone (px ls -A | head): px ends on SIGPIPE, quietly, as a
# Unix filter does, whichever thread writes the rows.
sed -i '/^\[profile bad/,$d' "$PX_CONFIG"
for f in tsv json jsonl; do
	rm -f "$T/pipe.rc"
	sh -c 'px ls guests -A -f "$1" 2>"$2"; echo $? >"$2.rc"' sh $f "$T/pipe" | true
	is "$(cat "$T/pipe.rc")" 141 "-A -f $f | a reader gone: SIGPIPE ends px"
	is "$(cat "$T/pipe")" "" "-A -f $f | a reader gone: nothing on stderr"
done
kill "$(cat "$T/sim2.pid")" 2>/dev/null

# -A streaming: a profile's rows go out as soon as its answer is in, not
# once the slowest profile is done (here one whose server never answers,
# until its 4 s timeout)
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(60)' "$T/mute.port" &
mute=$!
i=0; while [ ! -s "$T/mute.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
cp "$T/one.conf" "$PX_CONFIG"
printf '\n[profile mute]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = x\ntoken_secret = x\nfingerprint = %s\nretries = 0\ntimeout = 4\n' \
	"$(cat "$T/mute.port")" "$(sed -n 's/^fingerprint = //p' "$T/one.conf")" >>"$PX_CONFIG"
for f in tsv jsonl; do
	: >"$T/early.out"
	px ls guests -A -f $f -c profile,vmid >"$T/early.out" 2>"$T/early.err" &
	lsp=$!
	i=0; while [ "$(grep -c 'sim' "$T/early.out")" -lt 40 ] && [ $i -lt 60 ]; do sleep 0.05; i=$((i+1)); done
	is "$(grep -c 'sim' "$T/early.out")" 40 "-A -f $f: the quick profile's 40 rows are out at once"
	kill -0 $lsp 2>/dev/null; ok $? "-A -f $f: while the mute profile still waits"
	wait $lsp; is "$?" 2 "-A -f $f: which then fails: exit 2"
	is "$(grep -c 'mute' "$T/early.out")" 1 "-A -f $f: with its error row last"
done
kill $mute 2>/dev/null; wait $mute 2>/dev/null

# -A reads an answer as soon as its body is whole by its Content-Length,
# before libcurl ends the call (px_call.ready): a body that is not the
# Content-Length's bytes waits for its end.  One profile chunked with a
# Content-Length of its first chunk (a broken proxy), pxsim's gzip'd.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/k.pem" -out "$T/c.pem" -days 1 -subj /CN=fake >/dev/null 2>&1
/usr/bin/python3 -c '
import json
rows = [{"type": "qemu", "vmid": 1000 + i, "node": "pve1", "name": "c%d" % i,
         "status": "running"} for i in range(300)]
print("chunkcl:/cluster/resources\t" + json.dumps({"data": rows}))' >"$T/cbodies"
/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/cport" "bodies:$T/cbodies" &
cpid=$!
i=0; while [ ! -s "$T/cport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
cp "$T/one.conf" "$PX_CONFIG"
printf '\n[profile chunk]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = 0\n' \
	"$(cat "$T/cport")" "$(openssl x509 -in "$T/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')" >>"$PX_CONFIG"
simctl POST fault 'rate=1&mode=gzip&prefix=/cluster/resources' >/dev/null
for f in tsv jsonl; do
	run px ls guests -A -f $f -c profile,vmid
	is "$rc" 0 "-A -f $f, a chunked and a gzip'd answer: exit 0"
	is "$(printf '%s\n' "$out" | grep -c 'chunk')" 300 "-A -f $f: the chunked answer's 300 rows, not its first chunk's"
	is "$(printf '%s\n' "$out" | grep -c 'sim')" 40 "-A -f $f: the gzip'd answer's 40 rows"
done
simctl DELETE fault >/dev/null
kill $cpid 2>/dev/null; wait $cpid 2>/dev/null

done_testing
