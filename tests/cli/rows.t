#!/bin/sh
# Malformed rows in a list answer: px keeps the good rows on stdout, says
# on stderr which row of which request it ignored and why, and exits 1;
# a key given twice in an object: the last one wins.  The answers come
# from a hostile server (tests/tools/fakeapi.py bodies:FILE).
. "$(dirname "$0")/lib.sh"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/k.pem" -out "$T/c.pem" -days 1 -subj /CN=fake >/dev/null 2>&1
ffp=$(openssl x509 -in "$T/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
# The bad rows of every list, after one good row each.
bad='{"vmid":-1},{"vmid":1e308},{"vmid":100.5},{"vmid":"NaN"},{"vmid":"abc"},7,{"name":"novmid"},{"vmid":104,"maxmem":1e308}'
g='"type":"qemu","node":"pve1"'
{
	printf '/cluster/resources\t{"data":[{"type":"qemu","vmid":100,"node":"pve1","name":"good","status":"running"},%s,{"type":"lxc","vmid":105,"name":"first","name":"last","node":"pve1"},{"type":"node","node":"pve1"}]}\n' \
		"$(printf '%s' "$bad" | sed "s/{\"/{$g,\"/g")"
	printf '/nodes\t{"data":[{"node":"pve1","status":"online"},1,{"status":"online"},{"node":"pve2","maxmem":1e308},{"node":"pve3","node":"pve4","status":"online"}]}\n'
	printf '/nodes/pve1/tasks\t{"data":[{"upid":"UPID:pve1:00001234:00005678:65000000:qmstart:100:root@pam:","status":"OK","starttime":1700000000,"endtime":1700000001},"x",{"status":"OK"},{"upid":"UPID:pve1:00001234:00005678:65000000:qmstart:101:root@pam:","starttime":1.5}]}\n'
	printf '/nodes/pve4/tasks\t{"data":[]}\n'
	printf '/storage\t{"data":[{"storage":"local","type":"dir","content":"iso"},[1],{"type":"dir"},{"storage":{"a":1}},{"storage":"nas","type":"nfs","maxfiles":3}]}\n'
	printf '/pools\t{"data":[{"poolid":"prod","comment":"good"},null,2,{"comment":"no id"},{"poolid":"\\u001b[31mred"},{"poolid":{"x":1}}]}\n'
} >"$T/bodies"
/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port" "bodies:$T/bodies" &
fpid=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
printf '[profile f]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = 0\n' \
	"$(cat "$T/port")" "$ffp" >"$T/f.conf"
chmod 600 "$T/f.conf"
export PX_CONFIG="$T/f.conf"
res='GET /cluster/resources[?]type=vm'

# --- px ls guests
run px ls -H -c vmid,name guests
is "$rc" 1 "ls guests: malformed rows: exit 1"
like "$out" "^ *100 +good" "ls guests: the good row is shown"
like "$out" "105 +last" "ls guests: name given twice: the last one"
like "$err" "px ls: ignored row 1 of $res: vmid -1 is not a VMID" "ls guests: vmid -1"
like "$err" "ignored row 2 of $res: vmid 1e308 out of range" "ls guests: vmid 1e308"
like "$err" "ignored row 3 of $res: vmid is 100.5, not an integer" "ls guests: vmid 100.5"
like "$err" "ignored row 4 of $res: vmid is \"NaN\", not an integer" "ls guests: vmid \"NaN\""
like "$err" "ignored row 5 of $res: vmid is \"abc\", not an integer" "ls guests: vmid \"abc\""
like "$err" "ignored row 6 of $res: a number, not an object" "ls guests: a row that is a number"
like "$err" "ignored row 7 of $res: no vmid" "ls guests: a row without its vmid"
like "$err" "ignored row 8 of $res: vmid 104: maxmem 1e308 out of range" "ls guests: maxmem 1e308"
is "$(printf '%s\n' "$err" | grep -c .)" 8 "ls guests: one line per bad row, none for a node row"
run px ls -j guests
is "$rc" 1 "ls guests -j: exit 1"
like "$out" '"vmid":105' "ls guests -j: the good rows in JSON"

# --- px ls nodes
run px ls -H -c node nodes
is "$rc" 1 "ls nodes: malformed rows: exit 1"
is "$out" "$(printf 'pve1\npve4')" "ls nodes: the good rows; node given twice, the last wins"
like "$err" "px ls: ignored row 1 of GET /nodes: a number, not an object" "ls nodes: a number"
like "$err" "ignored row 2 of GET /nodes: no node" "ls nodes: no node"
like "$err" "ignored row 3 of GET /nodes: node pve2: maxmem 1e308 out of range" "ls nodes: maxmem 1e308"

# --- px tasks (GET /nodes, then each node's tasks)
run px tasks -H -c id
is "$rc" 1 "tasks: malformed rows: exit 1"
like "$out" "^100$" "tasks: the good task"
like "$err" "px tasks: ignored row 1 of GET /nodes/pve1/tasks: a string, not an object" "tasks: a string"
like "$err" "ignored row 2 of GET /nodes/pve1/tasks: no upid" "tasks: no upid"
like "$err" "ignored row 3 of GET /nodes/pve1/tasks: upid UPID:pve1:[^ ]*: starttime is 1.5, not an integer" "tasks: starttime 1.5"
like "$err" "px tasks: ignored row 1 of GET /nodes: a number" "tasks: the node list's bad rows too"

# --- px storage list
run px storage -H -c storage list
is "$rc" 1 "storage list: malformed rows: exit 1"
is "$out" "$(printf 'local\nnas')" "storage list: the good rows"
like "$err" "px storage: ignored row 1 of GET /storage: an array, not an object" "storage list: an array"
like "$err" "ignored row 2 of GET /storage: no storage" "storage list: no storage"
like "$err" "ignored row 3 of GET /storage: storage is an object, not a string" "storage list: storage an object"

# --- px pool list
run px pool -H -c poolid list
is "$rc" 1 "pool list: malformed rows: exit 1"
is "$out" "$(printf 'prod\n?[31mred')" "pool list: the good rows, sanitized"
like "$err" "px pool: ignored row 1 of GET /pools: null, not an object" "pool list: null"
like "$err" "ignored row 2 of GET /pools: a number, not an object" "pool list: a number"
like "$err" "ignored row 3 of GET /pools: no poolid" "pool list: no poolid"
like "$err" "ignored row 5 of GET /pools: poolid is an object, not a string" "pool list: poolid an object"
unlike "$err" "$(printf '\033')" "pool list: no escape sequence from the server reaches stderr"

kill $fpid 2>/dev/null; wait $fpid 2>/dev/null

# --- the rows dropped from an answer are reported with its good rows:
# once when a retry reads the answer again, never for an answer refused
many=$(i=200; while [ $i -lt 260 ]; do printf ',{%s,"vmid":%d,"name":"g%d","status":"stopped"}' "$g" $i $i; i=$((i+1)); done)
printf 'cut1:/cluster/resources\t{"data":[{%s,"vmid":100,"name":"good"},{%s,"vmid":-1}%s]}\n' \
	"$g" "$g" "$many" >"$T/bodies2"
printf '/cluster/resources\t{"data":[{%s,"vmid":100,"name":"good"},{%s,"vmid":-1},{%s,"vmid":101,"name":"x"\n' \
	"$g" "$g" "$g" >"$T/bodies3"
/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port2" "bodies:$T/bodies2" &
f2=$!
/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port3" "bodies:$T/bodies3" &
f3=$!
i=0; while { [ ! -s "$T/port2" ] || [ ! -s "$T/port3" ]; } && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
printf '[profile cut]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = 2\n\n[profile bad]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = 0\n' \
	"$(cat "$T/port2")" "$ffp" "$(cat "$T/port3")" "$ffp" >"$T/f2.conf"
chmod 600 "$T/f2.conf"
export PX_CONFIG="$T/f2.conf"
run px ls -p cut -f tsv -c vmid guests
is "$rc" 1 "a cut answer, then whole: exit 1 for its bad row"
is "$(grep -c 'GET /api2/json/cluster/resources' "$T/port2.log")" 2 "the answer was read twice"
is "$(printf '%s\n' "$out" | grep -c .)" 61 "its good rows once each"
like "$err" "px ls: ignored row 1 of $res: vmid -1 is not a VMID" "the bad row is reported"
is "$(printf '%s\n' "$err" | grep -c 'ignored row')" 1 "once, not once per reading"
run px ls -p bad -f tsv -c vmid guests
is "$rc" 1 "an answer malformed after a bad row: exit 1"
like "$err" "malformed JSON|truncated JSON" "the answer is refused"
is "$out" "" "none of its rows"
unlike "$err" "ignored row" "nor its dropped rows"
run px ls -A -f tsv -c vmid guests
like "$out" "^100" "-A: the good profile's rows"
is "$(printf '%s\n' "$err" | grep -c 'ignored row')" 1 "-A: only the valid answer's dropped row"
like "$err" "px ls: ignored row 1 of $res on profile cut: vmid -1 is not a VMID" \
	"-A: the report names the profile the row came from"
run px ls -p cut -f tsv -c vmid guests
unlike "$err" "on profile" "one profile: the report names none"
kill $f2 $f3 2>/dev/null; wait $f2 $f3 2>/dev/null

# --- an answer of 1,500 bad rows: 1,000 are named, the rest counted in
# one line (a hostile answer of millions neither floods stderr nor is
# kept whole in memory)
{
	printf '/cluster/resources\t{"data":[{%s,"vmid":100,"name":"good"}' "$g"
	i=0; while [ $i -lt 1500 ]; do printf ',7'; i=$((i+1)); done
	printf ']}\n'
} >"$T/bodies4"
rm -f "$T/port4"
/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port4" "bodies:$T/bodies4" &
f4=$!
i=0; while [ ! -s "$T/port4" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
printf '[profile many]\nurl = https://127.0.0.1:%s\nuser = root@pam\ntoken_id = px\ntoken_secret = x\nfingerprint = %s\nretries = 0\n' \
	"$(cat "$T/port4")" "$ffp" >"$T/f4.conf"
chmod 600 "$T/f4.conf"
PX_CONFIG="$T/f4.conf" run px ls -f tsv -c vmid guests
is "$rc" 1 "1,500 bad rows: exit 1"
is "$out" "100" "the good row"
is "$(printf '%s\n' "$err" | grep -c 'ignored row [0-9]* of .*: a number, not an object')" 1000 "1,000 bad rows named"
like "$err" "ignored row 1001 of $res: and 500 more bad rows from here on, not listed one by one" "the other 500 counted in one line"
is "$(printf '%s\n' "$err" | grep -c .)" 1001 "nothing else"
kill $f4 2>/dev/null; wait $f4 2>/dev/null
# --- a long answer, read on two threads once much of it waits (its
# second half from a guess at where an element starts): the rows come in
# the answer's order, and the bad ones are named by their place in the
# whole answer, the first 1,000 of them, wherever the halves meet
/usr/bin/python3 - "$g" >"$T/bodies5" <<'EOF'
import sys
g = sys.argv[1]
bad = {7, 5999, 11998} | set(range(8000, 9200))
rows = []
for i in range(12000):
    if i in bad:
        rows.append('{%s,"vmid":-1,"name":"bad},{%d"}' % (g, i))
    else:
        rows.append('{%s,"vmid":%d,"name":"vm%d","status":"running","mem":%d}'
                    % (g, 100 + i, i, i * 1000))
print('/cluster/resources\t{"data":[' + ','.join(rows) + ']}')
EOF
rm -f "$T/port5"
/usr/bin/python3 "$top/tests/tools/fakeapi.py" "$T/c.pem" "$T/k.pem" "$T/port5" "bodies:$T/bodies5" &
f5=$!
i=0; while [ ! -s "$T/port5" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
sed "s/^url = .*/url = https:\/\/127.0.0.1:$(cat "$T/port5")/" "$T/f4.conf" >"$T/f5.conf"
chmod 600 "$T/f5.conf"
want=$(/usr/bin/python3 -c '
bad = {7, 5999, 11998} | set(range(8000, 9200))
print("\n".join("%d\tvm%d" % (100 + i, i) for i in range(12000) if i not in bad))')
for f in 1 2 3 4 5; do
	PX_CONFIG="$T/f5.conf" run px ls -f tsv -c vmid,name guests
	is "$rc" 1 "12,000 rows, 1,203 bad (run $f): exit 1"
	is "$out" "$want" "12,000 rows (run $f): the good ones, in order, each once"
	named=$(printf '%s\n' "$err" | sed -n 's/.*ignored row \([0-9]*\) of .*: vmid -1 is not a VMID$/\1/p' | tr '\n' ' ')
	is "$named" "7 5999 $(seq -s ' ' 8000 8997) " "12,000 rows (run $f): the first 1,000 bad rows named by their place"
	like "$err" "ignored row 8998 of $res: and 203 more bad rows from here on" "12,000 rows (run $f): the other 203 from row 8998 on"
	is "$(printf '%s\n' "$err" | grep -c .)" 1001 "12,000 rows (run $f): nothing else"
done
kill $f5 2>/dev/null; wait $f5 2>/dev/null
done_testing
