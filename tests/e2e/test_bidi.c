/* Right-to-left text, read back from the PDF of tests/fixtures/uyghur.json
 * (a Chinese–Uyghur report: a bilingual title, a heading in both scripts,
 * a Chinese paragraph that quotes Uyghur, a Uyghur paragraph with numbers
 * in it, a table with Uyghur cells):
 *
 *  - reading order (pdftotext): each block, cut out of the page, gives its
 *    letters and digits in logical order (pdftotext guesses a block's
 *    direction from the majority of its letters, and it places spaces and
 *    punctuation next to numbers by a rule of its own, so those are left
 *    out of the comparison; their places are checked below);
 *  - the page (glyph positions from `mutool convert -F stext`, in the
 *    order of the content stream, which is the logical order): Uyghur
 *    words read right to left, in a Uyghur paragraph the first word is at
 *    the right, numbers read left to right where UAX #9 puts them, the
 *    Uyghur run inside a Chinese line reads right to left between its
 *    brackets, a right-to-left paragraph has its indent on the right and
 *    its last line at the right, and Uyghur table cells start at the
 *    cell's right;
 *  - the Arabic font is embedded.
 *
 * usage: test_bidi PAIBAN FIXTURE.json WORKDIR */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "../testutil.h"
#include "stext.h"

/* The text block of the GB/T 9704 layout: 28 mm from the left, 156 mm. */
#define BLOCK_LEFT (28 * 72.0 / 25.4)
#define BLOCK_RIGHT ((28 + 156) * 72.0 / 25.4)
#define CELL_PAD (1.5 * 72.0 / 25.4)

/* The fixture's blocks, as the dump names them, and their text. */
static const struct {
    const char *path, *text;
    bool exact; /* its direction is its letters' majority: pdftotext reads it
                   exactly; else each word in logical order */
} blocks[] = {
    {"body[0].text[1]", "ناھىيەلىك ھۆكۈمەت ئۇچۇرلىرىنى ئاشكارىلاش يىللىق دوكلاتى", true},
    {"body[1].text", "一、总体情况 ئومۇمىي ئەھۋال", false},
    {"body[2].text", "本年度主动公开政府信息1,234条，其中规范性文件12件，均以汉文和维吾尔文（ئۇيغۇرچە 2 "
                     "خىل يېزىق）两种文字发布，维吾尔文版本与汉文版本同时在县政府网站公开，方便群众查阅。",
     false},
    {"body[3].text",
     "2021-يىلى ناھىيەمىز ھۆكۈمەت ئۇچۇرلىرىدىن 1,234 تۈرنى ئاكتىپلىق بىلەن ئاشكارىلىدى، بۇنىڭ "
     "ئىچىدە قائىدە خاراكتېرلىك ھۆججەت 12 پارچە. ئىلتىماس بويىچە ئاشكارىلاش ئىلتىماسىدىن 21 نى "
     "تاپشۇرۇۋالدۇق، ھەممىسىگە ۋاقتىدا جاۋاب بەردۇق.", true},
};
enum { NBLOCKS = sizeof blocks / sizeof *blocks };

/* Table cells: the dump's "rR cC" and their text. */
static const struct {
    int row, col;
    const char *text;
    bool rtl;   /* a right-to-left text: it starts at the cell's right */
    bool exact;
} cells[] = {
    {1, 0, "本年新收申请 يېڭى تاپشۇرۇۋالغان ئىلتىماس", false, false},
    {1, 1, "ھەممىسى توردا تاپشۇرۇلدى", true, true},
    {2, 0, "جاۋاب بېرىلگىنى", true, true},
    {2, 1, "予以公开 ئاشكارىلاندى", false, false},
};
enum { NCELLS = sizeof cells / sizeof *cells };

typedef struct box {
    double x0, y0, x1, y1;
    bool found;
} box;

static void grow(box *b, double x0, double y0, double x1, double y1)
{
    if (!b->found) {
        *b = (box){x0, y0, x1, y1, true};
        return;
    }
    b->x0 = fmin(b->x0, x0);
    b->y0 = fmin(b->y0, y0);
    b->x1 = fmax(b->x1, x1);
    b->y1 = fmax(b->y1, y1);
}

/* Letters and digits only (pdftotext's bidi controls, spaces and
 * punctuation left out), as UTF-8. */
