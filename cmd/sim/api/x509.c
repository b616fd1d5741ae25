/*
 * x509.c -- what pxsim reads from a PEM certificate, as PVE's
 * certificates/info shows it: the SHA-256 fingerprint of the DER, the
 * subject and issuer in OpenSSL's one-line form ("/CN=pve1/O=..."), the
 * validity, the SubjectAlternativeNames, the public key's type and size.
 * A small DER walker: bounded by the input, never trusting a length.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "x509.h"

struct der {
	const unsigned char *p;
	size_t n;
};

/* The next element of d: its tag and content in *in; 0, or -1 when d
 * does not hold one whole element. */
static int
der_next(struct der *d, unsigned *tag, struct der *in)
{
	size_t len, k, nb;

	if (d->n < 2)
		return -1;
	*tag = d->p[0];
	len = d->p[1];
	k = 2;
	if (len & 0x80) {
		nb = len & 0x7f;
		if (nb == 0 || nb > 3 || d->n < 2 + nb)
			return -1;
		len = 0;
		for (size_t i = 0; i < nb; i++)
			len = (len << 8) | d->p[2 + i];
		k += nb;
	}
	if (len > d->n - k)
		return -1;
	in->p = d->p + k;
	in->n = len;
	d->p += k + len;
	d->n -= k + len;
	return 0;
}

static int
der_expect(struct der *d, unsigned want, struct der *in)
{
	unsigned tag;

	return der_next(d, &tag, in) == 0 && tag == want ? 0 : -1;
}

static const struct {
	unsigned char oid[9];
	size_t n;
	const char *name;
} attrs[] = {
	{ { 0x55, 0x04, 0x03 }, 3, "CN" },
	{ { 0x55, 0x04, 0x06 }, 3, "C" },
	{ { 0x55, 0x04, 0x07 }, 3, "L" },
	{ { 0x55, 0x04, 0x08 }, 3, "ST" },
	{ { 0x55, 0x04, 0x0a }, 3, "O" },
	{ { 0x55, 0x04, 0x0b }, 3, "OU" },
	{ { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 }, 9,
	    "emailAddress" },
};

/* A string of a DER value, controls and '/' shown as OpenSSL does
 * (\xHH). */
static void
add_text(char *out, size_t size, const unsigned char *p, size_t n)
{
	size_t o = strlen(out);

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '/')
			o += (size_t)snprintf(out + o, size - o, "\\x%02X",
			    p[i]);
		else
			out[o++] = (char)p[i];
	}
	out[o] = '\0';
}

static int
name_oneline(struct der name, char *out, size_t size)
{
	struct der set, atv, oid, val;
	unsigned tag;

	out[0] = '\0';
	while (name.n > 0) {
		if (der_expect(&name, 0x31, &set) != 0)
			return -1;
		while (set.n > 0) {
			const char *an = NULL;

			if (der_expect(&set, 0x30, &atv) != 0 ||
			    der_expect(&atv, 0x06, &oid) != 0 ||
			    der_next(&atv, &tag, &val) != 0)
				return -1;
			for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]);
			    i++)
				if (oid.n == attrs[i].n && memcmp(oid.p,
				    attrs[i].oid, oid.n) == 0)
					an = attrs[i].name;
			if (strlen(out) + 16 >= size)
				return 0;
			snprintf(out + strlen(out), size - strlen(out), "/%s=",
			    an ? an : "UNDEF");
			add_text(out, size, val.p, val.n);
		}
	}
	return 0;
}

