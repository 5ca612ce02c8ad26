/* sRGB as an ICC profile (ICC.1:2004-10, version 4.2, the version PDF 1.7
 * and so PDF/A-3 refer to), built here rather than read from a file: the
 * library reads no file it was not given, and the profile is part of every
 * archival PDF.  The tone curve is parametric (type 3, the sRGB formula):
 * exact, and readers invert it in closed form (a sampled curve made
 * poppler's text extraction several times slower).  Layout: a 128-byte
 * header, a tag table, then the tags, each 4-byte aligned. */
#include "output/pdf_icc.h"

#include <stdint.h>
#include <string.h>

#include "base/arena.h"

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

/* s15Fixed16 of v / 10^7, rounded half away from zero. */
static uint32_t s15f16(int32_t v)
{
    int64_t x = (int64_t)v * 65536;
    x = x >= 0 ? (x + 5000000) / 10000000 : -((-x + 5000000) / 10000000);
    return (uint32_t)(int32_t)x;
}

/* multiLocalizedUnicodeType with one en-US ASCII string. */
static size_t mluc_size(const char *s)
{
    return 28 + 2 * strlen(s);
}

static void put_mluc(icc *b, size_t at, const char *s)
{
    put_sig(b, at, "mluc");
    put32(b, at + 8, 1);          /* records */
    put32(b, at + 12, 12);        /* record size */
    memcpy(b->p + at + 16, "enUS", 4);
    put32(b, at + 20, (uint32_t)(2 * strlen(s)));
    put32(b, at + 24, 28);        /* offset from the tag's start */
    for (size_t i = 0; s[i]; i++)
        put16(b, at + 28 + 2 * i, (unsigned char)s[i]);
}

typedef struct tag {
    const char *sig;
    size_t at, size;
} tag;

unsigned char *pdf_srgb_icc(size_t *len)
{
    static const char desc_text[] = "sRGB IEC61966-2.1";
    static const char cprt_text[] = "No copyright, use freely";
    /* the D50 white and the D50-adapted (Bradford) sRGB primaries, x 10^7 */
    static const int32_t xyz[4][3] = {
        {9642000, 10000000, 8249000},  /* wtpt */
        {4360747, 2225045, 139322},    /* rXYZ */
        {3850649, 7168786, 971045},    /* gXYZ */
        {1430804, 606169, 7141733},    /* bXYZ */
    };
    /* Bradford adaptation D65 -> D50, x 10^7 */
    static const int32_t chad[9] = {10478112, 228866,  -501270, 295424, 9904844,
                                    -170491,  -92345, 150436,  7521316};
    /* sRGB: Y = (aX + b)^g for X >= d, else cX; x 10^7 */
    static const int32_t para[5] = {24000000, 9478673, 521327, 773994, 404500};
    enum { NTAGS = 10 };
    tag tags[NTAGS] = {
        {"desc", 0, mluc_size(desc_text)}, {"cprt", 0, mluc_size(cprt_text)},
        {"wtpt", 0, 20}, {"chad", 0, 8 + 36},
        {"rXYZ", 0, 20}, {"gXYZ", 0, 20}, {"bXYZ", 0, 20},
        {"rTRC", 0, 12 + 20}, {"gTRC", 0, 12 + 20}, {"bTRC", 0, 12 + 20},
    };
    size_t at = 128 + 4 + 12 * NTAGS;
    for (int i = 0; i < NTAGS; i++) {
        if (i >= 8) {
            tags[i].at = tags[7].at; /* the three channels share one curve */
            continue;
        }
        tags[i].at = at;
        at += (tags[i].size + 3) & ~(size_t)3;
    }
    icc b = {pb_xcalloc(1, at), at};

    /* header */
    put32(&b, 0, (uint32_t)at);
    put32(&b, 8, 0x04200000);        /* version 4.2 */
    put_sig(&b, 12, "mntr");         /* display device */
    put_sig(&b, 16, "RGB ");
    put_sig(&b, 20, "XYZ ");
    put16(&b, 24, 2000);             /* a fixed date: the output never */
    put16(&b, 26, 1);                /* depends on the clock */
    put16(&b, 28, 1);
    put_sig(&b, 36, "acsp");
    put32(&b, 64, 0);                /* perceptual */
    put32(&b, 68, s15f16(xyz[0][0])); /* the PCS illuminant, D50 */
    put32(&b, 72, s15f16(xyz[0][1]));
    put32(&b, 76, s15f16(xyz[0][2]));
    /* the profile ID (84-99) is left zero: "not calculated" */

    put32(&b, 128, NTAGS);
    for (int i = 0; i < NTAGS; i++) {
        put_sig(&b, 132 + 12 * (size_t)i, tags[i].sig);
        put32(&b, 136 + 12 * (size_t)i, (uint32_t)tags[i].at);
        put32(&b, 140 + 12 * (size_t)i, (uint32_t)tags[i].size);
    }

    put_mluc(&b, tags[0].at, desc_text);
    put_mluc(&b, tags[1].at, cprt_text);
    for (int i = 0; i < 4; i++) {
        size_t x = tags[i == 0 ? 2 : 3 + i].at;
        put_sig(&b, x, "XYZ ");
        for (int k = 0; k < 3; k++)
            put32(&b, x + 8 + 4 * (size_t)k, s15f16(xyz[i][k]));
    }
    size_t c = tags[3].at;
    put_sig(&b, c, "sf32");
    for (int k = 0; k < 9; k++)
        put32(&b, c + 8 + 4 * (size_t)k, s15f16(chad[k]));
    size_t t = tags[7].at;
    put_sig(&b, t, "para");
    put16(&b, t + 8, 3);             /* function type 3: g, a, b, c, d */
    for (int k = 0; k < 5; k++)
        put32(&b, t + 12 + 4 * (size_t)k, s15f16(para[k]));
    *len = at;
    return b.p;
}
