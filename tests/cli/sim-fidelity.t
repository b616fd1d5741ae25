#!/bin/sh
# sim-fidelity.t -- proof that pxsim looks like PVE to real clients:
# Debian's python3-proxmoxer drives it unchanged (token and password
# login, listings, a VM start followed to its end, the task log), and
# every GET endpoint pxsim serves answers only fields the PVE schema
# (../shared/reference/apidoc.js) declares, with compatible types; the
# same for the PBS listener against pbs-apidoc.json.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3	# Debian's, with Debian's modules
[ -x "$PY" ] || skip_all "no /usr/bin/python3"
[ -f "$REF/apidoc.js" ] || skip_all "no reference schema in $REF"
tools="$top/tests/tools"
export PX_REFERENCE="$REF"

# The checker catches what it must (a misspelt field, a wrong type).
tap_include() {	# run a TAP producer, renumber its lines into ours
	"$@" >"$T/sub.tap" 2>"$T/sub.err"
	while IFS= read -r line; do
		case $line in
		"ok "*) ok 0 "$(printf '%s' "$line" | sed 's/^ok [0-9]* - //')" ;;
		"not ok "*"# TODO"*)
			_n=$((_n + 1))
			echo "not ok $_n - $(printf '%s' "$line" | sed 's/^not ok [0-9]* - //')" ;;
		"not ok "*) ok 1 "$(printf '%s' "$line" | sed 's/^not ok [0-9]* - //')" ;;
		"1..0 # SKIP"*) echo "# skipped: $line" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$T/sub.tap"
	[ -s "$T/sub.err" ] && sed 's/^/# stderr: /' "$T/sub.err" | head -20
}

tap_include "$PY" "$tools/schemacheck.py" --selftest

sim_start --pbs 127.0.0.1:0
conf() { awk -F' = ' -v k="$2" '$1 == k { print $2; exit }' "$1"; }
SEC=$(conf "$PX_CONFIG" token_secret)
pxsim -d "$SIM_DIR" --print-config --auth password >"$T/pw.conf"
PW=$(conf "$T/pw.conf" password)
[ -n "$PW" ] || PW=$(conf "$T/pw.conf" token_secret)

# proxmoxer
if "$PY" -c 'import proxmoxer' 2>/dev/null; then
	tap_include "$PY" "$tools/proxmoxer_check.py" "$SIM_ADDR" root@pam px \
	    "$SEC" "$PW"
else
	echo "# python3-proxmoxer is not installed (apt-get install python3-proxmoxer)"
	ok 1 "python3-proxmoxer is installed"
fi

# Every GET endpoint against the schema.
tap_include "$PY" "$tools/schemacheck.py" --min 150 "$SIM_URL" \
    "PVEAPIToken=root@pam!px=$SEC"

PBSURL=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "url" {print $2; exit}' "$PX_CONFIG")
PSEC=$(awk -F' = ' '/^\[pbs/{p=1} p && $1 == "token_secret" {print $2; exit}' "$PX_CONFIG")
if [ -n "$PBSURL" ] && [ -f "$REF/pbs-apidoc.json" ]; then
	tap_include "$PY" "$tools/schemacheck.py" --pbs --min 5 "$PBSURL" \
	    "PBSAPIToken=root@pam!px:$PSEC"
fi

done_testing
