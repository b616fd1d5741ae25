#!/bin/sh
# Human approval through Telegram: hitl_approve, driven by
# build/tools/hitl_live (tests/tools/hitl_live.c), against pxsim's Bot API
# fake; buttons are pressed through /_sim/telegram/press.
. "$(dirname "$0")/lib.sh"
live="$build/tools/hitl_live"
[ -x "$live" ] || { echo "Bail out! $live is not built (make builds it)"; exit 1; }
sim_start --telegram

py() {	# py EXPR: evaluate EXPR on the JSON on stdin, its "data" as d
	/usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin)['data']; print($1)"
}
token=$(simctl GET telegram | py 'd["token"]')
chat=$(simctl GET telegram | py 'd["chat_id"]')
approver=$(simctl GET telegram | py 'd["approver"]')
fp=$(sed -n 's/^fingerprint = //p' "$PX_CONFIG")
profile=$(cat "$PX_CONFIG")
printf '%s\n' "$token" >"$T/bot.token"
chmod 600 "$T/bot.token"

# write_conf [TELEGRAM-LINES]: the sim profile, [telegram] (unless
# TELEGRAM-LINES is "none") and the policies.
write_conf() {
	{
		printf '%s\n\n' "$profile"
		if [ "${1-}" != none ]; then
			printf '[telegram]\nbot_token_file = %s\nchat_id = %s\n' \
			    "$T/bot.token" "$chat"
			printf 'approver = %s\napi_url = %s\nfingerprint = %s\n' \
			    "$approver" "$SIM_URL" "$fp"
			[ -n "${1-}" ] && printf '%s\n' "$1"
			echo
		fi
		printf '[policy stops]\naction = stop, shutdown\ntimeout = 30\n\n'
		printf '[policy quick]\naction = reboot\ntimeout = 2\n'
	} >"$PX_CONFIG"
	chmod 600 "$PX_CONFIG"
}
write_conf

msgs() {	# msgs EXPR: on the list of messages pxsim's bot sent, as d
	simctl GET telegram/messages | py "$1"
}
last_data() {	# the callback data of button row N of the last message
	msgs "d[-1]['reply_markup']['inline_keyboard'][$1][0]['callback_data']"
}
# ask ACTION VMID [SUMMARY]: run hitl_live in the background and wait
# until its message is posted; msg is the message's id.
ask() {
	n0=$(msgs 'len(d)')
	"$live" "$@" >"$T/out" 2>"$T/err" &
	asker=$!
	i=0
	while [ "$(msgs 'len(d)')" = "$n0" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	msg=$(msgs 'd[-1]["message_id"] if d else 0')
}
press_failed=0
press() {	# press FORM: press a button (or send any callback data)
	case $(simctl POST telegram/press "$1") in
	*'"update_id"'*) ;;
	*) press_failed=$((press_failed + 1)); echo "# press $1 failed" ;;
	esac
}
answer() {	# wait for the asker: out, err, rc
	wait "$asker"; rc=$?
	out=$(cat "$T/out"); err=$(cat "$T/err")
	cat "$T/out" "$T/err" >>"$T/all"
}
text() {	# the text of message $msg now
	msgs "[m['text'] for m in d if m['message_id'] == $msg][0]"
}
buttons() {	# how many button rows message $msg has now
	msgs "[len(m.get('reply_markup', {}).get('inline_keyboard', [])) for m in d if m['message_id'] == $msg][0]"
}

run "$live" start 100
is "$rc" 0 "no policy for start: no approval asked"
is "$out" "no policy" "and nothing sent"
is "$(msgs 'len(d)')" 0 "the bot posted nothing"

