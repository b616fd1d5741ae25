#!/bin/sh
# pxsim's faults for the ha_error and replication_failing alerts
# (/_sim/ha-error, /_sim/replication), as PVE shows them, and the alerts
# firing after "for", deduplicated, resolving; the telegram route to
# pxsim's Telegram fake.  The clock is PX_TEST_NOW.
. "$(dirname "$0")/lib.sh"
sim_start --telegram
base=$(cat "$PX_CONFIG")
t0=$(date +%s)
export PX_TEST_NOW=$t0
py() {	# py EXPR: on the JSON on stdin, its "data" as d
	/usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin)['data']; print($1)"
}
at() { _s=$1; shift; PX_TEST_NOW=$((t0 + _s)) "$@"; }
token=$(simctl GET telegram | py 'd["token"]')
chat=$(simctl GET telegram | py 'd["chat_id"]')
approver=$(simctl GET telegram | py 'd["approver"]')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
printf '%s\n' "$token" >"$T/bot.token"
chmod 600 "$T/bot.token"
conf() {
	{
		printf '%s\n\n[telegram]\nbot_token_file = %s\nchat_id = %s\n' \
		    "$base" "$T/bot.token" "$chat"
		printf 'approver = %s\napi_url = %s\nfingerprint = %s\n\n' \
		    "$approver" "$SIM_URL" "$fp"
		printf '%s\n' "$@"
	} >"$PX_CONFIG"
	chmod 600 "$PX_CONFIG"
}
msgs() { simctl GET telegram/messages | py "$1"; }

# --- the faults, as PVE answers
ha=$(sim_api GET cluster/resources | py '[g["vmid"] for g in d if g.get("hastate")][0]')
node=$(sim_api GET cluster/resources | py "[g['node'] for g in d if g.get('vmid') == $ha][0]")
run simctl POST ha-error "vmid=$ha"
like "$out" '"data":null' "/_sim/ha-error"
is "$(sim_api GET cluster/resources | py "[g['hastate'] for g in d if g.get('vmid') == $ha][0]")" error \
    "cluster/resources: hastate error"
is "$(sim_api GET cluster/ha/status/current | py "[x['state'] for x in d if x.get('sid') == 'vm:$ha'][0]")" error \
    "ha/status/current: the service's state error"
run simctl POST ha-error "vmid=x"
like "$out" 'vmid' "/_sim/ha-error: a bad vmid is refused"
simctl POST ha-error "vmid=$ha&error=0" >/dev/null
is "$(sim_api GET cluster/resources | py "[g['hastate'] for g in d if g.get('vmid') == $ha][0]")" started \
    "error=0: back"

job=$(sim_api GET cluster/replication | py 'd[0]["id"]')
src=
for n in $(sim_api GET nodes | py '" ".join(x["node"] for x in d)'); do
	sim_api GET "nodes/$n/replication" | grep -q "\"id\":\"$job\"" && src=$n
done
simctl POST replication "id=$job&fail_count=3&error=no%20space%20left" >/dev/null
is "$(sim_api GET "nodes/$src/replication" | py "[(j['fail_count'], j['error']) for j in d if j['id'] == '$job'][0]")" \
    "(3, 'no space left')" "nodes/{node}/replication: fail_count and error"
is "$(sim_api GET "nodes/$src/replication/$job/status" | py "(d['fail_count'], d['error'])")" \
    "(3, 'no space left')" "replication/{id}/status: the same"
run simctl POST replication "id=$job&fail_count=-1"
like "$out" 'fail_count' "/_sim/replication: a bad count is refused"

# --- replication_failing: for, dedupe, resolve, over telegram
conf "[alert repl]
when = replication_failing
threshold = 2
for = 60s
repeat = 0
route = telegram"
run at 0 px alerts eval
is "$rc" 0 "replication failing, before 'for': not firing"
like "$out" "repl +replication_failing .*pending +replication/$job" "... pending"
is "$(msgs 'len(d)')" 0 "... nothing sent to Telegram"
run at 60 px alerts eval
is "$rc" 1 "after 'for': fires, exit 1"
is "$(msgs 'len(d)')" 1 "telegram: one message"
like "$(msgs 'd[-1]["text"]')" "FIRING .*replication job $job on $src failed 3 times: no space left" \
    "telegram: the alert's text"
is "$(msgs 'str(d[-1]["chat"]["id"])')" "$chat" "telegram: to the chat of [telegram]"
run at 120 px alerts eval
is "$rc" 1 "still failing: still firing"
is "$(msgs 'len(d)')" 1 "deduplicated: no second message"
simctl POST replication "id=$job&fail_count=1" >/dev/null
run at 180 px alerts eval
is "$rc" 0 "one failure, under the threshold: clears"
is "$(msgs 'len(d)')" 2 "telegram: the resolved message"
like "$(msgs 'd[-1]["text"]')" "RESOLVED" "... saying resolved"
simctl POST replication "id=$job&fail_count=0" >/dev/null

# --- ha_error: for, dedupe, resolve
conf "[alert haerr]
when = ha_error
for = 60s
severity = critical
route = telegram"
n0=$(msgs 'len(d)')
simctl POST ha-error "vmid=$ha" >/dev/null
run at 200 px alerts eval
is "$rc" 0 "HA error, before 'for': pending"
like "$out" "haerr +ha_error +critical +pending +ha/$ha" "... pending, key ha/$ha"
run at 260 px alerts eval
is "$rc" 1 "after 'for': fires"
like "$(msgs 'd[-1]["text"]')" "HA resource $ha .* on $node is in state error" "telegram: the HA alert"
run at 300 px alerts eval
is "$(msgs 'len(d)')" $((n0 + 1)) "deduplicated"
simctl POST ha-error "vmid=$ha&error=0" >/dev/null
run at 320 px alerts eval
is "$rc" 0 "the resource is back: clears"
is "$(msgs 'len(d)')" $((n0 + 2)) "the resolved message"
run px alerts -H list
like "$out" "haerr .*resolved" "alerts list: resolved"

# --- telegram test route, and the token never shown
run px alerts test telegram
is "$rc" 0 "alerts test telegram"
like "$(msgs 'd[-1]["text"]')" '.' "... a message arrives"
unlike "$out$err" "$token" "the bot token is never printed"
done_testing