static int
der_time(struct der t, unsigned tag, long long *out)
{
	char s[20];
	struct tm tm = { 0 };
	int y;

	if ((tag != 0x17 && tag != 0x18) || t.n >= sizeof(s) || t.n < 13)
		return -1;
	memcpy(s, t.p, t.n);
	s[t.n] = '\0';
	if (tag == 0x17) {
		if (sscanf(s, "%2d%2d%2d%2d%2d%2d", &y, &tm.tm_mon, &tm.tm_mday,
		    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
			return -1;
		y += y < 50 ? 2000 : 1900;
	} else if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &y, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon -= 1;
	*out = (long long)timegm(&tm);
	return 0;
}

static void
san_parse(struct der ext, struct x509_info *x)
{
	struct der seq, gn;
	unsigned tag;

	if (der_expect(&ext, 0x30, &seq) != 0)
		return;
	while (seq.n > 0 && x->nsan < X509_MAXSAN) {
		char *v = x->san[x->nsan];

		if (der_next(&seq, &tag, &gn) != 0)
			return;
		v[0] = '\0';
		if ((tag == 0x82 || tag == 0x81) && gn.n < X509_SANLEN - 1)
			add_text(v, X509_SANLEN, gn.p, gn.n);
		else if (tag == 0x87 && gn.n == 4)
			snprintf(v, X509_SANLEN, "%u.%u.%u.%u", gn.p[0], gn.p[1],
			    gn.p[2], gn.p[3]);
		else if (tag == 0x87 && gn.n == 16) {
			for (int i = 0; i < 16; i += 2)
				snprintf(v + strlen(v), X509_SANLEN - strlen(v),
				    "%s%x", i ? ":" : "", (gn.p[i] << 8) |
				    gn.p[i + 1]);
		}
		if (v[0])
			x->nsan++;
	}
}

static void
key_parse(struct der spki, struct x509_info *x)
{
	static const unsigned char rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7,
		0x0d, 0x01, 0x01, 0x01 };
	static const unsigned char ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d,
		0x02, 0x01 };
	static const unsigned char p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
	struct der alg, oid, bits, params, rsakey, mod;
	unsigned tag;

	if (der_expect(&spki, 0x30, &alg) != 0 ||
	    der_expect(&alg, 0x06, &oid) != 0 ||
	    der_expect(&spki, 0x03, &bits) != 0 || bits.n < 1)
		return;
	if (oid.n == sizeof(rsa) && memcmp(oid.p, rsa, oid.n) == 0) {
		snprintf(x->keytype, sizeof(x->keytype), "rsaEncryption");
		bits.p++;
		bits.n--;
		if (der_expect(&bits, 0x30, &rsakey) == 0 &&
		    der_expect(&rsakey, 0x02, &mod) == 0) {
			while (mod.n > 0 && mod.p[0] == 0) {
				mod.p++;
				mod.n--;
			}
			x->keybits = (int)mod.n * 8;
		}
	} else if (oid.n == sizeof(ec) && memcmp(oid.p, ec, oid.n) == 0) {
		snprintf(x->keytype, sizeof(x->keytype), "id-ecPublicKey");
		x->keybits = 256;
		if (der_next(&alg, &tag, &params) == 0 && tag == 0x06 &&
		    params.n == sizeof(p384) && memcmp(params.p, p384,
		    params.n) == 0)
			x->keybits = 384;
	} else
		snprintf(x->keytype, sizeof(x->keytype), "unknown");
}

int
x509_pem_info(const char *pem, struct x509_info *x)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *b = strstr(pem, begin), *e;
	struct buf der = { 0 };
	struct der d, cert, tbs, el, validity, exts, ext, oid, val;
	unsigned tag;
	int rc = -1;

	memset(x, 0, sizeof(*x));
	if (b == NULL || (e = strstr(b, end)) == NULL)
		return -1;
	b += sizeof(begin) - 1;
	if (b64_decode(&der, b, (size_t)(e - b)) != 0 || der.len == 0)
		goto out;
	fingerprint_of(x->fingerprint, der.p, der.len);
	d.p = (const unsigned char *)der.p;
	d.n = der.len;
	if (der_expect(&d, 0x30, &cert) != 0 ||
	    der_expect(&cert, 0x30, &tbs) != 0 ||
	    der_next(&tbs, &tag, &el) != 0)
		goto out;
	if (tag == 0xa0 && der_next(&tbs, &tag, &el) != 0)	/* serial */
		goto out;
	if (tag != 0x02 || der_expect(&tbs, 0x30, &el) != 0 ||	/* sigalg */
	    der_expect(&tbs, 0x30, &el) != 0 ||
	    name_oneline(el, x->issuer, sizeof(x->issuer)) != 0 ||
	    der_expect(&tbs, 0x30, &validity) != 0 ||
	    der_next(&validity, &tag, &el) != 0 ||
	    der_time(el, tag, &x->notbefore) != 0 ||
	    der_next(&validity, &tag, &el) != 0 ||
	    der_time(el, tag, &x->notafter) != 0 ||
	    der_expect(&tbs, 0x30, &el) != 0 ||
	    name_oneline(el, x->subject, sizeof(x->subject)) != 0 ||
	    der_expect(&tbs, 0x30, &el) != 0)
		goto out;
	key_parse(el, x);
	while (tbs.n > 0) {
		if (der_next(&tbs, &tag, &el) != 0)
			goto out;
		if (tag != 0xa3 || der_expect(&el, 0x30, &exts) != 0)
			continue;
		while (exts.n > 0) {
			if (der_expect(&exts, 0x30, &ext) != 0 ||
			    der_expect(&ext, 0x06, &oid) != 0)
				goto out;
			if (ext.n > 0 && ext.p[0] == 0x01 &&
			    der_next(&ext, &tag, &val) != 0)	/* critical */
				goto out;
			if (der_expect(&ext, 0x04, &val) != 0)
				goto out;
			if (oid.n == 3 && memcmp(oid.p, "\x55\x1d\x11", 3) == 0)
				san_parse(val, x);
		}
	}
	rc = 0;
out:
	buf_free(&der);
	return rc;
}
