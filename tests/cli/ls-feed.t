#!/bin/sh
# px ls guests while its answer arrives (issue 21): 4,000 guests are read
# and their rows made on a thread of their own as the body comes in; an
# answer cut or spoiled in its middle, while that thread is at work, must
# be retried or refused as px(1) says, never half printed, and a retried
# answer prints every row once.  The answer (1.3 MB) is big enough that
# its held rows are given their memory before the first row (out_expect)
# from the Content-Length, which a cut or a gzip'd answer belies.
. "$(dirname "$0")/lib.sh"
sim_start --nodes 3 --guests 4000

fault() {	# fault MODE [count]: the next /cluster/resources answers
	simctl DELETE fault >/dev/null
	simctl POST fault "rate=1&mode=$1${2:+&count=$2}&prefix=/cluster/resources" >/dev/null
}
rows() {	# rows: how many rows of $out, and how many distinct VMIDs
	printf '%s\n' "$out" | awk -F'\t' 'NF { n++; if (!s[$1]++) u++ }
	    END { print n + 0, u + 0 }'
}

run px ls guests -f tsv -H -c vmid,name,node
whole=$out
is "$rc" 0 "ls guests: 4,000 guests, whole"
is "$(rows)" "4000 4000" "ls guests: 4,000 rows, each VMID once"

# Connection errors are retried (GET): the second answer is whole.
for m in drop truncated; do
	fault $m 1
	run px ls guests -f tsv -H -c vmid,name,node
	is "$rc" 0 "ls guests, $m once: retried"
	is "$(rows)" "4000 4000" "ls guests, $m once: 4,000 rows, none twice"
	is "$out" "$whole" "ls guests, $m once: as the whole answer"
	fault $m 1
	run px ls guests -j -c vmid,name
	is "$(printf '%s' "$out" | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); print(len(d), len({r["vmid"] for r in d}))')" \
	    "4000 4000" "ls guests -j, $m once: valid JSON, every guest once"
done

# A gzip'd answer (as pveproxy sends one): the body outgrows its
# Content-Length, so the feed leaves its thread in the middle and goes
# on where it was.
for f in tsv json jsonl; do
	fault gzip
	run px ls guests -f $f -H -c vmid,name,node
	simctl DELETE fault >/dev/null
	gz=$out
	run px ls guests -f $f -H -c vmid,name,node
	is "$gz" "$out" "ls guests -f $f, gzip'd: as the plain answer"
done
fault gzip
run px ls guests -f tsv -H -c vmid,name,node
is "$(rows)" "4000 4000" "ls guests, gzip'd: 4,000 rows, each VMID once"
simctl DELETE fault >/dev/null

# Every answer cut: the retries run out, exit 7 and no row.
printf 'retries = 1\n' >>"$PX_CONFIG"
for m in drop truncated; do
	for f in tsv json jsonl; do
		fault $m
		run px ls guests -f $f
		is "$rc" 7 "ls guests -f $f, $m every time: retries run out, exit 7"
		is "$out" "" "ls guests -f $f, $m every time: no row"
	done
done

# A 200 whose JSON is bad is not retried: exit 1, nothing printed, even
# when 4,000 good guests came before the bad byte.
for f in tsv json jsonl; do
	fault badtail 1
	run px ls guests -f $f
	is "$rc" 1 "ls guests -f $f, bad last byte: exit 1"
	like "$err" "malformed JSON at byte" "ls guests -f $f, bad last byte: says where"
	is "$out" "" "ls guests -f $f, bad last byte: none of the 4,000 rows"
	fault malformed 1
	run px ls guests -f $f
	is "$rc" 1 "ls guests -f $f, malformed: exit 1"
	is "$out" "" "ls guests -f $f, malformed: no row"
done
simctl DELETE fault >/dev/null

# And after all that, the whole answer again.
run px ls guests -f tsv -H -c vmid,name,node
is "$out" "$whole" "ls guests: whole again once the faults are gone"

done_testing
