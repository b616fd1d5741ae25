/*
 * hmac256.c -- HMAC-SHA256 with the key schedule computed once, and the
 * SHA-256 compression in the CPU's SHA extensions where it has them.
 *
 * px audit verify MACs every row of the audit log under one key: a
 * million rows are a million HMACs of some 250 bytes.  Two things make
 * that fast: the inner and outer pads are hashed once (px_hmac256_init
 * keeps the two chaining states), and on x86-64 CPUs with the SHA
 * extensions (Intel since Goldmont and Ice Lake, AMD since Zen) the
 * blocks go through SHA256RNDS2/MSG1/MSG2, several times faster than
 * BearSSL's portable C.  Elsewhere BearSSL does the hashing, resumed
 * from the kept states.  Both give the same MAC (tests/unit/hmac256.c
 * checks them against each other and against RFC 4231).
 */
#include <stdint.h>
#include <string.h>

#include <bearssl.h>

#include "hmac256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static void
be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
be32_get(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

#ifdef HAVE_SHANI
static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/* SHA-256 over nblocks 64-byte blocks at p, chaining st (a..h). */
__attribute__((target("sha,sse4.1,ssse3")))
static void
compress_shani(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i abef, cdgh, t, m[4];

	/* The instructions keep the state as ABEF and CDGH. */
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]),
	    0xb1);				/* C D A B -> words B A D C */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]),
	    0x1b);				/* H G F E */
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;

		for (int g = 0; g < 16; g++) {
			__m128i *w = &m[g & 3];

			if (g < 4)
				*w = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(p + 16 * g)), bswap);
			else
				/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) +
				 * W[t-16], four at a time */
				*w = _mm_sha256msg2_epu32(_mm_add_epi32(
				    _mm_sha256msg1_epu32(*w, m[(g + 1) & 3]),
				    _mm_alignr_epi8(m[(g + 3) & 3],
				    m[(g + 2) & 3], 4)), m[(g + 3) & 3]);
			t = _mm_add_epi32(*w, _mm_loadu_si128(
			    (const __m128i *)&K256[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
			    _mm_shuffle_epi32(t, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);	/* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);	/* D C H G */
	_mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(cdgh, t, 8));
}

static int
have_shani(void)
{
	static int have = -1;
	unsigned int a, b, c, d;

	if (have >= 0)
		return have;
	have = 0;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) &&
	    (c & bit_SSE4_1) && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
	    (b & bit_SHA))
		have = 1;
	return have;
}

/* The hash of msg resumed from st after one block (the pad), as bytes. */
static void
resume_shani(const uint32_t st0[8], const void *msg, size_t n,
    unsigned char out[32])
{
	const unsigned char *p = msg;
	unsigned char last[128];
	uint32_t st[8];
	uint64_t bits = ((uint64_t)n + 64) * 8;
	size_t full = n / 64, rest = n % 64, tail;

	memcpy(st, st0, sizeof(st));
	if (full > 0)
		compress_shani(st, p, full);
	tail = rest + 9 <= 64 ? 64 : 128;
	memset(last, 0, tail);
	memcpy(last, p + full * 64, rest);
	last[rest] = 0x80;
	for (int i = 0; i < 8; i++)
		last[tail - 1 - i] = (unsigned char)(bits >> (8 * i));
	compress_shani(st, last, tail / 64);
	for (int i = 0; i < 8; i++)
		be32_put(out + 4 * i, st[i]);
}
#endif

/* The chaining state after one block: the key xor pad. */
static void
pad_state(const unsigned char key[64], unsigned char pad, uint32_t st[8])
{
	br_sha256_context c;
	unsigned char b[64], s[32];

	for (int i = 0; i < 64; i++)
		b[i] = key[i] ^ pad;
	br_sha256_init(&c);
	br_sha256_update(&c, b, sizeof(b));
	br_sha256_state(&c, s);
	for (int i = 0; i < 8; i++)
		st[i] = be32_get(s + 4 * i);
	explicit_bzero(b, sizeof(b));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(&c, sizeof(c));
}

void
px_hmac256_init(struct px_hmac256 *h, const void *key, size_t len)
{
	unsigned char k[64] = { 0 };

	if (len > sizeof(k)) {
		br_sha256_context c;

		br_sha256_init(&c);
		br_sha256_update(&c, key, len);
		br_sha256_out(&c, k);
	} else if (len > 0)
		memcpy(k, key, len);
	pad_state(k, 0x36, h->in);
	pad_state(k, 0x5c, h->out);
	h->shani = 0;
#ifdef HAVE_SHANI
	h->shani = have_shani();
#endif
	explicit_bzero(k, sizeof(k));
}

void
px_hmac256_portable(struct px_hmac256 *h)
{
	h->shani = 0;
}

/* The hash of msg resumed from st after one block, through BearSSL. */
static void
resume_br(const uint32_t st[8], const void *msg, size_t n,
    unsigned char out[32])
{
	br_sha256_context c;
	unsigned char s[32];

	for (int i = 0; i < 8; i++)
		be32_put(s + 4 * i, st[i]);
	br_sha256_set_state(&c, s, 64);
	br_sha256_update(&c, msg, n);
	br_sha256_out(&c, out);
	explicit_bzero(&c, sizeof(c));
}

void
px_hmac256(const struct px_hmac256 *h, const void *msg, size_t n,
    unsigned char mac[32])
{
	unsigned char inner[32];

#ifdef HAVE_SHANI
	if (h->shani) {
		resume_shani(h->in, msg, n, inner);
		resume_shani(h->out, inner, sizeof(inner), mac);
		return;
	}
#endif
	resume_br(h->in, msg, n, inner);
	resume_br(h->out, inner, sizeof(inner), mac);
}

void
px_hmac256_clear(struct px_hmac256 *h)
{
	explicit_bzero(h, sizeof(*h));
}
