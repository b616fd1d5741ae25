#!/bin/sh
# px perms: pveum user permissions on a node over SSH (a fake pveum in
# the session's PATH records its argv), the user as one literal word.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
sim_start
sshd_start
sshd_conf
fake pveum <<'EOS'
#!/bin/sh
for a in "$@"; do printf '[%s]\n' "$a"; done >"$FAKE_DIR/pveum.$FAKE_NODE"
case "$3" in
*@pve) echo '{"/":{"Sys.Audit":1},"/vms/100":{"VM.PowerMgmt":0,"VM.Console":1}}' ;;
*) echo "no such user ('$3')" >&2; exit 2 ;;
esac
EOS
run px perms alice@pve -f tsv -H
is "$rc" 0 "perms: exit 0"
is "$out" "$(printf '/\tSys.Audit\t1\n/vms/100\tVM.PowerMgmt\t0\n/vms/100\tVM.Console\t1')" "path, privilege, propagate"
is "$(tr '\n' ' ' <"$FAKE_DIR/pveum.pve1")" "[user] [permissions] [alice@pve] [--output-format=json] " "pveum user permissions USER on the first online node"
run px perms alice@pve --node pve2 --path /vms/100 -j
is "$rc" 0 "--node --path: exit 0"
like "$(tr '\n' ' ' <"$FAKE_DIR/pveum.pve2")" "\[--path\] \[/vms/100\]" "--path is passed on"
like "$out" '"path":"/vms/100","privilege":"VM.Console","propagate":true' "-j: the JSON fields"
run px perms 'x@pam; touch '"$FAKE_DIR"'/pwned'
is "$rc" 1 "a user with shell metacharacters: pveum's failure, exit 1"
like "$(cat "$FAKE_DIR/pveum.pve1")" "^\[x@pam; touch $FAKE_DIR/pwned\]$" "the user reaches pveum as one literal argument"
ok $([ ! -e "$FAKE_DIR/pwned" ] && echo 0 || echo 1) "nothing was injected"
like "$err" "pve1: pveum exited with status 2: no such user" "says what pveum said"
run px perms bob
is "$rc" 2 "a user without a realm: exit 2"
run px perms alice@pve --node nope
is "$rc" 5 "an unknown node: exit 5"
sim_stop
done_testing
