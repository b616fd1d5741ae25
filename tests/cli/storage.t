#!/bin/sh
# px storage list|show|content|create|set|enable|disable|delete: every
# output format, each type created, usage errors before sending, the
# digest, risks, read-only and freeze, 403, secrets kept out of logs.
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

# --- storage
formats "storage list" storage list
run px storage list -f tsv -c storage,type
like "$out" 'local	dir' "storage list: local is a dir"
formats "storage content" storage content pve1 local
run px storage content pve1 local --content iso -f tsv -c content
is "$(printf '%s\n' "$out" | sort -u)" iso "storage content --content iso"
run px storage content -j pve1 local --content backup
like "$out" '"content":"backup".*"vmid":[0-9]+' "backups carry their VMID"
run px storage content pve1 nosuch
is "$rc" 5 "storage content of an unknown storage: exit 5"
run px storage content nosuchnode local
is "$rc" 5 "storage content of an unknown node: exit 5"
simctl DELETE log >/dev/null
run px storage content 'pve1/..' local
is "$rc" 2 "storage content with a '/' in the node: usage error"
is "$(sim_log | grep -c .)" 0 "and nothing was sent"
run px storage content pve1 local --content floppy
is "$rc" 2 "--content floppy: usage error"
simctl POST offline 'node=pve2&offline=1' >/dev/null
run px storage content pve2 local
is "$rc" 7 "storage content on an offline node: exit 7"
like "$err" '595|offline|route' "names the cause"
simctl POST offline 'node=pve2&offline=0' >/dev/null

# --- create: each type once, then list and show see it
writes() { sim_log | grep -Evc '^GET ' ; }
simctl DELETE log >/dev/null
run px storage create nfs nas2 --server 10.0.0.5 --export /srv -n
is "$rc" 0 "create -n: exit 0"
like "$out$err" 'POST /storage' "create -n shows the request"
is "$(writes)" 0 "create -n sends nothing"
run px storage create dir d1 --path /srv/d1 --content iso,backup
is "$rc" 0 "create dir"
run px storage create nfs nas2 --server 10.0.0.5 --export /srv --content backup,iso
is "$rc" 0 "create nfs"
echo 'cifs-pw-1' >"$T/cifs.pw"; chmod 600 "$T/cifs.pw"
run px storage create cifs smb1 --server 10.0.0.6 --share pve --username u --password-file "$T/cifs.pw"
is "$rc" 0 "create cifs"
run px storage create lvm vg1 --vgname pvevg --shared
is "$rc" 0 "create lvm"
run px storage create lvmthin thin1 --vgname pve --thinpool data2
is "$rc" 0 "create lvmthin"
run px storage create zfspool zfs1 --pool rpool/data --sparse
is "$rc" 0 "create zfspool"
run px storage create rbd rbd1 --pool vm --monhost 10.0.0.7 --krbd
is "$rc" 0 "create rbd"
run px storage create cephfs cfs1 --fs-name cephfs
is "$rc" 0 "create cephfs"
PBS_PW='pbs-very-secret-9' run px storage create pbs pbs1 --server pbs.example --datastore main --username backup@pbs --password-env PBS_PW --fingerprint 'AA:BB:CC'
is "$rc" 0 "create pbs (password from the environment)"
run px storage create iscsi san1 --portal 10.0.0.8 --target iqn.2003-01.org.example:t1
is "$rc" 0 "create iscsi"
formats "storage show" storage show pbs1
run px storage show pbs1 -j
like "$out" '"datastore":"main"' "show pbs1: the datastore"
like "$out" '"fingerprint":"AA:BB:CC"' "show pbs1: the fingerprint"
unlike "$out" 'password|pbs-very-secret' "show pbs1: never the password"
run px storage list -f tsv -H -c storage,type
for t in d1:dir nas2:nfs smb1:cifs vg1:lvm thin1:lvmthin zfs1:zfspool rbd1:rbd cfs1:cephfs pbs1:pbs san1:iscsi; do
	like "$out" "${t%%:*}	${t#*:}" "list shows ${t%%:*} (${t#*:})"
done
run px storage show nosuch
is "$rc" 5 "show an unknown storage: exit 5"

# --- usage errors before sending
simctl DELETE log >/dev/null
run px storage create nfs bad1 --server s --export /e --vgname v
is "$rc" 2 "a parameter the type does not take: exit 2"
like "$err" "type nfs takes no --vgname" "says which"
run px storage create lvmthin bad1 --vgname v
is "$rc" 2 "a missing required parameter: exit 2"
like "$err" "thinpool is required" "names it"
run px storage create bogus bad1
is "$rc" 2 "an unknown type: exit 2"
run px storage create dir bad1 --path /x --content floppy
is "$rc" 2 "an unknown content type: exit 2"
run px storage set nas2 --export /other
is "$rc" 2 "set a fixed parameter: exit 2"
like "$err" "fixed when it is created" "says so"
is "$(writes)" 0 "nothing was sent"
run px storage create dir d1 --path /srv/d1
is "$rc" 1 "a duplicate: refused"
like "$err" "storage ID 'd1' already defined" "with PVE's message"

