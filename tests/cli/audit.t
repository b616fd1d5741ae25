#!/bin/sh
# px audit: log, verify, export, and tampering found by verify.  The
# entries come from px incident freeze/thaw, which need no cluster.
. "$(dirname "$0")/lib.sh"

py() {	# py TEXT EXPR: evaluate EXPR on the JSON TEXT as d
	printf '%s' "$1" | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)" 2>/dev/null || echo invalid
}

cat >"$PX_CONFIG" <<EOC
[profile sim]
url = https://127.0.0.1:9
user = root@pam
token_id = px
token_secret = 00000000-0000-0000-0000-000000000000
EOC
chmod 600 "$PX_CONFIG"

# fresh_log NAME N: a new data dir with N entries (freeze, thaw, ...).
fresh_log() {
	XDG_DATA_HOME="$T/$1"
	export XDG_DATA_HOME
	db="$XDG_DATA_HOME/px/audit.db"
	key="$XDG_DATA_HOME/px/audit.key"
	i=1
	while [ "$i" -le "$2" ]; do
		if [ $((i % 2)) -eq 1 ]; then
			px incident freeze -p sim --reason "r$i" 2>/dev/null
		else
			px incident thaw -p sim --reason "r$i" 2>/dev/null
		fi
		i=$((i + 1))
	done
}
tamper() {
	sqlite3 "$db" "$1"
}

fresh_log empty 0
run px audit verify
is "$rc" 0 "an empty log verifies"
is "$out" "audit log intact: 0 entries" "and says so"
run px audit log -j
is "$out" "[]" "log -j of an empty log: []"
is "$(stat -c %a "$db")" 600 "audit.db is created 0600"
is "$(stat -c %a "$key")" 600 "audit.key is created 0600"
is "$(stat -c %s "$key")" 32 "the key is 32 bytes"

fresh_log five 5
run px audit verify
is "$rc" 0 "five entries verify"
is "$out" "audit log intact: 5 entries" "audit log intact: 5 entries"
run px audit log
is "$rc" 0 "log: exit 0"
like "$out" "^ID +TIME +PROFILE +USER +ACTION +TARGET +DECISION +RESULT" \
	"the table's default columns"
is "$(printf '%s\n' "$out" | sed 1d | wc -l | tr -d ' ')" 5 "one row per entry"
run px audit log -j
is "$(py "$out" 'len(d)')" 5 "log -j: a JSON array of 5"
is "$(py "$out" 'list(d[0].keys())')" \
	"['id', 'time', 'profile', 'user', 'action', 'target', 'params', 'decision', 'upid', 'result', 'ref']" \
	"with the documented keys in order"
is "$(py "$out" '[e["id"] for e in d]')" "[1, 2, 3, 4, 5]" "oldest first"
run px audit log -j --limit 2
is "$(py "$out" '[e["id"] for e in d]')" "[4, 5]" "--limit 2: the newest two"
run px audit log -j --since 1h
is "$(py "$out" 'len(d)')" 5 "--since 1h: all of them"
run px audit log -j --since $(( $(date +%s) + 3600 ))
is "$out" "[]" "--since an epoch in the future: none"
run px audit log -j --since 2000-01-01
is "$(py "$out" 'len(d)')" 5 "--since a date"
run px audit log --since yesterday
is "$rc" 2 "a malformed --since: exit 2"
run px audit log --limit 0
is "$rc" 2 "--limit 0: exit 2"
run px audit log -c id,action,params -H -f tsv --limit 1
like "$out" "^5	freeze	reason=r5&ttl=14400$" "-c picks extra columns"
run px audit bogus
is "$rc" 2 "an unknown subcommand: exit 2"
run px audit verify -j
is "$rc" 2 "verify takes no options"

# export
run px audit export
is "$rc" 0 "export: exit 0"
is "$(py "$out" 'len(d)')" 5 "export defaults to a JSON array"
is "$(py "$out" 'd[2]["action"] + " " + d[2]["target"]')" "freeze profile/sim" \
	"with the entries"
run px audit export -f xml
is "$rc" 2 "export -f xml: exit 2"
px incident freeze -p sim --reason 'say "no", twice' 2>/dev/null
px audit export -f csv >"$T/export.csv"
is "$?" 0 "export -f csv: exit 0"
is "$(head -n 1 "$T/export.csv")" \
	"$(printf 'id,time,profile,user,action,target,params,decision,upid,result,ref\r')" \
	"a CSV header, lines ending in CR LF"
is "$(wc -l <"$T/export.csv" | tr -d ' ')" 7 "a line per entry"
is "$(tail -n 1 "$T/export.csv" | cut -d, -f5-6)" "freeze,profile/sim" "fields in order"
is "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows), rows[5]["params"], rows[5]["upid"] == "", rows[5]["ref"] == "")' "$T/export.csv")" \
	"6 reason=say%20%22no%22%2C%20twice&ttl=14400 True True" \
	"a CSV reader reads it back; null is an empty field"
