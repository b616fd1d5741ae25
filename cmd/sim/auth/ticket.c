/*
 * ticket.c -- how pxsim knows who asks: API tokens, PVE/PBS tickets and
 * CSRF prevention tokens (HMAC-signed with the instance's keys), logins
 * with a password or a ticket to renew.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"


static void
hmac_b64(const char *key, const char *msg, char *out, size_t outn)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char d[32];
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, strlen(key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, strlen(msg));
	br_hmac_out(&hc, d);
	for (i = 0; i + 2 < 32 && o + 5 < outn; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 |
		    d[i + 2];

		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (o + 4 < outn) {	/* the last 2 bytes */
		unsigned v = (unsigned)d[30] << 16 | (unsigned)d[31] << 8;

		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
}

static int
ct_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;
	unsigned char d = na != nb;

	for (i = 0; i < na && i < nb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Build a ticket "PVE:user:HEXTIME::sig" for user at time t. */
static void
make_ticket(struct sim *s, const char *prefix, const char *user, time_t t,
    char *out, size_t n)
{
	char msg[256], sig[64];

	snprintf(msg, sizeof(msg), "%s:%s:%08X", prefix, user, (unsigned)t);
	hmac_b64(s->ticket_key, msg, sig, sizeof(sig));
	snprintf(out, n, "%s::%s", msg, sig);
}

static void
make_csrf(struct sim *s, const char *user, time_t t, char *out, size_t n)
{
	char msg[256], sig[64];

	snprintf(msg, sizeof(msg), "%08X:%s", (unsigned)t, user);
	hmac_b64(s->csrf_key, msg, sig, sizeof(sig));
	snprintf(out, n, "%08X:%s", (unsigned)t, sig);
}

/* Verify a ticket; 0 and the user in user[] when valid. */
static int
check_ticket(struct sim *s, const char *prefix, const char *ticket,
    char *user, size_t usern)
{
	char pfx[16], want[512];
	const char *p, *q;
	unsigned long t;
	char *end;
	time_t now = sim_now(s);

	snprintf(pfx, sizeof(pfx), "%s:", prefix);
	if (strncmp(ticket, pfx, strlen(pfx)) != 0)
		return -1;
	p = ticket + strlen(pfx);
	if ((q = strchr(p, ':')) == NULL || (size_t)(q - p) >= usern)
		return -1;
	snprintf(user, usern, "%.*s", (int)(q - p), p);
	t = strtoul(q + 1, &end, 16);
	if (end != q + 9 || strncmp(end, "::", 2) != 0)
		return -1;
	make_ticket(s, prefix, user, (time_t)t, want, sizeof(want));
	if (!ct_equal(want, ticket))
		return -1;
	if ((time_t)t > now + 300 || now - (time_t)t > 7200)
		return -1;
	return 0;
}

static int
check_csrf(struct sim *s, const char *user, const char *tok)
{
	char want[128];
	unsigned long t;
	char *end;
	time_t now = sim_now(s);

	if (tok == NULL)
		return -1;
	t = strtoul(tok, &end, 16);
	if (end != tok + 8 || *end != ':')
		return -1;
	make_csrf(s, user, (time_t)t, want, sizeof(want));
	if (!ct_equal(want, tok))
		return -1;
	return now - (time_t)t > 7200 ? -1 : 0;
}

/* The value of cookie name in the Cookie header (decoded); caller frees. */
static char *
cookie_value(const struct sim_req *rq, const char *name)
{
	const char *c = sim_header(rq, "cookie"), *p;
	size_t n = strlen(name);

	for (p = c; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t len = strcspn(p + n + 1, ";");

			return sim_pct_decode(p + n + 1, len, 0);
		}
		p += strcspn(p, ";");
	}
	return NULL;
}

static void
set_identity(struct sim_req *rq, enum sim_auth kind, const char *user,
    const char *token)
{
	rq->auth = kind;
	snprintf(rq->userbuf, sizeof(rq->userbuf), "%s", user);
	rq->user = rq->userbuf;
	if (token) {
		snprintf(rq->tokenbuf, sizeof(rq->tokenbuf), "%s", token);
		rq->token = rq->tokenbuf;
		snprintf(rq->authidbuf, sizeof(rq->authidbuf), "%s!%s", user,
		    token);
	} else {
		snprintf(rq->authidbuf, sizeof(rq->authidbuf), "%s", user);
	}
	rq->authid = rq->authidbuf;
}

/*
 * Authenticate rq.  Returns 0 (rq->auth says what, possibly NONE), or -1
 * with a 401 in rs for a credential that was presented and refused.
 */
