/*
 * tls.c -- pxsim's key, self-signed certificate and BearSSL server side.
 *
 * On first start an EC P-256 key (STATEDIR/pxsim.key, the raw 32-byte
 * secret scalar, mode 0600) and a self-signed X.509 v3 certificate
 * (STATEDIR/pxsim.crt, DER; pxsim.pem the same in PEM for curl --cacert)
 * are created; later starts reuse them.  The certificate is written by the
 * small DER encoder below and signed with ECDSA-SHA256.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "../core.h"

/* ---- DER encoding ---- */

static void
der_len(struct buf *b, size_t n)
{
	if (n < 0x80) {
		buf_addc(b, (char)n);
	} else if (n < 0x100) {
		buf_addc(b, (char)0x81);
		buf_addc(b, (char)n);
	} else {
		buf_addc(b, (char)0x82);
		buf_addc(b, (char)(n >> 8));
		buf_addc(b, (char)(n & 0xff));
	}
}

/* Append tag, length and content. */
static void
der_tlv(struct buf *b, unsigned char tag, const void *p, size_t n)
{
	buf_addc(b, (char)tag);
	der_len(b, n);
	buf_add(b, p, n);
}

/* Wrap the whole of inner as one TLV appended to b; inner is freed. */
static void
der_wrap(struct buf *b, unsigned char tag, struct buf *inner)
{
	der_tlv(b, tag, inner->p ? inner->p : "", inner->len);
	buf_free(inner);
}

static void
der_oid(struct buf *b, const unsigned char *oid, size_t n)
{
	der_tlv(b, 0x06, oid, n);
}

static const unsigned char OID_ECDSA_SHA256[] =
    { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const unsigned char OID_EC_PUBKEY[] =
    { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const unsigned char OID_P256[] =
    { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const unsigned char OID_CN[] = { 0x55, 0x04, 0x03 };
static const unsigned char OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const unsigned char OID_BASIC[] = { 0x55, 0x1d, 0x13 };
static const unsigned char OID_KEYUSAGE[] = { 0x55, 0x1d, 0x0f };
static const unsigned char OID_EKU[] = { 0x55, 0x1d, 0x25 };
static const unsigned char OID_SERVERAUTH[] =
    { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };

static void
der_alg_ecdsa_sha256(struct buf *b)
{
	struct buf in = {0};

	der_oid(&in, OID_ECDSA_SHA256, sizeof(OID_ECDSA_SHA256));
	der_wrap(b, 0x30, &in);
}

/* Name: CN=cn */
static void
der_name(struct buf *b, const char *cn)
{
	struct buf atv = {0}, set = {0}, seq = {0};

	der_oid(&atv, OID_CN, sizeof(OID_CN));
	der_tlv(&atv, 0x0c, cn, strlen(cn));
	der_wrap(&set, 0x30, &atv);
	der_wrap(&seq, 0x31, &set);
	der_wrap(b, 0x30, &seq);
}

static void
der_time(struct buf *b, time_t t)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 < 2050) {
		strftime(s, sizeof(s), "%y%m%d%H%M%SZ", &tm);
		der_tlv(b, 0x17, s, strlen(s));
	} else {
		strftime(s, sizeof(s), "%Y%m%d%H%M%SZ", &tm);
		der_tlv(b, 0x18, s, strlen(s));
	}
}

/* One extension: SEQ { OID, [critical], OCTET STRING { value } } */
static void
der_ext(struct buf *b, const unsigned char *oid, size_t oidn, int critical,
    struct buf *value)
{
	struct buf e = {0};
	unsigned char t = 0xff;

	der_oid(&e, oid, oidn);
	if (critical)
		der_tlv(&e, 0x01, &t, 1);
	der_wrap(&e, 0x04, value);
	der_wrap(b, 0x30, &e);
}

/* The TBSCertificate for public key pub (65 bytes, uncompressed). */
static void
der_tbs(struct buf *b, const unsigned char *serial, size_t serialn,
    const unsigned char *pub, size_t pubn, time_t now)
{
	struct buf tbs = {0}, t = {0}, u = {0}, v = {0}, exts = {0};
	unsigned char ver = 2, ip[4] = { 127, 0, 0, 1 };
	static const unsigned char ku[] = { 0x02, 0x84 };	/* dS, kCS */

	der_tlv(&t, 0x02, &ver, 1);
	der_wrap(&tbs, 0xa0, &t);
	der_tlv(&tbs, 0x02, serial, serialn);
	der_alg_ecdsa_sha256(&tbs);
	der_name(&tbs, "pxsim");
	der_time(&t, now - 86400);
	der_time(&t, now + 10 * 366 * 86400L);
	der_wrap(&tbs, 0x30, &t);
	der_name(&tbs, "pxsim");
	/* SubjectPublicKeyInfo */
	der_oid(&u, OID_EC_PUBKEY, sizeof(OID_EC_PUBKEY));
	der_oid(&u, OID_P256, sizeof(OID_P256));
	der_wrap(&t, 0x30, &u);
	buf_addc(&u, 0);
	buf_add(&u, pub, pubn);
	der_wrap(&t, 0x03, &u);
	der_wrap(&tbs, 0x30, &t);
	/* Extensions */
	der_tlv(&u, 0x82, "localhost", 9);
	der_tlv(&u, 0x87, ip, 4);
	der_wrap(&v, 0x30, &u);
	der_ext(&exts, OID_SAN, sizeof(OID_SAN), 0, &v);
	{
		unsigned char yes = 0xff;

		der_tlv(&u, 0x01, &yes, 1);
		der_wrap(&v, 0x30, &u);
		der_ext(&exts, OID_BASIC, sizeof(OID_BASIC), 1, &v);
	}
	der_tlv(&v, 0x03, ku, sizeof(ku));
	der_ext(&exts, OID_KEYUSAGE, sizeof(OID_KEYUSAGE), 1, &v);
	der_oid(&u, OID_SERVERAUTH, sizeof(OID_SERVERAUTH));
	der_wrap(&v, 0x30, &u);
	der_ext(&exts, OID_EKU, sizeof(OID_EKU), 0, &v);
	der_wrap(&t, 0x30, &exts);
	der_wrap(&tbs, 0xa3, &t);
	der_wrap(b, 0x30, &tbs);
}

/* ---- files ---- */

static int
read_file(const char *path, unsigned char **out, size_t *outn, size_t max)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	size_t n;

	if (f == NULL)
		return -1;
	p = px_xmalloc(max);
	n = fread(p, 1, max, f);
	fclose(f);
	*out = p;
	*outn = n;
	return 0;
}

