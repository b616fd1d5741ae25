#!/bin/sh
# px mapping: list (all types, one type) and show in every output format;
# create, set (digest), delete through the gate: -n sends nothing,
# malformed and hostile --map entries refused before sending,
# MappingInUse, read-only, freeze, 403; pxsim's answers as PVE's.
. "$(dirname "$0")/lib.sh"
sim_start
json_ok() { printf '%s' "$1" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }
jsonl_ok() { printf '%s\n' "$1" | /usr/bin/python3 -c '
import json,sys
n = 0
for l in sys.stdin:
    json.loads(l); n += 1
sys.exit(0 if n else 1)' 2>/dev/null; }
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
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
base=$(cat "$PX_CONFIG")

# --- reads
formats "mapping list" mapping list
run px mapping list
like "$out" '^TYPE +ID +NODES +ENTRIES +DESCRIPTION' "list: header"
like "$out" 'pci +gpu +pve1,pve2' "list: the PCI mapping, its nodes"
like "$out" 'usb +yubikey' "list: a USB mapping too"
formats "mapping list usb" mapping list usb
run px mapping list usb -f tsv -c type
unlike "$out" 'pci' "list usb: only USB mappings"
run px mapping list -j
printf '%s' "$out" | py "
g = [r for r in d if r['id'] == 'a100-vgpu'][0]
assert g['type'] == 'pci' and g['mdev'] is True and g['entries'] == 1, g
assert g['map'].startswith('node='), g"
ok $? "list -j: type, mdev, entries and map of a PCI mapping"
run px mapping list gpu
is "$rc" 2 "list of an unknown type: usage error"
formats "mapping show" mapping show pci gpu
run px mapping show pci gpu -f tsv -c node,path,id,iommugroup
like "$out" "$(printf 'pve1\t0000:41:00\t10de:2204\t5')" "show: a row per node entry"
run px mapping show usb nosuch
is "$rc" 5 "show of an unknown mapping: exit 5"
like "$err" "no usb mapping 'nosuch'" "says so"
run px mapping show pci 'x;rm'
is "$rc" 2 "show of a malformed id: usage error"

# --- create
simctl DELETE log >/dev/null
run px mapping create pci gpu2 -n --map 'node=pve1,path=01:00.0,id=10de:1b80' --map 'node=pve2,path=0000:02:00,id=10de:1b80,iommugroup=3' --description 'second GPU'
is "$rc" 0 "create -n: exit 0"
like "$out" 'would send: POST /cluster/mapping/pci description=second%20GPU&id=gpu2&map=node%3Dpve1%2Cpath%3D0000%3A01%3A00.0' "create -n: the short PCI address gets its domain"
is "$(writes)" 0 "create -n: nothing sent"
run px mapping create pci gpu2 --map 'node=pve1,path=01:00.0,id=10de:1b80' --map 'node=pve2,path=0000:02:00,id=10de:1b80,iommugroup=3' --description 'second GPU' --mdev 1 -j
is "$rc" 0 "create: exit 0"
printf '%s' "$out" | py "r = d[0]; assert r['name'] == 'pci/gpu2' and r['action'] == 'create' and r['result'] == 'ok', r"
ok $? "create: the row names the mapping"
run px mapping list pci -f tsv -c id,nodes,entries,description,mdev
like "$out" "$(printf 'gpu2\tpve1,pve2\t2\tsecond GPU\t1')" "list: the new mapping"
run px mapping create pci gpu2 --map 'node=pve1,path=0000:01:00.0,id=10de:1b80'
is "$rc" 1 "create of an existing id fails"
like "$err" "pci ID 'gpu2' already defined" "with PVE's message"
run px mapping create usb key2 --map 'node=pve1,id=1050:0407,path=1-2.3'
is "$rc" 0 "create a USB mapping on a port"
run px mapping create dir share --map 'node=pve1,path=/srv/share' --map 'node=pve2,path=/srv/share'
is "$rc" 0 "create a directory mapping"
run px mapping show dir share -f tsv -c node,path
like "$out" "$(printf 'pve2\t/srv/share')" "show dir: each node's path"
run px mapping create pci nomap
is "$rc" 2 "create without --map: usage error"

# malformed and hostile entries: refused before anything is sent
simctl DELETE log >/dev/null
bad() {	# bad NAME TYPE MAP [what err says]
	run px mapping create "$2" badone --map "$3"
	is "$rc" 2 "$1: usage error"
	[ -n "${4-}" ] && like "$err" "$4" "$1: says why"
	unlike "$err" "$(printf '\033')" "$1: no raw escape on stderr"
}
bad "a pci path that is no address" pci 'node=pve1,path=zz:00,id=10de:1b80' "not a PCI address"
bad "a pci entry without id" pci 'node=pve1,path=0000:01:00.0' "needs path= and id="
bad "a bad vendor:device" pci 'node=pve1,path=01:00.0,id=10de1b80' "vendor:device"
bad "a key the type has not" usb 'node=pve1,id=1050:0407,mdev=1' "has no key 'mdev'"
bad "a key twice" usb 'node=pve1,node=pve2,id=1050:0407' "given twice"
bad "no node" usb 'id=1050:0407' "no node="
bad "a bad node name" usb 'node=pve_1!,id=1050:0407' "not a node name"
bad "a bad USB port" usb 'node=pve1,id=1050:0407,path=1.2' "not a USB port"
bad "a relative dir path" dir 'node=pve1,path=srv/share' "not an absolute path"
bad "a dir path with .." dir 'node=pve1,path=/srv/../etc' "'..' component"
bad "a dir path with (" dir 'node=pve1,path=/srv/a(b)' "PVE refuses them"
bad "an escape sequence" usb "$(printf 'node=pve1,id=1050:0407,description=x\033[2Jy')" "control character"
bad "a newline" dir "$(printf 'node=pve1,path=/srv\nx')" "control character"
bad "not key=value" usb 'node=pve1,1050:0407' "not key=value"
run px mapping create dir twice --map 'node=pve1,path=/a' --map 'node=pve1,path=/b'
is "$rc" 2 "a directory mapping with a node twice: usage error"
run px mapping create usb x1 --map 'node=pve1,id=1050:0407' --mdev 1
is "$rc" 2 "--mdev on a USB mapping: usage error"
run px mapping create usb x1 --map 'node=pve1,id=1050:0407' --description "$(printf 'a\033[2Jb')"
is "$rc" 2 "a description with an escape sequence: usage error"
run px mapping create usb 'bad id' --map 'node=pve1,id=1050:0407'
is "$rc" 2 "a malformed mapping id: usage error"
run px mapping create usb1 x1 --map 'node=pve1,id=1050:0407'
is "$rc" 2 "an unknown type: usage error"
is "$(writes)" 0 "none of them sent anything"

# --- set, with PVE's digest
simctl DELETE log >/dev/null
run px mapping set pci gpu2 --description 'the second GPU'
is "$rc" 0 "set the description: exit 0"
like "$(sim_log | grep '^PUT')" 'PUT /api2/json/cluster/mapping/pci/gpu2' "set: PUT of the mapping"
run px mapping list pci -j
printf '%s' "$out" | py "assert [m for m in d if m['id'] == 'gpu2'][0]['description'] == 'the second GPU'"
ok $? "set: the description changed"
run px mapping set pci gpu2 --map 'node=pve1,path=0000:03:00.0,id=10de:1b80' -n
like "$out" 'would send: PUT /cluster/mapping/pci/gpu2 map=node%3Dpve1%2Cpath%3D0000%3A03%3A00.0%2Cid%3D10de%3A1b80&digest=[0-9a-f]+' "set -n: the new entries and the digest"
run px mapping set pci gpu2 --map 'node=pve1,path=0000:03:00.0,id=10de:1b80'
is "$rc" 0 "set: the entries replaced"
run px mapping show pci gpu2 -f tsv -c node,path
is "$out" "$(printf 'pve1\t0000:03:00.0')" "show: only the new entry"
run px mapping set pci gpu2 --delete description
is "$rc" 0 "set --delete description"
run px mapping list pci -f tsv -c id,description
is "$(printf '%s\n' "$out" | awk -F'\t' '$1 == "gpu2" { print "[" $2 "]" }')" "[]" "the description is gone"
run px mapping set pci gpu2 --description x --raw digest=0123456789abcdef0123456789abcdef01234567
is "$rc" 1 "set with a stale digest: refused"
like "$err" "detected modified configuration" "with PVE's message"
run px mapping set pci gpu2
is "$rc" 2 "set without a change: usage error"
run px mapping set pci nosuch --description x
is "$rc" 5 "set of an unknown mapping: exit 5"
run px mapping set pci gpu2 --delete map
is "$rc" 1 "set --delete map: PVE refuses"
like "$err" "unable to delete required option 'map'" "with PVE's message"

# --- delete: MappingInUse
vm=$(px ls guests -f tsv -c vmid,type,node | awk -F'\t' '$2 == "qemu" { print $1; exit }')
node=$(px ls guests -f tsv -c vmid,type,node | awk -F'\t' '$2 == "qemu" { print $3; exit }')
sim_api PUT "nodes/$node/qemu/$vm/config" 'hostpci3=mapping=gpu2,pcie=1' >/dev/null
sim_api PUT "nodes/$node/qemu/$vm/config" 'virtiofs1=share,cache=always' >/dev/null
simctl DELETE log >/dev/null
run px mapping delete pci gpu2 -y
is "$rc" 6 "delete a mapping a guest uses: exit 6"
like "$err" "MappingInUse.*1 guest.*VM $vm" "names the check and the guest"
is "$(writes)" 0 "nothing was sent"
run px mapping delete dir share -y
is "$rc" 6 "delete a directory mapping a guest shares (dirid as the default key): exit 6"
run px mapping delete usb key2
is "$rc" 2 "delete without -y and no terminal: usage error"
run px mapping delete pci gpu2 -n --allow-risk
is "$rc" 0 "delete -n --allow-risk: exit 0"
like "$out" 'would send: DELETE /cluster/mapping/pci/gpu2' "delete -n: what it would send"
is "$(writes)" 0 "delete -n: nothing sent"
run px mapping set pci gpu2 --map 'node=pve2,path=0000:04:00.0,id=10de:1b80' -n
like "$err" "MappingChange.*VM $vm" "set --map of a used mapping: a warning naming the guest"
run px mapping delete usb key2 -y
is "$rc" 0 "delete an unused mapping: exit 0"
run px mapping show usb key2
is "$rc" 5 "it is gone"
run px mapping delete usb key2 -y
is "$rc" 5 "delete of an unknown mapping: exit 5"

# --- read-only profile and freeze refuse every verb
printf '%s\nread_only = yes\n' "$base" >"$PX_CONFIG"
for v in "create usb ro --map node=pve1,id=1050:0407" "set pci gpu2 --description x" "delete pci gpu2 --allow-risk"; do
	simctl DELETE log >/dev/null
	run px mapping $v -y
	is "$rc" 8 "read-only: mapping $v: exit 8"
	is "$(writes)" 0 "read-only: mapping $v: nothing sent"
done
printf '%s\n' "$base" >"$PX_CONFIG"
px incident freeze --reason "change window closed" --ttl 1h >/dev/null 2>&1
for v in "create usb fz --map node=pve1,id=1050:0407" "set pci gpu2 --description x" "delete pci gpu2 --allow-risk"; do
	simctl DELETE log >/dev/null
	run px mapping $v -y
	is "$rc" 8 "frozen: mapping $v: exit 8"
	like "$err" "change window closed" "frozen: mapping $v: the reason"
	is "$(writes)" 0 "frozen: mapping $v: nothing sent"
done
px incident thaw --reason done >/dev/null 2>&1

run px mapping delete pci gpu2 -y --allow-risk
is "$rc" 0 "delete with --allow-risk: exit 0"
run px mapping show pci gpu2
is "$rc" 5 "the mapping is gone"
run px audit log -f json
printf '%s' "$out" | py "
rows = [r for r in d if r['target'] == 'mapping/pci/gpu2']
acts = [r['action'] for r in rows if r['decision'] == 'allowed']
assert {'create', 'set', 'delete'} <= set(acts), acts
refused = [r['decision'] for r in rows if r['decision'].startswith('refused')]
assert 'refused-risk' in refused and 'refused-read-only' in refused and 'refused-frozen' in refused, refused"
ok $? "audit log: each change, and each refusal"

# --- a token without Mapping.Modify: 403, exit 4
pxsim -d "$SIM_DIR" --print-config --as auditor >"$T/aud.conf" 2>/dev/null
chmod 600 "$T/aud.conf"
PX_CONFIG="$T/aud.conf" run px mapping create usb denied --map 'node=pve1,id=1050:0407'
is "$rc" 4 "a token without the privilege: exit 4"
like "$err" "Permission check failed" "with PVE's message"
PX_CONFIG="$T/aud.conf" run px mapping list -f tsv -c id
like "$out" "yubikey" "the auditor still lists the mappings"

# --- pxsim answers as PVE does
st() { sim_api_status "$@"; }
body() { sim_api "$@"; }
is "$(st POST cluster/mapping/usb 'id=u9')" 400 "pxsim: map is required"
like "$(body POST cluster/mapping/usb 'id=u9&map=node=pve1,id=zz')" '"errors":\{"map\[0\]":"invalid format - format error\\nmap\[0\].id: value does not match' "pxsim: a bad entry names map[0] and its key"
like "$(body POST cluster/mapping/pci 'id=p9&map=node=pve1,path=0000:01:00.0,id=10de:1b80&map=node=pve2,path=01:00.0,id=10de:1b80')" '"map\[1\]"' "pxsim: PVE's pattern wants the domain (map[1])"
like "$(body POST cluster/mapping/usb 'id=9u&map=node=pve1,id=1050:0407')" "invalid configuration ID '9u'" "pxsim: the id's format"
like "$(body POST cluster/mapping/usb 'id=u9&map=node=pve1,id=1050:0407&bogus=1')" '"bogus":"property is not defined in schema' "pxsim: an unknown parameter"
is "$(st POST cluster/mapping/dir 'id=d9&map=node=pve1,path=/a&map=node=pve1,path=/b')" 500 "pxsim: a directory mapping's node twice"
is "$(st DELETE cluster/mapping/usb/nosuch)" 200 "pxsim: DELETE of an unknown id answers null, as PVE"
like "$(body GET cluster/mapping/pci)" '"type":"pci".*"digest":"[0-9a-f]+' "pxsim: listed entries carry type and digest"
done_testing
