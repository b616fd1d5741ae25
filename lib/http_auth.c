/*
 * http_auth.c -- a profile's client: its secret, the token's
 * Authorization header or the login with the password (POST
 * /access/ticket), and the renewal of the ticket before it expires,
 * blocking (client_login) or alongside the calls (http_renewal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "enc.h"
#include "http_impl.h"
#include "json.h"

/* host:port of an https URL, with the default port defport. */
static char *
url_hostport(const char *url, int defport)
{
	const char *h = url + 8, *end = h + strcspn(h, "/?#");
	const char *colon = NULL;

	if (*h == '[') {	/* [v6]:port */
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (rb && rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
	}
	if (colon)
		return px_xstrndup(h, (size_t)(end - h));
	return px_xasprintf("%.*s:%d", (int)(end - h), h, defport);
}

/* ---- the client ---- */

/* A ticket or CSRF token that can go into a header: visible ASCII
 * without ';' (PVE's are base64, ':' and '%'). */
static int
header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    *s == ';' || *s == ',')
			return 0;
	return 1;
}

/* The POST /access/ticket that logs in with the password, or renews the
 * ticket with the ticket itself. */
static void
login_call(struct px_client *c, struct px_call *k, int renew)
{
	struct buf form = { 0 };

	form_add(&form, "username", c->p->user);
	form_add(&form, "password", renew ? strchr(c->cookie, '=') + 1 :
	    c->secret);
	px_call_init(k, c, "POST", form.p, "/access/ticket");
	buf_wipe(&form);
}

/* Keep the ticket and the CSRF token of a successful login call k
 * (first: a login with the password, not a renewal). */
static int
login_apply(struct px_client *c, struct px_call *k, int first,
    struct px_err *e)
{
	struct json j;
	char *ticket, *csrf;
	const char *age;

	if (json_parse(&j, k->body.p, k->body.len, e) != 0)
		return -1;
	ticket = json_strdup(&j, json_path(&j, 0, "data.ticket"));
	csrf = json_strdup(&j, json_path(&j, 0, "data.CSRFPreventionToken"));
	json_free(&j);
	if (ticket == NULL) {
		secret_free(csrf);
		return px_fail(e, PXE_PARSE, "login as %s: no ticket in the "
		    "answer", c->p->user);
	}
	/* The ticket goes into a Cookie header and the CSRF token into a
	 * header of its own: a CR, LF, ';' or space from the server would
	 * add headers or cookies of its choosing. */
	if (!header_safe(ticket) || (csrf && !header_safe(csrf))) {
		px_fail(e, PXE_PARSE, "login as %s: the server's %s holds "
		    "control characters, spaces or ';'; refusing it",
		    c->p->user, header_safe(ticket) ? "CSRF token" : "ticket");
		px_hint(e, "this is not what Proxmox VE sends: check that "
		    "the url points at the API");
		secret_free(ticket);
		secret_free(csrf);
		return -1;
	}
	secret_free(c->cookie);
	c->cookie = px_xasprintf("%s=%s", c->p->kind == PX_KIND_PBS ?
	    "PBSAuthCookie" : "PVEAuthCookie", ticket);
	secret_free(c->csrf_header);
	c->csrf_header = csrf ? px_xasprintf("CSRFPreventionToken: %s", csrf) :
	    NULL;
	c->ticket_at = time(NULL);
	/* A test hook: PX_TEST_TICKET_AGE=S makes the first ticket S
	 * seconds old, so that tests see its renewal without waiting 105
	 * minutes. */
	if (first && (age = getenv("PX_TEST_TICKET_AGE")) != NULL)
		c->ticket_at -= (time_t)atol(age);
	secret_free(ticket);
	secret_free(csrf);
	return 0;
}

