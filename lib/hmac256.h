/*
 * hmac256.h -- HMAC-SHA256 under one key for many messages (the audit
 * log's MACs): the key's pads hashed once, SHA-NI where the CPU has it.
 */
#ifndef PX_HMAC256_H
#define PX_HMAC256_H

#include <stddef.h>
#include <stdint.h>

struct px_hmac256 {
	uint32_t in[8];		/* SHA-256 state after key ^ ipad */
	uint32_t out[8];	/* after key ^ opad */
	int shani;		/* the CPU's SHA extensions are used */
};

/* Any key length (longer than 64 bytes: hashed first, as RFC 2104). */
void px_hmac256_init(struct px_hmac256 *h, const void *key, size_t len);
/* Use BearSSL's portable code even where SHA-NI exists (tests). */
void px_hmac256_portable(struct px_hmac256 *h);
void px_hmac256(const struct px_hmac256 *h, const void *msg, size_t n,
    unsigned char mac[32]);
/* Wipe the key states. */
void px_hmac256_clear(struct px_hmac256 *h);

#endif
