#!/bin/sh
# px state for resource mappings: [mapping pci|usb|dir ID] sections
# (family mappings) with one map line per node entry; export, diff,
# apply create/update/delete with PVE's digest, --prune, malformed
# entries named by line.
. "$(dirname "$0")/lib.sh"
sim_start
writes() { sim_log | grep -cE '^(POST|PUT|DELETE) /api2'; }

# --- export
run px state export --family mappings
is "$rc" 0 "export --family mappings: exit 0"
like "$out" '\[mapping pci gpu\]' "a PCI mapping's section"
like "$out" 'map = node=pve1,path=0000:41:00,id=10de:2204,iommugroup=5' "one map line per node entry"
like "$out" 'map = node=pve2,path=0000:41:00' "the next node's entry on a line of its own"
like "$out" '\[mapping pci a100-vgpu\]' "a second PCI mapping"
like "$out" 'mdev = 1' "mdev when set"
like "$out" '\[mapping usb yubikey\]' "a USB mapping"
unlike "$out" 'mdev = 0' "mdev at PVE's default is left out"
unlike "$out" '\[pool ' "only the mappings family"
px state export --family mappings -o "$T/m.ini"
run px state diff "$T/m.ini"
is "$rc" 0 "diff of a fresh export: no drift"
px state export -o "$T/all.ini"
run grep -c '^\[mapping ' "$T/all.ini"
is "$out" 4 "the full export has the mappings too"

# --- create a directory and a USB mapping, change one, from the file
cat >>"$T/m.ini" <<'EOT'

[mapping dir share]
description = shared media
map = node=pve1,path=/srv/media
map = node=pve2,path=/srv/media

[mapping usb token]
map = node=pve1,id=1050:0407,path=1-2
EOT
sed -i 's/^description = APC UPS$/description = the APC UPS/' "$T/m.ini"
run px state diff "$T/m.ini"
is "$rc" 2 "diff: drift"
like "$out" '\+ \[mapping dir share\]' "diff: the new directory mapping"
like "$out" '~ \[mapping usb ups\]' "diff: the changed USB mapping"
simctl DELETE log >/dev/null
run px state apply -n "$T/m.ini"
is "$rc" 0 "apply -n: exit 0"
like "$out" 'would send: POST /cluster/mapping/dir id=share&description=shared%20media&map=node%3Dpve1%2Cpath%3D%2Fsrv%2Fmedia&map=node%3Dpve2%2Cpath%3D%2Fsrv%2Fmedia' "apply -n: one map parameter per entry"
like "$out" 'would send: PUT /cluster/mapping/usb/ups description=the%20APC%20UPS$' "apply -n: the update, without the file-wide digest"
is "$(writes)" 0 "apply -n: nothing sent"
run px state apply -y "$T/m.ini"
is "$rc" 0 "apply: exit 0"
run px mapping show dir share -f tsv -c node,path
is "$out" "$(printf 'pve1\t/srv/media\npve2\t/srv/media')" "the directory mapping exists with both entries"
run px mapping list usb -f tsv -c id,description
like "$out" "$(printf 'ups\tthe APC UPS')" "the USB mapping's description changed"
run px state diff "$T/m.ini"
is "$rc" 0 "after apply: no drift"
px state export --family mappings -o "$T/re.ini"
is "$(sort "$T/re.ini" | grep -v '^$')" "$(sort "$T/m.ini" | grep -v '^$')" "the new export has the file's lines"
run sh -c "grep -n '^\[mapping' '$T/re.ini' | cut -d: -f2 | tr '\n' ' '"
is "$out" "[mapping pci a100-vgpu] [mapping pci gpu] [mapping usb token] [mapping usb ups] [mapping usb yubikey] [mapping dir share] " "in canonical order: pci, usb, dir, then by id"
simctl DELETE log >/dev/null
run px state apply -y "$T/m.ini"
like "$err" "nothing to do" "second apply: nothing to do"
is "$(writes)" 0 "second apply: nothing sent"

# --- replace an entry; drop mdev (back to PVE's default)
sed -i 's/^map = node=pve2,path=\/srv\/media$/map = node=pve3,path=\/srv\/media/; /^mdev = 1$/d' "$T/m.ini"
simctl DELETE log >/dev/null
run px state apply -y "$T/m.ini"
is "$rc" 0 "apply the replaced entry: exit 0"
is "$(sim_log | grep -c '^PUT /api2/json/cluster/mapping/dir/share')" 1 "the directory mapping's PUT"
run px mapping show dir share -f tsv -c node
is "$out" "$(printf 'pve1\npve3')" "its entries replaced"
run px mapping list pci -f tsv -c id,mdev
like "$out" "$(printf 'a100-vgpu\t0')" "mdev deleted (PVE's default)"

# --- --prune deletes a mapping the file lacks
px state export --family mappings -o "$T/p.ini"
/usr/bin/python3 - "$T/p.ini" <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read()
s = re.sub(r'\n\[mapping usb token\]\n(?:[^\[\n].*\n)*', '\n', s)
open(p, 'w').write(s)
PY
run grep -c 'mapping usb token' "$T/p.ini"
is "$out" 0 "(the section is dropped)"
simctl DELETE log >/dev/null
run px state apply -y --prune "$T/p.ini"
is "$rc" 0 "--prune: exit 0"
is "$(sim_log | grep -c '^DELETE /api2/json/cluster/mapping/usb/token')" 1 "--prune: the mapping deleted"

# --- malformed files name their line; nothing is sent
bad() {	# bad NAME TEXT WANT-ERR
	printf '%s\n' "$2" >"$T/bad.ini"
	simctl DELETE log >/dev/null
	run px state apply -y "$T/bad.ini"
	ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "$1: refused"
	like "$err" "$3" "$1: says why"
	is "$(writes)" 0 "$1: nothing sent"
}
bad "a key a USB mapping has not" "$(printf '[mapping usb x1]\nmap = node=pve1,id=1050:0407\nmdev = 1')" "bad.ini:3: \[mapping usb x1\]: a mapping usb has no key 'mdev'"
bad "an entry without a node" "$(printf '[mapping dir d1]\nmap = path=/srv/x')" "bad.ini:1: \[mapping dir d1\]: map = path=/srv/x is not a node's entry"
bad "a control character in an entry" "$(printf '[mapping dir d1]\nmap = "node=pve1,path=/srv/\\x1b[2J"')" "not a node's entry"
bad "a mapping without map lines" "$(printf '[mapping usb x2]\ndescription = empty')" "needs a map line"
bad "a description twice" "$(printf '[mapping usb x3]\nmap = node=pve1,id=1050:0407\ndescription = a\ndescription = b')" "given twice"
done_testing