# --- approve
ask stop 100 "stop VM 100 (web-01) on pve1"
t=$(text)
like "$t" "summary: stop VM 100 \(web-01\) on pve1" "the message shows the summary"
like "$t" "profile: sim" "the profile"
like "$t" "action: stop" "the action"
like "$t" "policy: stops" "the policy"
like "$t" "asked by: .+@" "and who asks"
is "$(buttons)" 2 "two buttons, one a row"
a=$(last_data 0); d=$(last_data 1)
like "$a" '^pxa:[0-9a-f]{24}:a:[0-9a-f]{24}$' "Approve carries pxa:NONCE:a:TAG"
like "$d" '^pxa:[0-9a-f]{24}:d:[0-9a-f]{24}$' "Deny carries pxa:NONCE:d:TAG"
is "${a%%:a:*}" "${d%%:d:*}" "both carry the same nonce"
ok "$([ ${#a} -le 64 ] && echo 0 || echo 1)" "callback data fit Telegram's 64 bytes"
old_msg=$msg old_a=$a
press "message_id=$msg&button=0"
answer
is "$rc" 0 "Approve pressed by the approver: approved (exit 0)"
is "$out" "approved by @approver ($approver), policy stops" "says who approved"
like "$(text)" "APPROVED by @approver \($approver\)" "the message now says approved"
is "$(buttons)" 0 "and its buttons are gone"
is "$(stat -c %a "$XDG_DATA_HOME/px/hitl.key")" 600 "hitl.key is created 0600"

# --- deny
ask shutdown 101
press "message_id=$msg&button=1"
answer
is "$rc" 9 "Deny pressed by the approver: exit 9"
like "$err" "denied by @approver \($approver\) on Telegram \(policy stops\)" \
    "says who denied"
like "$(text)" "DENIED by @approver" "the message now says denied"

# --- timeout
ask reboot 100
answer
is "$rc" 9 "nobody answers: exit 9"
like "$err" "no answer on Telegram within 2 s \(policy quick\)" "says it timed out"
like "$(text)" "EXPIRED: no answer within 2 s" "the message now says expired"
is "$(buttons)" 0 "and its buttons are gone"

# --- replay: an old message's Approve while a new request waits
ask reboot 102
press "message_id=$old_msg&data=$old_a"
press "message_id=$msg&data=$old_a"
answer
is "$rc" 9 "a replayed Approve of an old request is ignored (timeout)"
like "$err" "no answer on Telegram within 2 s" "the request timed out"

# --- the right button, pressed in another chat
ask reboot 103
press "message_id=$msg&button=0&chat_id=-100999"
answer
is "$rc" 9 "Approve from another chat is ignored (timeout)"

# --- the right button, pressed by another user
ask reboot 104
press "message_id=$msg&button=0&from=999"
answer
is "$rc" 9 "Approve by another user is ignored (timeout)"

