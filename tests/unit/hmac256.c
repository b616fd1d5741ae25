/*
 * hmac256.c -- px_hmac256 against RFC 4231's test vectors and against
 * BearSSL's own HMAC for every message length around the block and
 * padding boundaries, in both the SHA-NI and the portable path.
 */
#include <stdlib.h>

#include <bearssl.h>

#include "hmac256.h"
#include "tap.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void
ref(const void *key, size_t klen, const void *msg, size_t n,
    unsigned char mac[32])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, n);
	br_hmac_out(&hc, mac);
}

int
main(void)
{
	static const struct {
		const char *key, *msg, *mac;
		size_t klen;
	} rfc[] = {
		/* RFC 4231 test cases 1, 2, 6 and 7 */
		{ "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
		  "\x0b\x0b\x0b\x0b\x0b\x0b", "Hi There",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		  20 },
		{ "Jefe", "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		  4 },
		{ NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
		  131 },
		{ NULL, "This is a test using a larger than block-size key and "
		  "a larger than block-size data. The key needs to be hashed "
		  "before being used by the HMAC algorithm.",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
		  131 },
	};
	unsigned char big[131], msg[300], a[32], b[32];
	char h[65];
	struct px_hmac256 x;

	memset(big, 0xaa, sizeof(big));
	for (int path = 0; path < 2; path++)
		for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
			const void *k = rfc[i].key ? (const void *)rfc[i].key :
			    big;

			px_hmac256_init(&x, k, rfc[i].klen);
			if (path)
				px_hmac256_portable(&x);
			px_hmac256(&x, rfc[i].msg, strlen(rfc[i].msg), a);
			hex(a, 32, h);
			is_str(h, rfc[i].mac, "RFC 4231 case %zu (%s)", i,
			    path ? "portable" : x.shani ? "SHA-NI" :
			    "no SHA-NI here");
		}
	srand(42);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)rand();
	for (int path = 0; path < 2; path++) {
		int bad = 0;

		px_hmac256_init(&x, big, 32);
		if (path)
			px_hmac256_portable(&x);
		for (size_t n = 0; n <= sizeof(msg); n++) {
			px_hmac256(&x, msg, n, a);
			ref(big, 32, msg, n, b);
			if (memcmp(a, b, 32) != 0) {
				if (!bad)
					printf("# first mismatch at length "
					    "%zu\n", n);
				bad++;
			}
		}
		ok(bad == 0, "%s: lengths 0..%zu agree with BearSSL's HMAC",
		    path ? "portable" : "default path", sizeof(msg));
	}
	px_hmac256_clear(&x);
	ok(x.in[0] == 0 && x.out[7] == 0, "clear wipes the key states");
	return done_testing();
}
