/* paiban's CFF subsetter (src/fonts/cff_subset.c) against FreeType: every
 * glyph of the four Fandol fonts and thousands of glyphs of Noto Serif
 * CJK (subroutines, several Font DICTs) must draw from the subset exactly
 * as from the font (points, tags and contours, unscaled and unhinted)
 * with the same advance; hand-made fonts check the charstring rewriting
 * byte for byte (hints dropped, the width moved, subroutines inlined);
 * damaged and hostile fonts are refused with a reason and never crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include "fonts/cff_subset.h"
#include "../testutil.h"

#define FANDOL "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
#define NOTO "/usr/share/fonts/opentype/noto"

static FT_Library ft;

/* The 'CFF ' table of face `index` of a font file (malloc'ed). */
static unsigned char *cff_table(const char *file, int index, size_t *len)
{
    hb_blob_t *blob = hb_blob_create_from_file(file);
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    hb_blob_t *t = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned n = 0;
    const char *d = hb_blob_get_data(t, &n);
    unsigned char *copy = NULL;
    if (n) {
        copy = malloc(n);
        memcpy(copy, d, n);
    }
    *len = n;
    hb_blob_destroy(t);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return copy;
}

static const unsigned load_flags = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP;

/* Glyph g of a and glyph h of b have the same outline; false with the
 * first difference printed. */
static bool same_outline(FT_Face a, unsigned g, FT_Face b, unsigned h, const char *what)
{
    FT_Error ea = FT_Load_Glyph(a, g, load_flags);
    if (ea)
        return CHECK(false, "%s: glyph %u of the font does not load (0x%x)", what, g, ea);
    FT_Outline oa = a->glyph->outline;
    FT_Error eb = FT_Load_Glyph(b, h, load_flags);
    if (eb)
        return CHECK(false, "%s: glyph %u (%u in the subset) does not load (0x%x)", what, g, h,
                     eb);
    FT_Outline ob = b->glyph->outline;
    if (oa.n_points != ob.n_points || oa.n_contours != ob.n_contours)
        return CHECK(false, "%s: glyph %u has %d points in %d contours, %d in %d in the subset",
                     what, g, oa.n_points, oa.n_contours, ob.n_points, ob.n_contours);
    for (int i = 0; i < oa.n_points; i++)
        if (oa.points[i].x != ob.points[i].x || oa.points[i].y != ob.points[i].y ||
            oa.tags[i] != ob.tags[i])
            return CHECK(false, "%s: glyph %u differs at point %d", what, g, i);
    for (int i = 0; i < oa.n_contours; i++)
        if (oa.contours[i] != ob.contours[i])
            return CHECK(false, "%s: glyph %u differs at contour %d", what, g, i);
    return true;
}

/* Subsets `file` to the glyphs 0, first, first + step, ... (after 0 in a
 * shuffled order when `shuffle`: glyph i of the subset is gids[i] in any
 * order) and compares every glyph of the subset with the font: the
 * outline, and the advance (the font's hmtx; in the subset, the
 * charstring's width, which is what a bare CFF has). */
