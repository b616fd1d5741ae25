/*
 * telegram.c -- a fake of the Telegram Bot API on pxsim's main listener
 * (with --telegram): /bot<TOKEN>/{getMe,sendMessage,editMessageText,
 * answerCallbackQuery,getUpdates}, answering {"ok":true,"result":...}
 * like the Bot API, and the control routes
 *
 *   GET  /_sim/telegram           token, bot, chat and approver ids
 *   GET  /_sim/telegram/messages  messages sent, with their buttons
 *   POST /_sim/telegram/press     press a button: message_id, and
 *                                 button (index) or data; optional
 *                                 from (user id) and chat_id
 *
 * With --telegram-auto approve|deny|ignore, a message with an inline
 * keyboard is pressed by the approver shortly after it is sent (the
 * first button whose callback data says approve/deny, else the first or
 * second button).  State is kept in memory: a restart forgets it.
 *
 * As the Bot API does, a getUpdates ends a long poll that is still
 * waiting (another connection's): that one is answered 409 "Conflict:
 * terminated by other getUpdates request", so two readers of one bot
 * show up in tests as they do against Telegram.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../api/api.h"

#define TG_BOT_ID	7000000001LL
#define TG_APPROVER	424242LL
#define TG_CHAT		(-1001234567890LL)
#define TG_AUTO_DELAY	0.3	/* seconds before an automatic press */
#define TG_MAX_MSGS	1000
#define TG_MAX_UPDATES	1000

struct tg_msg {
	long long id;
	long long chat;
	time_t date;
	char *text;
	char *markup;		/* raw reply_markup JSON or NULL */
	double auto_at;		/* 0: no automatic press pending */
	int answered;		/* a callback for it was answered */
	time_t edit_date;	/* of the last edit, 0 if never edited */
	int edits;		/* edits asked for (control route only) */
};

struct tg_update {
	long long id;
	char *json;		/* the whole Update object */
	char cbid[32];		/* callback query id */
};

static struct {
	struct tg_msg msgs[TG_MAX_MSGS];
	size_t nmsgs;
	struct tg_update ups[TG_MAX_UPDATES];
	size_t nups;
	long long next_update;
	long long next_msg;
	long long next_cb;
} tg = { .next_update = 100000001, .next_msg = 1, .next_cb = 1 };

/* The bot token of this instance: stable for a seed. */
static void
tg_token(struct sim *s, char *buf, size_t n)
{
	snprintf(buf, n, "%lld:AAsim%016llx", TG_BOT_ID,
	    (unsigned long long)sim_hash(s, 0x7e1e, 0x6a));
}

static void
tg_ok_begin(struct sim_resp *rs, struct jw *w)
{
	buf_reset(&rs->body);
	jw_init(w, &rs->body);
	jw_obj(w);
	jw_kbool(w, "ok", 1);
	jw_key(w, "result");
}

static void
tg_ok_end(struct sim_resp *rs, struct jw *w)
{
	jw_end(w);
	rs->status = 200;
	rs->ctype = "application/json";
}

static void
tg_fail(struct sim_resp *rs, int code, const char *desc)
{
	struct jw w;

	buf_reset(&rs->body);
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_kbool(&w, "ok", 0);
	jw_kint(&w, "error_code", code);
	jw_kstr(&w, "description", desc);
	jw_end(&w);
	rs->status = code;
	snprintf(rs->reason, sizeof(rs->reason), "%s", code == 401 ?
	    "Unauthorized" : code == 404 ? "Not Found" : "Bad Request");
	rs->ctype = "application/json";
}

/* Refuse when --telegram is off or the token is wrong; 0 when fine. */
static int
tg_check(struct sim *s, const struct sim_match *m, struct sim_resp *rs)
{
	char want[96];
	const char *tok = sim_var(m, "token");

	if (!s->opt.telegram) {
		tg_fail(rs, 404, "Not Found");
		return -1;
	}
	tg_token(s, want, sizeof(want));
	if (tok == NULL || strcmp(tok, want) != 0) {
		tg_fail(rs, 401, "Unauthorized");
		return -1;
	}
	return 0;
}

/* A parameter from the query, form or JSON body; objects in a JSON body
 * (reply_markup) come back as raw JSON.  Caller frees. */
