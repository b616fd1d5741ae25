#!/bin/sh
# firewall, metrics, describe, heatmap, anomaly, accounting, backupinfo,
# upgradecheck against pxsim.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
vmid=$(px ls guests -H -f tsv -c vmid --status running | head -1)

# --- firewall
run px firewall cluster -j
is "$rc" 0 "firewall cluster exits 0"
jsonok "$out"; ok $? "firewall cluster -j is valid JSON"
is "$(pyq "$out" 'print(sorted(set(r["section"] for r in d)) <= ["alias","group","group-rule","ipset","option","rule"])')" True "sections are known"
like "$(pyq "$out" 'print(set(r["section"] for r in d))')" "rule" "has rules"
run px firewall cluster -f tsv -c section,name,value
like "$out" '^option	enable	' "options as name/value"
run px firewall guest "$vmid" -j
is "$rc" 0 "firewall guest exits 0"
jsonok "$out"; ok $? "firewall guest -j is valid JSON"
run px firewall guest 99999
is "$rc" 5 "an unknown VMID exits 5"
simctl DELETE log >/dev/null
run px firewall node 'a/b'
is "$rc" 2 "a node name with / exits 2"
is "$(sim_log | grep -c .)" 0 "nothing sent"
run px firewall node
is "$rc" 2 "node without a name is a usage error"

# --- metrics
run px metrics node pve1 -j
is "$rc" 0 "metrics node exits 0"
jsonok "$out"; ok $? "metrics node -j is valid JSON"
is "$(pyq "$out" 'print("time" in d[0] and "cpu" in d[0])')" True "time and cpu columns"
run px metrics node pve1 --field cpu,memused -f tsv
is "$rc" 0 "--field picks fields"
is "$(printf '%s\n' "$out" | awk -F'\t' '{print NF}' | sort -u)" 3 "time and two fields"
run px metrics node pve1 --field nosuch
is "$rc" 2 "an unknown field is a usage error"
run px metrics guest "$vmid" --timeframe day --cf max -j
is "$rc" 0 "metrics guest --timeframe day --cf max"
jsonok "$out"; ok $? "valid JSON"
run px metrics guest 99999
is "$rc" 5 "an unknown VMID exits 5"
run px metrics node pve1 --timeframe decade
is "$rc" 2 "an unknown timeframe exits 2"
run px metrics node pve1
unlike "$out" '▁|▂|▃|▄|▅|▆|▇|█' "no sparkline when piped"
st=$(px ls storage -H -f tsv -c node,storage | head -1)
run px metrics storage $st -j
is "$rc" 0 "metrics storage exits 0"
jsonok "$out"; ok $? "valid JSON"

# --- describe
for o in text md llm-context; do
	run px describe --output $o
	is "$rc" 0 "describe --output $o exits 0"
done
like "$out" '^cluster: ' "llm-context is key: value"
like "$out" 'node\.pve1: online' "with one line per node"
run px describe --output md
like "$out" '^# Cluster' "md has a title"
run px describe -j
jsonok "$out"; ok $? "describe -j is valid JSON"
is "$(pyq "$out" 'print(sorted(d.keys()))')" "['backups', 'cluster', 'failed_tasks', 'guests', 'ha', 'nodes', 'quorate', 'storage', 'version']" "describe JSON keys"
is "$(pyq "$out" 'print(d["guests"]["total"] == d["guests"]["running"] + d["guests"]["stopped"] + d["guests"]["other"])')" True "guest counts add up"
simctl DELETE log >/dev/null
px describe >/dev/null
is "$(sim_log | grep -c GET)" 9 "describe: one round of 9 GETs"
run px describe --output yaml
is "$rc" 2 "an unknown output exits 2"

# --- heatmap
run px heatmap --probes 3 -j
is "$rc" 0 "heatmap exits 0"
jsonok "$out"; ok $? "heatmap -j is valid JSON"
is "$(pyq "$out" 'print(all(r["probes"]==3 and r["ok"]==3 and r["median_ms"] <= r["worst_ms"] for r in d))')" True "three probes each, median <= worst"
simctl DELETE log >/dev/null
px heatmap --probes 4 >/dev/null
is "$(sim_log | grep -c 'nodes/pve1/status')" 4 "four probes of pve1"
run px heatmap
unlike "$out" "$(printf '\033')" "no colour when piped"
run px heatmap --probes 0
is "$rc" 2 "--probes 0 is a usage error"

