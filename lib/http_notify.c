/* http_notify.c -- POST to a notification receiver (http_notify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "http_notify.h"

#define NOTIFY_CAP	(64 * 1024)

void
http_notify_url_safe(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *host, *at, *end;
	size_t k;

	if (p == NULL) {
		snprintf(out, n, "(not a URL)");
		return;
	}
	host = p + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	k = (size_t)(p + 3 - url);
	snprintf(out, n, "%.*s%.*s", (int)k, url, (int)strcspn(host, "?#"),
	    host);
	for (char *q = out; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
}

static size_t
on_body(char *p, size_t sz, size_t nm, void *arg)
{
	size_t *got = arg;

	(void)p;

	*got += sz * nm;
	return *got > NOTIFY_CAP ? 0 : sz * nm;
}

int
http_notify_post(const char *url, const char *content_type,
    const char *bearer, const char *const *extra, const char *body,
    size_t n, struct px_err *e)
{
	CURL *h;
	struct curl_slist *hd = NULL;
	struct buf line = { 0 };
	char safe[512], err[CURL_ERROR_SIZE] = "";
	size_t got = 0;
	long status = 0;
	CURLcode cc;

	http_notify_url_safe(url, safe, sizeof(safe));
	if ((h = curl_easy_init()) == NULL)
		return px_fail(e, PXE_FAILURE, "%s: curl_easy_init failed",
		    safe);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "px/" PX_VERSION);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
	curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
	buf_printf(&line, "Content-Type: %s", content_type);
	hd = curl_slist_append(hd, line.p);
	hd = curl_slist_append(hd, "Expect:");
	if (bearer) {
		buf_reset(&line);
		buf_printf(&line, "Authorization: Bearer %s", bearer);
		hd = curl_slist_append(hd, line.p);
	}
	for (size_t i = 0; extra && extra[i]; i++)
		hd = curl_slist_append(hd, extra[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hd);
	buf_wipe(&line);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && status))
		return px_fail(e, cc == CURLE_OPERATION_TIMEDOUT ? PXE_TIMEOUT :
		    PXE_TRANSPORT, "POST %s: %s", safe, err[0] ? err :
		    curl_easy_strerror(cc));
	if (status < 200 || status > 299)
		return px_fail(e, PXE_API, "POST %s: HTTP %ld", safe, status);
	return 0;
}