static char *
tg_param(const struct sim_req *rq, const char *name)
{
	const char *v = sim_param(rq, name);
	struct json j;
	char *out = NULL;
	int t;

	if (v != NULL)
		return px_xstrdup(v);
	if (rq->body.len == 0 || json_parse(&j, rq->body.p, rq->body.len,
	    NULL) == -1)
		return NULL;
	t = json_get(&j, 0, name);
	if (json_type(&j, t) == JSON_OBJECT || json_type(&j, t) ==
	    JSON_ARRAY) {
		size_t n;
		const char *raw = json_raw(&j, t, &n);

		out = px_xstrndup(raw, n);
	} else if (t >= 0)
		out = json_strdup(&j, t);
	json_free(&j);
	return out;
}

static long long
tg_param_ll(const struct sim_req *rq, const char *name, long long def)
{
	char *v = tg_param(rq, name);
	long long r = def;

	if (v != NULL && *v)
		r = atoll(v);
	free(v);
	return r;
}

static struct tg_msg *
tg_find(long long id)
{
	size_t i;

	for (i = 0; i < tg.nmsgs; i++)
		if (tg.msgs[i].id == id)
			return &tg.msgs[i];
	return NULL;
}

static void
write_user(struct jw *w, long long id, int bot)
{
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kbool(w, "is_bot", bot);
	jw_kstr(w, "first_name", bot ? "px" : "Approver");
	jw_kstr(w, "username", bot ? "px_sim_bot" : "approver");
	jw_end(w);
}

/* A message as the Bot API shows it; with edits (the control route
 * only), also "edits": how many edits were asked for, accepted or
 * not (a repeated identical edit is refused as "not modified"). */
static void
write_msg_edits(struct jw *w, const struct tg_msg *msg, int edits)
{
	jw_obj(w);
	jw_kint(w, "message_id", msg->id);
	jw_key(w, "from");
	write_user(w, TG_BOT_ID, 1);
	jw_key(w, "chat");
	jw_obj(w);
	jw_kint(w, "id", msg->chat);
	jw_kstr(w, "type", msg->chat < 0 ? "supergroup" : "private");
	if (msg->chat < 0)
		jw_kstr(w, "title", "px approvals");
	jw_end(w);
	jw_kint(w, "date", (long long)msg->date);
	if (msg->edit_date)
		jw_kint(w, "edit_date", (long long)msg->edit_date);
	jw_kstr(w, "text", msg->text);
	if (msg->markup != NULL) {
		jw_key(w, "reply_markup");
		jw_raw(w, msg->markup, strlen(msg->markup));
	}
	if (edits)
		jw_kint(w, "edits", msg->edits);
	jw_end(w);
}

static void
write_msg(struct jw *w, const struct tg_msg *msg)
{
	write_msg_edits(w, msg, 0);
}

/* The callback_data of button index (row-major), or of the button
 * whose data contains want; NULL when there is none. */
static char *
button_data(const char *markup, long idx, const char *want)
{
	struct json j;
	int kb, row, btn, i, k;
	long n = 0;
	char *out = NULL;

	if (markup == NULL || json_parse(&j, markup, strlen(markup), NULL))
		return NULL;
	kb = json_get(&j, 0, "inline_keyboard");
	JSON_FOREACH(&j, kb, row, i) {
		JSON_FOREACH(&j, row, btn, k) {
			char *d = json_get_str(&j, btn, "callback_data");

			if (d != NULL && out == NULL &&
			    ((want && strstr(d, want)) ||
			    (!want && n == idx))) {
				out = d;
				d = NULL;
			}
			free(d);
			n++;
		}
	}
	json_free(&j);
	return out;
}

/* Queue a callback_query update for msg pressed by from in chat. */
static long long
tg_press(struct sim *s, struct tg_msg *msg, const char *data,
    long long from, long long chat)
{
	struct tg_update *u;
	struct tg_msg copy = *msg;
	struct buf b = { 0 };
	struct jw w;
	char inst[32];

	if (tg.nups == TG_MAX_UPDATES) {
		free(tg.ups[0].json);
		memmove(&tg.ups[0], &tg.ups[1], (TG_MAX_UPDATES - 1) *
		    sizeof(tg.ups[0]));
		tg.nups--;
	}
	u = &tg.ups[tg.nups++];
	u->id = tg.next_update++;
	snprintf(u->cbid, sizeof(u->cbid), "%llu%06lld",
	    (unsigned long long)(sim_hash(s, 0xcb, 1) % 1000000000ULL),
	    tg.next_cb++);
	snprintf(inst, sizeof(inst), "%lld", (long long)(sim_hash(s, 0xc1,
	    (uint64_t)chat) % 1000000000000LL));
	copy.chat = chat;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "update_id", u->id);
	jw_key(&w, "callback_query");
	jw_obj(&w);
	jw_kstr(&w, "id", u->cbid);
	jw_key(&w, "from");
	write_user(&w, from, 0);
	jw_key(&w, "message");
	write_msg(&w, &copy);
	jw_kstr(&w, "chat_instance", inst);
	jw_kstr(&w, "data", data);
	jw_end(&w);
	jw_end(&w);
	u->json = buf_steal(&b);
	return u->id;
}