static void letters(const char *s, char *out, size_t size)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp = pb_utf8_next(s, len, &i);
        hb_unicode_general_category_t gc = hb_unicode_general_category(uf, cp);
        bool keep = gc == HB_UNICODE_GENERAL_CATEGORY_OTHER_LETTER ||
                    gc == HB_UNICODE_GENERAL_CATEGORY_LOWERCASE_LETTER ||
                    gc == HB_UNICODE_GENERAL_CATEGORY_UPPERCASE_LETTER ||
                    gc == HB_UNICODE_GENERAL_CATEGORY_MODIFIER_LETTER ||
                    gc == HB_UNICODE_GENERAL_CATEGORY_DECIMAL_NUMBER;
        if (keep && n + 5 < size)
            n += (size_t)pb_utf8_encode(cp, out + n);
    }
    out[n] = 0;
}

/* Whether pdftotext's text of a block (got: letters and digits) holds
 * each word of the block's text (want, with its spaces), split where the
 * direction changes, whole and in logical order, and nothing else: what
 * pdftotext gives for a block whose direction it guesses wrong, or whose
 * right-to-left run goes on to the next line.  Where the words are drawn
 * is checked on the page. */
static bool same_words(const char *got, const char *want)
{
    char *left = pb_xmalloc(strlen(got) + 1);
    strcpy(left, got);
    size_t len = strlen(want), total = 0;
    bool ok = true;
    for (size_t i = 0; i < len && ok;) {
        char word[1024];
        size_t n = 0;
        int dir = -1;
        while (i < len) {
            size_t at = i;
            uint32_t cp = pb_utf8_next(want, len, &i);
            int d = cp >= 0x0600 && cp <= 0x06FF;
            if (cp == ' ' || (dir >= 0 && d != dir)) {
                if (cp != ' ')
                    i = at;
                break;
            }
            dir = d;
            if (n + 5 < sizeof word)
                n += (size_t)pb_utf8_encode(cp, word + n);
        }
        word[n] = 0;
        char kept[1024];
        letters(word, kept, sizeof kept);
        if (!*kept)
            continue;
        char *hit = strstr(left, kept);
        ok = hit != NULL;
        if (hit)
            memset(hit, '.', strlen(kept));
        total += strlen(kept);
    }
    ok = ok && total == strlen(got);
    free(left);
    return ok;
}

/* pdftotext of a region of page 1, letters and digits only. */
static char *read_region(const char *pdf, box b, char *out, size_t size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "pdftotext -f 1 -l 1 -x %d -y %d -W %d -H %d '%s' -",
             (int)floor(b.x0) - 1, (int)floor(b.y0) - 1, (int)ceil(b.x1 - b.x0) + 2,
             (int)ceil(b.y1 - b.y0) + 2, pdf);
    int st;
    char *text = test_run(cmd, &st);
    letters(text ? text : "", out, size);
    free(text);
    return out;
}

/* The dump's boxes: each block's lines, each cell. */
static void read_dump(const char *dump, box *block_box, box *cell_box)
{
    FILE *f = fopen(dump, "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        double y, base, x, w, h;
        char path[256];
        int r, c;
        if (sscanf(line, "line y=%lf base=%lf x=%lf w=%lf %255s", &y, &base, &x, &w, path) == 5) {
            for (int i = 0; i < NBLOCKS; i++)
                if (!strcmp(path, blocks[i].path))
                    /* the line box: from its top to as far below the
                       baseline as above it */
                    grow(&block_box[i], x, y, x + w, base + (base - y) * 0.5);
        } else if (sscanf(line, "  cell r%d c%d %*s x=%lf y=%lf w=%lf h=%lf", &r, &c, &x, &y, &w,
                          &h) == 6) {
            for (int i = 0; i < NCELLS; i++)
                if (cells[i].row == r && cells[i].col == c)
                    grow(&cell_box[i], x, y, x + w, y + h);
        }
    }
    if (f)
        fclose(f);
}

/* The first run of `text`'s characters in the content stream at or after
 * index `from`: its index in d->stream, or -1. */
static int find_from(const doc *d, int from, const char *text)
{
    uint32_t want[256];
    int n = 0;
    size_t len = strlen(text);
    for (size_t i = 0; i < len && n < 256;)
        want[n++] = pb_utf8_next(text, len, &i);
    for (int s = from < 0 ? 0 : from; s + n <= d->nchars; s++) {
        int k = 0;
        while (k < n && d->stream[s + k].cp == want[k])
            k++;
        if (k == n)
            return s;
    }
    return -1;
}

static int find(const doc *d, const char *text)
{
    return find_from(d, 0, text);
}

