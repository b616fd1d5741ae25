# lib.sh -- shared by the CLI tests (tests/cli/*.t): TAP output, running
# px, and a private pxsim per test file on a free loopback port with its
# own temporary state, config and data directories.  Never touches the
# user's real config or data dir.

top=${PX_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${PX_BUILD:-$top/build}
PATH="$build/bin:$PATH"
export PATH
T=$(mktemp -d "${TMPDIR:-/tmp}/px-test.XXXXXX")
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
export PX_CONFIG="$T/px.conf"
mkdir -p "$HOME"
unset PX_PROFILE PX_TOKEN_SECRET PX_PASSWORD NO_COLOR
REF="$top/../shared/reference"
SIM_PID=

_n=0
_failed=0
ok() {	# ok COND-STATUS NAME: 0 passes
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
		[ -n "${out+x}" ] && printf '#   stdout: %s\n' "$(printf '%s' "$out" | head -c 600)"
		[ -n "${err+x}" ] && printf '#   stderr: %s\n' "$(printf '%s' "$err" | head -c 600)"
		[ -n "${rc+x}" ] && printf '#   exit: %s\n' "$rc"
	fi
}
is() {	# is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1', want '$2'"; fi
}
like() {	# like TEXT REGEX NAME (grep -E)
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; echo "#   '$1' !~ /$2/"; fi
}
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 1 "$3"; echo "#   '$1' =~ /$2/"; else ok 0 "$3"; fi
}
# run CMD...: sets out, err, rc
run() {
	out=$("$@" 2>"$T/stderr"); rc=$?
	err=$(cat "$T/stderr")
}
done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# sim_start [pxsim options]: start pxsim, wait until it listens, write
# $PX_CONFIG (0600) from --print-config.  Sets SIM_URL, SIM_DIR.
sim_start() {
	SIM_DIR="$T/sim"
	sim_spawn "$SIM_DIR" --task-seconds 0 "$@"
	SIM_PID=$(cat "$SIM_DIR.pid")
	SIM_ADDR=$(cat "$SIM_DIR/address")
	SIM_URL="https://$SIM_ADDR"
	pxsim -d "$SIM_DIR" --print-config >"$PX_CONFIG"
	chmod 600 "$PX_CONFIG"
	SIM_AUTH="PVEAPIToken=$(sed -n 's/^user = //p' "$PX_CONFIG")!$(sed -n 's/^token_id = //p' "$PX_CONFIG")=$(sed -n 's/^token_secret = //p' "$PX_CONFIG")"
}
# sim_spawn DIR [pxsim options]: one more pxsim with its state in DIR,
# its pid in DIR.pid once it listens (its URL: https://$(cat DIR/address));
# bails out when it does not start.  The caller stops it.
sim_spawn() {
	_d=$1
	shift
	mkdir -p "$_d"
	rm -f "$_d.pid"
	pxsim -l 127.0.0.1:0 -d "$_d" --pidfile "$_d.pid" "$@" \
		>"$_d.log" 2>&1 &
	_simbg=$!
	i=0
	while [ ! -s "$_d.pid" ] && [ $i -lt 200 ]; do
		kill -0 $_simbg 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
	if [ ! -s "$_d.pid" ]; then
		echo "# pxsim did not start:"; sed 's/^/#   /' "$_d.log"
		echo "Bail out! pxsim did not start"
		exit 1
	fi
}
sim_stop() {
	if [ -n "$SIM_PID" ]; then
		kill "$SIM_PID" 2>/dev/null
		i=0
		while kill -0 "$SIM_PID" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05; i=$((i + 1))
		done
		SIM_PID=
	fi
}
# sim_restart [pxsim options]: stop pxsim and start a fresh one (new
# state, new port, $PX_CONFIG rewritten), for the part of a test file
# that needs other pxsim options.
sim_restart() {
	sim_stop
	rm -rf "$SIM_DIR" "$SIM_DIR.log" "$SIM_DIR.pid"
	sim_start "$@"
}
# simctl METHOD PATH [form]: the control API under /_sim/
simctl() {
	if [ -n "${3-}" ]; then
		curl -sk -X "$1" --data "$3" "$SIM_URL/_sim/$2"
	else
		curl -sk -X "$1" "$SIM_URL/_sim/$2"
	fi
}
# sim_api METHOD PATH [form]: pxsim's API itself with the sim profile's
# token, for state a test needs that px does not write; the answer on
# stdout.  sim_api_status: the same, the HTTP status instead.
sim_api() {
	curl -sk -X "$1" -H "Authorization: $SIM_AUTH" ${3:+--data "$3"} \
		"$SIM_URL/api2/json/$2"
}
sim_api_status() {
	curl -sk -o /dev/null -w '%{http_code}' -X "$1" \
		-H "Authorization: $SIM_AUTH" ${3:+--data "$3"} \
		"$SIM_URL/api2/json/$2"
}
# sim_log: the request log as "METHOD PATH AUTH STATUS" lines
sim_log() {
	simctl GET log | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["data"]:
    print(r["method"], r["path"], r["auth"], r["status"])'
}
cleanup() {
	sim_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
