/*
 * parse.c -- pxsim's reading of an HTTP/1.1 request: the request line and
 * headers (bounded, strict: no folding, no chunked bodies, one
 * Content-Length), then the target split into path and query and the
 * body into parameters (form or JSON).  Kept apart from the server loop
 * so that tests/fuzz/simhttp.c can drive it alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../core.h"
#include "json.h"

/* Parse a=b&c=d into l (appending); -1 on a bad escape. */
int
sim_parse_form(struct sim_kvlist *l, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, eq;
		char *k, *v;

		while (j < n && s[j] != '&')
			j++;
		eq = i;
		while (eq < j && s[eq] != '=')
			eq++;
		if (j > i) {
			k = sim_pct_decode(s + i, eq - i, 1);
			v = eq < j ? sim_pct_decode(s + eq + 1, j - eq - 1, 1)
			    : px_xstrdup("");
			if (k == NULL || v == NULL) {
				free(k);
				free(v);
				return -1;
			}
			if (*k != '\0')
				sim_kv_add(l, k, v);
			free(k);
			free(v);
		}
		i = j + 1;
	}
	return 0;
}

/* Flatten a JSON object body into params: strings unescaped, other
 * values as their JSON text.  -1 when the body is not an object. */
static int
parse_json_body(struct sim_kvlist *l, const char *s, size_t n)
{
	struct json j;
	struct px_err e;
	int k, i, rc = -1;

	if (json_parse(&j, s, n, &e) != 0)
		return -1;
	if (json_type(&j, 0) == JSON_OBJECT) {
		rc = 0;
		JSON_FOREACH_KV(&j, 0, k, i) {
			char *key = json_strdup(&j, k), *val;
			size_t vn;
			const char *raw;

			if (key == NULL)
				continue;
			switch (json_type(&j, k + 1)) {
			case JSON_STRING:
			case JSON_NUMBER:
				val = json_strdup(&j, k + 1);
				break;
			case JSON_TRUE:
				val = px_xstrdup("1");
				break;
			case JSON_FALSE:
				val = px_xstrdup("0");
				break;
			case JSON_NULL:
				val = NULL;
				break;
			default:
				raw = json_raw(&j, k + 1, &vn);
				val = px_xstrndup(raw, vn);
				break;
			}
			if (val != NULL)
				sim_kv_add(l, key, val);
			free(key);
			free(val);
		}
	}
	json_free(&j);
	return rc;
}

/* Free a request's contents (not rq itself). */
void
sim_req_free(struct sim_req *rq)
{
	free(rq->target);
	free(rq->path);
	sim_kv_free(&rq->params);
	sim_kv_free(&rq->headers);
	buf_free(&rq->body);
	if (rq->upload_len > 0 && rq->upload_fd >= 0)
		close(rq->upload_fd);
	memset(rq, 0, sizeof(*rq));
	rq->upload_fd = -1;
}

static int
is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/*
 * Try to parse one request from in.  Returns 1 with rq filled and the
 * bytes consumed, 0 when more data is needed, or an HTTP status (>= 400)
 * for a request that must be refused (the connection then closes).
 */