/* Extent of stream characters [s, s + n). */
static box extent(const doc *d, int s, int n)
{
    box b = {0};
    for (int i = s; i < s + n; i++)
        grow(&b, d->stream[i].x, d->stream[i].y, d->stream[i].x1, d->stream[i].y);
    return b;
}

static int length(const char *s)
{
    int n = 0;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; n++)
        pb_utf8_next(s, len, &i);
    return n;
}

/* A word of one script: each character left of the one before it. */
static bool reads_rtl(const doc *d, const char *word)
{
    int s = find(d, word);
    if (!CHECK(s >= 0, "\"%s\" is in the content stream", word))
        return false;
    for (int i = s + 1; i < s + length(word); i++)
        if (!(d->stream[i].x < d->stream[i - 1].x))
            return CHECK(false, "\"%s\" reads right to left (character %d at %.2f, the one "
                                "before at %.2f)", word, i - s, d->stream[i].x,
                         d->stream[i - 1].x);
    return CHECK(true, "\"%s\" reads right to left", word);
}

/* After the block that starts with `anchor`, a is right of b on the page
 * (a's left edge at b's right edge or past it; a compressed mark's box may
 * reach 1 pt into its neighbour's). */
static bool right_of(const doc *d, const char *anchor, const char *a, const char *b)
{
    int from = find(d, anchor);
    int sa = find_from(d, from, a), sb = find_from(d, from, b);
    if (!CHECK(from >= 0 && sa >= 0 && sb >= 0, "\"%s\" and \"%s\" are in the content "
               "stream after \"%s\"", a, b, anchor))
        return false;
    box ba = extent(d, sa, length(a)), bb = extent(d, sb, length(b));
    return CHECK(ba.x0 >= bb.x1 - 1.0 && ba.x0 + ba.x1 > bb.x0 + bb.x1,
                 "\"%s\" (%.2f..%.2f) is right of \"%s\" (%.2f..%.2f)", a, ba.x0, ba.x1, b,
                 bb.x0, bb.x1);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_bidi PAIBAN FIXTURE.json WORKDIR\n");
        return 2;
    }
    const char *paiban = argv[1], *fixture = argv[2], *work = argv[3];
    char cmd[4096];
    int st;
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", work);
    free(test_run(cmd, &st));
    doc d = {0};
    if (!load(&d, paiban, fixture, work))
        return test_summary();
    char dump[1024];
    snprintf(dump, sizeof dump, "%s/uyghur.dump", work);
    snprintf(cmd, sizeof cmd, "'%s' render '%s' -o /dev/null --dump '%s'", paiban, fixture, dump);
    free(test_run(cmd, &st));
    box block_box[NBLOCKS] = {{0}}, cell_box[NCELLS] = {{0}};
    read_dump(dump, block_box, cell_box);

    /* ---- reading order, as pdftotext gives it ---- */
    static char got[8192], want[8192];
    for (int i = 0; i < NBLOCKS; i++) {
        if (!CHECK(block_box[i].found, "%s is in the dump", blocks[i].path))
            continue;
        read_region(d.pdf, block_box[i], got, sizeof got);
        letters(blocks[i].text, want, sizeof want);
        if (blocks[i].exact)
            CHECK(!strcmp(got, want), "%s: pdftotext reads it in logical order\n  want %s\n"
                  "  got  %s", blocks[i].path, want, got);
        else
            CHECK(same_words(got, blocks[i].text), "%s: pdftotext reads each of its words in "
                  "logical order\n  want %s\n  got  %s", blocks[i].path, want, got);
    }
    for (int i = 0; i < NCELLS; i++) {
        if (!CHECK(cell_box[i].found, "cell r%d c%d is in the dump", cells[i].row, cells[i].col))
            continue;
        read_region(d.pdf, cell_box[i], got, sizeof got);
        letters(cells[i].text, want, sizeof want);
        if (cells[i].exact)
            CHECK(!strcmp(got, want), "cell r%d c%d: pdftotext reads it in logical order\n"
                  "  want %s\n  got  %s", cells[i].row, cells[i].col, want, got);
        else
            CHECK(same_words(got, cells[i].text), "cell r%d c%d: pdftotext reads each of its "
                  "words in logical order\n  want %s\n  got  %s", cells[i].row, cells[i].col,
                  want, got);
    }

    /* ---- the page ---- */
    /* Uyghur words read right to left, in every block */
    static const char *const words[] = {"ناھىيەلىك", "ئومۇمىي", "ئۇيغۇرچە", "ناھىيەمىز",
                                        "ئۇچۇرلىرىدىن", "تۈرنى", "خاراكتېرلىك", "ھەممىسىگە",
                                        "تاپشۇرۇۋالغان", "بېرىلگىنى"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        reads_rtl(&d, words[i]);
    /* the heading: Chinese, then the Uyghur words, first word to the right */
    const char *heading = "一、总体情况", *quote = "维吾尔文（", *uyghur = "2021-",
               *table = "件数";
    right_of(&d, heading, "ئومۇمىي", "ئەھۋال");
    right_of(&d, heading, "ئەھۋال", "总体情况");
    /* the Uyghur run inside the Chinese paragraph, between its brackets,
     * with the number in it at its place (UAX #9: 2 between the words) */
    right_of(&d, quote, "ئۇيغۇرچە", "2");
    right_of(&d, quote, "2", "خىل");
    right_of(&d, quote, "خىل", "يېزىق");
    right_of(&d, quote, "يېزىق", "（");
    right_of(&d, quote, "）", "ئۇيغۇرچە");
    right_of(&d, quote, "两种", "）");
    /* the Uyghur paragraph: numbers read left to right, where they belong */
    int n = find_from(&d, find(&d, uyghur), "1,234");
    CHECK(n >= 0 && d.stream[n].x < d.stream[n + 1].x && d.stream[n + 1].x < d.stream[n + 2].x &&
              d.stream[n + 2].x < d.stream[n + 4].x,
          "1,234 reads left to right");
    right_of(&d, uyghur, "ئۇچۇرلىرىدىن", "1,234");
    right_of(&d, uyghur, "1,234", "تۈرنى");
    right_of(&d, uyghur, "ھۆججەت", "12");
    right_of(&d, uyghur, "12", "پارچە");
    /* "2021-يىلى": the year first (at the right), the hyphen, the suffix */
    right_of(&d, uyghur, "2021", "-");
    right_of(&d, uyghur, "-", "يىلى");
    /* its first line: the year at the right, two characters in from the
     * text block's edge (the indent); its last line at the right */
    int y = find(&d, "2021-");
    if (CHECK(y >= 0, "the Uyghur paragraph's first line")) {
        box b = extent(&d, y, 4);
        CHECK(fabs(b.x1 - (BLOCK_RIGHT - 32)) < 1.5,
              "the first line starts at the right, after the indent (%.2f, want %.2f)", b.x1,
              BLOCK_RIGHT - 32);
    }
    int last = find(&d, "ۋاقتىدا");
    if (CHECK(last >= 0, "the Uyghur paragraph's last line")) {
        box b = extent(&d, last, length("ۋاقتىدا"));
        CHECK(fabs(b.x1 - BLOCK_RIGHT) < 1.5 && b.x0 > BLOCK_LEFT + 200,
              "the last line is at the right (%.2f..%.2f)", b.x0, b.x1);
    }
    /* table cells in Uyghur start at the cell's right, the others at its left */
    for (int i = 0; i < NCELLS; i++) {
        const char *first = cells[i].rtl ? cells[i].text : NULL;
        if (!cell_box[i].found)
            continue;
        if (first) {
            char word[128];
            snprintf(word, sizeof word, "%.*s", (int)strcspn(first, " "), first);
            int s = find_from(&d, find(&d, table), word);
            box b = s >= 0 ? extent(&d, s, length(word)) : (box){0};
            CHECK(s >= 0 && fabs(b.x1 - (cell_box[i].x1 - CELL_PAD)) < 1.0,
                  "cell r%d c%d starts at its right (%.2f, the cell's text ends at %.2f)",
                  cells[i].row, cells[i].col, b.x1, cell_box[i].x1 - CELL_PAD);
        } else {
            char word[128];
            snprintf(word, sizeof word, "%.*s", (int)strcspn(cells[i].text, " "), cells[i].text);
            int s = find_from(&d, find(&d, table), word);
            box b = s >= 0 ? extent(&d, s, length(word)) : (box){0};
            CHECK(s >= 0 && fabs(b.x0 - (cell_box[i].x0 + CELL_PAD)) < 1.0,
                  "cell r%d c%d starts at its left (%.2f, want %.2f)", cells[i].row,
                  cells[i].col, b.x0, cell_box[i].x0 + CELL_PAD);
        }
    }

    /* ---- fonts ---- */
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", d.pdf);
    char *fonts = test_run(cmd, &st);
    CHECK(fonts && strstr(fonts, "NotoNaskhArabic-Regular") && strstr(fonts, "NotoNaskhArabic-Bold"),
          "the Arabic fonts are embedded:\n%s", fonts ? fonts : "");
    free(fonts);
    doc_free(&d);
    return test_summary();
}