static void check_font(const char *file, int index, unsigned first, unsigned step, bool shuffle)
{
    size_t len;
    unsigned char *cff = cff_table(file, index, &len);
    if (!CHECK(cff != NULL, "%s has a CFF table", file))
        return;
    FT_Face orig = NULL, sub = NULL;
    if (!CHECK(FT_New_Face(ft, file, index, &orig) == 0, "FreeType opens %s", file)) {
        free(cff);
        return;
    }
    unsigned nglyphs = (unsigned)orig->num_glyphs;
    uint32_t *gids = malloc(((size_t)nglyphs + 1) * sizeof *gids);
    int n = 0;
    gids[n++] = 0;
    for (unsigned g = first; g < nglyphs; g += step)
        gids[n++] = g;
    uint64_t seed = 1;
    for (int i = n - 1; shuffle && i > 1; i--) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int j = 1 + (int)((seed >> 33) % (uint64_t)i);
        uint32_t t = gids[i];
        gids[i] = gids[j];
        gids[j] = t;
    }
    unsigned char *out = NULL;
    size_t out_len = 0;
    char why[200] = "";
    bool ok = pb_cff_subset(cff, len, gids, n, &out, &out_len, why, sizeof why);
    CHECK(ok, "%s: %d glyphs subset: %s", file, n, why);
    if (ok && CHECK(FT_New_Memory_Face(ft, out, (FT_Long)out_len, 0, &sub) == 0,
                    "FreeType opens the subset of %s", file)) {
        CHECK(sub->num_glyphs == n, "%s: the subset has %ld glyphs, %d made", file,
              sub->num_glyphs, n);
        int bad_outline = 0, bad_advance = 0;
        for (int i = 0; i < n && i < sub->num_glyphs; i++) {
            if (!same_outline(orig, gids[i], sub, (unsigned)i, file)) {
                if (++bad_outline > 5)
                    break;
                continue;
            }
            FT_Pos want = orig->glyph->metrics.horiAdvance;
            FT_Pos got = sub->glyph->metrics.horiAdvance;
            if (want != got && ++bad_advance <= 5)
                CHECK(false, "%s: glyph %u advances %ld in the font, %ld in the subset", file,
                      gids[i], (long)want, (long)got);
        }
        CHECK(bad_outline == 0 && bad_advance == 0,
              "%s: %d glyphs: %d outlines and %d advances differ", file, n, bad_outline,
              bad_advance);
        printf("%s#%d: %d glyphs, CFF %zu bytes -> subset %zu bytes\n", file, index, n, len,
               out_len);
    }
    if (sub)
        FT_Done_Face(sub);
    FT_Done_Face(orig);
    free(out);
    free(gids);
    free(cff);
}

/* ---- hand-made fonts ------------------------------------------------------ */

typedef struct bb {
    unsigned char p[8192];
    size_t len;
} bb;

static void b8(bb *b, unsigned v)
{
    b->p[b->len++] = (unsigned char)v;
}

static void b16(bb *b, unsigned v)
{
    b8(b, v >> 8);
    b8(b, v & 0xFF);
}