int
sim_request_parse(struct buf *in, struct sim_req *rq, int *keepalive)
{
	char *p = in->p, *h, *end, *line, *eol, *sp1, *sp2, *q;
	size_t hlen, clen = 0;
	int have_clen = 0, http10 = 0, conn_close = 0, conn_keep = 0;
	int multipart = 0;
	unsigned long long bigclen = 0;
	static const char *methods[] =
	    { "GET", "HEAD", "POST", "PUT", "DELETE", NULL };
	int i, known = 0, rc = 400;

	if (in->len == 0)
		return 0;
	/* tolerate stray CRLFs between pipelined requests */
	while (in->len >= 2 && p[0] == '\r' && p[1] == '\n') {
		memmove(p, p + 2, in->len - 2);
		in->len -= 2;
		p[in->len] = '\0';
	}
	end = memmem(p, in->len, "\r\n\r\n", 4);
	if (end == NULL)
		return in->len > SIM_MAX_HEADER ? 431 : 0;
	hlen = (size_t)(end - p) + 4;
	if (hlen > SIM_MAX_HEADER)
		return 431;
	if (memchr(p, '\0', hlen) != NULL)
		return 400;
	memset(rq, 0, sizeof(*rq));
	/* parse a copy of the header block: in stays intact until the
	 * whole request is there */
	h = px_xstrndup(p, hlen);
	end = h + hlen - 4;
	eol = strstr(h, "\r\n");
	*eol = '\0';
	line = h;
	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL || strchr(sp2 + 1, ' '))
		goto out;
	if (sp1 == line || (size_t)(sp1 - line) >= sizeof(rq->method))
		goto out;
	for (q = line; q < sp1; q++)
		if (*q < 'A' || *q > 'Z')
			goto out;
	if (strcmp(sp2 + 1, "HTTP/1.1") == 0)
		http10 = 0;
	else if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		http10 = 1;
	else
		goto out;
	memcpy(rq->method, line, (size_t)(sp1 - line));
	if (sp2 == sp1 + 1 || sp1[1] != '/')
		goto out;
	for (q = sp1 + 1; q < sp2; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			goto out;
	rq->target = px_xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	for (i = 0; methods[i]; i++)
		if (strcmp(rq->method, methods[i]) == 0)
			known = 1;
	/* headers */
	line = eol + 2;
	while (line < end + 2) {
		char *colon, *name, *val, *ve;

		if ((eol = strstr(line, "\r\n")) == NULL)
			break;
		*eol = '\0';
		if (*line == ' ' || *line == '\t')
			goto out;	/* obsolete line folding */
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			goto out;
		for (name = line; name < colon; name++) {
			if (!is_tchar((unsigned char)*name))
				goto out;
			if (*name >= 'A' && *name <= 'Z')
				*name = (char)(*name + 32);
		}
		*colon = '\0';
		val = colon + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		ve = val + strlen(val);
		while (ve > val && (ve[-1] == ' ' || ve[-1] == '\t'))
			*--ve = '\0';
		for (q = val; *q; q++)
			if ((unsigned char)*q < 0x20 && *q != '\t')
				goto out;
		if (rq->headers.n >= 200) {
			rc = 431;
			goto out;
		}
		sim_kv_add(&rq->headers, line, val);
		if (strcmp(line, "content-length") == 0) {
			char *e2;
			unsigned long long v;

			if (*val < '0' || *val > '9')
				goto out;
			errno = 0;
			v = strtoull(val, &e2, 10);
			if (*e2 != '\0' || errno != 0)
				goto out;
			if (have_clen && v != clen && v != bigclen)
				goto out;
			if (v > (unsigned long long)SIM_MAX_UPLOAD) {
				rc = 413;
				goto out;
			}
			bigclen = v;
			clen = v > SIM_MAX_BODY ? 0 : (size_t)v;
			have_clen = 1;
		} else if (strcmp(line, "transfer-encoding") == 0) {
			rc = 411;
			goto out;
		} else if (strcmp(line, "content-type") == 0) {
			multipart = strncasecmp(val, "multipart/form-data",
			    19) == 0;
		} else if (strcmp(line, "connection") == 0) {
			if (strcasestr(val, "close"))
				conn_close = 1;
			if (strcasestr(val, "keep-alive"))
				conn_keep = 1;
		}
		line = eol + 2;
	}
	if (!known) {
		rc = 501;
		goto out;
	}
	if (multipart && strcmp(rq->method, "POST") == 0 && bigclen > 0) {
		/* An upload (pveproxy spools it to /var/tmp): the body goes
		 * to a file as it arrives, not into memory. */
		free(h);
		rq->upload_len = (long long)bigclen;
		rq->upload_fd = -1;
		*keepalive = http10 ? conn_keep && !conn_close : !conn_close;
		memmove(in->p, in->p + hlen, in->len - hlen);
		in->len -= hlen;
		in->p[in->len] = '\0';
		return 2;
	}
	if (bigclen > SIM_MAX_BODY) {
		rc = 413;
		goto out;
	}
	if (in->len < hlen + clen) {
		rc = 0;		/* wait for the rest of the body */
		goto out;
	}
	free(h);
	buf_add(&rq->body, p + hlen, clen);
	*keepalive = http10 ? conn_keep && !conn_close : !conn_close;
	memmove(in->p, in->p + hlen + clen, in->len - hlen - clen);
	in->len -= hlen + clen;
	in->p[in->len] = '\0';
	return 1;
out:
	free(h);
	sim_req_free(rq);
	return rc;
}

/* Split the target into path/api/params and parse the body. */
int
sim_request_decode(struct sim_req *rq)
{
	const char *t = rq->target, *qm = strchr(t, '?');
	size_t pn = qm ? (size_t)(qm - t) : strlen(t);
	char *path = sim_pct_decode(t, pn, 0);
	const char *ct;

	if (path == NULL)
		return -1;
	if (strncmp(path, "/api2/json", 10) == 0 &&
	    (path[10] == '/' || path[10] == '\0')) {
		rq->api = SIM_API_JSON;
		rq->path = px_xstrdup(path[10] ? path + 10 : "/");
		free(path);
	} else if (strncmp(path, "/api2/extjs", 11) == 0 &&
	    (path[11] == '/' || path[11] == '\0')) {
		rq->api = SIM_API_EXTJS;
		rq->path = px_xstrdup(path[11] ? path + 11 : "/");
		free(path);
	} else if (strncmp(path, "/api2/png/", 10) == 0) {
		rq->api = SIM_API_PNG;
		rq->path = px_xstrdup(path + 9);
		free(path);
	} else {
		rq->api = SIM_API_OTHER;
		rq->path = path;
	}
	/* strip one trailing slash like PVE does ("/nodes/" == "/nodes") */
	pn = strlen(rq->path);
	if (pn > 1 && rq->path[pn - 1] == '/')
		rq->path[pn - 1] = '\0';
	if (qm && sim_parse_form(&rq->params, qm + 1, strlen(qm + 1)) != 0)
		return -1;
	if (rq->body.len > 0) {
		ct = sim_header(rq, "content-type");
		if (ct && strncasecmp(ct, "application/json", 16) == 0) {
			if (parse_json_body(&rq->params, rq->body.p,
			    rq->body.len) != 0)
				return -1;
		} else if (ct == NULL || strncasecmp(ct,
		    "application/x-www-form-urlencoded", 33) == 0) {
			if (sim_parse_form(&rq->params, rq->body.p,
			    rq->body.len) != 0)
				return -1;
		}
	}
	return 0;
}