int
auth_request(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	int pbs = rq->listener == SIM_LISTEN_PBS;
	const char *h = sim_header(rq, "authorization");
	const char *scheme = pbs ? "PBSAPIToken" : "PVEAPIToken";
	char *cookie;

	rq->auth = SIM_AUTH_NONE;
	if (h && strncmp(h, scheme, strlen(scheme)) == 0 &&
	    (h[strlen(scheme)] == '=' || h[strlen(scheme)] == ' ')) {
		const char *id = h + strlen(scheme) + 1;
		const char *bang = strchr(id, '!');
		const char *sep = bang ? strchr(bang, pbs ? ':' : '=') : NULL;
		char user[128], tok[64];
		char *secret = NULL;
		int ok = 0;

		if (bang && sep && bang - id < (long)sizeof(user) &&
		    sep - bang - 1 < (long)sizeof(tok) && sep > bang + 1) {
			snprintf(user, sizeof(user), "%.*s", (int)(bang - id),
			    id);
			snprintf(tok, sizeof(tok), "%.*s", (int)(sep - bang - 1),
			    bang + 1);
			if (pbs) {
				char key[256];

				snprintf(key, sizeof(key), "secret.pbs.%s!%s",
				    user, tok);
				secret = model_setting(s, key);
			} else if (auth_user_enabled(s, user)) {
				secret = model_token_secret(s, user, tok);
			}
			if (secret && ct_equal(secret, sep + 1))
				ok = 1;
			if (ok && !pbs) {
				char aid[200];

				snprintf(aid, sizeof(aid), "%s!%s", user, tok);
				if (!auth_token_valid(s, aid))
					ok = 0;
			}
			free(secret);
		}
		if (!ok) {
			rq->auth = SIM_AUTH_INVALID;
			rs->status = 401;
			snprintf(rs->reason, sizeof(rs->reason),
			    "invalid token value!");
			buf_reset(&rs->body);
			return -1;
		}
		set_identity(rq, SIM_AUTH_TOKEN, user, tok);
		rq->csrf_ok = 1;
		return 0;
	}
	cookie = cookie_value(rq, pbs ? "PBSAuthCookie" : "PVEAuthCookie");
	if (cookie != NULL) {
		char user[128];

		if (check_ticket(s, pbs ? "PBS" : "PVE", cookie, user,
		    sizeof(user)) != 0 || (!pbs && !auth_user_enabled(s, user))) {
			free(cookie);
			rq->auth = SIM_AUTH_INVALID;
			sim_error(rs, 401, "%s", pbs ? "authentication failed - "
			    "invalid ticket" : "permission denied - invalid PVE "
			    "ticket");
			return -1;
		}
		free(cookie);
		set_identity(rq, SIM_AUTH_TICKET, user, NULL);
		rq->csrf_ok = check_csrf(s, user, sim_header(rq,
		    "csrfpreventiontoken")) == 0;
		return 0;
	}
	if (h != NULL)
		rq->auth = SIM_AUTH_INVALID;
	return 0;
}

/* Initialise the pipeline state (ticket keys). */
void
auth_init(struct sim *s)
{
	char *k = model_setting(s, "ticket_key");
	unsigned char r[32];

	if (k == NULL) {
		tls_random(r, sizeof(r));
		sim_hex(r, 32, s->ticket_key);
		model_set_setting(s, "ticket_key", s->ticket_key);
	} else {
		snprintf(s->ticket_key, sizeof(s->ticket_key), "%s", k);
		free(k);
	}
	k = model_setting(s, "csrf_key");
	if (k == NULL) {
		tls_random(r, sizeof(r));
		sim_hex(r, 32, s->csrf_key);
		model_set_setting(s, "csrf_key", s->csrf_key);
	} else {
		snprintf(s->csrf_key, sizeof(s->csrf_key), "%s", k);
		free(k);
	}
	snprintf(s->clustername, sizeof(s->clustername), "pxsim");
}


/* 1 when password is user's password, or a valid ticket of user (a
 * renewal), and user may log in (on PBS: root@pam only). */
int
auth_login(struct sim *s, const char *user, const char *password, int pbs)
{
	char tuser[160];
	char *pw;
	int ok = 0;

	if (check_ticket(s, pbs ? "PBS" : "PVE", password, tuser,
	    sizeof(tuser)) == 0 && strcmp(tuser, user) == 0)
		ok = 1;		/* renewal */
	else if ((pw = model_password(s, user)) != NULL) {
		ok = ct_equal(pw, password);
		free(pw);
	}
	if (ok && !pbs && !auth_user_enabled(s, user))
		ok = 0;
	if (ok && pbs && strcmp(user, "root@pam") != 0)
		ok = 0;
	return ok;
}

/* A new ticket and CSRF prevention token for user, issued now. */
void
auth_ticket_new(struct sim *s, int pbs, const char *user, char *ticket,
    size_t ticketn, char *csrf, size_t csrfn)
{
	time_t now = sim_now(s);

	make_ticket(s, pbs ? "PBS" : "PVE", user, now, ticket, ticketn);
	make_csrf(s, user, now, csrf, csrfn);
}
