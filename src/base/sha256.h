/* SHA-256 (FIPS 180-4): the file identifier of a PDF derived from its
 * bytes, and the hash of a layout recorded with the report data. */
#ifndef PB_SHA256_H
#define PB_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pb_sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;       /* message length so far */
    unsigned char block[64];
    size_t used;          /* bytes waiting in block */
} pb_sha256_ctx;

void pb_sha256_init(pb_sha256_ctx *s);
void pb_sha256_update(pb_sha256_ctx *s, const void *data, size_t len);
void pb_sha256_final(pb_sha256_ctx *s, unsigned char digest[32]);

/* The digest of data in one call. */
void pb_sha256(const void *data, size_t len, unsigned char digest[32]);

/* Lower-case hex of n bytes into out (2n + 1 bytes with the NUL). */
void pb_hex(const unsigned char *bytes, size_t n, char *out);

#endif
