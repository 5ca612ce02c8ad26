/* PDF stage: builds two pages by hand from glyphs shaped with real fonts
 * (CFF: FandolFang, Noto Serif CJK SC from a TTC; TrueType: LXGW WenKai,
 * AR PL UMing from a TTC), writes the PDF and checks it with the real
 * tools: qpdf --check, pdffonts, pdftotext, pdfinfo, mutool.
 * Skips (exit 77) when a font or a tool is missing; PAIBAN_TEST_KEEP=1
 * keeps the PDFs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/paginate.h"
#include "output/pdf.h"
#include "../testutil.h"

/* ---- building pages by hand ---------------------------------------- */

enum { MAX_LINES = 64 };

typedef struct builder {
    pb_arena *arena;
    pb_gline lines[MAX_LINES];
    int nlines;
    const char *expect[2][MAX_LINES]; /* text per page, in order */
    int nexpect[2];
} builder;

/* Shapes text with face at size and appends a line; tracking is added
 * after every glyph (GB/T 9704 character grid), raise lifts glyph
 * `raise_at` by that many 1/64 pt. */
static pb_gline *add_line(builder *b, const pb_face *face, const char *text, pb_fx size,
                          pb_fx tracking, int flags, int raise_at, pb_fx raise)
{
    pb_gline *l = &b->lines[b->nlines++];
    memset(l, 0, sizeof *l);
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, -1, 0, -1);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_HAN);
    hb_buffer_set_language(buf, hb_language_from_string("zh", -1));
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(face->hb_font, buf, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    l->kind = PB_GLINE_TEXT;
    l->text = text;
    l->glyphs = pb_arena_calloc(b->arena, n ? n : 1, sizeof *l->glyphs);
    l->nglyphs = (int)n;
    l->height = size * 2;
    l->baseline = size * 3 / 2;
    l->path = "test";
    size_t tlen = strlen(text);
    pb_fx pen = 0;
    for (unsigned i = 0; i < n; i++) {
        pb_pglyph *g = &l->glyphs[i];
        uint32_t c = info[i].cluster;
        bool first = i == 0 || info[i - 1].cluster != c;
        uint32_t end = (uint32_t)tlen;
        for (unsigned k = i + 1; k < n; k++)
            if (info[k].cluster != c) {
                end = info[k].cluster;
                break;
            }
        g->gid = info[i].codepoint;
        g->face = (uint16_t)face->id;
        g->flags = (uint16_t)flags;
        g->size = size;
        g->x = pen + pb_fx_muldiv(pos[i].x_offset, size, face->upem);
        g->y = -pb_fx_muldiv(pos[i].y_offset, size, face->upem) - ((int)i == raise_at ? raise : 0);
        g->advance = pb_fx_muldiv(pos[i].x_advance, size, face->upem) + tracking;
        g->text_off = c;
        g->text_len = first ? (uint16_t)(end - c) : 0;
        pen += g->advance;
    }
    l->width = pen;
    hb_buffer_destroy(buf);
    return l;
}

/* A page is a run of builder lines stacked from the top margin. */
static void make_page(builder *b, pb_page *page, int number, int from, int to, pb_arena *arena)
{
    page->number = number;
    page->nlines = to - from;
    page->lines = pb_arena_calloc(arena, (size_t)page->nlines, sizeof *page->lines);
    pb_fx y = pb_fx_from_mm(37);
    for (int i = from; i < to; i++) {
        page->lines[i - from] = (pb_placed_line){&b->lines[i], pb_fx_from_mm(28), y};
        y += b->lines[i].height;
    }
}

/* ---- running the tools --------------------------------------------- */

static bool have_tool(const char *name)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

