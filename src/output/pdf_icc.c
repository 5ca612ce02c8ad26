/* sRGB as an ICC profile (ICC.1:2001-04, version 2.1), built here rather
 * than read from a file: the library reads no file it was not given, and
 * the profile is part of every archival PDF.  Layout of the profile: a
 * 128-byte header, a tag table, then the tags, each 4-byte aligned. */
#include "output/pdf_icc.h"

#include <stdint.h>
#include <string.h>

#include "base/arena.h"

enum { CURVE_POINTS = 1024 };

typedef struct icc {
    unsigned char *p;
    size_t len;
} icc;

static void put32(icc *b, size_t at, uint32_t v)
{
    b->p[at] = (unsigned char)(v >> 24);
    b->p[at + 1] = (unsigned char)(v >> 16);
    b->p[at + 2] = (unsigned char)(v >> 8);
    b->p[at + 3] = (unsigned char)v;
}

static void put16(icc *b, size_t at, uint32_t v)
{
    b->p[at] = (unsigned char)(v >> 8);
    b->p[at + 1] = (unsigned char)v;
}

static void put_sig(icc *b, size_t at, const char *sig)
{
    memcpy(b->p + at, sig, 4);
}

/* s15Fixed16 of v / 10^7 (non-negative), rounded. */
static uint32_t s15f16(uint32_t v)
{
    return (uint32_t)(((uint64_t)v * 65536 + 5000000) / 10000000);
}

/* Largest r (Q24) with r^5 <= s (Q24), by bisection on exact integers. */
static uint64_t fifth_root_q24(uint64_t s)
{
    typedef unsigned __int128 u128;
    u128 target = (u128)s << 96; /* r^5 is Q120 */
    uint64_t lo = 0, hi = (uint64_t)1 << 24;
    while (lo < hi) {
        uint64_t mid = (lo + hi + 1) / 2;
        u128 p = (u128)mid * mid;
        p = p * mid;
        p = p * mid;
        p = p * mid;
        if (p <= target)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The sRGB decoding function at i / (n - 1), as a 16-bit curve value:
 * x / 12.92 up to x = 0.04045, else ((x + 0.055) / 1.055) ^ 2.4, where
 * t ^ 2.4 = t^2 * (t^2) ^ (1/5). */
static uint32_t srgb_curve(uint32_t i, uint32_t n)
{
    uint64_t m = n - 1;
    if (i * 100000ull <= 4045 * m)
        return (uint32_t)(((uint64_t)i * 65535 * 100 + m * 1292 / 2) / (m * 1292));
    uint64_t t = (((uint64_t)i * 1000 + 55 * m) << 24) / (1055 * m); /* Q24 */
    uint64_t s = (t * t) >> 24;
    uint64_t y = (s * fifth_root_q24(s)) >> 24;
    uint64_t v = (y * 65535 + ((uint64_t)1 << 23)) >> 24;
    return v > 65535 ? 65535 : (uint32_t)v;
}

typedef struct tag {
    const char *sig;
    size_t at, size;
} tag;

unsigned char *pdf_srgb_icc(size_t *len)
{
    static const char desc_text[] = "sRGB IEC61966-2.1";
    static const char cprt_text[] = "No copyright, use freely";
    /* D50-adapted (Bradford) sRGB primaries and the D50 white, x 10^7 */
    static const uint32_t xyz[4][3] = {
        {9642000, 10000000, 8249000},  /* wtpt: D50 */
        {4360747, 2225045, 139322},    /* rXYZ */
        {3850649, 7168786, 971045},    /* gXYZ */
        {1430804, 606169, 7141733},    /* bXYZ */
    };
    enum { NTAGS = 9 };
    size_t desc_size = 12 + sizeof desc_text + 4 + 4 + 2 + 1 + 67;
    size_t cprt_size = 8 + sizeof cprt_text;
    size_t curv_size = 12 + 2 * CURVE_POINTS;
    tag tags[NTAGS] = {
        {"desc", 0, desc_size}, {"cprt", 0, cprt_size}, {"wtpt", 0, 20},
        {"rXYZ", 0, 20},        {"gXYZ", 0, 20},        {"bXYZ", 0, 20},
        {"rTRC", 0, curv_size}, {"gTRC", 0, curv_size}, {"bTRC", 0, curv_size},
    };
    size_t at = 128 + 4 + 12 * NTAGS;
    for (int i = 0; i < NTAGS; i++) {
        if (i >= 7) {
            tags[i].at = tags[6].at; /* the three channels share one curve */
            continue;
        }
        tags[i].at = at;
        at += (tags[i].size + 3) & ~(size_t)3;
    }
    icc b = {pb_xcalloc(1, at), at};

    /* header */
    put32(&b, 0, (uint32_t)at);
    put32(&b, 8, 0x02100000);        /* version 2.1 */
    put_sig(&b, 12, "mntr");         /* display device */
    put_sig(&b, 16, "RGB ");
    put_sig(&b, 20, "XYZ ");
    put16(&b, 24, 2000);             /* a fixed date: the output never */
    put16(&b, 26, 1);                /* depends on the clock */
    put16(&b, 28, 1);
    put_sig(&b, 36, "acsp");
    put32(&b, 64, 0);                /* perceptual */
    put32(&b, 68, s15f16(xyz[0][0]));
    put32(&b, 72, s15f16(xyz[0][1]));
    put32(&b, 76, s15f16(xyz[0][2]));

    /* tag table */
    put32(&b, 128, NTAGS);
    for (int i = 0; i < NTAGS; i++) {
        put_sig(&b, 132 + 12 * (size_t)i, tags[i].sig);
        put32(&b, 136 + 12 * (size_t)i, (uint32_t)tags[i].at);
        put32(&b, 140 + 12 * (size_t)i, (uint32_t)tags[i].size);
    }

    /* desc: textDescriptionType, ASCII only (no Unicode or ScriptCode) */
    size_t d = tags[0].at;
    put_sig(&b, d, "desc");
    put32(&b, d + 8, sizeof desc_text);
    memcpy(b.p + d + 12, desc_text, sizeof desc_text);
    /* cprt: textType */
    size_t c = tags[1].at;
    put_sig(&b, c, "text");
    memcpy(b.p + c + 8, cprt_text, sizeof cprt_text);
    /* white point and colorants: XYZType */
    for (int i = 0; i < 4; i++) {
        size_t x = tags[2 + i].at;
        put_sig(&b, x, "XYZ ");
        for (int k = 0; k < 3; k++)
            put32(&b, x + 8 + 4 * (size_t)k, s15f16(xyz[i][k]));
    }
    /* the tone curve: curveType */
    size_t t = tags[6].at;
    put_sig(&b, t, "curv");
    put32(&b, t + 8, CURVE_POINTS);
    for (uint32_t i = 0; i < CURVE_POINTS; i++)
        put16(&b, t + 12 + 2 * i, srgb_curve(i, CURVE_POINTS));
    *len = at;
    return b.p;
}
