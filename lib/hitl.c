/*
 * hitl.c -- human approval through Telegram (see hitl.h).
 *
 * The Bot API is reached through lib/http with a client that carries no
 * PVE credential (no_auth).  The bot token is the client's API prefix
 * ("/bot<TOKEN>"), never part of a call's path: error messages name the
 * path only ("POST /sendMessage: ..."), and -v logs hide the prefix, so
 * the token cannot leak through either.
 *
 * Why the callback data carry an HMAC: anyone in the chat, or anyone who
 * can make the bot receive an update, can send arbitrary callback data.
 * The nonce binds an answer to this one request, the tag (keyed with
 * hitl.key, which never leaves the machine) proves the button was made by
 * px for this request and this summary.  The chat and the user are checked
 * on top, since a genuine button can be pressed by anyone who sees it.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <bearssl.h>

#include "clock.h"
#include "enc.h"
#include "freeze.h"
#include "hitl.h"
#include "hitl_relay.h"
#include "hitl_impl.h"
#include "http.h"
#include "json.h"

#define POLL_MAX	25	/* seconds of one getUpdates long poll */
#define API_DEFAULT	"https://api.telegram.org"
#define SUMMARY_MAX	1000	/* bytes of the summary shown in the message */

/*
 * px_whoami is defined in freeze.c.  A weak reference lets a program that
 * links hitl.o but nothing of freeze.o (a test) fall back to $USER@host.
 */
#pragma weak px_whoami

/* ---- callback data ---- */