static bool write_file(const char *path, const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static bool has_bytes(const unsigned char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

/* Over the TJ arrays of uncompressed content: how many glyphs they show
 * (4 hex digits each) and how many position adjustments they hold. */
static void count_tj(const unsigned char *p, size_t n, int *glyphs, int *adjustments)
{
    *glyphs = *adjustments = 0;
    bool in_array = false, in_hex = false;
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (!in_array) {
            /* an array that a TJ ends: the content's only arrays */
            in_array = c == '[' && i + 1 < n && (p[i + 1] == '<' || p[i + 1] == '-' ||
                                                 (p[i + 1] >= '0' && p[i + 1] <= '9'));
            continue;
        }
        if (c == ']') {
            in_array = false;
        } else if (c == '<') {
            in_hex = true;
            digits = 0;
        } else if (c == '>') {
            in_hex = false;
        } else if (in_hex) {
            if (++digits % 4 == 0)
                (*glyphs)++;
        } else if ((c == '-' || (c >= '0' && c <= '9')) &&
                   (p[i - 1] == '>' || p[i - 1] == '[')) {
            (*adjustments)++;
        }
    }
}

/* Splits s into its non-empty lines (in place). */
static int split_lines(char *s, char **lines, int max)
{
    int n = 0;
    for (char *tok = strtok(s, "\n"); tok && n < max; tok = strtok(NULL, "\n"))
        if (*tok)
            lines[n++] = tok;
    return n;
}

/* ---- the test ------------------------------------------------------- */

static const char *const BODY =
    "本年度报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开"
    "办公室关于政府信息公开工作年度报告有关事项的通知要求编制。全文包括总体情况、主动"
    "公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼"
    "情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自二"
    "〇二一年一月一日起至二〇二一年十二月三十一日止。本报告电子版可在区人民政府门户网"
    "站下载。如对本报告有任何疑问，请与区人民政府办公室联系，地址：南岗区某路一号，邮"
    "编：一五〇〇〇〇，电话：〇四五一－八六〇〇〇〇〇〇。二〇二一年，我区坚持以习近平"
    "新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于政务公开的决策部"
    "署，围绕中心工作，深化重点领域信息公开，政务公开工作取得新成效。";

/* Cuts BODY into lines of `per` characters (UTF-8, all 3-byte here). */
static int body_lines(pb_arena *a, const char **out, int max, int per)
{
    size_t len = strlen(BODY), step = (size_t)per * 3;
    int n = 0;
    for (size_t i = 0; i < len && n < max; i += step)
        out[n++] = pb_arena_strndup(a, BODY + i, len - i < step ? len - i : step);
    return n;
}

static const char TITLE[] = "𠮷祥区2021年政府信息公开工作年度报告";

typedef struct doc {
    builder b;
    pb_pages pages;
    pb_outline_entry outline[3];
    int nchars;           /* body characters */
} doc;

/* Two pages: a title (Noto, with U+20BB7), a synthetic-bold heading
 * (WenKai), body lines on the 28-character grid in body_face with one
 * raised glyph, a UMing line with Latin text, a table frame; on page 2 a
 * level-2 heading, a Noto line, a line with a bold run in the middle and
 * a Latin line (Nimbus Roman). */
static void build_doc(doc *d, pb_arena *arena, const pb_face *body_face, const pb_face *song,
                      const pb_face *kai, const pb_face *ming, const pb_face *latin)
{
    memset(d, 0, sizeof *d);
    builder *b = &d->b;
    b->arena = arena;
    pb_fx body = 16 * PB_FX_ONE, grid = -pb_fx_from_pt(0.21);

    /* page 1 */
    const char *title = TITLE;
    add_line(b, song, title, 22 * PB_FX_ONE, 0, 0, -1, 0);
    b->expect[0][b->nexpect[0]++] = title;
    const char *h1 = "一、总体情况";
    pb_gline *hl = add_line(b, kai, h1, body, grid, PB_PG_SYNTH_BOLD, -1, 0);
    hl->outline_level = 1;
    b->expect[0][b->nexpect[0]++] = h1;
    const char *lines[16];
    int nbody = body_lines(arena, lines, 16, 28);
    for (int i = 0; i < nbody; i++) {
        /* the fifth line has a glyph raised by 1 pt: a new run start (Td) inside the line */
        add_line(b, body_face, lines[i], body, grid, 0, i == 4 ? 9 : -1, PB_FX_ONE);
        b->expect[0][b->nexpect[0]++] = lines[i];
        d->nchars += (int)strlen(lines[i]) / 3;
    }
    const char *ascii = "依据GB/T 9704-2012排版，共28字22行。";
    add_line(b, ming, ascii, body, 0, 0, -1, 0);
    b->expect[0][b->nexpect[0]++] = ascii;
    /* a table frame: outer box and one inner rule, 0.5 pt and 1 pt */
    pb_gline *tl = &b->lines[b->nlines++];
    memset(tl, 0, sizeof *tl);
    tl->kind = PB_GLINE_TEXT;
    tl->height = 40 * PB_FX_ONE;
    tl->rules = pb_arena_calloc(arena, 5, sizeof *tl->rules);
    pb_fx w = 200 * PB_FX_ONE, h = 30 * PB_FX_ONE, thin = PB_FX_ONE / 2, thick = PB_FX_ONE;
    tl->rules[0] = (pb_rule){0, 0, w, 0, thick};
    tl->rules[1] = (pb_rule){0, h, w, h, thick};
    tl->rules[2] = (pb_rule){0, 0, 0, h, thin};
    tl->rules[3] = (pb_rule){w, 0, w, h, thin};
    tl->rules[4] = (pb_rule){w / 2, 0, w / 2, h, thin};
    tl->nrules = 5;
    int page1_end = b->nlines;

    /* page 2: a level-2 heading, mixed fonts, a bold run in the middle */
    const char *h2 = "（一）主动公开情况";
    pb_gline *h2l = add_line(b, kai, h2, body, grid, 0, -1, 0);
    h2l->outline_level = 2;
    b->expect[1][b->nexpect[1]++] = h2;
    const char *mixed = "𠮷字在宋体中：仿宋正文与楷体标题。";
    add_line(b, song, mixed, body, grid, 0, -1, 0);
    b->expect[1][b->nexpect[1]++] = mixed;
    pb_gline *bl = add_line(b, body_face, "本年度新制发规范性文件十二件。", body, grid, 0, -1, 0);
    for (int i = 3; i < 8; i++)
        bl->glyphs[i].flags = PB_PG_SYNTH_BOLD;
    b->expect[1][b->nexpect[1]++] = bl->text;
    const char *en = "Annual Report 2021, page 2 of 2.";
    add_line(b, latin, en, 12 * PB_FX_ONE, 0, 0, -1, 0);
    b->expect[1][b->nexpect[1]++] = en;

    pb_pages *pages = &d->pages;
    pages->width = pb_fx_from_mm(210);
    pages->height = pb_fx_from_mm(297);
    pages->npages = 2;
    pages->pages = pb_arena_calloc(arena, 2, sizeof *pages->pages);
    make_page(b, &pages->pages[0], 1, 0, page1_end, arena);
    make_page(b, &pages->pages[1], 2, page1_end, b->nlines, arena);
    d->outline[0] = (pb_outline_entry){1, "一、总体情况", 1, pages->pages[0].lines[1].y};
    d->outline[1] = (pb_outline_entry){2, "（一）主动公开情况", 2, pages->pages[1].lines[0].y};
    d->outline[2] = (pb_outline_entry){1, "二、𠮷祥区其他事项", 2, pages->pages[1].lines[1].y};
    pages->outline = d->outline;
    pages->noutline = 3;
}

int main(void)
{
    static const char *const tools[] = {"qpdf", "pdffonts", "pdftotext", "pdfinfo", "mutool"};
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        if (!have_tool(tools[i])) {
            printf("skipped: %s is not installed\n", tools[i]);
            return 77;
        }

    /* one role per face, so each face is found by file name */
    pb_font_candidate cands[6] = {
        {.file = "FandolFang-Regular.otf"},
        {.file = "NotoSerifCJK-Regular.ttc", .index = 2},
        {.file = "LXGWWenKai-Regular.ttf"},
        {.file = "uming.ttc"},
        /* a CFF that is not CID-keyed (keeps its glyph ids), if installed */
        {.file = "NimbusRoman-Regular.otf"},
        {.file = "FandolFang-Regular.otf"},
    };
    pb_font_role roles[5] = {
        {.name = "fang", .candidates = &cands[0], .ncandidates = 1},
        {.name = "song", .candidates = &cands[1], .ncandidates = 1},
        {.name = "kai", .candidates = &cands[2], .ncandidates = 1},
        {.name = "ming", .candidates = &cands[3], .ncandidates = 1},
        {.name = "latin", .candidates = &cands[4], .ncandidates = 2},
    };
    pb_layout layout = {.name = "test", .roles = roles, .nroles = 5};
    const char *dirs[] = {
        "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
        "/usr/share/fonts/opentype/noto",
        "/usr/share/fonts/truetype/lxgw-wenkai",
        "/usr/share/fonts/truetype/arphic",
        "/usr/share/fonts/opentype/urw-base35",
    };
    pb_font_dirs fdirs = {.dirs = dirs, .count = 5};
    pb_diag diag;
    pb_diag_init(&diag);
    pb_fontset *fs = pb_fonts_load(&layout, &fdirs, &diag);
    if (!fs) {
        pb_diag_print(&diag, stdout);
        pb_diag_free(&diag);
        printf("skipped: test fonts are not installed\n");
        return 77;
    }
    const pb_face *fang = pb_fonts_pick(fs, 0, 0x4E2D);
    const pb_face *song = pb_fonts_pick(fs, 1, 0x20BB7);
    const pb_face *kai = pb_fonts_pick(fs, 2, 0x4E2D);
    const pb_face *ming = pb_fonts_pick(fs, 3, 0x4E2D);
    const pb_face *latin = pb_fonts_pick(fs, 4, 'A');
    int nfaces = latin && latin != fang ? 5 : 4;
    CHECK(fang && fang->is_cff, "FandolFang is CFF");
    CHECK(song && song->is_cff, "Noto Serif CJK SC is CFF and has U+20BB7");
    CHECK(kai && !kai->is_cff, "LXGW WenKai is TrueType");
    CHECK(ming && !ming->is_cff, "AR PL UMing is TrueType");
    if (!fang || !song || !kai || !ming || !latin) {
        pb_fonts_free(fs);
        pb_diag_free(&diag);
        test_summary();
        return 1;
    }

    pb_arena *arena = pb_arena_new();
    doc *dfang = pb_xcalloc(1, sizeof *dfang), *dnoto = pb_xcalloc(1, sizeof *dnoto);
    build_doc(dfang, arena, fang, song, kai, ming, latin);
    build_doc(dnoto, arena, song, song, kai, ming, latin);
    builder *b = &dfang->b;
    pb_pages pages = dfang->pages;
    int nchars = dfang->nchars;
    const char *title = TITLE;

    pb_meta meta = {.title = title, .issuer = "𠮷祥区人民政府办公室", .subject = "政府信息公开",
                    .keywords = "政府信息公开；年度报告"};
    pb_pdf_options opt = {
        .meta = &meta, .creation_time = 1642636800, .compress = 1, .lang = "zh-CN"};

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned char *pdf1 = NULL, *pdf2 = NULL;
    size_t len1 = 0, len2 = 0;
    bool ok = pb_pdf_write(&pages, fs, &opt, &pdf1, &len1, &diag);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pb_diag_print(&diag, stderr);
    CHECK(ok && pdf1 && len1 > 0, "pb_pdf_write succeeds");
    CHECK(diag.count == 0, "no messages (%d)", diag.count);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("PDF: %zu bytes, %d body characters, %.1f ms\n", len1, nchars, ms);
    /* FandolFang's outlines take about 380 bytes a glyph even compressed */
    CHECK(len1 < 110 * 1024, "PDF is small: %zu bytes", len1);

    /* PAIBAN_TEST_BENCH=N: the mean time of N more writes */
    int bench = getenv("PAIBAN_TEST_BENCH") ? atoi(getenv("PAIBAN_TEST_BENCH")) : 0;
    if (bench > 0) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < bench; i++) {
            unsigned char *tmp = NULL;
            size_t tmplen = 0;
            pb_pdf_write(&pages, fs, &opt, &tmp, &tmplen, &diag);
            free(tmp);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        printf("mean of %d writes: %.2f ms\n", bench, ms / bench);
    }

    ok = pb_pdf_write(&pages, fs, &opt, &pdf2, &len2, &diag);
    CHECK(ok && len1 == len2 && memcmp(pdf1, pdf2, len1) == 0, "two writes are byte-identical");

    char dir[] = "/tmp/test_pdf.XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    char path[256], cmd[1024];
    snprintf(path, sizeof path, "%s/out.pdf", dir);
    CHECK(pdf1 && write_file(path, pdf1, len1), "write %s", path);

    int st;
    char *out;

    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", path);
    out = test_run(cmd, &st);
    CHECK(st == 0 && strstr(out, "No syntax or stream encoding errors") &&
              !strstr(out, "WARNING"),
          "qpdf --check is clean:\n%s", out);
    free(out);

    snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>&1", path);
    out = test_run(cmd, &st);
    {
        char *copy = pb_xstrdup(out), *rows[32];
        int nrows = split_lines(copy, rows, 32), nfonts = 0;
        for (int i = 2; i < nrows; i++) {
            nfonts++;
            CHECK(strstr(rows[i], "yes yes yes") && rows[i][6] == '+',
                  "pdffonts: emb, sub, uni: %s", rows[i]);
        }
        CHECK(st == 0 && nfonts == nfaces, "pdffonts lists %d fonts:\n%s", nfaces, out);
        /* CFF fonts as bare CFF (FontFile3 /CIDFontType0C), not OpenType */
        CHECK(strstr(out, "CID Type 0C ") && !strstr(out, "(OT)") &&
                  strstr(out, "CID TrueType"),
              "pdffonts shows CFF (bare) and TrueType CID fonts:\n%s", out);
        free(copy);
    }
    free(out);

    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>&1", path);
    out = test_run(cmd, &st);
    {
        CHECK(st == 0, "pdftotext runs: %s", out);
        char *pages_txt[2] = {out, NULL};
        char *ff = strchr(out, '\f');
        if (ff) {
            *ff = 0;
            pages_txt[1] = ff + 1;
            char *ff2 = strchr(ff + 1, '\f');
            if (ff2)
                *ff2 = 0;
        }
        for (int p = 0; p < 2; p++) {
            char *got[MAX_LINES];
            int n = pages_txt[p] ? split_lines(pages_txt[p], got, MAX_LINES) : 0;
            CHECK(n == b->nexpect[p], "page %d: %d lines of text, expected %d", p + 1, n,
                  b->nexpect[p]);
            for (int i = 0; i < n && i < b->nexpect[p]; i++)
                CHECK(strcmp(got[i], b->expect[p][i]) == 0,
                      "page %d line %d:\n  got  %s\n  want %s", p + 1, i + 1, got[i],
                      b->expect[p][i]);
        }
    }
    free(out);

    snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 '%s' 2>&1", path);
    out = test_run(cmd, &st);
    CHECK(st == 0 && strstr(out, "Title:           𠮷祥区2021年政府信息公开工作年度报告\n") &&
              strstr(out, "Author:          𠮷祥区人民政府办公室\n") &&
              strstr(out, "Keywords:        政府信息公开；年度报告\n") &&
              strstr(out, "Creator:         paiban ") && strstr(out, "Pages:           2\n") &&
              strstr(out, "PDF version:     1.7") && strstr(out, "2022"),
          "pdfinfo (PDF/A-3 is PDF 1.7):\n%s", out);
    free(out);

    snprintf(cmd, sizeof cmd, "mutool draw -q -o /dev/null '%s' 2>&1", path);
    out = test_run(cmd, &st);
    {
        /* this build of MuPDF says so on every run */
        const char *icc = "warning: ICC support is not available\n";
        const char *rest = strncmp(out, icc, strlen(icc)) == 0 ? out + strlen(icc) : out;
        CHECK(st == 0 && rest[0] == 0, "mutool draw is silent:\n%s", out);
    }
    free(out);

    snprintf(cmd, sizeof cmd, "mutool show '%s' outline 2>&1", path);
    out = test_run(cmd, &st);
    CHECK(st == 0 && strstr(out, "一、总体情况") && strstr(out, "（一）主动公开情况") &&
              strstr(out, "二、𠮷祥区其他事项"),
          "outline:\n%s", out);
    /* the level-2 entry is indented under the first level-1 entry */
    char *e1 = strstr(out, "一、总体情况"), *e2 = strstr(out, "（一）"), *e3 = strstr(out, "二、");
    CHECK(e1 && e2 && e3 && e1 < e2 && e2 < e3, "outline order:\n%s", out);
    free(out);

    /* uncompressed plain output is still valid (and shows the content
     * stream and the font dictionaries); a plain PDF without the archival
     * parts, whose CFF fonts are bare CFF (PDF 1.3), not OpenType (PDF
     * 1.6), and so keeps libharu's PDF 1.3 */
    pb_pdf_options raw = opt;
    raw.compress = 0;
    raw.creation_time = -1;
    raw.plain = true;
    unsigned char *pdf3 = NULL;
    size_t len3 = 0;
    ok = pb_pdf_write(&pages, fs, &raw, &pdf3, &len3, &diag);
    char path3[256];
    snprintf(path3, sizeof path3, "%s/raw.pdf", dir);
    CHECK(ok && write_file(path3, pdf3, len3), "uncompressed write");
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", path3);
    out = test_run(cmd, &st);
    CHECK(st == 0 && !strstr(out, "WARNING"), "uncompressed: qpdf --check:\n%s", out);
    free(out);
    CHECK(pdf3 && !has_bytes(pdf3, len3, "CreationDate", 12), "no CreationDate without a time");
    /* uncompressed archival output: the structure tree paiban writes
     * itself is packed into object streams stored as they are */
    pb_pdf_options raw_archival = opt;
    raw_archival.compress = 0;
    unsigned char *pdf_ra = NULL;
    size_t len_ra = 0;
    ok = pb_pdf_write(&pages, fs, &raw_archival, &pdf_ra, &len_ra, &diag);
    char path_ra[256];
    snprintf(path_ra, sizeof path_ra, "%s/raw-archival.pdf", dir);
    CHECK(ok && write_file(path_ra, pdf_ra, len_ra), "uncompressed archival write");
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1 && pdfinfo -struct '%s' 2>&1", path_ra,
             path_ra);
    out = test_run(cmd, &st);
    CHECK(st == 0 && !strstr(out, "WARNING") && strstr(out, "Document") && pdf_ra &&
              has_bytes(pdf_ra, len_ra, "/StructTreeRoot", 15) &&
              has_bytes(pdf_ra, len_ra, "]TJ", 3),
          "uncompressed archival: qpdf --check, the structure tree, readable content:\n%.400s",
          out);
    free(out);
    free(pdf_ra);
    CHECK(pdf3 && memcmp(pdf3, "%PDF-1.3", 8) == 0 && !has_bytes(pdf3, len3, "/Metadata", 9) &&
              !has_bytes(pdf3, len3, "/OutputIntents", 14) && !has_bytes(pdf3, len3, "/ID", 3),
          "plain: PDF 1.3, no metadata, output intent or identifier");
    CHECK(pdf3 && has_bytes(pdf3, len3, "/Subtype /CIDFontType0C", 23) &&
              !has_bytes(pdf3, len3, "/OpenType", 9),
          "plain: the CFF font programs are bare CFF (FontFile3 /CIDFontType0C)");
    /* the archival default has a file identifier from the content: not
     * the placeholder, and another content gives another one */
    CHECK(pdf1 && has_bytes(pdf1, len1, "/ID [ <", 7) &&
              !has_bytes(pdf1, len1, "<00000000000000000000000000000000>", 34),
          "archival: /ID");
    /* the catalog is in an object stream: read by MuPDF */
    snprintf(cmd, sizeof cmd, "mutool show '%s' trailer/Root 2>&1", path);
    out = test_run(cmd, &st);
    CHECK(st == 0 && strstr(out, "/OutputIntents") && strstr(out, "/Lang (zh-CN)"),
          "archival: output intent, /Lang:\n%s", out);
    free(out);
    /* PDF 1.5 object streams and a cross-reference stream, no table */
    CHECK(pdf1 && has_bytes(pdf1, len1, "/Type/ObjStm", 12) &&
              has_bytes(pdf1, len1, "/Type/XRef", 10) && !has_bytes(pdf1, len1, "\nxref\n", 6) &&
              !has_bytes(pdf1, len1, "\ntrailer", 8),
          "compressed: object streams and a cross-reference stream");
    snprintf(cmd, sizeof cmd, "qpdf --show-xref '%s' 2>&1", path);
    out = test_run(cmd, &st);
    CHECK(st == 0 && strstr(out, "compressed; stream = "),
          "qpdf finds objects in object streams:\n%.300s", out);
    free(out);
    CHECK(pdf3 && has_bytes(pdf3, len3, "2 Tr", 4) && has_bytes(pdf3, len3, "]TJ", 3) &&
              has_bytes(pdf3, len3, "/Adobe-Identity-UCS", 19) && has_bytes(pdf3, len3, "<D842DFB7>", 10),
          "content has fill+stroke bold, TJ, and a surrogate pair in ToUnicode");
    /* the character grid's room between glyphs is character spacing (Tc):
     * the TJ arrays hold the exceptions only (the glyphs' places are the
     * page-geometry test's) */
    int shown = 0, adjusted = 0;
    if (pdf3)
        count_tj(pdf3, len3, &shown, &adjusted);
    CHECK(pdf3 && has_bytes(pdf3, len3, " Tc\n", 4) && shown > 200 && adjusted * 4 < shown,
          "Tc sets the grid's spacing: %d glyphs shown with %d adjustments", shown, adjusted);

    /* page 1 alone with a body font of ordinary weight (Noto Serif CJK) */
    unsigned char *pdf4 = NULL;
    size_t len4 = 0;
    dnoto->pages.npages = 1;
    dnoto->pages.noutline = 1;
    ok = pb_pdf_write(&dnoto->pages, fs, &opt, &pdf4, &len4, &diag);
    char path4[256];
    snprintf(path4, sizeof path4, "%s/noto.pdf", dir);
    CHECK(ok && write_file(path4, pdf4, len4), "Noto body write");
    printf("page 1 with a Noto body: %zu bytes\n", len4);
    CHECK(len4 < 60 * 1024, "page 1 with a Noto body is small: %zu bytes", len4);
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' && pdffonts '%s' 2>&1", path4, path4);
    out = test_run(cmd, &st);
    CHECK(st == 0 && !strstr(out, "WARNING") && strstr(out, "NotoSerifCJKsc-Regular") &&
              !strstr(out, "FandolFang"),
          "Noto body: qpdf --check and pdffonts:\n%s", out);
    free(out);

    /* errors: a glyph on a face the fontset does not have */
    pb_diag d2;
    pb_diag_init(&d2);
    uint16_t saved = b->lines[0].glyphs[0].face;
    b->lines[0].glyphs[0].face = 99;
    unsigned char *bad = NULL;
    size_t badlen = 0;
    CHECK(!pb_pdf_write(&pages, fs, &opt, &bad, &badlen, &d2) && !bad && d2.errors == 1 &&
              d2.status == PB_ERR_INTERNAL && strstr(d2.messages[0].text, "page 1"),
          "unknown face is an error naming the page");
    b->lines[0].glyphs[0].face = saved;
    pb_diag_free(&d2);

    /* errors: libharu refuses a page 1 pt wide; the message names the page */
    pb_diag_init(&d2);
    pb_pages tiny = pages;
    tiny.width = PB_FX_ONE;
    CHECK(!pb_pdf_write(&tiny, fs, &opt, &bad, &badlen, &d2) && !bad && d2.errors == 1 &&
              d2.status == PB_ERR_INTERNAL && strstr(d2.messages[0].text, "page 1") &&
              strstr(d2.messages[0].text, "libharu error 0x"),
          "libharu error is reported with the page: %s", d2.count ? d2.messages[0].text : "");
    if (d2.count)
        printf("expected error: %s\n", d2.messages[0].text);
    pb_diag_free(&d2);

    if (test_failed == 0 && !getenv("PAIBAN_TEST_KEEP")) {
        unlink(path);
        unlink(path3);
        unlink(path4);
        rmdir(dir);
    } else {
        fprintf(stderr, "PDFs kept in %s\n", dir);
    }
    free(pdf1);
    free(pdf2);
    free(pdf3);
    free(pdf4);
    free(dfang);
    free(dnoto);
    pb_arena_free(arena);
    pb_fonts_free(fs);
    pb_diag_free(&diag);
    return test_summary();
}
