/* base/: SHA-256 against the FIPS 180-4 examples, deflate and the bounded
 * inflate (round trip, the bound, corrupt and cut data), a kept
 * compressor against pb_deflate, the inline
 * UTF-8 decoder against the strict one over every short byte sequence,
 * a string made piece by piece in an arena against one printed whole, and
 * an arena released to a mark (what was before it kept, what came after
 * it given back and its memory used again). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/flate.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "../testutil.h"

static void check_sha(const char *msg, size_t len, const char *want)
{
    unsigned char d[32];
    char hex[65];
    pb_sha256(msg, len, d);
    pb_hex(d, 32, hex);
    CHECK(strcmp(hex, want) == 0, "sha256 of %zu bytes: %s, want %s", len, hex, want);
}

/* pb_utf8_next (inline fast paths) and pb_utf8_next_strict agree on s
 * (len bytes, followed by the rest of a 4-byte buffer); counts disagreements. */
static int utf8_disagree(const unsigned char *s, size_t len)
{
    size_t a = 0, b = 0;
    uint32_t x = pb_utf8_next((const char *)s, len, &a);
    uint32_t y = pb_utf8_next_strict((const char *)s, len, &b);
    return x != y || a != b;
}

/* Every sequence of up to three bytes (each cut short too), and every
 * code point's own encoding followed by a continuation byte. */
static void check_utf8_fast_path(void)
{
    long bad = 0, first = -1;
    unsigned char s[4];
    for (long v = 0; v < 1L << 24; v++) {
        s[0] = (unsigned char)(v >> 16);
        s[1] = (unsigned char)(v >> 8);
        s[2] = (unsigned char)v;
        s[3] = 0x80;
        for (size_t len = 1; len <= 4; len++)
            if (utf8_disagree(s, len)) {
                bad++;
                if (first < 0)
                    first = v;
            }
    }
    CHECK(bad == 0, "UTF-8: %ld three-byte sequences decode differently, first %06lX", bad,
          first);
    bad = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        char e[5];
        int n = pb_utf8_encode(cp, e);
        e[n] = (char)0x80;
        size_t at = 0;
        uint32_t got = pb_utf8_next(e, (size_t)n, &at);
        bool want_ok = cp < 0xD800 || cp > 0xDFFF;
        if ((want_ok && (got != cp || at != (size_t)n)) ||
            utf8_disagree((const unsigned char *)e, (size_t)n) ||
            utf8_disagree((const unsigned char *)e, (size_t)n + 1))
            bad++;
    }
    CHECK(bad == 0, "UTF-8: %ld code points decode wrongly or differently", bad);
}

/* Pieces of every length from 0 to past the first capacities, appended
 * one by one, give the text snprintf gives for all of them at once. */
static void check_arena_text(void)
{
    pb_arena *a = pb_arena_new();
    pb_arena_text t = {0};
    char *whole = calloc(1, 200000);
    size_t wlen = 0;
    char piece[300];
    for (int i = 0; i < 600; i++) {
        int n = (i * 37) % 260;
        memset(piece, 'a' + i % 26, (size_t)n);
        piece[n] = 0;
        pb_arena_text_printf(a, &t, "%s|%d|", piece, i);
        wlen += (size_t)snprintf(whole + wlen, 200000 - wlen, "%s|%d|", piece, i);
        if (i == 0)
            pb_arena_text_printf(a, &t, "%s", ""); /* an empty piece */
    }
    CHECK(t.p && t.len == wlen && strlen(t.p) == wlen && memcmp(t.p, whole, wlen) == 0,
          "arena text: %zu bytes, want %zu, or other bytes", t.len, wlen);
    CHECK(t.cap > t.len, "arena text: room for its NUL");
    free(whole);
    pb_arena_free(a);
}

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_TEST_ASAN 1
#endif
#endif
#ifdef ARENA_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Fills n bytes with a pattern of its own (seed) and checks it back. */
static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static bool intact(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7))
            return false;
    return true;
}

/* What came before a mark survives any mix of small allocations, blocks
 * filled up and large allocations (a block of their own, put behind the
 * current one) after it; after the release the next allocation takes
 * the same memory as the first one after the mark; marks nest. */
