/* Shape stage with real fonts: clusters, advances at 3号 (16 pt), the
 * 28-per-line grid tracking, fallback items, missing characters; the
 * right-to-left test's and the character properties' fast paths against
 * ICU and HarfBuzz for every code point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "text/bidi.h"
#include "layout/setter.h"
#include "text/linebreak.h"
#include "fonts/font_check.h"
#include "text/shape.h"
#include "../testutil.h"

static const char *dirs[] = {"/usr/share/fonts",
                             "/usr/share/texlive/texmf-dist/fonts/opentype"};

static pb_font_candidate fangsong[] = {
    {NULL, "FandolFang-Regular.otf", 0, "fonts.fangsong[0]", "layout.json"},
    {NULL, "NotoSerifCJK-Regular.ttc", 2, "fonts.fangsong[1]", "layout.json"},
    {NULL, "uming.ttc", 0, "fonts.fangsong[2]", "layout.json"},
};
static pb_font_candidate hei[] = {
    {NULL, "FandolHei-Regular.otf", 0, "fonts.hei[0]", "layout.json"},
};
static pb_font_candidate narrow[] = {
    {NULL, "FandolFang-Regular.otf", 0, "fonts.narrow[0]", "layout.json"},
};
/* the Japanese face of Noto Serif CJK: it has the ideographic variation
 * sequences of Adobe-Japan1 (the SC face used elsewhere has none) */
static pb_font_candidate jp[] = {
    {NULL, "NotoSerifCJK-Regular.ttc", 0, "fonts.jp[0]", "layout.json"},
};
static pb_font_role roles[] = {
    {"fangsong", fangsong, 3, "fonts.fangsong", "layout.json"},
    {"hei", hei, 1, "fonts.hei", "layout.json"},
    {"narrow", narrow, 1, "fonts.narrow", "layout.json"},
    {"jp", jp, 1, "fonts.jp", "layout.json"},
};
enum { FANGSONG, HEI, NARROW, JP };

static pb_fontset *fs;
static pb_arena *arena;

static pb_span span(uint32_t start, uint32_t end, int role, pb_fx size, pb_fx tracking)
{
    return (pb_span){start, end, role, size, false, tracking, "body[3].text", "report.json"};
}

/* Shapes text as one span; returns the glyph count, -1 on failure. */
static int shape1(const char *text, int role, pb_fx size, pb_fx tracking, pb_shaped *out,
                  pb_diag *d)
{
    pb_span s = span(0, (uint32_t)strlen(text), role, size, tracking);
    static pb_span keep[16];
    static int next;
    pb_span *sp = &keep[next++ % 16];
    *sp = s;
    return pb_shape(fs, text, strlen(text), sp, 1, arena, out, d) ? out->nglyphs : -1;
}

static void test_report_line(void)
{
    const char *text = "政府信息公开2021年“三公”";
    static const uint32_t clusters[] = {0, 3, 6, 9, 12, 15, 18, 19, 20, 21, 22, 25, 28, 31, 34};
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    int n = shape1(text, FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 15, "%d glyphs", n);
    CHECK(d.count == 0, "no messages");
    const pb_face *fang = pb_fonts_role_face(fs, FANGSONG, 0);
    for (int i = 0; i < n && i < 15; i++) {
        const pb_glyph *g = &out.glyphs[i];
        bool digit = i >= 6 && i <= 9;
        CHECK(g->cluster == clusters[i], "glyph %d cluster %u", i, g->cluster);
        CHECK(g->face == fang->id && g->span == 0 && g->gid != 0, "glyph %d face %d", i,
              g->face);
        CHECK(g->advance == (digit ? 512 : 1024), "glyph %d advance %d", i, g->advance);
        CHECK(g->x_offset == 0 && g->y_offset == 0, "glyph %d offsets", i);
    }
    CHECK(out.text == text && out.len == strlen(text) && out.nspans == 1, "out fields");

    /* GB/T 9704 grid: 156 mm / 28 = 15.79 pt for full-width glyphs, half of
     * it for the half-width digits */
    pb_fx pitch = pb_fx_from_pt(15.79);
    n = shape1(text, FANGSONG, 16 * PB_FX_ONE, pitch, &out, &d);
    CHECK(n == 15 && pitch == 1011, "%d glyphs, pitch %d", n, pitch);
    for (int i = 0; i < n && i < 15; i++) {
        bool digit = i >= 6 && i <= 9;
        CHECK(out.glyphs[i].advance == (digit ? pitch / 2 : pitch), "tracked glyph %d: %d", i,
              out.glyphs[i].advance);
    }

    /* 2号 title size: 22 pt = 1408 */
    n = shape1("年报", HEI, 22 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 2 && out.glyphs[0].advance == 1408 && out.glyphs[1].advance == 1408,
          "22 pt advance %d", n > 0 ? out.glyphs[0].advance : 0);
    pb_diag_free(&d);
}