static int
write_file(const char *path, const void *p, size_t n, int mode)
{
	char tmp[1100];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)) < 0)
		return -1;
	if (write(fd, p, n) != (ssize_t)n) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	fchmod(fd, mode);
	close(fd);
	return rename(tmp, path);
}

static void
seed_drbg(br_hmac_drbg_context *drbg)
{
	unsigned char seed[48];
	int fd = open("/dev/urandom", O_RDONLY);
	size_t got = 0;

	if (fd >= 0) {
		while (got < sizeof(seed)) {
			ssize_t n = read(fd, seed + got, sizeof(seed) - got);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
	}
	if (got < sizeof(seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(seed, &ts, sizeof(ts));
		seed[20] = (unsigned char)getpid();
	}
	br_hmac_drbg_init(drbg, &br_sha256_vtable, seed, sizeof(seed));
}

/* Fill buf with n random bytes from /dev/urandom (or a DRBG). */
void
tls_random(void *buf, size_t n)
{
	br_hmac_drbg_context drbg;

	seed_drbg(&drbg);
	br_hmac_drbg_generate(&drbg, buf, n);
}

static void
fingerprint_of(const unsigned char *der, size_t n, char *out, size_t outn)
{
	br_sha256_context h;
	unsigned char d[32];
	size_t i, o = 0;

	br_sha256_init(&h);
	br_sha256_update(&h, der, n);
	br_sha256_out(&h, d);
	for (i = 0; i < 32 && o + 3 < outn; i++)
		o += (size_t)snprintf(out + o, outn - o, "%s%02X",
		    i ? ":" : "", d[i]);
}

static void
write_pem(const char *path, const unsigned char *der, size_t n)
{
	struct buf b = {0};
	size_t len;
	char *p;

	len = br_pem_encode(NULL, der, n, "CERTIFICATE", BR_PEM_LINE64);
	p = px_xmalloc(len + 1);
	br_pem_encode(p, der, n, "CERTIFICATE", BR_PEM_LINE64);
	buf_adds(&b, p);
	free(p);
	write_file(path, b.p, b.len, 0644);
	buf_free(&b);
}

/*
 * Load the key and certificate from dir, creating them when absent.
 * Fills t; returns 0, or -1 with a message in err.
 */
int
tls_setup(struct tls_identity *t, const char *dir, char *err, size_t errn)
{
	char kpath[1100], cpath[1100], ppath[1100];
	unsigned char *kdata = NULL, *cdata = NULL;
	size_t kn = 0, cn = 0;
	const br_ec_impl *ec = br_ec_get_default();

	memset(t, 0, sizeof(*t));
	snprintf(kpath, sizeof(kpath), "%s/pxsim.key", dir);
	snprintf(cpath, sizeof(cpath), "%s/pxsim.crt", dir);
	snprintf(ppath, sizeof(ppath), "%s/pxsim.pem", dir);
	if (read_file(kpath, &kdata, &kn, 64) == 0 && kn == 32 &&
	    read_file(cpath, &cdata, &cn, 8192) == 0 && cn > 100) {
		memcpy(t->skbuf, kdata, 32);
		t->sk.curve = BR_EC_secp256r1;
		t->sk.x = t->skbuf;
		t->sk.xlen = 32;
		t->cert = cdata;
		t->certlen = cn;
		free(kdata);
	} else {
		br_hmac_drbg_context drbg;
		br_ec_public_key pk;
		unsigned char pub[BR_EC_KBUF_PUB_MAX_SIZE], serial[16];
		unsigned char hash[32], sig[80];
		struct buf tbs = {0}, cert = {0}, inner = {0};
		br_sha256_context h;
		size_t siglen;

		free(kdata);
		free(cdata);
		seed_drbg(&drbg);
		if (br_ec_keygen(&drbg.vtable, ec, &t->sk, t->skbuf,
		    BR_EC_secp256r1) != 32) {
			snprintf(err, errn, "cannot generate an EC key");
			return -1;
		}
		br_ec_compute_pub(ec, &pk, pub, &t->sk);
		br_hmac_drbg_generate(&drbg, serial, sizeof(serial));
		serial[0] = (serial[0] & 0x7f) | 0x10;
		der_tbs(&tbs, serial, sizeof(serial), pk.q, pk.qlen,
		    time(NULL));
		br_sha256_init(&h);
		br_sha256_update(&h, tbs.p, tbs.len);
		br_sha256_out(&h, hash);
		siglen = br_ecdsa_i31_sign_asn1(ec, &br_sha256_vtable, hash,
		    &t->sk, sig);
		if (siglen == 0) {
			buf_free(&tbs);
			snprintf(err, errn, "cannot sign the certificate");
			return -1;
		}
		buf_add(&inner, tbs.p, tbs.len);
		buf_free(&tbs);
		der_alg_ecdsa_sha256(&inner);
		buf_addc(&tbs, 0);
		buf_add(&tbs, sig, siglen);
		der_wrap(&inner, 0x03, &tbs);
		der_wrap(&cert, 0x30, &inner);
		if (write_file(kpath, t->skbuf, 32, 0600) != 0 ||
		    write_file(cpath, cert.p, cert.len, 0644) != 0) {
			snprintf(err, errn, "cannot write %s: %s", kpath,
			    strerror(errno));
			buf_free(&cert);
			return -1;
		}
		write_pem(ppath, (unsigned char *)cert.p, cert.len);
		t->certlen = cert.len;
		t->cert = (unsigned char *)buf_steal(&cert);
	}
	t->chain[0].data = t->cert;
	t->chain[0].data_len = t->certlen;
	fingerprint_of(t->cert, t->certlen, t->fingerprint,
	    sizeof(t->fingerprint));
	t->lru_buf = px_xmalloc(TLS_CACHE_SIZE);
	br_ssl_session_cache_lru_init(&t->lru, t->lru_buf, TLS_CACHE_SIZE);
	return 0;
}

/* Free what tls_setup allocated. */
void
tls_free(struct tls_identity *t)
{
	free(t->cert);
	free(t->lru_buf);
	t->cert = NULL;
	t->lru_buf = NULL;
}

/* The fingerprint of the certificate in dir without creating anything;
 * "" when absent. */
void
tls_fingerprint_file(const char *dir, char *out, size_t outn)
{
	char cpath[1100];
	unsigned char *c = NULL;
	size_t n = 0;

	out[0] = '\0';
	snprintf(cpath, sizeof(cpath), "%s/pxsim.crt", dir);
	if (read_file(cpath, &c, &n, 8192) == 0 && n > 0)
		fingerprint_of(c, n, out, outn);
	free(c);
}

/* Set up a server context for one connection using identity t. */
void
tls_conn_init(struct tls_identity *t, br_ssl_server_context *sc,
    unsigned char *iobuf, size_t iobufn)
{
	br_ssl_server_init_full_ec(sc, t->chain, 1, BR_KEYTYPE_EC, &t->sk);
	br_ssl_engine_set_versions(&sc->eng, BR_TLS10, BR_TLS12);
	br_ssl_engine_set_buffer(&sc->eng, iobuf, iobufn, 1);
	br_ssl_server_set_cache(sc, &t->lru.vtable);
	br_ssl_server_reset(sc);
}