# --- a forged tag with the right nonce
ask reboot 105
a=$(last_data 0)
press "message_id=$msg&data=${a%:*}:000000000000000000000000"
press "message_id=$msg&data=${a%:*}"
press "message_id=$msg&data=${a%%:a:*}:a:$(printf '%s' "${a##*:}" | tr '0-9a-f' '1-9a-f0')"
answer
is "$rc" 9 "Approve with a forged tag is ignored (timeout)"

# --- ignored presses do not hide the real answer
ask stop 106
press "message_id=$msg&button=1&from=999"
press "message_id=$msg&button=1&chat_id=-100999"
d=$(last_data 1)
press "message_id=$msg&data=${d%:*}:ffffffffffffffffffffffff"
press "message_id=$msg&button=0"
answer
is "$rc" 0 "after three refused Deny presses, the approver's Approve counts"

# --- one answer is accepted once
ask stop 107
a=$(last_data 0)
press "message_id=$msg&data=$a"
press "message_id=$msg&data=$a"
answer
is "$rc" 0 "a double press approves once"
ask reboot 108
answer
is "$rc" 9 "the second press does not approve the next request"

# --- two px waiting at once.  Telegram lets one getUpdates wait per bot
# (pxsim, like it, ends the older with 409) and an offset confirms the
# updates for every reader: one px reads, and keeps the other's presses
# for it in daemon.db.
# ask2 N ACTION VMID: like ask, into out$N/err$N, asker$N and msg$N
ask2() {
	n0=$(msgs 'len(d)')
	"$live" "$2" "$3" >"$T/out$1" 2>"$T/err$1" &
	eval "asker$1=\$!"
	i=0
	while [ "$(msgs 'len(d)')" = "$n0" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	eval "msg$1=\$(msgs 'd[-1][\"message_id\"]')"
}
answer2() {	# answer2 N: wait for asker N: rc$N, err$N
	eval "wait \$asker$1; rc$1=\$?"
	cat "$T/out$1" "$T/err$1" >>"$T/all"
}
# The first waits alone, then both; the one that does not read is
# answered first, then the reader.
ask2 1 stop 110
sleep 1
ask2 2 shutdown 111
sleep 2
press "message_id=$msg2&button=1"
answer2 2
is "$rc2" 9 "two px wait: the second's Deny reaches it (exit 9)"
like "$(cat "$T/err2")" "denied by @approver" "and says who denied"
sleep 1
ok "$(kill -0 "$asker1" 2>/dev/null && echo 0 || echo 1)" \
    "the first px still waits, its long poll not ended by the other's"
press "message_id=$msg1&button=0"
answer2 1
is "$rc1" 0 "then the first's Approve reaches it"
like "$(msgs "[m['text'] for m in d if m['message_id'] == $msg1][0]")" \
    "APPROVED by @approver" "its message says approved"
# The reader is answered first: the other takes over reading.
ask2 1 stop 112
sleep 1
ask2 2 stop 113
sleep 1
press "message_id=$msg1&button=0"
answer2 1
is "$rc1" 0 "the reading px's Approve reaches it"
sleep 1
press "message_id=$msg2&button=0"
answer2 2
is "$rc2" 0 "and, once it is gone, the other px reads its own Approve"
# A press for the px that does not read, and a stray one on an old
# message: the stray one is refused, the other kept for its px.
ask2 1 stop 114
sleep 1
ask2 2 stop 115
sleep 1
press "message_id=$old_msg&data=$old_a"
press "message_id=$msg2&button=0"
answer2 2
is "$rc2" 0 "a press on an old message does not hide the other's"
press "message_id=$msg1&button=0"
answer2 1
is "$rc1" 0 "and the reader is approved after it"
is "$(msgs "sum(1 for m in d if m['message_id'] in ($msg1, $msg2) and 'APPROVED' in m['text'])")" 2 \
    "both messages say approved"
# Rows in daemon.db that no reader wrote -- garbage, a forged tag, the
# right button pressed by another user -- are judged like presses from
# Telegram: refused, and the px waits on.
ask2 1 stop 116
sleep 1
ask2 2 stop 117
sleep 1
a2=$(msgs "[m for m in d if m['message_id'] == $msg2][0]['reply_markup']['inline_keyboard'][0][0]['callback_data']")
/usr/bin/python3 - "$XDG_DATA_HOME/px/daemon.db" "$msg2" "$a2" "$approver" "$chat" <<'PY'
import json, sqlite3, sys, time
db, msg, a, approver, chat = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def cq(i, data, who):
    return json.dumps({"id": i, "data": data, "from": {"id": who},
                       "message": {"message_id": msg, "chat": {"id": chat}}})
forged = a[:-1] + ("0" if a[-1] != "0" else "1")
rows = [(9001, b"not json at all"), (9002, cq("f1", forged, approver).encode()),
        (9003, cq("f2", a, 999).encode()), (9004, b"\x1b[2J" + b"{" * 5000)]
c = sqlite3.connect(db)
c.executemany("INSERT INTO tg_presses VALUES (?, ?, ?, ?)",
              [(u, msg, q, int(time.time())) for u, q in rows])
c.commit()
PY
sleep 2
ok "$(kill -0 "$asker2" 2>/dev/null && echo 0 || echo 1)" \
    "forged and garbage rows kept for a px approve nothing: it waits on"
is "$(/usr/bin/python3 -c "import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute('select count(*) from tg_presses').fetchone()[0])" \
    "$XDG_DATA_HOME/px/daemon.db")" 0 "they were read and dropped"
press "message_id=$msg2&button=0"
answer2 2
is "$rc2" 0 "then the approver's Approve counts"
press "message_id=$msg1&button=0"
answer2 1
is "$rc1" 0 "and the other px's"
n=$(/usr/bin/python3 -c "import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute('select count(*) from tg_waits where msgid != 0').fetchone()[0],
      db.execute('select count(*) from tg_presses').fetchone()[0])" \
    "$XDG_DATA_HOME/px/daemon.db")
is "$n" "0 0" "no px waits any more, and no press is left kept"
is "$(stat -c %a "$XDG_DATA_HOME/px/telegram.lock") $(stat -c %a "$XDG_DATA_HOME/px/daemon.db")" \
    "600 600" "telegram.lock and daemon.db are 0600"

# --- configuration
write_conf none
run "$live" stop 100
is "$rc" 9 "Telegram not configured: denied (exit 9)"
like "$err" "approval required by policy stops but Telegram is not configured" \
    "says why"
like "$err" "hint: set bot_token_file, chat_id and approver" "with a hint"
cat "$T/stderr" >>"$T/all"

write_conf
chmod 644 "$T/bot.token"
run "$live" stop 100
is "$rc" 3 "a bot_token_file others can read is refused (exit 3)"
like "$err" "accessible by others" "says so"
like "$err" "chmod 600" "with the fix"
cat "$T/stderr" >>"$T/all"
chmod 600 "$T/bot.token"

chmod 644 "$XDG_DATA_HOME/px/hitl.key"
run "$live" stop 100
is "$rc" 3 "a hitl.key others can read is refused (exit 3)"
chmod 600 "$XDG_DATA_HOME/px/hitl.key"

printf '%s\n' "${token%?}x" >"$T/bad.token"
chmod 600 "$T/bad.token"
write_conf
sed -i "s|^bot_token_file = .*|bot_token_file = $T/bad.token|" "$PX_CONFIG"
run "$live" stop 100
is "$rc" 9 "a wrong bot token: denied (exit 9)"
like "$err" "Unauthorized" "Telegram's refusal is shown"
like "$err" "hint: check bot_token" "with a hint"
cat "$T/stderr" >>"$T/all"

bad=$(echo "$fp" | sed 's/^../00/')
[ "$bad" = "$fp" ] && bad=$(echo "$fp" | sed 's/^../11/')
write_conf
sed -i "/^\[telegram\]/,/^\$/s/^fingerprint = .*/fingerprint = $bad/" "$PX_CONFIG"
sed -n '/^\[telegram\]/,/^$/p' "$PX_CONFIG" | grep -q "fingerprint = $bad"
ok $? "(the test config pins another fingerprint for the bot)"
n0=$(msgs 'len(d)')
run "$live" stop 100
is "$rc" 9 "api_url presenting another certificate: denied (exit 9)"
like "$err" "does not match" "says the certificate does not match"
is "$(msgs 'len(d)')" "$n0" "and nothing was sent"
cat "$T/stderr" >>"$T/all"

unlike "$(cat "$T/all")" "${token#*:}" "the bot token is never printed"
is "$press_failed" 0 "(every button press reached the bot)"

# --- pxsim pressing by itself
restart() {	# restart [pxsim options]: a new pxsim on the same state
	sim_stop
	sim_start "$@"
	profile=$(cat "$PX_CONFIG")
	write_conf
}
restart --telegram --telegram-auto approve
run "$live" stop 100
is "$rc" 0 "--telegram-auto approve: approved"
restart --telegram --telegram-auto deny
run "$live" stop 100
is "$rc" 9 "--telegram-auto deny: denied"

# --- a batch is approved once, as a whole
restart --telegram --telegram-auto approve
n0=$(msgs 'len(d)')
two=$(px ls guests -j | /usr/bin/python3 -c "import json, sys
print(' '.join(str(g['vmid']) for g in json.load(sys.stdin) if g['type'] == 'qemu' and not g['lock'] and not g['ha'] and not g['template']))" | cut -d' ' -f1-2)
px start -y $two >/dev/null 2>&1
run px stop -y -f tsv -c vmid,result $two
is "$rc" 0 "px stop of two guests under a policy: approved, both stopped"
is "$(printf '%s\n' "$out" | grep -c '	ok$')" 2 "two rows, both ok"
is "$(msgs 'len(d)') " "$((n0 + 1)) " "one approval asked for the batch, not one per guest"
like "$(msgs 'd[-1]["text"]')" "summary: stop 2 guests: VM " "asking about both guests at once"
restart --telegram --telegram-auto deny
n0=$(msgs 'len(d)')
run px start -y $two
run px stop -y -f tsv -c vmid,result $two
is "$rc" 9 "denied: exit 9"
is "$(printf '%s\n' "$out" | grep -c '	refused$')" 2 "both rows refused"
is "$(msgs 'len(d)') " "$((n0 + 1)) " "one denial for the batch"

done_testing
