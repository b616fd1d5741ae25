#!/bin/sh
# Static proof that no command reaches a mutating endpoint except through
# the gate: the only places that build a request with a method other than
# GET are lib/gate.c (every mutation), lib/http_auth.c (the ticket login) and
# lib/hitl.c (the Telegram Bot API).  pxsim (cmd/sim) is the server side.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1
calls=$(grep -rn 'px_call_init(' cmd lib --include=*.c | grep -v '^cmd/sim/' |
	grep -v 'lib/http.c:[0-9]*:px_call_init(struct' | grep -v '"GET"')
is "$(printf '%s\n' "$calls" | sed 's/:.*//' | sort -u | tr '\n' ' ')" \
	"lib/gate.c lib/hitl.c lib/http_auth.c " "only the gate, the login and Telegram build non-GET calls"
like "$(printf '%s\n' "$calls" | grep '^lib/http_auth.c')" '"/access/ticket"' "http_auth.c's only one is the login"
is "$(printf '%s\n' "$calls" | grep -c '^lib/http_auth.c')" 1 "one login call, for the login and the ticket renewal alike"
raw=$(grep -rln 'curl_easy_setopt\|curl_multi_add_handle' cmd lib --include=*.c | grep -v '^cmd/sim/' | sort | tr '\n' ' ')
is "$raw" "lib/http.c lib/http_async.c lib/http_notify.c lib/http_trust.c lib/http_ws.c " "only lib/http*.c talk to libcurl"
# lib/http_notify.c posts alerts to webhooks and ntfy: never with a
# profile's connection or credentials.
is "$(grep -c 'px_client\|px_profile\|conf_secret' lib/http_notify.c)" 0 "the alert receivers' POST never sees a profile"
async=$(grep -n 'method' lib/http_async.c | grep -E '"(POST|PUT|DELETE)"' | wc -l)
is "$async" 0 "the TUI's asynchronous client makes no writes of its own (its one POST is http_auth.c's ticket renewal)"
done_testing
