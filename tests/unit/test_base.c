/* base/: SHA-256 against the FIPS 180-4 examples, deflate and the bounded
 * inflate (round trip, the bound, corrupt and cut data). */
#include <stdlib.h>
#include <string.h>

#include "base/flate.h"
#include "base/sha256.h"
#include "../testutil.h"

static void check_sha(const char *msg, size_t len, const char *want)
{
    unsigned char d[32];
    char hex[65];
    pb_sha256(msg, len, d);
    pb_hex(d, 32, hex);
    CHECK(strcmp(hex, want) == 0, "sha256 of %zu bytes: %s, want %s", len, hex, want);
}

int main(void)
{
    check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a million 'a', fed in uneven pieces */
    pb_sha256_ctx s;
    pb_sha256_init(&s);
    char a[997];
    memset(a, 'a', sizeof a);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof a ? left : (left % 7 ? sizeof a - left % 7 : sizeof a);
        pb_sha256_update(&s, a, n);
        left -= n;
    }
    unsigned char d[32];
    char hex[65];
    pb_sha256_final(&s, d);
    pb_hex(d, 32, hex);
    CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
          "sha256 of a million 'a': %s", hex);

    /* deflate, inflate back */
    size_t n = 300000;
    unsigned char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)((i * 2654435761u) >> 13);
    unsigned char *z, *back;
    size_t zlen, blen;
    CHECK(pb_deflate(data, n, 9, &z, &zlen), "deflate");
    CHECK(pb_inflate(z, zlen, n, &back, &blen) == PB_INFLATE_OK && blen == n &&
              memcmp(back, data, n) == 0 && back[n] == 0,
          "inflate gives the data back, NUL-terminated");
    free(back);
    CHECK(pb_inflate(z, zlen, n - 1, &back, &blen) == PB_INFLATE_TOO_BIG && !back,
          "one byte over the bound is refused");
    CHECK(pb_inflate(z, zlen / 2, n, &back, &blen) == PB_INFLATE_CORRUPT && !back,
          "cut data is corrupt");
    z[zlen / 2] ^= 0x55;
    pb_inflate_result r = pb_inflate(z, zlen, n, &back, &blen);
    CHECK(r == PB_INFLATE_CORRUPT && !back, "changed data is corrupt (checksum)");
    CHECK(pb_inflate("not zlib", 8, 100, &back, &blen) == PB_INFLATE_CORRUPT, "not zlib");
    free(z);
    /* a bomb: 50 MB of zeros in a few kilobytes stops at the bound */
    size_t big = 50u << 20;
    unsigned char *zeros = calloc(big, 1);
    CHECK(pb_deflate(zeros, big, 9, &z, &zlen) && zlen < 100000, "zeros compress");
    CHECK(pb_inflate(z, zlen, 1 << 20, &back, &blen) == PB_INFLATE_TOO_BIG,
          "a decompression bomb stops at the bound");
    free(zeros);
    free(z);
    free(data);
    return test_summary();
}