static void bput(bb *b, const void *s, size_t n)
{
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* An INDEX with 2-byte offsets of the n items (data, length). */
static void bindex(bb *b, const unsigned char *const *items, const size_t *lens, int n)
{
    b16(b, (unsigned)n);
    if (n == 0)
        return;
    b8(b, 2);
    unsigned off = 1;
    b16(b, off);
    for (int i = 0; i < n; i++)
        b16(b, off += (unsigned)lens[i]);
    for (int i = 0; i < n; i++)
        bput(b, items[i], lens[i]);
}

static void b_int5(bb *b, long v)
{
    b8(b, 29);
    b8(b, (unsigned)(v >> 24) & 0xFF);
    b8(b, (unsigned)(v >> 16) & 0xFF);
    b8(b, (unsigned)(v >> 8) & 0xFF);
    b8(b, (unsigned)v & 0xFF);
}

/* A name-keyed CFF with these charstrings and local subroutines (its
 * Private DICT: defaultWidthX 500, nominalWidthX 600, Subrs). */
static void make_font(bb *b, const unsigned char *const *cs, const size_t *cslen, int ncs,
                      const unsigned char *const *subrs, const size_t *subrlen, int nsubrs)
{
    b->len = 0;
    b8(b, 1), b8(b, 0), b8(b, 4), b8(b, 2);
    const unsigned char *name[] = {(const unsigned char *)"Test"};
    size_t namelen[] = {4};
    bindex(b, name, namelen, 1);
    /* Top DICT: FontBBox, CharStrings, Private, all offsets five bytes */
    unsigned char top[64];
    bb t = {{0}, 0};
    b8(&t, 139), b8(&t, 139), b8(&t, 139 + 100), b8(&t, 139 + 100), b8(&t, 5);
    size_t cs_at = t.len;
    b_int5(&t, 0), b8(&t, 17);
    size_t priv_at = t.len;
    b_int5(&t, 0), b_int5(&t, 0), b8(&t, 18);
    memcpy(top, t.p, t.len);
    const unsigned char *tops[] = {top};
    size_t toplen[] = {t.len};
    size_t top_index_at = b->len;
    bindex(b, tops, toplen, 1);
    size_t top_data = top_index_at + 2 + 1 + 4;
    b16(b, 0); /* String INDEX */
    b16(b, 0); /* Global Subrs */
    size_t charstrings = b->len;
    bindex(b, cs, cslen, ncs);
    /* Private: 500 defaultWidthX (20), 600 nominalWidthX (21), Subrs (19) = its length */
    size_t priv = b->len;
    unsigned char pd[] = {28, 0x01, 0xF4, 20, 28, 0x02, 0x58, 21, 29, 0, 0, 0, 14, 19};
    bput(b, pd, sizeof pd);
    bindex(b, subrs, subrlen, nsubrs);
    /* the offsets */
    unsigned char *p = b->p + top_data + cs_at + 1;
    p[0] = 0, p[1] = 0, p[2] = (unsigned char)(charstrings >> 8), p[3] = (unsigned char)charstrings;
    p = b->p + top_data + priv_at + 1;
    p[3] = sizeof pd;
    p[5 + 2] = (unsigned char)(priv >> 8), p[5 + 3] = (unsigned char)priv;
}

/* The charstring of glyph i of a subset this test made (its Top DICT's
 * CharStrings offset is five bytes, an INDEX with offsets of any size). */
static bool charstring_of(const unsigned char *c, size_t len, int i, const unsigned char **cs,
                          size_t *cslen)
{
    /* find "29 x x x x 17" in the Top DICT */
    size_t at = 0;
    for (size_t k = 4; k + 6 < len && k < 200; k++)
        if (c[k] == 29 && c[k + 5] == 17) {
            at = (size_t)c[k + 1] << 24 | (size_t)c[k + 2] << 16 | (size_t)c[k + 3] << 8 |
                 c[k + 4];
            break;
        }
    if (!at || at + 3 > len)
        return false;
    unsigned count = (unsigned)c[at] << 8 | c[at + 1], os = c[at + 2];
    if ((unsigned)i >= count)
        return false;
    size_t a = 0, e = 0;
    for (unsigned k = 0; k < os; k++) {
        a = a << 8 | c[at + 3 + (size_t)i * os + k];
        e = e << 8 | c[at + 3 + (size_t)(i + 1) * os + k];
    }
    size_t data = at + 3 + ((size_t)count + 1) * os - 1;
    *cs = c + data + a;
    *cslen = e - a;
    return data + e <= len;
}

/* Glyph 1 of the font made of glyph0, glyph1 and the subroutines, subset
 * to glyphs 0 and 1: its charstring must be `want`, or the subset refused
 * with a reason containing `refusal`. */
static void expect(int line, const char *glyph1, size_t g1len, const char *subr, size_t slen,
                   const char *want, size_t wantlen, const char *refusal)
{
    static const unsigned char notdef[] = {14};
    const unsigned char *cs[] = {notdef, (const unsigned char *)glyph1};
    size_t cslen[] = {1, g1len};
    const unsigned char *subrs[] = {(const unsigned char *)subr};
    size_t subrlen[] = {slen};
    bb font;
    make_font(&font, cs, cslen, 2, subrs, subrlen, subr ? 1 : 0);
    uint32_t gids[] = {0, 1};
    unsigned char *out = NULL;
    size_t out_len = 0;
    char why[200] = "";
    bool ok = pb_cff_subset(font.p, font.len, gids, 2, &out, &out_len, why, sizeof why);
    if (refusal) {
        CHECK_LINE(!ok && strstr(why, refusal), line, "refused (\"%s\"): %s", refusal,
                   ok ? "made" : why);
    } else if (CHECK_LINE(ok, line, "made: %s", why)) {
        const unsigned char *got = NULL;
        size_t got_len = 0;
        if (CHECK_LINE(charstring_of(out, out_len, 1, &got, &got_len), line, "charstring 1"))
            CHECK_LINE(got_len == wantlen && memcmp(got, want, wantlen) == 0, line,
                       "charstring of %zu bytes, %zu expected", got_len, wantlen);
        /* and FreeType reads the result */
        FT_Face f;
        if (CHECK_LINE(FT_New_Memory_Face(ft, out, (FT_Long)out_len, 0, &f) == 0, line,
                       "FreeType opens it")) {
            CHECK_LINE(FT_Load_Glyph(f, 1, load_flags) == 0, line, "FreeType draws glyph 1");
            FT_Done_Face(f);
        }
    }
    free(out);
}

/* g, subr and want are string literals (sizeof - 1: their bytes, NULs
 * included) */
#define S(lit) lit, sizeof lit - 1
#define EXPECT(g, want) expect(__LINE__, S(g), NULL, 0, S(want), NULL)
#define EXPECT_SUB(g, subr, want) expect(__LINE__, S(g), S(subr), S(want), NULL)
#define REFUSE(g, why) expect(__LINE__, S(g), NULL, 0, NULL, 0, why)
#define REFUSE_SUB(g, subr, why) expect(__LINE__, S(g), S(subr), NULL, 0, why)

/* Type 2 numbers in these charstrings: one byte, 139 + v (0x95 is 10,
 * 0x9f 20, 0xa9 30, 0xb3 40, 0xbd 50, 0xc7 60, 0x90 5, 0x8b 0, 0x20
 * -107, the first subroutine's number). */
static void handmade(void)
{
    /* "10 20 hstem 30 40 rmoveto 50 hlineto endchar" -> hints gone */
    EXPECT("\x95\x9f\x01\xa9\xb3\x15\xbd\x06\x0e", "\xa9\xb3\x15\xbd\x06\x0e");
    /* the width on hstem (odd count: 5 10 20 hstem) moves to rmoveto */
    EXPECT("\x90\x95\x9f\x01\xa9\xb3\x15\x0e", "\x90\xa9\xb3\x15\x0e");
    /* the width on hstem and no path: it moves to endchar */
    EXPECT("\x90\x95\x9f\x01\x0e", "\x90\x0e");
    /* hstemhm 2 stems, hintmask with an implied vstem (1 stem): 3 stems,
       one mask byte; cntrmask after it, one mask byte */
    EXPECT("\x95\x9f\x95\x9f\x12\x95\x9f\x13\xff\x14\x80\xa9\xb3\x15\x0e", "\xa9\xb3\x15\x0e");
    /* 9 stems: masks of two bytes */
    EXPECT("\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x8c\x17"
           "\x13\xff\x80\xa9\x04\x0e", "\xa9\x04\x0e");
    /* the width on rmoveto stays; a dotsection goes */
    EXPECT("\x90\xa9\xb3\x15\x0c\x00\xbd\x06\x0e", "\x90\xa9\xb3\x15\xbd\x06\x0e");
    /* a local subroutine (number 0 - 107 = -107: byte 32) inlined, its
       return gone; the operands before the call are kept */
    EXPECT_SUB("\xa9\xb3\x15\xbd\x20\x0a\x0e", "\xc7\x07\x0b", "\xa9\xb3\x15\xbd\xc7\x07\x0e");
    /* a subroutine that ends the glyph */
    EXPECT_SUB("\xa9\xb3\x15\x20\x0a", "\xbd\x06\x0e", "\xa9\xb3\x15\xbd\x06\x0e");
    /* hints inside a subroutine count for the mask after it */
    EXPECT_SUB("\x20\x0a\x13\xc0\xa9\x04\x0e", "\x95\x9f\x95\x9f\x01\x0b", "\xa9\x04\x0e");
    /* a 16.16 number (255) is copied as it is */
    EXPECT("\xa9\xb3\x15\xff\x00\x01\x80\x00\x06\x0e", "\xa9\xb3\x15\xff\x00\x01\x80\x00\x06\x0e");
    /* a hint mask inside the path (hint replacement) goes, the path on
       both sides of it stays */
    EXPECT("\x95\x9f\x01\xa9\xb3\x15\x13\x80\xbd\x06\x0e", "\xa9\xb3\x15\xbd\x06\x0e");
    /* the width a hint carried waits past another hint for the moveto */
    EXPECT("\x90\x95\x9f\x01\xa9\xb3\x03\xa9\xb3\x15\x0e", "\x90\xa9\xb3\x15\x0e");
    /* what follows endchar is not copied */
    EXPECT("\xa9\xb3\x15\x0e\x95", "\xa9\xb3\x15\x0e");
    /* an hflex (12 34) stays, its escape byte too */
    EXPECT("\xa9\xb3\x15\x95\x95\x95\x95\x95\x95\x95\x0c\x22\x0e",
           "\xa9\xb3\x15\x95\x95\x95\x95\x95\x95\x95\x0c\x22\x0e");
    /* 48 operands, as many as the stack holds */
    EXPECT("\xa9\xb3\x15\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x05\x0e",
           "\xa9\xb3\x15\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x05\x0e");

    REFUSE_SUB("\x20\x0a", "\x20\x0a", "nests subroutines");            /* calls itself */
    REFUSE_SUB("\x21\x0a\x0e", "\x0b", "does not exist");               /* subroutine 1 of 1 */
    REFUSE_SUB("\x20\x1d\x0e", "\x0b", "does not exist");               /* no global ones */
    REFUSE_SUB("\x0a\x0e", "\x0b", "without its number");
    REFUSE("\x8b\x8b\x8b\x8b\x0e", "seac");     /* accented: 4 operands */
    REFUSE("\x8b\x8b\x0c\x0a\x0e", "arithmetic"); /* add */
    REFUSE("\x8b\x8b\x0c\x17\x0e", "arithmetic"); /* random... 12 23 */
    REFUSE("\x8b\x02\x0e", "reserved");
    REFUSE("\xa9\xb3\x15", "does not end with endchar");
    REFUSE("\xbd\x06\x0e", "before its first moveto");
    REFUSE("\x8b\x0b", "returns from no subroutine");
    REFUSE("\x95\x9f\x01\x95\x9f\x95\x03\x0e", "odd number");
    REFUSE("\x95\x9f\x01\x13", "hint mask is cut off");
    REFUSE("\x90\x95\x9f\x01\x90\xa9\xb3\x15\x0e", "width both before a hint");
    REFUSE("\xa9\x1c\x01", "cut off");
    /* 49 operands */
    REFUSE("\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x05\x0e", "operand stack");
    /* and after a moveto */
    REFUSE("\xa9\xb3\x15\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b"
           "\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x8b\x05\x0e", "operand stack");
}

/* Subroutines calling each other as a binary tree ten deep: the budget
 * of bytes a glyph may read stops the expansion. */
static void expansion(void)
{
    /* subr k (k < 9) calls subr k + 1 twice; subr 9 has 200 bytes of
       "0 0 rlineto" ... 2^10 * 200 bytes */
    static unsigned char subr[10][640];
    const unsigned char *subrs[10];
    size_t subrlen[10];
    for (int k = 0; k < 10; k++) {
        size_t n = 0;
        if (k < 9) {
            for (int t = 0; t < 2; t++) {
                subr[k][n++] = (unsigned char)(139 + (k + 1) - 107);
                subr[k][n++] = 10;
            }
        } else {
            while (n + 3 < 600) {
                subr[k][n++] = 139;
                subr[k][n++] = 139;
                subr[k][n++] = 5;
            }
        }
        subr[k][n++] = 11;
        subrs[k] = subr[k];
        subrlen[k] = n;
    }
    static const unsigned char notdef[] = {14};
    static const unsigned char g1[] = {139, 139, 21, 139 - 107, 10, 139 - 107, 10,
                                       139 - 107, 10, 139 - 107, 10, 14};
    const unsigned char *cs[] = {notdef, g1};
    size_t cslen[] = {1, sizeof g1};
    bb font;
    make_font(&font, cs, cslen, 2, subrs, subrlen, 10);
    uint32_t gids[] = {0, 1};
    unsigned char *out = NULL;
    size_t out_len = 0;
    char why[200] = "";
    bool ok = pb_cff_subset(font.p, font.len, gids, 2, &out, &out_len, why, sizeof why);
    CHECK(!ok && strstr(why, "too large"), "an exponential expansion is refused: %s",
          ok ? "made" : why);
    free(out);
}

/* Every prefix of a real font's CFF table, and the table with bytes
 * changed all over it: refused or subset, never a crash (AddressSanitizer
 * runs this too); the whole table must subset. */
static void damaged(void)
{
    size_t len;
    unsigned char *cff = cff_table(FANDOL "/FandolFang-Regular.otf", 0, &len);
    if (!CHECK(cff != NULL, "FandolFang's CFF table"))
        return;
    /* a small font to damage: Fandol cut to 6 glyphs */
    uint32_t some[] = {0, 10, 500, 1000, 3000, 5000};
    unsigned char *small = NULL;
    size_t small_len = 0;
    char why[200] = "";
    CHECK(pb_cff_subset(cff, len, some, 6, &small, &small_len, why, sizeof why), "cut: %s",
          why);
    free(cff);
    if (!small)
        return;
    uint32_t gids[] = {0, 1, 2, 3, 4, 5};
    int made = 0, refused = 0;
    for (size_t cut = 0; cut < small_len; cut++) {
        unsigned char *part = malloc(cut ? cut : 1);
        memcpy(part, small, cut);
        unsigned char *out = NULL;
        size_t out_len;
        why[0] = 0;
        if (pb_cff_subset(part, cut, gids, 6, &out, &out_len, why, sizeof why))
            made++;
        else
            refused += why[0] != 0;
        free(out);
        free(part);
    }
    CHECK(made == 0 && refused == (int)small_len,
          "every prefix refused with a reason: %d made, %d refused of %zu", made, refused,
          small_len);
    /* bytes changed: deterministic, every offset of the first 300 bytes
       (header, INDEXes, DICTs) to a few values, and random bytes all over */
    unsigned long long seed = 0x9E3779B97F4A7C15ull;
    static const unsigned char values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x1D, 0x0C, 0x0A};
    int runs = 0;
    for (size_t at = 0; at < small_len && at < 300; at++)
        for (size_t v = 0; v < sizeof values; v++) {
            unsigned char *copy = malloc(small_len);
            memcpy(copy, small, small_len);
            copy[at] = values[v];
            unsigned char *out = NULL;
            size_t out_len;
            pb_cff_subset(copy, small_len, gids, 6, &out, &out_len, why, sizeof why);
            free(out);
            free(copy);
            runs++;
        }
    for (int r = 0; r < 3000; r++) {
        unsigned char *copy = malloc(small_len);
        memcpy(copy, small, small_len);
        for (int k = 0; k < 4; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            copy[(seed >> 20) % small_len] = (unsigned char)(seed >> 56);
        }
        unsigned char *out = NULL;
        size_t out_len;
        if (pb_cff_subset(copy, small_len, gids, 6, &out, &out_len, why, sizeof why)) {
            /* what it makes FreeType must open */
            FT_Face f;
            if (FT_New_Memory_Face(ft, out, (FT_Long)out_len, 0, &f) == 0)
                FT_Done_Face(f);
        }
        free(out);
        free(copy);
        runs++;
    }
    CHECK(runs > 3000, "%d damaged fonts read without a crash", runs);
    /* glyph lists it refuses */
    unsigned char *out = NULL;
    size_t out_len;
    uint32_t past[] = {0, 6};
    uint32_t no_notdef[] = {1, 2};
    CHECK(!pb_cff_subset(small, small_len, past, 2, &out, &out_len, why, sizeof why),
          "a glyph past the last refused");
    CHECK(!pb_cff_subset(small, small_len, no_notdef, 2, &out, &out_len, why, sizeof why),
          "a subset without .notdef refused");
    /* a CFF2 table */
    unsigned char cff2[] = {2, 0, 5, 0, 0};
    CHECK(!pb_cff_subset(cff2, sizeof cff2, gids, 1, &out, &out_len, why, sizeof why) &&
              strstr(why, "CFF2"),
          "CFF2 refused: %s", why);
    free(small);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (FT_Init_FreeType(&ft)) {
        printf("FreeType does not start\n");
        return 1;
    }
    handmade();
    expansion();
    damaged();
    /* every glyph of the Fandol fonts (no subroutines, name-keyed or one
       Font DICT), and a renumbered subset of one */
    check_font(FANDOL "/FandolFang-Regular.otf", 0, 1, 1, false);
    check_font(FANDOL "/FandolHei-Regular.otf", 0, 1, 1, false);
    check_font(FANDOL "/FandolKai-Regular.otf", 0, 1, 1, false);
    check_font(FANDOL "/FandolSong-Regular.otf", 0, 1, 1, false);
    check_font(FANDOL "/FandolFang-Regular.otf", 0, 5, 7, true);
    /* Noto CJK (subroutines, CID-keyed with many Font DICTs): every 16th
       glyph of the Serif SC face, every 31st of the Sans Bold JP face */
    check_font(NOTO "/NotoSerifCJK-Regular.ttc", 2, 1, 16, false);
    check_font(NOTO "/NotoSansCJK-Bold.ttc", 0, 3, 31, false);
    /* glyphs of many Font DICTs interleaved: FDSelect in runs of one */
    check_font(NOTO "/NotoSansCJK-Bold.ttc", 0, 5, 29, true);
    FT_Done_FreeType(ft);
    return test_summary();
}