static void check_arena_mark(void)
{
    for (int round = 0; round < 3; round++) {
        pb_arena *a = pb_arena_new();
        pb_arena_pos empty = pb_arena_mark(a);
        /* before the mark: one small piece, and in round 1 a large one and
           in round 2 a full block's worth (the mark falls in a later block) */
        unsigned char *keep = pb_arena_alloc(a, 100);
        fill(keep, 100, 1);
        unsigned char *keep_big = NULL;
        if (round == 1) {
            keep_big = pb_arena_alloc(a, 200000);
            fill(keep_big, 200000, 2);
        }
        for (int i = 0; round == 2 && i < 70; i++)
            fill(pb_arena_alloc(a, 1000), 1000, 3);
        unsigned char *keep_last = pb_arena_alloc(a, 48);
        fill(keep_last, 48, 4);

        pb_arena_pos mark = pb_arena_mark(a);
        unsigned char *first = pb_arena_alloc(a, 64);
        /* half the mark's block used: the next large allocation does not
           fit in it and gets a block of its own */
        for (int k = 0; k < 30; k++)
            fill(pb_arena_alloc(a, 1000), 1000, 9);
        unsigned char *large[3];
        for (int i = 0; i < 3; i++) {
            large[i] = pb_arena_alloc(a, 40000); /* large: own blocks */
            fill(large[i], 40000, 5);
            for (int k = 0; k < 100; k++)
                fill(pb_arena_alloc(a, 1500), 1500, 6); /* fills blocks */
        }
        /* a nested mark, released first */
        pb_arena_pos inner = pb_arena_mark(a);
        unsigned char *in1 = pb_arena_alloc(a, 32);
        fill(pb_arena_alloc(a, 90000), 90000, 7);
        pb_arena_release(a, inner);
        unsigned char *in2 = pb_arena_alloc(a, 32);
        CHECK(in1 == in2, "arena mark, round %d: the inner release gives its memory back", round);
        pb_arena_release(a, mark);
        CHECK(intact(keep, 100, 1) && intact(keep_last, 48, 4) &&
                  (!keep_big || intact(keep_big, 200000, 2)),
              "arena mark, round %d: what was allocated before the mark is kept", round);
#ifdef ARENA_TEST_ASAN
        CHECK(__asan_address_is_poisoned(first) && __asan_address_is_poisoned(large[0]) &&
                  __asan_address_is_poisoned(large[2]),
              "arena mark, round %d: released memory is poisoned or freed", round);
#endif
        unsigned char *again = pb_arena_alloc(a, 64);
        CHECK(again == first, "arena mark, round %d: the next allocation reuses the memory "
              "after the mark", round);
        for (int k = 0; k < 64; k++)
            CHECK(again[k] == 0, "arena mark, round %d: reused memory is zero-filled", round);
        /* released to the empty arena: everything goes, and the arena
           still works */
        pb_arena_release(a, empty);
        unsigned char *p = pb_arena_alloc(a, 10);
        fill(p, 10, 8);
        CHECK(intact(p, 10, 8), "arena mark, round %d: usable after the release to empty",
              round);
        pb_arena_free(a);
    }
}

/* Blocks adopted from malloc are freed with the arena, and those adopted
 * after a mark on its release (LeakSanitizer reports a block never freed,
 * AddressSanitizer one freed twice); an array grown with realloc keeps
 * its contents when adopted. */
static void check_arena_adopt(void)
{
    pb_arena *a = pb_arena_new();
    pb_arena_adopt(a, NULL); /* nothing to take */
    int *v = NULL;
    for (int n = 0; n < 5000; n++) {
        if ((n & (n - 1)) == 0)
            v = pb_xrealloc(v, (size_t)(n ? 2 * n : 1) * sizeof *v);
        v[n] = n * 3;
    }
    pb_arena_adopt(a, v);
    pb_arena_pos mark = pb_arena_mark(a);
    for (int i = 0; i < 3; i++)
        pb_arena_adopt(a, pb_xmalloc(1000));
    pb_arena_release(a, mark);
    pb_arena_adopt(a, pb_xmalloc(10));
    bool same = true;
    for (int n = 0; n < 5000; n++)
        same = same && v[n] == n * 3;
    CHECK(same, "arena adopt: an adopted array keeps its contents");
    pb_arena_free(a);
}

int main(void)
{
    check_arena_text();
    check_arena_mark();
    check_arena_adopt();
    check_utf8_fast_path();
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
    /* a kept compressor gives each buffer pb_deflate's bytes, whatever it
       compressed before (pieces of the data, the sample's PDF content
       sizes, each twice) */
    for (int level = 1; level <= 12; level += 5) {
        pb_deflater *dz = pb_deflater_new(level);
        CHECK(dz != NULL, "a compressor at level %d", level);
        static const size_t sizes[] = {3000, 0, 1, 65536, 200000, 3000, 17};
        for (size_t k = 0; dz && k < 2 * sizeof sizes / sizeof *sizes; k++) {
            size_t len = sizes[k % (sizeof sizes / sizeof *sizes)], from = (k * 7919) % 1000;
            unsigned char *a, *b;
            size_t alen, blen2;
            bool oka = pb_deflater_run(dz, data + from, len, &a, &alen);
            bool okb = pb_deflate(data + from, len, level, &b, &blen2);
            CHECK(oka && okb && alen == blen2 && memcmp(a, b, alen) == 0,
                  "level %d, %zu bytes: the kept compressor's bytes differ", level, len);
            free(a);
            free(b);
        }
        pb_deflater_free(dz);
    }
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