/* Run the automatic presses that are due. */
static void
tg_auto(struct sim *s)
{
	double now = sim_nowf(s);
	size_t i;

	for (i = 0; i < tg.nmsgs; i++) {
		struct tg_msg *msg = &tg.msgs[i];
		const char *mode = s->opt.telegram_auto;
		char *data;

		if (msg->auto_at == 0 || msg->auto_at > now)
			continue;
		msg->auto_at = 0;
		if (!strcmp(mode, "approve")) {
			if ((data = button_data(msg->markup, 0, "approve")) ==
			    NULL)
				data = button_data(msg->markup, 0, NULL);
		} else if (!strcmp(mode, "deny")) {
			if ((data = button_data(msg->markup, 0, "deny")) ==
			    NULL)
				data = button_data(msg->markup, 1, NULL);
		} else
			data = NULL;
		if (data != NULL)
			tg_press(s, msg, data, TG_APPROVER, msg->chat);
		free(data);
	}
}

static void
tg_get_me(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	if (tg_check(s, m, rs) == -1)
		return;
	tg_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "id", TG_BOT_ID);
	jw_kbool(&w, "is_bot", 1);
	jw_kstr(&w, "first_name", "px");
	jw_kstr(&w, "username", "px_sim_bot");
	jw_kbool(&w, "can_join_groups", 1);
	jw_kbool(&w, "can_read_all_group_messages", 0);
	jw_kbool(&w, "supports_inline_queries", 0);
	jw_end(&w);
	tg_ok_end(rs, &w);
}

/* Check a reply_markup: it must be JSON with an inline_keyboard array
 * of arrays of buttons with text; -1 with a 400. */
static int
markup_ok(const char *markup, struct sim_resp *rs)
{
	struct json j;
	int kb, ok;

	if (json_parse(&j, markup, strlen(markup), NULL) == -1) {
		tg_fail(rs, 400, "Bad Request: can't parse reply keyboard "
		    "markup JSON object");
		return -1;
	}
	kb = json_get(&j, 0, "inline_keyboard");
	ok = json_type(&j, kb) == JSON_ARRAY;
	json_free(&j);
	if (!ok) {
		tg_fail(rs, 400, "Bad Request: object expected as reply "
		    "markup");
		return -1;
	}
	return 0;
}

static void
tg_send(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char *chat = NULL, *text = NULL, *markup = NULL;
	struct tg_msg *msg;
	struct jw w;

	if (tg_check(s, m, rs) == -1)
		return;
	chat = tg_param(rq, "chat_id");
	text = tg_param(rq, "text");
	markup = tg_param(rq, "reply_markup");
	if (chat == NULL || *chat == 0) {
		tg_fail(rs, 400, "Bad Request: chat_id is empty");
		goto out;
	}
	if (text == NULL || *text == 0) {
		tg_fail(rs, 400, "Bad Request: message text is empty");
		goto out;
	}
	if (strlen(text) > 4096) {
		tg_fail(rs, 400, "Bad Request: message is too long");
		goto out;
	}
	if (atoll(chat) == 0) {
		tg_fail(rs, 400, "Bad Request: chat not found");
		goto out;
	}
	if (markup != NULL && markup_ok(markup, rs) == -1)
		goto out;
	if (tg.nmsgs == TG_MAX_MSGS) {
		free(tg.msgs[0].text);
		free(tg.msgs[0].markup);
		memmove(&tg.msgs[0], &tg.msgs[1], (TG_MAX_MSGS - 1) *
		    sizeof(tg.msgs[0]));
		tg.nmsgs--;
	}
	msg = &tg.msgs[tg.nmsgs++];
	memset(msg, 0, sizeof(*msg));
	msg->id = tg.next_msg++;
	msg->chat = atoll(chat);
	msg->date = sim_now(s);
	msg->text = text;
	msg->markup = markup;
	text = markup = NULL;
	if (msg->markup != NULL && s->opt.telegram_auto[0] &&
	    strcmp(s->opt.telegram_auto, "ignore") != 0)
		msg->auto_at = sim_nowf(s) + TG_AUTO_DELAY;
	tg_ok_begin(rs, &w);
	write_msg(&w, msg);
	tg_ok_end(rs, &w);
out:
	free(chat);
	free(text);
	free(markup);
}