is "$(printf 'a,"b ""c"", d",e\r\n' | python3 -c '
import csv, sys; print(next(csv.reader(sys.stdin))[1])')" 'b "c", d' \
	"(the quoting px uses reads back)"
px incident thaw -p sim --reason 'x' 2>/dev/null
tamper "update audit set result = 'say \"no\", twice' where id = 7"
px audit export -f csv | sed -n 8p >"$T/row.csv"
like "$(cat "$T/row.csv")" ',"say ""no"", twice",' "a field with a comma and quotes is quoted (RFC 4180)"

# Tampering
fresh_log edit 4
tamper "update audit set result='x' where id=2"
run px audit verify
is "$rc" 1 "an edited row: verify exits 1"
like "$out" "^audit log broken at row 2: .*altered" "names the row and why"

fresh_log middle 5
tamper "delete from audit where id=3"
run px audit verify
is "$rc" 1 "a deleted middle row: exit 1"
like "$out" "^audit log broken at row 3: missing" "names the missing row"

fresh_log tail 5
tamper "delete from audit where id >= 4"
run px audit verify
is "$rc" 1 "a truncated tail (head left as is): exit 1"
like "$out" "^audit log broken: the log was truncated" "says truncated"
run px incident freeze -p sim --reason "after truncation"
run px audit verify
is "$rc" 1 "an append after the truncation does not hide it"
like "$out" "broken at row 4: missing" "the gap is reported"

fresh_log head 3
tamper "delete from head"
run px audit verify
is "$rc" 1 "a deleted head: exit 1"
like "$out" "^audit log broken: the head record is missing" "says so"
run px incident freeze -p sim --reason "no head"
is "$rc" 1 "freezing still works but cannot be audited: exit 1"
like "$err" "head record is missing; refusing to append" "the log refuses to append"
like "$err" "move it aside" "and says how to start a new one"

fresh_log forged 3
tamper "delete from audit where id = 3; update head set last_id = 2, count = 2"
run px audit verify
is "$rc" 1 "a head rewritten to hide a truncation: exit 1"
like "$out" "head record's MAC does not match" "by its MAC"

fresh_log perms 2
chmod 644 "$db"
run px audit log
is "$rc" 3 "a 0644 audit.db is refused: exit 3"
like "$err" "audit log $db is accessible by others" "names the file"
like "$err" "hint: chmod 600 $db" "with the chmod"
run px audit verify
is "$rc" 3 "verify refuses it too"
chmod 600 "$db"
chmod 640 "$key"
run px audit verify
is "$rc" 3 "a 0640 audit.key is refused: exit 3"
like "$err" "hint: chmod 600 $key" "with the chmod"
chmod 600 "$key"
run px audit verify
is "$rc" 0 "fixed, it verifies"

# --- the log cannot be quietly emptied: its seal is kept outside it
fresh_log sealed 3
seal="$db.seal"
test -f "$seal"; ok $? "each append leaves a seal next to the log"
is "$(stat -c %a "$seal")" 600 "readable by its owner alone"
run px audit verify
is "$rc" 0 "three entries verify"
cp "$db" "$T/db.saved"
rm -f "$db" "$db-wal" "$db-shm"
run px audit verify
is "$rc" 1 "audit.db removed, the key and seal kept: verify fails (exit 1)"
like "$out$err" "entries are missing: its seal records 3 entries up to row 3, the log has 0" \
    "saying entries are missing"
run px incident freeze -p sim --reason "after the removal"
like "$err" "refusing to append" "the next change is not recorded on a new chain"
is "$(sqlite3 "$db" 'SELECT count(*) FROM audit')" 0 "nothing was appended"
: >"$db"
rm -f "$db-wal" "$db-shm"
run px audit verify
is "$rc" 1 "truncated to 0 bytes: verify fails too"
cp "$T/db.saved" "$db"
run px audit verify
is "$rc" 0 "the log put back: it verifies again"

# the newest entries are in audit.db itself, not only in its -wal file
fresh_log wal 5
rm -f "$db-wal" "$db-shm"
run px audit verify
is "$rc" 0 "audit.db-wal and -shm removed after five changes: still intact"
like "$out" "5 entries" "with all five entries"

# a row a trigger drops silently is noticed before anything happens
fresh_log trigger 1
tamper "CREATE TRIGGER drop_rows BEFORE INSERT ON audit BEGIN SELECT RAISE(IGNORE); END"
run px incident freeze -p sim --reason "under a trigger"
is "$rc" 1 "an insert the log silently discards: an error (exit 1)"
like "$err" "the entry was not written" "saying the entry was not written"
is "$(sqlite3 "$db" 'SELECT count(*) FROM audit')" 1 "still one entry"
tamper "DROP TRIGGER drop_rows"

fresh_log keyless 1
mv "$key" "$key.saved"
run px audit verify
is "$rc" 1 "a log whose key is gone: exit 1"
like "$err" "audit key $key is missing" "says the key is missing"
test -e "$key"
is "$?" 1 "and no new key replaces it"

done_testing