static void test_spans(void)
{
    const char *text = "（一）主动公开情况。本年度";
    pb_span spans[] = {span(0, 9, HEI, 16 * PB_FX_ONE, 0), span(9, 30, FANGSONG, 16 * PB_FX_ONE, 0),
                       span(30, (uint32_t)strlen(text), FANGSONG, 14 * PB_FX_ONE, 0)};
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    bool ok = pb_shape(fs, text, strlen(text), spans, 3, arena, &out, &d);
    CHECK(ok && out.nglyphs == 13, "%d glyphs", out.nglyphs);
    const pb_face *h = pb_fonts_role_face(fs, HEI, 0), *f = pb_fonts_role_face(fs, FANGSONG, 0);
    for (int i = 0; ok && i < out.nglyphs; i++) {
        const pb_glyph *g = &out.glyphs[i];
        int want_span = i < 3 ? 0 : i < 10 ? 1 : 2;
        CHECK(g->span == want_span, "glyph %d span %d", i, g->span);
        CHECK(g->face == (i < 3 ? h->id : f->id), "glyph %d face %d", i, g->face);
        CHECK(g->cluster == (uint32_t)i * 3, "glyph %d cluster %u", i, g->cluster);
        CHECK(g->advance == (i < 10 ? 1024 : 896), "glyph %d advance %d", i, g->advance);
    }
    pb_diag_free(&d);
}

