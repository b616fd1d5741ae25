#!/bin/sh
# px upgradecheck: the checks before a major upgrade (node versions,
# nodes online, storage, guest machine versions, apt repositories) with
# their severities, and pxsim's handling of the repository writes.
. "$(dirname "$0")/lib.sh"
sim_start
jsonok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
pyq() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }

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
api POST nodes/pve2/apt/repositories 'path=/etc/apt/sources.list.d/pve-enterprise.sources&index=0&enabled=1'
run px upgradecheck -f tsv -c check,severity,node,subject
like "$out" 'apt-repositories	warning	pve2	/etc/apt/sources.list.d/pve-enterprise.sources' "the enterprise repository without a subscription is a warning on that node"
is "$(printf '%s\n' "$out" | grep -c '^apt-repositories')" 1 "and only there"
api POST nodes/pve2/apt/repositories 'path=/etc/apt/sources.list.d/pve-enterprise.sources&index=0&enabled=0'
is "$(sim_api_status POST nodes/pve1/apt/repositories 'path=/etc/apt/sources.list.d/proxmox.sources&index=0&enabled=0&digest=0000')" 500 "pxsim: a stale digest is refused"
is "$(sim_api_status POST nodes/pve1/apt/repositories 'path=/etc/apt/sources.list.d/proxmox.sources&index=7&enabled=0')" 500 "pxsim: an unknown repository is refused"
is "$(sim_api_status POST nodes/pve1/apt/repositories 'index=0&enabled=0')" 400 "pxsim: path is required"
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