# --- anomaly
run px anomaly -j
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "anomaly exits 0 or 1 (exit $rc)"
jsonok "$out"; ok $? "anomaly -j is valid JSON"
n=$(pyq "$out" 'print(len(d))')
ok $({ [ "$n" -gt 0 ] && [ "$rc" -eq 1 ]; } || { [ "$n" -eq 0 ] && [ "$rc" -eq 0 ]; } && echo 0 || echo 1) "exit 1 exactly when outliers are listed"
run px anomaly --threshold 100 -j
is "$rc" 0 "a huge threshold finds nothing: exit 0"
is "$out" "[]" "and prints []"
run px anomaly --threshold -1
is "$rc" 2 "a negative threshold is a usage error"

# --- accounting
for g in pool node tag; do
	run px accounting --group-by $g -j
	is "$rc" 0 "accounting --group-by $g exits 0"
	jsonok "$out"; ok $? "accounting --group-by $g is valid JSON"
done
run px accounting --group-by node -j
is "$(pyq "$out" 'print(sum(r["guests"] for r in d))')" "$(px ls guests -H -f tsv -c template | grep -c 0)" "every guest that is not a template counts once by node"
is "$(pyq "$out" 'print(all(r["cpu_hours"] >= 0 and r["mem_gib_hours"] >= 0 for r in d))')" True "non-negative figures"
run px accounting --timeframe hour
is "$rc" 2 "hour is not an accounting timeframe"

# --- backupinfo
run px backupinfo -j
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "backupinfo exits 0 or 1 (exit $rc)"
jsonok "$out"; ok $? "backupinfo -j is valid JSON"
nb=$(px api /cluster/backup-info/not-backed-up | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(g["vmid"]) for g in json.load(sys.stdin)))')
for v in $nb; do
	is "$(pyq "$out" "print([r['problem'] for r in d if r['vmid']==$v])")" "['no-job']" "guest $v without a job is listed as no-job"
done
is "$(pyq "$out" 'print(len(d) > 0)')" True "guests are listed"
is "$rc" 1 "and then the exit is 1"
run px backupinfo --max-age 3x
is "$rc" 2 "a bad --max-age exits 2"