static void test_fallback(void)
{
    /* 𠮷 (U+20BB7, Extension B) and 丟 are not in FandolFang: Noto SC has them */
    const char *text = "我𠮷丟们";
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    int n = shape1(text, FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    const pb_face *fang = pb_fonts_role_face(fs, FANGSONG, 0);
    const pb_face *noto = pb_fonts_role_face(fs, FANGSONG, 1);
    CHECK(n == 4, "%d glyphs", n);
    if (n == 4) {
        CHECK(out.glyphs[0].face == fang->id && out.glyphs[3].face == fang->id, "Fandol");
        CHECK(out.glyphs[1].face == noto->id && out.glyphs[2].face == noto->id, "Noto");
        CHECK(out.glyphs[1].gid != 0 && out.glyphs[1].cluster == 3, "𠮷 gid %u cluster %u",
              out.glyphs[1].gid, out.glyphs[1].cluster);
        CHECK(out.glyphs[2].cluster == 7 && out.glyphs[3].cluster == 10, "clusters");
        CHECK(out.glyphs[1].advance == 1024, "𠮷 advance %d", out.glyphs[1].advance);
    }
    /* U+201D1: in UMing only, the last of the chain */
    n = shape1("\xF0\xA0\x87\x91", FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 1 && out.glyphs[0].face == pb_fonts_role_face(fs, FANGSONG, 2)->id &&
              out.glyphs[0].gid != 0,
          "UMing fallback");
    CHECK(d.count == 0, "no messages");
    pb_diag_free(&d);
}

static void test_missing(void)
{
    const char *text = "甲𠀀乙𠀀丟";
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    int n = shape1(text, NARROW, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == -1 && out.nglyphs == 0, "should fail");
    CHECK(d.errors == 2 && d.status == PB_ERR_LAYOUT, "%d errors", d.errors);
    CHECK(d.count > 0 && strcmp(d.messages[0].text,
                                "report.json: body[3].text: U+20000 \"𠀀\" is in no font of "
                                "role \"narrow\" (tried: FandolFang)") == 0,
          "got %s", d.count > 0 ? d.messages[0].text : "nothing");
    CHECK(d.count > 1 && strstr(d.messages[1].text, "U+4E1F \"丟\" is in no font of role"),
          "got %s", d.count > 1 ? d.messages[1].text : "nothing");
    pb_diag_free(&d);

    pb_diag_init(&d);
    n = shape1("𠀀", FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == -1 && d.count == 1 &&
              strstr(d.messages[0].text,
                     "(tried: FandolFang, Noto Serif CJK SC, AR PL UMing CN)"),
          "got %s", d.count ? d.messages[0].text : "nothing");
    pb_diag_free(&d);
}

static void test_attached(void)
{
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    const pb_face *fang = pb_fonts_role_face(fs, FANGSONG, 0);

    /* an ideographic variation selector stays with its base character
     * (FandolFang lacks the sequence: a warning, test_variation_sequences) */
    int n = shape1("葛\xF3\xA0\x84\x80市", FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n >= 2 && d.errors == 0 && d.count == 1, "%d glyphs, %d messages", n, d.count);
    for (int i = 0; i < n; i++)
        CHECK(out.glyphs[i].gid != 0, "glyph %d is .notdef", i);
    CHECK(n >= 2 && out.glyphs[n - 1].cluster == 7, "last cluster %u",
          n > 0 ? out.glyphs[n - 1].cluster : 0);
    pb_diag_free(&d);
    pb_diag_init(&d);

    /* a zero-width space is in no font, yet no error and no glyph */
    n = shape1("政\xE2\x80\x8B府", FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 2 && d.count == 0 && out.glyphs[0].face == fang->id &&
              out.glyphs[1].cluster == 6,
          "%d glyphs", n);

    /* a combining accent follows its base */
    n = shape1("Jose\xCC\x81 政", FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n > 0 && d.count == 0, "%d glyphs", n);
    for (int i = 0; i < n; i++)
        CHECK(out.glyphs[i].face == fang->id && out.glyphs[i].gid != 0, "glyph %d", i);

    /* Latin and Han items: clusters stay in order */
    n = shape1("GB/T 9704标准", FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 11 && d.count == 0, "%d glyphs", n);
    for (int i = 1; i < n; i++)
        CHECK(out.glyphs[i].cluster > out.glyphs[i - 1].cluster, "order at %d", i);
    pb_diag_free(&d);
}

/* Ink boxes: the page number's dash is a thin stroke above the baseline,
 * a Han character stands on it, a space has no ink. */
static void test_ink(void)
{
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    int n = shape1("—国 ", FANGSONG, 14 * PB_FX_ONE, 0, &out, &d);
    const pb_face *face = pb_fonts_face(fs, out.glyphs[0].face);
    pb_fx top, bottom;
    bool dash = n == 3 && pb_glyph_ink(face, out.glyphs[0].gid, 14 * PB_FX_ONE, &top, &bottom);
    CHECK(dash && top < 0 && bottom < 0 && bottom > top && bottom - top < 2 * PB_FX_ONE &&
              -(top + bottom) / 2 > 3 * PB_FX_ONE && -(top + bottom) / 2 < 8 * PB_FX_ONE,
          "em dash ink: a thin stroke 3 to 8 pt above the baseline (%d..%d)", dash ? top : 0,
          dash ? bottom : 0);
    bool han = n == 3 && pb_glyph_ink(face, out.glyphs[1].gid, 14 * PB_FX_ONE, &top, &bottom);
    CHECK(han && top < -10 * PB_FX_ONE && bottom > -2 * PB_FX_ONE, "国 ink from 10 pt up");
    CHECK(n == 3 && !pb_glyph_ink(face, out.glyphs[2].gid, 14 * PB_FX_ONE, &top, &bottom),
          "a space has no ink");
    CHECK(!pb_glyph_ink(NULL, 1, 14 * PB_FX_ONE, &top, &bottom), "no face, no ink");
    pb_diag_free(&d);
}

/* Marks are classed by where the font draws them: FandolFang draws "？"
 * in the middle of its cell, the other stops and the closing marks in the
 * left half, the opening marks in the right half.  A centred "？" is set
 * whole: not compressed in a pair, where its ink would run into the next
 * mark's. */
static void test_marks_by_ink(void)
{
    const char *text = "问题？”答：“对，（是）。”";
    pb_diag d;
    pb_diag_init(&d);
    pb_span sp = span(0, (uint32_t)strlen(text), FANGSONG, 16 * PB_FX_ONE, 0);
    pb_prepared p;
    if (!CHECK(pb_prepare(fs, text, strlen(text), &sp, 1, arena, &p, &d) && p.nunits == 14,
               "prepared, %d units", p.nunits)) {
        pb_diag_free(&d);
        return;
    }
    static const int want[] = {PB_CC_HAN,   PB_CC_HAN,  PB_CC_MIDDLE, PB_CC_CLOSE, PB_CC_HAN,
                               PB_CC_STOP,  PB_CC_OPEN, PB_CC_HAN,    PB_CC_STOP,  PB_CC_OPEN,
                               PB_CC_HAN,   PB_CC_CLOSE, PB_CC_STOP,  PB_CC_CLOSE};
    for (int k = 0; k < 14; k++)
        CHECK(p.units[k].cls == want[k], "unit %d (U+%04X): class %d, want %d", k,
              p.units[k].cp, p.units[k].cls, want[k]);
    /* on the grid, "？”" is two whole cells; "。”" a compressed pair */
    pb_lb_params lp = {.measure = 28 * 1010, .align = PB_ALIGN_JUSTIFY, .compress_punct = true,
                       .grid = p.units[0].width};
    pb_lb_result res;
    pb_linebreak(p.units, p.nunits, &lp, arena, &res);
    CHECK(res.adjust[2].trail == 0 && res.adjust[3].lead == 0,
          "\"？”\": the centred question mark keeps its cell (%d)", res.adjust[2].trail);
    CHECK(res.adjust[12].trail < 0, "\"。”\": a pair, compressed (%d)", res.adjust[12].trail);
    pb_diag_free(&d);
}

static void test_bad_input(void)
{
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    CHECK(pb_shape(fs, "", 0, NULL, 0, arena, &out, &d) && out.nglyphs == 0, "empty text");
    pb_span gap[] = {span(0, 3, FANGSONG, 1024, 0), span(6, 9, FANGSONG, 1024, 0)};
    CHECK(!pb_shape(fs, "政府信", 9, gap, 2, arena, &out, &d) &&
              d.status == PB_ERR_INTERNAL,
          "spans with a gap");
    pb_span bad_role[] = {span(0, 3, 9, 1024, 0)};
    CHECK(!pb_shape(fs, "政", 3, bad_role, 1, arena, &out, &d), "bad role");
    pb_diag_free(&d);
}

static void test_long_text(void)
{
    /* many items and more glyphs than characters grow the glyph array */
    size_t cap = 40000, len = 0;
    char *text = malloc(cap);
    for (int i = 0; i < 2000; i++) {
        const char *piece = i % 3 == 0 ? "丟" : i % 3 == 1 ? "政府" : "ffi";
        size_t m = strlen(piece);
        memcpy(text + len, piece, m);
        len += m;
    }
    text[len] = 0;
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    int n = shape1(text, FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n > 2000 && d.count == 0, "%d glyphs", n);
    bool monotone = true;
    for (int i = 1; i < n; i++)
        monotone &= out.glyphs[i].cluster >= out.glyphs[i - 1].cluster;
    CHECK(monotone && out.glyphs[n - 1].cluster < len, "clusters in order");
    free(text);
    pb_diag_free(&d);
}

/* 葛 U+845B with U+E0100 (Adobe-Japan1's form of 葛飾区): the face that has
 * the sequence prints its variant glyph, one that lacks it the usual
 * glyph with a warning, once per sequence; either way the selector joins
 * the ideograph's cluster, so the text layer keeps the sequence. */
static void test_variation_sequences(void)
{
    const char *text = "葛\U000E0100飾葛\U000E0100";
    pb_diag d;
    pb_diag_init(&d);
    pb_shaped out;
    const pb_face *jpf = pb_fonts_role_face(fs, JP, 0);
    uint32_t usual = pb_fonts_glyph(jpf, 0x845B);
    int n = shape1(text, JP, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 3 && d.count == 0, "%d glyphs, %d messages", n, d.count);
    if (n == 3) {
        CHECK(out.glyphs[0].gid != usual && out.glyphs[0].gid != 0 &&
                  out.glyphs[0].gid == out.glyphs[2].gid,
              "variant glyph %u (usual %u)", out.glyphs[0].gid, usual);
        CHECK(out.glyphs[0].cluster == 0 && out.glyphs[1].cluster == 7 &&
                  out.glyphs[2].cluster == 10,
              "clusters %u %u %u", out.glyphs[0].cluster, out.glyphs[1].cluster,
              out.glyphs[2].cluster);
    }
    pb_diag_free(&d);

    pb_diag_init(&d);
    const pb_face *fang = pb_fonts_role_face(fs, FANGSONG, 0);
    n = shape1(text, FANGSONG, 16 * PB_FX_ONE, 0, &out, &d);
    CHECK(n == 3 && out.glyphs[0].gid == pb_fonts_glyph(fang, 0x845B) &&
              out.glyphs[0].face == fang->id,
          "%d glyphs, the usual one of FandolFang", n);
    CHECK(d.count == 1 && d.errors == 0 &&
              strcmp(d.messages[0].text,
                     "report.json: body[3].text: FandolFang has no glyph for the variation "
                     "sequence U+845B U+E0100; the usual form of \"葛\" is printed") == 0,
          "got %s", d.count ? d.messages[0].text : "nothing");
    pb_diag_free(&d);
}

/* pb_bidi_any_rtl, which skips whole blocks by their lead byte, against
 * ICU's direction of every code point (each alone, and after CJK text). */
static void check_any_rtl_every_code_point(void)
{
    long bad = 0;
    uint32_t first = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        UCharDirection d = u_charDirection((UChar32)cp);
        bool want = d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC ||
                    d == U_RIGHT_TO_LEFT_EMBEDDING || d == U_RIGHT_TO_LEFT_OVERRIDE ||
                    d == U_RIGHT_TO_LEFT_ISOLATE;
        char s[16] = "\xe4\xb8\xad\xe6\x96\x87"; /* 中文 */
        int n = 6 + pb_utf8_encode(cp, s + 6);
        if (pb_bidi_any_rtl(s + 6, (size_t)n - 6) != want || pb_bidi_any_rtl(s, (size_t)n) != want) {
            if (!bad)
                first = cp;
            bad++;
        }
    }
    CHECK(bad == 0, "right-to-left test: %ld code points differ from ICU, first U+%04X", bad,
          (unsigned)first);
}