/* Log in (or renew the ticket) and wait for it. */
static int
client_login(struct px_client *c, struct px_err *e)
{
	struct px_call k;
	int rc = -1, renew = c->cookie != NULL &&
	    time(NULL) - c->ticket_at < 2 * 3600 - 60;

	login_call(c, &k, renew);
	secret_free(c->cookie);
	c->cookie = NULL;
	c->in_login = 1;
	http_call_run_blocking(&k);
	c->in_login = 0;
	if (k.rc != 0 && renew) {
		/* The renewal was refused: fall back to the password. */
		px_call_free(&k);
		c->ticket_at = 0;
		return client_login(c, e);
	}
	if (k.rc != 0) {
		if (e)
			*e = k.err;
		if (k.status == 401)
			px_fail(e, PXE_UNAUTHORIZED, "login as %s failed: %s",
			    c->p->user, k.reason[0] ? k.reason :
			    "authentication failure");
	} else
		rc = login_apply(c, &k, !renew, e);
	px_call_free(&k);
	return rc;
}

struct px_call *
http_renewal(struct px_client *c)
{
	time_t now = time(NULL);
	struct px_call *k;

	if (c->cookie == NULL || c->in_login || c->renewing ||
	    now - c->ticket_at <= TICKET_RENEW || now < c->renew_after)
		return NULL;
	k = px_xcalloc(1, sizeof(*k));
	login_call(c, k, 1);
	c->renewing = 1;
	return k;
}

void
http_renewal_done(struct px_call *k)
{
	struct px_client *c = k->c;

	/* A failed renewal keeps the ticket, good until its 2 hours are
	 * up; try again in a minute. */
	if (k->rc != 0 || k->priv == NULL || login_apply(c, k, 0, NULL) != 0)
		c->renew_after = time(NULL) + 60;
	c->renewing = 0;
	px_call_free(k);
	free(k);
}

struct px_client *
px_client_new(const struct px_conf *conf, const struct px_profile *p,
    const struct px_client_opts *o, struct px_err *e)
{
	struct px_client *c = px_xcalloc(1, sizeof(*c));
	const char *source;
	char *secret = NULL;

	c->conf = conf;
	c->p = p;
	c->verbose = o ? o->verbose : 0;
	c->name_profile = o ? o->name_profile : 0;
	c->base = px_xasprintf("%s%s", p->url,
	    o && o->api_prefix ? o->api_prefix : "/api2/json");
	c->hostport = url_hostport(p->url, o && o->no_auth ? 443 :
	    p->kind == PX_KIND_PBS ? 8007 : 8006);
	if (o && o->no_auth) {
		c->hide_prefix = 1;
		if (http_tls_establish(c, e) != 0)
			goto fail;
		return c;
	}
	/* user and token_id go into headers too (px init passes them
	 * unchecked by conf_load). */
	if (conf_has_ctl(p->user) || (p->auth == PX_AUTH_TOKEN &&
	    (p->token_id == NULL || conf_has_ctl(p->token_id)))) {
		px_fail(e, PXE_CONFIG, "profile %s: user or token_id holds a "
		    "control character", p->name);
		goto fail;
	}
	if (conf_secret(conf, p, o ? o->secret : NULL, &secret, &source, e) != 0)
		goto fail;
	if (http_tls_establish(c, e) != 0) {
		secret_free(secret);
		goto fail;
	}
	if (p->auth == PX_AUTH_TOKEN) {
		char *h;

		if (p->kind == PX_KIND_PBS)
			h = px_xasprintf("Authorization: PBSAPIToken=%s!%s:%s",
			    p->user, p->token_id, secret);
		else
			h = px_xasprintf("Authorization: PVEAPIToken=%s!%s=%s",
			    p->user, p->token_id, secret);
		c->auth = curl_slist_append(NULL, h);
		secret_free(h);
		secret_free(secret);
	} else {
		c->secret = secret;
		c->relogin = client_login;
		if (client_login(c, e) != 0)
			goto fail;
	}
	return c;
fail:
	px_client_free(c);
	return NULL;
}

void
px_client_free(struct px_client *c)
{
	if (c == NULL)
		return;
	if (c->auth) {
		explicit_bzero(c->auth->data, strlen(c->auth->data));
		curl_slist_free_all(c->auth);
	}
	secret_free(c->secret);
	secret_free(c->cookie);
	secret_free(c->csrf_header);
	free(c->base);
	free(c->hostport);
	free(c);
}

const struct px_profile *
px_client_profile(const struct px_client *c)
{
	return c->p;
}

const char *
px_client_fingerprint(const struct px_client *c)
{
	return c->seen_fp[0] ? c->seen_fp : NULL;
}