# --- upgradecheck
run px upgradecheck -j
ok $([ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && echo 0 || echo 1) "upgradecheck exits 0 or 1 (exit $rc)"
jsonok "$out"; ok $? "upgradecheck -j is valid JSON"
is "$(pyq "$out" 'print(all(r["severity"] in ("pass","info","notice","warning","fail") for r in d))')" True "known severities"
is "$(pyq "$out" 'print(any(r["check"]=="node-version" for r in d))')" True "node versions are checked"
fails=$(pyq "$out" 'print(sum(r["blocking"] for r in d))')
ok $({ [ "$fails" -gt 0 ] && [ "$rc" -eq 1 ]; } || { [ "$fails" -eq 0 ] && [ "$rc" -eq 0 ]; } && echo 0 || echo 1) "exit 1 exactly when a check fails"
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px upgradecheck -f tsv -c check,severity,node
is "$rc" 1 "an offline node blocks the upgrade"
like "$out" 'nodes-online	fail	pve2' "and is named"
simctl POST offline 'node=pve2&offline=0' >/dev/null
run px upgradecheck --target 10
is "$rc" 2 "--target 10 is a usage error"

# The storage and guest findings, on what an operator's cluster has: a
# storage that still keeps 'maxfiles', a shared LVM, and a QEMU guest
# pinned to machine version 5.2 (each written through the API).
api() { sim_api "$@" >/dev/null; }
run px upgradecheck -f tsv -c check,severity
like "$out" 'storage-config	pass' "before: no deprecated storage setting"
like "$out" 'guest-machine	pass' "before: no deprecated machine version"
set -- $(px ls guests -H -f tsv -c vmid,node --type qemu | head -1)
qvm=$1 qnode=$2
api POST storage 'storage=old-dumps&type=dir&path=/srv/dumps&content=backup&maxfiles=3'
api POST storage 'storage=san&type=lvm&vgname=san&shared=1'
api PUT "nodes/$qnode/qemu/$qvm/config" 'machine=pc-i440fx-5.2'
run px upgradecheck -f tsv -c check,severity,node,subject
like "$out" 'storage-maxfiles	warning		old-dumps' "a storage with maxfiles is a warning, named"
like "$out" 'lvm-autoactivation	warning		san' "a shared LVM is a warning, named"
like "$out" "guest-machine	warning	$qnode	$qvm" "the pinned machine 5.2 is a warning, with node and VMID"
unlike "$out" 'storage-config	pass|guest-machine	pass' "and the passes are gone"
run px upgradecheck -j
is "$(pyq "$out" 'print(sorted(r["check"] for r in d if r["severity"]=="warning" and not r["blocking"]))')" \
	"['guest-machine', 'lvm-autoactivation', 'storage-maxfiles']" "-j: the three warnings, none blocking"
api PUT "nodes/$qnode/qemu/$qvm/config" 'machine=pc-q35-8.1'
run px upgradecheck -f tsv -c check,severity
like "$out" 'guest-machine	pass' "machine 8.1 is fine"

# apt repositories (pxsim's nodes are on trixie, enterprise disabled):
# nothing to say; the enterprise repository enabled on a node without a
# subscription is a warning, an old suite would fail.
unlike "$out" 'apt-repositories' "trixie, no enterprise repository: no apt finding"
api PUT nodes/pve2/apt/repositories 'path=/etc/apt/sources.list.d/pve-enterprise.sources&index=0&enabled=1'
run px upgradecheck -f tsv -c check,severity,node,subject
like "$out" 'apt-repositories	warning	pve2	/etc/apt/sources.list.d/pve-enterprise.sources' "the enterprise repository without a subscription is a warning on that node"
is "$(printf '%s\n' "$out" | grep -c '^apt-repositories')" 1 "and only there"
api PUT nodes/pve2/apt/repositories 'path=/etc/apt/sources.list.d/pve-enterprise.sources&index=0&enabled=0'
is "$(sim_api_status PUT nodes/pve1/apt/repositories 'path=/etc/apt/sources.list.d/proxmox.sources&index=0&enabled=0&digest=0000')" 500 "pxsim: a stale digest is refused"
is "$(sim_api_status PUT nodes/pve1/apt/repositories 'path=/etc/apt/sources.list.d/proxmox.sources&index=7&enabled=0')" 500 "pxsim: an unknown repository is refused"
is "$(sim_api_status PUT nodes/pve1/apt/repositories 'index=0&enabled=0')" 400 "pxsim: path is required"
# A node that cannot tell its repositories (500, or an answer without
# files): a warning on that node, the other checks still run.
simctl POST fault 'rate=1&mode=500&prefix=/nodes/pve3/apt/repositories' >/dev/null
run px upgradecheck -f tsv -c check,severity,node,message
like "$out" 'apt-repositories	warning	pve3	cannot read the repositories' "a 500 for pve3's repositories is a warning on pve3"
like "$out" 'guest-machine	pass' "and the other checks still run"
simctl DELETE fault >/dev/null
simctl POST fault 'rate=1&mode=malformed&prefix=/nodes/pve3/apt/repositories' >/dev/null
run px upgradecheck -f tsv -c check,severity,node
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "malformed repositories: upgradecheck still ends (exit $rc)"
like "$out" 'apt-repositories	warning	pve3' "and warns on pve3"
simctl DELETE fault >/dev/null
run px api /nodes/pve1/apt/repositories -j
is "$(pyq "$out" 'print([r["Enabled"] for f in d["files"] for r in f["repositories"]])')" "[1, 1, 0, 1, 0]" "pxsim: nothing changed by the refused writes"
done_testing