static void
tg_edit(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char *text, *markup;
	struct tg_msg *msg;
	struct jw w;

	if (tg_check(s, m, rs) == -1)
		return;
	msg = tg_find(tg_param_ll(rq, "message_id", 0));
	if (msg == NULL || msg->chat != tg_param_ll(rq, "chat_id", 0)) {
		tg_fail(rs, 400, "Bad Request: message to edit not found");
		return;
	}
	msg->edits++;		/* asked for, accepted or not */
	text = tg_param(rq, "text");
	markup = tg_param(rq, "reply_markup");
	if (text == NULL || *text == 0) {
		tg_fail(rs, 400, "Bad Request: message text is empty");
		free(text);
		free(markup);
		return;
	}
	if (markup != NULL && markup_ok(markup, rs) == -1) {
		free(text);
		free(markup);
		return;
	}
	if (!strcmp(text, msg->text) && markup == NULL &&
	    msg->markup == NULL) {
		tg_fail(rs, 400, "Bad Request: message is not modified: "
		    "specified new message content and reply markup are "
		    "exactly the same as a current content and reply markup "
		    "of the message");
		free(text);
		return;
	}
	free(msg->text);
	free(msg->markup);
	msg->text = text;
	msg->markup = markup;	/* no markup given: the keyboard goes */
	msg->auto_at = 0;
	msg->edit_date = time(NULL);
	tg_ok_begin(rs, &w);
	write_msg(&w, msg);
	tg_ok_end(rs, &w);
}

static void
tg_answer(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char *id;
	size_t i;
	int found;
	struct jw w;

	if (tg_check(s, m, rs) == -1)
		return;
	id = tg_param(rq, "callback_query_id");
	for (i = 0; id != NULL && i < tg.nups; i++)
		if (strcmp(tg.ups[i].cbid, id) == 0)
			break;
	found = id != NULL && i < tg.nups;
	free(id);
	if (!found) {
		tg_fail(rs, 400, "Bad Request: query is too old and response "
		    "timeout expired or query ID is invalid");
		return;
	}
	tg_ok_begin(rs, &w);
	jw_bool(&w, 1);
	tg_ok_end(rs, &w);
}

/* A getUpdates request: its peer and when it arrived (kept across its
 * `again` calls). */
struct tg_poller {
	char peer[64];
	double arrival;
};
static struct tg_poller tg_waiting;	/* the long poll waiting, if any */
static int tg_is_waiting;
static struct tg_poller tg_ended[8];	/* long polls a newer one ended */
static unsigned tg_nended;

static int
tg_same(const struct tg_poller *p, const struct sim_req *rq)
{
	return p->arrival == rq->arrival && strcmp(p->peer, rq->peer) == 0;
}

/* 1 when rq is a long poll that a newer getUpdates ended: answered 409
 * here.  A new request ends the one waiting. */
static int
tg_conflict(struct sim_req *rq, struct sim_resp *rs)
{
	for (unsigned i = 0; i < 8 && rq->again_count > 0; i++)
		if (tg_same(&tg_ended[i], rq)) {
			tg_ended[i].peer[0] = '\0';
			tg_fail(rs, 409, "Conflict: terminated by other "
			    "getUpdates request; make sure that only one bot "
			    "instance is running");
			return 1;
		}
	if (rq->again_count == 0 && tg_is_waiting &&
	    !tg_same(&tg_waiting, rq)) {
		tg_ended[tg_nended++ % 8] = tg_waiting;
		tg_is_waiting = 0;
	}
	return 0;
}

