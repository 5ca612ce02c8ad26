/* Line breaker tests with a fixed-advance fake font (no font file): one
 * unit per code point, full-width characters 1024 fx (16 pt, the em) or a
 * given grid pitch, ASCII 512 fx; opportunities from
 * pb_break_opportunities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/uchar.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "text/linebreak.h"
#include "../testutil.h"

#define EM 1024

/* ---- fake font ------------------------------------------------------ */

typedef struct para {
    const char *text;
    size_t len;
    pb_lb_unit *u;
    size_t *off;          /* byte offset of each unit, off[n] = len */
    int n;
    pb_arena *arena;
    pb_lb_result r;
    pb_lb_params p;
} para;

static pb_fx fake_width(uint32_t cp, pb_fx full)
{
    if (cp == 0x2028 || cp == 0x000A)
        return 0;
    return cp < 0x80 ? EM / 2 : full;
}

static void para_init(para *pa, const char *text, pb_fx full)
{
    memset(pa, 0, sizeof *pa);
    pa->text = text;
    pa->len = strlen(text);
    uint8_t *brk = pb_xmalloc(pa->len + 1);
    if (!pb_break_opportunities(text, pa->len, brk))
        CHECK(false, "pb_break_opportunities failed");
    pa->u = pb_xcalloc(pa->len + 1, sizeof *pa->u);
    pa->off = pb_xcalloc(pa->len + 1, sizeof *pa->off);
    for (size_t i = 0; i < pa->len;) {
        pa->off[pa->n] = i;
        uint32_t cp = pb_utf8_next(text, pa->len, &i);
        pb_lb_unit *u = &pa->u[pa->n++];
        u->cp = cp;
        u->width = fake_width(cp, full);
        u->em = EM;
        u->cls = (uint8_t)pb_char_class_of(cp);
        u->brk = brk[i];
    }
    pa->off[pa->n] = pa->len;
    free(brk);
    pa->arena = pb_arena_new();
    pa->p.measure = 10 * EM;
    pa->p.align = PB_ALIGN_JUSTIFY;
    pa->p.compress_punct = true;
    pa->p.avoid_single_last = true;
}

static void para_run(para *pa)
{
    pb_linebreak(pa->u, pa->n, &pa->p, pa->arena, &pa->r);
}

static void para_free(para *pa)
{
    pb_arena_free(pa->arena);
    free(pa->u);
    free(pa->off);
}

/* Text of line l (static buffer). */
static const char *line_text(const para *pa, int l)
{
    static char buf[4096];
    const pb_lb_line *ln = &pa->r.lines[l];
    size_t a = pa->off[ln->first], b = pa->off[ln->first + ln->count];
    size_t n = b - a < sizeof buf - 1 ? b - a : sizeof buf - 1;
    memcpy(buf, pa->text + a, n);
    buf[n] = 0;
    return buf;
}

static int64_t line_sum(const para *pa, int l)
{
    const pb_lb_line *ln = &pa->r.lines[l];
    int64_t w = 0;
    for (int i = ln->first; i < ln->first + ln->count; i++)
        w += pa->u[i].width + pa->r.adjust[i].lead + pa->r.adjust[i].trail;
    return w;
}

static pb_fx avail(const para *pa, int l)
{
    return pa->p.measure - pa->p.right_indent - (l == 0 ? pa->p.first_indent : 0);
}

static uint32_t first_cp(const para *pa, int l)
{
    return pa->u[pa->r.lines[l].first].cp;
}

static uint32_t last_cp(const para *pa, int l)
{
    const pb_lb_line *ln = &pa->r.lines[l];
    return pa->u[ln->first + ln->count - 1].cp;
}

static void dump(const para *pa)
{
    for (int l = 0; l < pa->r.nlines; l++)
        printf("    line %d: [%s] width %d of %d\n", l, line_text(pa, l),
               (int)pa->r.lines[l].width, (int)avail(pa, l));
}

/* Lines cover all units in order; widths are the sums of adjustments. */
static bool consistent(const para *pa)
{
    int next = 0;
    for (int l = 0; l < pa->r.nlines; l++) {
        const pb_lb_line *ln = &pa->r.lines[l];
        if (ln->first != next || ln->count <= 0 || ln->width != line_sum(pa, l) ||
            ln->last != (l == pa->r.nlines - 1))
            return false;
        next += ln->count;
    }
    return next == pa->n;
}

/* Does `needle` occur whole inside one line? */
static bool kept_together(const para *pa, const char *needle)
{
    const char *at = strstr(pa->text, needle);
    if (!at)
        return false;
    size_t a = (size_t)(at - pa->text), b = a + strlen(needle);
    for (int l = 0; l < pa->r.nlines; l++) {
        const pb_lb_line *ln = &pa->r.lines[l];
        size_t s = pa->off[ln->first], e = pa->off[ln->first + ln->count];
        if (s <= a && b <= e)
            return true;
    }
    return false;
}

static const char *han(int n)
{
    static const char pool[] = "一二三四五六七八九十百千万亿甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥";
    static char buf[8][1024];
    static int slot;
    char *b = buf[slot++ % 8];
    size_t len = 0, poolchars = (sizeof pool - 1) / 3;
    for (int i = 0; i < n; i++) {
        memcpy(b + len, pool + (size_t)(i % (int)poolchars) * 3, 3);
        len += 3;
    }
    b[len] = 0;
    return b;
}

static char *cat(const char *a, const char *b, const char *c)
{
    static char buf[8][2048];
    static int slot;
    char *out = buf[slot++ % 8];
    snprintf(out, sizeof buf[0], "%s%s%s", a, b, c ? c : "");
    return out;
}

/* ---- tests ---------------------------------------------------------- */

static void test_no_line_start(void)
{
    static const char *marks[] = {"，", "。", "、", "”", "）", "：", "；", "！", "？", "》", "」"};
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        for (int compress = 0; compress <= 1; compress++) {
            /* ten Han fill the 10-em line, so the mark would start line 2 */
            para pa;
            para_init(&pa, cat(han(10), marks[m], han(6)), EM);
            pa.p.compress_punct = compress;
            para_run(&pa);
            bool ok = consistent(&pa) && pa.r.nlines >= 2;
            for (int l = 1; l < pa.r.nlines; l++)
                ok = ok && !pb_no_line_start(first_cp(&pa, l));
            CHECK(ok, "no-line-start %s (compress %d)", marks[m], compress);
            if (!ok)
                dump(&pa);
            /* the mark moved a character down rather than sticking out */
            CHECK(pa.r.nlines >= 2 && pa.r.lines[0].count == 9 &&
                      pa.r.lines[0].width == 10 * EM,
                  "no-line-start %s: line 1 keeps 9 characters, justified", marks[m]);
            para_free(&pa);
        }
    }
}

static void test_no_line_end(void)
{
    static const char *marks[] = {"“", "（", "《", "‘", "【", "「"};
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        para pa;
        para_init(&pa, cat(han(9), marks[m], han(8)), EM);
        para_run(&pa);
        bool ok = consistent(&pa) && pa.r.nlines >= 2;
        for (int l = 0; l + 1 < pa.r.nlines; l++)
            ok = ok && !pb_no_line_end(last_cp(&pa, l));
        CHECK(ok, "no-line-end %s", marks[m]);
        if (!ok)
            dump(&pa);
        para_free(&pa);
    }
}