static void
hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode exactly 2n hex digits of s into out; -1 otherwise. */
static int
hex_decode(const char *s, size_t slen, unsigned char *out, size_t n)
{
	if (slen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)s[2 * i]);
		int lo = hex_digit((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void
callback_tag(const unsigned char key[HITL_KEY_LEN], const char *nonce,
    char choice, const char *summary, unsigned char tag[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	const char sep[3] = { ':', choice, ':' };

	if (summary == NULL)
		summary = "";
	br_hmac_key_init(&kc, &br_sha256_vtable, key, HITL_KEY_LEN);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, nonce, strlen(nonce));
	br_hmac_update(&hc, sep, sizeof(sep));
	br_hmac_update(&hc, summary, strlen(summary));
	br_hmac_out(&hc, tag);
	explicit_bzero(&kc, sizeof(kc));
	explicit_bzero(&hc, sizeof(hc));
}

void
hitl_callback_data(const unsigned char key[HITL_KEY_LEN], const char *nonce,
    char choice, const char *summary, char out[HITL_DATA_MAX + 1])
{
	unsigned char tag[32];
	char hex[2 * HITL_TAG_LEN + 1];

	callback_tag(key, nonce, choice, summary, tag);
	hex_encode(tag, HITL_TAG_LEN, hex);
	snprintf(out, HITL_DATA_MAX + 1, "pxa:%s:%c:%s", nonce, choice, hex);
}

int
hitl_callback_check(const unsigned char key[HITL_KEY_LEN], const char *nonce,
    const char *summary, const char *data)
{
	unsigned char want[32], got[HITL_TAG_LEN], diff = 0;
	size_t nl = strlen(nonce);
	const char *p = data;
	char choice;

	if (data == NULL || strlen(data) > HITL_DATA_MAX ||
	    strncmp(p, "pxa:", 4) != 0)
		return 0;
	p += 4;
	if (nl == 0 || strncmp(p, nonce, nl) != 0 || p[nl] != ':')
		return 0;
	p += nl + 1;
	choice = *p;
	if ((choice != 'a' && choice != 'd') || p[1] != ':')
		return 0;
	p += 2;
	if (hex_decode(p, strlen(p), got, sizeof(got)) != 0)
		return 0;
	callback_tag(key, nonce, choice, summary, want);
	for (size_t i = 0; i < HITL_TAG_LEN; i++)
		diff |= (unsigned char)(want[i] ^ got[i]);
	return diff == 0 ? choice : 0;
}

/* ---- local state: the key, randomness, who asks ---- */

static int
random_bytes(void *p, size_t n, struct px_err *e)
{
	unsigned char *b = p;

	while (n > 0) {
		ssize_t r = getrandom(b, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return px_fail(e, PXE_IO, "getrandom: %s",
			    strerror(errno));
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Create path with a new random key, unless it exists.  The key is
 * written to a temporary file that link(2) then puts in place, so a
 * concurrent px never reads half a key and never replaces one. */
static int
key_create(const char *dir, const char *path, struct px_err *e)
{
	unsigned char key[HITL_KEY_LEN];
	char hex[2 * HITL_KEY_LEN + 2], *tmp;
	int fd, rc = -1;

	if (random_bytes(key, sizeof(key), e) != 0)
		return -1;
	hex_encode(key, sizeof(key), hex);
	explicit_bzero(key, sizeof(key));
	strcat(hex, "\n");
	tmp = px_xasprintf("%s/.hitl.key.XXXXXX", dir);
	if ((fd = mkstemp(tmp)) < 0) {	/* mkstemp creates 0600 */
		px_fail(e, PXE_IO, "cannot create %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex) ||
	    fsync(fd) != 0) {
		px_fail(e, PXE_IO, "cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (link(tmp, path) != 0 && errno != EEXIST)
		px_fail(e, PXE_IO, "cannot create %s: %s", path,
		    strerror(errno));
	else
		rc = 0;
	unlink(tmp);
out:
	explicit_bzero(hex, sizeof(hex));
	free(tmp);
	return rc;
}

/* The HMAC key: hitl.key in the data dir (64 hex digits, 0600), created
 * on first use; refused when others can read it. */
static int
hitl_key(unsigned char key[HITL_KEY_LEN], struct px_err *e)
{
	const char *dir = px_data_dir(e);
	struct stat st;
	char *path, *hex = NULL;
	int rc = -1;

	if (dir == NULL)
		return -1;
	path = px_xasprintf("%s/hitl.key", dir);
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (key_create(dir, path, e) != 0)
			goto out;
	}
	if (secret_file_read(path, &hex, e) != 0)
		goto out;
	if (hex_decode(hex, strlen(hex), key, HITL_KEY_LEN) != 0) {
		px_fail(e, PXE_CONFIG, "%s is not a key of %d hex bytes", path,
		    HITL_KEY_LEN);
		px_hint(e, "remove it: px makes a new one (buttons of pending "
		    "requests stop working)");
		goto out;
	}
	rc = 0;
out:
	secret_free(hex);
	free(path);
	return rc;
}

int
hitl_key_load(unsigned char key[HITL_KEY_LEN], struct px_err *e)
{
	return hitl_key(key, e);
}

int
hitl_nonce_new(char nonce[2 * HITL_NONCE_LEN + 1], struct px_err *e)
{
	unsigned char nb[HITL_NONCE_LEN];

	if (random_bytes(nb, sizeof(nb), e) != 0)
		return -1;
	hex_encode(nb, sizeof(nb), nonce);
	return 0;
}

/* "user@host" of the person running px. */
static const char *
whoami(void)
{
	static char who[320];
	const char *u;
	char host[256];

	if (px_whoami != NULL)
		return px_whoami();
	if ((u = getenv("USER")) == NULL || *u == '\0')
		u = getenv("LOGNAME");
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(who, sizeof(who), "%s@%s", u && *u ? u : "unknown", host);
	return who;
}

/* ---- the Bot API ---- */

struct tg {
	struct px_profile p;	/* api_url and its TLS trust */
	struct px_client *c;
	char *prefix;		/* "/bot<TOKEN>": a secret */
	long long chat, approver;
};

/* One answer of the Bot API: {"ok":true,"result":...}. */
struct tg_answer {
	struct px_call k;
	struct json j;
	int result;		/* token of "result" */
	int parsed;
};

static void
tg_answer_free(struct tg_answer *a)
{
	if (a->parsed)
		json_free(&a->j);
	px_call_free(&a->k);
	a->parsed = 0;
}

/* Hints that name [telegram] rather than a PVE profile. */
static void
tg_hint(struct px_err *e)
{
	switch (e->id) {
	case PXE_UNAUTHORIZED:
	case PXE_NOT_FOUND:
		px_hint(e, "check bot_token (or bot_token_file) and api_url in "
		    "[telegram]; the token comes from @BotFather");
		break;
	case PXE_TLS:
	case PXE_TLS_MISMATCH:
	case PXE_TLS_UNKNOWN:
		px_hint(e, "check api_url and the TLS keys of [telegram] "
		    "(fingerprint, ca_file, insecure)");
		break;
	default:
		break;
	}
}

/* Call method with a form body.  0 with a filled (free it with
 * tg_answer_free in every case), -1 with e set. */
static int
tg_call(struct tg *t, const char *method, const char *form,
    struct tg_answer *a, struct px_err *e)
{
	char *desc;

	memset(a, 0, sizeof(*a));
	a->result = -1;
	px_call_init(&a->k, t->c, "POST", form, "/%s", method);
	px_call_run(&a->k, 1);
	if (a->k.rc != 0) {
		*e = a->k.err;
		/* The Bot API explains itself in "description". */
		if (a->k.status && a->k.body.len && json_parse(&a->j,
		    a->k.body.p, a->k.body.len, NULL) == 0) {
			if ((desc = json_get_str(&a->j, 0, "description"))) {
				text_sanitize(desc);
				px_fail(e, e->id, "Telegram %s: %ld %s", method,
				    a->k.status, desc);
				e->http = (int)a->k.status;
				free(desc);
			}
			json_free(&a->j);
		}
		tg_hint(e);
		return -1;
	}
	if (json_parse(&a->j, a->k.body.p, a->k.body.len, e) != 0) {
		px_wrap(e, "Telegram %s", method);
		return -1;
	}
	a->parsed = 1;
	if (!json_get_bool(&a->j, 0, "ok", 0)) {
		desc = json_get_str(&a->j, 0, "description");
		if (desc)
			text_sanitize(desc);
		px_fail(e, PXE_API, "Telegram %s: %s", method,
		    desc ? desc : "refused");
		free(desc);
		return -1;
	}
	a->result = json_get(&a->j, 0, "result");
	return 0;
}

/* Call method and ignore the answer (best effort: an answer to a button,
 * an edit). */
static void
tg_call_quiet(struct tg *t, const char *method, const char *form)
{
	struct tg_answer a;
	struct px_err e;

	tg_call(t, method, form, &a, &e);
	tg_answer_free(&a);
}

static void
tg_close(struct tg *t)
{
	px_client_free(t->c);
	secret_free(t->prefix);
	free(t->p.name);
	free(t->p.user);
	free(t->p.url);
	free(t->p.fingerprint);
	free(t->p.ca_file);
	memset(t, 0, sizeof(*t));
}

static int
not_configured(struct px_err *e, const char *policy, const char *why)
{
	px_fail(e, PXE_HITL_DENIED, "approval required by policy %s but "
	    "Telegram is not configured (%s); refused", policy, why);
	px_hint(e, "set bot_token_file, chat_id and approver in [telegram] "
	    "of px.conf (see px.conf(5)), or change [policy %s]", policy);
	return -1;
}

static int
parse_id(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || end == s || *end != '\0' || *out == 0 ? -1 : 0;
}

static int
tg_bad(struct px_err *e, const struct px_conf *c, const char *key,
    const char *what)
{
	px_fail(e, PXE_CONFIG, "%s: [telegram] %s: %s", c->path, key, what);
	px_hint(e, "see px.conf(5) for the keys and their values");
	return -1;
}

/* The bot token: bot_token_file (0600) or an inline bot_token (in a
 * config file only its owner can read).  *out malloc'd. */
static int
tg_token(const struct px_conf *c, char **out, struct px_err *e)
{
	const char *file = conf_get(c, "telegram", "bot_token_file");
	const char *inl = conf_get(c, "telegram", "bot_token");
	const char *home = getenv("HOME");
	char *path;
	int rc;

	*out = NULL;
	if (file != NULL && *file != '\0') {
		if (file[0] == '~' && file[1] == '/' && home && *home)
			path = px_xasprintf("%s%s", home, file + 1);
		else
			path = px_xstrdup(file);
		rc = secret_file_read(path, out, e);
		free(path);
		return rc;
	}
	if (c->mode & 077) {
		px_fail(e, PXE_SECRET_PERMS, "%s holds the bot token and is "
		    "accessible by others (mode %04o); refusing to use it",
		    c->path, (unsigned)(c->mode & 07777));
		px_hint(e, "chmod 600 %s, or move the token to a 0600 "
		    "bot_token_file", c->path);
		return -1;
	}
	*out = px_xstrdup(inl);
	return 0;
}

/* Read [telegram] and connect to the Bot API. */
static int
tg_open(struct tg *t, const struct px_conf *c, const char *policy,
    struct px_err *e)
{
	struct px_client_opts o = { 0 };
	const char *chat = conf_get(c, "telegram", "chat_id");
	const char *approver = conf_get(c, "telegram", "approver");
	const char *tok = conf_get(c, "telegram", "bot_token");
	const char *tokf = conf_get(c, "telegram", "bot_token_file");
	const char *url = conf_get(c, "telegram", "api_url");
	const char *fp = conf_get(c, "telegram", "fingerprint");
	const char *ca = conf_get(c, "telegram", "ca_file");
	const char *insecure = conf_get(c, "telegram", "insecure");
	char *token = NULL;
	size_t n;
	int have = 0, b;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < c->nkv && !have; i++)
		have = strcmp(c->kv[i].section, "telegram") == 0;
	if (!have)
		return not_configured(e, policy, "no [telegram] section");
	if ((tok == NULL || *tok == '\0') && (tokf == NULL || *tokf == '\0'))
		return not_configured(e, policy, "no bot_token_file in "
		    "[telegram]");
	if (chat == NULL || *chat == '\0')
		return not_configured(e, policy, "no chat_id in [telegram]");
	if (approver == NULL || *approver == '\0')
		return not_configured(e, policy, "no approver in [telegram]");
	if (parse_id(chat, &t->chat) != 0)
		return tg_bad(e, c, "chat_id", "not a Telegram chat id");
	if (parse_id(approver, &t->approver) != 0 || t->approver < 0)
		return tg_bad(e, c, "approver", "not a Telegram user id");
	if (url == NULL || *url == '\0')
		url = API_DEFAULT;
	if (strncmp(url, "https://", 8) != 0 || url[8] == '\0')
		return tg_bad(e, c, "api_url", "not an https:// URL");
	t->p.url = px_xstrdup(url);
	n = strlen(t->p.url);
	while (n > 8 && t->p.url[n - 1] == '/')
		t->p.url[--n] = '\0';
	if (fp && *fp && conf_norm_fingerprint(fp, &t->p.fingerprint) != 0)
		return tg_bad(e, c, "fingerprint", "not a SHA-256 fingerprint "
		    "(64 hex digits, colons optional)");
	if (ca && *ca)
		t->p.ca_file = px_xstrdup(ca);
	if (insecure) {
		if ((b = conf_parse_bool(insecure)) < 0)
			return tg_bad(e, c, "insecure", "not yes or no");
		t->p.insecure = b;
	}
	t->p.name = px_xstrdup("telegram");
	t->p.kind = PX_KIND_PVE;
	t->p.user = px_xstrdup("");
	t->p.auth = PX_AUTH_TOKEN;
	t->p.timeout = POLL_MAX + 20;
	t->p.connect_timeout = 10;
	t->p.retries = 0;

	if (tg_token(c, &token, e) != 0)
		return -1;
	/* The token goes into a URL path: allow only its own alphabet. */
	if (strspn(token, "0123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz_-") != strlen(token) ||
	    strchr(token, ':') == NULL) {
		secret_free(token);
		return tg_bad(e, c, "bot_token", "not a Telegram bot token "
		    "(digits:letters)");
	}
	t->prefix = px_xasprintf("/bot%s", token);
	secret_free(token);
	o.api_prefix = t->prefix;
	o.no_auth = 1;
	if ((t->c = px_client_new(c, &t->p, &o, e)) == NULL) {
		tg_hint(e);
		px_wrap(e, "approval required by policy %s, but Telegram "
		    "cannot be reached", policy);
		e->id = PXE_HITL_DENIED;
		return -1;
	}
	return 0;
}

/* ---- asking ---- */

static char *
request_text(const struct hitl_request *r, const char *policy, long timeout,
    const char *requester, const char *note)
{
	struct buf b = { 0 };
	const char *sum = r->summary ? r->summary : "-";
	size_t n = strlen(sum);

	if (n > SUMMARY_MAX) {
		/* Cut on a character boundary: Telegram wants UTF-8. */
		n = SUMMARY_MAX;
		while (n > 0 && ((unsigned char)sum[n] & 0xc0) == 0x80)
			n--;
	}
	buf_printf(&b, "px asks for approval\n\n");
	buf_printf(&b, "profile: %s\n", r->profile ? r->profile : "-");
	buf_printf(&b, "action: %s\n", r->action ? r->action : "-");
	if (r->vmid > 0)
		buf_printf(&b, "target: guest %d\n", r->vmid);
	buf_printf(&b, "summary: %.*s%s\n", (int)n, sum,
	    sum[n] ? "..." : "");
	buf_printf(&b, "asked by: %s\n", requester ? requester :
	    whoami());
	buf_printf(&b, "policy: %s\n", policy);
	if (note)
		buf_printf(&b, "%s\n", note);
	buf_printf(&b, "answer within %ld s, or it is denied", timeout);
	return buf_steal(&b);
}

static char *
keyboard(const char *approve, const char *deny)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "inline_keyboard");
	jw_arr(&w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "text", "Approve");
	jw_kstr(&w, "callback_data", approve);
	jw_end(&w);
	jw_end(&w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "text", "Deny");
	jw_kstr(&w, "callback_data", deny);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	jw_end(&w);
	return buf_steal(&b);
}

/* Post the request; its message id in *msgid. */
static int
tg_send(struct tg *t, const char *text, const char *markup,
    long long *msgid, struct px_err *e)
{
	struct tg_answer a;
	struct buf f = { 0 };
	long long id = 0;
	int rc = -1;

	form_addf(&f, "chat_id", "%lld", t->chat);
	form_add(&f, "text", text);
	form_add(&f, "reply_markup", markup);
	if (tg_call(t, "sendMessage", f.p, &a, e) == 0) {
		if (json_int(&a.j, json_get(&a.j, a.result, "message_id"),
		    &id) != 0 || id == 0)
			px_fail(e, PXE_PARSE, "Telegram sendMessage: no "
			    "message_id in the answer");
		else
			rc = 0;
	}
	tg_answer_free(&a);
	buf_free(&f);
	*msgid = id;
	return rc;
}

static void
tg_answer_callback(struct tg *t, const char *id, const char *text)
{
	struct buf f = { 0 };

	form_add(&f, "callback_query_id", id);
	form_add(&f, "text", text);
	tg_call_quiet(t, "answerCallbackQuery", f.p);
	buf_free(&f);
}

/* Replace the request's text (and drop its buttons). */
static void
tg_edit(struct tg *t, long long msgid, const char *text, const char *tail)
{
	struct buf f = { 0 }, s = { 0 };

	buf_printf(&s, "%s\n\n%s", text, tail);
	form_addf(&f, "chat_id", "%lld", t->chat);
	form_addf(&f, "message_id", "%lld", msgid);
	form_add(&f, "text", s.p);
	tg_call_quiet(t, "editMessageText", f.p);
	buf_free(&f);
	buf_free(&s);
}

/* "@name (id)" of the user who pressed, from a callback_query. */
static void
from_name(const struct json *j, int cq, char *out, size_t n)
{
	int from = json_get(j, cq, "from");
	char *u = json_get_str(j, from, "username");
	char *f = json_get_str(j, from, "first_name");
	long long id = json_get_int(j, from, "id", 0);

	if (u && *u)
		snprintf(out, n, "@%s (%lld)", u, id);
	else if (f && *f)
		snprintf(out, n, "%s (%lld)", f, id);
	else
		snprintf(out, n, "%lld", id);
	text_sanitize(out);
	free(u);
	free(f);
}

struct wait {
	long long msgid;
	const unsigned char *key;
	const char *nonce;
	const char *summary;
};

/* Judge one callback_query: 'a' or 'd' when it is the approver's answer
 * to this request, 0 otherwise. */
static int
judge(const struct tg *t, const struct wait *w, const struct json *j, int cq)
{
	long long chat, from, msg;
	char *data;
	int choice;

	if (json_int(j, json_path(j, cq, "message.chat.id"), &chat) != 0 ||
	    chat != t->chat)
		return 0;
	if (json_int(j, json_path(j, cq, "from.id"), &from) != 0 ||
	    from != t->approver)
		return 0;
	if (json_int(j, json_path(j, cq, "message.message_id"), &msg) != 0 ||
	    msg != w->msgid)
		return 0;
	data = json_get_str(j, cq, "data");
	choice = data ? hitl_callback_check(w->key, w->nonce, w->summary,
	    data) : 0;
	free(data);
	return choice;
}

static int
transient(enum px_errid id)
{
	return id == PXE_TRANSPORT || id == PXE_TIMEOUT ||
	    id == PXE_UNAVAILABLE || id == PXE_RATE_LIMITED;
}

/* Sleep for up to s seconds, not past the deadline. */
static void
nap(double s, double deadline)
{
	double left = deadline - px_mono();

	if (left > s)
		left = s;
	if (left > 0)
		usleep((useconds_t)(left * 1e6));
}

/*
 * The presses kept for msgid by the px that reads getUpdates for this
 * data dir (hitl_relay.h; 0: px daemon's), each parsed again -- they came
 * from Telegram -- and handed to fn while it returns 0.  Returns fn's
 * last answer, 0 when none stopped it.  A row that is not one JSON
 * object is dropped.
 */
static int
relay_each(struct hitl_relay *rl, long long msgid,
    int (*fn)(void *arg, const struct json *j), void *arg)
{
	struct px_err re;
	struct json j;
	char *cq;
	size_t n;
	int rc = 0;

	while (rc == 0 && hitl_relay_take(rl, msgid, &cq, &n, &re) == 1) {
		if (json_parse(&j, cq, n, &re) == 0) {
			if (json_type(&j, 0) == JSON_OBJECT)
				rc = fn(arg, &j);
			json_free(&j);
		}
		free(cq);
	}
	return rc;
}

/* Update uid, press cq of j, read by this px (the reader) on a message
 * that is not own: 1 when it was kept for the px that waits for it (not
 * to be answered here), else 0. */
static int
relay_keep(struct hitl_relay *rl, const struct json *j, int cq,
    long long uid, long long own)
{
	struct px_err re;
	const char *raw;
	long long msg;
	size_t n;

	return rl != NULL && json_int(j, json_path(j, cq,
	    "message.message_id"), &msg) == 0 && msg != own &&
	    (raw = json_raw(j, cq, &n)) != NULL &&
	    hitl_relay_spool(rl, uid, msg, raw, n, &re) == 1;
}

/* A press kept for a waiting request: judged and answered as tg_wait
 * judges the ones it reads. */
struct relayed {
	struct tg *t;
	const struct wait *w;
	char *who;
	size_t whon;
};

static int
relayed_press(void *arg, const struct json *j)
{
	struct relayed *r = arg;
	char *id = json_get_str(j, 0, "id");
	int choice = judge(r->t, r->w, j, 0);

	if (choice != 0)
		from_name(j, 0, r->who, r->whon);
	if (id)
		tg_answer_callback(r->t, id, choice == 0 ? "not accepted" :
		    choice == 'a' ? "approved" : "denied");
	free(id);
	return choice;
}

/*
 * Long-poll getUpdates until the approver answers or the deadline.
 * Returns 'a', 'd', 0 on timeout (with *who set for an answer), -2 when
 * the tick abandoned the wait, or -1 with e set.  Every callback that
 * is not the answer is told "not accepted".  The answer's update is
 * confirmed, so no later poll (of this px or another) sees it again; it
 * could not be accepted again anyway, since its nonce belongs to this
 * request only.
 *
 * Other px of this data dir may wait for presses at the same time (px
 * daemon, another approval): only one of them reads getUpdates, and it
 * hands each press on another's message to that one (hitl_relay.h).
 * This px reads while it leads (rl), and otherwise takes what the
 * leader kept for it.  Without the relay (rl NULL: its files could not
 * be opened) it reads alone.
 */
static int
tg_wait_relay(struct tg *t, const struct wait *w, struct hitl_relay *rl,
    long timeout, char *who, size_t whon, const struct hitl_tick *tick,
    struct px_err *e)
{
	double begun = px_mono(), deadline = begun + timeout, left;
	double ticked = begun;
	long long offset = 0;
	struct relayed rd = { t, w, who, whon };

	while ((left = deadline - px_mono()) > 0) {
		struct tg_answer a;
		struct buf f = { 0 };
		long poll = left >= POLL_MAX ? POLL_MAX : (long)left + 1;
		double started = px_mono();
		int u, i, choice = 0;

		if (tick && tick->fn) {
			if (started - ticked >= tick->every) {
				ticked = started;
				if (tick->fn(tick->arg, started - begun,
				    timeout) != 0)
					return -2;
			}
			if (tick->every >= 1 && poll > (long)tick->every)
				poll = (long)tick->every;
		}
		if (rl != NULL) {
			if ((choice = relay_each(rl, w->msgid, relayed_press,
			    &rd)) != 0)
				return choice;
			if (!hitl_relay_lead(rl)) {
				/* another px reads: what it keeps for
				 * this one is looked for twice a second */
				nap(0.5, deadline);
				continue;
			}
		}

		if (offset > 0)
			form_addf(&f, "offset", "%lld", offset);
		form_addf(&f, "timeout", "%ld", poll);
		form_add(&f, "allowed_updates", "[\"callback_query\"]");
		if (tg_call(t, "getUpdates", f.p, &a, e) != 0) {
			tg_answer_free(&a);
			buf_free(&f);
			/* 409: another reader of this bot (another
			 * machine, or a px without the relay) ended this
			 * long poll; it is asked again, like a dropped one. */
			if (!transient(e->id) && e->http != 409)
				return -1;
			nap(1, deadline);
			continue;
		}
		buf_free(&f);
		JSON_FOREACH(&a.j, a.result, u, i) {
			long long uid = json_get_int(&a.j, u, "update_id", -1);
			int cq = json_get(&a.j, u, "callback_query");
			char *id;

			if (uid >= offset)
				offset = uid + 1;
			/* Another px's press: kept for it, not answered. */
			if (json_type(&a.j, cq) != JSON_OBJECT ||
			    relay_keep(rl, &a.j, cq, uid, w->msgid))
				continue;
			id = json_get_str(&a.j, cq, "id");
			choice = judge(t, w, &a.j, cq);
			if (choice == 0) {
				if (id)
					tg_answer_callback(t, id,
					    "not accepted");
				free(id);
				continue;
			}
			from_name(&a.j, cq, who, whon);
			if (id)
				tg_answer_callback(t, id, choice == 'a' ?
				    "approved" : "denied");
			free(id);
			break;
		}
		if (json_len(&a.j, a.result) == 0 &&
		    px_mono() - started < 0.5)
			/* An empty answer long before the poll's timeout:
			 * a server that does not long-poll.  Do not spin. */
			nap(0.5, deadline);
		tg_answer_free(&a);
		if (choice != 0) {
			/* Confirm the answer's update and nothing after. */
			buf_printf(&f, "offset=%lld&timeout=0&limit=1", offset);
			tg_call_quiet(t, "getUpdates", f.p);
			buf_free(&f);
			return choice;
		}
	}
	return 0;
}

static int
tg_wait(struct tg *t, const struct wait *w, long timeout, char *who,
    size_t whon, const struct hitl_tick *tick, struct px_err *e)
{
	struct hitl_relay *rl = NULL;
	struct px_err re;
	int rc;

	if (hitl_relay_open(&rl, &re) == 0 &&
	    hitl_relay_wait(rl, w->msgid, &re) != 0) {
		hitl_relay_close(rl);
		rl = NULL;
	}
	rc = tg_wait_relay(t, w, rl, timeout, who, whon, tick, e);
	hitl_relay_close(rl);
	return rc;
}

int
hitl_approve(const struct px_conf *c, const char *policy,
    const struct hitl_request *r, char *who, size_t whon, struct px_err *e)
{
	return hitl_approve_ticking(c, policy, r, who, whon, NULL, e);
}

int
hitl_approve_ticking(const struct px_conf *c, const char *policy,
    const struct hitl_request *r, char *who, size_t whon,
    const struct hitl_tick *tick, struct px_err *e)
{
	struct tg t = { 0 };
	struct wait w = { 0 };
	unsigned char key[HITL_KEY_LEN], nb[HITL_NONCE_LEN];
	char nonce[2 * HITL_NONCE_LEN + 1], approve[HITL_DATA_MAX + 1];
	char deny[HITL_DATA_MAX + 1], by[256] = "", tail[320];
	char *text = NULL, *markup = NULL;
	long timeout;
	int rc = -1, choice;

	if (who && whon)
		who[0] = '\0';
	if (hitl_policy_check(c, policy, e) != 0 ||
	    (timeout = hitl_timeout(c, policy, e)) < 0)
		return -1;
	if (tg_open(&t, c, policy, e) != 0)
		goto out;
	if (hitl_key(key, e) != 0 || random_bytes(nb, sizeof(nb), e) != 0)
		goto out;
	hex_encode(nb, sizeof(nb), nonce);
	hitl_callback_data(key, nonce, 'a', r->summary, approve);
	hitl_callback_data(key, nonce, 'd', r->summary, deny);
	text = request_text(r, policy, timeout, NULL, NULL);
	markup = keyboard(approve, deny);
	w.key = key;
	w.nonce = nonce;
	w.summary = r->summary;
	if (tg_send(&t, text, markup, &w.msgid, e) != 0) {
		px_wrap(e, "approval required by policy %s, but it could not "
		    "be asked for", policy);
		e->id = PXE_HITL_DENIED;
		goto out;
	}
	choice = tg_wait(&t, &w, timeout, by, sizeof(by), tick, e);
	if (choice == -2) {
		px_fail(e, PXE_HITL_DENIED, "the wait for approval (policy %s) "
		    "was abandoned: refused", policy);
		tg_edit(&t, w.msgid, text, "ABANDONED: the request was "
		    "withdrawn; refused");
	} else if (choice < 0) {
		px_wrap(e, "approval required by policy %s; waiting for the "
		    "answer failed, so it is refused", policy);
		e->id = PXE_HITL_DENIED;
		tg_edit(&t, w.msgid, text, "ERROR: px stopped waiting; "
		    "refused");
	} else if (choice == 'a') {
		snprintf(tail, sizeof(tail), "APPROVED by %s", by);
		tg_edit(&t, w.msgid, text, tail);
		if (who && whon)
			snprintf(who, whon, "%s", by);
		rc = 0;
	} else if (choice == 'd') {
		snprintf(tail, sizeof(tail), "DENIED by %s", by);
		tg_edit(&t, w.msgid, text, tail);
		if (who && whon)
			snprintf(who, whon, "%s", by);
		px_fail(e, PXE_HITL_DENIED, "denied by %s on Telegram (policy "
		    "%s)", by, policy);
	} else {
		snprintf(tail, sizeof(tail), "EXPIRED: no answer within %ld s; "
		    "refused", timeout);
		tg_edit(&t, w.msgid, text, tail);
		px_fail(e, PXE_HITL_TIMEOUT, "no answer on Telegram within "
		    "%ld s (policy %s); refused", timeout, policy);
		px_hint(e, "ask the approver and run the command again, or "
		    "raise timeout in [policy %s]", policy);
	}
out:
	explicit_bzero(key, sizeof(key));
	free(text);
	free(markup);
	tg_close(&t);
	return rc;
}

int
hitl_notify(const struct px_conf *c, const char *text, struct px_err *e)
{
	struct tg t;
	struct tg_answer a;
	struct buf f = { 0 };
	int rc;

	if (tg_open(&t, c, "(alerts)", e) != 0) {
		tg_close(&t);
		/* not an approval: say what it is */
		if (strstr(e->msg, "not configured") != NULL)
			px_fail(e, PXE_CONFIG, "route telegram: [telegram] "
			    "needs bot_token_file, chat_id and approver");
		else
			px_wrap(e, "route telegram");
		e->id = e->id == PXE_HITL_DENIED ? PXE_TRANSPORT : e->id;
		return -1;
	}
	form_addf(&f, "chat_id", "%lld", t.chat);
	form_add(&f, "text", text);
	rc = tg_call(&t, "sendMessage", f.p, &a, e);
	tg_answer_free(&a);
	buf_free(&f);
	tg_close(&t);
	return rc;
}

/* ---- the same conversation in steps, for px daemon's queue ---- */

struct hitl_bot {
	struct tg t;
	unsigned char key[HITL_KEY_LEN];
	struct hitl_relay *relay;	/* NULL: reads alone */
};

int
hitl_bot_open(const struct px_conf *c, struct hitl_bot **out,
    struct px_err *e)
{
	struct hitl_bot *b = px_xcalloc(1, sizeof(*b));

	*out = NULL;
	if (tg_open(&b->t, c, "(queued approvals)", e) != 0 ||
	    hitl_key(b->key, e) != 0) {
		hitl_bot_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

void
hitl_bot_close(struct hitl_bot *b)
{
	if (b == NULL)
		return;
	tg_close(&b->t);
	hitl_relay_close(b->relay);
	explicit_bzero(b->key, sizeof(b->key));
	free(b);
}

char *
hitl_request_text(const struct hitl_request *r, const char *policy,
    long timeout, const char *requester, const char *note)
{
	return request_text(r, policy, timeout, requester, note);
}

int
hitl_bot_ask(struct hitl_bot *b, const struct hitl_request *r,
    const char *text, const char *nonce, long long *msgid,
    struct px_err *e)
{
	char approve[HITL_DATA_MAX + 1], deny[HITL_DATA_MAX + 1];
	char *markup;
	int rc;

	hitl_callback_data(b->key, nonce, 'a', r->summary, approve);
	hitl_callback_data(b->key, nonce, 'd', r->summary, deny);
	markup = keyboard(approve, deny);
	rc = tg_send(&b->t, text, markup, msgid, e);
	free(markup);
	return rc;
}

int
hitl_bot_check(const struct hitl_bot *b, const char *nonce,
    const char *summary, const char *data)
{
	return hitl_callback_check(b->key, nonce, summary, data);
}

void
hitl_bot_edit(struct hitl_bot *b, long long msgid, const char *text,
    const char *tail)
{
	if (msgid > 0)
		tg_edit(&b->t, msgid, text, tail);
}

/* One press read for px daemon (update or relayed): handed to fn when it
 * comes from the approver in the chat, answered as fn says (anything
 * else "not accepted"). */
static void
bot_press(struct hitl_bot *b, const struct json *j, int cq,
    const char *(*fn)(void *arg, const char *data, const char *who),
    void *arg)
{
	long long chat, from;
	const char *reply = "not accepted";
	char who[256], *id, *data;

	id = json_get_str(j, cq, "id");
	data = json_get_str(j, cq, "data");
	if (json_int(j, json_path(j, cq, "message.chat.id"), &chat) == 0 &&
	    chat == b->t.chat &&
	    json_int(j, json_path(j, cq, "from.id"), &from) == 0 &&
	    from == b->t.approver && data != NULL &&
	    strlen(data) <= HITL_DATA_MAX) {
		from_name(j, cq, who, sizeof(who));
		reply = fn(arg, data, who);
	}
	if (id && reply)
		tg_answer_callback(&b->t, id, reply);
	free(id);
	free(data);
}

/* A press kept for px daemon: handed to bot_press. */
struct bot_kept {
	struct hitl_bot *b;
	const char *(*fn)(void *arg, const char *data, const char *who);
	void *arg;
	int n;
};

static int
bot_kept_press(void *arg, const struct json *j)
{
	struct bot_kept *k = arg;

	k->n++;
	bot_press(k->b, j, 0, k->fn, k->arg);
	return 0;
}

int
hitl_bot_poll(struct hitl_bot *b, long long *offset,
    const char *(*fn)(void *arg, const char *data, const char *who),
    void *arg, struct px_err *e)
{
	struct tg_answer a;
	struct buf f = { 0 };
	struct px_err re;
	struct bot_kept k = { b, fn, arg, 0 };
	long long first = *offset;
	int u, i, n;

	/* px daemon waits for the presses on every message that no other
	 * px waits for (hitl_relay.h); it reads getUpdates only while no
	 * other px does, and takes what that one kept for it. */
	if (b->relay == NULL && hitl_relay_open(&b->relay, &re) != 0)
		b->relay = NULL;
	if (b->relay != NULL && hitl_relay_wait(b->relay, 0, &re) != 0) {
		hitl_relay_close(b->relay);
		b->relay = NULL;
	}
	if (b->relay != NULL)
		relay_each(b->relay, 0, bot_kept_press, &k);
	n = k.n;
	if (b->relay != NULL && !hitl_relay_lead(b->relay))
		return n;
	if (*offset > 0)
		form_addf(&f, "offset", "%lld", *offset);
	form_add(&f, "timeout", "0");
	form_add(&f, "allowed_updates", "[\"callback_query\"]");
	if (tg_call(&b->t, "getUpdates", f.p, &a, e) != 0) {
		tg_answer_free(&a);
		buf_free(&f);
		return -1;
	}
	buf_free(&f);
	JSON_FOREACH(&a.j, a.result, u, i) {
		long long uid = json_get_int(&a.j, u, "update_id", -1);
		int q = json_get(&a.j, u, "callback_query");

		if (uid < first)
			continue;	/* confirmed already */
		if (uid >= *offset)
			*offset = uid + 1;
		/* A press another px waits for: kept for it. */
		if (json_type(&a.j, q) != JSON_OBJECT ||
		    relay_keep(b->relay, &a.j, q, uid, 0))
			continue;
		n++;
		bot_press(b, &a.j, q, fn, arg);
	}
	tg_answer_free(&a);
	if (*offset > first) {
		/* confirm what was seen: no later poll sees it again */
		buf_printf(&f, "offset=%lld&timeout=0&limit=1", *offset);
		tg_call_quiet(&b->t, "getUpdates", f.p);
		buf_free(&f);
	}
	return n;
}