static void
tg_updates(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	long long offset = tg_param_ll(rq, "offset", 0);
	long long timeout = tg_param_ll(rq, "timeout", 0);
	long long limit = tg_param_ll(rq, "limit", 100);
	struct jw w;
	size_t i, n = 0, drop = 0;

	if (tg_check(s, m, rs) == -1 || tg_conflict(rq, rs))
		return;
	tg_auto(s);
	/* An offset confirms every update before it. */
	if (offset > 0) {
		while (drop < tg.nups && tg.ups[drop].id < offset)
			free(tg.ups[drop++].json);
		memmove(&tg.ups[0], &tg.ups[drop], (tg.nups - drop) *
		    sizeof(tg.ups[0]));
		tg.nups -= drop;
	}
	if (tg.nups == 0 && timeout > 0 && timeout <= 50 &&
	    sim_nowf(s) - rq->arrival < (double)timeout) {
		rs->again = 1;	/* long-poll: ask again in ~100 ms */
		snprintf(tg_waiting.peer, sizeof(tg_waiting.peer), "%s",
		    rq->peer);
		tg_waiting.arrival = rq->arrival;
		tg_is_waiting = 1;
		return;
	}
	if (tg_is_waiting && tg_same(&tg_waiting, rq))
		tg_is_waiting = 0;
	if (limit < 1 || limit > 100)
		limit = 100;
	tg_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < tg.nups && (long long)n < limit; i++, n++)
		jw_raw(&w, tg.ups[i].json, strlen(tg.ups[i].json));
	jw_end(&w);
	tg_ok_end(rs, &w);
}

/* ------------------------------------------------------------------ */
/* Control                                                            */

static void
ctl_info(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char token[96];
	struct jw w;

	(void)rq;
	(void)m;
	tg_token(s, token, sizeof(token));
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kbool(&w, "enabled", s->opt.telegram);
	jw_kstr(&w, "token", token);
	jw_kint(&w, "bot_id", TG_BOT_ID);
	jw_kint(&w, "chat_id", TG_CHAT);
	jw_kint(&w, "approver", TG_APPROVER);
	jw_kstr(&w, "auto", s->opt.telegram_auto[0] ? s->opt.telegram_auto :
	    "off");
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
ctl_messages(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;

	(void)rq;
	(void)m;
	tg_auto(s);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < tg.nmsgs; i++)
		write_msg_edits(&w, &tg.msgs[i], 1);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
ctl_press(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct tg_msg *msg;
	char *data = NULL;
	const char *want = sim_param(rq, "data");
	long long from = sim_param_int(rq, "from", TG_APPROVER);
	long long upd;
	struct jw w;

	(void)m;
	if (sim_param(rq, "message_id") == NULL) {
		/* the newest message with a keyboard */
		size_t i;

		for (i = tg.nmsgs, msg = NULL; i-- > 0 && msg == NULL;)
			if (tg.msgs[i].markup != NULL)
				msg = &tg.msgs[i];
	} else
		msg = tg_find(sim_param_int(rq, "message_id", 0));
	if (msg == NULL) {
		sim_error(rs, 404, "no such message");
		return;
	}
	if (want != NULL) {
		/* exact data wins; any data is allowed (a forged press) */
		data = px_xstrdup(want);
	} else
		data = button_data(msg->markup, (long)sim_param_int(rq,
		    "button", 0), NULL);
	if (data == NULL) {
		sim_param_error(rs, "button", "message has no such button");
		return;
	}
	msg->auto_at = 0;
	upd = tg_press(s, msg, data, from, sim_param_int(rq, "chat_id",
	    msg->chat));
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "update_id", upd);
	jw_kstr(&w, "callback_query_id", tg.ups[tg.nups - 1].cbid);
	jw_kstr(&w, "data", data);
	jw_kint(&w, "message_id", msg->id);
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(data);
}

#define TG(M, NAME, FN) \
	{ M, "/bot{token}/" NAME, FN, NULL, NULL, SIM_ROUTE_NOAUTH }

const struct sim_route sim_routes_telegram[] = {
	TG("GET", "getMe", tg_get_me),
	TG("POST", "getMe", tg_get_me),
	TG("GET", "sendMessage", tg_send),
	TG("POST", "sendMessage", tg_send),
	TG("POST", "editMessageText", tg_edit),
	TG("GET", "editMessageText", tg_edit),
	TG("POST", "answerCallbackQuery", tg_answer),
	TG("GET", "answerCallbackQuery", tg_answer),
	TG("GET", "getUpdates", tg_updates),
	TG("POST", "getUpdates", tg_updates),
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct sim_route sim_routes_control_ext[] = {
	{ "POST", "/_sim/pbs-hostile", pbs_ctl_hostile, NULL, NULL, 0 },
	{ "GET", "/_sim/telegram", ctl_info, NULL, NULL, SIM_ROUTE_NOAUTH },
	{ "GET", "/_sim/telegram/messages", ctl_messages, NULL, NULL,
	    SIM_ROUTE_NOAUTH },
	{ "POST", "/_sim/telegram/press", ctl_press, NULL, NULL,
	    SIM_ROUTE_NOAUTH },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