static void test_dashes(void)
{
    static const char *pairs[] = {"——", "……"};
    for (int d = 0; d < 2; d++) {
        for (int pos = 6; pos <= 11; pos++) {
            para pa;
            para_init(&pa, cat(han(pos), pairs[d], han(12)), EM);
            para_run(&pa);
            bool ok = consistent(&pa) && kept_together(&pa, pairs[d]);
            for (int l = 1; l < pa.r.nlines; l++)
                ok = ok && pa.u[pa.r.lines[l].first].cls != PB_CC_DASH;
            CHECK(ok, "%s after %d characters: never split, never at line start", pairs[d],
                  pos);
            if (!ok)
                dump(&pa);
            /* never stretched inside the pair */
            int i = 0;
            while (i < pa.n && pa.u[i].cls != PB_CC_DASH)
                i++;
            CHECK(i < pa.n && pa.r.adjust[i].trail == 0 && pa.r.adjust[i + 1].lead == 0,
                  "%s after %d characters: no space inside", pairs[d], pos);
            para_free(&pa);
        }
    }
}

static void test_numbers_and_words(void)
{
    static const char *items[] = {"1944.0495", "2021", "0451-53675221", "abcdefgh",
                                  "Information"};
    for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
        for (int pos = 4; pos <= 10; pos++) {
            para pa;
            const char *tail = k == 1 ? "年度报告" : "一二三四五六七";
            para_init(&pa, cat(han(pos), items[k], tail), EM);
            para_run(&pa);
            bool ok = consistent(&pa) && kept_together(&pa, items[k]);
            CHECK(ok, "%s after %d characters never split", items[k], pos);
            if (!ok)
                dump(&pa);
            para_free(&pa);
        }
    }
    /* and the byte-level opportunities agree */
    const char *s = "电话0451-53675221，1944.0495亿元，2021年";
    size_t len = strlen(s);
    uint8_t brk[128];
    pb_break_opportunities(s, len, brk);
    const char *nums[] = {"0451-53675221", "1944.0495", "2021"};
    for (int k = 0; k < 3; k++) {
        size_t a = (size_t)(strstr(s, nums[k]) - s), b = a + strlen(nums[k]);
        bool none = true;
        for (size_t i = a + 1; i < b; i++)
            none = none && brk[i] == PB_BRK_NONE;
        CHECK(none, "no opportunity inside %s", nums[k]);
    }
    size_t nian = (size_t)(strstr(s, "年") - s);
    CHECK(brk[nian] == PB_BRK_ALLOW, "2021|年 may break before 年 (digits stay together)");
}

static void test_url(void)
{
    const char *url = "https://www.example.gov.cn/xxgk/2021/index.html?id=3&page=2#top";
    para pa;
    para_init(&pa, cat("详见", url, "。"), EM);
    para_run(&pa);
    bool ok = consistent(&pa) && pa.r.nlines >= 3;
    for (int l = 0; l + 1 < pa.r.nlines; l++) {
        const pb_lb_line *ln = &pa.r.lines[l];
        ok = ok && pa.u[ln->first + ln->count - 1].brk != PB_BRK_NONE;
    }
    CHECK(ok, "an address breaks only at its opportunities");
    if (!ok)
        dump(&pa);
    para_free(&pa);

    /* Only after "/" (not inside "//") and before "?", "&", "#": never
     * inside the host name, never before "." or "-". */
    size_t len = strlen(url);
    uint8_t *brk = malloc(len + 1);
    pb_break_opportunities(url, len, brk);
    char got[256] = "", want[] = "https://|www.example.gov.cn/|xxgk/|2021/|index.html|?id=3|&page=2|#top";
    size_t o = 0;
    for (size_t b = 0; b < len; b++) {
        if (b > 0 && brk[b] != PB_BRK_NONE)
            got[o++] = '|';
        got[o++] = url[b];
    }
    got[o] = 0;
    CHECK(!strcmp(got, want), "address opportunities: %s", got);

    static const char *emails[] = {"xxgk-office@harbin.gov.cn", "zhang.san_01@example.com"};
    for (int k = 0; k < 2; k++) {
        const char *t = cat("来信请寄", emails[k], "，谢谢");
        size_t tl = strlen(t), a = strlen("来信请寄"), e = a + strlen(emails[k]);
        uint8_t *bb = malloc(tl + 1);
        pb_break_opportunities(t, tl, bb);
        bool none = true;
        for (size_t b = a + 1; b < e; b++)
            none = none && bb[b] == PB_BRK_NONE;
        CHECK(none, "an e-mail address never breaks: %s", emails[k]);
        free(bb);
    }
    free(brk);

    /* a host longer than the line still breaks where the line ends */
    para_init(&pa, "见http://averyveryverylonghostnamethatdoesnotfit.example.gov.cn/a。", EM);
    pa.p.measure = 8 * EM;
    para_run(&pa);
    CHECK(consistent(&pa) && pa.r.nlines >= 3, "an over-long host is broken by the emergency rule");
    para_free(&pa);
}