/* The general category and script itemizing uses, which answer CJK and
 * ASCII without a lookup, against HarfBuzz's for every code point. */
static void check_char_properties_every_code_point(void)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    long bad = 0;
    uint32_t first = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
        if (pb_char_general_category(cp) != hb_unicode_general_category(uf, cp) ||
            pb_char_script(cp) != hb_unicode_script(uf, cp)) {
            if (!bad)
                first = cp;
            bad++;
        }
    CHECK(bad == 0, "character properties: %ld code points differ from HarfBuzz, first U+%04X",
          bad, (unsigned)first);
}

/* Itemizing takes CJK ideographs (to U+9FEF) and printable ASCII for
 * characters that are neither hidden (Format) nor marks without asking:
 * so HarfBuzz must say of each of them. */
static void check_plain_characters(void)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    long bad = 0;
    uint32_t first = 0;
    for (uint32_t cp = 0; cp <= 0x9FEF; cp = cp == 0x7E ? 0x4E00 : cp + 1) {
        if (cp < 0x20)
            continue;
        hb_unicode_general_category_t gc = hb_unicode_general_category(uf, cp);
        if (gc == HB_UNICODE_GENERAL_CATEGORY_FORMAT ||
            gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
            gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
            gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK) {
            if (!bad)
                first = cp;
            bad++;
        }
    }
    CHECK(bad == 0, "plain characters: %ld are marks or hidden, first U+%04X", bad,
          (unsigned)first);
}

int main(void)
{
    check_any_rtl_every_code_point();
    check_char_properties_every_code_point();
    check_plain_characters();
    pb_layout layout;
    memset(&layout, 0, sizeof layout);
    layout.roles = roles;
    layout.nroles = 4;
    pb_font_dirs fd = {.dirs = dirs, .count = 2};
    pb_diag d;
    pb_diag_init(&d);
    fs = pb_fonts_load(&layout, &fd, &d);
    if (!fs) {
        pb_diag_print(&d, stdout);
        CHECK(false, "the test fonts load");
        return test_summary();
    }
    pb_diag_free(&d);
    arena = pb_arena_new();
    test_report_line();
    test_spans();
    test_fallback();
    test_missing();
    test_attached();
    test_ink();
    test_marks_by_ink();
    test_bad_input();
    test_long_text();
    test_variation_sequences();
    pb_arena_free(arena);
    pb_fonts_free(fs);
    return test_summary();
}