# --- pxsim answers as PVE does
is "$(sim_api_status POST storage 'storage=x1&type=nfs&server=s&export=/e&vgname=v')" 500 "pxsim: a parameter the type does not take: 500"
like "$(sim_api POST storage 'storage=x1&type=dir&path=/x&bogus=1')" 'property is not defined in schema' "pxsim: an unknown parameter: 400 errors"

# --- set with the digest; stale digest refused
run px storage set nas2 --content backup,iso,vztmpl --prune-backups keep-last=3
is "$rc" 0 "set nas2"
run px storage show nas2 -j
like "$out" '"prune-backups":"keep-last=3"' "show sees the change"
like "$(sim_log | grep '^PUT')" 'PUT /api2/json/storage/nas2' "set is a PUT"
old=$(px storage show nas2 -f tsv -H -c field,value | awk '$1 == "digest" { print $2 }')
sim_api PUT storage/nas2 'content=backup,iso' >/dev/null
run px storage set nas2 --content backup --raw digest="$old"
is "$rc" 1 "a stale digest: refused"
like "$err" "detected modified configuration" "with PVE's message"
run px storage show nas2 -j
like "$out" '"content":"backup,iso"' "the definition kept the other change"

# --- enable, disable, set --disable/--enable
run px storage disable d1 -y
is "$rc" 0 "disable d1"
run px storage show d1 -j
like "$out" '"disable":1' "d1 is disabled"
run px storage enable d1
is "$rc" 0 "enable d1"
run px storage set d1 --disable -y
is "$rc" 0 "set --disable"
run px storage set d1 --enable
is "$rc" 0 "set --enable"
run px storage show d1 -j
unlike "$out" '"disable":1' "d1 is enabled again"

# --- risks
simctl DELETE log >/dev/null
run px storage delete local-lvm -y
is "$rc" 6 "delete a storage guests use: exit 6"
like "$err" "Severe +StorageInUse" "names StorageInUse"
like "$err" "(VM|CT) [0-9]+" "lists the guests"
run px storage disable ceph -y
is "$rc" 6 "disable a storage guests use: exit 6"
run px storage delete local -y
like "$err" "Severe +BackupTarget.*backup-" "a backup target: BackupTarget with the job id"
run px storage set local-lvm --content images -y
is "$rc" 6 "content dropping rootdir that containers use: exit 6"
like "$err" "ContentDropped.*CT [0-9]+ \[rootdir\]" "names the containers"
is "$(writes)" 0 "no refused change was sent"
run px storage delete nas2 -y
is "$rc" 0 "delete an unused shared storage"
like "$err" "Warning +SharedStorage" "with a SharedStorage warning"
run px storage delete local-lvm -y --allow-risk
is "$rc" 0 "--allow-risk deletes it"
run px storage show local-lvm
is "$rc" 5 "and it is gone"
for s in d1 smb1 vg1 thin1 zfs1 rbd1 cfs1 pbs1 san1; do
	px storage delete -y "$s" >/dev/null 2>&1
done
run px storage list -f tsv -H -c storage
unlike "$out" 'pbs1|san1' "deleted storages are gone"

# --- read-only profile and freeze: exit 8
base=$(cat "$PX_CONFIG")
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
simctl DELETE log >/dev/null
run px storage create dir ro1 --path /x
is "$rc" 8 "read-only profile: exit 8"
is "$(writes)" 0 "nothing was sent"
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "storage work" --ttl 1h >/dev/null 2>&1
run px storage delete nas -y
is "$rc" 8 "frozen: exit 8"
is "$(writes)" 0 "nothing was sent"
px incident thaw --reason done >/dev/null 2>&1

# --- 403: exit 4 with PVE's message
pxsim -d "$SIM_DIR" --print-config --as operator >"$T/op.conf" 2>/dev/null
chmod 600 "$T/op.conf"
PX_CONFIG="$T/op.conf" run px storage create dir op1 --path /x
is "$rc" 4 "without Datastore.Allocate: exit 4"
like "$err" "Permission check failed \(/storage, Datastore.Allocate\)" "with PVE's message"

# --- secrets never in the audit log, stderr or files
run px audit log -j
unlike "$out" 'pbs-very-secret|cifs-pw-1' "the audit log never holds a password"
unlike "$(cat "$SIM_DIR"/*.log "$SIM_DIR.log" 2>/dev/null)" 'pbs-very-secret' "nor pxsim's log"
ok $(grep -rl 'pbs-very-secret' "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$HOME" 2>/dev/null | grep -c . | sed 's/^0$/0/;s/^[1-9].*/1/') "no px file holds it"

done_testing