/* pb_find_addresses: what is an address, and where it ends. */
static void test_find_addresses(void)
{
    static const struct {
        const char *text, *found;
    } cases[] = {
        {"查阅（<http://ngqxxgk.harbin.gov.cn/col/col126585/index.html>）。",
         "http://ngqxxgk.harbin.gov.cn/col/col126585/index.html"},
        {"网址：www.nangang.gov.cn/xxgk/，欢迎", "www.nangang.gov.cn/xxgk/"},
        {"登录harbin.gov.cn查询", "harbin.gov.cn"},
        {"见 https://example.com/a?b=1. 完", "https://example.com/a?b=1"},
        {"邮箱：ngcgj@163.com。", "ngcgj@163.com"},
        {"金额1944.0495万元，文件make-long-table.sh，版本v1.2", ""},
        {"电话0451-53675221，a@b", ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char *t = cases[k].text;
        pb_address a[4];
        int n = pb_find_addresses(t, strlen(t), a, 4);
        char got[256] = "";
        if (n > 0)
            snprintf(got, sizeof got, "%.*s", (int)(a[0].end - a[0].start), t + a[0].start);
        CHECK(!strcmp(got, cases[k].found) && n == (cases[k].found[0] ? 1 : 0),
              "address in \"%s\": \"%s\" (%d found)", t, got, n);
        if (n > 0 && strchr(cases[k].found, '@'))
            CHECK(a[0].email, "\"%s\" is an e-mail address", got);
    }
}

/* ---- the character grid -------------------------------------------- */

#define G 1010 /* the GB/T 9704 pitch, 156 mm / 28 in 1/64 pt, rounded down */

/* A paragraph on the grid: full-width characters one cell, digits half a
 * cell (as the shaper tracks them), other ASCII the fake 1/2 em. */
static void grid_init(para *pa, const char *text)
{
    para_init(pa, text, G);
    for (int i = 0; i < pa->n; i++)
        if (pa->u[i].cp >= '0' && pa->u[i].cp <= '9')
            pa->u[i].width = G / 2;
    pa->p.grid = G;
    pa->p.measure = 28 * G;
}

/* Pen position of unit i from its line's start. */
static int64_t unit_x(const para *pa, int i)
{
    int l = 0;
    while (l + 1 < pa->r.nlines && pa->r.lines[l + 1].first <= i)
        l++;
    int64_t x = 0;
    for (int k = pa->r.lines[l].first; k < i; k++)
        x += pa->u[k].width + pa->r.adjust[k].lead + pa->r.adjust[k].trail;
    return x + pa->r.adjust[i].lead;
}

/* Every full-width unit of line l starts on a column. */
static bool in_columns(const para *pa, int l)
{
    const pb_lb_line *ln = &pa->r.lines[l];
    for (int i = ln->first; i < ln->first + ln->count; i++)
        if (pa->u[i].width == G && unit_x(pa, i) % G != 0)
            return false;
    return true;
}

static void test_grid(void)
{
    /* 28 cells, then a comma: it hangs past the measure, nothing moves */
    para pa;
    grid_init(&pa, cat(han(13), "，", cat(han(14), "，", han(10))));
    para_run(&pa);
    if (!CHECK(consistent(&pa) && pa.r.nlines == 2 && pa.r.lines[0].count == 29 &&
                   pa.r.lines[0].hang && pa.r.lines[0].width == 29 * G && in_columns(&pa, 0) &&
                   pa.r.adjust[13].trail == 0 && unit_x(&pa, 28) == 28 * G,
               "grid: a comma after 28 cells hangs; the inner comma keeps its cell"))
        dump(&pa);
    para_free(&pa);

    /* two marks cannot hang: the 28th character goes down with them and the
     * 27 left are spread over the line */
    grid_init(&pa, cat(han(28), "。”", han(5)));
    para_run(&pa);
    if (!CHECK(consistent(&pa) && pa.r.nlines == 2 && pa.r.lines[0].count == 27 &&
                   !pa.r.lines[0].hang && pa.r.lines[0].width == 28 * G &&
                   pa.u[pa.r.lines[1].first].cls == PB_CC_HAN,
               "grid: \"。”\" after 28 cells pushes the last character down"))
        dump(&pa);
    para_free(&pa);

    /* an opening mark never ends a line, and is not squeezed in either */
    grid_init(&pa, cat(han(27), "（", han(8)));
    para_run(&pa);
    if (!CHECK(consistent(&pa) && pa.r.nlines == 2 && pa.r.lines[0].count == 27 &&
                   pa.r.lines[0].width == 28 * G && first_cp(&pa, 1) == 0xFF08 &&
                   pa.r.adjust[27].lead == 0,
               "grid: an opening mark in the last column moves to the next line, whole"))
        dump(&pa);
    para_free(&pa);

    /* a compressed pair is set the same wherever the line breaks */
    grid_init(&pa, cat(han(5), "。”", cat(han(31), "），", cat(han(20), "。”", han(12)))));
    para_run(&pa);
    bool same = consistent(&pa);
    int pairs = 0;
    for (int i = 0; i + 1 < pa.n; i++) {
        if (pa.u[i].cls == PB_CC_HAN || pa.u[i + 1].cls == PB_CC_HAN)
            continue;
        pairs++;
        same = same && pa.r.adjust[i].trail + pa.r.adjust[i].lead == -(G - G / 2) &&
               pa.r.adjust[i + 1].lead == 0;
    }
    CHECK(same && pairs == 3, "grid: every pair of marks takes 1.5 cells (%d pairs)", pairs);
    para_free(&pa);

    /* no mark is squeezed to fit: many commas, each one cell */
    grid_init(&pa, "一二，三四，五六，七八，九十，甲乙，丙丁，戊己，庚辛，壬癸，子丑，寅卯，辰巳，午未，申酉，戌亥。");
    para_run(&pa);
    bool full = consistent(&pa);
    for (int i = 0; i < pa.n; i++)
        if (pa.u[i].cp == 0xFF0C) {
            int l = 0;
            while (l + 1 < pa.r.nlines && pa.r.lines[l + 1].first <= i)
                l++;
            bool last = i == pa.r.lines[l].first + pa.r.lines[l].count - 1;
            full = full && (last || pa.r.adjust[i].lead + pa.r.adjust[i].trail == 0);
        }
    for (int l = 0; l < pa.r.nlines; l++)
        full = full && in_columns(&pa, l);
    if (!CHECK(full, "grid: commas are never compressed to fit a line"))
        dump(&pa);
    para_free(&pa);

    /* a run-in heading's bracket starts at the indent, never shifted */
    for (int k = 0; k < 3; k++) {
        static const char *heads[] = {"（一）主动公开情况。", "（二）依申请公开情况。",
                                      "（四）全方位公开，积极主动数据详实。"};
        grid_init(&pa, cat(heads[k], han(40), "。"));
        pa.p.first_indent = 2 * G;
        para_run(&pa);
        CHECK(pa.r.adjust[0].lead == 0 && unit_x(&pa, 0) == 0 && in_columns(&pa, 0),
              "grid: run-in heading %d starts in the first column after the indent", k + 1);
        para_free(&pa);
    }

    /* a lone last character is avoided on the grid too */
    grid_init(&pa, han(57));
    para_run(&pa);
    CHECK(pa.r.nlines == 3 && pa.r.lines[1].count == 27 && pa.r.lines[2].count == 2 &&
              pa.r.lines[1].width == 28 * G,
          "grid: a lone last character pulls one down");
    para_free(&pa);
}

static void test_grid_latin(void)
{
    /* four digits are two cells: nothing to pad */
    para pa;
    grid_init(&pa, cat(han(10), "2021年", han(30)));
    para_run(&pa);
    bool ok = consistent(&pa) && pa.r.lines[0].count == 10 + 4 + 1 + 15 && in_columns(&pa, 0);
    for (int i = 10; i < 14; i++)
        ok = ok && pa.r.adjust[i].lead == 0 && pa.r.adjust[i].trail == 0;
    if (!CHECK(ok, "grid: \"2021年\" takes three cells, the columns kept"))
        dump(&pa);
    para_free(&pa);

    /* three digits are padded to two cells, a quarter cell on each side */
    grid_init(&pa, cat(han(10), "826条", han(30)));
    para_run(&pa);
    ok = consistent(&pa) && pa.r.lines[0].count == 10 + 3 + 1 + 15 && in_columns(&pa, 0) &&
         pa.r.adjust[10].lead == G / 4 && pa.r.adjust[12].trail == G / 2 - G / 4 &&
         pa.r.adjust[11].lead == 0 && pa.r.adjust[11].trail == 0 &&
         unit_x(&pa, 13) == 12 * G;
    if (!CHECK(ok, "grid: \"826条\": the digits padded to whole cells"))
        dump(&pa);
    para_free(&pa);

    /* next to a mark the padding goes to the character's side */
    grid_init(&pa, cat(han(10), "：826条", han(30)));
    para_run(&pa);
    CHECK(pa.r.adjust[11].lead == 0 && pa.r.adjust[13].trail == G / 2 && in_columns(&pa, 0),
          "grid: \"：826条\": the padding after the digits");
    para_free(&pa);

    /* a closing or stop mark after the digits stands against them, the
     * padding going after the mark, where its blank half is: "100%。"
     * (units 10-13, the mark 14), not "100% 。"; the characters after it
     * in their columns */
    grid_init(&pa, cat(han(10), "100%。", han(30)));
    para_run(&pa);
    int64_t run = 3 * (G / 2) + pa.u[13].width; /* "100%" */
    ok = consistent(&pa) && pa.r.adjust[13].trail == 0 && pa.r.adjust[14].lead == 0 &&
         unit_x(&pa, 14) == unit_x(&pa, 13) + pa.u[13].width &&
         pa.r.adjust[10].lead == (3 * G - run) / 2 &&
         pa.r.adjust[10].lead + pa.r.adjust[14].trail == 3 * G - run &&
         unit_x(&pa, 15) == 14 * G;
    if (!CHECK(ok, "grid: \"100%%。\": the mark against the digits, the padding after it"))
        dump(&pa);
    para_free(&pa);

    /* after "：" all of it goes past the closing marks: "：0451-53675221）。"
     * (the colon 10, the run 11-23, "）" 24, "。" 25) */
    grid_init(&pa, cat(han(10), "：0451-53675221）。", han(30)));
    para_run(&pa);
    run = 12 * (G / 2) + pa.u[15].width; /* twelve digits and "-" */
    ok = consistent(&pa) && pa.r.adjust[11].lead == 0 && pa.r.adjust[23].trail == 0 &&
         unit_x(&pa, 24) == unit_x(&pa, 23) + pa.u[23].width &&
         pa.r.adjust[25].trail == 7 * G - run;
    if (!CHECK(ok, "grid: \"：0451-53675221）。\": the brackets against the number"))
        dump(&pa);
    para_free(&pa);

    /* brackets around a digit hold it, the padding outside: "（1）"; at
     * the start of a line "（" stays in the first column (a heading) */
    grid_init(&pa, cat(han(10), "（1）", han(30)));
    para_run(&pa);
    ok = consistent(&pa) && pa.r.adjust[11].lead == 0 && pa.r.adjust[11].trail == 0 &&
         pa.r.adjust[10].lead == (G - G / 2) / 2 &&
         pa.r.adjust[10].lead + pa.r.adjust[12].trail == G - G / 2 &&
         unit_x(&pa, 13) == 13 * G;
    if (!CHECK(ok, "grid: \"（1）\": the padding outside the brackets"))
        dump(&pa);
    para_free(&pa);
    grid_init(&pa, cat("（1）", han(40), NULL));
    para_run(&pa);
    ok = consistent(&pa) && pa.r.adjust[0].lead == 0 && pa.r.adjust[1].lead == 0 &&
         pa.r.adjust[2].trail == G - G / 2 && unit_x(&pa, 3) == 3 * G;
    if (!CHECK(ok, "grid: \"（1）\" starting a line: the padding after it"))
        dump(&pa);
    para_free(&pa);

    /* Latin words: never spaced out inside, on any line */
    grid_init(&pa, "提升开放水平 Open Government Data 的质量，继续推进政府信息公开工作，提升"
                   "Open Government Data 开放水平，确保公开质量再上新台阶，努力提升群众满意度。");
    pa.p.measure = 20 * G;
    para_run(&pa);
    ok = consistent(&pa);
    for (int i = 0; i + 1 < pa.n; i++)
        if (pa.u[i].cls == PB_CC_LATIN && pa.u[i + 1].cls == PB_CC_LATIN)
            ok = ok && pa.r.adjust[i].trail == 0 && pa.r.adjust[i + 1].lead == 0;
    /* a line that starts or ends with Latin text spreads what it lacks;
     * the others keep their columns */
    for (int l = 0; l + 1 < pa.r.nlines; l++) {
        const pb_lb_line *ln = &pa.r.lines[l];
        int e = ln->first + ln->count - 1;
        while (pa.u[e].cls == PB_CC_SPACE)
            e--;
        if (pa.u[ln->first].width == G && pa.u[e].width == G)
            ok = ok && in_columns(&pa, l);
    }
    if (!CHECK(ok, "grid: no space inside Latin words; the characters around them in columns"))
        dump(&pa);
    para_free(&pa);

    /* a long address at the end of a line: the line is left short rather
     * than opened up, its characters in their columns */
    grid_init(&pa, "网站查阅（<http://ngqxxgk.harbin.gov.cn/col/col126585/index.html>）。如有"
                   "疑问请与行政办公室联系。");
    pa.p.measure = 26 * G;
    para_run(&pa);
    ok = consistent(&pa) && pa.r.nlines >= 2 && pa.r.lines[0].width < 26 * G &&
         in_columns(&pa, 0);
    for (int i = 0; i < pa.r.lines[0].count; i++)
        ok = ok && pa.r.adjust[i].lead >= 0 && pa.r.adjust[i].trail <= G / 4;
    if (!CHECK(ok, "grid: a line ending in a long address is left short, not spaced out"))
        dump(&pa);
    para_free(&pa);
}

/* Units of `typed` and `bare` (the same text without the spaces typed
 * between the scripts) are set alike: every unit of bare on the same line
 * at the same place as its twin in typed (the typed spaces skipped). */
static bool set_alike(para *typed, para *bare)
{
    int i = 0;
    for (int k = 0; k < bare->n; k++, i++) {
        while (i < typed->n && typed->u[i].cp == ' ' && bare->u[k].cp != ' ')
            i++;
        if (i >= typed->n || typed->u[i].cp != bare->u[k].cp)
            return false;
        int lt = 0, lb = 0;
        while (lt + 1 < typed->r.nlines && typed->r.lines[lt + 1].first <= i)
            lt++;
        while (lb + 1 < bare->r.nlines && bare->r.lines[lb + 1].first <= k)
            lb++;
        if (lt != lb || unit_x(typed, i) != unit_x(bare, k)) {
            printf("    unit %d (U+%04X): line %d x %lld, without the spaces line %d x %lld\n", k,
                   (unsigned)bare->u[k].cp, lt, (long long)unit_x(typed, i), lb,
                   (long long)unit_x(bare, k));
            return false;
        }
    }
    return typed->r.nlines == bare->r.nlines;
}

/* Width a unit is set at. */
static int64_t set_width(const para *pa, int i)
{
    return pa->u[i].width + pa->r.adjust[i].lead + pa->r.adjust[i].trail;
}

/* A space typed between a Chinese character or mark and Latin letters or
 * digits is the gap between the scripts, not added to it (clreq 3.2.1):
 * the text is set as it would be without it, on the grid and off it, and
 * the space takes the width of that gap. */
static void test_typed_spaces(void)
{
    static const struct {
        const char *typed, *bare;
    } cases[] = {
        {"个区、每区 25 个部门，另有各区小计和全市合计，用于检查跨页时表头是否逐页重复、区名合并"
         "单元格在续页上是否重新标出。",
         "个区、每区25个部门，另有各区小计和全市合计，用于检查跨页时表头是否逐页重复、区名合并"
         "单元格在续页上是否重新标出。"},
        {"统计期限自 2021 年 1 月 1 日起至 2021 年 12 月 31 日，本年度报告的电子版，可以通过南岗"
         "区人民政府网站查阅。",
         "统计期限自2021年1月1日起至2021年12月31日，本年度报告的电子版，可以通过南岗"
         "区人民政府网站查阅。"},
        {"下一步，本机关将提升 Open Government Data 开放水平，推动政府数据开放共享，进一步完善"
         "  Open Data Portal  的建设和管理，完成率 100% 。",
         "下一步，本机关将提升Open Government Data开放水平，推动政府数据开放共享，进一步完善"
         "Open Data Portal的建设和管理，完成率100%。"},
        {"（ 1 ）主动公开情况：共 3 件，其中 A 类 2 件。",
         "（1）主动公开情况：共3件，其中A类2件。"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        for (int grid = 0; grid < 2; grid++) {
            for (int m = 0; m < 3; m++) {
                para t, b;
                static const int measures[] = {28, 13, 7};
                if (grid) {
                    grid_init(&t, cases[k].typed);
                    grid_init(&b, cases[k].bare);
                    t.p.measure = b.p.measure = measures[m] * G;
                } else {
                    para_init(&t, cases[k].typed, EM);
                    para_init(&b, cases[k].bare, EM);
                    t.p.measure = b.p.measure = measures[m] * EM;
                }
                para_run(&t);
                para_run(&b);
                if (!CHECK(consistent(&t) && set_alike(&t, &b),
                           "%s, %d a line: \"%.40s…\" set as without its typed spaces",
                           grid ? "grid" : "off the grid", measures[m], cases[k].typed)) {
                    dump(&t);
                    dump(&b);
                }
                para_free(&t);
                para_free(&b);
            }
        }
    }

    /* the space spans the gap: "每区 25 个" none (the digits fill a cell),
     * "在 1 月" a quarter cell on each side, the padding of "1" */
    para pa;
    grid_init(&pa, cat(han(10), "每区 25 个", han(10)));
    para_run(&pa);
    CHECK(set_width(&pa, 12) == 0 && set_width(&pa, 15) == 0 && unit_x(&pa, 13) == 12 * G &&
              in_columns(&pa, 0),
          "grid: \"每区 25 个\": the spaces set at no width, the digits in the cell after 区");
    para_free(&pa);
    grid_init(&pa, cat(han(10), "在 1 月", han(10)));
    para_run(&pa);
    CHECK(set_width(&pa, 11) == G / 4 && set_width(&pa, 13) == G / 2 - G / 4 &&
              unit_x(&pa, 12) == 11 * G + G / 4 && in_columns(&pa, 0),
          "grid: \"在 1 月\": each space a quarter cell, the padding of the digit");
    para_free(&pa);

    /* spaces that are not between the scripts keep their width: between
     * two Chinese characters, between Latin words, a no-break space, and
     * around a dash ("— 1 —", the page number) */
    static const char *kept[] = {"中文 中文", "Open Data", "共\u00a0" "3件", "— 1 —"};
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
        para_init(&pa, kept[k], EM);
        pa.p.align = PB_ALIGN_LEFT;
        para_run(&pa);
        bool ok = consistent(&pa);
        for (int i = 0; i < pa.n; i++)
            if (pa.u[i].cls == PB_CC_SPACE)
                ok = ok && set_width(&pa, i) == pa.u[i].width;
        CHECK(ok, "the space in \"%s\" keeps its width", kept[k]);
        para_free(&pa);
    }

    /* a break is still allowed after a typed space, and a space that ends
     * a line takes no room */
    grid_init(&pa, cat(han(27), " 2021 年", han(10)));
    para_run(&pa);
    if (!CHECK(consistent(&pa) && pa.r.nlines == 2 && pa.r.lines[0].count == 28 &&
                   set_width(&pa, 27) == 0 && first_cp(&pa, 1) == '2' && in_columns(&pa, 1),
               "grid: a line may end at a typed space, which hangs"))
        dump(&pa);
    para_free(&pa);
}

/* Latin text that ends a line keeps the gap before it: the one it would
 * have inside the line, half its padding to whole cells; only the gap
 * after it is dropped.  None after a mark whose blank half faces it. */
static void test_grid_line_end_run(void)
{
    const char *addr = "http://www.example.gov.cn/col/index.html";
    para pa, mid;
    grid_init(&pa, cat(han(10), "网址", cat(addr, "。", han(20))));
    pa.p.measure = 24 * G;
    para_run(&pa);
    int h = 12; /* the address's first unit */
    int e = h + (int)strlen(addr) - 1;
    int64_t w = 0;
    for (int i = h; i <= e; i++)
        w += pa.u[i].width;
    int64_t pad = (w + G - 1) / G * G - w;
    bool ok = consistent(&pa) && pa.r.nlines >= 2 && last_cp(&pa, 0) == '/' &&
              in_columns(&pa, 0);
    int64_t line_w = 0;
    for (int i = h; i < pa.r.lines[0].count; i++)
        line_w += pa.u[i].width;
    int64_t half = ((line_w + G - 1) / G * G - line_w) / 2;
    ok = ok && unit_x(&pa, h) >= 12 * G + half && half > 0;
    if (!CHECK(ok, "grid: an address ending a line keeps the gap before it (%lld)",
               (long long)half))
        dump(&pa);
    /* inside a line the same run has half its padding before it */
    grid_init(&mid, cat(han(2), "网址", cat(addr, "。", han(4))));
    para_run(&mid);
    CHECK(unit_x(&mid, 4) == 4 * G + pad / 2, "grid: the address inside a line: half its "
                                              "padding before it");
    para_free(&mid);
    para_free(&pa);

    /* after "：" the colon's blank half is the gap */
    grid_init(&pa, cat(han(10), "网址：", cat(addr, "。", han(20))));
    pa.p.measure = 24 * G;
    para_run(&pa);
    if (!CHECK(consistent(&pa) && unit_x(&pa, 13) == 13 * G && in_columns(&pa, 0),
               "grid: an address ending a line after \"：\" stands against it"))
        dump(&pa);
    para_free(&pa);
}

/* A report-like paragraph mixing everything. */
static const char *sample =
    "2021年，南岗区人民政府办公室在区委、区政府的正确领导下，认真贯彻落实《中华人民共和国政府"
    "信息公开条例》（以下简称《条例》），坚持以公开为常态、不公开为例外，全年主动公开政府信息"
    "1944条，其中“放管服”改革、重大建设项目等信息459条……依申请公开受理36件，办结率100%。"
    "咨询电话：0451-53675221，网址：https://www.nangang.gov.cn/xxgk/。下一步——继续深化"
    "政务公开，提升 Open Government Data 开放水平，确保公开质量再上新台阶。";

static void test_justified_sums(void)
{
    /* GB/T 9704 grid: 156 mm / 28 ≈ 15.79 pt; measure = 28 × pitch. */
    static const struct { pb_fx full, measure; const char *name; } cases[] = {
        {1010, 28 * 1010, "grid 28 × 1010"},
        {1024, 28 * 1010, "16 pt glyphs on 28 × 1010"},
        {1024, 28 * EM + 37, "odd measure"},
        {1024, 13 * EM + 5, "narrow"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        para pa;
        para_init(&pa, sample, cases[c].full);
        pa.p.measure = cases[c].measure;
        pa.p.first_indent = 2 * cases[c].full;
        para_run(&pa);
        bool ok = consistent(&pa) && pa.r.nlines > 3;
        for (int l = 0; l + 1 < pa.r.nlines; l++)
            ok = ok && line_sum(&pa, l) == avail(&pa, l);
        ok = ok && line_sum(&pa, pa.r.nlines - 1) <= avail(&pa, pa.r.nlines - 1);
        CHECK(ok, "justified lines sum exactly to the measure (%s)", cases[c].name);
        bool rules = true;
        for (int l = 0; l < pa.r.nlines; l++) {
            if (l > 0 && pb_no_line_start(first_cp(&pa, l)))
                rules = false;
            if (l + 1 < pa.r.nlines && pb_no_line_end(last_cp(&pa, l)))
                rules = false;
        }
        CHECK(rules, "sample keeps clreq rules (%s)", cases[c].name);
        if (!ok || !rules)
            dump(&pa);
        para_free(&pa);
    }
    /* On the exact grid, plain Han lines hold 28 characters. */
    para pa;
    para_init(&pa, han(28 * 3), 1010);
    pa.p.measure = 28 * 1010;
    para_run(&pa);
    CHECK(pa.r.nlines == 3 && pa.r.lines[0].count == 28 && pa.r.lines[1].count == 28 &&
              pa.r.lines[0].width == 28 * 1010,
          "28 characters per line on the GB/T grid");
    para_free(&pa);
}

static void test_compression(void)
{
    para pa;
    para_init(&pa, "一二。”三四（《五》）六，“七", EM);
    pa.p.measure = 40 * EM;
    pa.p.align = PB_ALIGN_LEFT;
    para_run(&pa);
    /* units: 一0 二1 。2 ”3 三4 四5 （6 《7 五8 》9 ）10 六11 ，12 “13 七14 */
    const pb_lb_adjust *a = pa.r.adjust;
    CHECK(a[2].trail == -EM / 2 && a[3].lead == 0 && a[3].trail == 0,
          "。” compressed to 1.5 em (。 loses its right half)");
    CHECK(a[6].lead == 0 && a[7].lead == -EM / 2, "（《 compressed to 1.5 em");
    CHECK(a[9].trail == -EM / 2 && a[10].trail == 0, "》） compressed to 1.5 em");
    CHECK(a[12].trail == -EM / 2 && a[13].lead == 0, "，“ compressed to 1.5 em");
    int64_t pair = 2 * EM + a[2].trail + a[3].lead + a[3].trail + a[2].lead;
    CHECK(pair == 3 * EM / 2, "two adjacent marks take 1.5 em");
    CHECK(pa.r.nlines == 1 && pa.r.lines[0].width == 15 * EM - 4 * EM / 2,
          "line width counts the compression");
    para_free(&pa);

    para_init(&pa, "一二。”三四", EM);
    pa.p.compress_punct = false;
    pa.p.align = PB_ALIGN_LEFT;
    para_run(&pa);
    CHECK(pa.r.adjust[2].trail == 0 && pa.r.lines[0].width == 6 * EM,
          "no compression when compress_punct is off");
    para_free(&pa);
}

static void test_line_end_trim(void)
{
    static const pb_align aligns[] = {PB_ALIGN_LEFT, PB_ALIGN_CENTER, PB_ALIGN_RIGHT,
                                      PB_ALIGN_JUSTIFY};
    for (int k = 0; k < 4; k++) {
        para pa;
        para_init(&pa, "一二三。", EM);
        pa.p.align = aligns[k];
        para_run(&pa);
        CHECK(pa.r.nlines == 1 && pa.r.adjust[3].trail == -EM / 2 &&
                  pa.r.lines[0].width == 3 * EM + EM / 2,
              "line-end 。 trimmed to half width (align %d)", (int)aligns[k]);
        para_free(&pa);
    }
    /* a justified line ending in a mark: trimmed, then stretched back */
    para pa;
    para_init(&pa, cat(han(9), "。", han(5)), EM);
    para_run(&pa);
    CHECK(pa.r.nlines == 2 && pa.r.lines[0].count == 10 && pa.r.lines[0].width == 10 * EM &&
              pa.r.adjust[9].trail == -EM / 2,
          "justified line: end mark trimmed before justifying, sum exact");
    int64_t gaps = 0;
    for (int i = 0; i < 9; i++)
        gaps += pa.r.adjust[i].trail;
    CHECK(gaps == EM / 2, "the trimmed half em went to the gaps");
    para_free(&pa);
}

static void test_push_in(void)
{
    /* 28-em line: 13 Han, ，, 14 Han (28 characters) and a line-end ，:
     * natural 29 em; the end comma is trimmed (28.5) and the inner one
     * shrunk to half (28). */
    para pa;
    para_init(&pa, cat(han(13), "，", cat(han(14), "，", han(10))), EM);
    pa.p.measure = 28 * EM;
    para_run(&pa);
    CHECK(pa.r.nlines == 2 && pa.r.lines[0].count == 29 && pa.r.lines[0].width == 28 * EM,
          "push-in fits 28 characters + a line-end comma in a 28-em measure");
    if (!CHECK(pa.r.adjust[13].trail == -EM / 2 && pa.r.adjust[28].trail == -EM / 2,
               "push-in: inner comma shrunk to half, end comma trimmed"))
        dump(&pa);
    para_free(&pa);

    /* shrink order: brackets before commas */
    para_init(&pa, cat("一（二）三，", han(23), "。四五"), EM);
    pa.p.measure = 28 * EM;
    para_run(&pa);
    /* 1+1+1+1+1+1+23+1 = 30 units, natural 30 em; 。 trimmed: 29.5;
     * needs 1.5 em: （ and ） give 1, then ， gives 0.5 */
    CHECK(pa.r.nlines == 2 && pa.r.lines[0].count == 30 && pa.r.lines[0].width == 28 * EM &&
              pa.r.adjust[1].lead == -EM / 2 && pa.r.adjust[3].trail == -EM / 2 &&
              pa.r.adjust[5].trail == -EM / 2,
          "push-in shrinks brackets, then commas");
    para_free(&pa);

    /* only as much as needed: one bracket pair suffices for half an em */
    para_init(&pa, cat("一（二）三四", han(22), "。五六"), EM);
    pa.p.measure = 28 * EM;
    para_run(&pa);
    CHECK(pa.r.nlines == 2 && pa.r.lines[0].count == 29 && pa.r.lines[0].width == 28 * EM &&
              pa.r.adjust[1].lead + pa.r.adjust[3].trail == -EM / 2 &&
              pa.r.adjust[1].lead == -EM / 4,
          "push-in shrinks only as much as needed, shared between the brackets");
    para_free(&pa);

    /* Western spaces first, down to 1/4 em */
    para_init(&pa, "ab cd ef gh。ij", EM);
    pa.p.measure = 5 * EM + EM / 4;
    para_run(&pa);
    /* "ab cd ef gh。" is 6.5 em, 6 em with 。 trimmed; the three spaces
     * (1/2 em each) may lose 1/4 em each: exactly 5.25 em */
    if (!CHECK(pa.r.nlines == 2 && pa.r.lines[0].count == 12 &&
                   pa.r.lines[0].width == 5 * EM + EM / 4 &&
                   pa.r.adjust[2].trail == -EM / 4 && pa.r.adjust[5].trail == -EM / 4 &&
                   pa.r.adjust[8].trail == -EM / 4,
               "push-in shrinks Western spaces to 1/4 em"))
        dump(&pa);
    para_free(&pa);
}

/* marks_whole (table cells): no mark is squeezed inside a line to make
 * it fit; the text wraps instead.  Pairs of marks and a mark ending a
 * line are still compressed (fixed rules, wherever the line breaks). */
static void test_marks_whole(void)
{
    /* the push-in case above: the inner comma keeps its em, so the line
     * takes 13 + ， + 13 (the 14th character may not be followed by a
     * line-start ，) and is justified */
    para pa;
    para_init(&pa, cat(han(13), "，", cat(han(14), "，", han(10))), EM);
    pa.p.measure = 28 * EM;
    pa.p.marks_whole = true;
    para_run(&pa);
    if (!CHECK(pa.r.nlines == 2 && pa.r.lines[0].count == 27 && pa.r.lines[0].width == 28 * EM &&
                   pa.r.adjust[13].lead >= 0 && pa.r.adjust[13].trail >= 0,
               "marks whole: the comma keeps its em, the line wraps before it would squeeze"))
        dump(&pa);
    para_free(&pa);

    /* no bracket or comma shrinks: every unit of the first line but its
     * last keeps at least its width */
    para_init(&pa, cat("一（二）三，", han(23), "。四五"), EM);
    pa.p.measure = 28 * EM;
    pa.p.marks_whole = true;
    para_run(&pa);
    bool whole = pa.r.nlines == 2 && pa.r.lines[0].width == 28 * EM;
    for (int i = 0; whole && i < pa.r.lines[0].count - 1; i++)
        whole = pa.r.adjust[i].lead >= 0 && pa.r.adjust[i].trail >= 0;
    if (!CHECK(whole && pa.r.lines[0].count < 30, "marks whole: brackets and commas not squeezed"))
        dump(&pa);
    para_free(&pa);

    /* the fixed rules still hold: "。”" inside a line is 1.5 em, a mark
     * ending a line is trimmed */
    para_init(&pa, cat("一二。”三四五六", han(4), "，七八"), EM);
    pa.p.measure = 12 * EM;
    pa.p.align = PB_ALIGN_LEFT;
    pa.p.marks_whole = true;
    para_run(&pa);
    if (!CHECK(pa.r.nlines == 2 && pa.r.adjust[2].trail == -EM / 2 &&
                   pa.r.lines[0].count == 13 && pa.r.adjust[12].trail == -EM / 2,
               "marks whole: a pair and a line-end mark compressed as always"))
        dump(&pa);
    para_free(&pa);
}

static void test_single_last(void)
{
    para pa;
    para_init(&pa, han(21), EM);
    para_run(&pa);
    CHECK(pa.r.nlines == 3 && pa.r.lines[2].count == 2 && pa.r.lines[1].count == 9 &&
              pa.r.lines[1].width == 10 * EM,
          "a single last character pulls one down from the line above");
    para_free(&pa);

    para_init(&pa, cat(han(21), "。", NULL), EM);
    para_run(&pa);
    CHECK(pa.r.nlines == 3 && pa.r.lines[2].count == 3 && pa.r.lines[1].width == 10 * EM,
          "a character + 。 alone is avoided too");
    para_free(&pa);

    para_init(&pa, han(21), EM);
    pa.p.avoid_single_last = false;
    para_run(&pa);
    CHECK(pa.r.nlines == 3 && pa.r.lines[2].count == 1, "avoid_single_last off");
    para_free(&pa);

    /* two characters on the last line are fine */
    para_init(&pa, han(22), EM);
    para_run(&pa);
    CHECK(pa.r.nlines == 3 && pa.r.lines[2].count == 2 && pa.r.lines[1].count == 10,
          "two last characters are left alone");
    para_free(&pa);
}

static void test_indent(void)
{
    para pa;
    para_init(&pa, han(30), EM);
    pa.p.first_indent = 2 * EM;
    para_run(&pa);
    CHECK(pa.r.nlines == 4 && pa.r.lines[0].count == 8 && pa.r.lines[1].count == 10 &&
              pa.r.lines[0].width == 8 * EM && pa.r.lines[1].width == 10 * EM,
          "first-line indent of 2 characters");
    para_free(&pa);

    para_init(&pa, han(30), EM);
    pa.p.right_indent = EM;
    para_run(&pa);
    CHECK(pa.r.lines[0].count == 9 && pa.r.lines[1].count == 9, "right indent");
    para_free(&pa);
}

static void test_emergency(void)
{
    char digits[101];
    memset(digits, '7', 100);
    digits[100] = 0;
    para pa;
    para_init(&pa, cat("数字", digits, "。"), EM);
    para_run(&pa);
    /* 20 digits per 10-em line */
    bool ok = consistent(&pa) && pa.r.nlines >= 5;
    int full = 0;
    for (int l = 0; l < pa.r.nlines; l++) {
        ok = ok && pa.r.lines[l].width <= avail(&pa, l);
        full += pa.r.lines[l].count == 20;
    }
    CHECK(ok && full >= 4, "emergency break of a 100-digit run");
    if (!ok)
        dump(&pa);
    para_free(&pa);

    para_init(&pa, han(4), EM);
    pa.p.measure = 800;
    para_run(&pa);
    CHECK(pa.r.nlines == 4 && pa.r.lines[0].count == 1 && consistent(&pa),
          "a unit wider than the measure sits alone");
    para_free(&pa);

    para_init(&pa, han(4), EM);
    pa.p.measure = 0;
    para_run(&pa);
    CHECK(pa.r.nlines == 4 && consistent(&pa), "zero measure");
    para_free(&pa);
}

static void test_mandatory(void)
{
    para pa;
    para_init(&pa, "一二三\xE2\x80\xA8四五六七八九十甲乙丙丁", EM);
    para_run(&pa);
    if (!CHECK(consistent(&pa) && pa.r.nlines == 3 && pa.r.lines[0].count == 4 &&
                   pa.r.lines[0].width == 3 * EM && pa.r.lines[1].width == 10 * EM,
               "mandatory break ends a line, which is not justified"))
        dump(&pa);
    para_free(&pa);

    /* the line before a mandatory break is a last line too */
    para_init(&pa, cat(han(11), "\xE2\x80\xA8", han(3)), EM);
    para_run(&pa);
    CHECK(consistent(&pa) && pa.r.nlines == 3 && pa.r.lines[1].count == 3,
          "single character before a mandatory break avoided");
    para_free(&pa);
}

static void test_opportunities(void)
{
    /* non-BMP ideographs (CJK Extension B) */
    const char *s = "\xF0\xA0\x80\x80\xF0\xA0\x80\x81，\xF0\xA0\x80\x82";
    size_t len = strlen(s);
    uint8_t brk[32];
    CHECK(pb_break_icu(s, len, brk), "pb_break_icu non-BMP");
    CHECK(brk[0] == PB_BRK_NONE && brk[4] == PB_BRK_ALLOW && brk[1] == PB_BRK_NONE &&
              brk[2] == PB_BRK_NONE && brk[3] == PB_BRK_NONE && brk[len] == PB_BRK_MANDATORY,
          "non-BMP: breaks at code point boundaries only");
    pb_break_opportunities(s, len, brk);
    CHECK(brk[8] == PB_BRK_NONE && brk[11] == PB_BRK_ALLOW, "non-BMP: no break before ，");

    CHECK(pb_break_icu("", 0, brk) && brk[0] == PB_BRK_MANDATORY, "empty text");

    const char *h = "一二\xE2\x80\xA8三";
    pb_break_icu(h, strlen(h), brk);
    CHECK(brk[9] == PB_BRK_MANDATORY && brk[6] == PB_BRK_NONE, "U+2028 is a hard break");

    /* a variation selector after an opening bracket does not hide it */
    const char *vs = "一（\xEF\xB8\x80二";
    pb_break_opportunities(vs, strlen(vs), brk);
    CHECK(brk[9] == PB_BRK_NONE, "no break after （ + VS1");

    /* long text: 100k characters */
    size_t n = 100000;
    char *big = pb_xmalloc(n * 3 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 3, i % 10 == 9 ? "，" : "国", 3);
    big[n * 3] = 0;
    uint8_t *bb = pb_xmalloc(n * 3 + 1);
    bool ok = pb_break_opportunities(big, n * 3, bb);
    size_t count = 0;
    for (size_t i = 0; i <= n * 3; i++)
        count += bb[i] != PB_BRK_NONE;
    /* every boundary but the start and those before ，, plus the end */
    CHECK(ok && count == n - n / 10, "100k-character text: %zu opportunities", count);
    free(big);
    free(bb);

    /* clreq overlay lists */
    CHECK(pb_no_line_start(0x3001) && pb_no_line_start(0x2026) && pb_no_line_start(0x2014) &&
              pb_no_line_start(0x201D) && !pb_no_line_start(0x201C),
          "pb_no_line_start");
    CHECK(pb_no_line_end(0x201C) && pb_no_line_end(0xFF08) && !pb_no_line_end(0xFF09),
          "pb_no_line_end");
    CHECK(pb_char_class_of(0xFF08) == PB_CC_OPEN && pb_char_class_of(0x201D) == PB_CC_CLOSE &&
              pb_char_class_of(0x3002) == PB_CC_STOP && pb_char_class_of(0x00B7) == PB_CC_MIDDLE &&
              pb_char_class_of(0x2014) == PB_CC_DASH && pb_char_class_of(' ') == PB_CC_SPACE &&
              pb_char_class_of('a') == PB_CC_LATIN && pb_char_class_of('7') == PB_CC_LATIN &&
              pb_char_class_of(0x6C49) == PB_CC_HAN && pb_char_class_of(0x20000) == PB_CC_HAN &&
              pb_char_class_of(0x3000) == PB_CC_HAN,
          "pb_char_class_of");
}

static void test_extent(void)
{
    para pa;
    para_init(&pa, "一二 abcdef 三。Information", EM);
    pb_fx mn, mx;
    pb_linebreak_extent(pa.u, pa.n, &mn, &mx);
    CHECK(mn == 11 * EM / 2, "extent min = widest unbreakable run (%d)", (int)mn);
    /* the spaces between the scripts are their gap, not added to it */
    CHECK(mx == 4 * EM + 17 * EM / 2, "extent max = whole text, typed spaces between the "
                                      "scripts taking no room (%d)", (int)mx);
    /* the text set at min never needs an emergency break */
    pa.p.measure = mn;
    para_run(&pa);
    bool ok = consistent(&pa);
    for (int l = 0; l < pa.r.nlines; l++)
        ok = ok && pa.r.lines[l].width <= mn &&
             pa.u[pa.r.lines[l].first + pa.r.lines[l].count - 1].brk != PB_BRK_NONE;
    CHECK(ok, "setting at the min width needs no emergency break");
    pa.p.measure = mx;
    para_run(&pa);
    CHECK(pa.r.nlines == 1, "setting at the max width gives one line");
    para_free(&pa);
}

/* Random texts: every invariant on every line. */
static void test_random(void)
{
    static const char *alphabet[] = {
        "国", "家", "政", "府", "信", "息", "，", "。", "、", "；", "：", "“", "”", "（",
        "）", "《", "》", "——", "……", " ", "a", "b", "c", "1", "2", "0", ".", "-", "/",
        "！", "·", "【", "】", "%", "𠀀"};
    const int na = (int)(sizeof alphabet / sizeof alphabet[0]);
    unsigned seed = 12345;
    int bad = 0;
    for (int iter = 0; iter < 400 && bad < 3; iter++) {
        char text[4096];
        size_t len = 0;
        int nt = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 300;
        for (int k = 0; k < nt; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *t = alphabet[(seed >> 16) % (unsigned)na];
            size_t tl = strlen(t);
            if (len + tl >= sizeof text)
                break;
            memcpy(text + len, t, tl);
            len += tl;
        }
        text[len] = 0;
        seed = seed * 1103515245u + 12345u;
        pb_fx full = (seed >> 16) % 2 ? 1010 : EM;
        para pa;
        para_init(&pa, text, full);
        bool grid = (seed >> 24) % 2;
        if (grid) {
            pa.p.grid = full;
            for (int i = 0; i < pa.n; i++)
                if (pa.u[i].cp >= '0' && pa.u[i].cp <= '9')
                    pa.u[i].width = full / 2;
        }
        pa.p.measure = (pb_fx)(3 * EM + (seed >> 8) % (30 * EM));
        pa.p.first_indent = (seed >> 4) % 3 ? 2 * full : 0;
        pa.p.align = (pb_align)((seed >> 20) % 4);
        para_run(&pa);
        bool ok = consistent(&pa);
        for (int l = 0; l < pa.r.nlines && ok; l++) {
            const pb_lb_line *ln = &pa.r.lines[l];
            int t = ln->first + ln->count - 1;
            bool legal = pa.u[t].brk != PB_BRK_NONE || t == pa.n - 1;
            if (!legal)
                continue; /* emergency line */
            int e = t;
            while (e > ln->first && pa.u[e].cls == PB_CC_SPACE)
                e--;
            /* a hanging mark (grid only: a closing or stop mark in a cell) */
            pb_fx hung = 0;
            if (ln->hang) {
                if (!grid || pa.u[e].width != full ||
                    (pa.u[e].cls != PB_CC_STOP && pa.u[e].cls != PB_CC_CLOSE))
                    ok = false;
                hung = pa.u[e].width + pa.r.adjust[e].lead + pa.r.adjust[e].trail;
            }
            if (ln->count > 1 && ln->width - hung > avail(&pa, l))
                ok = false;
            if (l + 1 < pa.r.nlines && (pb_no_line_end(last_cp(&pa, l)) ||
                                        pb_no_line_start(first_cp(&pa, l + 1))))
                ok = false;
            /* never space inside a Latin word or number */
            for (int i = ln->first; i < e; i++)
                if (pa.u[i].cls == PB_CC_LATIN && pa.u[i + 1].cls == PB_CC_LATIN &&
                    (pa.r.adjust[i].trail > 0 || pa.r.adjust[i + 1].lead > 0))
                    ok = false;
            /* justified: exact, if there is a gap to stretch (and, on the
             * grid, unless the gaps would open wider than a quarter cell) */
            bool gap = false;
            for (int i = ln->first; i < e; i++)
                if (!(pa.u[i].cls == PB_CC_DASH && pa.u[i].cp == pa.u[i + 1].cp) &&
                    !(pa.u[i].cls == PB_CC_LATIN && pa.u[i + 1].cls == PB_CC_LATIN))
                    gap = true;
            if (!grid && pa.p.align == PB_ALIGN_JUSTIFY && pa.u[t].brk != PB_BRK_MANDATORY &&
                t != pa.n - 1 && gap && ln->width != avail(&pa, l))
                ok = false;
            /* compression never exceeds half of a mark */
            for (int i = ln->first; i <= t; i++) {
                const pb_lb_adjust *a = &pa.r.adjust[i];
                if (pa.u[i].cls != PB_CC_SPACE && (a->lead < -EM / 2 || a->trail < -EM / 2 ||
                                                    a->lead + a->trail < -EM / 2))
                    ok = false;
            }
        }
        if (!ok) {
            bad++;
            printf("  random text %d, measure %d, align %d: %s\n", iter, (int)pa.p.measure,
                   (int)pa.p.align, text);
            dump(&pa);
        }
        CHECK(ok, "random paragraph %d keeps all invariants", iter);
        para_free(&pa);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void test_long_paragraph(void)
{
    /* 100k+ units: must be linear */
    size_t reps = 100000 / 200 + 1, sl = strlen(sample);
    char *text = pb_xmalloc(reps * sl + 1);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * sl, sample, sl);
    text[reps * sl] = 0;
    double t0 = now();
    para pa;
    para_init(&pa, text, 1010);
    pa.p.measure = 28 * 1010;
    double t1 = now();
    para_run(&pa);
    double t2 = now();
    bool ok = consistent(&pa) && pa.n > 100000;
    for (int l = 0; l + 1 < pa.r.nlines; l++)
        ok = ok && line_sum(&pa, l) == avail(&pa, l);
    CHECK(ok, "long paragraph (%d units, %d lines): all lines exact", pa.n, pa.r.nlines);
    CHECK(t2 - t1 < 1.0, "long paragraph fitted in %.1f ms (breaks %.1f ms)",
          (t2 - t1) * 1e3, (t1 - t0) * 1e3);
    para_free(&pa);
    free(text);

    /* one unbreakable 100k-digit run: emergency breaks all the way */
    text = pb_xmalloc(100001);
    memset(text, '5', 100000);
    text[100000] = 0;
    para_init(&pa, text, EM);
    t1 = now();
    para_run(&pa);
    t2 = now();
    CHECK(consistent(&pa) && pa.r.nlines == 5000 && t2 - t1 < 1.0,
          "100k-digit run: %d lines in %.1f ms", pa.r.nlines, (t2 - t1) * 1e3);
    para_free(&pa);
    free(text);
}

/* pb_lb_combining, which answers whole blocks without a lookup, against
 * ICU's line-break class of every code point. */
static void test_combining_every_code_point(void)
{
    long bad = 0;
    uint32_t first = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        int lb = u_getIntPropertyValue((UChar32)cp, UCHAR_LINE_BREAK);
        bool want = cp >= 0x300 && (lb == U_LB_COMBINING_MARK || lb == U_LB_ZWJ);
        if (pb_lb_combining(cp) != want) {
            if (!bad)
                first = cp;
            bad++;
        }
    }
    CHECK(bad == 0, "combining marks: %ld code points differ from ICU, first U+%04X", bad,
          (unsigned)first);
}

/* The character classes with the shortcuts for common characters against
 * the rules alone, for every code point. */
static void test_class_every_code_point(void)
{
    long bad = 0;
    uint32_t first = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
        if (pb_char_class_of(cp) != pb_char_class_by_rules(cp)) {
            if (!bad)
                first = cp;
            bad++;
        }
    CHECK(bad == 0, "character classes: %ld code points differ from the rules, first U+%04X",
          bad, (unsigned)first);
}

int main(void)
{
    test_combining_every_code_point();
    test_class_every_code_point();
    test_no_line_start();
    test_no_line_end();
    test_dashes();
    test_numbers_and_words();
    test_url();
    test_find_addresses();
    test_grid();
    test_grid_latin();
    test_typed_spaces();
    test_grid_line_end_run();
    test_justified_sums();
    test_compression();
    test_line_end_trim();
    test_push_in();
    test_marks_whole();
    test_single_last();
    test_indent();
    test_emergency();
    test_mandatory();
    test_opportunities();
    test_extent();
    test_random();
    test_long_paragraph();
    return test_summary();
}
